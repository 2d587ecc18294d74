//! `--plots DIR`: the cohort's figures, drawn with the library's `oncostat::plots`:
//! Kaplan–Meier curves with confidence bands, censor marks and the number-at-risk table for the
//! three comparisons, and a forest plot of the Firth ORs and Cox HRs with the continuous
//! covariates rescaled to clinically meaningful units (so they share the axis with the HRs).
//!
//! `--power-curve R --plot FILE.svg`: the power curve as a line plot, power against the
//! number of patients, one colour per finding, solid at p < 0.05 (with the exact
//! Clopper–Pearson 95% interval of the simulated power as a band: the Monte Carlo error of R
//! cohorts) and dashed at p < 0.01, and a dashed line at 80% power.

use std::path::Path;

use oncostat::endpoints::ResponseRate;
use oncostat::plots::{CurvePlot, ForestPlot, ForestRow, Line, LinePlot, RiskTable};

use crate::analysis::{CohortAnalysis, Comparison, Ratio};
use crate::io::CliError;
use crate::replicates::{Summary, ratios};
use crate::report::{POWER_FINDINGS, power_denominator, power_of};

/// Colours (indices into `oncostat::plots::PALETTE`) of the power-curve findings, in
/// `POWER_FINDINGS` order: the Okabe–Ito palette without its yellow, which is unreadable on
/// white.
const POWER_COLOURS: [usize; 7] = [0, 1, 2, 3, 4, 5, 7];

/// Rows of the forest plot: label, and the covariate units one row's ratio is shown per
/// (the ORs are estimated per year, month, Gy and cc).
const FOREST_ROWS: [(&str, f64, &str); 6] = [
    ("OR age", 10.0, "per 10 years"),
    ("OR ICI–RT interval", 3.0, "per 3 months"),
    ("OR dose EQD2", 10.0, "per 10 Gy"),
    ("OR tumour volume", 10.0, "per 10 cc"),
    ("HR BMI ≥ 25", 1.0, "yes vs no"),
    ("HR CRP ≥ 5", 1.0, "yes vs no"),
];

fn lib_err(path: &Path) -> impl Fn(oncostat::Error) -> CliError + '_ {
    move |e| format!("cannot draw {}: {e}", path.display())
}

/// Writes `km_os_by_ab.svg`, `km_pfs_by_ab.svg`, `km_os_by_fractionation.svg`,
/// `km_os_landmark.svg` (OS by AB from the landmark at the first restaging),
/// `simon_makuch_os.svg` (OS by AB as a time-dependent state; p of the Mantel–Byar score
/// test) and `forest.svg` into `dir`.
///
/// # Errors
/// I/O or drawing errors, with the file name.
pub fn write_all(dir: &Path, a: &CohortAnalysis) -> Result<Vec<String>, CliError> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for (name, title, comparison) in [
        (
            "km_os_by_ab.svg",
            "Overall survival by abscopal benefit",
            &a.os_by_ab,
        ),
        (
            "km_pfs_by_ab.svg",
            "Progression-free survival by abscopal benefit",
            &a.pfs_by_ab,
        ),
        (
            "km_os_by_fractionation.svg",
            "Overall survival by fractionation",
            &a.os_by_fractionation,
        ),
    ] {
        let path = dir.join(name);
        km_plot(&path, title, comparison)?;
        written.push(path.display().to_string());
    }
    if let Some([landmark, simon_makuch]) = &a.guarantee.curves {
        // (test name, risk table): the library's number-at-risk table reads the risk set at
        // the next event time, which for the Simon–Makuch curves' delayed entries (patients
        // enter the AB state when AB is seen) overstates the early AB numbers; no table there.
        for (name, title, x_label, curves, (test, p, table)) in [
            (
                "km_os_landmark.svg",
                format!(
                    "Overall survival by abscopal benefit, landmark at {:.1} months",
                    crate::analysis::landmark_months()
                ),
                "Months since the landmark",
                landmark,
                ("Log-rank", a.guarantee.landmark_p, RiskTable::AtRisk),
            ),
            (
                "simon_makuch_os.svg",
                "Overall survival by abscopal benefit (Simon–Makuch, time-dependent)".to_owned(),
                "Months since radiotherapy",
                simon_makuch,
                ("Mantel–Byar", a.guarantee.td_p, RiskTable::None),
            ),
        ] {
            let path = dir.join(name);
            CurvePlot::new(curves.to_vec())
                .and_then(|plot| {
                    plot.title(&title)
                        .x_label(x_label)
                        .time_breaks(6.0)
                        .ci(true)
                        .table(table)
                        .test_p_value(test, p)
                        .save(&path)
                })
                .map_err(lib_err(&path))?;
            written.push(path.display().to_string());
        }
    }
    let path = dir.join("forest.svg");
    forest_plot(&path, &ratios(a))?;
    written.push(path.display().to_string());
    Ok(written)
}

