//! Kaplan–Meier and log-rank against R 4.2.2 / survival 3.5-3.
//!
//! Reference values: `tests/data/km_lung_sex.json`, `logrank_lung_sex*.json` (shared
//! reference set) and `tests/data/km_logrank_goldens.json`, produced by
//! `tests/data/R/km_logrank_goldens.R` (run from `tests/data`; it also writes
//! `lung_full.csv` and `aml.csv`). Constants quoted from the project's algorithms.md §9.2–9.4
//! are checked in `algorithms_goldens`.
#![allow(clippy::float_cmp)] // exact values: counts, times, R's integer medians and 0/1

mod common;

use approx::assert_relative_eq;
use oncostat::tolerance::R_MATCH_REL;
use oncostat::{ConfType, CurveVariance, Error, KaplanMeier, LogRank, SurvivalCurve, SurvivalData};
use serde_json::Value;

/// A CSV file as named text columns (`NA` and empty cells as `None`).
use common::csv::Csv;

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("array expected, got {v}"))
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

/// R agreement: relative `R_MATCH_REL` (absolute 1e-12 at zero); `NA` (null) must be NaN.
fn assert_r(actual: f64, expected: f64, what: &str) {
    if expected.is_nan() {
        assert!(actual.is_nan(), "{what}: R gives NA, got {actual}");
        return;
    }
    if expected.is_infinite() {
        assert_eq!(actual, expected, "{what}");
        return;
    }
    let err = (actual - expected).abs();
    assert!(
        err <= R_MATCH_REL * expected.abs() || err <= 1e-12,
        "{what}: got {actual:.15e}, R gives {expected:.15e}"
    );
}

fn assert_all(actual: &[f64], expected: &[f64], what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: length");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert_r(*a, *e, &format!("{what}[{i}]"));
    }
}

fn opt(x: Option<f64>) -> f64 {
    x.unwrap_or(f64::NAN)
}

/// Time/status data (status 0/1) from one of the CSV files, complete cases over `extra`.
fn survival_data(file: &str, time: &str, status: &str, extra: &[&str]) -> (Csv, Vec<usize>) {
    let csv = Csv::read(file);
    let mut cols = vec![time, status];
    cols.extend_from_slice(extra);
    let rows = csv.complete(&cols);
    (csv, rows)
}

fn data_of(csv: &Csv, rows: &[usize], time: &str, status: &str) -> SurvivalData {
    SurvivalData::from_status(csv.numbers_at(time, rows), &csv.numbers_at(status, rows))
        .expect("data")
}

/// The data of each `km` golden case (see km_logrank_goldens.R).
fn km_case(id: &str) -> (SurvivalData, Option<Vec<String>>) {
    let small = |t: &[f64], s: &[f64]| SurvivalData::from_status(t.to_vec(), s).expect("data");
    match id {
        "lung_pooled" | "lung_sex" | "lung_w2" | "lung_wsex" => {
            let (csv, rows) = survival_data("lung_full.csv", "time", "status", &[]);
            let mut data = data_of(&csv, &rows, "time", "status");
            if id == "lung_w2" {
                let w = (1..=rows.len())
                    .map(|i| 0.5 + (i % 3) as f64 / 2.0)
                    .collect();
                data = data.with_weights(w).expect("weights");
            }
            if id == "lung_wsex" {
                data = data
                    .with_weights(csv.numbers_at("sex", &rows))
                    .expect("weights");
            }
            let groups = (id == "lung_sex").then(|| csv.text_at("sex", &rows));
            (data, groups)
        }
        "aml_x" | "aml_pooled" => {
            let (csv, rows) = survival_data("aml.csv", "time", "status", &[]);
            let data = data_of(&csv, &rows, "time", "status");
            let groups = (id == "aml_x").then(|| csv.text_at("x", &rows));
            (data, groups)
        }
        "midpoint_all_events" => (small(&[1.0, 2.0, 3.0, 4.0], &[1.0; 4]), None),
        "midpoint_flat" => (
            small(
                &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
                &[1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0],
            ),
            None,
        ),
        "flat_to_end" => (small(&[1.0, 2.0, 3.0, 4.0], &[1.0, 1.0, 0.0, 0.0]), None),
        "weighted_last_all_die" => (
            small(&[1.0, 2.0, 3.0, 4.0], &[1.0, 0.0, 1.0, 1.0])
                .with_weights(vec![1.5, 1.0, 2.0, 0.5])
                .expect("weights"),
            None,
        ),
        "no_events" => (small(&[3.0, 5.0, 7.0], &[0.0; 3]), None),
        other => panic!("unknown case {other}"),
    }
}

