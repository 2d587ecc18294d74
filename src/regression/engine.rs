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
//! Cost per evaluation: one `O(n·k)` pass for η, π and ℓ, one `O(n·k²)` product for XᵀWX
//! (Xᵀ times the row-scaled copy WX, through nalgebra's `gemm`), and for τ > 0 one more
//! `O(n·k²)` product for the hat diagonal (`hᵢ = Wᵢ‖L⁻¹xᵢ‖²` from `X L⁻ᵀ`). The augmented
//! information costs one more product and is only built when a step needs it. All buffers
//! are allocated once, in [`Engine::new`].

#![allow(clippy::needless_range_loop)] // index loops over parallel per-row buffers

use nalgebra::{DMatrix, DMatrixView, DVector};

use super::linalg::{
    cholesky_in_place, cholesky_inverse, cholesky_inverse_factor_transposed, cholesky_log_det,
    cholesky_solve,
};
use crate::{Error, Result};

/// logistf's guard: a log determinant of XᵀWX below this is treated as singular.
pub(crate) const MIN_LOG_DET: f64 = -200.0;

/// The data of a binomial regression problem: design, 0/1 outcome, case weights, offsets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Problem<'a> {
    pub(crate) x: &'a DMatrix<f64>,
    pub(crate) y: &'a [f64],
    pub(crate) w: &'a [f64],
    pub(crate) offset: &'a [f64],
}

