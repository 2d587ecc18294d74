//! ML logistic regression against R 4.2.2 `glm` / MASS 7.3-58.2 (infert, `tests/data`).

mod common;

use common::{assert_rel_close, json as read_json, logistic_model as model};
use oncostat::{LogisticCi, LogisticRegression};

const COVS: [&str; 4] = ["age", "parity", "spontaneous", "induced"];

#[test]
fn infert_matches_reference_json() -> Result<(), oncostat::Error> {
    let reference = read_json("logit_infert.json");
    let tol = reference["tolerance"].as_f64().unwrap_or(1e-6);
    let (x, y) = model("infert.csv", "case", &COVS);
    let fit = LogisticRegression::new().fit(&x, &y)?.require_converged()?;
    assert_eq!(fit.n_obs(), reference["n"].as_u64().unwrap_or(0) as usize);
    assert_rel_close(
        fit.log_likelihood(),
        reference["loglik"].as_f64().unwrap_or(0.0),
        tol,
        "loglik",
    );
    let ci = fit.conf_int(0.95, LogisticCi::ProfileExact)?;
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

/// algorithms.md §9.9: R's default `glm` output and MASS `confint` (R 4.2.2, MASS 7.3-58.2).
#[test]
fn infert_matches_glm_defaults_and_mass_confint() -> Result<(), oncostat::Error> {
    let (x, y) = model("infert.csv", "case", &COVS);
    let fit = LogisticRegression::new().fit(&x, &y)?;
    assert_eq!(fit.convergence().iterations(), 4);
    assert_rel_close(fit.deviance(), 260.943367487118, 1e-10, "deviance");
    let beta = [
        -2.85239036704882,
        0.0531809874713105,
        -0.708830062064166,
        1.92533823653627,
        1.18965620960801,
    ];
    let se_glm = [
        1.00427637417329,
        0.0301413153178527,
        0.180910780840272,
        0.298626017587229,
        0.289871458961992,
    ];
    let mass = [
        (-4.87438889859816, -0.922218546996668),
        (-0.00542269040650453, 0.11325303367035),
        (-1.08149000761543, -0.369216260931466),
        (1.36636750791093, 2.54124666227097),
        (0.636132637165372, 1.77740315282351),
    ];
    let ci = fit.conf_int(0.95, LogisticCi::MassCompatible)?;
    for j in 0..5 {
        assert_rel_close(fit.coefficients()[j], beta[j], 1e-10, "glm coef");
        assert_rel_close(fit.std_errors_glm()[j], se_glm[j], 1e-10, "glm se");
        assert_rel_close(ci[j].0, mass[j].0, 1e-6, "MASS lower");
        assert_rel_close(ci[j].1, mass[j].1, 1e-6, "MASS upper");
    }
    Ok(())
}

/// Case weights and offsets (R 4.2.2):
/// `glm(case ~ age + parity, binomial, infert, weights = 1 + (row %% 3), offset = 0.1 * spontaneous)`.
#[test]
fn weights_and_offsets_match_glm() -> Result<(), oncostat::Error> {
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
    let beta = [
        -0.7697019625213897,
        0.00100758196605072,
        -0.00206543252801878,
    ];
    let se_glm = [0.5937206457715583, 0.0181306957284702, 0.0761934482492596];
    let se_exact = [0.5937232272367572, 0.0181307835534710, 0.0761937465378828];
    for j in 0..3 {
        assert_rel_close(fit.coefficients()[j], beta[j], 1e-9, "coef");
        assert_rel_close(fit.std_errors_glm()[j], se_glm[j], 1e-9, "se (glm)");
        assert_rel_close(fit.std_errors()[j], se_exact[j], 1e-8, "se at estimate");
    }
    assert_rel_close(fit.deviance(), 622.239517237640, 1e-12, "deviance");
    assert_rel_close(
        fit.null_deviance(),
        622.243144115703,
        1e-12,
        "null deviance",
    );
    assert_eq!(fit.convergence().iterations(), 4);
    Ok(())
}

/// endometrial is quasi-separated by NV: R's glm "converges" (17 iterations) to NV 18.19 with
/// se 1716 and no warning; the fit here reproduces that path and flags NV.
#[test]
fn quasi_separation_is_flagged() -> Result<(), oncostat::Error> {
    let (x, y) = model("endometrial.csv", "HG", &["NV", "PI", "EH"]);
    let fit = LogisticRegression::new().fit(&x, &y)?;
    assert_rel_close(
        fit.coefficients()[1],
        18.18555578683157,
        1e-6,
        "NV (R path)",
    );
    assert_rel_close(fit.coefficients()[0], 4.304517783057816, 1e-6, "intercept");
    assert_eq!(fit.convergence().iterations(), 17);
    assert_eq!(fit.separation(), Some(&["NV".to_string()][..]));
    assert!(matches!(
        fit.clone().require_converged(),
        Err(oncostat::Error::Separation { .. })
    ));
    // the profile bound towards +inf is never reached
    let ci = fit.conf_int(0.95, LogisticCi::ProfileExact)?;
    assert!(ci[1].1.is_nan() || ci[1].1 > 1e3);
    Ok(())
}
