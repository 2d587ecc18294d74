//! One evaluation of the (penalized) binomial log-likelihood, its score and information.
//!
//! ```text
//! η = Xβ + offset,  π = expit(η),  W = diag(wᵢ πᵢ (1 − πᵢ))
//! ℓ(β)  = Σ wᵢ [yᵢ log πᵢ + (1 − yᵢ) log(1 − πᵢ)]
//! ℓ*(β) = ℓ(β) + τ log det(XᵀWX)                              (τ = 0: maximum likelihood)
//! hᵢ    = wᵢ πᵢ (1 − πᵢ) xᵢᵀ (XᵀWX)⁻¹ xᵢ                      (full design, Σ h = k)
//! U*    = Xᵀ [wᵢ (yᵢ − πᵢ) + 2τ hᵢ (½ − πᵢ)]
//! A     = Xᵀ diag((wᵢ + 2τ hᵢ) πᵢ (1 − πᵢ)) X                 (logistf's augmented information)
//! ```
//!
//! Cost per evaluation: two passes over X in blocks of [`BLOCK`] rows, so that each block of
//! X is read from memory once per pass and its row-scaled copy and products stay in cache
//! (the n×k design is larger than the L2 cache at n = 5000, k = 20). Pass 1: η, π, ℓ and the
//! weights of the block, then XᵀWX += X_bᵀ (W_b X_b), lower triangle only, by the crate's
//! column-major Gram kernel ([`crate::linalg::gram`]). Between the passes XᵀWX = LLᵀ is
//! factored. Pass 2 (τ > 0): the hat values `hᵢ = Wᵢ‖L⁻¹xᵢ‖²` of the block, the squared row
//! norms of `X_b L⁻ᵀ` formed without the product ([`triangular_row_norms`]), its score
//! residuals, and
//! U* += X_bᵀ r_b. ℓ takes one logarithm per 64 rows (the product of the `1 + e^{−|η|}`
//! factors, each in (1, 2], cannot overflow and has the same rounding error as the sum of
//! their logarithms). The augmented information costs one more pass and is only built when a
//! step needs it. All buffers are allocated once, in [`Engine::new`].
//!
//! Memory: the per-row state kept between the passes is what a later step reads, nothing
//! more: π always ([`Engine::fitted`]); the working weights only with the penalty (pass 2
//! and the augmented information need them); the hat values only for an engine whose steps
//! use the augmented information (not for [`Engine::plain`]). η and the score residuals live
//! in block-sized buffers. So an ML engine holds one n-row vector, a Firth engine three, a
//! plain Firth engine two (the design and the outcome are borrowed).

#![allow(clippy::needless_range_loop)] // index loops over parallel per-row buffers

use nalgebra::{DMatrix, DVector, DVectorView, DVectorViewMut};

use crate::linalg::gram::{Columns, add_lower_gram_columns, triangular_row_norms};
use crate::linalg::{
    cholesky_in_place, cholesky_inverse, cholesky_inverse_factor_transposed, cholesky_log_det,
    cholesky_solve,
};
use std::sync::Arc;

use super::outcome::{RowValues, Shared};
use crate::{Error, Result};

/// Rows per block of the passes over X (one block of X and its scaled copy — 2 × 256 × k
/// doubles — stay in the L1/L2 cache).
pub(crate) const BLOCK: usize = 256;

/// Rows per logarithm in the log-likelihood sum (see the module documentation).
const LOG_GROUP: usize = 64;

/// logistf's guard: a log determinant of XᵀWX below this is treated as singular.
pub(crate) const MIN_LOG_DET: f64 = -200.0;

/// The data of a binomial regression problem: design, 0/1 outcome, case weights, offsets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Problem<'a> {
    pub(crate) x: &'a DMatrix<f64>,
    pub(crate) y: &'a [f64],
    pub(crate) w: &'a RowValues,
    pub(crate) offset: &'a RowValues,
}

