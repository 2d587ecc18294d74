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
//!    analysis keeps them. AB enters as a time-dependent covariate (from the day it was
//!    seen; R's `tmerge(..., tdc())`), since a baseline AB carries the guarantee time.
//!    A second Cox model with BMI and CRP only (the abstract's model may have been this one)
//!    estimates the *marginal* HRs, whose true values differ (non-collapsibility;
//!    `Model::marginal_truth`); the replicates report coverage of each against its own.
//! 6. OS by AB three ways: naive log-rank (groups fixed at radiotherapy: biased by the
//!    guarantee time), landmark at the first restaging (`endpoints::Landmark`), and the
//!    time-dependent Cox model (`endpoints::TdcSplit`; score test = Mantel–Byar,
//!    Simon–Makuch curves). PFS by AB also under RECIST 1.1 (sensitivity).

use std::collections::HashMap;

use oncostat::endpoints::{
    Criteria, EndpointRules, Landmark, PatientDates, PatientEndpoints, TdcSplit,
};
use oncostat::irecist::{
    IrecistRules, LesionRecord, Response, assess, assess_abscopal, timelines_from_records,
};
use oncostat::{CoxPh, Design, FirthRegression, KaplanMeier, LogRank, SurvivalData};

use crate::model::DAYS_PER_MONTH;

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
    /// Patients and events in group a, and in group b.
    pub counts: [(usize, usize); 2],
    /// 95% CIs of the medians of a and b (`None` bounds never reached).
    pub median_ci: [(Option<f64>, Option<f64>); 2],
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
    /// Cox HRs of BMI >= 25 and CRP >= 5 in the model with BMI and CRP only (the marginal
    /// estimand, the same complete-case patients).
    pub hr_marginal: [Ratio; 2],
    /// Patients left out of every analysis for want of an abscopal classification, with the
    /// reason (no lesion rows, or non-irradiated lesions not evaluable), in patient order.
    pub excluded: Vec<Excluded>,
    /// Patients in the Cox model (complete case: BMI and CRP recorded).
    pub cox_n: usize,
    /// Deaths among them.
    pub cox_events: usize,
    /// Evaluable patients left out of the Cox model (BMI or CRP not recorded), by id.
    pub cox_excluded: Vec<Excluded>,
    /// Patients in the Firth model (AB assessed on a restaging scan).
    pub n_logistic: usize,
    /// PFS by AB, RECIST 1.1 (sensitivity analysis).
    pub pfs_recist_by_ab: Comparison,
    /// OS by AB three ways (guarantee-time bias).
    pub guarantee: GuaranteeTime,
    /// Objective response rate (whole-body iRECIST iCR/iPR) with its exact CI.
    pub orr: Option<oncostat::endpoints::ResponseRate>,
    /// Disease control rate (iCR/iPR/iSD).
    pub dcr: Option<oncostat::endpoints::ResponseRate>,
    /// Exact (Clopper–Pearson) 95% CI of the AB rate.
    pub ab_rate_ci: (f64, f64),
}

/// The landmark time: the end of the first-restaging window (months).
pub fn landmark_months() -> f64 {
    crate::simulate::FIRST_SCAN_DAYS.1 / DAYS_PER_MONTH
}

/// OS by abscopal benefit three ways.
#[derive(Debug, Clone, PartialEq)]
pub struct GuaranteeTime {
    /// Naive log-rank p (groups fixed at time 0 by the final classification).
    pub naive_p: f64,
    /// Landmark at the first restaging: log-rank p among the patients followed beyond it,
    /// grouped by AB seen by then, time from the landmark.
    pub landmark_p: f64,
    /// Patients in the landmark analysis.
    pub landmark_n: usize,
    /// Time-dependent Cox model (AB from the day it was seen): hazard ratio.
    pub td_hr: f64,
    /// Its score (Mantel–Byar) test p.
    pub td_p: f64,
    /// Landmark KM curves (AB, no AB) and Simon–Makuch curves (AB, no AB), when asked for.
    pub curves: Option<[[oncostat::plots::StepCurve; 2]; 2]>,
}

