//! One evaluation of the Cox partial log-likelihood `ℓ`, its score `U` and information `I`
//! (algorithms.md §2.3) for Breslow or Efron ties, with strata, case weights and offsets.
//!
//! ```text
//! death time t, risk set R(t) = {j : t_j >= t}, r_j = w_j exp(η_j), tied deaths D (d of them)
//! Breslow: ℓ -= W_d log S0,   U -= W_d S1/S0,   I += W_d (S2/S0 - S1 S1'/S0²)
//! Efron:   the same with S_k = S(R \ D) + (k/d) S(D), k = 1..d, and the mean weight W_d/d
//! ```
//!
//! The pass is organised for speed without changing the mathematics:
//! * a backward sweep over the tie groups accumulates `S0`, `S1`, `ℓ` and `U` (O(n·p)) and the
//!   hazard increments `W/S0` of each death time;
//! * the `Σ W S2/S0` part of `I` is rewritten as `Σ_j c_j x_j x_j'` with
//!   `c_j = r_j · (cumulative hazard increments of the death times whose risk set holds j)`,
//!   computed by a forward sweep and then accumulated as one blocked matrix product;
//! * the `Σ W m m'` part is a second blocked product over the risk-set mean vectors `m`
//!   (for an Efron tie group, the d mean vectors span two directions, so two rows suffice).
//!
//! Counting-process data `(start, stop]` (R's `agfit4`, algorithms.md §2.12): a row is at risk
//! at t iff `start < t <= stop`. The backward sweep adds rows at their stop time, as above, and
//! removes them (along the start-time order) once the current time is at or below their
//! start; when nobody is left at risk the sums are reset to zero, as R does. In the forward
//! sweep `c_j` becomes `r_j` times the hazard increments in `(start_j, stop_j]`.
//!
//! **Threads.** Right-censored data are cut into fixed chunks of whole tie groups (about
//! [`CHUNK_ROWS`] rows, never across a stratum; the cut depends on the data only). Each chunk
//! computes its `r = w·e^η` and its sums `Σ r`, `Σ r·x` (pass 1); the risk-set sums entering
//! a chunk from the later chunks of its stratum are then known (a short serial suffix sum over
//! the chunks), so every chunk runs its part of the backward sweep on its own (pass 2); after
//! the serial cumulative hazards, each chunk forms its `c_j` and its share of `Σ c_j x_j x_j'`
//! (pass 3). Every chunk's ℓ, `U` and `I` parts start from zero and are added in chunk order,
//! so one thread and many threads give bit-identical results ([`crate::parallel`]).
//! Counting-process data keep the serial sweeps (the departures cross chunk boundaries) and
//! share pass 3.
//!
//! No allocation happens inside a pass; the buffers live in [`RiskPass`] (one set per chunk).

use std::ops::Range;

use nalgebra::{DMatrix, DMatrixView};

use super::Ties;
use super::prepare::{Departures, Prepared, StratumSpan};
use crate::linalg::{axpy, dot};
use crate::parallel;

/// Rows handled per blocked matrix product (keeps the block in cache).
const BLOCK_ROWS: usize = 256;

/// Rows per chunk of the threaded passes (whole tie groups, so a chunk can be longer).
pub(super) const CHUNK_ROWS: usize = 8192;

/// A fixed chunk of the threaded passes: whole tie groups of one stratum.
#[derive(Debug, Clone)]
struct Chunk {
    groups: Range<usize>,
    rows: Range<usize>,
    stratum: usize,
}

/// One chunk's share of an evaluation, and its buffers.
#[derive(Debug)]
struct Partial {
    loglik: f64,
    score: Vec<f64>,
    /// `Σ c x x' − Σ W m m'` of the chunk (column-major `p × p`).
    info: DMatrix<f64>,
    /// `Σ r` and `Σ r·x` over the chunk's rows (pass 1).
    total0: f64,
    total1: Vec<f64>,
    /// The sums of the rows after the chunk in its stratum (entering the backward sweep).
    enter0: f64,
    enter1: Vec<f64>,
    s1: Vec<f64>,
    d1: Vec<f64>,
    block: Vec<f64>,
    block_rows: usize,
}

