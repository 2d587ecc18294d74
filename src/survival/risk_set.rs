//! The one risk-set preparation of the survival code: sort, R's `timefix`, tie groups, strata
//! and counting-process departures. Cox ([`crate::CoxPh`]), Firth Cox, `cox.zph`, the
//! residuals, the concordance and the Cox-predicted curves all start here; a new survival
//! model (competing risks, parametric models) should too. Kaplan–Meier and the log-rank
//! family, which only sum over runs of equal times, read the runs' sums from
//! [`RunTable`](crate::survival::run_table::RunTable), which counts rows into exact time
//! cells without a sort when it can and otherwise sums the runs of [`sort_rows_by_time`].
//!
//! # The pieces
//!
//! * [`sort_rows`]: the one sort. Rows are ordered by `(key, time, status, tag)`: by an
//!   integer key (stratum or group code), then within each key by time, censored rows
//!   before events at equal times (R's `coxph` order: a censoring at `t`
//!   is at risk at `t`), ties broken by the tag (the row index unless the caller tags rows
//!   with its own codes). One radix pass places the rows in cells of key and time range,
//!   each finished by a sort in cache (see [`sort_rows_with`]). With `timefix`, R's `aeqSurv` merges near-equal times over the
//!   distinct times of all rows (see [`crate::survival::timefix`]). The result is a
//!   [`SortedRows`]: 16-byte [`Entry`]s (time, tag, event flag) and the range of each key,
//!   compact so that passes over it stay in cache. [`run_end`] finds the end of a run of
//!   equal times (a tie group without stratum boundaries).
//! * [`RiskSets`]: the sorted survival data of a regression model — original row of each
//!   sorted position (`order`), time, event, weight, centred offsets, the [`TieGroup`]s
//!   (equal time within a stratum; censored rows first) and the [`StratumSpan`]s (the tie
//!   groups of each stratum), plus for counting-process data `(start, stop]` the start times
//!   and the departure order ([`Counting`]). Built by [`RiskSets::new`] from a
//!   [`SurvivalData`]: for counting data R's `aeqSurv` treats start and stop times as one set
//!   of times.
//! * [`Departures`]: the cursor for the backward sweep over one stratum's tie groups (R's
//!   `agreg`): before a tie group joins the risk set, the rows whose interval starts at or
//!   after its time leave. Without counting data it does nothing, so one sweep serves both.
//!   [`Arrivals`] is its mirror for a forward sweep (earliest time first): the rows whose
//!   interval starts before the group's time enter.
//!
//! ```text
//! for each stratum span s (RiskSets::strata):
//!     departures = Departures::new(risk.stratum_rows(s))
//!     for each tie group g of s, latest first:
//!         departures.advance(risk, g, |k| remove row k from the sums (None: reset to 0))
//!         add the rows of g to the sums; use them at g's deaths (g.death_start()..g.end())
//! ```
//!
//! Model-specific parts (the covariates, centred and scaled as `coxph` or `coxphf` do) stay
//! with the model and refer to the sorted positions of [`RiskSets`].

use std::ops::Range;

use crate::labels::Levels;
use crate::survival::timefix::{timefix, timefix_intervals};
use crate::{Error, Result, SurvivalData};

/// Labels of `groups` as levels ([`Levels`]) and each row's level code.
pub(crate) struct GroupCodes {
    pub(crate) labels: Vec<String>,
    pub(crate) codes: Vec<usize>,
}

/// Codes the group of every row by the crate's one label coder ([`Levels`]).
///
/// # Errors
/// [`Error::DimensionMismatch`] if there is not one group per observation.
pub(crate) fn code_groups<T: Ord + ToString>(groups: &[T], n: usize) -> Result<GroupCodes> {
    if groups.len() != n {
        return Err(Error::mismatch("groups", n, groups.len()));
    }
    let (labels, codes) = Levels::new(groups).into_parts();
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
            // -0 and 0 are one time
            time: time + 0.0,
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

    /// `(time, status, tag)` order: censored rows before events at equal times.
    fn cmp(&self, other: &Entry) -> std::cmp::Ordering {
        self.time
            .total_cmp(&other.time)
            .then(self.tagged.cmp(&other.tagged))
    }
}

