//! Numerical stress tests (issue 7): covariates scaled 1e-8..1e8, n = 2, all times tied,
//! heavy separation, near-collinear columns. Every fit gives finite answers or a named error,
//! and equals R where R answers (goldens in `tests/data/stress_goldens.json`, made by
//! `Rscript tests/data/make_stress.R` with R 4.2.2, survival 3.5-3, brglm2 0.9).

mod common;

use oncostat::{
    BinaryOutcome, CoxFit, CoxPh, Design, Error, FirthRegression, KaplanMeier, LogRank,
    LogisticRegression, StopReason, SurvivalData, Ties,
};
use serde_json::Value;

use common::{assert_close, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn golden(id: &str) -> Value {
    let all = json("stress_goldens.json");
    all["cases"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == id))
        .cloned()
        .unwrap_or_else(|| panic!("no golden `{id}`"))
}

fn tolerance() -> f64 {
    json("stress_goldens.json")["tolerance"]
        .as_f64()
        .expect("tolerance")
}

fn numbers(v: &Value) -> Vec<Option<f64>> {
    v.as_array()
        .expect("array")
        .iter()
        .map(Value::as_f64)
        .collect()
}

/// Reads numeric columns of a CSV under tests/data.
fn csv_columns(file: &str, names: &[&str]) -> Vec<Vec<f64>> {
    let csv = common::csv::Csv::read(file);
    names.iter().map(|n| csv.numbers(n)).collect()
}

/// Compares a Cox fit with an R golden: coefficients (NaN = R's NA), SEs of kept columns,
/// log-likelihoods, score and Wald tests, concordance.
fn assert_cox_matches(fit: &CoxFit, id: &str) {
    let g = golden(id);
    let tol = tolerance();
    for (j, c) in numbers(&g["coef"]).into_iter().enumerate() {
        match c {
            Some(c) => {
                assert_close(fit.coefficients()[j], c, tol, &format!("{id} coef {j}"));
                let se = numbers(&g["se"])[j].expect("se");
                assert_close(fit.std_errors()[j], se, tol, &format!("{id} se {j}"));
            }
            None => assert!(
                fit.aliased()[j],
                "{id}: column {j} should be aliased (R NA)"
            ),
        }
    }
    let ll = numbers(&g["loglik"]);
    assert_close(
        fit.loglik_null(),
        ll[0].expect("ll0"),
        tol,
        &format!("{id} loglik0"),
    );
    assert_close(
        fit.loglik(),
        ll[1].expect("ll"),
        tol,
        &format!("{id} loglik"),
    );
    let stat = |k: &str| g[k].as_f64().expect("stat");
    assert_close(
        fit.score_test().statistic(),
        stat("score"),
        tol,
        &format!("{id} score"),
    );
    // R's `wald.test` factors the *unscaled* variance with `toler.chol`: at covariate scales
    // of 1e±8 it declares a column singular and reports 4.43 / 8.64 instead of 13.75. The
    // crate factors the scaled variance (crate::numeric), so its Wald test does not depend
    // on the scale: compared with R's unscaled fit (the same data in other units).
    let wald_id = id
        .rsplit_once("_scale_")
        .map_or(id.to_string(), |(base, _)| format!("{base}_scale_1e0"));
    assert_close(
        fit.wald_test().statistic(),
        golden(&wald_id)["wald"].as_f64().expect("wald"),
        tol,
        &format!("{id} wald (R's unscaled {wald_id})"),
    );
    assert_close(
        fit.concordance().estimate(),
        stat("concordance"),
        tol,
        &format!("{id} C"),
    );
}

fn lung() -> (SurvivalData, Vec<Vec<f64>>) {
    let c = csv_columns("lung.csv", &["time", "status", "age", "sex", "wt_loss"]);
    let data = SurvivalData::from_status(c[0].clone(), &c[1]).expect("lung");
    (data, c[2..].to_vec())
}

