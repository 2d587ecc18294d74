//! The crate-wide error type.
//!
//! Every fallible public function returns [`Result<T>`](crate::Result), whose error is
//! [`Error`]. Variants name the *condition* (what is wrong with the input) and carry the
//! offending column, row, value or dimension, so that the message can be shown to a
//! clinician unchanged.
//!
//! **Row numbers are 1-based** (the first observation is row 1), as a spreadsheet or R shows
//! them.
//!
//! Degenerate but legal input is *not* an error: a constant or collinear covariate in a Cox
//! model, a median survival that is never reached or a fit that did not converge are reported
//! on the result (as R does), not here. See the error catalogue in the crate documentation.

use crate::frame::shown;
use crate::labels::number_text;
use thiserror::Error as ThisError;

/// Result alias used throughout the crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Everything that can go wrong in oncostat.
///
/// The enum is `#[non_exhaustive]`: match on the variants you handle and keep a wildcard arm.
#[derive(Debug, ThisError)]
#[non_exhaustive]
pub enum Error {
    // ------------------------------------------------------------------ shape and values
    /// No observations (or no columns) were supplied.
    #[error("no data: {what} is empty")]
    EmptyInput {
        /// What was empty (e.g. "time", "design matrix").
        what: &'static str,
    },

    /// Two inputs that must have one entry per observation differ in length.
    #[error("length mismatch: {what} has {found} entries but {expected} were expected")]
    DimensionMismatch {
        /// The input whose length is wrong.
        what: String,
        /// The expected length (usually the number of observations).
        expected: usize,
        /// The length found.
        found: usize,
    },

    /// A value is NaN or infinite.
    #[error("column `{shown_column}`, row {row}: value {} is not a finite number", number_text(*.value), shown_column = shown(.column))]
    NonFinite {
        /// The column (variable) holding the value.
        column: String,
        /// 1-based row number.
        row: usize,
        /// The offending value.
        value: f64,
    },

    /// A survival time is negative.
    #[error("row {row}: survival time {} is negative (times must be >= 0)", number_text(*.value))]
    NegativeTime {
        /// 1-based row number.
        row: usize,
        /// The offending time.
        value: f64,
    },

    /// An event indicator is not 0/1.
    #[error("row {row}: event indicator {} is not 0 (censored) or 1 (event)", number_text(*.value))]
    InvalidEvent {
        /// 1-based row number.
        row: usize,
        /// The offending value.
        value: f64,
    },

    /// A case weight is zero, negative or not finite.
    #[error("row {row}: case weight {} is not a finite number > 0", number_text(*.value))]
    InvalidWeight {
        /// 1-based row number.
        row: usize,
        /// The offending weight.
        value: f64,
    },

