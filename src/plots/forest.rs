//! Forest plots of hazard or odds ratios (Cox, Firth, logistic, subgroup fits).

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{log_breaks, tick_label};
use super::{format_p, svg_of, write_svg};
use crate::{CoefRow, CoefTable, Error, Result};

/// One row of a forest plot, on the ratio scale (HR or OR).
#[derive(Debug, Clone, PartialEq)]
pub struct ForestRow {
    /// Row label (coefficient or subgroup).
    pub label: String,
    /// Ratio estimate.
    pub estimate: f64,
    /// Lower confidence bound of the ratio.
    pub lower: f64,
    /// Upper confidence bound of the ratio (may be infinite: drawn as an arrow).
    pub upper: f64,
    /// p-value, printed in the `p` column.
    pub p_value: Option<f64>,
    /// Number of patients (subgroups), printed in the `N / events` column.
    pub n: Option<usize>,
    /// Number of events (subgroups).
    pub events: Option<usize>,
}

impl From<&CoefRow> for ForestRow {
    /// A coefficient-table row on the ratio scale: the exponentiated estimate and bounds,
    /// with its p-value (as [`ForestPlot::from_coef_table`] draws it).
    fn from(r: &CoefRow) -> Self {
        ForestRow {
            label: r.term.clone(),
            estimate: r.estimate.exp(),
            lower: r.lower.exp(),
            upper: r.upper.exp(),
            p_value: Some(r.p_value),
            n: None,
            events: None,
        }
    }
}

/// A forest plot: one row per coefficient or subgroup, the estimate with its CI on a log
/// axis, a line at 1, and columns for N / events, estimate (CI) and p.
///
/// ```
/// use oncostat::{CiMethod, CoefRow, CoefTable, Statistic, TableStyle};
/// use oncostat::plots::ForestPlot;
/// # fn main() -> Result<(), oncostat::Error> {
/// let row = |term: &str, b: f64, se: f64| CoefRow {
///     term: term.into(), estimate: b, std_error: se, statistic: b / se, p_value: 0.01,
///     lower: b - 1.96 * se, upper: b + 1.96 * se, method: CiMethod::Wald };
/// let table = CoefTable::new(vec![row("bmi_ge_25", 1.2, 0.4), row("age", 0.02, 0.01)],
///                            Statistic::Z, 0.95, TableStyle::Coxph);
/// let plot = ForestPlot::from_coef_table(&table)?.per_unit("age", 10.0, "per 10 years")?;
/// let age = &plot.rows()[1];
/// assert_eq!(age.label, "age (per 10 years)");
/// assert!((age.estimate - (0.2f64).exp()).abs() < 1e-12);
/// let (lo, hi) = plot.x_range();
/// assert!(lo <= age.lower && hi >= plot.rows()[0].upper);
/// assert!(plot.to_svg()?.contains("HR (95% CI)"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ForestPlot {
    rows: Vec<ForestRow>,
    title: Option<String>,
    measure: String,
    level: f64,
}

impl ForestPlot {
    /// A forest plot of `rows` (ratio scale).
    ///
    /// # Errors
    /// [`Error::Figure`] without rows, or for a row whose estimate or lower bound is not a
    /// finite positive ratio (a log axis cannot show it).
    pub fn new(rows: Vec<ForestRow>) -> Result<Self> {
        if rows.is_empty() {
            return Err(Error::Figure {
                what: "forest plot".into(),
                reason: "there are no rows to draw".into(),
            });
        }
        for r in &rows {
            let ok = |v: f64| v.is_finite() && v > 0.0;
            if !(ok(r.estimate) && r.lower.is_finite() && r.lower >= 0.0) || r.upper.is_nan() {
                return Err(Error::Figure {
                    what: "forest plot".into(),
                    reason: format!(
                        "row `{}`: ratio {} ({}, {}) cannot be shown on a log axis \
                         (an aliased or infinite coefficient: leave the row out)",
                        r.label, r.estimate, r.lower, r.upper
                    ),
                });
            }
        }
        Ok(ForestPlot {
            rows,
            title: None,
            measure: "HR".into(),
            level: 0.95,
        })
    }

    /// The rows of a coefficient table (any fit's `coef_table`), exponentiated; the
    /// `(Intercept)` row is left out. The measure is `HR` for Cox-type tables and `OR` for
    /// logistic ones.
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn from_coef_table(table: &CoefTable) -> Result<Self> {
        let rows = table
            .rows()
            .iter()
            .filter(|r| r.term != "(Intercept)")
            .map(ForestRow::from)
            .collect();
        let mut plot = Self::new(rows)?;
        plot.level = table.level();
        plot.measure = match table.style() {
            crate::TableStyle::Coxph => "HR".into(),
            crate::TableStyle::Survreg => "Ratio".into(),
            _ => "OR".into(),
        };
        Ok(plot)
    }

