# Competing risks, RMST, weighted log-rank, MaxCombo and reverse Kaplan-Meier goldens.
# Writes lung_cr.csv, mgus2_cr.csv, toy_cr.csv and competing_goldens.json.
# Run from tests/data:  LC_ALL=C Rscript R/competing_goldens.R
# R 4.2.2, survival 3.5-3, cmprsk 2.2-11, mvtnorm.
suppressMessages({library(survival); library(cmprsk)})
stopifnot(packageVersion("survival") == "3.5.3", packageVersion("cmprsk") == "2.2.11")
Sys.setlocale("LC_COLLATE", "C")

source("R/json_writer.R") # js(): named list -> object, unnamed list -> array

# --- data sets
lung <- read.csv("lung_full.csv")
lung_cr <- lung[!is.na(lung$ph_ecog), c("time", "status", "sex", "age", "ph_ecog", "wt_loss")]
lung_cr$cause <- ifelse(lung_cr$status == 0, 0, ifelse(lung_cr$ph_ecog <= 1, 1, 2))
write.csv(lung_cr, "lung_cr.csv", row.names = FALSE)

m <- survival::mgus2
m$etime <- ifelse(m$pstat == 0, m$futime, m$ptime)
m$event <- ifelse(m$pstat == 0, 2 * m$death, 1)
m$male <- as.integer(m$sex == "M")
mgus <- m[complete.cases(m[, c("age", "male", "hgb", "creat", "mspike")]),
          c("etime", "event", "age", "male", "sex", "hgb", "creat", "mspike")]
mgus$agec <- mgus$age - 70
write.csv(mgus, "mgus2_cr.csv", row.names = FALSE)

toy <- data.frame(time = c(1, 2, 2, 3, 4, 4, 5, 6, 7, 8),
                  status = c(1, 2, 0, 1, 0, 1, 2, 0, 1, 0),
                  g = c(1, 1, 1, 1, 1, 2, 2, 2, 2, 2),
                  x = c(0.5, -1, 0.3, 2, 0, 1.1, -0.4, 0.8, -1.5, 0.2))
# time-0 rows for crr's G(0) quirk, ties across causes and censoring
toy0 <- data.frame(time = c(0, 0, 0, 1, 1, 2, 2, 2, 3, 4, 4, 5, 6, 6, 7, 8, 9, 9),
                   status = c(0, 2, 1, 1, 0, 2, 1, 0, 1, 0, 2, 1, 0, 2, 1, 2, 0, 1),
                   x = c(0.2, 1, -0.5, 0.3, 1.2, -0.7, 0.9, 0, 0.4, -1.1, 0.6, 1.5, -0.2, 0.1, 0.8, -0.9, 0.3, 1))
write.csv(toy, "toy_cr.csv", row.names = FALSE)
# censoring groups without ties between groups
toyc <- data.frame(time = c(1, 2, 2, 3, 4, 4, 5, 6, 7, 8, 9, 10),
                   status = c(1, 2, 0, 1, 0, 1, 2, 0, 1, 0, 2, 1),
                   x = c(0.5, -1, 0.3, 2, 0, 1.1, -0.4, 0.8, -1.5, 0.2, 1, -0.3),
                   g = c(1, 1, 1, 2, 2, 2, 1, 2, 1, 2, 1, 2))
write.csv(toyc, "toyc_cr.csv", row.names = FALSE)
write.csv(toy0, "toy0_cr.csv", row.names = FALSE)

# --- CIF (survfit with a factor status, summary(times =)) and Gray's test
cif_json <- function(time, status, group, at) {
  st <- factor(status)
  fit <- if (is.null(group)) survfit(Surv(time, st) ~ 1) else survfit(Surv(time, st) ~ group)
  s <- summary(fit, times = at)
  labels <- if (is.null(group)) rep("all", length(s$time)) else sub("^group=", "", as.character(s$strata))
  glev <- if (is.null(group)) "all" else sub("^group=", "", names(fit$strata))
  states <- fit$states
  causes <- states[states != "(s0)"]
  groups <- lapply(seq_along(glev), function(k) {
    rows <- which(labels == glev[k])
    n <- if (is.null(group)) fit$n else fit$n[k]
    list(group = glev[k], n = n, causes = lapply(causes, function(cs) {
      j <- match(cs, states)
      list(cause = as.numeric(cs), cif_at = lapply(rows, function(r) {
        p <- s$pstate[r, j]
        list(time = s$time[r], cif = p, se = s$std.err[r, j],
             lower = if (p == 0) NA else s$lower[r, j], upper = if (p == 0) NA else s$upper[r, j])
      }))
    }))
  })
  out <- list(at = I(at), groups = groups)
  if (!is.null(group)) {
    ci <- cuminc(time, status, group)
    t <- ci$Tests
    out$gray <- lapply(seq_len(nrow(t)), function(i)
      list(cause = as.numeric(rownames(t)[i]), stat = t[i, "stat"], df = t[i, "df"], p = t[i, "pv"]))
  }
  out
}

