# Writes survreg_lung.csv and survreg_goldens.json (R's survreg fits, iteration counts,
# iteration traces and quantile predictions) for tests/survreg_vs_r.rs.
# Run from tests/data:  Rscript R/survreg_goldens.R
# R 4.2.2, survival 3.5-3, default survreg.control().
library(survival)
stopifnot(packageVersion("survival") == "3.5.3")

lung <- survival::lung
lung$status <- lung$status - 1L
i <- seq_len(nrow(lung))
lung$w_int <- 1 + (i %% 3)
lung$w_frac <- 0.5 + (i %% 4) / 3
lung$off <- 0.002 * lung$age
lung$grp <- ifelse(i %% 2 == 0, "even", "odd")
lung <- lung[, c("time", "status", "age", "sex", "ph.ecog", "inst", "w_int", "w_frac", "off", "grp")]
names(lung) <- gsub(".", "_", names(lung), fixed = TRUE)
write.csv(lung, "survreg_lung.csv", row.names = FALSE)
ovarian <- read.csv("ovarian.csv")
# simulated sets with small scales and heavy censoring: starting values far from the
# estimate, so that the iteration backtracks
set.seed(20261201)
n <- 80
sim <- data.frame(x = rnorm(n), g = rbinom(n, 1, 0.5))
for (k in 1:8) {
  sig <- c(0.1, 0.2, 0.05, 0.3, 2, 0.15, 0.08, 3)[k]
  eps <- switch(1 + (k %% 3), log(rexp(n)), rnorm(n), rlogis(n))
  t <- exp(1 + 4 * sim$x * (k %% 2) + 2 * sim$g + sig * eps)
  cc <- runif(n, 0, quantile(t, c(0.3, 0.6, 0.9)[1 + k %% 3]))
  sim[[paste0("t", k)]] <- signif(pmin(t, cc), 6)
  sim[[paste0("s", k)]] <- as.integer(t <= cc)
}
write.csv(sim, "survreg_sim.csv", row.names = FALSE)
sim <- read.csv("survreg_sim.csv")

num <- function(x) {
  if (length(x) == 0) return("[]")
  s <- ifelse(is.na(x) | !is.finite(x), "null", sprintf("%.17g", x))
  paste0("[", paste(s, collapse = ", "), "]")
}
str1 <- function(x) if (length(x) == 0) "[]" else paste0("[", paste0('"', x, '"', collapse = ", "), "]")
q <- function(x) if (is.null(x)) "null" else paste0('"', x, '"')
obj <- function(...) {
  a <- list(...)
  paste0("{", paste0('"', names(a), '": ', unlist(a), collapse = ", "), "}")
}


