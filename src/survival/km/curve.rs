//! One Kaplan–Meier curve from rows sorted by time: passes over the runs of equal times.

use super::CurveVariance;
use crate::survival::risk_set::depart;
use crate::survival::run_table::KeyRuns;

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

/// Builds the curve of one key's runs of equal times (`runs`, one group: see
/// [`RunTable`](crate::survival::run_table::RunTable)); `scale` is the factor back from
/// weights normalised by [`normalise_weights`] (`None` if they were not).
///
/// ```text
/// n(t) = Σ w over rows with time ≥ t;  d(t) = Σ w over events at t
/// S(t) = Π_{t_k ≤ t} (n_k − d_k)/n_k
/// Greenwood:  var(log S) = Σ d_k / (n_k (n_k − d_k))
/// IJ:         var(S) = Σ_i (w_i ∂S/∂w_i)²  (R's default for non-integer weights)
/// ```
///
/// With `entering` (counting-process data; Greenwood only): the `(start, weight)` of the
/// key's rows; a row is at risk at t iff `start < t <= stop`, so `n(t)` drops the rows whose
/// start is `>= t` (delayed entry).
pub(crate) fn km_curve(
    runs: KeyRuns<'_>,
    scale: Option<f64>,
    variance: CurveVariance,
    entering: Option<Vec<(f64, f64)>>,
) -> Curve {
    // Weights far from 1 are used times a power of two (exact; crate::numeric) so that
    // n(t)², Σw² and n·(n − d) neither under- nor overflow; S and the jackknife se(S) do not
    // depend on the scale of the weights, the counts are c times and the Greenwood se(log S)
    // 1/sqrt(c) times those of the normalised weights.
    let mut curve = km_curve_normal(runs, variance, entering);
    if let Some(c) = scale {
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
pub(crate) fn normalise_weights(weights: &[f64]) -> Option<(Vec<f64>, f64)> {
    const LO: f64 = 7.888609052210118e-31; // 2^-100
    const HI: f64 = 1.2676506002282294e30; // 2^100
    let max = weights.iter().fold(0.0f64, |a, &w| a.max(w));
    if (LO..=HI).contains(&max) {
        return None;
    }
    let f = crate::numeric::pow2_near(max);
    Some((weights.iter().map(|w| w * f).collect(), 1.0 / f))
}

/// [`km_curve`] for weights of ordinary size. The run sums go into the curve's columns,
/// the at-risk sums accumulate from the largest time down in place, and the estimate is
/// formed from the smallest time up.
fn km_curve_normal(
    runs: KeyRuns<'_>,
    variance: CurveVariance,
    entering: Option<Vec<(f64, f64)>>,
) -> Curve {
    let m = runs.len();
    let column = || Vec::with_capacity(m);
    let mut curve = Curve {
        time: runs.times().to_vec(),
        n_risk: column(),
        n_event: column(),
        n_censor: column(),
        surv: column(),
        std_err: column(),
    };
    // per run: its weight (in n_risk until the second pass), deaths and censorings
    for r in 0..m {
        let t = runs.tally(r, 0);
        curve.n_risk.push(t.weight);
        curve.n_event.push(t.death_weight);
        curve.n_censor.push(t.censor_weight);
    }
    // rows at risk (delayed entry: counted down as rows enter) and Σ w² over the rows after
    // each run (the jackknife's "still at risk" part)
    let mut rows_at_risk = vec![0usize; m];
    let mut weight_sq_after = vec![0.0; m];
    let (mut n, mut count, mut weight_sq) = (0.0, 0usize, 0.0);
    // delayed entry: (start, weight) of the rows, latest start first
    let mut entering = entering.unwrap_or_default();
    entering.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
    let mut next = 0;
    for k in (0..m).rev() {
        let t = runs.tally(k, 0);
        n += curve.n_risk[k];
        count += t.rows as usize;
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
        rows_at_risk[k] = count;
        curve.n_risk[k] = n;
        weight_sq_after[k] = weight_sq;
        weight_sq += t.death_weight_sq + t.censor_weight_sq;
    }

    let mut s = 1.0;
    let mut greenwood = 0.0;
    // IJ state: A = Σ h_k / (n_k − d_k) and Q = Σ over departed rows of (w·c)².
    let (mut cum_a, mut departed, mut ij_var) = (0.0, 0.0, 0.0);
    for k in 0..m {
        let n = curve.n_risk[k];
        let deaths = curve.n_event[k];
        let run = runs.tally(k, 0);
        let death_count = run.deaths as usize;
        let rows_at_risk = rows_at_risk[k];
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
                // Σ (w c)² over the run's rows: c = A − 1/(n − d) for its events (at an
                // event time), A otherwise
                let c_death = if has_event {
                    cum_a - 1.0 / survivors
                } else {
                    cum_a
                };
                // (only over rows the run has: 0 · ∞ would be NaN)
                if run.deaths > 0.0 {
                    departed += c_death * c_death * run.death_weight_sq;
                }
                if run.rows > run.deaths {
                    departed += cum_a * cum_a * run.censor_weight_sq;
                }
                if has_event {
                    ij_var = if s == 0.0 {
                        0.0
                    } else {
                        let after = weight_sq_after[k];
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
    use crate::survival::run_table::{RunTable, TableRows};

    fn curve(t: &[f64], e: &[bool], w: &[f64], v: CurveVariance) -> Curve {
        let rows = TableRows {
            time: t,
            event: e,
            weights: Some(w),
            keys: None,
            groups: None,
        };
        let table = RunTable::new(rows, false);
        let runs = table.keys().next().expect("one key");
        km_curve(runs, None, v, None)
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