    /// A case weight is so small (below 2.2e-308, a subnormal double) that it has lost its
    /// precision and the weighted sums of a fit underflow.
    #[error(
        "row {row}: case weight {value:e} is below 2.2e-308, where doubles lose their \
         precision; multiply all weights by one constant"
    )]
    WeightOutOfRange {
        /// 1-based row number.
        row: usize,
        /// The offending weight.
        value: f64,
    },

    /// A binary outcome is not 0/1 (or one of the two declared labels).
    #[error("row {row}: outcome {shown_value} is not 0 or 1", shown_value = shown(.value))]
    InvalidOutcome {
        /// 1-based row number.
        row: usize,
        /// The offending value, as text.
        value: String,
    },

    /// Two columns of a design matrix have the same name.
    #[error("column name `{shown_name}` is used twice", shown_name = shown(.name))]
    DuplicateColumn {
        /// The repeated name.
        name: String,
    },

    /// A column that was asked for does not exist.
    #[error("unknown column `{shown_name}`", shown_name = shown(.name))]
    UnknownColumn {
        /// The name that was looked up.
        name: String,
    },

    /// A setting is outside its allowed range (e.g. a confidence level of 1.2).
    #[error("invalid value {} for `{name}`: {reason}", number_text(*.value))]
    InvalidParameter {
        /// The setting.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What the allowed range is.
        reason: &'static str,
    },

    /// Fewer observations than the model needs.
    #[error("too few observations: {what} needs at least {needed}, got {found}")]
    TooFewObservations {
        /// Which computation.
        what: &'static str,
        /// Minimum required.
        needed: usize,
        /// Number available.
        found: usize,
    },

    // ------------------------------------------------------------------ numerical
    /// The data contain no events (every observation censored, or every outcome the same),
    /// so the requested quantity does not exist.
    #[error("no events in {what}: every observation is censored or has the same outcome")]
    NoEvents {
        /// Which data set or group.
        what: String,
    },

    /// A matrix that must be inverted is singular (e.g. the information matrix).
    #[error("singular matrix in {what}: the covariates are collinear or carry no information")]
    SingularMatrix {
        /// Where it happened.
        what: &'static str,
    },

    /// Columns of the design matrix are exact linear combinations of earlier columns and
    /// the model cannot drop them automatically.
    #[error(
        "collinear covariates: {columns:?} are linear combinations of earlier columns (or \
         constant); drop them from the model"
    )]
    CollinearColumns {
        /// Names of the aliased columns.
        columns: Vec<String>,
    },

    /// A model that cannot alias columns (Firth's penalized logistic regression, as
    /// `logistf`) was given more coefficients than rows: some columns are then necessarily
    /// linear combinations of the others.
    #[error(
        "{model}: {coefficients} coefficients (with the intercept) but only {rows} rows; a \
         model needs at most one coefficient per row, and {aliased:?} are linear combinations \
         of the earlier columns: drop them or use fewer covariates (maximum-likelihood \
         logistic regression reports them as aliased, NA, as R's glm does)"
    )]
    MoreCoefficientsThanRows {
        /// The model.
        model: &'static str,
        /// Number of design columns.
        coefficients: usize,
        /// Number of rows.
        rows: usize,
        /// The columns that are linear combinations of earlier ones.
        aliased: Vec<String>,
    },

    /// Complete or quasi-complete separation: the maximum-likelihood estimate does not exist.
    #[error(
        "separation: the outcome is perfectly predicted by {columns:?}; the maximum-likelihood \
         estimate is infinite (use Firth's penalized regression)"
    )]
    Separation {
        /// Columns whose coefficients diverge.
        columns: Vec<String>,
    },

    /// The fit did not converge and the caller asked for a converged fit.
    #[error("{what} did not converge after {iterations} iterations")]
    NotConverged {
        /// Which fit.
        what: &'static str,
        /// Iterations performed.
        iterations: usize,
    },

    /// An internal failure of the argmin optimisation framework (its message; argmin's own
    /// error type is not exposed).
    #[error("optimizer error: {message}")]
    Optimizer {
        /// argmin's message.
        message: String,
    },
    /// A quantity of a fit does not fit in a double (overflow or underflow to 0 where a
    /// positive value is needed): extreme covariate values, weights, offsets or initial
    /// values. Names the quantity, the cause and what to do. Covariate scale alone never
    /// causes it between 1e-300 and 1e300 (the fits rescale internally).
    #[error("{what}: {reason}")]
    NumericalRange {
        /// Which fit or input.
        what: String,
        /// What is out of range and what to do.
        reason: String,
    },
    // ------------------------------------------------------------------ survival
    /// The method does not accept case weights (R's `survdiff` has no `weights` argument).
    #[error("{what} does not accept case weights; remove the weights")]
    WeightsNotSupported {
        /// Which method.
        what: &'static str,
    },

    /// A comparison of groups needs at least two groups.
    #[error("too few groups: a comparison needs at least 2 groups, found {found}")]
    TooFewGroups {
        /// Number of distinct groups found.
        found: usize,
    },

    /// A comparison of groups (log-rank, Gray's test) was given more groups than it handles:
    /// its variance matrix has one row and column per group, so the cap bounds memory and
    /// time (30,000 groups would need a 7 GB matrix). Usually an identifier column was given
    /// as the group.
    #[error(
        "too many groups: {found} distinct groups, a comparison of groups handles at most {max} \
         (is the group column an identifier?)"
    )]
    TooManyGroups {
        /// Number of distinct groups found.
        found: usize,
        /// The cap.
        max: usize,
    },

    /// The groups of a log-rank test cannot all be compared: a group is never at risk
    /// together with another group at an event time in its stratum (a stratum holding a
    /// single row, or a single group, compares nothing), or everyone at risk has the event
    /// at each of its event times, so the variance of the compared groups is singular. R's
    /// `survdiff` stops here too ("system is exactly singular").
    #[error(
        "the log-rank variance is singular: {}; drop those rows or use fewer strata (a \
         stratum holding one row or one group compares nothing)",
        uncompared_groups(groups)
    )]
    GroupsNotComparable {
        /// The groups never at risk together with another group at an event time in their
        /// stratum (empty when every group is, but the groups fall into sets that share no
        /// stratum).
        groups: Vec<String>,
    },

    /// A model was given more strata or censoring groups than it handles where each one
    /// costs a parameter or a curve: survreg's one scale per stratum (a parameter each: the
    /// information matrix is (covariates + strata)², 30,000 strata would need 7 GB and hours),
    /// Fine–Gray's censoring groups (one censoring curve each, read at every failure time:
    /// 30,000 groups took 7.3 GB). Usually an identifier column.
    #[error(
        "too many {what}: {found} distinct values, {model} handles at most {max} ({why}; is \
         the column an identifier?)"
    )]
    TooManyStrata {
        /// What was counted ("strata", "censoring groups").
        what: &'static str,
        /// The model.
        model: &'static str,
        /// Why each one costs.
        why: &'static str,
        /// Number of distinct values found.
        found: usize,
        /// The cap.
        max: usize,
    },

    /// A factor of a model formula has more levels than a model handles (each level is a
    /// design column; the information matrix is columns × columns). Usually an identifier.
    #[error("`{shown_variable}` has {found} levels, a factor in a model formula handles at most {max} \
         (is it an identifier? use strata({shown_variable}) or cluster({shown_variable}) instead)", shown_variable = shown(.variable))]
    TooManyLevels {
        /// The variable as written in the formula.
        variable: String,
        /// Number of levels found.
        found: usize,
        /// The cap.
        max: usize,
    },

    /// A two-sample comparison (FH weighted log-rank z, MaxCombo, RMST or milestone
    /// difference) was given a number of groups other than two.
    #[error("this comparison needs exactly 2 groups, found {found}")]
    NotTwoGroups {
        /// Number of distinct groups found.
        found: usize,
    },

    /// A competing-risks status is not 0 (censored) or a positive whole number (the cause).
    #[error(
        "row {row}: status {} is not 0 (censored) or a cause of failure 1, 2, ... (a positive whole number)",
        number_text(*.value)
    )]
    InvalidCause {
        /// 1-based row number.
        row: usize,
        /// The offending value.
        value: f64,
    },

    /// The cause of interest never occurs in the data (R's `crr` fails with "exactly
    /// singular").
    #[error("cause {cause} never occurs in the data (observed causes: {observed:?})")]
    CauseNotObserved {
        /// The cause asked for.
        cause: u32,
        /// The causes that do occur.
        observed: Vec<u32>,
    },

    /// A requested time or truncation point lies outside the follow-up of a group.
    #[error("{what} {} is outside the follow-up of group `{shown_group}` ({reason})", number_text(*.value), shown_group = shown(.group))]
    OutsideFollowUp {
        /// What the value is (e.g. "tau", "milestone time").
        what: &'static str,
        /// The value given.
        value: f64,
        /// The group.
        group: String,
        /// Why it is refused.
        reason: &'static str,
    },

    /// A counting-process row `(start, stop]` whose start is not before its stop (R's `Surv`:
    /// "Stop time must be > start time, NA created").
    #[error(
        "row {row}: start time {} is not before stop time {}; each interval (start, stop] must have start < stop",
        number_text(*.start),
        number_text(*.stop)
    )]
    StartNotBeforeStop {
        /// 1-based row number.
        row: usize,
        /// The interval's start.
        start: f64,
        /// The interval's stop.
        stop: f64,
    },

    /// The method does not (yet) handle counting-process `(start, stop]` data.
    #[error("{what} does not support counting-process (start, stop] data; {hint}")]
    CountingProcessNotSupported {
        /// Which method.
        what: &'static str,
        /// What to do instead.
        hint: &'static str,
    },
    /// A survival time the chosen distribution cannot model: a time of 0 for a distribution
    /// of `log t` (Weibull, exponential, log-normal, log-logistic), where `log 0 = −∞` (R's
    /// `survreg`: "Invalid survival times for this distribution").
    #[error(
        "row {row}: survival time {} is not > 0, but the {distribution} distribution models log(time); remove or correct the row",
        number_text(*.value)
    )]
    InvalidTimeForDistribution {
        /// 1-based row number.
        row: usize,
        /// The offending time.
        value: f64,
        /// The distribution asked for.
        distribution: &'static str,
    },

    /// A setting given as text (a distribution name, …) is not one of the allowed values.
    #[error("unknown {setting} `{shown_value}`; expected one of: {allowed}", shown_value = shown(.value))]
    UnknownSetting {
        /// Which setting.
        setting: &'static str,
        /// The text given.
        value: String,
        /// The allowed values.
        allowed: &'static str,
    },
    // ------------------------------------------------------------------ regression

    // ------------------------------------------------------------------ formulas and tables
    /// A model formula cannot be parsed; names the position (1-based character) and the token.
    #[error("formula, position {position} (`{token}`): {reason}")]
    FormulaSyntax {
        /// 1-based character position of the offending token.
        position: usize,
        /// The token's text.
        token: String,
        /// What is wrong.
        reason: String,
    },

    /// A CSV file cannot be read (I/O, quoting, a row with the wrong number of cells).
    #[error("CSV {location}: {reason}")]
    Csv {
        /// Where: the file and the 1-based data row (header excluded), or `header`.
        location: String,
        /// What is wrong.
        reason: String,
    },

    /// A factor level that the model does not know: a `--reference` level, or a level of new
    /// data for a prediction that was not in the fitted data.
    #[error("`{shown_variable}`: level `{shown_level}` is not one of the levels {shown_levels}", shown_variable = shown(.variable), shown_levels = shown(.levels), shown_level = shown(.level))]
    UnknownLevel {
        /// The variable (R's label, e.g. `factor(ph_ecog)` or `strata(inst)`).
        variable: String,
        /// The level asked for.
        level: String,
        /// The known levels, comma-separated.
        levels: String,
    },

    /// A factor coded by treatment contrasts has a single level in the rows used (R:
    /// "contrasts can be applied only to factors with 2 or more levels").
    #[error("`{shown_variable}` has only one level (`{shown_level}`) in the rows used; a factor needs at least 2 levels", shown_variable = shown(.variable), shown_level = shown(.level))]
    SingleLevel {
        /// The variable (R's label).
        variable: String,
        /// Its only level.
        level: String,
    },

    /// A column has the wrong type for its use in a model (e.g. text as a survival time).
    #[error("column `{shown_column}` is {found} but {needed} is needed ({reason})", shown_column = shown(.column))]
    ColumnType {
        /// The column.
        column: String,
        /// What it is (`text`, `numeric`, `logical`).
        found: &'static str,
        /// What was needed.
        needed: &'static str,
        /// Why.
        reason: &'static str,
    },

    /// A missing cell where a value is needed (new data for a prediction).
    #[error("column `{shown_column}`, row {row}: missing value", shown_column = shown(.column))]
    MissingValue {
        /// The column.
        column: String,
        /// 1-based row number.
        row: usize,
    },

    // ------------------------------------------------------------------ irecist
    /// A lesion-file cell is not a valid measurement (e.g. a negative size).
    #[error("invalid measurement `{shown_value}`: {reason}", shown_value = shown(.value))]
    InvalidMeasurement {
        /// The text or number given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// A lesion record violates the RECIST 1.1 / lesion-file rules.
    #[error("patient `{shown_patient}`, lesion `{shown_lesion}`, day {day}: {reason}", shown_patient = shown(.patient), shown_lesion = shown(.lesion))]
    InvalidLesion {
        /// Patient id.
        patient: String,
        /// Lesion id.
        lesion: String,
        /// Days since baseline of the offending row.
        day: u32,
        /// What is wrong, in clinical terms.
        reason: String,
    },

    /// A lesion-file row whose day cannot be read (so no day can be named).
    #[error("patient `{shown_patient}`, lesion `{shown_lesion}`: day `{shown_value}` is not a whole number of days >= 0", shown_patient = shown(.patient), shown_value = shown(.value), shown_lesion = shown(.lesion))]
    InvalidLesionDay {
        /// Patient id.
        patient: String,
        /// Lesion id.
        lesion: String,
        /// The day cell as written.
        value: String,
    },

    /// A fit's own copy of its data was dropped (`without_data()`), and the method needs it.
    #[error("{what} no longer keeps its data (without_data() was called); refit to compute this")]
    FitDataDropped {
        /// Which fit.
        what: &'static str,
    },

    /// A patient's lesion records as a whole are unusable (e.g. no baseline visit).
    #[error("patient `{shown_patient}`: {reason}", shown_patient = shown(.patient))]
    InvalidPatient {
        /// Patient id.
        patient: String,
        /// What is wrong.
        reason: String,
    },
    /// A figure cannot be drawn or written (feature `plots`): nothing to draw, or the SVG
    /// file cannot be written.
    #[error("figure {what}: {reason}")]
    Figure {
        /// Which figure (and file, when writing).
        what: String,
        /// What is wrong.
        reason: String,
    },
}

