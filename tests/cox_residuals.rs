//! Cox residuals and `cox.zph` against R `survival` 3.5-3 (R 4.2.2), through the public API:
//! every residual type of `residuals.coxph` and the four `cox.zph` transforms (tests, `x`,
//! `y`) for lung Efron / Breslow / strata / integer and fractional weights, ovarian and the
//! counting-process `(start, stop]` heart data (`tests/data/coxph_residuals.json`, made by `tests/data/make_cox_residuals.R`); plus
//! property tests of the zero-sum identities.

mod common;
mod cox_goldens;

use cox_goldens::{assert_close, cases, goldens, max_diff, numbers, rows, tolerance};
use oncostat::{Centering, CoxPh, Design, ResidualKind, Result, SurvivalData, Ties, ZphTransform};
use proptest::prelude::*;

const KINDS: [(ResidualKind, &str); 7] = [
    (ResidualKind::Martingale, "martingale"),
    (ResidualKind::Deviance, "deviance"),
    (ResidualKind::Score, "score"),
    (ResidualKind::Dfbeta, "dfbeta"),
    (ResidualKind::Dfbetas, "dfbetas"),
    (ResidualKind::Schoenfeld, "schoenfeld"),
    (ResidualKind::ScaledSchoenfeld, "scaledsch"),
];

#[test]
fn every_residual_type_matches_r() -> Result<()> {
    let tol = tolerance(&goldens());
    for case in cases()? {
        for (kind, key) in KINDS {
            let res = case.fit.residuals(kind)?;
            let expected = rows(&case.r[key]);
            let v = res.values();
            assert_eq!(v.nrows(), expected.len(), "{} {key}: rows", case.id);
            for (i, row) in expected.iter().enumerate() {
                assert_eq!(v.ncols(), row.len(), "{} {key}: columns", case.id);
                for (j, &e) in row.iter().enumerate() {
                    assert_close(v[(i, j)], e, tol, &format!("{} {key}[{i}, {j}]", case.id));
                }
            }
            if kind.per_death() {
                let times = numbers(&case.r[format!("{key}_time")]);
                assert_eq!(res.times(), times.as_slice(), "{} {key} times", case.id);
            }
        }
    }
    Ok(())
}

#[test]
fn zph_transforms_match_r() -> Result<()> {
    let tol = tolerance(&goldens());
    let transforms = [
        ZphTransform::Km,
        ZphTransform::Rank,
        ZphTransform::Identity,
        ZphTransform::Log,
    ];
    for case in cases()? {
        let Some(zph_goldens) = case.r["zph"].as_array() else {
            continue;
        };
        for (t, r) in transforms.iter().zip(zph_goldens) {
            assert_eq!(r["transform"].as_str(), Some(t.name()));
            let zph = case.fit.zph_with(*t)?;
            let what = format!("{} zph {}", case.id, t.name());
            let chisq: Vec<f64> = zph.rows().map(|r| r.test().statistic()).collect();
            let p: Vec<f64> = zph.rows().map(|r| r.test().p_value()).collect();
            for (a, e) in chisq.iter().zip(numbers(&r["chisq"])) {
                assert_close(*a, e, tol, &format!("{what} chisq"));
            }
            for (a, e) in p.iter().zip(numbers(&r["p"])) {
                assert_close(*a, e, tol, &format!("{what} p"));
            }
            assert!(max_diff(zph.x(), &numbers(&r["x"])) <= tol, "{what} x");
            assert_eq!(zph.time(), numbers(&r["time"]).as_slice(), "{what} time");
            if !r["strata"].is_null() {
                let strata: Vec<usize> = numbers(&r["strata"])
                    .iter()
                    .map(|s| *s as usize - 1)
                    .collect();
                assert_eq!(zph.strata(), strata.as_slice(), "{what} strata");
            }
            let y = rows(&r["y"]);
            assert_eq!(zph.y().nrows(), y.len(), "{what} y rows");
            for (i, row) in y.iter().enumerate() {
                for (j, &e) in row.iter().enumerate() {
                    assert_close(zph.y()[(i, j)], e, tol, &format!("{what} y[{i}, {j}]"));
                }
            }
        }
    }
    Ok(())
}

