//! The paper's analysis of one cohort, through the crate's public API only.
//!
//! 1. Abscopal benefit per patient: `timelines_from_records` + `assess_abscopal` on the lesion
//!    measurements (default `IrecistRules`: minimum SD duration 42 days, no confirmation of
//!    response). Patients whose non-irradiated lesions are not evaluable are excluded from the
//!    AB analyses (and counted).
//! 2. AB rate among evaluable patients.
//! 3. Kaplan–Meier medians and log-rank p: OS and PFS by AB, OS by fractionation.
//! 4. Firth logistic regression `AB ~ age + interval + dose + volume`: ORs with profile
//!    penalized-likelihood 95% CIs and penalized likelihood-ratio p-values (as logistf).
//! 5. Cox regression `OS ~ BMI>=25 + CRP>=5 + AB + ultrahypofractionated` (Efron ties): HRs of
//!    BMI and CRP with Wald 95% CIs and Wald p. AB and fractionation are in the model because
//!    the generative model has them: the Cox HR is non-collapsible, and leaving them out would
//!    estimate a different (attenuated) marginal quantity. Complete case: the patients with
//!    BMI and CRP recorded (the others are listed by id, `cox_excluded`); every other
//!    analysis keeps them.

use std::collections::HashMap;

use oncostat::irecist::{IrecistRules, LesionRecord, assess_abscopal, timelines_from_records};
use oncostat::{CoxPh, Design, FirthRegression, KaplanMeier, LogRank, SurvivalData};

use crate::io::Excluded;
use crate::simulate::Patient;

/// Confidence level of every interval.
pub const LEVEL: f64 = 0.95;

/// A ratio (OR or HR) with its 95% CI and p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratio {
    /// Point estimate (ratio scale).
    pub estimate: f64,
    /// Lower 95% bound.
    pub lower: f64,
    /// Upper 95% bound.
    pub upper: f64,
    /// Two-sided p-value.
    pub p: f64,
    /// Standard error of the log ratio (Firth: `sqrt(diag((XᵀWX)⁻¹))` at β̂; Cox: the
    /// model-based `se(coef)`).
    pub se: f64,
}

/// Two KM medians (group a = AB or ultrahypofractionated) and the log-rank p.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Median of group a (months); `None` if never reached.
    pub median_a: Option<f64>,
    /// Median of group b (months).
    pub median_b: Option<f64>,
    /// Log-rank p-value.
    pub p: f64,
    /// Curves (a, b), filled only when asked for.
    pub curves: Option<[oncostat::plots::StepCurve; 2]>,
}

/// Everything the paper reports, for one cohort.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortAnalysis {
    /// Patients in the patient file.
    pub n: usize,
    /// Patients with an evaluable abscopal classification.
    pub n_evaluable: usize,
    /// Simulated patients whose derived AB differs from the latent class (0 for real data).
    pub misclassified: usize,
    /// Share of evaluable patients with abscopal benefit.
    pub ab_rate: f64,
    /// OS by AB.
    pub os_by_ab: Comparison,
    /// PFS by AB.
    pub pfs_by_ab: Comparison,
    /// OS by fractionation.
    pub os_by_fractionation: Comparison,
    /// Firth OR per year of age.
    pub or_age: Ratio,
    /// Firth OR per month of ICI–RT interval.
    pub or_interval: Ratio,
    /// Firth OR per Gy EQD2.
    pub or_dose: Ratio,
    /// Firth OR per cc.
    pub or_volume: Ratio,
    /// Cox HR of BMI >= 25.
    pub hr_bmi25: Ratio,
    /// Cox HR of CRP >= 5.
    pub hr_crp5: Ratio,
    /// Patients left out of every analysis for want of an abscopal classification, with the
    /// reason (no lesion rows, or non-irradiated lesions not evaluable), in patient order.
    pub excluded: Vec<Excluded>,
    /// Patients in the Cox model (complete case: BMI and CRP recorded).
    pub cox_n: usize,
    /// Deaths among them.
    pub cox_events: usize,
    /// Evaluable patients left out of the Cox model (BMI or CRP not recorded), by id.
    pub cox_excluded: Vec<Excluded>,
}

/// Abscopal benefit per patient (same order as `patients`), `None` when not evaluable or when
/// the patient has no lesion rows.
///
/// # Errors
/// Invalid lesion data (named patient, lesion and day).
pub fn derive_benefit(
    patients: &[Patient],
    lesions: &[LesionRecord],
    rules: &IrecistRules,
) -> oncostat::Result<Vec<Option<bool>>> {
    let timelines = timelines_from_records(lesions)?;
    let mut by_id: HashMap<&str, Option<bool>> = HashMap::with_capacity(timelines.len());
    for t in &timelines {
        by_id.insert(t.patient(), assess_abscopal(t, rules)?.benefit());
    }
    Ok(patients
        .iter()
        .map(|p| by_id.get(p.id.as_str()).copied().flatten())
        .collect())
}

