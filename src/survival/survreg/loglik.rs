//! The log-likelihood of the location–scale model with its score and observed information in
//! the parameters `(β, log σ_1..σ_S)`, one pass over the rows (R's `survregc1`, right-censored
//! and exact observations).
//!
//! For row `i` with `z = (y − η)/σ`, `η = x'β + offset`:
//!
//! ```text
//! event:    g = log f(z) − log σ
//! censored: g = log S(z)
//! ℓ = Σ wᵢ gᵢ,   U_β = Σ wᵢ ∂g/∂η xᵢ,   U_logσ = Σ wᵢ ∂g/∂log σ
//! I = −∂²ℓ   (observed information),    J'J = Σ wᵢ ∇gᵢ ∇gᵢ'   (score outer products)
//! ```
//!
//! A density or survival that underflows to 0 gives `g = −200` with R's stand-in derivatives
//! (the loglik value then triggers backtracking). The information is accumulated in the lower
//! triangle and mirrored; `J'J` is only formed when asked for (R forms it on every pass but
//! uses it only when the information is not positive definite).

use super::dist::{Law, SMALL};

/// Row-wise data of one fit (log times already taken), borrowed by every pass.
#[derive(Debug, Clone)]
pub(super) struct Problem<'a> {
    pub(super) law: Law,
    /// Response `y` (log time for the log-time distributions).
    pub(super) y: &'a [f64],
    pub(super) event: &'a [bool],
    pub(super) weights: &'a [f64],
    pub(super) offset: &'a [f64],
    /// Covariates, row-major `n × nvar`.
    pub(super) x: &'a [f64],
    pub(super) nvar: usize,
    /// 0-based stratum of each row (all 0 without strata).
    pub(super) strata: &'a [usize],
    /// Number of estimated scales; 0 = fixed scale.
    pub(super) nstrat: usize,
    /// `log σ` when the scale is fixed.
    pub(super) fixed_log_scale: f64,
}

/// Per-row derivatives of `g` (see the module documentation).
#[derive(Debug, Clone, Copy)]
struct RowDerivs {
    g: f64,
    dg: f64,
    ddg: f64,
    dsig: f64,
    ddsig: f64,
    dsg: f64,
}

impl RowDerivs {
    /// survreg6's chain rule, shared by exact and censored rows: from the row's `g`, its
    /// first and second derivative terms in z (`temp`, already divided by σ; `temp2`, by σ²)
    /// and `sz = y − η`, the derivatives in η and log σ (an exact row's `dsig` is then
    /// shifted by −1, the derivative of −log σ).
    #[inline]
    fn chain(g: f64, temp: f64, temp2: f64, sz: f64) -> RowDerivs {
        let dg = -temp;
        let dsig = -temp * sz;
        let ddg = temp2 - dg * dg;
        let dsg = sz * temp2 - dg * (dsig + 1.0);
        let ddsig = sz * sz * temp2 - dsig * (1.0 + dsig);
        RowDerivs {
            g,
            dg,
            ddg,
            dsig,
            ddsig,
            dsg,
        }
    }
}