#[test]
fn cox_covariates_scaled_1e_minus8_to_1e8_equal_r() -> TestResult {
    let (data, cols) = lung();
    for k in [-8, -4, 0, 4, 8] {
        let s = 10f64.powi(k);
        let x = Design::from_columns(vec![
            ("age", cols[0].iter().map(|v| v * s).collect::<Vec<_>>()),
            ("sex", cols[1].clone()),
            ("wt_loss", cols[2].iter().map(|v| v * s).collect()),
        ])?;
        for (ties, name) in [
            (Ties::Efron, "cox_lung"),
            (Ties::Breslow, "cox_lung_breslow"),
        ] {
            let fit = CoxPh::new()
                .ties(ties)
                .fit(&data, &x)?
                .require_converged()?;
            assert!(fit.coefficients().iter().all(|b| b.is_finite()));
            assert_cox_matches(&fit, &format!("{name}_scale_1e{k}"));
        }
    }
    Ok(())
}

#[test]
fn logistic_covariate_scaled_1e_minus8_to_1e8_equal_r() -> TestResult {
    let c = csv_columns("infert.csv", &["case", "age", "parity", "spontaneous"]);
    let y = BinaryOutcome::new(&c[0])?;
    let tol = tolerance();
    for k in [-8, -4, 0, 4, 8] {
        let s = 10f64.powi(k);
        let x = Design::from_columns(vec![
            ("age", c[1].iter().map(|v| v * s).collect::<Vec<_>>()),
            ("parity", c[2].clone()),
            ("spontaneous", c[3].clone()),
        ])?
        .with_intercept();
        let fit = LogisticRegression::new()
            .epsilon(1e-12)
            .max_iter(100)
            .fit(&x, &y)?
            .require_converged()?;
        let id = format!("glm_infert_scale_1e{k}");
        let g = golden(&id);
        for (j, b) in numbers(&g["coef"]).into_iter().enumerate() {
            let b = b.expect("coef");
            assert_close(fit.coefficients()[j], b, tol, &format!("{id} coef {j}"));
            let se = numbers(&g["se"])[j].expect("se");
            assert_close(fit.std_errors_glm()[j], se, tol, &format!("{id} se {j}"));
        }
        let ll = g["loglik"].as_f64().expect("ll");
        assert_close(fit.loglik(), ll, tol, &format!("{id} loglik"));
    }
    Ok(())
}

#[test]
fn n_equals_2() -> TestResult {
    // Cox: with two events the likelihood is monotone; R runs out of iterations at a
    // meaningless coefficient (-21.2) but its null log-likelihood and score test are exact.
    let tol = tolerance();
    for (id, time, status, xs) in [
        ("cox_n2", [3.0, 7.0], [1.0, 1.0], [0.0, 1.0]),
        ("cox_n2_censored", [3.0, 7.0], [1.0, 0.0], [0.5, 2.0]),
    ] {
        let data = SurvivalData::from_status(time.to_vec(), &status)?;
        let x = Design::from_columns(vec![("x", xs.to_vec())])?;
        let fit = CoxPh::new().fit(&data, &x)?;
        let g = golden(id);
        let ll0 = numbers(&g["loglik"])[0].expect("ll0");
        assert_close(fit.loglik_null(), ll0, tol, &format!("{id} loglik0"));
        assert_close(
            fit.score_test().statistic(),
            g["score"].as_f64().expect("score"),
            tol,
            &format!("{id} score"),
        );
        // Flagged, not silently "converged": either diverging or out of iterations.
        assert!(
            !fit.convergence().converged() || !fit.infinite_coefficients().is_empty(),
            "{id}: the monotone likelihood must be flagged"
        );
        assert!(fit.require_converged().is_err());
    }
    // KM, log-rank, logistic on two rows.
    let data = SurvivalData::from_status(vec![3.0, 7.0], &[1.0, 1.0])?;
    let km = KaplanMeier::new().fit(&data)?;
    assert_eq!(km.survival(), &[0.5, 0.0]);
    assert_eq!(km.median(), Some(5.0)); // R: flat at 0.5 from 3 to 7 -> midpoint
    let lr = LogRank::new().test(&data, &["a", "b"])?;
    assert!(lr.chisq().is_finite() && (0.0..=1.0).contains(&lr.p_value()));
    assert_close(lr.chisq(), 1.0, 1e-12, "survdiff chisq for n = 2"); // R: Chisq = 1
    let x = Design::from_columns(vec![("a", vec![1.0, 2.0])])?.with_intercept();
    let y = BinaryOutcome::new(&[0.0, 1.0])?;
    let fit = LogisticRegression::new().fit(&x, &y)?;
    assert!(
        fit.separation().is_some(),
        "two points are always separated"
    );
    assert!(fit.require_no_separation().is_err());
    let firth = FirthRegression::new().fit(&x, &y)?;
    assert!(firth.coefficients().iter().all(|b| b.is_finite()));
    Ok(())
}

