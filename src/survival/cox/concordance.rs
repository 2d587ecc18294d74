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
//! All counts come from one merge sort by `η` over the rows in time order (events before
//! censored rows at equal times): when two sorted halves merge, every event of the earlier
//! half is compared with every row of the later half by two pointers, which gives both
//! members' counts; pairs of events at the same time are then taken out again. Memory access
//! stays sequential, which matters at n = 10⁶.

use super::prepare::{Prepared, TieGroup, ordered_bits};
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

/// Fenwick (binary indexed) tree of weights over `η` ranks, with the per-rank weights kept
/// alongside for the "tied" query.
#[cfg(test)]
struct RankTree {
    tree: Vec<f64>,
    point: Vec<f64>,
    total: f64,
    touched: Vec<usize>,
}

#[cfg(test)]
impl RankTree {
    fn new(size: usize) -> Self {
        RankTree {
            tree: vec![0.0; size + 1],
            point: vec![0.0; size],
            total: 0.0,
            touched: Vec::new(),
        }
    }

    fn insert(&mut self, rank: usize, w: f64) {
        self.point[rank] += w;
        self.total += w;
        self.touched.push(rank);
        let mut i = rank + 1;
        while i < self.tree.len() {
            self.tree[i] += w;
            i += i & i.wrapping_neg();
        }
    }

    /// Weight strictly below `rank`, at `rank`, strictly above `rank`.
    fn split(&self, rank: usize) -> (f64, f64, f64) {
        let mut below = 0.0;
        let mut i = rank;
        while i > 0 {
            below += self.tree[i];
            i -= i & i.wrapping_neg();
        }
        let at = self.point[rank];
        (below, at, self.total - below - at)
    }

