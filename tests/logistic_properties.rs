//! Property tests of the logistic and Firth fits (modest case counts keep the suite fast).

use oncostat::{BinaryOutcome, Design, FirthRegression, LogisticRegression};
use proptest::prelude::*;

fn design(x1: &[f64], x2: &[f64]) -> Design {
    Design::from_columns([("x1", x1.to_vec()), ("x2", x2.to_vec())])
        .expect("finite columns")
        .with_intercept()
}

fn both_classes(y: &[f64]) -> bool {
    y.iter().any(|&v| v > 0.5) && y.iter().any(|&v| v < 0.5)
}

fn data() -> impl Strategy<Value = (Vec<f64>, Vec<f64>, Vec<f64>)> {
    (12usize..40).prop_flat_map(|n| {
        (
            prop::collection::vec(-2.0f64..2.0, n),
            prop::collection::vec(0u8..3, n).prop_map(|v| v.into_iter().map(f64::from).collect()),
            prop::collection::vec(prop::bool::ANY, n)
                .prop_map(|v| v.into_iter().map(|b| f64::from(u8::from(b))).collect()),
        )
    })
}

fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).fold(0.0, |m, (x, y)| m.max((x - y).abs()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn firth_is_finite_under_complete_separation(x in prop::collection::vec(-3.0f64..3.0, 8..30), cut in -1.0f64..1.0) {
        let y: Vec<f64> = x.iter().map(|&v| f64::from(u8::from(v > cut))).collect();
        prop_assume!(both_classes(&y));
        let d = Design::from_columns([("x", x.clone())]).expect("design").with_intercept();
        let yb = BinaryOutcome::new(&y).expect("outcome");
        // logistf's linear-rate iteration can need far more than its default 25 steps here
        // (124 for one case proptest found)
        let fit = FirthRegression::new().max_iter(1000).fit(&d, &yb).expect("firth fit");
        prop_assert!(fit.coefficients().iter().all(|b| b.is_finite()));
        prop_assert!(fit.convergence().converged());
        let ml = LogisticRegression::new().fit(&d, &yb).expect("ml fit");
        prop_assert!(ml.separation().is_some());
        prop_assert!(ml.clone().require_converged().is_err());
    }

    #[test]
    fn swapping_labels_flips_signs((x1, x2, y) in data()) {
        prop_assume!(both_classes(&y));
        let d = design(&x1, &x2);
        let yb = BinaryOutcome::new(&y).expect("outcome");
        let f = FirthRegression::new().fit(&d, &yb).expect("fit");
        let g = FirthRegression::new().fit(&d, &yb.flipped()).expect("fit");
        let neg: Vec<f64> = g.coefficients().iter().map(|b| -b).collect();
        prop_assert!(max_abs_diff(f.coefficients().as_slice(), &neg) < 1e-9);
        prop_assert!((f.loglik() - g.loglik()).abs() < 1e-9);
    }

    #[test]
    fn row_order_does_not_matter((x1, x2, y) in data(), seed in any::<u64>()) {
        prop_assume!(both_classes(&y));
        let n = y.len();
        let mut perm: Vec<usize> = (0..n).collect();
        let mut s = seed;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            perm.swap(i, (s >> 33) as usize % (i + 1));
        }
        let p = |v: &[f64]| perm.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        let fit = |a: &[f64], b: &[f64], c: &[f64]| {
            FirthRegression::new().fit(&design(a, b), &BinaryOutcome::new(c).expect("y")).expect("fit")
        };
        let f = fit(&x1, &x2, &y);
        let g = fit(&p(&x1), &p(&x2), &p(&y));
        prop_assert!(max_abs_diff(f.coefficients().as_slice(), g.coefficients().as_slice()) < 1e-8);
    }

    #[test]
    fn profile_intervals_contain_the_estimate((x1, x2, y) in data()) {
        prop_assume!(both_classes(&y));
        let f = FirthRegression::new().fit(&design(&x1, &x2), &BinaryOutcome::new(&y).expect("y")).expect("fit");
        for (j, (lo, hi)) in f.conf_int(0.95).expect("cis").into_iter().enumerate() {
            let b = f.coefficients()[j];
            prop_assert!(lo.is_nan() || lo < b, "lower {lo} vs {b}");
            prop_assert!(hi.is_nan() || hi > b, "upper {hi} vs {b}");
        }
    }

    #[test]
    fn tau_zero_is_maximum_likelihood((x1, x2, y) in data()) {
        prop_assume!(both_classes(&y));
        let d = design(&x1, &x2);
        let yb = BinaryOutcome::new(&y).expect("y");
        let ml = LogisticRegression::new().epsilon(1e-14).fit(&d, &yb).expect("ml");
        prop_assume!(ml.separation().is_none() && ml.convergence().converged());
        let f0 = FirthRegression::new().tau(0.0).xconv(1e-11).gconv(1e-11).lconv(1e-13).max_iter(100).fit(&d, &yb).expect("firth");
        prop_assert!(max_abs_diff(f0.coefficients().as_slice(), ml.coefficients().as_slice()) < 1e-7);
    }

    #[test]
    fn aggregated_weights_equal_expanded_rows((x1, x2, y) in data(), reps in prop::collection::vec(1usize..4, 40)) {
        prop_assume!(both_classes(&y));
        let n = y.len();
        let w: Vec<f64> = (0..n).map(|i| reps[i] as f64).collect();
        let expand = |v: &[f64]| (0..n).flat_map(|i| std::iter::repeat_n(v[i], reps[i])).collect::<Vec<f64>>();
        let agg = FirthRegression::new().fit(&design(&x1, &x2), &BinaryOutcome::new(&y).expect("y").with_weights(w).expect("w")).expect("fit");
        let full = FirthRegression::new().fit(&design(&expand(&x1), &expand(&x2)), &BinaryOutcome::new(&expand(&y)).expect("y")).expect("fit");
        prop_assert!(max_abs_diff(agg.coefficients().as_slice(), full.coefficients().as_slice()) < 1e-8);
        let a = agg.penalized_lr_test(1).expect("plr");
        let b = full.penalized_lr_test(1).expect("plr");
        prop_assert!((a.statistic() - b.statistic()).abs() < 1e-7);
        let (ca, cb) = (agg.profile_conf_int(2, 0.95).expect("ci"), full.profile_conf_int(2, 0.95).expect("ci"));
        prop_assert!((ca.0 - cb.0).abs() < 1e-6 || (ca.0.is_nan() && cb.0.is_nan()));
    }
}

