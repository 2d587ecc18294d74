//! Argument parsing, errors and output shared by every command.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use std::str::FromStr;

use oncostat::{ConfType, Ties};

use crate::table::Table;
use serde_json::Value;

/// A user-facing error: printed as `error: <message>` with exit status 2.
#[derive(Debug)]
pub struct CliError(String);

impl CliError {
    /// An error with the given message. Control characters (a newline inside a quoted CSV
    /// cell or header echoed in the message) are escaped, so the error stays one line.
    pub fn new(msg: impl Into<String>) -> Self {
        let msg: String = msg.into();
        if !msg.chars().any(char::is_control) {
            return CliError(msg);
        }
        CliError(
            msg.chars()
                .map(|c| {
                    if c.is_control() {
                        c.escape_default().to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect(),
        )
    }

    /// Converts a library error, naming the file. Row numbers in the library's messages
    /// count the rows passed to it; `rows` maps them back to data rows of the file
    /// (1-based, header excluded), so the message points at the right line.
    pub fn from_lib(err: oncostat::Error, file: &Path, rows: &[usize]) -> Self {
        use oncostat::Error as E;
        let file_row = |r: usize| rows.get(r.wrapping_sub(1)).map_or(r, |&orig| orig + 1);
        let name = file.display();
        let msg = match &err {
            E::NonFinite { column, row, value } => format!(
                "{name}, row {}, column `{column}`: value {value} is not a finite number",
                file_row(*row)
            ),
            // The library's message after its "row N: ", at the file's row: one wording
            // and one number format (scientific for huge or tiny values) for both.
            E::NegativeTime { row, .. }
            | E::InvalidEvent { row, .. }
            | E::InvalidWeight { row, .. }
            | E::WeightOutOfRange { row, .. }
            | E::StartNotBeforeStop { row, .. }
            | E::InvalidTimeForDistribution { row, .. }
            | E::InvalidCause { row, .. }
            | E::InvalidOutcome { row, .. } => format!(
                "{name}, row {}: {}",
                file_row(*row),
                err.to_string().split_once(": ").map_or("", |(_, m)| m)
            ),
            _ => format!("{name}: {err}"),
        };
        CliError::new(msg)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The input file of a command (the last positional argument).
#[derive(Debug, clap::Args)]
pub struct Input {
    /// The CSV file (header row; an empty cell or `NA` is missing).
    #[arg(value_name = "FILE.csv")]
    pub file: PathBuf,
    /// More files than one: an error (kept so that the message can count them).
    #[arg(hide = true)]
    extra: Vec<PathBuf>,
}

impl Input {
    /// The input file.
    ///
    /// # Errors
    /// More than one file given.
    pub fn file(&self) -> Result<&Path, CliError> {
        if self.extra.is_empty() {
            Ok(&self.file)
        } else {
            Err(CliError::new(format!(
                "expected one input file, got {}",
                1 + self.extra.len()
            )))
        }
    }
}

/// A settings enum of the library (`Ties`, `ConfType`, ...: R's names as `Display`, read
/// back by `FromStr`), for [`setting`].
pub trait Setting: FromStr<Err = oncostat::Error> + Clone + Send + Sync + 'static {
    /// Every value, in the library's order.
    fn all() -> &'static [Self];
    /// The name R uses.
    fn r_name(&self) -> &'static str;
}

macro_rules! settings {
    ($($ty:ty),+) => {$(
        impl Setting for $ty {
            fn all() -> &'static [Self] {
                <$ty>::ALL
            }
            fn r_name(&self) -> &'static str {
                self.name()
            }
        }
    )+};
}
settings!(Ties, ConfType);

/// The clap value parser of an option that is a library setting: R's names are the possible
/// values (listed by `--help`; a typo gets a suggestion), read with the enum's `FromStr`.
/// Use: `#[arg(long, value_parser = cli::setting::<Ties>())] ties: Option<Ties>`.
pub fn setting<T: Setting>() -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(T::all().iter().map(Setting::r_name))
        .try_map(|s| s.parse::<T>())
}

/// `--ci`: how logistic-regression confidence intervals are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[allow(missing_docs)] // a doc comment on a variant would make `--help` print a paragraph per value
pub enum CiArg {
    // profile (penalized, for Firth) likelihood, exact roots
    Profile,
    // Wald: coefficient ± z·se
    Wald,
}

/// The sentence every text output ends with: how many rows were used and dropped.
pub fn rows_note(used: usize, dropped: usize) -> String {
    let s = if dropped == 1 { "" } else { "s" };
    format!("n = {used} rows used; {dropped} row{s} dropped for missing values\n")
}

/// What a command produces: a readable text and a JSON object.
#[derive(Debug)]
pub struct Output {
    /// R-like printed result.
    pub text: String,
    /// The JSON object (keys as in the analyze contract).
    pub json: Value,
}

impl Output {
    /// Pretty JSON. Non-finite numbers are already `null` in a `serde_json::Value`.
    pub fn json_string(&self) -> Result<String, CliError> {
        serde_json::to_string_pretty(&self.json)
            .map_err(|e| CliError::new(format!("could not write JSON: {e}")))
    }
}

/// The flags of a fitted model that every model's JSON carries, with the same keys in every
/// command (`cox`, `cox --firth`, `logistic`, `survreg`, `finegray`, formula fits):
/// `converged`, `separation` (the columns whose estimates diverge: logistic separation, Cox
/// monotone likelihood; `null` when none), `warnings` (one sentence per warning R would print,
/// `[]` when none) and `aliased` on each coefficient.
#[derive(Debug, Default)]
pub struct ModelFlags {
    /// The fit met its convergence criterion.
    pub converged: bool,
    /// Why it stopped, when it did not converge.
    pub stop: Option<String>,
    /// Columns whose estimates diverge (separation, monotone likelihood), if any.
    pub separation: Option<Vec<String>>,
    /// One flag per coefficient in the order of the JSON's `coefficients`.
    pub aliased: Vec<bool>,
    /// The names of the coefficients (for the aliasing warning).
    pub names: Vec<String>,
}

impl ModelFlags {
    /// Writes the flags into a command's JSON object (keeps keys already there, e.g. a
    /// coefficient's own `aliased`).
    pub fn apply(&self, json: &mut Value) {
        let mut warnings: Vec<String> = Vec::new();
        if let Some(stop) = &self.stop {
            warnings.push(format!("did not converge: {stop}"));
        }
        if let Some(columns) = &self.separation {
            warnings.push(if columns.is_empty() {
                "fitted probabilities numerically 0 or 1 occurred (separation)".to_string()
            } else {
                format!(
                    "the estimates of {} diverge (separation / monotone likelihood): they may be infinite; a Firth fit (--firth) gives finite estimates",
                    columns.join(", ")
                )
            });
        }
        let aliased: Vec<&str> = self
            .aliased
            .iter()
            .zip(&self.names)
            .filter(|(a, _)| **a)
            .map(|(_, n)| n.as_str())
            .collect();
        if !aliased.is_empty() {
            warnings.push(format!(
                "coefficients not defined because of singularities: {}",
                aliased.join(", ")
            ));
        }
        if let Some(rows) = json.get_mut("coefficients").and_then(Value::as_array_mut) {
            for (row, &a) in rows.iter_mut().zip(&self.aliased) {
                if let Some(obj) = row.as_object_mut() {
                    obj.entry("aliased").or_insert(Value::Bool(a));
                }
            }
        }
        if let Some(obj) = json.as_object_mut() {
            obj.insert("converged".into(), Value::Bool(self.converged));
            obj.insert(
                "separation".into(),
                self.separation
                    .as_ref()
                    .map_or(Value::Null, |s| Value::from(s.clone())),
            );
            obj.insert("warnings".into(), Value::from(warnings));
        }
    }
}

/// A JSON number, or `null` for NaN and infinities (JSON has neither).
pub fn num(x: f64) -> Value {
    if x.is_finite() {
        Value::from(x)
    } else {
        Value::Null
    }
}

/// A JSON number for an optional value (`null` if absent or non-finite).
pub fn opt_num(x: Option<f64>) -> Value {
    x.map_or(Value::Null, num)
}

/// Runs `f` and returns its result with the elapsed wall time in seconds.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed().as_secs_f64())
}

/// Reads a CSV file into a [`Table`] (from disk, or from bytes when fuzzing).
pub type Reader<'a> = dyn Fn(&Path) -> Result<Table, CliError> + 'a;

/// A command's parsed options, which know how to run the command.
pub trait Run {
    /// Runs the command, reading its input file(s) with `read`.
    ///
    /// # Errors
    /// Unreadable input or a failed fit, as one [`CliError`] line.
    fn run(&self, read: &Reader) -> Result<Output, CliError>;
}
