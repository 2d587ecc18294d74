//! survreg invariants: time rescaling, the exponential as a Weibull with scale 1, errors on
//! bad input, non-convergence flagged, predictions against closed forms.

use oncostat::{Design, Error, SurvReg, SurvRegDist, SurvivalData};

fn lung() -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut rdr = csv::Reader::from_path(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/survreg_lung.csv"),
    )
    .expect("csv");
    let (mut t, mut s, mut age, mut sex) = (vec![], vec![], vec![], vec![]);
    for r in rdr.records() {
        let r = r.expect("row");
        t.push(r[0].parse().expect("time"));
        s.push(r[1].parse().expect("status"));
        age.push(r[2].parse().expect("age"));
        sex.push(r[3].parse().expect("sex"));
    }
    (t, s, age, sex)
}

fn design(age: &[f64], sex: &[f64]) -> Design {
    Design::from_columns([("age", age.to_vec()), ("sex", sex.to_vec())])
        .expect("design")
        .with_intercept()
}

#[test]
fn rescaling_time_shifts_the_intercept_by_log_c() {
    let (t, s, age, sex) = lung();
    let x = design(&age, &sex);
    for dist in [
        SurvRegDist::Weibull,
        SurvRegDist::Exponential,
        SurvRegDist::Lognormal,
        SurvRegDist::Loglogistic,
    ] {
        let base = SurvReg::new(dist)
            .fit(&SurvivalData::from_status(t.clone(), &s).expect("data"), &x)
            .expect("fit");
        for c in [1.0 / 365.25, 12.0, 1000.0] {
            let tc: Vec<f64> = t.iter().map(|v| v * c).collect();
            let fit = SurvReg::new(dist)
                .fit(&SurvivalData::from_status(tc, &s).expect("data"), &x)
                .expect("fit");
            let b0 = base.coefficients();
            let b1 = fit.coefficients();
            assert!(
                (b1[0] - b0[0] - c.ln()).abs() < 1e-6,
                "{dist} intercept, c = {c}"
            );
            for j in 1..3 {
                assert!((b1[j] - b0[j]).abs() < 1e-6, "{dist} slope {j}, c = {c}");
            }
            for (a, b) in fit.scales().iter().zip(base.scales()) {
                assert!((a - b).abs() < 1e-6, "{dist} scale");
            }
            // the Jacobian: loglik moves by -d log c
            let shift = -(base.n_events() as f64) * c.ln();
            assert!((fit.loglik() - base.loglik() - shift).abs() < 1e-6);
            assert!((fit.lr_test().statistic() - base.lr_test().statistic()).abs() < 1e-6);
        }
    }
}

#[test]
fn weibull_with_scale_one_is_the_exponential() {
    let (t, s, age, sex) = lung();
    let data = SurvivalData::from_status(t, &s).expect("data");
    let x = design(&age, &sex);
    let w = SurvReg::new(SurvRegDist::Weibull)
        .scale(1.0)
        .fit(&data, &x)
        .expect("w");
    let e = SurvReg::new(SurvRegDist::Exponential)
        .fit(&data, &x)
        .expect("e");
    assert_eq!(w.convergence().iterations(), e.convergence().iterations());
    for j in 0..3 {
        assert!((w.coefficients()[j] - e.coefficients()[j]).abs() < 1e-12);
        assert!((w.std_errors()[j] - e.std_errors()[j]).abs() < 1e-12);
    }
    assert!((w.loglik() - e.loglik()).abs() < 1e-9);
    assert!(e.scale_names().is_empty() && e.fixed_scale());
    // PH form of the exponential: HR = exp(-beta), same SE
    let ph = e.hazard_ratios(0.95).expect("level").expect("exponential");
    assert!((ph.rows()[1].estimate + e.coefficients()[2]).abs() < 1e-12);
    assert!((ph.rows()[1].std_error - e.std_errors()[2]).abs() < 1e-12);
}