at_lung <- c(0, 30, 100, 200, 365.25, 500, 730, 1000, 2000)
at_mgus <- c(1, 12, 60, 120, 240, 360, 420)
at_toy <- c(0.5, 1, 2, 3.5, 4, 7, 8, 9)
cif <- list(
  lung = cif_json(lung_cr$time, lung_cr$cause, NULL, at_lung),
  lung_sex = cif_json(lung_cr$time, lung_cr$cause, lung_cr$sex, at_lung),
  lung_ecog_sex = cif_json(lung_cr$time, lung_cr$cause, lung_cr$ph_ecog, at_lung),
  mgus = cif_json(mgus$etime, mgus$event, NULL, at_mgus),
  mgus_sex = cif_json(mgus$etime, mgus$event, mgus$sex, at_mgus),
  toy = cif_json(toy$time, toy$status, NULL, at_toy),
  toy_g = cif_json(toy$time, toy$status, toy$g, at_toy),
  toy0 = cif_json(toy0$time, toy0$status, NULL, c(0, 1, 5, 9)))

# Gray's test with rho != 0 (library only)
gray_rho <- lapply(c(-1, 0.5, 1, 2), function(r) {
  t <- cuminc(lung_cr$time, lung_cr$cause, lung_cr$ph_ecog, rho = r)$Tests
  list(rho = r, stat = I(unname(t[, "stat"])), p = I(unname(t[, "pv"])))
})

# --- Fine-Gray
crr_json <- function(time, status, cov, failcode = 1, cengroup = NULL) {
  fitk <- function(k) if (is.null(cengroup)) crr(time, status, cov, failcode = failcode, maxiter = k)
                      else crr(time, status, cov, cengroup = cengroup, failcode = failcode, maxiter = k)
  f <- fitk(10)
  it <- NA
  for (k in 0:10) if (fitk(k)$converged) { it <- k; break }
  se <- sqrt(diag(f$var))
  z <- f$coef / se
  list(names = I(colnames(cov)), coef = I(unname(f$coef)), se = I(unname(se)), z = I(unname(z)),
       p = I(unname(2 * pnorm(-abs(z)))), loglik = f$loglik, loglik_null = f$loglik.null,
       converged = f$converged, iterations = it, n = f$n,
       var = I(as.vector(f$var)), score = I(unname(f$score)))
}
crr_sets <- list(
  lung = crr_json(lung_cr$time, lung_cr$cause, as.matrix(lung_cr[, c("age", "sex")])),
  lung_cause2 = crr_json(lung_cr$time, lung_cr$cause, as.matrix(lung_cr[, c("age", "sex")]), failcode = 2),
  lung_cengroup = crr_json(lung_cr$time, lung_cr$cause, as.matrix(lung_cr[, c("age", "ph_ecog")]),
                           cengroup = lung_cr$sex),
  mgus = crr_json(mgus$etime, mgus$event, as.matrix(mgus[, c("agec", "male", "hgb", "creat", "mspike")])),
  mgus_death = crr_json(mgus$etime, mgus$event, as.matrix(mgus[, c("agec", "male")]), failcode = 2),
  toy = crr_json(toy$time, toy$status, as.matrix(toy[, "x", drop = FALSE])),
  toy0 = crr_json(toy0$time, toy0$status, as.matrix(toy0[, "x", drop = FALSE])),
  toy_cengroup = crr_json(toyc$time, toyc$status, as.matrix(toyc[, "x", drop = FALSE]), cengroup = toyc$g))

