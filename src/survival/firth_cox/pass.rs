//! One evaluation of the Firth-penalized Breslow partial likelihood on the standardized
//! scale (algorithms.md §7): `ℓ`, `U`, `I`, `log det I` and the penalized score.
//!
//! ```text
//! ℓ*(β) = ℓ(β) + ½ log det I(β)
//! U*_j  = U_j + ½ tr(I⁻¹ ∂I/∂β_j)
//! ∂I/∂β_j = Σ_t W_t E_t[(z - m_t)(z - m_t)'(z_j - m_tj)]     (third central risk-set moment)
//! ```
//!
//! coxphf accumulates the third moments `S3 = Σ r z z' z_j` in O(n·p³) per evaluation. The
//! trace only needs `A = I⁻¹` contracted with them, which reduces to per-row scalars:
//!
//! ```text
//! tr(A ∂I/∂β_j) = Σ_i r_i [ q_i (z_ij H_i - M_ij) - 2 z_ij z_i'A M_i ] + 2 Σ_t W_t (m_t'A m_t) m_tj
//! q_i = z_i'A z_i,  H_i = Σ_{t ≤ t_i} W_t / S0_t,  M_i = Σ_{t ≤ t_i} W_t m_t / S0_t
//! ```
//!
//! (sums over the death times of row i's stratum whose risk set holds row i). So one
//! evaluation is a backward sweep (S0, S1, ℓ, U, risk-set means; O(n·p)), a forward sweep for
//! `I = Σ_i r_i H_i z_i z_i' - Σ_t W_t m_t m_t'` (O(n·p²)), a Cholesky factorisation and a
//! second forward sweep for the penalty gradient (O(n·p²)): O(n·p²) in all, the same
//! numbers as the O(n·p³) form. The matrices are `p × p` column-major (the crate's
//! [`crate::linalg`] order; `I` and `I⁻¹` are exactly symmetric). All buffers live in [`Pass`]; nothing is allocated per
//! evaluation.

use super::prepare::Prepared;
use crate::linalg::{
    axpy, cholesky_in_place, cholesky_inverse, cholesky_log_det, dot, max_diagonal, sym_mat_vec,
};

/// Result of one evaluation.
#[derive(Debug, Clone, Copy)]
pub(super) struct Evaluation {
    /// Penalized log-likelihood `ℓ + ½ log det I` on the standardized scale; `-∞` when `I` is
    /// not positive definite.
    pub penalized: f64,
    /// `true` if `I` was positive definite and everything is finite.
    pub ok: bool,
}

/// Reusable buffers for repeated evaluations on the same prepared data.
#[derive(Debug)]
pub(super) struct Pass {
    p: usize,
    risk: Vec<f64>,
    /// Per tie group: total death weight `W_t` (0 without deaths) and `S0_t`.
    death_weight: Vec<f64>,
    death_s0: Vec<f64>,
    /// Per tie group: risk-set mean `m_t` (row-major groups × p).
    death_mean: Vec<f64>,
    s1: Vec<f64>,
    cum_mean: Vec<f64>,
    cum_a_mean: Vec<f64>,
    a_mean: Vec<f64>,
    a_row: Vec<f64>,
    /// Unpenalized score `U`.
    pub score: Vec<f64>,
    /// Penalized score `U*`.
    pub penalized_score: Vec<f64>,
    /// Information `I` (`p × p`, exactly symmetric).
    pub information: Vec<f64>,
    /// `I⁻¹` (`p × p`, exactly symmetric); valid when the evaluation is `ok`.
    pub inverse: Vec<f64>,
    chol: Vec<f64>,
    work: Vec<f64>,
    /// Unpenalized log-likelihood of the last evaluation.
    pub loglik: f64,
}

