//! The one accessor contract of the crate documentation ("One accessor contract"): every
//! fitted model answers the same question with the same accessor and return type, and the
//! quantities agree with each other (z = β̂/se, the table's rows are the accessors', the LR
//! statistic is twice the log-likelihood gain, iterations are the convergence's).
#![allow(clippy::float_cmp)] // the accessors and the table hold the same numbers, not approximations

use nalgebra::{DMatrix, DVector};
use oncostat::{
    BinaryOutcome, ChiSqTest, CiMethod, CoefTable, CompetingRisksData, Convergence, CoxPh, Design,
    FineGray, FirthCoxPh, FirthRegression, LogisticRegression, SurvReg, SurvRegDist, SurvivalData,
};

/// Checks the common accessors of a fit (types are asserted by the annotations).
macro_rules! check_contract {
    ($fit:expr, $what:literal) => {{
        let fit = &$fit;
        let names: &[String] = fit.term_names();
        let n: usize = fit.n();
        let b: &DVector<f64> = fit.coefficients();
        let se: &DVector<f64> = fit.std_errors();
        let v: &DMatrix<f64> = fit.variance();
        let z: DVector<f64> = fit.z_values();
        let p: DVector<f64> = fit.p_values();
        let ci: Vec<(f64, f64)> = fit.conf_int(0.95).expect($what);
        let method: CiMethod = fit.ci_method();
        let aliased: &[bool] = fit.aliased();
        let ll: f64 = fit.loglik();
        let ll0: f64 = fit.loglik_null();
        let lr: ChiSqTest = fit.lr_test();
        let conv: &Convergence = fit.convergence();
        let iterations: usize = fit.iterations();
        let converged: bool = fit.converged();
        let table: CoefTable = fit.coef_table(0.95).expect($what);
        assert!(n > 0, "{}", $what);
        assert!(v.nrows() >= b.len() - aliased.iter().filter(|a| **a).count());
        for len in [se.len(), z.len(), p.len(), ci.len(), aliased.len()] {
            assert_eq!(len, names.len(), "{}: lengths", $what);
        }
        assert_eq!(b.len(), names.len(), "{}", $what);
        for j in 0..names.len() {
            if aliased[j] {
                continue;
            }
            assert_eq!(z[j], b[j] / se[j], "{}: z", $what);
            assert!((0.0..=1.0).contains(&p[j]), "{}: p", $what);
            assert!(ci[j].0 <= b[j] && b[j] <= ci[j].1, "{}: ci", $what);
            let row = table.row(&names[j]).expect("row");
            assert_eq!(row.estimate, b[j], "{}: table estimate", $what);
            assert_eq!((row.lower, row.upper), ci[j], "{}: table ci", $what);
            assert_eq!(row.method, method, "{}: table method", $what);
        }
        assert!(
            (lr.statistic() - 2.0 * (ll - ll0)).abs() <= 1e-9 * (1.0 + ll.abs()),
            "{}: lr {} vs {}",
            $what,
            lr.statistic(),
            2.0 * (ll - ll0)
        );
        assert_eq!(iterations, conv.iterations(), "{}", $what);
        assert_eq!(converged, conv.converged(), "{}", $what);
        assert!(converged, "{}", $what);
    }};
}

fn survival() -> (SurvivalData, Design) {
    let time = vec![
        5.0, 8.0, 12.0, 3.0, 9.0, 15.0, 7.0, 11.0, 4.0, 14.0, 6.0, 10.0,
    ];
    let status = [1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0];
    let age = vec![
        61.0, 55.0, 48.0, 70.0, 52.0, 45.0, 66.0, 59.0, 68.0, 47.0, 63.0, 50.0,
    ];
    let arm = vec![1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0];
    let data = SurvivalData::from_status(time, &status).expect("data");
    let x = Design::from_columns([("age", age), ("arm", arm)]).expect("x");
    (data, x)
}

#[test]
fn survival_fits_share_the_contract() {
    let (data, x) = survival();
    let cox = CoxPh::new().fit(&data, &x).expect("cox");
    check_contract!(cox, "cox");
    let n_events: usize = cox.n_events();
    assert_eq!(n_events, 9);
    let firth = FirthCoxPh::new().fit(&data, &x).expect("firth cox");
    check_contract!(firth, "firth cox");
    assert_eq!(firth.n_events(), n_events);
    let wald = FirthCoxPh::new()
        .ci(CiMethod::Wald)
        .fit(&data, &x)
        .expect("firth cox wald");
    check_contract!(wald, "firth cox wald");
    assert_eq!(wald.ci_method(), CiMethod::Wald);
    let weibull = SurvReg::new(SurvRegDist::Weibull)
        .fit(&data, &x.clone().with_intercept())
        .expect("survreg");
    check_contract!(weibull, "survreg");
    assert_eq!(weibull.n_events(), n_events);
}

#[test]
fn fine_gray_shares_the_contract() {
    let (data, x) = survival();
    let status: Vec<f64> = data
        .event()
        .iter()
        .enumerate()
        .map(|(i, &e)| {
            if !e {
                0.0
            } else if i % 3 == 0 {
                2.0
            } else {
                1.0
            }
        })
        .collect();
    let cr = CompetingRisksData::new(data.time().to_vec(), &status).expect("cr");
    let fit = FineGray::new(1).fit(&cr, &x).expect("fine-gray");
    check_contract!(fit, "fine-gray");
    let n_events: usize = fit.n_events();
    assert_eq!(n_events, status.iter().filter(|&&s| s == 1.0).count());
}

#[test]
fn logistic_fits_share_the_contract() {
    let dose = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 2.5, 6.5];
    let x = Design::from_columns([("dose", dose)])
        .expect("x")
        .with_intercept();
    let y = BinaryOutcome::new(&[0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0]).expect("y");
    for method in [
        CiMethod::ProfileLikelihood,
        CiMethod::ProfileLikelihoodMass,
        CiMethod::Wald,
    ] {
        let ml = LogisticRegression::new()
            .ci(method)
            .fit(&x, &y)
            .expect("ml");
        check_contract!(ml, "logistic");
        assert_eq!(ml.ci_method(), method);
    }
    let firth = FirthRegression::new().fit(&x, &y).expect("firth");
    check_contract!(firth, "firth");
    assert_eq!(firth.ci_method(), CiMethod::ProfilePenalizedLikelihood);
}

#[test]
fn unsupported_interval_methods_are_named_errors() {
    let (data, x) = survival();
    let err = FirthCoxPh::new()
        .ci(CiMethod::ProfileLikelihoodMass)
        .fit(&data, &x)
        .unwrap_err();
    assert!(err.to_string().contains("mass"), "{err}");
    let y = BinaryOutcome::new(&[0.0, 1.0, 0.0, 1.0]).expect("y");
    let xl = Design::from_columns([("dose", vec![1.0, 2.0, 4.0, 3.0])])
        .expect("x")
        .with_intercept();
    let err = LogisticRegression::new()
        .ci(CiMethod::WaldSandwich)
        .fit(&xl, &y)
        .unwrap_err();
    assert!(err.to_string().contains("wald-sandwich"), "{err}");
}

#[test]
fn settings_parse_and_display() {
    for m in CiMethod::ALL {
        assert_eq!(m.to_string().parse::<CiMethod>().expect("parse"), *m);
    }
    for t in oncostat::Timefix::ALL {
        assert_eq!(
            t.to_string().parse::<oncostat::Timefix>().expect("parse"),
            *t
        );
    }
    assert_eq!(
        "FALSE".parse::<oncostat::Timefix>().expect("parse"),
        oncostat::Timefix::Exact
    );
}
