//! survreg's Newton–Raphson step rule (R's `survreg6`) as a policy ([`SurvregRule`]) of the
//! crate's damped-Newton solver ([`crate::solver`]), with the model ([`SurvregModel`]) as its
//! [`NewtonProblem`]; iterations are counted exactly as R counts them.
//!
//! ```text
//! ℓ₀, U₀, I₀ at the start β₀;  β₁ = β₀ + I₀⁻¹U₀              (never tested for convergence)
//! ℓ₁ at β₁
//! for iter = 1..=max_iter:
//!     if ℓ_new finite and |1 − ℓ_old/ℓ_new| ≤ ε and not backtracking: converged, return β_new
//!     if ℓ_new non-finite or ℓ_new < ℓ_old:                     (backtrack, up to 5 times)
//!         repeat ≤ 5 times while ℓ_new < ℓ_old:
//!             β_new = (β_new + β_old)/2;  on the first backtrack of a run no log σ may
//!             fall more than 1.1 below its value at β_old;  ℓ_new = ℓ(β_new)
//!     else:                                                      (Newton step)
//!         β_old = β_new, ℓ_old = ℓ_new;  β_new = β_new + I⁻¹U  (J'J⁻¹U if I is not p.d.)
//!     ℓ_new, U, I at β_new
//! not converged: return β_new after max_iter iterations
//! ```
//!
//! * The direction uses R's generalised Cholesky with the `toler.chol` rule (a pivot below
//!   `toler · max diag` is singular and its component of the step is 0); when the
//!   factorisation reports a matrix that is not positive semi-definite the step uses the sum
//!   of score outer products `J'J` instead (one step only).
//! * A whole run of up to five backtracks is **one** iteration, as is a Newton step; `iter`
//!   is the loop counter at the return, R's `fit$iter`.
//! * A NaN log-likelihood is not `< ℓ_old`, so R takes no backtrack for it and re-evaluates
//!   the same point; this is reproduced (such a fit runs out of iterations, flagged).
//! * The returned point is the newest one, with variance = the inverse information there.
//! * Backtracking takes the **midpoint** `(β_new + β_old)/2` (survival 3.5-3's `survreg6`).
//!   The golden tests include fits that backtrack up to three times in one iteration; they
//!   match R's iterates and counts only with the midpoint (a step to a third,
//!   `(β_new + 2β_old)/3`, changes the counts). The stopping rule is the relative change
//!   alone; there is no absolute test on `|ℓ_old − ℓ_new|`.
//!
//! The rule is affine invariant in `β` (Newton direction, midpoint backtracking, likelihood
//! criterion), so fitting centred and scaled covariates, as R does, changes only rounding.
//!
//! # On the shared solver
//! One solver iteration is one iteration of R's loop: the trial judged in R's iteration `k`
//! (the point its iteration `k − 1` ended on) is proposed, evaluated and judged in the
//! solver's iteration `k`. A run of backtracks is [`Verdict::Backtrack`] within the iteration;
//! the point it ends on is judged by R only in the *next* iteration (where the convergence
//! test is skipped), so the rule then returns [`Verdict::BacktrackNextIteration`] with a
//! backtrack that leaves the point where it is. What argmin does not model is R's return when
//! the iteration limit is reached: R returns the newest point it evaluated — the Newton step
//! from the last accepted point, or the pending backtracked point — which
//! [`survreg_newton`] takes after the run.

#![allow(clippy::needless_range_loop)] // index loops mirror R's survreg6

use std::cell::Cell;

use crate::linalg::Ldl;
use crate::solver::{self, Newton, NewtonProblem, StepRule, Trial, Verdict};
use crate::{Result, StopReason};

use super::loglik::Problem;

/// The controls of `survreg.control`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Controls {
    /// `maxiter` (30).
    pub(super) max_iter: usize,
    /// `rel.tolerance` (1e-9).
    pub(super) rel_tolerance: f64,
    /// `toler.chol` (1e-10).
    pub(super) toler_chol: f64,
}

/// Result of one run of the rule.
#[derive(Debug, Clone)]
pub(super) struct Outcome {
    /// Final parameters `(β, log σ…)`.
    pub(super) beta: Vec<f64>,
    /// Log-likelihood at `beta`.
    pub(super) loglik: f64,
    /// R's `iter`.
    pub(super) iterations: usize,
    /// `true` if the stopping rule was met.
    pub(super) converged: bool,
    /// Inverse information at `beta` (symmetric), zero rows/columns for singular pivots.
    pub(super) variance: Vec<f64>,
    /// Score at `beta`.
    pub(super) score: Vec<f64>,
}

/// The location–scale likelihood as a [`NewtonProblem`]: score and information at the last
/// evaluated point, R's direction `I⁻¹U` (`J'J⁻¹U` when `I` is not positive semi-definite).
#[derive(Debug)]
pub(super) struct SurvregModel<'p, 'a> {
    problem: &'p Problem<'a>,
    toler: f64,
    at: Vec<f64>,
    u: Vec<f64>,
    imat: Vec<f64>,
    ldl: Ldl,
}

impl<'p, 'a> SurvregModel<'p, 'a> {
    fn new(problem: &'p Problem<'a>, toler: f64) -> Self {
        let k = problem.dim();
        SurvregModel {
            problem,
            toler,
            at: vec![0.0; k],
            u: vec![0.0; k],
            imat: vec![0.0; k * k],
            ldl: Ldl::new(k),
        }
    }

    /// Inverse information at the last evaluated point.
    fn variance(&mut self) -> Vec<f64> {
        self.ldl.factor(&self.imat, self.toler);
        self.ldl.inverse()
    }
}

