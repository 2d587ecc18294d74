//! The configurable decisions of the RECIST 1.1 / iRECIST / abscopal assessment.

/// How patients whose non-irradiated disease is non-target only are classified (A4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NonTargetOnlyNil {
    /// "No measurable non-irradiated lesion": not evaluable (default; the trials required a
    /// measurable out-of-field lesion).
    #[default]
    NotEvaluable,
    /// NON-iCR/NON-iUPD lasting the minimum duration counts as abscopal control.
    Control,
}

impl std::fmt::Display for NonTargetOnlyNil {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NonTargetOnlyNil::NotEvaluable => "not-evaluable",
            NonTargetOnlyNil::Control => "control",
        })
    }
}

impl std::str::FromStr for NonTargetOnlyNil {
    type Err = crate::Error;

    /// Parses `not-evaluable` or `control`.
    ///
    /// ```
    /// use oncostat::irecist::NonTargetOnlyNil;
    /// assert_eq!("control".parse::<NonTargetOnlyNil>().unwrap(), NonTargetOnlyNil::Control);
    /// ```
    fn from_str(s: &str) -> crate::Result<Self> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "not-evaluable" => Ok(NonTargetOnlyNil::NotEvaluable),
            "control" => Ok(NonTargetOnlyNil::Control),
            _ => Err(crate::Error::InvalidMeasurement {
                value: s.trim().to_string(),
                reason: "expected `not-evaluable` or `control`",
            }),
        }
    }
}

/// When, after a new-lesion-driven iUPD with the new lesions unchanged or smaller, the iUPD
/// ends (iRECIST Table 2, last rows; Working Group FAQ Scenarios B and F).
///
/// # Examples
/// ```
/// use oncostat::irecist::NewLesionReset;
/// # fn main() -> Result<(), oncostat::Error> {
/// assert_eq!("any-decrease".parse::<NewLesionReset>()?, NewLesionReset::AnyDecrease);
/// assert_eq!(NewLesionReset::default().to_string(), "shrinkage-to-pr");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NewLesionReset {
    /// Scenario B: only if the target sum has decreased further since the (last) iUPD
    /// assessment **and** now meets PR against baseline (or the targets are gone). Scenario F
    /// (PR met before the new lesion, nothing changed) and a decrease short of PR remain iUPD;
    /// a small decrease never resets to iSD. The default.
    #[default]
    ShrinkageToPr,
    /// Any strictly lower target sum than at the last iUPD assessment ends it (the first
    /// round's reading; a 1 mm drop turns iUPD into iSD).
    AnyDecrease,
    /// Unchanged new lesions never keep an iUPD open: the target and non-target calls decide.
    Always,
}

impl std::fmt::Display for NewLesionReset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NewLesionReset::ShrinkageToPr => "shrinkage-to-pr",
            NewLesionReset::AnyDecrease => "any-decrease",
            NewLesionReset::Always => "always",
        })
    }
}

impl std::str::FromStr for NewLesionReset {
    type Err = crate::Error;

    /// Parses `shrinkage-to-pr`, `any-decrease` or `always`.
    fn from_str(s: &str) -> crate::Result<Self> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "shrinkage-to-pr" => Ok(NewLesionReset::ShrinkageToPr),
            "any-decrease" => Ok(NewLesionReset::AnyDecrease),
            "always" => Ok(NewLesionReset::Always),
            _ => Err(crate::Error::InvalidMeasurement {
                value: s.trim().to_string(),
                reason: "expected `shrinkage-to-pr`, `any-decrease` or `always`",
            }),
        }
    }
}

/// Which criteria a report shows: iRECIST or RECIST 1.1 (both are always computed).
///
/// # Examples
/// ```
/// use oncostat::irecist::Criteria;
/// # fn main() -> Result<(), oncostat::Error> {
/// assert_eq!("recist".parse::<Criteria>()?, Criteria::Recist);
/// assert_eq!(Criteria::default().to_string(), "irecist");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Criteria {
    /// iRECIST (Seymour 2017): iUPD / iCPD. The default.
    #[default]
    Irecist,
    /// RECIST 1.1 (Eisenhauer 2009): progression is PD and ends the assessment.
    Recist,
}

