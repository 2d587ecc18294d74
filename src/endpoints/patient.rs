//! Efficacy endpoints of one patient from a RECIST 1.1 / iRECIST assessment and the patient's
//! dates: best overall response, progression-free survival with the FDA censoring
//! conventions, duration of response, time to response and the % change of the target sum.

use std::fmt;

use crate::irecist::{
    Assessment, Criteria, LesionKind, Measure, PatientTimeline, Recist11, Response, Tenths,
    VisitAssessment,
};
use crate::{Error, Result};

/// What an iUPD that was never confirmed nor reset (the patient's assessments end in iUPD,
/// possibly followed by NE) means for progression-free survival.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum UnconfirmedProgression {
    /// Default: progression at the first iUPD of the open episode. iRECIST keeps the iUPD
    /// as the best response when no confirmation scan follows (Seymour 2017 Table 3,
    /// example 8: iBOR iUPD) and such a patient has no clinical benefit; dating the event to
    /// the iUPD is what a later confirmation would have done (the progression date is the
    /// first iUPD of the confirmed episode), so the estimate does not depend on whether the
    /// confirmation scan was done.
    #[default]
    Progression,
    /// Censor at the last adequate assessment before the iUPD (only confirmed progression is
    /// an event; a death is still an event).
    Censor,
}

/// Which events the "two or more missed assessments" rule censors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum MissedAssessments {
    /// Default: a death after two or more missed scheduled assessments is censored at the
    /// last adequate assessment.
    #[default]
    Death,
    /// Progression too (the FDA table's "death or progression after more than one missed
    /// visit").
    DeathOrProgression,
}

impl fmt::Display for UnconfirmedProgression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UnconfirmedProgression::Progression => "progression",
            UnconfirmedProgression::Censor => "censor",
        })
    }
}

impl std::str::FromStr for UnconfirmedProgression {
    type Err = Error;

    /// `progression` or `censor` (case-insensitive).
    ///
    /// ```
    /// use oncostat::endpoints::UnconfirmedProgression;
    /// assert_eq!("censor".parse::<UnconfirmedProgression>().unwrap(), UnconfirmedProgression::Censor);
    /// assert_eq!(UnconfirmedProgression::Progression.to_string(), "progression");
    /// ```
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "progression" => Ok(UnconfirmedProgression::Progression),
            "censor" => Ok(UnconfirmedProgression::Censor),
            _ => Err(Error::UnknownSetting {
                setting: "unconfirmed iUPD rule",
                value: s.trim().to_string(),
                allowed: "progression, censor",
            }),
        }
    }
}

impl fmt::Display for MissedAssessments {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MissedAssessments::Death => "death",
            MissedAssessments::DeathOrProgression => "death-or-progression",
        })
    }
}

impl std::str::FromStr for MissedAssessments {
    type Err = Error;

    /// `death` or `death-or-progression` (case-insensitive).
    ///
    /// ```
    /// use oncostat::endpoints::MissedAssessments;
    /// let m: MissedAssessments = "death-or-progression".parse().unwrap();
    /// assert_eq!(m, MissedAssessments::DeathOrProgression);
    /// assert_eq!(m.to_string(), "death-or-progression");
    /// ```
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "death" => Ok(MissedAssessments::Death),
            "death-or-progression" => Ok(MissedAssessments::DeathOrProgression),
            _ => Err(Error::UnknownSetting {
                setting: "missed-assessment rule",
                value: s.trim().to_string(),
                allowed: "death, death-or-progression",
            }),
        }
    }
}

