# R's side of the comparison harness (benches/compare/run.sh; see BENCHMARKS.md).
#   Rscript benches/compare/run.R WORKLOAD FILE.csv REPS
# Reads the CSV once (not timed), runs the workload REPS times, prints
#   RESULT <median elapsed seconds> <check value> <all times>
# Workloads: cox.fit / coxph (Efron; coxph() includes the tests and the concordance),
# cox.fit_strata / coxph_strata, km, logrank, concordance, cif (cmprsk::cuminc by arm, with
# Gray's test), finegray (cmprsk::crr), survreg (Weibull), logistic (glm + confint() profile).
suppressMessages({ library(survival); library(cmprsk); library(MASS) })
args <- commandArgs(TRUE)
workload <- args[1]; path <- args[2]
reps <- if (length(args) >= 3) as.integer(args[3]) else 3L
d <- read.csv(path)
xs <- function(d) as.matrix(d[, grep("^x[0-9]+$", names(d)), drop = FALSE])
run <- switch(workload,
  "cox.fit" = , "cox.fit_strata" = {
    x <- xs(d); y <- Surv(d$time, d$status)
    st <- if (workload == "cox.fit_strata") d$stratum else NULL
    ctl <- coxph.control()
    function() {
      f <- survival:::coxph.fit(x, y, strata = st, offset = NULL, init = NULL, control = ctl,
                                weights = NULL, method = "efron", rownames = NULL,
                                resid = FALSE, nocenter = c(-1, 0, 1))
      f$loglik[2]
    }
  },
  "coxph" = , "coxph_strata" = {
    x <- xs(d); y <- Surv(d$time, d$status); s <- d$stratum
    if (workload == "coxph") {
      function() coxph(y ~ x, ties = "efron", model = FALSE)$loglik[2]
    } else {
      function() coxph(y ~ x + strata(s), ties = "efron", model = FALSE)$loglik[2]
    }
  },
  "km" = {
    y <- Surv(d$time, d$status)
    function() { f <- survfit(y ~ 1); unname(quantile(f, 0.5)$quantile) }
  },
  "logrank" = {
    y <- Surv(d$time, d$status); arm <- d$arm
    function() survdiff(y ~ arm)$chisq
  },
  "concordance" = {
    y <- Surv(d$time, d$status); score <- d$score
    function() concordance(y ~ score)$concordance
  },
  "cif" = {
    function() {
      ci <- cuminc(d$time, d$status, group = d$arm, cencode = 0)
      ci$Tests[1, "stat"]
    }
  },
  "finegray" = {
    x <- xs(d)
    function() crr(d$time, d$status, cov1 = x, failcode = 1, cencode = 0)$coef[1]
  },
  "survreg" = {
    x <- xs(d); y <- Surv(d$time, d$status)
    function() survreg(y ~ x, dist = "weibull")$loglik[2]
  },
  "logistic" = {
    x <- xs(d); y <- d$y
    function() {
      g <- glm(y ~ x, family = binomial)
      ci <- suppressMessages(confint(g))
      ci[2, 1]
    }
  },
  stop("unknown workload ", workload)
)
times <- numeric(reps); check <- NA
for (r in seq_len(reps)) {
  t0 <- proc.time()[["elapsed"]]
  check <- run()
  times[r] <- proc.time()[["elapsed"]] - t0
}
cat(sprintf("RESULT %.6f %.10e %s\n", median(times), check,
            paste(sprintf("%.6f", times), collapse = ",")))
