//! The model frame and model matrix as R builds them (`model.frame`, `model.matrix`).

use nalgebra::DMatrix;

use super::formula::{Formula, ResponseSpec, Variable, VariableKind};
use super::table::{Column, Table};
use crate::labels::LevelCode;
use crate::{BinaryOutcome, Design, Error, Levels, Result, SurvivalData};

/// The most levels a factor of a model formula may have: each level is a design column and
/// the fit's information matrix is columns × columns, so the cap bounds memory (a factor of
/// 30,000 patient ids would need a 7 GB matrix). `strata()` and `cluster()` variables are not
/// coded as columns and have no cap.
pub(crate) const MAX_FACTOR_LEVELS: usize = 1000;

/// Which R fitter's model-frame rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fitter {
    /// `coxph`: the model matrix is coded as if there were an intercept (the baseline hazard),
    /// whose column is then removed; `factor(x)` keeps levels seen only in dropped rows
    /// (`model.frame` without `drop.unused.levels`), giving an aliased column.
    Cox,
    /// `glm` / `logistf`: the formula's intercept; unused levels dropped.
    Glm,
    /// `survreg`: a `Surv()` response, the formula's intercept (a design column), unused
    /// levels dropped; `strata()` gives one scale per stratum.
    SurvReg,
}

/// How a variable of a term enters that term's columns (R's `TermCode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    /// A number: one column.
    Numeric,
    /// Treatment contrasts: levels 2..L.
    Contrasts,
    /// All levels (dummy coding).
    Full,
}

/// The levels of a factor variable, reference first (after any `relevel`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FactorLevels {
    labels: Vec<String>,
    /// For `factor()` of a numeric column: the value of each level.
    values: Option<Vec<f64>>,
}

impl FactorLevels {
    /// Level labels in model order: the reference level first.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    fn code_of_label(&self, label: &str) -> Option<usize> {
        if let Some(k) = self.labels.iter().position(|l| l == label) {
            return Some(k);
        }
        let values = self.values.as_ref()?;
        let x = super::table::parse_r_number(label)?;
        values.iter().position(|v| v.total_cmp(&x).is_eq())
    }

    fn code_of_value(&self, x: f64) -> Option<usize> {
        self.values
            .as_ref()?
            .iter()
            .position(|v| v.total_cmp(&(x + 0.0)).is_eq())
    }

    fn describe(&self) -> String {
        self.labels.join(", ")
    }
}

/// One term of a model: its R label and the coefficients (design columns) that form it.
///
/// ```
/// use oncostat::frame::{Column, Formula, Table};
/// use oncostat::CoxPh;
/// # fn main() -> Result<(), oncostat::Error> {
/// let t = Table::from_columns([
///     ("time", Column::numbers([5.0, 8.0, 12.0, 3.0, 9.0, 15.0, 7.0, 11.0].map(Some))),
///     ("status", Column::numbers([1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0].map(Some))),
///     ("arm", Column::text(["a", "b", "c", "a", "b", "c", "a", "b"].map(Some))),
/// ])?;
/// let fit = CoxPh::new().fit_formula(&Formula::parse("Surv(time, status) ~ arm")?, &t)?;
/// let term = &fit.terms()[0];
/// assert_eq!(term.label(), "arm");
/// assert_eq!(term.columns(), [0, 1]);
/// assert_eq!(fit.term_names(), ["armb", "armc"]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Term {
    label: String,
    columns: Vec<usize>,
    #[cfg_attr(feature = "serde", serde(skip))]
    variables: Vec<usize>,
    #[cfg_attr(feature = "serde", serde(skip))]
    codings: Vec<Coding>,
}

impl Term {
    /// R's term label (`age`, `factor(ph_ecog)`, `age:sex`).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Indices of the term's coefficients (design columns, the intercept counted when
    /// present).
    pub fn columns(&self) -> &[usize] {
        &self.columns
    }

    /// Number of columns (degrees of freedom before aliasing).
    pub fn df(&self) -> usize {
        self.columns.len()
    }

    /// `true` if every variable of `self` is a variable of `other` (R's marginality:
    /// `a` is contained in `a:b`).
    pub(crate) fn contained_in(&self, other: &Term) -> bool {
        self.variables.iter().all(|v| other.variables.contains(v))
    }
}

/// How a right-hand-side variable reads its column.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
enum Encoding {
    /// A numeric column as it is.
    Numeric,
    /// A factor with these levels.
    Factor(FactorLevels),
}

/// The model frame of a formula on a table, as R's `model.frame` + `model.matrix` build it:
/// the rows kept after removing missing values, the terms and their columns, and what is
/// needed to code new data the same way (levels, reference levels, strata).
///
/// Built by the `fit_formula` methods ([`CoxPh::fit_formula`](crate::CoxPh::fit_formula),
/// [`LogisticRegression::fit_formula`](crate::LogisticRegression::fit_formula),
/// [`FirthRegression::fit_formula`](crate::FirthRegression::fit_formula)) and kept on the fit.
///
/// ```
/// use oncostat::frame::{Column, Formula, Table};
/// use oncostat::LogisticRegression;
/// # fn main() -> Result<(), oncostat::Error> {
/// let t = Table::from_columns([
///     ("y", Column::numbers([0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0].map(Some))),
///     ("dose", Column::numbers([Some(1.0), Some(2.0), None, Some(4.0), Some(3.0), Some(1.0), Some(2.0), Some(3.0)])),
///     ("sex", Column::text(["f", "m", "m", "f", "m", "f", "f", "m"].map(Some))),
/// ])?;
/// let fit = LogisticRegression::new().fit_formula(&Formula::parse("y ~ dose + sex")?, &t)?;
/// assert_eq!(fit.frame().dropped_rows(), [3]); // 1-based row of the table
/// assert_eq!(fit.frame().n(), 7);
/// assert_eq!(fit.term_names(), ["(Intercept)", "dose", "sexm"]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ModelFrame {
    #[cfg_attr(feature = "serde", serde(skip))]
    formula: Formula,
    #[cfg_attr(feature = "serde", serde(skip))]
    fitter: Fitter,
    #[cfg_attr(feature = "serde", serde(skip))]
    variables: Vec<Variable>,
    #[cfg_attr(feature = "serde", serde(skip))]
    encodings: Vec<Option<Encoding>>,
    terms: Vec<Term>,
    column_names: Vec<String>,
    intercept: bool,
    strata_variable: Option<String>,
    strata_levels: Vec<String>,
    /// R's short labels (`1, 2`) of the strata of several variables (empty for one).
    #[cfg_attr(feature = "serde", serde(skip))]
    strata_short: Vec<String>,
    dropped: Vec<usize>,
    kept: Vec<usize>,
}

