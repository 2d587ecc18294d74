//! Reproduce the seed cohort study end to end: Trommer et al. 2026 (OncoImmunology
//! 15:2610529), 142 ICI-refractory metastatic patients given radiotherapy, abscopal benefit
//! (AB) judged by iRECIST on the non-irradiated lesions (NIL).
//!
//! The patient data are not public, so this example simulates lesion-level cohorts from the
//! published effects (`model.rs`, `simulate.rs`), derives AB from the simulated lesion
//! measurements with the crate's iRECIST abscopal classification (AB is never copied from the
//! latent class), and runs the paper's whole analysis through the crate's public API
//! (`analysis.rs`): AB rate; Kaplan–Meier medians and log-rank tests of OS and PFS by AB and
//! of OS by fractionation; Firth logistic regression of AB on age, ICI–RT interval (months),
//! dose (EQD2) and tumour volume (OR, profile penalized-likelihood CI, penalized LR p); Cox
//! regression of OS on BMI >= 25 and CRP >= 5, adjusted for AB and fractionation as the
//! generative model requires (HR, Wald CI, p).
//!
//! ```text
//! cargo run --release --example reproduce_cohort                   # one seeded 142-patient cohort vs the paper
//! cargo run --release --example reproduce_cohort -- --replicates 1000   # mean, coverage, power
//! cargo run --release --example reproduce_cohort -- --n 300 --replicates 500   # planning a trial
//! cargo run --release --example reproduce_cohort -- --json --replicates 20
//! cargo run --release --example reproduce_cohort -- --patients examples/data/patients.csv \
//!     --lesions examples/data/lesions.csv                             # your own data
//! cargo run --release --example reproduce_cohort -- --write-data DIR --plots DIR
//! ```
//!
//! Options: `--n N` (patients per cohort, default 142), `--seed S` (default 2026),
//! `--replicates R` (default 0: just the seeded cohort), `--threads T` (default 2), `--json`
//! (one JSON object on stdout; shape in `report.rs`), `--patients FILE --lesions FILE` (file
//! formats in `io.rs`), `--write-data DIR` (writes the seeded cohort's `patients.csv` and
//! `lesions.csv`), `--plots DIR` (SVG Kaplan–Meier curves with numbers at risk and a forest
//! plot). Bad input or usage: exit status 2 and one `error: ...` line on stderr.
//!
//! The replicates are the evidence: no seed is chosen to make one cohort look right.

mod analysis;
mod io;
mod model;
mod plots;
mod replicates;
mod report;
mod rng;
mod simulate;

use std::path::PathBuf;
use std::process::ExitCode;

use io::CliError;
use report::CohortInfo;

/// Default seed of the single cohort (fixed before any result was seen).
const DEFAULT_SEED: u64 = 2026;

#[derive(Debug)]
struct Options {
    n: usize,
    seed: u64,
    replicates: usize,
    threads: usize,
    json: bool,
    patients: Option<PathBuf>,
    lesions: Option<PathBuf>,
    write_data: Option<PathBuf>,
    plots: Option<PathBuf>,
}

const USAGE: &str = "usage: reproduce_cohort [--n N] [--seed S] [--replicates R] [--threads T] \
[--json] [--patients FILE --lesions FILE] [--write-data DIR] [--plots DIR]";

fn parse_args(args: &[String]) -> Result<Option<Options>, CliError> {
    let mut o = Options {
        n: model::PAPER_N,
        seed: DEFAULT_SEED,
        replicates: 0,
        threads: 2,
        json: false,
        patients: None,
        lesions: None,
        write_data: None,
        plots: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value ({USAGE})"))
        };
        let count = |name: &str, v: String| {
            v.parse::<usize>()
                .map_err(|_| format!("{name} `{v}` is not a whole number >= 0"))
        };
        match arg.as_str() {
            "--help" | "-h" => return Ok(None),
            "--json" => o.json = true,
            "--n" => o.n = count("--n", value("--n")?)?,
            "--replicates" => o.replicates = count("--replicates", value("--replicates")?)?,
            "--threads" => o.threads = count("--threads", value("--threads")?)?,
            "--seed" => {
                let v = value("--seed")?;
                o.seed = v
                    .parse()
                    .map_err(|_| format!("--seed `{v}` is not a whole number >= 0"))?;
            }
            "--patients" => o.patients = Some(value("--patients")?.into()),
            "--lesions" => o.lesions = Some(value("--lesions")?.into()),
            "--write-data" => o.write_data = Some(value("--write-data")?.into()),
            "--plots" => o.plots = Some(value("--plots")?.into()),
            other => return Err(format!("unknown option `{other}` ({USAGE})")),
        }
    }
    if o.n < 20 {
        return Err(format!(
            "--n {} is too small: at least 20 patients are needed",
            o.n
        ));
    }
    if o.threads == 0 {
        return Err("--threads must be at least 1".into());
    }
    match (&o.patients, &o.lesions) {
        (Some(_), None) | (None, Some(_)) => {
            return Err("--patients and --lesions must be given together".into());
        }
        (Some(_), Some(_)) if o.replicates > 0 || o.write_data.is_some() => {
            return Err("--replicates and --write-data simulate cohorts; they cannot be combined with --patients/--lesions".into());
        }
        _ => {}
    }
    Ok(Some(o))
}

fn run(o: &Options) -> Result<String, CliError> {
    let model = model::Model::calibrate();
    let (info, analysis, summary) = if let (Some(pf), Some(lf)) = (&o.patients, &o.lesions) {
        let patients = io::read_patients(pf)?;
        let lesions = io::read_lesions(lf)?;
        if patients.dropped > 0 && !o.json {
            eprintln!(
                "note: {} patient rows with missing values dropped",
                patients.dropped
            );
        }
        let analysis = analysis::analyze(&patients.patients, &lesions, o.plots.is_some())
            .map_err(|e| e.to_string())?;
        let info = CohortInfo {
            n: patients.patients.len(),
            seed: None,
            simulated: false,
        };
        (info, analysis, None)
    } else {
        let cohort = simulate::simulate(&model, o.n, o.seed);
        if let Some(dir) = &o.write_data {
            io::write_cohort(dir, &cohort)?;
        }
        let records = io::to_records(&cohort.lesions);
        let analysis = analysis::analyze(&cohort.patients, &records, o.plots.is_some())
            .map_err(|e| format!("analysis of the seeded cohort failed: {e}"))?;
        let summary = (o.replicates > 0)
            .then(|| replicates::run(&model, o.n, o.seed, o.replicates, o.threads));
        let info = CohortInfo {
            n: o.n,
            seed: Some(o.seed),
            simulated: true,
        };
        (info, analysis, summary)
    };
    if let Some(dir) = &o.plots {
        plots::write_all(dir, &analysis)?;
    }
    Ok(if o.json {
        report::json(info, &analysis, summary.as_ref()).to_string()
    } else {
        let model = info.simulated.then_some(&model);
        report::text(info, model, &analysis, summary.as_ref())
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse_args(&args) {
        Ok(Some(o)) => o,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