impl Partial {
    fn new(p: usize) -> Self {
        Partial {
            loglik: 0.0,
            score: vec![0.0; p],
            info: DMatrix::zeros(p, p),
            total0: 0.0,
            total1: vec![0.0; p],
            enter0: 0.0,
            enter1: vec![0.0; p],
            s1: vec![0.0; p],
            d1: vec![0.0; p],
            block: vec![0.0; BLOCK_ROWS * p],
            block_rows: 0,
        }
    }

    /// Appends the mean row `a·S1 + b·D1` (already scaled by √weight) to the block.
    fn push_mean(&mut self, a: f64, b: f64) {
        if self.block_rows == BLOCK_ROWS {
            self.flush_means();
        }
        let p = self.s1.len();
        let row = &mut self.block[self.block_rows * p..(self.block_rows + 1) * p];
        for ((r, s), d) in row.iter_mut().zip(&self.s1).zip(&self.d1) {
            *r = a * s + b * d;
        }
        self.block_rows += 1;
    }

    /// `info -= Mᵀ M` for the buffered mean rows `M`.
    fn flush_means(&mut self) {
        let m = self.block_rows;
        if m == 0 {
            return;
        }
        let p = self.s1.len();
        let rows = &self.block[..m * p];
        let mt = DMatrixView::from_slice(rows, p, m);
        let mm = DMatrixView::from_slice_with_strides(rows, m, p, p, 1);
        self.info.gemm(-1.0, &mt, &mm, 1.0);
        self.block_rows = 0;
    }

    /// The terms of one tie group with deaths: `ℓ`, `U`, the hazard increments and the mean
    /// rows, from the sums `s0`, `self.s1` of the rows at risk beyond the group's deaths and
    /// `d0`, `self.d1`, `wd` of its deaths. Returns (hazard step, own step).
    fn death_group(&mut self, ties: Ties, nd: usize, s0: f64, d0: f64, wd: f64) -> (f64, f64) {
        if ties == Ties::Breslow || nd == 1 {
            let s0 = s0 + d0;
            for (s, d) in self.s1.iter_mut().zip(&self.d1) {
                *s += d;
            }
            self.loglik -= wd * s0.ln();
            let step = wd / s0;
            for (u, s) in self.score.iter_mut().zip(&self.s1) {
                *u -= step * s;
            }
            let root = wd.sqrt() / s0;
            self.push_mean(root, 0.0);
            (step, step)
        } else {
            let wt = wd / nd as f64;
            // Σ_k wt·m_k m_k' with m_k = a_k·S1 + b_k·D1 is the quadratic form of the 2×2
            // Gram matrix G of (a_k, b_k); two rows L'(S1, D1) with G = LL' carry it.
            let (mut sum_a, mut sum_b) = (0.0, 0.0);
            let (mut g_aa, mut g_ab, mut g_bb) = (0.0, 0.0, 0.0);
            for k in 1..=nd {
                let frac = k as f64 / nd as f64;
                let den = s0 + frac * d0;
                self.loglik -= wt * den.ln();
                let a = 1.0 / den;
                let b = frac / den;
                sum_a += a;
                sum_b += b;
                g_aa += a * a;
                g_ab += a * b;
                g_bb += b * b;
            }
            let l11 = (wt * g_aa).sqrt();
            let l21 = wt * g_ab / l11;
            let l22 = (wt * g_bb - l21 * l21).max(0.0).sqrt();
            self.push_mean(l11, l21);
            self.push_mean(0.0, l22);
            for ((u, s), d) in self.score.iter_mut().zip(&self.s1).zip(&self.d1) {
                *u -= wt * (sum_a * s + sum_b * d);
            }
            for (s, d) in self.s1.iter_mut().zip(&self.d1) {
                *s += d;
            }
            (wt * sum_a, wt * sum_b)
        }
    }

