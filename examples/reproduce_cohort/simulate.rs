//! Simulated patients: covariates, latent class, scans on a schedule, lesion measurements with
//! measurement error, OS; PFS is derived from the simulated lesions by the crate's endpoints
//! module.
//!
//! # Lesions
//! Every patient has one irradiated target lesion (baseline 25–70 mm; it shrinks to 30–70 %
//! of its size by the first restaging and stays there), 1–3 non-irradiated target lesions
//! (NIL; 30 % / 40 % / 30 %; non-nodal 12–50 mm longest diameter or, with probability 0.25,
//! a lymph node of 16–35 mm short axis; at most 2 targets per organ, all nodes one organ)
//! and, with probability 0.4, a non-irradiated non-target bone lesion ("present"
//! throughout).
//!
//! # Scans (follow-up)
//! Baseline (day 0, the pre-radiotherapy scan); first restaging on a day drawn uniformly in
//! [70, 112] (10–16 weeks after radiotherapy, `FIRST_SCAN_DAYS`); then every 56 days ± up to
//! 7 (uniform). A scan happens only while the patient is alive and followed (a scan day at
//! least one day before death and not after the last contact: **no scans after death**),
//! and scanning stops after the scan that confirms whole-body progression (iCPD by the
//! simulation's own check of the designed path) — no scans after confirmed progression.
//! With probability 0.05 a restaging scan is not evaluable (every lesion `NE`).
//!
//! **Early deaths.** A patient who dies (or is lost) before the first restaging has only the
//! baseline scan. iRECIST gives such a patient no best response, so
//! `assess_abscopal` classifies no abscopal benefit; the survival analyses by AB count
//! them as *no benefit* (as a clinical series would; this is what creates the guarantee-time
//! bias of the naive analysis). The Firth model of the determinants of AB leaves them out
//! (their AB was never assessed; see `analysis.rs`).
//!
//! # Measurements
//! A lesion's size at a restaging scan is its true size (baseline size × the path factor
//! below) plus measurement error `Normal(0, 0.5 mm + 3 % of the size)`, rounded to 0.1 mm
//! (at least 0). The NIL factors follow the latent class with margins wide enough that the
//! error rarely changes the class:
//! ```text
//! responder   f_1 ~ U(0.30, 0.60)  (≥ 40 % shrinkage: iPR; threshold 30 %), then
//!             f_j = f_{j-1} · U(0.85, 1.00)
//!   pseudo-progression (10 % of responders): f_1 ~ max(U(1.25, 1.45), 1 + 8 mm / B) (iUPD),
//!             f_2 ~ U(0.30, 0.60) (the iUPD is not confirmed: reset, iPR), then as above
//! controller  f_j ~ U(0.88, 1.08)  (neither −30 % nor +20 %: iSD, first restaging ≥ 42 days)
//! no benefit  f_1 = max(U(1.30, 1.70), 1 + 8 mm / B)   (≥ +20 % and ≥ +5 mm: iUPD)
//!             f_j = max(f_{j-1} · U(1.15, 1.35), f_{j-1} + 6 mm / B)   (iCPD)
//! ```
//! (B = NIL baseline sum.) **Progression.** A benefit patient progresses at the first scan
//! after `T_p = first restaging + Exponential(rate λ_AB)` (λ_AB in `model.rs`): the NIL grow
//! to 1.3–1.5 × their nadir and a new 10–20 mm liver lesion appears (whole-body iUPD), which
//! grows by 20–40 % at the next scan (iCPD). A no-benefit patient shows a new lesion at the
//! first restaging with probability `P_NEW_LESION_NO_AB`, otherwise at the second; with the
//! growing NIL this is whole-body iUPD, confirmed at the next scan. The irradiated lesion's
//! shrinkage can hide the NIL growth in the whole-body sum: whole-body progression is what
//! iRECIST finds in the measurements, not a latent date.
//!
//! PFS is then derived from the lesions with `oncostat::endpoints::PatientEndpoints`
//! (iRECIST whole-body assessment, FDA censoring conventions, `EndpointRules` defaults with a
//! 56-day assessment interval; see `analysis::derive_pfs`) and written to the patient file.

use oncostat::irecist::LesionRecord;

use crate::model::{Covariates, DAYS_PER_MONTH, MIN_FOLLOW_UP_MONTHS, Model, round_to};
use crate::rng::Rng;

