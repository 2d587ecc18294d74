//! Models said as in R: a [`Table`] of named columns, [`Formula`]s in R's syntax, the
//! [`ModelFrame`] R builds from them, per-term tests and prediction by name.
//!
//! # From R to oncostat
//!
//! | R | oncostat |
//! |---|---|
//! | `d <- read.csv("lung.csv")` | `let d = Table::from_csv_path("lung.csv")?;` |
//! | `fit <- coxph(Surv(time, status) ~ age + sex + factor(ph_ecog) + strata(inst), d)` | `let fit = CoxPh::new().fit_formula(&Formula::parse("Surv(time, status) ~ age + sex + factor(ph_ecog) + strata(inst)")?, &d)?;` |
//! | `glm(y ~ dose * arm, binomial, d)` | `LogisticRegression::new().fit_formula(&Formula::parse("y ~ dose * arm")?, &d)?` |
//! | `logistf(y ~ dose + arm, d)` | `FirthRegression::new().fit_formula(&Formula::parse("y ~ dose + arm")?, &d)?` |
//! | `d$arm <- relevel(factor(d$arm), ref = "placebo")` | `Formula::parse(..)?.with_reference("arm", "placebo")` |
//! | `coef(fit)["sexmale"]` | `fit.coefficient("sexmale")?` |
//! | `fit$na.action` | `fit.dropped_rows()` (1-based table rows) |
//! | `drop1(fit, test = "Chisq")` | `fit.term_tests()?` (with the joint Wald test of each term) |
//! | `cox.zph(fit)` | `fit.zph()?` (one row per term, then `GLOBAL`) |
//! | `predict(fit, newdata, type = "lp")` | `fit.linear_predictor(&newdata)?` |
//! | `survfit(fit, newdata)` (stratum `inst=3`) | `fit.survfit(&newdata, Some("3"), 0.95)?` |
//! | `predict(fit, newdata, type = "response")` | `fit.predict(&newdata)?` |
//!
//! **Formulas.** `+`, `:`, `*`, `-`, parentheses, `- 1` / `+ 0`, `factor()`, `strata()`,
//! `cluster()`, `offset()`, `Surv(time, status)`, `Surv(start, stop, event)` and a binary
//! response, with R's term order and labels (see [`Formula`]). A parse error is an
//! [`Error::FormulaSyntax`](crate::Error::FormulaSyntax) with the position and the token.
//!
//! **Factors.** A text or logical column, or `factor()` of any column, is a factor coded by
//! treatment contrasts: the first level is the reference. Levels are in R's order: numbers
//! numerically (`factor(code)` with 5, 10, 20), text in the C locale's byte order (upper case
//! first), logicals `FALSE`, `TRUE`. Coefficient names paste the variable's label and the
//! level: `factor(ph_ecog)1`, `sexmale`, `armdose high`; interactions join them with `:`
//! (`age:sexmale`), the first variable of an interaction varying fastest. R's rule for
//! which factor of a term gets all its levels is followed (`TermCode`): without an
//! intercept, the first factor; in an interaction whose margin is absent, that factor.
//!
//! **Missing values.** A row with a missing cell in any variable of the formula (response,
//! terms, `strata()`, `cluster()`, `offset()`, weights) is dropped, as R's `na.omit`; other
//! columns never drop a row. Text and logical levels, and `factor()` levels of logistic
//! models, come from the rows kept. *As R's `coxph`* (whose `model.frame` keeps unused
//! levels), `factor(x)` in a Cox model keeps a level seen only in dropped rows: its
//! coefficient is aliased (NaN, R's `NA`).
//!
//! **Strata.** `strata(x)` gives one baseline hazard per level of `x` (one `strata()`
//! variable per formula; combine columns beforehand). Predicted curves for a stratified
//! fit name the stratum: `survfit(&newdata, Some("3"), level)` or `Some("inst=3")`.
//!
//! **New data** is a [`Table`] read by column name and factor label; a missing column, a
//! missing cell or a level the fit never saw is an error that names it. The fit remembers
//! its levels, reference levels, centring and strata.
//!
//! # Reading CSV
//! With the `csv` feature (on by default), [`Table::from_csv_path`] reads a file as R's
//! `read.csv` does: header row; an empty cell or `NA` is missing; a column whose cells
//! are all numbers is numeric, all `TRUE`/`FALSE` logical, otherwise text.
//!
//! # Example
//! ```
//! use oncostat::frame::{Formula, Table};
//! use oncostat::CoxPh;
//! # fn main() -> Result<(), oncostat::Error> {
//! let csv = "time,status,age,sex\n306,1,74,male\n455,1,68,male\n1010,0,56,female\n\
//!            210,1,57,male\n883,1,60,female\n1022,0,74,female\n310,1,68,female\n\
//!            361,1,71,male\n218,1,53,NA\n166,1,61,male\n";
//! let lung = Table::from_csv_reader(csv.as_bytes())?;
//! let fit = CoxPh::new().fit_formula(&Formula::parse("Surv(time, status) ~ age + sex")?, &lung)?;
//! assert_eq!(fit.term_names(), ["age", "sexmale"]);
//! assert_eq!(fit.dropped_rows(), [9]);
//! let patient = Table::from_csv_reader("age,sex\n65,female\n".as_bytes())?;
//! let curve = &fit.survfit(&patient, None, 0.95)?[0];
//! assert!(curve.at(300.0).survival < 1.0);
//! # Ok(()) }
//! ```

#[cfg(feature = "csv")]
mod csv;
mod fit;
mod formula;
mod model;
mod table;

pub use fit::{FormulaFit, TermTest};
pub use formula::{Formula, ResponseSpec, Variable, VariableKind};
pub use model::{FactorLevels, ModelFrame, Term};
pub use table::{Column, Table, TextColumn};
