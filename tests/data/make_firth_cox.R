# Regenerates firth_cox_extra.json: Firth-penalized Cox (coxphf definition, Breslow ties)
# golden values made independently of coxphf, from R's own partial likelihood.
# Run from the crate root:  Rscript tests/data/make_firth_cox.R
# Made with R 4.2.2, survival 3.5-3.
#
# l*(beta) = l(beta) + 1/2 log det I(beta), with l and I from
# coxph(..., ties = "breslow", init = beta, iter.max = 0) (loglik[1], solve(var)).
# The penalized score is a Richardson-extrapolated central difference of l*; the maximum is
# found by Newton steps with the unpenalized information (as coxphf) until the step is
# < 1e-11; restricted maxima (penalized LR tests, profiles) keep the full p x p penalty;
# profile bounds are uniroot(tol = 1e-11) roots of 2 (l*max - l*_profile) = qchisq(0.95, 1).
suppressMessages(library(survival))
options(digits = 15)

pen_fun <- function(formula, data, weights = NULL) {
  function(beta) {
    fit <- if (is.null(weights)) {
      coxph(formula, data = data, ties = "breslow", init = beta,
            control = coxph.control(iter.max = 0))
    } else {
      data$.w <- weights
      coxph(formula, data = data, ties = "breslow", init = beta, weights = .w,
            robust = FALSE, control = coxph.control(iter.max = 0))
    }
    info <- solve(fit$var)
    list(value = fit$loglik[1] + 0.5 * as.numeric(determinant(info)$modulus), info = info)
  }
}

grad <- function(f, beta, h) {
  g <- numeric(length(beta))
  for (j in seq_along(beta)) {
    d <- function(s) {
      e <- numeric(length(beta)); e[j] <- s
      (f(beta + e)$value - f(beta - e)$value) / (2 * s)
    }
    g[j] <- (4 * d(h[j] / 2) - d(h[j])) / 3
  }
  g
}

maximise <- function(f, start, free, h) {
  beta <- start
  for (it in 1:200) {
    ev <- f(beta)
    g <- grad(f, beta, h)
    step <- numeric(length(beta))
    step[free] <- solve(ev$info[free, free, drop = FALSE], g[free])
    step <- pmax(pmin(step, 0.5), -0.5)
    beta <- beta + step
    if (max(abs(step)) < 1e-11) break
  }
  list(beta = beta, value = f(beta)$value, info = f(beta)$info)
}

firth_case <- function(id, formula, data, weights = NULL, note) {
  f <- pen_fun(formula, data, weights)
  mm <- model.matrix(formula, data)[, -1, drop = FALSE]
  mm <- mm[, !grepl("strata", colnames(mm)), drop = FALSE]
  p <- ncol(mm)
  h <- 1e-3 / apply(mm, 2, sd)
  full <- maximise(f, rep(0, p), rep(TRUE, p), h)
  null <- f(rep(0, p))$value
  se <- sqrt(diag(solve(full$info)))
  chisq <- numeric(p); lower <- numeric(p); upper <- numeric(p)
  crit <- qchisq(0.95, 1)
  for (k in 1:p) {
    free <- rep(TRUE, p); free[k] <- FALSE
    start <- full$beta; start[k] <- 0
    chisq[k] <- 2 * (full$value - maximise(f, start, free, h)$value)
    prof <- function(psi) {
      start <- full$beta; start[k] <- psi
      2 * (full$value - maximise(f, start, free, h)$value) - crit
    }
    b <- full$beta[k]
    # the bracket's far end: the nearest of 2, 4, 8 standard errors where the profile is
    # past the critical value (farther out the restricted fit can overflow)
    far <- function(dir) {
      for (m in c(2, 4, 8)) {
        end <- b + dir * m * se[k]
        v <- tryCatch(prof(end), error = function(e) NA)
        if (!is.na(v) && v > 0) return(end)
      }
      stop("no bracket for ", id, " coefficient ", k)
    }
    lower[k] <- uniroot(prof, c(far(-1), b), tol = 1e-11)$root
    upper[k] <- uniroot(prof, c(b, far(1)), tol = 1e-11)$root
  }
  list(id = id, call = note, covariates = colnames(mm), coef = full$beta, se = se,
       penalized_loglik = full$value, null_penalized_loglik = null,
       chisq = chisq, lower = lower, upper = upper)
}

