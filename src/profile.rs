//! The crate's one profile-likelihood root finder ([`profile_bound`]) and one restricted-fit
//! helper ([`restrict`]), for every model that needs profile confidence intervals or
//! likelihood-ratio tests.
//!
//! ```text
//! restricted fit:  maximise ℓ(β) over the free coefficients, the coefficients in `fixed`
//!                  held at `values` (run the model's step rule with the free mask of
//!                  `restrict`, from the start it returns)
//! LR test:         χ² = 2 (ℓ(β̂) − ℓ(β̂_restricted)),  df = number of fixed coefficients
//! profile CI:      { ψ : 2 (ℓ(β̂) − max_{β: β_k = ψ} ℓ(β)) ≤ χ²_{1, level} }
//! ```
//!
//! [`profile_bound`] finds one end of the interval as the root of the signed root
//! `r(ψ) = sqrt(2 (ℓ(β̂) − ℓ_p(ψ)))` at `sqrt(χ²_{1,level})`, by safeguarded Newton steps in
//! the distance `d = |ψ − β̂_k|` (the slope of the profile is the score component `U_k` at the
//! restricted maximum, by the envelope theorem: `dr/dd = −direction · U_k / r`) inside a
//! bracket expanded from the Wald distance `sqrt(χ²)·se` until it holds the root. The model
//! supplies the restricted maximum as a closure (which may warm-start each fit from the
//! previous one); the root is solved to `|r − target| ≤ 1e-10` or a bracket of relative width
//! 1e-12. Used by the Firth Cox model; a new model (e.g. survreg, Fine–Gray) plugs in its
//! restricted fit the same way.
//!
//! The logistic models keep logistf's own Venzon–Moolgavkar iteration (`regression/profile.rs`)
//! because logistf's bounds *are* that iteration's stopping point: replacing it by the exact
//! root would move the Firth logistic bounds away from logistf by up to its `lconv`.

/// Starts a restricted fit: sets `start[j] = value` for each coefficient `j` in `fixed` and
/// returns the free mask (`false` at the fixed coefficients) to run the model's solver with.
pub(crate) fn restrict(start: &mut [f64], fixed: &[usize], values: &[f64]) -> Vec<bool> {
    let mut free = vec![true; start.len()];
    for (&j, &v) in fixed.iter().zip(values) {
        free[j] = false;
        start[j] = v;
    }
    free
}

/// What [`profile_bound`] needs of one profile point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ProfilePoint {
    /// The restricted maximum `ℓ_p(ψ)`.
    pub(crate) objective: f64,
    /// The score component `U_k` of the profiled coefficient at the restricted maximum.
    pub(crate) score: f64,
}

/// The profile problem of one bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ProfileTarget {
    /// The estimate `β̂_k`.
    pub(crate) estimate: f64,
    /// `ℓ(β̂)`, the unrestricted maximum.
    pub(crate) max_objective: f64,
    /// A standard error of `β̂_k` (scales the first step; 1 is used if not finite and > 0).
    pub(crate) se: f64,
    /// `χ²_{1, level}`.
    pub(crate) critical: f64,
    /// +1 for the upper bound, −1 for the lower.
    pub(crate) direction: f64,
    /// Distance from the estimate beyond which the bound is reported as infinite.
    pub(crate) limit: f64,
}

/// One profile bound (see the module documentation). `restricted(ψ)` returns the restricted
/// maximum at `β_k = ψ`, or `None` if there is none (e.g. overflow; treated as beyond the
/// bound). NaN if no root is found (restricted fits failing all the way back to the estimate,
/// or no convergence in 100 steps), `direction · ∞` if the profile stays below the threshold
/// up to `limit`.
pub(crate) fn profile_bound(
    t: ProfileTarget,
    mut restricted: impl FnMut(f64) -> Option<ProfilePoint>,
) -> f64 {
    const MAX_STEPS: usize = 100;
    let direction = t.direction;
    let target = t.critical.sqrt();
    let mut lo = 0.0_f64; // distance from β̂ with r < target
    let mut hi = f64::INFINITY; // distance with r > target
    let mut d = target * t.se;
    if !(d.is_finite() && d > 0.0) {
        d = 1.0;
    }
    for _ in 0..MAX_STEPS {
        let psi = t.estimate + direction * d;
        let Some(point) = restricted(psi) else {
            // No restricted maximum this far out (e.g. overflow): treat as beyond the
            // bound and bisect back towards the estimate.
            hi = d;
            d = 0.5 * (lo + hi);
            if hi - lo <= 1e-12 * (1.0 + d) {
                return f64::NAN;
            }
            continue;
        };
        let delta = (t.max_objective - point.objective).max(0.0);
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
        // dr/dd = -direction · U_k / r
        let slope = -direction * point.score / r;
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
        if d > t.limit {
            return direction * f64::INFINITY;
        }
    }
    f64::NAN
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A quadratic profile ℓ_p(ψ) = −(ψ − 1)²/(2·0.25): the bounds are 1 ± sqrt(χ²)·0.5.
    #[test]
    fn quadratic_profile_has_the_wald_bounds() {
        let critical = 3.841_458_820_694_124;
        for direction in [-1.0, 1.0] {
            let bound = profile_bound(
                ProfileTarget {
                    estimate: 1.0,
                    max_objective: 0.0,
                    se: 0.4,
                    critical,
                    direction,
                    limit: 1e4,
                },
                |psi| {
                    Some(ProfilePoint {
                        objective: -(psi - 1.0) * (psi - 1.0) / 0.5,
                        score: -(psi - 1.0) / 0.25,
                    })
                },
            );
            let want = 1.0 + direction * critical.sqrt() * 0.5;
            assert!((bound - want).abs() < 1e-9, "{bound} vs {want}");
        }
    }

    /// A profile that never reaches the threshold gives an infinite bound.
    #[test]
    fn flat_profile_is_infinite() {
        let bound = profile_bound(
            ProfileTarget {
                estimate: 0.0,
                max_objective: 0.0,
                se: 1.0,
                critical: 3.84,
                direction: 1.0,
                limit: 1e4,
            },
            |psi| {
                Some(ProfilePoint {
                    objective: -(1.0 - (-psi).exp()),
                    score: -(-psi).exp(),
                })
            },
        );
        assert!(bound.is_infinite() && bound > 0.0);
    }

    #[test]
    fn restrict_fixes_and_masks() {
        let mut start = [1.0, 2.0, 3.0];
        let free = restrict(&mut start, &[2, 0], &[0.5, -1.0]);
        assert_eq!(free, vec![false, true, false]);
        assert!((start[0] + 1.0).abs() <= 0.0 && (start[2] - 0.5).abs() <= 0.0);
    }
}
