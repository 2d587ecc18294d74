//! The iRECIST state machine (Seymour 2017; `irecist.md` §4.5): iUPD, confirmation to iCPD
//! within the window, additive increments, reset of the bar, new-lesion registry.

use super::facts::VisitFacts;
use super::measure::Tenths;
use super::recist::{
    CrRun, TargetContext, combine_non_progressive, is_pd, is_pd_20, is_pr, is_up_5mm,
    non_target_response, target_response,
};
use super::records::Scan;
use super::response::{Recist11, Response};
use super::rules::{IrecistRules, NewLesionReset};

/// The +5 mm reference of a target-driven iUPD: a sum and the targets it covers (all of them,
/// unless the iUPD was proven from a partial sum).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TargetRef {
    pub sum: Tenths,
    pub mask: u8,
    pub partial: bool,
}

/// An open (unconfirmed) progression episode.
#[derive(Debug, Clone, Copy)]
struct Episode {
    first_day: u32,
    by_target: bool,
    by_non_target: bool,
    by_new: bool,
    /// Target sum the +5 mm confirmation is measured from (D1).
    target_ref: Option<TargetRef>,
    /// New-target-lesion sum at the first iUPD (or when first fully measured).
    nlt_ref: Option<Tenths>,
    /// New lesions registered at the first iUPD.
    registered_ref: usize,
    /// Target sum at the most recent iUPD assessment (Scenario B vs F).
    last_iupd_sum: Option<Tenths>,
}

/// One iRECIST call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Call {
    pub response: Response,
    pub reason: &'static str,
    /// A confirmation scan later than `confirm_late_days` after the first iUPD.
    pub late_confirmation: bool,
    /// A scan too early to confirm iUPD: disregarded by the state machine.
    pub disregarded: bool,
    /// The target reference of the iUPD episode open at (or confirmed by) this visit.
    pub target_ref: Option<TargetRef>,
    /// The new-target-lesion reference of that episode.
    pub nlt_ref: Option<Tenths>,
    /// Day of the first iUPD of that episode.
    pub episode_day: Option<u32>,
    /// Target and non-target components (RECIST categories against the iRECIST references).
    pub components: (Option<Recist11>, Option<Recist11>),
}

impl Call {
    fn new(response: Response, reason: &'static str) -> Self {
        Call {
            response,
            reason,
            late_confirmation: false,
            disregarded: false,
            target_ref: None,
            nlt_ref: None,
            episode_day: None,
            components: (None, None),
        }
    }

    fn with_episode(mut self, ep: Option<&Episode>) -> Self {
        if let Some(ep) = ep {
            self.target_ref = ep.target_ref;
            self.nlt_ref = ep.nlt_ref;
            self.episode_day = Some(ep.first_day);
        }
        self
    }
}

/// iRECIST state of one patient.
#[derive(Debug, Clone)]
pub(crate) struct IrecistTrack {
    ctx: Option<TargetContext>,
    cr_run: CrRun,
    episode: Option<Episode>,
    confirmed: bool,
    post_reset: bool,
    nlt_nadir: Option<Tenths>,
    progression_day: Option<u32>,
}

impl IrecistTrack {
    pub(crate) fn new(baseline: Option<Tenths>) -> Self {
        IrecistTrack {
            ctx: baseline.map(TargetContext::new),
            cr_run: CrRun::default(),
            episode: None,
            confirmed: false,
            post_reset: false,
            nlt_nadir: None,
            progression_day: None,
        }
    }

    /// The nadir the next visit is compared with.
    pub(crate) fn nadir(&self) -> Option<Tenths> {
        self.ctx.map(|c| c.nadir)
    }

    /// The new-target-lesion nadir after a reset (the reference of a new iUPD by NLT growth).
    pub(crate) fn nlt_nadir(&self) -> Option<Tenths> {
        self.post_reset.then_some(self.nlt_nadir).flatten()
    }

    /// Day of the first iUPD of the confirmed episode.
    pub(crate) fn progression_day(&self) -> Option<u32> {
        self.progression_day
    }

    fn full_sum(f: &VisitFacts) -> Option<Tenths> {
        (f.has_targets && !f.target_any_ne).then_some(f.target_sum)
    }

