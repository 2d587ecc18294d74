//! `analyze cox` against every `tests/data/cox_*.json` reference case (R 4.2.2, survival
//! 3.5-3), at each file's tolerance, with `--zph`; and `--robust` / `--cluster` against the
//! robust values of algorithms.md §9.1.

mod common;

use common::{analyze, analyze_json, assert_json_close, data};

/// Keys of the reference files that describe the case rather than R's answer.
const NOT_RESULTS: &[&str] = &[
    "id",
    "model",
    "data",
    "time",
    "event",
    "covariates",
    "strata",
    "weights",
    "ties",
    "tolerance",
];

fn reference_cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(data(""))
        .expect("tests/data")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("cox_") && n.ends_with(".json") && n != "cox_extra.json")
        .collect();
    names.sort();
    names
}

#[test]
fn cox_json_matches_every_reference_case() {
    let cases = reference_cases();
    assert!(cases.len() >= 4, "reference cases missing");
    for name in cases {
        let want = common::json(&name);
        let file = data(want["data"].as_str().expect("data"));
        let covariates: Vec<&str> = want["covariates"]
            .as_array()
            .expect("covariates")
            .iter()
            .map(|c| c.as_str().expect("name"))
            .collect();
        let covariates = covariates.join(",");
        let mut args = vec![
            "cox",
            "--time",
            want["time"].as_str().expect("time"),
            "--event",
            want["event"].as_str().expect("event"),
            "--covariates",
            &covariates,
            "--ties",
            want["ties"].as_str().unwrap_or("efron"),
            "--zph",
        ];
        if let Some(s) = want["strata"].as_str() {
            args.extend(["--strata", s]);
        }
        if let Some(w) = want["weights"].as_str() {
            args.extend(["--weights", w]);
        }
        let file = file.to_str().expect("utf8 path").to_string();
        args.push(&file);
        let got = analyze_json(&args);
        let tol = want["tolerance"].as_f64().expect("tolerance");
        assert_json_close(&got, &want, tol, &name, NOT_RESULTS);
        assert_eq!(got["converged"], true, "{name}");
        assert!(got["fit_seconds"].as_f64().is_some_and(|s| s >= 0.0));
        assert_eq!(got["dropped"], 0, "{name}");
    }
}

#[test]
fn cox_table_output_and_errors() {
    let lung = data("lung.csv");
    let lung = lung.to_str().expect("utf8 path");
    let run = analyze(&[
        "cox",
        "--time",
        "time",
        "--event",
        "status",
        "--covariates",
        "age,sex",
        lung,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("n= 213, number of events= 151"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Likelihood ratio test="),
        "{}",
        run.stdout
    );

    for (args, needle) in [
        (
            vec!["cox", "--time", "time", "--event", "status", lung],
            "--covariates",
        ),
        (
            vec![
                "cox",
                "--time",
                "time",
                "--event",
                "status",
                "--covariates",
                "nope",
                lung,
            ],
            "nope",
        ),
        (
            vec![
                "cox",
                "--time",
                "time",
                "--event",
                "status",
                "--covariates",
                "age",
                "--ties",
                "exact",
                lung,
            ],
            "ties",
        ),
        (
            vec![
                "cox",
                "--time",
                "time",
                "--event",
                "status",
                "--covariates",
                "age",
                "--start",
                "time",
                lung,
            ],
            "is not before stop time",
        ),
        (
            vec![
                "cox",
                "--time",
                "time",
                "--event",
                "status",
                "--covariates",
                "age",
                "--start",
                "age",
                lung,
            ],
            "is not before stop time",
        ),
        (
            vec![
                "cox",
                "--time",
                "time",
                "--event",
                "age",
                "--covariates",
                "sex",
                lung,
            ],
            "event",
        ),
    ] {
        let run = analyze(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
        assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"));
    }
}

#[test]
fn cox_without_events_is_a_clean_error() {
    let dir = std::env::temp_dir().join(format!("oncostat-cox-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let csv = dir.join("censored.csv");
    std::fs::write(&csv, "t,e,x\n1,0,1\n2,0,2\n3,0,NA\n").expect("write");
    let run = analyze(&[
        "cox",
        "--time",
        "t",
        "--event",
        "e",
        "--covariates",
        "x",
        csv.to_str().expect("utf8"),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no events"), "{}", run.stderr);
}

#[test]
fn cox_robust_and_cluster_match_r() {
    // algorithms.md §9.1 (R 4.2.2, survival 3.5-3): lung (all 228 rows) ~ age + sex
    let lung = data("lung_full.csv");
    let csv = lung.to_str().expect("utf8 path");
    let base = [
        "cox",
        "--time",
        "time",
        "--event",
        "status",
        "--covariates",
        "age,sex",
    ];

    let mut args = base.to_vec();
    args.extend(["--robust", csv]);
    let got = analyze_json(&args);
    let c = &got["coefficients"];
    common::assert_close(
        c[0]["robust_se"].as_f64().expect("se"),
        0.00950463812360186,
        1e-6,
        "robust se age",
    );
    common::assert_close(
        c[1]["robust_se"].as_f64().expect("se"),
        0.160174167834172,
        1e-6,
        "robust se sex",
    );
    common::assert_close(
        c[1]["se"].as_f64().expect("se"),
        0.167457962355768,
        1e-6,
        "naive se sex",
    );
    common::assert_close(
        got["wald_test"]["stat"].as_f64().expect("wald"),
        13.5888691607134,
        1e-6,
        "robust wald",
    );
    common::assert_close(
        got["robust_score_test"]["stat"].as_f64().expect("score"),
        13.2424375882431,
        1e-6,
        "robust score",
    );

    let mut args = base.to_vec();
    args.extend(["--cluster", "inst", csv]);
    let got = analyze_json(&args);
    assert_eq!(got["n"], 227);
    assert_eq!(got["dropped"], 1);
    let c = &got["coefficients"];
    common::assert_close(
        c[0]["robust_se"].as_f64().expect("se"),
        0.00732739307379045,
        1e-6,
        "cluster se age",
    );
    common::assert_close(
        c[1]["robust_se"].as_f64().expect("se"),
        0.128230601685246,
        1e-6,
        "cluster se sex",
    );
    common::assert_close(
        got["wald_test"]["stat"].as_f64().expect("wald"),
        26.1224733934855,
        1e-6,
        "cluster wald",
    );
}
