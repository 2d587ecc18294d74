//! Group labels coded in sorted order (R's factor levels) and the one sort of the rows that
//! Kaplan–Meier and the log-rank test share.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::survival::timefix::timefix;
use crate::{Error, Result};

/// Labels of `groups` in sorted order and each row's code (index into the labels).
pub(crate) struct GroupCodes {
    pub(crate) labels: Vec<String>,
    pub(crate) codes: Vec<usize>,
}

/// Codes the group of every row by its label's rank among the sorted distinct labels
/// (O(n log G)).
///
/// # Errors
/// [`Error::DimensionMismatch`] if there is not one group per observation.
pub(crate) fn code_groups<T: Ord + ToString>(groups: &[T], n: usize) -> Result<GroupCodes> {
    if groups.len() != n {
        return Err(Error::mismatch("groups", n, groups.len()));
    }
    let distinct: Vec<&T> = groups
        .iter()
        .collect::<BTreeSet<&T>>()
        .into_iter()
        .collect();
    let codes = groups
        .iter()
        .map(|g| distinct.binary_search(&g).unwrap_or(0))
        .collect();
    Ok(GroupCodes {
        labels: distinct.iter().map(|g| g.to_string()).collect(),
        codes,
    })
}

/// Rows sorted by (key, time), with the (timefixed) times in that order and the range of
/// each key.
pub(crate) struct SortedRows {
    /// Row indices in sorted order.
    pub(crate) rows: Vec<usize>,
    /// `time[rows[j]]` after R's `timefix`, in sorted order.
    pub(crate) time: Vec<f64>,
    /// For each key `0..n_keys`, its range in `rows` / `time` (empty if the key is unused).
    pub(crate) ranges: Vec<Range<usize>>,
}

/// Sorts the rows by time once (O(n log n)), applies R's `timefix` to the distinct times
/// when `apply_timefix` is set, then orders by `keys` (codes `< n_keys`) with a stable
/// counting sort (O(n)), so that every key's rows stay sorted by time.
pub(crate) fn sort_rows(
    time: &[f64],
    keys: Option<(&[usize], usize)>,
    apply_timefix: bool,
) -> SortedRows {
    let mut pairs: Vec<(f64, usize)> = time.iter().copied().zip(0..).collect();
    pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    if apply_timefix {
        fix_sorted_times(&mut pairs);
    }
    let (pairs, ranges) = match keys {
        None => {
            let n = pairs.len();
            (pairs, std::iter::once(0..n).collect())
        }
        Some((codes, n_keys)) => {
            let mut start = vec![0usize; n_keys + 1];
            for &(_, i) in &pairs {
                start[codes[i] + 1] += 1;
            }
            for k in 0..n_keys {
                start[k + 1] += start[k];
            }
            let ranges = (0..n_keys).map(|k| start[k]..start[k + 1]).collect();
            let mut next = start;
            let mut by_key = vec![(0.0, 0usize); pairs.len()];
            for &(t, i) in &pairs {
                let slot = &mut next[codes[i]];
                by_key[*slot] = (t, i);
                *slot += 1;
            }
            (by_key, ranges)
        }
    };
    let (time, rows) = pairs.into_iter().unzip();
    SortedRows { rows, time, ranges }
}

/// R's `timefix` on time-sorted pairs: the rule depends only on the set of distinct times,
/// so the shared [`timefix`] runs on those (already sorted, so cheap) and the result is
/// mapped back run by run.
fn fix_sorted_times(pairs: &mut [(f64, usize)]) {
    let mut distinct: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    distinct.dedup_by(|a, b| a.total_cmp(b).is_eq());
    let Some(fixed) = timefix(&distinct) else {
        return;
    };
    let Some(&(mut previous, _)) = pairs.first() else {
        return;
    };
    let mut k = 0;
    for pair in pairs.iter_mut() {
        if pair.0.total_cmp(&previous).is_ne() {
            k += 1;
            previous = pair.0;
        }
        pair.0 = fixed[k];
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // exact copies of the input times
mod tests {
    use super::*;

    #[test]
    fn timefix_on_sorted_runs_matches_timefix_on_all() {
        let t = [3.0, 1.0 + 1e-12, 2.0, 1.0, 3.0, 1.0];
        let sorted = sort_rows(&t, None, true);
        let mut expected = timefix(&t).unwrap();
        expected.sort_by(f64::total_cmp);
        assert_eq!(sorted.time, expected);
        assert_eq!(sorted.rows.len(), 6);
    }

    #[test]
    fn keys_are_stable_counting_sorted() {
        let t = [5.0, 1.0, 4.0, 2.0, 3.0];
        let s = sort_rows(&t, Some((&[1, 0, 1, 1, 0], 3)), false);
        assert_eq!(s.rows, [1, 4, 3, 2, 0]);
        assert_eq!(s.time, [1.0, 3.0, 2.0, 4.0, 5.0]);
        assert_eq!(s.ranges, [0..2, 2..5, 5..5]);
    }
}