/// Runs the paper's analysis. `curves` keeps the KM curves for plotting.
///
/// # Errors
/// Any crate error (e.g. no events in a group, a failed fit).
pub fn analyze(
    patients: &[Patient],
    lesions: &[LesionRecord],
    curves: bool,
) -> oncostat::Result<CohortAnalysis> {
    let benefit = derive_benefit(patients, lesions, &IrecistRules::default())?;
    let misclassified = patients
        .iter()
        .zip(&benefit)
        .filter(|(p, b)| match (p.latent, b) {
            (Some(latent), Some(b)) => latent.benefit() != *b,
            (Some(_), None) => true,
            _ => false,
        })
        .count();
    let with_rows: std::collections::HashSet<&str> =
        lesions.iter().map(|l| l.patient.as_str()).collect();
    let excluded = patients
        .iter()
        .zip(&benefit)
        .filter(|(_, b)| b.is_none())
        .map(|(p, _)| Excluded {
            id: p.id.clone(),
            reason: if with_rows.contains(p.id.as_str()) {
                "no abscopal classification (non-irradiated lesions not evaluable)".into()
            } else {
                "no lesion rows".into()
            },
        })
        .collect();
    let rows: Vec<usize> = (0..patients.len())
        .filter(|&i| benefit[i].is_some())
        .collect();
    let ab: Vec<bool> = rows.iter().map(|&i| benefit[i] == Some(true)).collect();
    let sel: Vec<&Patient> = rows.iter().map(|&i| &patients[i]).collect();
    let n_evaluable = sel.len();
    if n_evaluable == 0 {
        return Err(oncostat::Error::EmptyInput {
            what: "patients with an evaluable abscopal classification",
        });
    }
    let ab_rate = ab.iter().filter(|&&b| b).count() as f64 / n_evaluable as f64;

    let os = SurvivalData::new(
        sel.iter().map(|p| p.os_months).collect(),
        sel.iter().map(|p| p.os_event).collect(),
    )?;
    let pfs = SurvivalData::new(
        sel.iter().map(|p| p.pfs_months).collect(),
        sel.iter().map(|p| p.pfs_event).collect(),
    )?;
    let uhf: Vec<bool> = sel
        .iter()
        .map(|p| p.covariates.ultrahypofractionated)
        .collect();
    let os_by_ab = compare(&os, &ab, curves, ("AB", "no AB"))?;
    let pfs_by_ab = compare(&pfs, &ab, curves, ("AB", "no AB"))?;
    let os_by_fractionation = compare(&os, &uhf, curves, ("ultrahypofractionated", "other"))?;

    let [or_age, or_interval, or_dose, or_volume] = firth_ors(&sel, &ab)?;
    // Complete case for the Cox model: the patients with BMI and CRP recorded.
    let cox_rows: Vec<usize> = (0..sel.len())
        .filter(|&i| sel[i].covariates.bmi.is_some() && sel[i].covariates.crp.is_some())
        .collect();
    let cox_excluded: Vec<Excluded> = (0..sel.len())
        .filter(|&i| !cox_rows.contains(&i))
        .map(|i| {
            let c = &sel[i].covariates;
            let names: Vec<&str> = [("`bmi`", c.bmi), ("`crp`", c.crp)]
                .into_iter()
                .filter(|(_, v)| v.is_none())
                .map(|(n, _)| n)
                .collect();
            Excluded {
                id: sel[i].id.clone(),
                reason: format!("missing {}", names.join(", ")),
            }
        })
        .collect();
    let pick = |v: &[bool]| cox_rows.iter().map(|&i| v[i]).collect::<Vec<bool>>();
    let cox_sel: Vec<&Patient> = cox_rows.iter().map(|&i| sel[i]).collect();
    let cox_os = SurvivalData::new(
        cox_sel.iter().map(|p| p.os_months).collect(),
        cox_sel.iter().map(|p| p.os_event).collect(),
    )?;
    let [hr_bmi25, hr_crp5] = cox_hrs(&cox_os, &cox_sel, &pick(&ab), &pick(&uhf))?;
    let cox_events = cox_sel.iter().filter(|p| p.os_event).count();
    Ok(CohortAnalysis {
        n: patients.len(),
        n_evaluable,
        misclassified,
        ab_rate,
        os_by_ab,
        pfs_by_ab,
        os_by_fractionation,
        or_age,
        or_interval,
        or_dose,
        or_volume,
        hr_bmi25,
        hr_crp5,
        excluded,
        cox_n: cox_sel.len(),
        cox_events,
        cox_excluded,
    })
}

