//! Cox fits with p = 12 covariates against R `survival` 3.5-3 (R 4.2.2): the kernel's sparse
//! path of `Σ c x x'` (issue 18) on `tests/data/lung_wide.csv` (R's `survival::lung`
//! complete cases, 167 rows), R's answers in `tests/data/lung_wide_cox_goldens.json` (written by
//! `tests/data/R/cox_wide_goldens.R`).
//!
//! The sparse path is taken on these data, by the kernel's rule: a column is sparse when it
//! is left as it is by the centring (every value 0 or ±1) and at most `n / 8` of its rows
//! (here 20) are nonzero, and the path is used when the other columns fit in a range of a
//! multiple of 8 columns narrower than `p`. Columns 9–12 are such indicators: `ecog3`
//! (1 nonzero row), `old_male` (6), `low_patk` (7), `inst12` (16); the eight dense columns
//! (`age`, `sex` coded 1/2, `ph_ecog` 0–3, `ph_karno`, `pat_karno`, `meal_cal`, `wt_loss`,
//! `age_sq`) are columns 1–8, a range of width 8 < 12. Weights and strata do not change
//! which columns qualify.
//!
//! Each case (Efron, Breslow, `strata(site)`, integer weights) is fitted with 1 and 2
//! threads and compared at the file's tolerance (1e-6, that of the other Cox goldens):
//! relative for coefficients, standard errors, log-likelihoods, the three tests, the
//! concordance and its se; the off-diagonal variances relative to `sqrt(v_ii v_jj)` (a
//! covariance near 0 has no relative digits); the martingale and score residuals at
//! `tol · max(1, |R|)` (as the residual goldens of `tests/cox_residuals.rs`).

mod common;

use oncostat::{CoxPh, Design, ResidualKind, Result, SurvivalData, Ties};
use serde_json::Value;

const R_MATCH_REL: f64 = oncostat::tolerance::R_MATCH_REL;

/// Relative difference (absolute below 1e-8) of `got` from R's `want`, asserted within `tol`.
fn close(what: &str, got: f64, want: f64, tol: f64) -> f64 {
    let err = if want.abs() < 1e-8 {
        (got - want).abs() / 1e-2
    } else {
        ((got - want) / want).abs()
    };
    assert!(
        err <= tol,
        "{what}: got {got:.15e}, R {want:.15e} (rel {err:.2e})"
    );
    err
}

/// `|got − want| / (scale)` asserted within `tol`.
fn close_scaled(what: &str, got: f64, want: f64, scale: f64, tol: f64) -> f64 {
    let err = (got - want).abs() / scale;
    assert!(
        err <= tol,
        "{what}: got {got:.15e}, R {want:.15e} (scaled {err:.2e})"
    );
    err
}

