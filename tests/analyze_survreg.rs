//! `analyze survreg` against R (the cases of `tests/data/survreg_goldens.json` that the
//! command line can express), and its bad-input contract.

mod common;

use common::{analyze, analyze_json, assert_close, data};
use serde_json::Value;

const TOL: f64 = 1e-6;

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn case<'a>(golden: &'a Value, name: &str) -> &'a Value {
    golden["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

/// Runs the command line on a golden case and compares every contract key with R.
fn check(name: &str) {
    let golden = common::json("survreg_goldens.json");
    let c = case(&golden, name);
    let file = data(c["file"].as_str().expect("file"));
    let covs: Vec<String> = c["covariates"]
        .as_array()
        .expect("covs")
        .iter()
        .map(|s| s.as_str().expect("str").to_string())
        .collect();
    let covs = covs.join(",");
    let mut args: Vec<String> = vec![
        "survreg".into(),
        "--time".into(),
        c["time"].as_str().expect("time").into(),
        "--event".into(),
        c["status"].as_str().expect("status").into(),
        "--dist".into(),
        c["dist"].as_str().expect("dist").into(),
    ];
    if !covs.is_empty() {
        args.extend(["--covariates".into(), covs]);
    }
    for (key, opt) in [
        ("strata", "--strata"),
        ("weights", "--weights"),
        ("offset", "--offset"),
    ] {
        if let Some(v) = c[key].as_str() {
            args.extend([opt.into(), v.into()]);
        }
    }
    let scale = nums(&c["scale"])[0];
    if scale > 0.0 && c["dist"] != "exponential" {
        args.extend(["--scale".into(), scale.to_string()]);
    }
    args.push(file.display().to_string());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = analyze_json(&refs);
    let rows: Vec<String> = c["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r.as_str().expect("row").replace("ph.ecog", "ph_ecog"))
        .collect();
    let coefs = out["coefficients"].as_array().expect("coefficients");
    assert_eq!(coefs.len(), rows.len(), "{name}: rows");
    for (k, key) in [("coef", "coef"), ("se", "se"), ("z", "z"), ("p", "p")] {
        let want = nums(&c[k]);
        for (j, row) in coefs.iter().enumerate() {
            assert_eq!(
                row["name"].as_str(),
                Some(rows[j].as_str()),
                "{name}: name {j}"
            );
            assert_close(
                row[key].as_f64().expect("number"),
                want[j],
                TOL,
                &format!("{name}: {key} {j}"),
            );
        }
    }
    for (j, s) in nums(&c["scales"]).iter().enumerate() {
        assert_close(out["scale"][j].as_f64().expect("scale"), *s, TOL, name);
    }
    assert_close(
        out["loglik"].as_f64().expect("ll"),
        nums(&c["loglik"])[0],
        TOL,
        name,
    );
    assert_close(
        out["loglik_null"].as_f64().expect("ll0"),
        nums(&c["loglik_null"])[0],
        TOL,
        name,
    );
    assert_close(
        out["chisq"].as_f64().expect("chisq"),
        nums(&c["chisq"])[0],
        TOL,
        name,
    );
    assert_eq!(
        out["df"].as_u64(),
        Some(nums(&c["df"])[0] as u64),
        "{name}: df"
    );
    if nums(&c["df"])[0] > 0.0 {
        assert_close(
            out["p"].as_f64().expect("p"),
            nums(&c["lr_p"])[0],
            TOL,
            name,
        );
    }
    assert_eq!(
        out["iterations"].as_u64(),
        Some(nums(&c["iter"])[0] as u64),
        "{name}: iterations"
    );
    assert_eq!(out["converged"], Value::Bool(true));
    assert_close(
        out["aic"].as_f64().expect("aic"),
        nums(&c["aic"])[0],
        TOL,
        name,
    );
    assert_eq!(out["n"].as_u64(), Some(nums(&c["n"])[0] as u64));
    assert!(out["fit_seconds"].as_f64().is_some());
}

#[test]
fn lung_fits_match_r() {
    for name in [
        "lung weibull",
        "lung exponential",
        "lung lognormal",
        "lung loglogistic",
        "lung weibull ph.ecog",
        "lung weibull strata",
        "lung loglogistic strata 3",
        "lung weibull integer weights",
        "lung loglogistic fractional weights",
        "lung weibull offset",
        "lung lognormal weights offset strata",
        "lung weibull scale 0.7",
        "lung weibull intercept only",
        "lung gaussian",
    ] {
        check(name);
    }
}

#[test]
fn ovarian_and_simulated_fits_match_r() {
    for name in [
        "ovarian weibull",
        "ovarian lognormal",
        "ovarian loglogistic",
        "ovarian weibull strata",
        "sim1 weibull",
        "sim3 lognormal",
    ] {
        check(name);
    }
}

#[test]
fn dropped_rows_and_prediction_keys() {
    let file = data("survreg_lung.csv");
    let file = file.display().to_string();
    let out = analyze_json(&[
        "survreg",
        "--time",
        "time",
        "--event",
        "status",
        "--covariates",
        "age,ph_ecog",
        "--profile",
        "age=60",
        "--quantiles",
        "0.5",
        "--at",
        "100,2000",
        "--tau",
        "3000",
        &file,
    ]);
    assert_eq!(out["dropped"].as_u64(), Some(1));
    assert_eq!(out["n"].as_u64(), Some(227));
    let pred = &out["prediction"];
    assert_eq!(pred["profile"]["age"].as_f64(), Some(60.0));
    assert_eq!(pred["quantiles"].as_array().map(Vec::len), Some(1));
    let s = pred["surv_at"].as_array().expect("surv_at");
    assert_eq!(s.len(), 2);
    assert!(s[1]["surv"].as_f64().expect("surv") < s[0]["surv"].as_f64().expect("surv"));
    assert!(pred["rmst"].as_f64().expect("rmst") < 3000.0);
    assert!(out["hazard_ratios"].as_array().is_some());
    // log-normal has no PH form
    let ln = analyze_json(&[
        "survreg",
        "--time",
        "time",
        "--event",
        "status",
        "--covariates",
        "age",
        "--dist",
        "lognormal",
        &file,
    ]);
    assert!(ln["hazard_ratios"].is_null());
}

#[test]
fn bad_input_is_one_error_line() {
    let dir = std::env::temp_dir().join(format!("oncostat_survreg_cli_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let zero = dir.join("zero.csv");
    // row 1 is dropped (missing x), so the zero time is library row 1 but file row 3
    std::fs::write(&zero, "t,e,x\n4,1,NA\n5,1,0\n0,1,1\n8,0,1\n3,1,0\n").expect("write");
    let zero = zero.display().to_string();
    let r = analyze(&[
        "survreg",
        "--time",
        "t",
        "--event",
        "e",
        "--covariates",
        "x",
        &zero,
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("error: ") && r.stderr.contains("row 3"),
        "{}",
        r.stderr
    );
    // the Gaussian on time itself accepts 0
    let ok = analyze(&[
        "survreg", "--time", "t", "--event", "e", "--dist", "gaussian", &zero,
    ]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    for args in [
        vec![
            "survreg", "--time", "t", "--event", "e", "--dist", "gamma", &zero,
        ],
        vec![
            "survreg",
            "--time",
            "t",
            "--event",
            "e",
            "--covariates",
            "nope",
            &zero,
        ],
        vec![
            "survreg",
            "--time",
            "t",
            "--event",
            "e",
            "--profile",
            "y=1",
            "--covariates",
            "x",
            &zero,
        ],
        vec![
            "survreg",
            "--time",
            "t",
            "--event",
            "e",
            "--dist",
            "exponential",
            "--strata",
            "x",
            &zero,
        ],
    ] {
        let r = analyze(&args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stdout.is_empty(), "{args:?}");
        assert_eq!(r.stderr.lines().count(), 1, "{args:?}: {}", r.stderr);
        assert!(r.stderr.starts_with("error: "), "{args:?}: {}", r.stderr);
    }
    let help = analyze(&["survreg", "--help"]);
    assert_eq!(help.code, 0);
    for opt in [
        "--dist",
        "--strata",
        "--weights",
        "--offset",
        "--scale",
        "--profile",
        "--at",
    ] {
        assert!(help.stdout.contains(opt), "{opt}");
    }
}