/// The response of a model frame.
#[derive(Debug, Clone)]
pub(crate) enum FrameResponse {
    /// Survival data with strata, weights and offsets.
    Survival(SurvivalData),
    /// A binary outcome with weights and offsets.
    Binary(BinaryOutcome),
}

/// A model frame with the data of its kept rows.
#[derive(Debug, Clone)]
pub(crate) struct FrameData {
    pub(crate) frame: ModelFrame,
    pub(crate) design: Design,
    pub(crate) response: FrameResponse,
}

impl ModelFrame {
    /// Builds the model frame of a Cox formula without fitting (R's `model.frame` and
    /// `model.matrix` as `coxph` calls them): the frame, the survival data of the kept rows
    /// (strata, weights, offsets) and the design. `cluster()` labels are used by
    /// [`CoxPh::fit_formula`](crate::CoxPh::fit_formula) only.
    ///
    /// # Errors
    /// As [`CoxPh::fit_formula`](crate::CoxPh::fit_formula) before fitting.
    ///
    /// ```
    /// use oncostat::frame::{Formula, ModelFrame, Table};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let t = Table::from_csv_reader("t,d,g\n1,1,a\n2,0,b\n3,1,NA\n4,1,b\n".as_bytes())?;
    /// let (frame, data, x) = ModelFrame::survival(&Formula::parse("Surv(t, d) ~ g")?, &t)?;
    /// assert_eq!(frame.dropped_rows(), [3]);
    /// assert_eq!(data.len(), 3);
    /// assert_eq!(x.names(), ["gb"]);
    /// # Ok(()) }
    /// ```
    pub fn survival(
        formula: &Formula,
        table: &Table,
    ) -> Result<(ModelFrame, SurvivalData, Design)> {
        let built = FrameData::build(formula, table, Fitter::Cox)?;
        match built.response {
            FrameResponse::Survival(data) => Ok((built.frame, data, built.design)),
            FrameResponse::Binary(_) => Err(Error::FormulaSyntax {
                position: 1,
                token: "~".to_string(),
                reason: "a Cox model needs Surv() on the left of `~`".to_string(),
            }),
        }
    }

    /// Builds the model frame of a logistic formula without fitting (R's `glm` model frame):
    /// the frame, the outcome of the kept rows (weights, offsets) and the design (with the
    /// intercept unless the formula removes it).
    ///
    /// # Errors
    /// As [`LogisticRegression::fit_formula`](crate::LogisticRegression::fit_formula) before
    /// fitting.
    ///
    /// ```
    /// use oncostat::frame::{Formula, ModelFrame, Table};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let t = Table::from_csv_reader("y,g\n1,a\n0,b\n1,b\n".as_bytes())?;
    /// let (_, y, x) = ModelFrame::binary(&Formula::parse("y ~ g")?, &t)?;
    /// assert_eq!(x.names(), ["(Intercept)", "gb"]);
    /// assert_eq!(y.len(), 3);
    /// # Ok(()) }
    /// ```
    pub fn binary(formula: &Formula, table: &Table) -> Result<(ModelFrame, BinaryOutcome, Design)> {
        let built = FrameData::build(formula, table, Fitter::Glm)?;
        match built.response {
            FrameResponse::Binary(y) => Ok((built.frame, y, built.design)),
            FrameResponse::Survival(_) => Err(Error::FormulaSyntax {
                position: 1,
                token: "Surv".to_string(),
                reason: "a logistic model needs a binary response on the left of `~`".to_string(),
            }),
        }
    }

    /// The formula.
    pub fn formula(&self) -> &Formula {
        &self.formula
    }

    /// The terms in R's order (strata, cluster and offset are not terms).
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// Coefficient names in order, as R's `names(coef(fit))` (`(Intercept)` first when the
    /// model has one).
    pub fn column_names(&self) -> &[String] {
        &self.column_names
    }

    /// `true` if the design has an `(Intercept)` column.
    pub fn has_intercept(&self) -> bool {
        self.intercept
    }

    /// 1-based rows of the table dropped for a missing value in a formula variable (R's
    /// `na.action`).
    pub fn dropped_rows(&self) -> &[usize] {
        &self.dropped
    }

    /// Number of rows dropped for missing values.
    pub fn n_dropped(&self) -> usize {
        self.dropped.len()
    }

    /// 0-based rows of the table used by the fit, in order.
    pub fn kept_rows(&self) -> &[usize] {
        &self.kept
    }

    /// Number of rows used.
    pub fn n(&self) -> usize {
        self.kept.len()
    }

