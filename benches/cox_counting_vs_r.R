# Timing of R's counting-process Cox fit (agreg.fit) on the CSV also timed by
# examples/cox_timing.rs. R 4.2.2, survival 3.5-3.
# Usage: Rscript benches/cox_counting_vs_r.R write   # writes target/cox_counting_bench.csv
#        Rscript benches/cox_counting_vs_r.R         # times R on it
suppressMessages(library(survival))
args <- commandArgs(TRUE)
path <- "target/cox_counting_bench.csv"
if (length(args) && args[1] == "write") {
  set.seed(20261127)
  n <- 46000; p <- 5
  x <- cbind(matrix(rnorm(n * 4), n, 4), rbinom(n, 1, 0.4))
  colnames(x) <- paste0("x", 1:p)
  beta <- seq(-0.3, 0.3, length.out = p)
  ev <- rexp(n, 0.001 * exp(drop(x %*% beta))); ce <- rexp(n, 0.0005)
  d <- data.frame(time = ceiling(pmin(ev, ce)), status = as.integer(ev <= ce), x)
  # every subject split at 200, 600 and 1500 days; `late` is a time-varying covariate
  s <- survSplit(Surv(time, status) ~ ., d, cut = c(200, 600, 1500), start = "start")
  s$late <- as.integer(s$start >= 600)
  write.csv(s[, c("start", "time", "status", paste0("x", 1:p), "late")], path, row.names = FALSE)
  quit()
}
d <- read.csv(path)
x <- as.matrix(d[, -(1:3)]); y <- Surv(d$start, d$time, d$status)
cat("rows", nrow(d), "events", sum(d$status), "\n")
ctl <- coxph.control()
s.fit <- replicate(5, system.time(
  f <- survival:::agreg.fit(x, y, strata = NULL, offset = NULL, init = NULL, control = ctl,
         weights = NULL, method = "efron", rownames = NULL, resid = FALSE, nocenter = c(-1, 0, 1))
))
s.full <- replicate(5, system.time(g <- coxph(y ~ x, ties = "efron", model = FALSE)))
med <- function(s, k) median(if (k == "cpu") s["user.self", ] + s["sys.self", ] else s["elapsed", ])
cat("agreg.fit wall median", med(s.fit, "wall"), "s; cpu median", med(s.fit, "cpu"), "s\n")
cat("coxph()   wall median", med(s.full, "wall"), "s; cpu median", med(s.full, "cpu"), "s\n")
g <- coxph(y ~ x, ties = "efron", model = FALSE)
cat("iter", g$iter, "loglik", g$loglik, "concordance", g$concordance[["concordance"]], "\n")
print(coef(g)[1:3], digits = 15)
