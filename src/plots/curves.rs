//! Kaplan–Meier, Cox-predicted and cumulative-incidence curves with the number-at-risk table.

use std::path::Path;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{linear_breaks, tick_label};
use super::curve::StepCurve;
use super::{colour, format_p, svg_of, write_svg};
use crate::survival::competing::CifFit;
use crate::{Error, Result, SurvivalCurve};

/// What the table under the x axis shows for each curve at each tick time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RiskTable {
    /// No table.
    None,
    /// The number at risk (survminer's default risk table).
    #[default]
    AtRisk,
    /// The number at risk, the cumulative number censored and the cumulative number of events
    /// (the KMunicate layout).
    Extended,
}

/// The line dashes of the curves, as `(dash, gap)` in pixels: solid (`(0, 0)`), dashed,
/// dotted, long-dashed. Incidence curves take the dash of their cause ([`CurvePlot::styles`]).
pub const DASHES: [(u32, u32); 4] = [(0, 0), (9, 5), (2, 4), (18, 6)];

/// One cell group of the risk table: a curve at a tick time.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskRow {
    /// The curve's group (its label for Kaplan–Meier and Cox curves; the group of a
    /// cumulative-incidence fit, one row for all its causes).
    pub label: String,
    /// The tick time.
    pub time: f64,
    /// Number at risk at `time` (time ≥ `time`; 0 after the curve's last time).
    pub n_risk: f64,
    /// Events at times ≤ `time`.
    pub events: f64,
    /// Censorings at times ≤ `time`.
    pub censored: f64,
}

/// Step curves per group with censor marks, optional confidence bands, the number-at-risk
/// table at the tick times, an optional test p-value and median lines (survminer's
/// `ggsurvplot` / ggsurvfit parity).
///
/// ```
/// use oncostat::{KaplanMeier, SurvivalData};
/// use oncostat::plots::{CurvePlot, RiskTable};
/// # fn main() -> Result<(), oncostat::Error> {
/// let d = SurvivalData::from_status(vec![1.0, 3.0, 4.0, 6.0, 8.0, 9.0],
///                                   &[1.0, 0.0, 1.0, 1.0, 0.0, 1.0])?;
/// let plot = CurvePlot::kaplan_meier(&[KaplanMeier::new().fit(&d)?])?
///     .time_breaks(3.0)
///     .table(RiskTable::Extended)
///     .median_lines(true);
/// assert_eq!(plot.ticks(), vec![0.0, 3.0, 6.0, 9.0]);
/// let at_6 = &plot.risk_table()[2];
/// assert_eq!((at_6.n_risk, at_6.events, at_6.censored), (3.0, 3.0, 1.0));
/// assert!(plot.to_svg()?.contains("Number at risk"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CurvePlot {
    curves: Vec<StepCurve>,
    title: Option<String>,
    x_label: String,
    y_label: String,
    breaks: Option<f64>,
    x_max: Option<f64>,
    ci: bool,
    censor_marks: bool,
    table: RiskTable,
    p_values: Vec<(String, f64)>,
    median_lines: bool,
    tau: Option<f64>,
    width: u32,
    height: u32,
}

impl CurvePlot {
    /// Curves from already-built [`StepCurve`]s.
    ///
    /// # Errors
    /// [`Error::Figure`] without curves.
    pub fn new(curves: Vec<StepCurve>) -> Result<Self> {
        if curves.is_empty() {
            return Err(Error::Figure {
                what: "curve plot".into(),
                reason: "there are no curves to draw".into(),
            });
        }
        let survival = curves[0].is_survival();
        Ok(CurvePlot {
            curves,
            title: None,
            x_label: "Time".into(),
            y_label: if survival {
                "Survival probability".into()
            } else {
                "Cumulative incidence".into()
            },
            breaks: None,
            x_max: None,
            ci: false,
            censor_marks: survival,
            table: RiskTable::AtRisk,
            p_values: Vec::new(),
            median_lines: false,
            tau: None,
            width: 820,
            height: 520,
        })
    }

