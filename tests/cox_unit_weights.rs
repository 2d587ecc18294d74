//! Unweighted data keep no weight vector in the sorted risk sets (every weight is 1 without
//! one being stored, for the memory of large fits): the fits must not depend on that. Data
//! without weights and the same data with every weight 1 give the same numbers, bit for bit
//! (`{:?}` of an `f64` is its shortest round-trip form, so equal strings are equal bits), for
//! the Cox fit and everything computed from it (tests, concordance, residuals, `cox.zph`,
//! baseline hazard, predicted curves) and for the Firth Cox fit, with ties, strata, offsets
//! and counting-process data.

use oncostat::{
    Centering, CoxFit, CoxPh, Design, FirthCoxPh, ResidualKind, Result, SurvivalData, Ties,
    ZphTransform,
};

/// Deterministic tied data: whole-month times, about 2 in 3 events, two covariates (one
/// continuous, one binary), three strata, small offsets.
struct Rows {
    time: Vec<f64>,
    status: Vec<f64>,
    x: Design,
    strata: Vec<usize>,
    offsets: Vec<f64>,
}

fn rows(n: usize) -> Result<Rows> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let (mut time, mut status, mut x1, mut x2) = (vec![], vec![], vec![], vec![]);
    let (mut strata, mut offsets) = (vec![], vec![]);
    for _ in 0..n {
        let a = next() * 4.0 - 2.0;
        let b = f64::from(u8::from(next() < 0.4));
        time.push((next() * 30.0 / (0.5 * a + b).exp()).ceil().min(40.0));
        status.push(f64::from(u8::from(next() < 0.67)));
        x1.push(a);
        x2.push(b);
        strata.push((next() * 3.0) as usize);
        offsets.push((next() - 0.5) * 0.2);
    }
    Ok(Rows {
        time,
        status,
        x: Design::from_columns([("x1", x1), ("x2", x2)])?,
        strata,
        offsets,
    })
}

/// Everything a fit reports, as text (bit-exact for finite numbers).
fn report(fit: &CoxFit) -> Result<String> {
    let mut s = format!(
        "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
        fit.coefficients(),
        fit.std_errors(),
        fit.robust_std_errors(),
        fit.variance(),
        fit.naive_variance(),
        fit.loglik_null(),
        fit.loglik(),
        fit.lr_test(),
        fit.wald_test(),
        fit.score_test(),
        fit.concordance(),
        fit.linear_predictors(),
    );
    for kind in [
        ResidualKind::Martingale,
        ResidualKind::Deviance,
        ResidualKind::Score,
        ResidualKind::Schoenfeld,
        ResidualKind::ScaledSchoenfeld,
        ResidualKind::Dfbeta,
        ResidualKind::Dfbetas,
    ] {
        let r = fit.residuals(kind)?;
        s += &format!(" {:?} {:?} {:?}", r.values(), r.rows(), r.times());
    }
    for transform in [
        ZphTransform::Km,
        ZphTransform::Rank,
        ZphTransform::Identity,
        ZphTransform::Log,
    ] {
        let z = fit.zph_with(transform)?;
        s += &format!(" {:?} {:?} {:?}", z.global().test(), z.x(), z.y());
    }
    for centering in [Centering::Means, Centering::Zero] {
        let h = fit.basehaz(centering)?;
        s += &format!(" {:?} {:?}", h.time(), h.cumhaz());
    }
    for curve in fit.survfit(&[0.5, 1.0], 0.95)? {
        s += &format!(
            " {:?} {:?} {:?}",
            curve.times(),
            curve.survival(),
            curve.cumhaz()
        );
    }
    Ok(s)
}

#[test]
fn cox_fits_without_weights_equal_unit_weights_bit_for_bit() -> Result<()> {
    let n = 300;
    let Rows {
        time,
        status,
        x,
        strata,
        offsets,
    } = rows(n)?;
    let start: Vec<f64> = time.iter().map(|t| (t / 3.0).floor()).collect();
    let event: Vec<bool> = status.iter().map(|&s| s > 0.5).collect();
    let variants: Vec<(&str, SurvivalData)> = vec![
        ("plain", SurvivalData::from_status(time.clone(), &status)?),
        (
            "strata",
            SurvivalData::from_status(time.clone(), &status)?.with_strata(&strata)?,
        ),
        (
            "offsets",
            SurvivalData::from_status(time.clone(), &status)?.with_offsets(offsets.clone())?,
        ),
        (
            "counting",
            SurvivalData::counting(start, time.clone(), event)?.with_strata(&strata)?,
        ),
    ];
    for (what, data) in variants {
        let ones = data.clone().with_weights(vec![1.0; n])?;
        for ties in [Ties::Efron, Ties::Breslow] {
            for threads in [1, 2] {
                let model = CoxPh::new().ties(ties).threads(threads);
                let (a, b) = (model.fit(&data, &x)?, model.fit(&ones, &x)?);
                assert_eq!(
                    report(&a)?,
                    report(&b)?,
                    "{what}, {ties:?}, {threads} threads"
                );
            }
        }
    }
    Ok(())
}

#[test]
fn firth_cox_fits_without_weights_equal_unit_weights_bit_for_bit() -> Result<()> {
    let n = 120;
    let Rows {
        time,
        status,
        x,
        strata,
        ..
    } = rows(n)?;
    for data in [
        SurvivalData::from_status(time.clone(), &status)?,
        SurvivalData::from_status(time.clone(), &status)?.with_strata(&strata)?,
    ] {
        let ones = data.clone().with_weights(vec![1.0; n])?;
        let (a, b) = (
            FirthCoxPh::new().fit(&data, &x)?,
            FirthCoxPh::new().fit(&ones, &x)?,
        );
        let report = |f: &oncostat::FirthCoxFit| -> Result<String> {
            Ok(format!(
                "{:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                f.coefficients(),
                f.std_errors(),
                f.variance(),
                f.loglik_null(),
                f.loglik(),
                f.lr_test(),
                f.penalized_lr_tests()?,
            ))
        };
        assert_eq!(report(&a)?, report(&b)?);
    }
    Ok(())
}
