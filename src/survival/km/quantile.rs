//! Where a survival curve (or a confidence band) crosses a horizontal line, with R's
//! midpoint rule for flat stretches.

use crate::tolerance::SQRT_EPS;

/// R's `findq` (inside `quantile.survfit`): the time at which the cumulative failure
/// `1 − band` first reaches `p`.
///
/// The curve is prefixed by the point (0, 0). Repeated `1 − band` values are dropped (the
/// first occurrence is kept), as are NA (NaN) values. Then, with `tol = sqrt(eps)`:
/// `k1` is the point with the smallest value `≥ p − tol`, `k2` the one with the smallest
/// value `≥ p + tol`, and the answer is the midpoint of their times, so a curve flat at
/// exactly `1 − p` gives the middle of the flat stretch. When the last point is within
/// `tol` of `p`, the flat stretch runs to the last time. `None` when the line is never
/// reached.
pub(crate) fn find_quantile(times: &[f64], band: &[f64], p: f64) -> Option<f64> {
    let tol = SQRT_EPS;
    // Points (x, y) with y = 1 − band, prefixed by (0, 0); NaN marks R's NA.
    let point = |j: usize| -> (f64, f64) {
        if j == 0 {
            (0.0, 0.0)
        } else {
            (times[j - 1], (1.0 - band[j - 1]) + 0.0)
        }
    };
    let m = times.len() + 1;
    let max_y = (0..m)
        .map(|j| point(j).1)
        .filter(|y| !y.is_nan())
        .fold(f64::NEG_INFINITY, f64::max);
    if max_y < p {
        return None;
    }
    let xmax = point(m - 1).0;
    // Keep the first occurrence of every value (NaN counts as one value).
    let mut by_value: Vec<usize> = (0..m).collect();
    by_value.sort_by(|&a, &b| {
        let (ya, yb) = (point(a).1, point(b).1);
        match (ya.is_nan(), yb.is_nan()) {
            (true, true) => a.cmp(&b),
            (true, false) => std::cmp::Ordering::Greater,
            (false, true) => std::cmp::Ordering::Less,
            (false, false) => ya.total_cmp(&yb).then(a.cmp(&b)),
        }
    });
    let mut kept = vec![false; m];
    let mut previous: Option<f64> = None;
    for &j in &by_value {
        let y = point(j).1;
        let duplicate = match previous {
            Some(q) => (q.is_nan() && y.is_nan()) || q.total_cmp(&y).is_eq(),
            None => false,
        };
        if !duplicate {
            kept[j] = true;
        }
        previous = Some(y);
    }
    // The distinct non-NA values in increasing order: R's `approx` table.
    let table: Vec<usize> = by_value
        .iter()
        .copied()
        .filter(|&j| kept[j] && !point(j).1.is_nan())
        .collect();
    // approx(y ± tol, index, p, "constant", f = 1): the smallest table value ≥ p, NA
    // outside the table's range.
    let lookup = |shift: f64| -> Option<usize> {
        let first = table.first().map(|&j| point(j).1 + shift)?;
        let last = table.last().map(|&j| point(j).1 + shift)?;
        if p < first || p > last {
            return None;
        }
        let k = table.partition_point(|&j| point(j).1 + shift < p);
        table.get(k).copied()
    };
    let k1 = lookup(tol);
    let k2 = lookup(-tol);
    let mut quantile = match (k1, k2) {
        (Some(a), Some(b)) => Some((point(a).0 + point(b).0) / 2.0),
        _ => None,
    };
    if p == 0.0 {
        quantile = Some(0.0);
    }
    // The last kept point in time order: a flat stretch at p that runs to the end.
    let last_kept = (0..m).rev().find(|&j| kept[j]).map(|j| point(j).1);
    if let Some(y_last) = last_kept
        && !y_last.is_nan()
        && (p - y_last).abs() < tol
    {
        quantile = k1.map(|k| (point(k).0 + xmax) / 2.0);
    }
    quantile
}

/// R's `minmin` (inside `survmean`, used by `print.survfit`): the first time at which
/// `band < 0.5 + tol`; if that value is within `tol` of 0.5 and the band drops further
/// later, the midpoint between that time and the first time of the drop.
pub(crate) fn print_median(times: &[f64], band: &[f64]) -> Option<f64> {
    let tol = SQRT_EPS;
    let mut kept = times
        .iter()
        .zip(band)
        .filter(|(_, y)| !y.is_nan() && **y < 0.5 + tol);
    let (&x1, &y1) = kept.next()?;
    if (y1 - 0.5).abs() < tol
        && let Some((&x2, _)) = kept.find(|(_, y)| **y < y1)
    {
        return Some((x1 + x2) / 2.0);
    }
    Some(x1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midpoint_rule() {
        // times 1..4 all events: S = .75, .5, .25, 0
        let t = [1.0, 2.0, 3.0, 4.0];
        let s = [0.75, 0.5, 0.25, 0.0];
        assert_eq!(find_quantile(&t, &s, 0.25), Some(1.5));
        assert_eq!(find_quantile(&t, &s, 0.5), Some(2.5));
        assert_eq!(find_quantile(&t, &s, 0.75), Some(3.5));
        assert_eq!(find_quantile(&t, &[1.0; 4], 0.5), None);
        assert_eq!(find_quantile(&t, &s, 0.0), Some(0.0));
    }

    #[test]
    fn flat_to_the_end_differs_between_quantile_and_print() {
        let t = [1.0, 2.0, 3.0, 4.0];
        let s = [0.75, 0.5, 0.5, 0.5];
        assert_eq!(find_quantile(&t, &s, 0.5), Some(3.0));
        assert_eq!(print_median(&t, &s), Some(2.0));
    }
}