# --- reverse Kaplan-Meier (median follow-up)
rev_json <- function(time, status, group) {
  f <- survfit(Surv(time, 1 - status) ~ group)
  t <- summary(f)$table
  lapply(seq_len(nrow(t)), function(i) list(group = sub("^group=", "", rownames(t)[i]),
    median = t[i, "median"], median_lower = t[i, "0.95LCL"], median_upper = t[i, "0.95UCL"]))
}
lung0 <- lung[!is.na(lung$status), ]
reverse <- list(lung_sex = rev_json(lung0$time, lung0$status, lung0$sex),
                lung_ecog = rev_json(lung_cr$time, lung_cr$status, lung_cr$ph_ecog),
                mgus_sex = rev_json(mgus$etime, as.integer(mgus$event != 0), mgus$sex))

# --- RMST (print(survfit, rmean = tau)) and the survRM2::rmst2 comparison on those values
z975 <- qnorm(0.975)
rmst_json <- function(time, status, group, tau) {
  f <- survfit(Surv(time, status) ~ group)
  t <- summary(f, rmean = tau)$table
  rm <- t[, "rmean"]; se <- t[, "se(rmean)"]
  g <- lapply(seq_along(rm), function(i) list(group = sub("^group=", "", rownames(t)[i]),
    rmst = rm[[i]], se = se[[i]], lower = rm[[i]] - z975 * se[[i]], upper = rm[[i]] + z975 * se[[i]]))
  out <- list(tau = tau, groups = g)
  if (length(rm) == 2) {
    d <- rm[[2]] - rm[[1]]; sd <- sqrt(se[[1]]^2 + se[[2]]^2)
    r <- rm[[2]] / rm[[1]]; sl <- sqrt(se[[1]]^2 / rm[[1]]^2 + se[[2]]^2 / rm[[2]]^2)
    out$difference <- list(estimate = d, se = sd, lower = d - z975 * sd, upper = d + z975 * sd,
                           p = 2 * pnorm(-abs(d / sd)))
    out$ratio <- list(estimate = r, lower = exp(log(r) - z975 * sl), upper = exp(log(r) + z975 * sl),
                      p = 2 * pnorm(-abs(log(r) / sl)))
  }
  out
}
milestone_json <- function(time, status, group, t) {
  f <- survfit(Surv(time, status) ~ group)
  s <- summary(f, times = t)
  d <- s$surv[2] - s$surv[1]; sd <- sqrt(s$std.err[1]^2 + s$std.err[2]^2)
  list(time = t, surv = I(s$surv), se = I(s$std.err), difference = d, se_difference = sd,
       lower = d - z975 * sd, upper = d + z975 * sd, p = 2 * pnorm(-abs(d / sd)))
}
rmst <- list(
  lung_365 = rmst_json(lung0$time, lung0$status, lung0$sex, 365),
  lung_1000 = rmst_json(lung0$time, lung0$status, lung0$sex, 1000),
  # past the last time of sex 2 (965): extended flat
  lung_1010 = rmst_json(lung0$time, lung0$status, lung0$sex, 1010),
  lung_ecog_500 = rmst_json(lung_cr$time, lung_cr$status, lung_cr$ph_ecog, 500),
  mgus_120 = rmst_json(mgus$etime, as.integer(mgus$event != 0), mgus$sex, 120),
  toy_7 = rmst_json(toy$time, as.integer(toy$status != 0), toy$g, 7),
  toy_5_past = rmst_json(toy$time, as.integer(toy$status != 0), toy$g, 6.5))
milestone <- list(lung_365 = milestone_json(lung0$time, lung0$status, lung0$sex, 365),
                  mgus_60 = milestone_json(mgus$etime, as.integer(mgus$event != 0), mgus$sex, 60))

