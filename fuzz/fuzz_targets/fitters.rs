//! Fuzzes every fitter on arbitrary finite data: Cox (Efron, Breslow; strata, weights,
//! offsets, initial values, robust / cluster variance), Kaplan–Meier (every confidence type;
//! groups), log-rank (rho; strata, also one-row strata; more groups than the cap), survreg
//! (Weibull, log-normal, Gaussian; strata, weights, offsets), restricted mean survival, Fine–Gray
//! (the group as the cause), logistic regression (ML with profile and Wald intervals;
//! offsets) and Firth (with FLIC/FLAC), at covariate scales 10^-300 … 10^300, times in units
//! up to 10^300 and weights, offsets and initial values up to the ends of the double range
//! (issue 19). Checks: no panic; every accessor and `Display` can be called on a returned
//! fit; a converged Cox, survreg, Fine–Gray or logistic fit has finite coefficients, standard
//! errors > 0 and a finite log-likelihood; no text output prints `NaN`.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use oncostat::{
    BinaryOutcome, CompetingRisksData, ConfType, CoxPh, Design, FineGray, FirthCoxPh,
    FirthRegression, KaplanMeier, KmTable, LogRank, LogisticRegression, Rmst, SurvReg,
    SurvRegDist, SurvivalData, Ties,
};

#[derive(Debug, Arbitrary)]
struct Row {
    time: u16,
    event: bool,
    group: u8,
    stratum: u8,
    weight: u8,
    x: [f64; 3],
}

#[derive(Debug, Arbitrary)]
struct Input {
    rows: Vec<Row>,
    n_covariates: u8,
    /// Power of ten applied to the covariates (−300 ..= 300).
    scale: i16,
    /// Power of ten applied to the weights (−320 ..= 308), when `options2` bit 0.
    weight_scale: i16,
    /// Offsets `x0 · 10^k` (k −5 ..= 308), when `options2` bit 1.
    offset_scale: i16,
    /// Initial Cox coefficient `10^k` (k −5 ..= 308), when `options2` bit 2.
    init_scale: i16,
    options2: u8,
    time_scale: u8,
    rho: u8,
    options: u8,
    /// Counting-process `(start, stop]` rows for the Cox fits.
    counting: bool,
}

