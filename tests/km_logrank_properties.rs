//! Invariants of Kaplan–Meier and the log-rank test (proptest).
#![allow(clippy::float_cmp)] // exact values: counts, times, R's integer medians and 0/1

use oncostat::{KaplanMeier, LogRank, SurvivalData};
use proptest::prelude::*;

/// Rows of (integer time, event, group in 0..3, weight in 1..=3).
fn rows() -> impl Strategy<Value = Vec<(u32, bool, u8, u8)>> {
    prop::collection::vec((1u32..40, any::<bool>(), 0u8..3, 1u8..4), 2..60)
}

fn data(rows: &[(u32, bool, u8, u8)], time: impl Fn(u32) -> f64) -> SurvivalData {
    SurvivalData::new(
        rows.iter().map(|r| time(r.0)).collect(),
        rows.iter().map(|r| r.1).collect(),
    )
    .expect("valid data")
}

fn groups(rows: &[(u32, bool, u8, u8)]) -> Vec<u8> {
    rows.iter().map(|r| r.2).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

fn all_close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| close(*x, *y))
}

/// Usable for a log-rank test: at least 2 groups and one event.
/// A zero log-rank variance (e.g. every subject at risk dies at the one event time) has no
/// chi-square: R's `survdiff` stops ("system is exactly singular") and so does `LogRank`
/// (`Error::GroupsNotComparable`, naming the groups). The invariances hold for that outcome
/// too: `None` on both sides.
fn singular_is_none<T>(r: Result<T, oncostat::Error>) -> Option<T> {
    match r {
        Ok(t) => Some(t),
        Err(oncostat::Error::GroupsNotComparable { .. }) => None,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

fn testable(rows: &[(u32, bool, u8, u8)]) -> bool {
    let g = groups(rows);
    rows.iter().any(|r| r.1) && g.iter().any(|&x| x != g[0])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn row_order_does_not_matter(rows in rows(), seed in any::<u64>()) {
        let mut shuffled = rows.clone();
        // deterministic permutation from the seed
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let a = KaplanMeier::new().fit(&data(&rows, f64::from)).unwrap();
        let b = KaplanMeier::new().fit(&data(&shuffled, f64::from)).unwrap();
        prop_assert_eq!(a.times(), b.times());
        prop_assert!(all_close(a.survival(), b.survival()));
        prop_assert!(all_close(a.std_err(), b.std_err()));
        prop_assert!(all_close(a.upper(), b.upper()));
        prop_assume!(testable(&rows));
        let ta = singular_is_none(LogRank::new().test(&data(&rows, f64::from), &groups(&rows)));
        let tb = singular_is_none(LogRank::new().test(&data(&shuffled, f64::from), &groups(&shuffled)));
        prop_assert_eq!(ta.is_some(), tb.is_some());
        if let (Some(ta), Some(tb)) = (ta, tb) {
            prop_assert!(close(ta.chisq(), tb.chisq()));
            prop_assert!(all_close(ta.expected(), tb.expected()));
        }
    }

    #[test]
    fn increasing_time_transform_leaves_logrank_unchanged(rows in rows(), rho in 0.0f64..2.0) {
        prop_assume!(testable(&rows));
        let g = groups(&rows);
        let plain = singular_is_none(LogRank::new().rho(rho).test(&data(&rows, f64::from), &g));
        let cubed = singular_is_none(
            LogRank::new()
                .rho(rho)
                .test(&data(&rows, |t| f64::from(t).powi(3) + 2.0 * f64::from(t)), &g),
        );
        prop_assert_eq!(plain.is_some(), cubed.is_some());
        if let (Some(plain), Some(cubed)) = (plain, cubed) {
            prop_assert!(close(plain.chisq(), cubed.chisq()));
            prop_assert!(all_close(plain.observed(), cubed.observed()));
        }
        // ...and the KM curve only moves along the time axis.
        let a = KaplanMeier::new().fit(&data(&rows, f64::from)).unwrap();
        let b = KaplanMeier::new().fit(&data(&rows, |t| f64::from(t).ln())).unwrap();
        prop_assert!(all_close(a.survival(), b.survival()));
    }

    #[test]
    fn relabelling_groups_leaves_chisq_unchanged(rows in rows(), shift in 1u8..3) {
        prop_assume!(testable(&rows));
        let g = groups(&rows);
        let relabelled: Vec<String> = g.iter().map(|x| format!("arm {}", (x + shift) % 3)).collect();
        let a = LogRank::new().test(&data(&rows, f64::from), &g);
        let b = LogRank::new().test(&data(&rows, f64::from), &relabelled);
        match (a, b) {
            (Ok(a), Ok(b)) => {
                prop_assert!((a.chisq() - b.chisq()).abs() <= 1e-8 * a.chisq().max(1.0));
                prop_assert_eq!(a.df(), b.df());
                prop_assert!((0.0..=1.0).contains(&a.p_value()));
            }
            (a, b) => prop_assert_eq!(a.is_err(), b.is_err()),
        }
    }

    #[test]
    fn survival_is_non_increasing_in_unit_interval(rows in rows()) {
        let fits = KaplanMeier::new().fit_groups(&data(&rows, f64::from), &groups(&rows)).unwrap();
        for fit in fits {
            let s = fit.survival();
            prop_assert!(s.iter().all(|&x| (0.0..=1.0).contains(&x)));
            prop_assert!(s.windows(2).all(|w| w[1] <= w[0]));
            for ((&lo, &hi), &x) in fit.lower().iter().zip(fit.upper()).zip(s) {
                if !lo.is_nan() {
                    prop_assert!(lo <= x + 1e-12 && x <= hi + 1e-12);
                }
            }
        }
    }

    #[test]
    fn integer_weights_equal_replicated_rows(rows in rows()) {
        let weighted = data(&rows, f64::from)
            .with_weights(rows.iter().map(|r| f64::from(r.3)).collect())
            .unwrap();
        let replicated: Vec<(u32, bool, u8, u8)> = rows
            .iter()
            .flat_map(|r| std::iter::repeat_n(*r, usize::from(r.3)))
            .collect();
        let a = KaplanMeier::new().fit(&weighted).unwrap();
        let b = KaplanMeier::new().fit(&data(&replicated, f64::from)).unwrap();
        prop_assert_eq!(a.times(), b.times());
        prop_assert!(all_close(a.n_risk(), b.n_risk()));
        prop_assert!(all_close(a.survival(), b.survival()));
        prop_assert!(all_close(a.std_err(), b.std_err()));
        prop_assert!(all_close(a.lower(), b.lower()));
        prop_assert_eq!(a.median(), b.median());
    }
}
