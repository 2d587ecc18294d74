# Times R on the benchmark data of benches/competing.rs (written with
# ONCOSTAT_BENCH_CSV=/tmp/bench cargo bench --bench competing).
# Run: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 taskset -c 0 Rscript benches/competing_vs_r.R /tmp/bench PART
# PART: crr1e5 (crr without variance, n = 1e5), crr1e4 (crr with variance, n = 1e4),
#       km1e6 (survfit KM, n = 1e6), cuminc1e6 (cuminc CIF + Gray by arm, n = 1e6)
suppressMessages({library(survival); library(cmprsk)})
args <- commandArgs(TRUE); dir <- args[1]; part <- args[2]
tm <- function(expr) system.time(expr)[["elapsed"]]
x5 <- function(d) as.matrix(d[, paste0("x", 1:5)])
if (part == "crr1e5") {
  d <- read.csv(file.path(dir, "cr_100000.csv"))
  cat(sprintf("n=1e5 crr(variance = FALSE): %.2f s\n", tm(crr(d$time, d$status, x5(d), variance = FALSE))))
}
if (part == "crr1e4") {
  d <- read.csv(file.path(dir, "cr_10000.csv"))
  cat(sprintf("n=1e4 crr (with variance): %.2f s\n", tm(crr(d$time, d$status, x5(d)))))
}
if (part == "km1e6") {
  d <- read.csv(file.path(dir, "cr_1000000.csv"))
  cat(sprintf("n=1e6 survfit KM pooled: %.2f s\n", tm(survfit(Surv(time, status != 0) ~ 1, data = d))))
}
if (part == "cuminc1e6") {
  d <- read.csv(file.path(dir, "cr_1000000.csv"))
  cat(sprintf("n=1e6 cuminc by arm (CIF + Gray): %.2f s\n", tm(cuminc(d$time, d$status, d$arm))))
}
