//! The `irecist` command: iRECIST per visit, best overall response and the abscopal
//! classification of every patient in a lesion file.
//!
//! ```text
//! analyze irecist [--min-sd-days D] [--json] lesions.csv
//! ```
//!
//! Columns: `patient, lesion, day, organ, kind, node, irradiated, measure` (one row per lesion
//! per visit; see `oncostat::irecist::LesionRow`). Rows with a missing (`NA`/empty) cell are
//! dropped (a target then counts as not evaluated at that visit); `NE` is "not evaluated".

use std::fmt::Write as _;

use oncostat::irecist::{
    AbscopalAssessment, Assessment, IrecistRules, LesionKind, LesionRecord, LesionRow, Measure,
    Tenths, assess, assess_abscopal, timelines_from_records,
};
use serde_json::{Value, json};

use crate::cli::{self, CliError, Input, Output, Reader, timed};
use crate::parse::whole_days;
use crate::table::{Kind, Table};

/// Options of `irecist`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Days from baseline an iSD must last to count as abscopal control.
    #[arg(long, value_name = "D", default_value_t = 42, value_parser = whole_days, allow_negative_numbers = true)]
    pub min_sd_days: u32,
    /// The lesion file.
    #[command(flatten)]
    pub input: Input,
}

impl cli::Run for Args {
    fn run(&self, read: &Reader) -> Result<Output, CliError> {
        run(self, &read(self.input.file()?)?)
    }
}

const COLUMNS: [&str; 8] = [
    "patient",
    "lesion",
    "day",
    "organ",
    "kind",
    "node",
    "irradiated",
    "measure",
];

/// Runs `irecist`.
fn run(args: &Args, table: &Table) -> Result<Output, CliError> {
    let rules = IrecistRules::default().min_sd_days(args.min_sd_days);
    let spec: Vec<(&str, Kind)> = COLUMNS.iter().map(|&c| (c, Kind::Text)).collect();
    let cols = table.columns(&spec)?;
    let text = |c: &str| cols.text(c);
    let (patient, lesion, day, organ) = (
        text("patient")?,
        text("lesion")?,
        text("day")?,
        text("organ")?,
    );
    let (kind, node, irradiated, measure) = (
        text("kind")?,
        text("node")?,
        text("irradiated")?,
        text("measure")?,
    );
    let name = table.path().display();
    let mut records = Vec::with_capacity(cols.len());
    for i in 0..cols.len() {
        let row = LesionRow {
            patient: &patient[i],
            lesion: &lesion[i],
            day: &day[i],
            organ: &organ[i],
            kind: &kind[i],
            node: &node[i],
            irradiated: &irradiated[i],
            measure: &measure[i],
            ..LesionRow::default()
        };
        let file_row = cols.rows.get(i).map_or(i + 1, |r| r + 1);
        let record = row.parse().map_err(|e| {
            // The library names patient, lesion and day; add the column for a kind or measure.
            let column = if kind[i].parse::<LesionKind>().is_err() {
                ", column `kind`"
            } else if measure[i].parse::<Measure>().is_err() {
                ", column `measure`"
            } else {
                ""
            };
            CliError::new(format!("{name}, row {file_row}{column}: {e}"))
        })?;
        records.push(record);
    }
    let (result, seconds) = timed(
        || -> oncostat::Result<Vec<(String, Assessment, AbscopalAssessment)>> {
            let timelines = timelines_from_records(&records)?;
            timelines
                .iter()
                .map(|t| {
                    Ok((
                        t.patient().to_string(),
                        assess(t, &rules)?,
                        assess_abscopal(t, &rules)?,
                    ))
                })
                .collect()
        },
    );
    let patients = result.map_err(|e| {
        let row = offending_row(&records, &e).and_then(|k| cols.rows.get(k));
        match row {
            Some(r) => CliError::new(format!("{name}, row {}: {e}", r + 1)),
            None => CliError::new(format!("{name}: {e}")),
        }
    })?;
    Ok(Output {
        text: render_text(&patients, cols.len(), cols.dropped),
        json: render_json(&patients, cols.dropped, seconds),
    })
}

/// The record an error of `timelines_from_records` is about: the last row of the named
/// lesion and day (the second of two rows for one visit), or the first row of the named
/// patient.
fn offending_row(records: &[LesionRecord], err: &oncostat::Error) -> Option<usize> {
    match err {
        oncostat::Error::InvalidLesion {
            patient,
            lesion,
            day,
            ..
        } => records
            .iter()
            .rposition(|r| &r.patient == patient && &r.lesion == lesion && r.day == *day),
        oncostat::Error::InvalidPatient { patient, .. } => {
            records.iter().position(|r| &r.patient == patient)
        }
        _ => None,
    }
}

fn mm(t: Option<Tenths>) -> Value {
    t.map_or(Value::Null, |t| json!(t.mm()))
}

fn render_json(
    patients: &[(String, Assessment, AbscopalAssessment)],
    dropped: usize,
    seconds: f64,
) -> Value {
    let patients: Vec<Value> = patients
        .iter()
        .map(|(id, a, ab)| {
            let visits: Vec<Value> = a
                .visits()
                .iter()
                .map(|v| {
                    json!({
                        "day": v.day(),
                        "target_sum": mm(v.target_sum()),
                        "nadir": mm(v.nadir()),
                        "response": v.response().label(),
                        "recist": v.recist().label(),
                        "new_target_sum": mm(v.new_target_sum()),
                        "reason": v.reason(),
                    })
                })
                .collect();
            json!({
                "patient": id,
                "visits": visits,
                "best_overall_response": a.best_overall_response().label(),
                "recist_best_overall_response": a.recist_best_overall_response().label(),
                "progression_day": a.progression_day(),
                "abscopal": ab.category().label(),
                "abscopal_recist11": ab.recist11_category().label(),
                "nil_best_overall_response":
                    ab.nil_assessment().map(|n| n.best_overall_response().label()),
            })
        })
        .collect();
    json!({
        "patients": patients,
        "dropped": dropped,
        "fit_seconds": seconds,
    })
}

fn fmt_mm(t: Option<Tenths>) -> String {
    t.map_or_else(|| "NA".to_string(), |t| t.to_string())
}

fn render_text(
    patients: &[(String, Assessment, AbscopalAssessment)],
    used: usize,
    dropped: usize,
) -> String {
    let mut out = String::new();
    for (id, a, ab) in patients {
        let _ = writeln!(out, "Patient {id}");
        let _ = writeln!(
            out,
            "  {:>5} {:>10} {:>8} {:>17} {:>14}  reason",
            "day", "target_sum", "nadir", "iRECIST", "RECIST 1.1"
        );
        for v in a.visits() {
            let _ = writeln!(
                out,
                "  {:>5} {:>10} {:>8} {:>17} {:>14}  {}",
                v.day(),
                fmt_mm(v.target_sum()),
                fmt_mm(v.nadir()),
                v.response().label(),
                v.recist().label(),
                v.reason()
            );
        }
        let _ = writeln!(
            out,
            "  iBOR: {}   RECIST 1.1 BOR: {}   abscopal: {} (RECIST 1.1: {})\n",
            a.best_overall_response(),
            a.recist_best_overall_response(),
            ab.category(),
            ab.recist11_category()
        );
    }
    out.push_str(&cli::rows_note(used, dropped));
    out
}
