//! Group labels coded in sorted order (R's factor levels) and the one sort of the rows that
//! Kaplan–Meier and the log-rank test share.

use std::borrow::Cow;

use crate::survival::timefix::timefix;
use crate::{Error, Result, SurvivalData};

/// Labels of `groups` in sorted order and each row's code (index into the labels).
pub(crate) struct GroupCodes {
    pub(crate) labels: Vec<String>,
    pub(crate) codes: Vec<usize>,
}

/// Codes the group of every row by its label's rank among the sorted distinct labels.
///
/// # Errors
/// [`Error::DimensionMismatch`] if there is not one group per observation.
pub(crate) fn code_groups<T: Ord + ToString>(groups: &[T], n: usize) -> Result<GroupCodes> {
    if groups.len() != n {
        return Err(Error::mismatch("groups", n, groups.len()));
    }
    let mut distinct: Vec<&T> = groups.iter().collect();
    distinct.sort_unstable();
    distinct.dedup();
    let codes = groups
        .iter()
        .map(|g| distinct.binary_search(&g).unwrap_or(0))
        .collect();
    Ok(GroupCodes {
        labels: distinct.iter().map(|g| g.to_string()).collect(),
        codes,
    })
}

/// The survival times after R's `timefix` (when `apply` is set), borrowed when unchanged.
pub(crate) fn fixed_times(data: &SurvivalData, apply: bool) -> Cow<'_, [f64]> {
    if apply {
        if let Some(fixed) = timefix(data.time()) {
            return Cow::Owned(fixed);
        }
    }
    Cow::Borrowed(data.time())
}

/// Row indices sorted by `(key, time)`; equal keys keep time order, ties in any order.
pub(crate) fn sort_rows(keys: Option<&[usize]>, time: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..time.len()).collect();
    match keys {
        Some(k) => order
            .sort_unstable_by(|&a, &b| k[a].cmp(&k[b]).then_with(|| time[a].total_cmp(&time[b]))),
        None => order.sort_unstable_by(|&a, &b| time[a].total_cmp(&time[b])),
    }
    order
}

/// Splits `order` (sorted by key) into maximal runs of equal key.
pub(crate) fn runs<'a>(
    order: &'a [usize],
    key: impl Fn(usize) -> usize + 'a,
) -> impl Iterator<Item = &'a [usize]> + 'a {
    order.chunk_by(move |&a, &b| key(a) == key(b))
}
