# Timing of R's Cox fit on the same CSV as examples/cox_timing.rs.
# Usage: Rscript benches/cox_vs_r.R [write] [n]   (R 4.2.2, survival 3.5-3; n default 2e5)
#   writes / times target/cox_bench_2e5.csv (or target/cox_bench_<n>.csv for other n)
suppressMessages(library(survival))
args <- commandArgs(TRUE)
write <- length(args) && args[1] == "write"
if (write) args <- args[-1]
n <- if (length(args)) as.numeric(args[1]) else 2e5
path <- if (n == 2e5) "target/cox_bench_2e5.csv" else sprintf("target/cox_bench_%d.csv", as.integer(n))
if (write) {
  set.seed(20261127)
  p <- 20
  x <- matrix(rnorm(n * 15), n, 15)
  x <- cbind(x, matrix(rbinom(n * 5, 1, 0.4), n, 5))
  colnames(x) <- paste0("x", 1:p)
  beta <- seq(-0.3, 0.3, length.out = p)
  lp <- drop(x %*% beta)
  ev <- rexp(n, 0.001 * exp(lp)); ce <- rexp(n, 0.0005)
  time <- ceiling(pmin(ev, ce)); status <- as.integer(ev <= ce)
  write.csv(data.frame(time, status, x), path, row.names = FALSE)
  quit()
}
d <- read.csv(path)
x <- as.matrix(d[, -(1:2)]); y <- Surv(d$time, d$status)
cat("n", nrow(d), "events", sum(d$status), "unique times", length(unique(d$time)), "\n")
ctl <- coxph.control()
reps <- if (n > 5e5) 3 else 5
s.fit <- replicate(reps, system.time(
  f <- survival:::coxph.fit(x, y, strata = NULL, offset = NULL, init = NULL, control = ctl,
         weights = NULL, method = "efron", rownames = NULL, resid = FALSE, nocenter = c(-1, 0, 1))
))
s.full <- replicate(reps, system.time(
  g <- coxph(y ~ x, ties = "efron", model = FALSE)
))
t.fit <- s.fit["elapsed", ]; t.full <- s.full["elapsed", ]
c.fit <- s.fit["user.self", ] + s.fit["sys.self", ]; c.full <- s.full["user.self", ] + s.full["sys.self", ]
cat("coxph.fit wall median", median(t.fit), "s; all", t.fit, "\n")
cat("coxph.fit cpu  median", median(c.fit), "s; all", c.fit, "\n")
cat("coxph()   wall median", median(t.full), "s; all", t.full, "\n")
cat("coxph()   cpu  median", median(c.full), "s; all", c.full, "\n")
g <- coxph(y ~ x, ties = "efron", model = FALSE)
cat("iter", g$iter, "loglik", g$loglik, "concordance", g$concordance[["concordance"]], "\n")
print(coef(g)[1:3], digits = 15)
