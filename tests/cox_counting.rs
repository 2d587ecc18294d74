//! Cox models on counting-process data `(start, stop]` against R `survival` 3.5-3 (R 4.2.2),
//! through the public API: the goldens of `tests/data/counting_cox_goldens.json`, written by
//! `tests/data/make_counting_cox.R` (Stanford heart transplant data `survival::heart` with
//! Efron, Breslow, strata and `cluster = id`; lung with delayed entry; lung split with
//! `survSplit` against unsplit lung), and the property that splitting every row at an
//! arbitrary time leaves the fit unchanged.

mod common;

use std::path::{Path, PathBuf};

use oncostat::survival::CoxZph;
use oncostat::{CoxFit, CoxPh, CoxVariance, Design, Error, Result, SurvivalData, Ties};
use proptest::prelude::*;
use serde_json::Value;

const R_MATCH_REL: f64 = oncostat::tolerance::R_MATCH_REL;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Columns of a CSV file by header name (all numeric, no missing cells here).
/// `tests/data/<name>`'s numeric columns, strictly read (missing = NaN, as R's `NA`).
fn read_csv(name: &str) -> common::csv::NumericColumns {
    common::csv::Csv::read(name).numeric()
}

fn golden(id: &str) -> Value {
    let text = std::fs::read_to_string(data_dir().join("counting_cox_goldens.json")).expect("json");
    let all: Value = serde_json::from_str(&text).expect("valid json");
    all["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["id"] == id)
        .cloned()
        .expect("case present")
}

/// Largest relative difference from R seen so far (printed with `--nocapture`).
static WORST: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn close(what: &str, got: f64, want: f64) {
    if want.abs() >= 1e-8 {
        let rel = ((got - want) / want).abs();
        let prev = WORST.fetch_max(rel.to_bits(), std::sync::atomic::Ordering::Relaxed);
        if rel.to_bits() > prev {
            eprintln!("largest relative difference from R so far: {rel:.2e} ({what})");
        }
    }
    let ok = if want.abs() < 1e-8 {
        (got - want).abs() <= R_MATCH_REL * 1e-2
    } else {
        ((got - want) / want).abs() <= R_MATCH_REL
    };
    assert!(
        ok,
        "{what}: got {got:.15e}, R {want:.15e} (rel {:.2e})",
        ((got - want) / want).abs()
    );
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// Compares a fit and its `cox.zph` with an R case.
fn check(fit: &CoxFit, case: &Value, zph: Result<CoxZph>) {
    let id = case["id"].as_str().expect("id");
    for (j, want) in nums(&case["coef"]).into_iter().enumerate() {
        close(&format!("{id} coef {j}"), fit.coefficients()[j], want);
    }
    for (j, want) in nums(&case["se"]).into_iter().enumerate() {
        close(&format!("{id} se {j}"), fit.std_errors()[j], want);
    }
    if case["robust_se"].is_array() {
        let robust = fit.robust_std_errors().expect("robust se");
        for (j, want) in nums(&case["robust_se"]).into_iter().enumerate() {
            close(&format!("{id} robust se {j}"), robust[j], want);
        }
    }
    if let Some(want) = case["rscore"].as_f64() {
        let got = fit
            .robust_score_test()
            .expect("robust score test")
            .statistic();
        close(&format!("{id} robust score"), got, want);
    }
    let ll = nums(&case["loglik"]);
    close(&format!("{id} loglik0"), fit.loglik_null(), ll[0]);
    close(&format!("{id} loglik"), fit.loglik(), ll[1]);
    let score = case["score"].as_f64().expect("score");
    close(&format!("{id} score"), fit.score_test().statistic(), score);
    let wald = case["wald"].as_f64().expect("wald");
    close(&format!("{id} wald"), fit.wald_test().statistic(), wald);
    let iter = case["iter"].as_f64().expect("iter") as usize;
    assert_eq!(fit.convergence().iterations(), iter, "{id} iter");
    for (j, want) in nums(&case["means"]).into_iter().enumerate() {
        close(&format!("{id} mean {j}"), fit.means()[j], want);
    }
    for (i, want) in nums(&case["lp_first"]).into_iter().enumerate() {
        close(&format!("{id} lp {i}"), fit.linear_predictors()[i], want);
    }
    let c = case["concordance"].as_f64().expect("concordance");
    close(
        &format!("{id} concordance"),
        fit.concordance().estimate(),
        c,
    );
    let se = case["concordance_se"].as_f64().expect("se");
    close(
        &format!("{id} concordance se"),
        fit.concordance().std_error(),
        se,
    );
    let zph = zph.expect("cox.zph");
    let got: Vec<f64> = zph.rows().map(|r| r.test().statistic()).collect();
    let want = nums(&case["zph_chisq"]);
    assert_eq!(got.len(), want.len(), "{id} zph terms");
    for (j, (g, w)) in got.into_iter().zip(want).enumerate() {
        close(&format!("{id} zph chisq {j}"), g, w);
    }
    assert_eq!(fit.n(), case["n"].as_f64().expect("n") as usize, "{id} n");
}

fn design(cols: &common::csv::NumericColumns, names: &[&str]) -> Result<Design> {
    Design::from_columns(names.iter().map(|n| (n.to_string(), cols[*n].clone())))
}

fn events(v: &[f64]) -> Vec<bool> {
    v.iter().map(|&e| e > 0.5).collect()
}

fn heart() -> Result<(common::csv::NumericColumns, SurvivalData)> {
    let h = read_csv("heart.csv");
    let data = SurvivalData::counting(h["start"].clone(), h["stop"].clone(), events(&h["event"]))?;
    Ok((h, data))
}

#[test]
fn heart_efron_and_breslow_match_r() -> Result<()> {
    let (h, data) = heart()?;
    let x = design(&h, &["age", "year", "surgery", "transplant"])?;
    let efron = CoxPh::new().fit(&data, &x)?;
    check(&efron, &golden("heart_efron"), efron.zph());
    let breslow = CoxPh::new().ties(Ties::Breslow).fit(&data, &x)?;
    check(&breslow, &golden("heart_breslow"), breslow.zph());
    Ok(())
}

#[test]
fn heart_strata_match_r() -> Result<()> {
    let (h, data) = heart()?;
    let data = data.with_strata(&h["surgery"].iter().map(|&s| s as i64).collect::<Vec<_>>())?;
    let x = design(&h, &["age", "year", "transplant"])?;
    let fit = CoxPh::new().fit(&data, &x)?;
    check(&fit, &golden("heart_strata"), fit.zph());
    Ok(())
}

#[test]
fn heart_cluster_matches_r() -> Result<()> {
    let (h, data) = heart()?;
    let x = design(&h, &["age", "year", "surgery", "transplant"])?;
    let id: Vec<i64> = h["id"].iter().map(|&v| v as i64).collect();
    let fit = CoxPh::new().fit(&data.clone().with_clusters(&id)?, &x)?;
    check(&fit, &golden("heart_cluster"), fit.zph());
    Ok(())
}

fn lung_entry() -> Result<(common::csv::NumericColumns, SurvivalData)> {
    let l = read_csv("lung_entry.csv");
    let data = SurvivalData::counting(l["entry"].clone(), l["time"].clone(), events(&l["status"]))?;
    Ok((l, data))
}

#[test]
fn delayed_entry_matches_r() -> Result<()> {
    let (l, data) = lung_entry()?;
    let x = design(&l, &["age", "sex", "ph_ecog"])?;
    let fit = CoxPh::new().fit(&data, &x)?;
    check(&fit, &golden("lung_entry"), fit.zph());

    let sex: Vec<i64> = l["sex"].iter().map(|&v| v as i64).collect();
    let strat = data.with_strata(&sex)?;
    let x = design(&l, &["age", "ph_ecog"])?;
    let fit = CoxPh::new().ties(Ties::Breslow).fit(&strat, &x)?;
    check(&fit, &golden("lung_entry_breslow_strata"), fit.zph());
    Ok(())
}

#[test]
fn delayed_entry_with_weights_and_offsets_matches_r() -> Result<()> {
    let (l, data) = lung_entry()?;
    let rows = l["age"].len();
    let weights: Vec<f64> = (1..=rows).map(|i| 1.0 + (i % 3) as f64).collect();
    let offsets: Vec<f64> = l["age"].iter().map(|a| 0.01 * a).collect();
    let weighted = data.clone().with_weights(weights)?.with_offsets(offsets)?;
    let x = design(&l, &["sex", "ph_ecog"])?;
    let fit = CoxPh::new().fit(&weighted, &x)?;
    check(&fit, &golden("lung_entry_weights_offset"), fit.zph());

    // fractional weights switch the robust variance on, as in R
    let fractional: Vec<f64> = (1..=rows).map(|i| 0.5 + (i % 4) as f64 / 4.0).collect();
    let x = design(&l, &["age", "sex", "ph_ecog"])?;
    let data = data.with_weights(fractional)?;
    let fit = CoxPh::new().fit(&data, &x)?;
    assert!(fit.robust_std_errors().is_some());
    check(&fit, &golden("lung_entry_fractional_weights"), fit.zph());
    Ok(())
}

#[test]
fn right_censored_cluster_concordance_se_sums_within_clusters() -> Result<()> {
    let l = read_csv("lung_entry.csv");
    let rows: Vec<usize> = (0..l["inst"].len())
        .filter(|&i| l["inst"][i].is_finite())
        .collect();
    let pick = |name: &str| rows.iter().map(|&i| l[name][i]).collect::<Vec<f64>>();
    let data = SurvivalData::new(pick("time"), events(&pick("status")))?;
    let x = Design::from_columns(
        ["age", "sex", "ph_ecog"]
            .iter()
            .map(|n| (n.to_string(), pick(n))),
    )?;
    let inst: Vec<i64> = pick("inst").iter().map(|&v| v as i64).collect();
    let fit = CoxPh::new().fit(&data.clone().with_clusters(&inst)?, &x)?;
    check(&fit, &golden("lung_cluster_inst"), fit.zph());
    Ok(())
}

/// R's `survSplit(..., cut = cuts)`: each row split at the cuts inside `(start, stop)`.
struct Split {
    start: Vec<f64>,
    stop: Vec<f64>,
    event: Vec<bool>,
    /// original row of each piece
    source: Vec<usize>,
}

fn split(start: &[f64], stop: &[f64], event: &[bool], cuts: &[f64]) -> Split {
    let mut out = Split {
        start: Vec::new(),
        stop: Vec::new(),
        event: Vec::new(),
        source: Vec::new(),
    };
    for i in 0..stop.len() {
        let mut from = start[i];
        for &c in cuts.iter().filter(|&&c| c > start[i] && c < stop[i]) {
            out.start.push(from);
            out.stop.push(c);
            out.event.push(false);
            out.source.push(i);
            from = c;
        }
        out.start.push(from);
        out.stop.push(stop[i]);
        out.event.push(event[i]);
        out.source.push(i);
    }
    out
}

#[test]
fn lung_split_equals_unsplit_lung() -> Result<()> {
    let l = read_csv("lung_entry.csv");
    let names = ["age", "sex", "ph_ecog"];
    let unsplit = SurvivalData::new(l["time"].clone(), events(&l["status"]))?;
    let unsplit_x = design(&l, &names)?;
    let fit = CoxPh::new().fit(&unsplit, &unsplit_x)?;
    check(&fit, &golden("lung_unsplit"), fit.zph());

    let zero = vec![0.0; l["time"].len()];
    let s = split(
        &zero,
        &l["time"],
        &events(&l["status"]),
        &[100.0, 250.5, 400.0],
    );
    let data = SurvivalData::counting(s.start.clone(), s.stop.clone(), s.event.clone())?;
    let x = Design::from_columns(
        names
            .iter()
            .map(|n| (n.to_string(), s.source.iter().map(|&i| l[*n][i]).collect())),
    )?;
    let split_fit = CoxPh::new().fit(&data, &x)?;
    // R's split fit (its concordance se treats the pieces as separate rows) ...
    check(&split_fit, &golden("lung_split"), split_fit.zph());
    // ... and the unsplit fit: same coefficients, se, log-likelihood and concordance
    check_same_fit(&split_fit, &fit);
    Ok(())
}

fn check_same_fit(a: &CoxFit, b: &CoxFit) {
    for j in 0..a.coefficients().len() {
        close("split coef", a.coefficients()[j], b.coefficients()[j]);
        close("split se", a.std_errors()[j], b.std_errors()[j]);
    }
    close("split loglik", a.loglik(), b.loglik());
    close("split loglik0", a.loglik_null(), b.loglik_null());
    close(
        "split score",
        a.score_test().statistic(),
        b.score_test().statistic(),
    );
    close(
        "split concordance",
        a.concordance().estimate(),
        b.concordance().estimate(),
    );
}

#[test]
fn start_must_precede_stop() {
    let bad = SurvivalData::counting(vec![0.0, 4.0], vec![3.0, 4.0], vec![true, true]);
    assert!(matches!(bad, Err(Error::StartNotBeforeStop { row: 2, .. })));
    // R allows negative start times
    assert!(SurvivalData::counting(vec![-2.0], vec![3.0], vec![true]).is_ok());
}

#[test]
fn methods_without_counting_support_say_so() -> Result<()> {
    let (_, data) = heart()?;
    assert!(matches!(
        oncostat::LogRank::new().test(&data, &vec![1; data.len()]),
        Err(Error::CountingProcessNotSupported { .. })
    ));
    let x = Design::from_columns([("a", vec![1.0; data.len()])])?;
    assert!(matches!(
        oncostat::FirthCoxPh::new().fit(&data, &x),
        Err(Error::CountingProcessNotSupported { .. })
    ));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Splitting every row at an arbitrary time inside its interval gives the same fit.
    #[test]
    fn splitting_rows_leaves_the_fit_unchanged(
        rows in prop::collection::vec((1u32..40, any::<bool>(), -2.0f64..2.0, 0.05f64..0.95, any::<bool>()), 6..40),
        breslow in any::<bool>(),
    ) {
        let stop: Vec<f64> = rows.iter().map(|r| f64::from(r.0)).collect();
        let event: Vec<bool> = rows.iter().map(|r| r.1).collect();
        let x: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let g: Vec<f64> = rows.iter().map(|r| if r.4 { 1.0 } else { 0.0 }).collect();
        prop_assume!(event.iter().filter(|&&e| e).count() >= 2);
        let ties = if breslow { Ties::Breslow } else { Ties::Efron };
        let whole = SurvivalData::new(stop.clone(), event.clone())?;
        let xd = Design::from_columns([("x", x.clone()), ("g", g.clone())])?;
        let fit = CoxPh::new().ties(ties).fit(&whole, &xd)?;
        prop_assume!(fit.convergence().converged() && fit.aliased().iter().all(|a| !a));

        let mut s = Split { start: Vec::new(), stop: Vec::new(), event: Vec::new(), source: Vec::new() };
        for (i, r) in rows.iter().enumerate() {
            let cut = stop[i] * r.3;
            s.start.extend([0.0, cut]);
            s.stop.extend([cut, stop[i]]);
            s.event.extend([false, event[i]]);
            s.source.extend([i, i]);
        }
        let data = SurvivalData::counting(s.start, s.stop, s.event)?;
        let xs = Design::from_columns([
            ("x", s.source.iter().map(|&i| x[i]).collect::<Vec<_>>()),
            ("g", s.source.iter().map(|&i| g[i]).collect::<Vec<_>>()),
        ])?;
        let split_fit = CoxPh::new().ties(ties).fit(&data, &xs)?;
        for j in 0..2 {
            let (a, b) = (split_fit.coefficients()[j], fit.coefficients()[j]);
            prop_assert!((a - b).abs() <= 1e-7 * (1.0 + b.abs()), "coef {j}: {a} vs {b}");
            let (a, b) = (split_fit.std_errors()[j], fit.std_errors()[j]);
            prop_assert!((a - b).abs() <= 1e-7 * (1.0 + b.abs()), "se {j}: {a} vs {b}");
        }
        let (a, b) = (split_fit.loglik(), fit.loglik());
        prop_assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()), "loglik {a} vs {b}");
        let (a, b) = (split_fit.concordance().estimate(), fit.concordance().estimate());
        prop_assert!((a - b).abs() <= 1e-12, "concordance {a} vs {b}");

        // with the subject as cluster, the robust variance of the pieces is the subject's
        let ids: Vec<usize> = (0..rows.len()).flat_map(|i| [i, i]).collect();
        let robust_split = CoxPh::new().ties(ties).fit(&data.clone().with_clusters(&ids)?, &xs)?;
        let robust_whole = CoxPh::new().ties(ties).variance(CoxVariance::Robust).fit(&whole, &xd)?;
        let (a, b) = (
            robust_split.robust_std_errors().expect("robust"),
            robust_whole.robust_std_errors().expect("robust"),
        );
        for j in 0..2 {
            prop_assert!((a[j] - b[j]).abs() <= 1e-7 * (1.0 + b[j].abs()), "robust se {j}: {} vs {}", a[j], b[j]);
        }
    }
}