/// Rows sorted by (key, time, status, tag) and the range of each key.
pub(crate) struct SortedRows {
    /// The rows in sorted order.
    pub(crate) entries: Vec<Entry>,
    /// For each key `0..n_keys`, its range in `entries` (empty if the key is unused).
    pub(crate) ranges: Vec<Range<usize>>,
}

/// Orders the rows by (key, time, status, tag) (see [`sort_rows_with`]). With
/// `apply_timefix`, R's `timefix` is applied over the distinct times of all rows (and the
/// rows of merged times re-sorted, censored first). Each entry is tagged with `tags[i]` if
/// given, else with its row index `i`.
pub(crate) fn sort_rows(
    time: &[f64],
    event: &[bool],
    keys: Option<(&[usize], usize)>,
    tags: Option<&[usize]>,
    apply_timefix: bool,
) -> SortedRows {
    sort_rows_with(time, event, keys, tags, apply_timefix, true)
}

/// [`sort_rows`] ordering rows by time only within each key (the order inside a run of
/// equal times is unspecified): enough for the estimators that sum over whole runs
/// (Kaplan–Meier, log-rank), which read it through
/// [`RunTable`](crate::survival::run_table::RunTable) when its exact cells do not apply.
pub(crate) fn sort_rows_by_time(
    time: &[f64],
    event: &[bool],
    keys: Option<(&[usize], usize)>,
    tags: Option<&[usize]>,
    apply_timefix: bool,
) -> SortedRows {
    sort_rows_with(time, event, keys, tags, apply_timefix, false)
}

/// At most this many cells (key × time bucket) in the radix pass of [`sort_rows_with`]:
/// 2048 cells of 16-byte entries keep the counts in L1 and, at n = 10⁶, cells of about 500
/// rows (8 kB) that the comparison sort finishes in L1.
const RADIX_CELLS: usize = 2048;

/// The one sort: rows ordered by (key, time, status, tag), or by (key, time) with the order
/// inside a run of equal times unspecified when `order_ties` is false.
///
/// One pass of a most-significant-digit radix sort builds the entries directly in their
/// cells: the cell of a row is its key (stratum or group code `< n_keys`) and the top bits
/// of `ordered_bits(time) − ordered_bits(min time)` (the `u64` whose order is
/// `f64::total_cmp`), as many bits as make at most [`RADIX_CELLS`] cells; the placement is
/// stable and `O(n)`. Each cell, small enough to stay in cache, is then finished by a
/// comparison sort on `(time, status, tag)` (or on the time). The result does not depend on
/// how the rows fall into cells: it is the unique order by `(key, time, status, tag)` (rows
/// with equal entries are interchangeable), which is what [`Entry::cmp`] defines. Rows that
/// already come in that order (one key) are taken as they are.
///
/// Why not a least-significant-digit radix sort over all 8 bytes of the time: measured on
/// this crate's benchmark data (n = 10⁶, 3000 distinct whole-number times, three varying
/// bytes) it took twice the CPU time of the comparison sort it replaced, every pass
/// streaming 32 MB through memory; the single placement pass plus sorts in cache moves each
/// entry once.
fn sort_rows_with(
    time: &[f64],
    event: &[bool],
    keys: Option<(&[usize], usize)>,
    tags: Option<&[usize]>,
    apply_timefix: bool,
    order_ties: bool,
) -> SortedRows {
    let n = time.len();
    let in_order = |a: &Entry, b: &Entry| {
        if order_ties {
            a.cmp(b).is_le()
        } else {
            // `total_cmp` order as the integer order of the bits: branch free
            ordered_bits(a.time) <= ordered_bits(b.time)
        }
    };
    let sort = |entries: &mut [Entry]| {
        if order_ties {
            sort_entries(entries);
        } else {
            entries.sort_unstable_by(|a, b| a.time.total_cmp(&b.time));
        }
    };
    let entry = |i: usize| Entry::new(time[i], tags.map_or(i, |t| t[i]), event[i]);
    let (mut entries, ranges) =
        if keys.is_none() && (1..n).all(|i| in_order(&entry(i - 1), &entry(i))) {
            ((0..n).map(entry).collect(), std::iter::once(0..n).collect())
        } else {
            place_in_cells(n, keys, entry, &in_order, &sort, |i| {
                ordered_bits(time[i] + 0.0)
            })
        };
    if apply_timefix && fix_sorted_times(&mut entries, &ranges) && order_ties {
        for range in &ranges {
            sort(&mut entries[range.clone()]);
        }
    }
    SortedRows { entries, ranges }
}

