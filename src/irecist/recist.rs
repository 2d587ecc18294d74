//! RECIST 1.1: target, non-target and overall timepoint responses (Eisenhauer 2009, Tables 1
//! and 2), shared by the iRECIST state machine.

use super::facts::VisitFacts;
use super::measure::Tenths;
use super::response::Recist11;
use super::rules::IrecistRules;

/// `S ≤ 0.70 × B`, exactly: `10·S ≤ 7·B`.
pub(crate) fn is_pr(sum: Tenths, baseline: Tenths) -> bool {
    10 * u64::from(sum.get()) <= 7 * u64::from(baseline.get())
}

/// `S ≥ 1.20 × N` and `S ≥ N + 5 mm`, exactly: `10·S ≥ 12·N && S ≥ N + 50`.
pub(crate) fn is_pd(sum: Tenths, nadir: Tenths) -> bool {
    is_pd_20(sum, nadir) && u64::from(sum.get()) >= u64::from(nadir.get()) + 50
}

/// `S ≥ 1.20 × N` alone.
pub(crate) fn is_pd_20(sum: Tenths, nadir: Tenths) -> bool {
    10 * u64::from(sum.get()) >= 12 * u64::from(nadir.get())
}

/// `S ≥ R + 5 mm`.
pub(crate) fn is_up_5mm(sum: Tenths, reference: Tenths) -> bool {
    u64::from(sum.get()) >= u64::from(reference.get()) + 50
}

/// The current run of complete responses, for "any reappearance after a (definitive) CR is
/// progression" (RECIST WG FAQ: CR definitively assigned at the previous assessment; it is
/// recommended that the CR is confirmed).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CrRun {
    start: Option<u32>,
    last: u32,
    ne: u8,
}

impl CrRun {
    /// Records the overall call at an evaluated (not disregarded) follow-up visit.
    pub(crate) fn observe(&mut self, day: u32, cr: bool, ne: bool) {
        if cr {
            self.start.get_or_insert(day);
            self.last = day;
            self.ne = 0;
        } else if ne && self.start.is_some() && self.ne == 0 {
            self.ne = 1;
        } else {
            *self = CrRun::default();
        }
    }

    /// Whether the last assessment was a CR that counts as definitive under `rules`.
    pub(crate) fn definitive(&self, rules: &IrecistRules) -> bool {
        self.start.is_some_and(|start| {
            !rules.reappearance_needs_confirmed_cr
                || self.last.saturating_sub(start) >= rules.confirm_min_days
        })
    }
}

/// What the target response depends on besides the visit's own lesions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TargetContext {
    pub baseline: Tenths,
    /// Smallest full sum so far, baseline included.
    pub nadir: Tenths,
    /// A PR or CR of the targets was reached (continuing PR).
    pub had_pr: bool,
    /// A definitive overall complete response was the last assessment (any reappearance is
    /// progression).
    pub after_cr: bool,
}

impl TargetContext {
    pub(crate) fn new(baseline: Tenths) -> Self {
        TargetContext {
            baseline,
            nadir: baseline,
            had_pr: false,
            after_cr: false,
        }
    }
}

const REAPPEARED: &str =
    "target PD: a lesion reappeared after a definitive (confirmed) complete response";

/// Target response with the rule that decided it; `None` without target lesions.
pub(crate) fn target_response(
    f: &VisitFacts,
    ctx: &TargetContext,
    sticky: bool,
    rules: &IrecistRules,
) -> Option<(Recist11, &'static str)> {
    if !f.has_targets {
        return None;
    }
    let s = f.target_sum;
    if f.target_any_ne {
        return Some(if is_pd(s, ctx.nadir) {
            (
                Recist11::ProgressiveDisease,
                "target PD proven by the assessed targets alone (a partial sum can only grow)",
            )
        } else if ctx.after_cr && f.target_reappeared {
            (Recist11::ProgressiveDisease, REAPPEARED)
        } else {
            (Recist11::NotEvaluable, "a target lesion was not evaluated")
        });
    }
    if rules.cr_before_pd && f.target_all_gone {
        return Some((
            Recist11::CompleteResponse,
            "target CR: non-nodal targets gone, target nodes < 10 mm",
        ));
    }
    if ctx.after_cr && f.target_reappeared {
        return Some((Recist11::ProgressiveDisease, REAPPEARED));
    }
    if is_pd(s, ctx.nadir) {
        return Some((
            Recist11::ProgressiveDisease,
            "target PD: sum >= 120% of the nadir and >= 5 mm above it",
        ));
    }
    if f.target_all_gone {
        return Some((
            Recist11::CompleteResponse,
            "target CR: non-nodal targets gone, target nodes < 10 mm",
        ));
    }
    if is_pr(s, ctx.baseline) {
        return Some((
            Recist11::PartialResponse,
            "target PR: sum <= 70% of baseline",
        ));
    }
    if sticky && ctx.had_pr {
        return Some((
            Recist11::PartialResponse,
            "continuing PR: PR reached before and no progression since",
        ));
    }
    Some((
        Recist11::StableDisease,
        "target SD: neither PR vs baseline nor PD vs nadir",
    ))
}

