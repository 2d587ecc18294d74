# Goldens for tests/formula_vs_r.rs: model formulas, factors, NA removal, drop1, cox.zph
# terms, survfit for a named patient, glm term tests, Firth penalized term tests.
# R 4.2.2, survival 3.5-3. Run from the crate root:
#   Rscript tests/data/R/formula_goldens.R
# Writes tests/data/lung_formula.csv and tests/data/formula_goldens.json.
suppressPackageStartupMessages(library(survival))
invisible(Sys.setlocale("LC_COLLATE", "C"))  # factor levels of text in byte order, as oncostat
options(digits = 15)

d <- read.csv("tests/data/lung_full.csv")
n <- nrow(d)
d$sexc <- c("male", "female")[d$sex]
d$grp <- c("B", "a", "C")[(seq_len(n) %% 3) + 1]          # C-locale order: B, C, a
d$arm <- ifelse(seq_len(n) %% 4 < 2, "dose high", "control")
d$pid <- (seq_len(n) + 1) %/% 2                            # clusters of two rows
d$resp <- as.integer(d$wt_loss > 5)                        # binary, NA where wt_loss is
d$code <- c(5, 10, 20)[(seq_len(n) %% 3) + 1]               # factor(code): 5 < 10 < 20
d$lage <- log(d$age) / 10
write.csv(d, "tests/data/lung_formula.csv", row.names = FALSE, na = "NA")
d <- read.csv("tests/data/lung_formula.csv")
heart_d <- read.csv("tests/data/heart.csv")

num <- function(x) unname(as.numeric(x))
wald_terms <- function(b, V, assign, labels) {
  lapply(seq_along(labels), function(k) {
    j <- which(assign == k & !is.na(b))
    stat <- if (length(j)) drop(t(b[j]) %*% solve(V[j, j, drop = FALSE]) %*% b[j]) else NA
    list(term = labels[k], df = length(j), chisq = stat)
  })
}
drop1_terms <- function(fit) {
  t <- drop1(fit, test = "Chisq")
  rows <- rownames(t)[-1]
  stat_col <- if ("LRT" %in% names(t)) "LRT" else "Deviance"
  lapply(rows, function(r) list(term = r, df = num(t[r, "Df"]), chisq = num(t[r, stat_col])))
}

cox_case <- function(name, formula, ..., data = "d", file = "lung_formula.csv") {
  fit <- do.call("coxph", list(formula, data = as.name(data), ...))
  b <- coef(fit)
  tl <- attr(terms(fit), "term.labels")
  sp <- grepl("^(strata|cluster|offset)\\(", tl)
  labels <- tl[!sp]
  assign <- rep(seq_along(attr(fit$assign, "names") %||% names(fit$assign)), lengths(fit$assign))
  assign <- unlist(lapply(seq_along(fit$assign), function(k) rep(k, length(fit$assign[[k]]))))
  zph <- cox.zph(fit)
  out <- list(
    name = name, formula = deparse1(formula), n = fit$n, events = fit$nevent,
    dropped = length(fit$na.action), dropped_rows = I(num(fit$na.action)),
    coefficients = lapply(seq_along(b), function(j) list(
      name = names(b)[j], coef = num(b[j]), se = num(sqrt(diag(vcov(fit)))[j]))),
    loglik = num(fit$loglik[2]),
    wald = wald_terms(b, vcov(fit), assign, names(fit$assign)),
    file = file,
    drop1 = drop1_terms(refit_complete(fit, "coxph", list(formula, ...), get(data))),
    zph = lapply(rownames(zph$table), function(r) list(
      name = r, chisq = num(zph$table[r, "chisq"]), df = num(zph$table[r, "df"])))
  )
  out
}
# drop1 refits with update() and stops if the rows change: refit on the complete cases
refit_complete <- function(fit, fun, args, data = d) {
  assign("dd", if (is.null(fit$na.action)) data else data[-fit$na.action, ], envir = globalenv())
  do.call(fun, c(args, list(data = quote(dd))))
}
`%||%` <- function(a, b) if (is.null(a)) b else a

cases <- list(
  cox_case("factors", Surv(time, status) ~ age + sexc + factor(ph_ecog)),
  cox_case("interaction_star", Surv(time, status) ~ age * sexc + wt_loss),
  cox_case("interaction_no_margin", Surv(time, status) ~ factor(ph_ecog):age + grp),
  cox_case("numeric_factor_code", Surv(time, status) ~ factor(code) + arm + age),
  cox_case("strata_cluster_na", Surv(time, status) ~ age + sexc + wt_loss + strata(inst) + cluster(pid)),
  cox_case("relevel", Surv(time, status) ~ age + relevel(factor(grp), ref = "a")),
  cox_case("minus_one", Surv(time, status) ~ factor(ph_ecog) + age - 1),
  cox_case("offset_breslow", Surv(time, status) ~ sexc + meal_cal + offset(lage), ties = "breslow"),
  cox_case("counting_cluster", Surv(start, stop, event) ~ age + factor(surgery) * transplant + cluster(id),
           data = "heart_d", file = "heart.csv")
)

# survfit of a named patient in a chosen stratum
fit_s <- coxph(Surv(time, status) ~ age + sexc + strata(inst), data = d)
new <- data.frame(age = 60, sexc = "female", inst = 12)
sf <- survfit(fit_s, newdata = new)
times <- c(90, 180, 365, 500)
ss <- summary(sf, times = times)
survfit_case <- list(
  formula = "Surv(time, status) ~ age + sexc + strata(inst)", stratum = "12",
  age = 60, sexc = "female", times = times, surv = num(ss$surv), std_err = num(ss$std.err),
  lower = num(ss$lower), upper = num(ss$upper),
  lp_sample = num(predict(fit_s, newdata = new, type = "lp", reference = "sample"))
)