    /// Empties the tree exactly (no floating-point residue) in time proportional to the
    /// inserts since the last clear.
    fn clear(&mut self) {
        for &rank in &self.touched {
            self.point[rank] = 0.0;
            let mut i = rank + 1;
            while i < self.tree.len() {
                self.tree[i] = 0.0;
                i += i & i.wrapping_neg();
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
    if risk.len() != data.len() {
        return Err(Error::mismatch("risk scores", data.len(), risk.len()));
    }
    crate::design::check_finite("risk score", risk)?;
    let prepared = Prepared::sorted(data, true)?;
    let sorted: Vec<f64> = prepared.order.iter().map(|&i| risk[i]).collect();
    Ok(sorted_concordance(&prepared, &sorted))
}

/// Reference implementation with a Fenwick tree (random memory access), kept to check
/// [`sorted_concordance`].
#[cfg(test)]
fn fenwick_concordance(data: &Prepared, lp: &[f64]) -> Concordance {
    let n = data.n;
    // ranks of the distinct values of η (-0 = 0), from one sort of packed (η, row) keys
    let mut by_lp: Vec<(u64, usize)> = lp
        .iter()
        .zip(0..n)
        .map(|(&v, i)| (ordered_bits(v + 0.0), i))
        .collect();
    by_lp.sort_unstable();
    let mut rank = vec![0usize; n];
    let mut distinct = 0;
    for (k, &(v, i)) in by_lp.iter().enumerate() {
        if k > 0 && by_lp[k - 1].0 != v {
            distinct += 1;
        }
        rank[i] = distinct;
    }
    let n_ranks = distinct + 1;
    drop(by_lp);

    // per-row weight of concordant, discordant and tied.x partners
    let mut partners = vec![Partners::default(); n];
    let mut totals = Partners::default();
    let mut tree = RankTree::new(n_ranks);
    let w = &data.weight;

    for stratum in &data.strata {
        // Event's side, latest time first: the tree holds the rows still at risk after the
        // event (later times, and rows censored at the event time).
        for g in stratum.groups.clone().rev() {
            let TieGroup {
                start,
                death_start,
                end,
            } = data.groups[g];
            for (&r, &wk) in rank[start..death_start].iter().zip(&w[start..death_start]) {
                tree.insert(r, wk);
            }
            let deaths = death_start..end;
            for ((&r, &wk), row) in rank[deaths.clone()]
                .iter()
                .zip(&w[deaths.clone()])
                .zip(&mut partners[deaths.clone()])
            {
                let (below, at, above) = tree.split(r);
                row.add(below, above, at, 1.0);
                totals.add(below, above, at, wk);
            }
            for (&r, &wk) in rank[deaths.clone()].iter().zip(&w[deaths]) {
                tree.insert(r, wk);
            }
        }
        tree.clear();
        // Partner's side, earliest time first: the tree holds the earlier events (and, for
        // a censored row, the events at its own time).
        for g in stratum.groups.clone() {
            let TieGroup {
                start,
                death_start,
                end,
            } = data.groups[g];
            let deaths = death_start..end;
            for (&r, row) in rank[deaths.clone()]
                .iter()
                .zip(&mut partners[deaths.clone()])
            {
                let (below, at, above) = tree.split(r);
                row.add(above, below, at, 1.0);
            }
            for (&r, &wk) in rank[deaths.clone()].iter().zip(&w[deaths]) {
                tree.insert(r, wk);
            }
            let censored = start..death_start;
            for (&r, row) in rank[censored.clone()].iter().zip(&mut partners[censored]) {
                let (below, at, above) = tree.split(r);
                row.add(above, below, at, 1.0);
            }
        }
        tree.clear();
    }

    let (total_conc, total_disc, total_tied) = (totals.conc, totals.disc, totals.tied);
    let npair = total_conc + total_disc + total_tied;
    let d = (total_conc - total_disc) / npair;
    let var: f64 = partners
        .iter()
        .zip(w)
        .map(|(c, wk)| {
            let f = wk * ((c.conc - c.disc) / npair - d * (c.conc + c.disc + c.tied) / npair);
            f * f
        })
        .sum();
    Concordance {
        estimate: (d + 1.0) / 2.0,
        std_error: var.sqrt() / 2.0,
        concordant: total_conc,
        discordant: total_disc,
        tied_x: total_tied,
    }
}

/// Concordance of `lp` (linear predictor in sorted order) with the prepared survival data.
pub(super) fn sorted_concordance(data: &Prepared, lp: &[f64]) -> Concordance {
    let n = data.n;
    let key: Vec<u64> = lp.iter().map(|v| ordered_bits(v + 0.0)).collect();
    let w = &data.weight;
    let mut counts = vec![Partners::default(); n];
    let mut seq: Vec<usize> = Vec::with_capacity(n);
    let mut scratch: Vec<usize> = Vec::with_capacity(n);
    for stratum in &data.strata {
        // time order; at one time the events first (by η descending), then censored rows
        seq.clear();
        for g in stratum.groups.clone() {
            let TieGroup {
                start,
                death_start,
                end,
            } = data.groups[g];
            let first = seq.len();
            seq.extend(death_start..end);
            seq[first..].sort_unstable_by(|&a, &b| key[b].cmp(&key[a]));
            seq.extend(start..death_start);
        }
        merge_count(&mut seq, &mut scratch, &key, data, &mut counts);
        remove_tied_times(data, stratum.groups.clone(), &key, &mut counts);
    }

    let mut totals = Partners::default();
    for (c, &wk) in counts.iter().zip(w) {
        totals.add(c.conc, c.disc, c.tied, 0.5 * wk);
    }
    let npair = totals.conc + totals.disc + totals.tied;
    let d = (totals.conc - totals.disc) / npair;
    let var: f64 = counts
        .iter()
        .zip(w)
        .map(|(c, wk)| {
            let f = wk * ((c.conc - c.disc) / npair - d * (c.conc + c.disc + c.tied) / npair);
            f * f
        })
        .sum();
    Concordance {
        estimate: (d + 1.0) / 2.0,
        std_error: var.sqrt() / 2.0,
        concordant: totals.conc,
        discordant: totals.disc,
        tied_x: totals.tied,
    }
}

/// Bottom-up merge sort of `seq` by `key`; at each merge every event of the left block is
/// compared with every row of the right block (two pointers), crediting both.
fn merge_count(
    seq: &mut Vec<usize>,
    scratch: &mut Vec<usize>,
    key: &[u64],
    data: &Prepared,
    counts: &mut [Partners],
) {
    let m = seq.len();
    let w = &data.weight;
    let death = |k: usize| data.event[k];
    scratch.clear();
    scratch.resize(m, 0);
    let mut width = 1;
    while width < m {
        let mut lo = 0;
        while lo < m {
            let mid = (lo + width).min(m);
            let hi = (lo + 2 * width).min(m);
            if mid < hi {
                let (left, right) = (&seq[lo..mid], &seq[mid..hi]);
                // later rows (right) against the earlier events (left)
                let deaths_left: f64 = left.iter().filter(|&&i| death(i)).map(|&i| w[i]).sum();
                let (mut p_lt, mut p_le, mut w_lt, mut w_le) = (0, 0, 0.0, 0.0);
                for &j in right {
                    while p_lt < left.len() && key[left[p_lt]] < key[j] {
                        if death(left[p_lt]) {
                            w_lt += w[left[p_lt]];
                        }
                        p_lt += 1;
                    }
                    if p_le < p_lt {
                        (p_le, w_le) = (p_lt, w_lt);
                    }
                    while p_le < left.len() && key[left[p_le]] <= key[j] {
                        if death(left[p_le]) {
                            w_le += w[left[p_le]];
                        }
                        p_le += 1;
                    }
                    // an earlier event with higher η is concordant
                    counts[j].add(deaths_left - w_le, w_lt, w_le - w_lt, 1.0);
                }
                // earlier events (left) against the later rows (right)
                let all_right: f64 = right.iter().map(|&j| w[j]).sum();
                let (mut p_lt, mut p_le, mut w_lt, mut w_le) = (0, 0, 0.0, 0.0);
                for &i in left {
                    if !death(i) {
                        continue;
                    }
                    while p_lt < right.len() && key[right[p_lt]] < key[i] {
                        w_lt += w[right[p_lt]];
                        p_lt += 1;
                    }
                    if p_le < p_lt {
                        (p_le, w_le) = (p_lt, w_lt);
                    }
                    while p_le < right.len() && key[right[p_le]] <= key[i] {
                        w_le += w[right[p_le]];
                        p_le += 1;
                    }
                    // a later row with lower η is concordant
                    counts[i].add(w_lt, all_right - w_le, w_le - w_lt, 1.0);
                }
                // merge by key
                let (mut a, mut b, mut out) = (lo, mid, lo);
                while a < mid && b < hi {
                    if key[seq[b]] < key[seq[a]] {
                        scratch[out] = seq[b];
                        b += 1;
                    } else {
                        scratch[out] = seq[a];
                        a += 1;
                    }
                    out += 1;
                }
                scratch[out..out + (mid - a)].copy_from_slice(&seq[a..mid]);
                out += mid - a;
                scratch[out..out + (hi - b)].copy_from_slice(&seq[b..hi]);
            } else {
                scratch[lo..hi].copy_from_slice(&seq[lo..hi]);
            }
            lo = hi;
        }
        std::mem::swap(seq, scratch);
        width *= 2;
    }
}

/// Takes out the pairs of events at one time (tied on y), which the merge counted with the
/// events ordered by η descending: different η as concordant, equal η as tied.
fn remove_tied_times(
    data: &Prepared,
    groups: std::ops::Range<usize>,
    key: &[u64],
    counts: &mut [Partners],
) {
    let w = &data.weight;
    let mut deaths: Vec<usize> = Vec::new();
    for g in groups {
        let group = data.groups[g];
        if group.n_deaths() < 2 {
            continue;
        }
        deaths.clear();
        deaths.extend(group.death_start..group.end);
        deaths.sort_unstable_by_key(|&k| key[k]);
        let total: f64 = deaths.iter().map(|&k| w[k]).sum();
        let mut a = 0;
        while a < deaths.len() {
            let mut b = a;
            let mut same = 0.0;
            while b < deaths.len() && key[deaths[b]] == key[deaths[a]] {
                same += w[deaths[b]];
                b += 1;
            }
            for &k in &deaths[a..b] {
                counts[k].conc -= total - same;
                counts[k].tied -= same - w[k];
            }
            a = b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Design, SurvivalData};

    /// Small LCG for reproducible test data.
    fn lcg(state: &mut u64) -> f64 {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*state >> 11) as f64 / (1u64 << 53) as f64
    }

    #[test]
    fn merge_sort_counts_equal_the_fenwick_counts() -> Result<()> {
        let mut state = 42;
        for case in 0..40 {
            let n = 5 + case * 7;
            let time: Vec<f64> = (0..n).map(|_| (lcg(&mut state) * 8.0).floor()).collect();
            let mut status: Vec<f64> = (0..n)
                .map(|_| f64::from(u8::from(lcg(&mut state) < 0.6)))
                .collect();
            status[0] = 1.0;
            let lp: Vec<f64> = (0..n)
                .map(|_| (lcg(&mut state) * 5.0).floor() - 2.0)
                .collect();
            let weights: Vec<f64> = (0..n).map(|_| 0.5 + lcg(&mut state)).collect();
            let strata: Vec<u8> = (0..n).map(|_| u8::from(lcg(&mut state) < 0.3)).collect();
            let mut data = SurvivalData::from_status(time, &status)?;
            if case % 2 == 1 {
                data = data.with_weights(weights)?.with_strata(&strata)?;
            }
            let x = Design::from_columns([("lp", lp.clone())])?;
            let prepared = Prepared::new(&data, &x, true)?;
            let sorted: Vec<f64> = prepared.order.iter().map(|&i| lp[i]).collect();
            let fast = sorted_concordance(&prepared, &sorted);
            let slow = fenwick_concordance(&prepared, &sorted);
            for (a, b) in [
                (fast.concordant, slow.concordant),
                (fast.discordant, slow.discordant),
                (fast.tied_x, slow.tied_x),
                (fast.estimate, slow.estimate),
                (fast.std_error, slow.std_error),
            ] {
                assert!(
                    (a - b).abs() <= 1e-10 * (1.0 + b.abs()),
                    "case {case}: {a} vs {b}"
                );
            }
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
