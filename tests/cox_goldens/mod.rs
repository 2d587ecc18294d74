//! Shared set-up of `tests/cox_residuals.rs` and `tests/cox_predict.rs`: the R fits of
//! `tests/data/make_cox_residuals.R` rebuilt through the public API, and the goldens of
//! `tests/data/coxph_residuals.json` (R 4.2.2, survival 3.5-3).
#![allow(dead_code)]

use std::path::Path;

use oncostat::{CoxFit, CoxPh, Design, Result, SurvivalData, Ties};
use serde_json::Value;

/// One R case: the data and design it was fitted to, the fit and R's answers.
pub struct Case {
    pub id: &'static str,
    pub data: SurvivalData,
    pub x: Design,
    pub fit: CoxFit,
    pub r: Value,
}

/// The golden file.
pub fn goldens() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/coxph_residuals.json");
    let text = std::fs::read_to_string(path).expect("coxph_residuals.json");
    serde_json::from_str(&text).expect("valid JSON")
}

/// The file's comparison tolerance.
pub fn tolerance(g: &Value) -> f64 {
    g["tolerance"].as_f64().expect("tolerance")
}

/// `tests/data/<name>`'s numeric columns, strictly read (missing = NaN, as R's `NA`).
fn read_csv(name: &str) -> crate::common::csv::NumericColumns {
    crate::common::csv::Csv::read(name).numeric()
}

fn pick(v: &[f64], rows: &[usize]) -> Vec<f64> {
    rows.iter().map(|&i| v[i]).collect()
}

/// Builds every case of the golden file.
pub fn cases() -> Result<Vec<Case>> {
    let g = goldens();
    let lung = read_csv("lung_full.csv");
    let n = lung["time"].len();
    let all: Vec<usize> = (0..n).collect();
    let lung_data = |rows: &[usize]| -> Result<(SurvivalData, Design)> {
        let data =
            SurvivalData::from_status(pick(&lung["time"], rows), &pick(&lung["status"], rows))?;
        let x = Design::from_columns([
            ("age", pick(&lung["age"], rows)),
            ("sex", pick(&lung["sex"], rows)),
        ])?;
        Ok((data, x))
    };
    let mut out = Vec::new();
    let mut push = |id: &'static str, data: SurvivalData, x: Design, ties: Ties| -> Result<()> {
        let fit = CoxPh::new().ties(ties).fit(&data, &x)?;
        out.push(Case {
            id,
            data,
            x,
            fit,
            r: g["cases"][id].clone(),
        });
        Ok(())
    };
    let (d, x) = lung_data(&all)?;
    push("lung_efron", d.clone(), x.clone(), Ties::Efron)?;
    push("lung_breslow", d, x, Ties::Breslow)?;

    let complete: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| !lung["ph_ecog"][i].is_nan())
        .collect();
    let (d, x) = lung_data(&complete)?;
    let labels: Vec<String> = pick(&lung["ph_ecog"], &complete)
        .iter()
        .map(|v| format!("ph.ecog={v}"))
        .collect();
    push("lung_strata", d.with_strata(&labels)?, x, Ties::Efron)?;

    let sex = &lung["sex"];
    let w12: Vec<f64> = sex
        .iter()
        .map(|&s| if s < 1.5 { 1.0 } else { 2.0 })
        .collect();
    let w2: Vec<f64> = (1..=n).map(|i| 0.5 + (i % 3) as f64 / 2.0).collect();
    let (d, x) = lung_data(&all)?;
    push(
        "lung_w12",
        d.clone().with_weights(w12)?,
        x.clone(),
        Ties::Efron,
    )?;
    push("lung_w2", d.with_weights(w2)?, x, Ties::Efron)?;

    let ov = read_csv("ovarian.csv");
    let data = SurvivalData::from_status(ov["futime"].clone(), &ov["fustat"])?;
    let x = Design::from_columns([
        ("age", ov["age"].clone()),
        ("ecog.ps", ov["ecog_ps"].clone()),
    ])?;
    push("ovarian", data, x, Ties::Efron)?;

    // counting-process (start, stop] data
    let h = read_csv("heart.csv");
    let event: Vec<bool> = h["event"].iter().map(|&e| e > 0.5).collect();
    let data = SurvivalData::counting(h["start"].clone(), h["stop"].clone(), event)?;
    let col = |name: &str| (name.to_string(), h[name].clone());
    let x = Design::from_columns([col("age"), col("year"), col("surgery"), col("transplant")])?;
    push("heart_counting", data.clone(), x, Ties::Efron)?;
    let x = Design::from_columns([col("age"), col("surgery"), col("transplant")])?;
    push("heart_breslow", data, x, Ties::Breslow)?;

    // delayed entry with strata and integer weights
    let le = read_csv("lung_entry.csv");
    let event: Vec<bool> = le["status"].iter().map(|&e| e > 0.5).collect();
    let labels: Vec<String> = le["ph_ecog"]
        .iter()
        .map(|v| format!("ph_ecog={v}"))
        .collect();
    let w: Vec<f64> = (1..=event.len()).map(|i| 1.0 + (i % 2) as f64).collect();
    let data = SurvivalData::counting(le["entry"].clone(), le["time"].clone(), event)?
        .with_strata(&labels)?
        .with_weights(w)?;
    let x = Design::from_columns([("age", le["age"].clone()), ("sex", le["sex"].clone())])?;
    push("entry_strata", data, x, Ties::Efron)?;
    Ok(out)
}

/// A JSON array of numbers (`null` → NaN).
pub fn numbers(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(a) => a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect(),
        Value::Number(x) => vec![x.as_f64().unwrap_or(f64::NAN)],
        _ => panic!("not numbers: {v}"),
    }
}

/// A JSON matrix (array of rows, or a plain array for one column) as rows.
pub fn rows(v: &Value) -> Vec<Vec<f64>> {
    let arr = v.as_array().expect("array");
    arr.iter()
        .map(|r| match r {
            Value::Array(_) => numbers(r),
            _ => vec![r.as_f64().unwrap_or(f64::NAN)],
        })
        .collect()
}

/// `|a − e| ≤ tol · max(1, |e|)`, both NaN counting as equal (R's `NA`).
pub fn assert_close(a: f64, e: f64, tol: f64, what: &str) {
    if e.is_nan() {
        assert!(a.is_nan(), "{what}: got {a}, R gives NA");
        return;
    }
    let scale = e.abs().max(1.0);
    assert!(
        (a - e).abs() <= tol * scale,
        "{what}: got {a:.15e}, R gives {e:.15e} (tolerance {tol:e})"
    );
}

/// Largest scaled difference `|a − e| / max(1, |e|)` (NaN pairs skipped).
pub fn max_diff(a: &[f64], e: &[f64]) -> f64 {
    a.iter()
        .zip(e)
        .filter(|(x, y)| !(x.is_nan() && y.is_nan()))
        .map(|(x, y)| (x - y).abs() / y.abs().max(1.0))
        .fold(0.0, f64::max)
}
