//! ML logistic regression against R 4.2.2 `glm` / MASS 7.3-58.2 (infert, `tests/data`).

mod logit_common;

use logit_common::{assert_close, model, read_json};
use oncostat::{LogisticCi, LogisticRegression};

const COVS: [&str; 4] = ["age", "parity", "spontaneous", "induced"];

#[test]
fn infert_matches_reference_json() -> Result<(), oncostat::Error> {
    let reference = read_json("logit_infert.json");
    let tol = reference["tolerance"].as_f64().unwrap_or(1e-6);
    let (x, y) = model("infert.csv", "case", &COVS);
    let fit = LogisticRegression::new().fit(&x, &y)?.require_converged()?;
    assert_eq!(fit.n_obs(), reference["n"].as_u64().unwrap_or(0) as usize);
    assert_close(
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
        assert_close(
            fit.coefficients()[j],
            g("coef"),
            tol,
            &format!("{name} coef"),
        );
        assert_close(fit.std_errors()[j], g("se"), tol, &format!("{name} se"));
        assert_close(z[j], g("z"), tol, &format!("{name} z"));
        assert_close(p[j], g("p_wald"), tol, &format!("{name} p_wald"));
        assert_close(or[j], g("or"), tol, &format!("{name} or"));
        assert_close(ci[j].0, g("lower"), tol, &format!("{name} lower"));
        assert_close(ci[j].1, g("upper"), tol, &format!("{name} upper"));
        match (&lr[j], row["p_lr"].as_f64()) {
            (Some(t), Some(pr)) => assert_close(t.p_value(), pr, tol, &format!("{name} p_lr")),
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
    assert_close(fit.deviance(), 260.943367487118, 1e-10, "deviance");
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
        assert_close(fit.coefficients()[j], beta[j], 1e-10, "glm coef");
        assert_close(fit.std_errors_glm()[j], se_glm[j], 1e-10, "glm se");
        assert_close(ci[j].0, mass[j].0, 1e-6, "MASS lower");
        assert_close(ci[j].1, mass[j].1, 1e-6, "MASS upper");
    }
    Ok(())
}
