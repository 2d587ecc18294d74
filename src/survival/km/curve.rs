//! One Kaplan–Meier curve from rows sorted by time: passes over the runs of equal times.

use super::CurveVariance;
use crate::survival::risk_set::{Entry, depart, run_end};

/// The columns of one curve, one entry per distinct time (events or censorings), as R's
/// `survfit` object: `time`, `n.risk`, `n.event`, `n.censor`, `surv`, `std.err` (of log S).
#[derive(Debug, Clone, Default)]
pub(crate) struct Curve {
    pub(crate) time: Vec<f64>,
    pub(crate) n_risk: Vec<f64>,
    pub(crate) n_event: Vec<f64>,
    pub(crate) n_censor: Vec<f64>,
    pub(crate) surv: Vec<f64>,
    pub(crate) std_err: Vec<f64>,
}

/// Sums over the rows sharing one time.
#[derive(Debug, Clone, Copy)]
struct Block {
    weight: f64,
    deaths: f64,
    censored: f64,
    weight_sq: f64,
}

/// The sums of one run of equal times; without weights they are counts (every weight 1: the
/// same numbers, without a lookup or a branch per row).
fn block(run: &[Entry], weights: Option<&[f64]>) -> Block {
    let len = run.len() as f64;
    let death_count: usize = run.iter().map(|e| usize::from(e.event())).sum();
    let mut b = Block {
        weight: len,
        deaths: death_count as f64,
        censored: len - death_count as f64,
        weight_sq: len,
    };
    if let Some(w) = weights {
        (b.weight, b.weight_sq, b.deaths, b.censored) = (0.0, 0.0, 0.0, 0.0);
        for e in run {
            let w = w[e.tag()];
            let death = if e.event() { w } else { 0.0 };
            b.weight += w;
            b.weight_sq += w * w;
            b.deaths += death;
            b.censored += w - death;
        }
    }
    b
}

/// Builds the curve of the time-sorted `entries`; `weights` are indexed by row.
///
/// ```text
/// n(t) = Σ w over rows with time ≥ t;  d(t) = Σ w over events at t
/// S(t) = Π_{t_k ≤ t} (n_k − d_k)/n_k
/// Greenwood:  var(log S) = Σ d_k / (n_k (n_k − d_k))
/// IJ:         var(S) = Σ_i (w_i ∂S/∂w_i)²  (R's default for non-integer weights)
/// ```
///
/// With `start` (counting-process data, indexed by row; Greenwood only), a row is at risk at t
/// iff `start < t <= stop`: `n(t)` drops the rows whose start is `>= t` (delayed entry).
pub(crate) fn km_curve(
    entries: &[Entry],
    weights: Option<&[f64]>,
    variance: CurveVariance,
    start: Option<&[f64]>,
) -> Curve {
    // Weights far from 1 are used times a power of two (exact; crate::numeric) so that
    // n(t)², Σw² and n·(n − d) neither under- nor overflow; S and the jackknife se(S) do not
    // depend on the scale of the weights, the counts are c times and the Greenwood se(log S)
    // 1/sqrt(c) times those of the normalised weights.
    let normalised = weights.and_then(normalise_weights);
    let weights = normalised.as_ref().map(|(w, _)| w.as_slice()).or(weights);
    let mut curve = km_curve_normal(entries, weights, variance, start);
    if let Some((_, c)) = normalised {
        for v in curve
            .n_risk
            .iter_mut()
            .chain(&mut curve.n_event)
            .chain(&mut curve.n_censor)
        {
            *v *= c;
        }
        if variance == CurveVariance::Greenwood {
            let root = c.sqrt();
            curve.std_err.iter_mut().for_each(|v| *v /= root);
        }
    }
    curve
}