case <- function(name, file, d, time, status, covs, dist, strata = NULL, weights = NULL,
                 offset = NULL, scale = 0, trace = FALSE, p = c(0.1, 0.5, 0.9)) {
  rhs <- if (length(covs)) paste(covs, collapse = " + ") else "1"
  if (!is.null(strata)) rhs <- paste0(rhs, " + strata(", strata, ")")
  if (!is.null(offset)) rhs <- paste0(rhs, " + offset(", offset, ")")
  fml <- as.formula(paste0("Surv(", time, ", ", status, ") ~ ", rhs))
  used <- c(time, status, covs, strata, weights, offset)
  dd <- d[complete.cases(d[, used]), , drop = FALSE]
  wexpr <- if (is.null(weights)) NULL else dd[[weights]]
  fit <- suppressWarnings(survreg(fml, data = dd, dist = dist, weights = wexpr, scale = scale))
  s <- summary(fit)
  tab <- s$table
  # iteration trace: the point returned after k iterations, k = 1..iter
  tr <- "[]"
  if (trace) {
    pts <- sapply(seq_len(fit$iter), function(k) {
      f <- suppressWarnings(survreg(fml, data = dd, dist = dist, weights = wexpr, scale = scale,
                                    control = survreg.control(maxiter = k)))
      c(coef(f), if (nrow(f$var) > length(coef(f))) log(f$scale) else numeric(0))
    })
    tr <- paste0("[", paste(apply(matrix(pts, ncol = fit$iter), 2, num), collapse = ", "), "]")
  }
  idx <- c(1, 5, 17, nrow(dd))
  nd <- dd[idx, , drop = FALSE]
  pq <- predict(fit, newdata = nd, type = "quantile", p = p, se.fit = TRUE)
  plp <- predict(fit, newdata = nd, type = "lp", se.fit = TRUE)
  strata_of_new <- if (is.null(strata)) rep(0, nrow(nd)) else
    match(nd[[strata]], sort(unique(dd[[strata]]))) - 1
  obj(name = q(name), file = q(file), time = q(time), status = q(status),
      covariates = str1(covs), dist = q(dist), strata = q(strata), weights = q(weights),
      offset = q(offset), scale = num(scale), n = num(nrow(dd)),
      rows = str1(rownames(tab)), coef = num(tab[, 1]), se = num(tab[, 2]),
      z = num(tab[, 3]), p = num(tab[, 4]), scales = num(fit$scale),
      loglik = num(fit$loglik[2]), loglik_null = num(fit$loglik[1]),
      icoef = num(fit$icoef),
      chisq = num(2 * diff(fit$loglik)), df = num(sum(fit$df) - fit$idf),
      lr_p = num(pchisq(2 * diff(fit$loglik), sum(fit$df) - fit$idf, lower.tail = FALSE)),
      aic = num(AIC(fit)), bic = num(BIC(fit)),
      iter = num(fit$iter), var = num(as.vector(t(vcov(fit)))),
      lp_head = num(head(fit$linear.predictors, 5)),
      trace = tr,
      new_rows = num(idx - 1), new_strata = num(strata_of_new),
      q_p = num(p), q_fit = num(as.vector(t(pq$fit))), q_se = num(as.vector(t(pq$se.fit))),
      lp_fit = num(plp$fit), lp_se = num(plp$se.fit))
}

