//! Models said as in R: a [`Table`] of named columns, [`Formula`]s in R's syntax, the
//! [`ModelFrame`] R builds from them, per-term tests and prediction by name.
//!
//! # From R to oncostat
//!
//! | R | oncostat |
//! |---|---|
//! | `d <- read.csv("lung.csv")` | `let d = Table::from_csv_path("lung.csv")?;` |
//! | a polars `DataFrame` `df` (feature `polars`) | `let d = Table::from_polars(&df)?;` |
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
//! | `coxph(Surv(time, status) ~ age + strata(sex, inst), d)` | `Formula::parse("Surv(time, status) ~ age + strata(sex, inst)")?` (stratum `"sex=f, inst=3"`) |
//! | `predict(fit, newdata, type = "response")` | `fit.predict(&newdata)?` |
//!
//! **Formulas.** `+`, `:`, `*`, `-`, parentheses, `- 1` / `+ 0`, `factor()`, `strata()`,
//! `cluster()`, `offset()`, `Surv(time, status)`, `Surv(start, stop, event)` and a binary
//! response, with R's term order and labels (see [`Formula`]). A parse error is an
//! [`Error::FormulaSyntax`](crate::Error::FormulaSyntax) with the position and the token.
//! *Decision:* functions of a column (`log(age)`, `I(age^2)`, `ns(age, 3)`, `pspline()`)
//! are not terms: R evaluates them as arbitrary code, and a subset would be a second,
//! partial expression language next to the table. Compute the column first and name it
//! (`lage` for `log(age)`; R's coefficient is then `lage`, not `log(age)`); the parser
//! refuses the call and names the function.
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
//! **Strata.** `strata(x)` gives one baseline hazard per level of `x`. Several variables,
//! `strata(sex, inst)` or `strata(sex) + strata(inst)` (the same model, as in R), give one per
//! combination present in the data: R's interaction of the levels, the last variable varying
//! fastest, named as R names them (`sex=f, inst=3`). Predicted curves for a stratified fit
//! name the stratum: `survfit(&newdata, Some("3"), level)` or `Some("inst=3")`; with several
//! variables `Some("sex=f, inst=3")` or the short `Some("f, 3")`.
//!
//! **New data** is a [`Table`] read by column name and factor label; a missing column, a
//! missing cell or a level the fit never saw is an error that names it. The fit remembers
//! its levels, reference levels, centring and strata.
//!
//! # From a polars DataFrame
//! With the `polars` feature, `Table::from_polars` (or `Table::try_from(&df)`) converts a
//! polars `DataFrame` into the table the CSV reader gives for the same data: numbers, text
//! and logicals, with missing cells. The choices, where a typed `DataFrame` leaves one:
//! * every integer and float column (`Int8`..`Int64`, `UInt8`..`UInt64`, `Float32`,
//!   `Float64`) is numeric, as `f64` (R's `read.csv` reads integers as numbers too; an
//!   `Int64` beyond 2^53 is rounded as R's `as.numeric` rounds it). A null is missing; a
//!   float `NaN` is missing as well (the table has one missing marker for numbers, as `NA`
//!   and `NaN` both are for R's `na.omit`); `±inf` is kept and refused by the model that
//!   uses it;
//! * `Boolean` is logical; `String` is text, each value exactly as stored (no trimming;
//!   `""` and `"NA"` are values, only a null is missing: the CSV reader's rules are for text
//!   that is not yet typed);
//! * `Categorical` and `Enum` are text with the column's labels: a model orders the levels
//!   as R orders text (C locale), not in the DataFrame's category order, exactly as it does
//!   for a CSV column (use [`Formula::with_reference`] to choose the reference level). The
//!   labels are stored once each, in order of first appearance, so a categorical column gives
//!   the same [`Table`] as the CSV's text column;
//! * a column of type `Null` (no value at all) is numeric and missing, as the CSV reader
//!   types a column without a value;
//! * a column of any other type (dates, lists, binary, ...) is an
//!   [`Error::ColumnType`](crate::Error::ColumnType) naming the column: convert it first (a
//!   date to a numeric time).
//!
//! The feature depends on `polars-core` only, without its default features, with the
//! categorical type (`dtype-categorical`).
//!
#![cfg_attr(
    all(feature = "polars", feature = "csv"),
    doc = r#"```
use oncostat::frame::Table;
use polars_core::prelude::*;
# fn main() -> Result<(), Box<dyn std::error::Error>> {
let df = df!(
    "time" => [5.0, 8.0, 12.0],
    "status" => [1i32, 0, 1],
    "sex" => [Some("male"), None, Some("female")],
)?;
let t = Table::from_polars(&df)?;
let csv = "time,status,sex\n5,1,male\n8,0,NA\n12,1,female\n";
assert_eq!(t, Table::from_csv_reader(csv.as_bytes())?);
# Ok(()) }
```"#
)]
//!
//! # Reading CSV
//! With the `csv` feature (on by default), [`Table::from_csv_path`] reads a file as R's
//! `read.csv` does, streaming and typed.
//!
//! The rules are R's `read.csv`, with these documented choices:
//! * the first row that is not blank is the header; cells are comma-separated and may be
//!   quoted; a blank line (nothing but blanks) is skipped, as R's `blank.lines.skip`;
//! * blanks around a cell or a header name are dropped (R's `strip.white = TRUE`);
//! * an empty cell or `NA` is missing, in every column (R keeps an empty cell of a text
//!   column as `""`; here it is missing, as the command line treats it);
//! * a column is **logical** if every non-missing cell is `TRUE`/`FALSE` (also `T`, `F`,
//!   `true`, `false`, `True`, `False`), else **numeric** if every non-missing cell is a
//!   number as R writes them (`12`, `-3.5`, `1e-08`, `Inf`, `-Inf`; `NaN` is missing), else
//!   **text** (the cells exactly as written). A column with no value at all is numeric.
//!
//! The file is read once, a buffer at a time, into typed columns: eight bytes a number,
//! four bytes a text cell (plus each distinct text once), one byte a logical, and one more
//! byte a number in a column whose numbers are written with differing decimals (so that
//! [`Table::cell_text`] gives every cell back as written). No text is kept per cell.
//!
//! ## Guards
//! Hostile or mistaken input gets an [`Error::Csv`](crate::Error::Csv) that names the file, row and column,
//! never unbounded memory or time ([`CsvOptions`] sets the limits):
//! * a file larger than [`CsvOptions::max_bytes`] (4 GiB by default) is refused before it
//!   is read; a reader that delivers more stops there;
//! * a cell longer than [`CsvOptions::max_cell_bytes`] (1 MiB) or a line longer than
//!   [`CsvOptions::max_line_bytes`] (64 MiB: a file without line ends) is an error;
//! * a path that is not a regular file (`/dev/zero`, a FIFO, a directory) is refused, as is
//!   input containing NUL bytes (binary or UTF-16 data);
//! * a name repeated in the header is found in time linear in the number of columns;
//! * a cell echoed in an error message is cut at 60 characters.
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
pub(crate) use csv::shown;
mod fit;
mod formula;
mod model;
#[cfg(feature = "polars")]
mod polars;
mod table;
mod typing;

#[cfg(feature = "csv")]
pub use csv::CsvOptions;
pub use fit::{FormulaFit, TermTest};
pub use formula::{Formula, ResponseSpec, Variable, VariableKind};
pub use model::{FactorLevels, ModelFrame, Term};
pub use table::{CellText, Column, Table, TextColumn};