impl Pass {
    /// Buffers sized for `data`.
    pub fn new(data: &Prepared) -> Self {
        let p = data.p;
        let g = data.groups.len();
        Pass {
            p,
            risk: vec![0.0; data.n],
            death_weight: vec![0.0; g],
            death_s0: vec![0.0; g],
            death_mean: vec![0.0; g * p],
            s1: vec![0.0; p],
            cum_mean: vec![0.0; p],
            cum_a_mean: vec![0.0; p],
            a_mean: vec![0.0; p],
            a_row: vec![0.0; p],
            score: vec![0.0; p],
            penalized_score: vec![0.0; p],
            information: vec![0.0; p * p],
            inverse: vec![0.0; p * p],
            chol: vec![0.0; p * p],
            work: vec![0.0; p * p],
            loglik: 0.0,
        }
    }

    /// Evaluates at `beta` (standardized scale).
    pub fn evaluate(&mut self, data: &Prepared, beta: &[f64]) -> Evaluation {
        let p = self.p;
        self.score.fill(0.0);
        self.information.fill(0.0);
        let mut loglik = 0.0;
        for k in 0..data.n {
            let x = data.row(k);
            let eta = data.offset[k] + dot(x, beta);
            self.risk[k] = data.weight[k] * eta.exp();
            if data.event[k] {
                let w = data.weight[k];
                loglik += w * eta;
                axpy(w, x, &mut self.score);
            }
        }
        for span in &data.strata {
            loglik += self.backward(data, span.clone());
        }
        for span in &data.strata {
            self.information_sweep(data, span.clone());
        }
        for g in 0..data.groups.len() {
            let w = self.death_weight[g];
            if w > 0.0 {
                let m = &self.death_mean[g * p..(g + 1) * p];
                for i in 0..p {
                    for j in 0..=i {
                        self.information[i * p + j] -= w * m[i] * m[j];
                    }
                }
            }
        }
        for i in 0..p {
            for j in 0..i {
                self.information[j * p + i] = self.information[i * p + j];
            }
        }
        self.loglik = loglik;

        self.chol.copy_from_slice(&self.information);
        // a pivot must exceed 1e-13 of the largest diagonal of I
        let min_pivot = max_diagonal(&self.information, p) * 1e-13;
        if !cholesky_in_place(&mut self.chol, p, min_pivot) {
            self.penalized_score.copy_from_slice(&self.score);
            return Evaluation {
                penalized: f64::NEG_INFINITY,
                ok: false,
            };
        }
        let log_det = cholesky_log_det(&self.chol, p);
        cholesky_inverse(&self.chol, p, &mut self.work, &mut self.inverse);
        self.penalized_score.fill(0.0);
        for span in &data.strata {
            self.penalty_sweep(data, span.clone());
        }
        for (u, s) in self.penalized_score.iter_mut().zip(&self.score) {
            *u = s + 0.5 * *u;
        }
        let penalized = loglik + 0.5 * log_det;
        let ok = penalized.is_finite() && self.penalized_score.iter().all(|u| u.is_finite());
        Evaluation { penalized, ok }
    }

    /// Backward sweep of one stratum: risk-set sums, `ℓ` and `U` death terms, the death
    /// weight, `S0` and mean of each death time.
    fn backward(&mut self, data: &Prepared, span: std::ops::Range<usize>) -> f64 {
        let p = self.p;
        let mut loglik = 0.0;
        let mut s0 = 0.0;
        self.s1.fill(0.0);
        for g in span.rev() {
            let group = data.groups[g];
            for k in group.start()..group.end() {
                s0 += self.risk[k];
                axpy(self.risk[k], data.row(k), &mut self.s1);
            }
            let w: f64 = (group.death_start()..group.end())
                .map(|k| data.weight[k])
                .sum();
            self.death_weight[g] = w;
            self.death_s0[g] = s0;
            if w > 0.0 {
                loglik -= w * s0.ln();
                let mean = &mut self.death_mean[g * p..(g + 1) * p];
                for (m, s) in mean.iter_mut().zip(&self.s1) {
                    *m = s / s0;
                }
                axpy(-w, mean, &mut self.score);
            }
        }
        loglik
    }

