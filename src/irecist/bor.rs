//! Best overall response: iBOR (Seymour 2017 Table 3; admiralonco's operational rules) and the
//! RECIST 1.1 BOR (Eisenhauer 2009 §4.4, Table 3).

use super::response::{Recist11, Response};
use super::rules::IrecistRules;

/// Response level shared by RECIST 1.1 and iRECIST for the BOR ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Skip,
    Cr,
    Pr,
    Sd,
    NonCrNonPd,
    /// Confirmed (iRECIST iCPD) or RECIST PD.
    Progression,
    /// Unconfirmed progression (iUPD).
    Unconfirmed,
    Ne,
}

fn irecist_level(r: Response) -> Level {
    match r {
        Response::Baseline => Level::Skip,
        Response::CompleteResponse => Level::Cr,
        Response::PartialResponse => Level::Pr,
        Response::StableDisease => Level::Sd,
        Response::NonCompleteNonProgression => Level::NonCrNonPd,
        Response::UnconfirmedProgression => Level::Unconfirmed,
        Response::ConfirmedProgression => Level::Progression,
        Response::NotEvaluable => Level::Ne,
    }
}

fn recist_level(r: Recist11) -> Level {
    match r {
        Recist11::Baseline => Level::Skip,
        Recist11::CompleteResponse => Level::Cr,
        Recist11::PartialResponse => Level::Pr,
        Recist11::StableDisease => Level::Sd,
        Recist11::NonCompleteNonProgression => Level::NonCrNonPd,
        Recist11::ProgressiveDisease => Level::Progression,
        Recist11::NotEvaluable => Level::Ne,
    }
}

/// Whether the response at `i` is confirmed by a later one at least `confirm_min_days` later
/// (CR by CR; PR by CR or PR), with only equal-or-better responses and at most one NE between.
fn confirmed(seq: &[(u32, Level)], i: usize, rules: &IrecistRules) -> bool {
    let Some(&(day, level)) = seq.get(i) else {
        return false;
    };
    let qualifies = |l: Level| match level {
        Level::Cr => l == Level::Cr,
        _ => matches!(l, Level::Cr | Level::Pr),
    };
    let mut ne_between = 0;
    for &(later_day, later) in seq.iter().skip(i + 1) {
        if later_day.saturating_sub(day) >= rules.confirm_min_days && qualifies(later) {
            return true;
        }
        match later {
            Level::Ne => {
                ne_between += 1;
                if ne_between > 1 {
                    return false;
                }
            }
            l if qualifies(l) => {}
            _ => return false,
        }
    }
    false
}

/// Best level over a sequence already cut at the first (confirmed) progression.
fn best_level(seq: &[(u32, Level)], non_target_only: bool, rules: &IrecistRules) -> Level {
    let mut best = None::<(u8, Level)>;
    let mut consider = |rank: u8, level: Level| {
        if best.is_none_or(|(r, _)| rank < r) {
            best = Some((rank, level));
        }
    };
    let stable = if non_target_only {
        Level::NonCrNonPd
    } else {
        Level::Sd
    };
    for (i, &(day, level)) in seq.iter().enumerate() {
        let long_enough = day >= rules.min_sd_days;
        match level {
            Level::Cr | Level::Pr => {
                if !rules.confirmation_required || confirmed(seq, i, rules) {
                    consider(if level == Level::Cr { 0 } else { 1 }, level);
                } else if long_enough {
                    consider(2, stable);
                }
            }
            Level::Sd if long_enough => consider(2, Level::Sd),
            Level::NonCrNonPd if long_enough => consider(3, Level::NonCrNonPd),
            Level::Progression => consider(4, level),
            Level::Unconfirmed => consider(5, level),
            Level::Ne | Level::Sd | Level::NonCrNonPd => consider(6, Level::Ne),
            Level::Skip => {}
        }
    }
    best.map_or(Level::Ne, |(_, l)| l)
}

fn cut<T: Copy>(visits: &[(u32, T)], level: fn(T) -> Level) -> Vec<(u32, Level)> {
    let mut seq = Vec::with_capacity(visits.len());
    for &(day, r) in visits {
        let l = level(r);
        seq.push((day, l));
        if l == Level::Progression {
            break;
        }
    }
    seq
}