/// The conventions of [`PatientEndpoints::derive`]; every choice is a field.
///
/// ```
/// use oncostat::endpoints::{Criteria, EndpointRules};
/// let rules = EndpointRules::new().criteria(Criteria::Recist).interval_days(42.0);
/// assert_eq!(rules.interval_days, 42.0);
/// assert_eq!(rules.missed_assessments, 2);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct EndpointRules {
    /// Response criteria. Default [`Criteria::Irecist`].
    pub criteria: Criteria,
    /// Scheduled interval between tumour assessments, in days. Default **56**.
    pub interval_days: f64,
    /// Number of consecutive missed scheduled assessments before an event that censors it at
    /// the last adequate assessment: the event is censored when it falls more than
    /// `missed_assessments × interval_days` after the last adequate assessment. Default **2**.
    pub missed_assessments: u32,
    /// Which events the missed-assessment rule applies to. Default
    /// [`MissedAssessments::Death`].
    pub missed_applies_to: MissedAssessments,
    /// An iUPD never confirmed nor reset. Default [`UnconfirmedProgression::Progression`].
    pub unconfirmed_iupd: UnconfirmedProgression,
    /// Count NON-CR/NON-PD (non-target disease only, lasting the minimum SD duration) as
    /// disease control, as stable disease is. Default **true**.
    pub dcr_includes_non_cr_non_pd: bool,
}

impl Default for EndpointRules {
    fn default() -> Self {
        EndpointRules {
            criteria: Criteria::Irecist,
            interval_days: 56.0,
            missed_assessments: 2,
            missed_applies_to: MissedAssessments::Death,
            unconfirmed_iupd: UnconfirmedProgression::Progression,
            dcr_includes_non_cr_non_pd: true,
        }
    }
}

impl EndpointRules {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`criteria`](Self::criteria).
    #[must_use]
    pub fn criteria(mut self, criteria: Criteria) -> Self {
        self.criteria = criteria;
        self
    }

    /// Sets [`interval_days`](Self::interval_days).
    #[must_use]
    pub fn interval_days(mut self, days: f64) -> Self {
        self.interval_days = days;
        self
    }

    /// Sets [`missed_assessments`](Self::missed_assessments).
    #[must_use]
    pub fn missed_assessments(mut self, n: u32) -> Self {
        self.missed_assessments = n;
        self
    }

    /// Sets [`missed_applies_to`](Self::missed_applies_to).
    #[must_use]
    pub fn missed_applies_to(mut self, which: MissedAssessments) -> Self {
        self.missed_applies_to = which;
        self
    }

    /// Sets [`unconfirmed_iupd`](Self::unconfirmed_iupd).
    #[must_use]
    pub fn unconfirmed_iupd(mut self, rule: UnconfirmedProgression) -> Self {
        self.unconfirmed_iupd = rule;
        self
    }

    /// Sets [`dcr_includes_non_cr_non_pd`](Self::dcr_includes_non_cr_non_pd).
    #[must_use]
    pub fn dcr_includes_non_cr_non_pd(mut self, yes: bool) -> Self {
        self.dcr_includes_non_cr_non_pd = yes;
        self
    }

    fn check(&self) -> Result<()> {
        if !(self.interval_days.is_finite() && self.interval_days > 0.0) {
            return Err(Error::InvalidParameter {
                name: "interval_days",
                value: self.interval_days,
                reason: "the scheduled assessment interval must be a positive number of days",
            });
        }
        Ok(())
    }
}

/// A patient's dates, in days from the same day 0 as the assessments (the baseline scan).
///
/// ```
/// use oncostat::endpoints::PatientDates;
/// let alive = PatientDates::new(365.0);
/// let died = PatientDates::new(200.0).death(200.0).new_therapy(150.0);
/// assert_eq!(died.death_day, Some(200.0));
/// assert_eq!(alive.new_therapy_day, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PatientDates {
    /// Day of death (`None`: alive at last contact).
    pub death_day: Option<f64>,
    /// Day of last contact.
    pub last_contact_day: f64,
    /// Day a new anticancer therapy started (`None`: none).
    pub new_therapy_day: Option<f64>,
}

impl PatientDates {
    /// Alive at `last_contact_day`, no new therapy.
    pub fn new(last_contact_day: f64) -> Self {
        PatientDates {
            death_day: None,
            last_contact_day,
            new_therapy_day: None,
        }
    }

    /// Sets the day of death.
    #[must_use]
    pub fn death(mut self, day: f64) -> Self {
        self.death_day = Some(day);
        self
    }

    /// Sets the day a new therapy started.
    #[must_use]
    pub fn new_therapy(mut self, day: f64) -> Self {
        self.new_therapy_day = Some(day);
        self
    }
}

