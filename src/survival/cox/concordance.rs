//! Harrell's concordance of the linear predictor, as `coxph` reports it (algorithms.md §2.8),
//! with its infinitesimal-jackknife standard error, in O(n log n).
//!
//! ```text
//! comparable pair (i, j): t_i < t_j with i an event, or t_i = t_j with i an event and j
//!   censored (two events at one time are tied on y and left out); same stratum only;
//!   pair weight w_i·w_j
//! concordant: η_i > η_j (higher risk, shorter time); discordant: η_i < η_j; tied.x: η_i = η_j
//! d = (conc - disc)/npair, npair = conc + disc + tied.x,  C = (d + 1)/2
//! per row: c_i, k_i, t_i = weight of its concordant, discordant, tied.x partners
//! dfbeta_i = w_i ((c_i - k_i)/npair - d (c_i + k_i + t_i)/npair),  se(C) = sqrt(Σ dfbeta²)/2
//! ```
//!
//! Two sweeps over the sorted rows (one from the event's side, one from the partner's side)
//! give every count. They keep the weight at risk by rank of `η` in a `RankTree`: the rank
//! weights and the sums of lines of 8 ranks (cache-line aligned, so an update or a query
//! touches one line of each) and a Fenwick tree over blocks of 64 ranks (small enough to stay
//! in cache at n = 1e7); the weight below a rank is the blocks' Fenwick prefix plus at most
//! seven line sums plus at most seven rank weights.

use super::prepare::{Departures, Prepared, ordered_bits};
use crate::survival::risk_set::Arrivals;
use crate::{Error, Result, SurvivalData};

/// Weights of the concordant, discordant and tied.x partners of a row (or of all pairs).
#[derive(Debug, Clone, Copy, Default)]
struct Partners {
    conc: f64,
    disc: f64,
    tied: f64,
}

impl Partners {
    fn add(&mut self, conc: f64, disc: f64, tied: f64, weight: f64) {
        self.conc += weight * conc;
        self.disc += weight * disc;
        self.tied += weight * tied;
    }
}

/// Harrell's concordance (C statistic) of a Cox fit with its standard error, as R's
/// `fit$concordance`.
///
/// ```text
/// C = (concordant + tied.x / 2) / (concordant + discordant + tied.x)
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Concordance {
    estimate: f64,
    std_error: f64,
    concordant: f64,
    discordant: f64,
    tied_x: f64,
}

impl Concordance {
    /// The concordance C (R's `concordance`).
    pub fn estimate(&self) -> f64 {
        self.estimate
    }

    /// Infinitesimal-jackknife standard error of C (R's `std`).
    pub fn std_error(&self) -> f64 {
        self.std_error
    }

    /// Weighted number of concordant pairs.
    pub fn concordant(&self) -> f64 {
        self.concordant
    }

    /// Weighted number of discordant pairs.
    pub fn discordant(&self) -> f64 {
        self.discordant
    }

    /// Weighted number of comparable pairs tied on the linear predictor (R's `tied.x`).
    pub fn tied_x(&self) -> f64 {
        self.tied_x
    }
}

/// Ranks per cache line of [`RankTree`] (8 × 8 B = 64 B) and lines per block of its Fenwick
/// tree (so a block spans 64 ranks).
const LINE: usize = 8;
const BLOCK_BITS: usize = 6;

/// Eight `f64` on one cache line (64-byte aligned: a line of ranks is one memory access).
#[derive(Debug, Clone, Copy, Default)]
#[repr(align(64))]
struct Line([f64; LINE]);

impl Line {
    /// `Σ` of the first `count` values (`count < 8`), in order.
    #[inline(always)]
    fn head(&self, count: usize) -> f64 {
        self.0[..count].iter().sum()
    }
}

