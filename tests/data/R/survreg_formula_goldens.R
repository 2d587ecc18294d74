# Goldens for tests/analyze_survreg_formula.rs: `analyze survreg --formula` against R survreg
# fitted from the same formula on tests/data/lung_formula.csv (written by formula_goldens.R):
# text and factor(numeric) factors, an interaction, strata() with one scale per stratum,
# relevel, missing values; coefficients, SEs, scales, logliks, dropped rows, the joint Wald
# test of each term from vcov and drop1(fit, test = "Chisq").
# R 4.2.2, survival 3.5-3. Run from the crate root:
#   Rscript tests/data/R/survreg_formula_goldens.R
# Writes tests/data/survreg_formula_goldens.json.
suppressPackageStartupMessages(library(survival))
invisible(Sys.setlocale("LC_COLLATE", "C"))
options(digits = 15)
d <- read.csv("tests/data/lung_formula.csv")
num <- function(x) unname(as.numeric(x))

case <- function(name, formula, dist = "weibull", relevel_arm = NULL) {
  dd <- d
  if (!is.null(relevel_arm)) dd$arm <- relevel(factor(dd$arm), ref = relevel_arm)
  assign("dd", dd, envir = globalenv())  # drop1 refits from the call
  fit <- do.call("survreg", list(formula = formula, data = quote(dd), dist = dist))
  s <- summary(fit)$table
  b <- coef(fit)
  V <- vcov(fit)
  p <- length(b)
  mm <- model.matrix(fit)
  assign <- attr(mm, "assign")
  labels <- attr(terms(fit), "term.labels")
  labels <- labels[!grepl("^strata\\(", labels)]
  Vb <- V[seq_len(p), seq_len(p), drop = FALSE]
  wald <- lapply(seq_along(labels), function(k) {
    j <- which(assign == k & !is.na(b))
    list(term = labels[k], df = length(j),
         chisq = drop(t(b[j]) %*% solve(Vb[j, j, drop = FALSE]) %*% b[j]))
  })
  # drop1 refits on the complete cases (its refits must use the same rows)
  assign("dd", dd[complete.cases(dd[, all.vars(formula)]), ], envir = globalenv())
  fit_cc <- do.call("survreg", list(formula = formula, data = quote(dd), dist = dist))
  dr <- drop1(fit_cc, test = "Chisq")
  drop1_rows <- lapply(rownames(dr)[-1], function(r)
    list(term = r, df = num(dr[r, "Df"]), chisq = num(dr[r, "LRT"])))
  list(
    name = name, formula = paste(deparse(formula), collapse = ""), dist = dist,
    reference = relevel_arm,
    coef_names = rownames(s), coef = num(s[, "Value"]), se = num(s[, "Std. Error"]),
    scale = num(fit$scale), loglik = num(fit$loglik[2]), loglik_null = num(fit$loglik[1]),
    n = nrow(mm), dropped = num(fit$na.action),
    wald = wald, drop1 = drop1_rows
  )
}

cases <- list(
  case("factors", Surv(time, status) ~ age + sexc + factor(ph_ecog)),
  case("interaction_lognormal", Surv(time, status) ~ age * sexc + wt_loss, dist = "lognormal"),
  case("strata_relevel", Surv(time, status) ~ arm + factor(code) + age + strata(sex),
       relevel_arm = "dose high"),
  case("loglogistic_grp", Surv(time, status) ~ grp + ph_karno, dist = "loglogistic")
)
to_json <- function(x) {
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (!is.null(names(x))) {
      return(paste0("{", paste0('"', names(x), '": ', vapply(x, to_json, ""), collapse = ", "), "}"))
    }
    return(paste0("[", paste(vapply(x, to_json, ""), collapse = ", "), "]"))
  }
  if (is.character(x)) {
    v <- paste0('"', gsub('"', '\\\\"', x), '"')
  } else {
    v <- ifelse(is.na(x), "null", formatC(x, digits = 17, format = "g"))
  }
  if (length(x) == 1 && is.null(attr(x, "array"))) v else paste0("[", paste(v, collapse = ", "), "]")
}
arr <- function(x) { attr(x, "array") <- TRUE; x }
cases <- lapply(cases, function(c) {
  for (k in c("coef_names", "coef", "se", "scale", "dropped")) c[[k]] <- arr(c[[k]])
  c
})
writeLines(to_json(cases), "tests/data/survreg_formula_goldens.json")
