//! Cox proportional hazards against R `survival` 3.5-3 (R 4.2.2), through the public API.
//!
//! * every `tests/data/cox_*.json` case (R's answers in the analyze-CLI keys) at the file's
//!   tolerance; the `zph` and `robust_se` entries are not compared here (cox.zph and the
//!   robust variance are separate features);
//! * the golden values of algorithms.md §9.1, 9.3, 9.4, 9.7 (lung, ovarian, aml, Therneau &
//!   Grambsch's toy data) and extra R runs recorded in `tests/data/cox_extra.json`;
//! * property tests of invariances of the partial likelihood.

mod common;

use std::path::{Path, PathBuf};

use oncostat::{CoxFit, CoxPh, CoxVariance, Design, Result, SurvivalData, Ties};
use serde_json::Value;

const R_MATCH_REL: f64 = oncostat::tolerance::R_MATCH_REL;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Columns of a CSV file by header name; `NA` / empty cells become NaN.
/// `tests/data/<name>`'s numeric columns, strictly read (missing = NaN, as R's `NA`).
fn read_csv(name: &str) -> common::csv::NumericColumns {
    common::csv::Csv::read(name).numeric()
}

/// Rows where every listed column is present (R's `na.omit`).
fn complete_rows(cols: &common::csv::NumericColumns, used: &[&str]) -> Vec<usize> {
    let n = cols[used[0]].len();
    (0..n)
        .filter(|&i| used.iter().all(|c| cols[*c][i].is_finite()))
        .collect()
}

fn pick(v: &[f64], rows: &[usize]) -> Vec<f64> {
    rows.iter().map(|&i| v[i]).collect()
}

/// Asserts agreement with R and returns the relative (or, near 0, absolute) difference.
/// A value of `tests/data/spec_cox_values.json` (R's answers quoted by the spec).
fn spec(case: &str, key: &str) -> Vec<f64> {
    let golden = common::json("spec_cox_values.json");
    assert!(
        !golden[case][key].is_null(),
        "spec_cox_values.json: no {case}.{key}"
    );
    common::numbers(&golden[case][key])
}

/// A count of `spec_cox_values.json`.
fn spec_count(case: &str, key: &str) -> Option<usize> {
    common::json("spec_cox_values.json")[case][key]
        .as_u64()
        .map(|v| v as usize)
}

/// The tolerance of `spec_cox_values.json`, which may not loosen the crate's promise.
fn spec_tolerance() -> f64 {
    let tol = common::tolerance(&common::json("spec_cox_values.json"));
    assert!(tol <= R_MATCH_REL, "the golden may not loosen R_MATCH_REL");
    tol
}

fn close(what: &str, got: f64, want: f64, rel: f64) -> f64 {
    let err = if want.abs() < 1e-8 {
        (got - want).abs()
    } else {
        ((got - want) / want).abs()
    };
    let ok = if want.abs() < 1e-8 {
        (got - want).abs() <= rel * 1e-2
    } else {
        ((got - want) / want).abs() <= rel
    };
    assert!(
        ok,
        "{what}: got {got:.15e}, R {want:.15e} (rel {:.2e})",
        ((got - want) / want).abs()
    );
    err
}