/// Weights over `η` ranks in three levels: the weight of each rank (lines of 8 ranks), the
/// weight of each line (lines of 8 line sums, so one line per 64 ranks), and a Fenwick (binary
/// indexed) tree over the 64-rank blocks (1.25 MB at n = 10⁷: it stays in the L2 cache). The
/// weight below a rank is the blocks' Fenwick prefix, plus the line sums of its block before
/// its line, plus the ranks of its line before it: two aligned cache lines of the large arrays
/// per query or update, whatever the number of ranks (at n = 10⁷ the rank weights are 80 MB,
/// beyond the last-level cache, so each line touched is a trip to memory).
struct RankTree {
    point: Vec<Line>,
    lines: Vec<Line>,
    blocks: Vec<f64>,
    total: f64,
    /// The ranks inserted since the last clear, while there are at most `size / 8` of them
    /// (one more marks "many": [`RankTree::clear`] then fills the whole tree), so the list
    /// stays small next to the tree (memory at n = 10⁷).
    touched: Vec<u32>,
}

impl RankTree {
    fn new(size: usize) -> Self {
        let n_lines = size.div_ceil(LINE).max(1);
        let n_blocks = n_lines.div_ceil(LINE);
        RankTree {
            point: vec![Line::default(); n_lines],
            lines: vec![Line::default(); n_blocks],
            blocks: vec![0.0; n_blocks + 1],
            total: 0.0,
            touched: Vec::new(),
        }
    }

    /// More inserts than this since the last clear: [`RankTree::clear`] fills the tree.
    fn many(&self) -> usize {
        self.point.len()
    }

    fn insert(&mut self, rank: u32, w: f64) {
        if self.touched.len() <= self.many() {
            self.touched.push(rank);
        }
        let rank = rank as usize;
        let line = rank / LINE;
        self.point[line].0[rank % LINE] += w;
        self.lines[line / LINE].0[line % LINE] += w;
        self.total += w;
        let mut i = (rank >> BLOCK_BITS) + 1;
        while i < self.blocks.len() {
            self.blocks[i] += w;
            i += i & i.wrapping_neg();
        }
    }

    /// Weight strictly below `rank`, at `rank`, strictly above `rank`.
    #[inline]
    fn split(&self, rank: u32) -> (f64, f64, f64) {
        let rank = rank as usize;
        let line = rank / LINE;
        let mut below = 0.0;
        let mut i = rank >> BLOCK_BITS;
        while i > 0 {
            below += self.blocks[i];
            i -= i & i.wrapping_neg();
        }
        below += self.lines[line / LINE].head(line % LINE);
        let ranks = &self.point[line];
        below += ranks.head(rank % LINE);
        let at = ranks.0[rank % LINE];
        (below, at, self.total - below - at)
    }

    /// Empties the tree exactly (no floating-point residue): along the paths of the inserts
    /// since the last clear, or by one sequential fill when they were many.
    fn clear(&mut self) {
        if self.touched.len() > self.many() {
            self.point.fill(Line::default());
            self.lines.fill(Line::default());
            self.blocks.fill(0.0);
        } else {
            for &rank in &self.touched {
                let rank = rank as usize;
                let line = rank / LINE;
                self.point[line].0[rank % LINE] = 0.0;
                self.lines[line / LINE].0[line % LINE] = 0.0;
                let mut i = (rank >> BLOCK_BITS) + 1;
                while i < self.blocks.len() {
                    self.blocks[i] = 0.0;
                    i += i & i.wrapping_neg();
                }
            }
        }
        self.touched.clear();
        self.total = 0.0;
    }
}

/// Harrell's concordance between survival times and a risk score, where a higher score
/// should mean a shorter survival (R's `concordance(Surv(time, status) ~ risk, reverse =
/// TRUE)`, as `coxph` reports it for its linear predictor), within strata and with case
/// weights when the data have them. Near-tied times are merged as R's `timefix`.
///
/// ```text
/// C = (concordant + tied.x / 2) / (concordant + discordant + tied.x),  se by the
/// infinitesimal jackknife
/// ```
///
/// # Errors
/// * [`Error::DimensionMismatch`] if `risk` does not have one value per observation.
/// * [`Error::NonFinite`] for a NaN or infinite risk score.
/// * [`Error::NoEvents`] if every observation is censored.
///
/// # Examples
/// ```
/// use oncostat::SurvivalData;
/// use oncostat::survival::concordance;
/// # fn main() -> Result<(), oncostat::Error> {
/// let data = SurvivalData::from_status(vec![1.0, 2.0, 3.0, 4.0], &[1.0, 1.0, 0.0, 1.0])?;
/// // risk falls with time: every comparable pair is concordant
/// let c = concordance(&data, &[4.0, 3.0, 2.0, 1.0])?;
/// assert!((c.estimate() - 1.0).abs() < 1e-12);
/// # Ok(()) }
/// ```
pub fn concordance(data: &SurvivalData, risk: &[f64]) -> Result<Concordance> {
    concordance_threads(data, risk, 1)
}

