//! `analyze cif`, `finegray`, `rmst`, `logrank --fh/--maxcombo` and `km --reverse` against
//! the R goldens of `tests/data/competing_goldens.json` (see `tests/data/R/competing_goldens.R`).

#![allow(clippy::float_cmp)] // exact values: causes, df, iteration counts, integer medians

mod common;

use common::{analyze, analyze_json, assert_close, data};
use serde_json::Value;

const TOL: f64 = 1e-6;

fn golden() -> Value {
    common::json("competing_goldens.json")
}

fn path(name: &str) -> String {
    data(name).display().to_string()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

#[test]
fn cif_json_matches_r() {
    let g = golden();
    let want = &g["cif"]["lung_sex"];
    let at: Vec<String> = want["at"]
        .as_array()
        .expect("at")
        .iter()
        .map(|v| f(v).to_string())
        .collect();
    let out = analyze_json(&[
        "cif",
        "--time",
        "time",
        "--status",
        "cause",
        "--group",
        "sex",
        "--at",
        &at.join(","),
        &path("lung_cr.csv"),
    ]);
    for (mine, w) in out["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .zip(want["groups"].as_array().expect("g"))
    {
        assert_eq!(mine["group"], w["group"]);
        for (mc, wc) in mine["causes"]
            .as_array()
            .expect("c")
            .iter()
            .zip(w["causes"].as_array().expect("c"))
        {
            assert_eq!(f(&mc["cause"]), f(&wc["cause"]));
            let (mp, wp) = (
                mc["cif_at"].as_array().expect("p"),
                wc["cif_at"].as_array().expect("p"),
            );
            assert_eq!(mp.len(), wp.len());
            for (a, b) in mp.iter().zip(wp) {
                for key in ["time", "cif", "se", "lower", "upper"] {
                    if b[key].is_null() {
                        assert!(a[key].is_null(), "{key} should be null");
                    } else {
                        assert_close(f(&a[key]), f(&b[key]), TOL, key);
                    }
                }
            }
        }
    }
    for (a, b) in out["gray"]
        .as_array()
        .expect("gray")
        .iter()
        .zip(want["gray"].as_array().expect("g"))
    {
        assert_eq!(f(&a["cause"]), f(&b["cause"]));
        assert_close(f(&a["stat"]), f(&b["stat"]), TOL, "gray stat");
        assert_close(f(&a["p"]), f(&b["p"]), TOL, "gray p");
        assert_eq!(f(&a["df"]), f(&b["df"]));
    }
}

#[test]
fn finegray_json_matches_crr() {
    let g = golden();
    let want = &g["crr"]["mgus"];
    let out = analyze_json(&[
        "finegray",
        "--time",
        "etime",
        "--status",
        "event",
        "--cause",
        "1",
        "--covariates",
        "agec,male,hgb,creat,mspike",
        &path("mgus2_cr.csv"),
    ]);
    let coefs = out["coefficients"].as_array().expect("coefficients");
    for (j, c) in coefs.iter().enumerate() {
        assert_close(f(&c["coef"]), f(&want["coef"][j]), TOL, "coef");
        assert_close(f(&c["se"]), f(&want["se"][j]), TOL, "se");
        assert_close(f(&c["z"]), f(&want["z"][j]), TOL, "z");
        assert_close(f(&c["p"]), f(&want["p"][j]), TOL, "p");
        assert_close(f(&c["hr"]), f(&want["coef"][j]).exp(), TOL, "hr");
    }
    assert_close(f(&out["loglik"]), f(&want["loglik"]), TOL, "loglik");
    assert_eq!(out["converged"], Value::Bool(true));
    assert_eq!(f(&out["iterations"]), f(&want["iterations"]));
}

#[test]
fn rmst_json_matches_r_and_warns() {
    let g = golden();
    let want = &g["rmst"]["lung_1010"];
    let out = analyze_json(&[
        "rmst",
        "--time",
        "time",
        "--event",
        "status",
        "--group",
        "sex",
        "--tau",
        "1010",
        &path("lung_full.csv"),
    ]);
    for (a, b) in out["groups"]
        .as_array()
        .expect("g")
        .iter()
        .zip(want["groups"].as_array().expect("g"))
    {
        for key in ["rmst", "se", "lower", "upper"] {
            assert_close(f(&a[key]), f(&b[key]), TOL, key);
        }
    }
    for key in ["estimate", "se", "lower", "upper", "p"] {
        assert_close(
            f(&out["difference"][key]),
            f(&want["difference"][key]),
            TOL,
            key,
        );
    }
    for key in ["estimate", "lower", "upper", "p"] {
        assert_close(f(&out["ratio"][key]), f(&want["ratio"][key]), TOL, key);
    }
    assert_eq!(out["warnings"].as_array().expect("warnings").len(), 1);
    let bad = analyze(&[
        "rmst",
        "--time",
        "time",
        "--event",
        "status",
        "--group",
        "sex",
        "--tau",
        "0",
        &path("lung_full.csv"),
    ]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stdout.is_empty() && bad.stderr.starts_with("error: "),
        "{}",
        bad.stderr
    );
}

#[test]
fn logrank_fh_and_maxcombo_json() {
    let g = golden();
    let lung = path("lung_full.csv");
    let out = analyze_json(&[
        "logrank", "--time", "time", "--event", "status", "--group", "sex", "--fh", "0,1", &lung,
    ]);
    assert_close(
        f(&out["z"]),
        f(&g["fh"]["lung"]["tests"][1]["z"]),
        TOL,
        "FH(0,1) z",
    );
    assert_close(
        f(&out["p"]),
        f(&g["fh"]["lung"]["tests"][1]["p"]),
        TOL,
        "FH(0,1) p",
    );
    let out = analyze_json(&[
        "logrank",
        "--time",
        "time",
        "--event",
        "status",
        "--group",
        "sex",
        "--maxcombo",
        &lung,
    ]);
    let tests = out["tests"].as_array().expect("tests");
    assert_eq!(tests[1]["name"], "FH(0,1)");
    for (k, t) in tests.iter().enumerate() {
        assert_close(
            f(&t["z"]),
            f(&g["fh"]["lung"]["maxcombo"]["z"][k]),
            TOL,
            "z",
        );
    }
    assert_eq!(out["correlation"].as_array().expect("corr").len(), 4);
    let p = f(&g["fh"]["lung"]["maxcombo"]["p"]);
    assert!((f(&out["p"]) - p).abs() < 1e-5 * p.max(1e-3));
    let three = analyze(&[
        "logrank",
        "--time",
        "time",
        "--event",
        "status",
        "--group",
        "ph_ecog",
        "--maxcombo",
        &lung,
    ]);
    assert_eq!(three.code, 2, "{}", three.stderr);
    assert!(three.stderr.starts_with("error: ") && three.stdout.is_empty());
}

#[test]
fn km_reverse_json_matches_r() {
    let g = golden();
    let out = analyze_json(&[
        "km",
        "--time",
        "time",
        "--event",
        "status",
        "--group",
        "sex",
        "--reverse",
        &path("lung_full.csv"),
    ]);
    for (a, b) in out["groups"]
        .as_array()
        .expect("g")
        .iter()
        .zip(g["reverse"]["lung_sex"].as_array().expect("g"))
    {
        assert_eq!(a["group"], b["group"]);
        for key in ["median", "median_lower", "median_upper"] {
            assert_eq!(a[key].as_f64(), b[key].as_f64(), "{key}");
        }
    }
}

#[test]
fn bad_competing_input_is_one_error_line() {
    let dir = std::env::temp_dir().join(format!("oncostat_cr_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("bad.csv");
    std::fs::write(&file, "time,status,x\n1,1,0.5\n2,1.5,1\n3,0,2\n").expect("write");
    let file = file.display().to_string();
    let run = analyze(&["cif", "--time", "time", "--status", "status", &file]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("row 2"), "{}", run.stderr);
    let run = analyze(&[
        "finegray",
        "--time",
        "time",
        "--status",
        "status",
        "--cause",
        "3",
        "--covariates",
        "x",
        &path("toy_cr.csv"),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: ") && run.stderr.contains("cause 3"),
        "{}",
        run.stderr
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn help_lists_the_new_options() {
    for (command, options) in [
        (
            "cif",
            &[
                "--time",
                "--status",
                "--group",
                "--at",
                "--plot",
                "--cause-name",
            ][..],
        ),
        (
            "finegray",
            &[
                "--time",
                "--status",
                "--cause",
                "--covariates",
                "--cengroup",
            ],
        ),
        (
            "rmst",
            &["--time", "--event", "--group", "--tau", "--milestone"],
        ),
        ("logrank", &["--fh", "--maxcombo"]),
        ("km", &["--reverse"]),
    ] {
        let run = analyze(&[command, "--help"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        for o in options {
            assert!(
                run.stdout.lines().any(|l| l.trim_start().starts_with(o)),
                "{command} --help lacks {o}"
            );
        }
    }
}