impl NewtonProblem for SurvregModel<'_, '_> {
    fn dim(&self) -> usize {
        self.problem.dim()
    }

    fn evaluate(&mut self, beta: &[f64]) -> Result<f64> {
        self.at.copy_from_slice(beta);
        Ok(self.problem.evaluate(beta, &mut self.u, &mut self.imat))
    }

    fn direction(&mut self, _free: &[bool], delta: &mut [f64]) -> Result<bool> {
        delta.copy_from_slice(&self.u);
        self.ldl.factor(&self.imat, self.toler);
        if self.ldl.flag() < 0 {
            let jj = self.problem.outer_product(&self.at);
            let mut alt = Ldl::new(self.dim());
            alt.factor(&jj, self.toler);
            alt.solve(delta);
        } else {
            self.ldl.solve(delta);
        }
        Ok(true)
    }

    fn gradient(&self) -> &[f64] {
        &self.u
    }
}

/// R's `survreg6` rule (see the module documentation).
#[derive(Debug)]
pub(super) struct SurvregRule {
    eps: f64,
    scales: std::ops::Range<usize>,
    /// R's `halving`: backtracks since the last Newton step (across iterations).
    halving: usize,
    /// Backtracks in the current iteration, and that iteration.
    within: usize,
    iteration: usize,
    /// The verdict deferred the trial to the next iteration: `backtrack` leaves it in place.
    hold: Cell<bool>,
    /// The last verdict and the deferred point (R's newest point when the limit is reached).
    last: Option<Verdict>,
    pending: Vec<f64>,
}

impl SurvregRule {
    fn new(eps: f64, scales: std::ops::Range<usize>) -> Self {
        SurvregRule {
            eps,
            scales,
            halving: 0,
            within: 0,
            iteration: 0,
            hold: Cell::new(false),
            last: None,
            pending: Vec::new(),
        }
    }

    fn verdict(&mut self, trial: &Trial<'_>) -> Verdict {
        if trial.iteration != self.iteration {
            self.iteration = trial.iteration;
            self.within = 0;
        }
        self.hold.set(false);
        let (old, new) = (trial.previous, trial.objective);
        if self.within == 0 {
            if new.is_finite() && (1.0 - old / new).abs() <= self.eps && self.halving == 0 {
                return Verdict::Converged;
            }
            if new.is_finite() && new >= old {
                self.halving = 0;
                return Verdict::Accept;
            }
        }
        // a run of at most 5 backtracks while the trial is worse (a NaN is not worse: R
        // takes no backtrack for it and evaluates the same point again)
        if self.within < 5 && new < old {
            self.within += 1;
            self.halving += 1;
            return Verdict::Backtrack;
        }
        self.hold.set(true);
        self.pending = trial.trial.to_vec();
        Verdict::BacktrackNextIteration
    }
}

impl<'p, 'a> StepRule<SurvregModel<'p, 'a>> for SurvregRule {
    fn judge(&mut self, _model: &SurvregModel<'p, 'a>, trial: &Trial<'_>) -> Verdict {
        let v = self.verdict(trial);
        self.last = Some(v);
        v
    }

    fn backtrack(&self, accepted: &[f64], trial: &mut [f64], _backtracks: usize) {
        if self.hold.get() {
            return;
        }
        for (t, b) in trial.iter_mut().zip(accepted) {
            *t = (*t + b) / 2.0;
        }
        if self.halving == 1 {
            // the first backtrack after a Newton step: no log σ more than 1.1 below its
            // accepted value
            for s in self.scales.clone() {
                if accepted[s] - trial[s] > 1.1 {
                    trial[s] = accepted[s] - 1.1;
                }
            }
        }
    }
}

/// Runs R's `survreg6` iteration from `init` on the shared solver (see the module
/// documentation).
pub(super) fn survreg_newton(problem: &Problem<'_>, init: &[f64], controls: Controls) -> Outcome {
    let k = problem.dim();
    let rule = SurvregRule::new(controls.rel_tolerance, problem.nvar..k);
    let model = SurvregModel::new(problem, controls.toler_chol);
    let run = solver::run(
        model,
        Newton::new(k, rule),
        init[..k].to_vec(),
        controls.max_iter,
    );
    let Ok(run) = run else {
        // the model raises no errors; argmin's own failures cannot happen here
        return Outcome {
            beta: init[..k].to_vec(),
            loglik: f64::NAN,
            iterations: 0,
            converged: false,
            variance: vec![0.0; k * k],
            score: vec![0.0; k],
        };
    };
    let converged = run.convergence.reason() == StopReason::Converged;
    let iterations = run.convergence.iterations();
    let objective = run.solver.objective();
    let mut model = run.model;
    let rule = run.solver.into_rule();
    // R returns the newest point it evaluated, with the information there
    let (beta, loglik) = if converged {
        // the model was last evaluated at the converged trial
        (run.beta, objective)
    } else {
        let beta = if controls.max_iter == 0 {
            run.beta
        } else if rule.last == Some(Verdict::BacktrackNextIteration) {
            rule.pending
        } else {
            // the Newton step from the last accepted point
            let _ = model.evaluate(&run.beta);
            let mut step = vec![0.0; k];
            let _ = model.direction(&[], &mut step);
            run.beta.iter().zip(&step).map(|(b, d)| b + d).collect()
        };
        let loglik = model.evaluate(&beta).unwrap_or(f64::NAN);
        (beta, loglik)
    };
    let variance = model.variance();
    Outcome {
        beta,
        loglik,
        iterations,
        converged,
        variance,
        score: model.u.clone(),
    }
}