/// The naive, landmark and time-dependent analyses of OS by AB (`switch`: months to AB).
fn guarantee_time(
    os: &SurvivalData,
    switch: &[Option<f64>],
    naive_p: f64,
    curves: bool,
) -> oncostat::Result<GuaranteeTime> {
    let (time, event) = (os.time(), os.event());
    let lm = Landmark::new(landmark_months(), time, event, switch)?;
    let landmark_p = lm.log_rank(&LogRank::new())?.p_value();
    let tdc = TdcSplit::new(time, event, switch)?;
    let fit = tdc.cox("abscopal_benefit", None, &CoxPh::new())?;
    let td_hr = fit.hazard_ratios()[0];
    let td_p = fit.score_test().p_value();
    let curves = if curves {
        let km = KaplanMeier::new();
        let pair = |fits: Vec<oncostat::SurvivalCurve>,
                    what: &str|
         -> oncostat::Result<[oncostat::plots::StepCurve; 2]> {
            match fits.as_slice() {
                [no, yes] => Ok([
                    oncostat::plots::StepCurve::from_km(yes).with_label("AB"),
                    oncostat::plots::StepCurve::from_km(no).with_label("no AB"),
                ]),
                _ => Err(oncostat::Error::TooFewObservations {
                    what: if what == "lm" {
                        "a landmark comparison (both groups must be present)"
                    } else {
                        "Simon-Makuch curves (both states must be present)"
                    },
                    needed: 2,
                    found: fits.len(),
                }),
            }
        };
        Some([
            pair(lm.kaplan_meier(&km)?, "lm")?,
            pair(tdc.simon_makuch(&km)?, "sm")?,
        ])
    } else {
        None
    };
    Ok(GuaranteeTime {
        naive_p,
        landmark_p,
        landmark_n: lm.n_kept(),
        td_hr,
        td_p,
        curves,
    })
}

/// The abscopal classification of one patient.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AbStatus {
    /// Abscopal benefit; `None` when not evaluable or without lesion rows.
    pub benefit: Option<bool>,
    /// Day the benefit was first seen (the first NIL visit with iCR/iPR, or iSD after the
    /// minimum SD duration); `None` without benefit.
    pub switch_day: Option<f64>,
    /// At least one evaluable restaging of the non-irradiated lesions (AB was assessed;
    /// early deaths have none).
    pub assessed: bool,
}

/// The abscopal classification per patient (same order as `patients`).
///
/// # Errors
/// Invalid lesion data (named patient, lesion and day).
pub fn derive_benefit(
    patients: &[Patient],
    lesions: &[LesionRecord],
    rules: &IrecistRules,
) -> oncostat::Result<Vec<AbStatus>> {
    let timelines = timelines_from_records(lesions)?;
    let mut by_id: HashMap<&str, AbStatus> = HashMap::with_capacity(timelines.len());
    for t in &timelines {
        let a = assess_abscopal(t, rules)?;
        let benefit = a.benefit();
        let visits = a.nil_assessment().map_or(&[][..], |n| n.visits());
        let switch_day = (benefit == Some(true))
            .then(|| {
                visits
                    .iter()
                    .find(|v| match v.response() {
                        Response::CompleteResponse | Response::PartialResponse => true,
                        Response::StableDisease | Response::NonCompleteNonProgression => {
                            v.day() >= rules.min_sd_days
                        }
                        _ => false,
                    })
                    .map(|v| f64::from(v.day()))
            })
            .flatten();
        by_id.insert(
            t.patient(),
            AbStatus {
                benefit,
                switch_day,
                assessed: visits
                    .iter()
                    .any(|v| !matches!(v.response(), Response::Baseline | Response::NotEvaluable)),
            },
        );
    }
    Ok(patients
        .iter()
        .map(|p| {
            by_id.get(p.id.as_str()).copied().unwrap_or(AbStatus {
                benefit: None,
                switch_day: None,
                assessed: false,
            })
        })
        .collect())
}

