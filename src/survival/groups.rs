//! Group labels coded in sorted order (R's factor levels) and the one sort of the rows that
//! Kaplan–Meier and the log-rank test share.

use std::ops::Range;

use crate::survival::timefix::timefix;
use crate::{Error, Result};

/// Labels of `groups` in sorted order and each row's code (index into the labels).
pub(crate) struct GroupCodes {
    pub(crate) labels: Vec<String>,
    pub(crate) codes: Vec<usize>,
}

/// Codes the group of every row by the crate's one label coder ([`crate::Levels`]).
///
/// # Errors
/// [`Error::DimensionMismatch`] if there is not one group per observation.
pub(crate) fn code_groups<T: Ord + ToString>(groups: &[T], n: usize) -> Result<GroupCodes> {
    if groups.len() != n {
        return Err(Error::mismatch("groups", n, groups.len()));
    }
    let (labels, codes) = crate::Levels::new(groups).into_parts();
    Ok(GroupCodes { labels, codes })
}

/// One row in sorted order: its (timefixed) time, a tag (the row index, or a code chosen by
/// the caller) and the event flag, packed in 16 bytes so that the sort and the passes over
/// it stay cache friendly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Entry {
    pub(crate) time: f64,
    tagged: usize,
}

const EVENT_BIT: usize = 1 << (usize::BITS - 1);

impl Entry {
    fn new(time: f64, tag: usize, event: bool) -> Self {
        Entry {
            time,
            tagged: tag | if event { EVENT_BIT } else { 0 },
        }
    }

    /// The tag: the row index in the original data, or the caller's code for the row.
    pub(crate) fn tag(self) -> usize {
        self.tagged & !EVENT_BIT
    }

    /// Whether the row is an event.
    pub(crate) fn event(self) -> bool {
        self.tagged & EVENT_BIT != 0
    }
}

/// Rows sorted by (key, time) and the range of each key.
pub(crate) struct SortedRows {
    /// The rows in sorted order.
    pub(crate) entries: Vec<Entry>,
    /// For each key `0..n_keys`, its range in `entries` (empty if the key is unused).
    pub(crate) ranges: Vec<Range<usize>>,
}

/// Orders the rows by (key, time): a stable counting sort by `keys` (codes `< n_keys`,
/// read in row order, O(n)), then a sort by time within each key (O(n log n) in total).
/// With `apply_timefix`, R's `timefix` is applied over the distinct times of all rows.
/// Each entry is tagged with `tags[i]` if given, else with its row index `i`.
pub(crate) fn sort_rows(
    time: &[f64],
    event: &[bool],
    keys: Option<(&[usize], usize)>,
    tags: Option<&[usize]>,
    apply_timefix: bool,
) -> SortedRows {
    let n = time.len();
    let entry = |i: usize| Entry::new(time[i], tags.map_or(i, |t| t[i]), event[i]);
    let (mut entries, ranges): (Vec<Entry>, Vec<Range<usize>>) = match keys {
        None => ((0..n).map(entry).collect(), std::iter::once(0..n).collect()),
        Some((codes, n_keys)) => {
            let mut start = vec![0usize; n_keys + 1];
            for &c in codes {
                start[c + 1] += 1;
            }
            for k in 0..n_keys {
                start[k + 1] += start[k];
            }
            let ranges = (0..n_keys).map(|k| start[k]..start[k + 1]).collect();
            let mut next = start;
            let mut by_key = vec![Entry::new(0.0, 0, false); n];
            for (i, &c) in codes.iter().enumerate() {
                by_key[next[c]] = entry(i);
                next[c] += 1;
            }
            (by_key, ranges)
        }
    };
    for range in &ranges {
        entries[range.clone()].sort_unstable_by(|a, b| a.time.total_cmp(&b.time));
    }
    if apply_timefix {
        fix_sorted_times(&mut entries, &ranges);
    }
    SortedRows { entries, ranges }
}

/// R's `timefix` on entries sorted by time within each range: the rule depends only on the
/// set of distinct times, so the shared [`timefix`] runs on those and the result is mapped
/// back run by run.
fn fix_sorted_times(entries: &mut [Entry], ranges: &[Range<usize>]) {
    let mut distinct: Vec<f64> = Vec::new();
    for range in ranges {
        let mut start = range.start;
        while start < range.end {
            distinct.push(entries[start].time);
            start = run_end(&entries[..range.end], start);
        }
    }
    distinct.sort_unstable_by(f64::total_cmp);
    distinct.dedup_by(|a, b| a.total_cmp(b).is_eq());
    let Some(fixed) = timefix(&distinct) else {
        return;
    };
    for range in ranges {
        let mut start = range.start;
        while start < range.end {
            let end = run_end(&entries[..range.end], start);
            let original = entries[start].time;
            let k = distinct.partition_point(|d| d.total_cmp(&original).is_lt());
            let value = fixed.get(k).copied().unwrap_or(original);
            for e in &mut entries[start..end] {
                e.time = value;
            }
            start = end;
        }
    }
}

/// The end of the run of entries sharing `entries[start].time`.
pub(crate) fn run_end(entries: &[Entry], start: usize) -> usize {
    let t = entries[start].time;
    start
        + entries[start..]
            .iter()
            .position(|e| e.time.total_cmp(&t).is_ne())
            .unwrap_or(entries.len() - start)
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // exact copies of the input times
mod tests {
    use super::*;

    #[test]
    fn timefix_on_sorted_runs_matches_timefix_on_all() {
        let t = [3.0, 1.0 + 1e-12, 2.0, 1.0, 3.0, 1.0];
        let sorted = sort_rows(&t, &[false; 6], None, None, true);
        let mut expected = timefix(&t).unwrap();
        expected.sort_by(f64::total_cmp);
        let times: Vec<f64> = sorted.entries.iter().map(|e| e.time).collect();
        assert_eq!(times, expected);
    }

    #[test]
    fn keys_are_stable_counting_sorted() {
        let t = [5.0, 1.0, 4.0, 2.0, 3.0];
        let e = [true, false, true, false, true];
        let s = sort_rows(&t, &e, Some((&[1, 0, 1, 1, 0], 3)), None, false);
        let rows: Vec<usize> = s.entries.iter().map(|e| e.tag()).collect();
        let times: Vec<f64> = s.entries.iter().map(|e| e.time).collect();
        let events: Vec<bool> = s.entries.iter().map(|e| e.event()).collect();
        assert_eq!(rows, [1, 4, 3, 2, 0]);
        assert_eq!(times, [1.0, 3.0, 2.0, 4.0, 5.0]);
        assert_eq!(events, [false, true, false, true, true]);
        assert_eq!(s.ranges, [0..2, 2..5, 5..5]);
    }
}
