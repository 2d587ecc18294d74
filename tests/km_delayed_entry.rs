//! Kaplan–Meier with delayed entry (counting-process data `(start, stop]`) against R
//! `survival` 3.5-3 (R 4.2.2): `survfit(Surv(entry, time, status) ~ 1)` and `~ sex` on
//! `tests/data/lung_entry.csv`, goldens in `tests/data/counting_km_goldens.json` written by
//! `tests/data/make_counting_cox.R`; and invariants of delayed entry.
#![allow(clippy::float_cmp)] // exact copies of input times and whole-number counts

use std::path::{Path, PathBuf};

use oncostat::{Error, KaplanMeier, Result, SurvivalCurve, SurvivalData};
use serde_json::Value;

const R_MATCH_REL: f64 = oncostat::tolerance::R_MATCH_REL;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn lung_entry() -> (Vec<f64>, Vec<f64>, Vec<bool>, Vec<f64>) {
    let mut rdr = csv::Reader::from_path(data_dir().join("lung_entry.csv")).expect("csv");
    let headers: Vec<String> = rdr
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name).expect("column");
    let (ie, it, is, ix) = (col("entry"), col("time"), col("status"), col("sex"));
    let (mut entry, mut time, mut event, mut sex) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for rec in rdr.records() {
        let rec = rec.expect("record");
        let v = |i: usize| rec[i].parse::<f64>().expect("number");
        entry.push(v(ie));
        time.push(v(it));
        event.push(v(is) > 0.5);
        sex.push(v(ix));
    }
    (entry, time, event, sex)
}

fn golden(id: &str) -> Value {
    let text = std::fs::read_to_string(data_dir().join("counting_km_goldens.json")).expect("json");
    let all: Value = serde_json::from_str(&text).expect("valid json");
    all["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["id"] == id)
        .cloned()
        .expect("case")
}

fn nums(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(a) => a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect(),
        other => vec![other.as_f64().unwrap_or(f64::NAN)],
    }
}

fn close(what: &str, got: f64, want: f64) {
    if want.is_nan() || want.is_infinite() {
        assert!(
            got.is_nan() || got == want,
            "{what}: got {got}, R gives NA/Inf"
        );
        return;
    }
    let ok = if want.abs() < 1e-8 {
        (got - want).abs() <= R_MATCH_REL * 1e-2
    } else {
        ((got - want) / want).abs() <= R_MATCH_REL
    };
    assert!(ok, "{what}: got {got:.15e}, R {want:.15e}");
}

fn check(fit: &SurvivalCurve, case: &Value) {
    let id = case["id"].as_str().expect("id");
    let columns: [(&str, &[f64]); 7] = [
        ("time", fit.times()),
        ("n_risk", fit.n_risk()),
        ("n_event", fit.n_event()),
        ("surv", fit.survival()),
        ("std_err", fit.std_err()),
        ("lower", fit.lower()),
        ("upper", fit.upper()),
    ];
    for (key, got) in columns {
        let want = nums(&case[key]);
        assert_eq!(got.len(), want.len(), "{id} {key} length");
        for (k, (g, w)) in got.iter().zip(want).enumerate() {
            close(&format!("{id} {key}[{k}]"), *g, w);
        }
    }
    let median = fit.median().unwrap_or(f64::NAN);
    close(&format!("{id} median"), median, nums(&case["median"])[0]);
    let (lo, hi) = fit.median_ci();
    close(
        &format!("{id} median lower"),
        lo.unwrap_or(f64::NAN),
        nums(&case["median_lower"])[0],
    );
    close(
        &format!("{id} median upper"),
        hi.unwrap_or(f64::NAN),
        nums(&case["median_upper"])[0],
    );
    let rmean = fit.restricted_mean();
    close(
        &format!("{id} rmean"),
        rmean.estimate,
        nums(&case["rmean"])[0],
    );
    close(
        &format!("{id} rmean se"),
        rmean.std_error,
        nums(&case["rmean_se"])[0],
    );
}

#[test]
fn delayed_entry_curves_match_r() -> Result<()> {
    let (entry, time, event, sex) = lung_entry();
    let data = SurvivalData::counting(entry, time, event)?;
    let km = KaplanMeier::new();
    check(&km.fit(&data)?, &golden("lung_entry_all"));
    let by_sex = km.fit_groups(&data, &sex.iter().map(|&s| s as i64).collect::<Vec<_>>())?;
    check(&by_sex[0], &golden("lung_entry_sex1"));
    check(&by_sex[1], &golden("lung_entry_sex2"));
    Ok(())
}

#[test]
fn entry_at_zero_equals_right_censored_and_splits_change_nothing() -> Result<()> {
    let (_, time, event, _) = lung_entry();
    let plain = KaplanMeier::new().fit(&SurvivalData::new(time.clone(), event.clone())?)?;
    let zero = vec![0.0; time.len()];
    let counting =
        KaplanMeier::new().fit(&SurvivalData::counting(zero, time.clone(), event.clone())?)?;
    assert_eq!(plain.times(), counting.times());
    assert_eq!(plain.n_risk(), counting.n_risk());
    for (a, b) in plain.survival().iter().zip(counting.survival()) {
        assert!((a - b).abs() <= 1e-15);
    }
    // every subject split at half its time: the event-time curve is unchanged
    let (mut start, mut stop, mut ev) = (Vec::new(), Vec::new(), Vec::new());
    for (&t, &e) in time.iter().zip(&event) {
        start.extend([0.0, t / 2.0]);
        stop.extend([t / 2.0, t]);
        ev.extend([false, e]);
    }
    let split = KaplanMeier::new().fit(&SurvivalData::counting(start, stop, ev)?)?;
    for (k, &t) in plain.times().iter().enumerate() {
        if plain.n_event()[k] > 0.0 {
            let j = split
                .times()
                .iter()
                .position(|&u| u == t)
                .expect("event time kept");
            assert_eq!(split.n_risk()[j], plain.n_risk()[k]);
            assert!((split.survival()[j] - plain.survival()[k]).abs() <= 1e-14);
        }
    }
    Ok(())
}

#[test]
fn fractional_weights_with_delayed_entry_are_refused() -> Result<()> {
    let data = SurvivalData::counting(vec![0.0, 1.0], vec![2.0, 3.0], vec![true, true])?
        .with_weights(vec![0.5, 1.0])?;
    assert!(matches!(
        KaplanMeier::new().fit(&data),
        Err(Error::CountingProcessNotSupported { .. })
    ));
    Ok(())
}