fn check_curve(
    fit: &SurvivalCurve,
    golden: &Value,
    conf: ConfType,
    at_times: &[f64],
    probs: &[f64],
) {
    let id = format!("{}[{:?}]", fit.label(), conf);
    assert_eq!(fit.label(), golden["label"].as_str().expect("label"));
    assert_eq!(fit.n() as f64, nums(&golden["n"])[0], "{id}: n");
    assert_all(fit.times(), &nums(&golden["time"]), &format!("{id} time"));
    assert_all(
        fit.n_risk(),
        &nums(&golden["n_risk"]),
        &format!("{id} n_risk"),
    );
    assert_all(
        fit.n_event(),
        &nums(&golden["n_event"]),
        &format!("{id} n_event"),
    );
    assert_all(
        fit.n_censor(),
        &nums(&golden["n_censor"]),
        &format!("{id} n_censor"),
    );
    assert_all(
        fit.survival(),
        &nums(&golden["surv"]),
        &format!("{id} surv"),
    );
    // R's Inf (S = 0 under Greenwood) is stored as null in the JSON.
    let se: Vec<f64> = fit
        .std_err()
        .iter()
        .map(|&x| if x.is_infinite() { f64::NAN } else { x })
        .collect();
    assert_all(&se, &nums(&golden["std_err_log"]), &format!("{id} std.err"));
    let rm = nums(&golden["rmean"]);
    let mine = fit.restricted_mean();
    assert_r(mine.estimate, rm[0], &format!("{id} rmean"));
    assert_r(mine.std_error, rm[1], &format!("{id} se(rmean)"));
    let rm200 = nums(&golden["rmean200"]);
    let mine = fit.restricted_mean_to(200.0).expect("rmean 200");
    assert_r(mine.estimate, rm200[0], &format!("{id} rmean 200"));
    assert_r(mine.std_error, rm200[1], &format!("{id} se(rmean 200)"));

    let key = match conf {
        ConfType::Log => "log",
        ConfType::LogLog => "loglog",
        ConfType::Plain => "plain",
    };
    let g = &golden[key];
    assert_all(fit.lower(), &nums(&g["lower"]), &format!("{id} lower"));
    assert_all(fit.upper(), &nums(&g["upper"]), &format!("{id} upper"));
    let (q_est, q_lo, q_hi) = (nums(&g["q_est"]), nums(&g["q_lower"]), nums(&g["q_upper"]));
    for (j, &p) in probs.iter().enumerate() {
        let q = fit.quantile(p).expect("quantile");
        assert_r(opt(q.estimate), q_est[j], &format!("{id} quantile {p}"));
        assert_r(opt(q.lower), q_lo[j], &format!("{id} quantile {p} lower"));
        assert_r(opt(q.upper), q_hi[j], &format!("{id} quantile {p} upper"));
    }
    let at = fit.survival_at(at_times).expect("survival_at");
    let col = |f: fn(&oncostat::SurvivalAt) -> f64| at.iter().map(f).collect::<Vec<_>>();
    assert_all(
        &col(|a| a.time),
        &nums(&g["at_time"]),
        &format!("{id} at time"),
    );
    assert_all(
        &col(|a| a.n_risk),
        &nums(&g["at_n_risk"]),
        &format!("{id} at n.risk"),
    );
    assert_all(
        &col(|a| a.survival),
        &nums(&g["at_surv"]),
        &format!("{id} at surv"),
    );
    assert_all(
        &col(|a| a.std_error),
        &nums(&g["at_se"]),
        &format!("{id} at std.err"),
    );
    assert_all(
        &col(|a| a.lower),
        &nums(&g["at_lower"]),
        &format!("{id} at lower"),
    );
    assert_all(
        &col(|a| a.upper),
        &nums(&g["at_upper"]),
        &format!("{id} at upper"),
    );
    let table = nums(&g["print_table"]);
    assert_eq!(fit.n() as f64, table[0], "{id}: records");
    assert_r(fit.weighted_n_events(), table[1], &format!("{id} events"));
}

