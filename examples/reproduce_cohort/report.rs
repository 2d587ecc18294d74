//! The side-by-side report (text) and the `--json` object.
//!
//! JSON shape (issue 5):
//! ```text
//! {"cohort": {"n", "seed", "simulated"},
//!  "findings": [{"id", "paper": {...}, "reproduced": {...}, "replicates": {...}}]}
//! ```
//! * ratio findings (`or_*`, `hr_*`): `reproduced = {estimate, lower, upper, p}`,
//!   `replicates = {n, mean_estimate, coverage, power, mean_se, paper_se}`: `mean_se` is the
//!   arithmetic mean over the replicates of the standard error of the log OR / log HR,
//!   `paper_se` the standard error the paper's 95% CI implies, `ln(upper / lower) / 3.92`
//!   (`null` where the paper reports no CI); `mean_ci_asymmetry` the mean over the
//!   replicates of `ln(upper / estimate) / ln(estimate / lower)` (1 = symmetric on the log
//!   scale, as every Wald CI), `paper_ci_asymmetry` the same for the paper's CI;
//! * `ab_rate`: `reproduced = {estimate}`, `replicates = {n, mean_estimate}`;
//! * survival comparisons (`os_by_ab`, `pfs_by_ab`, `os_by_fractionation`):
//!   `reproduced = {median_a, median_b, p}` (a = AB or ultrahypofractionated),
//!   `replicates = {n, mean_median_a, mean_median_b, power}`.
//!
//! With `--replicates R` the object also has `estimands: {hr_bmi25, hr_crp5: {adjusted,
//! bmi_crp_only: {true_value, n, mean_estimate, coverage, mean_se}}}`: the two Cox
//! estimands (adjusted for AB and fractionation: the generative conditional HRs; BMI and CRP
//! only: the marginal HRs of `Model::marginal_truth`), each with coverage against its own
//! true value. Ratio and comparison `replicates` carry `power_p01` (p < 0.01) beside `power`.
//!
//! With `--power-curve R` the object also has `power_curve: [{n, replicates, failed, power:
//! {id: {p05, p01}}}]` (one entry per cohort size; ids as the findings).
//!
//! With `--null-ab --replicates R` the object also has `guarantee_time: {naive: {rejection_rate},
//! landmark: {rejection_rate}, time_dependent: {rejection_rate}}`: the share of the cohorts
//! with p < 0.05 for the effect of AB on OS (naive log-rank from radiotherapy; log-rank at
//! the landmark; score test of the time-dependent Cox model), with no true effect.
//!
//! `paper` holds the published numbers with the same keys as `reproduced` (`null` where the
//! abstract gives none; `p_below` where it only says "p < 0.01"). Without `--replicates`,
//! `replicates.n` is 0 and its other values are `null`. A median never reached is `null`.

use serde_json::{Value, json};

use crate::analysis::{CohortAnalysis, Comparison, Ratio};
use crate::model::Model;
use crate::replicates::{Summary, comparisons, ratios};

/// Ids of the ratio findings, in `Summary::ratios` order.
pub const RATIO_IDS: [&str; 6] = [
    "or_age",
    "or_ici_rt_interval",
    "or_dose",
    "or_volume",
    "hr_bmi25",
    "hr_crp5",
];

/// Ids of the survival comparisons, in `Summary::comparisons` order.
pub const COMPARISON_IDS: [&str; 3] = ["os_by_ab", "pfs_by_ab", "os_by_fractionation"];

/// Paper's ratio findings: (estimate, lower, upper, p); `None` = "no association" only.
const PAPER_RATIOS: [Option<(f64, f64, f64, f64)>; 6] = [
    Some((0.951, 0.903, 0.995, 0.039)),
    Some((1.077, 1.019, 1.171, 0.027)),
    None,
    None,
    Some((3.348, 1.557, 7.202, 0.002)),
    Some((3.058, 1.211, 7.724, 0.016)),
];