    /// Forward sweep of one stratum: `I += Σ_i r_i H_i z_i z_i'` (lower triangle).
    fn information_sweep(&mut self, data: &Prepared, span: std::ops::Range<usize>) {
        let p = self.p;
        let mut hazard = 0.0;
        for g in span {
            let group = data.groups[g];
            if self.death_weight[g] > 0.0 {
                hazard += self.death_weight[g] / self.death_s0[g];
            }
            for k in group.start()..group.end() {
                let c = self.risk[k] * hazard;
                let x = data.row(k);
                for i in 0..p {
                    let ci = c * x[i];
                    let row = &mut self.information[i * p..i * p + i + 1];
                    for (v, xj) in row.iter_mut().zip(x) {
                        *v += ci * xj;
                    }
                }
            }
        }
    }

    /// Forward sweep of one stratum accumulating `tr(I⁻¹ ∂I/∂β_j)` into `penalized_score`.
    fn penalty_sweep(&mut self, data: &Prepared, span: std::ops::Range<usize>) {
        let p = self.p;
        let mut hazard = 0.0;
        self.cum_mean.fill(0.0);
        self.cum_a_mean.fill(0.0);
        for g in span {
            let group = data.groups[g];
            let w = self.death_weight[g];
            if w > 0.0 {
                let m = &self.death_mean[g * p..(g + 1) * p];
                sym_mat_vec(&self.inverse, m, &mut self.a_mean);
                let mam = dot(m, &self.a_mean);
                let step = w / self.death_s0[g];
                hazard += step;
                axpy(step, m, &mut self.cum_mean);
                axpy(step, &self.a_mean, &mut self.cum_a_mean);
                axpy(2.0 * w * mam, m, &mut self.penalized_score);
            }
            for k in group.start()..group.end() {
                let x = data.row(k);
                sym_mat_vec(&self.inverse, x, &mut self.a_row);
                let q = dot(x, &self.a_row);
                let x_am = dot(x, &self.cum_a_mean);
                let r = self.risk[k];
                for ((u, xj), mj) in self.penalized_score.iter_mut().zip(x).zip(&self.cum_mean) {
                    *u += r * (q * (xj * hazard - mj) - 2.0 * xj * x_am);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Design, Result, SurvivalData};

    fn toy() -> Result<Prepared> {
        let data = SurvivalData::from_status(
            vec![9.0, 1.0, 1.0, 6.0, 6.0, 8.0, 3.0, 4.0],
            &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0],
        )?;
        let x = Design::from_columns([
            ("a", vec![0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0]),
            ("b", vec![0.5, -1.0, 2.0, 0.3, 1.1, -0.7, 0.0, 1.5]),
        ])?;
        Prepared::new(&data, &x, true)
    }

    /// The penalized score equals the numerical gradient of ℓ*, and `I` the numerical
    /// Hessian of -ℓ.
    #[test]
    fn derivatives_match_finite_differences() -> Result<()> {
        let data = toy()?;
        let mut pass = Pass::new(&data);
        let beta = [0.4, -0.3];
        let e = pass.evaluate(&data, &beta);
        assert!(e.ok);
        let score = pass.penalized_score.clone();
        let info = pass.information.clone();
        let h = 1e-5;
        for j in 0..2 {
            let mut up = beta;
            up[j] += h;
            let mut down = beta;
            down[j] -= h;
            let fu = pass.evaluate(&data, &up);
            let gu = pass.score.clone();
            let fd = pass.evaluate(&data, &down);
            let gd = pass.score.clone();
            let numeric = (fu.penalized - fd.penalized) / (2.0 * h);
            assert!(
                (numeric - score[j]).abs() < 1e-8,
                "{numeric} vs {}",
                score[j]
            );
            for i in 0..2 {
                let hess = -(gu[i] - gd[i]) / (2.0 * h);
                assert!((hess - info[i * 2 + j]).abs() < 1e-8);
            }
        }
        Ok(())
    }
}
