//! Tumour-response figures from [`PlotData`]: waterfall, spider and swimmer plots.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{linear_breaks, tick_label};
use super::{colour, svg_of, write_svg};
use crate::endpoints::{PlotData, SpiderRow, SwimmerRow, WaterfallRow};
use crate::{Error, Result};

/// Bar colour of a best overall response label (CR/iCR, PR/iPR, SD/iSD, progression, other),
/// from the colour-blind-safe palette.
fn response_colour(bor: &str) -> RGBColor {
    match bor.trim_start_matches('i') {
        "CR" => colour(2),
        "PR" => colour(0),
        "SD" => colour(5),
        "PD" | "CPD" => colour(1),
        "UPD" => colour(4),
        _ => RGBColor(150, 150, 150),
    }
}

/// Order of the best overall responses in a key: best first.
fn response_rank(bor: &str) -> u8 {
    match bor.trim_start_matches('i') {
        "CR" => 0,
        "PR" => 1,
        "SD" => 2,
        "UPD" => 3,
        "PD" | "CPD" => 4,
        _ => 5,
    }
}

fn empty(what: &str) -> Error {
    Error::Figure {
        what: what.into(),
        reason: "there are no patients to draw".into(),
    }
}

/// Range of a % change axis covering the data, the +20% and −30% lines and ±100%.
fn pct_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (-100.0f64, 40.0f64);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    ((lo / 20.0).floor() * 20.0, (hi / 20.0).ceil() * 20.0)
}

/// A symbol of a figure key.
#[derive(Debug, Clone, Copy)]
enum Mark {
    /// A filled bar in a colour (best overall response).
    Bar(RGBAColor),
    /// A line in a colour (a patient group or response).
    Line(RGBColor),
    /// Response onset.
    Dot,
    /// New lesion / progression triangle in a colour.
    Triangle(RGBColor),
    /// Death / progression cross.
    Cross,
    /// New therapy tick.
    Tick,
    /// Ongoing arrow.
    Arrow,
}

/// Draws the key `entries` as a column starting at `(x, y)` (outside the plot panel, so it
/// never hides data).
fn draw_key<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    entries: &[(String, Mark)],
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let font = ("sans-serif", 14)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (j, (label, mark)) in entries.iter().enumerate() {
        let cy = y + 10 + 22 * j as i32;
        let cx = x + 9;
        match *mark {
            Mark::Bar(c) => {
                root.draw(&Rectangle::new([(x, cy - 6), (x + 18, cy + 6)], c.filled()))?
            }
            Mark::Line(c) => root.draw(&PathElement::new(
                vec![(x, cy), (x + 18, cy)],
                c.stroke_width(3),
            ))?,
            Mark::Dot => root.draw(&Circle::new((cx, cy), 5, BLACK.filled()))?,
            Mark::Triangle(c) => root.draw(&TriangleMarker::new((cx, cy), 6, c.filled()))?,
            Mark::Cross => root.draw(&Cross::new((cx, cy), 6, BLACK.stroke_width(2)))?,
            Mark::Tick => root.draw(&PathElement::new(
                vec![(cx, cy - 6), (cx, cy + 6)],
                colour(3).stroke_width(4),
            ))?,
            Mark::Arrow => root.draw(&Polygon::new(
                vec![(cx - 5, cy - 6), (cx + 5, cy), (cx - 5, cy + 6)],
                BLACK.filled(),
            ))?,
        }
        root.draw(&Text::new(label.clone(), (x + 26, cy), font.clone()))?;
    }
    Ok(())
}

/// The best overall responses of `bors` in order of first appearance.
fn distinct<'a>(bors: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen: Vec<&str> = Vec::new();
    for b in bors {
        if !seen.contains(&b) {
            seen.push(b);
        }
    }
    seen
}

/// Width of the key column right of the plot panel.
const KEY_W: u32 = 170;

/// Waterfall plot: one bar per patient with the best % change of the target sum from
/// baseline, sorted from the largest increase to the largest decrease, coloured by best overall
/// response, with dashed lines at +20% (progression) and −30% (partial response).
///
/// ```
/// use oncostat::endpoints::{EndpointRules, PatientDates, PatientEndpoints, PlotData};
/// use oncostat::irecist::{assess, timelines_from_records, IrecistRules, LesionRow};
/// use oncostat::plots::WaterfallPlot;
/// # fn main() -> Result<(), oncostat::Error> {
/// let rows: Vec<_> = [("0", "100"), ("56", "60")].iter()
///     .map(|(day, mm)| LesionRow { patient: "P1", lesion: "T1", day, organ: "liver",
///         kind: "target", node: "false", irradiated: "false", measure: mm,
///         ..LesionRow::default() }.parse())
///     .collect::<Result<_, _>>()?;
/// let t = &timelines_from_records(&rows)?[0];
/// let a = assess(t, &IrecistRules::default())?;
/// let e = PatientEndpoints::derive(&a, Some(t), &PatientDates::new(90.0),
///     &EndpointRules::default())?;
/// let data = PlotData::new(&[e], None)?;
/// let plot = WaterfallPlot::new(&data)?;
/// assert_eq!(plot.bars()[0].best_pct_change, -40.0);
/// assert!(plot.to_svg()?.contains("<svg"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct WaterfallPlot {
    bars: Vec<WaterfallRow>,
    title: Option<String>,
}