/// Why progression-free survival ended where it did.
///
/// `Display` prints the contract's keys: `progression`, `death`, `censored_last_assessment`,
/// `censored_new_therapy`, `censored_missed_assessments`, `censored_no_assessment`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum PfsReason {
    /// Event: documented progression.
    Progression,
    /// Event: death without documented progression.
    Death,
    /// Censored at the last adequate assessment: alive without progression.
    CensoredLastAssessment,
    /// Censored at the last adequate assessment on or before the start of a new therapy.
    CensoredNewTherapy,
    /// Censored at the last adequate assessment: the event came after two or more missed
    /// scheduled assessments.
    CensoredMissedAssessments,
    /// Censored at day 0: no adequate post-baseline assessment and no event.
    CensoredNoAssessment,
}

impl PfsReason {
    /// The key used in reports and the `analyze endpoints` JSON.
    pub fn label(self) -> &'static str {
        match self {
            PfsReason::Progression => "progression",
            PfsReason::Death => "death",
            PfsReason::CensoredLastAssessment => "censored_last_assessment",
            PfsReason::CensoredNewTherapy => "censored_new_therapy",
            PfsReason::CensoredMissedAssessments => "censored_missed_assessments",
            PfsReason::CensoredNoAssessment => "censored_no_assessment",
        }
    }

    /// `true` for progression and death.
    pub fn is_event(self) -> bool {
        matches!(self, PfsReason::Progression | PfsReason::Death)
    }
}

impl fmt::Display for PfsReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A time to event and whether the event happened (`false`: censored at `time`).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TimeToEvent {
    /// Time in days.
    pub time: f64,
    /// `true` if the event was observed at `time`.
    pub event: bool,
}

/// One visit of a patient: its % change of the target sum from baseline and marks.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct VisitChange {
    /// Days from baseline (0 = baseline).
    pub day: u32,
    /// Target sum of diameters in mm (`None`: a target not evaluated, or no targets).
    pub target_sum_mm: Option<f64>,
    /// `100 · (sum − baseline) / baseline` (`None` without a complete target sum).
    pub pct_change: Option<f64>,
    /// Response label under the chosen criteria (`baseline` at day 0).
    pub response: &'static str,
    /// A new lesion is present at this visit.
    pub new_lesion: bool,
    /// This visit's response is progression (RECIST PD; iRECIST iUPD or iCPD).
    pub progression: bool,
}

/// Response level of a visit under the chosen criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Baseline,
    Complete,
    Partial,
    Stable,
    NonCrNonPd,
    Unconfirmed,
    Progression,
    NotEvaluable,
    /// A scan iRECIST disregards (too early to confirm an iUPD).
    Disregarded,
}

impl Level {
    fn of_irecist(r: Response) -> Level {
        match r {
            Response::Baseline => Level::Baseline,
            Response::CompleteResponse => Level::Complete,
            Response::PartialResponse => Level::Partial,
            Response::StableDisease => Level::Stable,
            Response::NonCompleteNonProgression => Level::NonCrNonPd,
            Response::UnconfirmedProgression => Level::Unconfirmed,
            Response::ConfirmedProgression => Level::Progression,
            Response::NotEvaluable => Level::NotEvaluable,
        }
    }

    fn of_recist(r: Recist11) -> Level {
        match r {
            Recist11::Baseline => Level::Baseline,
            Recist11::CompleteResponse => Level::Complete,
            Recist11::PartialResponse => Level::Partial,
            Recist11::StableDisease => Level::Stable,
            Recist11::NonCompleteNonProgression => Level::NonCrNonPd,
            Recist11::ProgressiveDisease => Level::Progression,
            Recist11::NotEvaluable => Level::NotEvaluable,
        }
    }

    fn is_response(self) -> bool {
        matches!(self, Level::Complete | Level::Partial)
    }

    /// An adequate assessment documenting no progression.
    fn is_adequate(self) -> bool {
        matches!(
            self,
            Level::Complete | Level::Partial | Level::Stable | Level::NonCrNonPd
        )
    }
}

