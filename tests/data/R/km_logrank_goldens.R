# Regenerates lung_full.csv, aml.csv and km_logrank_goldens.json (helper `km`).
# Run from tests/data:  Rscript R/km_logrank_goldens.R
# R 4.2.2, survival 3.5-3.
library(survival)
stopifnot(packageVersion("survival") == "3.5.3")

lung_full <- survival::lung
lung_full$status <- lung_full$status - 1L
names(lung_full) <- gsub(".", "_", names(lung_full), fixed = TRUE)
write.csv(lung_full, "lung_full.csv", row.names = FALSE)
write.csv(survival::aml, "aml.csv", row.names = FALSE)

lung2 <- survival::lung; lung2$status <- lung2$status - 1
i <- seq_len(nrow(lung2)); lung2$w2 <- 0.5 + (i %% 3) / 2; lung2$wsex <- lung2$sex

num <- function(x) {
  if (length(x) == 0) return("[]")
  s <- ifelse(is.na(x) | !is.finite(x), "null", sprintf("%.17g", x))
  paste0("[", paste(s, collapse = ", "), "]")
}
str1 <- function(x) paste0("[", paste0('"', x, '"', collapse = ", "), "]")
obj <- function(...) {
  a <- list(...)
  paste0("{", paste0('"', names(a), '": ', unlist(a), collapse = ", "), "}")
}
at_times <- c(-1, 0, 5, 11, 100, 365, 730, 1022, 5000)

curve_json <- function(fits, k, label) {
  # one curve (stratum k, or the single curve when k is NULL) of fits by conf.type
  pick <- function(f) if (is.null(k)) f else f[k]
  fit <- pick(fits[["log"]])
  ctypes <- c("log", "log-log", "plain")
  parts <- list()
  for (ct in ctypes) {
    f2 <- pick(fits[[ct]])
    q <- quantile(f2, c(0.1, 0.25, 0.5, 0.75, 0.9))
    s <- summary(f2, times = at_times)
    parts[[ct]] <- obj(lower = num(f2$lower), upper = num(f2$upper),
      q_est = num(q$quantile), q_lower = num(q$lower), q_upper = num(q$upper),
      at_time = num(s$time), at_n_risk = num(s$n.risk), at_surv = num(s$surv),
      at_se = num(s$std.err), at_lower = num(s$lower), at_upper = num(s$upper),
      print_table = num(summary(f2)$table[c("records", "events", "median", "0.95LCL", "0.95UCL")]))
  }
  rm <- summary(fit, rmean = "individual")$table
  rm200 <- summary(fit, rmean = 200)$table
  obj(label = paste0('"', label, '"'), n = num(fit$n), time = num(fit$time),
      n_risk = num(fit$n.risk), n_event = num(fit$n.event), n_censor = num(fit$n.censor),
      surv = num(fit$surv), std_err_log = num(if (fit$logse) fit$std.err else
        ifelse(fit$std.err == 0, 0, fit$std.err / fit$surv)),
      rmean = num(rm[c("rmean", "se(rmean)")]), rmean200 = num(rm200[c("rmean", "se(rmean)")]),
      log = parts[["log"]], loglog = parts[["log-log"]], plain = parts[["plain"]])
}

km_case <- function(id, formula, data, weights = NULL) {
  data$wt_ <- if (is.null(weights)) rep(1, nrow(data)) else data[[weights]]
  fits <- lapply(c(log = "log", "log-log" = "log-log", plain = "plain"), function(ct)
    survfit(formula, data = data, weights = wt_, conf.type = ct))
  fit <- fits[["log"]]
  curves <- if (is.null(fit$strata)) list(curve_json(fits, NULL, "all")) else
    lapply(seq_along(fit$strata), function(k) curve_json(fits, k, sub(".*=", "", names(fit$strata)[k])))
  paste0('"', id, '": {"curves": [', paste(unlist(curves), collapse = ",\n"), "]}")
}

lr_case <- function(id, formula, data, rho = 0) {
  s <- survdiff(formula, data = data, rho = rho)
  o <- if (is.matrix(s$obs)) rowSums(s$obs) else s$obs
  e <- if (is.matrix(s$exp)) rowSums(s$exp) else s$exp
  df <- sum(e > 0) - 1
  paste0('"', id, '": ', obj(groups = str1(sub(".*=", "", names(s$n))), n = num(as.vector(s$n)),
    observed = num(o), expected = num(e), variance = num(as.vector(s$var)),
    chisq = num(s$chisq), df = num(df), p = num(s$pvalue), rho = num(rho)))
}

mid1 <- data.frame(time = 1:4, status = 1)
mid2 <- data.frame(time = 1:8, status = c(1, 1, 1, 1, 0, 1, 1, 0))
flat_end <- data.frame(time = 1:4, status = c(1, 1, 0, 0))
wlast <- data.frame(time = 1:4, status = c(1, 0, 1, 1), w = c(1.5, 1, 2, 0.5))
noev <- data.frame(time = c(3, 5, 7), status = 0)

km <- c(
  km_case("lung_pooled", Surv(time, status) ~ 1, lung2),
  km_case("lung_sex", Surv(time, status) ~ sex, lung2),
  km_case("lung_w2", Surv(time, status) ~ 1, lung2, "w2"),
  km_case("lung_wsex", Surv(time, status) ~ 1, lung2, "wsex"),
  km_case("aml_x", Surv(time, status) ~ x, aml),
  km_case("aml_pooled", Surv(time, status) ~ 1, aml),
  km_case("midpoint_all_events", Surv(time, status) ~ 1, mid1),
  km_case("midpoint_flat", Surv(time, status) ~ 1, mid2),
  km_case("flat_to_end", Surv(time, status) ~ 1, flat_end),
  km_case("weighted_last_all_die", Surv(time, status) ~ 1, wlast, "w"),
  km_case("no_events", Surv(time, status) ~ 1, noev)
)
lr <- c(
  lr_case("lung_sex", Surv(time, status) ~ sex, lung2),
  lr_case("lung_sex_peto", Surv(time, status) ~ sex, lung2, rho = 1),
  lr_case("lung_sex_rho_half", Surv(time, status) ~ sex, lung2, rho = 0.5),
  lr_case("lung_ecog", Surv(time, status) ~ ph.ecog, lung2),
  lr_case("lung_sex_strata_ecog", Surv(time, status) ~ sex + strata(ph.ecog), lung2),
  lr_case("lung_sex_strata_ecog_peto", Surv(time, status) ~ sex + strata(ph.ecog), lung2, rho = 1),
  lr_case("ovarian_rx", Surv(futime, fustat) ~ rx, ovarian),
  lr_case("aml_x", Surv(time, status) ~ x, aml)
)
cat("{\n", '"provenance": "R ', as.character(getRversion()), ", survival ",
    as.character(packageVersion("survival")), ', tests/data/R/km_logrank_goldens.R",\n',
    '"tolerance": 1e-6,\n"at_times": ', num(at_times), ',\n"quantile_probs": [0.1, 0.25, 0.5, 0.75, 0.9],\n',
    '"km": {\n', paste(km, collapse = ",\n"), '\n},\n"logrank": {\n', paste(lr, collapse = ",\n"), "\n}\n}\n",
    file = "km_logrank_goldens.json", sep = "")
