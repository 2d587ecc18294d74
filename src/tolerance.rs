//! Named numerical tolerances.
//!
//! Solver defaults that reproduce R live next to their solver (e.g. the Cox `eps = 1e-9`).
//! This module holds the tolerances shared across models.
//!
//! Tests compare with R using `approx::assert_relative_eq!(x, r, max_relative = R_MATCH_REL)`
//! for quantities away from zero and `abs_diff_eq!` with [`R_MATCH_ABS`] for quantities that
//! can be 0 (p-values near 1, coefficients near 0).

/// Relative agreement promised with R's `survival` and `logistf` (1e-6).
pub const R_MATCH_REL: f64 = 1e-6;

/// Absolute agreement used for quantities that can be near zero.
pub const R_MATCH_ABS: f64 = 1e-8;

/// `sqrt(f64::EPSILON)` ≈ 1.49e-8: R's default tolerance for tied times (`timefix`) and for
/// flat stretches of a survival curve.
pub const SQRT_EPS: f64 = 1.4901161193847656e-8;