fn num(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

/// A whole number stored in JSON (R may write `3` or `3.0`).
fn int(v: &Value) -> i64 {
    num(v).round() as i64
}

/// A degrees-of-freedom or count value as a whole number.
fn whole(x: f64) -> i64 {
    x.round() as i64
}

/// Fits the model a JSON case describes.
fn fit_case(case: &Value) -> Result<(CoxFit, SurvivalData, Design)> {
    let cols = read_csv(case["data"].as_str().expect("data"));
    let time = case["time"].as_str().expect("time");
    let event = case["event"].as_str().expect("event");
    let covs: Vec<&str> = case["covariates"]
        .as_array()
        .expect("covariates")
        .iter()
        .map(|c| c.as_str().expect("name"))
        .collect();
    let mut used = vec![time, event];
    used.extend(&covs);
    let strata = case["strata"].as_str();
    let weights = case["weights"].as_str();
    used.extend(strata);
    used.extend(weights);
    let rows = complete_rows(&cols, &used);
    let mut data = SurvivalData::from_status(pick(&cols[time], &rows), &pick(&cols[event], &rows))?;
    if let Some(s) = strata {
        let labels: Vec<i64> = pick(&cols[s], &rows).iter().map(|v| *v as i64).collect();
        data = data.with_strata(&labels)?;
    }
    if let Some(w) = weights {
        data = data.with_weights(pick(&cols[w], &rows))?;
    }
    let x = Design::from_columns(covs.iter().map(|c| (*c, pick(&cols[*c], &rows))))?;
    let ties = match case["ties"].as_str() {
        Some("breslow") => Ties::Breslow,
        _ => Ties::Efron,
    };
    let fit = CoxPh::new().ties(ties).fit(&data, &x)?;
    Ok((fit, data, x))
}

#[test]
fn every_reference_case_matches_r() -> Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("tests/data")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with("cox_") && n.ends_with(".json") && n != "cox_extra.json"
            })
        })
        .collect();
    files.sort();
    let mut worst: f64 = 0.0;
    assert!(files.len() >= 4, "reference cases missing");
    for file in files {
        let case: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).expect("read")).expect("json");
        let id = case["id"].as_str().unwrap_or("?").to_string();
        let tol = case["tolerance"].as_f64().unwrap_or(R_MATCH_REL);
        let (fit, _, _) = fit_case(&case)?;
        assert_eq!(fit.n() as u64, case["n"].as_u64().expect("n"), "{id}: n");
        assert_eq!(
            fit.n_events() as u64,
            case["events"].as_u64().expect("events"),
            "{id}: events"
        );
        let z = fit.z_values();
        let p = fit.p_values();
        let hr = fit.hazard_ratios();
        let ci = fit.conf_int(0.95)?;
        for (j, c) in case["coefficients"]
            .as_array()
            .expect("coefs")
            .iter()
            .enumerate()
        {
            let name = c["name"].as_str().expect("name");
            assert_eq!(fit.term_names()[j], name);
            let at = |k: &str| format!("{id} {name} {k}");
            worst = worst.max(close(
                &at("coef"),
                fit.coefficients()[j],
                num(&c["coef"]),
                tol,
            ));
            worst = worst.max(close(&at("se"), fit.std_errors()[j], num(&c["se"]), tol));
            worst = worst.max(close(&at("z"), z[j], num(&c["z"]), tol));
            worst = worst.max(close(&at("p"), p[j], num(&c["p"]), tol));
            worst = worst.max(close(&at("hr"), hr[j], num(&c["hr"]), tol));
            worst = worst.max(close(
                &at("hr_lower"),
                ci[j].0.exp(),
                num(&c["hr_lower"]),
                tol,
            ));
            worst = worst.max(close(
                &at("hr_upper"),
                ci[j].1.exp(),
                num(&c["hr_upper"]),
                tol,
            ));
        }
        worst = worst.max(close(
            &format!("{id} loglik_null"),
            fit.loglik_null(),
            num(&case["loglik_null"]),
            tol,
        ));
        worst = worst.max(close(
            &format!("{id} loglik"),
            fit.loglik(),
            num(&case["loglik"]),
            tol,
        ));
        for (key, test) in [
            ("lr_test", fit.lr_test()),
            ("wald_test", fit.wald_test()),
            ("score_test", fit.score_test()),
        ] {
            worst = worst.max(close(
                &format!("{id} {key} stat"),
                test.statistic(),
                num(&case[key]["stat"]),
                tol,
            ));
            worst = worst.max(close(
                &format!("{id} {key} p"),
                test.p_value(),
                num(&case[key]["p"]),
                tol,
            ));
            assert_eq!(whole(test.df()), int(&case[key]["df"]), "{id} {key} df");
        }
        worst = worst.max(close(
            &format!("{id} concordance"),
            fit.concordance().estimate(),
            num(&case["concordance"]),
            tol,
        ));
        worst = worst.max(close(
            &format!("{id} concordance_se"),
            fit.concordance().std_error(),
            num(&case["concordance_se"]),
            tol,
        ));
        assert!(fit.convergence().converged(), "{id}: converged");
        // cox.zph (transform "km")
        let zph = fit.zph()?;
        let want = case["zph"].as_array().expect("zph");
        assert_eq!(want.len(), zph.rows().count(), "{id} zph rows");
        for (row, w) in zph.rows().zip(want) {
            let name = w["name"].as_str().expect("name");
            assert_eq!(row.name(), name);
            let at = |k: &str| format!("{id} zph {name} {k}");
            worst = worst.max(close(
                &at("chisq"),
                row.test().statistic(),
                num(&w["chisq"]),
                tol,
            ));
            worst = worst.max(close(&at("p"), row.test().p_value(), num(&w["p"]), tol));
            assert_eq!(whole(row.test().df()), int(&w["df"]), "{id} zph df");
        }
    }
    eprintln!("largest relative difference from R over the cox_*.json cases: {worst:.2e}");
    Ok(())
}

