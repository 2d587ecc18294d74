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
//! Two sweeps over the sorted rows with a Fenwick tree over the ranks of `η` (one from the
//! event's side, one from the partner's side) give every count.

use super::prepare::{Prepared, TieGroup};

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
struct RankTree {
    tree: Vec<f64>,
    point: Vec<f64>,
    total: f64,
    touched: Vec<usize>,
}

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

/// Concordance of `lp` (linear predictor in sorted order) with the prepared survival data.
pub(super) fn concordance(data: &Prepared, lp: &[f64]) -> Concordance {
    let n = data.n;
    let mut sorted: Vec<f64> = lp.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    sorted.dedup_by(|a, b| a.total_cmp(b).is_eq());
    let rank: Vec<usize> = lp
        .iter()
        .map(|v| sorted.partition_point(|s| s.total_cmp(v).is_lt()))
        .collect();

    // per-row weight of concordant, discordant and tied.x partners
    let mut partners = vec![Partners::default(); n];
    let mut totals = Partners::default();
    let mut tree = RankTree::new(sorted.len());
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