lung <- read.csv("tests/data/lung.csv")
ovarian <- read.csv("tests/data/ovarian.csv")
mono <- data.frame(time = 1:10, status = c(1, 1, 1, 0, 1, 1, 0, 1, 1, 0),
                   x = c(1, 1, 1, 1, 0, 0, 0, 0, 0, 0),
                   z = c(0.5, -1, 2, 0.3, 1.1, -0.7, 0.2, 1.5, -0.4, 0.9))
lung_w <- 1 + (seq_len(nrow(lung)) %% 2)
# A case proptest found (tests/firth_cox.rs, finite_under_monotone_likelihood): x holds the two
# tied earliest deaths (its ML estimate is infinite) and z nearly orders the deaths; the
# penalized maximum gives x a NEGATIVE coefficient, so "x separates => beta_x > 0" is no theorem.
tied <- data.frame(
  time = c(0.1, 0.1, rep(10.1, 6), 10.26895687537869, 10.975654492458201, 12.65288454259808,
           12.85875709945837, 14.196552834776078, 15.359860937036538, 16.077477680877124),
  status = c(1, 1, rep(0, 6), 1, 0, 0, 1, 0, 0, 0),
  x = c(1, 1, rep(0, 13)),
  z = c(-0.9156864375371118, -1.087828188586804, rep(0, 6), 0.7404301096769474,
        0.9796903982287986, 0.9277305389325412, 1.1345311630792645, 1.0545187543635162,
        1.5704451067393674, 1.6296081283568804))

cases <- list(
  firth_case("ovarian", Surv(futime, fustat) ~ age + rx + ecog_ps, ovarian,
             note = "ovarian: Surv(futime, fustat) ~ age + rx + ecog_ps"),
  firth_case("mono", Surv(time, status) ~ x + z, mono,
             note = "monotone toy (x = 1 holds the earliest deaths): Surv(time, status) ~ x + z"),
  firth_case("tied_sign", Surv(time, status) ~ x + z, tied,
             note = "tied earliest deaths held by x, z nearly ordering the deaths: Surv(time, status) ~ x + z"),
  firth_case("lung_strata", Surv(time, status) ~ age + ph_ecog + strata(sex), lung,
             note = "lung.csv: Surv(time, status) ~ age + ph_ecog + strata(sex)"),
  firth_case("lung_weights", Surv(time, status) ~ age + sex, lung, weights = lung_w,
             note = "lung.csv: Surv(time, status) ~ age + sex, weights 1 + (row %% 2) (1-based row)")
)
# minimal JSON writer (jsonlite is not installed): unnamed lists are arrays, named lists
# objects, length-1 vectors scalars
json <- function(x, indent = "") {
  inner <- paste0(indent, "  ")
  if (is.list(x) && is.null(names(x))) {
    items <- vapply(x, json, "", indent = inner)
    return(paste0("[", paste(items, collapse = ", "), "]"))
  }
  if (is.list(x)) {
    items <- mapply(function(k, v) paste0('"', k, '": ', json(v, inner)), names(x), x)
    return(paste0("{\n", inner, paste(items, collapse = paste0(",\n", inner)), "\n", indent, "}"))
  }
  if (is.character(x)) paste0('"', x, '"') else formatC(x, digits = 15, format = "g")
}
cases <- lapply(cases, function(c) {
  for (k in c("covariates", "coef", "se", "chisq", "lower", "upper")) c[[k]] <- as.list(c[[k]])
  c
})
out <- list(provenance = paste("R", getRversion(), "survival", packageVersion("survival"),
                               "- tests/data/make_firth_cox.R"),
            tolerance = 1e-6, cases = cases)
writeLines(json(out), "tests/data/firth_cox_extra.json")