    /// `info += Σ_j c_j x_j x_j'` over `rows` (`c` indexed like the rows), one blocked matrix
    /// product per block of rows.
    fn weighted_squares(&mut self, data: &Prepared, rows: Range<usize>, c: &[f64]) {
        let p = self.s1.len();
        let mut start = rows.start;
        while start < rows.end {
            let end = (start + BLOCK_ROWS).min(rows.end);
            let m = end - start;
            for (k, row) in (start..end).zip(self.block.chunks_exact_mut(p)) {
                let ck = c[k - rows.start];
                for (r, x) in row.iter_mut().zip(data.row(k)) {
                    *r = ck * x;
                }
            }
            let zt = DMatrixView::from_slice(&data.z[start * p..end * p], p, m);
            let b = DMatrixView::from_slice_with_strides(&self.block[..m * p], m, p, p, 1);
            self.info.gemm(1.0, &zt, &b, 1.0);
            start = end;
        }
    }
}

/// Reusable buffers for repeated evaluations on the same prepared data.
#[derive(Debug)]
pub(super) struct RiskPass {
    p: usize,
    threads: usize,
    eta: Vec<f64>,
    risk: Vec<f64>,
    hazard_step: Vec<f64>,
    death_step: Vec<f64>,
    chunks: Vec<Chunk>,
    partials: Vec<Partial>,
    /// The serial sweeps of counting-process data.
    serial: Partial,
    /// Counting data: cumulative hazard increments up to each sorted row's start time.
    entry_hazard: Vec<f64>,
    /// Score vector `U` of the last evaluation.
    pub score: Vec<f64>,
    /// Information matrix `I` of the last evaluation, row-major `p × p`.
    pub information: Vec<f64>,
}

/// The fixed chunks of `data`: whole tie groups, at least [`CHUNK_ROWS`] rows where the
/// stratum has them, never across a stratum.
fn cut_chunks(data: &Prepared) -> Vec<Chunk> {
    let mut out = Vec::new();
    for (s, stratum) in data.strata.iter().enumerate() {
        let mut g0 = stratum.groups.start;
        while g0 < stratum.groups.end {
            let row0 = data.groups[g0].start;
            let mut g1 = g0;
            loop {
                g1 += 1;
                if g1 == stratum.groups.end || data.groups[g1 - 1].end - row0 >= CHUNK_ROWS {
                    break;
                }
            }
            out.push(Chunk {
                groups: g0..g1,
                rows: row0..data.groups[g1 - 1].end,
                stratum: s,
            });
            g0 = g1;
        }
    }
    out
}

/// Splits `v` into the consecutive pieces of lengths `lens` (which must cover it).
fn split_lengths<T>(mut v: &mut [T], lens: impl Iterator<Item = usize>) -> Vec<&mut [T]> {
    let mut out = Vec::new();
    for len in lens {
        let (head, tail) = v.split_at_mut(len);
        out.push(head);
        v = tail;
    }
    out
}

impl RiskPass {
    /// Buffers sized for `data`; `threads` as the models' setting (0 = all cores).
    pub fn new(data: &Prepared, threads: usize) -> Self {
        let p = data.p;
        let chunks = cut_chunks(data);
        let threads = parallel::threads_for(threads, data.n * (p * p + 2 * p), chunks.len());
        RiskPass {
            p,
            threads,
            eta: vec![0.0; data.n],
            risk: vec![0.0; data.n],
            hazard_step: vec![0.0; data.groups.len()],
            death_step: vec![0.0; data.groups.len()],
            partials: chunks.iter().map(|_| Partial::new(p)).collect(),
            chunks,
            serial: Partial::new(p),
            entry_hazard: if data.counting.is_some() {
                vec![0.0; data.n]
            } else {
                Vec::new()
            },
            score: vec![0.0; p],
            information: vec![0.0; p * p],
        }
    }