    /// Kaplan–Meier curves, one per fit (e.g. `KaplanMeier::fit_groups`; landmark and
    /// Simon–Makuch curves too).
    ///
    /// # Errors
    /// [`Error::Figure`] without fits.
    pub fn kaplan_meier(fits: &[SurvivalCurve]) -> Result<Self> {
        Self::new(fits.iter().map(StepCurve::from_km).collect())
    }

    /// Cox-predicted survival curves with their labels.
    ///
    /// # Errors
    /// [`Error::Figure`] without curves.
    pub fn cox(curves: &[(&str, &SurvivalCurve)]) -> Result<Self> {
        Self::new(
            curves
                .iter()
                .map(|(l, c)| StepCurve::from_cox(l, c))
                .collect(),
        )
    }

    /// Cumulative incidence of every cause in every group's fit.
    ///
    /// # Errors
    /// [`Error::Figure`] without fits.
    pub fn cumulative_incidence(fits: &[CifFit]) -> Result<Self> {
        let mut curves = Vec::new();
        for f in fits {
            for &c in f.causes() {
                curves.push(StepCurve::from_cif(f, c)?);
            }
        }
        Self::new(curves)
    }

    /// Names the causes of the incidence curves in the legend, `(code, name)` pairs, e.g.
    /// `[(1, "plasma-cell malignancy"), (2, "death")]`: a curve of cause 1 in group `F` is
    /// labelled `F, plasma-cell malignancy` instead of `F, cause 1`. Causes without a name
    /// keep `cause <k>`; survival curves are not affected.
    ///
    /// ```
    /// use oncostat::plots::CurvePlot;
    /// use oncostat::survival::competing::{AalenJohansen, CompetingRisksData};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let cr = CompetingRisksData::new(vec![1.0, 2.0, 3.0, 4.0], &[1.0, 2.0, 0.0, 1.0])?;
    /// let plot = CurvePlot::cumulative_incidence(&[AalenJohansen::new().fit(&cr)?])?
    ///     .cause_labels(&[(1, "relapse")]);
    /// let labels: Vec<&str> = plot.curves().iter().map(|c| c.label()).collect();
    /// assert_eq!(labels, ["relapse", "cause 2"]);
    /// # Ok(()) }
    /// ```
    pub fn cause_labels(mut self, names: &[(u32, &str)]) -> Self {
        self.curves = self
            .curves
            .into_iter()
            .map(
                |c| match names.iter().find(|(k, _)| Some(*k) == c.cause()) {
                    Some((_, name)) => c.with_cause_name(name),
                    None => c,
                },
            )
            .collect();
        self
    }

    /// Title above the plot.
    pub fn title(mut self, title: &str) -> Self {
        self.title = Some(title.to_string());
        self
    }

    /// x-axis label, with its unit (default `Time`), e.g. `"Months since radiotherapy"`.
    pub fn x_label(mut self, label: &str) -> Self {
        self.x_label = label.to_string();
        self
    }

    /// y-axis label (default `Survival probability` or `Cumulative incidence`).
    pub fn y_label(mut self, label: &str) -> Self {
        self.y_label = label.to_string();
        self
    }

    /// Distance between the time ticks (and risk-table columns); default a "nice" step.
    pub fn time_breaks(mut self, step: f64) -> Self {
        self.breaks = Some(step);
        self
    }

    /// Right end of the time axis (default: the last time of all curves).
    pub fn x_max(mut self, t: f64) -> Self {
        self.x_max = Some(t);
        self
    }

    /// Draw pointwise confidence bands (default off).
    pub fn ci(mut self, on: bool) -> Self {
        self.ci = on;
        self
    }

    /// Draw censor marks `+` (default on for survival curves, off for incidence curves, as
    /// survminer's `ggcompetingrisks`).
    pub fn censor_marks(mut self, on: bool) -> Self {
        self.censor_marks = on;
        self
    }

