//! Line plots with markers and optional bands (power curves against the sample size, any
//! quantity against a design parameter).

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{range_breaks, tick_label};
use super::curves::DASHES;
use super::{PALETTE, colour, draw_sample, svg_of, write_svg};
use crate::{Error, Result};

/// One line of a [`LinePlot`]: points `(x, y)` joined in order, a marker at each point, and
/// an optional pointwise band (e.g. a confidence interval of each `y`).
///
/// ```
/// use oncostat::plots::Line;
/// let l = Line::new("HR CRP >= 5", vec![60.0, 142.0], vec![0.31, 0.62])
///     .band(vec![0.27, 0.58], vec![0.35, 0.66])
///     .colour(1)
///     .dash(1);
/// assert_eq!(l.label(), "HR CRP >= 5");
/// assert_eq!(l.style(), (1, 1));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    label: String,
    x: Vec<f64>,
    y: Vec<f64>,
    band: Option<(Vec<f64>, Vec<f64>)>,
    colour: usize,
    dash: usize,
}

impl Line {
    /// A line through the points `(x[i], y[i])`, solid, in the first colour of
    /// [`PALETTE`]. The lengths and values are checked by [`LinePlot::new`].
    pub fn new(label: &str, x: Vec<f64>, y: Vec<f64>) -> Self {
        Line {
            label: label.to_string(),
            x,
            y,
            band: None,
            colour: 0,
            dash: 0,
        }
    }

    /// A band from `lower[i]` to `upper[i]` at each `x[i]`, shaded in the line's colour.
    pub fn band(mut self, lower: Vec<f64>, upper: Vec<f64>) -> Self {
        self.band = Some((lower, upper));
        self
    }

    /// The line's colour, an index into [`PALETTE`] (taken modulo its length).
    pub fn colour(mut self, i: usize) -> Self {
        self.colour = i % PALETTE.len();
        self
    }

    /// The line's dash, an index into [`DASHES`] (taken modulo its length): 0 solid (filled
    /// markers), otherwise dashed or dotted (open markers), so lines differ without colour.
    pub fn dash(mut self, i: usize) -> Self {
        self.dash = i % DASHES.len();
        self
    }

    /// The legend label.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// `(colour, dash)` as indices into [`PALETTE`] and [`DASHES`].
    pub fn style(&self) -> (usize, usize) {
        (self.colour, self.dash)
    }

    /// The points, in order.
    pub fn points(&self) -> Vec<(f64, f64)> {
        self.x.iter().copied().zip(self.y.iter().copied()).collect()
    }

    /// The band as `(x, lower, upper)` (empty without a band).
    pub fn band_points(&self) -> Vec<(f64, f64, f64)> {
        match &self.band {
            Some((lo, hi)) => self
                .x
                .iter()
                .zip(lo.iter().zip(hi))
                .map(|(&x, (&l, &u))| (x, l, u))
                .collect(),
            None => Vec::new(),
        }
    }
}

/// A legend entry of a [`LinePlot`]: its label and how its sample is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    /// The text.
    pub label: String,
    /// `(colour, dash)`: `Some((i, d))` a line in [`PALETTE`]`[i]` with dash [`DASHES`]`[d]`;
    /// `None` a line style only (dark grey, for a dash key or a reference line).
    pub colour: Option<usize>,
    /// The dash, an index into [`DASHES`].
    pub dash: usize,
    /// A marker in the sample (the data lines and the dash key), or none (reference lines).
    pub marker: bool,
}