/// Sorts `entries` by [`Entry::cmp`]. A run of one time (a cell of the radix pass when times
/// are tied, as whole-month times are) is ordered by its tags alone, censored rows first: the
/// placement keeps the rows' order, so with tags in row order a stable partition of the
/// events after the censored rows is the sorted order in `O(m)`, checked before it is taken
/// (otherwise, and for several times, the comparison sort).
fn sort_entries(entries: &mut [Entry]) {
    if let Some(first) = entries.first() {
        let t = first.time.to_bits();
        if entries.iter().all(|e| e.time.to_bits() == t) {
            let (censored, events): (Vec<Entry>, Vec<Entry>) =
                entries.iter().partition(|e| !e.event());
            entries[..censored.len()].copy_from_slice(&censored);
            entries[censored.len()..].copy_from_slice(&events);
            if entries.windows(2).all(|w| w[0].tagged <= w[1].tagged) {
                return;
            }
        }
    }
    entries.sort_unstable_by(Entry::cmp);
}

/// The radix pass and the sorts of the cells of [`sort_rows_with`]: `entry(i)` is row `i`'s
/// entry and `bits_of(i)` the order-preserving bits of its time.
fn place_in_cells(
    n: usize,
    keys: Option<(&[usize], usize)>,
    entry: impl Fn(usize) -> Entry,
    in_order: &impl Fn(&Entry, &Entry) -> bool,
    sort: &impl Fn(&mut [Entry]),
    bits_of: impl Fn(usize) -> u64,
) -> (Vec<Entry>, Vec<Range<usize>>) {
    let n_keys = keys.map_or(1, |(_, k)| k);
    // the time buckets: the top bits of the offset from the smallest time's bits
    let (lo, hi) = (0..n).fold((u64::MAX, 0), |(lo, hi), i| {
        let b = bits_of(i);
        (lo.min(b), hi.max(b))
    });
    let span = hi.saturating_sub(lo);
    let per_key = (RADIX_CELLS / n_keys.max(1)).max(1);
    let bucket_bits = per_key.ilog2();
    let width = u64::BITS - span.leading_zeros();
    let shift = width.saturating_sub(bucket_bits).min(u64::BITS - 1);
    let n_buckets = (span >> shift) as usize + 1;
    let cell = |i: usize| {
        let key = keys.map_or(0, |(codes, _)| codes[i]);
        key * n_buckets + ((bits_of(i) - lo) >> shift) as usize
    };
    let n_cells = n_keys * n_buckets;
    let mut start = vec![0usize; n_cells + 1];
    for i in 0..n {
        start[cell(i) + 1] += 1;
    }
    for c in 0..n_cells {
        start[c + 1] += start[c];
    }
    let mut next = start.clone();
    let mut entries = vec![Entry::new(0.0, 0, false); n];
    for i in 0..n {
        let c = cell(i);
        entries[next[c]] = entry(i);
        next[c] += 1;
    }
    drop(next);
    for c in 0..n_cells {
        let cell = &mut entries[start[c]..start[c + 1]];
        if !cell.windows(2).all(|w| in_order(&w[0], &w[1])) {
            sort(cell);
        }
    }
    let ranges: Vec<Range<usize>> = (0..n_keys)
        .map(|k| start[k * n_buckets]..start[(k + 1) * n_buckets])
        .collect();
    (entries, ranges)
}

/// R's `timefix` on entries sorted by time within each range: the rule depends only on the
/// set of distinct times, so the shared [`timefix`] runs on those and the result is mapped
/// back run by run. Returns whether any time changed.
fn fix_sorted_times(entries: &mut [Entry], ranges: &[Range<usize>]) -> bool {
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
        return false;
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
    true
}

/// The end of the run of entries sharing `entries[start].time`.
pub(crate) fn run_end(entries: &[Entry], start: usize) -> usize {
    // equal bits is equal `total_cmp` (the order of the sort)
    let t = entries[start].time.to_bits();
    start
        + entries[start..]
            .iter()
            .position(|e| e.time.to_bits() != t)
            .unwrap_or(entries.len() - start)
}

