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
//! * **Exact cells** (no sort): when every time is a whole number of days, months, … or of
//!   tenths, hundredths or thousandths (`k / s` is the time bit for bit for a whole `k` and
//!   `s` = 1, 10, 100 or 1000: a decimal of at most that many places as read from a file),
//!   `k − min k` is a one-to-one, ordered index of the distinct times. When those indices
//!   span few enough cells (at most a quarter of the rows, or 4096), one pass counts every row
//!   straight into its (key, time, group) cell and a scan of the cells gives the runs:
//!   `O(n + cells)`, one read of the times and no 16-byte entry per row. Times in days up to
//!   3000 days are 3000 cells; in months with two decimals up to 120 months, 12,000.
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

/// The weighted sums of one group in one run (with case weights only): Σ w of the events
/// and of the censored rows, Σ w² of each.
type WeightSums = [f64; 4];

fn add_weight(sums: &mut WeightSums, event: bool, w: f64) {
    let k = if event { 0 } else { 1 };
    sums[k] += w;
    sums[k + 2] += w * w;
}

/// The runs of equal times of every key with their tallies by group (see the module docs).
///
/// Compact, as the rows it replaces: per run its time and, per group, two counts (rows,
/// events; `f64`, exact for whole numbers), plus four weighted sums only with case weights.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RunTable {
    n_groups: usize,
    /// For each key `0..n_keys`, its runs (indices into `times`); empty if the key is unused.
    ranges: Vec<Range<usize>>,
    /// The time of each run (after timefix).
    times: Vec<f64>,
    /// `n_groups` (rows, events) counts per run, run after run.
    counts: Vec<[f64; 2]>,
    /// With case weights: `n_groups` [`WeightSums`] per run; empty without.
    weighted: Vec<WeightSums>,
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
        let mut table = allow_cells
            .then(|| Self::from_cells(rows))
            .flatten()
            .unwrap_or_else(|| Self::from_sorted(rows));
        if apply_timefix {
            table.apply_timefix();
        }
        table
    }

    /// The runs of each key, in key order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = KeyRuns<'_>> + '_ {
        let g = self.n_groups;
        self.ranges.iter().map(move |r| KeyRuns {
            times: &self.times[r.clone()],
            counts: &self.counts[r.start * g..r.end * g],
            weighted: self.weighted.get(r.start * g..r.end * g),
            n_groups: g,
        })
    }

    /// An empty table of `n_keys` keys with room for `runs` runs.
    fn with_capacity(n_keys: usize, n_groups: usize, runs: usize, weighted: bool) -> RunTable {
        RunTable {
            n_groups,
            ranges: vec![0..0; n_keys],
            times: Vec::with_capacity(runs),
            counts: Vec::with_capacity(runs * n_groups),
            weighted: Vec::with_capacity(if weighted { runs * n_groups } else { 0 }),
        }
    }

    /// The exact-cell tabulation (module docs), or `None` when the times need too many cells.
    fn from_cells(rows: TableRows<'_>) -> Option<RunTable> {
        let n = rows.time.len();
        if n == 0 || u32::try_from(n).is_err() {
            return None;
        }
        let grid = TimeGrid::of(rows.time)?;
        let cells = grid.cells;
        let (n_keys, n_groups) = (rows.n_keys(), rows.n_groups());
        let total = cells.checked_mul(n_keys)?.checked_mul(n_groups)?;
        if total > (n / 4).max(4096) {
            return None;
        }
        let index =
            |i: usize| (rows.key(i) * cells + grid.cell(rows.time[i])) * n_groups + rows.group(i);
        // (rows, events) per cell (n < 2^32); with weights the weighted sums too
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
                weighted = vec![[0.0; 4]; total];
                for (i, &event) in rows.event.iter().enumerate() {
                    let k = index(i);
                    counts[k][0] += 1;
                    counts[k][1] += u32::from(event);
                    add_weight(&mut weighted[k], event, w[i]);
                }
            }
        }
        let used = |at: usize| counts[at..at + n_groups].iter().any(|g| g[0] > 0);
        let runs = (0..cells * n_keys).filter(|&c| used(c * n_groups)).count();
        let mut table = RunTable::with_capacity(n_keys, n_groups, runs, !weighted.is_empty());
        for key in 0..n_keys {
            let start = table.times.len();
            for c in 0..cells {
                let at = (key * cells + c) * n_groups;
                if !used(at) {
                    continue;
                }
                table.times.push(grid.time(c));
                let cell = &counts[at..at + n_groups];
                table
                    .counts
                    .extend(cell.iter().map(|g| [f64::from(g[0]), f64::from(g[1])]));
                if !weighted.is_empty() {
                    table
                        .weighted
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
        let mut runs = 0;
        for range in &sorted.ranges {
            let mut first = range.start;
            while first < range.end {
                first = run_end(&sorted.entries[..range.end], first);
                runs += 1;
            }
        }
        let weighted = rows.weights.is_some();
        let mut table = RunTable::with_capacity(n_keys, n_groups, runs, weighted);
        for (key, range) in sorted.ranges.iter().enumerate() {
            let entries = &sorted.entries[range.clone()];
            let start = table.times.len();
            let mut first = 0;
            while first < entries.len() {
                let end = run_end(entries, first);
                table.times.push(entries[first].time);
                let at = table.counts.len();
                table.counts.resize(at + n_groups, [0.0; 2]);
                if weighted {
                    table.weighted.resize(at + n_groups, [0.0; 4]);
                }
                for e in &entries[first..end] {
                    let (group, w) = match rows.weights {
                        None => (if rows.groups.is_some() { e.tag() } else { 0 }, 1.0),
                        Some(w) => (rows.group(e.tag()), w[e.tag()]),
                    };
                    let count = &mut table.counts[at + group];
                    count[0] += 1.0;
                    count[1] += f64::from(u8::from(e.event()));
                    if weighted {
                        add_weight(&mut table.weighted[at + group], e.event(), w);
                    }
                }
                first = end;
            }
            table.ranges[key] = start..table.times.len();
        }
        table
    }

    /// R's `timefix` over the distinct times of all keys, in place; runs of a key whose
    /// times become equal are merged (their counts and sums added).
    fn apply_timefix(&mut self) {
        let mut distinct = self.times.clone();
        distinct.sort_unstable_by(f64::total_cmp);
        distinct.dedup_by(|a, b| a.total_cmp(b).is_eq());
        let Some(fixed) = timefix(&distinct) else {
            return;
        };
        let g = self.n_groups;
        let weighted = !self.weighted.is_empty();
        // runs are moved down to `out` (never past the one being read)
        let mut out = 0;
        for key in 0..self.ranges.len() {
            let range = self.ranges[key].clone();
            let start = out;
            for run in range {
                let original = self.times[run];
                let k = distinct.partition_point(|d| d.total_cmp(&original).is_lt());
                let value = fixed.get(k).copied().unwrap_or(original);
                let merge = out > start && self.times[out - 1].to_bits() == value.to_bits();
                let to = if merge { out - 1 } else { out };
                for j in 0..g {
                    let (from, into) = (run * g + j, to * g + j);
                    let c = self.counts[from];
                    let w = if weighted {
                        self.weighted[from]
                    } else {
                        [0.0; 4]
                    };
                    if merge {
                        self.counts[into][0] += c[0];
                        self.counts[into][1] += c[1];
                        if weighted {
                            for (a, b) in self.weighted[into].iter_mut().zip(w) {
                                *a += b;
                            }
                        }
                    } else {
                        self.counts[into] = c;
                        if weighted {
                            self.weighted[into] = w;
                        }
                    }
                }
                if !merge {
                    self.times[out] = value;
                    out += 1;
                }
            }
            self.ranges[key] = start..out;
        }
        self.times.truncate(out);
        self.counts.truncate(out * g);
        if weighted {
            self.weighted.truncate(out * g);
        }
    }
}

/// The runs of one key: their times, and per run and group the counts and sums.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyRuns<'a> {
    times: &'a [f64],
    counts: &'a [[f64; 2]],
    weighted: Option<&'a [WeightSums]>,
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

    /// The (rows, events) counts of run `r`, one pair per group.
    pub(crate) fn counts(&self, r: usize) -> &'a [[f64; 2]] {
        &self.counts[r * self.n_groups..(r + 1) * self.n_groups]
    }

    /// The tally of group `g` in run `r`.
    pub(crate) fn tally(&self, r: usize, g: usize) -> Tally {
        let k = r * self.n_groups + g;
        let [rows, deaths] = self.counts[k];
        let censored = rows - deaths;
        let [dw, cw, dw2, cw2] = self
            .weighted
            .and_then(|w| w.get(k).copied())
            .unwrap_or([deaths, censored, deaths, censored]);
        Tally {
            rows,
            deaths,
            weight: dw + cw,
            death_weight: dw,
            censor_weight: cw,
            death_weight_sq: dw2,
            censor_weight_sq: cw2,
        }
    }
}