/// [`concordance`] on up to `threads` threads (`0` = all cores; at most two are used: the
/// event's side and the partner's side of the comparison run at the same time). The numbers
/// are bit-identical for any thread count.
///
/// # Errors
/// As [`concordance`].
///
/// # Examples
/// ```
/// use oncostat::SurvivalData;
/// use oncostat::survival::{concordance, concordance_threads};
/// # fn main() -> Result<(), oncostat::Error> {
/// let data = SurvivalData::from_status(vec![1.0, 2.0, 3.0, 4.0], &[1.0, 1.0, 0.0, 1.0])?;
/// let risk = [3.0, 4.0, 2.0, 1.0];
/// let one = concordance(&data, &risk)?;
/// let two = concordance_threads(&data, &risk, 2)?;
/// assert_eq!(one.estimate().to_bits(), two.estimate().to_bits());
/// assert_eq!(one.std_error().to_bits(), two.std_error().to_bits());
/// # Ok(()) }
/// ```
pub fn concordance_threads(
    data: &SurvivalData,
    risk: &[f64],
    threads: usize,
) -> Result<Concordance> {
    if risk.len() != data.len() {
        return Err(Error::mismatch("risk scores", data.len(), risk.len()));
    }
    crate::design::check_finite("risk score", risk)?;
    let prepared = Prepared::sorted(data, true)?;
    let sorted: Vec<f64> = prepared.order.iter().map(|&i| risk[i as usize]).collect();
    Ok(sorted_concordance(&prepared, sorted, None, threads))
}

