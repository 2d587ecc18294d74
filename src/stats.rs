//! Distribution helpers shared by all models (p-values and quantiles).
//!
//! p-values use survival functions (`sf`), never `1 - cdf`, so that tiny p-values do not
//! underflow to zero: the standard normal `sf(10)` is 7.6e-24 where `1 - cdf(10)` gives 0.

use statrs::distribution::{Beta, ChiSquared, Continuous, ContinuousCDF, Normal};

use crate::{Error, Result};

fn standard_normal() -> Normal {
    // Parameters are constants: mean 0, sd 1 is always valid.
    Normal::standard()
}

/// Two-sided normal p-value `2 * P(Z > |z|)`. NaN in gives NaN out.
pub(crate) fn normal_two_sided_p(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    2.0 * standard_normal().sf(z.abs())
}

/// Standard normal density φ(x).
pub(crate) fn normal_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// `P(lo < Z ≤ hi)` for a standard normal Z, from whichever tail keeps precision.
pub(crate) fn normal_interval(lo: f64, hi: f64) -> f64 {
    if hi <= lo {
        return 0.0;
    }
    let n = standard_normal();
    if lo > 0.0 {
        n.sf(lo) - n.sf(hi)
    } else {
        n.cdf(hi) - n.cdf(lo)
    }
}

/// Upper tail `P(X > x)` of a chi-square distribution with `df` degrees of freedom.
/// Returns NaN for `df == 0` or NaN input; 1 for `x <= 0`.
pub(crate) fn chisq_sf(x: f64, df: f64) -> f64 {
    if x.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    match ChiSquared::new(df) {
        Ok(d) => d.sf(x),
        Err(_) => f64::NAN,
    }
}

/// Chi-square quantile `qchisq(p, df)`.
pub(crate) fn chisq_quantile(p: f64, df: f64) -> f64 {
    match ChiSquared::new(df) {
        Ok(d) => d.inverse_cdf(p),
        Err(_) => f64::NAN,
    }
}

/// Standard normal quantile `qnorm(p)`.
pub(crate) fn normal_quantile(p: f64) -> f64 {
    standard_normal().inverse_cdf(p)
}

/// Beta quantile `qbeta(p, a, b)` for `0 < p < 1`, `a, b > 0`: statrs' AS 109 start polished
/// by safeguarded Newton steps on the regularized incomplete beta until the step is below
/// 1e-15 relative (R's `qbeta` is accurate to about that). NaN for invalid arguments.
pub(crate) fn beta_quantile(p: f64, a: f64, b: f64) -> f64 {
    let Ok(dist) = Beta::new(a, b) else {
        return f64::NAN;
    };
    if !(p > 0.0 && p < 1.0) {
        return f64::NAN;
    }
    let mut x = dist.inverse_cdf(p);
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..100 {
        let f = dist.cdf(x) - p;
        if f > 0.0 {
            hi = hi.min(x);
        } else {
            lo = lo.max(x);
        }
        let d = dist.pdf(x);
        let mut next = if d > 0.0 && d.is_finite() {
            x - f / d
        } else {
            f64::NAN
        };
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        let step = (next - x).abs();
        x = next;
        if step <= 1e-15 * x.abs().max(1e-300) {
            break;
        }
    }
    x
}

/// Validates a confidence level in (0, 1) and returns the two-sided normal quantile
/// `qnorm(1 - (1 - level)/2)` (1.959963984540054 for 0.95).
pub(crate) fn z_for_level(level: f64) -> Result<f64> {
    check_level(level)?;
    Ok(normal_quantile(1.0 - (1.0 - level) / 2.0))
}

/// Wald statistics `β̂ / se` (the one computation behind every fit's `z_values`).
pub(crate) fn wald_z(
    coefficients: &nalgebra::DVector<f64>,
    se: &nalgebra::DVector<f64>,
) -> nalgebra::DVector<f64> {
    coefficients.component_div(se)
}

/// Two-sided Wald p-values `2·P(Z > |β̂ / se|)` (every fit's `p_values`).
pub(crate) fn wald_p(
    coefficients: &nalgebra::DVector<f64>,
    se: &nalgebra::DVector<f64>,
) -> nalgebra::DVector<f64> {
    wald_z(coefficients, se).map(normal_two_sided_p)
}

/// Wald intervals `β̂ ± z·se` on the coefficient scale (every fit's Wald `conf_int`).
///
/// # Errors
/// [`Error::InvalidParameter`] if `level` is not strictly between 0 and 1.
pub(crate) fn wald_conf_int(
    coefficients: &nalgebra::DVector<f64>,
    se: &nalgebra::DVector<f64>,
    level: f64,
) -> Result<Vec<(f64, f64)>> {
    let z = z_for_level(level)?;
    Ok(coefficients
        .iter()
        .zip(se.iter())
        .map(|(b, s)| (b - z * s, b + z * s))
        .collect())
}

/// Validates a confidence level in (0, 1).
pub(crate) fn check_level(level: f64) -> Result<()> {
    if level.is_finite() && level > 0.0 && level < 1.0 {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name: "level",
            value: level,
            reason: "a confidence level must lie strictly between 0 and 1",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn quantiles_match_r() {
        assert_relative_eq!(
            normal_quantile(0.975),
            1.959963984540054,
            max_relative = 1e-14
        );
        assert_relative_eq!(
            chisq_quantile(0.95, 1.0),
            3.841458820694124,
            max_relative = 1e-12
        );
    }

    #[test]
    fn tail_probabilities_do_not_underflow() {
        assert!(normal_two_sided_p(10.0) > 0.0);
        assert!(chisq_sf(100.0, 1.0) > 0.0);
        assert_relative_eq!(
            chisq_sf(10.3267419548856, 1.0),
            0.00131116452035549,
            max_relative = 1e-10
        );
    }

    #[test]
    fn level_is_validated() {
        assert!(z_for_level(1.2).is_err());
        assert!(z_for_level(f64::NAN).is_err());
    }
}