/// Non-target response; `None` without non-target lesions.
pub(crate) fn non_target_response(f: &VisitFacts, after_cr: bool) -> Option<Recist11> {
    if !f.has_non_targets {
        return None;
    }
    Some(if f.nt_progression || (after_cr && f.nt_reappeared) {
        Recist11::ProgressiveDisease
    } else if f.nt_any_ne {
        Recist11::NotEvaluable
    } else if f.nt_all_absent {
        Recist11::CompleteResponse
    } else {
        Recist11::NonCompleteNonProgression
    })
}

/// RECIST 1.1 Tables 1 and 2 without progression (no new lesion, neither component PD).
pub(crate) fn combine_non_progressive(t: Option<Recist11>, nt: Option<Recist11>) -> Recist11 {
    match (t, nt) {
        (None, Some(nt)) => nt,
        (None, None) => Recist11::NotEvaluable,
        (Some(Recist11::CompleteResponse), None | Some(Recist11::CompleteResponse)) => {
            Recist11::CompleteResponse
        }
        (Some(Recist11::CompleteResponse), Some(_)) => Recist11::PartialResponse,
        (Some(t), _) => t,
    }
}

/// The RECIST 1.1 track: progression ends the assessment.
#[derive(Debug, Clone)]
pub(crate) struct RecistTrack {
    ctx: Option<TargetContext>,
    cr_run: CrRun,
    progressed: bool,
    /// Target and non-target components of the last step.
    pub components: (Option<Recist11>, Option<Recist11>),
}

impl RecistTrack {
    pub(crate) fn new(baseline: Option<Tenths>) -> Self {
        RecistTrack {
            ctx: baseline.map(TargetContext::new),
            cr_run: CrRun::default(),
            progressed: false,
            components: (None, None),
        }
    }

    /// Overall RECIST 1.1 response at one follow-up visit.
    pub(crate) fn step(&mut self, day: u32, f: &VisitFacts, rules: &IrecistRules) -> Recist11 {
        if self.progressed {
            self.components = (None, None);
            return Recist11::ProgressiveDisease;
        }
        let after_cr = self.cr_run.definitive(rules);
        let t = self.ctx.as_ref().and_then(|ctx| {
            let ctx = TargetContext { after_cr, ..*ctx };
            target_response(f, &ctx, rules.sticky_pr, rules).map(|(r, _)| r)
        });
        let nt = non_target_response(f, after_cr);
        self.components = (t, nt);
        let new = f.new_present || f.new_appeared > 0;
        let overall = if new
            || t == Some(Recist11::ProgressiveDisease)
            || nt == Some(Recist11::ProgressiveDisease)
        {
            Recist11::ProgressiveDisease
        } else {
            combine_non_progressive(t, nt)
        };
        self.cr_run.observe(
            day,
            overall == Recist11::CompleteResponse,
            overall == Recist11::NotEvaluable,
        );
        match overall {
            Recist11::ProgressiveDisease => self.progressed = true,
            Recist11::NotEvaluable => {}
            _ => {
                if let Some(ctx) = self.ctx.as_mut() {
                    if !f.target_any_ne {
                        ctx.nadir = ctx.nadir.min(f.target_sum);
                    }
                    ctx.had_pr |= matches!(
                        t,
                        Some(Recist11::PartialResponse | Recist11::CompleteResponse)
                    );
                }
            }
        }
        overall
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_exact() {
        let t = Tenths::new;
        assert!(is_pr(t(700), t(1000)));
        assert!(!is_pr(t(701), t(1000)));
        // 25.5 -> 30.6 is exactly +20 %, but only +5.1 mm.
        assert!(is_pd_20(t(306), t(255)));
        assert!(is_pd(t(306), t(255)));
        // 19 vs 15: +26.7 % but +4 mm.
        assert!(!is_pd(t(190), t(150)));
        assert!(is_up_5mm(t(82), t(32)));
        assert!(!is_up_5mm(t(81), t(32)));
    }
}