/// Concordance of `lp` (linear predictor in sorted order) with the prepared survival data;
/// with `cluster` (labels per original row, number of clusters) the jackknife influences are
/// summed within clusters first, as R. With `threads` ≠ 1 (and enough rows) the event's and
/// the partner's sides run at the same time, the partner's side keeping its rows' partners
/// and the variance summed afterwards in the same row order (bit-identical numbers). `lp` is
/// taken by value and freed once its ranks are
/// known, before the sweeps allocate their buffers (peak memory).
///
/// Counting-process data `(start, stop]`: an event at t is compared with the rows at risk at
/// t (`start < t <= stop`), other events at t excluded (tied on y), as R's `concordance`.
pub(super) fn sorted_concordance(
    data: &Prepared,
    lp: Vec<f64>,
    cluster: Option<(&[usize], usize)>,
    threads: usize,
) -> Concordance {
    let n = data.n;
    // ranks of the distinct values of η (-0 = 0), from sorted packed (η, row) keys; on two
    // threads the two halves of the rows are sorted at once and the ranks are read off
    // while merging them (the ranks are the same whichever way the keys were sorted)
    let together = crate::parallel::threads_for(threads, 64 * n, 2) > 1;
    let mut by_lp: Vec<(u64, usize)> = lp
        .iter()
        .zip(0..n)
        .map(|(&v, i)| (ordered_bits(v + 0.0), i))
        .collect();
    drop(lp);
    let half = if together { n / 2 } else { n };
    {
        let (first, second) = by_lp.split_at_mut(half);
        if together {
            crate::parallel::join(|| first.sort_unstable(), || second.sort_unstable());
        } else {
            first.sort_unstable();
        }
    }
    // u32: fewer than 2^32 rows (RiskSets::new)
    let mut rank = vec![0u32; n];
    let mut distinct = 0u32;
    let mut assign = |k: usize, v: u64, i: usize, previous: Option<u64>| {
        if k > 0 && previous != Some(v) {
            distinct += 1;
        }
        rank[i] = distinct;
    };
    if together {
        let (first, second) = by_lp.split_at(half);
        let (mut a, mut b) = (0, 0);
        let mut previous = None;
        for k in 0..n {
            let take_first = b == second.len() || (a < first.len() && first[a].0 <= second[b].0);
            let (v, i) = if take_first {
                a += 1;
                first[a - 1]
            } else {
                b += 1;
                second[b - 1]
            };
            assign(k, v, i, previous);
            previous = Some(v);
        }
    } else {
        for (k, &(v, i)) in by_lp.iter().enumerate() {
            assign(k, v, i, k.checked_sub(1).map(|j| by_lp[j].0));
        }
    }
    let n_ranks = distinct as usize + 1;
    drop(by_lp);

    // The event's side first: the totals (so d) and, per death, its partners at risk after
    // it. The partner's side then finishes each row's partners in row order and folds its
    // jackknife influence into the variance at once: one per-row buffer of partners instead
    // of two plus their sum (24 B a row fewer; the sums, so the numbers, are the same).
    // Two threads: the partner's side keeps every row's partners (in the order it finishes
    // them) while the event's side runs; the variance is then summed in that same order.
    let (event_partners, totals, partners) = if together {
        let ((event_partners, totals), partners) = crate::parallel::join(
            || event_side(data, &rank, n_ranks),
            || {
                let mut rows = Vec::with_capacity(n);
                partner_side(data, &rank, n_ranks, |k, c| rows.push((k as u32, c)));
                rows
            },
        );
        (event_partners, totals, partners)
    } else {
        let (event_partners, totals) = event_side(data, &rank, n_ranks);
        (event_partners, totals, Vec::new())
    };
    let (total_conc, total_disc, total_tied) = (totals.conc, totals.disc, totals.tied);
    let npair = total_conc + total_disc + total_tied;
    let d = (total_conc - total_disc) / npair;
    let w = &data.weight;
    let mut var = 0.0;
    let mut sums = cluster.map_or_else(Vec::new, |(_, n_clusters)| vec![0.0; n_clusters]);
    let mut fold = |k: usize, mut c: Partners| {
        let e = event_partners[k];
        c.conc += e.conc;
        c.disc += e.disc;
        c.tied += e.tied;
        let f = w[k] * ((c.conc - c.disc) / npair - d * (c.conc + c.disc + c.tied) / npair);
        match cluster {
            None => var += f * f,
            Some((labels, _)) => {
                let label = data.order.get(k).and_then(|&row| labels.get(row as usize));
                if let Some(s) = label.and_then(|&c| sums.get_mut(c)) {
                    *s += f;
                }
            }
        }
    };
    if together {
        for (k, c) in partners {
            fold(k as usize, c);
        }
    } else {
        partner_side(data, &rank, n_ranks, fold);
    }
    drop(event_partners);
    if cluster.is_some() {
        var = sums.iter().map(|f| f * f).sum();
    }
    Concordance {
        estimate: (d + 1.0) / 2.0,
        std_error: var.sqrt() / 2.0,
        concordant: total_conc,
        discordant: total_disc,
        tied_x: total_tied,
    }
}

/// The event's side of the concordance: per row (deaths only) and in total, the weight of
/// the partners at risk after each event.
fn event_side(data: &Prepared, rank: &[u32], n_ranks: usize) -> (Vec<Partners>, Partners) {
    let mut partners = vec![Partners::default(); data.n];
    let mut totals = Partners::default();
    let mut tree = RankTree::new(n_ranks);
    let w = &data.weight;
    for stratum in &data.strata {
        let rows = data.stratum_rows(stratum);
        let mut departures = Departures::new(rows.clone());
        // Event's side, latest time first: the tree holds the rows still at risk after the
        // event (later times, and rows censored at the event time; counting data: minus the
        // rows whose interval starts at or after the event time, R's agreg departures).
        for g in stratum.groups.clone().rev() {
            let group = data.groups[g];
            let (start, death_start, end) = (group.start(), group.death_start(), group.end());
            departures.advance(data, &group, |leaving| match leaving {
                Some(k) => tree.insert(rank[k], -w[k]),
                None => tree.clear(),
            });
            for (&r, wk) in rank[start..death_start]
                .iter()
                .zip(w.range(start..death_start))
            {
                tree.insert(r, wk);
            }
            let deaths = death_start..end;
            for ((&r, wk), row) in rank[deaths.clone()]
                .iter()
                .zip(w.range(deaths.clone()))
                .zip(&mut partners[deaths.clone()])
            {
                let (below, at, above) = tree.split(r);
                row.add(below, above, at, 1.0);
                totals.add(below, above, at, wk);
            }
            for (&r, wk) in rank[deaths.clone()].iter().zip(w.range(deaths)) {
                tree.insert(r, wk);
            }
        }
        tree.clear();
    }
    (partners, totals)
}

