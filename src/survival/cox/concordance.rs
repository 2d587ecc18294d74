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
//! weights and the sums of lines of ranks (cache-line aligned, so an update or a query
//! touches one line of each) and a Fenwick tree over the blocks of lines (small enough to
//! stay in cache at n = 1e7). With whole-number weights (unweighted data: counts) the tree
//! holds integers, 2 B a rank, as running sums within each line; otherwise `f64` weights.
//! Both give the same numbers (every sum of whole numbers below 2^53 is exact).
//!
//! When the distinct times are few next to the rows (whole-month times: a few hundred tie
//! groups for 10⁷ rows) and the weights are whole numbers, one sweep in the order of `η`
//! replaces the two: the trees are then over *time keys* (two per tie group: its deaths,
//! then its censored rows), tiny and always in the first-level cache, instead of over up to
//! n ranks of `η`, which at n = 10⁷ fall out of every cache. A death's partners are the rows
//! of its stratum with a larger key, a row's earlier events the deaths with a smaller one;
//! the ones of lower `η` are those already in the trees. The counts are exact integers, so
//! the concordance and its counts are bit for bit those of the sweeps in time order; the
//! standard error sums the same influences in `η` order (equal `η` in row order), so it
//! agrees to rounding. The sweep runs in two fixed parts of `η` (each summed from zero), on
//! two threads when there are two: the same numbers for any thread count.

use std::ops::Range;

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

/// The sums a [`RankTree`] keeps: `f64` for any weights, or `u64` for whole-number weights
/// (exact, and its additions are one cycle each where a chain of `f64` additions waits three
/// or four per step: a query is such a chain). Minus a weight is its two's complement.
trait Weight: Copy + Default {
    /// `w` (a weight, or minus one when a row leaves).
    fn of(w: f64) -> Self;
    /// `self + other`.
    fn plus(self, other: Self) -> Self;
    /// `self - other`.
    fn minus(self, other: Self) -> Self;
    /// As an `f64` (exact: whole numbers below 2^53).
    fn value(self) -> f64;
}

impl Weight for f64 {
    #[inline(always)]
    fn of(w: f64) -> Self {
        w
    }
    #[inline(always)]
    fn plus(self, other: Self) -> Self {
        self + other
    }
    #[inline(always)]
    fn minus(self, other: Self) -> Self {
        self - other
    }
    #[inline(always)]
    fn value(self) -> f64 {
        self
    }
}

impl Weight for u64 {
    #[inline(always)]
    fn of(w: f64) -> Self {
        (w as i64) as u64
    }
    #[inline(always)]
    fn plus(self, other: Self) -> Self {
        self.wrapping_add(other)
    }
    #[inline(always)]
    fn minus(self, other: Self) -> Self {
        self.wrapping_sub(other)
    }
    #[inline(always)]
    fn value(self) -> f64 {
        self as f64
    }
}

/// One aligned cache line (64 B) of a [`RankTree`] level: the weights of consecutive ranks
/// (or of consecutive lines of ranks), which it can add to, read, and sum up to a position.
trait TreeLine: Copy + Default {
    /// The sums of the tree this line belongs to.
    type Sum: Weight;
    /// Values on the line.
    const SLOTS: usize;
    /// Adds `w` (a weight, or minus one when a row leaves) to slot `j`.
    fn add(&mut self, j: usize, w: f64);
    /// The value of slot `j`.
    fn at(&self, j: usize) -> Self::Sum;
    /// `Σ` of the slots before `j` (`j < SLOTS`).
    fn head(&self, j: usize) -> Self::Sum;
    /// Sets every slot to zero.
    fn reset(&mut self);
}

/// Eight `f64` weights: any weights, summed in slot order.
#[derive(Debug, Clone, Copy, Default)]
#[repr(align(64))]
struct Exact([f64; 8]);

impl TreeLine for Exact {
    type Sum = f64;
    const SLOTS: usize = 8;
    #[inline(always)]
    fn add(&mut self, j: usize, w: f64) {
        self.0[j] += w;
    }
    #[inline(always)]
    fn at(&self, j: usize) -> f64 {
        self.0[j]
    }
    #[inline(always)]
    fn head(&self, j: usize) -> f64 {
        self.0[..j].iter().sum()
    }
    #[inline(always)]
    fn reset(&mut self) {
        *self = Self::default();
    }
}

/// Whole-number weights of `N` consecutive slots as their running (inclusive) sums
/// `I[j] = Σ_{k ≤ j} v_k` in a cache line of integers `T` (32 `u16` or 16 `u32`): the sum
/// before a slot is one read, the value of a slot a difference of two, and adding a weight
/// to slot `j` adds it to `I[j..]` in one branch-free (vectorised) pass over the line. The
/// integers are exact while the line's total fits in `T` (see [`Counts`]); minus a weight is
/// added as its two's complement.
#[derive(Debug, Clone, Copy)]
#[repr(align(64))]
struct Running<T, const N: usize>([T; N]);

impl<T: Copy + Default, const N: usize> Default for Running<T, N> {
    fn default() -> Self {
        Running([T::default(); N])
    }
}

/// The integer operations [`Running`] lines need (`u16`, `u32`).
trait LineInt: Copy + Default {
    /// `w` (whole, possibly negative) as a two's complement.
    fn of(w: f64) -> Self;
    /// Wrapping `self + other`.
    fn plus(self, other: Self) -> Self;
    /// Wrapping `self - other`.
    fn minus(self, other: Self) -> Self;
    /// Widened.
    fn wide(self) -> u64;
    /// `self` from slot `j` of a line on (`k >= j`), else 0 — by a mask computed in the
    /// line's own integer width, so that the loop over a line is vectorised.
    fn at_or_after(self, k: usize, j: usize) -> Self;
}

