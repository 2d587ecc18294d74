//! The `logrank` command: log-rank / G-rho test as R's
//! `survdiff(Surv(time, event) ~ group + strata(s), rho = R)`.
//!
//! ```text
//! analyze logrank --time COL --event COL --group COL [--strata COL] [--rho R] file.csv
//! ```
//!
//! JSON: `n`, `dropped`, `rho`, `groups`, `n_per_group`, `observed`, `expected` (arrays in
//! group order), `variance` (rows of R's `var`), `chisq`, `df`, `p`, `fit_seconds`.

use oncostat::{LogRank, SurvivalData};
use serde_json::{Value, json};

use crate::cli::{self, CliError, Input, Output, Reader, num, timed};
use crate::km::group_keys;
use crate::parse::finite_number;
use crate::table::{Kind, Table};

/// Options of `logrank`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Column of follow-up times (>= 0).
    #[arg(long, value_name = "COL")]
    pub time: String,
    /// Column of event indicators (0/1 or false/true).
    #[arg(long, value_name = "COL")]
    pub event: String,
    /// Column of group labels (at least 2 groups).
    #[arg(long, value_name = "COL")]
    pub group: String,
    /// Column of strata labels: a stratified test (R's strata()).
    #[arg(long, value_name = "COL")]
    pub strata: Option<String>,
    /// Weight S(t-)^rho of the G-rho family: 0 = log-rank, 1 = Peto-Peto.
    #[arg(long, value_name = "R", default_value_t = 0.0, value_parser = finite_number, allow_negative_numbers = true)]
    pub rho: f64,
    /// The input file.
    #[command(flatten)]
    pub input: Input,
}

impl cli::Run for Args {
    fn run(&self, read: &Reader) -> Result<Output, CliError> {
        run(self, &read(self.input.file()?)?)
    }
}

/// Runs `logrank`.
fn run(args: &Args, table: &Table) -> Result<Output, CliError> {
    let time_col = args.time.as_str();
    let event_col = args.event.as_str();
    let group_col = args.group.as_str();
    let strata_col = args.strata.as_deref();
    let rho = args.rho;
    let mut spec = vec![
        (time_col, Kind::Time),
        (event_col, Kind::Event),
        (group_col, Kind::Text),
    ];
    if let Some(s) = strata_col {
        spec.push((s, Kind::Text));
    }
    let cols = table.columns(&spec)?;
    let lib = |e| CliError::from_lib(e, table.path(), &cols.rows);
    let mut data =
        SurvivalData::from_status(cols.number(time_col)?.to_vec(), cols.number(event_col)?)
            .map_err(lib)?;
    if let Some(s) = strata_col {
        data = data.with_strata(&group_keys(cols.text(s)?)).map_err(lib)?;
    }
    let groups = group_keys(cols.text(group_col)?);
    let (test, seconds) = timed(|| LogRank::new().rho(rho).test(&data, &groups));
    let test = test.map_err(lib)?;
    let variance: Vec<Value> = test
        .variance()
        .row_iter()
        .map(|row| Value::Array(row.iter().map(|&v| num(v)).collect()))
        .collect();
    let json = json!({
        "model": "logrank",
        "n": data.len(),
        "dropped": cols.dropped,
        "rho": rho,
        "groups": test.groups(),
        "n_per_group": test.n(),
        "observed": test.observed().iter().map(|&v| num(v)).collect::<Vec<_>>(),
        "expected": test.expected().iter().map(|&v| num(v)).collect::<Vec<_>>(),
        "variance": variance,
        "chisq": num(test.chisq()),
        "df": test.df(),
        "p": num(test.p_value()),
        "fit_seconds": seconds,
    });
    let text = format!("{test}\n{}", cli::rows_note(data.len(), cols.dropped));
    Ok(Output { text, json })
}
