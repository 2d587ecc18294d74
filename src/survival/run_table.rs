//! The rows of each run of equal times, summed by group: all that Kaplan–Meier and the
//! log-rank family read (they sum over whole runs of equal times and never need the rows'
//! order inside a run).
//!
//! ```text
//! RunTable: for each key (a curve's group, a test's stratum) its runs in time order;
//!           for each run its time and, for each group (a test's arm), a Tally:
//!           rows, deaths (counts), Σw, Σw of deaths, Σw of censorings, Σw² of each
//! ```
//!
//! Two ways to the one table, with the same result (a test checks it):
//!
//! * **Exact cells** (no sort): when every time agrees with the others on its low `z` bits
//!   (the `u64` of `f64::total_cmp` order; whole days, months or halves leave most of the 52
//!   mantissa bits zero), `(bits − min bits) >> z` is a monotone one-to-one index of the
//!   distinct times. When those indices span few enough cells (at most a quarter of the rows,
//!   or 4096), one pass counts every row straight into its (key, time, group) cell and a scan
//!   of the cells gives the runs: `O(n + cells)`, one read of the times and no 16-byte entry
//!   per row. Daily times from 1 to 3000 days span about 23,000 cells; a time 0 or times of
//!   both signs span the exponents between and take the sort.
//! * Otherwise the one sort of the risk sets ([`sort_rows_by_time`]) and a pass over its runs.
//!
//! R's `timefix` is applied to the table: it depends only on the set of distinct times, and
//! runs that become equal are merged.

use std::ops::Range;

use crate::survival::risk_set::{ordered_bits, run_end, sort_rows_by_time};
use crate::survival::timefix::timefix;

/// Sums over the rows of one group in one run. Without case weights the weighted sums are
/// the counts (every weight 1).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Tally {
    /// Number of rows.
    pub(crate) rows: f64,
    /// Number of events.
    pub(crate) deaths: f64,
    /// Σ w over the rows.
    pub(crate) weight: f64,
    /// Σ w over the events.
    pub(crate) death_weight: f64,
    /// Σ w over the censored rows.
    pub(crate) censor_weight: f64,
    /// Σ w² over the events.
    pub(crate) death_weight_sq: f64,
    /// Σ w² over the censored rows.
    pub(crate) censor_weight_sq: f64,
}

impl Tally {
    /// Adds one row of weight `w`.
    #[inline]
    fn add_row(&mut self, event: bool, w: f64) {
        self.rows += 1.0;
        self.weight += w;
        if event {
            self.deaths += 1.0;
            self.death_weight += w;
            self.death_weight_sq += w * w;
        } else {
            self.censor_weight += w;
            self.censor_weight_sq += w * w;
        }
    }

    /// Adds the sums of `other` (runs merged by timefix).
    fn merge(&mut self, other: &Tally) {
        self.rows += other.rows;
        self.deaths += other.deaths;
        self.weight += other.weight;
        self.death_weight += other.death_weight;
        self.censor_weight += other.censor_weight;
        self.death_weight_sq += other.death_weight_sq;
        self.censor_weight_sq += other.censor_weight_sq;
    }

    /// The tally of `rows` rows of which `deaths` are events, every weight 1.
    fn counts(rows: u32, deaths: u32) -> Tally {
        let (rows, deaths) = (f64::from(rows), f64::from(deaths));
        let censored = rows - deaths;
        Tally {
            rows,
            deaths,
            weight: rows,
            death_weight: deaths,
            censor_weight: censored,
            death_weight_sq: deaths,
            censor_weight_sq: censored,
        }
    }
}

/// The runs of equal times of every key with their tallies by group (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RunTable {
    n_groups: usize,
    /// For each key `0..n_keys`, its runs (indices into `times`); empty if the key is unused.
    ranges: Vec<Range<usize>>,
    /// The time of each run (after timefix).
    times: Vec<f64>,
    /// `n_groups` tallies per run, run after run.
    tallies: Vec<Tally>,
}