    /// The levels of the factor variable with R's label `label` (`sex`, `factor(ph_ecog)`),
    /// reference first; `None` for a numeric variable or an unknown label.
    pub fn levels(&self, label: &str) -> Option<&FactorLevels> {
        self.variables
            .iter()
            .zip(&self.encodings)
            .find(|(v, _)| v.label() == label)
            .and_then(|(_, e)| match e {
                Some(Encoding::Factor(f)) => Some(f),
                _ => None,
            })
    }

    /// The `strata()` variable's label (`strata(inst)`), if any.
    pub fn strata_variable(&self) -> Option<&str> {
        self.strata_variable.as_deref()
    }

    /// The strata levels in R's order (empty without `strata()`): the levels of the one
    /// `strata()` variable (`"3"`), or with several (`strata(sex, inst)` or
    /// `strata(sex) + strata(inst)`) R's labels of the combinations present (`"sex=f, inst=3"`),
    /// the last variable varying fastest.
    pub fn strata_levels(&self) -> &[String] {
        &self.strata_levels
    }

    /// The index of the stratum named `name`: its level (`"3"`) or R's `strata=level` label
    /// (`"inst=3"`); with several strata variables R's label (`"sex=f, inst=3"`) or its
    /// short form (`"f, 3"`).
    ///
    /// # Errors
    /// [`Error::UnknownLevel`] if the model has no such stratum (or no strata).
    pub fn stratum_index(&self, name: &str) -> Result<usize> {
        let var = self.strata_variable.as_deref().unwrap_or("strata");
        let column = self
            .formula
            .specials(&VariableKind::Strata)
            .first()
            .map_or(String::new(), |v| v.column.clone());
        let bare = name.strip_prefix(&format!("{column}=")).unwrap_or(name);
        self.strata_levels
            .iter()
            .position(|l| l == bare)
            .or_else(|| {
                // several variables: R's label without its padding, or the levels alone
                fn trimmed(l: &str) -> Vec<&str> {
                    l.split(',').map(str::trim).collect()
                }
                let wanted = trimmed(name);
                self.strata_levels
                    .iter()
                    .chain(&self.strata_short)
                    .position(|l| trimmed(l) == wanted)
                    .map(|k| k % self.strata_levels.len().max(1))
            })
            .or_else(|| {
                let x = super::table::parse_r_number(bare)?;
                self.strata_levels.iter().position(|l| {
                    super::table::parse_r_number(l).is_some_and(|v| v.total_cmp(&x).is_eq())
                })
            })
            .ok_or_else(|| Error::UnknownLevel {
                variable: var.to_string(),
                level: name.to_string(),
                // labels of several variables contain ", " themselves
                levels: self.strata_levels.join(if self.strata_short.is_empty() {
                    ", "
                } else {
                    "; "
                }),
            })
    }

    /// Codes new data the way the fit's data were coded: the design (without the intercept
    /// for Cox models) of every row of `table`, read by column name and factor label.
    ///
    /// # Errors
    /// * [`Error::UnknownColumn`] if a column of the formula's terms is missing.
    /// * [`Error::MissingValue`] for a missing cell (names column and 1-based row).
    /// * [`Error::UnknownLevel`] for a factor label the fit did not see.
    /// * [`Error::ColumnType`] for text where a number is needed.
    pub fn design_for(&self, table: &Table) -> Result<Design> {
        let n = table.nrows();
        if n == 0 {
            return Err(Error::EmptyInput { what: "new data" });
        }
        let mut coded: Vec<Option<Coded>> = vec![None; self.variables.len()];
        for term in &self.terms {
            for &v in &term.variables {
                if coded[v].is_some() {
                    continue;
                }
                let var = &self.variables[v];
                let column = table.column(&var.column)?;
                let rows: Vec<usize> = (0..n).collect();
                if let Some(row) = rows.iter().find(|&&i| column.is_missing(i)) {
                    return Err(Error::MissingValue {
                        column: var.column.clone(),
                        row: row + 1,
                    });
                }
                let encoding = self.encodings[v].as_ref().ok_or(Error::UnknownColumn {
                    name: var.column.clone(),
                })?;
                coded[v] = Some(code_new(var, encoding, column, n)?);
            }
        }
        let (names, matrix) = build_matrix(self, &coded, n, None);
        Design::from_matrix_owned(names, matrix)
    }
}

/// A variable's values on the frame's rows: numbers, a numeric column of the table read at
/// the frame's rows (no copy), or level codes.
#[derive(Debug, Clone)]
enum Coded<'a> {
    /// One number per row of the frame.
    Numbers(Vec<f64>),
    /// A numeric column of the table, read at the frame's rows by [`build_matrix`].
    Column(&'a [f64]),
    /// One level code per row of the frame, and the number of levels.
    Codes(Vec<u32>, usize),
}

fn code_new<'a>(
    var: &Variable,
    encoding: &Encoding,
    column: &'a Column,
    n: usize,
) -> Result<Coded<'a>> {
    match encoding {
        Encoding::Numeric => match column {
            Column::Number(v) => Ok(Coded::Column(v)),
            Column::Logical(v) => Ok(Coded::Numbers(
                v.iter()
                    .map(|b| f64::from(u8::from(b.unwrap_or(false))))
                    .collect(),
            )),
            Column::Text(_) => Err(Error::ColumnType {
                column: var.column.clone(),
                found: "text",
                needed: "a number",
                reason: "the fitted model read it as numeric",
            }),
        },
        Encoding::Factor(levels) => {
            let mut codes = Vec::with_capacity(n);
            for i in 0..n {
                let code = match column {
                    Column::Number(v) => levels
                        .code_of_value(v[i])
                        .or_else(|| levels.code_of_label(&crate::survival::format_r_number(v[i]))),
                    Column::Text(t) => levels.code_of_label(t.get(i).unwrap_or("")),
                    Column::Logical(v) => {
                        levels.code_of_label(if v[i] == Some(true) { "TRUE" } else { "FALSE" })
                    }
                };
                let level = match column {
                    Column::Number(v) => crate::survival::format_r_number(v[i]),
                    Column::Text(t) => t.get(i).unwrap_or("").to_string(),
                    Column::Logical(v) => {
                        if v[i] == Some(true) { "TRUE" } else { "FALSE" }.to_string()
                    }
                };
                let code = code.ok_or_else(|| Error::UnknownLevel {
                    variable: var.label(),
                    level,
                    levels: levels.describe(),
                })?;
                codes.push(code as u32);
            }
            Ok(Coded::Codes(codes, levels.labels.len()))
        }
    }
}