#[test]
fn constant_outcome_and_mismatched_rows_are_errors() {
    let d = Design::from_columns([("x", vec![1.0, 2.0, 3.0])])
        .expect("d")
        .with_intercept();
    let y = BinaryOutcome::new(&[1.0, 1.0, 1.0]).expect("y");
    assert!(matches!(
        FirthRegression::new().fit(&d, &y),
        Err(oncostat::Error::NoEvents { .. })
    ));
    assert!(matches!(
        LogisticRegression::new().fit(&d, &y),
        Err(oncostat::Error::NoEvents { .. })
    ));
    let y2 = BinaryOutcome::new(&[1.0, 0.0]).expect("y");
    assert!(matches!(
        FirthRegression::new().fit(&d, &y2),
        Err(oncostat::Error::DimensionMismatch { .. })
    ));
}

#[test]
fn aliased_column_is_na_in_ml_and_an_error_in_firth() {
    let d = Design::from_columns([
        ("x", vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
        ("x2", vec![2.0, 4.0, 6.0, 8.0, 10.0, 12.0]),
    ])
    .expect("d")
    .with_intercept();
    let y = BinaryOutcome::new(&[0.0, 1.0, 0.0, 1.0, 1.0, 0.0]).expect("y");
    let fit = LogisticRegression::new().fit(&d, &y).expect("fit");
    assert!(fit.coefficients()[2].is_nan());
    assert_eq!(fit.aliased(), [false, false, true]);
    assert!(matches!(
        FirthRegression::new().fit(&d, &y),
        Err(oncostat::Error::CollinearColumns { .. })
    ));
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<LogisticRegression>();
    check::<oncostat::LogisticFit>();
    check::<FirthRegression>();
    check::<oncostat::FirthFit>();
    check::<oncostat::FlicFit>();
    check::<oncostat::FlacFit>();
    check::<BinaryOutcome>();
}

/// Found by proptest: separated in two dimensions; glm's weights underflow before R gives up.
/// R 4.2.2 `glm` stops after 25 iterations with "fitted probabilities numerically 0 or 1";
/// the fit must be returned and flagged, not fail with a singular-matrix error.
#[test]
fn ml_under_two_dimensional_separation_is_a_flagged_fit() {
    let x1 = vec![
        0.02500000262860592,
        -1.5682937724302362,
        -0.5578074739982731,
        0.0,
        0.0,
        1.4864855644425499,
        0.0,
        0.0,
        0.0,
        1.4928715133251236,
        -0.8933844430270067,
        0.0,
        1.7673857196981844,
    ];
    let x2 = vec![
        1.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 1.0, 2.0, 2.0, 1.0, 0.0, 0.0,
    ];
    let y = [
        0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0,
    ];
    let fit = LogisticRegression::new()
        .epsilon(1e-14)
        .fit(&design(&x1, &x2), &BinaryOutcome::new(&y).expect("y"))
        .expect("a flagged fit, not an error");
    assert!(fit.separation().is_some());
    assert!(!fit.convergence().converged());
    assert!(matches!(
        fit.require_converged(),
        Err(oncostat::Error::Separation { .. })
    ));
}