impl WaterfallPlot {
    /// The waterfall of `data` (patients without a measurable % change are left out).
    ///
    /// # Errors
    /// [`Error::Figure`] if no patient has a best % change.
    pub fn new(data: &PlotData) -> Result<Self> {
        let mut bars: Vec<WaterfallRow> = data
            .waterfall()
            .iter()
            .filter(|r| r.best_pct_change.is_finite())
            .cloned()
            .collect();
        if bars.is_empty() {
            return Err(empty("waterfall plot"));
        }
        bars.sort_by(|a, b| b.best_pct_change.total_cmp(&a.best_pct_change));
        Ok(WaterfallPlot { bars, title: None })
    }

    /// Title above the plot.
    pub fn title(mut self, title: &str) -> Self {
        self.title = Some(title.to_string());
        self
    }

    /// The bars in drawing order (largest increase first).
    pub fn bars(&self) -> &[WaterfallRow] {
        &self.bars
    }

    /// The figure as SVG text.
    ///
    /// # Errors
    /// [`Error::Figure`] if drawing fails.
    pub fn to_svg(&self) -> Result<String> {
        svg_of("waterfall plot", (900, 520), |root| {
            let (lo, hi) = pct_range(self.bars.iter().map(|b| b.best_pct_change));
            let n = self.bars.len();
            let mut builder = ChartBuilder::on(root);
            builder
                .margin(16)
                .x_label_area_size(30)
                .y_label_area_size(62);
            if let Some(t) = &self.title {
                builder.caption(t, ("sans-serif", 22));
            }
            let mut chart = builder.build_cartesian_2d(0.0..n as f64, lo..hi)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(0)
                .y_label_formatter(&|v| format!("{v:.0}"))
                .y_desc("Best change of the target sum from baseline (%)")
                .label_style(("sans-serif", 14))
                .axis_desc_style(("sans-serif", 15))
                .light_line_style(RGBColor(240, 240, 240))
                .draw()?;
            chart.draw_series(self.bars.iter().enumerate().map(|(i, b)| {
                let x = i as f64;
                Rectangle::new(
                    [(x + 0.1, 0.0), (x + 0.9, b.best_pct_change)],
                    response_colour(b.bor).filled(),
                )
            }))?;
            for level in [20.0, -30.0] {
                chart.draw_series(DashedLineSeries::new(
                    vec![(0.0, level), (n as f64, level)],
                    6,
                    4,
                    RGBColor(80, 80, 80).stroke_width(1),
                ))?;
            }
            let mut seen: Vec<&str> = Vec::new();
            for b in &self.bars {
                if !seen.contains(&b.bor) {
                    seen.push(b.bor);
                }
            }
            for bor in seen {
                let c = response_colour(bor);
                chart
                    .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())?
                    .label(bor)
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 6), (x + 14, y + 6)], c.filled())
                    });
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .label_font(("sans-serif", 14))
                .background_style(WHITE.mix(0.85))
                .border_style(RGBColor(180, 180, 180))
                .draw()?;
            Ok(())
        })
    }

    /// Writes the figure to `path` as SVG.
    ///
    /// # Errors
    /// [`Error::Figure`] if drawing fails or the file cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        write_svg(path.as_ref(), &self.to_svg()?)
    }
}

/// Spider plot: the % change of the target sum from baseline per visit, one line per
/// patient (coloured by group; by best overall response when there is one group), with marks for visits with a new lesion (triangle) and
/// visits assessed as progression (cross); dashed lines at +20% and −30%.
#[derive(Debug, Clone, PartialEq)]
pub struct SpiderPlot {
    points: Vec<SpiderRow>,
    bor: Vec<(String, &'static str)>,
    title: Option<String>,
    x_label: String,
}

impl SpiderPlot {
    /// The spider plot of `data`.
    ///
    /// # Errors
    /// [`Error::Figure`] without visits.
    pub fn new(data: &PlotData) -> Result<Self> {
        let points: Vec<SpiderRow> = data
            .spider()
            .iter()
            .filter(|r| r.pct_change.is_finite())
            .cloned()
            .collect();
        if points.is_empty() {
            return Err(empty("spider plot"));
        }
        let bor = data
            .waterfall()
            .iter()
            .map(|w| (w.patient.clone(), w.bor))
            .collect();
        Ok(SpiderPlot {
            points,
            bor,
            title: None,
            x_label: "Days since baseline".into(),
        })
    }