fuzz_target!(|input: Input| {
    let n = input.rows.len();
    if n == 0 || n > 60 {
        return;
    }
    let p = 1 + usize::from(input.n_covariates % 3);
    let scale = 10f64.powi(i32::from(input.scale % 301));
    if input
        .rows
        .iter()
        .any(|r| r.x.iter().any(|v| !(v * scale).is_finite()))
    {
        return;
    }
    let opt = |bit: u8| input.options & (1 << bit) != 0;
    let time_scale = [1.0, 0.1, 1e-3, 365.25, 1e150, 1e300][usize::from(input.time_scale % 6)];
    let time: Vec<f64> = input
        .rows
        .iter()
        .map(|r| f64::from(r.time % 500) * time_scale)
        .collect();
    let event: Vec<bool> = input.rows.iter().map(|r| r.event).collect();
    let groups: Vec<u8> = input.rows.iter().map(|r| r.group % 3).collect();
    let strata: Vec<u8> = input.rows.iter().map(|r| r.stratum % 2).collect();
    let opt2 = |bit: u8| input.options2 & (1 << bit) != 0;
    let weight_factor = if opt2(0) {
        10f64.powi(i32::from(input.weight_scale % 321).min(308))
    } else {
        1.0
    };
    let weights: Vec<f64> = input
        .rows
        .iter()
        .map(|r| (0.5 + f64::from(r.weight % 4)) * weight_factor)
        .collect();
    let offsets: Option<Vec<f64>> = opt2(1).then(|| {
        let k = 10f64.powi(i32::from(input.offset_scale % 309));
        input
            .rows
            .iter()
            .map(|r| (r.x[0] * k).clamp(-1e308, 1e308))
            .collect()
    });
    let columns: Vec<(String, Vec<f64>)> = (0..p)
        .map(|j| {
            (
                format!("x{j}"),
                input.rows.iter().map(|r| r.x[j] * scale).collect(),
            )
        })
        .collect();
    let Ok(x) = Design::from_columns(columns) else {
        return;
    };
    let Ok(mut data) = SurvivalData::new(time, event.clone()) else {
        return;
    };

    // Kaplan–Meier and log-rank.
    let conf = [ConfType::Log, ConfType::LogLog, ConfType::Plain][usize::from(input.rho % 3)];
    let km = KaplanMeier::new().conf_type(conf);
    if let Ok(fits) = km.fit_groups(&data, &groups) {
        let _ = KmTable::new(&fits).to_string();
        for f in &fits {
            let _ = (f.median(), f.median_ci(), f.restricted_mean());
            let _ = f.quantile(0.25);
            let _ = f.survival_at(&[0.0, 10.0, 100.0, 1e9]);
            let _ = f.restricted_mean_to(50.0);
        }
    }
    if let Ok(f) = km.fit(&data) {
        let _ = KmTable::new(std::slice::from_ref(&f)).to_string();
    }
    // restricted mean survival up to 80 % of the largest time
    let tau = 0.8 * data.time().iter().copied().fold(0.0, f64::max);
    if let Ok(r) = Rmst::new(tau).compare(&data, &groups) {
        let text = r.to_string();
        assert!(!text.contains("NaN"), "{text}");
    }
    // Fine–Gray: an event of group 0 is the cause of interest, of groups 1, 2 the competing one
    let cause: Vec<f64> = event
        .iter()
        .zip(&groups)
        .map(|(&e, &g)| if !e { 0.0 } else if g == 0 { 1.0 } else { 2.0 })
        .collect();
    if let Ok(cr) = CompetingRisksData::new(data.time().to_vec(), &cause)
        && let Ok(fit) = FineGray::new(1).fit(&cr, &x)
    {
        let text = fit.to_string();
        assert!(!text.contains("NaN"), "{text}");
        if fit.converged() {
            assert!(fit.loglik().is_finite(), "{text}");
            for j in 0..p {
                assert!(fit.coefficients()[j].is_finite(), "{text}");
                assert!(fit.std_errors()[j].is_finite(), "{text}");
                assert!(fit.std_errors()[j] > 0.0, "{text}");
            }
        }
        let _ = (fit.conf_int(0.95), fit.lr_test(), fit.coef_table(0.95));
    }
    let rho = f64::from(input.rho % 4) / 2.0;
    if let Ok(t) = LogRank::new().rho(rho).test(&data, &groups) {
        let text = t.to_string();
        assert!(!text.contains("NaN"), "{text}");
        let _ = (t.p_value(), t.chisq());
    }
    // more groups than the cap: a named error, before any k × k work
    if opt2(3) {
        let ids: Vec<usize> = (0..1001).collect();
        let many = SurvivalData::from_status(
            (0..1001).map(|i| f64::from(i % 13 + 1)).collect(),
            &(0..1001).map(|i| f64::from(i % 2)).collect::<Vec<_>>(),
        )
        .expect("many groups data");
        assert!(matches!(
            LogRank::new().test(&many, &ids),
            Err(oncostat::Error::TooManyGroups { .. })
        ));
    }

    // Cox.
    if opt(0)
        && let Ok(d) = data.clone().with_strata(&strata)
    {
        data = d;
    }
    if opt(1)
        && let Ok(d) = data.clone().with_weights(weights.clone())
    {
        data = d;
    }
    if let Some(o) = &offsets
        && let Ok(d) = data.clone().with_offsets(o.clone())
    {
        data = d;
    }
    if opt(2)
        && let Ok(t) = LogRank::new().test(&data, &groups)
    {
        let _ = t.to_string();
    }
    if input.counting {
        // start = stop - (1..3) time units: may be negative, always before the stop
        let start: Vec<f64> = input
            .rows
            .iter()
            .zip(data.time())
            .map(|(r, &t)| t - f64::from(1 + r.stratum % 3) * time_scale)
            .collect();
        if let Ok(d) = data.clone().with_start(start) {
            data = d;
        }
    }
    let ties = if opt(3) { Ties::Breslow } else { Ties::Efron };
    let mut cox = CoxPh::new().ties(ties);
    if opt(7) {
        cox = cox.variance(oncostat::CoxVariance::Robust);
    }
    if opt(2)
        && opt(4)
        && let Ok(d) = data.clone().with_clusters(&groups)
    {
        data = d;
    }
    if opt2(2) {
        let b = 10f64.powi(i32::from(input.init_scale % 309));
        cox = cox.init(vec![if opt2(4) { -b } else { b }; p]);
    }
    if let Ok(fit) = cox.fit(&data, &x) {
        let text = fit.to_string();
        assert!(!text.contains("NaN"), "{text}");
        if fit.convergence().converged() {
            assert!(fit.loglik().is_finite() && fit.loglik_null().is_finite());
            let se = fit.robust_std_errors().unwrap_or(fit.std_errors());
            for j in 0..p {
                if !fit.aliased()[j] {
                    assert!(fit.coefficients()[j].is_finite(), "{text}");
                    assert!(se[j].is_finite() && se[j] > 0.0, "{text}");
                }
            }
        }
        if opt(5) {
            let _ = fit.zph().map(|z| z.to_string());
        }
        let _ = fit.conf_int(0.95);
        let _ = fit.coef_table(0.9).map(|t| t.to_string());
        let _ = (
            fit.lr_test(),
            fit.wald_test(),
            fit.score_test(),
            fit.concordance(),
        );
        let _ = fit.require_converged();
    }

    // survreg on the same data (strata, weights, offsets; counting data is refused).
    let dist = [
        SurvRegDist::Weibull,
        SurvRegDist::Lognormal,
        SurvRegDist::Gaussian,
    ][usize::from(input.time_scale / 4 % 3)];
    if let Ok(fit) = SurvReg::new(dist).fit(&data, &x.clone().with_intercept()) {
        let text = fit.to_string();
        assert!(!text.contains("NaN"), "{text}");
        if fit.convergence().converged() {
            assert!(fit.loglik().is_finite(), "{text}");
            for j in 0..=p {
                if !fit.aliased()[j] {
                    assert!(fit.coefficients()[j].is_finite(), "{text}");
                    assert!(fit.std_errors()[j].is_finite(), "{text}");
                }
            }
        }
        let _ = (fit.conf_int(0.95), fit.lr_test(), fit.coef_table(0.95));
    }

    // Firth-penalized Cox (coxphf).
    if let Ok(fit) = FirthCoxPh::new()
        .ci(if opt(6) {
            oncostat::CiMethod::ProfilePenalizedLikelihood
        } else {
            oncostat::CiMethod::Wald
        })
        .fit(&data, &x)
    {
        let _ = fit.to_string();
        let _ = fit.lr_test();
        let _ = fit.coef_table(0.95).map(|t| t.to_string());
        if opt(6) {
            let _ = fit.penalized_lr_tests();
        }
    }

    // Logistic: ML and Firth, outcome = the event indicator.
    let status: Vec<f64> = event.iter().map(|&e| f64::from(u8::from(e))).collect();
    let Ok(mut y) = BinaryOutcome::new(&status) else {
        return;
    };
    if opt2(5)
        && let Ok(w) = y.clone().with_weights(weights)
    {
        y = w;
    }
    if let Some(o) = offsets
        && let Ok(w) = y.clone().with_offsets(o)
    {
        y = w;
    }
    let xi = x.with_intercept();
    let method = if opt(4) {
        oncostat::CiMethod::ProfileLikelihood
    } else {
        oncostat::CiMethod::Wald
    };
    if let Ok(fit) = LogisticRegression::new().ci(method).fit(&xi, &y) {
        let text = fit.to_string();
        assert!(!text.contains("NaN"), "{text}");
        if fit.convergence().converged() {
            assert!(fit.loglik().is_finite());
            for j in 0..xi.ncols() {
                if !fit.aliased()[j] {
                    assert!(fit.coefficients()[j].is_finite(), "{text}");
                    assert!(fit.std_errors()[j] > 0.0, "{text}");
                }
            }
        }
        let _ = fit.conf_int(0.95);
        if opt(4) {
            let _ = fit.lr_tests();
        }
        let _ = fit.lr_test();
        let _ = fit.coef_table(0.95).map(|t| t.to_string());
    }
    let firth = FirthRegression::new();
    if let Ok(fit) = firth.fit(&xi, &y) {
        let _ = fit.to_string();
        let _ = fit.lr_test();
        if opt(5) {
            let _ = fit.conf_int(0.95);
            let _ = fit.penalized_lr_tests();
        }
        let _ = fit.predict(&xi);
    }
    if opt(6) {
        let _ = firth.flic(&xi, &y).map(|f| f.intercept_conf_int());
        let _ = firth.flac(&xi, &y).map(|f| f.fitted().len());
    }
});