/// Paper's comparisons: (median a, median b, p or the bound of "p < bound", is-bound).
const PAPER_COMPARISONS: [(f64, f64, f64, bool); 3] = [
    (18.0, 8.0, 0.01, true),
    (7.0, 3.0, 0.01, true),
    (21.0, 11.0, 0.024, false),
];

/// Paper's AB rate and cohort size.
const PAPER_AB: (f64, usize) = (0.613, 142);

/// The standard error of the log ratio that a 95% CI `(lower, upper)` on the ratio scale
/// implies: `ln(upper / lower) / (2 · 1.96)`.
pub fn implied_se(lower: f64, upper: f64) -> f64 {
    (upper / lower).ln() / 3.92
}

/// The paper's implied standard error of finding `k` (`None` without a published CI).
pub fn paper_se(k: usize) -> Option<f64> {
    PAPER_RATIOS[k].map(|(_, l, u, _)| implied_se(l, u))
}

/// The asymmetry of the paper's CI of finding `k` on the log scale (`None` without a CI).
pub fn paper_asymmetry(k: usize) -> Option<f64> {
    PAPER_RATIOS[k].map(|(e, l, u, _)| crate::replicates::ci_asymmetry(e, l, u))
}

/// Row labels for the text report.
const RATIO_LABELS: [&str; 6] = [
    "OR age (per year)",
    "OR ICI-RT interval (per month)",
    "OR dose (per Gy EQD2)",
    "OR volume (per cc)",
    "HR BMI >= 25",
    "HR CRP >= 5 mg/l",
];
const COMPARISON_LABELS: [&str; 3] = [
    "median OS, AB vs no AB",
    "median PFS, AB vs no AB",
    "median OS, UHF vs other",
];