/// Rows `start..end` (sorted order) share one time within one stratum; the censored rows
/// come first, the deaths are `death_start..end`.
///
/// The positions are kept as `u32` (12 bytes a group instead of 24: one group per distinct
/// time per stratum, up to one per row); [`RiskSets::new`] refuses data of `2^32` rows or
/// more, so every position fits. The accessors return `usize` for indexing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TieGroup {
    start: u32,
    death_start: u32,
    end: u32,
}

impl TieGroup {
    /// The group of sorted rows `start..end` whose deaths are `death_start..end`; every
    /// position is at most the row count, which [`RiskSets::new`] keeps below `2^32`.
    fn new(start: usize, death_start: usize, end: usize) -> Self {
        debug_assert!(start <= death_start && death_start <= end && end <= u32::MAX as usize);
        TieGroup {
            start: start as u32,
            death_start: death_start as u32,
            end: end as u32,
        }
    }

    /// First sorted row of the group.
    #[inline]
    pub fn start(&self) -> usize {
        self.start as usize
    }

    /// First death of the group (`end()` if it has none): the censored rows are
    /// `start()..death_start()`.
    #[inline]
    pub fn death_start(&self) -> usize {
        self.death_start as usize
    }

    /// One past the last sorted row of the group.
    #[inline]
    pub fn end(&self) -> usize {
        self.end as usize
    }

    /// Number of deaths in the group.
    #[inline]
    pub fn n_deaths(&self) -> usize {
        (self.end - self.death_start) as usize
    }
}

/// One stratum: its tie groups `groups` (indices into [`RiskSets::groups`]).
#[derive(Debug, Clone)]
pub(crate) struct StratumSpan {
    pub groups: Range<usize>,
}

/// The sorted survival data of a regression model (see the module docs).
#[derive(Debug, Clone)]
pub(crate) struct RiskSets {
    pub n: usize,
    /// `order[k]` = original row of sorted position `k` (`u32`: half the memory of `usize`
    /// per row; [`RiskSets::new`] refuses data of `2^32` rows or more).
    pub order: Vec<u32>,
    /// Case weights in sorted order (1 without weights, stored as no vector at all).
    pub weight: CaseWeights,
    /// Times in sorted order (stop times of counting data; after `timefix` when on).
    pub time: Vec<f64>,
    /// Event indicators in sorted order.
    pub event: Vec<bool>,
    /// Offsets centred by their (unweighted) mean, sorted; all zero without offsets (or when
    /// every offset is 0, as R's `coxph` ignores them).
    pub offset: Vec<f64>,
    /// Mean removed from the offsets (0 without offsets), added back to the linear predictor.
    pub offset_mean: f64,
    /// Offsets were given and not all zero (else `offset` is all zero and a pass may skip
    /// it).
    pub has_offsets: bool,
    /// Tie groups of every stratum, stratum after stratum, each in time order.
    pub groups: Vec<TieGroup>,
    /// The strata that have rows, in stratum-code order.
    pub strata: Vec<StratumSpan>,
    /// Number of (unweighted) events.
    pub n_events: usize,
    /// Counting-process data: start times (sorted order) and the departure order.
    pub counting: Option<Counting>,
}

/// The case weights of [`RiskSets`] in sorted order: the weights given, or — unweighted
/// data — no vector at all and weight 1 for every row (one `f64` less per row in the
/// fit's memory). The arithmetic is the same either way: a product with 1 is exact and a
/// sum of ones is the count, so unweighted results do not depend on the representation.
#[derive(Debug, Clone)]
pub(crate) struct CaseWeights(Option<Vec<f64>>);

impl CaseWeights {
    /// The weights of sorted rows `rows`, in order (`weight[k]` is the weight of row `k`).
    #[inline]
    pub fn range(&self, rows: Range<usize>) -> impl Iterator<Item = f64> + '_ {
        rows.map(move |k| self[k])
    }

    /// The stored weights (`None`: unweighted, every weight 1).
    pub fn stored(&self) -> Option<&[f64]> {
        self.0.as_deref()
    }

    /// The stored weights (`None`: unweighted, every weight 1).
    pub fn stored_mut(&mut self) -> Option<&mut [f64]> {
        self.0.as_deref_mut()
    }
}

impl std::ops::Index<usize> for CaseWeights {
    type Output = f64;

