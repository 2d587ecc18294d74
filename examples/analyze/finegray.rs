//! The `finegray` command: the Fine–Gray subdistribution hazard model for one cause, as R's
//! `cmprsk::crr(ftime, fstatus, cov1, failcode = K)`.
//!
//! ```text
//! analyze finegray --time COL --status COL --cause K --covariates A,B,... [--cengroup COL] file.csv
//! ```
//!
//! JSON: `n`, `dropped`, `events`, `cause`, `coefficients: [{name, coef, se, z, p, hr,
//! hr_lower, hr_upper}]` (crr's sandwich se), `loglik` (pseudo log-likelihood),
//! `loglik_null`, `converged`, `iterations` (Newton steps), `fit_seconds`.

use oncostat::{CompetingRisksData, Design, FineGray};
use serde_json::{Value, json};

use crate::cli::{self, CliError, Input, Output, Reader, num, timed};
use crate::km::Groups;
use crate::parse::{Names, count};
use crate::table::{Kind, Table};

/// Options of `finegray`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Column of follow-up times (>= 0).
    #[arg(long, value_name = "COL")]
    pub time: String,
    /// Column of status: 0 = censored, 1, 2, ... = cause of failure (whole numbers).
    #[arg(long, value_name = "COL")]
    pub status: String,
    /// The cause of interest (a status value that occurs).
    #[arg(long, value_name = "K", value_parser = count::<u32>)]
    pub cause: u32,
    /// Numeric covariate columns.
    #[arg(long, value_name = "A,B,...")]
    pub covariates: Names,
    /// Column of censoring groups: one censoring distribution per group (crr's cengroup).
    #[arg(long, value_name = "COL")]
    pub cengroup: Option<String>,
    /// The input file.
    #[command(flatten)]
    pub input: Input,
}

impl cli::Run for Args {
    fn run(&self, read: &Reader) -> Result<Output, CliError> {
        run(self, read(self.input.file()?)?)
    }
}

/// Runs `finegray`. The table is dropped once the columns are read (see `km`).
fn run(args: &Args, table: Table) -> Result<Output, CliError> {
    let mut spec = vec![
        (args.time.as_str(), Kind::Time),
        (args.status.as_str(), Kind::Number),
    ];
    for c in args.covariates.iter() {
        spec.push((c.as_str(), Kind::Number));
    }
    if let Some(g) = &args.cengroup {
        spec.push((g.as_str(), Kind::Text));
    }
    let (mut cols, path) = table.into_columns(&spec)?;
    // each column moved out at its last use (copied for an earlier one)
    let mut uses: Vec<&str> = vec![&args.time, &args.status];
    uses.extend(args.covariates.iter().map(String::as_str));
    let mut taken = cols.take_numbers(&uses)?.into_iter();
    let (time, status) = (
        taken.next().unwrap_or_default(),
        taken.next().unwrap_or_default(),
    );
    let columns: Vec<(String, Vec<f64>)> = args.covariates.iter().cloned().zip(taken).collect();
    let lib = |e| CliError::from_lib(e, &path, &cols.rows);
    let data = CompetingRisksData::new(time, &status).map_err(lib)?;
    drop(status);
    let x = Design::from_columns(columns).map_err(lib)?;
    let model = FineGray::new(args.cause);
    let cengroups = args
        .cengroup
        .as_deref()
        .map(|g| cols.text(g).map(Groups::of_text))
        .transpose()?;
    let cengroup = cengroups.as_ref().map(Groups::rows);
    let (fit, seconds) = timed(|| match &cengroup {
        Some(g) => model.fit_cengroups(&data, &x, g),
        None => model.fit(&data, &x),
    });
    let fit = fit.map_err(|e| match (&e, &args.cengroup) {
        // name the column that holds too many censoring groups
        (oncostat::Error::TooManyStrata { .. }, Some(g)) => {
            CliError::new(format!("{}: column `{g}`: {e}", path.display()))
        }
        _ => lib(e),
    })?;
    let table_rows = fit.coef_table(0.95).map_err(lib)?;
    let coefficients: Vec<Value> = table_rows
        .rows()
        .iter()
        .map(|r| {
            json!({
                "name": r.term,
                "coef": num(r.estimate),
                "se": num(r.std_error),
                "z": num(r.statistic),
                "p": num(r.p_value),
                "hr": num(r.estimate.exp()),
                "hr_lower": num(r.lower.exp()),
                "hr_upper": num(r.upper.exp()),
            })
        })
        .collect();
    let mut json = json!({
        "model": "finegray",
        "n": fit.n(),
        "dropped": cols.dropped,
        "cause": args.cause,
        "events": fit.n_events(),
        "coefficients": coefficients,
        "loglik": num(fit.loglik()),
        "loglik_null": num(fit.loglik_null()),
        "converged": fit.convergence().converged(),
        "iterations": fit.convergence().iterations(),
        "fit_seconds": seconds,
    });
    cli::ModelFlags {
        converged: fit.convergence().converged(),
        stop: (!fit.convergence().converged()).then(|| fit.convergence().to_string()),
        separation: None,
        aliased: fit.aliased().to_vec(),
        names: fit.term_names().to_vec(),
    }
    .apply(&mut json);
    let text = format!("{fit}\n{}", cli::rows_note(fit.n(), cols.dropped));
    Ok(Output { text, json })
}
