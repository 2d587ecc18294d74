//! `analyze`: every oncostat model from the command line, over a CSV file.
//!
//! ```text
//! cargo run --release --example analyze -- <command> [options] <file.csv>
//! ```
//!
//! Commands: `cox`, `km`, `logrank`, `logistic`, `irecist` (see each module, and
//! `../shared/docs/analyze-example.md` for the contract). Global option `--json` prints exactly
//! one JSON object on stdout; otherwise an R-like table is printed.
//!
//! Bad input or usage: exit status 2 and one line on stderr starting with `error: `, naming
//! the file, row and column where that applies; nothing on stdout.
//!
//! # Adding a command
//! A command module exports `SPEC: CommandSpec` (the options it accepts) and
//! `fn run(args: &Args, table: &Table) -> Result<Output, CliError>`. It reads typed columns
//! with [`Table::columns`] (which drops incomplete rows, like R's `na.omit`, and counts them),
//! converts library errors with [`CliError::from_lib`], times the fitting with [`timed`] and
//! returns both renderings in an [`Output`].

#[allow(dead_code)] // parts used only by some commands
mod cli;
mod cox;
mod cox_firth;
mod irecist;
mod km;
mod logistic;
mod logrank;
#[allow(dead_code)]
mod table;

use std::process::ExitCode;

use cli::{Args, CliError, CommandSpec, Output};
use table::Table;

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

fn run(argv: &[String]) -> Result<String, CliError> {
    let Some(command) = argv.first() else {
        return Err(CliError::new(format!("no command given; {USAGE}")));
    };
    let Some(&(_, spec, run)) = COMMANDS.iter().find(|(name, _, _)| name == command) else {
        return Err(CliError::new(format!(
            "unknown command `{command}`; {USAGE}"
        )));
    };
    let args = Args::parse(command, spec, &argv[1..])?;
    let table = Table::read(args.file())?;
    let output = run(&args, &table)?;
    Ok(if args.json() {
        output.json_string()?
    } else {
        output.text
    })
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    match run(&argv) {
        Ok(out) => {
            println!("{}", out.trim_end());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
