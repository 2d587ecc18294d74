//! Publication figures as SVG (feature `plots`, on by default): Kaplan–Meier curves with the
//! number-at-risk table, Cox-predicted and landmark / Simon–Makuch curves, cumulative
//! incidence, forest plots, the waterfall, spider and swimmer plots of tumour response, and
//! line plots with markers and bands ([`LinePlot`], e.g. a power curve against the number of
//! patients).
//!
//! Every figure is a typed builder over the crate's own fits and plot data
//! ([`CurvePlot`] over [`SurvivalCurve`](crate::SurvivalCurve), [`SurvivalCurve`](crate::SurvivalCurve)
//! and [`CifFit`](crate::survival::competing::CifFit); [`ForestPlot`] over a
//! [`CoefTable`](crate::CoefTable); [`WaterfallPlot`], [`SpiderPlot`] and [`SwimmerPlot`] over
//! [`PlotData`](crate::endpoints::PlotData)). `to_svg()` returns the SVG text, `save(path)`
//! writes it. The figures are drawn with `plotters`' SVG backend: all text is SVG `<text>`, so
//! no system font library is needed, and a PNG can be made from the SVG by any renderer.
//!
//! Decisions (survminer / ggsurvfit conventions where R leaves a choice):
//! * colours: the Okabe–Ito colour-blind-safe palette ([`PALETTE`]), in group order;
//! * the number at risk at a tick time `t` is the number with time ≥ `t` (R's
//!   `summary(fit, times = t, extend = TRUE)$n.risk`, the survminer risk table), 0 after a
//!   group's last time; cumulative events and censorings count times ≤ `t`;
//! * p-values print as `p < 0.001` or `p = 0.024` ([`format_p`]);
//! * forest plots use a log axis with a reference line at 1 and can rescale a continuous
//!   covariate's ratio to a clinically meaningful unit ([`ForestPlot::per_unit`]).
//!
//! ```
//! use oncostat::{KaplanMeier, SurvivalData};
//! use oncostat::plots::CurvePlot;
//! # fn main() -> Result<(), oncostat::Error> {
//! let os = SurvivalData::from_status(vec![3.0, 8.0, 12.0, 18.0, 20.0, 25.0],
//!                                    &[1.0, 1.0, 0.0, 1.0, 0.0, 1.0])?;
//! let fits = KaplanMeier::new().fit_groups(&os, &["a", "b", "a", "b", "a", "b"])?;
//! let plot = CurvePlot::kaplan_meier(&fits)?.ci(true).p_value(0.0241).x_label("Months");
//! let svg = plot.to_svg()?;
//! assert!(svg.contains("p = 0.024"));
//! assert_eq!(plot.risk_table()[0].n_risk, 3.0); // group a at time 0
//! # Ok(()) }
//! ```

mod axis;
mod curve;
mod curves;
mod forest;
mod line;
mod response;

pub use curve::StepCurve;
pub use curves::{CurvePlot, DASHES, RiskRow, RiskTable};
pub use forest::{ForestPlot, ForestRow};
pub use line::{LegendEntry, Line, LinePlot};
pub use response::{SpiderPlot, SwimmerPlot, WaterfallPlot};

use plotters::style::RGBColor;

use crate::{Error, Result};

/// The Okabe–Ito colour-blind-safe palette (blue, vermillion, bluish green, reddish purple,
/// orange, sky blue, yellow, black), used in group order.
pub const PALETTE: [(u8, u8, u8); 8] = [
    (0, 114, 178),
    (213, 94, 0),
    (0, 158, 115),
    (204, 121, 167),
    (230, 159, 0),
    (86, 180, 233),
    (240, 228, 66),
    (0, 0, 0),
];

fn colour(i: usize) -> RGBColor {
    let (r, g, b) = PALETTE[i % PALETTE.len()];
    RGBColor(r, g, b)
}

/// A p-value as a figure label: `p < 0.001` below 0.001, otherwise `p = ` with three
/// decimals (`p > 0.999` at the top); `p = NA` for a missing (NaN) value.
///
/// ```
/// use oncostat::plots::format_p;
/// assert_eq!(format_p(0.00042), "p < 0.001");
/// assert_eq!(format_p(0.0241), "p = 0.024");
/// assert_eq!(format_p(0.5), "p = 0.500");
/// ```
pub fn format_p(p: f64) -> String {
    if p.is_nan() {
        "p = NA".to_string()
    } else if p < 0.001 {
        "p < 0.001".to_string()
    } else if p > 0.999 {
        "p > 0.999".to_string()
    } else {
        format!("p = {p:.3}")
    }
}

/// A plotters drawing error as the crate's [`Error::Figure`].
fn draw_error<E: std::fmt::Display>(what: &str) -> impl Fn(E) -> Error + '_ {
    move |e| Error::Figure {
        what: what.to_string(),
        reason: e.to_string(),
    }
}

/// Draws the polyline `points` (pixels) in `col`, `width` pixels wide, with the dash
/// [`DASHES`]`[dash]` (a line, or a legend's line sample).
fn draw_sample<DB: plotters::prelude::DrawingBackend>(
    root: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
    points: &[(i32, i32)],
    col: RGBColor,
    dash: usize,
    width: u32,
) -> std::result::Result<(), plotters::prelude::DrawingAreaErrorKind<DB::ErrorType>> {
    use plotters::prelude::Color;
    let style = col.stroke_width(width);
    let (d, gap) = DASHES[dash % DASHES.len()];
    if d == 0 {
        root.draw(&plotters::prelude::PathElement::new(points.to_vec(), style))
    } else {
        root.draw(&plotters::element::DashedPathElement::new(
            points.to_vec(),
            d,
            gap,
            style,
        ))
    }
}

/// The SVG text of a `size` figure on white drawn by `draw` (errors as [`Error::Figure`]
/// naming `what`).
fn svg_of(
    what: &str,
    size: (u32, u32),
    draw: impl FnOnce(
        &plotters::prelude::DrawingArea<plotters::prelude::SVGBackend<'_>, plotters::coord::Shift>,
    ) -> std::result::Result<
        (),
        plotters::prelude::DrawingAreaErrorKind<std::io::Error>,
    >,
) -> Result<String> {
    use plotters::prelude::IntoDrawingArea;
    let mut svg = String::new();
    {
        let root = plotters::prelude::SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&plotters::prelude::WHITE)
            .map_err(draw_error(what))?;
        draw(&root).map_err(draw_error(what))?;
        root.present().map_err(draw_error(what))?;
    }
    Ok(svg)
}

/// Writes `svg` to `path`.
fn write_svg(path: &std::path::Path, svg: &str) -> Result<()> {
    std::fs::write(path, svg).map_err(|e| Error::Figure {
        what: path.display().to_string(),
        reason: format!("cannot write the SVG file: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_labels() {
        assert_eq!(format_p(0.000_999), "p < 0.001");
        assert_eq!(format_p(0.001), "p = 0.001");
        assert_eq!(format_p(0.9995), "p > 0.999");
        assert_eq!(format_p(f64::NAN), "p = NA");
    }
}