macro_rules! line_int {
    ($t:ty) => {
        impl LineInt for $t {
            #[inline(always)]
            fn of(w: f64) -> Self {
                (w as i64) as $t
            }
            #[inline(always)]
            fn plus(self, other: Self) -> Self {
                self.wrapping_add(other)
            }
            #[inline(always)]
            fn minus(self, other: Self) -> Self {
                self.wrapping_sub(other)
            }
            #[inline(always)]
            fn wide(self) -> u64 {
                u64::from(self)
            }
            #[inline(always)]
            fn at_or_after(self, k: usize, j: usize) -> Self {
                // k, j < 32: exact in the width
                self & <$t>::from(k as $t >= j as $t).wrapping_neg()
            }
        }
    };
}
line_int!(u16);
line_int!(u32);

impl<T: LineInt, const N: usize> TreeLine for Running<T, N> {
    type Sum = u64;
    const SLOTS: usize = N;
    #[inline(always)]
    fn add(&mut self, j: usize, w: f64) {
        let w = T::of(w);
        for (k, sum) in self.0.iter_mut().enumerate() {
            *sum = sum.plus(w.at_or_after(k, j));
        }
    }
    #[inline(always)]
    fn at(&self, j: usize) -> u64 {
        self.0[j].minus(self.before(j)).wide()
    }
    #[inline(always)]
    fn head(&self, j: usize) -> u64 {
        self.before(j).wide()
    }
    #[inline(always)]
    fn reset(&mut self) {
        *self = Self::default();
    }
}

impl<T: LineInt, const N: usize> Running<T, N> {
    /// `I[j - 1]`, 0 for the first slot.
    #[inline(always)]
    fn before(&self, j: usize) -> T {
        if j == 0 { T::default() } else { self.0[j - 1] }
    }
}

/// Weights over `η` ranks in three levels: the weight of each rank (lines `P`), the weight of
/// each such line (lines `S`, so one line of sums per block of `P::SLOTS · S::SLOTS` ranks),
/// and a Fenwick (binary indexed) tree over the blocks. The weight below a rank is the
/// blocks' Fenwick prefix, plus the line sums of its block before its line, plus the ranks of
/// its line before it: two aligned cache lines of the large arrays per query or update,
/// whatever the number of ranks.
///
/// With any weights the levels are `f64` ([`ExactWeights`]: 8 B a rank, 80 MB at n = 10⁷).
/// With whole-number weights and no rank heavier than 2047 (see [`sorted_concordance`]) they
/// are integer running sums ([`Counts`]: 2 B a rank): at n = 10⁶ the tree takes 2 MB instead
/// of 9 MB and stays in an 8 MB last-level cache, the sum before a rank is a read instead of
/// a loop, and the additions are integer ones. The sums are exact either way.
struct RankTree<P: TreeLine, S: TreeLine<Sum = P::Sum>> {
    point: Vec<P>,
    lines: Vec<S>,
    blocks: Vec<P::Sum>,
    total: P::Sum,
    /// The ranks inserted since the last clear, while there are at most one per line of
    /// ranks (one more marks "many": [`RankTree::clear`] then fills the whole tree), so the
    /// list stays small next to the tree (memory at n = 10⁷).
    touched: Vec<u32>,
}

/// The rank tree for any weights.
type ExactWeights = RankTree<Exact, Exact>;
/// The rank tree for whole-number weights of at most [`Counts::HEAVIEST`] per rank: lines of
/// 32 ranks in `u16` (a line then sums to at most 65,504), 16 lines per block in `u32`;
/// 2 B a rank (2 MB at n = 10⁶, where the `f64` weights and their line sums take 9 MB and
/// no longer stay in an 8 MB last-level cache).
type Counts = RankTree<Running<u16, 32>, Running<u32, 16>>;

impl Counts {
    /// The heaviest rank a [`Counts`] tree holds exactly.
    const HEAVIEST: f64 = 2047.0;
}

/// What the two sweeps need of a rank tree.
trait Ranks {
    /// An empty tree over `size` ranks.
    fn new(size: usize) -> Self;
    /// Adds `w` (or takes a row off: minus its weight) at `rank`.
    fn insert(&mut self, rank: u32, w: f64);
    /// Weight strictly below `rank`, at `rank`, strictly above `rank`.
    fn split(&self, rank: u32) -> (f64, f64, f64);
    /// Empties the tree exactly (no floating-point residue).
    fn clear(&mut self);
    /// Whether the rows of `rank` are queried in this tree (all of them, but for a
    /// [`Slab`]).
    #[inline(always)]
    fn holds(&self, _rank: u32) -> bool {
        true
    }
}

impl<P: TreeLine, S: TreeLine<Sum = P::Sum>> RankTree<P, S> {
    /// log2 of the ranks per block (a power of two).
    const BLOCK_BITS: u32 = (P::SLOTS * S::SLOTS).trailing_zeros();

    /// More inserts than this since the last clear: [`RankTree::clear`] fills the tree.
    fn many(&self) -> usize {
        self.point.len()
    }
}

impl<P: TreeLine, S: TreeLine<Sum = P::Sum>> Ranks for RankTree<P, S> {
    fn new(size: usize) -> Self {
        let n_lines = size.div_ceil(P::SLOTS).max(1);
        let n_blocks = n_lines.div_ceil(S::SLOTS);
        RankTree {
            point: vec![P::default(); n_lines],
            lines: vec![S::default(); n_blocks],
            blocks: vec![P::Sum::default(); n_blocks + 1],
            total: P::Sum::default(),
            touched: Vec::new(),
        }
    }

    #[inline(always)]
    fn insert(&mut self, rank: u32, w: f64) {
        if self.touched.len() <= self.many() {
            self.touched.push(rank);
        }
        let rank = rank as usize;
        let line = rank / P::SLOTS;
        self.point[line].add(rank % P::SLOTS, w);
        self.lines[line / S::SLOTS].add(line % S::SLOTS, w);
        let w = P::Sum::of(w);
        self.total = self.total.plus(w);
        let mut i = (rank >> Self::BLOCK_BITS) + 1;
        while i < self.blocks.len() {
            self.blocks[i] = self.blocks[i].plus(w);
            i += i & i.wrapping_neg();
        }
    }

