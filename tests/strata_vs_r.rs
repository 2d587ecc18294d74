//! Cox models with several strata variables against R (`tests/data/strata_goldens.json`,
//! made by `Rscript tests/data/R/strata_goldens.R` on `tests/data/lung_formula.csv`):
//! `strata(a, b)` and `strata(a) + strata(b)` as R's interaction of the levels, with R's
//! stratum names (`sexc=female, ph_ecog=1`, `female, ph_ecog=1`), rows with a missing strata
//! value dropped, coefficients, log-likelihoods, `cox.zph`, and the survival curve of a
//! named patient in a named stratum. Tolerance 1e-6.

mod common;

use common::{assert_close, data, json};
use oncostat::frame::{Formula, Table};
use oncostat::{CoxPh, SurvReg, SurvRegDist, Ties};
use serde_json::Value;

const TOL: f64 = 1e-6;

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect())
        .unwrap_or_default()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|x| x.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn several_strata_match_r() {
    let g = json("strata_goldens.json");
    let lung = Table::from_csv_path(data("lung_formula.csv")).expect("lung_formula.csv");
    let patient = Table::from_csv_reader(
        "age,wt_loss,sexc,ph_ecog,grp,inst\n62,5,female,1,C,12\n".as_bytes(),
    )
    .expect("patient");
    let cases = g["cox"].as_array().expect("cases");
    assert_eq!(cases.len(), 4);
    for case in cases {
        let name = case["name"].as_str().unwrap_or("?");
        let formula = Formula::parse(case["formula"].as_str().unwrap_or("")).expect(name);
        let cox = if case["ties"] == "breslow" {
            CoxPh::new().ties(Ties::Breslow)
        } else {
            CoxPh::new()
        };
        let fit = cox.fit_formula(&formula, &lung).expect(name);
        assert_eq!(fit.n(), case["n"].as_u64().unwrap_or(0) as usize, "{name}");
        let dropped: Vec<usize> = f64s(&case["dropped_rows"])
            .iter()
            .map(|&r| r as usize)
            .collect();
        assert_eq!(fit.dropped_rows(), dropped.as_slice(), "{name} dropped");
        assert_eq!(
            fit.frame().strata_levels(),
            strings(&case["strata"]).as_slice(),
            "{name} strata names"
        );
        assert_eq!(fit.term_names(), strings(&case["coef_names"]), "{name}");
        for (j, (&b, &se)) in f64s(&case["coef"])
            .iter()
            .zip(&f64s(&case["se"]))
            .enumerate()
        {
            assert_close(fit.coefficients()[j], b, TOL, &format!("{name} coef {j}"));
            assert_close(fit.std_errors()[j], se, TOL, &format!("{name} se {j}"));
        }
        let loglik = f64s(&case["loglik"]);
        assert_close(fit.loglik_null(), loglik[0], TOL, name);
        assert_close(fit.loglik(), loglik[1], TOL, name);

        let zph = fit.zph().expect("zph");
        let rows: Vec<_> = zph.rows().collect();
        let (zn, zc, zd) = (
            strings(&case["zph_names"]),
            f64s(&case["zph_chisq"]),
            f64s(&case["zph_df"]),
        );
        assert_eq!(rows.len(), zn.len(), "{name} zph");
        for (k, r) in rows.iter().enumerate() {
            assert_eq!(r.name(), zn[k], "{name} zph");
            assert_close(r.test().statistic(), zc[k], TOL, &format!("{name} zph"));
            assert_close(r.test().df(), zd[k], TOL, &format!("{name} zph df"));
        }

        // the named stratum: R's label, the label without R's padding, the levels alone
        let stratum = case["stratum"].as_str().unwrap_or("");
        let short: Vec<&str> = stratum
            .split(", ")
            .map(|p| p.split_once('=').map_or(p, |(_, l)| l))
            .collect();
        let short = short.join(", ");
        let index = fit.frame().stratum_index(stratum).expect(stratum);
        assert_eq!(fit.frame().stratum_index(&short).expect(&short), index);
        assert_eq!(
            fit.frame().strata_levels()[index].trim_end(),
            strings(&case["strata"])[index].trim_end()
        );
        let curve = &fit.survfit(&patient, Some(stratum), 0.95).expect(name)[0];
        for (k, &t) in f64s(&case["times"]).iter().enumerate() {
            let at = curve.at(t);
            assert_close(at.survival, f64s(&case["surv"])[k], TOL, "surv");
            assert_close(at.std_error, f64s(&case["std_err"])[k], TOL, "std.err");
            assert_close(at.lower, f64s(&case["lower"])[k], TOL, "lower");
            assert_close(at.upper, f64s(&case["upper"])[k], TOL, "upper");
        }
    }
}