    /// Rescales the row `label` to `factor` units of its covariate (ratio^factor, e.g. an
    /// age OR per 10 years), appending `(<unit>)` to its label, so continuous and binary
    /// effects share the axis.
    ///
    /// # Errors
    /// [`Error::Figure`] if there is no such row or `factor` is not finite and positive.
    pub fn per_unit(mut self, label: &str, factor: f64, unit: &str) -> Result<Self> {
        if !(factor.is_finite() && factor > 0.0) {
            return Err(Error::Figure {
                what: "forest plot".into(),
                reason: format!("per-unit factor {factor} for `{label}` must be positive"),
            });
        }
        let Some(r) = self.rows.iter_mut().find(|r| r.label == label) else {
            return Err(Error::Figure {
                what: "forest plot".into(),
                reason: format!("no row `{label}` to rescale"),
            });
        };
        r.estimate = r.estimate.powf(factor);
        r.lower = r.lower.powf(factor);
        r.upper = r.upper.powf(factor);
        r.label = format!("{label} ({unit})");
        Ok(self)
    }

    /// Confidence level of the intervals, for the column header (default 0.95; a table's
    /// own level with [`from_coef_table`](Self::from_coef_table)).
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }

    /// Name of the ratio in the column header (`HR`, `OR`, …).
    pub fn measure(mut self, name: &str) -> Self {
        self.measure = name.to_string();
        self
    }

    /// Title above the plot.
    pub fn title(mut self, title: &str) -> Self {
        self.title = Some(title.to_string());
        self
    }

    /// The rows drawn (ratio scale, after any rescaling).
    pub fn rows(&self) -> &[ForestRow] {
        &self.rows
    }

    /// The log axis range: covers every estimate and finite bound, and 1.
    pub fn x_range(&self) -> (f64, f64) {
        let mut lo: f64 = 1.0;
        let mut hi: f64 = 1.0;
        for r in &self.rows {
            for v in [r.estimate, r.lower, r.upper] {
                if v.is_finite() && v > 0.0 {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
        }
        // a margin of 10% on the log scale, on each side
        let span = (hi / lo).ln().max(0.2);
        (lo * (-0.1 * span).exp(), hi * (0.1 * span).exp())
    }

    /// The figure as SVG text.
    ///
    /// # Errors
    /// [`Error::Figure`] if drawing fails.
    pub fn to_svg(&self) -> Result<String> {
        let top = if self.title.is_some() { 44 } else { 16 };
        let height = top + 38 + 30 * self.rows.len() as u32 + 60;
        let width = self.columns().width as u32;
        svg_of("forest plot", (width, height), |root| self.draw(root))
    }

    /// Writes the figure to `path` as SVG.
    ///
    /// # Errors
    /// [`Error::Figure`] if drawing fails or the file cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        write_svg(path.as_ref(), &self.to_svg()?)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let Columns {
            n_x,
            x0,
            x1,
            est_x,
            p_x,
            ..
        } = self.columns();
        let top = if self.title.is_some() { 44 } else { 16 };
        let header = top + 8;
        let first = header + 30;
        let n = self.rows.len() as i32;
        let plot_bottom = first + 30 * n;
        let (lo, hi) = self.x_range();
        let to_x = |v: f64| {
            let f = (v.ln() - lo.ln()) / (hi.ln() - lo.ln());
            x0 + ((x1 - x0) as f64 * f.clamp(0.0, 1.0)).round() as i32
        };
        let font = |s: u32| ("sans-serif", s).into_font().color(&BLACK);
        if let Some(t) = &self.title {
            root.draw(&Text::new(t.clone(), (12, 12), font(20)))?;
        }
        let level = format!("{:.0}%", 100.0 * self.level);
        let bold = ("sans-serif", 15)
            .into_font()
            .style(FontStyle::Bold)
            .color(&BLACK);
        root.draw(&Text::new("", (12, header), bold.clone()))?;
        let has_n = self
            .rows
            .iter()
            .any(|r| r.n.is_some() || r.events.is_some());
        if has_n {
            root.draw(&Text::new("N / events", (n_x, header), bold.clone()))?;
        }
        root.draw(&Text::new(
            format!("{} ({level} CI)", self.measure),
            (est_x, header),
            bold.clone(),
        ))?;
        root.draw(&Text::new("p", (p_x, header), bold))?;
        // reference line at 1 and the axis
        let one = to_x(1.0);
        root.draw(&PathElement::new(
            vec![(one, first - 12), (one, plot_bottom)],
            RGBColor(120, 120, 120).stroke_width(1),
        ))?;
        root.draw(&PathElement::new(
            vec![(x0, plot_bottom), (x1, plot_bottom)],
            BLACK.stroke_width(1),
        ))?;
        let centred = font(14).pos(Pos::new(HPos::Center, VPos::Top));
        for b in log_breaks(lo, hi) {
            let x = to_x(b);
            root.draw(&PathElement::new(
                vec![(x, plot_bottom), (x, plot_bottom + 5)],
                BLACK,
            ))?;
            root.draw(&Text::new(
                tick_label(b),
                (x, plot_bottom + 8),
                centred.clone(),
            ))?;
        }
        root.draw(&Text::new(
            format!("{} (log scale)", self.measure),
            ((x0 + x1) / 2, plot_bottom + 28),
            font(15).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
        let ink = RGBColor(0, 114, 178);
        for (i, r) in self.rows.iter().enumerate() {
            let y = first + 30 * i as i32;
            let mid = font(14).pos(Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(r.label.clone(), (12, y), mid.clone()))?;
            if has_n {
                let cell = match (r.n, r.events) {
                    (Some(n), Some(e)) => format!("{n} / {e}"),
                    (Some(n), None) => n.to_string(),
                    (None, Some(e)) => format!("– / {e}"),
                    (None, None) => String::new(),
                };
                root.draw(&Text::new(cell, (n_x, y), mid.clone()))?;
            }
            let (a, b) = (to_x(r.lower), to_x(r.upper.min(hi)));
            root.draw(&PathElement::new(vec![(a, y), (b, y)], ink.stroke_width(2)))?;
            if r.upper.is_nan() || r.upper > hi {
                root.draw(&Polygon::new(
                    vec![(x1, y), (x1 - 8, y - 5), (x1 - 8, y + 5)],
                    ink.filled(),
                ))?;
            }
            let x = to_x(r.estimate);
            root.draw(&Rectangle::new(
                [(x - 5, y - 5), (x + 5, y + 5)],
                ink.filled(),
            ))?;
            // end caps, so that an interval narrower than the square still shows
            let capped = if r.upper.is_nan() || r.upper > hi {
                vec![a]
            } else {
                vec![a, b]
            };
            for c in capped {
                root.draw(&PathElement::new(
                    vec![(c, y - 7), (c, y + 7)],
                    ink.stroke_width(2),
                ))?;
            }
            root.draw(&Text::new(estimate_cell(r), (est_x, y), mid.clone()))?;
            if let Some(p) = r.p_value {
                let p = format_p(p);
                let p = p.trim_start_matches("p = ").replace("p ", "");
                root.draw(&Text::new(p, (p_x, y), mid))?;
            }
        }
        Ok(())
    }

    /// The horizontal layout: label column as wide as the longest label, the N / events
    /// column when any row has counts, a 380-pixel log-axis panel, the estimate (CI) column
    /// as wide as its longest cell, and the p column.
    fn columns(&self) -> Columns {
        let chars = |s: &str| s.chars().count() as i32;
        let longest = self.rows.iter().map(|r| chars(&r.label)).max().unwrap_or(0);
        let label_w = (16 + 8 * longest).clamp(120, 420);
        let has_n = self
            .rows
            .iter()
            .any(|r| r.n.is_some() || r.events.is_some());
        let n_x = 12 + label_w;
        let x0 = n_x + if has_n { 100 } else { 0 };
        let x1 = x0 + 380;
        let est_x = x1 + 28;
        let est_w = self
            .rows
            .iter()
            .map(|r| chars(&estimate_cell(r)))
            .chain(std::iter::once(chars(&self.measure) + 10))
            .max()
            .unwrap_or(0)
            * 8
            + 24;
        let p_x = est_x + est_w;
        Columns {
            n_x,
            x0,
            x1,
            est_x,
            p_x,
            width: p_x + 80,
        }
    }
}

/// Pixel positions of a forest plot's columns.
struct Columns {
    /// Left edge of the N / events column.
    n_x: i32,
    /// Left and right ends of the log axis.
    x0: i32,
    x1: i32,
    /// Left edges of the estimate (CI) and p columns.
    est_x: i32,
    p_x: i32,
    /// Width of the figure.
    width: i32,
}

/// A row's `estimate (lower–upper)` cell, two decimals (`Inf` for an infinite bound).
fn estimate_cell(r: &ForestRow) -> String {
    let upper = if r.upper.is_finite() {
        format!("{:.2}", r.upper)
    } else {
        "Inf".to_string()
    };
    format!("{:.2} ({:.2}–{upper})", r.estimate, r.lower)
}
