//! Endpoints against R (R 4.2.2, survival 3.5-3): `binom.test`, `prop.test(correct = FALSE)`,
//! `fisher.test`; goldens written by the scripts under `tests/data/R/`.

mod common;

use oncostat::endpoints::{FisherTest, ResponseRate};
use serde_json::Value;

fn num(v: &Value, key: &str) -> f64 {
    match &v[key] {
        Value::Null => f64::INFINITY,
        x => x.as_f64().unwrap_or_else(|| panic!("{key}: {x}")),
    }
}

fn close(what: &str, got: f64, want: f64, tol: f64) {
    if want.is_infinite() {
        assert!(got.is_infinite(), "{what}: got {got}, R: Inf");
        return;
    }
    assert!(
        (got - want).abs() <= tol * want.abs().max(1.0),
        "{what}: got {got:.12}, R {want:.12} (tolerance {tol})"
    );
}

#[test]
fn clopper_pearson_and_wilson_match_r() {
    let g = common::json("endpoints_proportions.json");
    let tol = g["tolerance"].as_f64().unwrap();
    for case in g["rates"].as_array().unwrap() {
        let (x, n, level) = (
            num(case, "x") as u64,
            num(case, "n") as u64,
            num(case, "level"),
        );
        let r = ResponseRate::with_level(x, n, level).unwrap();
        let what = format!("{x}/{n} at {level}");
        close(&what, r.rate(), num(case, "rate"), tol);
        close(&what, r.clopper_pearson().0, num(case, "cp_lower"), tol);
        close(&what, r.clopper_pearson().1, num(case, "cp_upper"), tol);
        close(&what, r.wilson().0, num(case, "wilson_lower"), tol);
        close(&what, r.wilson().1, num(case, "wilson_upper"), tol);
    }
}

/// R's uniroot tolerance acts on ψ for roots below 1 and on 1/ψ above 1.
fn within_uniroot_tol(got: f64, r: f64, tol: f64) -> bool {
    if r.is_infinite() {
        return got.is_infinite();
    }
    if r.abs() < f64::MIN_POSITIVE {
        return got.abs() < f64::MIN_POSITIVE;
    }
    if r <= 1.0 {
        (got - r).abs() <= tol
    } else {
        (1.0 / got - 1.0 / r).abs() <= tol
    }
}

#[test]
fn fisher_test_matches_r() {
    let g = common::json("endpoints_proportions.json");
    let tol = g["tolerance"].as_f64().unwrap();
    let utol = g["r_uniroot_tol"].as_f64().unwrap();
    for case in g["fisher"].as_array().unwrap() {
        let c = |k| num(case, k) as u64;
        let level = num(case, "level");
        let f = FisherTest::with_level((c("x1"), c("n1")), (c("x2"), c("n2")), level).unwrap();
        let what = format!("{case}");
        close(&what, f.p_value(), num(case, "p"), tol);
        let (lo, hi) = f.conf_int();
        for (got, exact, r) in [
            (f.odds_ratio(), num(case, "or"), num(case, "r_or")),
            (lo, num(case, "or_lower"), num(case, "r_or_lower")),
            (hi, num(case, "or_upper"), num(case, "r_or_upper")),
        ] {
            // exact roots (uniroot tol 1e-14) to 1e-6 relative; R's printed values within
            // R's own uniroot tolerance
            if exact == 0.0 {
                assert!(got.abs() < 1e-300, "{what}: {got} != 0");
            } else {
                close(&what, got, exact, tol);
            }
            assert!(within_uniroot_tol(got, r, utol), "{what}: {got} vs R {r}");
        }
    }
}

// ------------------------------------------------------------------ time-dependent / landmark

use oncostat::endpoints::{Landmark, TdcSplit};
use oncostat::{CoxFit, CoxPh, Design, KaplanMeier, LogRank, SurvivalCurve, Ties};

/// Columns of a CSV under tests/data; an empty cell is `None`, an unreadable one a panic.
fn csv_columns(name: &str) -> std::collections::HashMap<String, Vec<Option<f64>>> {
    let mut rdr = csv::Reader::from_path(common::data(name)).unwrap();
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    let mut cols: Vec<Vec<Option<f64>>> = vec![Vec::new(); headers.len()];
    for (r, rec) in rdr.records().enumerate() {
        for (j, cell) in rec.unwrap().iter().enumerate() {
            cols[j].push(if cell.is_empty() {
                None
            } else {
                Some(
                    cell.parse()
                        .unwrap_or_else(|_| panic!("{name} row {}: `{cell}`", r + 1)),
                )
            });
        }
    }
    headers.into_iter().zip(cols).collect()
}