/// algorithms.md §9.1: lung identity-transform cox.zph.
#[test]
fn zph_identity_golden() -> Result<()> {
    let case = cases()?.into_iter().next().expect("lung_efron");
    let zph = case.fit.zph_with(ZphTransform::Identity)?;
    let expected = [0.141747561344693, 2.718401088146249, 2.833391383102034];
    for (row, e) in zph.rows().zip(expected) {
        assert_close(row.test().statistic(), e, 1e-6, row.name());
    }
    Ok(())
}

#[test]
fn fits_reject_other_designs_and_dropped_data() -> Result<()> {
    // the fit keeps its data: residuals cannot be computed on other data by mistake; a
    // design for prediction must have the fitted columns, and the error names the column
    let case = cases()?.into_iter().next().expect("lung_efron");
    let names = case.fit.term_names().to_vec();
    let renamed = Design::from_columns(names.iter().enumerate().map(|(j, n)| {
        (
            if j == 0 {
                "other".to_string()
            } else {
                n.clone()
            },
            vec![0.0; 3],
        )
    }))?;
    match case.fit.linear_predictor(&renamed) {
        Err(oncostat::Error::UnknownColumn { name }) => assert_eq!(name, "other"),
        other => panic!("expected an unknown column, got {other:?}"),
    }
    let dropped = case.fit.clone().without_data();
    assert!(dropped.residuals(ResidualKind::Martingale).is_err());
    assert!(case.fit.residuals(ResidualKind::Martingale).is_ok());
    let _ = SurvivalData::new(vec![1.0], vec![true])?;
    Ok(())
}