/// The model matrix: intercept (if any) then each term's columns, the first variable of an
/// interaction varying fastest (R's order), written straight into the matrix. `rows` are the
/// table rows of the frame's rows (`None`: all), where a [`Coded::Column`] is read.
fn build_matrix(
    frame: &ModelFrame,
    coded: &[Option<Coded>],
    n: usize,
    rows: Option<&[usize]>,
) -> (Vec<String>, DMatrix<f64>) {
    let p = frame.column_names.len();
    // columns appended in order into one buffer (no zeroing pass): the intercept, then each
    // term's columns, which are contiguous and ascending
    let mut buffer: Vec<f64> = Vec::with_capacity(n * p);
    if frame.intercept {
        buffer.resize(n, 1.0);
    }
    for term in &frame.terms {
        // the levels each variable contributes (None for a number)
        let parts: Vec<(&Coded, Vec<Option<usize>>)> = term
            .variables
            .iter()
            .zip(&term.codings)
            .filter_map(|(&v, &coding)| {
                let values = coded[v].as_ref()?;
                let picks = match values {
                    Coded::Numbers(_) | Coded::Column(_) => vec![None],
                    Coded::Codes(_, n_levels) => {
                        let first = usize::from(coding == Coding::Contrasts);
                        (first..*n_levels).map(Some).collect()
                    }
                };
                Some((values, picks))
            })
            .collect();
        let mut pick = vec![0usize; parts.len()];
        for &j in &term.columns {
            debug_assert_eq!(buffer.len(), j * n);
            let start = buffer.len();
            // the first variable's values are appended (one write per cell), the others
            // multiply in place
            match parts
                .first()
                .map(|(values, picks)| (values, picks[pick[0]]))
            {
                Some((Coded::Numbers(x), _)) => buffer.extend_from_slice(x),
                Some((Coded::Column(x), _)) => match rows {
                    Some(rows) => buffer.extend(rows.iter().map(|&i| x[i])),
                    None => buffer.extend_from_slice(x),
                },
                Some((Coded::Codes(codes, _), Some(level))) => {
                    let level = level as u32;
                    buffer.extend(codes.iter().map(|&c| if c == level { 1.0 } else { 0.0 }))
                }
                _ => buffer.resize(start + n, 1.0),
            }
            let out = &mut buffer[start..];
            for (m, ((values, picks), &k)) in parts.iter().zip(&pick).enumerate() {
                match (values, picks[k], m) {
                    (_, _, 0) => {}
                    (Coded::Numbers(x), _, _) => {
                        for (o, v) in out.iter_mut().zip(x) {
                            *o *= v;
                        }
                    }
                    (Coded::Column(x), _, _) => match rows {
                        Some(rows) => {
                            for (o, &i) in out.iter_mut().zip(rows) {
                                *o *= x[i];
                            }
                        }
                        None => {
                            for (o, v) in out.iter_mut().zip(*x) {
                                *o *= v;
                            }
                        }
                    },
                    (Coded::Codes(codes, _), Some(level), _) => {
                        let level = level as u32;
                        for (o, &c) in out.iter_mut().zip(codes) {
                            if c != level {
                                *o = 0.0;
                            }
                        }
                    }
                    (Coded::Codes(..), None, _) => {}
                }
            }
            // next combination: the first variable varies fastest
            for (k, (_, picks)) in pick.iter_mut().zip(&parts) {
                *k += 1;
                if *k < picks.len() {
                    break;
                }
                *k = 0;
            }
        }
    }
    (frame.column_names.clone(), DMatrix::from_vec(n, p, buffer))
}

/// Names of a term's columns, in [`build_matrix`]'s order.
fn term_column_names(
    variables: &[Variable],
    encodings: &[Option<Encoding>],
    term: &[usize],
    codings: &[Coding],
) -> Vec<String> {
    let mut names: Vec<String> = vec![String::new()];
    for (&v, &coding) in term.iter().zip(codings) {
        let label = variables[v].label();
        let parts: Vec<String> = match (&encodings[v], coding) {
            (Some(Encoding::Factor(levels)), c) if c != Coding::Numeric => {
                let first = usize::from(c == Coding::Contrasts);
                levels.labels[first..]
                    .iter()
                    .map(|l| format!("{label}{l}"))
                    .collect()
            }
            _ => vec![label],
        };
        let mut next = Vec::with_capacity(names.len() * parts.len());
        for part in &parts {
            for prev in &names {
                next.push(if prev.is_empty() {
                    part.clone()
                } else {
                    format!("{prev}:{part}")
                });
            }
        }
        names = next;
    }
    names
}

