//! Helpers shared by the logistic integration tests: CSV columns and reference JSON.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

use oncostat::{BinaryOutcome, Design};

pub fn data_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join(name)
}

/// Reads a numeric CSV into named columns.
pub fn read_csv(name: &str) -> HashMap<String, Vec<f64>> {
    let mut reader = csv::Reader::from_path(data_path(name)).expect("csv file");
    let headers: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let mut cols: HashMap<String, Vec<f64>> =
        headers.iter().map(|h| (h.clone(), Vec::new())).collect();
    for rec in reader.records() {
        let rec = rec.expect("record");
        for (h, v) in headers.iter().zip(rec.iter()) {
            let x = if v == "NA" || v.is_empty() {
                f64::NAN
            } else {
                v.parse::<f64>().expect("number")
            };
            cols.get_mut(h).expect("column").push(x);
        }
    }
    cols
}

/// Design (with intercept) and outcome from a CSV, dropping rows with a missing value.
pub fn model(name: &str, response: &str, covariates: &[&str]) -> (Design, BinaryOutcome) {
    let cols = read_csv(name);
    let n = cols[response].len();
    let keep: Vec<usize> = (0..n)
        .filter(|&i| {
            !cols[response][i].is_nan() && covariates.iter().all(|c| !cols[*c][i].is_nan())
        })
        .collect();
    let x = Design::from_columns(covariates.iter().map(|c| {
        (
            c.to_string(),
            keep.iter().map(|&i| cols[*c][i]).collect::<Vec<f64>>(),
        )
    }))
    .expect("design")
    .with_intercept();
    let y: Vec<f64> = keep.iter().map(|&i| cols[response][i]).collect();
    (x, BinaryOutcome::new(&y).expect("outcome"))
}

pub fn read_json(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(data_path(name)).expect("json file");
    serde_json::from_str(&text).expect("json")
}

/// Relative comparison with an absolute floor for values near 0.
pub fn close(actual: f64, expected: f64, tol: f64) -> bool {
    (actual - expected).abs() <= tol * expected.abs().max(1e-300)
        || (actual - expected).abs() <= 1e-12
}

#[track_caller]
pub fn assert_close(actual: f64, expected: f64, tol: f64, what: &str) {
    assert!(
        close(actual, expected, tol),
        "{what}: got {actual:.15e}, expected {expected:.15e} (rel tol {tol:e}, rel err {:.3e})",
        ((actual - expected) / expected).abs()
    );
}
