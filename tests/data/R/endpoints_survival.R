# Writes jasa.csv, tdc_toy.csv and endpoints_survival.json: tmerge(..., tdc()) splits with
# coxph (coefficients, se, tests) and survfit (Simon-Makuch) on the split rows, and landmark
# subsets with survfit / survdiff / coxph.
# Run from tests/data:  Rscript R/endpoints_survival.R      (R 4.2.2, survival 3.5-3)
library(survival)
stopifnot(packageVersion("survival") == "3.5.3")
num <- function(x) {
  if (length(x) == 0) return("[]")
  s <- ifelse(is.na(x) | !is.finite(x), "null", sprintf("%.17g", x))
  if (length(x) == 1) s else paste0("[", paste(s, collapse = ", "), "]")
}
vec <- function(x) if (length(x) == 1) paste0("[", num(x), "]") else num(x)
obj <- function(...) {
  a <- list(...)
  paste0("{", paste0('"', names(a), '": ', unlist(a), collapse = ", "), "}")
}
arr <- function(parts) paste0("[", paste(parts, collapse = ",\n  "), "]")
str1 <- function(x) paste0('"', x, '"')

# jasa (survival::jasa, Stanford heart transplant): follow-up and transplant day from acceptance;
# the one 0-day follow-up is set to 0.5 day (as survival's time-dependent vignette does).
j <- survival::jasa
jasa <- data.frame(id = seq_len(nrow(j)),
                   futime = pmax(0.5, as.numeric(j$fu.date - j$accept.dt)),
                   fustat = j$fustat,
                   txtime = as.numeric(j$tx.date - j$accept.dt),
                   age = j$age, surgery = j$surgery)
write.csv(jasa, "jasa.csv", row.names = FALSE, na = "")

# every case of tdc(): NA, early (< 0), leading (0), within, trailing (= time), late (> time)
toy <- data.frame(id = 1:12,
                  time = c(10, 20, 15, 30, 25, 40, 12, 18, 22, 35, 8, 27),
                  status = c(1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0),
                  sw = c(NA, -5, 0, 10, 25, 50, 6, 18, 4, NA, 3, 13),
                  x = c(1.2, 0.5, -0.3, 2.1, 0.0, 1.1, -1.0, 0.7, 0.4, -0.2, 1.5, 0.9))
write.csv(toy, "tdc_toy.csv", row.names = FALSE, na = "")

cox_json <- function(fit) {
  obj(names = paste0("[", paste0('"', names(coef(fit)), '"', collapse = ", "), "]"),
      coef = vec(coef(fit)), se = vec(sqrt(diag(vcov(fit)))),
      loglik = vec(fit$loglik), score = num(fit$score),
      score_p = num(pchisq(fit$score, length(coef(fit)), lower.tail = FALSE)),
      wald = num(fit$wald.test), lr = num(2 * diff(fit$loglik)), n = num(fit$n), events = num(fit$nevent),
      concordance = num(fit$concordance[["concordance"]]))
}
km_json <- function(fit) {
  strata <- if (is.null(fit$strata)) rep("all", length(fit$time)) else
    rep(names(fit$strata), fit$strata)
  q <- quantile(fit, 0.5)
  obj(strata = paste0("[", paste0('"', strata, '"', collapse = ", "), "]"),
      time = vec(fit$time), n_risk = vec(fit$n.risk), n_event = vec(fit$n.event),
      surv = vec(fit$surv), std_err = vec(fit$std.err),
      median = vec(q$quantile), median_lower = vec(q$lower), median_upper = vec(q$upper))
}
split_json <- function(s, counts) {
  obj(id = vec(s$id), tstart = vec(s$tstart), tstop = vec(s$tstop), event = vec(s$death),
      state = vec(s$trans), tcount = obj(early = counts[["early"]], late = counts[["late"]],
      gap = counts[["gap"]], within = counts[["within"]], boundary = counts[["boundary"]],
      leading = counts[["leading"]], trailing = counts[["trailing"]],
      tied = counts[["tied"]], missid = counts[["missid"]]))
}

sj <- tmerge(jasa, jasa, id = id, death = event(futime, fustat), trans = tdc(txtime))
tc <- attr(sj, "tcount")["trans", ]
jasa_split <- split_json(sj, tc)
jasa_cox1 <- cox_json(coxph(Surv(tstart, tstop, death) ~ trans, sj))
jasa_cox2 <- cox_json(coxph(Surv(tstart, tstop, death) ~ trans + age + surgery, sj))
jasa_cox3 <- cox_json(coxph(Surv(tstart, tstop, death) ~ trans + age, sj, ties = "breslow"))
jasa_km <- km_json(survfit(Surv(tstart, tstop, death) ~ trans, sj))

st <- tmerge(toy, toy, id = id, death = event(time, status), trans = tdc(sw))
toy_split <- split_json(st, attr(st, "tcount")["trans", ])
toy_cox <- cox_json(coxph(Surv(tstart, tstop, death) ~ trans + x, st))
toy_km <- km_json(survfit(Surv(tstart, tstop, death) ~ trans, st))

landmark <- function(d, L) {
  keep <- d$futime > L
  lm <- d[keep, ]
  lm$t <- lm$futime - L
  lm$g <- ifelse(!is.na(lm$txtime) & lm$txtime <= L, 1, 0)
  names(lm)[names(lm) == "g"] <- "txtime_g"
  sd <- survdiff(Surv(t, fustat) ~ txtime_g, lm)
  lm$txtime <- lm$txtime_g
  fit <- coxph(Surv(t, fustat) ~ txtime + age, lm)
  fit1 <- coxph(Surv(t, fustat) ~ txtime, lm)
  obj(time = num(L), n_kept = num(nrow(lm)), n_excluded = num(sum(!keep)),
      ids = vec(lm$id), group = vec(lm$txtime),
      km = km_json(survfit(Surv(t, fustat) ~ txtime, lm)),
      logrank = obj(observed = vec(sd$obs), expected = vec(sd$exp), chisq = num(sd$chisq)),
      cox = cox_json(fit), cox1 = cox_json(fit1))
}
lms <- c(landmark(jasa, 30), landmark(jasa, 60), landmark(jasa, 10.5))

out <- paste0("{\n\"provenance\": \"", R.version.string, ", survival ", packageVersion("survival"),
  ": tmerge(d, d, id = id, death = event(time, status), trans = tdc(switch)) + coxph / survfit on the split rows; landmark subsets (time > L, time - L, group = switch <= L, NA = 0) with survfit / survdiff / coxph; written by tests/data/R/endpoints_survival.R\",\n",
  "\"tolerance\": 1e-6,\n",
  "\"jasa\": ", obj(split = jasa_split, cox_trans = jasa_cox1, cox_trans_age_surgery = jasa_cox2,
                    cox_trans_age_breslow = jasa_cox3, km = jasa_km), ",\n",
  "\"toy\": ", obj(split = toy_split, cox_trans_x = toy_cox, km = toy_km), ",\n",
  "\"landmark\": ", arr(lms), "\n}\n")
writeLines(out, "endpoints_survival.json")
print(tc); print(attr(st, "tcount"))
