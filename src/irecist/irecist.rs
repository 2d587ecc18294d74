//! The iRECIST state machine (Seymour 2017; `irecist.md` §4.5): iUPD, confirmation to iCPD
//! within the window, additive increments, reset of the bar, new-lesion registry.

use super::facts::VisitFacts;
use super::measure::Tenths;
use super::recist::{
    TargetContext, combine_non_progressive, is_pd, is_pd_20, is_up_5mm, non_target_response,
    target_response,
};
use super::response::{Recist11, Response};
use super::rules::IrecistRules;

/// An open (unconfirmed) progression episode.
#[derive(Debug, Clone, Copy)]
struct Episode {
    first_day: u32,
    by_target: bool,
    by_non_target: bool,
    /// Target sum the +5 mm confirmation is measured from (D1).
    target_ref: Option<Tenths>,
    /// New-target-lesion sum at the first iUPD.
    nlt_ref: Tenths,
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
}

impl Call {
    fn new(response: Response, reason: &'static str) -> Self {
        Call {
            response,
            reason,
            late_confirmation: false,
            disregarded: false,
        }
    }
}

/// iRECIST state of one patient.
#[derive(Debug, Clone)]
pub(crate) struct IrecistTrack {
    ctx: Option<TargetContext>,
    after_cr: bool,
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
            after_cr: false,
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
            after_cr: self.after_cr,
            ..*ctx
        };
        target_response(f, &ctx, rules.sticky_pr, rules)
    }

    /// iRECIST response at a follow-up visit on `day`.
    pub(crate) fn step(&mut self, day: u32, f: &VisitFacts, rules: &IrecistRules) -> Call {
        if self.confirmed {
            return Call::new(
                Response::ConfirmedProgression,
                "after iCPD: confirmed progression is final",
            );
        }
        let target = self.target(f, rules);
        let t = target.map(|(r, _)| r);
        let nt = non_target_response(f, self.after_cr);
        match self.episode {
            None => self.step_without_episode(day, f, target, nt, rules),
            Some(ep) => self.step_in_episode(day, f, ep, t, nt, rules),
        }
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
            && f.has_nlt
            && !f.nlt_any_ne
            && self.nlt_nadir.is_some_and(|nadir| {
                if rules.nlt_progression_needs_5mm {
                    is_pd(f.nlt_sum, nadir)
                } else {
                    is_pd_20(f.nlt_sum, nadir) && f.nlt_sum > nadir
                }
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
            self.episode = Some(Episode {
                first_day: day,
                by_target,
                by_non_target,
                target_ref: sum,
                nlt_ref: f.nlt_sum,
                registered_ref: f.new_registered,
                last_iupd_sum: sum,
            });
            self.update_nadir(f);
            if let Some(ctx) = self.ctx.as_mut().filter(|_| !rules.sticky_pr_after_iupd) {
                ctx.had_pr = false;
            }
            return Call::new(Response::UnconfirmedProgression, reason);
        }
        let (response, reason) = self.non_progressive(f, target, nt);
        self.settle(f, t, response);
        Call::new(response, reason)
    }

    fn step_in_episode(
        &mut self,
        day: u32,
        f: &VisitFacts,
        ep: Episode,
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
            if rules.early_scan_new_lesions_confirm && more_new {
                return self.confirm(ep, since, "iCPD: additional new lesions", rules);
            }
            let mut call = if not_evaluable {
                Call::new(Response::NotEvaluable, "not evaluable; the iUPD stays open")
            } else {
                Call::new(
                    Response::UnconfirmedProgression,
                    "remains iUPD: scan earlier than the confirmation window is disregarded",
                )
            };
            call.disregarded = true;
            return call;
        }
        let confirm = if ep.by_target
            && ep
                .target_ref
                .is_some_and(|r| f.has_targets && is_up_5mm(f.target_sum, r))
        {
            Some("iCPD: target sum >= 5 mm above the iUPD reference")
        } else if !ep.by_target && t == Some(Recist11::ProgressiveDisease) {
            Some("iCPD: target progression in a category not progressing before")
        } else if ep.by_non_target && f.nt_increase {
            Some("iCPD: further increase of non-target disease")
        } else if !ep.by_non_target && nt == Some(Recist11::ProgressiveDisease) {
            Some("iCPD: non-target progression in a category not progressing before")
        } else if more_new {
            Some("iCPD: additional new lesions")
        } else if new_existed && f.has_nlt && is_up_5mm(f.nlt_sum, ep.nlt_ref) {
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
            );
        }
        let sum = Self::full_sum(f);
        let still = if t == Some(Recist11::ProgressiveDisease) {
            Some("remains iUPD: target sum still at progression level")
        } else if ep.by_non_target && nt != Some(Recist11::CompleteResponse) {
            Some("remains iUPD: non-target progression persists without further increase")
        } else if new_existed && f.has_nlt && f.nlt_sum > ep.nlt_ref {
            Some("remains iUPD: new target lesions grew by less than 5 mm")
        } else if rules.unchanged_new_lesions_remain_iupd
            && f.new_present
            && !matches!((sum, ep.last_iupd_sum), (Some(s), Some(last)) if s < last)
        {
            Some("remains iUPD: new lesions persist and the target sum is not lower (scenario F)")
        } else {
            None
        };
        if let Some(reason) = still {
            let mut next = ep;
            if sum.is_some() {
                next.last_iupd_sum = sum;
                if next.target_ref.is_none() || !rules.icpd_from_first_iupd {
                    next.target_ref = sum;
                }
            }
            self.episode = Some(next);
            self.update_nadir(f);
            return Call::new(Response::UnconfirmedProgression, reason);
        }
        // Reset of the bar: iUPD not confirmed and the assessment is iSD/iPR/iCR.
        self.episode = None;
        self.post_reset = true;
        self.nlt_nadir = (f.has_nlt && !f.nlt_any_ne).then_some(f.nlt_sum);
        let target = self.target(f, rules);
        let (response, _) = self.non_progressive(f, target, nt);
        self.settle(f, t, response);
        Call::new(
            response,
            "iUPD not confirmed: the bar is reset (a new iUPD needs RECIST progression again)",
        )
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
        Call {
            response: Response::ConfirmedProgression,
            reason,
            late_confirmation: since > rules.confirm_late_days,
            disregarded: false,
        }
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
            Recist11::CompleteResponse if f.new_present => {
                if t.is_some() {
                    (
                        Response::PartialResponse,
                        "iPR: baseline disease gone but new lesions persist",
                    )
                } else {
                    (
                        Response::NonCompleteNonProgression,
                        "non-iCR/non-iUPD: new lesions persist",
                    )
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
        self.after_cr = response == Response::CompleteResponse;
        if self.post_reset && f.has_nlt && !f.nlt_any_ne {
            self.nlt_nadir = Some(self.nlt_nadir.map_or(f.nlt_sum, |n| n.min(f.nlt_sum)));
        }
    }
}