    /// Evaluates `ℓ(β)`, `U(β)` and `I(β)` (in the centred and scaled coordinates of `data`).
    /// `U` and `I` are left in [`RiskPass::score`] and [`RiskPass::information`].
    pub fn evaluate(&mut self, data: &Prepared, ties: Ties, beta: &[f64]) -> f64 {
        let p = self.p;
        let threads = self.threads;
        for part in &mut self.partials {
            part.loglik = 0.0;
            part.score.fill(0.0);
            part.info.fill(0.0);
        }
        self.serial.loglik = 0.0;
        self.serial.score.fill(0.0);
        self.serial.info.fill(0.0);

        // pass 1: η, r and the chunk sums
        {
            let lens = self.chunks.iter().map(|c| c.rows.len());
            let etas = split_lengths(&mut self.eta, lens.clone());
            let risks = split_lengths(&mut self.risk, lens);
            let items: Vec<_> = self
                .chunks
                .iter()
                .zip(etas)
                .zip(risks)
                .zip(&mut self.partials)
                .collect();
            parallel::map_items(items, threads, |(((chunk, eta), risk), part)| {
                part.total0 = 0.0;
                part.total1.fill(0.0);
                for ((k, e), r) in chunk.rows.clone().zip(eta).zip(risk) {
                    let x = data.row(k);
                    *e = data.offset[k] + dot(x, beta);
                    *r = data.weight[k] * e.exp();
                    part.total0 += *r;
                    axpy(*r, x, &mut part.total1);
                }
            });
        }

        if data.counting.is_some() {
            self.serial.s1.fill(0.0);
            for stratum in &data.strata {
                self.counting_backward_sweep(data, ties, stratum.groups.clone());
            }
            self.serial.flush_means();
            for stratum in &data.strata {
                self.entry_hazards(data, stratum.groups.clone());
            }
        } else {
            // the sums entering each chunk from the later chunks of its stratum
            let mut acc0 = 0.0;
            let mut acc1 = vec![0.0; p];
            let mut stratum = usize::MAX;
            for (chunk, part) in self.chunks.iter().zip(&mut self.partials).rev() {
                if chunk.stratum != stratum {
                    stratum = chunk.stratum;
                    acc0 = 0.0;
                    acc1.fill(0.0);
                }
                part.enter0 = acc0;
                part.enter1.copy_from_slice(&acc1);
                acc0 += part.total0;
                axpy(1.0, &part.total1, &mut acc1);
            }
            // pass 2: each chunk's backward sweep
            let lens = self.chunks.iter().map(|c| c.groups.len());
            let hazards = split_lengths(&mut self.hazard_step, lens.clone());
            let owns = split_lengths(&mut self.death_step, lens);
            let items: Vec<_> = self
                .chunks
                .iter()
                .zip(hazards)
                .zip(owns)
                .zip(&mut self.partials)
                .collect();
            let (risk, eta) = (&self.risk, &self.eta);
            parallel::map_items(items, threads, |(((chunk, hazard), own), part)| {
                chunk_backward_sweep(data, ties, chunk, risk, eta, hazard, own, part);
            });
        }

        // cumulative hazards: after a group's deaths, and at its own deaths (Efron)
        for stratum in &data.strata {
            let mut cum = 0.0;
            for g in stratum.groups.clone() {
                let after = cum + self.hazard_step[g];
                self.death_step[g] += cum;
                self.hazard_step[g] = after;
                cum = after;
            }
        }

        // pass 3: c_j and Σ c_j x_j x_j'
        {
            let lens = self.chunks.iter().map(|c| c.rows.len());
            let risks = split_lengths(&mut self.risk, lens);
            let items: Vec<_> = self
                .chunks
                .iter()
                .zip(risks)
                .zip(&mut self.partials)
                .collect();
            let (after, own, entry) = (&self.hazard_step, &self.death_step, &self.entry_hazard);
            let counting = data.counting.is_some();
            parallel::map_items(items, threads, |((chunk, risk), part)| {
                let first = chunk.rows.start;
                for g in chunk.groups.clone() {
                    let group = data.groups[g];
                    for k in group.start..group.end {
                        let cum = if k < group.death_start {
                            after[g]
                        } else {
                            own[g]
                        };
                        let start = if counting { entry[k] } else { 0.0 };
                        risk[k - first] *= cum - start;
                    }
                }
                part.weighted_squares(data, chunk.rows.clone(), risk);
            });
        }

        // chunk results in chunk order
        let mut loglik = self.serial.loglik;
        self.score.copy_from_slice(&self.serial.score);
        let mut info = self.serial.info.clone();
        for part in &self.partials {
            loglik += part.loglik;
            axpy(1.0, &part.score, &mut self.score);
            info += &part.info;
        }
        for i in 0..p {
            for j in 0..=i {
                let v = info[(i, j)];
                self.information[i * p + j] = v;
                self.information[j * p + i] = v;
            }
        }
        loglik
    }