/// A one-to-one, ordered index of the distinct times (module docs): by their bits when all
/// share their low bits (whole numbers and halves: a shift), else on a decimal grid.
#[derive(Debug, Clone, Copy)]
struct TimeGrid {
    kind: GridKind,
    /// Number of cells from the smallest time to the largest.
    cells: usize,
}

#[derive(Debug, Clone, Copy)]
enum GridKind {
    /// `(ordered_bits(t) − lo) >> shift`.
    Bits { lo: u64, shift: u32 },
    /// `round(t · scale) − lo`.
    Decimal { scale: f64, lo: i64 },
}

impl TimeGrid {
    /// The grid of `time`, or `None` if its times are on neither kind of grid.
    fn of(time: &[f64]) -> Option<TimeGrid> {
        let first = ordered_bits(*time.first()? + 0.0);
        let (mut lo, mut hi, mut differ) = (u64::MAX, 0u64, 0u64);
        for &t in time {
            let b = ordered_bits(t + 0.0);
            lo = lo.min(b);
            hi = hi.max(b);
            differ |= b ^ first;
        }
        // every bits ≡ lo modulo 2^shift, so (bits − lo) >> shift is exact
        let shift = differ.trailing_zeros().min(u64::BITS - 1);
        let bits = TimeGrid {
            kind: GridKind::Bits { lo, shift },
            cells: usize::try_from((hi - lo) >> shift).map_or(usize::MAX, |c| c.saturating_add(1)),
        };
        // a time 0, both signs or a decimal fraction spread the bits over many cells
        if bits.cells <= time.len().max(4096) {
            return Some(bits);
        }
        let decimal = decimal_grid(time).map(|(scale, lo, hi)| TimeGrid {
            kind: GridKind::Decimal { scale, lo },
            cells: usize::try_from(hi - lo).map_or(usize::MAX, |c| c.saturating_add(1)),
        });
        Some(match decimal {
            Some(d) if d.cells < bits.cells => d,
            _ => bits,
        })
    }

