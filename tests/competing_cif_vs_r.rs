//! Aalen–Johansen CIFs, Gray's test and Fine–Gray against R 4.2.2 (survival 3.5-3,
//! cmprsk 2.2-11): `tests/data/competing_goldens.json` from
//! `tests/data/R/competing_goldens.R`; property tests of the CIF.
#![allow(clippy::float_cmp)] // exact values: times and counts

mod common;

use common::assert_close;
use oncostat::{AalenJohansen, CompetingRisksData, Design, Error, FineGray, GrayTest, KaplanMeier};
use proptest::prelude::*;
use serde_json::Value;

const TOL: f64 = 1e-6;

/// Numeric and text columns of a CSV file (strict: `num` refuses an unreadable cell).
struct Csv {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn read(name: &str) -> Csv {
        let mut reader = csv::Reader::from_path(common::data(name)).expect("csv");
        let headers = reader
            .headers()
            .expect("header")
            .iter()
            .map(str::to_string)
            .collect();
        let rows = reader
            .records()
            .map(|r| r.expect("record").iter().map(str::to_string).collect())
            .collect();
        Csv { headers, rows }
    }

    fn idx(&self, col: &str) -> usize {
        self.headers
            .iter()
            .position(|h| h == col)
            .unwrap_or_else(|| panic!("no column {col}"))
    }

    fn num(&self, col: &str) -> Vec<f64> {
        let j = self.idx(col);
        self.rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                r[j].parse()
                    .unwrap_or_else(|_| panic!("{col} row {}: {:?}", i + 1, r[j]))
            })
            .collect()
    }

    fn text(&self, col: &str) -> Vec<String> {
        let j = self.idx(col);
        self.rows.iter().map(|r| r[j].clone()).collect()
    }
}

