//! Firth logistic regression against logistf 1.26.1 / brglm2 0.9 / firthmodels
//! (algorithms.md §9.11–9.12 and `tests/data/firth_endometrial*.json`).

mod common;

use common::{assert_rel_close, json as read_json, logistic_model as model, numbers, tolerance};
use oncostat::tolerance::R_MATCH_REL;
use oncostat::{FirthRegression, LogisticRegression};

const ENDO: [&str; 3] = ["NV", "PI", "EH"];

#[test]
fn endometrial_matches_brglm2() -> Result<(), oncostat::Error> {
    let reference = read_json("firth_endometrial.json");
    let tol = reference["tolerance"].as_f64().unwrap_or(1e-6);
    let (x, y) = model("endometrial.csv", "HG", &ENDO);
    let fit = FirthRegression::new().fit(&x, &y)?.require_converged()?;
    assert_rel_close(
        fit.unpenalized_loglik(),
        reference["loglik"].as_f64().unwrap_or(0.0),
        tol,
        "loglik",
    );
    let (se, z, p) = (fit.std_errors(), fit.z_values(), fit.p_values());
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
        assert_rel_close(se[j], g("se"), tol, &format!("{name} se"));
        assert_rel_close(z[j], g("z"), tol, &format!("{name} z"));
        assert_rel_close(p[j], g("p_wald"), tol, &format!("{name} p"));
    }
    Ok(())
}

#[test]
fn endometrial_profile_penalized_likelihood_matches_logistf() -> Result<(), oncostat::Error> {
    let reference = read_json("firth_endometrial_pl.json");
    let tol = reference["tolerance"].as_f64().unwrap_or(1e-5);
    let (x, y) = model("endometrial.csv", "HG", &ENDO);
    let fit = FirthRegression::new().fit(&x, &y)?;
    assert_rel_close(
        fit.loglik(),
        reference["penalized_loglik"].as_f64().unwrap_or(0.0),
        tol,
        "penalized loglik",
    );
    let cis = fit.conf_int(0.95)?;
    let tests = fit.penalized_lr_tests()?;
    for row in reference["coefficients"].as_array().into_iter().flatten() {
        let name = row["name"].as_str().unwrap_or("");
        let j = fit
            .term_names()
            .iter()
            .position(|n| n == name)
            .unwrap_or(usize::MAX);
        let g = |k: &str| row[k].as_f64().unwrap_or(f64::NAN);
        assert_rel_close(
            fit.coefficients()[j],
            g("coef"),
            tol,
            &format!("{name} coef"),
        );
        assert_rel_close(cis[j].0, g("lower"), tol, &format!("{name} lower"));
        assert_rel_close(cis[j].1, g("upper"), tol, &format!("{name} upper"));
        assert_rel_close(tests[j].p_value(), g("p_lr"), tol, &format!("{name} p_lr"));
    }
    Ok(())
}

/// algorithms.md §9.11 (logistf 1.26.1 defaults): coefficients of logistf's own iteration,
/// augmented SEs, PLR χ², null and full penalized log-likelihoods, iteration counts
/// (`tests/data/firth_logistf_values.json`).
#[test]
fn endometrial_matches_logistf_defaults() -> Result<(), oncostat::Error> {
    let r = &read_json("firth_logistf_values.json")["endometrial_logistf_defaults"];
    let tol = tolerance(r);
    assert!(
        tol <= R_MATCH_REL,
        "the golden may not loosen the crate's promise"
    );
    let (x, y) = model("endometrial.csv", "HG", &ENDO);
    let fit = FirthRegression::new().fit(&x, &y)?;
    let (coef, se, se_aug) = (
        numbers(&r["coef"]),
        numbers(&r["se"]),
        numbers(&r["se_augmented"]),
    );
    let (lower, upper, chisq) = (
        numbers(&r["pl_lower"]),
        numbers(&r["pl_upper"]),
        numbers(&r["plr_chisq"]),
    );
    assert_eq!(coef.len(), 4);
    let cis = fit.conf_int(0.95)?;
    let tests = fit.penalized_lr_tests()?;
    for j in 0..4 {
        assert_rel_close(
            fit.coefficients()[j],
            coef[j],
            tol,
            "coef (logistf default)",
        );
        assert_rel_close(
            fit.std_errors_augmented()[j],
            se_aug[j],
            tol,
            "se augmented",
        );
        assert_rel_close(fit.std_errors()[j], se[j], tol, "se (X'WX)^-1");
        assert_rel_close(cis[j].0, lower[j], tol, "PL lower");
        assert_rel_close(cis[j].1, upper[j], tol, "PL upper");
        assert_rel_close(tests[j].statistic(), chisq[j], tol, "PLR chisq");
    }
    let one = |k: &str| numbers(&r[k])[0];
    assert_rel_close(fit.loglik(), one("penalized_loglik"), tol, "l* full");
    assert_rel_close(
        fit.loglik_null(),
        one("null_penalized_loglik"),
        tol,
        "l* null",
    );
    assert_rel_close(fit.lr_test().statistic(), one("lr_stat"), tol, "LR");
    assert!((fit.lr_test().df() - one("lr_df")).abs() < 1e-12);
    assert_eq!(
        Some(fit.convergence().iterations() as u64),
        r["iterations"].as_u64()
    );
    assert_eq!(
        Some(fit.null_convergence().iterations() as u64),
        r["null_iterations"].as_u64()
    );
    Ok(())
}

