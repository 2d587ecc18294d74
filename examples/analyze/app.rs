//! Parsing and dispatch, shared by `main.rs` and the fuzz target `fuzz/fuzz_targets/analyze.rs`
//! (which includes `main.rs` with `#[path]` and feeds the CSV bytes directly).

use std::path::Path;

use crate::Cli;
use crate::cli::{CliError, Output};
use crate::parse::{Parsed, parse};
use crate::table::Table;

/// Runs the command line `argv` (without the program name), reading the input file from disk,
/// and returns what goes to stdout (the help text for `--help`).
///
/// # Errors
/// A usage error, unreadable input or a failed fit, as one line.
pub fn run(argv: &[String]) -> Result<String, CliError> {
    let cli = match parse::<Cli>(argv).map_err(CliError::new)? {
        Parsed::Print(text) => return Ok(text),
        Parsed::Run(cli) => cli,
    };
    let output = cli.command.runner().run(&Table::read)?;
    if cli.json {
        output.json_string()
    } else {
        Ok(output.text)
    }
}

/// Runs the command line `argv` on the CSV `bytes` instead of the named file(s) (fuzzing).
/// Returns the text and the JSON rendering (`{}` for `--help`).
///
/// # Errors
/// As [`run`].
#[allow(dead_code)] // used by the fuzz target only
pub fn run_on_bytes(argv: &[String], bytes: &[u8]) -> Result<(String, String), CliError> {
    let cli = match parse::<Cli>(argv).map_err(CliError::new)? {
        Parsed::Print(text) => return Ok((text, "{}".to_string())),
        Parsed::Run(cli) => cli,
    };
    let read = |path: &Path| Table::parse(path, bytes);
    let output: Output = cli.command.runner().run(&read)?;
    let json = output.json_string()?;
    Ok((output.text, json))
}
