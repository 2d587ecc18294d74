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
//! No allocation happens inside a pass; the buffers live in [`RiskPass`].

use nalgebra::{DMatrix, DMatrixView};

use super::Ties;
use super::prepare::{Departures, Prepared, StratumSpan};
use crate::linalg::{axpy, dot};

/// Rows handled per blocked matrix product (keeps the block in cache).
const BLOCK_ROWS: usize = 512;

/// Reusable buffers for repeated evaluations on the same prepared data.
#[derive(Debug)]
pub(super) struct RiskPass {
    p: usize,
    risk: Vec<f64>,
    hazard_step: Vec<f64>,
    death_step: Vec<f64>,
    s1: Vec<f64>,
    d1: Vec<f64>,
    block: Vec<f64>,
    block_rows: usize,
    /// Counting data: cumulative hazard increments up to each sorted row's start time.
    entry_hazard: Vec<f64>,
    info: DMatrix<f64>,
    /// Score vector `U` of the last evaluation.
    pub score: Vec<f64>,
    /// Information matrix `I` of the last evaluation, row-major `p × p`.
    pub information: Vec<f64>,
}

impl RiskPass {
    /// Buffers sized for `data`.
    pub fn new(data: &Prepared) -> Self {
        let p = data.p;
        RiskPass {
            p,
            risk: vec![0.0; data.n],
            hazard_step: vec![0.0; data.groups.len()],
            death_step: vec![0.0; data.groups.len()],
            s1: vec![0.0; p],
            d1: vec![0.0; p],
            block: vec![0.0; BLOCK_ROWS * p],
            block_rows: 0,
            entry_hazard: if data.counting.is_some() {
                vec![0.0; data.n]
            } else {
                Vec::new()
            },
            info: DMatrix::zeros(p, p),
            score: vec![0.0; p],
            information: vec![0.0; p * p],
        }
    }

    /// Evaluates `ℓ(β)`, `U(β)` and `I(β)` (in the centred and scaled coordinates of `data`).
    /// `U` and `I` are left in [`RiskPass::score`] and [`RiskPass::information`].
    pub fn evaluate(&mut self, data: &Prepared, ties: Ties, beta: &[f64]) -> f64 {
        let p = self.p;
        self.info.fill(0.0);
        self.score.fill(0.0);
        let mut loglik = 0.0;

        for stratum in &data.strata {
            loglik += self.backward_sweep(data, ties, beta, stratum.groups.clone());
        }
        self.flush_means();
        for stratum in &data.strata {
            if data.counting.is_some() {
                self.entry_hazards(data, stratum.groups.clone());
            }
            self.forward_sweep(data, stratum.groups.clone());
        }
        self.weighted_squares(data);

        for i in 0..p {
            for j in 0..=i {
                let v = self.info[(i, j)];
                self.information[i * p + j] = v;
                self.information[j * p + i] = v;
            }
        }
        loglik
    }

