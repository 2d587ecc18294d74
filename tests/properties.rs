//! Invariants of every module, in one place (issue 7). Property tests already living next to
//! their module's R comparisons are referenced here, not duplicated:
//!
//! | module | invariant | where |
//! |---|---|---|
//! | Cox | row order does not matter; shifting a covariate leaves β; scaling a covariate by c scales β by 1/c; a monotone time transform changes nothing; weight 2 = duplicated rows | `tests/cox_vs_survival.rs` (`proptest!` block) |
//! | KM / log-rank | row order does not matter; increasing time transform leaves the log-rank test; relabelling groups leaves χ²; S(t) non-increasing in [0, 1]; integer weights = replicated rows | `tests/km_logrank_properties.rs` |
//! | logistic / Firth | Firth finite under complete separation; swapping labels flips signs; row order; profile intervals contain the estimate; τ = 0 is ML; aggregated weights = expanded rows | `tests/logistic_properties.rs` |
//! | iRECIST | results do not depend on row order; iCPD is absorbing; unchanged lesions are iSD; `Tenths` round trip | `tests/irecist_rules.rs` (`proptest!` block) |
//!
//! Below: the invariants no module test checks yet — input validation points at the right
//! 1-based row, p-values and probabilities stay in range, tests are non-negative, fits do not
//! lower the likelihood, confidence bands contain the estimate, O − E sums to zero, KM without
//! censoring is the empirical survival function, and the iRECIST classifier answers for every
//! valid lesion table.

use oncostat::irecist::{
    IrecistRules, LesionKind, LesionRecord, Measure, Tenths, assess, assess_abscopal,
    timelines_from_records,
};
use oncostat::{
    BinaryOutcome, ChiSqTest, ConfType, CoxPh, Design, Error, FirthRegression, KaplanMeier,
    LogRank, LogisticRegression, SurvivalData, Ties,
};
use proptest::prelude::*;

const TOL: f64 = 1e-9;

/// Survival rows: (time, event, group, covariate).
fn survival_rows() -> impl Strategy<Value = Vec<(u16, bool, u8, f64)>> {
    prop::collection::vec((1u16..60, any::<bool>(), 0u8..3, -3.0f64..3.0), 4..40)
}

fn survival(rows: &[(u16, bool, u8, f64)]) -> SurvivalData {
    SurvivalData::new(
        rows.iter().map(|r| f64::from(r.0)).collect(),
        rows.iter().map(|r| r.1).collect(),
    )
    .expect("valid survival data")
}