    /// Counting-process data, one stratum from its last time down (serial: rows leave the
    /// risk set at their start time, across any chunk): the risk-set sums, the terms of `ℓ`
    /// and `U`, the hazard increments, and the mean vectors (into the `Σ W m m'` product).
    fn counting_backward_sweep(&mut self, data: &Prepared, ties: Ties, groups: Range<usize>) {
        let acc = &mut self.serial;
        let mut s0 = 0.0;
        acc.s1.fill(0.0);
        let mut departures = Departures::new(data.stratum_rows(&StratumSpan {
            groups: groups.clone(),
        }));
        for g in groups.rev() {
            let group = data.groups[g];
            departures.advance(data, &group, |leaving| match leaving {
                None => {
                    s0 = 0.0;
                    acc.s1.fill(0.0);
                }
                Some(k) => {
                    let r = self.risk[k];
                    s0 -= r;
                    axpy(-r, data.row(k), &mut acc.s1);
                }
            });
            for k in group.start..group.death_start {
                let r = self.risk[k];
                s0 += r;
                axpy(r, data.row(k), &mut acc.s1);
            }
            let (hazard, own, s0_next) =
                group_deaths(data, ties, g, s0, &self.risk, &self.eta, acc);
            self.hazard_step[g] = hazard;
            self.death_step[g] = own;
            s0 = s0_next;
        }
    }

    /// Counting data: for each row of the stratum, the cumulative hazard increments of the
    /// death times `<=` its start (subtracted in pass 3).
    fn entry_hazards(&mut self, data: &Prepared, groups: Range<usize>) {
        let Some(counting) = &data.counting else {
            return;
        };
        let rows = data.stratum_rows(&StratumSpan {
            groups: groups.clone(),
        });
        // the stratum's rows in ascending start order
        let mut pending = counting.by_start[rows].iter().rev().peekable();
        let mut cum = 0.0;
        for g in groups {
            let t = data.time[data.groups[g].start];
            while let Some(&&k) = pending.peek() {
                if counting.start[k] >= t {
                    break;
                }
                self.entry_hazard[k] = cum;
                pending.next();
            }
            cum += self.hazard_step[g];
        }
        for &k in pending {
            self.entry_hazard[k] = cum;
        }
    }
}

/// The deaths of tie group `g` given the sums `s0`, `acc.s1` of the other rows at risk: adds
/// their terms to `acc`, leaves the deaths in the sums; returns (hazard step, own step, new
/// `s0`).
fn group_deaths(
    data: &Prepared,
    ties: Ties,
    g: usize,
    s0: f64,
    risk: &[f64],
    eta: &[f64],
    acc: &mut Partial,
) -> (f64, f64, f64) {
    let group = data.groups[g];
    let nd = group.n_deaths();
    if nd == 0 {
        return (0.0, 0.0, s0);
    }
    let mut d0 = 0.0;
    let mut wd = 0.0;
    acc.d1.fill(0.0);
    for k in group.death_start..group.end {
        let x = data.row(k);
        let w = data.weight[k];
        let r = risk[k];
        acc.loglik += w * eta[k];
        axpy(w, x, &mut acc.score);
        d0 += r;
        wd += w;
        axpy(r, x, &mut acc.d1);
    }
    let (hazard, own) = acc.death_group(ties, nd, s0, d0, wd);
    (hazard, own, s0 + d0)
}

