//! survreg against R (survival 3.5-3) to 1e-6: every case of `tests/data/survreg_goldens.json`
//! (written by `tests/data/R/survreg_goldens.R`): summary table, scales, log-likelihoods,
//! intercept-only coefficients, LR test, AIC/BIC, variance matrix, iteration counts, the
//! iterate after each iteration, and quantile predictions with standard errors.

mod common;

use std::collections::HashMap;

use common::assert_close;
use oncostat::{Design, SurvReg, SurvRegFit, SurvivalData};
use serde_json::Value;

const TOL: f64 = 1e-6;

/// A CSV file as text columns (header names); `NA` and empty cells are missing.
fn read_csv(name: &str) -> HashMap<String, Vec<String>> {
    let mut rdr = csv::Reader::from_path(common::data(name)).expect("csv file");
    let headers: Vec<String> = rdr
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let mut cols: HashMap<String, Vec<String>> =
        headers.iter().map(|h| (h.clone(), Vec::new())).collect();
    for rec in rdr.records() {
        let rec = rec.expect("record");
        for (h, v) in headers.iter().zip(rec.iter()) {
            cols.get_mut(h).expect("column").push(v.to_string());
        }
    }
    cols
}

fn missing(v: &str) -> bool {
    v.is_empty() || v == "NA"
}

