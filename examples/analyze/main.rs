//! `analyze`: every oncostat model from the command line, over a CSV file.
//!
//! ```text
//! cargo run --release --example analyze -- <command> [options] <file.csv>
//! cargo run --release --example analyze -- --help          # the commands
//! cargo run --release --example analyze -- cox --help      # every option of one command
//! ```
//!
//! Commands: `cox`, `km`, `logrank`, `logistic`, `irecist`, `proportion`, `endpoints`, `survreg`, `cif`, `finegray`, `rmst` (one module each). Global option
//! `--json` prints exactly one JSON object on stdout; otherwise an R-like table is printed,
//! ending with how many rows were used and dropped for missing values.
//!
//! Bad input or usage: exit status 2 and one line on stderr starting with `error: `, naming
//! the file, row and column where that applies; nothing on stdout. `--help` exits 0.
//!
//! # Adding a command (the pattern every command follows)
//! 1. A module `examples/analyze/<name>.rs` with
//!    * `#[derive(Debug, clap::Args)] pub struct Args { .. }`: one field per option, each with
//!      a ONE-LINE doc comment (it is the option's `--help` line; a second paragraph would
//!      make clap print a block per option) and `#[arg(long, value_name = "COL")]`. Typed
//!      options: a library settings enum with `value_parser = cli::setting::<Ties>()` (R's
//!      names, listed by `--help`; add the enum to `cli::settings!`), a CLI-only choice as a
//!      `clap::ValueEnum` (see `cli::CiArg`), or the shared parsers in `../shared/parse.rs` (`parse::Names` for `A,B,...` lists,
//!      `parse::Numbers`, `parse::finite_number`, `parse::whole_days`). An option that can be
//!      negative needs `allow_negative_numbers = true`. The input file:
//!      `#[command(flatten)] pub input: cli::Input` (two input files: two `PathBuf` options).
//!    * `impl cli::Run for Args`: `fn run(&self, read: &cli::Reader) -> Result<Output, CliError>`.
//!      It reads its file with `read(self.input.file()?)?` (the fuzz target passes a reader of
//!      bytes), reads typed columns with [`table::Table::columns`] (which drops incomplete
//!      rows, like R's `na.omit`, and counts them), converts library errors with
//!      [`cli::CliError::from_lib`] (file row numbers), times the fitting with [`cli::timed`],
//!      ends its text with [`cli::rows_note`], and returns both renderings in an
//!      [`cli::Output`] (JSON: the keys listed in the module docs, `"dropped"` and `"fit_seconds"`).
//! 2. Here: `pub(crate) mod <name>;`, a variant of [`Command`] (its doc comment is the command's
//!    one-line summary in `analyze --help`) and one arm in [`Command::runner`].
//! 3. The fuzz target `fuzz/fuzz_targets/analyze.rs` includes this file, so nothing to do there.
//!
//! A new option of an existing command is one field in that command's `Args`. Options shared
//! by several commands (e.g. a landmark) go in one `#[derive(clap::Args)]` struct in their own
//! module, flattened with `#[command(flatten)]` into each command that takes them.

pub(crate) mod app;
pub(crate) mod cif;
pub(crate) mod cli;
pub(crate) mod cox;
pub(crate) mod cox_firth;
pub(crate) mod cox_timedep;
pub(crate) mod endpoints;
pub(crate) mod figure;
pub(crate) mod finegray;
pub(crate) mod formula;
pub(crate) mod irecist;
pub(crate) mod km;
pub(crate) mod landmark;
pub(crate) mod logistic;
pub(crate) mod logrank;
#[path = "../shared/parse.rs"]
pub(crate) mod parse;
pub(crate) mod proportion;
pub(crate) mod rmst;
pub(crate) mod survreg;
pub(crate) mod table;

use std::io::Write;
use std::process::ExitCode;

/// The command line: a global `--json` and one command.
#[derive(Debug, clap::Parser)]
#[command(
    name = "analyze",
    about = "oncostat's models over a CSV file, numerically as R",
    after_help = "`analyze <command> --help` lists the options of a command. Bad input: exit status 2 and one `error: ` line on stderr."
)]
pub struct Cli {
    /// Print exactly one JSON object on stdout instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands (`analyze <command> ...`).
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Cox proportional hazards regression (R's coxph; with --firth, coxphf).
    Cox(cox::Args),
    /// Kaplan–Meier curves, medians and survival at given times (R's survfit).
    Km(km::Args),
    /// Log-rank / G-rho test between groups (R's survdiff).
    Logrank(logrank::Args),
    /// Logistic regression, maximum likelihood (R's glm) or Firth (logistf).
    Logistic(logistic::Args),
    /// iRECIST responses and abscopal classification from a lesion file.
    Irecist(irecist::Args),
    /// Response rates with exact and Wilson CIs; Fisher's exact test for two groups.
    Proportion(proportion::Args),
    /// Efficacy endpoints (BOR, PFS, DoR, ORR, DCR) from a lesion file and a patient file.
    Endpoints(endpoints::Args),
    /// Parametric survival regression: Weibull, exponential, log-normal, log-logistic (R's survreg).
    Survreg(survreg::Args),
    /// Competing risks: cumulative incidence per cause (Aalen-Johansen) and Gray's test.
    Cif(cif::Args),
    /// Fine-Gray subdistribution hazard regression for one cause (R's cmprsk::crr).
    Finegray(finegray::Args),
    /// Restricted mean survival time to tau per group; difference and ratio of two groups.
    Rmst(rmst::Args),
}

impl Command {
    /// The command's options, which know how to run it.
    pub fn runner(&self) -> &dyn cli::Run {
        match self {
            Command::Cox(a) => a,
            Command::Km(a) => a,
            Command::Logrank(a) => a,
            Command::Logistic(a) => a,
            Command::Irecist(a) => a,
            Command::Proportion(a) => a,
            Command::Endpoints(a) => a,
            Command::Survreg(a) => a,
            Command::Cif(a) => a,
            Command::Finegray(a) => a,
            Command::Rmst(a) => a,
        }
    }
}

#[allow(dead_code)] // not called when the fuzz target includes this file
fn main() -> ExitCode {
    // not `env::args()`, which panics on an argument that is not UTF-8
    let argv: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
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
            eprintln!("error: {}", cut_long_words(&e.to_string()));
            ExitCode::from(2)
        }
    }
}

/// An error message with every word (between spaces or backquotes) longer than 100
/// characters cut to its first 60 and its length, so that a hostile argument (a 100,000
/// character column name or option) cannot flood the terminal; the library's own messages
/// already cut the values they quote.
fn cut_long_words(message: &str) -> String {
    const LONG: usize = 100;
    let mut out = String::with_capacity(message.len().min(4096));
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.chars().count() > LONG {
            out.push_str(&table::shown(word));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in message.chars() {
        if c.is_whitespace() || c == '`' {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}