    #[inline]
    fn index(&self, k: usize) -> &f64 {
        match &self.0 {
            Some(w) => &w[k],
            None => &1.0,
        }
    }
}

/// The `(start, stop]` part of counting-process data, in the sorted (stop-time) order.
#[derive(Debug, Clone)]
pub(crate) struct Counting {
    /// Start time of sorted row `k` (after `timefix` when on).
    pub start: Vec<f64>,
    /// Sorted positions ordered by (stratum, start time descending): within a stratum's
    /// position range `a..b`, `by_start[a..b]` are that stratum's rows, latest start first.
    pub by_start: Vec<usize>,
}

impl RiskSets {
    /// Sorts and groups `data`: sort by (stratum, time, status, row), `timefix` when
    /// `use_timefix` (over start and stop times together for counting data), tie groups,
    /// strata, centred offsets and the departure order of counting data. `what` names the
    /// model in the error for data without events.
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] for data of `2^32` rows or more (the sorted order is
    ///   kept as `u32`).
    /// * [`Error::NoEvents`] if no row is an event.
    /// * [`Error::StartNotBeforeStop`] if `timefix` makes a `(start, stop]` interval empty.
    pub fn new(data: &SurvivalData, use_timefix: bool, what: &str) -> Result<Self> {
        let n = data.len();
        if u32::try_from(n).is_err() {
            return Err(Error::InvalidParameter {
                name: "number of observations",
                value: n as f64,
                reason: "the survival models accept at most 4294967295 rows (2^32 - 1); \
                         split the data (by stratum or period) or take a sample",
            });
        }
        let n_events = data.n_events();
        if n_events == 0 {
            return Err(Error::NoEvents {
                what: what.to_string(),
            });
        }
        // Counting data: R's aeqSurv treats start and stop times as one set of times.
        let (stop_times, start_times) = counting_times(data, use_timefix)?;
        let stop_times: &[f64] = stop_times.as_deref().unwrap_or(data.time());
        let keys = data.strata().map(|s| (s, data.n_strata()));
        let apply_timefix = use_timefix && start_times.is_none();
        let sorted = sort_rows(stop_times, data.event(), keys, None, apply_timefix);

        // every tag is a row index < n <= u32::MAX (checked above)
        let order: Vec<u32> = sorted.entries.iter().map(|e| e.tag() as u32).collect();
        let time: Vec<f64> = sorted.entries.iter().map(|e| e.time).collect();
        let event: Vec<bool> = sorted.entries.iter().map(|e| e.event()).collect();
        let weight = CaseWeights(
            data.weights()
                .map(|w| order.iter().map(|&i| w[i as usize]).collect()),
        );
        let (offset, offset_mean, has_offsets) = centred_offsets(data, &order);
        let (groups, strata) = tie_groups(&sorted.entries, &sorted.ranges);
        let counting = start_times.map(|start| {
            let start: Vec<f64> = order.iter().map(|&i| start[i as usize] + 0.0).collect();
            let mut by_start: Vec<usize> = Vec::with_capacity(n);
            for range in sorted.ranges.iter().filter(|r| !r.is_empty()) {
                let first = by_start.len();
                by_start.extend(range.clone());
                by_start[first..]
                    .sort_unstable_by(|&a, &b| start[b].total_cmp(&start[a]).then(a.cmp(&b)));
            }
            Counting { start, by_start }
        });
        Ok(RiskSets {
            n,
            order,
            weight,
            time,
            event,
            has_offsets,
            offset,
            offset_mean,
            groups,
            strata,
            n_events,
            counting,
        })
    }

    /// `true` if sorted row `k` is an event.
    #[inline]
    pub fn is_event(&self, k: usize) -> bool {
        self.event[k]
    }

    /// Sorted positions `a..b` of a stratum's rows.
    pub fn stratum_rows(&self, stratum: &StratumSpan) -> Range<usize> {
        let first = self.groups.get(stratum.groups.start);
        let last = stratum
            .groups
            .end
            .checked_sub(1)
            .and_then(|g| self.groups.get(g));
        match (first, last) {
            (Some(first), Some(last)) if stratum.groups.start < stratum.groups.end => {
                first.start()..last.end()
            }
            _ => 0..0,
        }
    }
}

