//! `--plots DIR`: SVG Kaplan–Meier curves with numbers at risk for the three comparisons, and a
//! forest plot of the ORs and HRs (drawn with `plotters`' SVG backend: text is written as SVG
//! `<text>`, so no system font library is needed).

use std::path::Path;

use plotters::prelude::*;

use crate::analysis::{CohortAnalysis, Comparison, Curve, Ratio};
use crate::io::CliError;
use crate::replicates::ratios;

const WIDTH: u32 = 820;
const CHART_HEIGHT: u32 = 460;
const RISK_HEIGHT: u32 = 110;
const COLOURS: [RGBColor; 2] = [RGBColor(0, 114, 178), RGBColor(213, 94, 0)];

fn err<E: std::fmt::Display>(path: &Path) -> impl Fn(E) -> CliError + '_ {
    move |e| format!("cannot draw {}: {e}", path.display())
}

/// Writes `km_os_by_ab.svg`, `km_pfs_by_ab.svg`, `km_os_by_fractionation.svg` and
/// `forest.svg` into `dir`.
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
    let path = dir.join("forest.svg");
    forest_plot(&path, &ratios(a))?;
    written.push(path.display().to_string());
    Ok(written)
}

fn fmt_median(m: Option<f64>) -> String {
    m.map_or_else(|| "not reached".into(), |m| format!("{m:.1} mo"))
}

fn km_plot(path: &Path, title: &str, c: &Comparison) -> Result<(), CliError> {
    let Some((a, b)) = &c.curves else {
        return Err(format!("no curves kept for {}", path.display()));
    };
    let e = err(path);
    let root = SVGBackend::new(path, (WIDTH, CHART_HEIGHT + RISK_HEIGHT)).into_drawing_area();
    root.fill(&WHITE).map_err(&e)?;
    let (upper, lower) = root.split_vertically(CHART_HEIGHT);
    let t_max = a
        .all_times
        .iter()
        .chain(&b.all_times)
        .fold(0.0f64, |m, &t| m.max(t));
    let x_max = ((t_max / 6.0).ceil() * 6.0).max(6.0);
    let mut chart = ChartBuilder::on(&upper)
        .caption(title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..x_max, 0.0..1.02)
        .map_err(&e)?;
    chart
        .configure_mesh()
        .x_desc("Months")
        .y_desc("Survival probability")
        .x_labels((x_max / 6.0) as usize + 1)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.1}"))
        .light_line_style(WHITE)
        .draw()
        .map_err(&e)?;
    for (curve, colour, median) in [(a, COLOURS[0], c.median_a), (b, COLOURS[1], c.median_b)] {
        let label = format!(
            "{} (n = {}, median {})",
            curve.label,
            curve.all_times.len(),
            fmt_median(median)
        );
        chart
            .draw_series(LineSeries::new(steps(curve, x_max), colour.stroke_width(2)))
            .map_err(&e)?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
        let ticks = curve
            .censored
            .iter()
            .map(|&t| Cross::new((t, survival_at(curve, t)), 4, colour.stroke_width(1)));
        chart.draw_series(ticks).map_err(&e)?;
    }
    chart
        .draw_series(LineSeries::new(
            [(0.0, 0.5), (x_max, 0.5)],
            BLACK.mix(0.3).stroke_width(1),
        ))
        .map_err(&e)?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 15))
        .draw()
        .map_err(&e)?;
    let p_text = format!(
        "log-rank p = {}",
        if c.p < 0.001 {
            "< 0.001".into()
        } else {
            format!("{:.3}", c.p)
        }
    );
    let (px, py) = chart.backend_coord(&(x_max * 0.03, 0.06));
    upper
        .draw(&Text::new(p_text, (px, py), ("sans-serif", 16).into_font()))
        .map_err(&e)?;

    // Numbers at risk, aligned with the x axis.
    let title_style = ("sans-serif", 15).into_font().color(&BLACK);
    lower
        .draw(&Text::new("Number at risk", (12, 8), title_style))
        .map_err(&e)?;
    for (row, (curve, colour)) in [(a, COLOURS[0]), (b, COLOURS[1])].into_iter().enumerate() {
        let y = 34 + 26 * row as i32;
        let style = ("sans-serif", 14).into_font().color(&colour);
        lower
            .draw(&Text::new(short(&curve.label), (12, y), style.clone()))
            .map_err(&e)?;
        let mut t = 0.0;
        while t <= x_max + 1e-9 {
            let (x, _) = chart.backend_coord(&(t, 0.0));
            let text = curve.at_risk(t).to_string();
            let centred = x - 4 * text.len() as i32;
            lower
                .draw(&Text::new(text, (centred, y), style.clone()))
                .map_err(&e)?;
            t += 6.0;
        }
    }
    root.present().map_err(&e)?;
    Ok(())
}

fn short(label: &str) -> &str {
    match label {
        "ultrahypofractionated" => "UHF",
        other => other,
    }
}

/// The right-continuous step function of a KM curve, from (0, 1) to `x_max`.
fn steps(curve: &Curve, x_max: f64) -> Vec<(f64, f64)> {
    let mut points = vec![(0.0, 1.0)];
    let mut s = 1.0;
    for (&t, &next) in curve.times.iter().zip(&curve.survival) {
        if (next - s).abs() > 0.0 {
            points.push((t, s));
            points.push((t, next));
            s = next;
        }
    }
    let last = curve
        .all_times
        .iter()
        .fold(0.0f64, |m, &t| m.max(t))
        .min(x_max);
    points.push((last, s));
    points
}

