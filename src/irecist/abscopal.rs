//! Abscopal classification: iRECIST (and RECIST 1.1) over the non-irradiated lesions (NIL).

use std::fmt;

use super::assess::{Assessment, assess_roles};
use super::baseline::{MAX_TARGETS, MAX_TARGETS_PER_ORGAN};
use super::facts::Role;
use super::lesion::{LesionKind, is_measurable_size};
use super::measure::Measure;
use super::records::PatientTimeline;
use super::response::{Recist11, Response};
use super::rules::{IrecistRules, NonTargetOnlyNil};
use crate::Result;

/// Abscopal category of a patient.
///
/// `Display` prints `response`, `control`, `none`, `not_evaluable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Abscopal {
    /// Abscopal response (AR): best response of the non-irradiated lesions iCR or iPR.
    #[doc(alias = "AR")]
    Response,
    /// Abscopal control (AC): best response iSD lasting the minimum duration.
    #[doc(alias = "AC")]
    Control,
    /// No abscopal benefit (iUPD, iCPD or NE).
    NoBenefit,
    /// Not evaluable: no measurable non-irradiated lesion (by default) or no non-irradiated
    /// lesion at all.
    NotEvaluable,
}

impl Abscopal {
    /// The label used in the `analyze irecist` JSON.
    pub fn label(self) -> &'static str {
        match self {
            Abscopal::Response => "response",
            Abscopal::Control => "control",
            Abscopal::NoBenefit => "none",
            Abscopal::NotEvaluable => "not_evaluable",
        }
    }

    /// `Some(true)` for response or control, `Some(false)` for no benefit, `None` if not
    /// evaluable.
    pub fn benefit(self) -> Option<bool> {
        match self {
            Abscopal::Response | Abscopal::Control => Some(true),
            Abscopal::NoBenefit => Some(false),
            Abscopal::NotEvaluable => None,
        }
    }
}

impl fmt::Display for Abscopal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Abscopal classification of one patient, iRECIST and RECIST 1.1 side by side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbscopalAssessment {
    category: Abscopal,
    recist11_category: Abscopal,
    nil: Option<Assessment>,
}

impl AbscopalAssessment {
    /// Abscopal category from the iRECIST best response of the non-irradiated lesions.
    pub fn category(&self) -> Abscopal {
        self.category
    }

    /// Abscopal category from the RECIST 1.1 best response of the non-irradiated lesions.
    pub fn recist11_category(&self) -> Abscopal {
        self.recist11_category
    }

    /// The assessment of the non-irradiated lesions (`None` if every baseline lesion is
    /// irradiated).
    #[doc(alias = "NIL")]
    pub fn nil_assessment(&self) -> Option<&Assessment> {
        self.nil.as_ref()
    }

    /// Abscopal benefit (response or control): `None` if not evaluable.
    pub fn benefit(&self) -> Option<bool> {
        self.category.benefit()
    }
}

/// Classifies the abscopal effect: the assessment repeated over the non-irradiated lesions.
///
/// ```text
/// NIL = lesions with irradiated == false
/// NIL targets = non-irradiated baseline targets; when a target was irradiated, the freed
///   places (≤ 5 in total, ≤ 2 per organ) go to the largest non-irradiated non-targets that
///   are measurable at baseline and measured (mm) at every visit
/// AR ⇔ NIL iBOR ∈ {iCR, iPR};  AC ⇔ NIL iBOR = iSD (≥ min_sd_days)
/// non-target-only NIL: not evaluable (A4 default) or classified like the others
/// iUPD, iCPD, NE → no benefit
/// ```
///
/// # Errors
/// None in practice (the timeline is validated on construction).
///
/// # Examples
/// ```
/// use oncostat::irecist::{assess_abscopal, timelines_from_records, Abscopal, IrecistRules,
///     LesionKind, LesionRecord, Measure, Tenths};
/// # fn main() -> Result<(), oncostat::Error> {
/// let row = |lesion: &str, irradiated, day, mm| LesionRecord {
///     patient: "P1".into(), lesion: lesion.into(), day, organ: lesion.into(),
///     kind: LesionKind::Target, node: false, irradiated,
///     measure: Measure::Size(Tenths::new(mm)), ..LesionRecord::default()
/// };
/// let rows = [row("lung", true, 0, 400), row("lung", true, 56, 550),
///             row("liver", false, 0, 300), row("liver", false, 56, 180)];
/// let timeline = &timelines_from_records(&rows)?[0];
/// let a = assess_abscopal(timeline, &IrecistRules::default())?;
/// assert_eq!(a.category(), Abscopal::Response);
/// assert_eq!(a.benefit(), Some(true));
/// # Ok(())
/// # }
/// ```
pub fn assess_abscopal(
    timeline: &PatientTimeline,
    rules: &IrecistRules,
) -> Result<AbscopalAssessment> {
    let roles = nil_roles(timeline);
    let any_baseline = roles
        .iter()
        .any(|r| matches!(r, Some(Role::Target | Role::NonTarget)));
    if !any_baseline {
        return Ok(AbscopalAssessment {
            category: Abscopal::NotEvaluable,
            recist11_category: Abscopal::NotEvaluable,
            nil: None,
        });
    }
    let nil = assess_roles(timeline, &roles, rules);
    let measurable = nil.has_measurable_disease();
    let non_target_only_excluded =
        !measurable && rules.non_target_only_nil == NonTargetOnlyNil::NotEvaluable;
    let (category, recist11_category) = if non_target_only_excluded {
        (Abscopal::NotEvaluable, Abscopal::NotEvaluable)
    } else {
        (
            from_irecist(nil.best_overall_response()),
            from_recist(nil.recist_best_overall_response()),
        )
    };
    Ok(AbscopalAssessment {
        category,
        recist11_category,
        nil: Some(nil),
    })
}