/// Tie groups (equal time within a key range) and the spans of the non-empty ranges.
fn tie_groups(entries: &[Entry], ranges: &[Range<usize>]) -> (Vec<TieGroup>, Vec<StratumSpan>) {
    let mut groups = Vec::new();
    let mut spans = Vec::new();
    for range in ranges.iter().filter(|r| !r.is_empty()) {
        let first = groups.len();
        let mut start = range.start;
        while start < range.end {
            let end = run_end(&entries[..range.end], start);
            let death_start = (start..end).find(|&k| entries[k].event()).unwrap_or(end);
            groups.push(TieGroup::new(start, death_start, end));
            start = end;
        }
        spans.push(StratumSpan {
            groups: first..groups.len(),
        });
    }
    (groups, spans)
}

/// Counting-process departures from the risk set during a backward sweep over one stratum's
/// tie groups (R's `agreg`): a row leaves when the sweep reaches a time at or before its
/// start. Without counting data [`Departures::advance`] does nothing.
#[derive(Debug)]
pub(crate) struct Departures {
    next: usize,
    end: usize,
    n_at_risk: usize,
}

impl Departures {
    /// Departures for the stratum occupying sorted positions `rows`.
    pub fn new(rows: Range<usize>) -> Self {
        Departures {
            next: rows.start,
            end: rows.end,
            n_at_risk: 0,
        }
    }

    /// Before tie group `group` is added: calls `leave(Some(k))` for each row `k` whose
    /// interval starts at or after the group's time, or `leave(None)` when the risk set
    /// becomes empty (the caller then resets its sums to exactly 0, as R does, so no rounding
    /// residue remains); then counts the group's rows as at risk.
    #[inline]
    pub fn advance(
        &mut self,
        data: &RiskSets,
        group: &TieGroup,
        mut leave: impl FnMut(Option<usize>),
    ) {
        let Some(counting) = &data.counting else {
            return;
        };
        let t = data.time[group.start()];
        let n_at_risk = &mut self.n_at_risk;
        depart(
            &counting.by_start[..self.end],
            &mut self.next,
            |k| counting.start[k],
            t,
            |k| {
                *n_at_risk = n_at_risk.saturating_sub(1);
                leave((*n_at_risk > 0).then_some(k));
            },
        );
        self.n_at_risk += group.end() - group.start();
    }
}

/// Counting-process arrivals during a forward sweep (earliest time first) over one
/// stratum's tie groups: [`Arrivals::advance`] hands over, in ascending start order, each row
/// whose interval starts before the time reached (`start < t`: the row is at risk from just
/// after its start), so that a sweep can record what had accumulated when the row entered
/// (the cumulative hazard for martingale residuals and the robust variance, the earlier
/// events for the concordance). Without counting data it does nothing, so one forward sweep
/// serves both.
///
/// ```text
/// arrivals = Arrivals::new(risk, risk.stratum_rows(s))
/// for each tie group g of s, earliest first:
///     arrivals.advance(time of g, |k| row k enters: record the sums so far)
///     use / add the rows of g
/// ```
#[derive(Debug)]
pub(crate) struct Arrivals<'a> {
    /// The stratum's rows not yet arrived, latest start first (so the next is the last).
    pending: &'a [usize],
    start: &'a [f64],
}

impl<'a> Arrivals<'a> {
    /// Arrivals for the stratum occupying sorted positions `rows` of `data`.
    pub fn new(data: &'a RiskSets, rows: Range<usize>) -> Self {
        match &data.counting {
            Some(counting) => Arrivals {
                pending: counting.by_start.get(rows).unwrap_or(&[]),
                start: &counting.start,
            },
            None => Arrivals {
                pending: &[],
                start: &[],
            },
        }
    }

    /// Calls `arrive(k)` for each row `k` not yet handed over whose start is before `t`, in
    /// ascending start order.
    #[inline]
    pub fn advance(&mut self, t: f64, mut arrive: impl FnMut(usize)) {
        while let Some((&k, rest)) = self.pending.split_last() {
            if self.start[k] >= t {
                break;
            }
            arrive(k);
            self.pending = rest;
        }
    }
}

