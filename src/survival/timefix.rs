//! R's `timefix` (`survival::aeqSurv`): times that differ only by floating-point noise are
//! treated as tied.

use crate::tolerance::SQRT_EPS;
use crate::{Error, Result};

/// Maps each time to the first time of its cluster of near-equal times, as R's `aeqSurv`
/// (on by default in `coxph`, `survfit` and `survdiff`).
///
/// Over the sorted unique finite times `y`, the gap `y[k+1] - y[k]` is a tie if
/// `gap <= tol` or `gap / mean(|y|) <= tol`, with `tol = sqrt(.Machine$double.eps)`; each time
/// is replaced by the largest cluster start that is `<=` it. Returns `None` when nothing is
/// tied (the common case), so callers can keep the original slice.
pub(crate) fn timefix(times: &[f64]) -> Option<Vec<f64>> {
    let mut y: Vec<f64> = times.iter().copied().filter(|t| t.is_finite()).collect();
    y.sort_by(f64::total_cmp);
    y.dedup();
    if y.len() < 2 {
        return None;
    }
    let mean_abs = y.iter().map(|v| v.abs()).sum::<f64>() / y.len() as f64;
    let tied = |a: f64, b: f64| {
        let d = b - a;
        d <= SQRT_EPS || d / mean_abs <= SQRT_EPS
    };
    if !y.windows(2).any(|w| tied(w[0], w[1])) {
        return None;
    }
    let mut cuts = vec![y[0]];
    for w in y.windows(2) {
        if !tied(w[0], w[1]) {
            cuts.push(w[1]);
        }
    }
    Some(
        times
            .iter()
            .map(|&t| {
                if !t.is_finite() {
                    return t;
                }
                // index of the largest cut <= t
                let k = cuts.partition_point(|&c| c <= t);
                cuts[k.saturating_sub(1)]
            })
            .collect(),
    )
}

/// R's `aeqSurv` on counting-process data `(start, stop]`: start and stop times form one set
/// of times for [`timefix`]. Returns `None` when nothing changes.
///
/// # Errors
/// [`Error::StartNotBeforeStop`] if a row's start and stop become one time (R: "aeqSurv
/// exception, an interval has effective length 0").
#[allow(clippy::type_complexity)]
pub(crate) fn timefix_intervals(
    start: &[f64],
    stop: &[f64],
) -> Result<Option<(Vec<f64>, Vec<f64>)>> {
    let all: Vec<f64> = start.iter().chain(stop).copied().collect();
    let Some(fixed) = timefix(&all) else {
        return Ok(None);
    };
    let (new_start, new_stop) = fixed.split_at(start.len());
    if let Some(i) = new_start.iter().zip(new_stop).position(|(a, b)| a >= b) {
        return Err(Error::StartNotBeforeStop {
            row: i + 1,
            start: start[i],
            stop: stop[i],
        });
    }
    Ok(Some((new_start.to_vec(), new_stop.to_vec())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_ties_collapse_to_the_first_time() {
        let t = [1.0, 1.0 + 1e-12, 2.0, 3.0];
        assert_eq!(timefix(&t), Some(vec![1.0, 1.0, 2.0, 3.0]));
        assert_eq!(timefix(&[1.0, 2.0, 3.0]), None);
        // relative criterion: large times
        let big = [1e9, 1e9 + 1.0, 2e9];
        assert_eq!(timefix(&big), Some(vec![1e9, 1e9, 2e9]));
    }
}

/// Whether near-equal times are tied (R's `timefix` argument of `coxph`, `survfit` and
/// `survdiff`): [`Timefix::Merge`] (R's `timefix = TRUE`, the default) merges times that
/// differ only by floating-point noise (`aeqSurv`: gaps `<= sqrt(eps)`, absolute or relative
/// to the mean |time|); [`Timefix::Exact`] (`timefix = FALSE`) compares times exactly.
///
/// ```
/// use oncostat::Timefix;
/// assert_eq!("false".parse::<Timefix>().unwrap(), Timefix::Exact);
/// assert_eq!(Timefix::Merge.to_string(), "merge");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Timefix {
    /// Merge near-equal times (R's `timefix = TRUE`).
    #[default]
    Merge,
    /// Compare times exactly (R's `timefix = FALSE`).
    Exact,
}

crate::settings::setting_names!(Timefix, "timefix", {
    Merge => "merge" | "true" | "on",
    Exact => "exact" | "false" | "off",
});
