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
//! `sqrt(χ²_{1,level})`, found by the crate's profile root finder ([`crate::profile`]:
//! safeguarded Newton steps, the slope of the profile being the penalized score of the
//! restricted maximum, inside a bracket expanded from the Wald bound until it holds the
//! root). Each restricted fit starts from the previous one. coxphf finds the same roots with Venzon & Moolgavkar's iteration, which
//! stops at `|ℓ*_p - target| <= 1e-6`; the roots here are solved to about 1e-10.

use super::iterate::{Controls, Solver};
use super::prepare::Prepared;
use crate::profile::{ProfilePoint, ProfileTarget, restrict};

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
    let mut init = start.to_vec();
    let free = restrict(&mut init, fixed, values);
    let out = solver.run(data, &init, &free, inner(ctl)).ok()?;
    (out.reason == crate::StopReason::Converged).then_some((out.penalized, out.beta))
}

/// One profile bound for coefficient `k` (standardized scale) in `direction` (+1 upper,
/// -1 lower), by the crate's profile root finder ([`profile_bound`](crate::profile::profile_bound));
/// each restricted fit starts from the previous one. NaN if no root is found, infinite if
/// the profile stays above the threshold beyond 10⁴ standardized units.
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
    let mut warm = beta_hat.to_vec();
    let target = ProfileTarget {
        estimate: beta_hat[k],
        max_objective: max_penalized,
        se: se_k,
        critical,
        direction,
        // beyond any meaningful log hazard ratio on the standardized scale
        limit: 1e4,
    };
    crate::profile::profile_bound(target, |psi| {
        let (objective, beta) = restricted_max(data, solver, &warm, &[k], &[psi], ctl)?;
        warm = beta;
        Some(ProfilePoint {
            objective,
            score: solver.pass.penalized_score[k],
        })
    })
}