#[test]
fn all_times_tied_equal_r() -> TestResult {
    let c = csv_columns("stress_tied.csv", &["time", "status", "x"]);
    let data = SurvivalData::from_status(c[0].clone(), &c[1])?;
    let x = Design::from_columns(vec![("x", c[2].clone())])?;
    for (ties, id) in [
        (Ties::Efron, "cox_all_tied_efron"),
        (Ties::Breslow, "cox_all_tied_breslow"),
    ] {
        let fit = CoxPh::new()
            .ties(ties)
            .fit(&data, &x)?
            .require_converged()?;
        assert_cox_matches(&fit, id);
    }
    let groups: Vec<bool> = c[2].iter().map(|&v| v > 0.0).collect();
    let lr = LogRank::new().test(&data, &groups)?;
    let g = golden("logrank_all_tied");
    let tol = tolerance();
    for (k, o) in numbers(&g["observed"]).into_iter().enumerate() {
        assert_close(lr.observed()[k], o.expect("o"), tol, "observed");
        let e = numbers(&g["expected"])[k].expect("e");
        assert_close(lr.expected()[k], e, tol, "expected");
    }
    assert_close(
        lr.chisq(),
        g["chisq"].as_f64().expect("chisq"),
        tol,
        "chisq",
    );
    // KM: one step at the common time, S = censored fraction.
    let km = KaplanMeier::new().fit(&data)?;
    assert_eq!(km.times(), &[5.0]);
    assert_close(km.survival()[0], 3.0 / 12.0, 1e-15, "S(5)");
    Ok(())
}

#[test]
fn heavy_separation_is_flagged_and_firth_equals_r() -> TestResult {
    let c = csv_columns("stress_separation.csv", &["y", "x", "z"]);
    let y = BinaryOutcome::new(&c[0])?;
    let x = Design::from_columns(vec![("x", c[1].clone()), ("z", c[2].clone())])?.with_intercept();
    let ml = LogisticRegression::new().fit(&x, &y)?;
    let sep = ml.separation().expect("separation flagged");
    assert!(sep.iter().any(|s| s == "x"), "{sep:?}");
    assert_eq!(ml.convergence().reason(), StopReason::Diverging);
    assert!(matches!(
        ml.require_no_separation(),
        Err(Error::Separation { .. })
    ));

    // brglm2 was run to epsilon 1e-12: converge as tightly (logistf's defaults stop at 1e-4).
    let fit = FirthRegression::new()
        .xconv(1e-10)
        .gconv(1e-10)
        .lconv(1e-12)
        .max_iter(200)
        .fit(&x, &y)?
        .require_converged()?;
    let g = golden("firth_separation");
    let tol = tolerance();
    for (j, b) in numbers(&g["coef"]).into_iter().enumerate() {
        assert_close(
            fit.coefficients()[j],
            b.expect("coef"),
            tol,
            &format!("firth coef {j}"),
        );
        let se = numbers(&g["se"])[j].expect("se");
        assert_close(fit.std_errors()[j], se, tol, &format!("firth se {j}"));
    }
    assert_close(
        fit.unpenalized_loglik(),
        g["loglik"].as_f64().expect("ll"),
        tol,
        "firth loglik",
    );
    // Heavier: the separating covariate scaled by 1e6 still gives finite Firth estimates.
    let x6 = Design::from_columns(vec![
        ("x", c[1].iter().map(|v| v * 1e6).collect::<Vec<_>>()),
        ("z", c[2].clone()),
    ])?
    .with_intercept();
    let f6 = FirthRegression::new().fit(&x6, &y)?;
    assert_close(
        f6.coefficients()[1] * 1e6,
        fit.coefficients()[1],
        1e-5,
        "scaled Firth",
    );
    Ok(())
}

