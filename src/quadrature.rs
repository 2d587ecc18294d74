//! Adaptive Gauss–Kronrod quadrature (the 7/15-point pair of QUADPACK's `qk15`, global
//! bisection of the interval with the largest error estimate, as QUADPACK's `qag`).
//!
//! ```text
//! ∫_a^b f ≈ K15 on each subinterval;   error estimate |K15 − G7|
//! bisect the worst subinterval until Σ error ≤ max(abs_tol, rel_tol·|Σ K15|)
//! ```
//! Used where R integrates numerically (`integrate`, QUADPACK `qags`) and by the
//! multivariate-normal probability of the MaxCombo test.

/// Kronrod nodes (positive half, decreasing; the last is 0).
const XGK: [f64; 8] = [
    0.991_455_371_120_812_6,
    0.949_107_912_342_758_5,
    0.864_864_423_359_769_1,
    0.741_531_185_599_394_4,
    0.586_087_235_467_691_1,
    0.405_845_151_377_397_2,
    0.207_784_955_007_898_5,
    0.0,
];

/// Kronrod weights for [`XGK`].
const WGK: [f64; 8] = [
    0.022_935_322_010_529_225,
    0.063_092_092_629_978_55,
    0.104_790_010_322_250_18,
    0.140_653_259_715_525_92,
    0.169_004_726_639_267_9,
    0.190_350_578_064_785_4,
    0.204_432_940_075_298_9,
    0.209_482_141_084_727_83,
];

/// Gauss weights of the 7-point rule, on the odd Kronrod nodes `XGK[1], XGK[3], XGK[5], XGK[7]`.
const WG: [f64; 4] = [
    0.129_484_966_168_869_7,
    0.279_705_391_489_276_7,
    0.381_830_050_505_118_9,
    0.417_959_183_673_469_4,
];

/// One 15-point Kronrod estimate of `∫_a^b f` and its error estimate `|K15 − G7|`.
fn kronrod15(f: &mut impl FnMut(f64) -> f64, a: f64, b: f64) -> (f64, f64) {
    let center = 0.5 * (a + b);
    let half = 0.5 * (b - a);
    let fc = f(center);
    let mut kronrod = WGK[7] * fc;
    let mut gauss = WG[3] * fc;
    for j in 0..7 {
        let dx = half * XGK[j];
        let sum = f(center - dx) + f(center + dx);
        kronrod += WGK[j] * sum;
        if j % 2 == 1 {
            gauss += WG[j / 2] * sum;
        }
    }
    (kronrod * half, ((kronrod - gauss) * half).abs())
}

/// `∫_a^b f` by adaptive Gauss–Kronrod (see the module docs), stopping when the summed
/// error estimate is at most `max(abs_tol, rel_tol·|result|)` or after `max_intervals`
/// subintervals. Returns the estimate and its error estimate.
pub(crate) fn integrate(
    mut f: impl FnMut(f64) -> f64,
    a: f64,
    b: f64,
    abs_tol: f64,
    rel_tol: f64,
    max_intervals: usize,
) -> (f64, f64) {
    if a.total_cmp(&b).is_eq() {
        return (0.0, 0.0);
    }
    // (a, b, value, error)
    let (v, e) = kronrod15(&mut f, a, b);
    let mut parts = vec![(a, b, v, e)];
    loop {
        let total: f64 = parts.iter().map(|p| p.2).sum();
        let error: f64 = parts.iter().map(|p| p.3).sum();
        if error <= abs_tol.max(rel_tol * total.abs()) || parts.len() >= max_intervals {
            return (total, error);
        }
        let worst = parts
            .iter()
            .enumerate()
            .max_by(|x, y| x.1.3.total_cmp(&y.1.3))
            .map_or(0, |(i, _)| i);
        let (lo, hi, _, _) = parts.swap_remove(worst);
        let mid = 0.5 * (lo + hi);
        if !(mid > lo && mid < hi) {
            // the interval cannot be split further in floating point
            return (total, error);
        }
        let (v1, e1) = kronrod15(&mut f, lo, mid);
        let (v2, e2) = kronrod15(&mut f, mid, hi);
        parts.push((lo, mid, v1, e1));
        parts.push((mid, hi, v2, e2));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polynomials_and_smooth_functions() {
        // K15 is exact for polynomials of degree <= 22
        let (v, _) = integrate(|x| x.powi(10) - 3.0 * x, -1.0, 2.0, 1e-14, 0.0, 50);
        let exact = (2f64.powi(11) + 1.0) / 11.0 - 1.5 * (4.0 - 1.0);
        assert!((v - exact).abs() < 1e-12);
        let (v, _) = integrate(f64::exp, 0.0, 1.0, 1e-15, 0.0, 50);
        assert!((v - (1f64.exp() - 1.0)).abs() < 1e-14);
        // a kink: adaptive bisection converges
        let (v, _) = integrate(|x: f64| x.abs(), -1.0, 3.0, 1e-12, 0.0, 200);
        assert!((v - 5.0).abs() < 1e-10);
        assert!(integrate(|x| x, 1.0, 1.0, 1e-12, 0.0, 10).0.abs() < f64::MIN_POSITIVE);
    }
}
