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

/// Every open decision of the iRECIST specification (`irecist.md` §3.3), with the
/// recommended defaults.
///
/// Decisions that are fixed rather than configurable, because only one reading fits the
/// sources or the lesion file cannot express the alternative:
///
/// | # | behaviour |
/// |---|---|
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
    /// D2. Scenario F: when only unchanged new lesions keep an iUPD open, stay iUPD unless the
    /// target sum is strictly lower than at the last iUPD (`false`: unchanged new lesions
    /// alone never keep iUPD open). Default **true**.
    pub unchanged_new_lesions_remain_iupd: bool,
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
            unchanged_new_lesions_remain_iupd: true,
            cr_before_pd: true,
            icpd_from_first_iupd: true,
            early_scan_new_lesions_confirm: true,
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
        /// Sets [`unchanged_new_lesions_remain_iupd`](Self::unchanged_new_lesions_remain_iupd)
        /// (default true).
        unchanged_new_lesions_remain_iupd: bool
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