/// Evaluation state and preallocated buffers (see the module documentation).
#[derive(Debug, Clone)]
pub(crate) struct Engine<'a> {
    data: Problem<'a>,
    tau: f64,
    /// η of the current block.
    eta: DVector<f64>,
    /// π, every row.
    pi: Vec<f64>,
    /// Hat values: every row when the augmented information may be built (τ > 0, not
    /// plain), else the current block's.
    hat: Vec<f64>,
    /// Working weights `wᵢπᵢ(1 − πᵢ)`: every row when τ > 0, else the current block's.
    weight: Vec<f64>,
    /// Score residuals of the current block.
    resid: DVector<f64>,
    scaled: DMatrix<f64>,
    uniform_weight: Option<f64>,
    fisher: DMatrix<f64>,
    factor: DMatrix<f64>,
    inv_factor_t: DMatrix<f64>,
    aug: DMatrix<f64>,
    kwork: DMatrix<f64>,
    score: DVector<f64>,
    loglik: f64,
    log_det: f64,
    aug_ready: bool,
    plain_steps: bool,
}

impl<'a> Engine<'a> {
    /// Buffers for `data` with penalty strength `tau` (0 = plain likelihood).
    pub(crate) fn new(data: Problem<'a>, tau: f64) -> Self {
        Self::with_steps(data, tau, false)
    }

    /// An engine whose steps use the plain information XᵀWX instead of the augmented A
    /// (same fixed points, one `O(n·k²)` product less per step, and no n-row hat buffer).
    /// Also what the profile iterations use: they never build A.
    pub(crate) fn plain(data: Problem<'a>, tau: f64) -> Self {
        Self::with_steps(data, tau, true)
    }

    fn with_steps(data: Problem<'a>, tau: f64, plain_steps: bool) -> Self {
        let n = data.x.nrows();
        let k = data.x.ncols();
        let block = BLOCK.min(n);
        let penalized = tau > 0.0;
        Engine {
            data,
            tau,
            eta: DVector::zeros(block),
            pi: vec![0.0; n],
            hat: vec![0.0; if penalized && !plain_steps { n } else { block }],
            weight: vec![0.0; if penalized { n } else { block }],
            resid: DVector::zeros(block),
            scaled: DMatrix::zeros(BLOCK.min(n), k),
            uniform_weight: match data.w {
                RowValues::Constant(w0) if n > 0 => Some(*w0),
                RowValues::Constant(_) => None,
                RowValues::Given(w) => match w.first() {
                    Some(&w0) if w.iter().all(|&w| w.total_cmp(&w0).is_eq()) => Some(w0),
                    _ => None,
                },
            },
            fisher: DMatrix::zeros(k, k),
            factor: DMatrix::zeros(k, k),
            inv_factor_t: DMatrix::zeros(k, k),
            aug: DMatrix::zeros(k, k),
            kwork: DMatrix::zeros(k, k),
            score: DVector::zeros(k),
            loglik: f64::NAN,
            log_det: f64::NAN,
            aug_ready: false,
            plain_steps,
        }
    }