fn in_unit(p: f64) -> bool {
    (0.0..=1.0).contains(&p)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    // ------------------------------------------------------------- input validation
    #[test]
    fn bad_values_are_reported_at_their_1_based_row(n in 2usize..30, pos in 0usize..30, kind in 0u8..5) {
        let pos = pos % n;
        let mut time: Vec<f64> = (1..=n).map(|i| i as f64).collect();
        let mut status = vec![1.0; n];
        let mut x = vec![0.5; n];
        let mut y: Vec<f64> = (0..n).map(|i| (i % 2) as f64).collect();
        match kind {
            0 => time[pos] = -1.0,
            1 => status[pos] = 2.0,
            2 => x[pos] = f64::NAN,
            3 => x[pos] = f64::INFINITY,
            _ => y[pos] = 0.5,
        }
        let row = pos + 1;
        let err = match kind {
            0 | 1 => SurvivalData::from_status(time, &status).err(),
            2 | 3 => Design::from_columns(vec![("x", x)]).err(),
            _ => BinaryOutcome::new(&y).err(),
        };
        let ok = match err {
            Some(Error::NegativeTime { row: r, .. }) => kind == 0 && r == row,
            Some(Error::InvalidEvent { row: r, .. }) => kind == 1 && r == row,
            Some(Error::NonFinite { row: r, ref column, .. }) => (kind == 2 || kind == 3) && r == row && column == "x",
            Some(Error::InvalidOutcome { row: r, .. }) => kind == 4 && r == row,
            _ => false,
        };
        prop_assert!(ok, "kind {} at row {}: {:?}", kind, row, err);
    }

    #[test]
    fn mismatched_lengths_are_named_errors(n in 2usize..20, extra in 1usize..5) {
        let data = SurvivalData::new(vec![1.0; n], vec![true; n]).expect("data");
        let x = Design::from_columns(vec![("x", vec![0.0; n + extra])]).expect("x");
        let is_mismatch = matches!(CoxPh::new().fit(&data, &x), Err(Error::DimensionMismatch { .. }));
        prop_assert!(is_mismatch);
        let is_mismatch = matches!(data.clone().with_weights(vec![1.0; n + extra]), Err(Error::DimensionMismatch { .. }));
        prop_assert!(is_mismatch);
        let is_mismatch = matches!(KaplanMeier::new().fit_groups(&data, &vec![1u8; n + extra]), Err(Error::DimensionMismatch { .. }));
        prop_assert!(is_mismatch);
    }

    // ------------------------------------------------------------- shared types
    #[test]
    fn chisq_p_value_is_in_range_and_decreasing(a in 0.0f64..200.0, b in 0.0f64..200.0, df in 1u8..10) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let (p_lo, p_hi) = (ChiSqTest::new(lo, f64::from(df)).p_value(), ChiSqTest::new(hi, f64::from(df)).p_value());
        prop_assert!(in_unit(p_lo) && in_unit(p_hi));
        prop_assert!(p_hi <= p_lo + 1e-15);
    }

    #[test]
    fn design_with_intercept_is_idempotent_and_flags_constants(n in 2usize..20, c in -5.0f64..5.0) {
        let x = Design::from_columns(vec![
            ("v", (0..n).map(|i| i as f64).collect::<Vec<_>>()),
            ("k", vec![c; n]),
        ]).expect("design");
        prop_assert_eq!(x.constant_columns(), vec![1]);
        let once = x.with_intercept();
        let twice = once.clone().with_intercept();
        prop_assert_eq!(once.ncols(), 3);
        prop_assert_eq!(twice.ncols(), 3);
        prop_assert_eq!(once.names(), twice.names());
    }

    // ------------------------------------------------------------- Kaplan–Meier
    #[test]
    fn km_bands_contain_the_estimate_and_median_is_an_observed_range(rows in survival_rows(), ct in 0u8..3) {
        let data = survival(&rows);
        let conf = [ConfType::Log, ConfType::LogLog, ConfType::Plain][usize::from(ct)];
        let fit = KaplanMeier::new().conf_type(conf).fit(&data).expect("km");
        for k in 0..fit.times().len() {
            let (s, lo, hi) = (fit.survival()[k], fit.lower()[k], fit.upper()[k]);
            prop_assert!(in_unit(s));
            if lo.is_finite() && hi.is_finite() {
                prop_assert!(lo <= s + TOL && s <= hi + TOL, "{} {} {}", lo, s, hi);
                prop_assert!(in_unit(lo) && in_unit(hi));
            }
        }
        prop_assert!(fit.n_risk().windows(2).all(|w| w[1] <= w[0]));
        let (t_min, t_max) = (fit.times()[0], fit.times()[fit.times().len() - 1]);
        if let Some(m) = fit.median() {
            prop_assert!(t_min <= m && m <= t_max);
        }
        let rm = fit.restricted_mean();
        prop_assert!(rm.estimate >= 0.0 && rm.estimate <= t_max + TOL);
        prop_assert!(rm.std_error >= 0.0);
    }

    #[test]
    fn km_without_censoring_is_the_empirical_survival_function(times in prop::collection::vec(1u16..50, 1..40)) {
        let n = times.len() as f64;
        let data = SurvivalData::new(times.iter().map(|&t| f64::from(t)).collect(), vec![true; times.len()]).expect("data");
        let fit = KaplanMeier::new().fit(&data).expect("km");
        for (k, &t) in fit.times().iter().enumerate() {
            let surviving = times.iter().filter(|&&u| f64::from(u) > t).count() as f64;
            prop_assert!((fit.survival()[k] - surviving / n).abs() < TOL);
        }
    }

    // ------------------------------------------------------------- log-rank
    #[test]
    fn logrank_observed_minus_expected_sums_to_zero(rows in survival_rows(), rho in 0.0f64..2.0) {
        let data = survival(&rows);
        let groups: Vec<u8> = rows.iter().map(|r| r.2).collect();
        let n_groups = { let mut g = groups.clone(); g.sort_unstable(); g.dedup(); g.len() };
        prop_assume!(n_groups >= 2 && data.n_events() > 0);
        let test = LogRank::new().rho(rho).test(&data, &groups);
        // everyone at risk dies at every event time: the variance is zero and R's survdiff
        // stops ("system is exactly singular"); so does the crate, with a named error
        prop_assume!(!matches!(test, Err(Error::GroupsNotComparable { .. })));
        let test = test.expect("log-rank");
        let o: f64 = test.observed().iter().sum();
        let e: f64 = test.expected().iter().sum();
        prop_assert!((o - e).abs() < 1e-8 * o.max(1.0), "O {} E {}", o, e);
        let v = test.variance();
        for i in 0..v.nrows() {
            prop_assert!(v.row(i).iter().sum::<f64>().abs() < 1e-8 * (1.0 + v[(i, i)].abs()));
            for j in 0..v.ncols() {
                prop_assert!((v[(i, j)] - v[(j, i)]).abs() < 1e-12 * (1.0 + v[(i, j)].abs()));
            }
        }
        prop_assert!(test.chisq() >= 0.0 || test.chisq().is_nan());
        prop_assert!(in_unit(test.p_value()) || test.p_value().is_nan());
    }

    // ------------------------------------------------------------- Cox
    #[test]
    fn cox_tests_are_non_negative_and_fit_raises_the_likelihood(rows in survival_rows(), efron in any::<bool>()) {
        let data = survival(&rows);
        prop_assume!(data.n_events() > 0);
        let x = Design::from_columns(vec![("x", rows.iter().map(|r| r.3).collect::<Vec<_>>())]).expect("x");
        let ties = if efron { Ties::Efron } else { Ties::Breslow };
        let fit = CoxPh::new().ties(ties).fit(&data, &x).expect("cox");
        prop_assume!(fit.convergence().converged() && !fit.aliased()[0]);
        prop_assert!(fit.loglik() >= fit.loglik_null() - 1e-9);
        for t in [fit.lr_test(), fit.wald_test(), fit.score_test()] {
            prop_assert!(t.statistic() >= -1e-9);
            prop_assert!(in_unit(t.p_value()));
        }
        prop_assert!(fit.p_values().iter().all(|&p| in_unit(p)));
        // C is 0/0 = NaN without a comparable pair, as R's concordance
        let c = fit.concordance();
        let pairs = c.concordant() + c.discordant() + c.tied_x();
        prop_assert!(in_unit(c.estimate()) || (pairs <= 0.0 && c.estimate().is_nan()));
        let ci = fit.conf_int(0.95).expect("ci");
        let b = fit.coefficients()[0];
        prop_assert!(ci[0].0 <= b && b <= ci[0].1);
    }

    #[test]
    fn cox_negating_a_covariate_negates_beta(rows in survival_rows()) {
        let data = survival(&rows);
        prop_assume!(data.n_events() > 0);
        let xs: Vec<f64> = rows.iter().map(|r| r.3).collect();
        let neg: Vec<f64> = xs.iter().map(|v| -v).collect();
        let a = CoxPh::new().fit(&data, &Design::from_columns(vec![("x", xs)]).expect("x")).expect("cox");
        let b = CoxPh::new().fit(&data, &Design::from_columns(vec![("x", neg)]).expect("x")).expect("cox");
        prop_assume!(a.convergence().converged() && b.convergence().converged() && !a.aliased()[0]);
        prop_assert!((a.coefficients()[0] + b.coefficients()[0]).abs() < 1e-6 * (1.0 + a.coefficients()[0].abs()));
        prop_assert!((a.std_errors()[0] - b.std_errors()[0]).abs() < 1e-6 * (1.0 + a.std_errors()[0]));
    }

    // ------------------------------------------------------------- logistic / Firth
    #[test]
    fn logistic_deviance_at_most_null_and_firth_probabilities_in_unit(
        rows in prop::collection::vec((any::<bool>(), -3.0f64..3.0), 6..40)
    ) {
        let y: Vec<f64> = rows.iter().map(|r| f64::from(u8::from(r.0))).collect();
        let ones = y.iter().filter(|&&v| v > 0.5).count();
        prop_assume!(ones > 0 && ones < y.len());
        let x = Design::from_columns(vec![("x", rows.iter().map(|r| r.1).collect::<Vec<_>>())]).expect("x").with_intercept();
        let y = BinaryOutcome::new(&y).expect("y");
        let ml = LogisticRegression::new().fit(&x, &y).expect("ml");
        prop_assert!(ml.deviance() <= ml.null_deviance() + 1e-8);
        prop_assert!(ml.p_values().iter().all(|&p| in_unit(p) || p.is_nan()));
        let firth = FirthRegression::new().fit(&x, &y).expect("firth");
        prop_assert!(firth.coefficients().iter().all(|b| b.is_finite()));
        prop_assert!(firth.fitted().iter().all(|&p| p > 0.0 && p < 1.0));
        prop_assert!(firth.hat_values().iter().all(|&h| (-1e-12..=1.0 + 1e-12).contains(&h)));
        let lr = firth.lr_test();
        prop_assert!(lr.statistic() >= -1e-9 && (in_unit(lr.p_value()) || lr.p_value().is_nan()));
    }
}