/// Window of the first restaging scan (days after the baseline scan).
pub const FIRST_SCAN_DAYS: (f64, f64) = (42.0, 70.0);
/// Days between later restaging scans.
pub const SCAN_INTERVAL_DAYS: f64 = 56.0;
/// Largest deviation of a later scan from its scheduled day.
pub const SCAN_JITTER_DAYS: f64 = 7.0;
/// Probability that a restaging scan is not evaluable.
pub const P_SCAN_NE: f64 = 0.05;
/// Share of responders with pseudo-progression at the first restaging.
pub const P_PSEUDO_PROGRESSION: f64 = 0.10;
/// Probability that a no-benefit patient shows a new lesion at the first restaging.
pub const P_NEW_LESION_NO_AB: f64 = 0.05;
/// Measurement error SD: a constant (mm) plus a share of the size.
pub const MEASUREMENT_SD: (f64, f64) = (0.5, 0.03);
/// At most this many restaging scans are simulated.
const MAX_SCANS: usize = 40;

/// The latent abscopal class that steers the NIL trajectories (never analysed directly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatentClass {
    /// NIL shrink by at least 30 % (abscopal response).
    Response,
    /// NIL stable for at least the minimum SD duration (abscopal control).
    Control,
    /// NIL progress (no abscopal benefit).
    NoBenefit,
}

impl LatentClass {
    /// Response or control.
    pub fn benefit(self) -> bool {
        !matches!(self, LatentClass::NoBenefit)
    }
}

/// The simulated truth behind one patient (never analysed directly).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Latent {
    /// The latent abscopal class.
    pub class: LatentClass,
    /// Pseudo-progression at the first restaging (response seen from the second).
    pub pseudo_progression: bool,
    /// True BMI >= 25 and CRP >= 5 (recorded or not).
    pub bmi25: bool,
    /// True CRP >= 5 mg/l.
    pub crp5: bool,
}

/// One patient of the patient file.
#[derive(Debug, Clone, PartialEq)]
pub struct Patient {
    /// Patient id (joins the lesion file).
    pub id: String,
    /// Baseline covariates.
    pub covariates: Covariates,
    /// Overall survival or censoring time (months).
    pub os_months: f64,
    /// Death observed.
    pub os_event: bool,
    /// Progression-free survival or censoring time (months).
    pub pfs_months: f64,
    /// Progression or death observed.
    pub pfs_event: bool,
    /// The simulated latent class (`None` for real data).
    pub latent: Option<LatentClass>,
    /// The rest of the simulated truth (`None` for real data).
    pub truth: Option<Latent>,
    /// What the endpoints module derived from the lesions, when already done.
    pub derived: Option<crate::analysis::Derived>,
}

/// The kind of a lesion row, as in the lesion file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// Target lesion chosen at baseline.
    Target,
    /// Non-target lesion chosen at baseline.
    NonTarget,
    /// New lesion (first seen after baseline).
    New,
}

/// A measurement cell of the lesion file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// A size in tenths of a millimetre.
    Tenths(u32),
    /// Non-target lesion present.
    Present,
    /// Not evaluated at this visit (`NE`).
    NotEvaluated,
}

/// One row of the lesion file (one lesion at one visit).
#[derive(Debug, Clone, PartialEq)]
pub struct SimLesion {
    /// Patient id.
    pub patient: String,
    /// Lesion id, unique within the patient.
    pub lesion: &'static str,
    /// Days since the baseline scan.
    pub day: u32,
    /// Organ or site.
    pub organ: &'static str,
    /// Target / non-target / new.
    pub kind: RowKind,
    /// Lymph node (size = short axis).
    pub node: bool,
    /// In the radiation field.
    pub irradiated: bool,
    /// The measurement.
    pub measure: Cell,
}

/// A simulated (or read) cohort.
#[derive(Debug, Clone, Default)]
pub struct Cohort {
    /// One entry per patient.
    pub patients: Vec<Patient>,
    /// Lesion measurements (for a read cohort: empty; see `io::RealData`).
    pub lesions: Vec<SimLesion>,
}

const NON_NODAL_ORGANS: [&str; 6] = [
    "lung",
    "liver",
    "adrenal",
    "soft tissue",
    "peritoneum",
    "brain",
];
const NODE_ORGAN: &str = "lymph node";
const NIL_IDS: [&str; 3] = ["N1", "N2", "N3"];

fn tenths(mm: f64) -> u32 {
    (mm * 10.0).round().max(0.0) as u32
}

/// Simulates `n` patients with the calibrated model; PFS is derived from the lesions
/// (`analysis::derive_pfs`, iRECIST). Also returns the lesion rows as the crate's records.
pub fn simulate(model: &Model, n: usize, seed: u64) -> (Cohort, Vec<LesionRecord>) {
    let mut rng = Rng::new(seed);
    let width = n.to_string().len().max(3);
    let mut cohort = Cohort {
        patients: Vec::with_capacity(n),
        lesions: Vec::with_capacity(n * 16),
    };
    for i in 0..n {
        let id = format!("P{:0width$}", i + 1);
        simulate_patient(model, &mut rng, id, &mut cohort);
    }
    let records = crate::io::to_records(&cohort.lesions);
    // A simulated cohort is valid by construction; should the derivation fail, PFS stays the
    // OS time (the analysis then fails on the same records and the replicate counts as
    // failed).
    if let Ok(pfs) = crate::analysis::derive_pfs(&cohort.patients, &records) {
        for (p, d) in cohort.patients.iter_mut().zip(pfs) {
            (p.pfs_months, p.pfs_event) = d.pfs[0];
            p.derived = Some(d);
        }
    }
    (cohort, records)
}