/// iRECIST best overall response (iBOR) from timepoint responses `(day, response)` in visit
/// order (day = days since baseline).
///
/// ```text
/// use timepoints up to and including the first iCPD;
/// iCR > iPR > iSD (day ≥ min_sd_days) > NON-iCR/NON-iUPD (day ≥ min_sd_days)
///     > iCPD > iUPD > NE
/// with confirmation: iCR needs iCR, iPR needs iCR/iPR, ≥ confirm_min_days later with at
/// most one NE between; an unconfirmed response counts as iSD when day ≥ min_sd_days
/// ```
///
/// Patients with non-target disease only are recognised by a NON-iCR/NON-iUPD timepoint.
///
/// # Examples
/// ```
/// use oncostat::irecist::{best_overall_response, IrecistRules, Response};
/// // Seymour 2017 Table 3, example 7: iUPD, iUPD, iCPD, iCR, iCR -> iCPD.
/// let seq = [(56, Response::UnconfirmedProgression), (98, Response::UnconfirmedProgression), (140, Response::ConfirmedProgression),
///            (182, Response::CompleteResponse), (224, Response::CompleteResponse)];
/// assert_eq!(best_overall_response(&seq, &IrecistRules::default()), Response::ConfirmedProgression);
/// ```
pub fn best_overall_response(visits: &[(u32, Response)], rules: &IrecistRules) -> Response {
    let non_target_only = visits
        .iter()
        .any(|&(_, r)| r == Response::NonCompleteNonProgression);
    ibor(visits, non_target_only, rules)
}

pub(crate) fn ibor(
    visits: &[(u32, Response)],
    non_target_only: bool,
    rules: &IrecistRules,
) -> Response {
    let seq = cut(visits, irecist_level);
    match best_level(&seq, non_target_only, rules) {
        Level::Cr => Response::CompleteResponse,
        Level::Pr => Response::PartialResponse,
        Level::Sd => Response::StableDisease,
        Level::NonCrNonPd => Response::NonCompleteNonProgression,
        Level::Progression => Response::ConfirmedProgression,
        Level::Unconfirmed => Response::UnconfirmedProgression,
        Level::Ne | Level::Skip => Response::NotEvaluable,
    }
}

/// RECIST 1.1 best overall response from timepoint responses `(day, response)`.
///
/// ```text
/// use timepoints up to and including the first PD;
/// CR > PR > SD (day ≥ min_sd_days) > non-CR/non-PD (day ≥ min_sd_days) > PD > NE
/// with confirmation (Table 3): CR needs CR, PR needs CR/PR ≥ confirm_min_days later;
/// an unconfirmed response counts as SD when day ≥ min_sd_days
/// ```
///
/// # Examples
/// ```
/// use oncostat::irecist::{recist_best_overall_response, IrecistRules, Recist11};
/// // RECIST 1.1 Table 3: PR then PD with confirmation required, SD duration met -> SD.
/// let rules = IrecistRules::default().confirmation_required(true);
/// let seq = [(56, Recist11::PartialResponse), (84, Recist11::ProgressiveDisease)];
/// assert_eq!(recist_best_overall_response(&seq, &rules), Recist11::StableDisease);
/// ```
pub fn recist_best_overall_response(visits: &[(u32, Recist11)], rules: &IrecistRules) -> Recist11 {
    let non_target_only = visits
        .iter()
        .any(|&(_, r)| r == Recist11::NonCompleteNonProgression);
    recist_bor(visits, non_target_only, rules)
}

pub(crate) fn recist_bor(
    visits: &[(u32, Recist11)],
    non_target_only: bool,
    rules: &IrecistRules,
) -> Recist11 {
    let seq = cut(visits, recist_level);
    match best_level(&seq, non_target_only, rules) {
        Level::Cr => Recist11::CompleteResponse,
        Level::Pr => Recist11::PartialResponse,
        Level::Sd => Recist11::StableDisease,
        Level::NonCrNonPd => Recist11::NonCompleteNonProgression,
        Level::Progression | Level::Unconfirmed => Recist11::ProgressiveDisease,
        Level::Ne | Level::Skip => Recist11::NotEvaluable,
    }
}