/// R's `TermCode`: a factor in a term is coded by contrasts when the term without it is
/// empty or contained in an earlier term, else by all its levels.
fn term_codes(terms: &[Vec<usize>], is_factor: &[bool], intercept: bool) -> Vec<Vec<Coding>> {
    let mut out: Vec<Vec<Coding>> = terms
        .iter()
        .enumerate()
        .map(|(t, term)| {
            term.iter()
                .map(|&v| {
                    if !is_factor[v] {
                        return Coding::Numeric;
                    }
                    let rest: Vec<usize> = term.iter().copied().filter(|&w| w != v).collect();
                    if rest.is_empty()
                        || terms[..t]
                            .iter()
                            .any(|earlier| rest.iter().all(|w| earlier.contains(w)))
                    {
                        Coding::Contrasts
                    } else {
                        Coding::Full
                    }
                })
                .collect()
        })
        .collect();
    // no intercept: the first factor of the first term that has one gets all its levels
    if !intercept {
        'outer: for codes in &mut out {
            for c in codes.iter_mut() {
                if *c != Coding::Numeric {
                    *c = Coding::Full;
                    break 'outer;
                }
            }
        }
    }
    out
}

/// Maps the 1-based row of an error about the kept rows to the table's row.
fn table_row(err: Error, kept: &[usize]) -> Error {
    let map = |row: usize| kept.get(row.wrapping_sub(1)).map_or(row, |&i| i + 1);
    match err {
        Error::NonFinite { column, row, value } => Error::NonFinite {
            column,
            row: map(row),
            value,
        },
        Error::NegativeTime { row, value } => Error::NegativeTime {
            row: map(row),
            value,
        },
        Error::InvalidEvent { row, value } => Error::InvalidEvent {
            row: map(row),
            value,
        },
        Error::InvalidWeight { row, value } => Error::InvalidWeight {
            row: map(row),
            value,
        },
        Error::WeightOutOfRange { row, value } => Error::WeightOutOfRange {
            row: map(row),
            value,
        },
        Error::InvalidOutcome { row, value } => Error::InvalidOutcome {
            row: map(row),
            value,
        },
        Error::StartNotBeforeStop { row, start, stop } => Error::StartNotBeforeStop {
            row: map(row),
            start,
            stop,
        },
        other => other,
    }
}

/// A numeric column's values on `rows`.
fn numbers(table: &Table, name: &str, rows: &[usize], reason: &'static str) -> Result<Vec<f64>> {
    match table.column(name)? {
        Column::Number(v) => Ok(rows.iter().map(|&i| v[i]).collect()),
        Column::Logical(v) => Ok(rows
            .iter()
            .map(|&i| f64::from(u8::from(v[i] == Some(true))))
            .collect()),
        Column::Text(_) => Err(Error::ColumnType {
            column: name.to_string(),
            found: "text",
            needed: "a number",
            reason,
        }),
    }
}

/// The event indicator of each of `rows` from a status column, as R's `Surv` reads it: 0/1,
/// 1/2 (a numeric status whose maximum is 2: 1 = censored, 2 = event) or logical.
fn status_events(table: &Table, name: &str, rows: &[usize]) -> Result<Vec<bool>> {
    match table.column(name)? {
        Column::Logical(v) => Ok(rows.iter().map(|&i| v[i] == Some(true)).collect()),
        Column::Number(v) => {
            // one pass for 0/1 (the events written as if no row were 2, each row classed by
            // its bits: 0 and -0, 1, 2, anything else); a status with a 2 or a bad row is
            // read again as R reads it
            let (mut two, mut bad) = (false, false);
            let event: Vec<bool> = rows
                .iter()
                .map(|&i| {
                    let b = v[i].to_bits();
                    let (zero, one) = (b << 1 == 0, b == 1f64.to_bits());
                    let is_two = b == 2f64.to_bits();
                    two |= is_two;
                    bad |= !(zero | one | is_two);
                    one
                })
                .collect();
            if !(two | bad) {
                return Ok(event);
            }
            let max = rows
                .iter()
                .fold(f64::NEG_INFINITY, |m, &i| f64::max(m, v[i]));
            let shift = if (max - 2.0).abs() <= 0.0 { 1.0 } else { 0.0 };
            let mut event = event;
            for (e, &i) in event.iter_mut().zip(rows) {
                match crate::survival::status_event(v[i] - shift) {
                    Some(x) => *e = x,
                    None => {
                        return Err(Error::InvalidEvent {
                            row: i + 1,
                            value: v[i] - shift,
                        });
                    }
                }
            }
            Ok(event)
        }
        Column::Text(_) => Err(Error::ColumnType {
            column: name.to_string(),
            found: "text",
            needed: "a number",
            reason: "the status must be 0/1, 1/2 or logical",
        }),
    }
}

/// The levels of a column (R's `sort(unique(x))`) over `rows` and the `extra` rows, and the
/// level code of each of `rows` (all present: the kept rows have no missing cell), in one
/// pass over the rows: numbers by the crate's label coder
/// ([`Levels::code_numbers`](crate::Levels)), text through its few dictionary entries.
fn code_column<C: LevelCode>(
    column: &Column,
    rows: &[usize],
    extra: &[usize],
) -> (FactorLevels, Vec<C>) {
    match column {
        Column::Number(v) => {
            let coded =
                Levels::code_numbers::<C, _, _>(v, rows.iter().copied(), extra.iter().copied());
            let levels = FactorLevels {
                labels: coded
                    .values
                    .iter()
                    .map(|&x| crate::survival::format_r_number(x))
                    .collect(),
                values: Some(coded.values),
            };
            (levels, coded.codes)
        }
        Column::Text(t) => {
            // each row's dictionary code (the dictionary entries seen marked), then its level
            let dictionary = t.codes();
            let mut seen = vec![false; t.dictionary().len()];
            let mut codes: Vec<C> = rows
                .iter()
                .map(|&i| {
                    let c = dictionary[i];
                    if let Some(slot) = seen.get_mut(c as usize) {
                        *slot = true;
                    }
                    C::of(c as usize)
                })
                .collect();
            for &i in extra {
                if let Some(slot) = seen.get_mut(dictionary[i] as usize) {
                    *slot = true;
                }
            }
            let present: Vec<&str> = t
                .dictionary()
                .iter()
                .zip(&seen)
                .filter(|(_, s)| **s)
                .map(|(d, _)| d.as_str())
                .collect();
            let labels = Levels::text(&present).labels().to_vec();
            let level: Vec<usize> = t
                .dictionary()
                .iter()
                .map(|d| labels.iter().position(|l| l == d).unwrap_or(0))
                .collect();
            if level.iter().enumerate().any(|(k, &l)| k != l) {
                for c in &mut codes {
                    *c = C::of(level.get(c.index()).copied().unwrap_or(0));
                }
            }
            let levels = FactorLevels {
                labels,
                values: None,
            };
            (levels, codes)
        }
        // R's model.matrix codes a logical with both levels FALSE, TRUE
        Column::Logical(v) => {
            let codes = rows
                .iter()
                .map(|&i| C::of(usize::from(v[i] == Some(true))))
                .collect();
            let levels = FactorLevels {
                labels: vec!["FALSE".to_string(), "TRUE".to_string()],
                values: None,
            };
            (levels, codes)
        }
    }
}

