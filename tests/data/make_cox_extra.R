# Regenerates aml_numeric.csv and cox_extra.json (extra Cox golden values).
# Run from the crate root:  Rscript tests/data/make_cox_extra.R
# Made with R 4.2.2, survival 3.5-3.
suppressMessages(library(survival))
options(digits = 15)
lung <- survival::lung
# lung_full.csv (status 0/1, `_` names) and aml.csv are written by R/km_logrank_goldens.R
aml <- survival::aml
aml$x <- as.integer(aml$x == "Nonmaintained")
write.csv(aml, "tests/data/aml_numeric.csv", row.names = FALSE)

toy <- data.frame(time = c(9, 3, 1, 1, 6, 6, 8), status = c(1, NA, 1, 0, 1, 1, 0),
                  x = c(0, 2, 1, 1, 1, 0, 0))
# monotone likelihood: x = 1 holds exactly the earliest deaths
mono <- data.frame(time = 1:10, status = c(1, 1, 1, 0, 1, 1, 0, 1, 1, 0),
                   x = c(1, 1, 1, 1, 0, 0, 0, 0, 0, 0), z = c(0.5, -1, 2, 0.3, 1.1, -0.7, 0.2, 1.5, -0.4, 0.9))
lung$w12 <- ifelse(lung$sex == 1, 1, 2)
lung$w2 <- 0.5 + (seq_len(nrow(lung)) %% 3) / 2
lung$age2 <- 2 * lung$age
lung$one <- 1

summ <- function(id, fit, note) {
  s <- summary(fit)
  warn <- NULL
  list(id = id, call = note,
       n = fit$n, events = fit$nevent, iter = fit$iter,
       coef = unname(coef(fit)), se = unname(sqrt(diag(fit$var))),
       loglik = fit$loglik, lr = unname(s$logtest[1]), wald = unname(fit$wald.test),
       score = unname(fit$score), df = unname(s$logtest[2]),
       concordance = unname(fit$concordance["concordance"]),
       concordance_se = unname(fit$concordance["std"]),
       means = unname(fit$means),
       lp_first = unname(fit$linear.predictors[1:5]))
}
wcatch <- function(expr) withCallingHandlers(expr, warning = function(w) {
  message("warning: ", conditionMessage(w)); invokeRestart("muffleWarning") })

cases <- list(
  summ("lung_efron", coxph(Surv(time, status) ~ age + sex, lung), "coxph(Surv(time, status) ~ age + sex, lung)"),
  summ("lung_breslow", coxph(Surv(time, status) ~ age + sex, lung, ties = "breslow"), "ties = 'breslow'"),
  summ("lung_ecog", coxph(Surv(time, status) ~ age + sex + ph.ecog, lung), "~ age + sex + ph.ecog"),
  summ("lung_strata", coxph(Surv(time, status) ~ age + sex + strata(ph.ecog), lung), "~ age + sex + strata(ph.ecog)"),
  summ("lung_offset", coxph(Surv(time, status) ~ age + offset(0.5 * sex), lung), "~ age + offset(0.5 * sex)"),
  summ("lung_weights12", coxph(Surv(time, status) ~ age + sex, lung, weights = w12), "weights = ifelse(sex == 1, 1, 2)"),
  summ("lung_weights_frac", coxph(Surv(time, status) ~ age + sex, lung, weights = w2, robust = FALSE),
       "weights = 0.5 + (row %% 3)/2, robust = FALSE"),
  summ("lung_singular", wcatch(coxph(Surv(time, status) ~ age + sex + age2, lung)), "~ age + sex + age2 (age2 = 2 age)"),
  summ("lung_constant", wcatch(coxph(Surv(time, status) ~ one + age + sex, lung)), "~ one + age + sex (one = 1)"),
  summ("ovarian", coxph(Surv(futime, fustat) ~ age + ecog.ps, ovarian), "coxph(Surv(futime, fustat) ~ age + ecog.ps, ovarian)"),
  summ("ovarian_rx_age", coxph(Surv(futime, fustat) ~ rx + age, ovarian), "~ rx + age"),
  summ("aml_efron", coxph(Surv(time, status) ~ x, aml), "coxph(Surv(time, status) ~ x, aml)"),
  summ("aml_breslow", coxph(Surv(time, status) ~ x, aml, ties = "breslow"), "ties = 'breslow'"),
  summ("toy_efron", coxph(Surv(time, status) ~ x, toy), "Therneau-Grambsch toy data"),
  summ("toy_breslow", coxph(Surv(time, status) ~ x, toy, ties = "breslow"), "toy, breslow"),
  summ("toy_breslow_one_step", wcatch(coxph(Surv(time, status) ~ x, toy, ties = "breslow", iter.max = 1)), "toy, breslow, iter.max = 1"),
  summ("monotone", wcatch(coxph(Surv(time, status) ~ x + z, mono)), "monotone likelihood: x = 1 exactly for the earliest rows")
)
# minimal JSON writer (no jsonlite on the reference machine): named list -> object,
# unnamed list -> array, numeric vector of length > 1 or an `arrays` field -> array
arrays <- c("coef", "se", "loglik", "means", "lp_first")
num <- function(v) ifelse(is.na(v), "null", sprintf("%.17g", v))
to_json <- function(x, key = "") {
  if (is.list(x)) {
    if (!is.null(names(x))) {
      items <- mapply(function(k, v) paste0('"', k, '": ', to_json(v, k)), names(x), x)
      paste0("{\n", paste(items, collapse = ",\n"), "\n}")
    } else paste0("[\n", paste(sapply(x, to_json), collapse = ",\n"), "\n]")
  } else if (is.character(x)) paste0('"', gsub('"', "'", x), '"')
  else if (length(x) != 1 || key %in% arrays) paste0("[", paste(num(x), collapse = ", "), "]")
  else num(x)
}
out <- list(provenance = paste0("R ", R.version$major, ".", R.version$minor, ", survival ",
                                packageVersion("survival"), "; tests/data/make_cox_extra.R"),
            cases = cases)
writeLines(to_json(out), "tests/data/cox_extra.json")
