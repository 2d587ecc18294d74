# Cox fits with p = 12 covariates, four of them rare 0/1 indicators (the kernel's sparse
# path of sum c x x', issue 18), on R's survival::lung complete cases.
# Writes lung_wide.csv and lung_wide_cox_goldens.json. Run in tests/data:
#   Rscript R/cox_wide_goldens.R
# Made with R 4.2.2, survival 3.5-3.
suppressMessages(library(survival))
source("R/json_writer.R") # js(): named list -> object, unnamed list -> array
l <- na.omit(survival::lung) # 167 complete cases of all ten columns
d <- data.frame(
  time = l$time, status = as.integer(l$status == 2),
  age = l$age, sex = l$sex, ph_ecog = l$ph.ecog, ph_karno = l$ph.karno,
  pat_karno = l$pat.karno, meal_cal = l$meal.cal, wt_loss = l$wt.loss,
  age_sq = (l$age - 60)^2 / 100,
  # rare indicators: each nonzero in <= 167 / 8 rows, never all zero
  ecog3 = as.integer(l$ph.ecog == 3),                 # 1 row
  old_male = as.integer(l$age >= 75 & l$sex == 1),    # 6 rows
  low_patk = as.integer(l$pat.karno <= 50),           # 7 rows
  inst12 = as.integer(l$inst == 12),                  # 16 rows
  site = as.integer(l$inst >= 11),                    # a stratum (institution 11 and up)
  w = 1 + seq_len(nrow(l)) %% 3                       # integer case weights 1, 2, 3
)
stopifnot(all(colSums(d[c("ecog3", "old_male", "low_patk", "inst12")]) * 8 <= nrow(d)))
stopifnot(all(colSums(d[c("ecog3", "old_male", "low_patk", "inst12")]) > 0))
write.csv(d, "lung_wide.csv", row.names = FALSE)
covs <- c("age", "sex", "ph_ecog", "ph_karno", "pat_karno", "meal_cal", "wt_loss", "age_sq",
          "ecog3", "old_male", "low_patk", "inst12")
rhs <- paste(covs, collapse = " + ")
summ <- function(id, fit, call) {
  s <- summary(fit)
  stopifnot(fit$iter < 30, all(is.finite(coef(fit))))
  list(id = id, call = call, n = fit$n, events = fit$nevent, iter = fit$iter,
       coef = I(unname(coef(fit))), var = lapply(seq_len(nrow(fit$var)), function(i) I(fit$var[i, ])),
       loglik = I(fit$loglik), lr = 2 * (fit$loglik[2] - fit$loglik[1]), wald = unname(fit$wald.test), # summary() rounds
       score = unname(fit$score), df = unname(s$logtest[2]),
       concordance = unname(fit$concordance["concordance"]),
       concordance_se = unname(fit$concordance["std"]),
       means = I(unname(fit$means)),
       martingale = I(unname(residuals(fit, "martingale"))),
       score_residuals = lapply(seq_len(nrow(d)), function(i) I(unname(residuals(fit, "score")[i, ]))))
}
f <- function(extra = "") as.formula(paste("Surv(time, status) ~", rhs, extra))
cases <- list(
  summ("efron", coxph(f(), d), paste("coxph(Surv(time, status) ~", rhs, ")")),
  summ("breslow", coxph(f(), d, ties = "breslow"), "ties = 'breslow'"),
  summ("strata", coxph(f("+ strata(site)"), d), "+ strata(site)"),
  summ("weights", coxph(f(), d, weights = w), "weights = w (integer: model variance)")
)
out <- list(provenance = paste("R", getRversion(), "survival", packageVersion("survival"),
                               "on lung_wide.csv (survival::lung complete cases); R/cox_wide_goldens.R"),
            tolerance = 1e-6, covariates = I(covs), cases = cases)
# the tolerance as written by hand (serde_json's default parser may not round %.17g's
# 9.9999999999999995e-07 back to 1e-6 exactly)
writeLines(sub('"tolerance": [^,]*,', '"tolerance": 1e-6,', js(out)), "lung_wide_cox_goldens.json")