/// The efficacy endpoints of one patient.
///
/// Built by [`derive`](Self::derive) from the patient's [`Assessment`] (and its lesion
/// [`PatientTimeline`], for the new-lesion marks) and [`PatientDates`].
///
/// # Progression-free survival (FDA censoring conventions)
///
/// ```text
/// adequate assessment = a post-baseline visit whose response is CR, PR, SD or NON-CR/NON-PD
///                       (not NE, not PD / iUPD / iCPD)
/// progression day P   = RECIST 1.1: first PD; iRECIST: first iUPD of the episode iCPD confirmed
///                       (an iUPD neither confirmed nor reset at the end: see UnconfirmedProgression)
/// event day E         = min(P, death)                (P wins a tie: reason "progression")
/// ```
///
/// | situation | PFS time | event | reason |
/// |---|---|---|---|
/// | new therapy started before E (or without E) | last adequate assessment ≤ therapy start (0 if none) | no | `censored_new_therapy` |
/// | E more than `missed_assessments × interval_days` after the last adequate assessment before E (death; progression too with [`MissedAssessments::DeathOrProgression`]) | that assessment (0 if none) | no | `censored_missed_assessments` |
/// | progression | P | yes | `progression` |
/// | death without progression (also before any post-baseline assessment) | death | yes | `death` |
/// | no event, an adequate assessment | last adequate assessment | no | `censored_last_assessment` |
/// | no event, no adequate post-baseline assessment | 0 | no | `censored_no_assessment` |
///
/// # Response endpoints
/// * **Best overall response**: the assessment's iBOR (iRECIST) or BOR (RECIST 1.1), with
///   confirmation if the [`IrecistRules`](crate::irecist::IrecistRules) of the assessment
///   ask for it. Responder = CR or PR; disease control = CR, PR, SD (and NON-CR/NON-PD by
///   default).
/// * **Time to response**: day of the first CR/PR visit (responders only).
/// * **Duration of response**: from that day to the end of PFS, with the PFS event and
///   censoring (so iRECIST's iDOR ends at the first iUPD of the confirmed episode); 0 and
///   censored if PFS was censored before the response (a response after a new therapy).
/// * **Best % change**: the smallest `100·(S − B)/B` over post-baseline visits with a complete
///   target sum, up to and including the visit that established progression (RECIST PD,
///   iCPD) and not after a new therapy started; `None` without target lesions.
///
/// # Examples
/// ```
/// use oncostat::endpoints::{EndpointRules, PatientDates, PatientEndpoints, PfsReason};
/// use oncostat::irecist::{assess, timelines_from_records, IrecistRules, LesionRow};
/// # fn main() -> Result<(), oncostat::Error> {
/// // 100 mm → 60 (iPR) → 55 → 80 (iUPD) → 90 (iCPD, +10 mm): progression at day 168
/// let rows: Vec<_> = [("0", "100"), ("56", "60"), ("112", "55"), ("168", "80"), ("224", "90")]
///     .iter()
///     .map(|(day, mm)| LesionRow { patient: "P1", lesion: "T1", day, organ: "liver",
///         kind: "target", node: "false", irradiated: "false", measure: mm,
///         ..LesionRow::default() }.parse())
///     .collect::<Result<_, _>>()?;
/// let timeline = &timelines_from_records(&rows)?[0];
/// let a = assess(timeline, &IrecistRules::default())?;
/// let e = PatientEndpoints::derive(&a, Some(timeline), &PatientDates::new(300.0),
///     &EndpointRules::default())?;
/// assert_eq!(e.bor(), "iPR");
/// assert_eq!((e.pfs().time, e.pfs().event, e.pfs_reason()), (168.0, true, PfsReason::Progression));
/// assert_eq!(e.ttr(), Some(56.0));
/// assert_eq!(e.dor().map(|d| d.time), Some(112.0));
/// assert_eq!(e.best_pct_change(), Some(-45.0));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PatientEndpoints {
    patient: String,
    criteria: Criteria,
    bor: &'static str,
    responder: bool,
    disease_control: bool,
    pfs: TimeToEvent,
    pfs_reason: PfsReason,
    progression_day: Option<f64>,
    response_onset: Option<f64>,
    dor: Option<TimeToEvent>,
    best_pct_change: Option<f64>,
    visits: Vec<VisitChange>,
    dates: PatientDates,
}