/// PFS (months, event) per patient derived from the lesions (whole-body assessment, every
/// lesion) with `PatientEndpoints`, `[iRECIST, RECIST 1.1]` (RECIST 1.1 is the
/// sensitivity analysis): `EndpointRules` defaults (FDA censoring conventions; an iUPD
/// never confirmed counts as progression) with the 56-day assessment interval; the last
/// contact and death are the OS time. A patient without lesion rows keeps the PFS of the
/// patient file.
///
/// # Errors
/// Invalid lesion data, or a death before an assessment (named patient).
pub fn derive_pfs(
    patients: &[Patient],
    lesions: &[LesionRecord],
) -> oncostat::Result<Vec<Derived>> {
    let timelines = timelines_from_records(lesions)?;
    let index: HashMap<&str, usize> = timelines
        .iter()
        .enumerate()
        .map(|(i, t)| (t.patient(), i))
        .collect();
    let rules = [Criteria::Irecist, Criteria::Recist].map(|c| {
        EndpointRules::new()
            .criteria(c)
            .interval_days(crate::simulate::SCAN_INTERVAL_DAYS)
    });
    let irecist = IrecistRules::default();
    patients
        .iter()
        .map(|p| {
            let Some(&i) = index.get(p.id.as_str()) else {
                return Ok(Derived {
                    pfs: [(p.pfs_months, p.pfs_event); 2],
                    response: None,
                });
            };
            let t = &timelines[i];
            let last = p.os_months * DAYS_PER_MONTH;
            let dates = if p.os_event {
                PatientDates::new(last).death(last)
            } else {
                PatientDates::new(last)
            };
            let a = assess(t, &irecist)?;
            let mut out = Derived {
                pfs: [(0.0, false); 2],
                response: None,
            };
            for (k, r) in rules.iter().enumerate() {
                let e = PatientEndpoints::derive_for(&p.id, &a, Some(t), &dates, r)?;
                let pfs = e.pfs();
                out.pfs[k] = (round2((pfs.time / DAYS_PER_MONTH).max(0.01)), pfs.event);
                if k == 0 {
                    out.response = Some((e.is_responder(), e.has_disease_control()));
                }
            }
            Ok(out)
        })
        .collect()
}

/// What the endpoints module derives from one patient's lesions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Derived {
    /// PFS (months, event): iRECIST, RECIST 1.1.
    pub pfs: [(f64, bool); 2],
    /// Whole-body iRECIST best overall response: (responder iCR/iPR, disease control
    /// iCR/iPR/iSD); `None` without lesion rows.
    pub response: Option<(bool, bool)>,
}

