//! Firth logistic regression against logistf 1.26.1 / brglm2 0.9 / firthmodels
//! (algorithms.md §9.11–9.12 and `tests/data/firth_endometrial*.json`).

mod common;

use common::{assert_rel_close, json as read_json, logistic_model as model};
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
        fit.log_likelihood(),
        reference["loglik"].as_f64().unwrap_or(0.0),
        tol,
        "loglik",
    );
    let (se, z, p) = (fit.std_errors(), fit.z_values(), fit.p_values_wald());
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
        fit.penalized_log_likelihood(),
        reference["penalized_loglik"].as_f64().unwrap_or(0.0),
        tol,
        "penalized loglik",
    );
    let cis = fit.profile_cis(0.95)?;
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
/// augmented SEs, PLR χ², null and full penalized log-likelihoods, iteration counts.
#[test]
fn endometrial_matches_logistf_defaults() -> Result<(), oncostat::Error> {
    let (x, y) = model("endometrial.csv", "HG", &ENDO);
    let fit = FirthRegression::new().fit(&x, &y)?;
    let coef = [
        3.7745595093083,
        2.9292732969675,
        -0.0347517521155,
        -2.6041638719814,
    ];
    let ci = [
        (1.082537108455, 7.2092804982461),
        (0.609724436304, 7.8546317138705),
        (-0.124458720852, 0.0404554731806),
        (-4.365183247261, -1.2327210572176),
    ];
    let chisq = [
        8.198013575845,
        6.798457248666,
        0.746828513432,
        17.759317479437,
    ];
    let se_aug = [
        1.4390067200104,
        1.4649741493971,
        0.0378923667031,
        0.7536283804480,
    ];
    let se = [1.4886916021, 1.5507636910, 0.0395781458, 0.7760176213];
    let cis = fit.profile_cis(0.95)?;
    let tests = fit.penalized_lr_tests()?;
    for j in 0..4 {
        assert_rel_close(
            fit.coefficients()[j],
            coef[j],
            R_MATCH_REL,
            "coef (logistf default)",
        );
        assert_rel_close(
            fit.std_errors_augmented()[j],
            se_aug[j],
            R_MATCH_REL,
            "se augmented",
        );
        assert_rel_close(fit.std_errors()[j], se[j], R_MATCH_REL, "se (X'WX)^-1");
        assert_rel_close(cis[j].0, ci[j].0, R_MATCH_REL, "PL lower");
        assert_rel_close(cis[j].1, ci[j].1, R_MATCH_REL, "PL upper");
        assert_rel_close(tests[j].statistic(), chisq[j], R_MATCH_REL, "PLR chisq");
    }
    assert_rel_close(
        fit.penalized_log_likelihood(),
        -24.037267800698,
        R_MATCH_REL,
        "l* full",
    );
    assert_rel_close(
        fit.null_penalized_log_likelihood(),
        -45.865177033570,
        R_MATCH_REL,
        "l* null",
    );
    assert_rel_close(fit.lr_test().statistic(), 43.6558184657, R_MATCH_REL, "LR");
    assert!((fit.lr_test().df() - 3.0).abs() < 1e-12);
    assert_eq!(fit.convergence().iterations(), 10);
    assert_eq!(fit.null_convergence().iterations(), 2);
    Ok(())
}