/// Evaluation state and preallocated buffers (see the module documentation).
#[derive(Debug, Clone)]
pub(crate) struct Engine<'a> {
    data: Problem<'a>,
    tau: f64,
    eta: DVector<f64>,
    pi: Vec<f64>,
    hat: Vec<f64>,
    resid: DVector<f64>,
    scaled: DMatrix<f64>,
    work_nk: DMatrix<f64>,
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
        let n = data.x.nrows();
        let k = data.x.ncols();
        Engine {
            data,
            tau,
            eta: DVector::zeros(n),
            pi: vec![0.0; n],
            hat: vec![0.0; n],
            resid: DVector::zeros(n),
            scaled: DMatrix::zeros(n, k),
            // only needed for the penalty (hat values, augmented information)
            work_nk: if tau > 0.0 {
                DMatrix::zeros(n, k)
            } else {
                DMatrix::zeros(0, 0)
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
            plain_steps: false,
        }
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
    pub(crate) fn evaluate(&mut self, beta: &DVector<f64>) -> Result<()> {
        let Problem { x, y, w, offset } = self.data;
        let n = x.nrows();
        self.aug_ready = false;
        self.eta.gemv(1.0, x, beta, 0.0);
        let mut loglik = 0.0;
        // sqrt of the working weights, stored temporarily in `resid`.
        for i in 0..n {
            let eta = self.eta[i] + offset[i];
            let e = (-eta.abs()).exp();
            let one_e = 1.0 + e;
            // ln(1 + e) rather than ln_1p(e): e ≤ 1, so the absolute error is below 1e-16
            // per row (what ℓ needs), and `ln` is about twice as fast.
            let l1p = one_e.ln();
            let inv = 1.0 / one_e;
            let (p, log_p, log_q) = if eta >= 0.0 {
                (inv, -l1p, -eta - l1p)
            } else {
                (e * inv, eta - l1p, -l1p)
            };
            let pq = e * inv * inv;
            self.pi[i] = p;
            loglik += w[i] * (y[i] * log_p + (1.0 - y[i]) * log_q);
            self.resid[i] = w[i] * pq;
        }
        self.loglik = loglik;
        scale_rows(x, self.resid.as_slice(), &mut self.scaled);
        weighted_cross(x, &self.scaled, &mut self.fisher);
        self.factor.copy_from(&self.fisher);
        if !cholesky_in_place(&mut self.factor) {
            return Err(Error::SingularMatrix {
                what: "the information matrix X'WX",
            });
        }
        self.log_det = cholesky_log_det(&self.factor);
        if self.tau > 0.0 {
            if self.log_det < MIN_LOG_DET {
                return Err(Error::SingularMatrix {
                    what: "the information matrix X'WX (log determinant below -200)",
                });
            }
            cholesky_inverse_factor_transposed(&self.factor, &mut self.inv_factor_t);
            // hᵢ = Wᵢ ‖L⁻¹xᵢ‖²
            self.work_nk.gemm(1.0, x, &self.inv_factor_t, 0.0);
            self.hat.fill(0.0);
            for col in self.work_nk.as_slice().chunks_exact(n.max(1)) {
                for (h, a) in self.hat.iter_mut().zip(col) {
                    *h += a * a;
                }
            }
            for (h, wi) in self.hat.iter_mut().zip(self.resid.iter()) {
                *h *= wi;
            }
        }
        let two_tau = 2.0 * self.tau;
        for i in 0..n {
            let p = self.pi[i];
            self.resid[i] = w[i] * (y[i] - p) + two_tau * self.hat[i] * (0.5 - p);
        }
        self.score.gemv_tr(1.0, x, &self.resid, 0.0);
        Ok(())
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

    /// Hat diagonal h (zeros when τ = 0) at the last evaluation.
    pub(crate) fn hat(&self) -> &[f64] {
        &self.hat
    }

    /// Steps use the plain information XᵀWX instead of
    /// the augmented A: same fixed points, one `O(n·k²)` product less per step.
    pub(crate) fn set_plain_steps(&mut self, plain: bool) {
        self.plain_steps = plain;
        self.aug_ready = false;
    }

    /// Builds the augmented information A (equal to XᵀWX when τ = 0).
    fn build_augmented(&mut self) {
        if self.aug_ready {
            return;
        }
        if self.tau > 0.0 && !self.plain_steps {
            let Problem { x, w, .. } = self.data;
            let two_tau = 2.0 * self.tau;
            for i in 0..self.pi.len() {
                let p = self.pi[i];
                self.resid[i] = (w[i] + two_tau * self.hat[i]) * p * (1.0 - p);
            }
            scale_rows(x, self.resid.as_slice(), &mut self.work_nk);
            weighted_cross(x, &self.work_nk, &mut self.aug);
            // restore the score residuals (resid is shared scratch)
            for i in 0..self.pi.len() {
                let p = self.pi[i];
                self.resid[i] = w[i] * (self.data.y[i] - p) + two_tau * self.hat[i] * (0.5 - p);
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
    pub(crate) fn direction(&mut self, free: &[bool], delta: &mut DVector<f64>) -> Result<()> {
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
        if !cholesky_in_place(&mut self.kwork) {
            return Err(Error::SingularMatrix {
                what: "the (augmented) information matrix",
            });
        }
        cholesky_solve(&self.kwork, delta);
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
    /// solution into `beta` and XᵀW₀X into `info`.
    ///
    /// # Errors
    /// [`Error::SingularMatrix`] if XᵀW₀X is not positive definite.
    pub(crate) fn glm_start_solve(
        &mut self,
        free: &[bool],
        beta: &mut DVector<f64>,
        info: &mut DMatrix<f64>,
    ) -> Result<()> {
        let Problem { x, y, w, offset } = self.data;
        for i in 0..y.len() {
            let mu = self.glm_start_mu(i);
            let v = mu * (1.0 - mu);
            let z = (mu / (1.0 - mu)).ln() - offset[i] + (y[i] - mu) / v;
            self.hat[i] = w[i] * v;
            self.resid[i] = w[i] * v * z;
        }
        scale_rows(x, &self.hat, &mut self.scaled);
        weighted_cross(x, &self.scaled, info);
        self.hat.fill(0.0);
        beta.gemv_tr(1.0, x, &self.resid, 0.0);
        self.kwork.copy_from(info);
        for j in 0..free.len() {
            if !free[j] {
                self.kwork.row_mut(j).fill(0.0);
                self.kwork.column_mut(j).fill(0.0);
                self.kwork[(j, j)] = 1.0;
                beta[j] = 0.0;
            }
        }
        if !cholesky_in_place(&mut self.kwork) {
            return Err(Error::SingularMatrix {
                what: "the weighted design X'WX at glm's starting values",
            });
        }
        cholesky_solve(&self.kwork, beta);
        Ok(())
    }

    /// `(XᵀWX)⁻¹` at the last evaluation, into `out`.
    pub(crate) fn fisher_inverse(&mut self, out: &mut DMatrix<f64>) {
        cholesky_inverse(&self.factor, &mut self.kwork, out);
    }
}

/// `out[i, j] = x[i, j] · s[i]`.
fn scale_rows(x: &DMatrix<f64>, s: &[f64], out: &mut DMatrix<f64>) {
    let n = x.nrows();
    if n == 0 {
        return;
    }
    for (src, dst) in x
        .as_slice()
        .chunks_exact(n)
        .zip(out.as_mut_slice().chunks_exact_mut(n))
    {
        for ((d, a), b) in dst.iter_mut().zip(src).zip(s) {
            *d = a * b;
        }
    }
}

/// `out = xᵀ b` with `b = diag(d)·x` (so the result is the symmetric `xᵀ diag(d) x`). For
/// more than 5 columns through a strided transposed view of `x`, so that nalgebra's `gemm`
/// dispatches to the blocked `matrixmultiply` kernel; for small `k` (where nalgebra would not
/// use it) as `k(k+1)/2` unrolled column dot products.
fn weighted_cross(x: &DMatrix<f64>, b: &DMatrix<f64>, out: &mut DMatrix<f64>) {
    let (n, k) = x.shape();
    if k > 5 && n > 5 {
        let xt = DMatrixView::from_slice_with_strides(x.as_slice(), k, n, n, 1);
        out.gemm(1.0, &xt, b, 0.0);
        return;
    }
    if n == 0 {
        out.fill(0.0);
        return;
    }
    let xc: Vec<&[f64]> = x.as_slice().chunks_exact(n).collect();
    let bc: Vec<&[f64]> = b.as_slice().chunks_exact(n).collect();
    for i in 0..k {
        for j in 0..=i {
            let d = dot(xc[i], bc[j]);
            out[(i, j)] = d;
            out[(j, i)] = d;
        }
    }
}

/// Dot product with four independent accumulators.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let mut ca = a.chunks_exact(4);
    let mut cb = b.chunks_exact(4);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for t in 0..4 {
            acc[t] += x[t] * y[t];
        }
    }
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// An owned copy of a problem's data (kept by fits for later profile and LR computations).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OwnedProblem {
    pub(crate) x: DMatrix<f64>,
    pub(crate) y: Vec<f64>,
    pub(crate) w: Vec<f64>,
    pub(crate) offset: Vec<f64>,
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
        let w = vec![1.0; 12];
        let off = vec![0.0; 12];
        let data = Problem {
            x: &x,
            y: &y,
            w: &w,
            offset: &off,
        };
        let mut e = Engine::new(data, 0.5);
        let beta = DVector::from_vec(vec![0.2, -0.4, 0.3]);
        e.evaluate(&beta)?;
        assert_relative_eq!(e.hat().iter().sum::<f64>(), 3.0, epsilon = 1e-12);
        let f0 = e.objective();
        let g = e.score().clone();
        for j in 0..3 {
            let mut b = beta.clone();
            b[j] += 1e-6;
            e.evaluate(&b)?;
            let fd = (e.objective() - f0) / 1e-6;
            assert_relative_eq!(fd, g[j], epsilon = 1e-4);
        }
        Ok(())
    }
}
