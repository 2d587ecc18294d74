//! RECIST 1.1 and iRECIST response classification from lesion measurements, and the abscopal
//! classification of non-irradiated lesions.
//!
//! Measurements are exact integer tenths of a millimetre ([`Tenths`]), so the `−30 %`, `+20 %`
//! and `+5 mm` boundaries compare exactly. A lesion file (one [`LesionRecord`] per lesion and
//! visit) is grouped and validated into [`PatientTimeline`]s by [`timelines_from_records`];
//! [`assess`] gives per-visit RECIST 1.1 and iRECIST calls with the sums, nadir and the rule
//! that fired, and the best overall responses; [`assess_abscopal`] repeats the assessment over
//! the non-irradiated lesions (abscopal response / control). Every open decision of the
//! guideline is a field of [`IrecistRules`].
//!
//! # The lesion file, second round
//! * Non-target lesions and non-measurable new lesions take the RECIST Working Group's status
//!   codes ([`Measure`]): `absent`, `present` (NC), `increase` (INC), `no-change-last` (NCLA),
//!   `further-increase` (INCLA), `unequivocal` (UNE; `progression` is a synonym), `NE`. After a
//!   non-target-driven iUPD, INCLA confirms iCPD; NCLA, INC and UNE keep iUPD; `present` and
//!   `absent` end it. RECIST 1.1 reads absent = CR, UNE = PD, the others non-CR/non-PD.
//! * New lesions may be `equivocal`: no progression by itself; once a later scan shows the
//!   lesion unequivocally, progression is dated back to the first equivocal scan
//!   ([`VisitAssessment::is_revised`]) and the confirmation window counts from there.
//!   Measurability is fixed at the first unequivocal sighting.
//! * The optional `scan` column ([`Scan`]) belongs to the visit; only a `symptom` scan less than
//!   4 weeks after an iUPD can confirm iCPD, by additional new lesions. Other early scans are
//!   disregarded ([`VisitAssessment::is_disregarded`]): no nadir, not the last assessment,
//!   skipped by the best response.
//! * The optional `laterality` column ([`Laterality`]) and laterality words anywhere in `organ`
//!   only name the side: "lung, left" and "right lung" are one organ (RECIST paired organs).
//! * A baseline non-target lymph node under 10 mm, `equivocal` outside new lesions, a positive
//!   size that rounds to 0 tenths and scan reasons that disagree within a visit are errors
//!   naming patient, lesion and day; a registered lesion without a row at a visit is not
//!   evaluated there.
//!
//! # Audit trail
//! Every [`VisitAssessment`] carries the full and assessed target sums, the nadir, the
//! iUPD references ([`VisitAssessment::target_reference`], new-target reference and nadir), the
//! day of the open iUPD and the rule that decided the call ([`VisitAssessment::reason`]).
//!
//! ```text
//! PR:   S ≤ 0.70 × baseline              (10·S ≤ 7·B)
//! PD:   S ≥ 1.20 × nadir and S ≥ nadir + 5 mm
//! iCPD: after iUPD, target sum ≥ first-iUPD sum + 5 mm, new-target sum + 5 mm, any further
//!       non-target / new non-target increase, or additional new lesions
//! ```
//!
//! # Examples
//! ```
//! use oncostat::irecist::{assess, timelines_from_records, IrecistRules, LesionRow, Response};
//! # fn main() -> Result<(), oncostat::Error> {
//! // Pseudoprogression: 100 → 130 (iUPD) → 128 (still iUPD) → 90 (iSD, the bar is reset).
//! let rows: Vec<_> = [("0", "100"), ("56", "130"), ("98", "128"), ("140", "90")]
//!     .iter()
//!     .map(|(day, mm)| LesionRow { patient: "P1", lesion: "T1", day, organ: "liver",
//!         kind: "target", node: "false", irradiated: "false", measure: mm,
//!         ..LesionRow::default() }.parse())
//!     .collect::<Result<_, _>>()?;
//! let timeline = &timelines_from_records(&rows)?[0];
//! let a = assess(timeline, &IrecistRules::default())?;
//! let calls: Vec<Response> = a.visits().iter().map(|v| v.response()).collect();
//! assert_eq!(calls, [Response::Baseline, Response::UnconfirmedProgression,
//!     Response::UnconfirmedProgression, Response::StableDisease]);
//! assert_eq!(a.best_overall_response(), Response::StableDisease);
//! # Ok(())
//! # }
//! ```
//!
//! # References
//! * Eisenhauer EA et al. New response evaluation criteria in solid tumours: revised RECIST
//!   guideline (version 1.1). Eur J Cancer 2009;45:228–247.
//! * Seymour L et al. iRECIST: guidelines for response criteria for use in trials testing
//!   immunotherapeutics. Lancet Oncol 2017;18:e143–52.

mod abscopal;
mod assess;
mod baseline;
mod bor;
pub mod cdisc;
mod facts;
#[allow(clippy::module_inception)]
mod irecist;
mod lesion;
mod measure;
mod recist;
mod records;
mod response;
mod rules;

pub use abscopal::{Abscopal, AbscopalAssessment, assess_abscopal};
pub use assess::{Assessment, VisitAssessment, assess};
pub use baseline::{
    BaselineCategory, BaselineLesion, MAX_TARGETS, MAX_TARGETS_PER_ORGAN, Measurability, Modality,
    TargetSelection, classify_baseline, select_targets,
};
pub use bor::{best_overall_response, recist_best_overall_response};
pub use lesion::{
    LYMPH_NODE_ORGAN, Laterality, Lesion, LesionKind, MEASURABLE_NODE, MEASURABLE_NON_NODAL,
    PATHOLOGICAL_NODE, is_measurable_size,
};
pub use measure::{Measure, Tenths};
pub use records::{LesionRecord, LesionRow, PatientTimeline, Scan, timelines_from_records};
pub use response::{Recist11, Response};
pub use rules::{Criteria, IrecistRules, NewLesionReset, NonTargetOnlyNil};
