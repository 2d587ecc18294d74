//! Axis ticks shared by the figures: "nice" linear breaks and log-axis breaks.

/// Breaks `0, step, 2·step, …` covering `[0, max]`, with `step` from {1, 2, 2.5, 5}·10^k so
/// that there are about five to eight intervals; `step` itself if given.
pub(super) fn linear_breaks(max: f64, step: Option<f64>) -> Vec<f64> {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let step = step
        .filter(|s| s.is_finite() && *s > 0.0 && max / *s <= 200.0)
        .unwrap_or_else(|| nice_step(max));
    let n = (max / step - 1e-9).ceil().max(1.0) as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// The "nice" step for about six intervals over `[0, max]`.
fn nice_step(max: f64) -> f64 {
    let (m, e) = nice_step_parts(max);
    m * 10f64.powi(e)
}

/// Breaks `k · step` covering `[lo, hi]` (`lo < hi`, both finite), with the "nice" step of
/// [`linear_breaks`] for about six intervals; the first and last break are the axis ends.
/// Each break is computed as `(k · m) · 10^e` (or `/ 10^-e`), so `0.6` is `0.6`, not
/// `3 · 0.2`.
pub(super) fn range_breaks(lo: f64, hi: f64) -> Vec<f64> {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() && lo < hi {
        (lo, hi)
    } else {
        (0.0, 1.0)
    };
    let (m, e) = nice_step_parts(hi - lo);
    let scale = |k: f64| {
        if e >= 0 {
            k * m * 10f64.powi(e)
        } else {
            k * m / 10f64.powi(-e)
        }
    };
    let step = scale(1.0);
    let k0 = (lo / step + 1e-9).floor();
    let k1 = (hi / step - 1e-9).ceil().max(k0 + 1.0);
    let n = (k1 - k0) as usize;
    (0..=n).map(|i| scale(k0 + i as f64)).collect()
}

/// The "nice" step for about six intervals over a span `max`, as `(m, e)`: `m · 10^e` with
/// `m` in {1, 2, 2.5, 5, 10}.
fn nice_step_parts(max: f64) -> (f64, i32) {
    let raw = max / 6.0;
    let e = raw.log10().floor() as i32;
    let mag = 10f64.powi(e);
    let r = raw / mag;
    let m = if r <= 1.0 {
        1.0
    } else if r <= 2.0 {
        2.0
    } else if r <= 2.5 {
        2.5
    } else if r <= 5.0 {
        5.0
    } else {
        10.0
    };
    (m, e)
}

/// Breaks of a log axis covering `[lo, hi]` (both > 0): the 1-2-5 sequence of each decade
/// over up to three decades, the powers of ten beyond, always including 1 when it is in range.
pub(super) fn log_breaks(lo: f64, hi: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let d0 = lo.log10().floor() as i32;
    let d1 = hi.log10().ceil() as i32;
    let mults: &[f64] = if d1 - d0 <= 3 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0]
    };
    for d in d0..=d1 {
        for m in mults {
            let v = m * 10f64.powi(d);
            if v >= lo * (1.0 - 1e-12) && v <= hi * (1.0 + 1e-12) {
                out.push(v);
            }
        }
    }
    if d1 - d0 <= 1 {
        // a narrow range: add the quarter steps so that at least three labels show
        for extra in [0.25, 0.5, 0.75, 1.5, 2.5] {
            for d in d0..=d1 {
                let v = extra * 10f64.powi(d);
                if v >= lo && v <= hi && !out.iter().any(|o| (o - v).abs() < 1e-12 * v) {
                    out.push(v);
                }
            }
        }
        out.sort_by(f64::total_cmp);
    }
    out
}

/// A tick label without trailing zeros (`0.5`, `2`, `12.5`).
pub(super) fn tick_label(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_covers_the_data() {
        let b = linear_breaks(37.0, None);
        assert_eq!(b.first().copied(), Some(0.0));
        assert!(*b.last().unwrap() >= 37.0);
        assert!(b.len() >= 5 && b.len() <= 10, "{b:?}");
        assert_eq!(
            linear_breaks(24.0, Some(6.0)),
            vec![0.0, 6.0, 12.0, 18.0, 24.0]
        );
        assert_eq!(linear_breaks(25.0, Some(6.0)).last().copied(), Some(30.0));
    }

    #[test]
    fn log_includes_one() {
        let b = log_breaks(0.3, 4.0);
        assert!(b.iter().any(|v| (v - 1.0).abs() < 1e-12), "{b:?}");
        assert!(b.iter().all(|v| *v >= 0.3 && *v <= 4.0));
        // three decades: still the 1-2-5 sequence (odds ratios of 0.3 to 16)
        assert_eq!(log_breaks(0.25, 16.0), vec![0.5, 1.0, 2.0, 5.0, 10.0]);
        // wider: powers of ten
        assert_eq!(log_breaks(0.002, 40.0), vec![0.01, 0.1, 1.0, 10.0]);
    }

    #[test]
    fn range_breaks_cover_the_range_with_exact_decimals() {
        assert_eq!(range_breaks(0.0, 1.0), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(
            range_breaks(0.0, 400.0),
            vec![0.0, 100.0, 200.0, 300.0, 400.0]
        );
        let b = range_breaks(-0.35, 0.9);
        assert!(b[0] <= -0.35 && *b.last().unwrap() >= 0.9, "{b:?}");
        assert_eq!(b, vec![-0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(range_breaks(60.0, 400.0), range_breaks(0.0, 400.0));
        assert_eq!(range_breaks(1.0, 1.0), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
    }

    #[test]
    fn labels() {
        assert_eq!(tick_label(0.5), "0.5");
        assert_eq!(tick_label(12.0), "12");
        assert_eq!(tick_label(2.5), "2.5");
    }
}
