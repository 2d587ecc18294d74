# One-run R timing of survreg on the benchmark data of benches/survreg.rs.
# ONCOSTAT_BENCH_CSV=/tmp/srb cargo bench --bench survreg   # writes /tmp/srb/survreg_100000.csv
# taskset -c 0 Rscript benches/survreg_vs_r.R /tmp/srb/survreg_100000.csv
library(survival)
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
f <- as.formula(paste("Surv(time, status) ~", paste(paste0("x", 1:10), collapse = " + ")))
fit <- survreg(f, d, dist = "weibull")  # warm-up (byte compiler, first allocations)
times <- replicate(5, system.time(fit <- survreg(f, d, dist = "weibull"))[["elapsed"]])
cat(sprintf("R survreg weibull n = %d, p = 10: elapsed %s s (5 runs); min %.4f s; iter %d\n",
            nrow(d), paste(sprintf("%.4f", times), collapse = ", "), min(times), fit$iter))
cat(sprintf("coef[1:3] %s  log(scale) %.10f  loglik %.6f\n",
            paste(sprintf("%.10f", coef(fit)[1:3]), collapse = " "), log(fit$scale), fit$loglik[2]))
