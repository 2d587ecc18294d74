//! Golden comparisons: R's answers (JSON files under `tests/data/`) against ours, with the
//! tolerance each file records, and messages that say which value, where, by how much.

use serde_json::Value;

/// The comparison tolerance recorded in a golden file (`"tolerance"`).
///
/// # Panics
/// If the file records none: every golden states its tolerance.
#[track_caller]
pub fn tolerance(golden: &Value) -> f64 {
    golden["tolerance"]
        .as_f64()
        .unwrap_or_else(|| panic!("the golden records no `tolerance`"))
}

/// A JSON number, or a list of them, as `f64`s; `null` (R's `NA`) is NaN, which the
/// comparisons below treat as equal only to NaN.
///
/// # Panics
/// Anything else than numbers and nulls.
#[track_caller]
pub fn numbers(v: &Value) -> Vec<f64> {
    let one = |x: &Value| -> f64 {
        match x {
            Value::Null => f64::NAN,
            Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
            other => panic!("not a number: {other}"),
        }
    };
    match v {
        Value::Array(a) => a.iter().map(one).collect(),
        other => vec![one(other)],
    }
}

/// `true` if `|actual − expected| <= tol · |expected|` (relative), or within 1e-12 absolutely
/// (values at 0).
pub fn rel_close(actual: f64, expected: f64, tol: f64) -> bool {
    (actual - expected).abs() <= tol * expected.abs().max(1e-300)
        || (actual - expected).abs() <= 1e-12
}

/// Asserts [`rel_close`]: a relative tolerance, for quantities far from 0.
#[track_caller]
pub fn assert_rel_close(actual: f64, expected: f64, tol: f64, what: &str) {
    assert!(
        rel_close(actual, expected, tol),
        "{what}: got {actual:.15e}, expected {expected:.15e} (rel tol {tol:e}, rel err {:.3e})",
        ((actual - expected) / expected).abs()
    );
}

/// Asserts element-wise `|a − e| <= tol · max(1, |e|)` (NaN only equal to NaN), naming the
/// first mismatching index and how many mismatch.
#[track_caller]
pub fn assert_all_close(actual: &[f64], expected: &[f64], tol: f64, what: &str) {
    assert_eq!(
        actual.len(),
        expected.len(),
        "{what}: {} values, R gives {}",
        actual.len(),
        expected.len()
    );
    let bad: Vec<usize> = (0..expected.len())
        .filter(|&i| {
            let (a, e) = (actual[i], expected[i]);
            if e.is_nan() {
                !a.is_nan()
            } else {
                let within = (a - e).abs() <= tol * e.abs().max(1.0);
                !within
            }
        })
        .collect();
    if let Some(&i) = bad.first() {
        panic!(
            "{what}[{i}]: got {:.15e}, R gives {:.15e} (|diff| {:.3e}, tolerance {tol:e} · max(1, |R|)); {} of {} values differ",
            actual[i],
            expected[i],
            (actual[i] - expected[i]).abs(),
            bad.len(),
            expected.len()
        );
    }
}

/// Asserts `|actual - expected| <= tol * max(1, |expected|)` (relative for large values,
/// absolute near zero), with a message naming the quantity.
#[track_caller]
pub fn assert_close(actual: f64, expected: f64, tol: f64, what: &str) {
    let scale = expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tol * scale,
        "{what}: got {actual:.15e}, R gives {expected:.15e} (tolerance {tol:e})"
    );
}

/// Compares every number in `expected` (an R reference JSON, possibly nested) with the
/// same path in `actual`; keys listed in `skip` and keys absent from `actual` when the R
/// value is `null` are ignored. Strings and booleans must be equal.
#[track_caller]
pub fn assert_json_close(
    actual: &serde_json::Value,
    expected: &serde_json::Value,
    tol: f64,
    path: &str,
    skip: &[&str],
) {
    use serde_json::Value as V;
    match (expected, actual) {
        (V::Number(e), _) => {
            let e = e.as_f64().expect("number");
            let a = actual
                .as_f64()
                .unwrap_or_else(|| panic!("{path}: expected number {e}, got {actual}"));
            assert_close(a, e, tol, path);
        }
        (V::Object(eo), V::Object(ao)) => {
            for (k, ev) in eo {
                if skip.contains(&k.as_str()) {
                    continue;
                }
                match ao.get(k) {
                    Some(av) => assert_json_close(av, ev, tol, &format!("{path}.{k}"), skip),
                    None if ev.is_null() => {}
                    None => panic!("{path}.{k}: missing in output"),
                }
            }
        }
        (V::Array(ea), V::Array(aa)) => {
            assert_eq!(ea.len(), aa.len(), "{path}: array length");
            for (i, (ev, av)) in ea.iter().zip(aa).enumerate() {
                assert_json_close(av, ev, tol, &format!("{path}[{i}]"), skip);
            }
        }
        (V::Null, _) => assert!(actual.is_null(), "{path}: R gives null, got {actual}"),
        (e, a) => assert_eq!(a, e, "{path}"),
    }
}