fn num(v: &str) -> f64 {
    v.parse().unwrap_or_else(|_| panic!("not a number: {v}"))
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn opt_str(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// The model of one golden case, fitted on the complete cases of the columns it uses.
struct Case {
    fit: SurvRegFit,
    x: Design,
    strata: Vec<usize>,
}

fn fit_case(c: &Value, max_iter: Option<usize>) -> Case {
    let cols = read_csv(c["file"].as_str().unwrap());
    let time = c["time"].as_str().unwrap();
    let status = c["status"].as_str().unwrap();
    let covs = strs(&c["covariates"]);
    let strata = opt_str(&c["strata"]);
    let weights = opt_str(&c["weights"]);
    let offset = opt_str(&c["offset"]);
    let mut used: Vec<String> = vec![time.into(), status.into()];
    used.extend(covs.iter().cloned());
    used.extend(strata.iter().cloned());
    used.extend(weights.iter().cloned());
    used.extend(offset.iter().cloned());
    let n_all = cols[time].len();
    let keep: Vec<usize> = (0..n_all)
        .filter(|&i| used.iter().all(|u| !missing(&cols[u][i])))
        .collect();
    let col = |name: &str| -> Vec<f64> { keep.iter().map(|&i| num(&cols[name][i])).collect() };
    let status_v = col(status);
    let mut data = SurvivalData::from_status(col(time), &status_v).expect("data");
    if let Some(w) = &weights {
        data = data.with_weights(col(w)).expect("weights");
    }
    if let Some(o) = &offset {
        data = data.with_offsets(col(o)).expect("offsets");
    }
    let mut settings = SurvReg::new(c["dist"].as_str().unwrap().parse().expect("dist"));
    if let Some(s) = &strata {
        let labels: Vec<String> = keep.iter().map(|&i| cols[s][i].clone()).collect();
        // numeric labels sort numerically (R's factor levels)
        if labels.iter().all(|l| l.parse::<f64>().is_ok()) {
            let codes: Vec<i64> = labels.iter().map(|l| num(l) as i64).collect();
            data = data.with_strata(&codes).expect("strata");
            // R labels numeric strata `name=value`, text strata by the value alone
            settings = settings.strata_name(s.replace('_', "."));
        } else {
            data = data.with_strata(&labels).expect("strata");
        }
    }
    if let Some(m) = max_iter {
        settings = settings.max_iter(m);
    }
    let scale = nums(&c["scale"])[0];
    if scale > 0.0 && c["dist"] != "exponential" {
        settings = settings.scale(scale);
    }
    let x = if covs.is_empty() {
        Design::from_columns([("(Intercept)", vec![1.0; keep.len()])]).expect("design")
    } else {
        Design::from_columns(covs.iter().map(|n| (n.as_str(), col(n))))
            .expect("design")
            .with_intercept()
    };
    let fit = settings.fit(&data, &x).expect("fit");
    let strata_codes = data
        .strata()
        .map_or_else(|| vec![0; keep.len()], <[usize]>::to_vec);
    Case {
        fit,
        x,
        strata: strata_codes,
    }
}

fn close_all(actual: &[f64], expected: &[f64], what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: length");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert_close(*a, *e, TOL, &format!("{what}[{i}]"));
    }
}

#[test]
fn every_case_matches_r() {
    let golden = common::json("survreg_goldens.json");
    let cases = golden["cases"].as_array().expect("cases");
    assert!(cases.len() >= 25);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let Case { fit, x, strata } = fit_case(c, None);
        assert_eq!(fit.n(), nums(&c["n"])[0] as usize, "{name}: n");
        assert!(fit.convergence().converged(), "{name}");
        assert_eq!(
            fit.convergence().iterations(),
            nums(&c["iter"])[0] as usize,
            "{name}: iterations"
        );
        let table = fit.coef_table(0.95).expect("table");
        let rows: Vec<String> = table.rows().iter().map(|r| r.term.clone()).collect();
        let r_rows: Vec<String> = strs(&c["rows"])
            .into_iter()
            .map(|r| r.replace("ph_ecog", "ph.ecog"))
            .collect();
        let rows_dotted: Vec<String> = rows
            .iter()
            .map(|r| r.replace("ph_ecog", "ph.ecog"))
            .collect();
        assert_eq!(rows_dotted, r_rows, "{name}: rows");
        let col =
            |f: fn(&oncostat::CoefRow) -> f64| -> Vec<f64> { table.rows().iter().map(f).collect() };
        close_all(
            &col(|r| r.estimate),
            &nums(&c["coef"]),
            &format!("{name}: coef"),
        );
        close_all(
            &col(|r| r.std_error),
            &nums(&c["se"]),
            &format!("{name}: se"),
        );
        close_all(&col(|r| r.statistic), &nums(&c["z"]), &format!("{name}: z"));
        close_all(&col(|r| r.p_value), &nums(&c["p"]), &format!("{name}: p"));
        close_all(
            &fit.scales(),
            &nums(&c["scales"]),
            &format!("{name}: scale"),
        );
        assert_close(fit.loglik(), nums(&c["loglik"])[0], TOL, name);
        assert_close(fit.loglik_null(), nums(&c["loglik_null"])[0], TOL, name);
        let k = fit.n_parameters();
        let icoef = nums(&c["icoef"]);
        close_all(
            &fit.null_coefficients()[..icoef.len().min(fit.null_coefficients().len())],
            &icoef[..icoef.len().min(fit.null_coefficients().len())],
            &format!("{name}: icoef"),
        );
        let lr = fit.lr_test();
        assert_close(lr.statistic(), nums(&c["chisq"])[0], TOL, name);
        assert_eq!(lr.df() as usize, nums(&c["df"])[0] as usize, "{name}: df");
        let lr_p = nums(&c["lr_p"])[0];
        // no test on 0 df (R's print omits it; pchisq(0, 0) = 1 is not a p-value)
        if lr.df() > 0.0 {
            assert_close(lr.p_value(), lr_p, TOL, name);
        }
        assert_close(fit.aic(), nums(&c["aic"])[0], TOL, name);
        assert_close(fit.bic(), nums(&c["bic"])[0], TOL, name);
        let var: Vec<f64> = (0..k * k).map(|a| fit.variance()[(a / k, a % k)]).collect();
        close_all(&var, &nums(&c["var"]), &format!("{name}: var"));
        close_all(
            &fit.linear_predictors().as_slice()[..5],
            &nums(&c["lp_head"]),
            &format!("{name}: lp"),
        );
        // iteration trace: the point R returns after k iterations
        if let Some(trace) = c["trace"].as_array() {
            for (k_it, point) in trace.iter().enumerate() {
                // the iterate itself (`parameters`, not the NA-masked coefficients: at a
                // degenerate intermediate point a pivot can sit at the singularity threshold,
                // where R's and our last-bit rounding of the scaled covariates decide it)
                let refit = fit_case(c, Some(k_it + 1)).fit;
                let got = refit.parameters().to_vec();
                let want = nums(point);
                assert_eq!(got.len(), want.len(), "{name}: iterate length");
                for (j, (g, w)) in got.iter().zip(&want).enumerate() {
                    // R reports NA for a parameter whose variance is 0 at that iterate
                    if w.is_finite() {
                        assert_close(*g, *w, TOL, &format!("{name}: iterate {} [{j}]", k_it + 1));
                    }
                }
            }
        }
        // quantile predictions with SEs, linear predictor with SE
        let new_rows: Vec<usize> = nums(&c["new_rows"]).iter().map(|&r| r as usize).collect();
        let p = nums(&c["q_p"]);
        let q_fit = nums(&c["q_fit"]);
        let q_se = nums(&c["q_se"]);
        let lp_fit = nums(&c["lp_fit"]);
        let lp_se = nums(&c["lp_se"]);
        for (r, &row) in new_rows.iter().enumerate() {
            let xr: Vec<f64> = x.matrix().row(row).iter().copied().collect();
            let (lp, se) = fit.linear_predictor_at(&xr).expect("lp");
            assert_close(lp, lp_fit[r], TOL, &format!("{name}: lp new {r}"));
            assert_close(se, lp_se[r], TOL, &format!("{name}: lp se new {r}"));
            for (j, &pj) in p.iter().enumerate() {
                let q = fit.quantile_at(&xr, strata[row], pj).expect("quantile");
                let at = r * p.len() + j;
                assert_close(q.estimate, q_fit[at], TOL, &format!("{name}: q {r} {pj}"));
                assert_close(
                    q.std_error,
                    q_se[at],
                    TOL,
                    &format!("{name}: q se {r} {pj}"),
                );
            }
        }
    }
}