fn required(col: &[Option<f64>]) -> Vec<f64> {
    col.iter().map(|v| v.expect("no missing value")).collect()
}

fn arr(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn close_all(what: &str, got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        if w.is_nan() {
            // the goldens write R's NA and Inf as null
            assert!(!g.is_finite(), "{what}[{i}]: got {g}, R NA/Inf");
        } else {
            close(&format!("{what}[{i}]"), g, w, tol);
        }
    }
}

fn check_cox(what: &str, fit: &CoxFit, r: &Value, tol: f64) {
    let names: Vec<&str> = r["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(fit.term_names(), names.as_slice(), "{what}");
    close_all(what, fit.coefficients().as_slice(), &arr(&r["coef"]), tol);
    close_all(what, fit.std_errors().as_slice(), &arr(&r["se"]), tol);
    let ll = arr(&r["loglik"]);
    close(what, fit.loglik_null(), ll[0], tol);
    close(what, fit.loglik(), ll[1], tol);
    close(what, fit.score_test().statistic(), num(r, "score"), tol);
    close(what, fit.score_test().p_value(), num(r, "score_p"), tol);
    close(what, fit.wald_test().statistic(), num(r, "wald"), tol);
    close(what, fit.lr_test().statistic(), num(r, "lr"), tol);
    assert_eq!(fit.n(), num(r, "n") as usize, "{what}: n");
    assert_eq!(fit.n_events(), num(r, "events") as usize, "{what}: events");
    close(
        what,
        fit.concordance().estimate(),
        num(r, "concordance"),
        tol,
    );
}

fn check_km(what: &str, fits: &[SurvivalCurve], r: &Value, tol: f64) {
    let (mut time, mut n_risk, mut n_event, mut surv, mut se) =
        (vec![], vec![], vec![], vec![], vec![]);
    let (mut med, mut med_lo, mut med_hi) = (vec![], vec![], vec![]);
    let opt = |x: Option<f64>| x.unwrap_or(f64::NAN);
    for f in fits {
        time.extend_from_slice(f.times());
        n_risk.extend_from_slice(f.n_risk());
        n_event.extend_from_slice(f.n_event());
        surv.extend_from_slice(f.survival());
        se.extend_from_slice(f.std_err());
        med.push(opt(f.median()));
        let (lo, hi) = f.median_ci();
        med_lo.push(opt(lo));
        med_hi.push(opt(hi));
    }
    close_all(&format!("{what} time"), &time, &arr(&r["time"]), tol);
    close_all(&format!("{what} n.risk"), &n_risk, &arr(&r["n_risk"]), tol);
    close_all(
        &format!("{what} n.event"),
        &n_event,
        &arr(&r["n_event"]),
        tol,
    );
    close_all(&format!("{what} surv"), &surv, &arr(&r["surv"]), tol);
    close_all(&format!("{what} std.err"), &se, &arr(&r["std_err"]), tol);
    close_all(&format!("{what} median"), &med, &arr(&r["median"]), tol);
    close_all(
        &format!("{what} median lower"),
        &med_lo,
        &arr(&r["median_lower"]),
        tol,
    );
    close_all(
        &format!("{what} median upper"),
        &med_hi,
        &arr(&r["median_upper"]),
        tol,
    );
}

fn check_split(what: &str, s: &TdcSplit, r: &Value) {
    let id: Vec<f64> = s.patient().iter().map(|&i| (i + 1) as f64).collect();
    close_all(&format!("{what} id"), &id, &arr(&r["id"]), 0.0);
    close_all(
        &format!("{what} tstart"),
        s.start(),
        &arr(&r["tstart"]),
        0.0,
    );
    close_all(&format!("{what} tstop"), s.stop(), &arr(&r["tstop"]), 0.0);
    let ev: Vec<f64> = s.event().iter().map(|&e| f64::from(u8::from(e))).collect();
    close_all(&format!("{what} event"), &ev, &arr(&r["event"]), 0.0);
    close_all(&format!("{what} state"), s.state(), &arr(&r["state"]), 0.0);
    let c = s.counts();
    let tc = &r["tcount"];
    for (name, got) in [
        ("early", c.early),
        ("leading", c.leading),
        ("within", c.within),
        ("trailing", c.trailing),
        ("late", c.late),
    ] {
        assert_eq!(got, num(tc, name) as usize, "{what} tcount {name}");
    }
}

struct Jasa {
    time: Vec<f64>,
    event: Vec<bool>,
    tx: Vec<Option<f64>>,
    age: Vec<f64>,
    surgery: Vec<f64>,
}

fn jasa() -> Jasa {
    let c = csv_columns("jasa.csv");
    Jasa {
        time: required(&c["futime"]),
        event: required(&c["fustat"]).iter().map(|&s| s > 0.5).collect(),
        tx: c["txtime"].clone(),
        age: required(&c["age"]),
        surgery: required(&c["surgery"]),
    }
}

#[test]
fn tmerge_split_cox_and_simon_makuch_match_r_on_jasa() {
    let g = common::json("endpoints_survival.json");
    let tol = g["tolerance"].as_f64().unwrap();
    let r = &g["jasa"];
    let j = jasa();
    let split = TdcSplit::new(&j.time, &j.event, &j.tx).unwrap();
    check_split("jasa", &split, &r["split"]);
    let cox = CoxPh::new();
    check_cox(
        "jasa ~ trans (Mantel-Byar)",
        &split.cox("trans", None, &cox).unwrap(),
        &r["cox_trans"],
        tol,
    );
    let x = Design::from_columns([("age", j.age.clone()), ("surgery", j.surgery.clone())]).unwrap();
    check_cox(
        "jasa ~ trans + age + surgery",
        &split.cox("trans", Some(&x), &cox).unwrap(),
        &r["cox_trans_age_surgery"],
        tol,
    );
    let age = Design::from_columns([("age", j.age.clone())]).unwrap();
    check_cox(
        "jasa ~ trans + age, breslow",
        &split
            .cox("trans", Some(&age), &CoxPh::new().ties(Ties::Breslow))
            .unwrap(),
        &r["cox_trans_age_breslow"],
        tol,
    );
    check_km(
        "jasa Simon-Makuch",
        &split.simon_makuch(&KaplanMeier::new()).unwrap(),
        &r["km"],
        tol,
    );
}

#[test]
fn tmerge_every_tdc_case_matches_r() {
    // NA, early (< 0), leading (0), within, trailing (= time) and late (> time) switches
    let g = common::json("endpoints_survival.json");
    let tol = g["tolerance"].as_f64().unwrap();
    let r = &g["toy"];
    let c = csv_columns("tdc_toy.csv");
    let time = required(&c["time"]);
    let event: Vec<bool> = required(&c["status"]).iter().map(|&s| s > 0.5).collect();
    let split = TdcSplit::new(&time, &event, &c["sw"]).unwrap();
    check_split("toy", &split, &r["split"]);
    assert_eq!(split.counts().missing, 2);
    let x = Design::from_columns([("x", required(&c["x"]))]).unwrap();
    check_cox(
        "toy ~ trans + x",
        &split.cox("trans", Some(&x), &CoxPh::new()).unwrap(),
        &r["cox_trans_x"],
        tol,
    );
    check_km(
        "toy Simon-Makuch",
        &split.simon_makuch(&KaplanMeier::new()).unwrap(),
        &r["km"],
        tol,
    );
}

#[test]
fn landmark_subsets_match_r_on_jasa() {
    let g = common::json("endpoints_survival.json");
    let tol = g["tolerance"].as_f64().unwrap();
    let j = jasa();
    let age = Design::from_columns([("age", j.age.clone())]).unwrap();
    for r in g["landmark"].as_array().unwrap() {
        let at = num(r, "time");
        let lm = Landmark::new(at, &j.time, &j.event, &j.tx).unwrap();
        let what = format!("landmark {at}");
        assert_eq!(lm.n_kept(), num(r, "n_kept") as usize, "{what}");
        assert_eq!(lm.n_excluded(), num(r, "n_excluded") as usize, "{what}");
        let ids: Vec<f64> = lm.rows().iter().map(|&i| (i + 1) as f64).collect();
        close_all(&what, &ids, &arr(&r["ids"]), 0.0);
        close_all(&what, lm.group(), &arr(&r["group"]), 0.0);
        check_km(
            &what,
            &lm.kaplan_meier(&KaplanMeier::new()).unwrap(),
            &r["km"],
            tol,
        );
        let lr = lm.log_rank(&LogRank::new()).unwrap();
        close_all(&what, lr.observed(), &arr(&r["logrank"]["observed"]), tol);
        close_all(&what, lr.expected(), &arr(&r["logrank"]["expected"]), tol);
        close(&what, lr.chisq(), num(&r["logrank"], "chisq"), tol);
        let cox = CoxPh::new();
        check_cox(
            &what,
            &lm.cox("txtime", Some(&age), &cox).unwrap(),
            &r["cox"],
            tol,
        );
        check_cox(
            &what,
            &lm.cox("txtime", None, &cox).unwrap(),
            &r["cox1"],
            tol,
        );
    }
}
