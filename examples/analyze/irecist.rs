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
    AbscopalAssessment, Assessment, IrecistRules, LesionRow, Tenths, assess, assess_abscopal,
    timelines_from_records,
};
use serde_json::{Value, json};

use crate::cli::{Args, CliError, CommandSpec, Output, timed};
use crate::table::{Kind, Table};

/// Options of `irecist`.
pub const SPEC: CommandSpec = CommandSpec {
    values: &["min-sd-days"],
    flags: &[],
};

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
pub fn run(args: &Args, table: &Table) -> Result<Output, CliError> {
    let min_sd = args.number("min-sd-days", 42.0)?;
    if min_sd < 0.0 || min_sd.fract() != 0.0 || min_sd > f64::from(u32::MAX) {
        return Err(CliError::new(format!(
            "option --min-sd-days: `{min_sd}` is not a whole number of days >= 0"
        )));
    }
    let rules = IrecistRules::default().min_sd_days(min_sd as u32);
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
        };
        let file_row = cols.rows.get(i).map_or(i + 1, |r| r + 1);
        let record = row
            .parse()
            .map_err(|e| CliError::new(format!("{name}, row {file_row}: {e}")))?;
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
    let patients = result.map_err(|e| CliError::new(format!("{name}: {e}")))?;
    Ok(Output {
        text: render_text(&patients, cols.dropped),
        json: render_json(&patients, cols.dropped, seconds),
    })
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

fn render_text(patients: &[(String, Assessment, AbscopalAssessment)], dropped: usize) -> String {
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
    if dropped > 0 {
        let _ = writeln!(out, "({dropped} rows with missing values dropped)");
    }
    out
}