/// Lines with markers and optional bands against a continuous `x` (a power curve: power
/// against the number of patients, one line per effect and significance level), with
/// dashed horizontal reference lines (e.g. 80% power).
///
/// The legend is drawn under the plot, in as many columns as fit, so it never covers a
/// line. Lines with the same label share one legend entry (the first line's colour); a
/// dash key ([`dash_key`](Self::dash_key)) names what the dashes mean.
///
/// ```
/// use oncostat::plots::{Line, LinePlot};
/// # fn main() -> Result<(), oncostat::Error> {
/// let n = vec![60.0, 100.0, 142.0, 200.0];
/// let plot = LinePlot::new(vec![
///     Line::new("HR BMI >= 25", n.clone(), vec![0.45, 0.66, 0.80, 0.92]),
///     Line::new("HR BMI >= 25", n.clone(), vec![0.22, 0.41, 0.58, 0.78]).dash(1),
///     Line::new("OR age", n, vec![0.20, 0.31, 0.42, 0.55]).colour(1),
/// ])?
/// .x_label("Patients")
/// .y_label("Power")
/// .y_range(0.0, 1.0)
/// .reference_line(0.8, "80% power")
/// .dash_key("p < 0.05", 0)
/// .dash_key("p < 0.01", 1);
/// let legend: Vec<String> = plot.legend().into_iter().map(|e| e.label).collect();
/// assert_eq!(legend, ["HR BMI >= 25", "OR age", "p < 0.05", "p < 0.01", "80% power"]);
/// assert_eq!(plot.y_ticks(), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
/// assert!(plot.to_svg()?.contains("80% power"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LinePlot {
    lines: Vec<Line>,
    title: Option<String>,
    x_label: String,
    y_label: String,
    x_range: Option<(f64, f64)>,
    y_range: Option<(f64, f64)>,
    references: Vec<(f64, String)>,
    dash_key: Vec<(String, usize)>,
    width: u32,
    height: u32,
}

/// Font sizes (px): tick labels and legend, axis titles, title.
const TICK_FONT: u32 = 16;
const AXIS_FONT: u32 = 17;
const TITLE_FONT: u32 = 18;

/// The width (px) allowed per character of a label in a `font`-pixel sans-serif font (the
/// SVG does not know the reader's font; digits and lower-case letters are narrower).
fn char_w(font: u32) -> i32 {
    (font as i32 * 9 + 15) / 16
}
/// Legend row height and sample length (px).
const LEGEND_ROW: i32 = 22;
const SAMPLE: i32 = 30;

impl LinePlot {
    /// A plot of `lines`.
    ///
    /// # Errors
    /// [`Error::Figure`] without lines, for a line without points, whose `x` and `y` (or
    /// band) lengths differ, or with a value that is not finite.
    pub fn new(lines: Vec<Line>) -> Result<Self> {
        let fail = |reason: String| Error::Figure {
            what: "line plot".into(),
            reason,
        };
        if lines.is_empty() {
            return Err(fail("there are no lines to draw".into()));
        }
        for l in &lines {
            if l.x.is_empty() || l.x.len() != l.y.len() {
                return Err(fail(format!(
                    "line `{}` has {} x values and {} y values (at least one point, as many \
                     of each)",
                    l.label,
                    l.x.len(),
                    l.y.len()
                )));
            }
            if let Some((lo, hi)) = &l.band
                && (lo.len() != l.x.len() || hi.len() != l.x.len())
            {
                return Err(fail(format!(
                    "the band of line `{}` has {} lower and {} upper values for {} points",
                    l.label,
                    lo.len(),
                    hi.len(),
                    l.x.len()
                )));
            }
            let values = l.x.iter().chain(&l.y).chain(
                l.band
                    .iter()
                    .flat_map(|(lo, hi)| lo.iter().chain(hi.iter())),
            );
            if let Some(v) = values.copied().find(|v| !v.is_finite()) {
                return Err(fail(format!(
                    "line `{}` has the value {v}, which cannot be drawn",
                    l.label
                )));
            }
        }
        Ok(LinePlot {
            lines,
            title: None,
            x_label: "x".into(),
            y_label: "y".into(),
            x_range: None,
            y_range: None,
            references: Vec::new(),
            dash_key: Vec::new(),
            width: 640,
            height: 440,
        })
    }

    /// Title above the plot.
    pub fn title(mut self, title: &str) -> Self {
        self.title = Some(title.to_string());
        self
    }

    /// x-axis title, with its unit (default `x`).
    pub fn x_label(mut self, label: &str) -> Self {
        self.x_label = label.to_string();
        self
    }

    /// y-axis title (default `y`).
    pub fn y_label(mut self, label: &str) -> Self {
        self.y_label = label.to_string();
        self
    }