impl Problem<'_> {
    /// Number of parameters `nvar + nstrat`.
    pub(super) fn dim(&self) -> usize {
        self.nvar + self.nstrat
    }

    #[inline]
    fn sigma_of(&self, beta: &[f64], i: usize) -> f64 {
        if self.nstrat == 0 {
            self.fixed_log_scale.exp()
        } else if self.nstrat == 1 {
            beta[self.nvar].exp()
        } else {
            beta[self.nvar + self.strata[i]].exp()
        }
    }

    #[inline]
    fn eta(&self, beta: &[f64], i: usize) -> f64 {
        // R's order of operations: Σ β_j x_j from j = 0, then the offset
        let row = &self.x[i * self.nvar..(i + 1) * self.nvar];
        let mut eta = 0.0;
        for (b, x) in beta[..self.nvar].iter().zip(row) {
            eta += b * x;
        }
        eta + self.offset[i]
    }

    #[inline]
    fn row(&self, beta: &[f64], i: usize) -> RowDerivs {
        let sigma = self.sigma_of(beta, i);
        let sig2 = 1.0 / (sigma * sigma);
        let sz = self.y[i] - self.eta(beta, i);
        let z = sz / sigma;
        if self.event[i] {
            let (f, d1, d2) = self.law.exact(z);
            if f <= 0.0 {
                return RowDerivs {
                    g: SMALL,
                    dg: -z / sigma,
                    ddg: -1.0 / sigma,
                    dsig: 0.0,
                    ddsig: 0.0,
                    dsg: 0.0,
                };
            }
            let d = RowDerivs::chain(f.ln() - sigma.ln(), d1 / sigma, d2 * sig2, sz);
            RowDerivs {
                dsig: d.dsig - 1.0,
                ..d
            }
        } else {
            let (_, s, f, fp) = self.law.censored(z);
            if s <= 0.0 {
                return RowDerivs {
                    g: SMALL,
                    dg: z / sigma,
                    ddg: 0.0,
                    dsig: 0.0,
                    ddsig: 0.0,
                    dsg: 0.0,
                };
            }
            RowDerivs::chain(s.ln(), -f / (s * sigma), -fp * sig2 / s, sz)
        }
    }

    /// The log-likelihood alone (R's `whichcase = 1`; the tests check `evaluate` with it).
    #[cfg(test)]
    pub(super) fn loglik(&self, beta: &[f64]) -> f64 {
        (0..self.y.len())
            .map(|i| self.row(beta, i).g * self.weights[i])
            .sum()
    }

    /// Log-likelihood, score `u` and information `imat` (row-major `dim × dim`, symmetric).
    pub(super) fn evaluate(&self, beta: &[f64], u: &mut [f64], imat: &mut [f64]) -> f64 {
        let nvar = self.nvar;
        let k = self.dim();
        u.fill(0.0);
        imat.fill(0.0);
        let mut loglik = 0.0;
        for i in 0..self.y.len() {
            let d = self.row(beta, i);
            let w = self.weights[i];
            loglik += d.g * w;
            let row = &self.x[i * nvar..(i + 1) * nvar];
            // the lower triangle row by row: contiguous, so the inner loop vectorises
            let c = -d.ddg * w;
            let dw = d.dg * w;
            for (a, &xa) in row.iter().enumerate() {
                u[a] += dw * xa;
                let cx = c * xa;
                let target = &mut imat[a * k..a * k + a + 1];
                for (t, xb) in target.iter_mut().zip(&row[..=a]) {
                    *t += cx * xb;
                }
            }
            if self.nstrat > 0 {
                let s = nvar + if self.nstrat > 1 { self.strata[i] } else { 0 };
                u[s] += w * d.dsig;
                for a in 0..nvar {
                    imat[s * k + a] -= d.dsg * row[a] * w;
                }
                imat[s * k + s] -= d.ddsig * w;
            }
        }
        mirror(imat, k);
        loglik
    }

    /// `J'J = Σ wᵢ ∇gᵢ ∇gᵢ'` at `beta` (row-major, symmetric): R's fallback when the
    /// information is not positive definite.
    pub(super) fn outer_product(&self, beta: &[f64]) -> Vec<f64> {
        let nvar = self.nvar;
        let k = self.dim();
        let mut jj = vec![0.0; k * k];
        for i in 0..self.y.len() {
            let d = self.row(beta, i);
            let w = self.weights[i];
            let row = &self.x[i * nvar..(i + 1) * nvar];
            for a in 0..nvar {
                let t = d.dg * row[a] * w;
                for b in 0..=a {
                    jj[a * k + b] += t * row[b] * d.dg;
                }
            }
            if self.nstrat > 0 {
                let s = nvar + if self.nstrat > 1 { self.strata[i] } else { 0 };
                for a in 0..nvar {
                    jj[s * k + a] += d.dsig * row[a] * d.dg * w;
                }
                jj[s * k + s] += d.dsig * d.dsig * w;
            }
        }
        mirror(&mut jj, k);
        jj
    }
}

/// Copies the lower triangle of a row-major `k × k` matrix onto its upper triangle.
fn mirror(m: &mut [f64], k: usize) {
    for a in 0..k {
        for b in 0..a {
            m[b * k + a] = m[a * k + b];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_and_information_are_the_derivatives() {
        let y = [1.0, 1.5, 0.3, 2.2, 1.1, 0.9];
        let event = [true, false, true, true, false, true];
        let weights = [1.0, 2.0, 1.0, 0.5, 1.0, 1.0];
        let offset = [0.0, 0.1, 0.0, 0.0, -0.2, 0.0];
        let x = [1.0, 0.5, 1.0, -1.0, 1.0, 2.0, 1.0, 0.0, 1.0, 1.5, 1.0, -0.3];
        let strata = [0, 1, 0, 1, 1, 0];
        for law in [Law::Extreme, Law::Logistic, Law::Gaussian] {
            let p = Problem {
                law,
                y: &y,
                event: &event,
                weights: &weights,
                offset: &offset,
                x: &x,
                nvar: 2,
                strata: &strata,
                nstrat: 2,
                fixed_log_scale: 0.0,
            };
            let beta = [1.1, 0.2, -0.3, 0.1];
            let mut u = vec![0.0; 4];
            let mut imat = vec![0.0; 16];
            let l = p.evaluate(&beta, &mut u, &mut imat);
            assert!((l - p.loglik(&beta)).abs() < 1e-12);
            let h = 1e-6;
            for a in 0..4 {
                let mut bp = beta;
                bp[a] += h;
                let mut bm = beta;
                bm[a] -= h;
                let num = (p.loglik(&bp) - p.loglik(&bm)) / (2.0 * h);
                assert!((num - u[a]).abs() < 1e-6, "{law:?} score {a}");
                let mut up = vec![0.0; 4];
                let mut um = vec![0.0; 4];
                let mut scratch = vec![0.0; 16];
                p.evaluate(&bp, &mut up, &mut scratch);
                p.evaluate(&bm, &mut um, &mut scratch);
                for b in 0..4 {
                    let num = -(up[b] - um[b]) / (2.0 * h);
                    assert!((num - imat[a * 4 + b]).abs() < 1e-5, "{law:?} info {a},{b}");
                }
            }
            let jj = p.outer_product(&beta);
            assert!(jj[0] > 0.0 && (jj[1] - jj[4]).abs() < 1e-15);
        }
    }
}
