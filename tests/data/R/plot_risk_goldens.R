# Number-at-risk tables of the landmark and Simon–Makuch figures (tests/plots.rs):
# R's summary(survfit(...), times, extend = TRUE)$n.risk, the survminer risk table.
# Run from tests/data:  LC_ALL=C Rscript R/plot_risk_goldens.R   (writes plot_risk_goldens.json)
# R 4.2.2, survival 3.5-3; data: jasa.csv (survival::jasa, see README.md).
suppressMessages(library(survival))
stopifnot(packageVersion("survival") == "3.5.3")
j <- read.csv("jasa.csv")
j$id <- seq_len(nrow(j))
times <- seq(0, 2000, 250)
arr <- function(x) paste0("[", paste(sprintf("%.17g", x), collapse = ", "), "]")
table_of <- function(fit) {
  s <- summary(fit, times = times, extend = TRUE)
  groups <- levels(s$strata)
  paste0("[", paste(vapply(groups, function(g) {
    k <- s$strata == g
    paste0('{"group": "', g, '", "time": ', arr(s$time[k]), ', "n_risk": ', arr(s$n.risk[k]), "}")
  }, ""), collapse = ", "), "]")
}
# Simon–Makuch: Kaplan–Meier of the tmerge rows by current transplant state
base <- tmerge(j, j, id = id, death = event(futime, fustat))
base <- tmerge(base, j, id = id, trt = tdc(txtime))
sm <- survfit(Surv(tstart, tstop, death) ~ trt, data = base)
# landmark at 30 days: patients followed beyond day 30, grouped by transplant by day 30
lm <- subset(j, futime > 30)
lm$group <- as.integer(!is.na(lm$txtime) & lm$txtime <= 30)
lm$t <- lm$futime - 30
lmfit <- survfit(Surv(t, fustat) ~ group, data = lm)
writeLines(paste0('{"times": ', arr(times), ', "simon_makuch": ', table_of(sm),
                  ', "landmark_30": ', table_of(lmfit), "}"), "plot_risk_goldens.json")
