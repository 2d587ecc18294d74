//! `analyze cox --firth` against the Firth Cox reference cases `tests/data/firth_cox_*.json`
//! (coxphf values; see each file's `provenance`), at each file's tolerance.

mod common;

use common::{analyze, analyze_json, assert_json_close, data};

/// Keys of the reference files that describe the case rather than the answer.
const NOT_RESULTS: &[&str] = &[
    "id",
    "provenance",
    "data",
    "time",
    "event",
    "covariates",
    "tolerance",
];

#[test]
fn firth_json_matches_reference_cases() {
    for name in ["firth_cox_breast.json", "firth_cox_separation.json"] {
        let want = common::json(name);
        let file = data(want["data"].as_str().expect("data"));
        let covariates: Vec<&str> = want["covariates"]
            .as_array()
            .expect("covariates")
            .iter()
            .map(|c| c.as_str().expect("name"))
            .collect();
        let covariates = covariates.join(",");
        let file = file.to_str().expect("utf8 path").to_string();
        let got = analyze_json(&[
            "cox",
            "--firth",
            "--time",
            want["time"].as_str().expect("time"),
            "--event",
            want["event"].as_str().expect("event"),
            "--covariates",
            &covariates,
            &file,
        ]);
        let tol = want["tolerance"].as_f64().expect("tolerance");
        assert_json_close(&got, &want, tol, name, NOT_RESULTS);
        assert_eq!(got["converged"], true, "{name}");
        assert_eq!(got["dropped"], 0, "{name}");
        assert!(got["fit_seconds"].as_f64().is_some_and(|s| s >= 0.0));
        for c in got["coefficients"].as_array().expect("coefficients") {
            let (lo, b, hi) = (c["lower"].as_f64(), c["coef"].as_f64(), c["upper"].as_f64());
            assert!(lo < b && b < hi, "{name}: {c}");
        }
    }
}

#[test]
fn firth_table_output_and_errors() {
    let breast = data("breast.csv");
    let breast = breast.to_str().expect("utf8 path");
    let base = [
        "cox",
        "--firth",
        "--time",
        "TIME",
        "--event",
        "CENS",
        "--covariates",
        "T,N,G,CD",
    ];
    let mut args = base.to_vec();
    args.push(breast);
    let run = analyze(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Profile penalized likelihood"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("n= 100, number of events= 26"),
        "{}",
        run.stdout
    );

    for (extra, needle) in [
        (vec!["--ties", "efron"], "Breslow"),
        (vec!["--robust"], "--robust"),
        (vec!["--zph"], "--zph"),
    ] {
        let mut args = base.to_vec();
        args.extend(extra);
        args.push(breast);
        let run = analyze(&args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stdout.is_empty());
        assert!(
            run.stderr.starts_with("error: ") && run.stderr.contains(needle),
            "{}",
            run.stderr
        );
    }
    // a constant covariate is a named error, not a panic
    let lung = data("lung.csv");
    let run = analyze(&[
        "cox",
        "--firth",
        "--time",
        "time",
        "--event",
        "status",
        "--covariates",
        "age,age",
        lung.to_str().expect("utf8 path"),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
}
