//! coxphf's iteration for the Firth-penalized Cox model (algorithms.md §7), on the
//! standardized scale, optionally with some coefficients held fixed (restricted fits for the
//! penalized likelihood-ratio tests and the profile likelihood).
//!
//! ```text
//! β = start; evaluate ℓ*, U*, I
//! repeat (iter = 1, 2, …, max_iter):
//!     β_old = β;  ℓ_old = ℓ*
//!     δ = (I_ff)⁻¹ U*_f  over the free coefficients f      (unpenalized information)
//!     δ_j = sign(δ_j) · min(|δ_j|, max_step);  β_f += δ
//!     evaluate; if iter > 1: while ℓ* <= ℓ_old and halvings <= max_halving: β = (β + β_old)/2
//!     (restricted fits: while ℓ* < ℓ_old - 1e-12·|ℓ_old|, i.e. not on rounding noise)
//!     converged when max|β - β_old| <= xconv and max_f |U*_f| <= gconv
//! ```
//!
//! With every coefficient free this is coxphf's FIRTHCOX loop step for step (so iteration
//! counts agree), including its halving loop, which allows `max_halving + 1` halvings. For
//! restricted fits coxphf multiplies the masked score by the *full* `I⁻¹`; the exact Newton
//! step on the free block used here converges to the same restricted maximum in fewer
//! iterations.

use super::pass::Pass;
use super::prepare::Prepared;
use crate::StopReason;
use crate::linalg::{cholesky_in_place, cholesky_solve, dot};

/// Iteration controls (coxphf's `maxit`, `maxstep`, `maxhs`, `epsilon`, `gconv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Controls {
    pub max_iter: usize,
    pub max_step: f64,
    pub max_halving: usize,
    pub xconv: f64,
    pub gconv: f64,
    /// A step is halved only if ℓ* falls by more than `halving_noise · |ℓ*|`. coxphf halves
    /// on any decrease (0, used for the main fit, so that its path and iteration count are
    /// coxphf's); restricted fits near the maximum would otherwise halve on rounding noise.
    pub halving_noise: f64,
}

/// Outcome of one (possibly restricted) fit, standardized scale. The pass buffers hold the
/// last evaluation, at `beta`.
#[derive(Debug, Clone)]
pub(super) struct Outcome {
    pub beta: Vec<f64>,
    pub penalized: f64,
    pub start_penalized: f64,
    pub iterations: usize,
    pub reason: StopReason,
}

/// Workspace for the free-block Newton solve.
#[derive(Debug)]
pub(super) struct Solver {
    pub pass: Pass,
    sub: Vec<f64>,
    rhs: Vec<f64>,
    old: Vec<f64>,
    free_idx: Vec<usize>,
}

impl Solver {
    /// A solver for `data`.
    pub fn new(data: &Prepared) -> Self {
        let p = data.p;
        Solver {
            pass: Pass::new(data),
            sub: vec![0.0; p * p],
            rhs: vec![0.0; p],
            old: vec![0.0; p],
            free_idx: Vec::with_capacity(p),
        }
    }

    /// Runs the iteration from `start`; coefficients with `free[j] == false` stay at their
    /// start value.
    pub fn run(&mut self, data: &Prepared, start: &[f64], free: &[bool], ctl: Controls) -> Outcome {
        self.free_idx.clear();
        self.free_idx.extend((0..data.p).filter(|&j| free[j]));
        let mut beta = start.to_vec();
        let mut eval = self.pass.evaluate(data, &beta);
        let start_penalized = eval.penalized;
        if !eval.ok {
            return Outcome {
                beta,
                penalized: eval.penalized,
                start_penalized,
                iterations: 0,
                reason: StopReason::NonFinite,
            };
        }
        if self.free_idx.is_empty() {
            return Outcome {
                beta,
                penalized: eval.penalized,
                start_penalized,
                iterations: 0,
                reason: StopReason::Converged,
            };
        }
        let mut iter = 0;
        let mut converged = false;
        let mut reason = StopReason::MaxIterations;
        while !converged && iter < ctl.max_iter {
            iter += 1;
            self.old.copy_from_slice(&beta);
            let old_penalized = eval.penalized;
            let threshold = old_penalized - ctl.halving_noise * old_penalized.abs();
            if !self.newton_step(&mut beta, ctl.max_step) {
                reason = StopReason::NonFinite;
                break;
            }
            eval = self.pass.evaluate(data, &beta);
            let mut halvings = 0;
            while (!eval.ok || (iter != 1 && eval.penalized <= threshold))
                && halvings <= ctl.max_halving
            {
                halvings += 1;
                for &j in &self.free_idx {
                    beta[j] = 0.5 * (beta[j] + self.old[j]);
                }
                eval = self.pass.evaluate(data, &beta);
            }
            if !eval.ok {
                beta.copy_from_slice(&self.old);
                eval = self.pass.evaluate(data, &beta);
                reason = StopReason::NonFinite;
                break;
            }
            let max_change = beta
                .iter()
                .zip(&self.old)
                .map(|(b, o)| (b - o).abs())
                .fold(0.0, f64::max);
            let max_score = self
                .free_idx
                .iter()
                .map(|&j| self.pass.penalized_score[j].abs())
                .fold(0.0, f64::max);
            converged = max_change <= ctl.xconv && max_score <= ctl.gconv;
            if converged {
                reason = StopReason::Converged;
            }
        }
        Outcome {
            beta,
            penalized: eval.penalized,
            start_penalized,
            iterations: iter,
            reason,
        }
    }

    /// `β_f += cap((I_ff)⁻¹ U*_f)`; `false` if the free block is not positive definite.
    fn newton_step(&mut self, beta: &mut [f64], max_step: f64) -> bool {
        let p = beta.len();
        let q = self.free_idx.len();
        let info = &self.pass.information;
        if q == p {
            for (i, b) in beta.iter_mut().enumerate() {
                let d = dot(
                    &self.pass.inverse[i * p..(i + 1) * p],
                    &self.pass.penalized_score,
                );
                *b += cap(d, max_step);
            }
            return true;
        }
        for (a, &i) in self.free_idx.iter().enumerate() {
            for (b, &j) in self.free_idx.iter().enumerate() {
                self.sub[a * q + b] = info[i * p + j];
            }
            self.rhs[a] = self.pass.penalized_score[i];
        }
        if !cholesky_in_place(&mut self.sub[..q * q], q, 0.0) {
            return false;
        }
        cholesky_solve(&self.sub[..q * q], &mut self.rhs[..q]);
        for (a, &i) in self.free_idx.iter().enumerate() {
            beta[i] += cap(self.rhs[a], max_step);
        }
        true
    }
}

#[inline]
fn cap(d: f64, max_step: f64) -> f64 {
    if d.abs() > max_step {
        max_step.copysign(d)
    } else {
        d
    }
}
