//! Numerical range of the fits: exact power-of-two rescaling and the finiteness guard every
//! fit passes before it is returned.
//!
//! A covariate, weight or offset may lie anywhere in the double range (about 1e-308 to
//! 1e308). The models are invariant to the scale of a covariate (the z statistics and
//! p-values of `x` and of `1e200·x` are the same), but sums of squares, products of
//! scales and `exp` of linear predictors under- or overflow long before the ends of that
//! range. The crate's policy, shared by Cox, logistic and Kaplan–Meier:
//!
//! * **Work on a rescaled problem.** Design columns are multiplied by a power of two
//!   ([`pow2_near`]): such a multiplication is exact, so inside the normal range the
//!   arithmetic (and every result, to the last bit) is the same as on the raw column, and the
//!   fit becomes invariant to the covariate's scale from 1e-300 to 1e300. Quantities that are
//!   reported on the original scale are formed from the rescaled ones at the end
//!   (`se = sqrt(V_scaled)·s`, never `sqrt(V_scaled·s²)`, which underflows to 0 for
//!   `s < 1e-154`).
//! * **Never present an unrepresentable number as a result.** When a reported quantity
//!   itself does not fit in a double (a log-likelihood or test statistic that overflows, a
//!   standard error of 0 or ∞ on a fit that is otherwise flagged converged, a non-finite
//!   coefficient that is not an aliased column), the fit is an
//!   [`Error::NumericalRange`] naming the quantity, what caused it and what to do — not a
//!   NaN labelled "converged". The test is [`ensure_finite`].
//! * **Weights** must be normal doubles (≥ 2.2e-308) whose total is finite; see
//!   [`check_weights`].
//!
//! R (`coxph`, `glm`) does not rescale this way: `coxph` on a covariate multiplied by 1e200
//! reports a standard error of 0 and p = 0. This is a documented divergence.

use crate::{Error, Result};

/// The power of two `2^-e` with `2^e` closest (in exponent) to `max_abs`, so that
/// `max_abs · pow2_near(max_abs)` lies in `[0.5, 1)`; 1 for 0 or non-finite input. The factor
/// is clamped to `2^1023` (a column of subnormal values keeps its lost precision).
pub(crate) fn pow2_near(max_abs: f64) -> f64 {
    if !(max_abs.is_finite() && max_abs > 0.0) {
        return 1.0;
    }
    // frexp: max_abs = m·2^e with m in [0.5, 1)
    let bits = max_abs.to_bits();
    let e = if max_abs >= f64::MIN_POSITIVE {
        ((bits >> 52) & 0x7ff) as i32 - 1022
    } else {
        // subnormal: bits·2^-1074, leading bit at position 63 - leading_zeros
        (63 - bits.leading_zeros() as i32) - 1073
    };
    pow2(-e)
}

/// `2^e` exactly (a subnormal power of two below `2^-1022`), clamped to `[2^-1074, 2^1023]`.
pub(crate) fn pow2(e: i32) -> f64 {
    let e = e.clamp(-1074, 1023);
    if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e + 1074))
    }
}

/// The power-of-two factor for a design column whose largest absolute value is `max_abs`:
/// [`pow2_near`] when `max_abs` lies outside `[2^-32, 2^32]`, else 1 (ordinary columns are
/// used as they are, so their arithmetic is untouched).
pub(crate) fn range_factor(max_abs: f64) -> f64 {
    const LO: f64 = 2.3283064365386963e-10; // 2^-32
    const HI: f64 = 4294967296.0; // 2^32
    if max_abs > 0.0 && !(LO..=HI).contains(&max_abs) {
        pow2_near(max_abs)
    } else {
        1.0
    }
}

/// [`range_factor`] of a column.
pub(crate) fn column_factor(column: &[f64]) -> f64 {
    range_factor(max_abs(column))
}