/// Right-censored data: one chunk's backward sweep, entering with the sums of the later
/// chunks of its stratum.
#[allow(clippy::too_many_arguments)]
fn chunk_backward_sweep(
    data: &Prepared,
    ties: Ties,
    chunk: &Chunk,
    risk: &[f64],
    eta: &[f64],
    hazard: &mut [f64],
    own: &mut [f64],
    part: &mut Partial,
) {
    let mut s0 = part.enter0;
    part.s1.copy_from_slice(&part.enter1);
    let first = chunk.groups.start;
    for g in chunk.groups.clone().rev() {
        let group = data.groups[g];
        let censored = group.start..group.death_start;
        for (k, &r) in censored.clone().zip(&risk[censored]) {
            s0 += r;
            axpy(r, data.row(k), &mut part.s1);
        }
        let (h, o, s0_next) = group_deaths(data, ties, g, s0, risk, eta, part);
        hazard[g - first] = h;
        own[g - first] = o;
        s0 = s0_next;
    }
    part.flush_means();
}

#[cfg(test)]
mod tests {
    use crate::{CoxPh, Design, Result, SurvivalData, Ties};

    /// Several chunks (n > 2 · CHUNK_ROWS) with ties, strata, weights and counting data: the
    /// fit is bit-identical for 1, 2 and 3 threads.
    #[test]
    fn fits_do_not_depend_on_the_thread_count() -> Result<()> {
        let n = 3 * super::CHUNK_ROWS + 123;
        let mut state: u64 = 7;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let time: Vec<f64> = (0..n).map(|_| (next() * 60.0).ceil()).collect();
        let status: Vec<f64> = (0..n).map(|_| f64::from(u8::from(next() < 0.7))).collect();
        let strata: Vec<usize> = (0..n).map(|i| i % 3).collect();
        let weights: Vec<f64> = (0..n).map(|_| 1.0 + (next() * 3.0).floor()).collect();
        let start: Vec<f64> = time.iter().map(|t| (t * next()).floor() - 1.0).collect();
        let x = Design::from_columns((0..6).map(|j| {
            let col: Vec<f64> = (0..n)
                .map(|_| {
                    if j < 3 {
                        next() - 0.5
                    } else {
                        f64::from(u8::from(next() < 0.2))
                    }
                })
                .collect();
            (format!("x{j}"), col)
        }))?;
        let plain = SurvivalData::from_status(time.clone(), &status)?;
        let stratified = plain.clone().with_strata(&strata)?.with_weights(weights)?;
        let counting = SurvivalData::counting(
            start,
            time.clone(),
            status.iter().map(|&s| s > 0.5).collect(),
        )?;
        for data in [&plain, &stratified, &counting] {
            for ties in [Ties::Efron, Ties::Breslow] {
                let fit = |threads| CoxPh::new().ties(ties).threads(threads).fit(data, &x);
                let one = fit(1)?;
                for threads in [2, 3] {
                    let other = fit(threads)?;
                    assert_eq!(one.loglik().to_bits(), other.loglik().to_bits());
                    let bits = |f: &crate::CoxFit| -> Vec<u64> {
                        f.coefficients()
                            .iter()
                            .chain(f.variance().iter())
                            .map(|v| v.to_bits())
                            .collect()
                    };
                    assert_eq!(bits(&one), bits(&other));
                    assert_eq!(
                        one.concordance().estimate().to_bits(),
                        other.concordance().estimate().to_bits()
                    );
                    assert_eq!(
                        one.concordance().std_error().to_bits(),
                        other.concordance().std_error().to_bits()
                    );
                }
            }
        }
        Ok(())
    }
}
