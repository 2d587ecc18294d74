# Regenerates stress_goldens.json: R answers on numerically hard data (issue 7 stress tests).
# Run from the crate root:  Rscript tests/data/make_stress.R
# Made with R 4.2.2, survival 3.5-3, brglm2 0.9 (no jsonlite: JSON is written by hand).
suppressMessages({library(survival); library(brglm2)})
lung <- read.csv("tests/data/lung.csv")
infert <- read.csv("tests/data/infert.csv")
num <- function(x) ifelse(is.na(x) | !is.finite(x), "null", sprintf("%.17g", x))
arr <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")
cases <- character()
add <- function(id, call, fields) {
  body <- paste(sprintf('"%s": %s', names(fields), unlist(fields)), collapse = ", ")
  cases <<- c(cases, sprintf('    {"id": "%s", "call": "%s", %s}', id, call, body))
}
cox <- function(id, call, fit) {
  s <- summary(fit)
  add(id, call, list(coef = arr(coef(fit)), se = arr(sqrt(diag(fit$var))),
      loglik = arr(fit$loglik), score = num(fit$score), wald = num(fit$wald.test),
      concordance = num(fit$concordance["concordance"])))
}
glmfit <- function(id, call, fit) {
  add(id, call, list(coef = arr(coef(fit)), se = arr(sqrt(diag(vcov(fit)))),
      loglik = num(as.numeric(logLik(fit)))))
}
# 1. covariates scaled 1e-8 .. 1e8
for (k in c(-8, -4, 0, 4, 8)) {
  s <- 10^k
  d <- lung; d$age <- d$age * s; d$wt_loss <- d$wt_loss * s
  cox(sprintf("cox_lung_scale_1e%d", k), sprintf("coxph(Surv(time, status) ~ age + sex + wt_loss, lung with age, wt_loss * 1e%d)", k),
      coxph(Surv(time, status) ~ age + sex + wt_loss, d))
  cox(sprintf("cox_lung_breslow_scale_1e%d", k), sprintf("coxph(Surv(time, status) ~ age + sex + wt_loss, ties = 'breslow', lung with age, wt_loss * 1e%d)", k),
      coxph(Surv(time, status) ~ age + sex + wt_loss, d, ties = "breslow"))
  e <- infert; e$age <- e$age * s
  glmfit(sprintf("glm_infert_scale_1e%d", k), sprintf("glm(case ~ age + parity + spontaneous, binomial, infert with age * 1e%d, epsilon = 1e-12)", k),
         glm(case ~ age + parity + spontaneous, binomial, e, control = glm.control(epsilon = 1e-12, maxit = 100)))
}
# 2. n = 2
d2 <- data.frame(time = c(3, 7), status = c(1, 1), x = c(0, 1))
cox("cox_n2", "coxph(Surv(time, status) ~ x, data.frame(time = c(3, 7), status = c(1, 1), x = c(0, 1)))",
    suppressWarnings(coxph(Surv(time, status) ~ x, d2)))
d2b <- data.frame(time = c(3, 7), status = c(1, 0), x = c(0.5, 2))
cox("cox_n2_censored", "coxph(Surv(time, status) ~ x, data.frame(time = c(3, 7), status = c(1, 0), x = c(0.5, 2)))",
    suppressWarnings(coxph(Surv(time, status) ~ x, d2b)))
# 3. all times tied
set.seed(7)
dt <- data.frame(time = rep(5, 12), status = c(1,1,0,1,1,1,0,1,1,0,1,1), x = round(rnorm(12), 3))
write.csv(dt, "tests/data/stress_tied.csv", row.names = FALSE)
cox("cox_all_tied_efron", "coxph(Surv(time, status) ~ x, stress_tied.csv)", coxph(Surv(time, status) ~ x, dt))
cox("cox_all_tied_breslow", "coxph(Surv(time, status) ~ x, stress_tied.csv, ties = 'breslow')", coxph(Surv(time, status) ~ x, dt, ties = "breslow"))
sd <- survdiff(Surv(time, status) ~ I(x > 0), dt)
add("logrank_all_tied", "survdiff(Surv(time, status) ~ I(x > 0), stress_tied.csv)",
    list(observed = arr(sd$obs), expected = arr(sd$exp), chisq = num(sd$chisq)))
# 4. heavy separation: glm diverges, Firth (brglm2 AS_mean = logistf) answers
ds <- data.frame(y = c(0,0,0,0,0,1,0,1,1,1,1,1), x = c(1,2,3,4,5,6,6.5,7,8,9,10,11),
                 z = c(1,0,1,0,1,1,0,0,1,0,1,0))
ds$y[7] <- 0; ds$x[7] <- 5.5   # complete separation in x
write.csv(ds, "tests/data/stress_separation.csv", row.names = FALSE)
fb <- glm(y ~ x + z, binomial, ds, method = "brglmFit", type = "AS_mean", epsilon = 1e-12, maxit = 200)
glmfit("firth_separation", "glm(y ~ x + z, binomial, stress_separation.csv, method = 'brglmFit', type = 'AS_mean', epsilon = 1e-12)", fb)
# 5. near-collinear columns: x2 = x1 + 1e-6 * noise (R keeps both columns)
set.seed(11)
nc <- data.frame(time = lung$time, status = lung$status, a = lung$age)
nc$b <- nc$a + 1e-6 * round(rnorm(nrow(nc)), 3)
write.csv(nc, "tests/data/stress_collinear.csv", row.names = FALSE)
cox("cox_near_collinear", "coxph(Surv(time, status) ~ a + b, stress_collinear.csv)", coxph(Surv(time, status) ~ a + b, nc))
nc$y <- nc$status
glmfit("glm_near_collinear", "glm(status ~ a + b, binomial, stress_collinear.csv, epsilon = 1e-12)",
       glm(y ~ a + b, binomial, nc, control = glm.control(epsilon = 1e-12, maxit = 100)))
# 6. moderately collinear: c = a + 1e-3 * noise (both models keep both columns)
nc$c <- nc$a + 1e-3 * round(rnorm(nrow(nc)), 3)
write.csv(nc[, c("time", "status", "a", "b", "c")], "tests/data/stress_collinear.csv", row.names = FALSE)
cox("cox_collinear_1e-3", "coxph(Surv(time, status) ~ a + c, stress_collinear.csv)", coxph(Surv(time, status) ~ a + c, nc))
glmfit("glm_collinear_1e-3", "glm(status ~ a + c, binomial, stress_collinear.csv, epsilon = 1e-12)",
       glm(y ~ a + c, binomial, nc, control = glm.control(epsilon = 1e-12, maxit = 100)))
writeLines(c("{", '  "provenance": "R 4.2.2, survival 3.5-3, brglm2 0.9: Rscript tests/data/make_stress.R",',
             '  "tolerance": 1e-6,', '  "cases": [', paste(cases, collapse = ",\n"), "  ]", "}"),
           "tests/data/stress_goldens.json")