impl Error {
    /// Shorthand for [`Error::DimensionMismatch`].
    pub(crate) fn mismatch(what: impl Into<String>, expected: usize, found: usize) -> Self {
        Error::DimensionMismatch {
            what: what.into(),
            expected,
            found,
        }
    }
}

/// The clause of [`Error::GroupsNotComparable`] naming the groups.
fn uncompared_groups(groups: &[String]) -> String {
    let named: Vec<String> = groups.iter().take(10).map(|g| format!("`{g}`")).collect();
    let more = groups.len().saturating_sub(named.len());
    let list = if more > 0 {
        format!("{} and {more} more", named.join(", "))
    } else {
        named.join(", ")
    };
    match groups.len() {
        0 => "the groups fall into sets that share no stratum with an event".to_string(),
        1 => format!(
            "group {list} is never compared (at each event time in its stratum it is the only \
             group at risk, or everyone at risk has the event)"
        ),
        _ => format!(
            "groups {list} are never compared (at each event time in their stratum they are \
             the only group at risk, or everyone at risk has the event)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_row_and_column() {
        let e = Error::NonFinite {
            column: "age".into(),
            row: 3,
            value: f64::NAN,
        };
        assert_eq!(
            e.to_string(),
            "column `age`, row 3: value NaN is not a finite number"
        );
    }

    #[test]
    fn error_is_send_sync() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
    }
}
