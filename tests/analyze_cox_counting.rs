//! `analyze cox --start COL` (counting-process `(start, stop]` data) against R: the reference
//! case `tests/data/counting_cox_heart_cli.json` (R 4.2.2, survival 3.5-3, written by
//! `tests/data/make_counting_cox.R`: `coxph(Surv(start, stop, event) ~ age + year + surgery +
//! transplant, heart, cluster = id)` with `cox.zph`), at the file's tolerance; and the refusals.

mod common;

use common::{analyze, analyze_json, assert_json_close, data};

/// Keys of the reference file that describe the case rather than R's answer.
const NOT_RESULTS: &[&str] = &[
    "id",
    "model",
    "data",
    "start",
    "time",
    "event",
    "covariates",
    "cluster",
    "ties",
    "tolerance",
    "provenance",
];

#[test]
fn counting_process_json_matches_r() {
    let want = common::json("counting_cox_heart_cli.json");
    let file = data(want["data"].as_str().expect("data"));
    let file = file.to_str().expect("utf8 path");
    let covariates: Vec<&str> = want["covariates"]
        .as_array()
        .expect("covariates")
        .iter()
        .map(|c| c.as_str().expect("name"))
        .collect();
    let covariates = covariates.join(",");
    let got = analyze_json(&[
        "cox",
        "--start",
        want["start"].as_str().expect("start"),
        "--time",
        want["time"].as_str().expect("time"),
        "--event",
        want["event"].as_str().expect("event"),
        "--covariates",
        &covariates,
        "--cluster",
        want["cluster"].as_str().expect("cluster"),
        "--ties",
        want["ties"].as_str().expect("ties"),
        "--zph",
        file,
    ]);
    let tol = want["tolerance"].as_f64().expect("tolerance");
    assert_json_close(&got, &want, tol, "heart", NOT_RESULTS);
    assert_eq!(got["converged"], true);
    assert_eq!(got["dropped"], 0);
}

#[test]
fn counting_process_refusals_exit_2() {
    let heart = data("heart.csv");
    let heart = heart.to_str().expect("utf8 path");
    // --firth (coxphf) has no counting-process form
    let run = analyze(&[
        "cox",
        "--start",
        "start",
        "--time",
        "stop",
        "--event",
        "event",
        "--covariates",
        "age",
        "--firth",
        heart,
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(run.stderr.contains("--start"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    // start >= stop names the row
    let run = analyze(&[
        "cox",
        "--start",
        "stop",
        "--time",
        "start",
        "--event",
        "event",
        "--covariates",
        "age",
        heart,
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("row 1"), "{}", run.stderr);
}
