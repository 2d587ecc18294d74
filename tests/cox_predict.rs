//! Baseline hazard, predicted survival and linear predictors of a Cox fit against R
//! `survival` 3.5-3 (R 4.2.2): `basehaz(fit, centered = TRUE/FALSE)`, `survfit(fit, newdata)`
//! (whole curves and `summary(times =)`), `predict(type = "lp" / "risk")`, for the cases of
//! `tests/data/coxph_residuals.json`; algorithms.md §9.1; and a simulation check that the
//! robust variance agrees with the model-based one on average for a correct model.

mod common;
mod cox_goldens;

use cox_goldens::{assert_close, cases, goldens, max_diff, numbers, tolerance};
use oncostat::{Centering, CoxPh, CoxVariance, Design, Result, SurvivalData};

#[test]
fn basehaz_matches_r() -> Result<()> {
    let tol = tolerance(&goldens());
    for case in cases()? {
        let r = &case.r["basehaz"];
        for (centered, key) in [
            (Centering::Means, "centered"),
            (Centering::Zero, "uncentered"),
        ] {
            let h = case.fit.basehaz(centered)?;
            assert_eq!(h.time(), numbers(&r["time"]).as_slice(), "{} time", case.id);
            let d = max_diff(h.cumhaz(), &numbers(&r[key]));
            assert!(d <= tol, "{} basehaz {key}: max difference {d:e}", case.id);
            if let Some(labels) = r["strata"].as_array() {
                let names = case.data.strata_labels();
                for (s, l) in h.strata().iter().zip(labels) {
                    assert_eq!(Some(names[*s].as_str()), l.as_str());
                }
            }
        }
    }
    Ok(())
}

/// algorithms.md §9.1.
#[test]
fn basehaz_golden_values() -> Result<()> {
    let case = cases()?.into_iter().next().expect("lung_efron");
    let h = case.fit.basehaz(Centering::Means)?;
    let (tol, r) = predict_values("lung_basehaz");
    let centred = numbers(&r["centred"]);
    assert_close(h.cumhaz()[0], centred[0], tol, "H(5)");
    assert_close(h.cumhaz()[1], centred[1], tol, "H(11)");
    let h0 = case.fit.basehaz(Centering::Zero)?;
    assert_close(
        h0.cumhaz()[0],
        numbers(&r["uncentred_first"])[0],
        tol,
        "H(5) uncentred",
    );
    Ok(())
}

#[test]
fn survfit_newdata_matches_r() -> Result<()> {
    let tol = tolerance(&goldens());
    let newdata = [
        ("lung_efron", [60.0, 1.0]),
        ("lung_breslow", [60.0, 1.0]),
        ("lung_strata", [60.0, 1.0]),
        ("lung_w2", [60.0, 2.0]),
    ];
    let heart_new = [-5.0, 2.0, 0.0, 1.0];
    let all = cases()?;
    let cases_new = newdata
        .iter()
        .map(|(id, new)| (*id, new.as_slice()))
        .chain([
            ("heart_counting", heart_new.as_slice()),
            ("entry_strata", [60.0, 2.0].as_slice()),
        ]);
    for (id, new) in cases_new {
        let case = all.iter().find(|c| c.id == id).expect("case");
        let r = &case.r["survfit"];
        let curves = case.fit.survfit(new, 0.95)?;
        // whole curves, strata concatenated as R's survfit object
        let time: Vec<f64> = curves.iter().flat_map(|c| c.times().to_vec()).collect();
        let surv: Vec<f64> = curves.iter().flat_map(|c| c.survival().to_vec()).collect();
        let se: Vec<f64> = curves.iter().flat_map(|c| c.std_err().to_vec()).collect();
        let n_risk: Vec<f64> = curves.iter().flat_map(|c| c.n_risk().to_vec()).collect();
        let n_event: Vec<f64> = curves.iter().flat_map(|c| c.n_event().to_vec()).collect();
        assert_eq!(time, numbers(&r["curve_time"]), "{id} time");
        for (what, a, key) in [
            ("surv", &surv, "curve_surv"),
            ("std.err", &se, "curve_std_err"),
            ("n.risk", &n_risk, "curve_n_risk"),
            ("n.event", &n_event, "curve_n_event"),
        ] {
            let d = max_diff(a, &numbers(&r[key]));
            assert!(d <= tol, "{id} {what}: max difference {d:e}");
        }
        if let Some(sizes) = r["curve_strata"].as_array() {
            let lens: Vec<usize> = curves.iter().map(|c| c.times().len()).collect();
            let expected: Vec<usize> = sizes
                .iter()
                .map(|s| s.as_f64().unwrap_or(0.0) as usize)
                .collect();
            assert_eq!(lens, expected, "{id} curve sizes");
        }
        // summary(times =): every curve at every requested time, curve by curve
        let times = numbers(&r["times"]);
        let points: Vec<_> = curves
            .iter()
            .flat_map(|c| times.iter().map(move |&t| c.at(t)))
            .collect();
        for (key, get) in [
            (
                "surv",
                (|p: &oncostat::SurvivalAt| p.survival) as fn(&oncostat::SurvivalAt) -> f64,
            ),
            ("std_err", |p| p.std_error),
            ("lower", |p| p.lower),
            ("upper", |p| p.upper),
        ] {
            let expected = numbers(&r[key]);
            assert_eq!(points.len(), expected.len(), "{id} {key} count");
            for (p, e) in points.iter().zip(expected) {
                assert_close(get(p), e, tol, &format!("{id} {key} at {}", p.time));
            }
        }
    }
    Ok(())
}