fn num(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

fn opt(x: Option<f64>) -> Value {
    x.map_or(Value::Null, num)
}

/// Describes the cohort for the JSON object and the report header.
#[derive(Debug, Clone)]
pub struct CohortInfo {
    /// Patients (for files: the complete patient rows).
    pub n: usize,
    /// Seed (`None` for real data).
    pub seed: Option<u64>,
    /// Simulated or read from files.
    pub simulated: bool,
    /// The patient and lesion files the user's data were read from (`None` when simulated).
    pub files: Option<(String, String)>,
    /// Patient rows excluded while reading (missing values), by id with the reason.
    pub excluded: Vec<crate::io::Excluded>,
    /// Simulated with no true effect of AB on OS (`--null-ab`).
    pub null_ab: bool,
    /// The power curve (`--power-curve`): a summary per cohort size.
    pub power: Option<Vec<(usize, Summary)>>,
}

/// The findings of the power table: (id, label, ratio index or comparison index).
pub const POWER_FINDINGS: [(&str, &str, PowerOf); 7] = [
    ("or_age", "OR age", PowerOf::Ratio(0)),
    ("or_ici_rt_interval", "OR interval", PowerOf::Ratio(1)),
    ("hr_bmi25", "HR BMI>=25", PowerOf::Ratio(4)),
    ("hr_crp5", "HR CRP>=5", PowerOf::Ratio(5)),
    ("os_by_ab", "OS by AB (naive)", PowerOf::Comparison(0)),
    ("pfs_by_ab", "PFS by AB", PowerOf::Comparison(1)),
    (
        "os_by_fractionation",
        "OS by fract.",
        PowerOf::Comparison(2),
    ),
];

/// Where a power-table row reads its power.
#[derive(Clone, Copy)]
pub enum PowerOf {
    /// A ratio finding (index into `Summary::ratios`).
    Ratio(usize),
    /// A survival comparison (index into `Summary::comparisons`).
    Comparison(usize),
}

/// Power at p < 0.05 and p < 0.01 of one finding.
pub fn power_of(s: &Summary, of: PowerOf) -> (f64, f64) {
    match of {
        PowerOf::Ratio(k) => (s.ratios[k].power, s.ratios[k].power_01),
        PowerOf::Comparison(k) => (s.comparisons[k].power, s.comparisons[k].power_01),
    }
}

/// The number of cohorts the power of one finding is a share of.
pub fn power_denominator(s: &Summary, of: PowerOf) -> usize {
    match of {
        PowerOf::Ratio(k) => s.ratios[k].n,
        PowerOf::Comparison(k) => s.comparisons[k].n,
    }
}

/// The power table: power at p < 0.05 / p < 0.01 per finding and cohort size.
fn power_table(rows: &[(usize, Summary)]) -> String {
    let mut out = String::from(
        "\nPower curve for planning (share of simulated cohorts with p < 0.05 / p < 0.01 in \
         the paper's direction):\n",
    );
    out.push_str(&format!("{:<20}", "finding"));
    for (n, s) in rows {
        out.push_str(&format!(" {:>13}", format!("n={n} ({})", s.requested)));
    }
    out.push('\n');
    for (_, label, of) in POWER_FINDINGS {
        out.push_str(&format!("{label:<20}"));
        for (_, s) in rows {
            let (p05, p01) = power_of(s, of);
            out.push_str(&format!(" {:>13}", format!("{p05:.2} / {p01:.2}")));
        }
        out.push('\n');
    }
    out
}

/// The `--json` object.
pub fn json(info: &CohortInfo, a: &CohortAnalysis, reps: Option<&Summary>) -> Value {
    let mut findings = Vec::with_capacity(10);
    findings.push(json!({
        "id": "ab_rate",
        "paper": {"estimate": PAPER_AB.0, "n": PAPER_AB.1},
        "reproduced": {"estimate": num(a.ab_rate)},
        "replicates": match reps {
            Some(s) if s.ab_rate_n > 0 => json!({"n": s.ab_rate_n, "mean_estimate": num(s.ab_rate_mean)}),
            _ => json!({"n": 0, "mean_estimate": null}),
        },
    }));
    let comps = comparisons(a);
    for k in [0, 1] {
        findings.push(comparison_json(k, comps[k], reps));
    }
    let rs = ratios(a);
    for (k, r) in rs.iter().enumerate() {
        findings.push(ratio_json(k, r, reps));
    }
    findings.push(comparison_json(2, comps[2], reps));
    let mut out = json!({
        "cohort": {"n": info.n, "seed": info.seed, "simulated": info.simulated},
        "findings": findings,
    });
    if let Some(s) = reps {
        let estimand = |r: &crate::replicates::RatioSummary, truth: f64| {
            json!({"true_value": num(truth), "n": r.n, "mean_estimate": num(r.mean_estimate),
                   "coverage": num(r.coverage), "mean_se": num(r.mean_se)})
        };
        let mut e = serde_json::Map::new();
        for (k, id) in [(4usize, "hr_bmi25"), (5, "hr_crp5")] {
            e.insert(
                id.to_owned(),
                json!({
                    "adjusted": estimand(&s.ratios[k], crate::replicates::TRUE_RATIOS[k]),
                    "bmi_crp_only": estimand(&s.marginal[k - 4], s.marginal_truth[k - 4]),
                }),
            );
        }
        out["estimands"] = Value::Object(e);
    }
    if let Some(rows) = &info.power {
        out["power_curve"] = Value::Array(
            rows.iter()
                .map(|(n, s)| {
                    let mut power = serde_json::Map::new();
                    for (id, _, of) in POWER_FINDINGS {
                        let (p05, p01) = power_of(s, of);
                        power.insert(id.to_owned(), json!({"p05": num(p05), "p01": num(p01)}));
                    }
                    json!({"n": n, "replicates": s.requested, "failed": s.failed,
                           "power": Value::Object(power)})
                })
                .collect(),
        );
    }
    if let (true, Some(s)) = (info.null_ab, reps) {
        let [naive, landmark, td] = s.guarantee_rejection;
        out["guarantee_time"] = json!({
            "naive": {"rejection_rate": num(naive)},
            "landmark": {"rejection_rate": num(landmark)},
            "time_dependent": {"rejection_rate": num(td)},
        });
    }
    out
}

fn comparison_json(k: usize, c: &Comparison, reps: Option<&Summary>) -> Value {
    let (ma, mb, p, bound) = PAPER_COMPARISONS[k];
    let paper = if bound {
        json!({"median_a": ma, "median_b": mb, "p": null, "p_below": p})
    } else {
        json!({"median_a": ma, "median_b": mb, "p": p})
    };
    let replicates = match reps {
        Some(s) if s.comparisons[k].n > 0 => {
            let r = s.comparisons[k];
            json!({"n": r.n, "mean_median_a": num(r.mean_median_a),
                   "mean_median_b": num(r.mean_median_b), "power": num(r.power),
                   "power_p01": num(r.power_01)})
        }
        _ => json!({"n": 0, "mean_median_a": null, "mean_median_b": null, "power": null,
                    "power_p01": null}),
    };
    json!({
        "id": COMPARISON_IDS[k],
        "paper": paper,
        "reproduced": {"median_a": opt(c.median_a), "median_b": opt(c.median_b), "p": num(c.p)},
        "replicates": replicates,
    })
}

fn ratio_json(k: usize, r: &Ratio, reps: Option<&Summary>) -> Value {
    let paper = match PAPER_RATIOS[k] {
        Some((e, l, u, p)) => json!({"estimate": e, "lower": l, "upper": u, "p": p}),
        None => {
            json!({"estimate": null, "lower": null, "upper": null, "p": null, "association": false})
        }
    };
    let replicates = match reps {
        Some(s) if s.ratios[k].n > 0 => {
            let r = s.ratios[k];
            json!({"n": r.n, "mean_estimate": num(r.mean_estimate),
                   "coverage": num(r.coverage), "power": num(r.power),
                   "mean_se": num(r.mean_se), "paper_se": opt(paper_se(k)),
                   "mean_ci_asymmetry": num(r.mean_asymmetry),
                   "paper_ci_asymmetry": opt(paper_asymmetry(k)),
                   "power_p01": num(r.power_01)})
        }
        _ => json!({"n": 0, "mean_estimate": null, "coverage": null, "power": null,
                    "power_p01": null,
                    "mean_se": null, "paper_se": opt(paper_se(k)),
                    "mean_ci_asymmetry": null, "paper_ci_asymmetry": opt(paper_asymmetry(k))}),
    };
    json!({
        "id": RATIO_IDS[k],
        "paper": paper,
        "reproduced": {"estimate": num(r.estimate), "lower": num(r.lower),
                       "upper": num(r.upper), "p": num(r.p)},
        "replicates": replicates,
    })
}

/// `"= 0.042"`, `"< 0.001"` or `"= NA"`.
fn fmt_p(p: f64) -> String {
    if !p.is_finite() {
        "= NA".into()
    } else if p < 0.001 {
        "< 0.001".into()
    } else {
        format!("= {p:.3}")
    }
}

fn fmt_median(m: Option<f64>) -> String {
    m.map_or_else(|| "NR".into(), |m| format!("{m:.1}"))
}

/// One line describing the calibrated generative model.
pub fn model_line(m: &Model) -> String {
    format!(
        "generative model: logit intercept {:.3} (latent benefit rate {:.3}), \
         P(ultrahypofractionated) {:.3}, OS Weibull scale {:.1} months shape {}, conditional \
         HRs AB {:.3} UHF {:.3} BMI>=25 {} CRP>=5 {}; progression rate after the first \
         restaging {:.4} (AB) per month\n",
        m.ab_intercept,
        m.p_latent_ab,
        m.p_ultrahypo,
        m.os_scale,
        m.os_shape,
        m.os_beta_ab.exp(),
        m.os_beta_uhf.exp(),
        crate::model::HR_BMI25,
        crate::model::HR_CRP5,
        m.progression_rate_ab,
    )
}

fn fmt_ci(ci: (Option<f64>, Option<f64>)) -> String {
    format!("{}-{}", fmt_median(ci.0), fmt_median(ci.1))
}

fn fmt_rate(r: Option<&oncostat::endpoints::ResponseRate>) -> String {
    r.map_or_else(
        || "NA (no lesion rows)".to_owned(),
        |r| {
            let (lo, hi) = r.clopper_pearson();
            format!(
                "{} of {} = {:.1}% (exact 95% CI {:.1}-{:.1}%)",
                r.x(),
                r.n(),
                100.0 * r.rate(),
                100.0 * lo,
                100.0 * hi
            )
        },
    )
}

/// The clinician's summary of one cohort: patients, events, medians with 95% CIs per group;
/// AB rate, ORR and DCR with exact (Clopper–Pearson) CIs.
fn clinical_summary(a: &CohortAnalysis) -> String {
    let mut out = format!(
        "\nClinical summary (medians in months with 95% CIs; NR = not reached):\n\
         {:<26} {:<22} {:>4} {:>7} {:>22}   {:<22} {:>4} {:>7} {:>22}\n",
        "endpoint",
        "group",
        "n",
        "events",
        "median (95% CI)",
        "group",
        "n",
        "events",
        "median (95% CI)"
    );
    let rows: [(&str, &Comparison, [&str; 2]); 4] = [
        ("OS by AB", &a.os_by_ab, ["AB", "no AB"]),
        ("PFS by AB (iRECIST)", &a.pfs_by_ab, ["AB", "no AB"]),
        (
            "PFS by AB (RECIST 1.1)",
            &a.pfs_recist_by_ab,
            ["AB", "no AB"],
        ),
        (
            "OS by fractionation",
            &a.os_by_fractionation,
            ["ultrahypofractionated", "other"],
        ),
    ];
    for (label, c, groups) in rows {
        let cell = |k: usize, m: Option<f64>| {
            format!(
                "{:<22} {:>4} {:>7} {:>22}",
                groups[k],
                c.counts[k].0,
                c.counts[k].1,
                format!("{} ({})", fmt_median(m), fmt_ci(c.median_ci[k]))
            )
        };
        out.push_str(&format!(
            "{label:<26} {}   {}\n",
            cell(0, c.median_a),
            cell(1, c.median_b)
        ));
    }
    let (lo, hi) = a.ab_rate_ci;
    out.push_str(&format!(
        "abscopal benefit rate: {:.1}% of {} (exact 95% CI {:.1}-{:.1}%)\n\
         objective response (whole-body iRECIST iCR/iPR): {}\n\
         disease control (iCR/iPR/iSD): {}\n",
        100.0 * a.ab_rate,
        a.n_evaluable,
        100.0 * lo,
        100.0 * hi,
        fmt_rate(a.orr.as_ref()),
        fmt_rate(a.dcr.as_ref())
    ));
    out
}

/// OS by AB three ways, PFS by AB under RECIST 1.1, for this cohort and over the replicates.
fn guarantee_text(a: &CohortAnalysis, reps: Option<&Summary>, null_ab: bool) -> String {
    let g = &a.guarantee;
    let mut out = format!(
        "\nOS by abscopal benefit, three ways (guarantee-time bias{}):\n\
         {:<58} {:>12} {}\n",
        if null_ab {
            "; simulated with NO true effect of AB"
        } else {
            ""
        },
        "analysis",
        "this cohort",
        if reps.is_some() {
            "  share p < 0.05 over the replicates"
        } else {
            ""
        }
    );
    let rows = [
        ("naive log-rank from radiotherapy (biased)", g.naive_p),
        (
            "landmark at the first restaging (log-rank from it)",
            g.landmark_p,
        ),
        ("time-dependent Cox, Mantel-Byar score test", g.td_p),
    ];
    for (k, (label, p)) in rows.iter().enumerate() {
        let rep = reps.map_or(String::new(), |s| {
            format!("{:>12.3}", s.guarantee_rejection[k])
        });
        out.push_str(&format!(
            "{label:<58} {:>12} {rep}\n",
            format!("p {}", fmt_p(*p))
        ));
    }
    out.push_str(&format!(
        "landmark {:.2} months: {} patients followed beyond it; time-dependent HR of AB {:.3}\n",
        crate::analysis::landmark_months(),
        g.landmark_n,
        g.td_hr
    ));
    let c = &a.pfs_recist_by_ab;
    out.push_str(&format!(
        "PFS by AB under RECIST 1.1 (sensitivity): median {} vs {}, p {}{}\n",
        fmt_median(c.median_a),
        fmt_median(c.median_b),
        fmt_p(c.p),
        reps.map_or(String::new(), |s| format!(
            "; replicates: mean medians {:.1} vs {:.1}, power {:.3}",
            s.pfs_recist_medians.0, s.pfs_recist_medians.1, s.pfs_recist_power
        ))
    ));
    out
}

/// The two Cox estimands, each against its own true value.
fn estimand_table(s: &Summary) -> String {
    let mut out = format!(
        "\nCox estimands (complete case; coverage of each one's own true value):\n\
         {:<17} {:<40} {:>10} {:>10} {:>9} {:>8}\n",
        "effect", "model", "true HR", "mean HR", "coverage", "mean SE"
    );
    for (k, label) in [(4usize, "HR BMI >= 25"), (5, "HR CRP >= 5")] {
        for (model, r, truth) in [
            (
                "+ AB (time-dependent) + fractionation",
                s.ratios[k],
                crate::replicates::TRUE_RATIOS[k],
            ),
            (
                "BMI and CRP only (marginal)",
                s.marginal[k - 4],
                s.marginal_truth[k - 4],
            ),
        ] {
            out.push_str(&format!(
                "{label:<17} {model:<40} {truth:>10.3} {:>10.3} {:>9.3} {:>8.3}\n",
                r.mean_estimate, r.coverage, r.mean_se
            ));
        }
    }
    out
}

/// Paper vs simulated precision of the four published effects: the SE of the log ratio and
/// the CI asymmetry `ln(upper / estimate) / ln(estimate / lower)`.
fn precision_table(s: &Summary) -> String {
    let mut out = format!(
        "\nPrecision, paper vs simulated (mean over the replicates; SE of the log OR / log HR):\n\
         {:<31} {:>9} {:>9} {:>7}   {:>10} {:>10}\n",
        "effect", "paper SE", "sim. SE", "ratio", "paper asym", "sim. asym"
    );
    for (k, label) in RATIO_LABELS.iter().enumerate() {
        let (Some(se), Some(asym)) = (paper_se(k), paper_asymmetry(k)) else {
            continue;
        };
        let r = s.ratios[k];
        out.push_str(&format!(
            "{:<31} {:>9.4} {:>9.4} {:>7.2}   {:>10.2} {:>10.2}\n",
            label,
            se,
            r.mean_se,
            r.mean_se / se,
            asym,
            r.mean_asymmetry
        ));
    }
    out.push_str(&format!(
        "Cox model (complete case, BMI and CRP recorded): mean {:.1} patients, {:.1} deaths.\n",
        s.cox_n_mean, s.cox_events_mean
    ));
    out.push_str(&centring_table(s));
    out
}

/// Paper vs simulated estimates of the published effects and of the AB rate: the mean over
/// the replicates (geometric for the ratios), its ratio to the paper's value, and the
/// generative value (which differs from the paper's where the derivation of AB attenuates
/// the ORs or the Cox estimate is biased upwards in cohorts of this size; `model.rs`).
fn centring_table(s: &Summary) -> String {
    let mut out = format!(
        "\nEstimates, paper vs simulated (mean over the replicates; ratios: geometric mean):\n\
         {:<31} {:>9} {:>9} {:>10} {:>10}\n",
        "effect", "paper", "sim. mean", "mean/paper", "generative"
    );
    // the AB rate is derived from the lesions: its generative value is a latent rate
    out.push_str(&format!(
        "{:<31} {:>9.3} {:>9.3} {:>10.3} {:>10}\n",
        "abscopal benefit rate (derived)",
        PAPER_AB.0,
        s.ab_rate_mean,
        s.ab_rate_mean / PAPER_AB.0,
        "-"
    ));
    for (k, label) in RATIO_LABELS.iter().enumerate() {
        let Some((paper, ..)) = PAPER_RATIOS[k] else {
            continue;
        };
        let r = s.ratios[k];
        out.push_str(&format!(
            "{:<31} {:>9.3} {:>9.3} {:>10.3} {:>10.4}\n",
            label,
            paper,
            r.mean_estimate,
            r.mean_estimate / paper,
            crate::replicates::TRUE_RATIOS[k]
        ));
    }
    out
}

/// The human-readable report.
pub fn text(
    info: &CohortInfo,
    model: Option<&Model>,
    a: &CohortAnalysis,
    reps: Option<&Summary>,
) -> String {
    let mut out = String::new();
    match (&info.files, info.seed) {
        (None, Some(seed)) => out.push_str(&format!(
            "Trommer et al. 2026 (OncoImmunology 15:2610529) reproduced: simulated cohort, \
             seed {seed}, n = {}\n",
            info.n
        )),
        (files, _) => {
            let excluded: Vec<&crate::io::Excluded> =
                info.excluded.iter().chain(&a.excluded).collect();
            let source = files
                .as_ref()
                .map_or_else(|| "files".to_owned(), |(p, l)| format!("{p} and {l}"));
            out.push_str(&format!(
                "Your data ({source}): {} patients, {} excluded, {} analysed\n",
                info.n + info.excluded.len(),
                excluded.len(),
                a.n_evaluable
            ));
            if !excluded.is_empty() {
                out.push_str("excluded patients:\n");
                for e in excluded {
                    out.push_str(&format!("  {}: {}\n", e.id, e.reason));
                }
            }
        }
    }
    if let Some(m) = model {
        out.push_str(&model_line(m));
    }
    out.push_str(&format!(
        "Cox model (complete case: BMI and CRP recorded): {} patients, {} deaths; {} left out\n",
        a.cox_n,
        a.cox_events,
        a.cox_excluded.len()
    ));
    if !info.simulated && !a.cox_excluded.is_empty() {
        out.push_str("left out of the Cox model only:\n");
        for e in &a.cox_excluded {
            out.push_str(&format!("  {}: {}\n", e.id, e.reason));
        }
    }
    out.push_str(&format!(
        "patients with evaluable abscopal classification: {}{}\n\n",
        a.n_evaluable,
        if info.simulated {
            format!(
                " (derived AB differs from the latent class in {})",
                a.misclassified
            )
        } else {
            String::new()
        }
    ));
    let rep_header = if reps.is_some() {
        format!("{:>14} {:>9} {:>7}", "replicate mean", "coverage", "power")
    } else {
        String::new()
    };
    out.push_str(&format!(
        "{:<31} {:<32} {:<32} {}\n",
        "finding", "paper", "this cohort", rep_header
    ));
    out.push_str(&format!(
        "{}\n",
        "-".repeat(if reps.is_some() { 128 } else { 97 })
    ));
    let rep_ab = reps.map_or(String::new(), |s| format!("{:>14.3}", s.ab_rate_mean));
    out.push_str(&format!(
        "{:<31} {:<32} {:<32} {rep_ab}\n",
        "abscopal benefit rate",
        format!("{:.1}% of {}", 100.0 * PAPER_AB.0, PAPER_AB.1),
        format!("{:.1}% of {}", 100.0 * a.ab_rate, a.n_evaluable),
    ));
    let comps = comparisons(a);
    for k in 0..3 {
        let (ma, mb, p, bound) = PAPER_COMPARISONS[k];
        let paper = format!(
            "{ma:.0} vs {mb:.0}, p {}",
            if bound {
                format!("< {p}")
            } else {
                format!("= {p}")
            }
        );
        let c = comps[k];
        let this = format!(
            "{} vs {}, p {}",
            fmt_median(c.median_a),
            fmt_median(c.median_b),
            fmt_p(c.p)
        );
        let rep = reps.map_or(String::new(), |s| {
            let r = s.comparisons[k];
            format!(
                "{:>14} {:>9} {:>7.3}",
                format!("{:.1} vs {:.1}", r.mean_median_a, r.mean_median_b),
                "",
                r.power
            )
        });
        out.push_str(&format!(
            "{:<31} {:<32} {:<32} {rep}\n",
            COMPARISON_LABELS[k], paper, this
        ));
    }
    let rs = ratios(a);
    for k in 0..6 {
        let paper = match PAPER_RATIOS[k] {
            Some((e, l, u, p)) => format!("{e:.3} ({l:.3}-{u:.3}) p = {p}"),
            None => "no association".into(),
        };
        let r = rs[k];
        let this = format!(
            "{:.3} ({:.3}-{:.3}) p {}",
            r.estimate,
            r.lower,
            r.upper,
            fmt_p(r.p)
        );
        let rep = reps.map_or(String::new(), |s| {
            let r = s.ratios[k];
            format!(
                "{:>14.3} {:>9.3} {:>7.3}",
                r.mean_estimate, r.coverage, r.power
            )
        });
        out.push_str(&format!(
            "{:<31} {:<32} {:<32} {rep}\n",
            RATIO_LABELS[k], paper, this
        ));
    }
    if !info.simulated {
        out.push_str(
            "(the paper column shows the published seed-cohort results, for comparison)\n",
        );
    }
    out.push_str(&clinical_summary(a));
    out.push_str(&guarantee_text(a, reps, info.null_ab));
    if let Some(s) = reps {
        out.push_str(&format!(
            "\n{} replicates of n = {} in {:.2} s ({} failed; {} with any patient's derived AB \
             differing from the latent class).\n\
             Replicate means: AB rate arithmetic, medians arithmetic (where reached), ratios \
             geometric. Coverage: share of 95% CIs containing the generative value (ORs {}, \
             {}, 1, 1; conditional HRs {}, {}). Power: share with p < 0.05 in the \
             paper's direction (for dose and volume, whose true OR is 1: the type I error).\n",
            s.requested,
            info.n,
            s.seconds,
            s.failed,
            s.misclassified_cohorts,
            crate::model::OR_AGE,
            crate::model::OR_INTERVAL,
            crate::model::HR_BMI25,
            crate::model::HR_CRP5,
        ));
        out.push_str(&precision_table(s));
        out.push_str(&estimand_table(s));
    }
    if let Some(rows) = &info.power {
        out.push_str(&power_table(rows));
    }
    out.push_str(
        "\nMethods: AB = iRECIST best response of the non-irradiated lesions iCR/iPR (response) \
         or iSD >= 42 days (control); a patient who died before an evaluable restaging has no \
         benefit (survival analyses) and is left out of the Firth model (AB never assessed); \
         PFS from the lesions (iRECIST whole-body, FDA censoring conventions; RECIST 1.1 as \
         sensitivity). Kaplan-Meier medians, log-rank p (naive: groups fixed at radiotherapy); \
         landmark at the first restaging; time-dependent Cox (Mantel-Byar score test). Firth \
         logistic AB ~ age + interval + dose + volume (profile penalized-likelihood CI, \
         penalized LR p); Cox OS ~ BMI>=25 + CRP>=5 + AB (time-dependent) + \
         ultrahypofractionated (Efron, Wald CI and p), complete case.\n",
    );
    out
}