    /// From the last time of a stratum down: risk scores `r = w·exp(η)`, risk-set sums, the
    /// terms of `ℓ` and `U`, the hazard increments, and the mean vectors (into the `Σ W m m'`
    /// product). One read of the covariates.
    fn backward_sweep(
        &mut self,
        data: &Prepared,
        ties: Ties,
        beta: &[f64],
        groups: std::ops::Range<usize>,
    ) -> f64 {
        let mut loglik = 0.0;
        let mut s0 = 0.0;
        self.s1.fill(0.0);
        let mut departures = Departures::new(data.stratum_rows(&StratumSpan {
            groups: groups.clone(),
        }));
        for g in groups.rev() {
            let group = data.groups[g];
            // counting data: first remove the rows whose start is at or after this time
            departures.advance(data, &group, |leaving| match leaving {
                None => {
                    s0 = 0.0;
                    self.s1.fill(0.0);
                }
                Some(k) => {
                    let r = self.risk[k];
                    s0 -= r;
                    axpy(-r, data.row(k), &mut self.s1);
                }
            });
            for k in group.start..group.death_start {
                let x = data.row(k);
                let r = data.weight[k] * (data.offset[k] + dot(x, beta)).exp();
                self.risk[k] = r;
                s0 += r;
                axpy(r, x, &mut self.s1);
            }
            let nd = group.n_deaths();
            if nd == 0 {
                self.hazard_step[g] = 0.0;
                self.death_step[g] = 0.0;
                continue;
            }
            let mut d0 = 0.0;
            let mut wd = 0.0;
            self.d1.fill(0.0);
            for k in group.death_start..group.end {
                let x = data.row(k);
                let w = data.weight[k];
                let eta = data.offset[k] + dot(x, beta);
                let r = w * eta.exp();
                self.risk[k] = r;
                loglik += w * eta;
                axpy(w, x, &mut self.score);
                d0 += r;
                wd += w;
                axpy(r, x, &mut self.d1);
            }
            if ties == Ties::Breslow || nd == 1 {
                s0 += d0;
                axpy(1.0, &self.d1, &mut self.s1);
                loglik -= wd * s0.ln();
                let step = wd / s0;
                for (u, s) in self.score.iter_mut().zip(&self.s1) {
                    *u -= step * s;
                }
                self.hazard_step[g] = step;
                self.death_step[g] = step;
                let root = wd.sqrt() / s0;
                self.push_mean(root, 0.0);
            } else {
                let wt = wd / nd as f64;
                // Σ_k wt·m_k m_k' with m_k = a_k·S1 + b_k·D1 is the quadratic form of the 2×2
                // Gram matrix G of (a_k, b_k); two rows L'(S1, D1) with G = LL' carry it.
                let (mut sum_a, mut sum_b) = (0.0, 0.0);
                let (mut g_aa, mut g_ab, mut g_bb) = (0.0, 0.0, 0.0);
                for k in 1..=nd {
                    let frac = k as f64 / nd as f64;
                    let den = s0 + frac * d0;
                    loglik -= wt * den.ln();
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
                self.hazard_step[g] = wt * sum_a;
                self.death_step[g] = wt * sum_b;
                s0 += d0;
                axpy(1.0, &self.d1, &mut self.s1);
            }
        }
        loglik
    }

    /// Appends the mean row `a·S1 + b·D1` (already scaled by √weight) to the block.
    fn push_mean(&mut self, a: f64, b: f64) {
        if self.block_rows == BLOCK_ROWS {
            self.flush_means();
        }
        let p = self.p;
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
        let p = self.p;
        let rows = &self.block[..m * p];
        let mt = DMatrixView::from_slice(rows, p, m);
        let mm = DMatrixView::from_slice_with_strides(rows, m, p, p, 1);
        self.info.gemm(-1.0, &mt, &mm, 1.0);
        self.block_rows = 0;
    }

    /// From the first time of a stratum up, turns each risk score `r_j` into
    /// `c_j = r_j · Σ hazard increments of the death times whose risk set holds j` (Efron: a
    /// tied death's own time counts with its partial weight).
    fn forward_sweep(&mut self, data: &Prepared, groups: std::ops::Range<usize>) {
        let mut cum = 0.0;
        let counting = data.counting.is_some();
        for g in groups {
            let group = data.groups[g];
            let after = cum + self.hazard_step[g];
            let own = cum + self.death_step[g];
            if counting {
                let entry = &self.entry_hazard;
                for (k, r) in (group.start..group.death_start)
                    .zip(&mut self.risk[group.start..group.death_start])
                {
                    *r *= after - entry[k];
                }
                for (k, r) in
                    (group.death_start..group.end).zip(&mut self.risk[group.death_start..group.end])
                {
                    *r *= own - entry[k];
                }
            } else {
                for r in &mut self.risk[group.start..group.death_start] {
                    *r *= after;
                }
                for r in &mut self.risk[group.death_start..group.end] {
                    *r *= own;
                }
            }
            cum = after;
        }
    }

    /// Counting data: for each row of the stratum, the cumulative hazard increments of the
    /// death times `<=` its start (subtracted in [`RiskPass::forward_sweep`]).
    fn entry_hazards(&mut self, data: &Prepared, groups: std::ops::Range<usize>) {
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

    /// `info += Σ_j c_j x_j x_j'`, one blocked matrix product per block of rows.
    fn weighted_squares(&mut self, data: &Prepared) {
        let p = self.p;
        let mut start = 0;
        while start < data.n {
            let end = (start + BLOCK_ROWS).min(data.n);
            let m = end - start;
            for (k, row) in (start..end).zip(self.block.chunks_exact_mut(p)) {
                let c = self.risk[k];
                for (r, x) in row.iter_mut().zip(data.row(k)) {
                    *r = c * x;
                }
            }
            let zt = DMatrixView::from_slice(&data.z[start * p..end * p], p, m);
            let b = DMatrixView::from_slice_with_strides(&self.block[..m * p], m, p, p, 1);
            self.info.gemm(1.0, &zt, &b, 1.0);
            start = end;
        }
    }
}