fn to_f64(flags: &[bool]) -> Vec<f64> {
    flags.iter().map(|&b| f64::from(u8::from(b))).collect()
}

/// KM medians of the `true` group (a) and the `false` group (b), and the log-rank p.
fn compare(
    data: &SurvivalData,
    group: &[bool],
    keep_curves: bool,
    labels: (&str, &str),
) -> oncostat::Result<Comparison> {
    // Groups in sorted label order: false (b) first, then true (a).
    let fits = KaplanMeier::new().fit_groups(data, group)?;
    let (fit_b, fit_a) = match fits.as_slice() {
        [b, a] => (b, a),
        _ => {
            return Err(oncostat::Error::TooFewObservations {
                what: "a two-group comparison (both groups must be present)",
                needed: 2,
                found: fits.len(),
            });
        }
    };
    let p = LogRank::new().test(data, group)?.p_value();
    // kept for the figures: group a first, relabelled
    let curves = keep_curves.then(|| {
        [
            oncostat::plots::StepCurve::from_km(fit_a).with_label(labels.0),
            oncostat::plots::StepCurve::from_km(fit_b).with_label(labels.1),
        ]
    });
    Ok(Comparison {
        median_a: fit_a.median(),
        median_b: fit_b.median(),
        p,
        curves,
    })
}

fn firth_ors(sel: &[&Patient], ab: &[bool]) -> oncostat::Result<[Ratio; 4]> {
    let col = |f: fn(&Patient) -> f64| sel.iter().map(|p| f(p)).collect::<Vec<f64>>();
    let x = Design::from_columns([
        ("age", col(|p| p.covariates.age)),
        ("ici_rt_interval", col(|p| p.covariates.interval_months)),
        ("dose_eqd2", col(|p| p.covariates.dose_eqd2)),
        ("volume", col(|p| p.covariates.volume_cc)),
    ])?
    .with_intercept();
    let y = oncostat::BinaryOutcome::new(&to_f64(ab))?;
    let fit = FirthRegression::new().fit(&x, &y)?;
    let beta = fit.coefficients();
    let se = fit.std_errors();
    let mut out = [Ratio {
        estimate: f64::NAN,
        lower: f64::NAN,
        upper: f64::NAN,
        p: f64::NAN,
        se: f64::NAN,
    }; 4];
    for (j, slot) in out.iter_mut().enumerate() {
        let index = j + 1;
        let (lo, hi) = fit.profile_conf_int(index, LEVEL)?;
        let test = fit.penalized_lr_test(index)?;
        *slot = Ratio {
            estimate: beta[index].exp(),
            lower: lo.exp(),
            upper: hi.exp(),
            p: test.p_value(),
            se: se[index],
        };
    }
    Ok(out)
}

fn cox_hrs(
    os: &SurvivalData,
    sel: &[&Patient],
    ab: &[bool],
    uhf: &[bool],
) -> oncostat::Result<[Ratio; 2]> {
    let bmi: Vec<bool> = sel
        .iter()
        .map(|p| p.covariates.bmi25() == Some(true))
        .collect();
    let crp: Vec<bool> = sel
        .iter()
        .map(|p| p.covariates.crp5() == Some(true))
        .collect();
    let x = Design::from_columns([
        ("bmi_ge_25", to_f64(&bmi)),
        ("crp_ge_5", to_f64(&crp)),
        ("abscopal_benefit", to_f64(ab)),
        ("ultrahypofractionated", to_f64(uhf)),
    ])?;
    let fit = CoxPh::new().fit(os, &x)?;
    let hr = fit.hazard_ratios();
    let ci = fit.conf_int(LEVEL)?;
    let p = fit.p_values();
    let se = fit.std_errors();
    let ratio = |j: usize| Ratio {
        estimate: hr[j],
        lower: ci[j].0.exp(),
        upper: ci[j].1.exp(),
        p: p[j],
        se: se[j],
    };
    Ok([ratio(0), ratio(1)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;
    use crate::simulate::simulate;

    /// The lesion trajectories are built so that iRECIST reproduces the latent class exactly
    /// (otherwise the ORs would attenuate and coverage would fail).
    #[test]
    fn derived_benefit_reproduces_the_latent_class() -> oncostat::Result<()> {
        let model = Model::calibrate();
        let cohort = simulate(&model, 3000, 11);
        let records = crate::io::to_records(&cohort.lesions);
        let benefit = derive_benefit(&cohort.patients, &records, &IrecistRules::default())?;
        for (p, b) in cohort.patients.iter().zip(&benefit) {
            let latent = p.latent.map(|l| l.benefit());
            assert_eq!(*b, latent, "patient {}", p.id);
        }
        Ok(())
    }
}