    #[inline(always)]
    fn split(&self, rank: u32) -> (f64, f64, f64) {
        let rank = rank as usize;
        let line = rank / P::SLOTS;
        let mut below = P::Sum::default();
        let mut i = rank >> Self::BLOCK_BITS;
        while i > 0 {
            below = below.plus(self.blocks[i]);
            i -= i & i.wrapping_neg();
        }
        below = below.plus(self.lines[line / S::SLOTS].head(line % S::SLOTS));
        let ranks = &self.point[line];
        below = below.plus(ranks.head(rank % P::SLOTS));
        let at = ranks.at(rank % P::SLOTS);
        let above = self.total.minus(below).minus(at);
        (below.value(), at.value(), above.value())
    }

    /// Along the paths of the inserts since the last clear, or by one sequential fill when
    /// they were many.
    fn clear(&mut self) {
        if self.touched.len() > self.many() {
            self.point.fill(P::default());
            self.lines.fill(S::default());
            self.blocks.fill(P::Sum::default());
        } else {
            for &rank in &self.touched {
                let rank = rank as usize;
                let line = rank / P::SLOTS;
                // every slot that is not zero was touched: clearing its lines is exact
                self.point[line].reset();
                self.lines[line / S::SLOTS].reset();
                let mut i = (rank >> Self::BLOCK_BITS) + 1;
                while i < self.blocks.len() {
                    self.blocks[i] = P::Sum::default();
                    i += i & i.wrapping_neg();
                }
            }
        }
        self.touched.clear();
        self.total = P::Sum::default();
    }
}

/// Ranks `lo..hi` of a larger rank space in a tree `T`, with the weight below `lo` and the
/// total kept as two sums: a sweep over all the rows that answers the queries of the rows
/// ranked in `lo..hi` only. Over the whole rank space (one slab) the numbers are those of
/// `T` itself (`0 + below = below`, the same total in the same order), but one tree is used
/// as it is then. Several slabs, one
/// sweep each, keep each tree small enough for the cache at n = 10⁷ (integer trees only:
/// there the sums are exact, so the split into slabs leaves every number as it was).
struct Slab<T> {
    tree: T,
    ranks: Range<u32>,
    below: f64,
    total: f64,
}

impl<T: Ranks> Slab<T> {
    /// Empties the tree and moves it to `ranks` (at most the size it was made for).
    fn move_to(&mut self, ranks: Range<u32>) {
        self.clear();
        self.ranks = ranks;
    }
}

impl<T: Ranks> Ranks for Slab<T> {
    /// A slab tree for at most `size` ranks, over no ranks until [`Slab::move_to`].
    fn new(size: usize) -> Self {
        Slab {
            tree: T::new(size),
            ranks: 0..0,
            below: 0.0,
            total: 0.0,
        }
    }

    #[inline(always)]
    fn holds(&self, rank: u32) -> bool {
        self.ranks.contains(&rank)
    }

    #[inline(always)]
    fn insert(&mut self, rank: u32, w: f64) {
        self.total += w;
        if rank < self.ranks.start {
            self.below += w;
        } else if rank < self.ranks.end {
            self.tree.insert(rank - self.ranks.start, w);
        }
    }

    /// Weight strictly below, at and strictly above `rank` (a rank the slab holds).
    #[inline(always)]
    fn split(&self, rank: u32) -> (f64, f64, f64) {
        let (inside, at, _) = self.tree.split(rank - self.ranks.start);
        let below = self.below + inside;
        (below, at, self.total - below - at)
    }

    fn clear(&mut self) {
        self.tree.clear();
        self.below = 0.0;
        self.total = 0.0;
    }
}

/// Ranks per slab of an integer rank tree (4 MB of tree): more ranks are swept slab by slab
/// (at n = 10⁷, five sweeps a side; slabs of 2^20 and 2^19 ranks were slower, measured).
const SLAB_RANKS: usize = 1 << 21;

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
    // sorted by the key alone (the ranks do not depend on the order of tied keys): a third
    // faster than sorting the pairs
    let mut by_lp: Vec<LpRow> = lp
        .iter()
        .zip(0..n as u32)
        .map(|(&v, i)| (ordered_bits(v + 0.0), i, 0))
        .collect();
    // lp's memory is reused for the per-row sums of the sweep in η order
    let mut scratch = lp;
    scratch.clear();
    // Few distinct times next to the rows (whole-month times, say): one sweep in η order
    // over trees of the time keys (exact in integers, so the same numbers)
    let w = &data.weight;
    let whole = w
        .stored()
        .is_none_or(|w| w.iter().all(|&v| v.fract() == 0.0));
    let total: f64 = w.stored().map_or(n as f64, |w| w.iter().sum());
    let exact = whole && total < f64::from(1u32 << 26);
    let by_time =
        exact && data.counting.is_none() && ROWS_PER_TIME_KEY * 2 * data.groups.len() <= n;
    let keys = by_time.then(|| TimeKeys::new(data, &mut by_lp));
    let half = if together { n / 2 } else { n };
    {
        let (first, second) = by_lp.split_at_mut(half);
        if together {
            crate::parallel::join(
                || first.sort_unstable_by_key(|e| e.0),
                || second.sort_unstable_by_key(|e| e.0),
            );
        } else {
            first.sort_unstable_by_key(|e| e.0);
        }
    }
    if let Some(keys) = &keys {
        let (first, second) = by_lp.split_at(half);
        return in_lp_order(data, [first, second], keys, cluster, together, scratch);
    }
    drop(scratch);
    // u32: fewer than 2^32 rows (RiskSets::new)
    let mut rank = vec![0u32; n];
    let mut distinct = 0u32;
    // the largest weight of one rank (only used when every weight is a whole number)
    let (mut run, mut heaviest) = (0.0, 0.0f64);
    let (first, second) = by_lp.split_at(half);
    let mut previous = None;
    for (v, i, _) in merged([first, second], [0, 0], [first.len(), second.len()]) {
        let i = i as usize;
        if previous.is_some_and(|p| p != v) {
            distinct += 1;
            run = 0.0;
        }
        previous = Some(v);
        rank[i] = distinct;
        run += w[i];
        heaviest = heaviest.max(run);
    }
    let n_ranks = distinct as usize + 1;
    drop(by_lp);
    // whole-number weights: the ranks in as few bits as the heaviest needs (the same
    // numbers: every sum is a whole number either way)
    // slabs for the integer tree while every sum stays an exact integer: the pair totals
    // are at most (Σ w)², below 2^52
    if whole && heaviest <= Counts::HEAVIEST {
        let slab = if exact { SLAB_RANKS } else { n_ranks };
        count_pairs::<Counts>(data, &rank, n_ranks, cluster, together, slab)
    } else {
        count_pairs::<ExactWeights>(data, &rank, n_ranks, cluster, together, n_ranks)
    }
}

