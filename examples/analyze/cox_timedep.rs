//! `cox --tdc NAME=COL` and `cox --landmark L --landmark-group COL`: Cox models for a state
//! reached during follow-up (e.g. response) without guarantee-time bias.
//!
//! * `--tdc NAME=COL`: each row `(0, time]` is split at the time in `COL` (empty / `NA`:
//!   never) as R's `tmerge(d, d, id = id, death = event(time, status), NAME = tdc(COL))`, and
//!   the model has the time-dependent covariate `NAME` (0 before the switch, 1 after) plus
//!   any `--covariates` (which may be left out: the score test of `NAME` alone is the
//!   Mantel–Byar test). `n` is the number of rows after splitting (R's `fit$n`). A switch at
//!   or after the row's time leaves it unsplit with `NAME = 0`; at or before 0, `NAME = 1`
//!   from the start. JSON adds `tdc: {name, column, rows, early, leading, within, trailing,
//!   late, missing}` (R's `tcount`, plus the rows with no switch).
//! * `--landmark L --landmark-group COL`: the rows with time `> L`, time from `L`, and the
//!   covariate `COL` = 1 if `COL <= L` (first), plus `--covariates`; JSON adds `landmark`.
//!
//! Strata, weights and clusters are carried onto the split (or kept) rows. Not combined with
//! `--start`, `--formula`, `--firth` or `--zph`.

use oncostat::endpoints::{Landmark, TdcSplit};
use oncostat::{CoxPh, CoxVariance, Design, Ties};
use serde_json::json;

use crate::cli::{self, CliError, Output, timed};
use crate::landmark::{landmark_json, landmark_text};
use crate::table::{Kind, Table};

/// How the rows are reshaped.
enum Reshape {
    Tdc(TdcSplit, String, String),
    Landmark(Landmark, String),
}

impl Reshape {
    /// Per-input-row values onto the model rows.
    fn carry<T: Clone>(&self, column: &[T]) -> oncostat::Result<Vec<T>> {
        match self {
            Reshape::Tdc(s, ..) => s.expand(column),
            Reshape::Landmark(l, _) => l.subset(column),
        }
    }
}