    /// The cell of time `t` (one of the times the grid was made of).
    #[inline]
    fn cell(&self, t: f64) -> usize {
        match self.kind {
            GridKind::Bits { lo, shift } => ((ordered_bits(t + 0.0) - lo) >> shift) as usize,
            GridKind::Decimal { scale, lo } => (on_grid(t, scale) - lo) as usize,
        }
    }

    /// The time of cell `c`.
    fn time(&self, c: usize) -> f64 {
        match self.kind {
            GridKind::Bits { lo, shift } => from_ordered_bits(lo + ((c as u64) << shift)),
            GridKind::Decimal { scale, lo } => (lo + c as i64) as f64 / scale + 0.0,
        }
    }
}

/// `t · scale` rounded half away from zero to a whole number (a conversion, no library
/// call; saturating for a huge or NaN `t`, which [`decimal_grid`] then refuses).
#[inline]
fn on_grid(t: f64, scale: f64) -> i64 {
    let x = t * scale;
    (x + 0.5f64.copysign(x)) as i64
}

/// The scales tried by [`decimal_grid`]: whole numbers, one, two and three decimals.
const DECIMAL_SCALES: [f64; 4] = [1.0, 10.0, 100.0, 1000.0];

/// The first scale `s` of [`DECIMAL_SCALES`] at which every time is a whole number `k` of
/// `1/s` (`k / s` is the time bit for bit, as a decimal of at most that many places reads),
/// with the smallest and largest `k`; `None` if there is none (or a time is not finite).
/// Division and decimal parsing are both correctly rounded, so `k ↦ k / s` gives each time
/// back exactly and is increasing: `k − min k` is a one-to-one, ordered cell index.
fn decimal_grid(time: &[f64]) -> Option<(f64, i64, i64)> {
    const LIMIT: u64 = 1 << 52; // whole numbers and their f64 are exact
    'scale: for scale in DECIMAL_SCALES {
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        for &t in time {
            let k = on_grid(t, scale);
            // (-0 and 0 are one time)
            let fits = k.unsigned_abs() <= LIMIT
                && (k as f64 / scale + 0.0).to_bits() == (t + 0.0).to_bits();
            if !fits {
                continue 'scale;
            }
            lo = lo.min(k);
            hi = hi.max(k);
        }
        return Some((scale, lo, hi));
    }
    None
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
        for x in [0.0, 1.0, -1.0, 3.5e-300, -7.25e200, f64::INFINITY] {
            assert_eq!(from_ordered_bits(ordered_bits(x)).to_bits(), x.to_bits());
        }
    }

    #[test]
    fn decimal_grids() {
        assert_eq!(decimal_grid(&[3.0, -0.0, 7.0]), Some((1.0, 0, 7)));
        assert_eq!(
            decimal_grid(&[18.63, 0.5, -2.25]),
            Some((100.0, -225, 1863))
        );
        assert_eq!(decimal_grid(&[0.001, 12.5]), Some((1000.0, 1, 12500)));
        assert_eq!(decimal_grid(&[0.1 + 0.2]), None); // 0.30000000000000004
        assert_eq!(decimal_grid(&[1.0 / 3.0]), None);
        assert_eq!(decimal_grid(&[1e300]), None);
        assert_eq!(decimal_grid(&[f64::INFINITY]), None);
        assert_eq!(decimal_grid(&[f64::NAN]), None);
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
                        1 => ((u * 300.0).floor() - 100.0) / 100.0,
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
                assert_eq!(cells.counts, sorted.counts, "case {case}");
                assert_eq!(cells.weighted.len(), sorted.weighted.len());
                for (a, b) in cells.weighted.iter().zip(&sorted.weighted) {
                    for (x, y) in a.iter().zip(b) {
                        assert!((x - y).abs() <= 1e-12 * y.abs().max(1.0), "case {case}");
                    }
                }
                let total: f64 = cells.counts.iter().map(|c| c[0]).sum();
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