/// The sweep in `η` order pays when there are at least this many rows per key of the time
/// tree (two keys per distinct time): the tree is then small next to a tree over the ranks.
const ROWS_PER_TIME_KEY: usize = 8;

/// From this many rows on, the sweep in `η` order runs in two parts (the lower and the
/// upper half of `η`), each with its own sum of the variance, on two threads when there are
/// two; the numbers depend on the rows only, not on the threads.
const TWO_PARTS_ROWS: usize = 1 << 16;

/// The rank tree over the time keys of [`in_lp_order`]: lines of 16 `u32` running sums
/// (exact while the total weight is below 2^32; the sweep needs it below 2^26).
type KeyCounts = RankTree<Running<u32, 16>, Running<u32, 16>>;

/// A sorted row in the sweep in `η` order: the bits of `η` (ordered as the values), its
/// sorted position, its time key ([`TimeKeys`]).
type LpRow = (u64, u32, u32);

/// The time keys of the sorted rows: `2g + 1` for the censored rows of tie group `g`, `2g`
/// for its deaths (so a key is a death's if it is even). A death's partners are the rows of
/// its stratum with a larger key, a row's earlier events the deaths of its stratum with a
/// smaller key.
struct TimeKeys {
    /// The keys of the stratum of each key, `lo..hi`.
    span: Vec<(u32, u32)>,
    /// Per key, the weight of the rows of larger key (a death's partners), and of the
    /// deaths of smaller key (a row's earlier events), within the stratum.
    later: Vec<f64>,
    earlier_deaths: Vec<f64>,
}

impl TimeKeys {
    /// The keys of the strata of `data`, writing each sorted row's key into `rows` (in
    /// sorted-row order).
    fn new(data: &Prepared, rows: &mut [LpRow]) -> Self {
        let n_keys = 2 * data.groups.len();
        let mut span = vec![(0, 0); n_keys];
        let mut weight = vec![0.0; n_keys];
        let w = &data.weight;
        for stratum in &data.strata {
            let keys = (2 * stratum.groups.start) as u32..(2 * stratum.groups.end) as u32;
            for g in stratum.groups.clone() {
                let group = data.groups[g];
                let (start, death_start, end) = (group.start(), group.death_start(), group.end());
                for row in &mut rows[start..death_start] {
                    row.2 = 2 * g as u32 + 1;
                }
                for row in &mut rows[death_start..end] {
                    row.2 = 2 * g as u32;
                }
                weight[2 * g + 1] = w.range(start..death_start).sum();
                weight[2 * g] = w.range(death_start..end).sum();
                span[2 * g] = (keys.start, keys.end);
                span[2 * g + 1] = (keys.start, keys.end);
            }
        }
        // sums of whole numbers below 2^26: exact in any order
        let mut later = vec![0.0; n_keys];
        let mut earlier_deaths = vec![0.0; n_keys];
        for stratum in &data.strata {
            let keys = 2 * stratum.groups.start..2 * stratum.groups.end;
            let mut sum = 0.0;
            for k in keys.clone().rev() {
                later[k] = sum;
                sum += weight[k];
            }
            sum = 0.0;
            for k in keys {
                earlier_deaths[k] = sum;
                if k % 2 == 0 {
                    sum += weight[k];
                }
            }
        }
        TimeKeys {
            span,
            later,
            earlier_deaths,
        }
    }

    fn len(&self) -> usize {
        self.span.len()
    }
}

/// The two trees of the sweep in `η` order, over the rows of lower `η` so far: every row
/// (`all`, the event's side) and the deaths (`deaths`, the partner's side).
struct LpTrees {
    all: KeyCounts,
    deaths: KeyCounts,
}

impl LpTrees {
    /// Empty trees, or trees holding `rows`.
    fn holding<'a>(
        keys: &TimeKeys,
        w: &crate::survival::risk_set::CaseWeights,
        rows: impl Iterator<Item = &'a LpRow>,
    ) -> Self {
        let mut all = vec![0.0; keys.len()];
        for &(_, k, key) in rows {
            all[key as usize] += w[k as usize];
        }
        let mut trees = LpTrees {
            all: KeyCounts::new(keys.len()),
            deaths: KeyCounts::new(keys.len()),
        };
        for (key, &weight) in all.iter().enumerate().filter(|(_, w)| **w != 0.0) {
            trees.insert(key as u32, weight);
        }
        trees
    }

    /// Adds a row of `key` (a censored row adds nothing to `deaths`: no branch on whether
    /// it is a death, which the order of `η` makes unpredictable).
    #[inline(always)]
    fn insert(&mut self, key: u32, w: f64) {
        self.all.insert(key, w);
        self.deaths.insert(key, w * death(key));
    }

    /// For a row of `key`: the weight of its event's-side partners (a death's; 0 for a
    /// censored row) and of its earlier events, among the rows in the trees.
    #[inline(always)]
    fn partners(&self, keys: &TimeKeys, key: u32) -> (f64, f64) {
        let (lo, hi) = keys.span[key as usize];
        let beyond = if (hi as usize) < keys.len() {
            self.all.split(hi - 1).2
        } else {
            0.0
        };
        let later = (self.all.split(key).2 - beyond) * death(key);
        let before = if lo > 0 { self.deaths.split(lo).0 } else { 0.0 };
        (later, self.deaths.split(key).0 - before)
    }
}

