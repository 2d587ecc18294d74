# Goldens for tests/strata_vs_r.rs: Cox models with several strata variables,
# strata(a, b) and strata(a) + strata(b) (R's interaction of the levels, stratum names
# "a=1, b=2"), with missing values in a strata variable; survfit of a named patient in a
# named stratum; survreg with one scale per stratum of strata(sexc, ph_ecog). R 4.2.2, survival 3.5-3. Run from the crate root:
#   Rscript tests/data/R/strata_goldens.R
# Reads tests/data/lung_formula.csv (made by formula_goldens.R); writes
# tests/data/strata_goldens.json.
suppressPackageStartupMessages(library(survival))
invisible(Sys.setlocale("LC_COLLATE", "C"))  # factor levels of text in byte order, as oncostat
source("tests/data/R/json_writer.R")

d <- read.csv("tests/data/lung_formula.csv")
num <- function(x) unname(as.numeric(x))
times <- c(90, 180, 365, 500)

cox_case <- function(name, formula, newdata, stratum, ties = "efron") {
  fit <- coxph(formula, data = d, ties = ties)
  b <- coef(fit)
  se <- sqrt(diag(vcov(fit)))
  # the strata as R names them: one curve per stratum at the mean covariates
  sf_all <- survfit(fit)
  sf <- survfit(fit, newdata = newdata)
  ss <- summary(sf, times = times, extend = TRUE)
  zph <- cox.zph(fit)
  list(
    name = name, formula = deparse1(formula), ties = ties, n = fit$n, events = fit$nevent,
    dropped_rows = I(num(fit$na.action)),
    coef_names = I(names(b)), coef = I(num(b)), se = I(num(se)),
    loglik = I(num(fit$loglik)),
    strata = I(names(sf_all$strata)), strata_n = I(num(sf_all$strata)),
    stratum = stratum,
    newdata = as.list(newdata),
    times = I(times), surv = I(num(ss$surv)), std_err = I(num(ss$std.err)),
    lower = I(num(ss$lower)), upper = I(num(ss$upper)),
    zph_names = I(rownames(zph$table)), zph_chisq = I(num(zph$table[, "chisq"])),
    zph_df = I(num(zph$table[, "df"]))
  )
}

patient <- data.frame(age = 62, wt_loss = 5, sexc = "female", ph_ecog = 1, grp = "C", inst = 12)
cases <- list(
  cox_case("two_in_one", Surv(time, status) ~ age + wt_loss + strata(sexc, ph_ecog),
           patient, "sexc=female, ph_ecog=1"),
  cox_case("two_terms", Surv(time, status) ~ age + wt_loss + strata(sexc) + strata(ph_ecog),
           patient, "sexc=female, ph_ecog=1"),
  cox_case("reversed_breslow", Surv(time, status) ~ age + strata(ph_ecog, sexc),
           patient, "ph_ecog=1, sexc=female", ties = "breslow"),
  cox_case("three_with_inst_na", Surv(time, status) ~ age + strata(grp, sexc) + strata(inst),
           patient, "C, female, inst=12")
)

# survreg: one scale per stratum of strata(sexc, ph_ecog), named as R names them
sr <- survreg(Surv(time, status) ~ age + strata(sexc, ph_ecog), data = d)
survreg_case <- list(
  formula = "Surv(time, status) ~ age + strata(sexc, ph_ecog)", n = nrow(sr$y),
  coef_names = I(names(coef(sr))), coef = I(num(coef(sr))),
  scale_names = I(names(sr$scale)), scale = I(num(sr$scale)), loglik = I(num(sr$loglik)))

out <- list(
  provenance = paste("R", getRversion(), "survival", packageVersion("survival"),
                     "tests/data/R/strata_goldens.R"),
  tolerance = 1e-6, cox = cases, survreg = survreg_case)
writeLines(js(out), "tests/data/strata_goldens.json")