impl PatientEndpoints {
    /// Derives the endpoints of the patient `assessment` belongs to.
    ///
    /// `timeline` (the patient's lesions) only feeds the new-lesion marks of
    /// [`visits`](Self::visits); pass `None` to leave them `false`.
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] for a non-positive `interval_days`.
    /// * [`Error::InvalidPatient`] naming the patient for a date that is negative or not
    ///   finite, a death before an assessment, or a timeline of another patient.
    pub fn derive(
        assessment: &Assessment,
        timeline: Option<&PatientTimeline>,
        dates: &PatientDates,
        rules: &EndpointRules,
    ) -> Result<Self> {
        Self::derive_for(
            patient_of(timeline).unwrap_or(""),
            assessment,
            timeline,
            dates,
            rules,
        )
    }

    /// As [`derive`](Self::derive), with the patient id given (used in errors and reports).
    ///
    /// ```
    /// use oncostat::endpoints::{EndpointRules, PatientDates, PatientEndpoints, PfsReason};
    /// use oncostat::irecist::{assess, timelines_from_records, IrecistRules, LesionRow};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let rows: Vec<_> = [("0", "50"), ("56", "48")].iter()
    ///     .map(|(day, mm)| LesionRow { patient: "P7", lesion: "T1", day, organ: "lung",
    ///         kind: "target", node: "false", irradiated: "false", measure: mm,
    ///         ..LesionRow::default() }.parse())
    ///     .collect::<Result<_, _>>()?;
    /// let a = assess(&timelines_from_records(&rows)?[0], &IrecistRules::default())?;
    /// let e = PatientEndpoints::derive_for("P7", &a, None, &PatientDates::new(90.0),
    ///     &EndpointRules::default())?;
    /// assert_eq!(e.pfs_reason(), PfsReason::CensoredLastAssessment);
    /// assert_eq!(e.pfs().time, 56.0);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`derive`](Self::derive).
    pub fn derive_for(
        patient: &str,
        assessment: &Assessment,
        timeline: Option<&PatientTimeline>,
        dates: &PatientDates,
        rules: &EndpointRules,
    ) -> Result<Self> {
        rules.check()?;
        let fail = |reason: String| Error::InvalidPatient {
            patient: patient.to_string(),
            reason,
        };
        if let Some(t) = timeline
            && t.patient() != patient
        {
            return Err(fail(format!(
                "the lesion timeline is of patient `{}`",
                t.patient()
            )));
        }
        check_day(dates.last_contact_day, "last contact day").map_err(&fail)?;
        if let Some(d) = dates.death_day {
            check_day(d, "death day").map_err(&fail)?;
        }
        if let Some(d) = dates.new_therapy_day {
            check_day(d, "new therapy day").map_err(&fail)?;
        }
        let visits = assessment.visits();
        if let (Some(death), Some(last)) = (dates.death_day, visits.last())
            && f64::from(last.day()) > death
        {
            return Err(fail(format!(
                "assessment on day {} after the death day {death}",
                last.day()
            )));
        }
        let level = |v: &VisitAssessment| match rules.criteria {
            Criteria::Irecist => Level::of_irecist(v.response()),
            Criteria::Recist => Level::of_recist(v.recist()),
        };
        // A scan iRECIST disregards (earlier than the confirmation window after an iUPD) is
        // no assessment at all: it repeats the open iUPD and documents nothing.
        let levels: Vec<(f64, Level)> = visits
            .iter()
            .map(|v| {
                let l = if v.is_disregarded() {
                    Level::Disregarded
                } else {
                    level(v)
                };
                (f64::from(v.day()), l)
            })
            .collect();

        // Progression day and the day the progression was established (confirmation visit).
        let progression =
            match rules.criteria {
                Criteria::Recist => assessment.recist_progression_day().map(f64::from),
                Criteria::Irecist => assessment.progression_day().map(f64::from).or_else(|| {
                    match rules.unconfirmed_iupd {
                        UnconfirmedProgression::Progression => open_iupd_at_end(&levels),
                        UnconfirmedProgression::Censor => None,
                    }
                }),
            };
        let established = levels
            .iter()
            .find(|(_, l)| *l == Level::Progression)
            .map(|&(d, _)| d);

        let last_adequate = |pred: &dyn Fn(f64) -> bool| {
            levels
                .iter()
                .filter(|&&(d, l)| d > 0.0 && l.is_adequate() && pred(d))
                .map(|&(d, _)| d)
                .next_back()
        };
        let event = match (progression, dates.death_day) {
            (Some(p), Some(d)) if d < p => Some((d, PfsReason::Death)),
            (Some(p), _) => Some((p, PfsReason::Progression)),
            (None, Some(d)) => Some((d, PfsReason::Death)),
            (None, None) => None,
        };
        let (pfs, pfs_reason) = match (dates.new_therapy_day, event) {
            (Some(n), e) if e.is_none_or(|(day, _)| n < day) => {
                let at = last_adequate(&|d| d <= n).unwrap_or(0.0);
                (at, PfsReason::CensoredNewTherapy)
            }
            (_, Some((day, reason))) => {
                let before = last_adequate(&|d| d < day).unwrap_or(0.0);
                let applies = reason == PfsReason::Death
                    || rules.missed_applies_to == MissedAssessments::DeathOrProgression;
                let window = f64::from(rules.missed_assessments) * rules.interval_days;
                if applies && day - before > window {
                    (before, PfsReason::CensoredMissedAssessments)
                } else {
                    (day, reason)
                }
            }
            (_, None) => match last_adequate(&|_| true) {
                Some(at) => (at, PfsReason::CensoredLastAssessment),
                None => (0.0, PfsReason::CensoredNoAssessment),
            },
        };
        let pfs = TimeToEvent {
            time: pfs,
            event: pfs_reason.is_event(),
        };

        let (bor, best) = match rules.criteria {
            Criteria::Irecist => {
                let b = assessment.best_overall_response();
                (b.label(), Level::of_irecist(b))
            }
            Criteria::Recist => {
                let b = assessment.recist_best_overall_response();
                (b.label(), Level::of_recist(b))
            }
        };
        let responder = best.is_response();
        let disease_control = responder
            || best == Level::Stable
            || (best == Level::NonCrNonPd && rules.dcr_includes_non_cr_non_pd);
        let response_onset = if responder {
            levels
                .iter()
                .take_while(|(_, l)| *l != Level::Progression)
                .find(|(_, l)| l.is_response())
                .map(|&(d, _)| d)
        } else {
            None
        };
        let dor = response_onset.map(|onset| {
            if pfs.time >= onset {
                TimeToEvent {
                    time: pfs.time - onset,
                    event: pfs.event,
                }
            } else {
                TimeToEvent {
                    time: 0.0,
                    event: false,
                }
            }
        });

        let changes = visit_changes(assessment, timeline, &levels, rules.criteria);
        let window_end = match (established, dates.new_therapy_day) {
            (Some(e), Some(n)) => e.min(n),
            (Some(e), None) => e,
            (None, Some(n)) => n,
            (None, None) => f64::INFINITY,
        };
        let best_pct_change = changes
            .iter()
            .filter(|v| v.day > 0 && f64::from(v.day) <= window_end)
            .filter_map(|v| v.pct_change)
            .reduce(f64::min);

        Ok(PatientEndpoints {
            patient: patient.to_string(),
            criteria: rules.criteria,
            bor,
            responder,
            disease_control,
            pfs,
            pfs_reason,
            progression_day: progression,
            response_onset,
            dor,
            best_pct_change,
            visits: changes,
            dates: *dates,
        })
    }

    /// Patient id.
    pub fn patient(&self) -> &str {
        &self.patient
    }

    /// The criteria the endpoints were derived under.
    pub fn criteria(&self) -> Criteria {
        self.criteria
    }

    /// Best overall response label (`iCR` … `NE` for iRECIST, `CR` … `NE` for RECIST 1.1).
    #[doc(alias = "BOR")]
    pub fn bor(&self) -> &'static str {
        self.bor
    }

    /// Objective response: best overall response CR or PR.
    pub fn is_responder(&self) -> bool {
        self.responder
    }

    /// Disease control: CR, PR, SD (and NON-CR/NON-PD unless the rules exclude it).
    pub fn has_disease_control(&self) -> bool {
        self.disease_control
    }

    /// Progression-free survival.
    #[doc(alias = "PFS")]
    pub fn pfs(&self) -> TimeToEvent {
        self.pfs
    }

    /// Why PFS ended where it did.
    pub fn pfs_reason(&self) -> PfsReason {
        self.pfs_reason
    }

    /// Day of progression under the criteria (whether or not PFS counts it as the event).
    pub fn progression_day(&self) -> Option<f64> {
        self.progression_day
    }

    /// Day of the first CR/PR visit (responders only).
    pub fn response_onset(&self) -> Option<f64> {
        self.response_onset
    }

    /// Time to response (= [`response_onset`](Self::response_onset): days from baseline).
    #[doc(alias = "TTR")]
    pub fn ttr(&self) -> Option<f64> {
        self.response_onset
    }

    /// Duration of response (responders only).
    #[doc(alias = "DoR")]
    pub fn dor(&self) -> Option<TimeToEvent> {
        self.dor
    }

    /// Best (smallest) % change of the target sum from baseline.
    pub fn best_pct_change(&self) -> Option<f64> {
        self.best_pct_change
    }

    /// Every visit, baseline first, with its % change and marks.
    pub fn visits(&self) -> &[VisitChange] {
        &self.visits
    }

    /// The patient's dates.
    pub fn dates(&self) -> &PatientDates {
        &self.dates
    }
}