/// The rows of a table: times, events, optional case weights, optional keys (code `< n_keys`
/// per row) and optional groups (code `< n_groups` per row).
#[derive(Clone, Copy)]
pub(crate) struct TableRows<'a> {
    pub(crate) time: &'a [f64],
    pub(crate) event: &'a [bool],
    pub(crate) weights: Option<&'a [f64]>,
    pub(crate) keys: Option<(&'a [usize], usize)>,
    pub(crate) groups: Option<(&'a [usize], usize)>,
}

impl TableRows<'_> {
    fn n_keys(&self) -> usize {
        self.keys.map_or(1, |(_, k)| k)
    }

    fn n_groups(&self) -> usize {
        self.groups.map_or(1, |(_, g)| g)
    }

    fn key(&self, i: usize) -> usize {
        self.keys.map_or(0, |(k, _)| k[i])
    }

    fn group(&self, i: usize) -> usize {
        self.groups.map_or(0, |(g, _)| g[i])
    }
}

impl RunTable {
    /// The table of `rows`, with R's `timefix` over the distinct times when `apply_timefix`.
    pub(crate) fn new(rows: TableRows<'_>, apply_timefix: bool) -> RunTable {
        Self::build(rows, apply_timefix, true)
    }

    /// [`RunTable::new`], with the exact-cell tabulation allowed or not (the tests compare
    /// the two ways).
    fn build(rows: TableRows<'_>, apply_timefix: bool, allow_cells: bool) -> RunTable {
        let table = allow_cells
            .then(|| Self::from_cells(rows))
            .flatten()
            .unwrap_or_else(|| Self::from_sorted(rows));
        if apply_timefix {
            table.timefixed()
        } else {
            table
        }
    }

