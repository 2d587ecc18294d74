# Regenerates coxph_residuals.json: residuals.coxph, cox.zph transforms, basehaz and
# survfit.coxph(newdata) goldens for tests/cox_residuals.rs and tests/cox_predict.rs.
# Run from the crate root:  Rscript tests/data/make_cox_residuals.R
# Made with R 4.2.2, survival 3.5-3.
suppressMessages(library(survival))
# minimal JSON writer (no jsonlite here): named list -> object, list -> array,
# matrix -> array of rows, vector -> array (length-1 vector -> scalar), NA -> null
num <- function(v) ifelse(is.na(v), "null", if (is.character(v)) paste0('"', v, '"') else sprintf("%.17g", v))
toJSON <- function(x) {
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (!is.null(names(x))) {
      items <- mapply(function(k, v) paste0('"', k, '": ', toJSON(v)), names(x), x)
      return(paste0("{", paste(items, collapse = ", "), "}"))
    }
    return(paste0("[", paste(sapply(x, toJSON), collapse = ", "), "]"))
  }
  if (is.matrix(x)) return(paste0("[", paste(apply(x, 1, function(r) paste0("[", paste(num(r), collapse = ", "), "]")), collapse = ",\n"), "]"))
  if (is.factor(x)) x <- as.character(x)
  if (length(x) == 1) return(num(x))
  paste0("[", paste(num(x), collapse = ", "), "]")
}
lung <- survival::lung
lung$status <- lung$status - 1
lung$w2 <- 0.5 + (seq_len(nrow(lung)) %% 3) / 2
lung$w12 <- ifelse(lung$sex == 1, 1, 2)
ov <- survival::ovarian

resid_case <- function(id, fit, note) {
  out <- list(id = id, call = note, coef = unname(coef(fit)))
  for (type in c("martingale", "deviance")) {
    out[[type]] <- unname(residuals(fit, type = type))
  }
  for (type in c("score", "dfbeta", "dfbetas")) {
    out[[type]] <- unname(as.matrix(residuals(fit, type = type)))
  }
  for (type in c("schoenfeld", "scaledsch")) {
    r <- as.matrix(residuals(fit, type = type))
    out[[type]] <- unname(r)
    out[[paste0(type, "_time")]] <- as.numeric(rownames(r))
  }
  out
}
zph_case <- function(fit, transform) {
  z <- cox.zph(fit, transform = transform)
  list(transform = transform, chisq = unname(z$table[, "chisq"]), df = unname(z$table[, "df"]),
       p = unname(z$table[, "p"]), x = unname(z$x), time = unname(z$time),
       y = unname(z$y), strata = if (is.null(z$strata)) NULL else as.integer(z$strata))
}
surv_case <- function(fit, newdata, times) {
  sf <- survfit(fit, newdata = newdata)
  s <- summary(sf, times = times, extend = TRUE)
  list(times = times, surv = unname(c(s$surv)), std_err = unname(c(s$std.err)),
       lower = unname(c(s$lower)), upper = unname(c(s$upper)), cumhaz = unname(c(s$cumhaz)),
       strata = if (is.null(s$strata)) NULL else as.character(s$strata),
       curve_time = unname(sf$time), curve_surv = unname(c(sf$surv)),
       curve_std_err = unname(c(sf$std.err)), curve_n_risk = unname(sf$n.risk),
       curve_n_event = unname(sf$n.event), curve_strata = if (is.null(sf$strata)) NULL else unname(sf$strata))
}
bh_case <- function(fit) {
  b1 <- basehaz(fit, centered = TRUE); b0 <- basehaz(fit, centered = FALSE)
  list(time = b1$time, centered = b1$hazard, uncentered = b0$hazard,
       strata = if (is.null(b1$strata)) NULL else as.character(b1$strata))
}

