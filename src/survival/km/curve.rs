//! One Kaplan–Meier curve from rows sorted by time: a single pass over the distinct times.

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
    start: usize,
    end: usize,
    weight: f64,
    count: usize,
    deaths: f64,
    death_count: usize,
    censored: f64,
    weight_sq: f64,
}

/// Groups the time-sorted `entries` into blocks of equal time, in one pass; without
/// weights the sums are counts (every weight 1: the same numbers, without a lookup or a
/// branch per row).
fn blocks(entries: &[Entry], weights: Option<&[f64]>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut start = 0;
    while start < entries.len() {
        let end = run_end(entries, start);
        let len = end - start;
        let run = &entries[start..end];
        let death_count: usize = run.iter().map(|e| usize::from(e.event())).sum();
        let mut b = Block {
            start,
            end,
            weight: len as f64,
            count: len,
            deaths: death_count as f64,
            death_count,
            censored: (len - death_count) as f64,
            weight_sq: len as f64,
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
        out.push(b);
        start = end;
    }
    out
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

/// [`km_curve`] for weights of ordinary size.
fn km_curve_normal(
    entries: &[Entry],
    weights: Option<&[f64]>,
    variance: CurveVariance,
    start: Option<&[f64]>,
) -> Curve {
    let blocks = blocks(entries, weights);
    let m = blocks.len();
    let mut curve = Curve {
        time: Vec::with_capacity(m),
        n_risk: vec![0.0; m],
        n_event: Vec::with_capacity(m),
        n_censor: Vec::with_capacity(m),
        surv: Vec::with_capacity(m),
        std_err: Vec::with_capacity(m),
    };
    // At-risk sums (weighted and counted) accumulate from the largest time down.
    let mut at_risk_count = vec![0usize; m];
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
    for k in (0..m).rev() {
        n += blocks[k].weight;
        count += blocks[k].count;
        let t = entries[blocks[k].start].time;
        depart(
            &entering,
            &mut next,
            |(s, _)| s,
            t,
            |(_, w)| {
                n -= w;
                count = count.saturating_sub(1);
            },
        );
        curve.n_risk[k] = n;
        at_risk_count[k] = count;
    }
    // Σ w² over rows after block k (the IJ "still at risk" part).
    let mut weight_sq_after = vec![0.0; m];
    if variance == CurveVariance::InfinitesimalJackknife {
        let mut acc = 0.0;
        for k in (0..m).rev() {
            weight_sq_after[k] = acc;
            acc += blocks[k].weight_sq;
        }
    }

    let mut s = 1.0;
    let mut greenwood = 0.0;
    // IJ state: A = Σ h_k / (n_k − d_k) and Q = Σ over departed rows of (w·c)².
    let (mut cum_a, mut departed, mut ij_var) = (0.0, 0.0, 0.0);
    for (k, b) in blocks.iter().enumerate() {
        let n = curve.n_risk[k];
        let has_event = b.death_count > 0 && b.deaths > 0.0;
        let survivors = if b.death_count == at_risk_count[k] {
            0.0
        } else {
            n - b.deaths
        };
        match variance {
            // a Kaplan–Meier curve is never given Tsiatis' variance (a Cox curve's)
            CurveVariance::Greenwood | CurveVariance::Tsiatis => {
                if has_event {
                    s *= survivors / n;
                    greenwood += b.deaths / (n * survivors);
                }
                curve.std_err.push(greenwood.sqrt());
            }
            CurveVariance::InfinitesimalJackknife => {
                if has_event {
                    s *= if survivors == 0.0 {
                        0.0
                    } else {
                        1.0 - b.deaths / n
                    };
                    cum_a += b.deaths / n / survivors;
                }
                for e in &entries[b.start..b.end] {
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
                        s * s * (cum_a * cum_a * weight_sq_after[k] + departed)
                    };
                }
                let se_s = ij_var.sqrt();
                // R stores se(S) and converts with se/S (0 stays 0) for the intervals.
                curve.std_err.push(if se_s == 0.0 { 0.0 } else { se_s / s });
            }
        }
        curve.time.push(entries[b.start].time);
        curve.n_event.push(b.deaths);
        curve.n_censor.push(b.censored);
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
