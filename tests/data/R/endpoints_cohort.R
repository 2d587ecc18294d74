# Writes endpoints/cohort.json: the expected endpoints of the 9 patients of
# endpoints/lesions.csv + endpoints/patients.csv (derived by hand from the iRECIST rules and the
# FDA PFS censoring conventions, reasoning below) and R's summaries of them: survfit medians of
# PFS and DoR per arm, binom.test / prop.test(correct = FALSE) of ORR and DCR, fisher.test.
# Run from tests/data:  Rscript R/endpoints_cohort.R      (R 4.2.2, survival 3.5-3)
library(survival)
num <- function(x) ifelse(is.na(x) | !is.finite(x), "null", sprintf("%.17g", x))
obj <- function(...) {
  a <- list(...)
  paste0("{", paste0('"', names(a), '": ', unlist(a), collapse = ", "), "}")
}
str1 <- function(x) paste0('"', x, '"')
arr <- function(parts) paste0("[", paste(parts, collapse = ",\n  "), "]")

# patient, arm, iBOR, PFS (time, event, reason), DoR (time, event), TTR, best % change
d <- read.table(header = TRUE, stringsAsFactors = FALSE, na.strings = "NA", text = "
patient arm bor  pfs_time pfs_event pfs_reason                  dor_time dor_event ttr best
P1      A   iPR  168      1         progression                 112      1         56  -45
P2      A   iSD  112      0         censored_last_assessment    NA       NA        NA  -12
P3      A   iSD  56       0         censored_missed_assessments NA       NA        NA  -10
P4      A   iPR  112      0         censored_new_therapy        56       0         56  -40
P5      B   iCPD 56       1         progression                 NA       NA        NA  25
P6      B   NE   0        0         censored_no_assessment      NA       NA        NA  NA
P7      B   iPR  150      1         death                       94       1         56  -40
P8      B   iSD  182      0         censored_last_assessment    NA       NA        NA  -16
P9      B   iSD  112      1         progression                 NA       NA        NA  -10
")
# P1: 100 -> 60 (iPR d56) -> 55 -> 80 (iUPD d168, +25 vs nadir 55) -> 90 (+10: iCPD): progression
#     at the confirmed iUPD (d168); DoR 56 -> 168.
# P2: SD throughout, alive: censored at the last assessment (d112).
# P3: last assessment d56, death d200 = 144 days later > 2 x 56: two missed visits, censored d56.
# P4: iPR d56, new therapy d130: censored at the last assessment before it (d112); best % change
#     only up to the new therapy (-40 at d56; the -42 at d168 is after it).
# P5: 125 (iUPD d56) -> 130 (+5 mm: iCPD): progression d56; best % change +25 (to the iCPD).
# P6: baseline only, alive: censored at day 0; BOR NE.
# P7: iPR d56, death d150 (38 days after the last assessment): death is the event.
# P8: pseudoprogression 130 (iUPD) -> 128 -> 90 (iSD, reset) -> 84: no progression; censored d182.
# P9: iSD d56; new lung lesion d112 (iUPD); it grows 12 -> 18 mm (+6: iCPD d168): progression d112.
d$responder <- as.integer(d$bor %in% c("iCR", "iPR"))
d$control <- as.integer(d$bor %in% c("iCR", "iPR", "iSD", "non-iCR/non-iUPD"))

km <- function(fit) {
  q <- quantile(fit, 0.5)
  list(median = unname(q$quantile), lower = unname(q$lower), upper = unname(q$upper))
}
rate <- function(x, n) {
  cp <- binom.test(x, n)$conf.int
  w <- suppressWarnings(prop.test(x, n, correct = FALSE))$conf.int
  obj(n = n, x = x, rate = num(x / n), cp_lower = num(cp[1]), cp_upper = num(cp[2]),
      wilson_lower = num(w[1]), wilson_upper = num(w[2]))
}
groups <- character()
for (g in sort(unique(d$arm))) {
  s <- d[d$arm == g, ]
  p <- km(survfit(Surv(pfs_time, pfs_event) ~ 1, s))
  r <- s[!is.na(s$dor_time), ]
  k <- km(survfit(Surv(dor_time, dor_event) ~ 1, r))
  groups <- c(groups, obj(group = str1(g), n = nrow(s),
    orr = rate(sum(s$responder), nrow(s)), dcr = rate(sum(s$control), nrow(s)),
    pfs = obj(median = num(p$median), median_lower = num(p$lower), median_upper = num(p$upper)),
    dor = obj(median = num(k$median), median_lower = num(k$lower), median_upper = num(k$upper))))
}
fisher <- function(y) {
  tab <- table(factor(d$arm), factor(y, levels = 0:1))
  f <- fisher.test(tab)
  obj(p = num(f$p.value), or = num(f$estimate), or_lower = num(f$conf.int[1]),
      or_upper = num(f$conf.int[2]))
}
pats <- apply(d, 1, function(r) obj(patient = str1(r[["patient"]]), group = str1(r[["arm"]]),
  bor = str1(r[["bor"]]), pfs_time = num(as.numeric(r[["pfs_time"]])),
  pfs_event = num(as.numeric(r[["pfs_event"]])), pfs_reason = str1(r[["pfs_reason"]]),
  dor_time = num(as.numeric(r[["dor_time"]])), dor_event = num(as.numeric(r[["dor_event"]])),
  ttr = num(as.numeric(r[["ttr"]])), best_pct_change = num(as.numeric(r[["best"]]))))
out <- paste0("{\n\"provenance\": \"", R.version.string, ", survival ", packageVersion("survival"),
  ": hand-derived endpoints of endpoints/lesions.csv + patients.csv (see the comments of tests/data/R/endpoints_cohort.R) and R's survfit / binom.test / prop.test / fisher.test summaries of them (fisher OR and CI at R's uniroot tolerance)\",\n",
  "\"tolerance\": 1e-6,\n\"r_uniroot_tol\": ", num(.Machine$double.eps^0.25), ",\n",
  "\"patients\": ", arr(pats), ",\n\"groups\": ", arr(groups), ",\n",
  "\"orr_fisher\": ", fisher(d$responder), ",\n\"dcr_fisher\": ", fisher(d$control), "\n}\n")
writeLines(out, "endpoints/cohort.json")