impl std::fmt::Display for Criteria {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Criteria::Irecist => "irecist",
            Criteria::Recist => "recist",
        })
    }
}

impl std::str::FromStr for Criteria {
    type Err = crate::Error;

    /// Parses `irecist` or `recist` (also `recist1.1`, `recist11`).
    fn from_str(s: &str) -> crate::Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "irecist" => Ok(Criteria::Irecist),
            "recist" | "recist1.1" | "recist11" | "recist 1.1" => Ok(Criteria::Recist),
            _ => Err(crate::Error::InvalidMeasurement {
                value: s.trim().to_string(),
                reason: "expected `irecist` or `recist`",
            }),
        }
    }
}

/// Every open decision of the iRECIST specification (`irecist.md` §3.3), with the
/// recommended defaults.
///
/// Decisions that are fixed rather than configurable, because only one reading fits the
/// sources or the lesion file cannot express the alternative:
///
/// | # | behaviour |
/// |---|---|
/// | — | paired organs (lungs, kidneys, …) are one organ: laterality words anywhere in `organ` are ignored for the per-organ limits (RECIST WG Q&A) |
/// | — | a baseline non-target lymph node under 10 mm is normal, not a lesion: an error |
/// | — | a registered lesion without a row at a visit is not evaluated there (a new lesion too) |
/// | — | a positive size that rounds to 0 tenths of a mm is an error, never "disappeared" |
/// | D8 | NE after iUPD: the episode stays open and is confirmed (or reset) at the next evaluable assessment |
/// | A1 | the NIL baseline is the file's day 0 (the file carries no radiotherapy date) |
/// | A2 | NIL targets: the non-irradiated baseline targets; places freed by irradiated targets go to the largest measurable non-irradiated non-targets (see [`assess_abscopal`](super::assess_abscopal)) |
/// | A3 | new non-irradiated lesions are NIL new lesions |
/// | A5 | an iUPD never confirmed nor reset gives iBOR iUPD: no benefit |
/// | A6 | the iBOR uses every visit up to and including the first iCPD |
/// | A7 | irradiated lesions are ignored by the NIL assessment (they count in [`assess`](super::assess)) |
///
/// Construct with [`IrecistRules::default()`] (or [`IrecistRules::new()`]) and change fields
/// directly or with the consuming setters:
///
/// ```
/// use oncostat::irecist::IrecistRules;
/// let rules = IrecistRules::new().min_sd_days(56).confirmation_required(true);
/// assert_eq!(rules.min_sd_days, 56);
/// assert_eq!(rules.confirm_min_days, 28);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IrecistRules {
    /// D7. Minimum time from baseline for iSD (and NON-iCR/NON-iUPD, and the RECIST 1.1 SD) to
    /// count as best overall response, in days. Default **42**.
    pub min_sd_days: u32,
    /// D9. Require confirmation of iCR/iPR (and RECIST CR/PR) by a later assessment at least
    /// [`confirm_min_days`](Self::confirm_min_days) later (at most one NE in between). An
    /// unconfirmed response then counts as stable disease. Default **false** (randomised-trial
    /// convention).
    pub confirmation_required: bool,
    /// D6 / D9. Minimum days between the first iUPD and a scan that can confirm it (iCPD), and
    /// between a response and its confirmation. Default **28**.
    pub confirm_min_days: u32,
    /// D6. Tolerance (days) subtracted from [`confirm_min_days`](Self::confirm_min_days) for
    /// iCPD confirmation scans (protocol visit windows): a scan 26 days after the first iUPD
    /// can confirm it. Default **2**.
    pub window_tolerance_days: u32,
    /// D6. A confirmation scan more than this many days after the first iUPD is still used,
    /// but its reason notes the delay. Default **56**.
    pub confirm_late_days: u32,
    /// D10. Continuing ("sticky") PR before any iUPD: once the target response was PR (or
    /// CR), it stays PR until progression, even if the sum rises above 70 % of baseline.
    /// Default **true**.
    pub sticky_pr: bool,
    /// D3. Keep a PR reached before an iUPD episode sticky after the episode closes. Default
    /// **false**: after an iUPD episode, PR is judged against baseline afresh.
    pub sticky_pr_after_iupd: bool,
    /// D4. After a reset, new target lesions trigger a new iUPD only when their sum rises
    /// ≥ 20 % **and** ≥ 5 mm above their own nadir (`false`: 20 % alone). Default **true**.
    pub nlt_progression_needs_5mm: bool,
    /// D2. When a new-lesion-driven iUPD ends while the new lesions are unchanged or smaller
    /// (iRECIST Table 2, last rows; WG FAQ Scenarios B and F). Default
    /// [`NewLesionReset::ShrinkageToPr`].
    pub new_lesion_reset: NewLesionReset,
    /// D5. Target nodes all < 10 mm and non-nodal targets gone is CR even if the sum rose
    /// (`false`: PD is checked first). Default **true**.
    pub cr_before_pd: bool,
    /// D1. Target-driven iCPD is measured from the sum at the **first** iUPD of the episode,
    /// so increments add up (`false`: from the last iUPD assessment). Default **true**.
    pub icpd_from_first_iupd: bool,
    /// iRECIST §2.1: a scan earlier than the confirmation window cannot confirm iUPD except
    /// when it shows additional new lesions (a scan for new clinical signs). `true` lets such
    /// early scans confirm by additional new lesions. Default **true**.
    pub early_scan_new_lesions_confirm: bool,
    /// WG iRECIST FAQ ("can imaging be used to confirm progression even when done less than
    /// four weeks …"): only a scan done for a new symptom or sign ([`Scan::Symptom`](super::Scan::Symptom))
    /// can confirm iCPD early by additional new lesions (`false`: any early scan). Default
    /// **true**.
    pub early_scan_symptom_only: bool,
    /// WG iRECIST FAQ ("if iUPD is driven by non-target disease …"): after a non-target-driven
    /// iUPD, iCPD is confirmed by a non-target recorded as a further increase (`INCLA`,
    /// `further-increase`). `true` also lets a larger size in mm of a measured non-target
    /// confirm; `false` (default) follows `irecist.md` §4.5: a re-measured size is not enough.
    pub nt_size_increase_confirms: bool,
    /// An iUPD proven from a partial target sum (a target not evaluated) keeps that partial
    /// sum, over the lesions assessed then, as the reference of the +5 mm confirmation; later
    /// sums are compared over the same lesions. `false`: the reference is taken at the first
    /// full sum (the first round's silent re-basing). Default **true**.
    pub partial_sum_reference: bool,
    /// "Reappearance after CR is PD" (RECIST WG FAQ "does a new lesion always result in PD":
    /// only after a CR *definitively* assigned, and "it is recommended that CR in previous
    /// cycle is confirmed"): any reappearance is progression only after a CR confirmed by a
    /// second CR at least [`confirm_min_days`](Self::confirm_min_days) later. `false`: after
    /// any CR (RECIST 1.1 Table 3 note, "if a CR is truly met"). Default **true**.
    pub reappearance_needs_confirmed_cr: bool,
    /// RECIST 1.1 §4.3.2: an `equivocal` new lesion later seen unequivocally dates progression
    /// back to the first equivocal scan (the revised visit is marked). `false`: progression
    /// from the unequivocal scan. Default **true**.
    pub backdate_equivocal: bool,
    /// A4. Classification of patients whose non-irradiated disease is non-target only.
    /// Default [`NonTargetOnlyNil::NotEvaluable`].
    pub non_target_only_nil: NonTargetOnlyNil,
}