    /// Title above the plot.
    pub fn title(mut self, title: &str) -> Self {
        self.title = Some(title.to_string());
        self
    }

    /// The points drawn (patient, day, % change, marks).
    pub fn points(&self) -> &[SpiderRow] {
        &self.points
    }

    /// A patient's best overall response (`""` without one).
    fn bor_of(&self, patient: &str) -> &'static str {
        self.bor
            .iter()
            .find(|(p, _)| p == patient)
            .map_or("", |(_, b)| *b)
    }

    /// The figure as SVG text.
    ///
    /// # Errors
    /// [`Error::Figure`] if drawing fails.
    pub fn to_svg(&self) -> Result<String> {
        svg_of("spider plot", (760 + KEY_W, 540), |root| {
            let (lo, hi) = pct_range(self.points.iter().map(|p| p.pct_change));
            let day_max = self.points.iter().map(|p| p.day).max().unwrap_or(1).max(1) as f64;
            let ticks = linear_breaks(day_max, None);
            let x_max = ticks.last().copied().unwrap_or(day_max);
            let mut builder = ChartBuilder::on(root);
            builder
                .margin(16)
                .margin_right(KEY_W)
                .x_label_area_size(44)
                .y_label_area_size(62);
            if let Some(t) = &self.title {
                builder.caption(t, ("sans-serif", 22));
            }
            let mut chart = builder.build_cartesian_2d(0.0..x_max, lo..hi)?;
            chart
                .configure_mesh()
                .x_labels(ticks.len())
                .x_label_formatter(&|v| tick_label(*v))
                .x_desc(self.x_label.as_str())
                .y_label_formatter(&|v| format!("{v:.0}"))
                .y_desc("Change of the target sum from baseline (%)")
                .label_style(("sans-serif", 14))
                .axis_desc_style(("sans-serif", 15))
                .light_line_style(RGBColor(240, 240, 240))
                .draw()?;
            for level in [20.0, -30.0] {
                chart.draw_series(DashedLineSeries::new(
                    vec![(0.0, level), (x_max, level)],
                    6,
                    4,
                    RGBColor(80, 80, 80).stroke_width(1),
                ))?;
            }
            let mut groups: Vec<&str> = Vec::new();
            for p in &self.points {
                if !groups.contains(&p.group.as_str()) {
                    groups.push(&p.group);
                }
            }
            let mut start = 0;
            while start < self.points.len() {
                let id = &self.points[start].patient;
                let end = start
                    + self.points[start..]
                        .iter()
                        .take_while(|p| &p.patient == id)
                        .count();
                let lane = &self.points[start..end];
                let g = groups.iter().position(|g| *g == lane[0].group).unwrap_or(0);
                let c = if groups.len() > 1 {
                    colour(g)
                } else {
                    response_colour(self.bor_of(id))
                };
                chart.draw_series(LineSeries::new(
                    lane.iter().map(|p| (f64::from(p.day), p.pct_change)),
                    c.stroke_width(2),
                ))?;
                chart.draw_series(lane.iter().filter(|p| p.new_lesion).map(|p| {
                    TriangleMarker::new((f64::from(p.day), p.pct_change), 6, c.filled())
                }))?;
                chart.draw_series(lane.iter().filter(|p| p.progression).map(|p| {
                    Cross::new((f64::from(p.day), p.pct_change), 6, BLACK.stroke_width(2))
                }))?;
                start = end;
            }
            let mut key: Vec<(String, Mark)> = if groups.len() > 1 {
                groups
                    .iter()
                    .enumerate()
                    .map(|(g, name)| (name.to_string(), Mark::Line(colour(g))))
                    .collect()
            } else {
                let mut bors = distinct(self.points.iter().map(|p| self.bor_of(&p.patient)));
                bors.sort_by_key(|b| response_rank(b));
                bors.into_iter()
                    .map(|b| (b.to_string(), Mark::Line(response_colour(b))))
                    .collect()
            };
            key.push(("new lesion".into(), Mark::Triangle(BLACK)));
            key.push(("progression".into(), Mark::Cross));
            let (right, top) = chart.backend_coord(&(x_max, hi));
            draw_key(root, (right + 16, top), &key)?;
            Ok(())
        })
    }

    /// Writes the figure to `path` as SVG.
    ///
    /// # Errors
    /// [`Error::Figure`] if drawing fails or the file cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        write_svg(path.as_ref(), &self.to_svg()?)
    }
}

/// Swimmer plot: one lane per patient (longest time on study at the top), a bar for the time
/// on study coloured by best overall response, marks for response onset (circle),
/// progression (triangle), death (cross) and new therapy (square), and an arrow for patients
/// alive and progression-free at last follow-up.
#[derive(Debug, Clone, PartialEq)]
pub struct SwimmerPlot {
    lanes: Vec<SwimmerRow>,
    title: Option<String>,
    x_label: String,
}