#[test]
fn zero_time_is_an_error_for_log_time_distributions() {
    let t = vec![0.0, 5.0, 8.0, 3.0];
    let s = [1.0, 1.0, 0.0, 1.0];
    let data = SurvivalData::from_status(t, &s).expect("data");
    let x = Design::from_columns([("a", vec![0.0, 1.0, 0.0, 1.0])])
        .expect("x")
        .with_intercept();
    for dist in [
        SurvRegDist::Weibull,
        SurvRegDist::Lognormal,
        SurvRegDist::Loglogistic,
    ] {
        let err = SurvReg::new(dist).fit(&data, &x).expect_err("zero time");
        assert!(
            matches!(err, Error::InvalidTimeForDistribution { row: 1, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("row 1"));
    }
    // the Gaussian on t itself accepts 0
    assert!(SurvReg::new(SurvRegDist::Gaussian).fit(&data, &x).is_ok());
}

#[test]
fn bad_settings_and_data_are_errors() {
    let data = SurvivalData::from_status(vec![2.0, 5.0, 8.0, 3.0], &[1.0, 1.0, 0.0, 1.0])
        .expect("data")
        .with_strata(&[0, 1, 0, 1])
        .expect("strata");
    let x = Design::from_columns([("a", vec![0.0, 1.0, 0.0, 1.0])])
        .expect("x")
        .with_intercept();
    assert!(matches!(
        SurvReg::new(SurvRegDist::Exponential).fit(&data, &x),
        Err(Error::InvalidParameter { name: "scale", .. })
    ));
    assert!(
        SurvReg::new(SurvRegDist::Weibull)
            .scale(-1.0)
            .fit(&data, &x)
            .is_err()
    );
    let none = SurvivalData::from_status(vec![2.0, 5.0], &[0.0, 0.0]).expect("data");
    let x2 = Design::from_columns([("(Intercept)", vec![1.0, 1.0])]).expect("x");
    assert!(matches!(
        SurvReg::new(SurvRegDist::Weibull).fit(&none, &x2),
        Err(Error::NoEvents { .. })
    ));
    let counting = SurvivalData::counting(vec![0.0, 1.0], vec![2.0, 3.0], vec![true, false])
        .expect("counting");
    assert!(matches!(
        SurvReg::new(SurvRegDist::Weibull).fit(&counting, &x2),
        Err(Error::CountingProcessNotSupported { .. })
    ));
}

#[test]
fn non_convergence_is_flagged() {
    let (t, s, age, sex) = lung();
    let data = SurvivalData::from_status(t, &s).expect("data");
    let fit = SurvReg::new(SurvRegDist::Weibull)
        .max_iter(2)
        .fit(&data, &design(&age, &sex))
        .expect("fit");
    assert!(!fit.convergence().converged());
    assert_eq!(fit.convergence().iterations(), 2);
    assert!(fit.require_converged().is_err());
}

#[test]
fn predictions_agree_with_closed_forms() {
    let (t, s, age, sex) = lung();
    let data = SurvivalData::from_status(t, &s).expect("data");
    let x = design(&age, &sex);
    let profile = [1.0, 60.0, 2.0];
    for dist in [
        SurvRegDist::Weibull,
        SurvRegDist::Exponential,
        SurvRegDist::Lognormal,
        SurvRegDist::Loglogistic,
    ] {
        let fit = SurvReg::new(dist).fit(&data, &x).expect("fit");
        let sigma = fit.scales()[0];
        let lp: f64 = profile
            .iter()
            .zip(fit.coefficients().iter())
            .map(|(a, b)| a * b)
            .sum();
        // S at the predicted quantile is 1 - p
        for p in [0.1, 0.5, 0.9] {
            let q = fit.quantile_at(&profile, 0, p).expect("q");
            let c = fit
                .survival_curve(&profile, 0, &[q.estimate], 0.95)
                .expect("S");
            assert!((c[0].surv - (1.0 - p)).abs() < 1e-10, "{dist} p = {p}");
            assert!(c[0].lower < c[0].surv && c[0].surv < c[0].upper);
        }
        // the restricted mean tends to the mean, and equals it in closed form for the
        // exponential; a long horizon extrapolates far past follow-up
        let m = fit.mean_survival(&profile, 0, 1e15).expect("mean");
        if let Some(mean) = m.mean {
            assert!(
                (m.restricted - mean).abs() < 1e-6 * mean,
                "{dist}: {} vs {mean}",
                m.restricted
            );
        }
        if dist == SurvRegDist::Weibull {
            let g = statrs_gamma(1.0 + sigma);
            assert!((m.mean.expect("finite") - lp.exp() * g).abs() < 1e-8 * lp.exp());
        }
        let tau = 500.0;
        let r = fit.mean_survival(&profile, 0, tau).expect("rmst");
        if dist == SurvRegDist::Exponential {
            let mu = lp.exp();
            assert!((r.restricted - mu * (1.0 - (-tau / mu).exp())).abs() < 1e-9 * mu);
        }
        assert!(r.restricted < tau && r.restricted_se > 0.0);
        // numerical check of the delta-method SE's gradient: S at t moves with beta
        let grid = fit.time_grid(2.0, 4).expect("grid");
        assert_eq!(grid.len(), 5);
        assert!((grid[4] - 2.0 * fit.max_time()).abs() < 1e-9);
        let curve = fit.survival_curve(&profile, 0, &grid, 0.95).expect("curve");
        assert!(curve.windows(2).all(|w| w[1].surv <= w[0].surv));
    }
}

/// Γ(x) by the Lanczos approximation (g = 7, n = 9), accurate to ~1e-15.
fn statrs_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    (2.0 * std::f64::consts::PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * a
}