/// The models of `tests/data/cox_extra.json` (made by `tests/data/make_cox_extra.R`).
fn extra_model(id: &str) -> Result<(SurvivalData, Design, CoxPh)> {
    let lung = read_csv("lung_full.csv");
    let lung_rows = |extra: &[&str]| {
        let mut used = vec!["time", "status", "age", "sex"];
        used.extend(extra);
        complete_rows(&lung, &used)
    };
    let lung_surv = |rows: &[usize]| {
        SurvivalData::from_status(pick(&lung["time"], rows), &pick(&lung["status"], rows))
    };
    let cols = |src: &common::csv::NumericColumns, names: &[&str], rows: &[usize]| {
        Design::from_columns(names.iter().map(|c| (*c, pick(&src[*c], rows))))
    };
    let toy = || -> Result<(SurvivalData, Design)> {
        // Therneau & Grambsch: time (9, 3, 1, 1, 6, 6, 8), status (1, NA, 1, 0, 1, 1, 0),
        // x (0, 2, 1, 1, 1, 0, 0); the NA row is dropped.
        let data = SurvivalData::from_status(
            vec![9.0, 1.0, 1.0, 6.0, 6.0, 8.0],
            &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0],
        )?;
        let x = Design::from_columns([("x", vec![0.0, 1.0, 1.0, 1.0, 0.0, 0.0])])?;
        Ok((data, x))
    };
    let breslow = CoxPh::new().ties(Ties::Breslow);
    Ok(match id {
        "lung_efron" | "lung_breslow" | "lung_weights12" | "lung_weights_frac" => {
            let rows = lung_rows(&[]);
            let mut data = lung_surv(&rows)?;
            let sex = pick(&lung["sex"], &rows);
            if id == "lung_weights12" {
                data = data.with_weights(
                    sex.iter()
                        .map(|&s| if s > 1.0 { 2.0 } else { 1.0 })
                        .collect(),
                )?;
            }
            if id == "lung_weights_frac" {
                // w = 0.5 + (i mod 3)/2 with i the 1-based row of `lung`
                data = data.with_weights(
                    rows.iter()
                        .map(|&i| 0.5 + ((i + 1) % 3) as f64 / 2.0)
                        .collect(),
                )?;
            }
            let model = match id {
                "lung_breslow" => breslow,
                // R: robust = FALSE (fractional weights switch it on by default)
                "lung_weights_frac" => CoxPh::new().variance(CoxVariance::Model),
                _ => CoxPh::new(),
            };
            (data, cols(&lung, &["age", "sex"], &rows)?, model)
        }
        "lung_ecog" | "lung_strata" => {
            let rows = lung_rows(&["ph_ecog"]);
            let mut data = lung_surv(&rows)?;
            if id == "lung_strata" {
                let ecog: Vec<i64> = pick(&lung["ph_ecog"], &rows)
                    .iter()
                    .map(|v| *v as i64)
                    .collect();
                data = data.with_strata(&ecog)?;
                (data, cols(&lung, &["age", "sex"], &rows)?, CoxPh::new())
            } else {
                (
                    data,
                    cols(&lung, &["age", "sex", "ph_ecog"], &rows)?,
                    CoxPh::new(),
                )
            }
        }
        "lung_offset" => {
            let rows = lung_rows(&[]);
            let off = pick(&lung["sex"], &rows).iter().map(|s| 0.5 * s).collect();
            let data = lung_surv(&rows)?.with_offsets(off)?;
            (data, cols(&lung, &["age"], &rows)?, CoxPh::new())
        }
        "lung_singular" | "lung_constant" => {
            let rows = lung_rows(&[]);
            let age = pick(&lung["age"], &rows);
            let sex = pick(&lung["sex"], &rows);
            let x = if id == "lung_singular" {
                let age2 = age.iter().map(|a| 2.0 * a).collect();
                Design::from_columns([("age", age), ("sex", sex), ("age2", age2)])?
            } else {
                let one = vec![1.0; rows.len()];
                Design::from_columns([("one", one), ("age", age), ("sex", sex)])?
            };
            (lung_surv(&rows)?, x, CoxPh::new())
        }
        "ovarian" | "ovarian_rx_age" => {
            let ov = read_csv("ovarian.csv");
            let rows: Vec<usize> = (0..ov["futime"].len()).collect();
            let data = SurvivalData::from_status(ov["futime"].clone(), &ov["fustat"])?;
            let names: &[&str] = if id == "ovarian" {
                &["age", "ecog_ps"]
            } else {
                &["rx", "age"]
            };
            (data, cols(&ov, names, &rows)?, CoxPh::new())
        }
        "aml_efron" | "aml_breslow" => {
            let aml = read_csv("aml_numeric.csv");
            let rows: Vec<usize> = (0..aml["time"].len()).collect();
            let data = SurvivalData::from_status(aml["time"].clone(), &aml["status"])?;
            let model = if id == "aml_breslow" {
                breslow
            } else {
                CoxPh::new()
            };
            (data, cols(&aml, &["x"], &rows)?, model)
        }
        "toy_efron" => {
            let (d, x) = toy()?;
            (d, x, CoxPh::new())
        }
        "toy_breslow" => {
            let (d, x) = toy()?;
            (d, x, breslow)
        }
        "toy_breslow_one_step" => {
            let (d, x) = toy()?;
            (d, x, breslow.max_iter(1))
        }
        "monotone" => {
            let data = SurvivalData::from_status(
                (1..=10).map(f64::from).collect(),
                &[1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0],
            )?;
            let x = Design::from_columns([
                ("x", vec![1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
                (
                    "z",
                    vec![0.5, -1.0, 2.0, 0.3, 1.1, -0.7, 0.2, 1.5, -0.4, 0.9],
                ),
            ])?;
            (data, x, CoxPh::new())
        }
        other => panic!("unknown case {other}"),
    })
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

#[test]
fn extra_r_goldens_match() -> Result<()> {
    let file: Value = serde_json::from_str(
        &std::fs::read_to_string(data_dir().join("cox_extra.json")).expect("read"),
    )
    .expect("json");
    let mut worst: f64 = 0.0;
    let tol = R_MATCH_REL;
    for case in file["cases"].as_array().expect("cases") {
        let id = case["id"].as_str().expect("id");
        let (data, x, model) = extra_model(id)?;
        let fit = model.fit(&data, &x)?;
        let at = |k: &str| format!("{id} {k}");
        assert_eq!(fit.n() as i64, int(&case["n"]), "{id} n");
        assert_eq!(fit.n_events() as i64, int(&case["events"]), "{id} events");
        assert_eq!(
            fit.convergence().iterations() as i64,
            int(&case["iter"]),
            "{id} iterations"
        );
        let coef = floats(&case["coef"]);
        let se = floats(&case["se"]);
        for j in 0..coef.len() {
            if coef[j].is_nan() {
                assert!(fit.aliased()[j], "{id}: column {j} aliased");
                assert!(fit.coefficients()[j].is_nan());
                assert!(fit.variance()[(j, j)].abs() <= 0.0);
                continue;
            }
            assert!(!fit.aliased()[j]);
            worst = worst.max(close(&at("coef"), fit.coefficients()[j], coef[j], tol));
            worst = worst.max(close(&at("se"), fit.std_errors()[j], se[j], tol));
        }
        let ll = floats(&case["loglik"]);
        worst = worst.max(close(&at("loglik0"), fit.loglik_null(), ll[0], tol));
        worst = worst.max(close(&at("loglik"), fit.loglik(), ll[1], tol));
        worst = worst.max(close(
            &at("lr"),
            fit.lr_test().statistic(),
            num(&case["lr"]),
            tol,
        ));
        worst = worst.max(close(
            &at("wald"),
            fit.wald_test().statistic(),
            num(&case["wald"]),
            tol,
        ));
        worst = worst.max(close(
            &at("score"),
            fit.score_test().statistic(),
            num(&case["score"]),
            tol,
        ));
        assert_eq!(whole(fit.lr_test().df()), int(&case["df"]), "{id} df");
        let c = fit.concordance();
        worst = worst.max(close(
            &at("C"),
            c.estimate(),
            num(&case["concordance"]),
            tol,
        ));
        worst = worst.max(close(
            &at("C se"),
            c.std_error(),
            num(&case["concordance_se"]),
            tol,
        ));
        for (j, m) in floats(&case["means"]).iter().enumerate() {
            worst = worst.max(close(&at("mean"), fit.means()[j], *m, tol));
        }
        for (i, lp) in floats(&case["lp_first"]).iter().enumerate() {
            worst = worst.max(close(&at("lp"), fit.linear_predictors()[i], *lp, tol));
        }
        if std::env::var_os("COX_VERBOSE").is_some() {
            eprintln!("{id}: worst so far {worst:.2e}");
        }
        if id == "monotone" {
            assert_eq!(fit.infinite_coefficients(), ["x"]);
            assert!(!fit.convergence().converged());
        } else {
            assert!(fit.infinite_coefficients().is_empty(), "{id}");
        }
    }
    eprintln!("largest relative difference from R over cox_extra.json: {worst:.2e}");
    Ok(())
}

// ------------------------------------------------------------------ closed forms (§9.7)

fn toy_data() -> Result<(SurvivalData, Design)> {
    let data = SurvivalData::from_status(
        vec![9.0, 1.0, 1.0, 6.0, 6.0, 8.0],
        &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0],
    )?;
    let x = Design::from_columns([("x", vec![0.0, 1.0, 1.0, 1.0, 0.0, 0.0])])?;
    Ok((data, x))
}

#[test]
fn therneau_grambsch_closed_forms() -> Result<()> {
    let tol = spec_tolerance();
    let (data, x) = toy_data()?;
    // Breslow MLE = log(1.5 + sqrt(33)/2); R stops at 1.47528491482887
    let fit = CoxPh::new().ties(Ties::Breslow).fit(&data, &x)?;
    let exact = (1.5 + 33f64.sqrt() / 2.0).ln();
    assert!((fit.coefficients()[0] - exact).abs() < 1e-9);
    close(
        "R breslow",
        fit.coefficients()[0],
        spec("toy_breslow", "beta")[0],
        spec("toy_breslow", "tolerance")[0],
    );
    // one Newton step from 0 is exactly 8/5
    let one = CoxPh::new()
        .ties(Ties::Breslow)
        .max_iter(1)
        .fit(&data, &x)?;
    assert!((one.coefficients()[0] - 1.6).abs() < 1e-14);
    assert!(!one.convergence().converged());
    // Efron (survival tests/book4.R)
    let efron = CoxPh::new().fit(&data, &x)?;
    close(
        "efron beta",
        efron.coefficients()[0],
        spec("toy_efron", "beta")[0],
        tol,
    );
    close(
        "efron se",
        efron.std_errors()[0],
        spec("toy_efron", "se")[0],
        tol,
    );
    close(
        "efron l0",
        efron.loglik_null(),
        spec("toy_efron", "loglik_null")[0],
        tol,
    );
    close(
        "efron l",
        efron.loglik(),
        spec("toy_efron", "loglik")[0],
        tol,
    );
    Ok(())
}

#[test]
fn lung_golden_values_of_the_spec() -> Result<()> {
    let tol = spec_tolerance();
    // algorithms.md §9.1 (R 4.2.2, survival 3.5-3), full lung (228 rows)
    let (data, x, model) = extra_model("lung_efron")?;
    let fit = model.fit(&data, &x)?;
    close(
        "beta age",
        fit.coefficients()[0],
        spec("lung_efron", "beta")[0],
        tol,
    );
    close(
        "beta sex",
        fit.coefficients()[1],
        spec("lung_efron", "beta")[1],
        tol,
    );
    close(
        "se sex",
        fit.std_errors()[1],
        spec("lung_efron", "se_sex")[0],
        tol,
    );
    close(
        "LR",
        fit.lr_test().statistic(),
        spec("lung_efron", "lr")[0],
        tol,
    );
    close(
        "Wald",
        fit.wald_test().statistic(),
        spec("lung_efron", "wald")[0],
        tol,
    );
    close(
        "Score",
        fit.score_test().statistic(),
        spec("lung_efron", "score")[0],
        tol,
    );
    close(
        "C",
        fit.concordance().estimate(),
        spec("lung_efron", "concordance")[0],
        tol,
    );
    close(
        "C se",
        fit.concordance().std_error(),
        spec("lung_efron", "concordance_se")[0],
        tol,
    );
    close(
        "mean age",
        fit.means()[0],
        spec("lung_efron", "mean_age")[0],
        tol,
    );
    assert_eq!(
        Some(fit.convergence().iterations()),
        spec_count("lung_efron", "iterations")
    );
    let zph = fit.zph()?;
    close(
        "zph age",
        zph.terms()[0].test().statistic(),
        spec("lung_efron", "zph")[0],
        tol,
    );
    close(
        "zph sex",
        zph.terms()[1].test().statistic(),
        spec("lung_efron", "zph")[1],
        tol,
    );
    close(
        "zph global",
        zph.global().test().statistic(),
        spec("lung_efron", "zph")[2],
        tol,
    );
    let breslow = CoxPh::new().ties(Ties::Breslow).fit(&data, &x)?;
    close(
        "breslow age",
        breslow.coefficients()[0],
        spec("lung_breslow", "beta_age")[0],
        tol,
    );
    close(
        "breslow score",
        breslow.score_test().statistic(),
        spec("lung_breslow", "score")[0],
        tol,
    );
    Ok(())
}

#[test]
fn robust_variance_matches_r() -> Result<()> {
    let tol = spec_tolerance();
    // algorithms.md §9.1 (R 4.2.2, survival 3.5-3), lung ~ age + sex, Efron
    let (data, x, _) = extra_model("lung_efron")?;
    let fit = CoxPh::new().variance(CoxVariance::Robust).fit(&data, &x)?;
    let rse = fit.robust_std_errors().expect("robust");
    close(
        "robust se age",
        rse[0],
        spec("lung_robust", "robust_se")[0],
        tol,
    );
    close(
        "robust se sex",
        rse[1],
        spec("lung_robust", "robust_se")[1],
        tol,
    );
    close(
        "naive se sex",
        fit.std_errors()[1],
        spec("lung_robust", "naive_se_sex")[0],
        tol,
    );
    close(
        "robust wald",
        fit.wald_test().statistic(),
        spec("lung_robust", "wald")[0],
        tol,
    );
    let rscore = fit.robust_score_test().expect("robust score");
    close(
        "robust score",
        rscore.statistic(),
        spec("lung_robust", "robust_score")[0],
        tol,
    );
    close(
        "z uses robust se",
        fit.z_values()[1],
        fit.coefficients()[1] / rse[1],
        1e-14,
    );

    // + cluster(inst): n 227 (inst missing once)
    let lung = read_csv("lung_full.csv");
    let rows = complete_rows(&lung, &["time", "status", "age", "sex", "inst"]);
    let data =
        SurvivalData::from_status(pick(&lung["time"], &rows), &pick(&lung["status"], &rows))?;
    let x = Design::from_columns([
        ("age", pick(&lung["age"], &rows)),
        ("sex", pick(&lung["sex"], &rows)),
    ])?;
    let inst: Vec<i64> = pick(&lung["inst"], &rows)
        .iter()
        .map(|v| *v as i64)
        .collect();
    let fit = CoxPh::new().fit(&data.clone().with_clusters(&inst)?, &x)?;
    assert_eq!(Some(fit.n()), spec_count("lung_cluster_inst", "n"));
    close(
        "cluster beta age",
        fit.coefficients()[0],
        spec("lung_cluster_inst", "beta")[0],
        tol,
    );
    close(
        "cluster beta sex",
        fit.coefficients()[1],
        spec("lung_cluster_inst", "beta")[1],
        tol,
    );
    let rse = fit.robust_std_errors().expect("robust");
    close(
        "cluster se age",
        rse[0],
        spec("lung_cluster_inst", "robust_se")[0],
        tol,
    );
    close(
        "cluster se sex",
        rse[1],
        spec("lung_cluster_inst", "robust_se")[1],
        tol,
    );
    close(
        "cluster wald",
        fit.wald_test().statistic(),
        spec("lung_cluster_inst", "wald")[0],
        tol,
    );
    let rscore = fit.robust_score_test().expect("robust score");
    close(
        "cluster robust score",
        rscore.statistic(),
        spec("lung_cluster_inst", "robust_score")[0],
        tol,
    );

    // fractional weights switch the robust variance on, as in R
    let (data, x, _) = extra_model("lung_weights_frac")?;
    let fit = CoxPh::new().fit(&data, &x)?;
    let rse = fit.robust_std_errors().expect("robust by default");
    close(
        "w2 beta sex",
        fit.coefficients()[1],
        spec("lung_weights_frac", "beta_sex")[0],
        tol,
    );
    close(
        "w2 robust se age",
        rse[0],
        spec("lung_weights_frac", "robust_se")[0],
        tol,
    );
    close(
        "w2 robust se sex",
        rse[1],
        spec("lung_weights_frac", "robust_se")[1],
        tol,
    );
    close(
        "w2 naive se age",
        fit.std_errors()[0],
        spec("lung_weights_frac", "naive_se")[0],
        tol,
    );
    close(
        "w2 naive se sex",
        fit.std_errors()[1],
        spec("lung_weights_frac", "naive_se")[1],
        tol,
    );
    assert!(fit.to_string().contains("Robust score test"));
    Ok(())
}

#[test]
fn timefix_merges_floating_point_noise() -> Result<()> {
    let (data, x, _) = extra_model("lung_efron")?;
    let noisy: Vec<f64> = data
        .time()
        .iter()
        .enumerate()
        .map(|(i, t)| {
            if i % 2 == 0 {
                t * (1.0 + 4e-16) + 1e-12
            } else {
                *t
            }
        })
        .collect();
    let status: Vec<f64> = data
        .event()
        .iter()
        .map(|&e| f64::from(u8::from(e)))
        .collect();
    let noisy_data = SurvivalData::from_status(noisy, &status)?;
    let clean = CoxPh::new().fit(&data, &x)?;
    let fixed = CoxPh::new().fit(&noisy_data, &x)?;
    close("timefix", fixed.loglik(), clean.loglik(), 1e-13);
    let unfixed = CoxPh::new()
        .timefix(oncostat::Timefix::Exact)
        .fit(&noisy_data, &x)?;
    assert!((unfixed.loglik() - clean.loglik()).abs() > 1e-6);
    Ok(())
}

// ------------------------------------------------------------------ errors and display

#[test]
fn bad_input_is_a_named_error() -> Result<()> {
    let data = SurvivalData::from_status(vec![1.0, 2.0, 3.0], &[0.0, 0.0, 0.0])?;
    let x = Design::from_columns([("a", vec![1.0, 2.0, 3.0])])?;
    assert!(matches!(
        CoxPh::new().fit(&data, &x),
        Err(oncostat::Error::NoEvents { .. })
    ));
    let (data, x) = toy_data()?;
    let short = Design::from_columns([("a", vec![1.0, 2.0])])?;
    assert!(matches!(
        CoxPh::new().fit(&data, &short),
        Err(oncostat::Error::DimensionMismatch { .. })
    ));
    assert!(matches!(
        CoxPh::new().init(vec![0.0, 1.0]).fit(&data, &x),
        Err(oncostat::Error::DimensionMismatch { .. })
    ));
    assert!(matches!(
        CoxPh::new().eps(-1.0).fit(&data, &x),
        Err(oncostat::Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        CoxPh::new().init(vec![f64::NAN]).fit(&data, &x),
        Err(oncostat::Error::NonFinite { .. })
    ));
    let fit = CoxPh::new().fit(&data, &x)?;
    assert!(fit.conf_int(1.5).is_err());
    assert!(fit.coef_table(0.0).is_err());
    Ok(())
}

#[test]
fn monotone_likelihood_is_flagged_not_an_error() -> Result<()> {
    let (data, x, model) = extra_model("monotone")?;
    let fit = model.fit(&data, &x)?;
    assert_eq!(fit.infinite_coefficients(), ["x"]);
    assert!(
        fit.to_string()
            .contains("loglik converged before variable(s) x")
    );
    assert!(matches!(
        fit.require_converged(),
        Err(oncostat::Error::NotConverged { .. })
    ));
    Ok(())
}

#[test]
fn display_follows_summary_coxph() -> Result<()> {
    let (data, x, model) = extra_model("lung_efron")?;
    let fit = model.fit(&data, &x)?;
    let s = fit.to_string();
    assert!(s.contains("n= 228, number of events= 165"), "{s}");
    assert!(s.contains("Concordance= 0.603  (se = 0.025 )"), "{s}");
    assert!(
        s.contains("Likelihood ratio test= 14.12  on 2 df,   p=0.0009"),
        "{s}"
    );
    assert!(
        s.contains("Wald test            = 13.47  on 2 df,   p=0.0012"),
        "{s}"
    );
    assert!(
        s.contains("Score (logrank) test = 13.72  on 2 df,   p=0.0010"),
        "{s}"
    );
    let row: Vec<&str> = s
        .lines()
        .find(|l| l.starts_with("sex"))
        .expect("sex row")
        .split_whitespace()
        .collect();
    assert_eq!(
        row,
        ["sex", "-0.5132", "0.5986", "0.1675", "-3.065", "0.0022"]
    );
    let table = fit.coef_table(0.95)?;
    let sex = table.row("sex").expect("sex");
    close("ci lower", sex.lower.exp(), 0.4311, 1e-4);
    Ok(())
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<CoxPh>();
    check::<CoxFit>();
    check::<oncostat::Concordance>();
    check::<Ties>();
}

// ------------------------------------------------------------------ invariances

mod invariants {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    struct Sample {
        time: Vec<f64>,
        status: Vec<f64>,
        x1: Vec<f64>,
        x2: Vec<f64>,
    }

    fn sample() -> impl Strategy<Value = Sample> {
        (10usize..40).prop_flat_map(|n| {
            (
                proptest::collection::vec(1u8..15, n),
                proptest::collection::vec(prop::bool::weighted(0.7), n),
                proptest::collection::vec(-2.0f64..2.0, n),
                proptest::collection::vec(prop::bool::ANY, n),
            )
                .prop_map(|(t, s, x1, x2)| Sample {
                    time: t.into_iter().map(f64::from).collect(),
                    status: s.into_iter().map(|e| f64::from(u8::from(e))).collect(),
                    x1,
                    x2: x2.into_iter().map(|b| f64::from(u8::from(b))).collect(),
                })
        })
    }

    fn fit(s: &Sample, ties: Ties, weights: Option<Vec<f64>>) -> Option<CoxFit> {
        let mut data = SurvivalData::from_status(s.time.clone(), &s.status).ok()?;
        if let Some(w) = weights {
            data = data.with_weights(w).ok()?;
        }
        let x = Design::from_columns([("x1", s.x1.clone()), ("x2", s.x2.clone())]).ok()?;
        let f = CoxPh::new().ties(ties).fit(&data, &x).ok()?;
        let fine = f.convergence().converged() && f.aliased().iter().all(|a| !a);
        fine.then_some(f)
    }

    fn same(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-7 * (1.0 + b.abs())
    }

    fn same_fit(a: &CoxFit, b: &CoxFit) -> bool {
        (0..2).all(|j| {
            same(a.coefficients()[j], b.coefficients()[j])
                && same(a.std_errors()[j], b.std_errors()[j])
        }) && same(a.loglik(), b.loglik())
    }

    fn ties_of(efron: bool) -> Ties {
        if efron { Ties::Efron } else { Ties::Breslow }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn row_order_does_not_matter(s in sample(), efron in prop::bool::ANY, seed in 0u64..1000) {
            let base = fit(&s, ties_of(efron), None);
            prop_assume!(base.is_some());
            let base = base.expect("checked");
            let n = s.time.len();
            let perm: Vec<usize> = (0..n).map(|i| (i * 7 + seed as usize) % n).collect();
            let mut seen = vec![false; n];
            let ok_perm = perm.iter().all(|&k| !std::mem::replace(&mut seen[k], true));
            prop_assume!(ok_perm);
            let permuted = Sample {
                time: perm.iter().map(|&k| s.time[k]).collect(),
                status: perm.iter().map(|&k| s.status[k]).collect(),
                x1: perm.iter().map(|&k| s.x1[k]).collect(),
                x2: perm.iter().map(|&k| s.x2[k]).collect(),
            };
            let other = fit(&permuted, ties_of(efron), None).expect("same data");
            prop_assert!(same_fit(&base, &other));
            prop_assert!(same(base.concordance().estimate(), other.concordance().estimate()));
            prop_assert!(same(base.concordance().std_error(), other.concordance().std_error()));
        }

        #[test]
        fn shifting_a_covariate_leaves_beta(s in sample(), shift in -50.0f64..50.0) {
            let base = fit(&s, Ties::Efron, None);
            prop_assume!(base.is_some());
            let base = base.expect("checked");
            let shifted = Sample { x1: s.x1.iter().map(|v| v + shift).collect(), ..s.clone() };
            let other = fit(&shifted, Ties::Efron, None).expect("same model");
            prop_assert!(same_fit(&base, &other));
        }

        #[test]
        fn scaling_a_covariate_scales_beta(s in sample(), c in 0.1f64..20.0) {
            let base = fit(&s, Ties::Breslow, None);
            prop_assume!(base.is_some());
            let base = base.expect("checked");
            let scaled = Sample { x1: s.x1.iter().map(|v| v * c).collect(), ..s.clone() };
            let other = fit(&scaled, Ties::Breslow, None).expect("same model");
            prop_assert!(same(other.coefficients()[0] * c, base.coefficients()[0]));
            prop_assert!(same(other.std_errors()[0] * c, base.std_errors()[0]));
            prop_assert!(same(other.coefficients()[1], base.coefficients()[1]));
            prop_assert!(same(other.loglik(), base.loglik()));
        }

        #[test]
        fn monotone_time_transform_changes_nothing(s in sample(), efron in prop::bool::ANY) {
            let base = fit(&s, ties_of(efron), None);
            prop_assume!(base.is_some());
            let base = base.expect("checked");
            let warped = Sample { time: s.time.iter().map(|t| (t / 3.0).exp() + t * t).collect(), ..s.clone() };
            let other = fit(&warped, ties_of(efron), None).expect("same model");
            prop_assert!(same_fit(&base, &other));
            prop_assert!(same(base.concordance().estimate(), other.concordance().estimate()));
        }

        /// Replication weights: weight 2 equals every row twice (Breslow; under Efron the
        /// duplicated rows form tied deaths, which Efron's correction treats differently
        /// from one death of weight 2, in R as here).
        #[test]
        fn weight_two_equals_duplicated_rows(s in sample()) {
            let ties = Ties::Breslow;
            let weighted = fit(&s, ties, Some(vec![2.0; s.time.len()]));
            prop_assume!(weighted.is_some());
            let weighted = weighted.expect("checked");
            let twice = |v: &Vec<f64>| v.iter().chain(v.iter()).copied().collect::<Vec<f64>>();
            let doubled = Sample { time: twice(&s.time), status: twice(&s.status), x1: twice(&s.x1), x2: twice(&s.x2) };
            let other = fit(&doubled, ties, None).expect("same model");
            prop_assert!(same_fit(&weighted, &other));
        }
    }
}

#[test]
fn degenerate_designs_give_flagged_fits_not_panics() -> Result<()> {
    // every column constant: all aliased (R: all NA), tests on 0 df
    let data = SurvivalData::from_status(vec![1.0, 2.0, 3.0, 4.0], &[1.0, 0.0, 1.0, 1.0])?;
    let x = Design::from_columns([("c", vec![2.0; 4]), ("d", vec![0.0; 4])])?;
    let fit = CoxPh::new().fit(&data, &x)?;
    assert_eq!(fit.aliased(), [true, true]);
    assert_eq!(fit.convergence().iterations(), 1); // as R 4.2.2 / survival 3.5-3
    assert!(fit.coefficients().iter().all(|b| b.is_nan()));
    assert_eq!(whole(fit.lr_test().df()), 0);
    assert!((fit.concordance().estimate() - 0.5).abs() < 1e-15);
    assert!(fit.zph().is_err());
    let _ = fit.to_string();
    // a single observation with an event: ℓ ≡ 0, R runs out of iterations (then fails in
    // its concordance); here a non-converged fit
    let one = SurvivalData::from_status(vec![5.0], &[1.0])?;
    let x1 = Design::from_columns([("a", vec![1.5])])?;
    let fit = CoxPh::new().fit(&one, &x1)?;
    assert!(!fit.convergence().converged());
    assert_eq!(fit.convergence().iterations(), 21);
    // absurd initial values: ℓ(init) is not finite (R stops at init, iter 0, and reports
    // it); here a named error instead of a fit at a non-finite likelihood (issue 19)
    let (data, x) = toy_data()?;
    let err = CoxPh::new().init(vec![1e6]).fit(&data, &x).unwrap_err();
    assert!(
        matches!(&err, oncostat::Error::NumericalRange { reason, .. }
            if reason.starts_with("the log-likelihood at the initial values is")),
        "{err}"
    );
    Ok(())
}
