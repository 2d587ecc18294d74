//! Bounded resources and one set of flags (issue 19): a comparison of groups caps the number
//! of groups (1,000: its variance matrix is groups × groups), a formula factor caps its
//! levels (1,000 design columns), the CLI names the column; every model command's JSON has
//! the same flags (`converged`, `separation`, `warnings`, `aliased` per coefficient).

mod common;

use std::path::PathBuf;

use common::{analyze, analyze_json, data};
use oncostat::{Error, GrayTest, LogRank, SurvivalData};
use serde_json::Value;

/// A survival CSV with one group per row (`id`, as an identifier column) in the temp dir.
fn id_file(n: usize) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "oncostat_resource_caps_{}_{n}.csv",
        std::process::id()
    ));
    let mut text = String::from("time,status,x,id\n");
    for i in 0..n {
        text.push_str(&format!(
            "{},{},{},p{i}\n",
            1 + i % 97,
            i % 3 != 0,
            (i % 7) as f64 * 0.5
        ));
    }
    let text = text.replace("true", "1").replace("false", "0");
    std::fs::write(&path, text).expect("write temp CSV");
    path
}

#[test]
fn log_rank_and_gray_cap_the_number_of_groups() {
    let n = 1001;
    let time: Vec<f64> = (0..n).map(|i| 1.0 + (i % 50) as f64).collect();
    let status: Vec<f64> = (0..n).map(|i| f64::from(i % 2 == 0)).collect();
    let data = SurvivalData::from_status(time.clone(), &status).expect("data");
    let ids: Vec<usize> = (0..n).collect();
    let err = LogRank::new().test(&data, &ids).unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooManyGroups {
                found: 1001,
                max: 1000
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("identifier"), "{err}");
    // below the cap: an answer
    let few: Vec<usize> = (0..n).map(|i| i % 40).collect();
    assert!(LogRank::new().test(&data, &few).is_ok());
    let cr = oncostat::CompetingRisksData::new(time, &status).expect("cr");
    let err = GrayTest::new().test(&cr, &ids).unwrap_err();
    assert!(matches!(err, Error::TooManyGroups { .. }), "{err}");
}

#[test]
fn cli_names_the_column_with_too_many_groups_or_levels() {
    let file = id_file(1500);
    let f = file.to_str().expect("utf8");
    let run = analyze(&[
        "logrank", "--time", "time", "--event", "status", "--group", "id", f,
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("error: ")
            && run.stderr.contains("column `id`")
            && run.stderr.contains("1500 distinct groups")
            && run.stderr.contains("at most 1000"),
        "{}",
        run.stderr
    );
    let run = analyze(&["cox", "--formula", "Surv(time, status) ~ x + factor(id)", f]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("1500 levels") && run.stderr.contains("at most 1000"),
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_file(&file);
}

/// The shared flags of a model's JSON.
fn assert_flags(out: &Value, what: &str) {
    assert!(out["converged"].is_boolean(), "{what}: converged");
    assert!(
        out["separation"].is_null() || out["separation"].is_array(),
        "{what}: separation"
    );
    assert!(out["warnings"].is_array(), "{what}: warnings");
    for c in out["coefficients"].as_array().expect("coefficients") {
        assert!(c["aliased"].is_boolean(), "{what}: aliased in {c}");
    }
}

#[test]
fn every_model_json_has_the_same_flags() {
    let lung = data("lung.csv");
    let lung = lung.to_str().expect("utf8");
    let infert = data("infert.csv");
    let infert = infert.to_str().expect("utf8");
    let mgus = data("mgus2_cr.csv");
    let mgus = mgus.to_str().expect("utf8");
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "cox",
            vec![
                "cox",
                "--time",
                "time",
                "--event",
                "status",
                "--covariates",
                "age,sex",
                lung,
            ],
        ),
        (
            "cox --firth",
            vec![
                "cox",
                "--firth",
                "--time",
                "time",
                "--event",
                "status",
                "--covariates",
                "age,sex",
                lung,
            ],
        ),
        (
            "cox --formula",
            vec!["cox", "--formula", "Surv(time, status) ~ age + sex", lung],
        ),
        (
            "logistic",
            vec![
                "logistic",
                "--response",
                "case",
                "--covariates",
                "age,spontaneous",
                infert,
            ],
        ),
        (
            "logistic --firth",
            vec![
                "logistic",
                "--firth",
                "--response",
                "case",
                "--covariates",
                "age,spontaneous",
                infert,
            ],
        ),
        (
            "logistic --formula",
            vec!["logistic", "--formula", "case ~ age + spontaneous", infert],
        ),
        (
            "survreg",
            vec![
                "survreg",
                "--time",
                "time",
                "--event",
                "status",
                "--covariates",
                "age",
                lung,
            ],
        ),
        (
            "finegray",
            vec![
                "finegray",
                "--time",
                "etime",
                "--status",
                "event",
                "--cause",
                "1",
                "--covariates",
                "agec,male",
                mgus,
            ],
        ),
    ];
    for (what, args) in cases {
        let out = analyze_json(&args);
        assert_flags(&out, what);
        assert_eq!(out["converged"], Value::Bool(true), "{what}");
        assert!(out["separation"].is_null(), "{what}");
        assert_eq!(out["warnings"], serde_json::json!([]), "{what}");
    }
}

