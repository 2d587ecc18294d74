//! Command dispatch, shared by `main.rs` and the fuzz target `fuzz/fuzz_targets/analyze.rs`
//! (which includes these modules with `#[path]` and feeds the CSV bytes directly).

use std::path::Path;

use crate::cli::{Args, CliError, CommandSpec, Output};
use crate::table::Table;
use crate::{cox, irecist, km, logistic, logrank};

/// The commands, their option specs and entry points.
type RunFn = fn(&Args, &Table) -> Result<Output, CliError>;
const COMMANDS: &[(&str, &CommandSpec, RunFn)] = &[
    ("cox", &cox::SPEC, cox::run),
    ("km", &km::SPEC, km::run),
    ("logrank", &logrank::SPEC, logrank::run),
    ("logistic", &logistic::SPEC, logistic::run),
    ("irecist", &irecist::SPEC, irecist::run),
];

const USAGE: &str =
    "usage: analyze <cox|km|logrank|logistic|irecist> [options] [--json] <file.csv>";

/// Runs the command line `argv` (without the program name), reading the input file from disk,
/// and returns what goes to stdout.
pub fn run(argv: &[String]) -> Result<String, CliError> {
    run_with(argv, Table::read)
}

/// Runs the command line `argv` on the CSV `bytes` instead of the named file (fuzzing).
/// Returns the text and the JSON rendering.
#[allow(dead_code)] // used by the fuzz target only
pub fn run_on_bytes(argv: &[String], bytes: &[u8]) -> Result<(String, String), CliError> {
    let (command, args) = parse_args(argv)?;
    let table = Table::parse(args.file(), bytes)?;
    let output = command(&args, &table)?;
    let json = output.json_string()?;
    Ok((output.text, json))
}

fn parse_args(argv: &[String]) -> Result<(RunFn, Args), CliError> {
    let Some(command) = argv.first() else {
        return Err(CliError::new(format!("no command given; {USAGE}")));
    };
    let Some(&(_, spec, run)) = COMMANDS.iter().find(|(name, _, _)| name == command) else {
        return Err(CliError::new(format!(
            "unknown command `{command}`; {USAGE}"
        )));
    };
    let args = Args::parse(command, spec, argv.get(1..).unwrap_or_default())?;
    Ok((run, args))
}

fn run_with(
    argv: &[String],
    read: impl FnOnce(&Path) -> Result<Table, CliError>,
) -> Result<String, CliError> {
    let (command, args) = parse_args(argv)?;
    let table = read(args.file())?;
    let output = command(&args, &table)?;
    Ok(if args.json() {
        output.json_string()?
    } else {
        output.text
    })
}