// ------------------------------------------------------------- iRECIST
fn lesion_rows() -> impl Strategy<Value = Vec<(u8, u16, u8, u16)>> {
    // (lesion, day, measure code, size tenths)
    prop::collection::vec((0u8..4, 0u16..300, 0u8..8, 0u16..900), 1..30)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every lesion table either is rejected with a named error or is classified; every visit
    /// of a classified patient gets a response, and the abscopal classification answers too.
    #[test]
    fn irecist_classifies_every_valid_lesion_table(rows in lesion_rows(), confirm in any::<bool>()) {
        let mut records: Vec<LesionRecord> = (0..2u8)
            .map(|l| LesionRecord {
                patient: "P".into(),
                lesion: format!("T{l}"),
                day: 0,
                organ: if l == 0 { "liver".into() } else { "lung".into() },
                kind: LesionKind::Target,
                node: false,
                irradiated: l == 1,
                measure: Measure::Size(Tenths::new(200)),
                ..LesionRecord::default()
            })
            .collect();
        let mut seen = std::collections::HashSet::new();
        for &(lesion, day, code, size) in &rows {
            if !seen.insert((lesion, day)) {
                continue; // one row per lesion per visit
            }
            let measure = match code {
                0 => Measure::TooSmall,
                1 => Measure::NotEvaluated,
                2 => Measure::Absent,
                _ => Measure::Size(Tenths::new(u32::from(size))),
            };
            let (name, kind, organ) = match lesion {
                0 | 1 => (format!("T{lesion}"), LesionKind::Target, if lesion == 0 { "liver" } else { "lung" }),
                _ => (format!("N{lesion}"), LesionKind::New, "bone"),
            };
            records.push(LesionRecord {
                patient: "P".into(),
                lesion: name,
                day: u32::from(day) + 1,
                organ: organ.into(),
                kind,
                node: false,
                irradiated: lesion == 1,
                measure,
                ..LesionRecord::default()
            });
        }
        let rules = IrecistRules::new().confirmation_required(confirm);
        let result = timelines_from_records(&records);
        // A table of targets measured at distinct visits is always valid.
        prop_assert!(result.is_ok() || rows.iter().any(|r| r.0 >= 2), "{:?}", result.as_ref().err());
        match result {
            Err(e) => prop_assert!(matches!(e, Error::InvalidLesion { .. } | Error::InvalidPatient { .. }), "{}", e),
            Ok(timelines) => {
                for t in &timelines {
                    let a = assess(t, &rules).expect("assess a valid timeline");
                    prop_assert_eq!(a.visits().len(), t.visits().len());
                    let _ = assess_abscopal(t, &rules).expect("abscopal on a valid timeline");
                }
            }
        }
    }
}