# logistic (glm, tightly converged)
glm_case <- function(name, formula) {
  fit <- do.call("glm", list(formula, family = quote(binomial), data = quote(d),
    control = glm.control(epsilon = 1e-14, maxit = 100)))
  b <- coef(fit)
  mm <- model.matrix(fit)
  assign <- attr(mm, "assign")
  labels <- attr(terms(fit), "term.labels")
  list(
    name = name, formula = deparse1(formula), n = nrow(mm), dropped = length(fit$na.action),
    coefficients = lapply(seq_along(b), function(j) list(name = names(b)[j], coef = num(b[j]))),
    deviance = fit$deviance,
    wald = wald_terms(b, vcov(fit), assign, labels),
    drop1 = drop1_terms(refit_complete(fit, "glm", list(formula, family = quote(binomial),
      control = glm.control(epsilon = 1e-14, maxit = 100)))),
    new_prob = num(predict(fit, newdata = data.frame(age = 60, sexc = "female", grp = "C",
      ph_ecog = 1, arm = "dose high", code = 10), type = "response"))
  )
}
glm_cases <- list(
  glm_case("glm_factors", resp ~ age + sexc + factor(code)),
  glm_case("glm_star", resp ~ age * sexc + grp),
  glm_case("glm_no_intercept", resp ~ grp + age - 1),
  glm_case("glm_factor_interaction", resp ~ arm * sexc)
)

# Firth: maximise the penalized log-likelihood l(b) + log det(X'WX)/2 directly (Newton steps
# with X'WX on logistf's modified score, the exact gradient, with step halving), unrestricted and with a term's
# coefficients fixed at 0 (logistf's drop1 keeps the full design's penalty)
firth_fit <- function(X, y, fixed = integer(0)) {
  p <- ncol(X); b <- rep(0, p); free <- setdiff(seq_len(p), fixed)
  pl <- function(b) {
    eta <- drop(X %*% b); pr <- 1 / (1 + exp(-eta)); w <- pr * (1 - pr)
    sum(y * eta - log1p(exp(eta))) + 0.5 * drop(determinant(crossprod(X * sqrt(w)))$modulus)
  }
  converged <- FALSE
  for (it in 1:500) {
    eta <- drop(X %*% b); pr <- 1 / (1 + exp(-eta)); w <- pr * (1 - pr)
    XW <- X * sqrt(w); I <- crossprod(XW)
    h <- rowSums((XW %*% solve(I)) * XW)
    U <- drop(crossprod(X, y - pr + h * (0.5 - pr)))
    step <- solve(I[free, free, drop = FALSE], U[free])
    mx <- max(abs(step)); if (mx > 5) step <- step * 5 / mx
    old <- pl(b); nb <- b; nb[free] <- b[free] + step
    k <- 0
    while (pl(nb) < old - 1e-12 && k < 30) { step <- step / 2; nb[free] <- b[free] + step; k <- k + 1 }
    b <- nb
    if (max(abs(U[free])) < 1e-6 || (max(abs(step)) < 1e-10 && max(abs(U[free])) < 1e-5)) { converged <- TRUE; break }
  }
  if (!converged) stop(sprintf("no convergence: |U| %g, step %g, b %s", max(abs(U[free])), max(abs(step)), paste(b, collapse=" ")))
  list(b = b, pl = pl(b))
}
firth_case <- function(name, formula) {
  mf <- model.frame(formula, data = d)
  X <- model.matrix(formula, mf); y <- model.response(mf)
  assign <- attr(X, "assign"); labels <- attr(terms(formula), "term.labels")
  full <- firth_fit(X, y)
  tests <- lapply(seq_along(labels), function(k) {
    r <- firth_fit(X, y, fixed = which(assign == k))
    list(term = labels[k], df = sum(assign == k), chisq = 2 * (full$pl - r$pl))
  })
  list(name = name, formula = deparse1(formula), coefficients = lapply(seq_along(full$b),
    function(j) list(name = colnames(X)[j], coef = full$b[j])),
    penalized_loglik = full$pl, drop1 = tests)
}
firth_cases <- list(
  firth_case("firth_factors", resp ~ age + sexc + factor(ph_ecog)),
  firth_case("firth_grp", resp ~ grp + arm + meal_cal)
)

json <- function(x) {
  if (is.list(x)) {
    if (!is.null(names(x)) && all(names(x) != "")) {
      paste0("{", paste(sprintf("\"%s\": %s", names(x), vapply(x, json, "")), collapse = ", "), "}")
    } else paste0("[", paste(vapply(x, json, ""), collapse = ", "), "]")
  } else if (is.character(x)) {
    q <- sprintf("\"%s\"", gsub("\"", "\\\\\"", x))
    if (length(x) == 1 && !inherits(x, "AsIs")) q else paste0("[", paste(q, collapse = ", "), "]")
  } else {
    f <- ifelse(is.na(x), "null", sprintf("%.17g", x))
    if (length(x) == 1 && !inherits(x, "AsIs")) f else paste0("[", paste(f, collapse = ", "), "]")
  }
}
out <- list(
  provenance = paste("R", getRversion(), "survival", packageVersion("survival"),
                     "tests/data/R/formula_goldens.R"),
  tolerance = 1e-6, cox = cases, survfit = survfit_case, glm = glm_cases, firth = firth_cases)
writeLines(json(out), "tests/data/formula_goldens.json")
