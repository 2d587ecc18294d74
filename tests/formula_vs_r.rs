//! Model formulas against R (`tests/data/formula_goldens.json`, made by
//! `Rscript tests/data/R/formula_goldens.R` on `tests/data/lung_formula.csv`): coefficient
//! names and values, rows dropped, joint Wald and `drop1` LR term tests, `cox.zph` per term,
//! survfit for a named patient in a chosen stratum, glm and Firth term tests. Tolerance 1e-6.

mod common;

use common::{assert_close, data, json};
use oncostat::frame::{Formula, Table};
use oncostat::{CoxPh, FirthRegression, LogisticRegression, Ties};
use serde_json::Value;

const TOL: f64 = 1e-6;

fn lung() -> Table {
    Table::from_csv_path(data("lung_formula.csv")).expect("lung_formula.csv")
}

fn f64s(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(a) => a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect(),
        Value::Number(n) => vec![n.as_f64().unwrap_or(f64::NAN)],
        _ => Vec::new(),
    }
}

/// Our formula for an R case (R's `relevel(factor(grp), ref = "a")` is our `grp` with a
/// reference level) and the map from R's names to ours.
fn formula_of(case: &Value) -> (Formula, String, String) {
    let text = case["formula"].as_str().expect("formula");
    if text.contains("relevel") {
        let f = Formula::parse("Surv(time, status) ~ age + grp")
            .expect("formula")
            .with_reference("grp", "a");
        (f, "relevel(factor(grp), ref = \"a\")".into(), "grp".into())
    } else {
        (
            Formula::parse(text).expect("formula"),
            String::new(),
            String::new(),
        )
    }
}

fn is_special(term: &str) -> bool {
    term.starts_with("strata(") || term.starts_with("cluster(")
}

#[test]
fn cox_formulas_match_r() {
    let g = json("formula_goldens.json");
    let lung = lung();
    let heart = Table::from_csv_path(data("heart.csv")).expect("heart.csv");
    for case in g["cox"].as_array().expect("cases") {
        let name = case["name"].as_str().unwrap_or("?");
        let t = if case["file"] == "heart.csv" {
            &heart
        } else {
            &lung
        };
        let (formula, r_label, our_label) = formula_of(case);
        let settings = if name.contains("breslow") {
            CoxPh::new().ties(Ties::Breslow)
        } else {
            CoxPh::new()
        };
        let fit = settings.fit_formula(&formula, t).expect(name);
        let rename = |s: &str| {
            if r_label.is_empty() {
                s.to_string()
            } else {
                s.replace(&r_label, &our_label)
            }
        };
        assert_eq!(
            fit.n(),
            case["n"].as_u64().unwrap_or(0) as usize,
            "{name} n"
        );
        assert_eq!(
            fit.n_dropped(),
            case["dropped"].as_u64().unwrap_or(0) as usize,
            "{name}"
        );
        let rows: Vec<usize> = f64s(&case["dropped_rows"])
            .iter()
            .map(|&r| r as usize)
            .collect();
        assert_eq!(fit.dropped_rows(), rows.as_slice(), "{name} dropped rows");
        let coefs = case["coefficients"].as_array().expect("coefficients");
        let names: Vec<String> = coefs
            .iter()
            .map(|c| rename(c["name"].as_str().unwrap_or("")))
            .collect();
        assert_eq!(fit.term_names(), names.as_slice(), "{name} names");
        let robust = fit.robust_std_errors().cloned();
        for (j, c) in coefs.iter().enumerate() {
            let se = robust.as_ref().map_or(fit.std_errors()[j], |r| r[j]);
            assert_close(
                fit.coefficients()[j],
                c["coef"].as_f64().unwrap_or(f64::NAN),
                TOL,
                &format!("{name} coef {j}"),
            );
            assert_close(
                se,
                c["se"].as_f64().unwrap_or(f64::NAN),
                TOL,
                &format!("{name} se {j}"),
            );
        }
        assert_close(
            fit.loglik(),
            case["loglik"].as_f64().unwrap_or(f64::NAN),
            TOL,
            name,
        );

        let tests = fit.term_tests().expect("term tests");
        let wald = case["wald"].as_array().expect("wald");
        let wald: Vec<&Value> = wald
            .iter()
            .filter(|w| !is_special(w["term"].as_str().unwrap_or("")))
            .collect();
        assert_eq!(tests.len(), wald.len(), "{name} terms");
        for (test, w) in tests.iter().zip(&wald) {
            assert_eq!(
                test.term(),
                rename(w["term"].as_str().unwrap_or("")),
                "{name}"
            );
            assert_eq!(
                test.df() as u64,
                w["df"].as_u64().unwrap_or(0),
                "{name} {}",
                test.term()
            );
            assert_close(
                test.wald().statistic(),
                w["chisq"].as_f64().unwrap_or(f64::NAN),
                TOL,
                &format!("{name} wald {}", test.term()),
            );
        }
        let drop1 = case["drop1"].as_array().expect("drop1");
        for test in &tests {
            let row = drop1
                .iter()
                .find(|d| rename(d["term"].as_str().unwrap_or("")) == test.term());
            match (row, test.lr()) {
                (Some(d), Some(lr)) => {
                    assert_close(
                        lr.statistic(),
                        d["chisq"].as_f64().unwrap_or(f64::NAN),
                        TOL,
                        &format!("{name} drop1 {}", test.term()),
                    );
                    assert_close(
                        lr.df(),
                        d["df"].as_f64().unwrap_or(f64::NAN),
                        0.0,
                        &format!("{name} drop1 df {}", test.term()),
                    );
                }
                (None, None) => {} // marginality: a main effect inside an interaction
                (row, lr) => panic!("{name} {}: R row {row:?}, ours {lr:?}", test.term()),
            }
        }
        let zph = fit.zph().expect("zph");
        let rows: Vec<_> = zph.rows().collect();
        let expected = case["zph"].as_array().expect("zph");
        assert_eq!(rows.len(), expected.len(), "{name} zph rows");
        for (r, e) in rows.iter().zip(expected) {
            assert_eq!(
                r.name(),
                rename(e["name"].as_str().unwrap_or("")),
                "{name} zph"
            );
            assert_close(
                r.test().statistic(),
                e["chisq"].as_f64().unwrap_or(f64::NAN),
                TOL,
                &format!("{name} zph {}", r.name()),
            );
            assert_close(
                r.test().df(),
                e["df"].as_f64().unwrap_or(f64::NAN),
                0.0,
                &format!("{name} zph df {}", r.name()),
            );
        }
    }
}