    /// The data this engine evaluates.
    pub(crate) fn problem(&self) -> Problem<'a> {
        self.data
    }

    /// Number of coefficients.
    pub(crate) fn ncoef(&self) -> usize {
        self.data.x.ncols()
    }

    /// Evaluates everything at `beta`.
    ///
    /// # Errors
    /// [`Error::SingularMatrix`] if XᵀWX is not positive definite, or (τ > 0) its log
    /// determinant is below −200 (logistf's guard).
    pub(crate) fn evaluate(&mut self, beta: &[f64]) -> Result<()> {
        let beta = DVectorView::from_slice(beta, beta.len());
        let x = self.data.x;
        let n = x.nrows();
        self.aug_ready = false;
        self.fisher.fill(0.0);
        let penalized = self.tau > 0.0;
        if !penalized {
            self.score.fill(0.0);
        }
        let mut loglik = 0.0;
        for start in (0..n).step_by(BLOCK) {
            let m = BLOCK.min(n - start);
            let xb = x.rows(start, m);
            let mut eta = self.eta.rows_mut(0, m);
            eta.gemv(1.0, &xb, &beta, 0.0);
            loglik += self.rows_pass(start, m);
            let wb = self.weight_offset(start);
            scale_rows(x, start, &self.weight[wb..wb + m], &mut self.scaled);
            cross_accumulate(x, start, m, &self.scaled, &mut self.fisher);
            if !penalized {
                let resid = self.resid.rows(0, m);
                self.score.gemv_tr(1.0, &xb, &resid, 1.0);
            }
        }
        complete_upper(&mut self.fisher);
        self.loglik = loglik;
        self.factor.copy_from(&self.fisher);
        let k = self.ncoef();
        if !cholesky_in_place(self.factor.as_mut_slice(), k, 0.0) {
            return Err(Error::SingularMatrix {
                what: "the information matrix X'WX",
            });
        }
        self.log_det = cholesky_log_det(self.factor.as_slice(), k);
        if penalized {
            if self.log_det < MIN_LOG_DET {
                return Err(Error::SingularMatrix {
                    what: "the information matrix X'WX (log determinant below -200)",
                });
            }
            cholesky_inverse_factor_transposed(
                self.factor.as_slice(),
                k,
                self.inv_factor_t.as_mut_slice(),
            );
            self.hat_pass();
        }
        Ok(())
    }

    /// Where row `start` of a block is in `weight`: the row itself when every row is kept,
    /// else 0 (the block's buffer).
    fn weight_offset(&self, start: usize) -> usize {
        if self.weight.len() == self.pi.len() {
            start
        } else {
            0
        }
    }

    /// η of the block (already in `self.eta`) → π, working weights `wᵢπᵢ(1 − πᵢ)` and
    /// (τ = 0) the score residuals `wᵢ(yᵢ − πᵢ)` of rows `start..start + m`; returns their ℓ
    /// contribution.
    fn rows_pass(&mut self, start: usize, m: usize) -> f64 {
        // one loop per representation of the weights and offsets (no branch per row)
        match (self.data.w, self.data.offset) {
            (RowValues::Given(w), RowValues::Given(o)) => {
                self.rows_pass_with(start, m, &w[..], &o[..])
            }
            (RowValues::Given(w), RowValues::Constant(o)) => {
                self.rows_pass_with(start, m, &w[..], Same(*o))
            }
            (RowValues::Constant(w), RowValues::Given(o)) => {
                self.rows_pass_with(start, m, Same(*w), &o[..])
            }
            (RowValues::Constant(w), RowValues::Constant(o)) => {
                self.rows_pass_with(start, m, Same(*w), Same(*o))
            }
        }
    }

    /// [`Engine::rows_pass`] with the weights and offsets read through `w` and `offset`.
    #[inline(always)]
    fn rows_pass_with(&mut self, start: usize, m: usize, w: impl RowAt, offset: impl RowAt) -> f64 {
        let y = self.data.y;
        let uniform = self.uniform_weight;
        let wb = self.weight_offset(start);
        let mut linear = 0.0;
        let mut log_terms = 0.0;
        let mut group_start = start;
        let end = start + m;
        while group_start < end {
            let group_end = (group_start + LOG_GROUP).min(end);
            let mut product = 1.0;
            for i in group_start..group_end {
                let eta = self.eta[i - start] + offset.at(i);
                let e = (-eta.abs()).exp();
                let one_e = 1.0 + e;
                let inv = 1.0 / one_e;
                // ℓᵢ = wᵢ (lin − ln(1 + e)), lin = yη if η < 0, −(1 − y)η otherwise
                let (p, lin) = if eta >= 0.0 {
                    (inv, -(1.0 - y[i]) * eta)
                } else {
                    (e * inv, y[i] * eta)
                };
                let pq = e * inv * inv;
                self.pi[i] = p;
                let wi = w.at(i);
                self.weight[wb + i - start] = wi * pq;
                self.resid[i - start] = wi * (y[i] - p);
                linear += wi * lin;
                if uniform.is_some() {
                    product *= one_e;
                } else {
                    // ln(1 + e) rather than ln_1p(e): e ≤ 1, so the absolute error is below
                    // 1e-16 per row, and `ln` is about twice as fast.
                    log_terms += wi * one_e.ln();
                }
            }
            if let Some(w0) = uniform {
                log_terms += w0 * product.ln();
            }
            group_start = group_end;
        }
        linear - log_terms
    }

    /// Pass 2 (τ > 0): hat values, score residuals and U* block by block.
    fn hat_pass(&mut self) {
        match self.data.w {
            RowValues::Given(w) => self.hat_pass_with(&w[..]),
            RowValues::Constant(w) => self.hat_pass_with(Same(*w)),
        }
    }

    /// [`Engine::hat_pass`] with the weights read through `w`.
    #[inline(always)]
    fn hat_pass_with(&mut self, w: impl RowAt) {
        let Problem { x, y, .. } = self.data;
        let n = x.nrows();
        let two_tau = 2.0 * self.tau;
        self.score.fill(0.0);
        for start in (0..n).step_by(BLOCK) {
            let m = BLOCK.min(n - start);
            let xb = x.rows(start, m);
            let hb = if self.hat.len() == n { start } else { 0 };
            let hat = &mut self.hat[hb..hb + m];
            let columns = Columns {
                data: &x.as_slice()[start..],
                stride: n,
            };
            let k = self.inv_factor_t.ncols();
            triangular_row_norms(&columns, self.inv_factor_t.as_slice(), k, m, hat);
            for (offset, h) in hat.iter_mut().enumerate() {
                let i = start + offset;
                *h *= self.weight[i];
                let p = self.pi[i];
                self.resid[offset] = w.at(i) * (y[i] - p) + two_tau * *h * (0.5 - p);
            }
            let resid = self.resid.rows(0, m);
            self.score.gemv_tr(1.0, &xb, &resid, 1.0);
        }
    }

    /// Unpenalized log-likelihood ℓ at the last evaluation.
    pub(crate) fn loglik(&self) -> f64 {
        self.loglik
    }

    /// Penalized log-likelihood ℓ* = ℓ + τ log det at the last evaluation.
    pub(crate) fn objective(&self) -> f64 {
        if self.tau > 0.0 {
            self.loglik + self.tau * self.log_det
        } else {
            self.loglik
        }
    }

    /// Modified score U* at the last evaluation.
    pub(crate) fn score(&self) -> &DVector<f64> {
        &self.score
    }

    /// Fitted probabilities π at the last evaluation.
    pub(crate) fn fitted(&self) -> &[f64] {
        &self.pi
    }

    /// Hat diagonal h at the last evaluation: every row for a penalized engine made by
    /// [`Engine::new`]; otherwise only a block's scratch (not meaningful).
    pub(crate) fn hat(&self) -> &[f64] {
        &self.hat
    }

    /// Builds the augmented information A (equal to XᵀWX when τ = 0).
    fn build_augmented(&mut self) {
        if self.aug_ready {
            return;
        }
        if self.tau > 0.0 && !self.plain_steps {
            let Problem { x, w, .. } = self.data;
            let two_tau = 2.0 * self.tau;
            // the augmented weights, in `weight` (restored below: the working weights are
            // needed by later calls)
            for i in 0..self.pi.len() {
                let p = self.pi[i];
                self.weight[i] = (w[i] + two_tau * self.hat[i]) * p * (1.0 - p);
            }
            weighted_gram(x, &self.weight, &mut self.scaled, &mut self.aug);
            for i in 0..self.pi.len() {
                let p = self.pi[i];
                self.weight[i] = w[i] * p * (1.0 - p);
            }
        } else {
            self.aug.copy_from(&self.fisher);
        }
        self.aug_ready = true;
    }

    /// Newton direction `δ_S = A_SS⁻¹ U*_S` on the free columns `S` (δ = 0 elsewhere),
    /// written into `delta`.
    ///
    /// # Errors
    /// [`Error::SingularMatrix`] if `A_SS` is not positive definite.
    pub(crate) fn direction(&mut self, free: &[bool], delta: &mut [f64]) -> Result<()> {
        self.build_augmented();
        let k = self.ncoef();
        self.kwork.copy_from(&self.aug);
        for j in 0..k {
            if !free[j] {
                self.kwork.row_mut(j).fill(0.0);
                self.kwork.column_mut(j).fill(0.0);
                self.kwork[(j, j)] = 1.0;
            }
            delta[j] = if free[j] { self.score[j] } else { 0.0 };
        }
        if !cholesky_in_place(self.kwork.as_mut_slice(), k, 0.0) {
            return Err(Error::SingularMatrix {
                what: "the (augmented) information matrix",
            });
        }
        cholesky_solve(self.kwork.as_slice(), delta);
        Ok(())
    }

    /// The information matrix used by the last [`Engine::direction`] call (augmented A, or
    /// XᵀWX when τ = 0 or with plain steps).
    pub(crate) fn augmented(&self) -> &DMatrix<f64> {
        &self.aug
    }

    /// glm's starting fitted values `μ₀ = (w·y + ½)/(w + 1)`, row `i`.
    fn glm_start_mu(&self, i: usize) -> f64 {
        let Problem { y, w, .. } = self.data;
        (w[i] * y[i] + 0.5) / (w[i] + 1.0)
    }

    /// Binomial deviance at glm's starting values `μ₀`.
    pub(crate) fn glm_start_deviance(&self) -> f64 {
        let Problem { y, w, .. } = self.data;
        -2.0 * (0..y.len())
            .map(|i| {
                let mu = self.glm_start_mu(i);
                w[i] * (y[i] * mu.ln() + (1.0 - y[i]) * (1.0 - mu).ln())
            })
            .sum::<f64>()
    }

    /// glm's first iteration: weighted least squares of the working response
    /// `z = logit μ₀ − offset + (y − μ₀)/(μ₀(1 − μ₀))` on X with weights `w μ₀ (1 − μ₀)`.
    /// Only the `free` columns are fitted (the others are 0, as if dropped from X). Writes the
    /// solution into `beta` and XᵀW₀X into `info`. The π buffer holds the weights, then
    /// `w μ₀ (1 − μ₀) z` (π is only meaningful after [`Engine::evaluate`]).
    ///
    /// # Errors
    /// [`Error::SingularMatrix`] if XᵀW₀X is not positive definite.
    pub(crate) fn glm_start_solve(
        &mut self,
        free: &[bool],
        beta: &mut [f64],
        info: &mut DMatrix<f64>,
    ) -> Result<()> {
        let Problem { x, y, w, offset } = self.data;
        for i in 0..y.len() {
            let mu = self.glm_start_mu(i);
            self.pi[i] = w[i] * (mu * (1.0 - mu));
        }
        weighted_gram(x, &self.pi, &mut self.scaled, info);
        for i in 0..y.len() {
            let mu = self.glm_start_mu(i);
            let v = mu * (1.0 - mu);
            let z = (mu / (1.0 - mu)).ln() - offset[i] + (y[i] - mu) / v;
            self.pi[i] = w[i] * v * z;
        }
        let rhs = DVectorView::from_slice(&self.pi, self.pi.len());
        DVectorViewMut::from_slice(beta, free.len()).gemv_tr(1.0, x, &rhs, 0.0);
        self.kwork.copy_from(info);
        for j in 0..free.len() {
            if !free[j] {
                self.kwork.row_mut(j).fill(0.0);
                self.kwork.column_mut(j).fill(0.0);
                self.kwork[(j, j)] = 1.0;
                beta[j] = 0.0;
            }
        }
        if !cholesky_in_place(self.kwork.as_mut_slice(), free.len(), 0.0) {
            return Err(Error::SingularMatrix {
                what: "the weighted design X'WX at glm's starting values",
            });
        }
        cholesky_solve(self.kwork.as_slice(), beta);
        Ok(())
    }

    /// `(XᵀWX)⁻¹` at the last evaluation, into `out`.
    pub(crate) fn fisher_inverse(&mut self, out: &mut DMatrix<f64>) {
        cholesky_inverse(
            self.factor.as_slice(),
            self.ncoef(),
            self.kwork.as_mut_slice(),
            out.as_mut_slice(),
        );
    }
}