# --- Fleming-Harrington FH(rho, gamma) by hand (pooled left-continuous KM) and MaxCombo
fh_parts <- function(time, status, group) {
  lev <- sort(unique(group)); g2 <- group == lev[2]
  ut <- sort(unique(time[status == 1]))
  km <- 1; out <- NULL
  for (t in ut) {
    n <- sum(time >= t); n2 <- sum(time >= t & g2)
    d <- sum(time == t & status == 1); d2 <- sum(time == t & status == 1 & g2)
    u <- d2 - d * n2 / n
    v <- if (n > 1) d * (n2 / n) * (1 - n2 / n) * (n - d) / (n - 1) else 0
    out <- rbind(out, c(km, u, v))
    km <- km * (n - d) / n
  }
  out
}
fh_z <- function(parts, rho, gamma) {
  w <- parts[, 1]^rho * (1 - parts[, 1])^gamma
  sum(w * parts[, 2]) / sqrt(sum(w^2 * parts[, 3]))
}
# p = 1 - P(|Z_k| <= m for all k), Z00 = a Z01 + b Z10 exactly: nested adaptive quadrature
# over (Z01, Z10) times the conditional probability of |Z11| <= m
maxcombo_p <- function(R, m) {
  r <- R[2, 3]
  ab <- solve(R[2:3, 2:3], R[2:3, 1])
  c11 <- solve(R[2:3, 2:3], R[2:3, 4])
  s11 <- sqrt(max(0, 1 - sum(R[4, 2:3] * c11)))
  sr <- sqrt(1 - r^2)
  inner <- function(x) sapply(x, function(x1) {
    lo <- max(-m, if (ab[2] > 0) (-m - ab[1] * x1) / ab[2] else (m - ab[1] * x1) / ab[2])
    hi <- min(m, if (ab[2] > 0) (m - ab[1] * x1) / ab[2] else (-m - ab[1] * x1) / ab[2])
    if (hi <= lo) return(0)
    f <- function(x2) {
      mu <- c11[1] * x1 + c11[2] * x2
      dnorm((x2 - r * x1) / sr) / sr * (pnorm((m - mu) / s11) - pnorm((-m - mu) / s11))
    }
    integrate(f, lo, hi, rel.tol = 1e-12, abs.tol = 0, subdivisions = 1000L)$value
  })
  P <- integrate(function(x) dnorm(x) * inner(x), -m, m, rel.tol = 1e-12, abs.tol = 0,
                 subdivisions = 1000L)$value
  1 - P
}
fh_json <- function(time, status, group) {
  parts <- fh_parts(time, status, group)
  grid <- list(c(0, 0), c(0, 1), c(1, 0), c(1, 1), c(0.5, 0), c(2, 0), c(0.5, 2), c(0, 0.5), c(3, 1.5))
  tests <- lapply(grid, function(rg) { z <- fh_z(parts, rg[1], rg[2])
    list(rho = rg[1], gamma = rg[2], z = z, chisq = z^2, p = 2 * pnorm(-abs(z))) })
  W <- sapply(list(c(0, 0), c(0, 1), c(1, 0), c(1, 1)), function(rg) parts[, 1]^rg[1] * (1 - parts[, 1])^rg[2])
  C <- t(W * parts[, 3]) %*% W
  R <- C / sqrt(outer(diag(C), diag(C)))
  zs <- sapply(list(c(0, 0), c(0, 1), c(1, 0), c(1, 1)), function(rg) fh_z(parts, rg[1], rg[2]))
  m <- max(abs(zs))
  p <- maxcombo_p(R, m)
  sd_rho <- lapply(c(0, 0.5, 1, 2), function(r) list(rho = r,
    chisq = survdiff(Surv(time, status) ~ group, rho = r)$chisq))
  list(tests = tests, maxcombo = list(z = I(zs), correlation = I(as.vector(R)), p = p),
       survdiff = sd_rho)
}
set.seed(1)
nsim <- 300
sim <- data.frame(time = c(rexp(nsim / 2, 0.1), rweibull(nsim / 2, 0.6, 12)),
                  group = rep(c("a", "b"), each = nsim / 2))
sim$cens <- runif(nsim, 5, 40); sim$status <- as.integer(sim$time <= sim$cens)
sim$time <- round(pmin(sim$time, sim$cens), 1)
write.csv(sim[, c("time", "status", "group")], "crossing_fh.csv", row.names = FALSE)
fh <- list(lung = fh_json(lung0$time, lung0$status, lung0$sex),
           mgus = fh_json(mgus$etime, as.integer(mgus$event != 0), mgus$sex),
           crossing = fh_json(sim$time, sim$status, sim$group))

out <- list(provenance = "R 4.2.2, survival 3.5-3, cmprsk 2.2-11, mvtnorm; tests/data/R/competing_goldens.R",
            tolerance = 1e-6, maxcombo_tolerance = 1e-5,
            cif = cif, gray_rho = gray_rho, crr = crr_sets, reverse = reverse, rmst = rmst,
            milestone = milestone, fh = fh)
writeLines(js(out), "competing_goldens.json")