L <- "survreg_lung.csv"; O <- "ovarian.csv"; S <- "survreg_sim.csv"
cases <- c(
  case("sim1 weibull", S, sim, "t1", "s1", c("x", "g"), "weibull", trace = TRUE),
  case("sim1 lognormal", S, sim, "t1", "s1", c("x", "g"), "lognormal", trace = TRUE),
  case("sim1 loglogistic", S, sim, "t1", "s1", c("x", "g"), "loglogistic", trace = TRUE),
  case("sim2 weibull", S, sim, "t2", "s2", c("x", "g"), "weibull", trace = TRUE),
  case("sim2 lognormal", S, sim, "t2", "s2", c("x", "g"), "lognormal", trace = TRUE),
  case("sim2 loglogistic", S, sim, "t2", "s2", c("x", "g"), "loglogistic", trace = TRUE),
  case("sim3 weibull", S, sim, "t3", "s3", c("x", "g"), "weibull", trace = TRUE),
  case("sim3 lognormal", S, sim, "t3", "s3", c("x", "g"), "lognormal", trace = TRUE),
  case("sim3 loglogistic", S, sim, "t3", "s3", c("x", "g"), "loglogistic", trace = TRUE),
  case("sim4 weibull", S, sim, "t4", "s4", c("x", "g"), "weibull", trace = TRUE),
  case("sim4 lognormal", S, sim, "t4", "s4", c("x", "g"), "lognormal", trace = TRUE),
  case("sim4 loglogistic", S, sim, "t4", "s4", c("x", "g"), "loglogistic", trace = TRUE),
  case("sim5 weibull", S, sim, "t5", "s5", c("x", "g"), "weibull", trace = TRUE),
  case("sim5 lognormal", S, sim, "t5", "s5", c("x", "g"), "lognormal", trace = TRUE),
  case("sim5 loglogistic", S, sim, "t5", "s5", c("x", "g"), "loglogistic", trace = TRUE),
  case("sim7 weibull", S, sim, "t7", "s7", c("x", "g"), "weibull", trace = TRUE),
  case("sim7 lognormal", S, sim, "t7", "s7", c("x", "g"), "lognormal", trace = TRUE),
  case("sim7 loglogistic", S, sim, "t7", "s7", c("x", "g"), "loglogistic", trace = TRUE),
  case("sim8 weibull", S, sim, "t8", "s8", c("x", "g"), "weibull", trace = TRUE),
  case("sim8 lognormal", S, sim, "t8", "s8", c("x", "g"), "lognormal", trace = TRUE),
  case("sim8 loglogistic", S, sim, "t8", "s8", c("x", "g"), "loglogistic", trace = TRUE),
  case("lung weibull", L, lung, "time", "status", c("age", "sex"), "weibull", trace = TRUE),
  case("lung exponential", L, lung, "time", "status", c("age", "sex"), "exponential", trace = TRUE),
  case("lung lognormal", L, lung, "time", "status", c("age", "sex"), "lognormal", trace = TRUE),
  case("lung loglogistic", L, lung, "time", "status", c("age", "sex"), "loglogistic", trace = TRUE),
  case("lung weibull ph.ecog", L, lung, "time", "status", c("age", "sex", "ph_ecog"), "weibull"),
  case("lung weibull strata", L, lung, "time", "status", c("age"), "weibull", strata = "sex", trace = TRUE),
  case("lung lognormal strata", L, lung, "time", "status", c("age", "ph_ecog"), "lognormal", strata = "sex"),
  case("lung loglogistic strata 3", L, lung, "time", "status", c("age", "sex"), "loglogistic", strata = "ph_ecog"),
  case("lung weibull integer weights", L, lung, "time", "status", c("age", "sex"), "weibull", weights = "w_int"),
  case("lung loglogistic fractional weights", L, lung, "time", "status", c("age", "sex"), "loglogistic", weights = "w_frac"),
  case("lung weibull offset", L, lung, "time", "status", c("age", "sex"), "weibull", offset = "off"),
  case("lung lognormal weights offset strata", L, lung, "time", "status", c("sex"), "lognormal",
       strata = "grp", weights = "w_frac", offset = "off"),
  case("lung weibull scale 1", L, lung, "time", "status", c("age", "sex"), "weibull", scale = 1),
  case("lung weibull scale 0.7", L, lung, "time", "status", c("age", "sex"), "weibull", scale = 0.7),
  case("lung lognormal scale 1.2", L, lung, "time", "status", c("age", "sex"), "lognormal", scale = 1.2),
  case("lung weibull intercept only", L, lung, "time", "status", character(0), "weibull"),
  case("lung exponential intercept only", L, lung, "time", "status", character(0), "exponential"),
  case("lung lognormal intercept only strata", L, lung, "time", "status", character(0), "lognormal", strata = "sex"),
  case("lung gaussian", L, lung, "time", "status", c("age", "sex"), "gaussian", trace = TRUE),
  case("lung logistic", L, lung, "time", "status", c("age", "sex"), "logistic"),
  case("lung extreme", L, lung, "time", "status", c("age", "sex"), "extreme", trace = TRUE),
  case("lung weibull inst", L, lung, "time", "status", c("age", "sex", "inst"), "weibull"),
  case("ovarian weibull", O, ovarian, "futime", "fustat", c("age", "ecog_ps", "rx"), "weibull", trace = TRUE),
  case("ovarian exponential", O, ovarian, "futime", "fustat", c("age", "ecog_ps", "rx"), "exponential"),
  case("ovarian lognormal", O, ovarian, "futime", "fustat", c("age", "resid_ds", "rx"), "lognormal"),
  case("ovarian loglogistic", O, ovarian, "futime", "fustat", c("age", "rx"), "loglogistic", trace = TRUE),
  case("ovarian weibull strata", O, ovarian, "futime", "fustat", c("age"), "weibull", strata = "rx")
)
writeLines(c("{", '  "provenance": "R 4.2.2, survival 3.5-3: survreg fits (summary table, scales, loglik, icoef, LR test, AIC/BIC, vcov, iter, iteration traces with survreg.control(maxiter = k)), predict(type = quantile / lp, se.fit = TRUE) on 4 rows; tests/data/R/survreg_goldens.R",',
             '  "tolerance": 1e-6,', '  "cases": [',
             paste(cases, collapse = ",\n"), "  ]", "}"), "survreg_goldens.json")