    /// The runs of each key, in key order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = KeyRuns<'_>> + '_ {
        self.ranges.iter().map(|r| KeyRuns {
            times: &self.times[r.clone()],
            tallies: &self.tallies[r.start * self.n_groups..r.end * self.n_groups],
            n_groups: self.n_groups,
        })
    }

    /// The exact-cell tabulation (module docs), or `None` when the times need too many cells.
    fn from_cells(rows: TableRows<'_>) -> Option<RunTable> {
        let n = rows.time.len();
        let first = ordered_bits(*rows.time.first()? + 0.0);
        if u32::try_from(n).is_err() {
            return None;
        }
        let (mut lo, mut hi, mut differ) = (u64::MAX, 0u64, 0u64);
        for &t in rows.time {
            let b = ordered_bits(t + 0.0);
            lo = lo.min(b);
            hi = hi.max(b);
            differ |= b ^ first;
        }
        // every bits ≡ lo modulo 2^shift, so (bits − lo) >> shift is exact
        let shift = differ.trailing_zeros().min(u64::BITS - 1);
        let cells = usize::try_from((hi - lo) >> shift).ok()?.checked_add(1)?;
        let (n_keys, n_groups) = (rows.n_keys(), rows.n_groups());
        let total = cells.checked_mul(n_keys)?.checked_mul(n_groups)?;
        if total > (n / 4).max(4096) {
            return None;
        }
        let index = |i: usize| {
            let c = ((ordered_bits(rows.time[i] + 0.0) - lo) >> shift) as usize;
            (rows.key(i) * cells + c) * n_groups + rows.group(i)
        };
        // counts (rows, events) per cell; with weights the full tallies
        let mut counts = vec![[0u32; 2]; total];
        let mut weighted = Vec::new();
        match rows.weights {
            None => {
                for (i, &event) in rows.event.iter().enumerate() {
                    let cell = &mut counts[index(i)];
                    cell[0] += 1;
                    cell[1] += u32::from(event);
                }
            }
            Some(w) => {
                weighted = vec![Tally::default(); total];
                for (i, &event) in rows.event.iter().enumerate() {
                    let k = index(i);
                    counts[k][0] += 1;
                    weighted[k].add_row(event, w[i]);
                }
            }
        }
        let mut table = RunTable::empty(n_keys, n_groups);
        for key in 0..n_keys {
            let start = table.times.len();
            for c in 0..cells {
                let at = (key * cells + c) * n_groups;
                let cell = &counts[at..at + n_groups];
                if cell.iter().all(|g| g[0] == 0) {
                    continue;
                }
                table
                    .times
                    .push(from_ordered_bits(lo + ((c as u64) << shift)));
                if weighted.is_empty() {
                    table
                        .tallies
                        .extend(cell.iter().map(|g| Tally::counts(g[0], g[1])));
                } else {
                    table
                        .tallies
                        .extend_from_slice(&weighted[at..at + n_groups]);
                }
            }
            table.ranges[key] = start..table.times.len();
        }
        Some(table)
    }

    /// The table from the one sort of the risk sets: the runs of its sorted entries.
    fn from_sorted(rows: TableRows<'_>) -> RunTable {
        let (n_keys, n_groups) = (rows.n_keys(), rows.n_groups());
        // without weights the entries carry the group codes (no lookup by row)
        let tag_groups = rows.weights.is_none();
        let tags = rows.groups.filter(|_| tag_groups).map(|(g, _)| g);
        let sorted = sort_rows_by_time(rows.time, rows.event, rows.keys, tags, false);
        let mut table = RunTable::empty(n_keys, n_groups);
        for (key, range) in sorted.ranges.iter().enumerate() {
            let entries = &sorted.entries[range.clone()];
            let start = table.times.len();
            let mut first = 0;
            while first < entries.len() {
                let end = run_end(entries, first);
                table.times.push(entries[first].time);
                let at = table.tallies.len();
                table.tallies.resize(at + n_groups, Tally::default());
                let run = &mut table.tallies[at..];
                for e in &entries[first..end] {
                    let (group, w) = match rows.weights {
                        None => (if rows.groups.is_some() { e.tag() } else { 0 }, 1.0),
                        Some(w) => (rows.group(e.tag()), w[e.tag()]),
                    };
                    run[group].add_row(e.event(), w);
                }
                first = end;
            }
            table.ranges[key] = start..table.times.len();
        }
        table
    }

    fn empty(n_keys: usize, n_groups: usize) -> RunTable {
        RunTable {
            n_groups,
            ranges: vec![0..0; n_keys],
            times: Vec::new(),
            tallies: Vec::new(),
        }
    }

    /// R's `timefix` over the distinct times of all keys; runs of a key whose times become
    /// equal are merged (their tallies added).
    fn timefixed(self) -> RunTable {
        let mut distinct = self.times.clone();
        distinct.sort_unstable_by(f64::total_cmp);
        distinct.dedup_by(|a, b| a.total_cmp(b).is_eq());
        let Some(fixed) = timefix(&distinct) else {
            return self;
        };
        let g = self.n_groups;
        let mut table = RunTable::empty(self.ranges.len(), g);
        for (key, range) in self.ranges.iter().enumerate() {
            let start = table.times.len();
            for run in range.clone() {
                let original = self.times[run];
                let k = distinct.partition_point(|d| d.total_cmp(&original).is_lt());
                let value = fixed.get(k).copied().unwrap_or(original);
                let tallies = &self.tallies[run * g..(run + 1) * g];
                let same = table.times.len() > start
                    && table.times.last().map(|t| t.to_bits()) == Some(value.to_bits());
                if same {
                    let at = table.tallies.len() - g;
                    for (acc, t) in table.tallies[at..].iter_mut().zip(tallies) {
                        acc.merge(t);
                    }
                } else {
                    table.times.push(value);
                    table.tallies.extend_from_slice(tallies);
                }
            }
            table.ranges[key] = start..table.times.len();
        }
        table
    }
}

/// The runs of one key: `times[r]` and the tallies `tally(r, g)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyRuns<'a> {
    times: &'a [f64],
    tallies: &'a [Tally],
    n_groups: usize,
}

impl<'a> KeyRuns<'a> {
    /// Number of runs.
    pub(crate) fn len(&self) -> usize {
        self.times.len()
    }

    /// The times of the runs, increasing.
    pub(crate) fn times(&self) -> &'a [f64] {
        self.times
    }

    /// The tallies of run `r`, one per group.
    pub(crate) fn run(&self, r: usize) -> &'a [Tally] {
        &self.tallies[r * self.n_groups..(r + 1) * self.n_groups]
    }
}

