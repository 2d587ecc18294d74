# Goldens for counting-process (start, stop] Cox fits. R 4.2.2, survival 3.5-3.
# Run in this directory: Rscript make_counting_cox.R
# Writes heart.csv, lung_entry.csv and counting_cox_goldens.json.
library(survival)
stopifnot(packageVersion("survival") == "3.5.3")

h <- survival::heart
heart <- data.frame(id = h$id, start = h$start, stop = h$stop, event = h$event,
                    age = h$age, year = h$year, surgery = h$surgery,
                    transplant = as.integer(h$transplant == "1"))
write.csv(heart, "heart.csv", row.names = FALSE)

lung <- survival::lung
lung <- lung[complete.cases(lung[, c("time", "status", "age", "sex", "ph.ecog")]), ]
lung$status <- lung$status - 1
# delayed entry: every third patient enters at half their follow-up time
row <- seq_len(nrow(lung))
lung_entry <- data.frame(entry = ifelse(row %% 3 == 0, lung$time / 2, 0),
                         time = lung$time, status = lung$status, age = lung$age,
                         sex = lung$sex, ph_ecog = lung$ph.ecog, inst = lung$inst)
write.csv(lung_entry, "lung_entry.csv", row.names = FALSE)

summ <- function(id, call, fit) {
  cc <- fit$concordance
  list(id = id, call = call, n = fit$n, events = fit$nevent, iter = fit$iter,
       coef = unname(coef(fit)), se = unname(sqrt(diag(if (is.null(fit$naive.var)) fit$var else fit$naive.var))),
       robust_se = if (is.null(fit$naive.var)) NULL else unname(sqrt(diag(fit$var))),
       loglik = fit$loglik, score = unname(fit$score), wald = unname(fit$wald.test),
       rscore = if (is.null(fit$rscore)) NULL else unname(fit$rscore),
       concordance = unname(cc["concordance"]), concordance_se = unname(cc["std"]),
       means = unname(fit$means), lp_first = unname(fit$linear.predictors[1:5]),
       zph_chisq = unname(cox.zph(fit)$table[, "chisq"]))
}

cases <- list(
  summ("heart_efron", "coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, heart)",
       coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, heart)),
  summ("heart_breslow", "same, ties = 'breslow'",
       coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, heart, ties = "breslow")),
  summ("heart_strata", "coxph(Surv(start, stop, event) ~ age + year + transplant + strata(surgery), heart)",
       coxph(Surv(start, stop, event) ~ age + year + transplant + strata(surgery), heart)),
  summ("heart_cluster", "coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, heart, cluster = id)",
       coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, heart, cluster = id)),
  summ("lung_entry", "coxph(Surv(entry, time, status) ~ age + sex + ph_ecog, lung_entry)",
       coxph(Surv(entry, time, status) ~ age + sex + ph_ecog, lung_entry)),
  summ("lung_entry_breslow_strata", "coxph(Surv(entry, time, status) ~ age + ph_ecog + strata(sex), lung_entry, ties = 'breslow')",
       coxph(Surv(entry, time, status) ~ age + ph_ecog + strata(sex), lung_entry, ties = "breslow")),
  summ("lung_entry_weights_offset", "coxph(Surv(entry, time, status) ~ sex + ph_ecog + offset(0.01 * age), lung_entry, weights = 1 + seq_len(nrow(lung_entry)) %% 3)",
       coxph(Surv(entry, time, status) ~ sex + ph_ecog + offset(0.01 * age), lung_entry,
             weights = 1 + seq_len(nrow(lung_entry)) %% 3)),
  summ("lung_entry_fractional_weights", "coxph(Surv(entry, time, status) ~ age + sex + ph_ecog, lung_entry, weights = 0.5 + (seq_len(nrow(lung_entry)) %% 4) / 4)  # robust by default",
       coxph(Surv(entry, time, status) ~ age + sex + ph_ecog, lung_entry,
             weights = 0.5 + (seq_len(nrow(lung_entry)) %% 4) / 4)),
  summ("lung_cluster_inst", "right-censored: coxph(Surv(time, status) ~ age + sex + ph_ecog, lung_entry, cluster = inst) (concordance se summed within clusters)",
       coxph(Surv(time, status) ~ age + sex + ph_ecog, lung_entry, cluster = inst)),
  summ("lung_unsplit", "coxph(Surv(time, status) ~ age + sex + ph_ecog, lung_entry)",
       coxph(Surv(time, status) ~ age + sex + ph_ecog, lung_entry)),
  summ("lung_split", "survSplit(Surv(time, status) ~ ., lung_entry, cut = c(100, 250.5, 400), episode = 'ep'); coxph(Surv(tstart, time, status) ~ age + sex + ph_ecog)",
       coxph(Surv(tstart, time, status) ~ age + sex + ph_ecog,
             survSplit(Surv(time, status) ~ ., lung_entry, cut = c(100, 250.5, 400), episode = "ep")))
)
# small JSON writer (no jsonlite here): named list -> object, unnamed list -> array,
# vectors of the `arrays` fields -> arrays, NULL -> null
arrays <- c("coef", "se", "robust_se", "loglik", "means", "lp_first", "zph_chisq")
num <- function(v) ifelse(is.na(v), "null", sprintf("%.17g", v))
to_json <- function(x, key = "") {
  if (is.null(x)) "null"
  else if (is.list(x)) {
    if (!is.null(names(x))) {
      items <- mapply(function(k, v) paste0('"', k, '": ', to_json(v, k)), names(x), x)
      paste0("{\n", paste(items, collapse = ",\n"), "\n}")
    } else paste0("[\n", paste(sapply(x, to_json), collapse = ",\n"), "\n]")
  } else if (is.character(x) && (length(x) != 1 || key %in% arrays))
    paste0("[", paste0('"', x, '"', collapse = ", "), "]")
  else if (is.character(x)) paste0('"', gsub('"', "'", x), '"')
  else if (length(x) != 1 || key %in% arrays) paste0("[", paste(num(x), collapse = ", "), "]")
  else num(x)
}
out <- list(provenance = paste0("R ", getRversion(), ", survival ", packageVersion("survival"),
                                "; tests/data/make_counting_cox.R"),
            tolerance = 1e-6, cases = cases)