#[test]
fn survfit_of_a_named_patient_in_a_chosen_stratum() {
    let g = json("formula_goldens.json");
    let s = &g["survfit"];
    let fit = CoxPh::new()
        .fit_formula(
            &Formula::parse(s["formula"].as_str().unwrap_or("")).expect("formula"),
            &lung(),
        )
        .expect("fit");
    // columns in any order, by name; the stratum by its level or R's "inst=12"
    let patient = Table::from_csv_reader("sexc,age\nfemale,60\n".as_bytes()).expect("patient");
    for stratum in ["12", "inst=12"] {
        let curve = &fit.survfit(&patient, Some(stratum), 0.95).expect("survfit")[0];
        for (k, &t) in f64s(&s["times"]).iter().enumerate() {
            let at = curve.at(t);
            assert_close(at.survival, f64s(&s["surv"])[k], TOL, "surv");
            assert_close(at.std_error, f64s(&s["std_err"])[k], TOL, "std.err");
            assert_close(at.lower, f64s(&s["lower"])[k], TOL, "lower");
            assert_close(at.upper.min(1.0), f64s(&s["upper"])[k], TOL, "upper");
        }
    }
    // centred at the sample means: R's `predict(type = "lp", reference = "sample")`
    assert_close(
        fit.linear_predictor(&patient).expect("lp")[0],
        s["lp_sample"].as_f64().unwrap_or(f64::NAN),
        TOL,
        "lp",
    );
    // a stratified fit needs the stratum; unknown levels and columns are named
    let no_stratum = fit.survfit(&patient, None, 0.95).unwrap_err().to_string();
    assert!(no_stratum.contains("strata(inst)"), "{no_stratum}");
    let bad = fit
        .survfit(&patient, Some("99"), 0.95)
        .unwrap_err()
        .to_string();
    assert!(bad.contains("99"), "{bad}");
    let typo = Table::from_csv_reader("sexc,age\nfemal,60\n".as_bytes()).expect("typo");
    let e = fit.linear_predictor(&typo).unwrap_err().to_string();
    assert!(
        e.contains("sexc") && e.contains("femal") && e.contains("female, male"),
        "{e}"
    );
    let missing = Table::from_csv_reader("sex,age\nfemale,60\n".as_bytes()).expect("missing");
    let e = fit.linear_predictor(&missing).unwrap_err().to_string();
    assert!(e.contains("sexc"), "{e}");
}