/// The one departure walk of a backward sweep over time with delayed entry (a row is at risk
/// at t iff `start < t <= stop`): over `by_start[*next..]`, rows ordered latest start first,
/// calls `leave` for each row whose start is at or after `t` and moves `*next` past it.
/// [`Departures`] (Cox, Firth Cox, zph, residuals, predicted curves, concordance) and the
/// Kaplan–Meier curve with delayed entry use it.
#[inline]
pub(crate) fn depart<T: Copy>(
    by_start: &[T],
    next: &mut usize,
    start: impl Fn(T) -> f64,
    t: f64,
    mut leave: impl FnMut(T),
) {
    while let Some(&k) = by_start.get(*next) {
        if start(k) < t {
            break;
        }
        *next += 1;
        leave(k);
    }
}

/// `u64` whose unsigned order is `f64::total_cmp` order.
pub(crate) fn ordered_bits(x: f64) -> u64 {
    let bits = x.to_bits();
    // negative: all bits flipped; positive: the sign bit set (branch free)
    let negative = ((bits as i64) >> 63) as u64;
    bits ^ (negative | (1 << 63))
}

/// Stop and start times of counting-process data after R's `aeqSurv` (start and stop times
/// form one set of times); `(None, None)` for right-censored data, `(None, Some(start))` when
/// timefix changes nothing.
#[allow(clippy::type_complexity)]
pub(crate) fn counting_times(
    data: &SurvivalData,
    use_timefix: bool,
) -> Result<(Option<Vec<f64>>, Option<Vec<f64>>)> {
    let Some(start) = data.start() else {
        return Ok((None, None));
    };
    let stop = data.time();
    if !use_timefix {
        return Ok((None, Some(start.to_vec())));
    }
    Ok(match timefix_intervals(start, stop)? {
        Some((new_start, new_stop)) => (Some(new_stop), Some(new_start)),
        None => (None, Some(start.to_vec())),
    })
}