fn from_irecist(best: Response) -> Abscopal {
    match best {
        Response::CompleteResponse | Response::PartialResponse => Abscopal::Response,
        // The iBOR is iSD / non-iCR/non-iUPD only when the minimum duration was met.
        Response::StableDisease | Response::NonCompleteNonProgression => Abscopal::Control,
        Response::UnconfirmedProgression
        | Response::ConfirmedProgression
        | Response::NotEvaluable
        | Response::Baseline => Abscopal::NoBenefit,
    }
}

fn from_recist(best: Recist11) -> Abscopal {
    match best {
        Recist11::CompleteResponse | Recist11::PartialResponse => Abscopal::Response,
        Recist11::StableDisease | Recist11::NonCompleteNonProgression => Abscopal::Control,
        Recist11::ProgressiveDisease | Recist11::NotEvaluable | Recist11::Baseline => {
            Abscopal::NoBenefit
        }
    }
}

/// Roles of the lesions in the NIL assessment (irradiated lesions excluded).
fn nil_roles(timeline: &PatientTimeline) -> Vec<Option<Role>> {
    let lesions = timeline.lesions();
    let mut roles: Vec<Option<Role>> = lesions
        .iter()
        .map(|l| {
            if l.is_irradiated() {
                None
            } else {
                Some(match l.kind() {
                    LesionKind::Target => Role::Target,
                    LesionKind::NonTarget => Role::NonTarget,
                    LesionKind::New => Role::New,
                })
            }
        })
        .collect();
    let excluded_target = lesions
        .iter()
        .any(|l| l.is_irradiated() && l.kind() == LesionKind::Target);
    if !excluded_target {
        return roles;
    }
    // Re-select: fill the places freed by irradiated targets with the largest measurable
    // non-irradiated non-targets.
    let mut organ_counts: Vec<(&str, usize)> = Vec::new();
    let mut n_targets = 0;
    for (l, role) in lesions.iter().zip(&roles) {
        if *role == Some(Role::Target) {
            n_targets += 1;
            bump(&mut organ_counts, l.organ_key());
        }
    }
    let mut candidates: Vec<(usize, u32)> = lesions
        .iter()
        .enumerate()
        .filter(|(i, l)| {
            roles[*i] == Some(Role::NonTarget) && promotable(timeline, *i, l.is_node())
        })
        .filter_map(|(i, _)| match timeline.measure(i, 0) {
            Some(Measure::Size(t)) => Some((i, t.get())),
            _ => None,
        })
        .collect();
    candidates.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (i, _) in candidates {
        if n_targets >= MAX_TARGETS {
            break;
        }
        let key = lesions[i].organ_key();
        let count = organ_counts
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(0, |(_, c)| *c);
        if count >= MAX_TARGETS_PER_ORGAN {
            continue;
        }
        bump(&mut organ_counts, key);
        roles[i] = Some(Role::Target);
        n_targets += 1;
    }
    roles
}

fn bump<'a>(counts: &mut Vec<(&'a str, usize)>, key: &'a str) {
    match counts.iter_mut().find(|(k, _)| *k == key) {
        Some((_, c)) => *c += 1,
        None => counts.push((key, 1)),
    }
}

/// A non-target can become a NIL target if it is measurable at baseline and every follow-up
/// row is a measurement (size, `tiny`, `0`/`absent`, `NE`).
fn promotable(timeline: &PatientTimeline, lesion: usize, node: bool) -> bool {
    let row = timeline.row(lesion);
    let measurable =
        matches!(row.first(), Some(Some(Measure::Size(t))) if is_measurable_size(node, *t));
    measurable
        && row
            .iter()
            .skip(1)
            .all(|m| !matches!(m, Some(Measure::Present | Measure::Progression)))
}