/// Row access of the hot loops, monomorphized per representation of [`RowValues`].
trait RowAt: Copy {
    fn at(self, i: usize) -> f64;
}

impl RowAt for &[f64] {
    #[inline(always)]
    fn at(self, i: usize) -> f64 {
        self[i]
    }
}

/// Every row has this value.
#[derive(Clone, Copy)]
struct Same(f64);

impl RowAt for Same {
    #[inline(always)]
    fn at(self, _: usize) -> f64 {
        self.0
    }
}

/// `buf[0..m, j] = x[start..start + m, j] · s` for every column `j` (`m = s.len()`).
fn scale_rows(x: &DMatrix<f64>, start: usize, s: &[f64], buf: &mut DMatrix<f64>) {
    let n = x.nrows();
    let stride = buf.nrows();
    let m = s.len();
    if m == 0 {
        return;
    }
    for (src, dst) in x
        .as_slice()
        .chunks_exact(n)
        .zip(buf.as_mut_slice().chunks_exact_mut(stride))
    {
        for ((d, a), b) in dst[..m].iter_mut().zip(&src[start..start + m]).zip(s) {
            *d = a * b;
        }
    }
}

/// `out = Xᵀ diag(d) X`, block by block, with `buf` (at least `min(BLOCK, n)` × k) as
/// scratch for the scaled rows.
fn weighted_gram(x: &DMatrix<f64>, d: &[f64], buf: &mut DMatrix<f64>, out: &mut DMatrix<f64>) {
    let n = x.nrows();
    out.fill(0.0);
    for start in (0..n).step_by(BLOCK) {
        let m = BLOCK.min(n - start);
        scale_rows(x, start, &d[start..start + m], buf);
        cross_accumulate(x, start, m, buf, out);
    }
    complete_upper(out);
}