    fn target(&self, f: &VisitFacts, rules: &IrecistRules) -> Option<(Recist11, &'static str)> {
        let ctx = self.ctx.as_ref()?;
        let ctx = TargetContext {
            after_cr: self.cr_run.definitive(rules),
            ..*ctx
        };
        target_response(f, &ctx, rules.sticky_pr, rules)
    }

    /// iRECIST response at a follow-up visit on `day`, scanned for reason `scan`.
    pub(crate) fn step(
        &mut self,
        day: u32,
        scan: Scan,
        f: &VisitFacts,
        rules: &IrecistRules,
    ) -> Call {
        if self.confirmed {
            return Call::new(
                Response::ConfirmedProgression,
                "after iCPD: confirmed progression is final",
            );
        }
        let target = self.target(f, rules);
        let t = target.map(|(r, _)| r);
        let nt = non_target_response(f, self.cr_run.definitive(rules));
        let mut call = match self.episode {
            None => self.step_without_episode(day, f, target, nt, rules),
            Some(ep) => self.step_in_episode(day, scan, f, ep, t, nt, rules),
        };
        call.components = (t, nt);
        if !call.disregarded && !self.confirmed {
            self.cr_run.observe(
                day,
                call.response == Response::CompleteResponse,
                call.response == Response::NotEvaluable,
            );
        }
        call
    }