    /// The x range (default: "nice" breaks covering 0, or the data's minimum if negative, to
    /// the data's maximum); ignored unless `lo < hi`, both finite.
    pub fn x_range(mut self, lo: f64, hi: f64) -> Self {
        self.x_range = Some((lo, hi)).filter(|(l, h)| l.is_finite() && h.is_finite() && l < h);
        self
    }

    /// The y range (default: as the x range, from the lines, bands and reference lines);
    /// ignored unless `lo < hi`, both finite.
    pub fn y_range(mut self, lo: f64, hi: f64) -> Self {
        self.y_range = Some((lo, hi)).filter(|(l, h)| l.is_finite() && h.is_finite() && l < h);
        self
    }

    /// A dashed grey horizontal line at `y`, named `label` in the legend (e.g. `0.8`,
    /// `"80% power"`); each call adds one.
    pub fn reference_line(mut self, y: f64, label: &str) -> Self {
        if y.is_finite() {
            self.references.push((y, label.to_string()));
        }
        self
    }

    /// A legend entry saying what dash `dash` (an index into [`DASHES`]) means, drawn in
    /// dark grey after the lines' entries (e.g. `"p < 0.01"` for the dashed lines).
    pub fn dash_key(mut self, label: &str, dash: usize) -> Self {
        self.dash_key.push((label.to_string(), dash % DASHES.len()));
        self
    }