    /// The table under the x axis (default [`RiskTable::AtRisk`]).
    pub fn table(mut self, table: RiskTable) -> Self {
        self.table = table;
        self
    }

    /// Print a log-rank p-value in the plot (as [`format_p`]).
    pub fn p_value(self, p: f64) -> Self {
        self.test_p_value("Log-rank", p)
    }

    /// Print the p-value of a named test (`"Gray's test, cause 1"`, `"Mantel–Byar"`, …);
    /// each call adds a line (e.g. one Gray's test per cause).
    pub fn test_p_value(mut self, test: &str, p: f64) -> Self {
        self.p_values.push((test.to_string(), p));
        self
    }

    /// The p-value labels printed in the plot, in order (`"Log-rank p = 0.002"`).
    pub fn p_labels(&self) -> Vec<String> {
        self.p_values
            .iter()
            .map(|(test, p)| format!("{test} {}", format_p(*p)))
            .collect()
    }

    /// The drawing style of each curve, in curve order: `(colour, dash)` as indices into
    /// [`PALETTE`](super::PALETTE) and [`DASHES`]. Survival curves: one colour per curve,
    /// solid. Incidence curves: the colour of the group and the dash of the cause (as
    /// ggsurvfit's `ggcuminc`), so causes differ without colour vision; with a single group
    /// the colour follows the cause too.
    pub fn styles(&self) -> Vec<(usize, usize)> {
        let groups: Vec<&str> = self.table_curves().iter().map(|(_, c)| c.group()).collect();
        self.curves
            .iter()
            .enumerate()
            .map(|(i, c)| match c.cause_index() {
                None => (i, 0),
                Some(k) if groups.len() == 1 => (k, k % DASHES.len()),
                Some(k) => (
                    groups.iter().position(|g| *g == c.group()).unwrap_or(0),
                    k % DASHES.len(),
                ),
            })
            .collect()
    }

    /// Draw dashed lines at the median of each curve (default off).
    pub fn median_lines(mut self, on: bool) -> Self {
        self.median_lines = on;
        self
    }

    /// Shade the area under each survival curve from 0 to `tau` (the restricted mean survival
    /// time, R's `rmean = tau`; a curve ending before `tau` is extended flat, as the RMST) and
    /// draw a dashed line at `tau`; the time axis then reaches `tau` at least.
    pub fn restricted_mean(mut self, tau: f64) -> Self {
        self.tau = Some(tau).filter(|t| t.is_finite() && *t > 0.0);
        self
    }