/// 1 for a death's time key, 0 for a censored row's.
#[inline(always)]
fn death(key: u32) -> f64 {
    f64::from(1 - key % 2)
}

/// The rows `rows` (in `η` order, whole runs of equal `η`) of the sweep in `η` order, with
/// `trees` holding the rows of lower `η`. For each row: its partners of lower `η` are one
/// query of each tree, those of equal `η` the difference of the queries before and after
/// its `η` is inserted, those of higher `η` the rest of its (known) partners. Writes each
/// row's `(concordant − discordant, all)` partners into `out` (in the same order) and
/// returns the pair totals.
fn lp_order_part(
    data: &Prepared,
    rows: impl Iterator<Item = LpRow>,
    keys: &TimeKeys,
    mut trees: LpTrees,
    out: &mut [f64],
) -> Partners {
    let w = &data.weight;
    let mut totals = Partners::default();
    // a row's partners from both sides: lower, equal, higher η than its own
    let mut finish = |k: usize, key: u32, below: (f64, f64), at: (f64, f64)| {
        let event = death(key);
        let key = key as usize;
        // a censored row: no event's side (0 partners, adding nothing to the totals)
        let mut c = Partners::default();
        let (all, below_e, at_e) = (keys.later[key] * event, below.0, at.0);
        c.add(below_e, all - below_e - at_e, at_e, 1.0);
        totals.add(below_e, all - below_e - at_e, at_e, w[k] * event);
        let (all, below, at) = (keys.earlier_deaths[key], below.1, at.1);
        let mut p = Partners::default();
        p.add(all - below - at, below, at, 1.0);
        // the partner's side first, then the event's (as the sweeps in time order)
        p.conc += c.conc;
        p.disc += c.disc;
        p.tied += c.tied;
        (p.conc - p.disc, p.conc + p.disc + p.tied)
    };
    let mut block: Vec<(u32, u32, (f64, f64))> = Vec::new();
    let mut rows = rows.peekable();
    let mut slots = out.chunks_exact_mut(2);
    let put = |slot: &mut [f64], (diff, all): (f64, f64)| {
        slot[0] = diff;
        slot[1] = all;
    };
    while let Some((v, i, key)) = rows.next() {
        if rows.peek().is_none_or(|next| next.0 != v) {
            // alone at its η (the usual case): no partner ties it
            let below = trees.partners(keys, key);
            trees.insert(key, w[i as usize]);
            if let Some(slot) = slots.next() {
                put(slot, finish(i as usize, key, below, (0.0, 0.0)));
            }
            continue;
        }
        block.clear();
        block.push((i, key, trees.partners(keys, key)));
        while let Some(&(_, j, key)) = rows.peek().filter(|next| next.0 == v) {
            block.push((j, key, trees.partners(keys, key)));
            rows.next();
        }
        for &(j, key, _) in &block {
            trees.insert(key, w[j as usize]);
        }
        for (&(j, key, below), slot) in block.iter().zip(&mut slots) {
            let upto = trees.partners(keys, key);
            put(
                slot,
                finish(j as usize, key, below, (upto.0 - below.0, upto.1 - below.1)),
            );
        }
    }
    totals
}

/// The rows of sorted runs `runs` in `η` order (the runs merged as they are read), from
/// the positions `from` of each run up to `to`.
fn merged<'a>(
    runs: [&'a [LpRow]; 2],
    from: [usize; 2],
    to: [usize; 2],
) -> impl Iterator<Item = LpRow> + 'a {
    let [first, second] = [&runs[0][from[0]..to[0]], &runs[1][from[1]..to[1]]];
    let (mut a, mut b) = (0, 0);
    std::iter::from_fn(move || {
        let take_first = b == second.len() || (a < first.len() && first[a].0 <= second[b].0);
        if take_first {
            a += 1;
            first.get(a - 1).copied()
        } else {
            b += 1;
            second.get(b - 1).copied()
        }
    })
}