#[test]
fn glm_formulas_match_r() {
    let g = json("formula_goldens.json");
    let t = lung();
    for case in g["glm"].as_array().expect("cases") {
        let name = case["name"].as_str().unwrap_or("?");
        let formula = Formula::parse(case["formula"].as_str().unwrap_or("")).expect(name);
        let fit = LogisticRegression::new()
            .epsilon(1e-14)
            .max_iter(100)
            .fit_formula(&formula, &t)
            .expect(name);
        assert_eq!(
            fit.frame().n(),
            case["n"].as_u64().unwrap_or(0) as usize,
            "{name}"
        );
        assert_eq!(
            fit.n_dropped(),
            case["dropped"].as_u64().unwrap_or(0) as usize,
            "{name}"
        );
        let coefs = case["coefficients"].as_array().expect("coefficients");
        let names: Vec<&str> = coefs
            .iter()
            .map(|c| c["name"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(fit.term_names(), names.as_slice(), "{name}");
        for (c, n) in coefs.iter().zip(&names) {
            assert_close(
                fit.coefficient(n).expect("coef"),
                c["coef"].as_f64().unwrap_or(f64::NAN),
                TOL,
                &format!("{name} {n}"),
            );
        }
        assert_close(
            fit.deviance(),
            case["deviance"].as_f64().unwrap_or(f64::NAN),
            TOL,
            name,
        );
        let tests = fit.term_tests().expect("term tests");
        for (test, w) in tests.iter().zip(case["wald"].as_array().expect("wald")) {
            assert_eq!(test.term(), w["term"].as_str().unwrap_or(""));
            assert_close(
                test.wald().statistic(),
                w["chisq"].as_f64().unwrap_or(f64::NAN),
                TOL,
                &format!("{name} wald {}", test.term()),
            );
        }
        let drop1 = case["drop1"].as_array().expect("drop1");
        for test in &tests {
            let row = drop1
                .iter()
                .find(|d| d["term"].as_str() == Some(test.term()));
            match (row, test.lr()) {
                (Some(d), Some(lr)) => {
                    assert_close(
                        lr.statistic(),
                        d["chisq"].as_f64().unwrap_or(f64::NAN),
                        TOL,
                        &format!("{name} drop1 {}", test.term()),
                    );
                    assert_close(lr.df(), d["df"].as_f64().unwrap_or(f64::NAN), 0.0, name);
                }
                (None, None) => {}
                (row, lr) => panic!("{name} {}: R row {row:?}, ours {lr:?}", test.term()),
            }
        }
        let new = Table::from_csv_reader(
            "age,sexc,grp,ph_ecog,arm,code\n60,female,C,1,dose high,10\n".as_bytes(),
        )
        .expect("new");
        assert_close(
            fit.predict(&new).expect("predict")[0],
            case["new_prob"].as_f64().unwrap_or(f64::NAN),
            TOL,
            name,
        );
    }
}

/// Firth: R's values come from maximising the penalized likelihood directly in base R
/// (logistf is not installable here); the crate's Firth fit is verified against logistf
/// elsewhere (`tests/firth_vs_logistf.rs`).
#[test]
fn firth_term_tests_match_the_penalized_likelihood() {
    let g = json("formula_goldens.json");
    let t = lung();
    for case in g["firth"].as_array().expect("cases") {
        let name = case["name"].as_str().unwrap_or("?");
        let formula = Formula::parse(case["formula"].as_str().unwrap_or("")).expect(name);
        let fit = FirthRegression::new()
            .fit_formula(&formula, &t)
            .expect(name);
        for c in case["coefficients"].as_array().expect("coefficients") {
            let n = c["name"].as_str().unwrap_or("");
            assert_close(
                fit.coefficient(n).expect("coef"),
                c["coef"].as_f64().unwrap_or(f64::NAN),
                TOL,
                &format!("{name} {n}"),
            );
        }
        assert_close(
            fit.loglik(),
            case["penalized_loglik"].as_f64().unwrap_or(f64::NAN),
            TOL,
            name,
        );
        let tests = fit.term_tests().expect("term tests");
        for (test, d) in tests.iter().zip(case["drop1"].as_array().expect("drop1")) {
            assert_eq!(test.term(), d["term"].as_str().unwrap_or(""));
            let lr = test.lr().expect("lr");
            assert_close(
                lr.statistic(),
                d["chisq"].as_f64().unwrap_or(f64::NAN),
                TOL,
                &format!("{name} {}", test.term()),
            );
            assert_close(lr.df(), d["df"].as_f64().unwrap_or(f64::NAN), 0.0, name);
            // one coefficient: the set test is the per-coefficient penalized LR test
            if test.df() == 1 {
                let j = fit
                    .terms()
                    .iter()
                    .find(|t| t.label() == test.term())
                    .expect("term")
                    .columns()[0];
                let single = fit.penalized_lr_test(j).expect("single");
                assert_close(lr.statistic(), single.statistic(), 1e-9, "set vs single");
            }
        }
    }
}