    /// Size of the curve panel in pixels (the table adds its own height; default 820 × 520).
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.width = width.max(200);
        self.height = height.max(150);
        self
    }

    /// The curves drawn.
    pub fn curves(&self) -> &[StepCurve] {
        &self.curves
    }

    /// The tick times of the x axis (also the risk-table columns).
    pub fn ticks(&self) -> Vec<f64> {
        let max = self.x_max.unwrap_or_else(|| {
            self.curves
                .iter()
                .map(StepCurve::last_time)
                .fold(self.tau.unwrap_or(0.0), f64::max)
        });
        let mut b = linear_breaks(max, self.breaks);
        if let Some(m) = self.x_max {
            b.retain(|&t| t <= m * (1.0 + 1e-12));
        }
        b
    }

    /// The curves that head a risk-table group (the first curve of each group) and their
    /// index.
    fn table_curves(&self) -> Vec<(usize, &StepCurve)> {
        let mut seen: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for (i, c) in self.curves.iter().enumerate() {
            if !seen.contains(&c.group()) {
                seen.push(c.group());
                out.push((i, c));
            }
        }
        out
    }

    /// The risk-table numbers: one row per group and tick, in curve order.
    pub fn risk_table(&self) -> Vec<RiskRow> {
        let ticks = self.ticks();
        self.table_curves()
            .into_iter()
            .flat_map(|(_, c)| {
                ticks.iter().map(move |&t| RiskRow {
                    label: c.group().to_string(),
                    time: t,
                    n_risk: c.at_risk(t),
                    events: c.events_by(t),
                    censored: c.censored_by(t),
                })
            })
            .collect()
    }

    fn table_lines(&self) -> usize {
        match self.table {
            RiskTable::None => 0,
            RiskTable::AtRisk => self.table_curves().len(),
            RiskTable::Extended => 3 * self.table_curves().len(),
        }
    }

    /// The figure as SVG text.
    ///
    /// # Errors
    /// [`Error::Figure`] if drawing fails.
    pub fn to_svg(&self) -> Result<String> {
        let lines = self.table_lines();
        let table_h = if lines == 0 {
            0
        } else {
            40 + 20 * lines as u32
        };
        svg_of("curve plot", (self.width, self.height + table_h), |root| {
            self.draw(root, table_h)
        })
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
        table_h: u32,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let (upper, lower) = root.split_vertically(self.height);
        let ticks = self.ticks();
        let x_max = ticks.last().copied().unwrap_or(1.0).max(f64::MIN_POSITIVE);
        let label_w = self.label_width();
        let mut builder = ChartBuilder::on(&upper);
        builder
            .margin_top(if self.title.is_some() { 8 } else { 16 })
            .margin_right(36)
            .margin_left(8)
            .x_label_area_size(52)
            .y_label_area_size(label_w);
        if let Some(t) = &self.title {
            builder.caption(t, ("sans-serif", 20));
        }
        let mut chart = builder.build_cartesian_2d(0.0..x_max, 0.0..1.02)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_max_light_lines(0)
            .x_labels(0)
            .y_labels(6)
            .y_label_formatter(&|v| format!("{v:.1}"))
            .label_style(("sans-serif", 15))
            .light_line_style(RGBColor(235, 235, 235))
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()?;

        // time ticks and their labels, drawn at the exact break times
        let text = ("sans-serif", 15).into_font().color(&BLACK);
        let centred = text.pos(Pos::new(HPos::Center, VPos::Top));
        for &t in &ticks {
            let (px, py) = chart.backend_coord(&(t, 0.0));
            root.draw(&PathElement::new(vec![(px, py), (px, py + 5)], BLACK))?;
            root.draw(&Text::new(tick_label(t), (px, py + 8), centred.clone()))?;
        }
        let (x0, y0) = chart.backend_coord(&(0.0, 0.0));
        let (x1, _) = chart.backend_coord(&(x_max, 0.0));
        let (_, y_top) = chart.backend_coord(&(0.0, 1.0));
        root.draw(&Text::new(
            self.x_label.clone(),
            ((x0 + x1) / 2, y0 + 30),
            ("sans-serif", 16)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
        // the y-axis title beside the tick labels (not at the far left of the label area,
        // which is as wide as the risk table's row labels)
        root.draw(&Text::new(
            self.y_label.clone(),
            (x0 - 44, (y0 + y_top) / 2),
            ("sans-serif", 16)
                .into_font()
                .transform(FontTransform::Rotate270)
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;

        let styles = self.styles();
        if let Some(tau) = self.tau.filter(|&t| t <= x_max) {
            for (c, &(ci, _)) in self.curves.iter().zip(&styles) {
                let mut area: Vec<(f64, f64)> =
                    c.step_points().into_iter().filter(|p| p.0 <= tau).collect();
                let last = area
                    .last()
                    .map_or(c.values().first().copied().unwrap_or(1.0), |p| p.1);
                area.push((tau, last));
                area.push((tau, 0.0));
                area.push((area[0].0, 0.0));
                chart.draw_series(std::iter::once(Polygon::new(area, colour(ci).mix(0.12))))?;
            }
            chart.draw_series(DashedLineSeries::new(
                vec![(tau, 0.0), (tau, 1.0)],
                6,
                4,
                RGBColor(60, 60, 60).stroke_width(1),
            ))?;
            let (px, py) = chart.backend_coord(&(tau, 1.0));
            root.draw(&Text::new(
                format!("τ = {}", tick_label(tau)),
                (px + 4, py - 2),
                ("sans-serif", 14)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Bottom)),
            ))?;
        }
        for (c, &(ci, _)) in self.curves.iter().zip(&styles) {
            if self.ci {
                let band = c.band();
                if band.len() >= 2 {
                    let mut poly: Vec<(f64, f64)> = band.iter().map(|b| (b.0, b.2)).collect();
                    poly.extend(band.iter().rev().map(|b| (b.0, b.1)));
                    chart.draw_series(std::iter::once(Polygon::new(poly, colour(ci).mix(0.16))))?;
                }
            }
        }
        for (c, &(ci, di)) in self.curves.iter().zip(&styles) {
            let col = colour(ci);
            let pts: Vec<(f64, f64)> = c
                .step_points()
                .into_iter()
                .filter(|p| p.0 <= x_max)
                .collect();
            let (dash, gap) = DASHES[di];
            if dash == 0 {
                chart.draw_series(LineSeries::new(pts, col.stroke_width(2)))?;
            } else {
                chart.draw_series(DashedLineSeries::new(pts, dash, gap, col.stroke_width(2)))?;
            }
            if self.censor_marks {
                chart.draw_series(c.censor_marks().into_iter().filter(|m| m.0 <= x_max).map(
                    |m| {
                        EmptyElement::at(m)
                            + PathElement::new(vec![(-5, 0), (5, 0)], col.stroke_width(2))
                            + PathElement::new(vec![(0, -5), (0, 5)], col.stroke_width(2))
                    },
                ))?;
            }
            if self.median_lines
                && let Some(m) = c.median().filter(|&m| m <= x_max)
            {
                let grey = RGBColor(90, 90, 90);
                chart.draw_series(DashedLineSeries::new(
                    vec![(0.0, 0.5), (m, 0.5)],
                    6,
                    4,
                    grey.stroke_width(1),
                ))?;
                chart.draw_series(DashedLineSeries::new(
                    vec![(m, 0.5), (m, 0.0)],
                    6,
                    4,
                    grey.stroke_width(1),
                ))?;
            }
        }
        // the drawn curves in pixels, sampled every few pixels, for placing the legend
        let mut ink: Vec<(i32, i32)> = Vec::new();
        for c in &self.curves {
            let mut lines = vec![c.step_points()];
            if self.ci {
                let band = c.band();
                lines.push(band.iter().map(|b| (b.0, b.1)).collect());
                lines.push(band.iter().map(|b| (b.0, b.2)).collect());
            }
            for line in lines {
                let px: Vec<(i32, i32)> = line
                    .into_iter()
                    .filter(|p| p.0 <= x_max)
                    .map(|p| chart.backend_coord(&p))
                    .collect();
                for w in px.windows(2) {
                    let (a, b) = (w[0], w[1]);
                    let n = ((b.0 - a.0).abs() + (b.1 - a.1).abs()) / 4 + 1;
                    ink.extend(
                        (0..=n).map(|k| (a.0 + (b.0 - a.0) * k / n, a.1 + (b.1 - a.1) * k / n)),
                    );
                }
            }
        }
        self.draw_legend(root, (x0, x1, y_top, y0), &styles, &ink)?;
        if table_h > 0 {
            self.draw_table(&lower, &chart, &ticks, label_w)?;
        }
        Ok(())
    }

    /// Width of the y-label area: the risk table's row labels are drawn in it.
    fn label_width(&self) -> u32 {
        let longest = self
            .table_curves()
            .iter()
            .map(|(_, c)| {
                c.group().chars().count()
                    + if self.table == RiskTable::Extended {
                        9
                    } else {
                        0
                    }
            })
            .max()
            .unwrap_or(0);
        (24 + 8 * longest as u32).clamp(100, 240)
    }

    /// The legend (a line sample in each curve's colour and dash) where it covers the fewest
    /// curve pixels `ink` (ties: upper right for survival, upper left for incidence curves);
    /// the test p-values under the legend entries (incidence, whose curves rise) or, for
    /// survival curves, in the corner or side position that covers the fewest curve pixels
    /// and not the legend (ties: lower left first).
    fn draw_legend<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        (x0, x1, y_top, y0): (i32, i32, i32, i32),
        styles: &[(usize, usize)],
        ink: &[(i32, i32)],
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let survival = self.curves[0].is_survival();
        let p_labels = self.p_labels();
        let font = ("sans-serif", 15).into_font().color(&BLACK);
        let mid = font.pos(Pos::new(HPos::Left, VPos::Center));
        let line_h = 22;
        let chars = |s: &str| s.chars().count() as i32;
        let mut entries: Vec<(&str, Option<(usize, usize)>)> = self
            .curves
            .iter()
            .zip(styles)
            .map(|(c, s)| (c.label(), Some(*s)))
            .collect();
        if !survival {
            entries.extend(p_labels.iter().map(|p| (p.as_str(), None)));
        }
        let width = entries
            .iter()
            .map(|(l, s)| 8 * chars(l) + if s.is_some() { 52 } else { 20 })
            .max()
            .unwrap_or(0);
        let height = line_h * entries.len() as i32 + 10;
        let (right_left, left_left) = (x1 - 10 - width, x0 + 12);
        let free_h = (y0 - y_top - height - 8).max(0);
        // candidate corners, the preferred first; the survival p-values sit at the lower left
        let mut spots: Vec<(i32, i32)> = Vec::new();
        let sides = if survival {
            [right_left, left_left]
        } else {
            [left_left, right_left]
        };
        for frac in [0, 1, 2, 3] {
            for &side in &sides {
                let top = y_top + 4 + free_h * frac / 3;
                if !(survival && side == left_left && frac == 3) {
                    spots.push((side, top));
                }
            }
        }
        let covered = |&(l, t): &(i32, i32)| {
            ink.iter()
                .filter(|p| {
                    p.0 >= l - 10
                        && p.0 <= l + width + 10
                        && p.1 >= t - 10
                        && p.1 <= t + height + 10
                })
                .count()
        };
        let (left, top) = spots
            .iter()
            .copied()
            .min_by_key(covered)
            .unwrap_or((right_left, y_top + 4));
        root.draw(&Rectangle::new(
            [(left, top), (left + width, top + height)],
            WHITE.mix(0.88).filled(),
        ))?;
        root.draw(&Rectangle::new(
            [(left, top), (left + width, top + height)],
            RGBColor(180, 180, 180).stroke_width(1),
        ))?;
        for (j, (label, style)) in entries.iter().enumerate() {
            let y = top + 5 + line_h / 2 + line_h * j as i32;
            match style {
                Some((ci, di)) => {
                    let col = colour(*ci).stroke_width(3);
                    let sample = vec![(left + 10, y), (left + 38, y)];
                    let (dash, gap) = DASHES[*di];
                    if dash == 0 {
                        root.draw(&PathElement::new(sample, col))?;
                    } else {
                        root.draw(&DashedPathElement::new(
                            sample,
                            dash.min(8),
                            gap.min(4),
                            col,
                        ))?;
                    }
                    root.draw(&Text::new(label.to_string(), (left + 46, y), mid.clone()))?;
                }
                None => {
                    root.draw(&Text::new(label.to_string(), (left + 10, y), mid.clone()))?;
                }
            }
        }
        if survival && !p_labels.is_empty() {
            // the p-values where they cover the fewest curve pixels and not the legend
            // (ties: lower left, lower right, then up the sides)
            let n = p_labels.len() as i32;
            let p_w = 9 * p_labels.iter().map(|p| chars(p)).max().unwrap_or(0) + 8;
            let p_h = line_h * n;
            let legend_box = (left - 4, top - 4, left + width + 4, top + height + 4);
            let mut p_spots: Vec<(i32, i32)> = Vec::new();
            for frac in [3, 2, 1, 0] {
                let top = y_top + 8 + (y0 - y_top - p_h - 12).max(0) * frac / 3;
                p_spots.push((x0 + 12, top));
                p_spots.push((x1 - 12 - p_w, top));
            }
            let overlaps = |&(l, t): &(i32, i32)| {
                l < legend_box.2
                    && l + p_w > legend_box.0
                    && t < legend_box.3
                    && t + p_h > legend_box.1
            };
            let p_covered = |&(l, t): &(i32, i32)| {
                ink.iter()
                    .filter(|p| {
                        p.0 >= l - 4 && p.0 <= l + p_w + 4 && p.1 >= t - 4 && p.1 <= t + p_h + 4
                    })
                    .count()
            };
            let (p_left, p_top) = p_spots
                .iter()
                .copied()
                .filter(|s| !overlaps(s))
                .min_by_key(p_covered)
                .unwrap_or((x0 + 12, y0 - 12 - p_h));
            for (j, p) in p_labels.iter().enumerate() {
                let y = p_top + line_h / 2 + line_h * j as i32;
                root.draw(&Text::new(
                    p.clone(),
                    (p_left + 4, y),
                    ("sans-serif", 16)
                        .into_font()
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Left, VPos::Center)),
                ))?;
            }
        }
        Ok(())
    }

    fn draw_table<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        chart: &ChartContext<
            '_,
            DB,
            Cartesian2d<
                plotters::coord::types::RangedCoordf64,
                plotters::coord::types::RangedCoordf64,
            >,
        >,
        ticks: &[f64],
        label_w: u32,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let offset = area.get_base_pixel();
        let title = match self.table {
            RiskTable::Extended => "Number at risk (censored, events)",
            _ => "Number at risk",
        };
        let bold = ("sans-serif", 15)
            .into_font()
            .style(FontStyle::Bold)
            .color(&BLACK);
        area.draw(&Text::new(title, (10, 8), bold))?;
        let mut line = 0i32;
        let styles = self.styles();
        let several_groups = self.table_curves().len() > 1;
        for (i, c) in self.table_curves() {
            // incidence: one row per group for all its causes, in the group's colour (neutral
            // for a single group, whose causes have their own colours)
            let col = if c.cause_index().is_none() || several_groups {
                colour(styles[i].0)
            } else {
                RGBColor(40, 40, 40)
            };
            let rows: Vec<(&str, CountAt<'_>)> = match self.table {
                RiskTable::Extended => vec![
                    ("at risk", Box::new(|t| c.at_risk(t))),
                    ("censored", Box::new(|t| c.censored_by(t))),
                    ("events", Box::new(|t| c.events_by(t))),
                ],
                _ => vec![("", Box::new(|t| c.at_risk(t)))],
            };
            for (name, value) in rows {
                let y = 34 + 20 * line;
                let label = if name.is_empty() {
                    c.group().to_string()
                } else {
                    format!("{} {name}", c.group())
                };
                let label = shorten(&label, (label_w as usize).saturating_sub(16) / 8);
                area.draw(&Text::new(
                    label,
                    (10, y),
                    ("sans-serif", 14).into_font().color(&col),
                ))?;
                for &t in ticks {
                    let (px, _) = chart.backend_coord(&(t, 0.0));
                    area.draw(&Text::new(
                        count_label(value(t)),
                        (px - offset.0, y),
                        ("sans-serif", 14)
                            .into_font()
                            .color(&col)
                            .pos(Pos::new(HPos::Center, VPos::Top)),
                    ))?;
                }
                line += 1;
            }
        }
        Ok(())
    }
}

/// A risk-table row's count at a tick time.
type CountAt<'a> = Box<dyn Fn(f64) -> f64 + 'a>;

/// A count as the table prints it: integers without decimals, weighted counts with one.
fn count_label(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max.max(4) {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.max(4) - 1).collect();
        t.push('…');
        t
    }
}
