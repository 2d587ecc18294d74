//! `cox --firth`: Firth-penalized Cox regression (R's `coxphf`, Breslow ties).
//!
//! ```text
//! analyze cox --firth --time COL --event COL --covariates A,B,... [--strata COL]
//!             [--weights COL] [--ties breslow] [--json] file.csv
//! ```
//!
//! JSON: the `cox` keys that exist for a penalized fit — `n`, `events`, `dropped`,
//! `coefficients: [{name, coef, se, z, p, hr, hr_lower, hr_upper, lower, upper, chisq_lr,
//! p_lr}]`, `loglik_null`, `loglik` (both *penalized*, as coxphf's `loglik`), `lr_test`
//! (penalized, p df), `converged`, `iterations`, `fit_seconds` — plus `penalized_loglik`.
//! `lower`/`upper` are the 95 % profile penalized-likelihood bounds on the coefficient scale
//! and `hr_lower`/`hr_upper` their exponentials (coxphf's `ci.lower`, `ci.upper`); `z`, `p`
//! are Wald with the unpenalized information (coxphf's `var`); `p_lr` is the penalized
//! likelihood-ratio p-value. `--robust`, `--zph`, `--start`, `--cluster` and `--ties efron`
//! are rejected (coxphf has Breslow ties only).

use oncostat::{ChiSqTest, Design, FirthCoxFit, FirthCoxPh, SurvivalData, Ties};
use serde_json::{Value, json};

use crate::cli::{self, CliError, Output, num, timed};
use crate::cox::Args;
use crate::table::{Kind, Table};

/// Everything a Firth fit reports for the CLI.
struct FirthReport {
    fit: FirthCoxFit,
    ci: Vec<(f64, f64)>,
    tests: Vec<ChiSqTest>,
}

/// Runs `cox --firth`. The table is dropped once the columns are read (see `km`).
pub fn run(args: &Args, table: Table) -> Result<Output, CliError> {
    for (given, flag) in [(args.robust, "robust"), (args.zph, "zph")] {
        if given {
            return Err(CliError::new(format!(
                "cox: --firth cannot be combined with --{flag}"
            )));
        }
    }
    if args.cluster.is_some() {
        return Err(CliError::new(
            "cox: --firth cannot be combined with --cluster (coxphf has no robust variance)",
        ));
    }
    if args.start.is_some() {
        return Err(CliError::new(
            "cox: --firth cannot be combined with --start (counting-process data)",
        ));
    }
    if args.ties.is_some_and(|t| t != Ties::Breslow) {
        return Err(CliError::new(
            "cox: --firth uses Breslow ties only (as R's coxphf); use --ties breslow or omit --ties",
        ));
    }
    let (time, event, covariates) = crate::formula::columns_of(args)?;
    let strata = args.strata.as_deref();
    let weights = args.weights.as_deref();

    let mut spec: Vec<(&str, Kind)> = vec![(time, Kind::Time), (event, Kind::Event)];
    spec.extend(covariates.iter().map(|c| (c.as_str(), Kind::Number)));
    spec.extend(strata.map(|s| (s, Kind::Text)));
    spec.extend(weights.map(|w| (w, Kind::Weight)));
    let (cols, path) = table.into_columns(&spec)?;
    let time_col = cols.number(time)?;
    let event_col = cols.number(event)?;
    let strata_col = strata.map(|s| cols.labels(s)).transpose()?;
    let weights_col = weights.map(|w| cols.number(w)).transpose()?;
    let covariate_cols = covariates
        .iter()
        .map(|c| Ok((c.clone(), cols.number(c)?.to_vec())))
        .collect::<Result<Vec<_>, CliError>>()?;

    let (report, seconds) = timed(|| -> oncostat::Result<FirthReport> {
        let mut data = SurvivalData::from_status(time_col.to_vec(), event_col)?;
        if let Some(s) = &strata_col {
            data = data.with_strata(s)?;
        }
        if let Some(w) = weights_col {
            data = data.with_weights(w.to_vec())?;
        }
        let x = Design::from_columns(covariate_cols)?;
        let fit = FirthCoxPh::new().fit(&data, &x)?;
        let ci = fit.conf_int(0.95)?;
        let tests = fit.penalized_lr_tests()?;
        Ok(FirthReport { fit, ci, tests })
    });
    let report = report.map_err(|e| CliError::from_lib(e, &path, &cols.rows))?;
    let mut json = to_json(&report, cols.dropped, seconds);
    let mut text = format!(
        "Firth-penalized Cox regression (as R coxphf)\n{}\n{}",
        report.fit,
        cli::rows_note(report.fit.n(), cols.dropped)
    );
    if args.plot.is_some() && args.plot_kind != crate::cox::PlotKind::Forest {
        return Err(CliError::new(
            "cox --firth: --plot-kind curves is not available (coxphf has no survfit); use the forest plot",
        ));
    }
    if let Some(path) = &args.plot {
        let (plot, note) = crate::figure::forest_rows(
            forest_rows(&report),
            0.95,
            "HR",
            &args.plot_per,
            path,
            "Firth Cox model",
        )?;
        json["plot"] = plot;
        text.push_str(&note);
    }
    Ok(Output { text, json })
}

/// The forest-plot rows of a Firth fit: the hazard ratios with their profile penalized
/// likelihood intervals and penalized LR p-values (as the printed table).
fn forest_rows(report: &FirthReport) -> Vec<oncostat::plots::ForestRow> {
    let fit = &report.fit;
    (0..fit.term_names().len())
        .map(|j| oncostat::plots::ForestRow {
            label: fit.term_names()[j].clone(),
            estimate: fit.coefficients()[j].exp(),
            lower: report.ci[j].0.exp(),
            upper: report.ci[j].1.exp(),
            p_value: Some(report.tests[j].p_value()),
            n: None,
            events: None,
        })
        .collect()
}

/// The JSON object of the analyze contract for `cox --firth`.
fn to_json(report: &FirthReport, dropped: usize, seconds: f64) -> Value {
    let fit = &report.fit;
    let z = fit.z_values();
    let p = fit.p_values();
    let coefficients: Vec<Value> = fit
        .term_names()
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let (lower, upper) = report.ci[j];
            json!({
                "name": name,
                "coef": num(fit.coefficients()[j]),
                "se": num(fit.std_errors()[j]),
                "z": num(z[j]),
                "p": num(p[j]),
                "hr": num(fit.coefficients()[j].exp()),
                "hr_lower": num(lower.exp()),
                "hr_upper": num(upper.exp()),
                "lower": num(lower),
                "upper": num(upper),
                "chisq_lr": num(report.tests[j].statistic()),
                "p_lr": num(report.tests[j].p_value()),
            })
        })
        .collect();
    let lr = fit.lr_test();
    let mut json = json!({
        "n": fit.n(),
        "events": fit.n_events(),
        "dropped": dropped,
        "method": "firth",
        "ties": "breslow",
        "coefficients": coefficients,
        "loglik_null": num(fit.loglik_null()),
        "loglik": num(fit.loglik()),
        "penalized_loglik": num(fit.loglik()),
        "lr_test": { "stat": num(lr.statistic()), "df": num(lr.df()), "p": num(lr.p_value()) },
        "converged": fit.convergence().converged(),
        "iterations": fit.convergence().iterations(),
        "fit_seconds": seconds,
    });
    crate::cli::ModelFlags {
        converged: fit.convergence().converged(),
        stop: (!fit.convergence().converged()).then(|| fit.convergence().to_string()),
        separation: None,
        aliased: fit.aliased().to_vec(),
        names: fit.term_names().to_vec(),
    }
    .apply(&mut json);
    json
}