/// `out += X_bᵀ B` (lower triangle) for the block of rows `start..start + m` of `x`, where
/// the first `m` rows of `b` hold `diag(d_b)·X_b` (so the product is symmetric), through the
/// crate's column-major Gram kernel ([`add_lower_gram_columns`]); the caller calls
/// [`complete_upper`] after the last block.
fn cross_accumulate(
    x: &DMatrix<f64>,
    start: usize,
    m: usize,
    b: &DMatrix<f64>,
    out: &mut DMatrix<f64>,
) {
    let (n, k) = x.shape();
    if m == 0 {
        return;
    }
    let columns = Columns {
        data: &x.as_slice()[start..],
        stride: n,
    };
    let scaled = Columns {
        data: b.as_slice(),
        stride: b.nrows(),
    };
    add_lower_gram_columns(&columns, &scaled, m, k, out.as_mut_slice(), k);
}

/// After the blocks of [`cross_accumulate`]: fills the strict upper triangle from its mirror
/// image below.
fn complete_upper(out: &mut DMatrix<f64>) {
    let k = out.ncols();
    for j in 1..k {
        for i in 0..j {
            out[(i, j)] = out[(j, i)];
        }
    }
}

/// A problem's data kept by fits for later profile and LR computations: shared with the
/// design and the outcome it came from where nothing changed (no copy), owned otherwise.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OwnedProblem {
    pub(crate) x: Arc<DMatrix<f64>>,
    pub(crate) y: Shared,
    pub(crate) w: RowValues,
    pub(crate) offset: RowValues,
}