/// Moves level `k` of `levels` first (R's `relevel`) and recodes `codes` to match: the
/// levels before it move up one.
fn relevel<C: LevelCode>(levels: &mut FactorLevels, codes: &mut [C], k: usize) {
    if k == 0 {
        return;
    }
    levels.labels[..=k].rotate_right(1);
    if let Some(values) = levels.values.as_mut() {
        values[..=k].rotate_right(1);
    }
    for c in codes {
        let j = c.index();
        *c = C::of(if j == k { 0 } else { j + usize::from(j < k) });
    }
}

/// R's label of the strata: `strata(inst)`, or `strata(a, b)` for several variables
/// (written `strata(a, b)` or `strata(a) + strata(b)`).
fn strata_label(vars: &[&Variable]) -> Option<String> {
    match vars {
        [] => None,
        [one] => Some(one.label()),
        many => {
            let columns: Vec<String> = many
                .iter()
                .map(|v| super::formula::quote_name(&v.column))
                .collect();
            Some(format!("strata({})", columns.join(", ")))
        }
    }
}

/// The strata of several variables as R's `coxph` makes them from `strata(a, b)` and
/// `strata(a) + strata(b)`: the interaction of the levels, the last variable varying
/// fastest, only the combinations present in the kept rows. The labels are R's: each
/// `strata()` call labels its levels `a=1, b=2`, or by the level alone (`female, male`)
/// when all its columns are text (R's `shortlabel`); within a call the labels of the second
/// and later variables are padded with blanks to a common width (R's `format()`); the calls
/// are joined with `, `. Each variable's levels are those of all rows, as `strata()` sees
/// them before `na.omit` (this matters for the padding only). The variables are combined one
/// at a time and the combinations renumbered after each, so the codes stay below rows ×
/// levels.
fn interact_strata(
    formula: &Formula,
    table: &Table,
    kept: &[usize],
    dropped: &[usize],
) -> Result<StrataCoding> {
    let variables = formula.variables();
    let mut out = StrataCoding::default();
    let mut first = true;
    for group in formula.strata_groups() {
        let mut short_label = true;
        for &v in group {
            short_label &= matches!(table.column(&variables[v].column)?, Column::Text(_));
        }
        for (k, &v) in group.iter().enumerate() {
            let name = variables[v].column.as_str();
            let column = table.column(name)?;
            let (levels, codes) = code_column::<usize>(column, kept, dropped);
            let mut labels: Vec<String> = if short_label {
                levels.labels.clone()
            } else {
                levels
                    .labels
                    .iter()
                    .map(|l| format!("{name}={l}"))
                    .collect()
            };
            if !short_label && k > 0 {
                let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
                for l in &mut labels {
                    let pad = width - l.chars().count();
                    l.extend(std::iter::repeat_n(' ', pad));
                }
            }
            if first {
                out.labels = labels;
                out.short = levels.labels;
                out.codes = codes;
                first = false;
                continue;
            }
            let size = labels.len().max(1) as u64;
            let combined: Vec<u64> = out
                .codes
                .iter()
                .zip(&codes)
                .map(|(&a, &c)| a as u64 * size + c as u64)
                .collect();
            let mut present = combined.clone();
            present.sort_unstable();
            present.dedup();
            out.codes = combined
                .iter()
                .map(|c| present.binary_search(c).unwrap_or(0))
                .collect();
            let (long, short): (Vec<String>, Vec<String>) = present
                .iter()
                .map(|&c| {
                    let (prev, j) = ((c / size) as usize, (c % size) as usize);
                    (
                        format!("{}, {}", out.labels[prev], labels[j]),
                        format!("{}, {}", out.short[prev], levels.labels[j]),
                    )
                })
                .unzip();
            out.labels = long;
            out.short = short;
        }
    }
    Ok(out)
}

/// The strata of several variables: labels (`a=1, b=2`), short labels (`1, 2`) and the
/// stratum of each kept row.
#[derive(Debug, Default)]
struct StrataCoding {
    labels: Vec<String>,
    short: Vec<String>,
    codes: Vec<usize>,
}

