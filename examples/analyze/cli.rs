//! Argument parsing, errors and output shared by every command.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

/// The options a command accepts (besides the global `--json` and the file).
#[derive(Debug)]
pub struct CommandSpec {
    /// Options that take a value (`--time COL`), without the leading `--`.
    pub values: &'static [&'static str],
    /// Options that are flags (`--firth`), without the leading `--`.
    pub flags: &'static [&'static str],
}

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
            E::NegativeTime { row, value } => format!(
                "{name}, row {}: survival time {value} is negative (times must be >= 0)",
                file_row(*row)
            ),
            E::InvalidEvent { row, value } => format!(
                "{name}, row {}: event indicator {value} is not 0 or 1",
                file_row(*row)
            ),
            E::InvalidWeight { row, value } => format!(
                "{name}, row {}: case weight {value} is not a finite number > 0",
                file_row(*row)
            ),
            E::StartNotBeforeStop { row, start, stop } => format!(
                "{name}, row {}: start time {start} is not before stop time {stop} (need start < stop)",
                file_row(*row)
            ),
            E::InvalidOutcome { row, value } => format!(
                "{name}, row {}: outcome {value} is not 0 or 1",
                file_row(*row)
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

/// Parsed command-line arguments of one command.
#[derive(Debug)]
pub struct Args {
    values: HashMap<String, String>,
    flags: HashSet<String>,
    json: bool,
    file: PathBuf,
}

impl Args {
    /// Parses `rest` (everything after the command name) against `spec`.
    pub fn parse(command: &str, spec: &CommandSpec, rest: &[String]) -> Result<Self, CliError> {
        let mut values = HashMap::new();
        let mut flags = HashSet::new();
        let mut json = false;
        let mut files = Vec::new();
        let mut it = rest.iter();
        while let Some(arg) = it.next() {
            let Some(opt) = arg.strip_prefix("--") else {
                files.push(PathBuf::from(arg));
                continue;
            };
            let (name, inline) = match opt.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (opt, None),
            };
            if name == "json" {
                json = true;
            } else if spec.flags.contains(&name) {
                if inline.is_some() {
                    return Err(CliError::new(format!("option --{name} takes no value")));
                }
                flags.insert(name.to_string());
            } else if spec.values.contains(&name) {
                let v = match inline {
                    Some(v) => v,
                    None => it
                        .next()
                        .cloned()
                        .ok_or_else(|| CliError::new(format!("option --{name} needs a value")))?,
                };
                if values.insert(name.to_string(), v).is_some() {
                    return Err(CliError::new(format!("option --{name} given twice")));
                }
            } else {
                return Err(CliError::new(format!(
                    "unknown option --{name} for command `{command}`"
                )));
            }
        }
        let file = match files.len() {
            1 => files.remove(0),
            0 => return Err(CliError::new("no input file given")),
            _ => {
                return Err(CliError::new(format!(
                    "expected one input file, got {}",
                    files.len()
                )));
            }
        };
        Ok(Args {
            values,
            flags,
            json,
            file,
        })
    }

    /// The input file.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// `true` if `--json` was given.
    pub fn json(&self) -> bool {
        self.json
    }

    /// `true` if the flag `--name` was given.
    pub fn flag(&self, name: &str) -> bool {
        self.flags.contains(name)
    }

    /// The value of `--name`, if given.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// The value of a required option.
    pub fn required(&self, name: &str) -> Result<&str, CliError> {
        self.value(name)
            .ok_or_else(|| CliError::new(format!("missing required option --{name}")))
    }

    /// A comma-separated list option (`--covariates a,b,c`), empty items rejected.
    pub fn list(&self, name: &str) -> Result<Option<Vec<String>>, CliError> {
        let Some(v) = self.value(name) else {
            return Ok(None);
        };
        let items: Vec<String> = v.split(',').map(|s| s.trim().to_string()).collect();
        if items.iter().any(String::is_empty) {
            return Err(CliError::new(format!(
                "option --{name}: empty item in `{v}`"
            )));
        }
        Ok(Some(items))
    }

    /// A numeric option, with a default.
    pub fn number(&self, name: &str, default: f64) -> Result<f64, CliError> {
        match self.value(name) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| CliError::new(format!("option --{name}: `{v}` is not a number"))),
        }
    }

    /// An option restricted to a set of choices, with a default.
    pub fn choice<'a>(
        &'a self,
        name: &str,
        choices: &[&str],
        default: &'a str,
    ) -> Result<&'a str, CliError> {
        let v = self.value(name).unwrap_or(default);
        if choices.contains(&v) {
            Ok(v)
        } else {
            Err(CliError::new(format!(
                "option --{name}: `{v}` is not one of {}",
                choices.join(", ")
            )))
        }
    }
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