/// The `f64` of [`ordered_bits`] (its inverse).
fn from_ordered_bits(bits: u64) -> f64 {
    // positive values have the sign bit set (flip it back), negative ones all bits flipped
    let positive = bits >> 63 == 1;
    f64::from_bits(if positive { bits ^ (1 << 63) } else { !bits })
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // the two ways must agree exactly on counts and times
mod tests {
    use super::*;

    fn lcg(seed: u64) -> impl FnMut() -> f64 {
        let mut state = seed;
        move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn ordered_bits_round_trip() {
        for x in [
            0.0,
            1.0,
            -1.0,
            3.5e-300,
            -7.25e200,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(from_ordered_bits(ordered_bits(x)).to_bits(), x.to_bits());
        }
    }

    /// The exact cells and the sort give the same table (times bit for bit, counts exactly,
    /// weighted sums to rounding) with and without weights, keys, groups and timefix, on
    /// whole, half and negative times, and on times that need the sort.
    #[test]
    fn exact_cells_equal_the_sorted_runs() {
        let mut next = lcg(7);
        for case in 0..48 {
            let n = 50 + case * 40;
            let kind = case % 4;
            let time: Vec<f64> = (0..n)
                .map(|_| {
                    let u = next();
                    match kind {
                        0 => (u * 40.0).floor() + 1.0,
                        1 => (u * 60.0).floor() / 2.0 + 0.5,
                        2 => (u * 30.0).floor() * (1.0 + 1e-12 * next()), // timefix merges
                        _ => u * 100.0,
                    }
                })
                .collect();
            let event: Vec<bool> = (0..n).map(|_| next() < 0.6).collect();
            let weights: Vec<f64> = (0..n).map(|_| 0.25 + next()).collect();
            let keys: Vec<usize> = (0..n).map(|_| (next() * 3.0) as usize).collect();
            let groups: Vec<usize> = (0..n).map(|_| (next() * 2.0) as usize).collect();
            let rows = TableRows {
                time: &time,
                event: &event,
                weights: (case % 3 == 0).then_some(weights.as_slice()),
                keys: (case % 2 == 0).then_some((keys.as_slice(), 3)),
                groups: (case % 5 < 3).then_some((groups.as_slice(), 2)),
            };
            for fix in [false, true] {
                let cells = RunTable::build(rows, fix, true);
                let sorted = RunTable::build(rows, fix, false);
                assert_eq!(cells.ranges, sorted.ranges, "case {case}");
                assert_eq!(cells.times, sorted.times, "case {case}");
                for (a, b) in cells.tallies.iter().zip(&sorted.tallies) {
                    assert_eq!((a.rows, a.deaths), (b.rows, b.deaths));
                    for (x, y) in [
                        (a.weight, b.weight),
                        (a.death_weight, b.death_weight),
                        (a.censor_weight, b.censor_weight),
                        (a.death_weight_sq, b.death_weight_sq),
                        (a.censor_weight_sq, b.censor_weight_sq),
                    ] {
                        assert!((x - y).abs() <= 1e-12 * y.abs().max(1.0), "case {case}");
                    }
                }
                let total: f64 = cells.tallies.iter().map(|t| t.rows).sum();
                assert_eq!(total, n as f64);
            }
            if kind < 2 {
                assert!(RunTable::from_cells(rows).is_some(), "case {case}");
            }
        }
    }

    #[test]
    fn too_many_cells_fall_back_and_empty_input_is_empty() {
        let time: Vec<f64> = (0..100).map(|i| f64::from(i) * 0.1).collect();
        let event = vec![true; 100];
        let rows = TableRows {
            time: &time,
            event: &event,
            weights: None,
            keys: None,
            groups: None,
        };
        assert!(RunTable::from_cells(rows).is_none());
        assert_eq!(RunTable::new(rows, false).times, time);
        let empty = TableRows {
            time: &[],
            event: &[],
            ..rows
        };
        let table = RunTable::new(empty, true);
        assert_eq!(table.keys().map(|k| k.len()).sum::<usize>(), 0);
    }
}