#[test]
fn endometrial_flic_and_flac() -> Result<(), oncostat::Error> {
    let golden = read_json("firth_logistf_values.json");
    let (x, y) = model("endometrial.csv", "HG", &ENDO);
    let r = &golden["endometrial_flac"];
    let tol = tolerance(r);
    let flac = FirthRegression::new().flac(&x, &y)?;
    for (j, c) in numbers(&r["coef"]).iter().enumerate() {
        assert_rel_close(flac.coefficients()[j], *c, tol, "FLAC coef");
    }
    let ci = flac.conf_int(0.95)?;
    let (nv, eh) = (numbers(&r["nv_pl"]), numbers(&r["eh_pl"]));
    assert_rel_close(ci[1].0, nv[0], tol, "FLAC NV lower");
    assert_rel_close(ci[1].1, nv[1], tol, "FLAC NV upper");
    assert_rel_close(ci[3].0, eh[0], tol, "FLAC EH lower");
    assert_rel_close(ci[3].1, eh[1], tol, "FLAC EH upper");
    let r = &golden["endometrial_flic"];
    let flic = FirthRegression::new().flic(&x, &y)?;
    assert_rel_close(
        flic.coefficients()[0],
        numbers(&r["intercept"])[0],
        tolerance(r),
        "FLIC intercept",
    );
    let (lo, hi) = flic.intercept_conf_int();
    let (want, abs_tol) = (
        numbers(&r["intercept_ci"]),
        numbers(&r["ci_tolerance_absolute"])[0],
    );
    assert!(
        (lo - want[0]).abs() < abs_tol && (hi - want[1]).abs() < abs_tol,
        "FLIC CI {lo} {hi}"
    );
    // FLIC: mean predicted probability equals the event rate
    let rate = y.values().iter().sum::<f64>() / y.len() as f64;
    let mean = flic.fitted().iter().sum::<f64>() / y.len() as f64;
    assert_rel_close(
        mean,
        rate,
        numbers(&r["calibration_tolerance"])[0],
        "FLIC calibration",
    );
    Ok(())
}

#[test]
fn tau_zero_reproduces_maximum_likelihood() -> Result<(), oncostat::Error> {
    let (x, y) = model(
        "infert.csv",
        "case",
        &["age", "parity", "spontaneous", "induced"],
    );
    let ml = LogisticRegression::new().epsilon(1e-14).fit(&x, &y)?;
    let f0 = FirthRegression::new()
        .tau(0.0)
        .xconv(1e-10)
        .gconv(1e-10)
        .lconv(1e-12)
        .fit(&x, &y)?;
    for j in 0..5 {
        assert_rel_close(f0.coefficients()[j], ml.coefficients()[j], 1e-9, "coef");
        assert_rel_close(f0.std_errors()[j], ml.std_errors()[j], 1e-9, "se");
    }
    assert_rel_close(f0.unpenalized_loglik(), ml.loglik(), 1e-12, "loglik");
    let ci_ml = ml.conf_int(0.95)?;
    let ci_f = f0.conf_int(0.95)?;
    for j in 0..5 {
        assert_rel_close(ci_f[j].0, ci_ml[j].0, 1e-6, "lower");
        assert_rel_close(ci_f[j].1, ci_ml[j].1, 1e-6, "upper");
    }
    Ok(())
}