fn patient_of(timeline: Option<&PatientTimeline>) -> Option<&str> {
    timeline.map(PatientTimeline::patient)
}

fn check_day(day: f64, what: &str) -> std::result::Result<(), String> {
    if day.is_finite() && day >= 0.0 {
        Ok(())
    } else {
        Err(format!("{what} {day} is not a number of days >= 0"))
    }
}

/// First iUPD of an episode still open at the end (neither confirmed nor reset).
fn open_iupd_at_end(levels: &[(f64, Level)]) -> Option<f64> {
    let mut open = None;
    for &(day, level) in levels {
        match level {
            Level::Unconfirmed => {
                open.get_or_insert(day);
            }
            Level::Progression => return None,
            Level::NotEvaluable | Level::Baseline | Level::Disregarded => {}
            _ => open = None,
        }
    }
    open
}

/// Whether a recorded cell shows a (new) lesion.
fn shows_lesion(m: Measure) -> bool {
    !matches!(
        m,
        Measure::NotEvaluated | Measure::Absent | Measure::Equivocal
    ) && m != Measure::Size(Tenths::ZERO)
}

fn visit_changes(
    assessment: &Assessment,
    timeline: Option<&PatientTimeline>,
    levels: &[(f64, Level)],
    criteria: Criteria,
) -> Vec<VisitChange> {
    let visits = assessment.visits();
    let baseline = visits.first().and_then(VisitAssessment::target_sum);
    visits
        .iter()
        .zip(levels)
        .map(|(v, &(_, level))| {
            let sum = v.target_sum().filter(|_| !v.is_disregarded());
            let pct_change = match (sum, baseline) {
                (Some(s), Some(b)) if b.get() > 0 => {
                    Some(100.0 * (f64::from(s.get()) - f64::from(b.get())) / f64::from(b.get()))
                }
                _ => None,
            };
            let new_lesion = timeline.is_some_and(|t| {
                let col = t.days().iter().position(|&d| d == v.day());
                col.is_some_and(|c| {
                    t.lesions().iter().enumerate().any(|(li, l)| {
                        l.kind() == LesionKind::New && t.measure(li, c).is_some_and(shows_lesion)
                    })
                })
            });
            VisitChange {
                day: v.day(),
                target_sum_mm: sum.map(Tenths::mm),
                pct_change,
                response: match criteria {
                    Criteria::Irecist => v.response().label(),
                    Criteria::Recist => v.recist().label(),
                },
                new_lesion,
                progression: matches!(level, Level::Unconfirmed | Level::Progression),
            }
        })
        .collect()
}