/// Rounded to 0.01 (months, as the patient file writes them).
fn round2(x: f64) -> f64 {
    crate::model::round_to(x, 2)
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
    let status = derive_benefit(patients, lesions, &IrecistRules::default())?;
    let benefit: Vec<Option<bool>> = status.iter().map(|s| s.benefit).collect();
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

    // RECIST 1.1 PFS (sensitivity analysis), from the lesions.
    let derived: Vec<Derived> = match sel.iter().map(|p| p.derived).collect::<Option<Vec<_>>>() {
        Some(v) => v,
        None => {
            let owned: Vec<Patient> = sel.iter().map(|&p| p.clone()).collect();
            derive_pfs(&owned, lesions)?
        }
    };
    let recist: Vec<(f64, bool)> = derived.iter().map(|d| d.pfs[1]).collect();
    let assessed_response: Vec<(bool, bool)> = derived.iter().filter_map(|d| d.response).collect();
    let count =
        |f: fn(&(bool, bool)) -> bool| assessed_response.iter().filter(|r| f(r)).count() as u64;
    let n_response = assessed_response.len() as u64;
    let orr = (n_response > 0)
        .then(|| oncostat::endpoints::ResponseRate::new(count(|r| r.0), n_response))
        .transpose()?;
    let dcr = (n_response > 0)
        .then(|| oncostat::endpoints::ResponseRate::new(count(|r| r.1), n_response))
        .transpose()?;
    let n_ab = ab.iter().filter(|&&b| b).count() as u64;
    let ab_rate_ci =
        oncostat::endpoints::ResponseRate::new(n_ab, n_evaluable as u64)?.clopper_pearson();
    let pfs_recist = SurvivalData::new(
        recist.iter().map(|r| r.0).collect(),
        recist.iter().map(|r| r.1).collect(),
    )?;
    let pfs_recist_by_ab = compare(&pfs_recist, &ab, false, ("AB", "no AB"))?;

    // Survival by AB without guarantee-time bias.
    let switch: Vec<Option<f64>> = rows
        .iter()
        .map(|&i| status[i].switch_day.map(|d| d / DAYS_PER_MONTH))
        .collect();
    let guarantee = guarantee_time(&os, &switch, os_by_ab.p, curves)?;

    // Determinants of AB: the patients whose AB was assessed (a restaging scan).
    let assessed: Vec<usize> = (0..sel.len())
        .filter(|&i| status[rows[i]].assessed)
        .collect();
    let logit_sel: Vec<&Patient> = assessed.iter().map(|&i| sel[i]).collect();
    let logit_ab: Vec<bool> = assessed.iter().map(|&i| ab[i]).collect();
    let n_logistic = logit_sel.len();
    let [or_age, or_interval, or_dose, or_volume] = firth_ors(&logit_sel, &logit_ab)?;
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
    let cox_switch: Vec<Option<f64>> = cox_rows.iter().map(|&i| switch[i]).collect();
    let cox_sel: Vec<&Patient> = cox_rows.iter().map(|&i| sel[i]).collect();
    let cox_os = SurvivalData::new(
        cox_sel.iter().map(|p| p.os_months).collect(),
        cox_sel.iter().map(|p| p.os_event).collect(),
    )?;
    let [hr_bmi25, hr_crp5] = cox_hrs(&cox_os, &cox_sel, &cox_switch, &pick(&uhf))?;
    let hr_marginal = cox_bmi_crp_only(&cox_os, &cox_sel)?;
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
        hr_marginal,
        excluded,
        cox_n: cox_sel.len(),
        cox_events,
        cox_excluded,
        n_logistic,
        pfs_recist_by_ab,
        guarantee,
        orr,
        dcr,
        ab_rate_ci,
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
        counts: [(fit_a.n(), fit_a.n_events()), (fit_b.n(), fit_b.n_events())],
        median_ci: [fit_a.median_ci(), fit_b.median_ci()],
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

/// The Cox model `OS ~ BMI>=25 + CRP>=5` (the abstract's model may have had these two only).
fn cox_bmi_crp_only(os: &SurvivalData, sel: &[&Patient]) -> oncostat::Result<[Ratio; 2]> {
    let flag = |f: fn(&Patient) -> Option<bool>| -> Vec<f64> {
        sel.iter()
            .map(|p| f64::from(u8::from(f(p) == Some(true))))
            .collect()
    };
    let x = Design::from_columns([
        ("bmi_ge_25", flag(|p| p.covariates.bmi25())),
        ("crp_ge_5", flag(|p| p.covariates.crp5())),
    ])?;
    let fit = CoxPh::new().fit(os, &x)?;
    ratios_of(&fit, [0, 1])
}

/// The HR, Wald CI, p and SE of coefficients `k` of a Cox fit.
fn ratios_of(fit: &oncostat::CoxFit, k: [usize; 2]) -> oncostat::Result<[Ratio; 2]> {
    let hr = fit.hazard_ratios();
    let ci = fit.conf_int(LEVEL)?;
    let p = fit.p_values();
    let se = fit.std_errors();
    // `conf_int` is on the coefficient (log hazard ratio) scale
    Ok(k.map(|j| Ratio {
        estimate: hr[j],
        lower: ci[j].0.exp(),
        upper: ci[j].1.exp(),
        p: p[j],
        se: se[j],
    }))
}

fn cox_hrs(
    os: &SurvivalData,
    sel: &[&Patient],
    switch: &[Option<f64>],
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
        ("ultrahypofractionated", to_f64(uhf)),
    ])?;
    // AB enters as a time-dependent covariate (from the day it was seen): as a baseline
    // covariate it would carry the guarantee time and bias the other coefficients.
    let tdc = TdcSplit::new(os.time(), os.event(), switch)?;
    let fit = tdc.cox("abscopal_benefit", Some(&x), &CoxPh::new())?;
    // coefficients: abscopal_benefit (time-dependent), bmi_ge_25, crp_ge_5, UHF
    ratios_of(&fit, [1, 2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;
    use crate::simulate::simulate;

    /// The lesion trajectories are built so that iRECIST reproduces the latent class for
    /// the patients seen on two restaging scans (measurement error, NE scans and
    /// pseudo-progression aside, rarely); early deaths have no benefit.
    #[test]
    fn derived_benefit_follows_the_latent_class() -> oncostat::Result<()> {
        let model = Model::calibrate(false);
        let (cohort, records) = simulate(&model, 3000, 11);
        let status = derive_benefit(&cohort.patients, &records, &IrecistRules::default())?;
        let (mut seen, mut differ) = (0, 0);
        for (p, s) in cohort.patients.iter().zip(&status) {
            let latent = p.latent.map(|l| l.benefit());
            if !s.assessed {
                // early deaths (and deaths after a not-evaluable first restaging)
                assert_eq!(s.benefit, Some(false), "{}", p.id);
                continue;
            }
            seen += 1;
            differ += usize::from(s.benefit != latent);
            if s.benefit == Some(true) {
                assert!(s.switch_day.is_some(), "{}", p.id);
            }
        }
        assert!(seen > 2500, "{seen}");
        assert!((differ as f64) < 0.01 * seen as f64, "{differ} of {seen}");
        Ok(())
    }
}