/// R's `vcov(glm)` is `summary.glm`'s covariance (weights of the last IRLS iteration), i.e.
/// [`LogisticFit::std_errors_glm`](oncostat::LogisticFit::std_errors_glm); in the
/// ill-conditioned collinear case it differs from the information at β̂ by ~1e-6.
fn glm_matches(x: &Design, y: &BinaryOutcome, id: &str) -> TestResult {
    let fit = LogisticRegression::new()
        .epsilon(1e-12)
        .max_iter(100)
        .fit(x, y)?
        .require_converged()?;
    let g = golden(id);
    for (j, b) in numbers(&g["coef"]).into_iter().enumerate() {
        let b = b.expect("coef");
        assert_close(
            fit.coefficients()[j],
            b,
            tolerance(),
            &format!("{id} coef {j}"),
        );
        let se = numbers(&g["se"])[j].expect("se");
        assert_close(
            fit.std_errors_glm()[j],
            se,
            tolerance(),
            &format!("{id} se {j}"),
        );
    }
    let ll = g["loglik"].as_f64().expect("ll");
    assert_close(fit.loglik(), ll, tolerance(), &format!("{id} loglik"));
    Ok(())
}

#[test]
fn near_collinear_columns_equal_r_or_named_error() -> TestResult {
    let c = csv_columns("stress_collinear.csv", &["time", "status", "a", "b", "c"]);
    let data = SurvivalData::from_status(c[0].clone(), &c[1])?;
    let y = BinaryOutcome::new(&c[1])?;
    // b = a + 1e-6 noise. coxph: b is within toler.chol of a -> NA, as here.
    let x = Design::from_columns(vec![("a", c[2].clone()), ("b", c[3].clone())])?;
    let fit = CoxPh::new().fit(&data, &x)?;
    assert_eq!(fit.aliased(), &[false, true]);
    assert_cox_matches(&fit, "cox_near_collinear");
    // glm's QR (tolerance 1e-11) keeps both columns and answers ±245272 (R's numbers are
    // at the edge of double precision: X'WX has condition number ~1e17, its last Cholesky
    // pivot is 1e-15 of its diagonal, i.e. rounding noise). oncostat's Cholesky of X'WX then
    // either fails (a named singular matrix) or gives noise steps that run away (a fit
    // flagged as not converged, separation), depending on the last bits of the sums (the
    // order of the Gram kernel's additions, FMA or not); it never presents other numbers
    // than R's as converged (documented divergence).
    match LogisticRegression::new()
        .epsilon(1e-12)
        .max_iter(100)
        .fit(&x.clone().with_intercept(), &y)
    {
        Err(Error::SingularMatrix { .. }) => {}
        Err(e) => panic!("unexpected error {e}"),
        Ok(fit) if !fit.converged() => {}
        Ok(_) => glm_matches(&x.with_intercept(), &y, "glm_near_collinear")?,
    }
    // c = a + 1e-3 noise: both models keep both columns and equal R.
    let x = Design::from_columns(vec![("a", c[2].clone()), ("c", c[4].clone())])?;
    let fit = CoxPh::new().fit(&data, &x)?.require_converged()?;
    assert_cox_matches(&fit, "cox_collinear_1e-3");
    glm_matches(&x.with_intercept(), &y, "glm_collinear_1e-3")
}

#[test]
fn extreme_but_finite_values_give_finite_answers_or_named_errors() {
    // Values at the edge of f64: never a panic, never a silent NaN coefficient for a
    // non-aliased column.
    for s in [1e-300, 1e-150, 1e150, 1e300] {
        let time = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let data = SurvivalData::from_status(time, &[1.0, 0.0, 1.0, 1.0, 0.0, 1.0]).expect("data");
        let xs: Vec<f64> = [0.3, 1.2, -0.7, 0.1, 2.0, -1.1]
            .iter()
            .map(|v| v * s)
            .collect();
        let x = Design::from_columns(vec![("x", xs.clone())]).expect("design");
        match CoxPh::new().fit(&data, &x) {
            Ok(fit) => {
                let b = fit.coefficients()[0];
                assert!(b.is_finite() || fit.aliased()[0], "scale {s}: coef {b}");
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
        let y = BinaryOutcome::new(&[1.0, 0.0, 1.0, 1.0, 0.0, 0.0]).expect("y");
        let xi = Design::from_columns(vec![("x", xs)])
            .expect("x")
            .with_intercept();
        match LogisticRegression::new().fit(&xi, &y) {
            Ok(fit) => assert!(
                fit.coefficients()
                    .iter()
                    .all(|b| b.is_finite() || b.is_nan())
            ),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
        match FirthRegression::new().fit(&xi, &y) {
            Ok(fit) => {
                assert!(fit.unpenalized_loglik().is_finite() || !fit.convergence().converged())
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
}