/// Runs `cox --tdc` / `cox --landmark`.
pub fn run(args: &crate::cox::Args, table: &Table) -> Result<Output, CliError> {
    let missing = |flag: &str| CliError::new(format!("cox: {flag} is required"));
    for (given, flag) in [
        (args.start.is_some(), "--start"),
        (args.firth, "--firth"),
        (args.zph, "--zph"),
        (args.formula.is_some(), "--formula"),
    ] {
        if given {
            return Err(CliError::new(format!(
                "cox: {flag} cannot be combined with --tdc or --landmark"
            )));
        }
    }
    let time = args.time.as_deref().ok_or_else(|| missing("--time"))?;
    let event = args.event.as_deref().ok_or_else(|| missing("--event"))?;
    let covariates: Vec<String> = args.covariates.as_ref().map_or(Vec::new(), |c| c.to_vec());
    let ties: Ties = args.ties.unwrap_or_default();
    let mut spec: Vec<(&str, Kind)> = vec![(time, Kind::Time), (event, Kind::Event)];
    spec.extend(covariates.iter().map(|c| (c.as_str(), Kind::Number)));
    spec.extend(args.strata.as_deref().map(|s| (s, Kind::Text)));
    spec.extend(args.weights.as_deref().map(|w| (w, Kind::Weight)));
    spec.extend(args.cluster.as_deref().map(|c| (c, Kind::Text)));
    let mut seen = std::collections::HashSet::new();
    spec.retain(|(name, _)| seen.insert(*name));
    let cols = table.columns(&spec)?;
    let lib = |e| CliError::from_lib(e, table.path(), &cols.rows);
    let time_col = cols.number(time)?;
    let event_col = cols.number(event)?;
    let events: Vec<bool> = event_col.iter().map(|&e| e > 0.5).collect();

    let reshape = match (&args.tdc, &args.landmark.landmark) {
        (Some(tdc), _) => {
            let (name, col) = tdc.split_once('=').ok_or_else(|| {
                CliError::new(format!(
                    "--tdc `{tdc}`: expected NAME=COL (e.g. response=response_day)"
                ))
            })?;
            let (name, col) = (name.trim(), col.trim());
            if name.is_empty() || col.is_empty() {
                return Err(CliError::new(format!(
                    "--tdc `{tdc}`: expected NAME=COL (e.g. response=response_day)"
                )));
            }
            let switch = table.optional_numbers(col, &cols.rows)?;
            let split = TdcSplit::new(time_col, &events, &switch).map_err(lib)?;
            Reshape::Tdc(split, name.to_string(), col.to_string())
        }
        (None, Some(_)) => {
            let lm = args
                .landmark
                .subset(table, &cols, time_col, event_col)?
                .ok_or_else(|| missing("--landmark-group"))?;
            let col = args.landmark.landmark_group.clone().unwrap_or_default();
            Reshape::Landmark(lm, col)
        }
        (None, None) => return Err(CliError::new("cox: --tdc or --landmark expected")),
    };
    let (state_name, state) = match &reshape {
        Reshape::Tdc(s, name, _) => (name.clone(), s.state().to_vec()),
        Reshape::Landmark(l, col) => (col.clone(), l.group().to_vec()),
    };
    if covariates.contains(&state_name) {
        return Err(CliError::new(format!(
            "cox: `{state_name}` is both the time-dependent / landmark covariate and in --covariates"
        )));
    }
    let robust = args.robust;
    let (fit, seconds) = timed(|| -> oncostat::Result<_> {
        let mut data = match &reshape {
            Reshape::Tdc(s, ..) => s.data()?,
            Reshape::Landmark(l, _) => l.data().clone(),
        };
        if let Some(s) = args.strata.as_deref() {
            data = data.with_strata(&reshape.carry(&cols.labels(s).map_err(|_| {
                oncostat::Error::UnknownColumn {
                    name: s.to_string(),
                }
            })?)?)?;
        }
        if let Some(w) = args.weights.as_deref() {
            let w = cols.number(w).map_err(|_| oncostat::Error::UnknownColumn {
                name: w.to_string(),
            })?;
            data = data.with_weights(reshape.carry(w)?)?;
        }
        let mut columns = vec![(state_name.clone(), state.clone())];
        for c in &covariates {
            let v = cols
                .number(c)
                .map_err(|_| oncostat::Error::UnknownColumn { name: c.clone() })?;
            columns.push((c.clone(), reshape.carry(v)?));
        }
        let x = Design::from_columns(columns)?;
        let mut model = CoxPh::new().ties(ties).threads(args.threads);
        if robust {
            model = model.variance(CoxVariance::Robust);
        }
        if let Some(c) = args.cluster.as_deref() {
            let c = cols.labels(c).map_err(|_| oncostat::Error::UnknownColumn {
                name: c.to_string(),
            })?;
            data = data.with_clusters(&reshape.carry(&c)?)?;
        }
        model.fit(&data, &x)
    });
    let fit = fit.map_err(lib)?;
    let mut json = crate::cox::to_json(&fit, cols.dropped, seconds)?;
    let mut text = String::new();
    match &reshape {
        Reshape::Tdc(s, name, col) => {
            let c = s.counts();
            json["tdc"] = json!({
                "name": name,
                "column": col,
                "rows": s.len(),
                "early": c.early,
                "leading": c.leading,
                "within": c.within,
                "trailing": c.trailing,
                "late": c.late,
                "missing": c.missing,
            });
            text.push_str(&format!(
                "Time-dependent covariate {name} = 1 from {col} on (R's tmerge tdc): {} rows from {} patients; switch within follow-up {}, at or before 0: {}, at or after the last time: {}, never: {}\n",
                s.len(),
                cols.len(),
                c.within,
                c.early + c.leading,
                c.trailing + c.late,
                c.missing
            ));
            if covariates.is_empty() {
                text.push_str("(with no other covariate the score test is the Mantel-Byar test)\n");
            }
        }
        Reshape::Landmark(l, col) => {
            json["landmark"] = landmark_json(l);
            text.push_str(&landmark_text(l, col));
        }
    }
    text.push_str(&format!(
        "Cox proportional hazards ({} ties)\n{fit}\n",
        ties.name()
    ));
    text.push_str(&cli::rows_note(cols.len(), cols.dropped));
    crate::cox::plot_fit(args, &fit, None, &mut json, &mut text)?;
    Ok(Output { text, json })
}