impl FrameData {
    /// Builds the model frame of `formula` on `table` under `fitter`'s rules.
    pub(crate) fn build(formula: &Formula, table: &Table, fitter: Fitter) -> Result<FrameData> {
        let n_table = table.nrows();
        // every column must exist
        for c in formula.columns() {
            table.column(c)?;
        }
        // na.omit over every variable of the formula
        let mut missing = vec![false; n_table];
        for c in formula.columns() {
            match table.column(c)? {
                Column::Number(v) => {
                    // blocks of 64 tested at once (vectorized); rows flagged in the few blocks
                    // with a missing cell
                    for (ms, xs) in missing.chunks_mut(64).zip(v.chunks(64)) {
                        if xs.iter().fold(false, |a, x| a | x.is_nan()) {
                            for (m, x) in ms.iter_mut().zip(xs) {
                                *m |= x.is_nan();
                            }
                        }
                    }
                }
                Column::Text(t) => {
                    for (m, &code) in missing.iter_mut().zip(t.codes()) {
                        *m |= code == u32::MAX;
                    }
                }
                Column::Logical(v) => {
                    for (m, x) in missing.iter_mut().zip(v) {
                        *m |= x.is_none();
                    }
                }
            }
        }
        let n_missing = missing.iter().filter(|&&m| m).count();
        let mut kept: Vec<usize> = Vec::with_capacity(n_table - n_missing);
        let mut dropped: Vec<usize> = Vec::with_capacity(n_missing);
        for (i, &m) in missing.iter().enumerate() {
            if m {
                dropped.push(i + 1);
            } else {
                kept.push(i);
            }
        }
        if kept.is_empty() {
            return Err(Error::EmptyInput {
                what: "model frame (every row has a missing value in a formula variable)",
            });
        }
        // the dropped rows 0-based: their values are levels of coxph's factor() and strata
        let dropped0: Vec<usize> = dropped.iter().map(|&r| r - 1).collect();

        // variables of the terms: numeric or factor
        let variables = formula.variables().to_vec();
        let mut encodings: Vec<Option<Encoding>> = vec![None; variables.len()];
        let mut coded: Vec<Option<Coded>> = vec![None; variables.len()];
        let in_terms: Vec<bool> = (0..variables.len())
            .map(|v| formula.terms().iter().any(|t| t.contains(&v)))
            .collect();
        for (v, var) in variables.iter().enumerate() {
            if !in_terms[v] {
                continue;
            }
            let column = table.column(&var.column)?;
            let as_factor =
                var.kind == VariableKind::Factor || !matches!(column, Column::Number(_));
            if let (false, Column::Number(x)) = (as_factor, column) {
                // read at the kept rows when the matrix is written: no copy here
                if let Some(&i) = kept.iter().find(|&&i| !x[i].is_finite()) {
                    return Err(Error::NonFinite {
                        column: var.column.clone(),
                        row: i + 1,
                        value: x[i],
                    });
                }
                encodings[v] = Some(Encoding::Numeric);
                coded[v] = Some(Coded::Column(x));
                continue;
            }
            // factor(x) in coxph keeps the levels of all rows; otherwise the kept rows'
            let extra = if fitter == Fitter::Cox && var.kind == VariableKind::Factor {
                dropped0.as_slice()
            } else {
                &[]
            };
            let (mut levels, mut codes) = code_column::<u32>(column, &kept, extra);
            if let Some((_, reference)) =
                formula.references().iter().find(|(c, _)| *c == var.column)
            {
                let k = levels
                    .code_of_label(reference)
                    .ok_or_else(|| Error::UnknownLevel {
                        variable: var.label(),
                        level: reference.clone(),
                        levels: levels.describe(),
                    })?;
                relevel(&mut levels, &mut codes, k);
            }
            coded[v] = Some(Coded::Codes(codes, levels.labels.len()));
            encodings[v] = Some(Encoding::Factor(levels));
        }
        // a reference level for a column that is not a factor of the formula
        for (column, _) in formula.references() {
            let is_factor = variables
                .iter()
                .zip(&encodings)
                .any(|(var, e)| var.column == *column && matches!(e, Some(Encoding::Factor(_))));
            if !is_factor {
                let col = table.column(column)?;
                if !variables.iter().any(|v| v.column == *column) {
                    return Err(Error::UnknownColumn {
                        name: format!(
                            "{column} (a reference level names a column that is not in the formula)"
                        ),
                    });
                }
                return Err(Error::ColumnType {
                    column: column.clone(),
                    found: col.kind(),
                    needed: "a factor",
                    reason: "a reference level needs a text column or factor(column)",
                });
            }
        }

        // codings, columns and names
        let intercept = match fitter {
            Fitter::Cox => true,
            Fitter::Glm | Fitter::SurvReg => formula.has_intercept(),
        };
        let is_factor: Vec<bool> = encodings
            .iter()
            .map(|e| matches!(e, Some(Encoding::Factor(_))))
            .collect();
        let codings = term_codes(formula.terms(), &is_factor, intercept);
        let mut column_names: Vec<String> = Vec::new();
        let design_intercept = fitter != Fitter::Cox && intercept;
        if design_intercept {
            column_names.push(crate::design::INTERCEPT.to_string());
        }
        let mut terms = Vec::with_capacity(formula.terms().len());
        for (term, codes) in formula.terms().iter().zip(&codings) {
            for (&v, &c) in term.iter().zip(codes) {
                if let (Coding::Contrasts, Some(Encoding::Factor(levels))) = (c, &encodings[v])
                    && levels.labels.len() < 2
                {
                    return Err(Error::SingleLevel {
                        variable: variables[v].label(),
                        level: levels.labels.first().cloned().unwrap_or_default(),
                    });
                }
                if let Some(Encoding::Factor(levels)) = &encodings[v]
                    && levels.labels.len() > MAX_FACTOR_LEVELS
                {
                    return Err(Error::TooManyLevels {
                        variable: variables[v].label(),
                        found: levels.labels.len(),
                        max: MAX_FACTOR_LEVELS,
                    });
                }
            }
            let names = term_column_names(&variables, &encodings, term, codes);
            let start = column_names.len();
            column_names.extend(names);
            terms.push(Term {
                label: formula.term_label(term),
                columns: (start..column_names.len()).collect(),
                variables: term.clone(),
                codings: codes.clone(),
            });
        }
        // linear in the number of columns
        let mut seen = std::collections::HashSet::with_capacity(column_names.len());
        if let Some(dup) = column_names.iter().find(|c| !seen.insert(c.as_str())) {
            return Err(Error::DuplicateColumn { name: dup.clone() });
        }

        // strata: one variable, or the interaction of several (R's strata(a, b))
        let strata_vars = formula.specials(&VariableKind::Strata);
        let mut strata_levels = Vec::new();
        let mut strata_short = Vec::new();
        let mut strata_codes = None;
        if let [var] = strata_vars.as_slice() {
            let column = table.column(&var.column)?;
            let (levels, codes) = code_column::<usize>(column, &kept, &[]);
            strata_codes = Some(codes);
            strata_levels = levels.labels;
        } else if !strata_vars.is_empty() {
            let coding = interact_strata(formula, table, &kept, &dropped0)?;
            strata_codes = Some(coding.codes);
            strata_levels = coding.labels;
            strata_short = coding.short;
        }
        let clusters = formula.specials(&VariableKind::Cluster);
        if clusters.len() > 1 {
            return Err(Error::FormulaSyntax {
                position: 1,
                token: clusters[1].label(),
                reason: "only one cluster() variable is allowed".to_string(),
            });
        }
        let cluster = match clusters.first() {
            Some(var) => {
                let column = table.column(&var.column)?;
                Some(code_column::<u32>(column, &kept, &[]).1)
            }
            None => None,
        };
        let mut offset: Option<Vec<f64>> = None;
        for var in formula.specials(&VariableKind::Offset) {
            let x = numbers(table, &var.column, &kept, "offset() needs a numeric column")?;
            offset = Some(match offset {
                None => x,
                Some(o) => o.iter().zip(&x).map(|(a, b)| a + b).collect(),
            });
        }
        let weights = match formula.weights() {
            Some(w) => Some(numbers(table, w, &kept, "weights must be numeric")?),
            None => None,
        };

        let frame = ModelFrame {
            formula: formula.clone(),
            fitter,
            variables,
            encodings,
            terms,
            column_names,
            intercept: design_intercept,
            strata_variable: strata_label(&strata_vars),
            strata_levels,
            strata_short,
            dropped,
            kept,
        };
        let n = frame.kept.len();
        let (names, matrix) = build_matrix(&frame, &coded, n, Some(&frame.kept));
        if names.is_empty() {
            return Err(Error::EmptyInput {
                what: "model (the formula has no terms and no intercept column)",
            });
        }
        // each numeric column was checked finite and dummies are 0/1: only a product of two
        // numbers (an interaction) can overflow, so only then are the entries read again
        let products = frame
            .terms
            .iter()
            .any(|t| t.codings.iter().filter(|&&c| c == Coding::Numeric).count() > 1);
        let design = if products {
            Design::from_matrix_owned(names, matrix)
        } else {
            Design::from_matrix_finite(names, matrix)
        }
        .map_err(|e| table_row(e, &frame.kept))?;
        let kept = &frame.kept;
        let response = match formula.response() {
            None => {
                return Err(Error::FormulaSyntax {
                    position: 1,
                    token: "~".to_string(),
                    reason: "the formula needs a response on the left of `~`".to_string(),
                });
            }
            Some(ResponseSpec::Binary(y)) => {
                if fitter != Fitter::Glm {
                    return Err(Error::FormulaSyntax {
                        position: 1,
                        token: y.clone(),
                        reason: "a survival model needs Surv(time, status) on the left of `~`"
                            .to_string(),
                    });
                }
                let values = numbers(table, y, kept, "a binary response must be 0/1 or logical")?;
                let mut out = BinaryOutcome::new(&values).map_err(|e| table_row(e, kept))?;
                if let Some(w) = weights {
                    out = out.with_weights(w).map_err(|e| table_row(e, kept))?;
                }
                if let Some(o) = offset {
                    out = out.with_offsets(o).map_err(|e| table_row(e, kept))?;
                }
                FrameResponse::Binary(out)
            }
            Some(spec) => {
                if fitter == Fitter::Glm {
                    return Err(Error::FormulaSyntax {
                        position: 1,
                        token: "Surv".to_string(),
                        reason:
                            "a logistic model needs a binary response column on the left of `~`"
                                .to_string(),
                    });
                }
                let (start, time, status) = match spec {
                    ResponseSpec::Surv { time, status } => (None, time, status),
                    ResponseSpec::Counting { start, stop, event } => (Some(start), stop, event),
                    ResponseSpec::Binary(_) => unreachable!("handled above"),
                };
                let t = numbers(table, time, kept, "survival times must be numeric")?;
                let event = status_events(table, status, kept)?;
                let mut data = match start {
                    None => SurvivalData::new(t, event),
                    Some(start) => {
                        let st = numbers(table, start, kept, "start times must be numeric")?;
                        SurvivalData::counting(st, t, event)
                    }
                }
                .map_err(|e| table_row(e, kept))?;
                if let Some(codes) = strata_codes {
                    let levels = Levels::from_codes(frame.strata_levels.clone(), codes)?;
                    data = data
                        .with_strata_levels(levels)
                        .map_err(|e| table_row(e, kept))?;
                }
                if let Some(w) = weights {
                    data = data.with_weights(w).map_err(|e| table_row(e, kept))?;
                }
                if let Some(o) = offset {
                    data = data.with_offsets(o).map_err(|e| table_row(e, kept))?;
                }
                if let Some(c) = cluster {
                    data = data.with_clusters(&c).map_err(|e| table_row(e, kept))?;
                }
                FrameResponse::Survival(data)
            }
        };
        Ok(FrameData {
            frame,
            design,
            response,
        })
    }
}
