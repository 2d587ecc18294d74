//! `analyze proportion`, `km`/`logrank --landmark` (and `cox --tdc`, `endpoints`) against the
//! R goldens of `tests/data/endpoints_*.json`.

mod common;

use serde_json::Value;

fn json_of(args: &[&str]) -> Value {
    let run = common::analyze(args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::INFINITY)
}

fn close(what: &str, got: &Value, want: &Value, tol: f64) {
    match (got, want) {
        (Value::Null, Value::Null) => {}
        _ => {
            let (g, w) = (f(got), f(want));
            assert!(
                (g - w).abs() <= tol * w.abs().max(1.0),
                "{what}: got {got}, R {want}"
            );
        }
    }
}

/// A temporary CSV file, removed when dropped.
struct TempCsv(std::path::PathBuf);

impl TempCsv {
    fn new(name: &str, text: &str) -> Self {
        let path = std::env::temp_dir().join(format!("oncostat_{}_{name}.csv", std::process::id()));
        std::fs::write(&path, text).unwrap();
        TempCsv(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempCsv {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn proportion_matches_r() {
    let g = common::json("endpoints_proportions.json");
    let tol = g["tolerance"].as_f64().unwrap();
    let mut checked = 0;
    for case in g["fisher"].as_array().unwrap() {
        if (f(&case["level"]) - 0.95).abs() > 1e-12 {
            continue; // the command line reports 95 % intervals
        }
        let n = |k: &str| case[k].as_u64().unwrap();
        // group labels "10" and "2": numeric, so "2" is the first group (R's factor order)
        let mut csv = String::from("resp,arm\n");
        for (label, x, total) in [("2", n("x1"), n("n1")), ("10", n("x2"), n("n2"))] {
            for i in 0..total {
                csv.push_str(&format!("{},{label}\n", u8::from(i < x)));
            }
        }
        csv.push_str("NA,2\n");
        let file = TempCsv::new(&format!("prop{checked}"), &csv);
        let out = json_of(&[
            "--json",
            "proportion",
            "--response",
            "resp",
            "--group",
            "arm",
            file.path(),
        ]);
        let what = format!("{case}");
        assert_eq!(out["dropped"], 1, "{what}");
        let groups = out["groups"].as_array().unwrap();
        assert_eq!(groups[0]["group"], "2");
        assert_eq!(groups[1]["group"], "10");
        assert_eq!(groups[0]["x"].as_u64(), Some(n("x1")), "{what}");
        let fisher = &out["fisher"];
        close(&what, &fisher["p"], &case["p"], tol);
        close(&what, &fisher["or"], &case["or"], tol);
        close(&what, &fisher["or_lower"], &case["or_lower"], tol);
        close(&what, &fisher["or_upper"], &case["or_upper"], tol);
        // each group's rate against binom.test / prop.test of the rates goldens where present
        for (grp, (x, total)) in groups.iter().zip([(n("x1"), n("n1")), (n("x2"), n("n2"))]) {
            if let Some(r) = g["rates"].as_array().unwrap().iter().find(|r| {
                r["x"].as_u64() == Some(x)
                    && r["n"].as_u64() == Some(total)
                    && (f(&r["level"]) - 0.95).abs() < 1e-12
            }) {
                for k in [
                    "rate",
                    "cp_lower",
                    "cp_upper",
                    "wilson_lower",
                    "wilson_upper",
                ] {
                    close(&format!("{what} {k}"), &grp[k], &r[k], tol);
                }
            }
        }
        checked += 1;
    }
    assert!(checked >= 10);
}

#[test]
fn proportion_without_groups_is_one_rate_and_bad_response_is_an_error() {
    let file = TempCsv::new("prop_all", "resp\n1\n0\n1\n0\n0\n");
    let out = json_of(&["--json", "proportion", "--response", "resp", file.path()]);
    assert_eq!(out["groups"][0]["group"], "all");
    assert_eq!(out["groups"][0]["x"], 2);
    assert!(out.get("fisher").is_none());
    let bad = TempCsv::new("prop_bad", "resp\n1\n2\n");
    let run = common::analyze(&["proportion", "--response", "resp", bad.path()]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.starts_with("error: ") && run.stderr.contains("row 2"),
        "{}",
        run.stderr
    );
}

#[test]
fn km_and_logrank_landmark_match_r_on_jasa() {
    let g = common::json("endpoints_survival.json");
    let tol = g["tolerance"].as_f64().unwrap();
    let file = common::data("jasa.csv");
    let file = file.to_str().unwrap();
    for r in g["landmark"].as_array().unwrap() {
        let at = format!("{}", f(&r["time"]));
        let what = format!("landmark {at}");
        let lm = ["--landmark", at.as_str(), "--landmark-group", "txtime"];
        let mut args = vec!["--json", "km", "--time", "futime", "--event", "fustat"];
        args.extend(lm);
        args.push(file);
        let km = json_of(&args);
        assert_eq!(km["landmark"]["n_kept"], r["n_kept"], "{what}");
        assert_eq!(km["landmark"]["n_excluded"], r["n_excluded"], "{what}");
        for (k, grp) in km["groups"].as_array().unwrap().iter().enumerate() {
            for key in ["median", "median_lower", "median_upper"] {
                close(&format!("{what} {key}"), &grp[key], &r["km"][key][k], tol);
            }
        }
        let mut args = vec!["--json", "logrank", "--time", "futime", "--event", "fustat"];
        args.extend(lm);
        args.push(file);
        let lr = json_of(&args);
        close(&what, &lr["chisq"], &r["logrank"]["chisq"], tol);
        for k in 0..2 {
            close(&what, &lr["observed"][k], &r["logrank"]["observed"][k], tol);
            close(&what, &lr["expected"][k], &r["logrank"]["expected"][k], tol);
        }
    }
}

/// `cox` JSON against a `cox_json` golden of endpoints_survival.json.
fn check_cox(what: &str, out: &Value, r: &Value, tol: f64) {
    let coefs = out["coefficients"].as_array().unwrap();
    let names: Vec<&str> = coefs.iter().map(|c| c["name"].as_str().unwrap()).collect();
    let want: Vec<&str> = r["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(names, want, "{what}");
    for (j, c) in coefs.iter().enumerate() {
        close(what, &c["coef"], &r["coef"][j], tol);
        close(what, &c["se"], &r["se"][j], tol);
    }
    close(what, &out["loglik_null"], &r["loglik"][0], tol);
    close(what, &out["loglik"], &r["loglik"][1], tol);
    close(what, &out["score_test"]["stat"], &r["score"], tol);
    close(what, &out["score_test"]["p"], &r["score_p"], tol);
    close(what, &out["wald_test"]["stat"], &r["wald"], tol);
    close(what, &out["lr_test"]["stat"], &r["lr"], tol);
    close(what, &out["concordance"], &r["concordance"], tol);
    assert_eq!(out["n"], r["n"], "{what}: n");
    assert_eq!(out["events"], r["events"], "{what}: events");
}

#[test]
fn cox_tdc_matches_r_tmerge_coxph_on_jasa() {
    let g = common::json("endpoints_survival.json");
    let tol = g["tolerance"].as_f64().unwrap();
    let file = common::data("jasa.csv");
    let file = file.to_str().unwrap();
    let base = [
        "--json",
        "cox",
        "--time",
        "futime",
        "--event",
        "fustat",
        "--tdc",
        "trans=txtime",
    ];
    // Mantel-Byar: the score test of the time-dependent covariate alone
    let mut args = base.to_vec();
    args.push(file);
    let out = json_of(&args);
    check_cox("jasa ~ trans", &out, &g["jasa"]["cox_trans"], tol);
    assert_eq!(out["tdc"]["within"], g["jasa"]["split"]["tcount"]["within"]);
    assert_eq!(
        out["tdc"]["leading"],
        g["jasa"]["split"]["tcount"]["leading"]
    );
    assert_eq!(
        out["tdc"]["trailing"],
        g["jasa"]["split"]["tcount"]["trailing"]
    );
    let mut args = base.to_vec();
    args.extend(["--covariates", "age,surgery", file]);
    check_cox(
        "jasa ~ trans + age + surgery",
        &json_of(&args),
        &g["jasa"]["cox_trans_age_surgery"],
        tol,
    );
    let mut args = base.to_vec();
    args.extend(["--covariates", "age", "--ties", "breslow", file]);
    check_cox(
        "jasa ~ trans + age (breslow)",
        &json_of(&args),
        &g["jasa"]["cox_trans_age_breslow"],
        tol,
    );
}

#[test]
fn cox_tdc_every_switch_case_matches_r() {
    let g = common::json("endpoints_survival.json");
    let tol = g["tolerance"].as_f64().unwrap();
    let file = common::data("tdc_toy.csv");
    let out = json_of(&[
        "--json",
        "cox",
        "--time",
        "time",
        "--event",
        "status",
        "--tdc",
        "trans=sw",
        "--covariates",
        "x",
        file.to_str().unwrap(),
    ]);
    check_cox("toy ~ trans + x", &out, &g["toy"]["cox_trans_x"], tol);
    let tc = &g["toy"]["split"]["tcount"];
    for k in ["early", "leading", "within", "trailing", "late"] {
        assert_eq!(out["tdc"][k], tc[k], "{k}");
    }
    assert_eq!(out["tdc"]["missing"], 2);
}

#[test]
fn cox_landmark_matches_r_on_jasa() {
    let g = common::json("endpoints_survival.json");
    let tol = g["tolerance"].as_f64().unwrap();
    let file = common::data("jasa.csv");
    for r in g["landmark"].as_array().unwrap() {
        let at = format!("{}", f(&r["time"]));
        let what = format!("cox landmark {at}");
        let base = [
            "--json",
            "cox",
            "--time",
            "futime",
            "--event",
            "fustat",
            "--landmark",
            at.as_str(),
            "--landmark-group",
            "txtime",
        ];
        let mut args = base.to_vec();
        args.extend(["--covariates", "age", file.to_str().unwrap()]);
        let out = json_of(&args);
        check_cox(&what, &out, &r["cox"], tol);
        assert_eq!(out["landmark"]["n_kept"], r["n_kept"]);
        let mut args = base.to_vec();
        args.push(file.to_str().unwrap());
        check_cox(&what, &json_of(&args), &r["cox1"], tol);
    }
}

#[test]
fn cox_tdc_bad_usage_is_one_error_line() {
    let file = common::data("jasa.csv");
    let file = file.to_str().unwrap();
    for args in [
        vec![
            "cox", "--time", "futime", "--event", "fustat", "--tdc", "trans", file,
        ],
        vec![
            "cox",
            "--time",
            "futime",
            "--event",
            "fustat",
            "--tdc",
            "trans=nope",
            file,
        ],
        vec![
            "cox",
            "--time",
            "futime",
            "--event",
            "fustat",
            "--tdc",
            "trans=txtime",
            "--start",
            "age",
            file,
        ],
        vec![
            "cox",
            "--time",
            "futime",
            "--event",
            "fustat",
            "--tdc",
            "age=txtime",
            "--covariates",
            "age",
            file,
        ],
    ] {
        let run = common::analyze(&args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stdout.is_empty(), "{args:?}");
        assert!(
            run.stderr.starts_with("error: ") && run.stderr.trim_end().lines().count() == 1,
            "{args:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn endpoints_match_hand_derivation_and_r_summaries() {
    let g = common::json("endpoints/cohort.json");
    let tol = g["tolerance"].as_f64().unwrap();
    let utol = g["r_uniroot_tol"].as_f64().unwrap();
    let lesions = common::data("endpoints/lesions.csv");
    let patients = common::data("endpoints/patients.csv");
    let out = json_of(&[
        "--json",
        "endpoints",
        "--lesions",
        lesions.to_str().unwrap(),
        "--patients",
        patients.to_str().unwrap(),
        "--group",
        "arm",
    ]);
    let got = out["patients"].as_array().unwrap();
    let want = g["patients"].as_array().unwrap();
    assert_eq!(got.len(), want.len());
    for (p, w) in got.iter().zip(want) {
        let what = format!("{}", w["patient"]);
        assert_eq!(p["patient"], w["patient"]);
        assert_eq!(p["group"], w["group"], "{what}");
        assert_eq!(p["bor"], w["bor"], "{what}");
        assert_eq!(p["pfs_reason"], w["pfs_reason"], "{what}");
        for k in [
            "pfs_time",
            "pfs_event",
            "dor_time",
            "dor_event",
            "ttr",
            "best_pct_change",
        ] {
            close(&format!("{what} {k}"), &p[k], &w[k], 1e-12);
        }
    }
    let groups = out["groups"].as_array().unwrap();
    for (grp, w) in groups.iter().zip(g["groups"].as_array().unwrap()) {
        assert_eq!(grp["group"], w["group"]);
        for rate in ["orr", "dcr"] {
            for k in [
                "n",
                "x",
                "rate",
                "cp_lower",
                "cp_upper",
                "wilson_lower",
                "wilson_upper",
            ] {
                close(&format!("{rate} {k}"), &grp[rate][k], &w[rate][k], tol);
            }
        }
        for curve in ["pfs", "dor"] {
            for k in ["median", "median_lower", "median_upper"] {
                close(&format!("{curve} {k}"), &grp[curve][k], &w[curve][k], tol);
            }
        }
    }
    for test in ["orr_fisher", "dcr_fisher"] {
        close(test, &out[test]["p"], &g[test]["p"], tol);
        for k in ["or", "or_lower", "or_upper"] {
            let (a, b) = (f(&out[test][k]), f(&g[test][k]));
            let ok = if b <= 1.0 {
                (a - b).abs() <= utol
            } else {
                (1.0 / a - 1.0 / b).abs() <= utol
            };
            assert!(ok, "{test} {k}: {a} vs R {b}");
        }
    }
    // plot rows: waterfall sorted from the largest increase, one spider point per complete sum
    let waterfall = out["waterfall"].as_array().unwrap();
    assert_eq!(waterfall[0]["patient"], "P5");
    assert_eq!(waterfall.len(), 8);
    assert_eq!(out["swimmer"].as_array().unwrap().len(), 9);
    let p9: Vec<&Value> = out["spider"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["patient"] == "P9")
        .collect();
    let marks: Vec<bool> = p9
        .iter()
        .map(|s| s["new_lesion"].as_bool().unwrap())
        .collect();
    assert_eq!(marks, [false, false, true, true]);
}

#[test]
fn endpoints_patient_without_dates_is_an_error() {
    let lesions = common::data("endpoints/lesions.csv");
    let file = TempCsv::new(
        "patients_short",
        "patient,death_day,last_contact_day\nP1,,300\n",
    );
    let run = common::analyze(&[
        "endpoints",
        "--lesions",
        lesions.to_str().unwrap(),
        "--patients",
        file.path(),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.starts_with("error: ") && run.stderr.contains("P2"),
        "{}",
        run.stderr
    );
}

#[test]
fn endpoints_patient_listed_twice_names_both_rows() {
    let lesions = common::data("endpoints/lesions.csv");
    // P1 at data rows 1 and 3 (a row with a missing last contact between them is dropped)
    let file = TempCsv::new(
        "patients_twice",
        "patient,death_day,last_contact_day\nP1,,300\nP2,,NA\nP1,,310\nP2,,320\n",
    );
    let run = common::analyze(&[
        "endpoints",
        "--lesions",
        lesions.to_str().unwrap(),
        "--patients",
        file.path(),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.starts_with("error: ")
            && run
                .stderr
                .contains("row 3: patient `P1` is listed twice (first at row 1)"),
        "{}",
        run.stderr
    );
}