impl Default for IrecistRules {
    fn default() -> Self {
        IrecistRules {
            min_sd_days: 42,
            confirmation_required: false,
            confirm_min_days: 28,
            window_tolerance_days: 2,
            confirm_late_days: 56,
            sticky_pr: true,
            sticky_pr_after_iupd: false,
            nlt_progression_needs_5mm: true,
            new_lesion_reset: NewLesionReset::ShrinkageToPr,
            cr_before_pd: true,
            icpd_from_first_iupd: true,
            early_scan_new_lesions_confirm: true,
            early_scan_symptom_only: true,
            nt_size_increase_confirms: false,
            partial_sum_reference: true,
            reappearance_needs_confirmed_cr: true,
            backdate_equivocal: true,
            non_target_only_nil: NonTargetOnlyNil::NotEvaluable,
        }
    }
}

macro_rules! setter {
    ($(#[$doc:meta])* $name:ident: $ty:ty) => {
        $(#[$doc])*
        #[must_use]
        pub fn $name(mut self, value: $ty) -> Self {
            self.$name = value;
            self
        }
    };
}

impl IrecistRules {
    /// The recommended defaults (same as [`Default`]).
    pub fn new() -> Self {
        Self::default()
    }

    setter!(
        /// Sets [`min_sd_days`](Self::min_sd_days) (default 42).
        min_sd_days: u32
    );
    setter!(
        /// Sets [`confirmation_required`](Self::confirmation_required) (default false).
        confirmation_required: bool
    );
    setter!(
        /// Sets [`confirm_min_days`](Self::confirm_min_days) (default 28).
        confirm_min_days: u32
    );
    setter!(
        /// Sets [`window_tolerance_days`](Self::window_tolerance_days) (default 2).
        window_tolerance_days: u32
    );
    setter!(
        /// Sets [`confirm_late_days`](Self::confirm_late_days) (default 56).
        confirm_late_days: u32
    );
    setter!(
        /// Sets [`sticky_pr`](Self::sticky_pr) (default true).
        sticky_pr: bool
    );
    setter!(
        /// Sets [`sticky_pr_after_iupd`](Self::sticky_pr_after_iupd) (default false).
        sticky_pr_after_iupd: bool
    );
    setter!(
        /// Sets [`nlt_progression_needs_5mm`](Self::nlt_progression_needs_5mm) (default true).
        nlt_progression_needs_5mm: bool
    );
    setter!(
        /// Sets [`new_lesion_reset`](Self::new_lesion_reset) (default shrinkage to PR).
        new_lesion_reset: NewLesionReset
    );
    setter!(
        /// Sets [`early_scan_symptom_only`](Self::early_scan_symptom_only) (default true).
        early_scan_symptom_only: bool
    );
    setter!(
        /// Sets [`nt_size_increase_confirms`](Self::nt_size_increase_confirms) (default false).
        nt_size_increase_confirms: bool
    );
    setter!(
        /// Sets [`partial_sum_reference`](Self::partial_sum_reference) (default true).
        partial_sum_reference: bool
    );
    setter!(
        /// Sets [`reappearance_needs_confirmed_cr`](Self::reappearance_needs_confirmed_cr)
        /// (default true).
        reappearance_needs_confirmed_cr: bool
    );
    setter!(
        /// Sets [`backdate_equivocal`](Self::backdate_equivocal) (default true).
        backdate_equivocal: bool
    );
    setter!(
        /// Sets [`cr_before_pd`](Self::cr_before_pd) (default true).
        cr_before_pd: bool
    );
    setter!(
        /// Sets [`icpd_from_first_iupd`](Self::icpd_from_first_iupd) (default true).
        icpd_from_first_iupd: bool
    );
    setter!(
        /// Sets [`early_scan_new_lesions_confirm`](Self::early_scan_new_lesions_confirm)
        /// (default true).
        early_scan_new_lesions_confirm: bool
    );
    setter!(
        /// Sets [`non_target_only_nil`](Self::non_target_only_nil) (default not evaluable).
        non_target_only_nil: NonTargetOnlyNil
    );

    /// Days after the first iUPD from which a scan can confirm it.
    pub(crate) fn icpd_window_start(&self) -> u32 {
        self.confirm_min_days
            .saturating_sub(self.window_tolerance_days)
    }
}