/// `max |v|` (0 for an empty slice; NaN entries are passed over). Four independent lanes
/// compared with `>` rather than a `f64::max` fold, so that the loop vectorises: this runs
/// once per design column in every fit's set-up.
pub(crate) fn max_abs(values: &[f64]) -> f64 {
    let mut lanes = [0.0f64; 4];
    let mut chunks = values.chunks_exact(4);
    for chunk in &mut chunks {
        for (m, v) in lanes.iter_mut().zip(chunk) {
            let a = v.abs();
            *m = if a > *m { a } else { *m };
        }
    }
    let mut m = lanes.iter().fold(0.0f64, |m, &a| if a > m { a } else { m });
    for v in chunks.remainder() {
        let a = v.abs();
        m = if a > m { a } else { m };
    }
    m
}

/// `Σ wᵢ·term(vᵢ)` (`Σ term(vᵢ)` without weights) in four interleaved lanes, added
/// pairwise at the end, then the remainder in order: the loop vectorises (a single running
/// sum waits for each addition), and the rounding error is no larger than that of the
/// running sum. This runs over every design column in every fit's set-up.
pub(crate) fn lane_sum(values: &[f64], weights: Option<&[f64]>, term: impl Fn(f64) -> f64) -> f64 {
    let mut lanes = [0.0f64; 4];
    let mut tail = 0.0;
    match weights {
        Some(weights) => {
            let mut chunks = values.chunks_exact(4).zip(weights.chunks_exact(4));
            for (v, w) in &mut chunks {
                for ((lane, &v), &w) in lanes.iter_mut().zip(v).zip(w) {
                    *lane += w * term(v);
                }
            }
            let done = values.len() / 4 * 4;
            for (&v, &w) in values[done..]
                .iter()
                .zip(&weights[done.min(weights.len())..])
            {
                tail += w * term(v);
            }
        }
        None => {
            let mut chunks = values.chunks_exact(4);
            for v in &mut chunks {
                for (lane, &v) in lanes.iter_mut().zip(v) {
                    *lane += term(v);
                }
            }
            for &v in chunks.remainder() {
                tail += term(v);
            }
        }
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + tail
}

/// `sqrt(h' V h)` for a gradient `h` and a k × k variance `v` (row-major), with `h`
/// normalised by the power of two near its largest entry ([`pow2_near`], exact) so that
/// the sum neither under- nor overflows where `h' V h` itself would (a standard error of
/// 1e-303 has a variance of 1e-606). For ordinary `h` the result is the plain
/// `sqrt(h' V h)` to the last bit. A negative form (rounding on a singular `V`) gives 0;
/// NaN if `h` holds a NaN.
pub(crate) fn scaled_quadratic_se(h: &[f64], v: &[f64]) -> f64 {
    let k = h.len();
    debug_assert_eq!(v.len(), k * k);
    let s = pow2_near(max_abs(h));
    let u: Vec<f64> = h.iter().map(|x| x * s).collect();
    let mut q = 0.0;
    for a in 0..k {
        for b in 0..k {
            q += u[a] * v[a * k + b] * u[b];
        }
    }
    if q < 0.0 { 0.0 } else { q.sqrt() / s }
}

/// Checks case weights: each one a normal double (≥ `f64::MIN_POSITIVE` ≈ 2.2e-308; a
/// subnormal weight has lost most of its digits) and a finite total.
///
/// # Errors
/// [`Error::WeightOutOfRange`] naming the row (1-based), [`Error::NumericalRange`] for the
/// total.
pub(crate) fn check_weights(weights: &[f64]) -> Result<()> {
    if let Some(i) = weights.iter().position(|&w| w < f64::MIN_POSITIVE) {
        return Err(Error::WeightOutOfRange {
            row: i + 1,
            value: weights[i],
        });
    }
    let total: f64 = weights.iter().sum();
    if !total.is_finite() {
        return Err(Error::NumericalRange {
            what: "case weights".into(),
            reason: "the weights sum to more than 1.8e308 (the largest double); divide all \
                     weights by one constant"
                .into(),
        });
    }
    Ok(())
}

/// The largest `|η|` whose `exp` is a finite double (`ln(f64::MAX)` ≈ 709.78).
pub(crate) const EXP_LIMIT: f64 = 709.782712893384;

/// Checks offsets (after subtracting `centre`): beyond ±[`EXP_LIMIT`] `exp(offset)`
/// overflows and the likelihood cannot be evaluated.
///
/// # Errors
/// [`Error::NumericalRange`] for `what`, naming the 1-based row and the value.
pub(crate) fn check_offsets(what: &str, offsets: &[f64], centre: f64, scale: &str) -> Result<()> {
    let out_of_range = |o: f64| (o - centre).abs() > EXP_LIMIT || (o - centre).is_nan();
    if offsets.iter().any(|&o| out_of_range(o)) {
        // name the offset farthest from the centre: with a centre (the mean), the row that
        // moved the mean is the one to fix, not the first row it pushed out of range
        let distance = |i: usize| (offsets[i] - centre).abs();
        let i = (0..offsets.len())
            .filter(|&i| out_of_range(offsets[i]))
            .fold(None, |best: Option<usize>, i| match best {
                Some(b) if distance(b).total_cmp(&distance(i)).is_ge() => Some(b),
                _ => Some(i),
            })
            .unwrap_or(0);
        let show = |v: f64| crate::survival::rformat::format_signif(v, 7);
        let centred = if centre == 0.0 {
            String::new()
        } else {
            format!(" ({} from their mean)", show(offsets[i] - centre))
        };
        return Err(Error::NumericalRange {
            what: what.to_string(),
            reason: format!(
                "row {}: offset {}{centred} is beyond ±709, where exp(offset) overflows; \
                 offsets are on the {scale} scale (a log of a rate or of a time, not the rate \
                 or time itself)",
                i + 1,
                show(offsets[i])
            ),
        });
    }
    Ok(())
}

/// Checks that every named quantity of a fit is a finite number.
///
/// # Errors
/// [`Error::NumericalRange`] for `what`, naming the first quantity that is not finite and
/// adding `advice`.
pub(crate) fn ensure_finite<'a>(
    what: &str,
    quantities: impl IntoIterator<Item = (&'a str, f64)>,
    advice: &str,
) -> Result<()> {
    for (name, value) in quantities {
        if !value.is_finite() {
            return Err(Error::NumericalRange {
                what: what.to_string(),
                reason: format!(
                    "{name} is {} in double precision; {advice}",
                    describe(value)
                ),
            });
        }
    }
    Ok(())
}

/// The coefficients of a fit handed to [`check_fit`].
pub(crate) struct Coefficients<'a> {
    /// Column names of the design.
    pub names: &'a [String],
    /// Indices of the non-aliased columns.
    pub kept: &'a [usize],
    /// Coefficients, one per design column (NaN for aliased ones).
    pub estimates: &'a [f64],
    /// The standard errors inference uses, one per design column.
    pub std_errors: &'a [f64],
}

