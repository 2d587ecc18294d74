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

use crate::cli::{Args, CliError, CommandSpec, Output, num, timed};
use crate::km::group_keys;
use crate::table::{Kind, Table};

/// Options of `logrank`.
pub const SPEC: CommandSpec = CommandSpec {
    values: &["time", "event", "group", "strata", "rho"],
    flags: &[],
};

/// Runs `logrank`.
pub fn run(args: &Args, table: &Table) -> Result<Output, CliError> {
    let time_col = args.required("time")?;
    let event_col = args.required("event")?;
    let group_col = args.required("group")?;
    let strata_col = args.value("strata");
    let rho = args.number("rho", 0.0)?;
    let mut spec = vec![
        (time_col, Kind::Number),
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
    Ok(Output {
        text: test.to_string(),
        json,
    })
}