/// R's `coxph`: offsets that are all zero are ignored, others are centred by their mean;
/// also whether they were kept.
fn centred_offsets(data: &SurvivalData, order: &[u32]) -> (Vec<f64>, f64, bool) {
    match data.offsets() {
        Some(o) if o.iter().any(|v| v.abs() > 0.0) => {
            // summed times a power of two when beyond 2^±32, so that the sum cannot
            // overflow (exact; crate::numeric)
            let f = crate::numeric::column_factor(o);
            let mean = o.iter().map(|v| v * f).sum::<f64>() / o.len() as f64 / f;
            (
                order.iter().map(|&i| o[i as usize] - mean).collect(),
                mean,
                true,
            )
        }
        _ => (vec![0.0; order.len()], 0.0, false),
    }
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

    /// The reference order: rows by key (stable), then `Entry::cmp` within each key.
    fn reference(time: &[f64], event: &[bool], keys: &[usize], tags: &[usize]) -> Vec<Entry> {
        let mut rows: Vec<(usize, Entry)> = (0..time.len())
            .map(|i| (keys[i], Entry::new(time[i], tags[i], event[i])))
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        rows.into_iter().map(|(_, e)| e).collect()
    }

    #[test]
    fn radix_cells_give_the_comparison_sort_order() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let n = 20_000;
        let shapes: [&dyn Fn(u64) -> f64; 5] = [
            &|r| (r % 300) as f64,                             // heavy ties
            &|r| (r >> 11) as f64 / (1u64 << 53) as f64 * 1e3, // continuous
            &|r| {
                if r % 1000 == 0 {
                    1e300
                } else {
                    (r % 50) as f64
                }
            }, // one far outlier
            &|r| [-0.0, 0.0, -1.5, 2.0][(r % 4) as usize],     // signs, -0 = 0
            &|r| 10f64.powi((r % 600) as i32 - 300),           // 1e-300 ..= 1e299
        ];
        for shape in shapes {
            let time: Vec<f64> = (0..n).map(|_| shape(next())).collect();
            let event: Vec<bool> = (0..n).map(|_| next() % 3 == 0).collect();
            let keys: Vec<usize> = (0..n).map(|_| (next() % 5) as usize).collect();
            let codes: Vec<usize> = (0..n).map(|_| (next() % 7) as usize).collect();
            let rows: Vec<usize> = (0..n).collect();
            let one = vec![0; n];
            for (k, n_keys) in [(&one, 1), (&keys, 5)] {
                for (tags, t) in [(None, &rows), (Some(codes.as_slice()), &codes)] {
                    let want = reference(&time, &event, k, t);
                    let key_arg = (n_keys > 1).then_some((k.as_slice(), n_keys));
                    let got = sort_rows(&time, &event, key_arg, tags, false);
                    assert!(got.entries.iter().zip(&want).all(|(a, b)| a.cmp(b).is_eq()));
                    let by_time = sort_rows_by_time(&time, &event, key_arg, tags, false);
                    let times =
                        |v: &[Entry]| v.iter().map(|e| e.time.to_bits()).collect::<Vec<_>>();
                    assert_eq!(times(&by_time.entries), times(&want));
                    assert_eq!(by_time.ranges, got.ranges);
                }
            }
        }
        // already in order: taken as is
        let sorted = sort_rows(&[1.0, 2.0, 2.0], &[true, false, true], None, None, false);
        assert_eq!(
            sorted.entries.iter().map(|e| e.tag()).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        assert!(sort_rows(&[], &[], None, None, true).entries.is_empty());
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

    #[test]
    fn groups_put_censored_rows_first() -> Result<()> {
        let data = SurvivalData::new(
            vec![2.0, 1.0, 2.0, 2.0, 3.0],
            vec![true, true, false, true, false],
        )?;
        let risk = RiskSets::new(&data, true, "test")?;
        assert_eq!(risk.order, vec![1, 2, 0, 3, 4]);
        assert_eq!(risk.groups.len(), 3);
        assert_eq!(risk.groups[1].start(), 1);
        assert_eq!(risk.groups[1].death_start(), 2);
        assert_eq!(risk.groups[1].end(), 4);
        assert_eq!(risk.strata.len(), 1);
        Ok(())
    }

    #[test]
    fn timefix_regroups_censored_rows_first() -> Result<()> {
        // the death at 2 and the censoring at 2 + 1e-13 are one time after timefix
        let data = SurvivalData::new(
            vec![2.0 + 1e-13, 2.0, 1.0, 3.0],
            vec![false, true, true, false],
        )?;
        let risk = RiskSets::new(&data, true, "test")?;
        assert_eq!(risk.order, vec![2, 0, 1, 3]);
        assert_eq!(risk.groups.len(), 3);
        assert_eq!(
            (risk.groups[1].start(), risk.groups[1].death_start()),
            (1, 2)
        );
        let raw = RiskSets::new(&data, false, "test")?;
        assert_eq!(raw.order, vec![2, 1, 0, 3]);
        assert_eq!(raw.groups.len(), 4);
        Ok(())
    }

    #[test]
    fn strata_split_groups_and_counting_data_depart_by_start() -> Result<()> {
        let data = SurvivalData::counting(
            vec![0.0, 2.0, 1.0, 0.0],
            vec![2.0, 5.0, 3.0, 4.0],
            vec![false, true, true, false],
        )?;
        let risk = RiskSets::new(&data, true, "test")?;
        let counting = risk.counting.as_ref().expect("counting");
        // sorted by stop: rows 0 (2), 2 (3), 3 (4), 1 (5)
        assert_eq!(risk.order, vec![0, 2, 3, 1]);
        assert_eq!(counting.start, vec![0.0, 1.0, 0.0, 2.0]);
        // positions by start, latest first (ties by position)
        assert_eq!(counting.by_start, vec![3, 1, 0, 2]);

        let strat = SurvivalData::new(vec![1.0, 1.0, 2.0], vec![true, true, false])?
            .with_strata(&["b", "a", "b"])?;
        let risk = RiskSets::new(&strat, true, "test")?;
        assert_eq!(risk.order, vec![1, 0, 2]);
        assert_eq!(risk.groups.len(), 3);
        assert_eq!(risk.strata.len(), 2);
        assert_eq!(risk.stratum_rows(&risk.strata[1]), 1..3);

        // timefix merges start and stop times: an interval of noise length is an error
        let tiny =
            SurvivalData::counting(vec![0.0, 1.0], vec![1.0, 1.0 + 1e-12], vec![true, true])?;
        assert!(matches!(
            RiskSets::new(&tiny, true, "test"),
            Err(Error::StartNotBeforeStop { row: 2, .. })
        ));
        assert!(matches!(
            RiskSets::new(&SurvivalData::new(vec![1.0], vec![false])?, true, "test"),
            Err(Error::NoEvents { .. })
        ));
        Ok(())
    }
}