writeLines(to_json(out), "counting_cox_goldens.json")

# analyze-CLI reference case (keys of `analyze cox --json`): heart, Efron, cluster = id
cli_case <- function(fit, id, cluster) {
  s <- summary(fit)
  ct <- s$coefficients
  robust <- !is.null(fit$naive.var)
  se <- sqrt(diag(if (robust) fit$naive.var else fit$var))
  rse <- sqrt(diag(fit$var))
  ci <- s$conf.int
  coefs <- lapply(seq_along(coef(fit)), function(j) list(
    name = names(coef(fit))[j], coef = unname(coef(fit)[j]), se = unname(se[j]),
    z = unname(ct[j, "z"]), p = unname(ct[j, "Pr(>|z|)"]), hr = unname(exp(coef(fit)[j])),
    hr_lower = unname(ci[j, "lower .95"]), hr_upper = unname(ci[j, "upper .95"]),
    robust_se = if (robust) unname(rse[j]) else NULL))
  tst <- function(stat, df) list(stat = unname(stat), df = unname(df),
                                 p = pchisq(unname(stat), df, lower.tail = FALSE))
  df <- sum(!is.na(coef(fit)))
  list(id = id, model = "cox", data = "heart.csv", start = "start", time = "stop",
       event = "event", covariates = names(coef(fit)), cluster = cluster, ties = fit$method,
       n = fit$n, events = fit$nevent, coefficients = coefs,
       loglik_null = fit$loglik[1], loglik = fit$loglik[2],
       lr_test = tst(2 * diff(fit$loglik), df), wald_test = tst(fit$wald.test, df),
       score_test = tst(fit$score, df),
       robust_score_test = if (robust) tst(fit$rscore, df) else NULL,
       concordance = unname(fit$concordance["concordance"]),
       concordance_se = unname(fit$concordance["std"]), iterations = fit$iter,
       zph = {
         z <- cox.zph(fit)$table
         lapply(seq_len(nrow(z)), function(i) list(name = rownames(z)[i], chisq = z[i, "chisq"],
                                                   df = z[i, "df"], p = z[i, "p"]))
       },
       tolerance = 1e-6,
       provenance = paste0("R ", getRversion(), ", survival ", packageVersion("survival"),
                           "; tests/data/make_counting_cox.R"))
}
arrays <- "covariates"  # the CLI keys hold scalars
heart$transplant <- as.integer(heart$transplant)
f_cli <- coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, heart, cluster = id)
writeLines(to_json(cli_case(f_cli, "counting_cox_heart_cluster", "id")), "counting_cox_heart_cli.json")

# Kaplan-Meier with delayed entry: survfit(Surv(entry, time, status) ~ 1) and ~ sex
km_case <- function(f, id) {
  tab <- summary(f)$table
  list(id = id, time = f$time, n_risk = f$n.risk, n_event = f$n.event, surv = f$surv,
       std_err = f$std.err, lower = f$lower, upper = f$upper,
       median = unname(tab["median"]), median_lower = unname(tab["0.95LCL"]),
       median_upper = unname(tab["0.95UCL"]), rmean = unname(tab["rmean"]),
       rmean_se = unname(tab["se(rmean)"]))
}
f_all <- survfit(Surv(entry, time, status) ~ 1, lung_entry)
f_sex <- survfit(Surv(entry, time, status) ~ sex, lung_entry)
arrays <- c("time", "n_risk", "n_event", "surv", "std_err", "lower", "upper")
km <- list(provenance = paste0("R ", getRversion(), ", survival ", packageVersion("survival"),
                               "; tests/data/make_counting_cox.R"),
           tolerance = 1e-6,
           cases = list(km_case(f_all, "lung_entry_all"),
                        km_case(f_sex[1], "lung_entry_sex1"), km_case(f_sex[2], "lung_entry_sex2")))
writeLines(to_json(km), "counting_km_goldens.json")
