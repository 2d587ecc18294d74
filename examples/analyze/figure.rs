//! `--plot FILE.svg`: the figure of a command, drawn with the library's `oncostat::plots`
//! builders and written as SVG; the command's JSON gains the key `plot` (the path written).
//!
//! | command | figure |
//! |---|---|
//! | `km` (also `--landmark`) | Kaplan–Meier curves, CI bands, number at risk, log-rank p |
//! | `cif` | cumulative incidence per cause (line style) and group (colour), Gray's p per cause |
//! | `cox` (every variant) | forest plot of the hazard ratios (log axis, HR (95% CI), p); `--plot-kind curves`: Cox-predicted survival per stratum or `--plot-by` value |
//! | `logistic` | forest plot of the odds ratios |
//! | `rmst` | Kaplan–Meier curves, the area up to τ shaded, RMST difference p |
//! | `irecist` | waterfall (default) or spider plot (`--plot-kind`) |
//! | `endpoints` | Kaplan–Meier of PFS per group (default), waterfall, spider or swimmer |
//!
//! `cox` and `logistic` take `--plot-per NAME=K` (repeatable): the ratio of `NAME` per `K`
//! units (ratio^K), so that a continuous covariate's effect does not shrink to a dot beside
//! binary ones. A coefficient a log axis cannot show (aliased, or infinite under separation) is left out
//! of a forest plot, and the text output says so.

use std::path::Path;

use oncostat::CoefTable;
use oncostat::plots::{ForestPlot, ForestRow};
use serde_json::{Value, json};

use crate::cli::CliError;

/// A figure error as the command line's one-line error, naming the file.
pub(crate) fn error(path: &Path) -> impl Fn(oncostat::Error) -> CliError + '_ {
    move |e| CliError::new(format!("--plot {}: {e}", path.display()))
}

/// The JSON value of the `plot` key: the path written.
pub(crate) fn written(path: &Path) -> Value {
    json!(path.display().to_string())
}

/// The forest plot of `table` (exponentiated coefficients, the intercept left out), its
/// ratio named `measure` (`HR`, `OR`), written to `path`; returns the `plot` value and a text
/// note naming the rows left out (see [`forest_rows`]).
pub(crate) fn forest(
    table: &CoefTable,
    measure: &str,
    per: &[String],
    path: &Path,
    title: &str,
) -> Result<(Value, String), CliError> {
    let rows = table.rows().iter().map(ForestRow::from).collect();
    forest_rows(rows, table.level(), measure, per, path, title)
}

/// The forest plot of `rows` (ratio scale) at confidence `level`; rows labelled
/// `(Intercept)` and rows a log axis cannot show (a ratio or lower bound that is not a finite
/// number, e.g. an aliased or infinite coefficient) are left out and named in the returned
/// note. `per` holds `NAME=K` rescalings (`--plot-per age=10`: the ratio per 10 units of
/// `age`, [`ForestPlot::per_unit`]).
pub(crate) fn forest_rows(
    rows: Vec<ForestRow>,
    level: f64,
    measure: &str,
    per: &[String],
    path: &Path,
    title: &str,
) -> Result<(Value, String), CliError> {
    let (shown, left_out): (Vec<ForestRow>, Vec<ForestRow>) = rows
        .into_iter()
        .filter(|r| r.label != "(Intercept)")
        .partition(|r| {
            r.estimate.is_finite() && r.estimate > 0.0 && r.lower.is_finite() && !r.upper.is_nan()
        });
    if shown.is_empty() {
        return Err(CliError::new(format!(
            "--plot {}: no coefficient can be drawn on a log axis (all aliased or infinite)",
            path.display()
        )));
    }
    let mut plot = ForestPlot::new(shown)
        .map_err(error(path))?
        .level(level)
        .measure(measure)
        .title(title);
    for item in per {
        let bad = || {
            CliError::new(format!(
                "--plot-per `{item}`: expected NAME=K with a coefficient name and a positive number, e.g. age=10"
            ))
        };
        let (name, k) = item.split_once('=').ok_or_else(bad)?;
        let k: f64 = k.trim().parse().map_err(|_| bad())?;
        if !(k.is_finite() && k > 0.0) {
            return Err(bad());
        }
        plot = plot
            .per_unit(name.trim(), k, &format!("per {k}"))
            .map_err(|e| CliError::new(format!("--plot-per `{item}`: {e}")))?;
    }
    plot.save(path).map_err(error(path))?;
    let note = if left_out.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = left_out.iter().map(|r| r.label.as_str()).collect();
        format!(
            "Forest plot: left out {} (not a finite ratio)\n",
            names.join(", ")
        )
    };
    Ok((written(path), note))
}

/// A response figure of `oncostat::plots`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Response {
    /// Best % change of the target sum per patient, sorted, coloured by best response.
    Waterfall,
    /// % change of the target sum per visit and patient.
    Spider,
    /// Time on study per patient with response onset, progression, death, ongoing.
    Swimmer,
}

/// Draws the response figure `kind` of `data` to `path`; returns the `plot` value.
pub(crate) fn response(
    data: &oncostat::endpoints::PlotData,
    kind: Response,
    path: &Path,
) -> Result<Value, CliError> {
    use oncostat::plots::{SpiderPlot, SwimmerPlot, WaterfallPlot};
    match kind {
        Response::Waterfall => WaterfallPlot::new(data)
            .and_then(|p| p.title("Best change of the target sum").save(path)),
        Response::Spider => SpiderPlot::new(data)
            .and_then(|p| p.title("Change of the target sum per visit").save(path)),
        Response::Swimmer => SwimmerPlot::new(data).and_then(|p| {
            p.title("Time on study, response and progression")
                .save(path)
        }),
    }
    .map_err(error(path))?;
    Ok(written(path))
}
