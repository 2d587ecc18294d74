//! `analyze cox|logistic --formula` against R (`tests/data/formula_goldens.json`): names,
//! coefficients, `dropped`, `terms` (joint Wald and drop1 LR) and `--zph` per term.

mod common;

use common::{analyze, analyze_json, assert_close, data, json};
use serde_json::Value;

const TOL: f64 = 1e-6;

fn case<'a>(g: &'a Value, group: &str, name: &str) -> &'a Value {
    g[group]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no case {name}"))
}

fn check_terms(out: &Value, case: &Value) {
    let terms = out["terms"].as_array().expect("terms");
    let wald: Vec<&Value> = case["wald"]
        .as_array()
        .expect("wald")
        .iter()
        .filter(|w| !w["term"].as_str().unwrap_or("").starts_with("strata("))
        .filter(|w| !w["term"].as_str().unwrap_or("").starts_with("cluster("))
        .collect();
    assert_eq!(terms.len(), wald.len());
    for (t, w) in terms.iter().zip(wald) {
        assert_eq!(t["name"], w["term"]);
        assert_eq!(t["df"], w["df"]);
        assert_close(
            t["wald_chisq"].as_f64().unwrap_or(f64::NAN),
            w["chisq"].as_f64().unwrap_or(f64::NAN),
            TOL,
            "wald",
        );
        let d = case["drop1"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["term"] == t["name"]));
        match d {
            Some(d) => assert_close(
                t["lr_chisq"].as_f64().unwrap_or(f64::NAN),
                d["chisq"].as_f64().unwrap_or(f64::NAN),
                TOL,
                "lr",
            ),
            None => assert!(t["lr_chisq"].is_null(), "{t}"),
        }
    }
}

