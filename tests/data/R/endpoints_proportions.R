# Writes endpoints_proportions.json: binom.test (Clopper-Pearson), prop.test(correct = FALSE)
# (Wilson) and fisher.test (p-value, conditional MLE odds ratio and exact CI) goldens.
# Run from tests/data:  Rscript R/endpoints_proportions.R      (R 4.2.2)
#
# fisher.test finds the odds ratio and its bounds with uniroot at the default tolerance
# (.Machine$double.eps^0.25), so its values are accurate to about 1e-4 only. Next to R's
# values the file holds the same roots recomputed with fisher.test's own functions and a tight
# uniroot tolerance ("exact"), which the crate matches to 1e-6.
num <- function(x) ifelse(is.na(x) | !is.finite(x), "null", sprintf("%.17g", x))
obj <- function(...) {
  a <- list(...)
  paste0("{", paste0('"', names(a), '": ', unlist(a), collapse = ", "), "}")
}
arr <- function(parts) paste0("[\n  ", paste(parts, collapse = ",\n  "), "\n]")

rates <- list(c(0, 10), c(10, 10), c(90, 228), c(1, 1), c(0, 1), c(3, 17), c(50, 100),
              c(1, 30), c(29, 30), c(7, 8), c(12, 45), c(0, 250), c(249, 250))
rate_json <- character()
for (level in c(0.95, 0.9)) for (r in rates) {
  x <- r[1]; n <- r[2]
  cp <- binom.test(x, n, conf.level = level)$conf.int
  w <- suppressWarnings(prop.test(x, n, correct = FALSE, conf.level = level))$conf.int
  rate_json <- c(rate_json, obj(x = x, n = n, level = level, rate = num(x / n),
    cp_lower = num(cp[1]), cp_upper = num(cp[2]),
    wilson_lower = num(w[1]), wilson_upper = num(w[2])))
}

# fisher.test's internal functions (R 4.2.2 stats:::fisher.test, 2 x 2 case) with a tight tol.
fisher_exact_roots <- function(tab, conf.level = 0.95, tol = 1e-14) {
  m <- sum(tab[, 1L]); n <- sum(tab[, 2L]); k <- sum(tab[1L, ]); x <- tab[1L, 1L]
  lo <- max(0L, k - n); hi <- min(k, m)
  support <- lo:hi
  logdc <- dhyper(support, m, n, k, log = TRUE)
  dnhyper <- function(ncp) { d <- logdc + log(ncp) * support; d <- exp(d - max(d)); d / sum(d) }
  mnhyper <- function(ncp) {
    if (ncp == 0) return(lo); if (ncp == Inf) return(hi); sum(support * dnhyper(ncp)) }
  pnhyper <- function(q, ncp, upper.tail = FALSE) {
    if (ncp == 1) return(if (upper.tail) phyper(x - 1, m, n, k, lower.tail = FALSE)
                         else phyper(x, m, n, k))
    if (ncp == 0) return(as.numeric(if (upper.tail) q <= lo else q >= lo))
    if (ncp == Inf) return(as.numeric(if (upper.tail) q <= hi else q >= hi))
    sum(dnhyper(ncp)[if (upper.tail) support >= q else support <= q]) }
  ur <- function(f, lower, upper) uniroot(f, c(lower, upper), tol = tol, maxiter = 10000)$root
  mle <- function(x) {
    if (x == lo) return(0); if (x == hi) return(Inf)
    mu <- mnhyper(1)
    if (mu > x) ur(function(t) mnhyper(t) - x, 0, 1)
    else if (mu < x) 1 / ur(function(t) mnhyper(1 / t) - x, .Machine$double.eps, 1)
    else 1 }
  ncp.U <- function(x, alpha) {
    if (x == hi) return(Inf)
    p <- pnhyper(x, 1)
    if (p < alpha) ur(function(t) pnhyper(x, t) - alpha, 0, 1)
    else if (p > alpha) 1 / ur(function(t) pnhyper(x, 1 / t) - alpha, .Machine$double.eps, 1)
    else 1 }
  ncp.L <- function(x, alpha) {
    if (x == lo) return(0)
    p <- pnhyper(x, 1, upper.tail = TRUE)
    if (p > alpha) ur(function(t) pnhyper(x, t, upper.tail = TRUE) - alpha, 0, 1)
    else if (p < alpha) 1 / ur(function(t) pnhyper(x, 1 / t, upper.tail = TRUE) - alpha,
                              .Machine$double.eps, 1)
    else 1 }
  alpha <- (1 - conf.level) / 2
  c(mle(x), ncp.L(x, alpha), ncp.U(x, alpha))
}

# (x1, n1, x2, n2): group 1 and group 2 responders / patients; rows = groups,
# columns = (no response, response), as `analyze proportion` orders them.
pairs <- list(c(1, 4, 3, 4),        # TeaTasting (?fisher.test), rows swapped
              c(3, 4, 1, 4), c(0, 10, 5, 10), c(5, 10, 0, 10), c(0, 10, 0, 12),
              c(10, 10, 10, 10), c(10, 10, 4, 12), c(4, 12, 10, 10), c(12, 40, 20, 41),
              c(90, 228, 70, 150), c(1, 30, 2, 30), c(7, 8, 2, 9), c(0, 5, 1, 5),
              c(25, 50, 25, 50), c(3, 100, 15, 100))
fisher_json <- character()
for (level in c(0.95, 0.9)) for (p in pairs) {
  tab <- matrix(c(p[2] - p[1], p[4] - p[3], p[1], p[3]), 2)
  f <- fisher.test(tab, conf.level = level)
  ex <- fisher_exact_roots(tab, level)
  fisher_json <- c(fisher_json, obj(x1 = p[1], n1 = p[2], x2 = p[3], n2 = p[4], level = level,
    p = num(f$p.value), r_or = num(f$estimate), r_or_lower = num(f$conf.int[1]),
    r_or_upper = num(f$conf.int[2]),
    or = num(ex[1]), or_lower = num(ex[2]), or_upper = num(ex[3])))
}

out <- paste0("{\n\"provenance\": \"", R.version.string,
  ", stats::binom.test, prop.test(correct = FALSE), fisher.test; exact roots by fisher.test's own functions with uniroot(tol = 1e-14); written by tests/data/R/endpoints_proportions.R\",\n",
  "\"tolerance\": 1e-6,\n\"r_uniroot_tol\": ", num(.Machine$double.eps^0.25), ",\n",
  "\"rates\": ", arr(rate_json), ",\n\"fisher\": ", arr(fisher_json), "\n}\n")
writeLines(out, "endpoints_proportions.json")
