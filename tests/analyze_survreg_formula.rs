//! `analyze survreg --formula` against R `survreg` fitted from the same formula (issue 11):
//! coefficients and SEs with R's names (text and `factor(numeric)` factors, an interaction,
//! `strata()` scales, relevel), scales, log-likelihoods, dropped rows, and the term tests
//! (joint Wald from `vcov`, LR = `drop1(fit, test = "Chisq")`).
//!
//! Goldens: `Rscript tests/data/R/survreg_formula_goldens.R` -> `tests/data/survreg_formula_goldens.json`
//! on `tests/data/lung_formula.csv`. `cargo test --test analyze_survreg_formula`.

mod common;

use common::{analyze_json, assert_rel_close, data, json};
use serde_json::Value;

const TOL: f64 = 1e-6;

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

#[test]
fn survreg_formula_matches_r() {
    let file = data("lung_formula.csv");
    let file = file.to_string_lossy();
    let goldens = json("survreg_formula_goldens.json");
    for case in goldens.as_array().expect("cases") {
        let name = case["name"].as_str().unwrap_or("?");
        let formula = case["formula"].as_str().expect("formula");
        let dist = case["dist"].as_str().expect("dist");
        let mut args = vec!["survreg", "--formula", formula, "--dist", dist];
        let reference;
        if let Some(r) = case["reference"].as_str() {
            reference = format!("arm={r}");
            args.extend(["--reference", reference.as_str()]);
        }
        args.push(&file);
        let out = analyze_json(&args);
        let names: Vec<&str> = out["coefficients"]
            .as_array()
            .expect("coefficients")
            .iter()
            .map(|c| c["name"].as_str().unwrap_or(""))
            .collect();
        let want: Vec<&str> = case["coef_names"]
            .as_array()
            .expect("names")
            .iter()
            .map(|v| v.as_str().unwrap_or(""))
            .collect();
        assert_eq!(names, want, "{name}: coefficient names");
        for (k, c) in out["coefficients"]
            .as_array()
            .expect("coefficients")
            .iter()
            .enumerate()
        {
            let what = format!("{name}: {}", names[k]);
            assert_rel_close(
                f(&c["coef"]),
                f(&case["coef"][k]),
                TOL,
                &format!("{what} coef"),
            );
            assert_rel_close(f(&c["se"]), f(&case["se"][k]), TOL, &format!("{what} se"));
        }
        let scales = out["scale"].as_array().expect("scale");
        assert_eq!(
            scales.len(),
            case["scale"].as_array().map_or(0, Vec::len),
            "{name}"
        );
        for (k, s) in scales.iter().enumerate() {
            assert_rel_close(
                f(s),
                f(&case["scale"][k]),
                TOL,
                &format!("{name} scale {k}"),
            );
        }
        assert_rel_close(
            f(&out["loglik"]),
            f(&case["loglik"]),
            TOL,
            &format!("{name} loglik"),
        );
        assert_rel_close(
            f(&out["loglik_null"]),
            f(&case["loglik_null"]),
            TOL,
            &format!("{name} loglik_null"),
        );
        assert_eq!(out["n"], case["n"], "{name}: n");
        assert_eq!(
            out["dropped"].as_u64(),
            case["dropped"].as_array().map(|d| d.len() as u64),
            "{name}: dropped"
        );
        let terms = out["terms"].as_array().expect("terms");
        for w in case["wald"].as_array().expect("wald") {
            let term = w["term"].as_str().unwrap_or("");
            let got = terms
                .iter()
                .find(|t| t["name"] == term)
                .unwrap_or_else(|| panic!("{name}: no term {term}"));
            assert_eq!(got["df"], w["df"], "{name} {term} df");
            assert_rel_close(
                f(&got["wald_chisq"]),
                f(&w["chisq"]),
                TOL,
                &format!("{name} {term} Wald"),
            );
        }
        for d in case["drop1"].as_array().expect("drop1") {
            let term = d["term"].as_str().unwrap_or("");
            if term.starts_with("strata(") {
                continue; // one scale per stratum is not a term here
            }
            let got = terms
                .iter()
                .find(|t| t["name"] == term)
                .unwrap_or_else(|| panic!("{name}: no term {term}"));
            assert_rel_close(
                f(&got["lr_chisq"]),
                f(&d["chisq"]),
                TOL,
                &format!("{name} {term} LR"),
            );
        }
        // a main effect inside an interaction has no LR test (marginality, as drop1)
        for t in terms {
            if !case["drop1"]
                .as_array()
                .expect("drop1")
                .iter()
                .any(|d| d["term"] == t["name"])
            {
                assert!(
                    t["lr_chisq"].is_null(),
                    "{name}: {} has an LR test",
                    t["name"]
                );
            }
        }
    }
}

#[test]
fn survreg_formula_errors() {
    let file = data("lung_formula.csv");
    let file = file.to_string_lossy();
    for (formula, needle) in [
        ("Surv(time, status) ~ age + nosuch", "nosuch"),
        ("resp ~ age", "Surv(time, status)"),
        ("Surv(time, status) ~ age + cluster(pid)", "cluster()"),
        ("Surv(time, status) ~ age +", "--formula"),
    ] {
        let run = common::analyze(&["survreg", "--formula", formula, &file]);
        assert_eq!(run.code, 2, "{formula}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("error: ") && run.stderr.lines().count() == 1,
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains(needle), "{formula}: {}", run.stderr);
    }
}
