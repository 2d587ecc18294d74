//! Competing risks, RMST, Fleming–Harrington / MaxCombo and reverse Kaplan–Meier against R
//! 4.2.2 (survival 3.5-3, cmprsk 2.2-11): `tests/data/competing_goldens.json`, written by
//! `tests/data/R/competing_goldens.R` (run from `tests/data` with `LC_ALL=C`).
#![allow(clippy::float_cmp)] // exact values: times, counts and R's integer medians

mod common;

use std::collections::HashMap;

use common::assert_close;
use oncostat::{LogRank, MaxCombo, Rmst, SurvivalData, median_follow_up, milestone_difference};
use serde_json::Value;

const TOL: f64 = 1e-6;

/// A numeric CSV file as named columns; every cell must be a number (strict).
struct Table(HashMap<String, Vec<f64>>);

impl Table {
    fn read(name: &str) -> Table {
        let mut reader = csv::Reader::from_path(common::data(name)).expect("csv");
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
            for (h, cell) in headers.iter().zip(rec.iter()) {
                // text cells (group labels) are read with `text_column`; `col` refuses them
                let v = cell.parse::<f64>().unwrap_or(f64::NAN);
                cols.get_mut(h).expect("column").push(v);
            }
        }
        Table(cols)
    }

    /// A numeric column; panics on a missing or unreadable cell (strict).
    fn col(&self, name: &str) -> Vec<f64> {
        let c = &self.0[name];
        if let Some(row) = c.iter().position(|v| v.is_nan()) {
            panic!("column {name}, row {}: not a number", row + 1);
        }
        c.clone()
    }
}

/// A CSV column as text labels.
fn text_column(name: &str, col: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_path(common::data(name)).expect("csv");
    let idx = reader
        .headers()
        .expect("header")
        .iter()
        .position(|h| h == col)
        .expect("column");
    reader
        .records()
        .map(|r| r.expect("record")[idx].to_string())
        .collect()
}

