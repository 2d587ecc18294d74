//! Simulated patients: covariates, latent class, lesion measurements over visits, OS and PFS.
//!
//! # Lesions and visits
//! Every patient has one irradiated target lesion (baseline 20–60 mm; it shrinks to 30–80 % —
//! irrelevant for the abscopal classification, which ignores it), 1–3 non-irradiated target
//! lesions (NIL; 30 % / 40 % / 30 %; non-nodal 12–50 mm longest diameter or, with probability
//! 0.25, a lymph node of 16–35 mm short axis; at most 2 targets per organ, all nodes one organ)
//! and, with probability 0.4, a non-irradiated non-target bone lesion ("present" throughout).
//!
//! Scans: baseline (day 0, the pre-radiotherapy scan) and restaging every 42 days (days 42, 84,
//! 126, 168) while the patient is alive and followed; the first restaging scan is always
//! present (the paper's cohort consists of patients with evaluable restaging imaging).
//!
//! The NIL sum of diameters at visit `j` is the baseline size times a factor `f_j` (with
//! independent per-lesion noise `U(0.98, 1.02)`, rounded to 0.1 mm). The factors follow the
//! latent class, with margins wide enough that iRECIST reproduces the class exactly:
//! ```text
//! responder   f_1 ~ U(0.30, 0.60)   (≥ 40 % shrinkage: iPR; threshold 30 %)
//!             f_j = f_{j-1} · U(0.85, 1.00) afterwards
//! controller  f_j ~ U(0.88, 1.08)   (neither −30 % nor +20 %: iSD at day 42 = min SD duration)
//! no benefit  f_1 = max(U(1.30, 1.70), 1 + 8 mm / B)   (≥ +20 % and ≥ +5 mm: iUPD)
//!             f_j = max(f_{j-1} · U(1.15, 1.35), f_{j-1} + 6 mm / B)   (confirms: iCPD)
//!             and with probability 0.3 a new 10–20 mm liver lesion at day 42 that keeps growing
//! ```
//! Benefit patients whose (latent) progression time has passed show NIL growth of 30–50 % above
//! the nadir at restaging scans after the first; their best overall response (iPR / iSD at
//! day 42) is unchanged by it, as iRECIST's best response should be.

use crate::model::{Covariates, DAYS_PER_MONTH, MIN_FOLLOW_UP_MONTHS, Model, round_to};
use crate::rng::Rng;

/// Days of the restaging scans after the baseline (day 0).
pub const VISIT_DAYS: [u32; 4] = [42, 84, 126, 168];

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

/// Simulates `n` patients with the calibrated model.
pub fn simulate(model: &Model, n: usize, seed: u64) -> Cohort {
    let mut rng = Rng::new(seed);
    let width = n.to_string().len().max(3);
    let mut cohort = Cohort {
        patients: Vec::with_capacity(n),
        lesions: Vec::with_capacity(n * 14),
    };
    for i in 0..n {
        let id = format!("P{:0width$}", i + 1);
        simulate_patient(model, &mut rng, id, &mut cohort);
    }
    cohort
}

fn simulate_patient(model: &Model, rng: &mut Rng, id: String, cohort: &mut Cohort) {
    let drawn = Covariates::draw(rng, model.p_ultrahypo);
    let covariates = drawn.recorded;
    let benefit = rng.bernoulli(model.ab_probability(&covariates));
    let latent = match (
        benefit,
        rng.bernoulli(crate::model::P_RESPONSE_GIVEN_BENEFIT),
    ) {
        (false, _) => LatentClass::NoBenefit,
        (true, true) => LatentClass::Response,
        (true, false) => LatentClass::Control,
    };
    let os = model.draw_os(rng, model.os_eta(&drawn, benefit));
    let progression = model.draw_progression(rng, benefit);
    let admin = MIN_FOLLOW_UP_MONTHS + crate::model::ACCRUAL_MONTHS * rng.uniform();
    let dropout = rng.exponential() / crate::model::DROPOUT_RATE;
    let censor = admin.min(dropout);
    let pfs = progression.min(os);
    let patient = Patient {
        id,
        covariates,
        os_months: round_to(os.min(censor), 2).max(0.01),
        os_event: os <= censor,
        pfs_months: round_to(pfs.min(censor), 2).max(0.01),
        pfs_event: pfs <= censor,
        latent: Some(latent),
    };
    let last_contact_days = patient.os_months * DAYS_PER_MONTH;
    let progression_days = progression * DAYS_PER_MONTH;
    simulate_lesions(
        rng,
        &patient,
        latent,
        last_contact_days,
        progression_days,
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

fn simulate_lesions(
    rng: &mut Rng,
    patient: &Patient,
    latent: LatentClass,
    last_contact_days: f64,
    progression_days: f64,
    rows: &mut Vec<SimLesion>,
) {
    // Irradiated target.
    let rt_organ = NON_NODAL_ORGANS[rng.index(NON_NODAL_ORGANS.len())];
    let rt_size = rng.uniform_in(20.0, 60.0);
    let rt_factor = rng.uniform_in(0.3, 0.8);
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
    let new_lesion_size = (latent == LatentClass::NoBenefit && rng.bernoulli(0.3))
        .then(|| rng.uniform_in(10.0, 20.0));

    let id = patient.id.as_str();
    let mut factor = 1.0;
    let mut nadir = 1.0f64;
    let mut new_size = new_lesion_size.unwrap_or(0.0);
    for (j, &day) in std::iter::once(&0).chain(VISIT_DAYS.iter()).enumerate() {
        if j > 1 && f64::from(day) > last_contact_days {
            break;
        }
        if j > 0 {
            factor = match latent {
                LatentClass::NoBenefit if j == 1 => {
                    rng.uniform_in(1.3, 1.7).max(1.0 + 8.0 / baseline_sum)
                }
                LatentClass::NoBenefit => {
                    (factor * rng.uniform_in(1.15, 1.35)).max(factor + 6.0 / baseline_sum)
                }
                _ if j > 1 && f64::from(day) > progression_days => nadir * rng.uniform_in(1.3, 1.5),
                LatentClass::Response if j == 1 => rng.uniform_in(0.30, 0.60),
                LatentClass::Response => factor * rng.uniform_in(0.85, 1.0),
                LatentClass::Control => rng.uniform_in(0.88, 1.08),
            };
            nadir = nadir.min(factor);
        }
        let rt_now = if j == 0 { rt_size } else { rt_size * rt_factor };
        push_row(
            rows,
            id,
            "RT1",
            day,
            rt_organ,
            RowKind::Target,
            false,
            true,
            Cell::Tenths(tenths(rt_now)),
        );
        for (k, &(organ, node, size)) in nil.iter().enumerate() {
            let noise = if j == 0 {
                1.0
            } else {
                rng.uniform_in(0.98, 1.02)
            };
            let mm = size * factor * noise;
            push_row(
                rows,
                id,
                NIL_IDS[k],
                day,
                organ,
                RowKind::Target,
                node,
                false,
                Cell::Tenths(tenths(mm)),
            );
        }
        if has_non_target {
            push_row(
                rows,
                id,
                "NT1",
                day,
                "bone",
                RowKind::NonTarget,
                false,
                false,
                Cell::Present,
            );
        }
        if let (Some(_), true) = (new_lesion_size, j > 0) {
            if j > 1 {
                new_size *= rng.uniform_in(1.2, 1.4);
            }
            push_row(
                rows,
                id,
                "NEW1",
                day,
                "liver",
                RowKind::New,
                false,
                false,
                Cell::Tenths(tenths(new_size)),
            );
        }
    }
}