fn golden() -> Value {
    common::json("competing_goldens.json")
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// (file, time, status, group) of each CIF golden.
fn cif_case(
    key: &str,
) -> (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
) {
    match key {
        "lung" => ("lung_cr.csv", "time", "cause", None),
        "lung_sex" => ("lung_cr.csv", "time", "cause", Some("sex")),
        "lung_ecog_sex" => ("lung_cr.csv", "time", "cause", Some("ph_ecog")),
        "mgus" => ("mgus2_cr.csv", "etime", "event", None),
        "mgus_sex" => ("mgus2_cr.csv", "etime", "event", Some("sex")),
        "toy" => ("toy_cr.csv", "time", "status", None),
        "toy_g" => ("toy_cr.csv", "time", "status", Some("g")),
        "toy0" => ("toy0_cr.csv", "time", "status", None),
        _ => unreachable!(),
    }
}

#[test]
fn cif_and_gray_match_r() {
    let g = golden();
    let cases = g["cif"].as_object().expect("cif");
    assert_eq!(cases.len(), 8);
    for (key, want) in cases {
        let (file, time, status, group) = cif_case(key);
        let csv = Csv::read(file);
        let data = CompetingRisksData::new(csv.num(time), &csv.num(status)).expect("data");
        let at: Vec<f64> = want["at"].as_array().expect("at").iter().map(f).collect();
        let labels = group.map(|c| csv.text(c));
        let fits = match &labels {
            Some(l) => AalenJohansen::new().fit_groups(&data, l).expect("fit"),
            None => vec![AalenJohansen::new().fit(&data).expect("fit")],
        };
        let groups = want["groups"].as_array().expect("groups");
        assert_eq!(fits.len(), groups.len(), "{key}");
        for (fit, wg) in fits.iter().zip(groups) {
            assert_eq!(fit.label(), wg["group"].as_str().expect("label"), "{key}");
            assert_eq!(fit.n() as f64, f(&wg["n"]), "{key} n");
            let s = fit.summary(&at).expect("summary");
            let causes = wg["causes"].as_array().expect("causes");
            assert_eq!(s.causes().len(), causes.len());
            for (c, wc) in causes.iter().enumerate() {
                assert_eq!(f64::from(s.causes()[c]), f(&wc["cause"]));
                let pts = wc["cif_at"].as_array().expect("points");
                assert_eq!(
                    s.rows().len(),
                    pts.len(),
                    "{key} {}: times kept",
                    fit.label()
                );
                for (row, w) in s.rows().iter().zip(pts) {
                    let what = format!(
                        "{key} group {} cause {} t={}",
                        fit.label(),
                        s.causes()[c],
                        row.time
                    );
                    assert_eq!(row.time, f(&w["time"]), "{what}");
                    assert_close(row.cif[c], f(&w["cif"]), TOL, &format!("{what} cif"));
                    assert_close(row.std_error[c], f(&w["se"]), TOL, &format!("{what} se"));
                    assert_eq!(
                        row.lower[c].is_none(),
                        w["lower"].is_null(),
                        "{what} lower null"
                    );
                    if let (Some(lo), Some(hi)) = (row.lower[c], row.upper[c]) {
                        assert_close(lo, f(&w["lower"]), TOL, &format!("{what} lower"));
                        assert_close(hi, f(&w["upper"]), TOL, &format!("{what} upper"));
                    }
                }
            }
        }
        if let Some(l) = &labels {
            let tests = GrayTest::new().test(&data, l).expect("gray");
            let wt = want["gray"].as_array().expect("gray");
            assert_eq!(tests.tests().len(), wt.len());
            for (t, w) in tests.tests().iter().zip(wt) {
                assert_eq!(f64::from(t.cause), f(&w["cause"]));
                assert_eq!(t.df as f64, f(&w["df"]));
                assert_close(
                    t.statistic.expect("stat"),
                    f(&w["stat"]),
                    TOL,
                    &format!("{key} Gray stat"),
                );
                assert_close(
                    t.p_value.expect("p"),
                    f(&w["p"]),
                    TOL,
                    &format!("{key} Gray p"),
                );
            }
        } else {
            assert!(want["gray"].is_null());
        }
    }
}

#[test]
fn gray_with_rho_matches_r() {
    let g = golden();
    let csv = Csv::read("lung_cr.csv");
    let data = CompetingRisksData::new(csv.num("time"), &csv.num("cause")).expect("data");
    let groups = csv.text("ph_ecog");
    for w in g["gray_rho"].as_array().expect("rho") {
        let rho = f(&w["rho"]);
        let t = GrayTest::new().rho(rho).test(&data, &groups).expect("gray");
        for (k, test) in t.tests().iter().enumerate() {
            assert_close(
                test.statistic.expect("stat"),
                f(&w["stat"][k]),
                TOL,
                &format!("rho {rho} stat"),
            );
            assert_close(
                test.p_value.expect("p"),
                f(&w["p"][k]),
                TOL,
                &format!("rho {rho} p"),
            );
        }
    }
}

/// (file, time, status, covariates, cause, cengroup) of each crr golden.
fn crr_case(
    key: &str,
) -> (
    &'static str,
    &'static str,
    &'static str,
    Vec<&'static str>,
    u32,
    Option<&'static str>,
) {
    match key {
        "lung" => ("lung_cr.csv", "time", "cause", vec!["age", "sex"], 1, None),
        "lung_cause2" => ("lung_cr.csv", "time", "cause", vec!["age", "sex"], 2, None),
        "lung_cengroup" => (
            "lung_cr.csv",
            "time",
            "cause",
            vec!["age", "ph_ecog"],
            1,
            Some("sex"),
        ),
        "mgus" => (
            "mgus2_cr.csv",
            "etime",
            "event",
            vec!["agec", "male", "hgb", "creat", "mspike"],
            1,
            None,
        ),
        "mgus_death" => (
            "mgus2_cr.csv",
            "etime",
            "event",
            vec!["agec", "male"],
            2,
            None,
        ),
        "toy" => ("toy_cr.csv", "time", "status", vec!["x"], 1, None),
        "toy0" => ("toy0_cr.csv", "time", "status", vec!["x"], 1, None),
        "toy_cengroup" => ("toyc_cr.csv", "time", "status", vec!["x"], 1, Some("g")),
        _ => unreachable!(),
    }
}

#[test]
fn fine_gray_matches_crr() {
    let g = golden();
    let cases = g["crr"].as_object().expect("crr");
    assert_eq!(cases.len(), 8);
    for (key, want) in cases {
        let (file, time, status, covs, cause, cengroup) = crr_case(key);
        let csv = Csv::read(file);
        let data = CompetingRisksData::new(csv.num(time), &csv.num(status)).expect("data");
        let x =
            Design::from_columns(covs.iter().map(|c| (c.to_string(), csv.num(c)))).expect("design");
        let fit = match cengroup {
            Some(c) => FineGray::new(cause).fit_cengroups(&data, &x, &csv.text(c)),
            None => FineGray::new(cause).fit(&data, &x),
        }
        .expect("crr");
        for j in 0..covs.len() {
            let what = format!("{key} {}", covs[j]);
            assert_close(
                fit.coefficients()[j],
                f(&want["coef"][j]),
                TOL,
                &format!("{what} coef"),
            );
            assert_close(
                fit.std_errors()[j],
                f(&want["se"][j]),
                TOL,
                &format!("{what} se"),
            );
        }
        let p = covs.len();
        for a in 0..p {
            for b in 0..p {
                assert_close(
                    fit.variance()[(a, b)],
                    f(&want["var"][b * p + a]),
                    TOL,
                    &format!("{key} var"),
                );
            }
        }
        assert_close(
            fit.loglik(),
            f(&want["loglik"]),
            TOL,
            &format!("{key} loglik"),
        );
        assert_close(
            fit.loglik_null(),
            f(&want["loglik_null"]),
            TOL,
            &format!("{key} loglik null"),
        );
        assert_eq!(
            fit.convergence().converged(),
            want["converged"].as_bool().expect("bool")
        );
        assert_eq!(
            fit.convergence().iterations() as f64,
            f(&want["iterations"]),
            "{key} iterations"
        );
        assert_eq!(fit.n() as f64, f(&want["n"]));
    }
}

#[test]
fn fine_gray_errors() {
    let data =
        CompetingRisksData::new(vec![1.0, 2.0, 3.0, 4.0], &[1.0, 0.0, 1.0, 0.0]).expect("data");
    let x = Design::from_columns([("x", vec![1.0, 2.0, 3.0, 5.0])]).expect("x");
    assert!(matches!(
        FineGray::new(2).fit(&data, &x),
        Err(Error::CauseNotObserved { cause: 2, .. })
    ));
    let short = Design::from_columns([("x", vec![1.0, 2.0])]).expect("x");
    assert!(FineGray::new(1).fit(&data, &short).is_err());
    assert!(matches!(
        CompetingRisksData::new(vec![1.0, 2.0], &[1.0, -1.0]),
        Err(Error::InvalidCause { row: 2, .. })
    ));
    assert!(CompetingRisksData::new(vec![1.0], &[f64::NAN]).is_err());
    let none = CompetingRisksData::new(vec![1.0, 2.0], &[0.0, 0.0]).expect("data");
    assert!(AalenJohansen::new().fit(&none).is_err());
    assert!(GrayTest::new().test(&data, &[1, 1, 1, 1]).is_err());
}

fn cr_strategy() -> impl Strategy<Value = (Vec<f64>, Vec<f64>, Vec<u8>)> {
    (5usize..60).prop_flat_map(|n| {
        (
            prop::collection::vec(1u8..30, n),
            prop::collection::vec(0u8..4, n),
            prop::collection::vec(0u8..2, n),
        )
            .prop_map(|(t, s, g)| {
                (
                    t.iter().map(|&x| f64::from(x)).collect(),
                    s.iter().map(|&x| f64::from(x)).collect(),
                    g,
                )
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Σ_k CIF_k(t) + S_any(t) = 1, with S_any the Kaplan–Meier of any event.
    #[test]
    fn cifs_and_km_of_any_event_sum_to_one((t, s, _g) in cr_strategy()) {
        prop_assume!(s.iter().any(|&x| x > 0.0));
        let data = CompetingRisksData::new(t, &s).expect("data");
        let fit = AalenJohansen::new().fit(&data).expect("fit");
        let km = KaplanMeier::new().fit(data.any_event()).expect("km");
        prop_assert_eq!(km.times(), fit.times());
        for j in 0..fit.times().len() {
            let total: f64 = (0..fit.causes().len()).map(|k| fit.cif(k).expect("cause")[j]).sum();
            prop_assert!((total + km.survival()[j] - 1.0).abs() < 1e-12);
            prop_assert!((fit.event_free()[j] - km.survival()[j]).abs() < 1e-12);
        }
    }

    /// Relabelling the causes permutes the curves, their standard errors and Gray's tests.
    #[test]
    fn relabelling_causes_permutes_output((t, s, g) in cr_strategy()) {
        prop_assume!(s.iter().any(|&x| x > 0.0) && g.contains(&0) && g.contains(&1));
        let relabel = |c: f64| match c as u32 { 0 => 0.0, 1 => 7.0, 2 => 5.0, _ => 6.0 };
        let s2: Vec<f64> = s.iter().map(|&c| relabel(c)).collect();
        let a = CompetingRisksData::new(t.clone(), &s).expect("data");
        let b = CompetingRisksData::new(t, &s2).expect("data");
        let fa = AalenJohansen::new().fit_groups(&a, &g).expect("fit");
        let fb = AalenJohansen::new().fit_groups(&b, &g).expect("fit");
        let ga = GrayTest::new().test(&a, &g).expect("gray");
        let gb = GrayTest::new().test(&b, &g).expect("gray");
        for (x, y) in fa.iter().zip(&fb) {
            for (ka, &cause) in x.causes().iter().enumerate() {
                let kb = y.causes().iter().position(|&c| f64::from(c) == relabel(f64::from(cause))).expect("cause");
                // equal up to the order of summation over causes
                let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(u, v)| (u - v).abs() <= 1e-12);
                prop_assert!(close(x.cif(ka).expect("a"), y.cif(kb).expect("b")));
                prop_assert!(close(x.std_err(ka).expect("a"), y.std_err(kb).expect("b")));
                let (ta, tb) = (&ga.tests()[ka], &gb.tests()[kb]);
                match (ta.statistic, tb.statistic) {
                    (Some(u), Some(v)) => prop_assert!((u - v).abs() <= 1e-9 * u.abs().max(1.0)),
                    (u, v) => prop_assert_eq!(u, v),
                }
            }
        }
    }
}

/// crr with censoring groups on data whose times tie within and across groups
/// (`tests/data/finegray_cengroup_goldens.json` from
/// `tests/data/R/finegray_cengroup_goldens.R`): coefficients, the sandwich variance (whose
/// censoring term q_g(u) sums over the failures of group g only, as crrvv) and likelihoods.
#[test]
fn fine_gray_cengroup_ties_match_crr() {
    let g = common::json("finegray_cengroup_goldens.json");
    let sets = g["sets"].as_object().expect("sets");
    assert_eq!(sets.len(), 3);
    let nums = |v: &Value| -> Vec<f64> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|x| x.as_f64().expect("number"))
            .collect()
    };
    for (key, set) in sets {
        let status = nums(&set["status"]);
        let data = CompetingRisksData::new(nums(&set["time"]), &status).expect("data");
        let x = Design::from_columns([("x1", nums(&set["x1"])), ("x2", nums(&set["x2"]))])
            .expect("design");
        let groups: Vec<String> = set["g"]
            .as_array()
            .expect("g")
            .iter()
            .map(|v| v.as_str().expect("label").to_string())
            .collect();
        for want in set["fits"].as_array().expect("fits") {
            let cause = f(&want["cause"]) as u32;
            let fit = FineGray::new(cause)
                .fit_cengroups(&data, &x, &groups)
                .expect("crr");
            let what = format!("{key} cause {cause}");
            assert!(fit.converged(), "{what} converged");
            assert_eq!(fit.n() as f64, f(&want["n"]), "{what} n");
            for j in 0..2 {
                assert_close(
                    fit.coefficients()[j],
                    f(&want["coef"][j]),
                    TOL,
                    &format!("{what} coef"),
                );
                assert_close(
                    fit.std_errors()[j],
                    f(&want["se"][j]),
                    TOL,
                    &format!("{what} se"),
                );
                for l in 0..2 {
                    assert_close(
                        fit.variance()[(j, l)],
                        f(&want["var"][l * 2 + j]),
                        TOL,
                        &format!("{what} var"),
                    );
                }
            }
            assert_close(
                fit.loglik(),
                f(&want["loglik"]),
                TOL,
                &format!("{what} loglik"),
            );
            assert_close(
                fit.loglik_null(),
                f(&want["loglik_null"]),
                TOL,
                &format!("{what} loglik_null"),
            );
        }
    }
}