    fn step_without_episode(
        &mut self,
        day: u32,
        f: &VisitFacts,
        target: Option<(Recist11, &'static str)>,
        nt: Option<Recist11>,
        rules: &IrecistRules,
    ) -> Call {
        let t = target.map(|(r, _)| r);
        let by_target = t == Some(Recist11::ProgressiveDisease);
        let by_non_target = nt == Some(Recist11::ProgressiveDisease);
        let nlt_progressed = self.post_reset
            && f.nlt_complete().is_some_and(|sum| {
                self.nlt_nadir.is_some_and(|nadir| {
                    if rules.nlt_progression_needs_5mm {
                        is_pd(sum, nadir)
                    } else {
                        is_pd_20(sum, nadir) && sum > nadir
                    }
                })
            });
        let nlnt_progressed = self.post_reset && f.nlnt_progression;
        let by_new = f.new_appeared > 0 || nlt_progressed || nlnt_progressed;
        if by_target || by_non_target || by_new {
            let reason = if by_target {
                target.map_or("target progression", |(_, why)| why)
            } else if by_non_target {
                "iUPD: unequivocal non-target progression"
            } else if f.new_appeared > 0 {
                "iUPD: new lesion(s)"
            } else if nlt_progressed {
                "iUPD: new target lesions progressed vs their nadir after a reset"
            } else {
                "iUPD: unequivocal progression of new non-target lesions after a reset"
            };
            let sum = Self::full_sum(f);
            let target_ref = if !f.has_targets {
                None
            } else if let Some(sum) = sum {
                Some(TargetRef {
                    sum,
                    mask: f.assessed_mask(),
                    partial: false,
                })
            } else if rules.partial_sum_reference && by_target {
                Some(TargetRef {
                    sum: f.target_sum,
                    mask: f.assessed_mask(),
                    partial: true,
                })
            } else {
                None
            };
            let ep = Episode {
                first_day: day,
                by_target,
                by_non_target,
                by_new,
                target_ref,
                nlt_ref: f.nlt_complete(),
                registered_ref: f.new_registered,
                last_iupd_sum: sum,
            };
            self.episode = Some(ep);
            self.update_nadir(f);
            if let Some(ctx) = self.ctx.as_mut().filter(|_| !rules.sticky_pr_after_iupd) {
                ctx.had_pr = false;
            }
            return Call::new(Response::UnconfirmedProgression, reason).with_episode(Some(&ep));
        }
        let (response, reason) = self.non_progressive(f, target, nt);
        self.settle(f, t, response);
        Call::new(response, reason)
    }

    #[allow(clippy::too_many_arguments)]
    fn step_in_episode(
        &mut self,
        day: u32,
        scan: Scan,
        f: &VisitFacts,
        mut ep: Episode,
        t: Option<Recist11>,
        nt: Option<Recist11>,
        rules: &IrecistRules,
    ) -> Call {
        let since = day.saturating_sub(ep.first_day);
        let more_new = f.new_registered > ep.registered_ref;
        let new_existed = ep.registered_ref > 0;
        // Not evaluable when what could confirm or resolve the episode was not assessed.
        let not_evaluable = t == Some(Recist11::NotEvaluable)
            || ((t.is_none() || ep.by_non_target) && nt == Some(Recist11::NotEvaluable))
            || (new_existed && f.new_any_ne);
        if since < rules.icpd_window_start() {
            let may_confirm = rules.early_scan_new_lesions_confirm
                && (!rules.early_scan_symptom_only || scan == Scan::Symptom);
            if may_confirm && more_new {
                return self.confirm(
                    ep,
                    since,
                    "iCPD: additional new lesions on a scan for a new symptom or sign \
                     (earlier than the confirmation window)",
                    rules,
                );
            }
            let mut call = Call::new(
                Response::UnconfirmedProgression,
                "disregarded: scan earlier than the confirmation window (only a scan for a new \
                 symptom or sign showing additional new lesions could confirm iCPD)",
            )
            .with_episode(Some(&ep));
            call.disregarded = true;
            return call;
        }
        let target_up = ep.by_target
            && ep.target_ref.is_some_and(|r| {
                f.sum_over(r.mask)
                    .is_some_and(|s| f.has_targets && is_up_5mm(s, r.sum))
            });
        let nlt_now = f.nlt_complete();
        let confirm = if target_up {
            Some(if ep.target_ref.is_some_and(|r| r.partial) {
                "iCPD: the targets assessed at the iUPD (a partial sum) are >= 5 mm above it"
            } else {
                "iCPD: target sum >= 5 mm above the iUPD reference"
            })
        } else if !ep.by_target && t == Some(Recist11::ProgressiveDisease) {
            Some("iCPD: target progression in a category not progressing before")
        } else if ep.by_non_target && f.nt_further_increase {
            Some("iCPD: further increase of non-target disease (INCLA)")
        } else if ep.by_non_target && rules.nt_size_increase_confirms && f.nt_size_increase {
            Some("iCPD: a measured non-target lesion increased in size")
        } else if !ep.by_non_target && nt == Some(Recist11::ProgressiveDisease) {
            Some("iCPD: non-target progression in a category not progressing before")
        } else if more_new {
            Some("iCPD: additional new lesions")
        } else if new_existed
            && matches!((nlt_now, ep.nlt_ref), (Some(s), Some(r)) if is_up_5mm(s, r))
        {
            Some("iCPD: new target lesion sum >= 5 mm above the iUPD")
        } else if new_existed && f.new_increase {
            Some("iCPD: new non-target lesions increased")
        } else {
            None
        };
        if let Some(reason) = confirm {
            return self.confirm(ep, since, reason, rules);
        }
        if not_evaluable {
            return Call::new(
                Response::NotEvaluable,
                "not evaluable; the iUPD stays open until the next evaluable assessment",
            )
            .with_episode(Some(&ep));
        }
        let sum = Self::full_sum(f);
        let shrunk = matches!((sum, ep.last_iupd_sum), (Some(s), Some(last)) if s < last);
        let reaches_pr = sum
            .is_some_and(|s| f.target_all_gone || self.ctx.is_some_and(|c| is_pr(s, c.baseline)));
        let new_lesions_hold = ep.by_new
            && f.new_present
            && match rules.new_lesion_reset {
                NewLesionReset::ShrinkageToPr => !(shrunk && reaches_pr),
                NewLesionReset::AnyDecrease => !shrunk,
                NewLesionReset::Always => false,
            };
        let still = if t == Some(Recist11::ProgressiveDisease) {
            Some("remains iUPD: target sum still at progression level")
        } else if ep.by_non_target && f.nt_still_progressed {
            Some(
                "remains iUPD: non-target disease still progressed (UNE/INC/NCLA), no further increase",
            )
        } else if new_existed && matches!((nlt_now, ep.nlt_ref), (Some(s), Some(r)) if s > r) {
            Some("remains iUPD: new target lesions grew by less than 5 mm")
        } else if new_lesions_hold {
            Some(match rules.new_lesion_reset {
                NewLesionReset::AnyDecrease => {
                    "remains iUPD: new lesions persist and the target sum is not lower (scenario F)"
                }
                _ if shrunk => {
                    "remains iUPD: new lesions persist and the target shrinkage does not reach PR \
                     (scenario B needs PR vs baseline)"
                }
                _ => {
                    "remains iUPD: new lesions persist and the target sum did not decrease further \
                      (scenario F)"
                }
            })
        } else {
            None
        };
        if let Some(reason) = still {
            if sum.is_some() {
                ep.last_iupd_sum = sum;
                let rebase = ep.target_ref.is_none() || !rules.icpd_from_first_iupd;
                if rebase && ep.by_target {
                    ep.target_ref = sum.map(|s| TargetRef {
                        sum: s,
                        mask: f.assessed_mask(),
                        partial: false,
                    });
                }
            }
            if ep.nlt_ref.is_none() {
                ep.nlt_ref = nlt_now;
            }
            self.episode = Some(ep);
            self.update_nadir(f);
            return Call::new(Response::UnconfirmedProgression, reason).with_episode(Some(&ep));
        }
        // Reset of the bar: iUPD not confirmed and the assessment is iSD/iPR/iCR.
        self.episode = None;
        self.post_reset = true;
        self.nlt_nadir = nlt_now;
        let target = self.target(f, rules);
        let (response, _) = self.non_progressive(f, target, nt);
        self.settle(f, t, response);
        Call::new(
            response,
            "iUPD not confirmed: the bar is reset (a new iUPD needs RECIST progression again)",
        )
        .with_episode(Some(&ep))
    }

    fn confirm(
        &mut self,
        ep: Episode,
        since: u32,
        reason: &'static str,
        rules: &IrecistRules,
    ) -> Call {
        self.confirmed = true;
        self.episode = None;
        self.progression_day = Some(ep.first_day);
        let mut call = Call::new(Response::ConfirmedProgression, reason).with_episode(Some(&ep));
        call.late_confirmation = since > rules.confirm_late_days;
        call
    }

    /// iCR / iPR / iSD / NON-iCR/NON-iUPD / NE when nothing progresses.
    fn non_progressive(
        &self,
        f: &VisitFacts,
        target: Option<(Recist11, &'static str)>,
        nt: Option<Recist11>,
    ) -> (Response, &'static str) {
        let t = target.map(|(r, _)| r);
        let overall = combine_non_progressive(t, nt);
        let why = target.map_or("non-target disease only", |(_, why)| why);
        match overall {
            Recist11::CompleteResponse if f.new_present || f.new_any_ne => {
                let persist = f.new_present;
                match (t.is_some(), persist) {
                    (true, true) => (
                        Response::PartialResponse,
                        "iPR: baseline disease gone but new lesions persist",
                    ),
                    (true, false) => (
                        Response::PartialResponse,
                        "iPR: baseline disease gone but a new lesion was not evaluated",
                    ),
                    (false, true) => (
                        Response::NonCompleteNonProgression,
                        "non-iCR/non-iUPD: new lesions persist",
                    ),
                    (false, false) => (
                        Response::NotEvaluable,
                        "not evaluable: a new lesion was not evaluated",
                    ),
                }
            }
            Recist11::CompleteResponse => (
                Response::CompleteResponse,
                "iCR: all lesions gone, nodes < 10 mm",
            ),
            Recist11::PartialResponse => (Response::PartialResponse, why),
            Recist11::StableDisease => (Response::StableDisease, why),
            Recist11::NonCompleteNonProgression => (
                Response::NonCompleteNonProgression,
                "non-iCR/non-iUPD: non-target disease persists",
            ),
            _ => (Response::NotEvaluable, "not evaluable"),
        }
    }

    fn update_nadir(&mut self, f: &VisitFacts) {
        if let (Some(ctx), Some(sum)) = (self.ctx.as_mut(), Self::full_sum(f)) {
            ctx.nadir = ctx.nadir.min(sum);
        }
    }

    /// State updates after a non-progressive call.
    fn settle(&mut self, f: &VisitFacts, t: Option<Recist11>, response: Response) {
        if response == Response::NotEvaluable {
            return;
        }
        self.update_nadir(f);
        if let Some(ctx) = self.ctx.as_mut() {
            ctx.had_pr |= matches!(
                t,
                Some(Recist11::PartialResponse | Recist11::CompleteResponse)
            );
        }
        if self.post_reset
            && let Some(sum) = f.nlt_complete()
        {
            self.nlt_nadir = Some(self.nlt_nadir.map_or(sum, |n| n.min(sum)));
        }
    }
}