/// algorithms.md §9.12: lung, `wt_grp ~ age + sex + ph.ecog + meal.cal` (n = 170), logistf
/// 1.26.1 (= SAS FIRTH with CLPARM=PL); SE `(XᵀWX)⁻¹` from brglm2 0.9 `AS_mean`
/// (`tests/data/lung_firth.csv`, exported from R 4.2.2 survival 3.5-3; values in
/// `tests/data/firth_logistf_values.json`).
#[test]
fn lung_matches_logistf_and_sas() -> Result<(), oncostat::Error> {
    let r = &read_json("firth_logistf_values.json")["lung_logistf_sas"];
    let (x, y) = model(
        "lung_firth.csv",
        "wt_grp",
        &["age", "sex", "ph.ecog", "meal.cal"],
    );
    assert_eq!(Some(x.nrows() as u64), r["n"].as_u64());
    let fit = FirthRegression::new().fit(&x, &y)?;
    let tol = tolerance(r);
    assert!(
        tol <= R_MATCH_REL,
        "the golden may not loosen the crate's promise"
    );
    // bounds and p printed with 10 significant digits, augmented se with 6
    let printed = numbers(&r["printed_tolerance"])[0];
    let aug_tol = numbers(&r["se_augmented_tolerance"])[0];
    let (coef, se, se_aug) = (
        numbers(&r["coef"]),
        numbers(&r["se"]),
        numbers(&r["se_augmented"]),
    );
    let (lower, upper, p) = (
        numbers(&r["pl_lower"]),
        numbers(&r["pl_upper"]),
        numbers(&r["plr_p"]),
    );
    assert_eq!(coef.len(), 5);
    let cis = fit.conf_int(0.95)?;
    let tests = fit.penalized_lr_tests()?;
    for j in 0..5 {
        assert_rel_close(fit.coefficients()[j], coef[j], tol, "coef");
        assert_rel_close(cis[j].0, lower[j], printed, "PL lower");
        assert_rel_close(cis[j].1, upper[j], printed, "PL upper");
        assert_rel_close(tests[j].p_value(), p[j], printed, "PLR p");
        assert_rel_close(fit.std_errors()[j], se[j], tol, "se (X'WX)^-1");
        assert_rel_close(
            fit.std_errors_augmented()[j],
            se_aug[j],
            aug_tol,
            "se augmented (6 digits)",
        );
    }
    Ok(())
}

#[test]
fn log_det_guard_is_a_singular_matrix_error() {
    let x =
        oncostat::Design::from_columns([("tiny", vec![1e-60, 2e-60, 3e-60, 4e-60, 5e-60, 6e-60])])
            .expect("design")
            .with_intercept();
    let y = oncostat::BinaryOutcome::new(&[0.0, 1.0, 0.0, 1.0, 1.0, 0.0]).expect("y");
    assert!(matches!(
        FirthRegression::new().fit(&x, &y),
        Err(oncostat::Error::SingularMatrix { .. })
    ));
}

#[test]
fn display_prints_logistf_layout() -> Result<(), oncostat::Error> {
    let (x, y) = model("endometrial.csv", "HG", &ENDO);
    let fit = FirthRegression::new().fit(&x, &y)?;
    let text = fit.to_string();
    let lines: Vec<&str> = text.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.contains("se(coef)"))
        .expect("header");
    assert_eq!(
        lines[header].split_whitespace().collect::<Vec<_>>(),
        [
            "coef", "se(coef)", "lower", "0.95", "upper", "0.95", "Chisq", "p", "method"
        ]
    );
    assert_eq!(
        lines[header + 2]
            .split_whitespace()
            .take(7)
            .collect::<Vec<_>>(),
        [
            "NV", "2.9293", "1.5508", "0.6097", "7.8546", "6.7985", "0.0091"
        ]
    );
    assert!(text.contains("Likelihood ratio test=43.6558 on 3 df, p=1.79e-09, n=79"));
    Ok(())
}
