//! `analyze km` and `analyze logrank` against R's reference JSON (R 4.2.2, survival 3.5-3).
//! Run with `cargo test --all-targets` (the example binary must be built).
#![allow(clippy::float_cmp)] // exact values: counts, times, R's integer medians and 0/1

mod common;

use common::{analyze, analyze_json, assert_close, assert_json_close, data, json};

fn path(name: &str) -> String {
    data(name).to_str().expect("utf8 path").to_string()
}

#[test]
fn km_lung_sex_matches_r() {
    let r = json("km_lung_sex.json");
    let tol = r["tolerance"].as_f64().expect("tolerance");
    let times: Vec<String> = r["groups"][0]["surv_at"]
        .as_array()
        .expect("surv_at")
        .iter()
        .map(|a| a["time"].to_string())
        .collect();
    let at = times.join(",");
    let file = path(r["data"].as_str().expect("data"));
    let out = analyze_json(&[
        "km",
        "--time",
        r["time"].as_str().expect("time"),
        "--event",
        r["event"].as_str().expect("event"),
        "--group",
        r["group"].as_str().expect("group"),
        "--conf-type",
        r["conf_type"].as_str().expect("conf_type"),
        "--at",
        &at,
        &file,
    ]);
    assert_json_close(&out["groups"], &r["groups"], tol, "groups", &[]);
    assert_eq!(out["dropped"], 0);
    assert!(out["fit_seconds"].as_f64().expect("fit_seconds") >= 0.0);
}

#[test]
fn logrank_lung_sex_matches_r() {
    for file in ["logrank_lung_sex.json", "logrank_lung_sex_peto.json"] {
        let r = json(file);
        let tol = r["tolerance"].as_f64().expect("tolerance");
        let rho = r["rho"].to_string();
        let csv = path(r["data"].as_str().expect("data"));
        let out = analyze_json(&[
            "logrank",
            "--time",
            r["time"].as_str().expect("time"),
            "--event",
            r["event"].as_str().expect("event"),
            "--group",
            r["group"].as_str().expect("group"),
            "--rho",
            &rho,
            &csv,
        ]);
        for key in ["groups", "observed", "expected", "chisq", "df", "p"] {
            assert_json_close(&out[key], &r[key], tol, &format!("{file}: {key}"), &[]);
        }
    }
}

#[test]
fn logrank_strata_and_four_groups() {
    // survdiff(Surv(time, status) ~ sex + strata(ph.ecog), lung): 10.7950596334964
    let lung = path("lung_full.csv");
    let args = [
        "logrank", "--time", "time", "--event", "status", "--group", "sex",
    ];
    let mut with_strata = args.to_vec();
    with_strata.extend(["--strata", "ph_ecog", lung.as_str()]);
    let out = analyze_json(&with_strata);
    assert_close(
        out["chisq"].as_f64().expect("chisq"),
        10.7950596334964,
        1e-6,
        "stratified chisq",
    );
    assert_eq!(out["dropped"], 1);
    let out = analyze_json(&[
        "logrank", "--time", "time", "--event", "status", "--group", "ph_ecog", &lung,
    ]);
    assert_close(
        out["chisq"].as_f64().expect("chisq"),
        21.962131682476,
        1e-6,
        "ph.ecog chisq",
    );
    assert_eq!(out["df"], 3);
    assert_eq!(out["groups"], serde_json::json!(["0", "1", "2", "3"]));
}

#[test]
fn km_pooled_text_and_nulls() {
    // aml: the Nonmaintained curve ends at S = 0, whose se and bounds are NA → null.
    let aml = path("aml.csv");
    let out = analyze_json(&[
        "km", "--time", "time", "--event", "status", "--group", "x", "--at", "45", &aml,
    ]);
    let groups = out["groups"].as_array().expect("groups");
    assert_eq!(groups[0]["group"], "Maintained");
    assert_eq!(groups[0]["median"], 31.0);
    assert!(groups[0]["median_upper"].is_null());
    let last = &groups[1]["surv_at"][0];
    assert_eq!(last["surv"], 0.0);
    assert!(last["se"].is_null() && last["lower"].is_null() && last["upper"].is_null());

    let run = analyze(&["km", "--time", "time", "--event", "status", &aml]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["all", "23", "18", "27", "18", "45"]
    );
}

#[test]
fn bad_input_exits_2() {
    let lung = path("lung.csv");
    for (args, needle) in [
        (
            vec!["logrank", "--time", "time", "--event", "status", &lung],
            "--group",
        ),
        (
            vec![
                "km", "--time", "time", "--event", "status", "--at", "1,x", &lung,
            ],
            "--at",
        ),
        (
            vec![
                "km",
                "--time",
                "time",
                "--event",
                "status",
                "--conf-type",
                "logit",
                &lung,
            ],
            "--conf-type",
        ),
        (
            vec![
                "logrank", "--time", "time", "--event", "status", "--group", "status", "--rho",
                "x", &lung,
            ],
            "--rho",
        ),
    ] {
        let run = analyze(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
        assert!(
            run.stderr.starts_with("error: ") && run.stderr.contains(needle),
            "{args:?}: {}",
            run.stderr
        );
    }
    // a single group is a named library error, reported with the file name
    let one = std::env::temp_dir().join(format!("oncostat-km-{}.csv", std::process::id()));
    std::fs::write(&one, "t,e,g\n1,1,a\n2,0,a\n3,1,a\n").expect("write");
    let run = analyze(&[
        "logrank",
        "--time",
        "t",
        "--event",
        "e",
        "--group",
        "g",
        one.to_str().expect("path"),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("at least 2 groups"), "{}", run.stderr);
}