/// The partner's side of the concordance: per row, the weight of the earlier events it is
/// compared with, handed to `done(k, partners)` once row `k`'s are complete, in row order
/// (sorted position `k`), so a caller can sum over rows in the order of the rows.
fn partner_side(
    data: &Prepared,
    rank: &[u32],
    n_ranks: usize,
    mut done: impl FnMut(usize, Partners),
) {
    // counting data only: what a row's arrival took off, until its own tie group
    let mut arrived = if data.counting.is_some() {
        vec![Partners::default(); data.n]
    } else {
        Vec::new()
    };
    let mut deaths_partners: Vec<Partners> = Vec::new();
    let mut tree = RankTree::new(n_ranks);
    let w = &data.weight;
    for stratum in &data.strata {
        let rows = data.stratum_rows(stratum);
        // Partner's side, earliest time first: the tree holds the earlier events (and, for
        // a censored row, the events at its own time). Counting data: the events up to the
        // row's start time are taken off again.
        let mut arrivals = Arrivals::new(data, rows);
        for g in stratum.groups.clone() {
            let group = data.groups[g];
            let (start, death_start, end) = (group.start(), group.death_start(), group.end());
            arrivals.advance(data.time[start], |k| {
                let (below, at, above) = tree.split(rank[k]);
                if let Some(row) = arrived.get_mut(k) {
                    row.add(above, below, at, -1.0);
                }
            });
            let so_far = |k: usize| arrived.get(k).copied().unwrap_or_default();
            let deaths = death_start..end;
            deaths_partners.clear();
            for (&r, k) in rank[deaths.clone()].iter().zip(deaths.clone()) {
                let (below, at, above) = tree.split(r);
                let mut row = so_far(k);
                row.add(above, below, at, 1.0);
                deaths_partners.push(row);
            }
            for (&r, wk) in rank[deaths.clone()].iter().zip(w.range(deaths.clone())) {
                tree.insert(r, wk);
            }
            let censored = start..death_start;
            for (&r, k) in rank[censored.clone()].iter().zip(censored) {
                let (below, at, above) = tree.split(r);
                let mut row = so_far(k);
                row.add(above, below, at, 1.0);
                done(k, row);
            }
            for (k, &row) in deaths.zip(&deaths_partners) {
                done(k, row);
            }
        }
        tree.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strata, weights, ties in time and score, counting data and clusters, with enough rows
    /// for two threads: the estimate and its standard error are bit-identical on two threads.
    #[test]
    fn two_threads_give_the_same_numbers() -> Result<()> {
        let n = 20_011;
        let mut state = 5u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let time: Vec<f64> = (0..n).map(|_| (next() * 40.0).ceil()).collect();
        let event: Vec<bool> = (0..n).map(|_| next() < 0.6).collect();
        let start: Vec<f64> = time.iter().map(|t| (t * next()).floor() - 1.0).collect();
        let risk: Vec<f64> = (0..n).map(|_| (next() * 30.0).floor()).collect();
        let strata: Vec<usize> = (0..n).map(|i| i % 3).collect();
        let weights: Vec<f64> = (0..n).map(|_| 1.0 + (next() * 3.0).floor()).collect();
        let labels: Vec<usize> = (0..n).map(|i| i / 4).collect();
        let plain = SurvivalData::new(time.clone(), event.clone())?;
        let stratified = plain.clone().with_strata(&strata)?.with_weights(weights)?;
        let counting = SurvivalData::counting(start, time, event)?;
        for data in [&plain, &stratified, &counting] {
            let prepared = Prepared::sorted(data, true)?;
            let sorted: Vec<f64> = prepared.order.iter().map(|&i| risk[i as usize]).collect();
            for cluster in [None, Some((&labels[..], n / 4 + 1))] {
                let one = sorted_concordance(&prepared, sorted.clone(), cluster, 1);
                let two = sorted_concordance(&prepared, sorted.clone(), cluster, 2);
                assert_eq!(one.estimate.to_bits(), two.estimate.to_bits());
                assert_eq!(one.std_error.to_bits(), two.std_error.to_bits());
                assert_eq!(one.concordant.to_bits(), two.concordant.to_bits());
                assert!(one.std_error > 0.0 && one.estimate > 0.0);
            }
        }
        Ok(())
    }

    /// O(n²) definition of §2.8, unweighted counts per pair.
    fn naive(time: &[f64], event: &[bool], w: &[f64], lp: &[f64]) -> (f64, f64) {
        let n = time.len();
        let (mut conc, mut disc, mut tied) = (0.0, 0.0, 0.0);
        let mut per = vec![(0.0, 0.0, 0.0); n];
        for i in 0..n {
            for j in 0..n {
                let comparable = event[i]
                    && (time[i] < time[j] || (time[i].total_cmp(&time[j]).is_eq() && !event[j]));
                if !comparable {
                    continue;
                }
                let ww = w[i] * w[j];
                let (c, d, t) = if lp[i] > lp[j] {
                    (1.0, 0.0, 0.0)
                } else if lp[i] < lp[j] {
                    (0.0, 1.0, 0.0)
                } else {
                    (0.0, 0.0, 1.0)
                };
                conc += ww * c;
                disc += ww * d;
                tied += ww * t;
                per[i].0 += w[j] * c;
                per[i].1 += w[j] * d;
                per[i].2 += w[j] * t;
                per[j].0 += w[i] * c;
                per[j].1 += w[i] * d;
                per[j].2 += w[i] * t;
            }
        }
        let npair = conc + disc + tied;
        let d = (conc - disc) / npair;
        let var: f64 = (0..n)
            .map(|k| {
                let (c, dd, t) = per[k];
                let f = w[k] * ((c - dd) / npair - d * (c + dd + t) / npair);
                f * f
            })
            .sum();
        ((d + 1.0) / 2.0, var.sqrt() / 2.0)
    }

    #[test]
    fn fenwick_counts_equal_the_pairwise_definition() -> Result<()> {
        let mut state: u64 = 42;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for case in 0..32 {
            // the last two cases: > 64 distinct scores, so several blocks of the tree
            let n = if case < 30 { 5 + case * 5 } else { 1500 };
            let time: Vec<f64> = (0..n).map(|_| (next() * 8.0).floor()).collect();
            let mut event: Vec<bool> = (0..n).map(|_| next() < 0.6).collect();
            event[0] = true;
            let lp: Vec<f64> = if case < 30 {
                (0..n).map(|_| (next() * 5.0).floor() - 2.0).collect()
            } else {
                (0..n).map(|_| next()).collect()
            };
            let w: Vec<f64> = if case % 2 == 1 {
                (0..n).map(|_| 0.5 + next()).collect()
            } else {
                vec![1.0; n]
            };
            let data = SurvivalData::new(time.clone(), event.clone())?.with_weights(w.clone())?;
            let c = concordance(&data, &lp)?;
            let (est, se) = naive(&time, &event, &w, &lp);
            assert!((c.estimate() - est).abs() < 1e-11, "case {case}");
            assert!((c.std_error() - se).abs() < 1e-11, "case {case}");
        }
        Ok(())
    }

    #[test]
    fn standalone_concordance_checks_its_input() -> Result<()> {
        let data = SurvivalData::from_status(vec![1.0, 2.0, 3.0], &[1.0, 0.0, 1.0])?;
        assert!(matches!(
            concordance(&data, &[1.0, 2.0]),
            Err(Error::DimensionMismatch { .. })
        ));
        assert!(matches!(
            concordance(&data, &[1.0, f64::NAN, 2.0]),
            Err(Error::NonFinite { .. })
        ));
        let c = concordance(&data, &[3.0, 2.0, 1.0])?;
        assert!((c.estimate() - 1.0).abs() < 1e-15);
        Ok(())
    }
}
