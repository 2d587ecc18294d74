//! ML logistic regression against R 4.2.2 `glm` / MASS 7.3-58.2 (infert, `tests/data`).

mod common;

use common::{assert_rel_close, json as read_json, logistic_model as model, numbers, tolerance};
use oncostat::{CiMethod, LogisticRegression};

const COVS: [&str; 4] = ["age", "parity", "spontaneous", "induced"];

#[test]
fn infert_matches_reference_json() -> Result<(), oncostat::Error> {
    let reference = read_json("logit_infert.json");
    let tol = reference["tolerance"].as_f64().unwrap_or(1e-6);
    let (x, y) = model("infert.csv", "case", &COVS);
    let fit = LogisticRegression::new().fit(&x, &y)?.require_converged()?;
    assert_eq!(fit.n(), reference["n"].as_u64().unwrap_or(0) as usize);
    assert_rel_close(
        fit.loglik(),
        reference["loglik"].as_f64().unwrap_or(0.0),
        tol,
        "loglik",
    );
    let ci = fit.conf_int(0.95)?;
    let lr = fit.lr_tests()?;
    let (z, p, or) = (fit.z_values(), fit.p_values(), fit.odds_ratios());
    for (j, row) in reference["coefficients"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let name = row["name"].as_str().unwrap_or("");
        assert_eq!(fit.term_names()[j], name);
        let g = |k: &str| row[k].as_f64().unwrap_or(f64::NAN);
        assert_rel_close(
            fit.coefficients()[j],
            g("coef"),
            tol,
            &format!("{name} coef"),
        );
        assert_rel_close(fit.std_errors()[j], g("se"), tol, &format!("{name} se"));
        assert_rel_close(z[j], g("z"), tol, &format!("{name} z"));
        assert_rel_close(p[j], g("p_wald"), tol, &format!("{name} p_wald"));
        assert_rel_close(or[j], g("or"), tol, &format!("{name} or"));
        assert_rel_close(ci[j].0, g("lower"), tol, &format!("{name} lower"));
        assert_rel_close(ci[j].1, g("upper"), tol, &format!("{name} upper"));
        match (&lr[j], row["p_lr"].as_f64()) {
            (Some(t), Some(pr)) => assert_rel_close(t.p_value(), pr, tol, &format!("{name} p_lr")),
            (None, None) => {}
            other => panic!("{name}: LR test presence differs: {other:?}"),
        }
    }
    Ok(())
}

/// algorithms.md §9.9: R's default `glm` output and MASS `confint` (R 4.2.2, MASS 7.3-58.2;
/// values in `tests/data/logistic_glm_values.json`).
#[test]
fn infert_matches_glm_defaults_and_mass_confint() -> Result<(), oncostat::Error> {
    let r = &read_json("logistic_glm_values.json")["infert_glm_defaults"];
    let one = |k: &str| numbers(&r[k])[0];
    let (x, y) = model("infert.csv", "case", &COVS);
    let fit = LogisticRegression::new()
        .ci(CiMethod::ProfileLikelihoodMass)
        .fit(&x, &y)?;
    assert_eq!(
        Some(fit.convergence().iterations() as u64),
        r["iterations"].as_u64()
    );
    assert_rel_close(
        fit.deviance(),
        one("deviance"),
        one("deviance_tolerance"),
        "deviance",
    );
    let (beta, se_glm) = (numbers(&r["coef"]), numbers(&r["se_glm"]));
    let (lower, upper) = (numbers(&r["mass_lower"]), numbers(&r["mass_upper"]));
    let (glm_tol, mass_tol) = (one("glm_tolerance"), one("mass_tolerance"));
    assert_eq!(beta.len(), 5);
    let ci = fit.conf_int(0.95)?;
    for j in 0..5 {
        assert_rel_close(fit.coefficients()[j], beta[j], glm_tol, "glm coef");
        assert_rel_close(fit.std_errors_glm()[j], se_glm[j], glm_tol, "glm se");
        assert_rel_close(ci[j].0, lower[j], mass_tol, "MASS lower");
        assert_rel_close(ci[j].1, upper[j], mass_tol, "MASS upper");
    }
    Ok(())
}

/// Case weights and offsets (R 4.2.2):
/// `glm(case ~ age + parity, binomial, infert, weights = 1 + (row %% 3), offset = 0.1 * spontaneous)`.
#[test]
fn weights_and_offsets_match_glm() -> Result<(), oncostat::Error> {
    let r = &read_json("logistic_glm_values.json")["infert_weights_offsets"];
    let one = |k: &str| numbers(&r[k])[0];
    let (x, y) = model("infert.csv", "case", &["age", "parity"]);
    let cols = common::csv::Csv::read("infert.csv");
    let n = y.len();
    let w: Vec<f64> = (1..=n).map(|i| 1.0 + (i % 3) as f64).collect();
    let o: Vec<f64> = cols
        .numbers("spontaneous")
        .iter()
        .map(|s| 0.1 * s)
        .collect();
    let y = y.with_weights(w)?.with_offsets(o)?;
    let fit = LogisticRegression::new().fit(&x, &y)?;
    let (beta, se_glm, se_exact) = (
        numbers(&r["coef"]),
        numbers(&r["se_glm"]),
        numbers(&r["se_exact"]),
    );
    assert_eq!(beta.len(), 3);
    for j in 0..3 {
        assert_rel_close(
            fit.coefficients()[j],
            beta[j],
            one("coef_tolerance"),
            "coef",
        );
        assert_rel_close(
            fit.std_errors_glm()[j],
            se_glm[j],
            one("coef_tolerance"),
            "se (glm)",
        );
        assert_rel_close(
            fit.std_errors()[j],
            se_exact[j],
            one("se_exact_tolerance"),
            "se at estimate",
        );
    }
    assert_rel_close(
        fit.deviance(),
        one("deviance"),
        one("deviance_tolerance"),
        "deviance",
    );
    assert_rel_close(
        fit.null_deviance(),
        one("null_deviance"),
        one("deviance_tolerance"),
        "null deviance",
    );
    assert_eq!(
        Some(fit.convergence().iterations() as u64),
        r["iterations"].as_u64()
    );
    Ok(())
}

/// endometrial is quasi-separated by NV: R's glm "converges" (17 iterations) to NV 18.19 with
/// se 1716 and no warning; the fit here reproduces that path and flags NV.
#[test]
fn quasi_separation_is_flagged() -> Result<(), oncostat::Error> {
    let r = &read_json("logistic_glm_values.json")["endometrial_quasi_separation"];
    let (x, y) = model("endometrial.csv", "HG", &["NV", "PI", "EH"]);
    let fit = LogisticRegression::new().fit(&x, &y)?;
    let tol = tolerance(r);
    assert_rel_close(
        fit.coefficients()[1],
        numbers(&r["nv"])[0],
        tol,
        "NV (R path)",
    );
    assert_rel_close(
        fit.coefficients()[0],
        numbers(&r["intercept"])[0],
        tol,
        "intercept",
    );
    assert_eq!(
        Some(fit.convergence().iterations() as u64),
        r["iterations"].as_u64()
    );
    assert_eq!(fit.separation(), Some(&["NV".to_string()][..]));
    assert!(matches!(
        fit.clone().require_converged(),
        Err(oncostat::Error::Separation { .. })
    ));
    // the profile bound towards +inf is never reached
    let ci = fit.conf_int(0.95)?;
    assert!(ci[1].1.is_nan() || ci[1].1 > 1e3);
    Ok(())
}
