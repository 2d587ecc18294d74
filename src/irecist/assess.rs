//! Assessment of a patient timeline: per-visit RECIST 1.1 and iRECIST calls, best overall
//! responses and progression dates.

use super::bor::{ibor, recist_bor};
use super::facts::{Role, Scanner};
use super::irecist::IrecistTrack;
use super::lesion::LesionKind;
use super::measure::Tenths;
use super::recist::RecistTrack;
use super::records::{PatientTimeline, Scan};
use super::response::{Recist11, Response};
use super::rules::{Criteria, IrecistRules};
use crate::Result;

/// The calls at one visit, with the numbers and the rule behind them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct VisitAssessment {
    day: u32,
    scan: Scan,
    target_sum: Option<Tenths>,
    assessed_target_sum: Option<Tenths>,
    nadir: Option<Tenths>,
    target_reference: Option<Tenths>,
    partial_reference: bool,
    new_target_sum: Option<Tenths>,
    new_target_reference: Option<Tenths>,
    new_target_nadir: Option<Tenths>,
    iupd_day: Option<u32>,
    recist: Recist11,
    response: Response,
    reason: &'static str,
    late_confirmation: bool,
    disregarded: bool,
    revised: bool,
    recist_components: (Option<Recist11>, Option<Recist11>),
    irecist_components: (Option<Recist11>, Option<Recist11>),
    new_lesions: bool,
}

impl VisitAssessment {
    /// Days since baseline.
    pub fn day(&self) -> u32 {
        self.day
    }

    /// Sum of diameters of the target lesions (`None` if a target was not evaluated or the
    /// patient has no target lesions).
    #[doc(alias = "SOD")]
    pub fn target_sum(&self) -> Option<Tenths> {
        self.target_sum
    }

    /// Why the scan of this visit was done.
    pub fn scan(&self) -> Scan {
        self.scan
    }

    /// Sum over the target lesions that were assessed (equals
    /// [`target_sum`](Self::target_sum) when all were; a partial sum, which can only grow,
    /// when some were not). `None` without target lesions.
    pub fn assessed_target_sum(&self) -> Option<Tenths> {
        self.assessed_target_sum
    }

    /// The reference of the +5 mm target confirmation of the iUPD episode open at (or
    /// confirmed or closed by) this visit: the target sum at its first iUPD (D1). `None`
    /// outside an episode or when the targets did not drive it.
    pub fn target_reference(&self) -> Option<Tenths> {
        self.target_reference
    }

    /// `true` if [`target_reference`](Self::target_reference) is a partial sum (the iUPD was
    /// proven with a target not evaluated; it is compared over the same lesions).
    pub fn is_partial_reference(&self) -> bool {
        self.partial_reference
    }

    /// The new-target-lesion sum the +5 mm confirmation of the open episode is measured from.
    pub fn new_target_reference(&self) -> Option<Tenths> {
        self.new_target_reference
    }

    /// After a reset: the new-target-lesion nadir a new iUPD by their growth is measured
    /// against (`irecist.md` §2.4, D4).
    pub fn new_target_nadir(&self) -> Option<Tenths> {
        self.new_target_nadir
    }

    /// Day of the first iUPD of the episode open at (or confirmed or closed by) this visit.
    pub fn iupd_day(&self) -> Option<u32> {
        self.iupd_day
    }

    /// `true` for a scan earlier than the confirmation window after an iUPD: iRECIST
    /// disregards it (it sets no nadir, is not the "last assessment", and is skipped by the
    /// best overall response). [`response`](Self::response) then repeats the open iUPD.
    pub fn is_disregarded(&self) -> bool {
        self.disregarded
    }

    /// Target response (CR, PR, SD, PD, NE) under `criteria`: RECIST 1.1 against the RECIST
    /// nadir, or the iRECIST track's (after a reset the references restart). `None` without
    /// target lesions, at baseline, and for RECIST 1.1 after progression.
    #[doc(alias = "TRGRESP")]
    pub fn target_response(&self, criteria: Criteria) -> Option<Recist11> {
        match criteria {
            Criteria::Recist => self.recist_components.0,
            Criteria::Irecist => self.irecist_components.0,
        }
    }

    /// Non-target response (CR, non-CR/non-PD, PD, NE) under `criteria`; `None` without
    /// non-target lesions.
    #[doc(alias = "NTRGRESP")]
    pub fn non_target_response(&self, criteria: Criteria) -> Option<Recist11> {
        match criteria {
            Criteria::Recist => self.recist_components.1,
            Criteria::Irecist => self.irecist_components.1,
        }
    }

    /// `true` if an (unequivocal) new lesion is present at this visit.
    #[doc(alias = "NEWLPROG")]
    pub fn new_lesions(&self) -> bool {
        self.new_lesions
    }

    /// `true` if this visit's call was revised by back-dating: a new lesion first seen here as
    /// `equivocal` was seen unequivocally later, so progression is dated to this visit.
    pub fn is_revised(&self) -> bool {
        self.revised
    }

