//! Restricted fits: penalized likelihood-ratio tests and profile penalized-likelihood
//! confidence intervals (Heinze & Schemper 2001), on the standardized scale.
//!
//! ```text
//! restricted fit:  maximise ℓ*(β) over the free coefficients, the others fixed;
//!                  the penalty is always ½ log det of the FULL p × p information
//! penalized LR:    χ² = 2 (ℓ*(β̂) - ℓ*(β̂_restricted)),  df = number of fixed coefficients
//! profile CI:      { ψ : 2 (ℓ*(β̂) - max_{β: β_k = ψ} ℓ*(β)) <= χ²_{1, level} }
//! ```
//!
//! Each bound is the root of the signed root `r(ψ) = sqrt(2 (ℓ*(β̂) - ℓ*_p(ψ)))` at
//! `sqrt(χ²_{1,level})`, found by safeguarded Newton steps (the slope of the profile is the
//! penalized score of the restricted maximum, by the envelope theorem) inside a bracket that
//! is expanded from the Wald bound until it holds the root. Each restricted fit starts from
//! the previous one. coxphf finds the same roots with Venzon & Moolgavkar's iteration, which
//! stops at `|ℓ*_p - target| <= 1e-6`; the roots here are solved to about 1e-10.

use super::iterate::{Controls, Solver};
use super::prepare::Prepared;

/// Controls of the restricted fits (tests and profiles): tight enough that the restricted
/// maximum of ℓ* is exact to rounding (its error is about ½ U*'I⁻¹U* <= 1e-12), with
/// halving only on a real decrease of ℓ*.
fn inner(ctl: Controls) -> Controls {
    Controls {
        max_iter: ctl.max_iter.max(100),
        xconv: ctl.xconv.min(1e-9),
        gconv: ctl.gconv.min(1e-6),
        halving_noise: 1e-12,
        ..ctl
    }
}

/// Maximum of ℓ* with the coefficients in `fixed` held at `values`, starting from `start`
/// (its fixed entries are overwritten); `None` if the restricted fit does not converge (or,
/// never expected, the solver fails internally).
pub(super) fn restricted_max(
    data: &Prepared,
    solver: &mut Solver,
    start: &[f64],
    fixed: &[usize],
    values: &[f64],
    ctl: Controls,
) -> Option<(f64, Vec<f64>)> {
    let mut free = vec![true; data.p];
    let mut init = start.to_vec();
    for (&j, &v) in fixed.iter().zip(values) {
        free[j] = false;
        init[j] = v;
    }
    let out = solver.run(data, &init, &free, inner(ctl)).ok()?;
    (out.reason == crate::StopReason::Converged).then_some((out.penalized, out.beta))
}

/// One profile bound for coefficient `k` (standardized scale) in `direction` (+1 upper,
/// -1 lower); NaN if no root is found (restricted fits failing all the way back to the
/// estimate, or no convergence in 100 steps), infinite if the profile stays above the
/// threshold beyond 10⁴ standardized units.
#[allow(clippy::too_many_arguments)]
pub(super) fn profile_bound(
    data: &Prepared,
    solver: &mut Solver,
    beta_hat: &[f64],
    max_penalized: f64,
    se_k: f64,
    k: usize,
    critical: f64,
    direction: f64,
    ctl: Controls,
) -> f64 {
    const MAX_STEPS: usize = 100;
    let target = critical.sqrt();
    let mut warm = beta_hat.to_vec();
    let mut lo = 0.0_f64; // distance from β̂ with r < target
    let mut hi = f64::INFINITY; // distance with r > target
    let mut d = target * se_k;
    if !(d.is_finite() && d > 0.0) {
        d = 1.0;
    }
    for _ in 0..MAX_STEPS {
        let psi = beta_hat[k] + direction * d;
        let Some((value, beta)) = restricted_max(data, solver, &warm, &[k], &[psi], ctl) else {
            // No restricted maximum this far out (e.g. overflow): treat as beyond the
            // bound and bisect back towards the estimate.
            hi = d;
            d = 0.5 * (lo + hi);
            if hi - lo <= 1e-12 * (1.0 + d) {
                return f64::NAN;
            }
            continue;
        };
        let u_k = solver.pass.penalized_score[k];
        warm = beta;
        let delta = (max_penalized - value).max(0.0);
        let r = (2.0 * delta).sqrt();
        let f = r - target;
        if f.abs() <= 1e-10 {
            return psi;
        }
        if f < 0.0 {
            lo = d;
        } else {
            hi = d;
        }
        if hi - lo <= 1e-12 * (1.0 + d) {
            return psi;
        }
        // dr/dd = -direction · U*_k / r
        let slope = -direction * u_k / r;
        let newton = d - f / slope;
        d = if hi.is_finite() {
            if newton.is_finite() && newton > lo && newton < hi {
                newton
            } else {
                0.5 * (lo + hi)
            }
        } else if newton.is_finite() && newton > lo && slope > 0.0 {
            newton.min(4.0 * d)
        } else {
            2.0 * d
        };
        if d > 1e4 {
            // beyond any meaningful log hazard ratio on the standardized scale
            return direction * f64::INFINITY;
        }
    }
    f64::NAN
}