fn survival_at(curve: &Curve, t: f64) -> f64 {
    let mut s = 1.0;
    for (&time, &value) in curve.times.iter().zip(&curve.survival) {
        if time <= t {
            s = value;
        } else {
            break;
        }
    }
    s
}

const FOREST_LABELS: [&str; 6] = [
    "OR age (per year)",
    "OR ICI-RT interval (per month)",
    "OR dose (per Gy EQD2)",
    "OR volume (per cc)",
    "HR BMI >= 25",
    "HR CRP >= 5 mg/l",
];

/// The paper's point estimates of the six ratios (`None`: "no association" only).
const PAPER_ESTIMATES: [Option<f64>; 6] = [
    Some(0.951),
    Some(1.077),
    None,
    None,
    Some(3.348),
    Some(3.058),
];

fn forest_plot(path: &Path, ratios: &[Ratio; 6]) -> Result<(), CliError> {
    let paper = PAPER_ESTIMATES;
    let e = err(path);
    let rows = ratios.len();
    let root = SVGBackend::new(path, (WIDTH, 80 + 50 * rows as u32)).into_drawing_area();
    root.fill(&WHITE).map_err(&e)?;
    let (labels, plot) = root.split_horizontally(250);
    let (x_lo, x_hi) = ratios.iter().fold((0.8f64, 1.25f64), |(lo, hi), r| {
        let lo = if r.lower.is_finite() && r.lower > 0.0 {
            lo.min(r.lower)
        } else {
            lo
        };
        let hi = if r.upper.is_finite() {
            hi.max(r.upper)
        } else {
            hi
        };
        (lo, hi)
    });
    let (x_lo, x_hi) = (x_lo / 1.1, x_hi * 1.1);
    let mut chart = ChartBuilder::on(&plot)
        .caption(
            "Odds ratios (Firth) and hazard ratios (Cox), 95% CI",
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(0)
        .build_cartesian_2d((x_lo..x_hi).log_scale(), -0.5..(rows as f64 - 0.5))
        .map_err(&e)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .x_desc("ratio (log scale); open circle = paper's estimate")
        .x_labels(0)
        .x_label_formatter(&|_| String::new())
        .light_line_style(WHITE)
        .draw()
        .map_err(&e)?;
    chart
        .draw_series(LineSeries::new(
            [(1.0, -0.5), (1.0, rows as f64 - 0.5)],
            BLACK.mix(0.5).stroke_width(1),
        ))
        .map_err(&e)?;
    // Tick labels by hand: plotters' automatic log-scale labels are too sparse or overlap.
    let ticks = [
        0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 7.5, 10.0, 20.0, 50.0,
    ];
    for &t in ticks.iter().filter(|&&t| t >= x_lo && t <= x_hi) {
        chart
            .draw_series(LineSeries::new(
                [(t, -0.5), (t, rows as f64 - 0.5)],
                BLACK.mix(0.08).stroke_width(1),
            ))
            .map_err(&e)?;
        let (px, py) = chart.backend_coord(&(t, -0.5));
        let text = format!("{t}");
        plot.draw(&Text::new(
            text.clone(),
            (px - 250 - 3 * text.len() as i32, py + 6),
            ("sans-serif", 13).into_font(),
        ))
        .map_err(&e)?;
    }
    for (k, r) in ratios.iter().enumerate() {
        let y = (rows - 1 - k) as f64;
        let colour = if k < 4 { COLOURS[0] } else { COLOURS[1] };
        if r.lower.is_finite() && r.upper.is_finite() {
            chart
                .draw_series(LineSeries::new(
                    [(r.lower.max(x_lo), y), (r.upper.min(x_hi), y)],
                    colour.stroke_width(2),
                ))
                .map_err(&e)?;
        }
        if r.estimate.is_finite() {
            let marker = EmptyElement::at((r.estimate, y))
                + Rectangle::new([(-6, -6), (6, 6)], colour.filled());
            chart.draw_series(std::iter::once(marker)).map_err(&e)?;
        }
        if let Some(paper) = paper[k] {
            chart
                .draw_series(std::iter::once(Circle::new(
                    (paper, y),
                    6,
                    BLACK.stroke_width(2),
                )))
                .map_err(&e)?;
        }
        let (_, py) = chart.backend_coord(&(1.0, y));
        let text = format!(
            "{}  {:.3} ({:.3}-{:.3})",
            FOREST_LABELS[k], r.estimate, r.lower, r.upper
        );
        labels
            .draw(&Text::new(
                FOREST_LABELS[k].to_string(),
                (10, py - 14),
                ("sans-serif", 14).into_font(),
            ))
            .map_err(&e)?;
        let numbers = text.split_at(FOREST_LABELS[k].len()).1.trim().to_string();
        labels
            .draw(&Text::new(
                numbers,
                (10, py + 2),
                ("sans-serif", 13).into_font().color(&colour),
            ))
            .map_err(&e)?;
    }
    root.present().map_err(&e)?;
    Ok(())
}