#[test]
fn km_goldens_all_cases_and_conf_types() {
    let golden = common::json("km_logrank_goldens.json");
    let at_times = nums(&golden["at_times"]);
    let probs = nums(&golden["quantile_probs"]);
    let cases = golden["km"].as_object().expect("km cases");
    assert_eq!(cases.len(), 11);
    for (id, case) in cases {
        let (data, groups) = km_case(id);
        let curves = case["curves"].as_array().expect("curves");
        for conf in [ConfType::Log, ConfType::LogLog, ConfType::Plain] {
            let km = KaplanMeier::new().conf_type(conf);
            let fits = match &groups {
                Some(g) => km.fit_groups(&data, g).expect("fit"),
                None => vec![km.fit(&data).expect("fit")],
            };
            assert_eq!(fits.len(), curves.len(), "{id}: number of curves");
            for (fit, curve) in fits.iter().zip(curves) {
                check_curve(fit, curve, conf, &at_times, &probs);
            }
        }
    }
}

/// The data, groups and strata of each `logrank` golden case.
fn logrank_case(id: &str) -> (SurvivalData, Vec<String>) {
    match id {
        "lung_sex" | "lung_sex_peto" | "lung_sex_rho_half" => {
            let (csv, rows) = survival_data("lung_full.csv", "time", "status", &["sex"]);
            (
                data_of(&csv, &rows, "time", "status"),
                csv.text_at("sex", &rows),
            )
        }
        "lung_ecog" => {
            let (csv, rows) = survival_data("lung_full.csv", "time", "status", &["ph_ecog"]);
            (
                data_of(&csv, &rows, "time", "status"),
                csv.text_at("ph_ecog", &rows),
            )
        }
        "lung_sex_strata_ecog" | "lung_sex_strata_ecog_peto" => {
            let (csv, rows) = survival_data("lung_full.csv", "time", "status", &["sex", "ph_ecog"]);
            let data = data_of(&csv, &rows, "time", "status")
                .with_strata(&csv.text_at("ph_ecog", &rows))
                .expect("strata");
            (data, csv.text_at("sex", &rows))
        }
        "ovarian_rx" => {
            let (csv, rows) = survival_data("ovarian.csv", "futime", "fustat", &["rx"]);
            (
                data_of(&csv, &rows, "futime", "fustat"),
                csv.text_at("rx", &rows),
            )
        }
        "aml_x" => {
            let (csv, rows) = survival_data("aml.csv", "time", "status", &["x"]);
            (
                data_of(&csv, &rows, "time", "status"),
                csv.text_at("x", &rows),
            )
        }
        other => panic!("unknown case {other}"),
    }
}