/// `strata(a, b)` and `strata(a) + strata(b)` are the same model (R's stratum names differ:
/// a text variable alone in `strata()` is named by its levels).
#[test]
fn strata_in_one_call_or_several_fit_alike() {
    let lung = Table::from_csv_path(data("lung_formula.csv")).expect("lung_formula.csv");
    let one = Formula::parse("Surv(time, status) ~ age + strata(sexc, ph_ecog)").expect("f");
    let two =
        Formula::parse("Surv(time, status) ~ age + strata(sexc) + strata(ph_ecog)").expect("f");
    let a = CoxPh::new().fit_formula(&one, &lung).expect("fit");
    let b = CoxPh::new().fit_formula(&two, &lung).expect("fit");
    assert_close(a.coefficients()[0], b.coefficients()[0], 1e-12, "coef");
    assert_close(a.loglik(), b.loglik(), 1e-12, "loglik");
    assert_eq!(a.frame().strata_levels()[0], "sexc=female, ph_ecog=0");
    assert_eq!(b.frame().strata_levels()[0], "female, ph_ecog=0");
    assert_eq!(a.frame().strata_variable(), Some("strata(sexc, ph_ecog)"));
    // an unknown stratum names the choices
    let err = a
        .frame()
        .stratum_index("sexc=female, ph_ecog=7")
        .unwrap_err();
    assert!(err.to_string().contains("sexc=female, ph_ecog=0"), "{err}");
    // only strata() takes several columns
    let err = Formula::parse("Surv(time, status) ~ factor(a, b)").unwrap_err();
    assert!(err.to_string().contains("only strata()"), "{err}");
    let err = Formula::parse("Surv(time, status) ~ x + strata(a, b):x").unwrap_err();
    assert!(err.to_string().contains("interaction"), "{err}");
}

/// survreg with `strata(sexc, ph_ecog)`: one scale per stratum, named as R names them.
#[test]
fn survreg_scales_per_stratum_of_several_variables_match_r() {
    let g = json("strata_goldens.json");
    let c = &g["survreg"];
    let lung = Table::from_csv_path(data("lung_formula.csv")).expect("lung_formula.csv");
    let formula = Formula::parse(c["formula"].as_str().unwrap_or("")).expect("formula");
    let fit = SurvReg::new(SurvRegDist::Weibull)
        .fit_formula(&formula, &lung)
        .expect("survreg");
    assert_eq!(fit.n(), c["n"].as_u64().unwrap_or(0) as usize);
    assert_eq!(fit.term_names(), strings(&c["coef_names"]));
    for (j, &b) in f64s(&c["coef"]).iter().enumerate() {
        assert_close(fit.coefficients()[j], b, TOL, &format!("survreg coef {j}"));
    }
    assert_eq!(fit.scale_names(), strings(&c["scale_names"]));
    for (k, &s) in f64s(&c["scale"]).iter().enumerate() {
        assert_close(fit.scales()[k], s, TOL, &format!("survreg scale {k}"));
    }
    assert_close(fit.loglik(), f64s(&c["loglik"])[1], TOL, "survreg loglik");
}