/// The guard every regression fit passes before it is returned: each named quantity
/// (log-likelihoods, test statistics) and the coefficient and standard error of every kept
/// column finite; on a converged fit no standard error of 0.
///
/// # Errors
/// [`Error::NumericalRange`] for `what`, naming the first failing quantity, with `advice`.
pub(crate) fn check_fit<'a>(
    what: &str,
    quantities: impl IntoIterator<Item = (&'a str, f64)>,
    coefficients: &Coefficients<'_>,
    converged: bool,
    advice: &str,
) -> Result<()> {
    ensure_finite(what, quantities, advice)?;
    for &j in coefficients.kept {
        let name = &coefficients.names[j];
        let (estimate, se) = (coefficients.estimates[j], coefficients.std_errors[j]);
        // the names are formatted only for the error (a fit with finite values formats none)
        if !(estimate.is_finite() && se.is_finite()) {
            ensure_finite(
                what,
                [
                    (format!("the coefficient of `{name}`").as_str(), estimate),
                    (format!("the standard error of `{name}`").as_str(), se),
                ],
                advice,
            )?;
        }
        if converged && se <= 0.0 {
            return Err(Error::NumericalRange {
                what: what.to_string(),
                reason: format!(
                    "the standard error of `{name}` underflows to 0 in double precision; {advice}"
                ),
            });
        }
    }
    Ok(())
}