fn num(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

/// A whole number stored in JSON (R may write `3` or `3.0`).
fn int(v: &Value) -> i64 {
    num(v).round() as i64
}

#[test]
fn wide_cox_with_rare_indicators_matches_r() -> Result<()> {
    let golden = common::json("lung_wide_cox_goldens.json");
    let tol = common::tolerance(&golden);
    assert!(tol <= R_MATCH_REL, "the golden may not loosen R_MATCH_REL");
    let csv = common::csv::Csv::read("lung_wide.csv");
    let covs: Vec<String> = golden["covariates"]
        .as_array()
        .expect("covariates")
        .iter()
        .map(|c| c.as_str().expect("name").to_string())
        .collect();
    assert_eq!(covs.len(), 12);
    let n = csv.numbers("time").len();
    // the rule of the sparse path, on the data (see the module doc)
    for (j, name) in covs.iter().enumerate() {
        let col = csv.numbers(name);
        let indicator = col
            .iter()
            .all(|&v| v.abs() <= 0.0 || (v.abs() - 1.0).abs() <= 0.0);
        let nonzero = col.iter().filter(|&&v| v.abs() > 0.0).count();
        let sparse = indicator && nonzero * 8 <= n && nonzero > 0;
        assert_eq!(sparse, j >= 8, "{name}: sparse = {sparse}");
    }
    let (mut worst, mut worst_var, mut worst_res) = (0.0f64, 0.0f64, 0.0f64);
    for case in golden["cases"].as_array().expect("cases") {
        let id = case["id"].as_str().expect("id");
        let mut data = SurvivalData::from_status(csv.numbers("time"), &csv.numbers("status"))?;
        if id == "strata" {
            let site: Vec<i64> = csv.numbers("site").iter().map(|&s| s as i64).collect();
            data = data.with_strata(&site)?;
        }
        if id == "weights" {
            data = data.with_weights(csv.numbers("w"))?;
        }
        let x = Design::from_columns(covs.iter().map(|c| (c.as_str(), csv.numbers(c))))?;
        let ties = if id == "breslow" {
            Ties::Breslow
        } else {
            Ties::Efron
        };
        for threads in [1, 2] {
            let at = |k: &str| format!("{id} ({threads} threads) {k}");
            let fit = CoxPh::new().ties(ties).threads(threads).fit(&data, &x)?;
            assert_eq!(fit.n() as i64, int(&case["n"]), "{}", at("n"));
            assert_eq!(
                fit.n_events() as i64,
                int(&case["events"]),
                "{}",
                at("events")
            );
            assert_eq!(
                fit.convergence().iterations() as i64,
                int(&case["iter"]),
                "{}",
                at("iterations")
            );
            assert!(fit.infinite_coefficients().is_empty(), "{}", at("finite"));
            let coef = common::numbers(&case["coef"]);
            let var: Vec<Vec<f64>> = case["var"]
                .as_array()
                .expect("var")
                .iter()
                .map(common::numbers)
                .collect();
            for j in 0..12 {
                worst = worst.max(close(&at("coef"), fit.coefficients()[j], coef[j], tol));
                worst = worst.max(close(&at("se"), fit.std_errors()[j], var[j][j].sqrt(), tol));
                for k in 0..12 {
                    let scale = (var[j][j] * var[k][k]).sqrt();
                    worst_var = worst_var.max(close_scaled(
                        &at(&format!("var[{j}, {k}]")),
                        fit.variance()[(j, k)],
                        var[j][k],
                        scale,
                        tol,
                    ));
                }
            }
            let ll = common::numbers(&case["loglik"]);
            worst = worst.max(close(&at("loglik0"), fit.loglik_null(), ll[0], tol));
            worst = worst.max(close(&at("loglik"), fit.loglik(), ll[1], tol));
            let tests = [
                ("lr", fit.lr_test()),
                ("wald", fit.wald_test()),
                ("score", fit.score_test()),
            ];
            for (key, test) in tests {
                worst = worst.max(close(&at(key), test.statistic(), num(&case[key]), tol));
                assert_eq!(test.df().round() as i64, int(&case["df"]), "{}", at("df"));
            }
            let c = fit.concordance();
            worst = worst.max(close(
                &at("C"),
                c.estimate(),
                num(&case["concordance"]),
                tol,
            ));
            worst = worst.max(close(
                &at("C se"),
                c.std_error(),
                num(&case["concordance_se"]),
                tol,
            ));
            for (j, m) in common::numbers(&case["means"]).iter().enumerate() {
                worst = worst.max(close(&at("mean"), fit.means()[j], *m, tol));
            }
            let mart = fit.residuals(ResidualKind::Martingale)?;
            for (i, r) in common::numbers(&case["martingale"]).iter().enumerate() {
                worst_res = worst_res.max(close_scaled(
                    &at(&format!("martingale[{i}]")),
                    mart.values()[(i, 0)],
                    *r,
                    r.abs().max(1.0),
                    tol,
                ));
            }
            let score = fit.residuals(ResidualKind::Score)?;
            for (i, row) in case["score_residuals"]
                .as_array()
                .expect("score residuals")
                .iter()
                .enumerate()
            {
                for (j, r) in common::numbers(row).iter().enumerate() {
                    worst_res = worst_res.max(close_scaled(
                        &at(&format!("score residual[{i}, {j}]")),
                        score.values()[(i, j)],
                        *r,
                        r.abs().max(1.0),
                        tol,
                    ));
                }
            }
        }
    }
    eprintln!(
        "largest difference from R over lung_wide_cox_goldens.json: {worst:.2e} relative, \
         variances {worst_var:.2e} (of sqrt(v_ii v_jj)), residuals {worst_res:.2e}"
    );
    Ok(())
}