fits <- list(
  list(id = "lung_efron", call = "coxph(Surv(time, status) ~ age + sex, lung)",
       fit = coxph(Surv(time, status) ~ age + sex, lung)),
  list(id = "lung_breslow", call = "coxph(Surv(time, status) ~ age + sex, lung, ties = 'breslow')",
       fit = coxph(Surv(time, status) ~ age + sex, lung, ties = "breslow")),
  list(id = "lung_strata", call = "coxph(Surv(time, status) ~ age + sex + strata(ph.ecog), lung)  (ph.ecog NA row dropped)",
       fit = coxph(Surv(time, status) ~ age + sex + strata(ph.ecog), lung)),
  list(id = "lung_w12", call = "coxph(Surv(time, status) ~ age + sex, lung, weights = w12)",
       fit = coxph(Surv(time, status) ~ age + sex, lung, weights = w12)),
  list(id = "lung_w2", call = "coxph(Surv(time, status) ~ age + sex, lung, weights = w2)  (robust on)",
       fit = coxph(Surv(time, status) ~ age + sex, lung, weights = w2)),
  list(id = "ovarian", call = "coxph(Surv(futime, fustat) ~ age + ecog.ps, ovarian)",
       fit = coxph(Surv(futime, fustat) ~ age + ecog.ps, ov))
)
cases <- lapply(fits, function(f) {
  out <- resid_case(f$id, f$fit, f$call)
  out$zph <- lapply(c("km", "rank", "identity", "log"), function(t) zph_case(f$fit, t))
  out$basehaz <- bh_case(f$fit)
  out
})
names(cases) <- sapply(fits, `[[`, "id")
fit <- fits[[1]]$fit
cases$lung_efron$survfit <- surv_case(fit, data.frame(age = 60, sex = 1), c(100, 365, 730))
cases$lung_breslow$survfit <- surv_case(fits[[2]]$fit, data.frame(age = 60, sex = 1), c(100, 365, 730))
cases$lung_strata$survfit <- surv_case(fits[[3]]$fit, data.frame(age = 60, sex = 1), c(100, 365))
cases$lung_w2$survfit <- surv_case(fits[[5]]$fit, data.frame(age = 60, sex = 2), c(100, 365))
cases$lung_efron$predict_lp <- unname(predict(fit, newdata = data.frame(age = c(60, 70), sex = c(1, 2)), type = "lp"))
cases$lung_efron$predict_risk <- unname(predict(fit, newdata = data.frame(age = c(60, 70), sex = c(1, 2)), type = "risk"))
# counting-process (start, stop] data (heart.csv, written by make_counting_cox.R)
heart <- read.csv("tests/data/heart.csv")
hfit <- coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, heart)
cases$heart_counting <- resid_case("heart_counting", hfit,
  "coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, heart.csv)")
cases$heart_counting$zph <- lapply(c("km", "rank", "identity", "log"), function(t) zph_case(hfit, t))
cases$heart_counting$basehaz <- bh_case(hfit)
cases$heart_counting$survfit <- surv_case(hfit, data.frame(age = -5, year = 2, surgery = 0, transplant = 1),
                                          c(10, 100, 500))
hfitb <- coxph(Surv(start, stop, event) ~ age + surgery + transplant, heart, ties = "breslow")
cases$heart_breslow <- resid_case("heart_breslow", hfitb,
  "coxph(Surv(start, stop, event) ~ age + surgery + transplant, heart.csv, ties = 'breslow')")
cases$heart_breslow$basehaz <- bh_case(hfitb)
# delayed entry with strata and integer weights (lung_entry.csv, written by make_counting_cox.R)
le <- read.csv("tests/data/lung_entry.csv")
le$w <- 1 + seq_len(nrow(le)) %% 2
efit <- coxph(Surv(entry, time, status) ~ age + sex + strata(ph_ecog), le, weights = w)
cases$entry_strata <- resid_case("entry_strata", efit,
  "coxph(Surv(entry, time, status) ~ age + sex + strata(ph_ecog), lung_entry.csv, weights = 1 + row %% 2)")
cases$entry_strata$zph <- lapply(c("km", "rank", "identity", "log"), function(t) zph_case(efit, t))
cases$entry_strata$basehaz <- bh_case(efit)
cases$entry_strata$survfit <- surv_case(efit, data.frame(age = 60, sex = 2), c(100, 365))
out <- list(provenance = paste("R", getRversion(), "survival", packageVersion("survival"),
                               "; Rscript tests/data/make_cox_residuals.R"),
            tolerance = 1e-6, cases = cases)
writeLines(toJSON(out),
           "tests/data/coxph_residuals.json")