/// The weights times a power of two and `c` (the factor back) when the largest weight lies
/// outside `[2^-100, 2^100]`; `None` otherwise.
fn normalise_weights(weights: &[f64]) -> Option<(Vec<f64>, f64)> {
    const LO: f64 = 7.888609052210118e-31; // 2^-100
    const HI: f64 = 1.2676506002282294e30; // 2^100
    let max = weights.iter().fold(0.0f64, |a, &w| a.max(w));
    if (LO..=HI).contains(&max) {
        return None;
    }
    let f = crate::numeric::pow2_near(max);
    Some((weights.iter().map(|w| w * f).collect(), 1.0 / f))
}

/// [`km_curve`] for weights of ordinary size. Three passes over the runs of equal times and
/// no per-time scratch beyond the curve's own columns (with delayed entry, the counts at
/// risk; with the jackknife, the sums of squared weights): the sums of each run go into
/// the columns, the at-risk sums accumulate from the largest time down in place, and the
/// estimate is formed from the smallest time up.
fn km_curve_normal(
    entries: &[Entry],
    weights: Option<&[f64]>,
    variance: CurveVariance,
    start: Option<&[f64]>,
) -> Curve {
    let jackknife = variance == CurveVariance::InfinitesimalJackknife;
    let runs = entries
        .windows(2)
        .filter(|w| w[0].time.total_cmp(&w[1].time).is_ne())
        .count()
        + usize::from(!entries.is_empty());
    let column = || Vec::with_capacity(runs);
    let mut curve = Curve {
        time: column(),
        n_risk: column(),
        n_event: column(),
        n_censor: column(),
        surv: column(),
        std_err: column(),
    };
    // per run: its weight (in n_risk until the second pass), deaths and censorings; with
    // delayed entry its row count, with the jackknife its Σ w² (both replaced in place)
    let mut at_risk_count: Vec<usize> = Vec::with_capacity(if start.is_some() { runs } else { 0 });
    let mut weight_sq_after: Vec<f64> = Vec::with_capacity(if jackknife { runs } else { 0 });
    let mut first = 0;
    while first < entries.len() {
        let end = run_end(entries, first);
        let b = block(&entries[first..end], weights);
        curve.time.push(entries[first].time);
        curve.n_risk.push(b.weight);
        curve.n_event.push(b.deaths);
        curve.n_censor.push(b.censored);
        if start.is_some() {
            at_risk_count.push(end - first);
        }
        if jackknife {
            weight_sq_after.push(b.weight_sq);
        }
        first = end;
    }
    let m = curve.time.len();
    // At-risk sums (weighted and counted) accumulate from the largest time down.
    let (mut n, mut count) = (0.0, 0usize);
    // delayed entry: (start, weight) of the rows, latest start first
    let mut entering: Vec<(f64, f64)> = match start {
        Some(start) => entries
            .iter()
            .map(|e| (start[e.tag()], weights.map_or(1.0, |w| w[e.tag()])))
            .collect(),
        None => Vec::new(),
    };
    entering.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
    let mut next = 0;
    let mut weight_sq = 0.0;
    for k in (0..m).rev() {
        n += curve.n_risk[k];
        if let Some(c) = at_risk_count.get_mut(k) {
            count += *c;
            depart(
                &entering,
                &mut next,
                |(s, _)| s,
                curve.time[k],
                |(_, w)| {
                    n -= w;
                    count = count.saturating_sub(1);
                },
            );
            *c = count;
        }
        curve.n_risk[k] = n;
        // Σ w² over rows after run k (the IJ "still at risk" part).
        if let Some(after) = weight_sq_after.get_mut(k) {
            let own = *after;
            *after = weight_sq;
            weight_sq += own;
        }
    }

    let mut s = 1.0;
    let mut greenwood = 0.0;
    // IJ state: A = Σ h_k / (n_k − d_k) and Q = Σ over departed rows of (w·c)².
    let (mut cum_a, mut departed, mut ij_var) = (0.0, 0.0, 0.0);
    let mut first = 0;
    for k in 0..m {
        let n = curve.n_risk[k];
        let deaths = curve.n_event[k];
        // without weights the run's counts are its columns (exact whole numbers)
        let (end, death_count) = match weights {
            None => {
                let d = deaths as usize;
                (first + d + curve.n_censor[k] as usize, d)
            }
            Some(_) => {
                let end = run_end(entries, first);
                let d = entries[first..end].iter().filter(|e| e.event()).count();
                (end, d)
            }
        };
        let run = &entries[first..end];
        let rows_at_risk = at_risk_count
            .get(k)
            .copied()
            .unwrap_or(entries.len() - first);
        first = end;
        let has_event = death_count > 0 && deaths > 0.0;
        let survivors = if death_count == rows_at_risk {
            0.0
        } else {
            n - deaths
        };
        match variance {
            // a Kaplan–Meier curve is never given Tsiatis' variance (a Cox curve's)
            CurveVariance::Greenwood | CurveVariance::Tsiatis => {
                if has_event {
                    s *= survivors / n;
                    greenwood += deaths / (n * survivors);
                }
                curve.std_err.push(greenwood.sqrt());
            }
            CurveVariance::InfinitesimalJackknife => {
                if has_event {
                    s *= if survivors == 0.0 {
                        0.0
                    } else {
                        1.0 - deaths / n
                    };
                    cum_a += deaths / n / survivors;
                }
                for e in run {
                    let w = weights.map_or(1.0, |w| w[e.tag()]);
                    let c = if e.event() && has_event {
                        cum_a - 1.0 / survivors
                    } else {
                        cum_a
                    };
                    departed += (w * c) * (w * c);
                }
                if has_event {
                    ij_var = if s == 0.0 {
                        0.0
                    } else {
                        let after = weight_sq_after.get(k).copied().unwrap_or(0.0);
                        s * s * (cum_a * cum_a * after + departed)
                    };
                }
                let se_s = ij_var.sqrt();
                // R stores se(S) and converts with se/S (0 stays 0) for the intervals.
                curve.std_err.push(if se_s == 0.0 { 0.0 } else { se_s / s });
            }
        }
        curve.surv.push(s);
    }
    curve
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // exact values: counts, times and S = 0 or 1
mod tests {
    use super::*;
    use crate::survival::risk_set::sort_rows;

    fn curve(t: &[f64], e: &[bool], w: &[f64], v: CurveVariance) -> Curve {
        let sorted = sort_rows(t, e, None, None, false);
        km_curve(&sorted.entries, Some(w), v, None)
    }

    #[test]
    fn closed_form_small_curve() {
        // times 1, 2, 2, 3 with a censoring at 2: S = 3/4, then 3/4 · 1/2, then 0.
        let c = curve(
            &[1.0, 2.0, 2.0, 3.0],
            &[true, true, false, true],
            &[1.0; 4],
            CurveVariance::Greenwood,
        );
        assert_eq!(c.time, [1.0, 2.0, 3.0]);
        assert_eq!(c.n_risk, [4.0, 3.0, 1.0]);
        assert_eq!(c.n_event, [1.0, 1.0, 1.0]);
        assert_eq!(c.n_censor, [0.0, 1.0, 0.0]);
        assert!((c.surv[1] - 0.5).abs() < 1e-15);
        assert_eq!(c.surv[2], 0.0);
        let v1: f64 = 1.0 / 12.0;
        assert!((c.std_err[0] - v1.sqrt()).abs() < 1e-15);
        assert!(c.std_err[2].is_infinite());
    }

    #[test]
    fn jackknife_is_zero_when_everyone_dies_last() {
        let c = curve(
            &[1.0, 2.0, 3.0, 4.0],
            &[true, false, true, true],
            &[1.5, 1.0, 2.0, 0.5],
            CurveVariance::InfinitesimalJackknife,
        );
        assert_eq!(c.surv[3], 0.0);
        assert_eq!(c.std_err[3], 0.0);
        // R: se(S) 0.2509980 at t = 1, so se(log S) = 0.2509980 / 0.7
        assert!((c.std_err[0] - 0.358568582800318).abs() < 1e-12);
    }
}
