//! Cox proportional hazards against R `survival` 3.5-3 (R 4.2.2), through the public API.
//!
//! * every `tests/data/cox_*.json` case (R's answers in the analyze-CLI keys) at the file's
//!   tolerance; the `zph` and `robust_se` entries are not compared here (cox.zph and the
//!   robust variance are separate features);
//! * the golden values of algorithms.md §9.1, 9.3, 9.4, 9.7 (lung, ovarian, aml, Therneau &
//!   Grambsch's toy data) and extra R runs recorded in `tests/data/cox_extra.json`;
//! * property tests of invariances of the partial likelihood.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use oncostat::{CoxFit, CoxPh, Design, Result, SurvivalData, Ties};
use serde_json::Value;

const R_MATCH_REL: f64 = oncostat::tolerance::R_MATCH_REL;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Columns of a CSV file by header name; `NA` / empty cells become NaN.
fn read_csv(name: &str) -> HashMap<String, Vec<f64>> {
    let mut rdr = csv::Reader::from_path(data_dir().join(name)).expect("csv file");
    let headers: Vec<String> = rdr
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let mut cols: HashMap<String, Vec<f64>> =
        headers.iter().map(|h| (h.clone(), Vec::new())).collect();
    for rec in rdr.records() {
        let rec = rec.expect("record");
        for (h, v) in headers.iter().zip(rec.iter()) {
            let x = v.trim().parse::<f64>().unwrap_or(f64::NAN);
            cols.get_mut(h).expect("column").push(x);
        }
    }
    cols
}

/// Rows where every listed column is present (R's `na.omit`).
fn complete_rows(cols: &HashMap<String, Vec<f64>>, used: &[&str]) -> Vec<usize> {
    let n = cols[used[0]].len();
    (0..n)
        .filter(|&i| used.iter().all(|c| cols[*c][i].is_finite()))
        .collect()
}

fn pick(v: &[f64], rows: &[usize]) -> Vec<f64> {
    rows.iter().map(|&i| v[i]).collect()
}

/// Asserts agreement with R and returns the relative (or, near 0, absolute) difference.
fn close(what: &str, got: f64, want: f64, rel: f64) -> f64 {
    let err = if want.abs() < 1e-8 {
        (got - want).abs()
    } else {
        ((got - want) / want).abs()
    };
    let ok = if want.abs() < 1e-8 {
        (got - want).abs() <= rel * 1e-2
    } else {
        ((got - want) / want).abs() <= rel
    };
    assert!(
        ok,
        "{what}: got {got:.15e}, R {want:.15e} (rel {:.2e})",
        ((got - want) / want).abs()
    );
    err
}

fn num(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

/// Fits the model a JSON case describes.
fn fit_case(case: &Value) -> Result<CoxFit> {
    let cols = read_csv(case["data"].as_str().expect("data"));
    let time = case["time"].as_str().expect("time");
    let event = case["event"].as_str().expect("event");
    let covs: Vec<&str> = case["covariates"]
        .as_array()
        .expect("covariates")
        .iter()
        .map(|c| c.as_str().expect("name"))
        .collect();
    let mut used = vec![time, event];
    used.extend(&covs);
    let strata = case["strata"].as_str();
    let weights = case["weights"].as_str();
    used.extend(strata);
    used.extend(weights);
    let rows = complete_rows(&cols, &used);
    let mut data = SurvivalData::from_status(pick(&cols[time], &rows), &pick(&cols[event], &rows))?;
    if let Some(s) = strata {
        let labels: Vec<i64> = pick(&cols[s], &rows).iter().map(|v| *v as i64).collect();
        data = data.with_strata(&labels)?;
    }
    if let Some(w) = weights {
        data = data.with_weights(pick(&cols[w], &rows))?;
    }
    let x = Design::from_columns(covs.iter().map(|c| (*c, pick(&cols[*c], &rows))))?;
    let ties = match case["ties"].as_str() {
        Some("breslow") => Ties::Breslow,
        _ => Ties::Efron,
    };
    CoxPh::new().ties(ties).fit(&data, &x)
}

#[test]
fn every_reference_case_matches_r() -> Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("tests/data")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with("cox_") && n.ends_with(".json") && n != "cox_extra.json"
            })
        })
        .collect();
    files.sort();
    let mut worst: f64 = 0.0;
    assert!(files.len() >= 4, "reference cases missing");
    for file in files {
        let case: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).expect("read")).expect("json");
        let id = case["id"].as_str().unwrap_or("?").to_string();
        let tol = case["tolerance"].as_f64().unwrap_or(R_MATCH_REL);
        let fit = fit_case(&case)?;
        assert_eq!(fit.n() as u64, case["n"].as_u64().expect("n"), "{id}: n");
        assert_eq!(
            fit.n_events() as u64,
            case["events"].as_u64().expect("events"),
            "{id}: events"
        );
        let z = fit.z_values();
        let p = fit.p_values();
        let hr = fit.hazard_ratios();
        let ci = fit.conf_int(0.95)?;
        for (j, c) in case["coefficients"]
            .as_array()
            .expect("coefs")
            .iter()
            .enumerate()
        {
            let name = c["name"].as_str().expect("name");
            assert_eq!(fit.term_names()[j], name);
            let at = |k: &str| format!("{id} {name} {k}");
            worst = worst.max(close(
                &at("coef"),
                fit.coefficients()[j],
                num(&c["coef"]),
                tol,
            ));
            worst = worst.max(close(&at("se"), fit.std_errors()[j], num(&c["se"]), tol));
            worst = worst.max(close(&at("z"), z[j], num(&c["z"]), tol));
            worst = worst.max(close(&at("p"), p[j], num(&c["p"]), tol));
            worst = worst.max(close(&at("hr"), hr[j], num(&c["hr"]), tol));
            worst = worst.max(close(&at("hr_lower"), ci[j].0, num(&c["hr_lower"]), tol));
            worst = worst.max(close(&at("hr_upper"), ci[j].1, num(&c["hr_upper"]), tol));
        }
        worst = worst.max(close(
            &format!("{id} loglik_null"),
            fit.log_likelihood_null(),
            num(&case["loglik_null"]),
            tol,
        ));
        worst = worst.max(close(
            &format!("{id} loglik"),
            fit.log_likelihood(),
            num(&case["loglik"]),
            tol,
        ));
        for (key, test) in [
            ("lr_test", fit.lr_test()),
            ("wald_test", fit.wald_test()),
            ("score_test", fit.score_test()),
        ] {
            worst = worst.max(close(
                &format!("{id} {key} stat"),
                test.statistic(),
                num(&case[key]["stat"]),
                tol,
            ));
            worst = worst.max(close(
                &format!("{id} {key} p"),
                test.p_value(),
                num(&case[key]["p"]),
                tol,
            ));
            assert_eq!(test.df(), num(&case[key]["df"]), "{id} {key} df");
        }
        worst = worst.max(close(
            &format!("{id} concordance"),
            fit.concordance().estimate(),
            num(&case["concordance"]),
            tol,
        ));
        worst = worst.max(close(
            &format!("{id} concordance_se"),
            fit.concordance().std_error(),
            num(&case["concordance_se"]),
            tol,
        ));
        assert!(fit.convergence().converged(), "{id}: converged");
    }
    eprintln!("largest relative difference from R over the cox_*.json cases: {worst:.2e}");
    Ok(())
}