#[test]
fn endometrial_flic_and_flac() -> Result<(), oncostat::Error> {
    let (x, y) = model("endometrial.csv", "HG", &ENDO);
    let flac = FirthRegression::new().flac(&x, &y)?;
    let coef = [
        3.798160711729,
        2.941366547453,
        -0.034610030357,
        -2.614263389459,
    ];
    for (j, c) in coef.iter().enumerate() {
        assert_rel_close(flac.coefficients()[j], *c, 1e-5, "FLAC coef");
    }
    let ci = flac.profile_cis(0.95)?;
    assert_rel_close(ci[1].0, 0.676344536179, 1e-5, "FLAC NV lower");
    assert_rel_close(ci[1].1, 7.4526342837335, 1e-5, "FLAC NV upper");
    assert_rel_close(ci[3].0, -4.280830395538, 1e-5, "FLAC EH lower");
    assert_rel_close(ci[3].1, -1.2858974676081, 1e-5, "FLAC EH upper");
    let flic = FirthRegression::new().flic(&x, &y)?;
    assert_rel_close(
        flic.coefficients()[0],
        3.7860832848716,
        1e-6,
        "FLIC intercept",
    );
    let (lo, hi) = flic.intercept_conf_int();
    assert!(
        (lo - 0.8693).abs() < 5e-5 && (hi - 6.7029).abs() < 5e-5,
        "FLIC CI {lo} {hi}"
    );
    // FLIC: mean predicted probability equals the event rate
    let rate = y.values().iter().sum::<f64>() / y.len() as f64;
    let mean = flic.fitted().iter().sum::<f64>() / y.len() as f64;
    assert_rel_close(mean, rate, 1e-8, "FLIC calibration");
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
    assert_rel_close(f0.log_likelihood(), ml.log_likelihood(), 1e-12, "loglik");
    let ci_ml = ml.conf_int(0.95, oncostat::LogisticCi::ProfileExact)?;
    let ci_f = f0.profile_cis(0.95)?;
    for j in 0..5 {
        assert_rel_close(ci_f[j].0, ci_ml[j].0, 1e-6, "lower");
        assert_rel_close(ci_f[j].1, ci_ml[j].1, 1e-6, "upper");
    }
    Ok(())
}

/// algorithms.md §9.12: lung, `wt_grp ~ age + sex + ph.ecog + meal.cal` (n = 170), logistf
/// 1.26.1 (= SAS FIRTH with CLPARM=PL); SE `(XᵀWX)⁻¹` from brglm2 0.9 `AS_mean`
/// (`tests/data/lung_firth.csv`, exported from R 4.2.2 survival 3.5-3).
#[test]
fn lung_matches_logistf_and_sas() -> Result<(), oncostat::Error> {
    let (x, y) = model(
        "lung_firth.csv",
        "wt_grp",
        &["age", "sex", "ph.ecog", "meal.cal"],
    );
    assert_eq!(x.nrows(), 170);
    let fit = FirthRegression::new().fit(&x, &y)?;
    let coef = [
        3.1532937559926,
        -0.0098111678246,
        -0.8455619157916,
        0.4018229705681,
        -0.0008495327458,
    ];
    let ci = [
        (0.051844703441, 6.410119483),
        (-0.050518147589, 0.02974343489),
        (-1.571158739505, -0.1356810129),
        (-0.090278517913, 0.9093255255),
        (-0.001722033105, -7.098976325e-06),
    ];
    let p = [
        0.04624508524,
        0.62876680266,
        0.01952717727,
        0.10992491882,
        0.04811912420,
    ];
    let se = [
        1.635493199827438,
        0.020654242171500768,
        0.3685393827181891,
        0.2564044885338606,
        0.000443551485721639,
    ];
    let se_aug = [1.60317, 0.0202316, 0.363213, 0.252009, 0.00042885];
    let cis = fit.profile_cis(0.95)?;
    let tests = fit.penalized_lr_tests()?;
    for j in 0..5 {
        assert_rel_close(fit.coefficients()[j], coef[j], R_MATCH_REL, "coef");
        // bounds and p printed with 10 significant digits
        assert_rel_close(cis[j].0, ci[j].0, 1e-9, "PL lower");
        assert_rel_close(cis[j].1, ci[j].1, 1e-9, "PL upper");
        assert_rel_close(tests[j].p_value(), p[j], 1e-9, "PLR p");
        assert_rel_close(fit.std_errors()[j], se[j], R_MATCH_REL, "se (X'WX)^-1");
        assert_rel_close(
            fit.std_errors_augmented()[j],
            se_aug[j],
            1e-5,
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
    assert!(text.contains("Likelihood ratio test=43.6558 on 3 df, p=1.79e-9, n=79"));
    Ok(())
}