impl SwimmerPlot {
    /// The swimmer plot of `data`.
    ///
    /// # Errors
    /// [`Error::Figure`] without patients.
    pub fn new(data: &PlotData) -> Result<Self> {
        let mut lanes = data.swimmer().to_vec();
        if lanes.is_empty() {
            return Err(empty("swimmer plot"));
        }
        lanes.sort_by(|a, b| b.time_on_study.total_cmp(&a.time_on_study));
        Ok(SwimmerPlot {
            lanes,
            title: None,
            x_label: "Days since baseline".into(),
        })
    }

    /// Title above the plot.
    pub fn title(mut self, title: &str) -> Self {
        self.title = Some(title.to_string());
        self
    }

    /// The lanes from top to bottom.
    pub fn lanes(&self) -> &[SwimmerRow] {
        &self.lanes
    }

    /// The figure as SVG text.
    ///
    /// # Errors
    /// [`Error::Figure`] if drawing fails.
    pub fn to_svg(&self) -> Result<String> {
        let n = self.lanes.len();
        let height = (120 + 22 * n as u32).clamp(260, 4000);
        svg_of("swimmer plot", (760 + KEY_W, height), |root| {
            let t_max = self
                .lanes
                .iter()
                .map(|l| l.time_on_study)
                .fold(1.0, f64::max);
            let ticks = linear_breaks(t_max * 1.04, None);
            let x_max = ticks.last().copied().unwrap_or(t_max);
            let mut builder = ChartBuilder::on(root);
            builder
                .margin(16)
                .margin_right(KEY_W)
                .x_label_area_size(44)
                .y_label_area_size(90);
            if let Some(t) = &self.title {
                builder.caption(t, ("sans-serif", 22));
            }
            let mut chart = builder.build_cartesian_2d(0.0..x_max, 0.0..n as f64)?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .x_labels(ticks.len())
                .x_label_formatter(&|v| tick_label(*v))
                .y_labels(0)
                .x_desc(self.x_label.as_str())
                .label_style(("sans-serif", 13))
                .axis_desc_style(("sans-serif", 15))
                .light_line_style(RGBColor(240, 240, 240))
                .draw()?;
            let id_font = ("sans-serif", 13)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Right, VPos::Center));
            for (i, l) in self.lanes.iter().enumerate() {
                let y = n as f64 - i as f64 - 0.5;
                let (px, py) = chart.backend_coord(&(0.0, y));
                root.draw(&Text::new(l.patient.clone(), (px - 8, py), id_font.clone()))?;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.3), (l.time_on_study, y + 0.3)],
                    response_colour(l.bor).mix(0.75).filled(),
                )))?;
                if l.ongoing {
                    let (px, py) = chart.backend_coord(&(l.time_on_study, y));
                    root.draw(&Polygon::new(
                        vec![(px + 2, py - 6), (px + 12, py), (px + 2, py + 6)],
                        BLACK.filled(),
                    ))?;
                }
                if let Some(t) = l.response_onset {
                    chart.draw_series(std::iter::once(Circle::new((t, y), 5, BLACK.filled())))?;
                }
                if let Some(t) = l.progression {
                    chart.draw_series(std::iter::once(TriangleMarker::new(
                        (t, y),
                        6,
                        colour(1).filled(),
                    )))?;
                }
                if let Some(t) = l.death {
                    chart.draw_series(std::iter::once(Cross::new(
                        (t, y),
                        6,
                        BLACK.stroke_width(2),
                    )))?;
                }
                if let Some(t) = l.new_therapy {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(t, y - 0.18), (t, y + 0.18)],
                        colour(3).stroke_width(4),
                    )))?;
                }
            }
            let mut bors = distinct(self.lanes.iter().map(|l| l.bor));
            bors.sort_by_key(|b| response_rank(b));
            let mut key: Vec<(String, Mark)> = bors
                .into_iter()
                .map(|b| (b.to_string(), Mark::Bar(response_colour(b).mix(0.75))))
                .collect();
            key.extend([
                ("response onset".to_string(), Mark::Dot),
                ("progression".to_string(), Mark::Triangle(colour(1))),
                ("death".to_string(), Mark::Cross),
                ("new therapy".to_string(), Mark::Tick),
                ("ongoing".to_string(), Mark::Arrow),
            ]);
            let (right, top) = chart.backend_coord(&(x_max, n as f64));
            draw_key(root, (right + 20, top), &key)?;
            Ok(())
        })
    }

    /// Writes the figure to `path` as SVG.
    ///
    /// # Errors
    /// [`Error::Figure`] if drawing fails or the file cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        write_svg(path.as_ref(), &self.to_svg()?)
    }
}