#[test]
fn logrank_goldens() {
    let golden = common::json("km_logrank_goldens.json");
    let cases = golden["logrank"].as_object().expect("logrank cases");
    assert_eq!(cases.len(), 8);
    for (id, case) in cases {
        let (data, groups) = logrank_case(id);
        let rho = nums(&case["rho"])[0];
        let t = LogRank::new().rho(rho).test(&data, &groups).expect("test");
        let labels: Vec<&str> = case["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .map(|g| g.as_str().expect("label"))
            .collect();
        assert_eq!(t.groups(), labels.as_slice(), "{id}: groups");
        let n: Vec<f64> = t.n().iter().map(|&x| x as f64).collect();
        assert_all(&n, &nums(&case["n"]), &format!("{id} n"));
        assert_all(
            t.observed(),
            &nums(&case["observed"]),
            &format!("{id} observed"),
        );
        assert_all(
            t.expected(),
            &nums(&case["expected"]),
            &format!("{id} expected"),
        );
        assert_all(
            t.variance().as_slice(),
            &nums(&case["variance"]),
            &format!("{id} variance"),
        );
        assert_r(t.chisq(), nums(&case["chisq"])[0], &format!("{id} chisq"));
        assert_eq!(t.df() as f64, nums(&case["df"])[0], "{id}: df");
        assert_r(t.p_value(), nums(&case["p"])[0], &format!("{id} p"));
        assert_r(
            t.test().p_value(),
            t.p_value(),
            &format!("{id} ChiSqTest p"),
        );
    }
}

#[test]
fn shared_reference_km_lung_sex() {
    let r = common::json("km_lung_sex.json");
    let tol = r["tolerance"].as_f64().expect("tolerance");
    let (csv, rows) = survival_data("lung.csv", "time", "status", &["sex"]);
    let data = data_of(&csv, &rows, "time", "status");
    let fits = KaplanMeier::new()
        .fit_groups(&data, &csv.text_at("sex", &rows))
        .expect("fit");
    let groups = r["groups"].as_array().expect("groups");
    assert_eq!(fits.len(), groups.len());
    for (fit, g) in fits.iter().zip(groups) {
        let what = |k: &str| format!("group {}: {k}", fit.label());
        assert_eq!(fit.label(), g["group"].as_str().expect("group"));
        assert_eq!(fit.n() as f64, g["n"].as_f64().expect("n"));
        common::assert_close(
            fit.weighted_n_events(),
            g["events"].as_f64().expect("e"),
            tol,
            "events",
        );
        let (lo, hi) = fit.median_ci();
        common::assert_close(
            opt(fit.median()),
            g["median"].as_f64().expect("m"),
            tol,
            &what("median"),
        );
        common::assert_close(
            opt(lo),
            g["median_lower"].as_f64().expect("l"),
            tol,
            &what("lower"),
        );
        common::assert_close(
            opt(hi),
            g["median_upper"].as_f64().expect("u"),
            tol,
            &what("upper"),
        );
        let expected = g["surv_at"].as_array().expect("surv_at");
        let times: Vec<f64> = expected
            .iter()
            .map(|e| e["time"].as_f64().expect("t"))
            .collect();
        let at = fit.survival_at(&times).expect("survival_at");
        assert_eq!(at.len(), expected.len());
        for (a, e) in at.iter().zip(expected) {
            let f = |k: &str| e[k].as_f64().expect("number");
            common::assert_close(a.time, f("time"), tol, &what("time"));
            common::assert_close(a.n_risk, f("n_risk"), tol, &what("n_risk"));
            common::assert_close(a.survival, f("surv"), tol, &what("surv"));
            common::assert_close(a.std_error, f("se"), tol, &what("se"));
            common::assert_close(a.lower, f("lower"), tol, &what("lower"));
            common::assert_close(a.upper, f("upper"), tol, &what("upper"));
        }
    }
}

#[test]
fn shared_reference_logrank_lung_sex() {
    for file in ["logrank_lung_sex.json", "logrank_lung_sex_peto.json"] {
        let r = common::json(file);
        let tol = r["tolerance"].as_f64().expect("tolerance");
        let (csv, rows) = survival_data("lung.csv", "time", "status", &["sex"]);
        let data = data_of(&csv, &rows, "time", "status");
        let rho = r["rho"].as_f64().expect("rho");
        let t = LogRank::new()
            .rho(rho)
            .test(&data, &csv.text_at("sex", &rows))
            .expect("test");
        assert_eq!(t.groups(), ["1", "2"]);
        for (k, (o, e)) in t.observed().iter().zip(t.expected()).enumerate() {
            common::assert_close(*o, nums(&r["observed"])[k], tol, "observed");
            common::assert_close(*e, nums(&r["expected"])[k], tol, "expected");
        }
        common::assert_close(t.chisq(), r["chisq"].as_f64().expect("chisq"), tol, "chisq");
        assert_eq!(t.df() as f64, r["df"].as_f64().expect("df"));
        common::assert_close(t.p_value(), r["p"].as_f64().expect("p"), tol, "p");
    }
}

fn lung_full() -> (SurvivalData, Csv, Vec<usize>) {
    let (csv, rows) = survival_data("lung_full.csv", "time", "status", &[]);
    (data_of(&csv, &rows, "time", "status"), csv, rows)
}

/// Constants quoted in algorithms.md §9.2–9.4 (R 4.2.2 / survival 3.5-3).
#[test]
fn algorithms_goldens() {
    let (lung, csv, rows) = lung_full();
    let km = KaplanMeier::new();
    let fit = km.fit(&lung).unwrap();
    assert_eq!(fit.median(), Some(310.0));
    assert_eq!(fit.median_ci(), (Some(285.0), Some(363.0)));
    for (conf, lo, hi) in [
        (ConfType::LogLog, 284.0, 361.0),
        (ConfType::Plain, 284.0, 361.0),
    ] {
        let f = km.clone().conf_type(conf).fit(&lung).unwrap();
        assert_eq!(f.median_ci(), (Some(lo), Some(hi)), "{conf:?}");
    }
    for (p, est, lo, hi) in [
        (0.25, 170.0, 145.0, 197.0),
        (0.5, 310.0, 285.0, 363.0),
        (0.75, 550.0, 460.0, 654.0),
    ] {
        let q = fit.quantile(p).unwrap();
        assert_eq!(
            (q.estimate, q.lower, q.upper),
            (Some(est), Some(lo), Some(hi))
        );
    }
    // values: tests/data/km_logrank_values.json
    let golden = common::json("km_logrank_values.json");
    let tol = common::tolerance(&golden);
    assert!(
        tol <= R_MATCH_REL,
        "the golden may not loosen the crate's promise"
    );
    let g = &golden["lung_km"];
    let v = |k: &str| common::numbers(&g[k]);
    let rm = fit.restricted_mean();
    assert_relative_eq!(rm.estimate, v("rmean")[0], max_relative = tol);
    assert_relative_eq!(rm.std_error, v("rmean_se")[0], max_relative = tol);
    let at = fit.survival_at(&v("at")).unwrap();
    assert_eq!(at.len(), 3);
    for (i, a) in at.iter().enumerate() {
        assert_eq!(a.n_risk, v("n_risk")[i]);
        assert_relative_eq!(a.survival, v("surv")[i], max_relative = tol);
        assert_relative_eq!(a.std_error, v("se")[i], max_relative = tol);
        assert_relative_eq!(a.lower, v("lower")[i], max_relative = tol);
        assert_relative_eq!(a.upper, v("upper")[i], max_relative = tol);
    }
    let loglog = km.clone().conf_type(ConfType::LogLog).fit(&lung).unwrap();
    let at = loglog.survival_at(&v("at")).unwrap();
    for (i, a) in at.iter().enumerate() {
        assert_relative_eq!(a.lower, v("loglog_lower")[i], max_relative = tol);
        assert_relative_eq!(a.upper, v("loglog_upper")[i], max_relative = tol);
    }

    // By sex: 270 (212–310) and 426 (348–550).
    let by_sex = km.fit_groups(&lung, &csv.text_at("sex", &rows)).unwrap();
    assert_eq!(by_sex[0].median(), Some(270.0));
    assert_eq!(by_sex[0].median_ci(), (Some(212.0), Some(310.0)));
    assert_eq!(by_sex[1].median(), Some(426.0));
    assert_eq!(by_sex[1].median_ci(), (Some(348.0), Some(550.0)));

    // Weighted w2 (non-integer weights: infinitesimal-jackknife variance).
    let w2 = (1..=rows.len())
        .map(|i| 0.5 + (i % 3) as f64 / 2.0)
        .collect();
    let weighted = km.fit(&lung.clone().with_weights(w2).unwrap()).unwrap();
    assert_eq!(
        weighted.variance_method(),
        CurveVariance::InfinitesimalJackknife
    );
    assert_eq!(weighted.median(), Some(306.0));
    assert_eq!(weighted.median_ci(), (Some(284.0), Some(364.0)));
    let at = weighted.survival_at(&v("w2_at")).unwrap();
    assert_eq!(at.len(), 2);
    for (i, a) in at.iter().enumerate() {
        assert_relative_eq!(a.survival, v("w2_surv")[i], max_relative = tol);
        assert_relative_eq!(a.std_error, v("w2_se")[i], max_relative = tol);
    }

    // Midpoint rule.
    let four = SurvivalData::from_status(vec![1.0, 2.0, 3.0, 4.0], &[1.0; 4]).unwrap();
    let f = km.fit(&four).unwrap();
    for (p, est, lo) in [(0.25, 1.5, 1.0), (0.5, 2.5, 1.0), (0.75, 3.5, 2.0)] {
        let q = f.quantile(p).unwrap();
        assert_eq!((q.estimate, q.lower, q.upper), (Some(est), Some(lo), None));
    }
    let eight = SurvivalData::from_status(
        (1..=8).map(f64::from).collect(),
        &[1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0],
    )
    .unwrap();
    let f = km.fit(&eight).unwrap();
    assert_eq!(f.median(), Some(5.0));
    assert_eq!(f.median_ci(), (Some(3.0), None));
}

#[test]
fn survdiff_goldens_lung_ovarian_aml() {
    // values: tests/data/km_logrank_values.json
    let golden = common::json("km_logrank_values.json");
    let tol = common::tolerance(&golden);
    assert!(
        tol <= R_MATCH_REL,
        "the golden may not loosen the crate's promise"
    );
    let r = |case: &str, k: &str| common::numbers(&golden["survdiff"][case][k]);
    let (lung, csv, rows) = lung_full();
    let sex = csv.text_at("sex", &rows);
    let t = LogRank::new().test(&lung, &sex).unwrap();
    assert_relative_eq!(t.observed()[0], 112.0);
    let expected = r("lung_sex", "expected");
    assert_relative_eq!(t.expected()[0], expected[0], max_relative = tol);
    assert_relative_eq!(t.expected()[1], expected[1], max_relative = tol);
    assert_relative_eq!(
        t.variance()[(0, 0)],
        r("lung_sex", "variance_11")[0],
        max_relative = tol
    );
    assert_relative_eq!(t.chisq(), r("lung_sex", "chisq")[0], max_relative = tol);
    assert_relative_eq!(t.p_value(), r("lung_sex", "p")[0], max_relative = tol);
    let peto = LogRank::new().rho(1.0).test(&lung, &sex).unwrap();
    assert_relative_eq!(
        peto.chisq(),
        r("lung_sex_rho1", "chisq")[0],
        max_relative = tol
    );
    assert_relative_eq!(
        peto.p_value(),
        r("lung_sex_rho1", "p")[0],
        max_relative = tol
    );

    // ~ph.ecog: 4 groups, ph.ecog = 3 has one patient (it has E > 0, so df 3).
    let ecog_rows = csv.complete(&["time", "status", "ph_ecog"]);
    let ecog_data = data_of(&csv, &ecog_rows, "time", "status");
    let ecog = csv.text_at("ph_ecog", &ecog_rows);
    let t = LogRank::new().test(&ecog_data, &ecog).unwrap();
    assert_eq!(t.n(), [63, 113, 50, 1]);
    assert_eq!(t.df(), 3);
    assert_relative_eq!(t.chisq(), r("lung_ecog", "chisq")[0], max_relative = tol);
    // ~sex + strata(ph.ecog)
    let stratified = data_of(&csv, &ecog_rows, "time", "status")
        .with_strata(&ecog)
        .unwrap();
    let t = LogRank::new()
        .test(&stratified, &csv.text_at("sex", &ecog_rows))
        .unwrap();
    assert_relative_eq!(
        t.chisq(),
        r("lung_sex_strata_ecog", "chisq")[0],
        max_relative = tol
    );

    let (ov, ov_rows) = survival_data("ovarian.csv", "futime", "fustat", &["rx"]);
    let t = LogRank::new()
        .test(
            &data_of(&ov, &ov_rows, "futime", "fustat"),
            &ov.text_at("rx", &ov_rows),
        )
        .unwrap();
    assert_eq!(t.observed(), [7.0, 5.0]);
    let expected = r("ovarian_rx", "expected");
    assert_relative_eq!(t.expected()[0], expected[0], max_relative = tol);
    assert_relative_eq!(t.expected()[1], expected[1], max_relative = tol);
    assert_relative_eq!(t.chisq(), r("ovarian_rx", "chisq")[0], max_relative = tol);

    let (aml, aml_rows) = survival_data("aml.csv", "time", "status", &["x"]);
    let aml_data = data_of(&aml, &aml_rows, "time", "status");
    let x = aml.text_at("x", &aml_rows);
    let t = LogRank::new().test(&aml_data, &x).unwrap();
    assert_eq!(t.observed(), [7.0, 11.0]);
    assert_relative_eq!(
        t.expected()[0],
        r("aml_x", "expected_1")[0],
        max_relative = tol
    );
    assert_relative_eq!(t.chisq(), r("aml_x", "chisq")[0], max_relative = tol);
    assert_relative_eq!(t.p_value(), r("aml_x", "p")[0], max_relative = tol);

    // aml KM: Maintained 31 (18–NA); Nonmaintained 23 (8–NA), last S = 0 with se NaN
    // (S scale) and NA bounds; pooled 27 (18–45).
    let fits = KaplanMeier::new().fit_groups(&aml_data, &x).unwrap();
    assert_eq!(fits[0].label(), "Maintained");
    assert_eq!(fits[0].median(), Some(31.0));
    assert_eq!(fits[0].median_ci(), (Some(18.0), None));
    assert_eq!(fits[1].median(), Some(23.0));
    assert_eq!(fits[1].median_ci(), (Some(8.0), None));
    let last = fits[1].survival().len() - 1;
    assert_eq!(fits[1].survival()[last], 0.0);
    assert!(fits[1].std_err()[last].is_infinite());
    assert!(fits[1].lower()[last].is_nan() && fits[1].upper()[last].is_nan());
    let at = fits[1].survival_at(&[45.0]).unwrap();
    assert!(at[0].std_error.is_nan());
    // Pooled 27 (18–45) is R's print.survfit / summary(fit)$table, which `median_ci` follows;
    // R's quantile() gives the upper limit 48, because the upper band is not monotone there
    // (0.5377 at t = 48 < 0.5416 at t = 45) and quantile's interpolation sorts the band values.
    let pooled = KaplanMeier::new().fit(&aml_data).unwrap();
    assert_eq!(pooled.median(), Some(27.0));
    assert_eq!(pooled.median_ci(), (Some(18.0), Some(45.0)));
    let q = pooled.quantile(0.5).unwrap();
    assert_eq!(
        (q.estimate, q.lower, q.upper),
        (Some(27.0), Some(18.0), Some(48.0))
    );
    let printed: Vec<String> = pooled
        .to_string()
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    assert_eq!(printed, ["all", "23", "18", "27", "18", "45"]);
}

#[test]
fn display_matches_r_print() {
    let (lung, csv, rows) = lung_full();
    let sex = csv.text_at("sex", &rows);
    let t = LogRank::new().test(&lung, &sex).unwrap();
    assert_eq!(
        t.to_string(),
        "    N Observed Expected (O-E)^2/E (O-E)^2/V\n\
         1 138      112     91.6      4.55      10.3\n\
         2  90       53     73.4      5.68      10.3\n\
         \n Chisq= 10.3  on 1 degrees of freedom, p= 0.001"
    );
    let fits = KaplanMeier::new().fit_groups(&lung, &sex).unwrap();
    let lines: Vec<String> = fits.iter().map(|f| f.to_string()).collect();
    assert_eq!(
        lines[0],
        "    n events median 0.95LCL 0.95UCL\n1 138    112    270     212     310\n"
    );
    // Flat at exactly 0.5 to the end: print.survfit says 2, quantile() says 3 (as R);
    // `median()` follows print.survfit.
    let flat = SurvivalData::from_status(vec![1.0, 2.0, 3.0, 4.0], &[1.0, 1.0, 0.0, 0.0]).unwrap();
    let f = KaplanMeier::new().fit(&flat).unwrap();
    assert_eq!(f.median(), Some(2.0));
    assert_eq!(f.quantile(0.5).unwrap().estimate, Some(3.0));
    assert!(f.to_string().lines().nth(1).unwrap().contains("     2 "));
}

#[test]
fn bad_inputs_are_named_errors() {
    let (lung, csv, rows) = lung_full();
    let sex = csv.text_at("sex", &rows);
    let fit = KaplanMeier::new().fit(&lung).unwrap();
    assert!(matches!(
        fit.quantile(1.5),
        Err(Error::InvalidParameter { name: "p", .. })
    ));
    assert!(matches!(
        fit.survival_at(&[1.0, f64::INFINITY]),
        Err(Error::NonFinite { row: 2, .. })
    ));
    assert!(matches!(
        fit.restricted_mean_to(-1.0),
        Err(Error::InvalidParameter { name: "tau", .. })
    ));
    assert!(matches!(
        LogRank::new().test(&lung, &sex[1..]),
        Err(Error::DimensionMismatch { .. })
    ));
    let ones = vec!["a"; rows.len()];
    assert!(matches!(
        LogRank::new().test(&lung, &ones),
        Err(Error::TooFewGroups { found: 1 })
    ));
    let weighted = lung.with_weights(vec![2.0; rows.len()]).unwrap();
    assert!(matches!(
        LogRank::new().test(&weighted, &sex),
        Err(Error::WeightsNotSupported { .. })
    ));
}

#[test]
fn public_types_are_send_sync() {
    fn check<T: Send + Sync>() {}
    check::<KaplanMeier>();
    check::<SurvivalCurve>();
    check::<LogRank>();
    check::<oncostat::LogRankTest>();
}

/// R: `t <- c(1, 1 + 1e-10, 2, 3, 3); s <- c(1, 1, 0, 1, 1); g <- c(1, 2, 1, 2, 1)`;
/// `survfit(Surv(t, s) ~ 1)` merges the first two times (S 0.6, 0.6, 0), with
/// `timefix = FALSE` it keeps them (S 0.8, 0.6, 0.6, 0); `survdiff(Surv(t, s) ~ g)` gives
/// 0.111111111111111 (R 4.2.2 / survival 3.5-3; its `timefix = FALSE` errors in
/// `model.frame`, a bug in survdiff).
#[test]
fn timefix_merges_near_ties_as_r() {
    let t = vec![1.0, 1.0 + 1e-10, 2.0, 3.0, 3.0];
    let data = SurvivalData::from_status(t, &[1.0, 1.0, 0.0, 1.0, 1.0]).unwrap();
    let fixed = KaplanMeier::new().fit(&data).unwrap();
    assert_eq!(fixed.times(), &[1.0, 2.0, 3.0]);
    assert_all(fixed.survival(), &[0.6, 0.6, 0.0], "timefix S");
    let raw = KaplanMeier::new()
        .timefix(oncostat::Timefix::Exact)
        .fit(&data)
        .unwrap();
    assert_eq!(raw.times().len(), 4);
    assert_all(raw.survival(), &[0.8, 0.6, 0.6, 0.0], "no timefix S");
    let t = LogRank::new().test(&data, &[1, 2, 1, 2, 1]).unwrap();
    assert_relative_eq!(t.chisq(), 0.111111111111111, max_relative = R_MATCH_REL);
}