#[test]
fn flags_report_separation_and_aliasing() {
    // x > 5 separates y completely; z is noise (dropping z in the LR test leaves a
    // separated reduced model, which used to be a `singular matrix` error)
    let sep = std::env::temp_dir().join(format!("oncostat_sep_{}.csv", std::process::id()));
    let mut text = String::from("y,x,z\n");
    for (i, z) in [0.3, 1.1, 0.2, 0.9, 0.5, 0.7, 0.1, 0.8, 0.4, 0.6]
        .iter()
        .enumerate()
    {
        text.push_str(&format!("{},{},{z}\n", i32::from(i >= 5), i + 1));
    }
    std::fs::write(&sep, text).expect("write");
    let out = analyze_json(&[
        "logistic",
        "--response",
        "y",
        "--covariates",
        "x,z",
        sep.to_str().expect("utf8"),
    ]);
    let _ = std::fs::remove_file(&sep);
    assert_flags(&out, "separation");
    assert_eq!(out["converged"], Value::Bool(false));
    assert!(
        out["separation"].as_array().is_some_and(|s| !s.is_empty()),
        "{out}"
    );
    let warnings = out["warnings"].as_array().expect("warnings");
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().is_some_and(|w| w.contains("separation"))),
        "{out}"
    );
    // an aliased column: the same covariate twice under another name
    let file = std::env::temp_dir().join(format!("oncostat_flags_{}.csv", std::process::id()));
    let mut text = String::from("y,a,b\n");
    for i in 0..20 {
        let a = (i * 7 % 11) as f64;
        text.push_str(&format!(
            "{},{a},{}\n",
            i32::from(a + (i % 3) as f64 > 6.0),
            2.0 * a
        ));
    }
    std::fs::write(&file, text).expect("write");
    let out = analyze_json(&[
        "logistic",
        "--response",
        "y",
        "--covariates",
        "a,b",
        file.to_str().expect("utf8"),
    ]);
    assert_flags(&out, "aliased");
    let coefs = out["coefficients"].as_array().expect("coefficients");
    assert_eq!(coefs[2]["name"], "b");
    assert_eq!(coefs[2]["aliased"], Value::Bool(true));
    assert_eq!(coefs[1]["aliased"], Value::Bool(false));
    assert!(
        out["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .any(|w| w.as_str().is_some_and(|w| w.contains("singularities: b"))),
        "{out}"
    );
    let _ = std::fs::remove_file(&file);
}