fn small_data() -> impl Strategy<Value = (Vec<f64>, Vec<bool>, Vec<f64>, Vec<f64>)> {
    (5usize..40).prop_flat_map(|n| {
        (
            prop::collection::vec(1u8..12, n).prop_map(|v| v.into_iter().map(f64::from).collect()),
            prop::collection::vec(prop::bool::weighted(0.7), n),
            prop::collection::vec(-2.0f64..2.0, n),
            prop::collection::vec(1u8..4, n).prop_map(|v| v.into_iter().map(f64::from).collect()),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// At β̂: Σ w_i L_i = U(β̂) = 0 (both ties), and Breslow's Σ w_i m_i = 0 (Σ observed =
    /// Σ expected, the score equation for a constant-shift of the baseline hazard).
    #[test]
    fn residuals_sum_to_zero((time, event, x, w) in small_data()) {
        prop_assume!(event.iter().filter(|&&e| e).count() >= 2);
        let data = SurvivalData::new(time, event).unwrap().with_weights(w.clone()).unwrap();
        let design = Design::from_columns([("x", x)]).unwrap();
        for ties in [Ties::Breslow, Ties::Efron] {
            let fit = CoxPh::new().ties(ties).eps(1e-12).fit(&data, &design).unwrap();
            prop_assume!(fit.convergence().converged() && fit.aliased() == [false]);
            let score = fit.residuals(ResidualKind::Score).unwrap();
            let sum: f64 = score.values().column(0).iter().zip(&w).map(|(l, w)| l * w).sum();
            prop_assert!(sum.abs() < 1e-6, "Σ w L = {sum}");
            let m = fit.residuals(ResidualKind::Martingale).unwrap();
            let msum: f64 = m.values().column(0).iter().zip(&w).map(|(m, w)| m * w).sum();
            // both approximations: Σ w·m = Σ w·δ − Σ w·e^η Λ(t) = 0 (Efron too, its
            // increments sum back to the deaths' weight)
            prop_assert!(msum.abs() < 1e-8, "{ties:?}: Σ w m = {msum}");
            let sch = fit.residuals(ResidualKind::Schoenfeld).unwrap();
            let rows = sch.rows();
            let ssum: f64 = sch.values().column(0).iter().zip(rows).map(|(r, &i)| r * w[i]).sum();
            prop_assert!(ssum.abs() < 1e-6, "Σ w r = {ssum}");
        }
    }
}

/// An aliased column (R: `coxph(Surv(time, status) ~ age + sex + age2, lung)`, age2 = 2·age,
/// coefficient NA; R 4.2.2, survival 3.5-3): its score residuals are still reported, its
/// dfbetas are NaN and its scaled Schoenfeld residuals 0; zph leaves it out.
#[test]
fn aliased_column_as_r() -> Result<()> {
    let case = cases()?.into_iter().next().expect("lung_efron");
    let m = case.x.matrix();
    let age: Vec<f64> = m.column(0).iter().copied().collect();
    let x = Design::from_columns([
        ("age", age.clone()),
        ("sex", m.column(1).iter().copied().collect()),
        ("age2", age.iter().map(|a| 2.0 * a).collect()),
    ])?;
    let fit = CoxPh::new().fit(&case.data, &x)?;
    assert_eq!(fit.aliased(), &[false, false, true]);
    let score = fit.residuals(ResidualKind::Score)?;
    let expected = [-1.788117085560173, 0.150384402662945, -3.576234171120346];
    for (j, e) in expected.into_iter().enumerate() {
        assert_close(score.values()[(1, j)], e, 1e-6, "score row 2");
    }
    let dfbetas = fit.residuals(ResidualKind::Dfbetas)?;
    assert_close(
        dfbetas.values()[(1, 0)],
        -0.0151046439123350,
        1e-6,
        "dfbetas age",
    );
    assert_close(
        dfbetas.values()[(1, 1)],
        0.0242742996590792,
        1e-6,
        "dfbetas sex",
    );
    assert!(dfbetas.values()[(1, 2)].is_nan());
    let scaled = fit.residuals(ResidualKind::ScaledSchoenfeld)?;
    let expected = [0.153658390961873, -1.632653844590049, 0.0];
    for (j, e) in expected.into_iter().enumerate() {
        assert_close(scaled.values()[(1, j)], e, 1e-6, "scaledsch row 2");
    }
    let zph = fit.zph()?;
    assert_eq!(zph.terms().len(), 2);
    assert_close(
        zph.global().test().statistic(),
        2.77078537593772,
        1e-6,
        "zph GLOBAL",
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Splitting every row at a time inside its interval (counting-process form, as
    /// `survSplit`) leaves the fit unchanged, so each subject's martingale and score residuals
    /// summed over its pieces equal the unsplit ones.
    #[test]
    fn split_rows_collapse_to_unsplit((time, event, x, _w) in small_data(), cut in 0.5f64..6.0) {
        prop_assume!(event.iter().filter(|&&e| e).count() >= 2);
        let data = SurvivalData::new(time.clone(), event.clone()).unwrap();
        let design = Design::from_columns([("x", x.clone())]).unwrap();
        let fit = CoxPh::new().eps(1e-12).fit(&data, &design).unwrap();
        prop_assume!(fit.convergence().converged() && fit.aliased() == [false]);

        let (mut start, mut stop, mut ev, mut xs, mut id) = (vec![], vec![], vec![], vec![], vec![]);
        for i in 0..time.len() {
            if cut < time[i] {
                start.push(0.0); stop.push(cut); ev.push(false); xs.push(x[i]); id.push(i);
                start.push(cut); stop.push(time[i]); ev.push(event[i]); xs.push(x[i]); id.push(i);
            } else {
                start.push(0.0); stop.push(time[i]); ev.push(event[i]); xs.push(x[i]); id.push(i);
            }
        }
        let split = SurvivalData::counting(start, stop, ev).unwrap();
        let split_x = Design::from_columns([("x", xs)]).unwrap();
        let split_fit = CoxPh::new().eps(1e-12).fit(&split, &split_x).unwrap();
        for kind in [ResidualKind::Martingale, ResidualKind::Score] {
            let whole = fit.residuals(kind).unwrap();
            let pieces = split_fit.residuals(kind).unwrap();
            let mut summed = vec![0.0; time.len()];
            for (r, &i) in pieces.values().column(0).iter().zip(&id) {
                summed[i] += r;
            }
            for (a, b) in summed.iter().zip(whole.values().column(0).iter()) {
                prop_assert!((a - b).abs() < 1e-7, "{kind:?}: {a} vs {b}");
            }
        }
        let h0 = fit.basehaz(Centering::Zero).unwrap();
        let h1 = split_fit.basehaz(Centering::Zero).unwrap();
        let at = |h: &oncostat::BaselineHazard, t: f64| {
            let k = h.time().partition_point(|&s| s <= t);
            if k == 0 { 0.0 } else { h.cumhaz()[k - 1] }
        };
        for &t in &time {
            prop_assert!((at(&h0, t) - at(&h1, t)).abs() < 1e-7);
        }
    }
}