#[test]
fn cox_formula_matches_r() {
    let g = json("formula_goldens.json");
    let file = data("lung_formula.csv");
    let file = file.to_str().expect("path");
    for name in [
        "factors",
        "interaction_star",
        "strata_cluster_na",
        "interaction_no_margin",
    ] {
        let c = case(&g, "cox", name);
        let out = analyze_json(&[
            "cox",
            "--formula",
            c["formula"].as_str().unwrap_or(""),
            "--zph",
            file,
        ]);
        assert_eq!(out["dropped"], c["dropped"], "{name}");
        assert_eq!(out["n"], c["n"], "{name}");
        let coefs = out["coefficients"].as_array().expect("coefficients");
        for (o, r) in coefs
            .iter()
            .zip(c["coefficients"].as_array().expect("coefficients"))
        {
            assert_eq!(o["name"], r["name"], "{name}");
            assert_close(
                o["coef"].as_f64().unwrap_or(f64::NAN),
                r["coef"].as_f64().unwrap_or(f64::NAN),
                TOL,
                name,
            );
        }
        check_terms(&out, c);
        let zph = out["zph"].as_array().expect("zph");
        for (o, r) in zph.iter().zip(c["zph"].as_array().expect("zph")) {
            assert_eq!(o["name"], r["name"]);
            assert_close(
                o["chisq"].as_f64().unwrap_or(f64::NAN),
                r["chisq"].as_f64().unwrap_or(f64::NAN),
                TOL,
                "zph",
            );
        }
    }
    // --reference: R's relevel(factor(grp), ref = "a")
    let c = case(&g, "cox", "relevel");
    let out = analyze_json(&[
        "cox",
        "--formula",
        "Surv(time, status) ~ age + grp",
        "--reference",
        "grp=a",
        file,
    ]);
    let names: Vec<&str> = out["coefficients"]
        .as_array()
        .expect("c")
        .iter()
        .map(|c| c["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["age", "grpB", "grpC"]);
    for (o, r) in out["coefficients"]
        .as_array()
        .expect("c")
        .iter()
        .zip(c["coefficients"].as_array().expect("c"))
    {
        assert_close(
            o["coef"].as_f64().unwrap_or(f64::NAN),
            r["coef"].as_f64().unwrap_or(f64::NAN),
            TOL,
            "relevel",
        );
    }
}

#[test]
fn logistic_formula_matches_r() {
    let g = json("formula_goldens.json");
    let file = data("lung_formula.csv");
    let file = file.to_str().expect("path");
    for name in ["glm_star", "glm_no_intercept"] {
        let c = case(&g, "glm", name);
        let out = analyze_json(&[
            "logistic",
            "--formula",
            c["formula"].as_str().unwrap_or(""),
            "--ci",
            "wald",
            file,
        ]);
        assert_eq!(out["dropped"], c["dropped"], "{name}");
        for (o, r) in out["coefficients"]
            .as_array()
            .expect("c")
            .iter()
            .zip(c["coefficients"].as_array().expect("c"))
        {
            assert_eq!(o["name"], r["name"], "{name}");
            // the CLI uses glm's default epsilon (1e-8): coefficients to 1e-5
            assert_close(
                o["coef"].as_f64().unwrap_or(f64::NAN),
                r["coef"].as_f64().unwrap_or(f64::NAN),
                1e-5,
                name,
            );
        }
    }
    let c = case(&g, "firth", "firth_grp");
    let out = analyze_json(&[
        "logistic",
        "--formula",
        c["formula"].as_str().unwrap_or(""),
        "--firth",
        file,
    ]);
    for (t, d) in out["terms"]
        .as_array()
        .expect("terms")
        .iter()
        .zip(c["drop1"].as_array().expect("d"))
    {
        assert_eq!(t["name"], d["term"]);
        assert_close(
            t["lr_chisq"].as_f64().unwrap_or(f64::NAN),
            d["chisq"].as_f64().unwrap_or(f64::NAN),
            TOL,
            "firth lr",
        );
    }
}

#[test]
fn formula_errors_are_one_line_and_exit_2() {
    let file = data("lung_formula.csv");
    let file = file.to_str().expect("path");
    for (args, needle) in [
        (
            vec!["cox", "--formula", "Surv(time, status) ~ age + + sex", file],
            "position 28",
        ),
        (
            vec!["cox", "--formula", "Surv(time, status) ~ agee", file],
            "agee",
        ),
        (
            vec![
                "cox",
                "--formula",
                "Surv(time, status) ~ sexc",
                "--reference",
                "sexc=mle",
                file,
            ],
            "mle",
        ),
        (
            vec![
                "cox",
                "--formula",
                "Surv(time, status) ~ age",
                "--time",
                "time",
                file,
            ],
            "--time",
        ),
        (
            vec!["logistic", "--formula", "Surv(time, status) ~ age", file],
            "binary response",
        ),
        (
            vec![
                "cox",
                "--formula",
                "Surv(time, status) ~ age",
                "--reference",
                "age",
                file,
            ],
            "VAR=LEVEL",
        ),
    ] {
        let run = analyze(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}");
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: {}", run.stderr);
        assert!(
            lines[0].starts_with("error: ") && lines[0].contains(needle),
            "{args:?}: {}",
            run.stderr
        );
    }
}

/// A logistic formula with an aliased column (`b = 2a`) before later terms: R's `vcov` of a
/// `glm` (and ours) is over the non-aliased coefficients only, so each term's joint Wald
/// test must index that matrix by the coefficient's position among the non-aliased ones (it
/// indexed the full column number: out of bounds, a panic found by fuzzing `analyze`; with
/// a smaller index it would have been a silent wrong test). The aliased column changes
/// nothing else, so the later terms' Wald tests equal those of the model without it; the LR
/// tests equal R 4.2.2's `drop1(glm(y ~ a + b + c + factor(g), binomial), test = "Chisq")`
/// (tests/data/README.md, `logistic_aliased.csv`).
#[test]
fn term_tests_after_an_aliased_column() {
    let file = data("logistic_aliased.csv");
    let file = file.to_str().expect("path");
    let with_b = analyze_json(&["logistic", "--formula", "y ~ a + b + c + factor(g)", file]);
    let without = analyze_json(&["logistic", "--formula", "y ~ a + c + factor(g)", file]);
    let term = |out: &Value, name: &str| -> Value {
        out["terms"]
            .as_array()
            .expect("terms")
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("term {name}"))
            .clone()
    };
    let number = |v: &Value| v.as_f64().expect("number");
    // b is aliased: no Wald test, 0 df, LR 0 as drop1
    assert_eq!(term(&with_b, "b")["df"], 0);
    assert!(term(&with_b, "b")["wald_chisq"].is_null());
    for name in ["c", "factor(g)"] {
        let (got, want) = (term(&with_b, name), term(&without, name));
        assert_eq!(got["df"], want["df"], "{name}");
        assert_close(
            number(&got["wald_chisq"]),
            number(&want["wald_chisq"]),
            1e-10,
            name,
        );
    }
    assert_eq!(term(&with_b, "factor(g)")["df"], 2);
    assert_close(
        number(&term(&with_b, "c")["lr_chisq"]),
        0.94427430017727,
        TOL,
        "LR c",
    );
    assert_close(
        number(&term(&with_b, "factor(g)")["lr_chisq"]),
        1.60521059356760,
        TOL,
        "LR factor(g)",
    );
}