fn simulate_patient(model: &Model, rng: &mut Rng, id: String, cohort: &mut Cohort) {
    let drawn = Covariates::draw(rng, model.p_ultrahypo);
    let covariates = drawn.recorded;
    let benefit = rng.bernoulli(model.ab_probability(&covariates));
    let class = match (
        benefit,
        rng.bernoulli(crate::model::P_RESPONSE_GIVEN_BENEFIT),
    ) {
        (false, _) => LatentClass::NoBenefit,
        (true, true) => LatentClass::Response,
        (true, false) => LatentClass::Control,
    };
    let pseudo_progression = class == LatentClass::Response && rng.bernoulli(P_PSEUDO_PROGRESSION);
    let os = model.draw_os(rng, model.os_eta(&drawn, benefit));
    let admin = MIN_FOLLOW_UP_MONTHS + crate::model::ACCRUAL_MONTHS * rng.uniform();
    let dropout = rng.exponential() / crate::model::DROPOUT_RATE;
    let censor = admin.min(dropout);
    let os_months = round_to(os.min(censor), 2).max(0.01);
    let os_event = os <= censor;
    let first_scan = rng.uniform_in(FIRST_SCAN_DAYS.0, FIRST_SCAN_DAYS.1).round();
    let progression_day =
        first_scan + rng.exponential() / model.progression_rate_ab * DAYS_PER_MONTH;
    let patient = Patient {
        id,
        covariates,
        os_months,
        os_event,
        // replaced by the PFS derived from the lesions (`simulate`)
        pfs_months: os_months,
        pfs_event: os_event,
        latent: Some(class),
        truth: Some(Latent {
            class,
            pseudo_progression,
            bmi25: drawn.bmi25,
            crp5: drawn.crp5,
        }),
        derived: None,
    };
    // Scans: at least one day before death, not after the last contact.
    let last_day = os_months * DAYS_PER_MONTH - if os_event { 1.0 } else { 0.0 };
    let mut days = vec![0u32];
    let mut day = first_scan;
    while day <= last_day && days.len() <= MAX_SCANS {
        days.push(day as u32);
        day = (first_scan
            + SCAN_INTERVAL_DAYS * (days.len() - 1) as f64
            + rng.uniform_in(-SCAN_JITTER_DAYS, SCAN_JITTER_DAYS))
        .round();
    }
    simulate_lesions(
        rng,
        &patient,
        class,
        pseudo_progression,
        &days,
        progression_day,
        &mut cohort.lesions,
    );
    cohort.patients.push(patient);
}

#[allow(clippy::too_many_arguments)]
fn push_row(
    rows: &mut Vec<SimLesion>,
    patient: &str,
    lesion: &'static str,
    day: u32,
    organ: &'static str,
    kind: RowKind,
    node: bool,
    irradiated: bool,
    measure: Cell,
) {
    rows.push(SimLesion {
        patient: patient.to_owned(),
        lesion,
        day,
        organ,
        kind,
        node,
        irradiated,
        measure,
    });
}

/// A measured size: the true size plus measurement error, in tenths of a millimetre.
fn measured(rng: &mut Rng, true_mm: f64) -> Cell {
    let sd = MEASUREMENT_SD.0 + MEASUREMENT_SD.1 * true_mm;
    Cell::Tenths(tenths(true_mm + sd * rng.normal()))
}