/// The concordance by one sweep in `η` order over trees of the time keys (right-censored
/// data, whole-number weights summing below 2^26: every count is an exact integer, so the
/// concordance and its counts are those of the sweeps in time order). `runs`: the rows,
/// sorted by `η` (one run, or two sorted on two threads); the two parts of
/// [`TWO_PARTS_ROWS`] and more rows run at the same time when `together`.
fn in_lp_order(
    data: &Prepared,
    runs: [&[LpRow]; 2],
    keys: &TimeKeys,
    cluster: Option<(&[usize], usize)>,
    together: bool,
    scratch: Vec<f64>,
) -> Concordance {
    let n = data.n;
    let w = &data.weight;
    let ends = [runs[0].len(), runs[1].len()];
    // the two parts: η below and from the middle value (whole runs of equal η each)
    let cut = if n >= TWO_PARTS_ROWS {
        let middle = match runs {
            [run, []] => run[n / 2].0,
            _ => merged(runs, [0, 0], ends).nth(n / 2).map_or(0, |r| r.0),
        };
        runs.map(|run| run.partition_point(|r| r.0 < middle))
    } else {
        ends
    };
    let lower = || merged(runs, [0, 0], cut);
    let upper = || merged(runs, cut, ends);
    // each row's two sums, in the memory of `scratch` (already touched: at n = 10⁷ the fit's
    // sorted covariates, so no page faults)
    let mut partners = scratch;
    partners.clear();
    partners.resize(2 * n, 0.0);
    let (first, second) = partners.split_at_mut(2 * (cut[0] + cut[1]));
    let below = || {
        let rows = runs[0][..cut[0]].iter().chain(&runs[1][..cut[1]]);
        LpTrees::holding(keys, w, rows)
    };
    let empty = || LpTrees::holding(keys, w, std::iter::empty());
    let (a, b) = if together {
        crate::parallel::join(
            || lp_order_part(data, lower(), keys, empty(), first),
            || lp_order_part(data, upper(), keys, below(), second),
        )
    } else {
        let a = lp_order_part(data, lower(), keys, empty(), first);
        (a, lp_order_part(data, upper(), keys, below(), second))
    };
    let totals = Partners {
        conc: a.conc + b.conc,
        disc: a.disc + b.disc,
        tied: a.tied + b.tied,
    };
    let npair = totals.conc + totals.disc + totals.tied;
    let d = (totals.conc - totals.disc) / npair;
    // the jackknife influences, each part's summed from zero (so the same numbers on one
    // and on two threads)
    let (first, second) = partners.split_at(2 * (cut[0] + cut[1]));
    let mut var = 0.0;
    let mut sums = cluster.map_or_else(Vec::new, |(_, n_clusters)| vec![0.0; n_clusters]);
    for (rows, part) in [(lower(), first), (upper(), second)].into_iter() {
        let mut part_var = 0.0;
        let mut part_sums = sums.iter().map(|_| 0.0).collect::<Vec<f64>>();
        let mut fold = |k: usize, (diff, all): (f64, f64)| {
            let f = w[k] * (diff / npair - d * all / npair);
            match cluster {
                None => part_var += f * f,
                Some((labels, _)) => {
                    let label = data.order.get(k).and_then(|&row| labels.get(row as usize));
                    if let Some(s) = label.and_then(|&c| part_sums.get_mut(c)) {
                        *s += f;
                    }
                }
            }
        };
        // rows of equal η in row order: the order the sort left them in depends on how it
        // ran (one run or two)
        let mut block: Vec<(u32, (f64, f64))> = Vec::new();
        let pairs = part.chunks_exact(2).map(|c| (c[0], c[1]));
        let mut rows = rows.zip(pairs).peekable();
        while let Some(((v, k, _), c)) = rows.next() {
            if rows.peek().is_none_or(|next| next.0.0 != v) {
                fold(k as usize, c);
                continue;
            }
            block.clear();
            block.push((k, c));
            while let Some(((_, j, _), c)) = rows.next_if(|next| next.0.0 == v) {
                block.push((j, c));
            }
            block.sort_unstable_by_key(|b| b.0);
            for &(j, c) in &block {
                fold(j as usize, c);
            }
        }
        var += part_var;
        for (s, p) in sums.iter_mut().zip(part_sums) {
            *s += p;
        }
    }
    if cluster.is_some() {
        var = sums.iter().map(|f| f * f).sum();
    }
    Concordance {
        estimate: (d + 1.0) / 2.0,
        std_error: var.sqrt() / 2.0,
        concordant: totals.conc,
        discordant: totals.disc,
        tied_x: totals.tied,
    }
}

/// The concordance and its jackknife standard error from the totals and every row's
/// partners, which `rows` hands to the fold in row order (sorted position `k`).
fn from_partners(
    data: &Prepared,
    totals: Partners,
    cluster: Option<(&[usize], usize)>,
    rows: impl FnOnce(&mut dyn FnMut(usize, Partners)),
) -> Concordance {
    let (total_conc, total_disc, total_tied) = (totals.conc, totals.disc, totals.tied);
    let npair = total_conc + total_disc + total_tied;
    let d = (total_conc - total_disc) / npair;
    let w = &data.weight;
    let mut var = 0.0;
    let mut sums = cluster.map_or_else(Vec::new, |(_, n_clusters)| vec![0.0; n_clusters]);
    rows(&mut |k: usize, c: Partners| {
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
    });
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

/// The concordance from the `η` ranks of the sorted rows, with rank tree `T`; the event's
/// and the partner's sides at the same time when `together`.
fn count_pairs<T: Ranks>(
    data: &Prepared,
    rank: &[u32],
    n_ranks: usize,
    cluster: Option<(&[usize], usize)>,
    together: bool,
    slab_ranks: usize,
) -> Concordance {
    let n = data.n;
    let slab_ranks = slab_ranks.clamp(1, n_ranks.max(1));
    let slabs: Vec<Range<u32>> = (0..n_ranks)
        .step_by(slab_ranks)
        .map(|lo| lo as u32..(lo + slab_ranks).min(n_ranks) as u32)
        .collect();
    let slabbed = slabs.len() > 1;
    // the per-row buffer is made on the event's side's own thread (24 B a row to fill)
    let event_sweeps = || {
        let mut partners = vec![Partners::default(); n];
        let totals = event_sweeps::<T>(data, rank, &slabs, slab_ranks, &mut partners);
        (partners, totals)
    };
    // The event's side first: the totals (so d) and, per death, its partners at risk after
    // it. The partner's side then finishes each row's partners in row order and folds its
    // jackknife influence into the variance at once: one per-row buffer of partners instead
    // of two plus their sum (24 B a row fewer; the sums, so the numbers, are the same).
    // Two threads: the partner's side keeps every row's partners (in the order it finishes
    // them) while the event's side runs; the variance is then summed in that same order.
    // Several slabs (integer trees, exact): the partner's side finishes the rows slab by
    // slab, so its partners are added to the event's side's first and the variance summed
    // over the rows in order afterwards (`e + p = p + e`: the same numbers).
    let ((mut event_partners, totals), mut partners) = if together {
        crate::parallel::join(event_sweeps, || {
            let mut rows = Vec::with_capacity(n);
            partner_sweeps::<T>(data, rank, &slabs, slab_ranks, |k, c| {
                rows.push((k as u32, c))
            });
            rows
        })
    } else {
        (event_sweeps(), Vec::new())
    };
    if slabbed {
        let mut add = |k: usize, c: Partners| {
            let e = &mut event_partners[k];
            e.conc += c.conc;
            e.disc += c.disc;
            e.tied += c.tied;
        };
        if together {
            for (k, c) in partners.drain(..) {
                add(k as usize, c);
            }
        } else {
            partner_sweeps::<T>(data, rank, &slabs, slab_ranks, add);
        }
    }
    from_partners(data, totals, cluster, |fold| {
        // each row's partners: the event's side's plus the partner's side's
        let mut fold = |k: usize, mut c: Partners| {
            let e = event_partners[k];
            c.conc += e.conc;
            c.disc += e.disc;
            c.tied += e.tied;
            fold(k, c);
        };
        if slabbed {
            for k in 0..n {
                fold(k, Partners::default());
            }
        } else if together {
            for (k, c) in partners {
                fold(k as usize, c);
            }
        } else {
            partner_sweeps::<T>(data, rank, &slabs, slab_ranks, fold);
        }
    })
}

/// The event's side over the slabs of ranks `slabs` (at most `slab_ranks` each): per death
/// its partners into `partners`, and the totals.
fn event_sweeps<T: Ranks>(
    data: &Prepared,
    rank: &[u32],
    slabs: &[Range<u32>],
    slab_ranks: usize,
    partners: &mut [Partners],
) -> Partners {
    if let [_] = slabs {
        return event_side(data, rank, &mut T::new(slab_ranks), partners);
    }
    let mut tree = Slab::<T>::new(slab_ranks);
    let mut totals = Partners::default();
    for slab in slabs {
        tree.move_to(slab.clone());
        let part = event_side(data, rank, &mut tree, partners);
        totals.conc += part.conc;
        totals.disc += part.disc;
        totals.tied += part.tied;
    }
    totals
}

/// The partner's side over the slabs of ranks `slabs`, handing each row's partners to
/// `done` (in row order within a slab).
fn partner_sweeps<T: Ranks>(
    data: &Prepared,
    rank: &[u32],
    slabs: &[Range<u32>],
    slab_ranks: usize,
    mut done: impl FnMut(usize, Partners),
) {
    if let [_] = slabs {
        return partner_side(data, rank, &mut T::new(slab_ranks), done);
    }
    let mut tree = Slab::<T>::new(slab_ranks);
    for slab in slabs {
        tree.move_to(slab.clone());
        partner_side(data, rank, &mut tree, &mut done);
    }
}

/// The event's side of the concordance: per row (deaths only) and in total, the weight of
/// the partners at risk after each event.
fn event_side<T: Ranks>(
    data: &Prepared,
    rank: &[u32],
    tree: &mut T,
    partners: &mut [Partners],
) -> Partners {
    let mut totals = Partners::default();
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
                if tree.holds(r) {
                    let (below, at, above) = tree.split(r);
                    row.add(below, above, at, 1.0);
                    totals.add(below, above, at, wk);
                }
            }
            for (&r, wk) in rank[deaths.clone()].iter().zip(w.range(deaths)) {
                tree.insert(r, wk);
            }
        }
        tree.clear();
    }
    totals
}