/// "infinite", "-infinite" or "not a number".
fn describe(v: f64) -> &'static str {
    if v.is_nan() {
        "not a number"
    } else if v > 0.0 {
        "infinite (overflow)"
    } else {
        "-infinite (overflow)"
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // exact powers of two
mod tests {
    use super::*;

    #[test]
    fn max_abs_is_the_fold_of_abs_max() {
        assert_eq!(max_abs(&[]), 0.0);
        for n in 0..13 {
            let v: Vec<f64> = (0..n).map(|i| ((i * 7 % 5) as f64 - 2.5) * 1.5).collect();
            let want = v.iter().fold(0.0f64, |a, x| a.max(x.abs()));
            assert_eq!(max_abs(&v), want, "n = {n}");
        }
        assert_eq!(max_abs(&[1.0, f64::NAN, -3.0, 2.0, 0.5]), 3.0);
        assert_eq!(max_abs(&[-1e300, 1.0, 2.0, 3.0, 1e-300, -7.0]), 1e300);
    }

    #[test]
    fn pow2_near_brings_values_into_half_one() {
        for &v in &[
            1.0, 3.0, 1e200, 1e-200, 1e300, 1e-300, 0.75, 2.2e-308, 1.7e308,
        ] {
            let f = pow2_near(v);
            let s = v * f;
            assert!((0.5..1.0).contains(&s), "{v}: {s}");
            // exact: a power of two
            assert_eq!(f.log2().fract(), 0.0);
        }
        assert_eq!(pow2_near(0.0), 1.0);
        assert_eq!(pow2_near(f64::INFINITY), 1.0);
        // subnormal input: clamped to the largest normal power of two
        assert!(pow2_near(1e-320).is_finite());
    }

    #[test]
    fn lane_sums_equal_the_running_sum_of_whole_numbers() {
        // whole numbers: every order of summation is exact
        let v: Vec<f64> = (0..103).map(|i| f64::from(i % 17) - 5.0).collect();
        let w: Vec<f64> = (0..103).map(|i| f64::from(1 + i % 3)).collect();
        let plain: f64 = v.iter().map(|x| x.abs()).sum();
        let weighted: f64 = v.iter().zip(&w).map(|(x, w)| w * x.abs()).sum();
        assert_eq!(lane_sum(&v, None, f64::abs).to_bits(), plain.to_bits());
        assert_eq!(
            lane_sum(&v, Some(&w), f64::abs).to_bits(),
            weighted.to_bits()
        );
        assert_eq!(
            lane_sum(&v[..3], Some(&w[..3]), |x| x).to_bits(),
            (-5.0 - 8.0 - 9.0f64).to_bits()
        );
        assert_eq!(lane_sum(&[], None, |x| x), 0.0);
    }

    #[test]
    fn column_factors_leave_ordinary_columns_alone() {
        assert_eq!(column_factor(&[1.0, -40.0, 3.0]), 1.0);
        assert!((0.5..1.0).contains(&(2e200 * column_factor(&[1e200, 2e200]))));
        assert!((0.5..1.0).contains(&(1e-12 * column_factor(&[1e-12, 0.0]))));
        assert_eq!(column_factor(&[0.0, 0.0]), 1.0);
    }

    #[test]
    fn weights_must_be_normal_with_a_finite_total() {
        assert!(check_weights(&[1.0, 2.0]).is_ok());
        let e = check_weights(&[1.0, 1e-320]).unwrap_err().to_string();
        assert!(e.contains("row 2") && e.contains("1e-320"), "{e}");
        let e = check_weights(&[1e308, 1e308]).unwrap_err().to_string();
        assert!(e.contains("sum"), "{e}");
    }

    #[test]
    fn ensure_finite_names_the_quantity() {
        assert!(ensure_finite("Cox model", [("the log-likelihood", -3.0)], "x").is_ok());
        let e = ensure_finite(
            "Cox model",
            [("the log-likelihood", f64::NEG_INFINITY)],
            "fix it",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("the log-likelihood is -infinite") && e.contains("fix it"),
            "{e}"
        );
    }
}