fn simulate_lesions(
    rng: &mut Rng,
    patient: &Patient,
    latent: LatentClass,
    pseudo_progression: bool,
    days: &[u32],
    progression_day: f64,
    rows: &mut Vec<SimLesion>,
) {
    // Irradiated target.
    let rt_organ = NON_NODAL_ORGANS[rng.index(NON_NODAL_ORGANS.len())];
    let rt_size = rng.uniform_in(25.0, 70.0);
    let rt_factor = rng.uniform_in(0.3, 0.7);
    // NIL targets: count, organ, node flag, baseline size.
    let count = match rng.uniform() {
        u if u < 0.3 => 1,
        u if u < 0.7 => 2,
        _ => 3,
    };
    let mut organs: [(&'static str, bool, f64); 3] = [("", false, 0.0); 3];
    let mut per_organ: Vec<&'static str> = vec![rt_organ];
    for slot in organs.iter_mut().take(count) {
        loop {
            let node = rng.bernoulli(0.25);
            let organ = if node {
                NODE_ORGAN
            } else {
                NON_NODAL_ORGANS[rng.index(NON_NODAL_ORGANS.len())]
            };
            if per_organ.iter().filter(|&&o| o == organ).count() < 2 {
                per_organ.push(organ);
                let size = if node {
                    rng.uniform_in(16.0, 35.0)
                } else {
                    rng.uniform_in(12.0, 50.0)
                };
                *slot = (organ, node, size);
                break;
            }
        }
    }
    let nil = &organs[..count];
    let baseline_sum: f64 = nil.iter().map(|l| l.2).sum();
    let has_non_target = rng.bernoulli(0.4);
    // Not-evaluable restaging scans, drawn up front: the benefit is seen on the first
    // evaluable restaging (the second for a pseudo-progression, the first showing the
    // pseudo-progression), and a benefit patient progresses only after it.
    let ne: Vec<bool> = (0..days.len())
        .map(|j| j > 0 && rng.bernoulli(P_SCAN_NE))
        .collect();
    let mut evaluable = (1..days.len()).filter(|&j| !ne[j]);
    let (e1, e2) = (
        evaluable.next().unwrap_or(usize::MAX),
        evaluable.next().unwrap_or(usize::MAX),
    );
    let seen_at = if pseudo_progression { e2 } else { e1 };
    // The scan (index into `days`) at which a new lesion appears (0 = never).
    let new_at = match latent {
        LatentClass::NoBenefit => {
            if rng.bernoulli(P_NEW_LESION_NO_AB) {
                1
            } else {
                2
            }
        }
        _ => days
            .iter()
            .enumerate()
            .position(|(j, &d)| j > seen_at && f64::from(d) > progression_day)
            .unwrap_or(0),
    };
    let new_size0 = rng.uniform_in(10.0, 20.0);

    let id = patient.id.as_str();
    let mut factor = 1.0;
    let mut nadir = 1.0f64;
    let mut new_size = new_size0;
    for (j, &day) in days.iter().enumerate() {
        if j > 0 {
            factor = match latent {
                LatentClass::NoBenefit if j == 1 => {
                    rng.uniform_in(1.3, 1.7).max(1.0 + 8.0 / baseline_sum)
                }
                LatentClass::NoBenefit => {
                    (factor * rng.uniform_in(1.15, 1.35)).max(factor + 6.0 / baseline_sum)
                }
                _ if new_at > 0 && j >= new_at => {
                    if j == new_at {
                        nadir * rng.uniform_in(1.3, 1.5)
                    } else {
                        factor * rng.uniform_in(1.15, 1.35)
                    }
                }
                LatentClass::Response if pseudo_progression && j <= e1 => {
                    if j == 1 {
                        rng.uniform_in(1.25, 1.45).max(1.0 + 8.0 / baseline_sum)
                    } else {
                        factor
                    }
                }
                LatentClass::Response if j == 1 || (pseudo_progression && factor > 1.0) => {
                    rng.uniform_in(0.30, 0.60)
                }
                LatentClass::Response => factor * rng.uniform_in(0.85, 1.0),
                LatentClass::Control => rng.uniform_in(0.88, 1.08),
            };
            if !(pseudo_progression && j <= e1) {
                nadir = nadir.min(factor);
            }
        }
        let not_evaluated = ne[j];
        let size = |rng: &mut Rng, true_mm: f64| {
            if j == 0 {
                Cell::Tenths(tenths(true_mm))
            } else if not_evaluated {
                Cell::NotEvaluated
            } else {
                measured(rng, true_mm)
            }
        };
        let rt_now = if j == 0 { rt_size } else { rt_size * rt_factor };
        let cell = size(rng, rt_now);
        push_row(
            rows,
            id,
            "RT1",
            day,
            rt_organ,
            RowKind::Target,
            false,
            true,
            cell,
        );
        for (k, &(organ, node, size0)) in nil.iter().enumerate() {
            let cell = size(rng, size0 * factor);
            push_row(
                rows,
                id,
                NIL_IDS[k],
                day,
                organ,
                RowKind::Target,
                node,
                false,
                cell,
            );
        }
        if has_non_target {
            let cell = if not_evaluated {
                Cell::NotEvaluated
            } else {
                Cell::Present
            };
            push_row(
                rows,
                id,
                "NT1",
                day,
                "bone",
                RowKind::NonTarget,
                false,
                false,
                cell,
            );
        }
        if new_at > 0 && j >= new_at {
            if j > new_at {
                new_size *= rng.uniform_in(1.2, 1.4);
            }
            let cell = size(rng, new_size);
            push_row(
                rows,
                id,
                "NEW1",
                day,
                "liver",
                RowKind::New,
                false,
                false,
                cell,
            );
        }
        // Scanning stops after the scan that confirms the new-lesion progression.
        if new_at > 0 && j > new_at && !not_evaluated {
            break;
        }
    }
}