impl OwnedProblem {
    /// A borrowed view for an [`Engine`].
    pub(crate) fn view(&self) -> Problem<'_> {
        Problem {
            x: &self.x,
            y: &self.y,
            w: &self.w,
            offset: &self.offset,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn hat_values_sum_to_k_and_score_is_finite_difference_gradient() -> Result<()> {
        let x = DMatrix::from_fn(12, 3, |i, j| match j {
            0 => 1.0,
            1 => (i as f64 * 0.37).sin(),
            _ => (i % 3) as f64,
        });
        let y: Vec<f64> = (0..12).map(|i| ((i * 7) % 3 == 0) as u8 as f64).collect();
        let w = RowValues::Given(Arc::new(vec![1.0; 12]));
        let off = RowValues::Constant(0.0);
        let data = Problem {
            x: &x,
            y: &y,
            w: &w,
            offset: &off,
        };
        let mut e = Engine::new(data, 0.5);
        let beta = DVector::from_vec(vec![0.2, -0.4, 0.3]);
        e.evaluate(beta.as_slice())?;
        assert_relative_eq!(e.hat().iter().sum::<f64>(), 3.0, epsilon = 1e-12);
        let f0 = e.objective();
        let g = e.score().clone();
        for j in 0..3 {
            let mut b = beta.clone();
            b[j] += 1e-6;
            e.evaluate(b.as_slice())?;
            let fd = (e.objective() - f0) / 1e-6;
            assert_relative_eq!(fd, g[j], epsilon = 1e-4);
        }
        Ok(())
    }
}