fn km_plot(path: &Path, title: &str, c: &Comparison) -> Result<(), CliError> {
    let Some(curves) = &c.curves else {
        return Err(format!("no curves kept for {}", path.display()));
    };
    CurvePlot::new(curves.to_vec())
        .and_then(|p| {
            p.title(title)
                .x_label("Months since radiotherapy")
                .time_breaks(6.0)
                .ci(true)
                .median_lines(true)
                .p_value(c.p)
                .save(path)
        })
        .map_err(lib_err(path))
}

fn forest_plot(path: &Path, ratios: &[Ratio; 6]) -> Result<(), CliError> {
    let rows = ratios
        .iter()
        .zip(FOREST_ROWS)
        .filter(|(r, _)| r.estimate.is_finite() && r.estimate > 0.0 && r.lower.is_finite())
        .map(|(r, (label, _, _))| ForestRow {
            label: label.to_string(),
            estimate: r.estimate,
            lower: r.lower,
            upper: r.upper,
            p_value: Some(r.p),
            n: None,
            events: None,
        })
        .collect();
    let mut plot = ForestPlot::new(rows)
        .map_err(lib_err(path))?
        .measure("OR / HR")
        .title("Firth odds ratios (abscopal benefit) and Cox hazard ratios (death)");
    for (label, factor, unit) in FOREST_ROWS {
        if plot.rows().iter().any(|r| r.label == label) {
            plot = plot.per_unit(label, factor, unit).map_err(lib_err(path))?;
        }
    }
    plot.save(path).map_err(lib_err(path))
}

/// The power-curve figure (`--power-curve R --plot FILE`): the lines of every finding of the
/// power table, written to `path`.
///
/// # Errors
/// Drawing or I/O errors, with the file name.
pub fn power_curve(path: &Path, rows: &[(usize, Summary)]) -> Result<(), CliError> {
    let n: Vec<f64> = rows.iter().map(|(n, _)| *n as f64).collect();
    let mut lines = Vec::with_capacity(2 * POWER_FINDINGS.len());
    for ((_, label, of), colour) in POWER_FINDINGS.iter().zip(POWER_COLOURS) {
        let p05: Vec<f64> = rows.iter().map(|(_, s)| power_of(s, *of).0).collect();
        let p01: Vec<f64> = rows.iter().map(|(_, s)| power_of(s, *of).1).collect();
        let (mut lower, mut upper) = (Vec::new(), Vec::new());
        for ((_, s), &p) in rows.iter().zip(&p05) {
            let total = power_denominator(s, *of) as u64;
            let hits = (p * total as f64).round() as u64;
            let (lo, hi) = ResponseRate::new(hits, total)
                .map(|r| r.clopper_pearson())
                .unwrap_or((p, p));
            lower.push(lo);
            upper.push(hi);
        }
        lines.push(
            Line::new(&label.replace(">=", "≥"), n.clone(), p05)
                .band(lower, upper)
                .colour(colour),
        );
        lines.push(
            Line::new(&label.replace(">=", "≥"), n.clone(), p01)
                .colour(colour)
                .dash(1),
        );
    }
    let replicates = rows.first().map_or(0, |(_, s)| s.requested);
    LinePlot::new(lines)
        .map(|plot| {
            plot.title(&format!(
                "Power against cohort size ({replicates} simulated cohorts per size)"
            ))
            .x_label("Patients in the cohort")
            .y_label("Power (share of cohorts significant)")
            .y_range(0.0, 1.0)
            .dash_key("p < 0.05 (band: 95% CI of the simulated power)", 0)
            .dash_key("p < 0.01", 1)
            .reference_line(0.8, "80% power")
        })
        .and_then(|plot| plot.save(path))
        .map_err(lib_err(path))
}
