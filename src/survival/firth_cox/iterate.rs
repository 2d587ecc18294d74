//! coxphf's iteration for the Firth-penalized Cox model (algorithms.md §7), as a step rule of
//! the crate's damped-Newton solver ([`crate::solver`]; halvings stay inside an iteration), on the
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
use crate::solver::{self, Newton, NewtonProblem, Start, StepRule, Trial, Verdict};

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
            free_idx: Vec::with_capacity(p),
        }
    }

    /// Runs the iteration from `start`; coefficients with `free[j] == false` stay at their
    /// start value.
    ///
    /// # Errors
    /// None from the model itself; an internal failure of argmin is
    /// [`crate::Error::Optimizer`].
    pub fn run(
        &mut self,
        data: &Prepared,
        start: &[f64],
        free: &[bool],
        ctl: Controls,
    ) -> crate::Result<Outcome> {
        self.free_idx.clear();
        self.free_idx.extend((0..data.p).filter(|&j| free[j]));
        let model = FirthCoxModel {
            data,
            ws: self,
            ok: true,
        };
        let newton = Newton::new(data.p, CoxphfRule { ctl }).free(free.to_vec());
        let out = solver::run(model, newton, start.to_vec(), ctl.max_iter)?;
        Ok(Outcome {
            beta: out.beta,
            penalized: out.solver.objective(),
            start_penalized: out.solver.start_objective(),
            iterations: out.convergence.iterations(),
            reason: out.convergence.reason(),
        })
    }
}

/// The Firth-penalized Breslow likelihood as a [`NewtonProblem`] on the workspace.
#[derive(Debug)]
struct FirthCoxModel<'s, 'd> {
    data: &'d Prepared,
    ws: &'s mut Solver,
    /// The last evaluation was positive definite and finite.
    ok: bool,
}

impl NewtonProblem for FirthCoxModel<'_, '_> {
    fn dim(&self) -> usize {
        self.data.p
    }

    fn evaluate(&mut self, beta: &[f64]) -> crate::Result<f64> {
        let e = self.ws.pass.evaluate(self.data, beta);
        self.ok = e.ok;
        Ok(e.penalized)
    }

    /// `δ_f = (I_ff)⁻¹ U*_f` (unpenalized information); `false` if the free block is not
    /// positive definite.
    fn direction(&mut self, _free: &[bool], delta: &mut [f64]) -> crate::Result<bool> {
        let ws = &mut *self.ws;
        let p = delta.len();
        let q = ws.free_idx.len();
        let info = &ws.pass.information;
        if q == p {
            for (i, d) in delta.iter_mut().enumerate() {
                *d = dot(
                    &ws.pass.inverse[i * p..(i + 1) * p],
                    &ws.pass.penalized_score,
                );
            }
            return Ok(true);
        }
        for (a, &i) in ws.free_idx.iter().enumerate() {
            for (b, &j) in ws.free_idx.iter().enumerate() {
                ws.sub[a * q + b] = info[i * p + j];
            }
            ws.rhs[a] = ws.pass.penalized_score[i];
        }
        if !cholesky_in_place(&mut ws.sub[..q * q], q, 0.0) {
            return Ok(false);
        }
        cholesky_solve(&ws.sub[..q * q], &mut ws.rhs[..q]);
        delta.fill(0.0);
        for (a, &i) in ws.free_idx.iter().enumerate() {
            delta[i] = ws.rhs[a];
        }
        Ok(true)
    }

    fn gradient(&self) -> &[f64] {
        &self.ws.pass.penalized_score
    }
}

/// coxphf's step rule (see the module documentation).
#[derive(Debug, Clone, Copy)]
struct CoxphfRule {
    ctl: Controls,
}

impl StepRule<FirthCoxModel<'_, '_>> for CoxphfRule {
    fn start(
        &mut self,
        model: &mut FirthCoxModel<'_, '_>,
        beta: &[f64],
        _free: &[bool],
    ) -> crate::Result<Start> {
        let penalized = model.evaluate(beta)?;
        Ok(if !model.ok {
            Start::Stop(penalized, StopReason::NonFinite)
        } else if model.ws.free_idx.is_empty() {
            Start::Stop(penalized, StopReason::Converged)
        } else {
            Start::Objective(penalized)
        })
    }

    /// `δ_j = sign(δ_j) · min(|δ_j|, max_step)`.
    fn shape_step(&self, step: &mut [f64]) {
        let max_step = self.ctl.max_step;
        for d in step.iter_mut() {
            if d.abs() > max_step {
                *d = max_step.copysign(*d);
            }
        }
    }

    fn judge(&mut self, model: &FirthCoxModel<'_, '_>, t: &Trial<'_>) -> Verdict {
        let ctl = &self.ctl;
        let threshold = t.previous - ctl.halving_noise * t.previous.abs();
        if (!model.ok || (t.iteration != 1 && t.objective <= threshold))
            && t.backtracks <= ctl.max_halving
        {
            return Verdict::Backtrack;
        }
        if !model.ok {
            return Verdict::Stop {
                reason: StopReason::NonFinite,
                keep_trial: false,
            };
        }
        if t.max_change() <= ctl.xconv && t.max_free(t.score) <= ctl.gconv {
            Verdict::Converged
        } else {
            Verdict::Accept
        }
    }
}
