# Fine-Gray (cmprsk::crr) with censoring groups (cengroup) on small data sets whose times tie
# within and across censoring groups; isolates the censoring term of crr's sandwich variance
# (crrvv: q_g(u) sums over the cause-1 failures of censoring group g only).
# Writes finegray_cengroup_goldens.json (the data are in the JSON).
# Run from tests/data:  LC_ALL=C Rscript R/finegray_cengroup_goldens.R
# R 4.2.2, survival 3.5-3, cmprsk 2.2-11.
suppressMessages({library(survival); library(cmprsk)})
stopifnot(packageVersion("survival") == "3.5.3", packageVersion("cmprsk") == "2.2.11")
invisible(Sys.setlocale("LC_COLLATE", "C"))

source("R/json_writer.R") # js(): named list -> object, unnamed list -> array

# integer times (many ties, within and across groups), three causes codes 0/1/2, text groups
make <- function(seed, n, ngroups, tmax) {
  set.seed(seed)
  data.frame(time = sample(1:tmax, n, replace = TRUE),
             status = sample(0:2, n, replace = TRUE, prob = c(0.35, 0.4, 0.25)),
             x1 = round(rnorm(n), 3),
             x2 = rbinom(n, 1, 0.5),
             g = sample(c("a", "b", "c")[1:ngroups], n, replace = TRUE))
}
sets <- list(
  ties2 = make(11, 40, 2, 12),
  ties3 = make(12, 60, 3, 15),
  dense = make(14, 40, 2, 5)
)

fit_json <- function(d, cause) {
  f <- crr(d$time, d$status, cbind(x1 = d$x1, x2 = d$x2), cengroup = d$g, failcode = cause)
  if (!f$converged) stop("not converged: cause ", cause, " n ", nrow(d))
  list(cause = cause, coef = I(unname(f$coef)), se = I(unname(sqrt(diag(f$var)))),
       var = I(as.vector(f$var)), loglik = f$loglik, loglik_null = f$loglik.null,
       converged = f$converged, n = f$n)
}

out <- list(
  provenance = "R 4.2.2, survival 3.5-3, cmprsk 2.2-11; tests/data/R/finegray_cengroup_goldens.R",
  tolerance = 1e-6,
  sets = lapply(sets, function(d) list(
    time = I(d$time), status = I(d$status), x1 = I(d$x1), x2 = I(d$x2), g = I(d$g),
    fits = list(fit_json(d, 1), fit_json(d, 2))))
)
writeLines(js(out), "finegray_cengroup_goldens.json")