    /// Size of the plot panel with its axes in pixels (the legend adds its rows; default
    /// 640 × 440, readable at a journal's column width).
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.width = width.max(240);
        self.height = height.max(180);
        self
    }

    /// The lines drawn.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// The legend entries, in order: one per distinct line label (the style of its first
    /// line), then the dash key, then the reference lines.
    pub fn legend(&self) -> Vec<LegendEntry> {
        let mut out: Vec<LegendEntry> = Vec::new();
        for l in &self.lines {
            if !out.iter().any(|e| e.label == l.label) {
                out.push(LegendEntry {
                    label: l.label.clone(),
                    colour: Some(l.colour),
                    dash: if self.dash_key.is_empty() { l.dash } else { 0 },
                    marker: true,
                });
            }
        }
        out.extend(self.dash_key.iter().map(|(label, dash)| LegendEntry {
            label: label.clone(),
            colour: None,
            dash: *dash,
            marker: true,
        }));
        out.extend(self.references.iter().map(|(_, label)| LegendEntry {
            label: label.clone(),
            colour: None,
            dash: 1,
            marker: false,
        }));
        out
    }

    /// The x-axis ticks (their first and last are the axis ends).
    pub fn x_ticks(&self) -> Vec<f64> {
        let (lo, hi) = self.x_range.unwrap_or_else(|| {
            data_range(
                self.lines.iter().flat_map(|l| l.x.iter().copied()),
                std::iter::empty(),
            )
        });
        range_breaks(lo, hi)
    }

    /// The y-axis ticks (their first and last are the axis ends).
    pub fn y_ticks(&self) -> Vec<f64> {
        let (lo, hi) = self.y_range.unwrap_or_else(|| {
            let bands = self
                .lines
                .iter()
                .flat_map(|l| l.band_points().into_iter().flat_map(|b| [b.1, b.2]));
            data_range(
                self.lines
                    .iter()
                    .flat_map(|l| l.y.iter().copied())
                    .chain(bands),
                self.references.iter().map(|r| r.0),
            )
        });
        range_breaks(lo, hi)
    }

    /// Where each legend entry is drawn: `(left, row)` in pixels and rows. The lines'
    /// entries and the key (dashes, reference lines) are each laid out in rows of as many
    /// columns as fit the width (each column as wide as its widest entry), the key on rows
    /// of its own.
    fn legend_layout(&self, entries: &[LegendEntry]) -> (Vec<(i32, usize)>, usize) {
        let width =
            |e: &LegendEntry| SAMPLE + 8 + char_w(TICK_FONT) * e.label.chars().count() as i32 + 24;
        let usable = self.width as i32 - 32;
        let split = entries
            .iter()
            .position(|e| e.colour.is_none())
            .unwrap_or(entries.len());
        let mut out = Vec::with_capacity(entries.len());
        let mut row0 = 0;
        for group in [&entries[..split], &entries[split..]] {
            if group.is_empty() {
                continue;
            }
            let w: Vec<i32> = group.iter().map(width).collect();
            let col_widths = |cols: usize| -> Vec<i32> {
                (0..cols)
                    .map(|c| w.iter().skip(c).step_by(cols).copied().max().unwrap_or(0))
                    .collect()
            };
            let cols = (1..=group.len())
                .rev()
                .find(|&c| col_widths(c).iter().sum::<i32>() <= usable)
                .unwrap_or(1);
            let widths = col_widths(cols);
            for j in 0..group.len() {
                let left = 16 + widths[..j % cols].iter().sum::<i32>();
                out.push((left, row0 + j / cols));
            }
            row0 += group.len().div_ceil(cols);
        }
        (out, row0)
    }

    /// The figure as SVG text.
    ///
    /// # Errors
    /// [`Error::Figure`] if drawing fails.
    pub fn to_svg(&self) -> Result<String> {
        let entries = self.legend();
        let (_, rows) = self.legend_layout(&entries);
        let legend_h = 12 + LEGEND_ROW as u32 * rows as u32;
        svg_of("line plot", (self.width, self.height + legend_h), |root| {
            self.draw(root, &entries)
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
        entries: &[LegendEntry],
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let (upper, _) = root.split_vertically(self.height);
        let xt = self.x_ticks();
        let yt = self.y_ticks();
        let (x_lo, x_hi) = (xt[0], xt[xt.len() - 1]);
        let (y_lo, y_hi) = (yt[0], yt[yt.len() - 1]);
        let y_labels = tick_labels(&yt);
        let y_label_w = y_labels
            .iter()
            .map(|s| s.chars().count() as u32)
            .max()
            .unwrap_or(1)
            * char_w(TICK_FONT) as u32;
        let mut builder = ChartBuilder::on(&upper);
        builder
            .margin_top(if self.title.is_some() { 8 } else { 16 })
            .margin_right(24)
            .margin_left(8)
            .x_label_area_size(58)
            .y_label_area_size(y_label_w + 44);
        if let Some(t) = &self.title {
            builder.caption(t, ("sans-serif", TITLE_FONT));
        }
        // a little room beyond the outer ticks so that end markers are not cut
        let pad_x = (x_hi - x_lo) * 0.02;
        let pad_y = (y_hi - y_lo) * 0.02;
        let chart = builder.build_cartesian_2d(
            (x_lo - pad_x)..(x_hi + pad_x),
            (y_lo - pad_y)..(y_hi + pad_y),
        )?;
        let (x0, y0) = chart.backend_coord(&(x_lo - pad_x, y_lo - pad_y));
        let (x1, y_top) = chart.backend_coord(&(x_hi + pad_x, y_hi + pad_y));
        let grid = RGBColor(232, 232, 232);
        let text = ("sans-serif", TICK_FONT).into_font().color(&BLACK);
        for (&v, label) in yt.iter().zip(&y_labels) {
            let (_, py) = chart.backend_coord(&(x_lo, v));
            root.draw(&PathElement::new(vec![(x0, py), (x1, py)], grid))?;
            root.draw(&PathElement::new(vec![(x0 - 5, py), (x0, py)], BLACK))?;
            root.draw(&Text::new(
                label.clone(),
                (x0 - 8, py),
                text.pos(Pos::new(HPos::Right, VPos::Center)),
            ))?;
        }
        for (&v, label) in xt.iter().zip(tick_labels(&xt)) {
            let (px, _) = chart.backend_coord(&(v, y_lo));
            root.draw(&PathElement::new(vec![(px, y0), (px, y0 + 5)], BLACK))?;
            root.draw(&Text::new(
                label,
                (px, y0 + 8),
                text.pos(Pos::new(HPos::Center, VPos::Top)),
            ))?;
        }
        root.draw(&PathElement::new(
            vec![(x0, y_top), (x0, y0), (x1, y0)],
            BLACK,
        ))?;
        let title_font = ("sans-serif", AXIS_FONT).into_font().color(&BLACK);
        // axis titles a full line clear of the tick labels
        root.draw(&Text::new(
            self.x_label.clone(),
            ((x0 + x1) / 2, y0 + 8 + TICK_FONT as i32 + 10),
            title_font.pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
        root.draw(&Text::new(
            self.y_label.clone(),
            (
                x0 - 8 - y_label_w as i32 - 10 - AXIS_FONT as i32 / 2,
                (y0 + y_top) / 2,
            ),
            title_font
                .transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;

        let ref_grey = RGBColor(90, 90, 90);
        for (y, _) in &self.references {
            if *y >= y_lo && *y <= y_hi {
                let (dash, gap) = DASHES[1];
                root.draw(&plotters::element::DashedPathElement::new(
                    vec![
                        chart.backend_coord(&(x_lo - pad_x, *y)),
                        chart.backend_coord(&(x_hi + pad_x, *y)),
                    ],
                    dash,
                    gap,
                    ref_grey.stroke_width(1),
                ))?;
            }
        }
        for l in &self.lines {
            let band = l.band_points();
            if band.len() >= 2 {
                let mut poly: Vec<(i32, i32)> = band
                    .iter()
                    .map(|b| chart.backend_coord(&(b.0, b.2)))
                    .collect();
                poly.extend(band.iter().rev().map(|b| chart.backend_coord(&(b.0, b.1))));
                root.draw(&Polygon::new(poly, colour(l.colour).mix(0.13)))?;
            }
        }
        for l in &self.lines {
            let px: Vec<(i32, i32)> = l.points().iter().map(|p| chart.backend_coord(p)).collect();
            draw_sample(root, &px, colour(l.colour), l.dash, 2)?;
            for p in px {
                marker(root, p, colour(l.colour), l.dash == 0)?;
            }
        }

        // the legend, under the x-axis title
        let (places, _) = self.legend_layout(entries);
        let legend_top = self.height as i32 + 4;
        let label_font = text.pos(Pos::new(HPos::Left, VPos::Center));
        let dark = RGBColor(60, 60, 60);
        for (e, &(left, row)) in entries.iter().zip(&places) {
            let y = legend_top + LEGEND_ROW / 2 + LEGEND_ROW * row as i32;
            let col = e.colour.map_or(dark, colour);
            let width = if e.marker { 2 } else { 1 };
            let col = if e.marker { col } else { ref_grey };
            draw_sample(root, &[(left, y), (left + SAMPLE, y)], col, e.dash, width)?;
            if e.marker {
                marker(root, (left + SAMPLE / 2, y), col, e.dash == 0)?;
            }
            root.draw(&Text::new(
                e.label.clone(),
                (left + SAMPLE + 8, y),
                label_font.clone(),
            ))?;
        }
        Ok(())
    }
}

/// The labels of an axis's ticks, all with as many decimals as the one that needs most
/// (`0.0, 0.2, …, 1.0`; `0, 100, 200`).
fn tick_labels(ticks: &[f64]) -> Vec<String> {
    let decimals = ticks
        .iter()
        .map(|&v| tick_label(v).split_once('.').map_or(0, |(_, d)| d.len()))
        .max()
        .unwrap_or(0);
    ticks.iter().map(|v| format!("{v:.decimals$}")).collect()
}

/// A point marker: a filled circle, or an open one (for dashed lines).
fn marker<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    col: RGBColor,
    filled: bool,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    if filled {
        root.draw(&Circle::new(at, 4, col.filled()))
    } else {
        root.draw(&Circle::new(at, 4, WHITE.filled()))?;
        root.draw(&Circle::new(at, 4, col.stroke_width(2)))
    }
}

/// The range an axis must cover: the data and the `extra` values (reference lines),
/// starting at 0 unless some value is negative; `(0, 1)` without values.
fn data_range(values: impl Iterator<Item = f64>, extra: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .chain(extra)
        .fold((0.0f64, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if hi.is_finite() && hi > lo {
        (lo, hi)
    } else {
        (lo, lo + 1.0)
    }
}