/// algorithms.md §9.1: `survfit(fit, newdata = data.frame(age = 60, sex = 1))`.
#[test]
fn survfit_golden_values() -> Result<()> {
    let case = cases()?.into_iter().next().expect("lung_efron");
    let curve = &case.fit.survfit(&[60.0, 1.0], 0.95)?[0];
    let (tol, r) = predict_values("lung_survfit_age60_sex1");
    let v = |k: &str| numbers(&r[k]);
    let times = v("time");
    assert_eq!(times.len(), 3);
    for (i, &t) in times.iter().enumerate() {
        let p = curve.at(t);
        assert_close(p.survival, v("surv")[i], tol, "S");
        assert_close(p.std_error, v("se")[i], tol, "se");
        assert_close(p.lower, v("lower")[i], tol, "lower");
        assert_close(p.upper, v("upper")[i], tol, "upper");
    }
    Ok(())
}

/// A block of `tests/data/predict_cox_values.json` and its tolerance (never looser than the
/// crate's 1e-6).
fn predict_values(case: &str) -> (f64, serde_json::Value) {
    let golden = common::json("predict_cox_values.json");
    let tol = common::tolerance(&golden);
    assert!(tol <= 1e-6, "the golden may not loosen the tolerance");
    (tol, golden[case].clone())
}

#[test]
fn predict_matches_r() -> Result<()> {
    let case = cases()?.into_iter().next().expect("lung_efron");
    let new = Design::from_columns([("age", vec![60.0, 70.0]), ("sex", vec![1.0, 2.0])])?;
    let lp = case.fit.linear_predictor(&new)?;
    let risk = case.fit.relative_risk(&new)?;
    for (i, e) in numbers(&case.r["predict_lp"]).into_iter().enumerate() {
        assert_close(lp[i], e, 1e-6, "lp");
    }
    for (i, e) in numbers(&case.r["predict_risk"]).into_iter().enumerate() {
        assert_close(risk[i], e, 1e-6, "risk");
    }
    // the fitted rows reproduce the fit's linear predictors
    let own = case.fit.linear_predictor(&case.x)?;
    assert!(max_diff(own.as_slice(), case.fit.linear_predictors().as_slice()) < 1e-12);
    Ok(())
}

#[test]
fn survfit_rejects_bad_newdata() -> Result<()> {
    let case = cases()?.into_iter().next().expect("lung_efron");
    assert!(case.fit.survfit(&[60.0], 0.95).is_err());
    assert!(case.fit.survfit(&[f64::NAN, 1.0], 0.95).is_err());
    assert!(case.fit.survfit(&[60.0, 1.0], 1.5).is_err());
    let wrong = Design::from_columns([("age", vec![60.0])])?;
    assert!(case.fit.linear_predictor(&wrong).is_err());
    Ok(())
}

/// A tiny deterministic generator (xorshift) so the simulation needs no extra crate.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

/// For data generated from the model (exponential times, hazard e^{0.5 x}, independent
/// censoring), the robust (sandwich) variance estimates the same variance as the model-based
/// one: their ratio averages close to 1 over replicates.
#[test]
fn robust_variance_agrees_with_model_on_average() -> Result<()> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (reps, n) = (40, 200);
    let mut ratio_sum = 0.0;
    for _ in 0..reps {
        let x: Vec<f64> = (0..n).map(|_| rng.uniform() * 2.0 - 1.0).collect();
        let mut time = Vec::with_capacity(n);
        let mut event = Vec::with_capacity(n);
        for xi in &x {
            let t = -rng.uniform().ln() / (0.5 * xi).exp();
            let c = -rng.uniform().ln() / 0.5;
            time.push(t.min(c));
            event.push(t <= c);
        }
        let data = SurvivalData::new(time, event)?;
        let design = Design::from_columns([("x", x)])?;
        let fit = CoxPh::new()
            .variance(CoxVariance::Robust)
            .fit(&data, &design)?;
        let robust = fit.robust_std_errors().expect("robust on")[0];
        ratio_sum += (robust / fit.std_errors()[0]).powi(2);
    }
    let mean_ratio = ratio_sum / reps as f64;
    assert!(
        (mean_ratio - 1.0).abs() < 0.1,
        "mean robust/model variance ratio {mean_ratio}"
    );
    Ok(())
}

/// Offsets (R: `coxph(Surv(time, status) ~ age + offset(0.5 * sex), lung)`, R 4.2.2,
/// survival 3.5-3): martingale residuals and basehaz (at the mean offset) as R.
#[test]
fn offsets_as_r() -> Result<()> {
    let case = cases()?.into_iter().next().expect("lung_efron");
    let m = case.x.matrix();
    let offsets: Vec<f64> = m.column(1).iter().map(|s| 0.5 * s).collect();
    let data = case.data.clone().with_offsets(offsets)?;
    let x = Design::from_columns([("age", m.column(0).iter().copied().collect::<Vec<f64>>())])?;
    let fit = CoxPh::new().fit(&data, &x)?;
    let h = fit.basehaz(Centering::Means)?;
    let (tol, r) = predict_values("lung_offset");
    let (basehaz, martingale) = (numbers(&r["basehaz"]), numbers(&r["martingale"]));
    assert_close(h.cumhaz()[0], basehaz[0], tol, "H(5)");
    assert_close(h.cumhaz()[1], basehaz[1], tol, "H(11)");
    let res = fit.residuals(oncostat::ResidualKind::Martingale)?;
    assert_close(res.values()[(0, 0)], martingale[0], tol, "m_1");
    assert_close(res.values()[(1, 0)], martingale[1], tol, "m_2");
    Ok(())
}