/// Every "flagged result" row of `oncostat::error_catalogue`, checked.
#[test]
fn error_catalogue_flagged_results_hold() -> Result<(), Error> {
    let time: Vec<f64> = (1..=8).map(f64::from).collect();
    let status = [1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0];
    let data = SurvivalData::from_status(time.clone(), &status)?;
    let x = vec![0.3, 1.2, -0.7, 0.1, 2.0, -1.1, 0.4, 0.9];

    // Cox: constant column -> NaN coefficient, aliased.
    let d = Design::from_columns(vec![("x", x.clone()), ("k", vec![2.0; 8])])?;
    let fit = CoxPh::new().fit(&data, &d)?;
    assert_eq!(fit.aliased(), &[false, true]);
    assert!(fit.coefficients()[1].is_nan() && fit.coefficients()[0].is_finite());
    assert!((fit.lr_test().df() - 1.0).abs() < 1e-12);

    // Cox: monotone likelihood (x = 1 holds exactly the earliest deaths; R warns "coefficient
    // may be infinite", cox_extra.json) -> infinite coefficient named, Diverging.
    let mono_data = SurvivalData::from_status(
        (1..=10).map(f64::from).collect(),
        &[1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0],
    )?;
    let m = [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    let mono = Design::from_columns(vec![("m", m.to_vec())])?;
    let fit = CoxPh::new().fit(&mono_data, &mono)?;
    assert_eq!(fit.infinite_coefficients(), &["m".to_string()]);
    assert_eq!(fit.convergence().reason(), oncostat::StopReason::Diverging);
    assert!(matches!(
        fit.require_converged(),
        Err(Error::NotConverged { .. })
    ));

    // Cox: iteration limit -> Ok fit, not converged.
    let d = Design::from_columns(vec![("x", x.clone())])?;
    let fit = CoxPh::new().max_iter(1).fit(&data, &d)?;
    assert!(!fit.convergence().converged());
    assert!(fit.require_converged().is_err());

    // Logistic: aliased column NaN and listed; separation named.
    let y = BinaryOutcome::new(&status)?;
    let d = Design::from_columns(vec![
        ("x", x.clone()),
        ("x2", x.iter().map(|v| 2.0 * v).collect()),
    ])?
    .with_intercept();
    let fit = LogisticRegression::new().fit(&d, &y)?;
    assert_eq!(fit.aliased(), [false, false, true]);
    assert!(fit.coefficients()[2].is_nan());
    // Firth refuses the aliased design by name.
    assert!(matches!(
        FirthRegression::new().fit(&d, &y),
        Err(Error::CollinearColumns { .. })
    ));
    let sep = Design::from_columns(vec![(
        "s",
        status.iter().map(|v| v * 10.0 + 1.0).collect::<Vec<_>>(),
    )])?
    .with_intercept();
    let fit = LogisticRegression::new().fit(&sep, &y)?;
    assert!(
        fit.separation()
            .is_some_and(|c| c.contains(&"s".to_string()))
    );
    let firth = FirthRegression::new().fit(&sep, &y)?;
    assert!(firth.coefficients().iter().all(|b| b.is_finite()));

    // KM: median never reached -> None; a group without events -> S = 1, median None, SE 0.
    let few = SurvivalData::from_status(time.clone(), &[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])?;
    let km = KaplanMeier::new().fit(&few)?;
    assert_eq!(km.median(), None);
    assert_eq!(km.median_ci().1, None);
    let groups = [0u8, 0, 0, 0, 1, 1, 1, 1];
    let st = [1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
    let g = SurvivalData::from_status(time.clone(), &st)?;
    let fits = KaplanMeier::new().fit_groups(&g, &groups)?;
    assert!(fits[1].survival().iter().all(|&s| (s - 1.0).abs() <= 0.0));
    assert!(fits[1].std_err().iter().all(|&s| s.abs() <= 0.0));
    assert_eq!(fits[1].median(), None);
    // Times after the last time are left out of survival_at.
    assert_eq!(fits[0].survival_at(&[2.0, 100.0])?.len(), 1);

    // Log-rank: a group without events takes part in the test.
    let test = LogRank::new().test(&g, &groups)?;
    assert!(test.observed()[1].abs() <= 0.0 && test.expected()[1] > 0.0);
    assert!(test.chisq() > 0.0);
    Ok(())
}

/// Regression (doc example of `BinaryOutcome` used three labels): a third distinct label is an
/// `InvalidOutcome` at its 1-based row; two labels code the positive one as 1.
#[test]
fn binary_outcome_from_labels_accepts_two_labels_only() -> Result<(), Error> {
    let y = BinaryOutcome::from_labels(&["PD", "PR", "PR", "PD"], &"PR")?;
    assert_eq!(y.values(), [0.0, 1.0, 1.0, 0.0]);
    let e = BinaryOutcome::from_labels(&["PD", "PR", "PR", "SD"], &"PR");
    assert!(
        matches!(e, Err(Error::InvalidOutcome { row: 4, .. })),
        "{e:?}"
    );
    Ok(())
}
