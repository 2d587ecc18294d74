//! The `analyze logistic` command against R's reference JSON files (`tests/data`).
//! Run with `cargo test --all-targets` (the example binary must be built).

mod common;

use common::{analyze, analyze_json, assert_close, assert_json_close, data, json};

fn path(name: &str) -> String {
    data(name).to_str().expect("utf8 path").to_string()
}

#[test]
fn ml_profile_matches_glm_exact_roots() {
    let reference = json("logit_infert.json");
    let tol = reference["tolerance"].as_f64().expect("tolerance");
    let out = analyze_json(&[
        "logistic",
        "--response",
        "case",
        "--covariates",
        "age,parity,spontaneous,induced",
        &path("infert.csv"),
    ]);
    assert_json_close(
        &out["coefficients"],
        &reference["coefficients"],
        tol,
        "coefficients",
        &[],
    );
    assert_close(
        out["loglik"].as_f64().expect("loglik"),
        reference["loglik"].as_f64().expect("loglik"),
        tol,
        "loglik",
    );
    assert_eq!(out["n"], reference["n"]);
    assert_eq!(out["converged"], true);
}

#[test]
fn firth_matches_brglm2_and_logistf_profile() {
    let file = path("endometrial.csv");
    let args = [
        "logistic",
        "--response",
        "HG",
        "--covariates",
        "NV,PI,EH",
        "--firth",
        file.as_str(),
    ];
    let out = analyze_json(&args);
    let se_ref = json("firth_endometrial.json");
    assert_json_close(
        &out["coefficients"],
        &se_ref["coefficients"],
        se_ref["tolerance"].as_f64().expect("tolerance"),
        "coefficients",
        &[],
    );
    assert_close(
        out["loglik"].as_f64().expect("loglik"),
        se_ref["loglik"].as_f64().expect("loglik"),
        1e-6,
        "loglik",
    );
    let pl_ref = json("firth_endometrial_pl.json");
    let tol = pl_ref["tolerance"].as_f64().expect("tolerance");
    for row in pl_ref["coefficients"].as_array().expect("rows") {
        let name = row["name"].as_str().expect("name");
        let mine = out["coefficients"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["name"] == name)
            .expect("coefficient present");
        assert_json_close(mine, row, tol, name, &[]);
    }
    assert_close(
        out["penalized_loglik"].as_f64().expect("penalized"),
        pl_ref["penalized_loglik"].as_f64().expect("penalized"),
        tol,
        "penalized_loglik",
    );
}

#[test]
fn wald_option_and_text_output() {
    let file = path("infert.csv");
    let out = analyze_json(&[
        "logistic",
        "--response",
        "case",
        "--covariates",
        "age,parity",
        "--ci",
        "wald",
        &file,
    ]);
    let c = &out["coefficients"][1];
    let (b, se) = (
        c["coef"].as_f64().expect("coef"),
        c["se"].as_f64().expect("se"),
    );
    assert_close(
        c["lower"].as_f64().expect("lower"),
        b - 1.959963984540054 * se,
        1e-12,
        "wald lower",
    );
    let run = analyze(&[
        "logistic",
        "--response",
        "case",
        "--covariates",
        "age,parity",
        &file,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("parity"));
}

#[test]
fn bad_input_is_a_one_line_error() {
    let file = path("infert.csv");
    let run = analyze(&[
        "logistic",
        "--response",
        "age",
        "--covariates",
        "parity",
        &file,
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    let run = analyze(&[
        "logistic",
        "--response",
        "case",
        "--covariates",
        "nope",
        &file,
    ]);
    assert_eq!(run.code, 2);
    let run = analyze(&[
        "logistic",
        "--response",
        "case",
        "--covariates",
        "age",
        "--ci",
        "exact",
        &file,
    ]);
    assert_eq!(run.code, 2);
}
