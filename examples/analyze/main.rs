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

mod app;
mod cli;
mod cox;
mod cox_firth;
mod irecist;
mod km;
mod logistic;
mod logrank;
mod table;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    match app::run(&argv) {
        Ok(out) => match writeln!(std::io::stdout().lock(), "{}", out.trim_end()) {
            // A closed pipe (`analyze ... | head`) is the reader's choice, not an error.
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                eprintln!("error: cannot write the output: {e}");
                ExitCode::from(2)
            }
            _ => ExitCode::SUCCESS,
        },
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