fn golden() -> Value {
    common::json("competing_goldens.json")
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn opt(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// (time, status, group labels) for the two-sample data sets of the goldens.
fn two_sample(set: &str) -> (SurvivalData, Vec<String>) {
    let (file, time, status, group) = match set {
        "lung" => ("lung_full.csv", "time", "status", "sex"),
        "mgus" => ("mgus2_cr.csv", "etime", "event", "sex"),
        "crossing" => ("crossing_fh.csv", "time", "status", "group"),
        _ => unreachable!(),
    };
    let t = Table::read(file);
    let status: Vec<f64> = t
        .col(status)
        .iter()
        .map(|&s| if s != 0.0 { 1.0 } else { 0.0 })
        .collect();
    let data = SurvivalData::from_status(t.col(time), &status).expect("data");
    (data, text_column(file, group))
}

#[test]
fn fleming_harrington_matches_r_and_survdiff() {
    let g = golden();
    for set in ["lung", "mgus", "crossing"] {
        let (data, groups) = two_sample(set);
        for t in g["fh"][set]["tests"].as_array().expect("tests") {
            let (rho, gamma) = (f(&t["rho"]), f(&t["gamma"]));
            let test = LogRank::new()
                .rho(rho)
                .gamma(gamma)
                .test(&data, &groups)
                .expect("fh");
            let what = format!("{set} FH({rho},{gamma})");
            assert_close(test.z().expect("z"), f(&t["z"]), TOL, &format!("{what} z"));
            assert_close(test.chisq(), f(&t["chisq"]), TOL, &format!("{what} chisq"));
            assert_close(test.p_value(), f(&t["p"]), TOL, &format!("{what} p"));
        }
        for s in g["fh"][set]["survdiff"].as_array().expect("survdiff") {
            let rho = f(&s["rho"]);
            let test = LogRank::new()
                .rho(rho)
                .test(&data, &groups)
                .expect("survdiff");
            let fh = LogRank::new()
                .rho(rho)
                .gamma(0.0)
                .test(&data, &groups)
                .expect("fh");
            assert_close(
                test.chisq(),
                f(&s["chisq"]),
                TOL,
                &format!("{set} survdiff rho={rho}"),
            );
            assert_close(
                fh.z().expect("z").powi(2),
                f(&s["chisq"]),
                1e-12,
                "FH(rho,0)^2 = survdiff",
            );
        }
    }
}

#[test]
fn maxcombo_matches_the_exact_integral() {
    let g = golden();
    for set in ["lung", "mgus", "crossing"] {
        let (data, groups) = two_sample(set);
        let test = MaxCombo::new().test(&data, &groups).expect("maxcombo");
        let r = &g["fh"][set]["maxcombo"];
        let zs = r["z"].as_array().expect("z");
        let names = ["FH(0,0)", "FH(0,1)", "FH(1,0)", "FH(1,1)"];
        for (k, t) in test.tests().iter().enumerate() {
            assert_eq!(t.name, names[k]);
            assert_close(t.z, f(&zs[k]), TOL, &format!("{set} {} z", t.name));
        }
        let corr = r["correlation"].as_array().expect("corr");
        for a in 0..4 {
            for b in 0..4 {
                // R stores the matrix by column
                assert_close(
                    test.correlation()[a][b],
                    f(&corr[b * 4 + a]),
                    TOL,
                    "correlation",
                );
            }
        }
        let p = f(&r["p"]);
        assert!(
            (test.p_value() - p).abs() <= 1e-5 * p.max(1e-3) && (test.p_value() - p).abs() < 1e-9,
            "{set}: MaxCombo p {} vs R {p}",
            test.p_value()
        );
    }
    // algorithms-2.md's lung example
    let (data, groups) = two_sample("lung");
    let p = MaxCombo::new()
        .test(&data, &groups)
        .expect("maxcombo")
        .p_value();
    assert!((p - 0.000983998462).abs() < 1e-11, "{p}");
}

#[test]
fn fh_and_maxcombo_need_two_groups() {
    let data =
        SurvivalData::from_status(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[1.0; 6]).expect("data");
    let three = ["a", "b", "c", "a", "b", "c"];
    assert!(matches!(
        MaxCombo::new().test(&data, &three),
        Err(oncostat::Error::NotTwoGroups { found: 3 })
    ));
    assert!(
        LogRank::new()
            .gamma(1.0)
            .test(&data, &three)
            .expect("k-sample")
            .z()
            .is_none()
    );
    assert!(
        LogRank::new()
            .gamma(-1.0)
            .test(&data, &["a", "b", "a", "b", "a", "b"])
            .is_err()
    );
}

#[test]
fn reverse_km_medians_match_r() {
    let g = golden();
    let cases = [
        ("lung_sex", "lung_full.csv", "time", "status", "sex"),
        ("lung_ecog", "lung_cr.csv", "time", "status", "ph_ecog"),
        ("mgus_sex", "mgus2_cr.csv", "etime", "event", "sex"),
    ];
    for (key, file, time, status, group) in cases {
        let t = Table::read(file);
        let st: Vec<f64> = t
            .col(status)
            .iter()
            .map(|&s| if s != 0.0 { 1.0 } else { 0.0 })
            .collect();
        let data = SurvivalData::from_status(t.col(time), &st).expect("data");
        let labels = text_column(file, group);
        let fu = median_follow_up(&data, Some(&labels)).expect("follow-up");
        let want = g["reverse"][key].as_array().expect("groups");
        assert_eq!(fu.len(), want.len());
        for (mine, r) in fu.iter().zip(want) {
            assert_eq!(mine.group, r["group"].as_str().expect("label"));
            assert_eq!(mine.median, opt(&r["median"]), "{key} median");
            assert_eq!(mine.lower, opt(&r["median_lower"]), "{key} lower");
            assert_eq!(mine.upper, opt(&r["median_upper"]), "{key} upper");
        }
    }
}

#[test]
fn rmst_difference_and_ratio_match_r() {
    let g = golden();
    let cases = [
        ("lung_365", "lung_full.csv", "time", "status", "sex"),
        ("lung_1000", "lung_full.csv", "time", "status", "sex"),
        ("lung_1010", "lung_full.csv", "time", "status", "sex"),
        ("lung_ecog_500", "lung_cr.csv", "time", "status", "ph_ecog"),
        ("mgus_120", "mgus2_cr.csv", "etime", "event", "sex"),
        ("toy_7", "toy_cr.csv", "time", "status", "g"),
        ("toy_5_past", "toy_cr.csv", "time", "status", "g"),
    ];
    for (key, file, time, status, group) in cases {
        let t = Table::read(file);
        let st: Vec<f64> = t
            .col(status)
            .iter()
            .map(|&s| if s != 0.0 { 1.0 } else { 0.0 })
            .collect();
        let data = SurvivalData::from_status(t.col(time), &st).expect("data");
        let labels = text_column(file, group);
        let r = &g["rmst"][key];
        let out = Rmst::new(f(&r["tau"]))
            .compare(&data, &labels)
            .expect("rmst");
        for (mine, want) in out
            .groups()
            .iter()
            .zip(r["groups"].as_array().expect("groups"))
        {
            assert_eq!(mine.group, want["group"].as_str().expect("label"));
            for (a, b, what) in [
                (mine.estimate, &want["rmst"], "rmst"),
                (mine.std_error, &want["se"], "se"),
                (mine.lower, &want["lower"], "lower"),
                (mine.upper, &want["upper"], "upper"),
            ] {
                assert_close(a, f(b), TOL, &format!("{key} {} {what}", mine.group));
            }
        }
        let extended = out.groups().iter().filter(|x| x.extended).count();
        assert_eq!(out.warnings().len(), extended);
        if key == "lung_1010" || key == "toy_5_past" {
            assert_eq!(extended, 1, "{key}: one group extended flat");
        }
        if let Some(d) = out.difference() {
            let w = &r["difference"];
            assert_close(d.estimate, f(&w["estimate"]), TOL, "difference");
            assert_close(d.std_error, f(&w["se"]), TOL, "difference se");
            assert_close(d.lower, f(&w["lower"]), TOL, "difference lower");
            assert_close(d.upper, f(&w["upper"]), TOL, "difference upper");
            assert_close(d.p_value, f(&w["p"]), TOL, "difference p");
            let q = out.ratio().expect("ratio");
            let w = &r["ratio"];
            assert_close(q.estimate, f(&w["estimate"]), TOL, "ratio");
            assert_close(q.lower, f(&w["lower"]), TOL, "ratio lower");
            assert_close(q.upper, f(&w["upper"]), TOL, "ratio upper");
            assert_close(q.p_value, f(&w["p"]), TOL, "ratio p");
        } else {
            assert!(r["difference"].is_null());
        }
    }
}

#[test]
fn rmst_edge_cases_are_errors() {
    let data =
        SurvivalData::from_status(vec![2.0, 3.0, 4.0, 5.0], &[1.0, 1.0, 0.0, 1.0]).expect("data");
    let g = ["a", "b", "a", "b"];
    for tau in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(Rmst::new(tau).compare(&data, &g).is_err(), "tau {tau}");
    }
    assert!(matches!(
        Rmst::new(2.5).compare(&data, &g),
        Err(oncostat::Error::OutsideFollowUp { .. })
    ));
    assert!(Rmst::new(3.0).compare(&data, &g).is_ok());
}

#[test]
fn milestone_difference_matches_r() {
    let g = golden();
    for (key, file, time, status, group) in [
        ("lung_365", "lung_full.csv", "time", "status", "sex"),
        ("mgus_60", "mgus2_cr.csv", "etime", "event", "sex"),
    ] {
        let t = Table::read(file);
        let st: Vec<f64> = t
            .col(status)
            .iter()
            .map(|&s| if s != 0.0 { 1.0 } else { 0.0 })
            .collect();
        let data = SurvivalData::from_status(t.col(time), &st).expect("data");
        let labels = text_column(file, group);
        let r = &g["milestone"][key];
        let m = milestone_difference(&data, &labels, f(&r["time"]), 0.95).expect("milestone");
        for k in 0..2 {
            assert_close(m.survival[k], f(&r["surv"][k]), TOL, "surv");
            assert_close(m.std_error[k], f(&r["se"][k]), TOL, "se");
        }
        assert_close(
            m.difference.estimate,
            f(&r["difference"]),
            TOL,
            "difference",
        );
        assert_close(m.difference.std_error, f(&r["se_difference"]), TOL, "se");
        assert_close(m.difference.lower, f(&r["lower"]), TOL, "lower");
        assert_close(m.difference.upper, f(&r["upper"]), TOL, "upper");
        assert_close(m.difference.p_value, f(&r["p"]), TOL, "p");
    }
}