    /// The nadir this visit is compared with: the smallest sum of diameters of the earlier
    /// evaluable visits, baseline included (at baseline: the baseline sum). `None` without
    /// target lesions.
    pub fn nadir(&self) -> Option<Tenths> {
        self.nadir
    }

    /// Sum of the new target lesions (`None` if none is registered or one was not evaluated).
    #[doc(alias = "SOM-NLT")]
    pub fn new_target_sum(&self) -> Option<Tenths> {
        self.new_target_sum
    }

    /// RECIST 1.1 overall response (progression ends RECIST 1.1: every later visit is PD).
    pub fn recist(&self) -> Recist11 {
        self.recist
    }

    /// iRECIST overall response.
    pub fn response(&self) -> Response {
        self.response
    }

    /// Which rule decided the iRECIST response, for audit.
    pub fn reason(&self) -> &str {
        self.reason
    }

    /// The response under `criteria`, as its label (`null` in the JSON of a disregarded scan
    /// is the caller's choice; this gives the carried-over call).
    ///
    /// ```
    /// use oncostat::irecist::{assess, timelines_from_records, Criteria, IrecistRules,
    ///     LesionRow};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let rows: Vec<_> = [("0", "100"), ("56", "130")].iter()
    ///     .map(|(day, mm)| LesionRow { patient: "P1", lesion: "T1", day, organ: "liver",
    ///         kind: "target", node: "false", irradiated: "false", measure: mm,
    ///         ..LesionRow::default() }.parse())
    ///     .collect::<Result<_, _>>()?;
    /// let a = assess(&timelines_from_records(&rows)?[0], &IrecistRules::default())?;
    /// assert_eq!(a.visits()[1].label(Criteria::Irecist), "iUPD");
    /// assert_eq!(a.visits()[1].label(Criteria::Recist), "PD");
    /// # Ok(())
    /// # }
    /// ```
    pub fn label(&self, criteria: Criteria) -> &'static str {
        match criteria {
            Criteria::Irecist => self.response.label(),
            Criteria::Recist => self.recist.label(),
        }
    }

    /// `true` if this visit confirmed iCPD later than
    /// [`IrecistRules::confirm_late_days`] after the first iUPD (used, but worth a look).
    pub fn late_confirmation(&self) -> bool {
        self.late_confirmation
    }
}

/// A patient's RECIST 1.1 and iRECIST assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Assessment {
    visits: Vec<VisitAssessment>,
    best: Response,
    recist_best: Recist11,
    progression_day: Option<u32>,
    recist_progression_day: Option<u32>,
    measurable: bool,
    baseline_sum: Option<Tenths>,
}

impl Assessment {
    /// One entry per visit, baseline first.
    pub fn visits(&self) -> &[VisitAssessment] {
        &self.visits
    }

    /// iRECIST best overall response (iBOR).
    #[doc(alias = "iBOR")]
    pub fn best_overall_response(&self) -> Response {
        self.best
    }

    /// RECIST 1.1 best overall response.
    #[doc(alias = "BOR")]
    pub fn recist_best_overall_response(&self) -> Recist11 {
        self.recist_best
    }

    /// Day of confirmed progression: the first iUPD of the episode that iCPD confirmed.
    /// `None` if progression was never confirmed.
    pub fn progression_day(&self) -> Option<u32> {
        self.progression_day
    }

    /// Day of the first RECIST 1.1 progression.
    pub fn recist_progression_day(&self) -> Option<u32> {
        self.recist_progression_day
    }

    /// Baseline sum of diameters of the target lesions (`None`: non-target disease only).
    pub fn baseline_sum(&self) -> Option<Tenths> {
        self.baseline_sum
    }

    /// Best overall response under `criteria`, as its label.
    pub fn best_label(&self, criteria: Criteria) -> &'static str {
        match criteria {
            Criteria::Irecist => self.best.label(),
            Criteria::Recist => self.recist_best.label(),
        }
    }

    /// Progression day under `criteria` (iRECIST: the first iUPD of the confirmed episode).
    pub fn progression_day_for(&self, criteria: Criteria) -> Option<u32> {
        match criteria {
            Criteria::Irecist => self.progression_day,
            Criteria::Recist => self.recist_progression_day,
        }
    }

    /// `true` if the assessment had target (measurable) lesions.
    pub fn has_measurable_disease(&self) -> bool {
        self.measurable
    }
}