/// The partner's side of the concordance: per row, the weight of the earlier events it is
/// compared with, handed to `done(k, partners)` once row `k`'s are complete, in row order
/// (sorted position `k`), so a caller can sum over rows in the order of the rows.
fn partner_side<T: Ranks>(
    data: &Prepared,
    rank: &[u32],
    tree: &mut T,
    mut done: impl FnMut(usize, Partners),
) {
    // counting data only: what a row's arrival took off, until its own tie group
    let mut arrived = if data.counting.is_some() {
        vec![Partners::default(); data.n]
    } else {
        Vec::new()
    };
    let mut deaths_partners: Vec<(usize, Partners)> = Vec::new();
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
                if tree.holds(rank[k]) {
                    let (below, at, above) = tree.split(rank[k]);
                    if let Some(row) = arrived.get_mut(k) {
                        row.add(above, below, at, -1.0);
                    }
                }
            });
            let so_far = |k: usize| arrived.get(k).copied().unwrap_or_default();
            let deaths = death_start..end;
            deaths_partners.clear();
            for (&r, k) in rank[deaths.clone()].iter().zip(deaths.clone()) {
                if tree.holds(r) {
                    let (below, at, above) = tree.split(r);
                    let mut row = so_far(k);
                    row.add(above, below, at, 1.0);
                    deaths_partners.push((k, row));
                }
            }
            for (&r, wk) in rank[deaths.clone()].iter().zip(w.range(deaths.clone())) {
                tree.insert(r, wk);
            }
            let censored = start..death_start;
            for (&r, k) in rank[censored.clone()].iter().zip(censored) {
                if tree.holds(r) {
                    let (below, at, above) = tree.split(r);
                    let mut row = so_far(k);
                    row.add(above, below, at, 1.0);
                    done(k, row);
                }
            }
            for &(k, row) in &deaths_partners {
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

    /// Ranks of `lp` (sorted order) as `sorted_concordance` assigns them.
    fn ranks_of(lp: &[f64]) -> (Vec<u32>, usize) {
        let mut distinct: Vec<u64> = lp.iter().map(|&v| ordered_bits(v + 0.0)).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let rank = lp
            .iter()
            .map(|&v| distinct.binary_search(&ordered_bits(v + 0.0)).unwrap_or(0) as u32)
            .collect();
        (rank, distinct.len())
    }

    /// The integer tree (whole-number weights), whole or swept in slabs of ranks, and the
    /// `f64` tree give bit-identical concordances: unweighted and with whole weights,
    /// strata, counting data (rows leave the tree: negative weights), clusters, one and two
    /// threads, scores with few distinct values (ranks near the heaviest the integer tree
    /// holds, 2047) and with many (several lines and blocks of the tree).
    #[test]
    fn integer_and_f64_rank_trees_give_the_same_numbers() -> Result<()> {
        let n = 12_007;
        let mut state = 11u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let time: Vec<f64> = (0..n).map(|_| (next() * 300.0).ceil()).collect();
        let event: Vec<bool> = (0..n).map(|_| next() < 0.6).collect();
        let start: Vec<f64> = time.iter().map(|t| (t * next()).floor() - 1.0).collect();
        let strata: Vec<usize> = (0..n).map(|i| i % 2).collect();
        let whole: Vec<f64> = (0..n).map(|_| 1.0 + (next() * 3.0).floor()).collect();
        let labels: Vec<usize> = (0..n).map(|i| i / 3).collect();
        let few: Vec<f64> = (0..n).map(|_| (next() * 7.0).floor()).collect();
        let many: Vec<f64> = (0..n).map(|_| (next() * 4000.0).floor()).collect();
        let plain = SurvivalData::new(time.clone(), event.clone())?;
        let weighted = plain.clone().with_strata(&strata)?.with_weights(whole)?;
        let counting = SurvivalData::counting(start, time, event)?;
        let mut compared = 0;
        for data in [&plain, &weighted, &counting] {
            let prepared = Prepared::sorted(data, true)?;
            for risk in [&few, &many] {
                let lp: Vec<f64> = prepared.order.iter().map(|&i| risk[i as usize]).collect();
                let (rank, n_ranks) = ranks_of(&lp);
                let mut heaviest = vec![0.0; n_ranks];
                for (k, &r) in rank.iter().enumerate() {
                    heaviest[r as usize] += prepared.weight[k];
                }
                if heaviest.iter().any(|&h| h > Counts::HEAVIEST) {
                    continue;
                }
                for cluster in [None, Some((&labels[..], n / 3 + 1))] {
                    for together in [false, true] {
                        let exact = count_pairs::<ExactWeights>(
                            &prepared, &rank, n_ranks, cluster, together, n_ranks,
                        );
                        assert!(exact.std_error > 0.0 && exact.tied_x > 0.0);
                        // one slab, three, and slabs of 37 and 1000 ranks
                        for slab in [n_ranks, n_ranks.div_ceil(3), 37, 1000] {
                            let counts = count_pairs::<Counts>(
                                &prepared, &rank, n_ranks, cluster, together, slab,
                            );
                            assert_eq!(exact, counts, "slabs of {slab} ranks");
                        }
                        compared += 1;
                    }
                }
            }
        }
        // every data set with the many-valued score, the unweighted ones with the few
        assert_eq!(compared, 5 * 4);
        Ok(())
    }

    /// The sweep in `η` order over time keys and the sweeps in time order over `η` ranks
    /// count the same pairs: the counts and the estimate bit-identical, the standard error
    /// (summed in another order) to rounding; unweighted and with whole weights, strata,
    /// clusters, scores with ties and without, in one part and in two (sorted in one run or
    /// two), one and two threads bit-identical.
    #[test]
    fn sweeps_in_lp_order_and_in_time_order_agree() -> Result<()> {
        let n = TWO_PARTS_ROWS + 4_321;
        let mut state = 17u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let time: Vec<f64> = (0..n).map(|_| (next() * 90.0).ceil()).collect();
        let event: Vec<bool> = (0..n).map(|_| next() < 0.6).collect();
        let strata: Vec<usize> = (0..n).map(|i| i % 3).collect();
        let whole: Vec<f64> = (0..n).map(|_| 1.0 + (next() * 3.0).floor()).collect();
        let labels: Vec<usize> = (0..n).map(|i| i / 5).collect();
        let few: Vec<f64> = (0..n).map(|_| (next() * 9.0).floor()).collect();
        let many: Vec<f64> = (0..n).map(|_| next()).collect();
        let plain = SurvivalData::new(time.clone(), event.clone())?;
        let weighted = plain.clone().with_strata(&strata)?.with_weights(whole)?;
        for data in [&plain, &weighted] {
            let prepared = Prepared::sorted(data, true)?;
            for risk in [&few, &many] {
                let lp: Vec<f64> = prepared.order.iter().map(|&i| risk[i as usize]).collect();
                let (rank, n_ranks) = ranks_of(&lp);
                let mut rows: Vec<LpRow> = lp
                    .iter()
                    .zip(0..n as u32)
                    .map(|(&v, i)| (ordered_bits(v + 0.0), i, 0))
                    .collect();
                let keys = TimeKeys::new(&prepared, &mut rows);
                let mut halves = rows.clone();
                rows.sort_unstable_by_key(|r| r.0);
                let (a, b) = halves.split_at_mut(n / 3);
                a.sort_unstable_by_key(|r| r.0);
                b.sort_unstable_by_key(|r| r.0);
                for cluster in [None, Some((&labels[..], n / 5 + 1))] {
                    let by_time = count_pairs::<ExactWeights>(
                        &prepared, &rank, n_ranks, cluster, false, n_ranks,
                    );
                    let one =
                        in_lp_order(&prepared, [&rows, &[]], &keys, cluster, false, Vec::new());
                    let (a, b) = halves.split_at(n / 3);
                    for together in [false, true] {
                        let two =
                            in_lp_order(&prepared, [a, b], &keys, cluster, together, Vec::new());
                        assert_eq!(one, two);
                    }
                    assert_eq!(one.concordant.to_bits(), by_time.concordant.to_bits());
                    assert_eq!(one.discordant.to_bits(), by_time.discordant.to_bits());
                    assert_eq!(one.tied_x.to_bits(), by_time.tied_x.to_bits());
                    assert_eq!(one.estimate.to_bits(), by_time.estimate.to_bits());
                    let se = (one.std_error - by_time.std_error).abs();
                    assert!(se <= 1e-13 * by_time.std_error, "{one:?} {by_time:?}");
                    assert!(one.tied_x > 0.0 || risk == &many);
                }
                // the whole path picks the sweep in η order here
                assert!(ROWS_PER_TIME_KEY * 2 * prepared.groups.len() <= n);
                let whole_path = sorted_concordance(&prepared, lp.clone(), None, 1);
                let one = in_lp_order(&prepared, [&rows, &[]], &keys, None, false, Vec::new());
                assert_eq!(whole_path, one);
            }
        }
        Ok(())
    }

    /// A line of running sums against the values it holds, adding and taking off weights.
    #[test]
    fn running_sum_lines_hold_their_values() {
        let mut line = Running::<u16, 32>::default();
        let mut values = [0i64; 32];
        let mut state = 3u64;
        for step in 0..2000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let j = (state >> 59) as usize;
            let w = ((state >> 40) % 2047) as i64;
            let w = if step % 3 == 2 {
                -w.min(values[j])
            } else {
                w.min(2047 - values[j])
            };
            line.add(j, w as f64);
            values[j] += w;
            for k in 0..32 {
                assert_eq!(line.at(k), values[k] as u64);
                assert_eq!(line.head(k), values[..k].iter().sum::<i64>() as u64);
            }
        }
        line.reset();
        assert!((0..32).all(|k| line.at(k) == 0 && line.head(k) == 0));
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