/// Assesses all lesions of a patient by RECIST 1.1 and iRECIST.
///
/// ```text
/// per visit: target (sum vs baseline and nadir), non-target, new lesions → overall
/// RECIST 1.1 response; iRECIST: progression opens iUPD, confirmed to iCPD at the next
/// evaluable scan ≥ confirm_min_days − window_tolerance_days later, else reset
/// audit: every visit keeps its sums, nadir, references and the rule that decided it
/// iBOR: best of the calls up to the first iCPD (see `best_overall_response`)
/// ```
///
/// # Errors
/// None in practice: the timeline is validated on construction. The `Result` keeps room
/// for rule checks.
///
/// # Examples
/// ```
/// use oncostat::irecist::{assess, timelines_from_records, IrecistRules, LesionKind,
///     LesionRecord, Measure, Response, Tenths};
/// # fn main() -> Result<(), oncostat::Error> {
/// let row = |day, mm| LesionRecord {
///     patient: "P1".into(), lesion: "L1".into(), day, organ: "liver".into(),
///     kind: LesionKind::Target, node: false, irradiated: false,
///     measure: Measure::Size(Tenths::new(mm)), ..LesionRecord::default()
/// };
/// // 100 mm -> 125 (iUPD) -> 130 (+5 mm: iCPD)
/// let timeline = &timelines_from_records(&[row(0, 1000), row(56, 1250), row(98, 1300)])?[0];
/// let a = assess(timeline, &IrecistRules::default())?;
/// assert_eq!(a.visits()[1].response(), Response::UnconfirmedProgression);
/// assert_eq!(a.best_overall_response(), Response::ConfirmedProgression);
/// assert_eq!(a.progression_day(), Some(56));
/// # Ok(())
/// # }
/// ```
pub fn assess(timeline: &PatientTimeline, rules: &IrecistRules) -> Result<Assessment> {
    let roles: Vec<Option<Role>> = timeline
        .lesions()
        .iter()
        .map(|l| {
            Some(match l.kind() {
                LesionKind::Target => Role::Target,
                LesionKind::NonTarget => Role::NonTarget,
                LesionKind::New => Role::New,
            })
        })
        .collect();
    Ok(assess_roles(timeline, &roles, rules))
}

/// Runs both tracks over the lesions with a role (lesions with `None` are ignored).
pub(crate) fn assess_roles(
    timeline: &PatientTimeline,
    roles: &[Option<Role>],
    rules: &IrecistRules,
) -> Assessment {
    let days = timeline.days();
    let mut scanner = Scanner::new(timeline, roles, rules.backdate_equivocal);
    let baseline = scanner.baseline_sum();
    let mut recist = RecistTrack::new(baseline);
    let mut irecist = IrecistTrack::new(baseline);
    let mut visits = Vec::with_capacity(days.len());
    visits.push(VisitAssessment {
        day: days.first().copied().unwrap_or(0),
        scan: timeline.scan(0),
        target_sum: baseline,
        assessed_target_sum: baseline,
        nadir: baseline,
        target_reference: None,
        partial_reference: false,
        new_target_sum: None,
        new_target_reference: None,
        new_target_nadir: None,
        iupd_day: None,
        recist: Recist11::Baseline,
        response: Response::Baseline,
        reason: "baseline",
        late_confirmation: false,
        disregarded: false,
        revised: false,
        recist_components: (None, None),
        irecist_components: (None, None),
        new_lesions: false,
    });
    let mut recist_progression_day = None;
    for (vi, &day) in days.iter().enumerate().skip(1) {
        let f = scanner.visit(vi);
        let nadir = irecist.nadir();
        let new_target_nadir = irecist.nlt_nadir();
        let r = recist.step(day, &f, rules);
        if r == Recist11::ProgressiveDisease && recist_progression_day.is_none() {
            recist_progression_day = Some(day);
        }
        let scan = timeline.scan(vi);
        let call = irecist.step(day, scan, &f, rules);
        if call.disregarded {
            scanner.rollback();
        }
        visits.push(VisitAssessment {
            day,
            scan,
            target_sum: (f.has_targets && !f.target_any_ne).then_some(f.target_sum),
            assessed_target_sum: f.has_targets.then_some(f.target_sum),
            nadir,
            target_reference: call.target_ref.map(|r| r.sum),
            partial_reference: call.target_ref.is_some_and(|r| r.partial),
            new_target_sum: f.nlt_complete(),
            new_target_reference: call.nlt_ref,
            new_target_nadir,
            iupd_day: call.episode_day,
            recist: r,
            response: call.response,
            reason: call.reason,
            late_confirmation: call.late_confirmation,
            disregarded: call.disregarded,
            revised: scanner.is_backdated(vi),
            recist_components: recist.components,
            irecist_components: call.components,
            new_lesions: f.new_present || f.new_appeared > 0,
        });
    }
    let non_target_only = baseline.is_none();
    let (best, recist_best) = best_of(&visits, non_target_only, rules);
    Assessment {
        visits,
        best,
        recist_best,
        progression_day: irecist.progression_day(),
        recist_progression_day,
        measurable: !non_target_only,
        baseline_sum: baseline,
    }
}

fn best_of(
    visits: &[VisitAssessment],
    non_target_only: bool,
    rules: &IrecistRules,
) -> (Response, Recist11) {
    // Small fixed-size buffers would do; a patient has few visits.
    // A disregarded early scan does not count for the iBOR.
    let i: Vec<(u32, Response)> = visits
        .iter()
        .filter(|v| !v.disregarded)
        .map(|v| (v.day, v.response))
        .collect();
    let r: Vec<(u32, Recist11)> = visits.iter().map(|v| (v.day, v.recist)).collect();
    (
        ibor(&i, non_target_only, rules),
        recist_bor(&r, non_target_only, rules),
    )
}
