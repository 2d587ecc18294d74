//! The damped-Newton solver behind every logistic fit, as an argmin [`Solver`].
//!
//! ```text
//! δ_S = A_SS⁻¹ U*_S           (S = free coefficients; A = augmented information, XᵀWX if τ = 0)
//! if max|δ| > max_step: δ ·= max_step / max|δ|
//! β += δ;  evaluate ℓ*, U*, A at β
//! ```
//!
//! Stopping rules ([`StopRule`]) reproduce R exactly:
//! * `logistf` (`logistffit_revised`, no step halving since 1.24.1): stop when
//!   `max|δ| ≤ xconv`, `max|U*_S| < gconv` and the signed change `ℓ* − ℓ*_old < lconv`;
//! * `glm.fit`: stop when `|dev − dev_old| / (|dev| + 0.1) < ε`, dev = −2ℓ. With
//!   [`DampedNewton::glm_start`] the first iteration is glm's weighted least-squares solve from
//!   `μ = (w·y + ½)/(w + 1)`; every later IRLS iteration is exactly a Fisher-scoring step.
//!
//! Termination is copied into a typed [`Convergence`] by [`run`]. The solver keeps the
//! information matrix of the *start* of the final iteration, which is what R reports
//! variances from (glm's last WLS weights; logistf ≥ 1.24.1's augmented variance).

use argmin::core::{
    Executor, IterState, KV, Problem as ArgminProblem, Solver, State, TerminationReason,
    TerminationStatus,
};
use nalgebra::{DMatrix, DVector};

use super::engine::Engine;
use crate::{Convergence, Error, Result, StopReason};

/// argmin state used by [`DampedNewton`]: parameter vector and cost (−ℓ*).
pub(crate) type NewtonState = IterState<DVector<f64>, (), (), (), (), f64>;

/// When a [`DampedNewton`] run has converged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum StopRule {
    /// logistf's three-part rule.
    Logistf {
        /// Bound on `max|δ|`.
        xconv: f64,
        /// Bound on `max|U*|` over the free coefficients.
        gconv: f64,
        /// Bound on the signed change of ℓ*.
        lconv: f64,
    },
    /// glm's relative deviance change.
    RelativeDeviance {
        /// ε of `glm.control` (1e-8).
        eps: f64,
    },
}

/// Damped Newton / Fisher-scoring iteration (see the module documentation).
#[derive(Debug, Clone)]
pub(crate) struct DampedNewton {
    rule: StopRule,
    max_step: f64,
    free: Vec<bool>,
    glm_start: bool,
    delta: DVector<f64>,
    info_at_start: DMatrix<f64>,
    previous: f64,
    last_change: f64,
    converged: bool,
    early_stop: bool,
    model_gain: f64,
}

impl DampedNewton {
    /// A solver for `k` coefficients, all free, no step cap.
    pub(crate) fn new(k: usize, rule: StopRule) -> Self {
        DampedNewton {
            rule,
            max_step: f64::INFINITY,
            free: vec![true; k],
            glm_start: false,
            delta: DVector::zeros(k),
            info_at_start: DMatrix::zeros(k, k),
            previous: f64::NAN,
            last_change: 0.0,
            converged: false,
            early_stop: false,
            model_gain: 0.0,
        }
    }

    /// Caps the largest component of every step (logistf's `maxstep`).
    pub(crate) fn max_step(mut self, max_step: f64) -> Self {
        self.max_step = max_step;
        self
    }

    /// Only the coefficients marked `true` are fitted; the others keep their start value.
    pub(crate) fn free(mut self, free: Vec<bool>) -> Self {
        self.free = free;
        self
    }

    /// First iteration is glm's weighted least squares from `μ = (w·y + ½)/(w + 1)`.
    pub(crate) fn glm_start(mut self) -> Self {
        self.glm_start = true;
        self
    }

    /// With the logistf rule, stop *before* taking a step as soon as the proposed step is
    /// small (`max|δ| ≤ xconv`) and report the maximum through the quadratic model of that
    /// step, `ℓ* + ½ U*_Sᵀ δ_S` ([`DampedNewton::model_gain`]): β is then within ~xconv of
    /// the optimum, the model's error is of order `‖δ‖³` plus the penalty's share of the
    /// curvature times `½ U*ᵀδ` (~1e-9 in ℓ*), and the evaluations logistf spends on pushing
    /// `max|U*|` below gconv are saved. Used for restricted fits whose only output is ℓ*.
    pub(crate) fn early_stop(mut self) -> Self {
        self.early_stop = true;
        self
    }

    /// The quadratic model's predicted gain of the step not taken by an early stop
    /// ([`DampedNewton::early_stop`]; 0 otherwise): the maximum is `ℓ* + model_gain`.
    pub(crate) fn model_gain(&self) -> f64 {
        self.model_gain
    }

    /// The (augmented) information matrix at the start of the final iteration.
    pub(crate) fn info_at_start(&self) -> &DMatrix<f64> {
        &self.info_at_start
    }

    fn objective_for_rule(&self, engine: &Engine<'_>) -> f64 {
        match self.rule {
            StopRule::Logistf { .. } => engine.objective(),
            StopRule::RelativeDeviance { .. } => -2.0 * engine.loglik(),
        }
    }

    fn max_abs_free(&self, v: &DVector<f64>) -> f64 {
        v.iter()
            .zip(&self.free)
            .filter(|(_, f)| **f)
            .fold(0.0_f64, |m, (x, _)| m.max(x.abs()))
    }
}

fn to_argmin(e: Error) -> argmin::core::Error {
    argmin::core::Error::new(e)
}

fn engine_of<'p, 'a>(problem: &'p mut ArgminProblem<Engine<'a>>) -> Result<&'p mut Engine<'a>> {
    problem.problem.as_mut().ok_or(Error::SingularMatrix {
        what: "solver state (missing problem)",
    })
}

impl<'a> Solver<Engine<'a>, NewtonState> for DampedNewton {
    fn name(&self) -> &str {
        "damped Newton (logistf / glm.fit rules)"
    }

    fn init(
        &mut self,
        problem: &mut ArgminProblem<Engine<'a>>,
        mut state: NewtonState,
    ) -> std::result::Result<(NewtonState, Option<KV>), argmin::core::Error> {
        let engine = engine_of(problem).map_err(to_argmin)?;
        let beta = state
            .take_param()
            .unwrap_or_else(|| DVector::zeros(engine.ncoef()));
        if self.glm_start {
            self.previous = engine.glm_start_deviance();
            state = state.param(beta).cost(f64::INFINITY);
        } else {
            engine.evaluate(&beta).map_err(to_argmin)?;
            self.previous = self.objective_for_rule(engine);
            let cost = -engine.objective();
            state = state.param(beta).cost(cost);
        }
        Ok((state, None))
    }

    fn next_iter(
        &mut self,
        problem: &mut ArgminProblem<Engine<'a>>,
        mut state: NewtonState,
    ) -> std::result::Result<(NewtonState, Option<KV>), argmin::core::Error> {
        let engine = engine_of(problem).map_err(to_argmin)?;
        let mut beta = state
            .take_param()
            .unwrap_or_else(|| DVector::zeros(engine.ncoef()));
        if self.glm_start {
            self.glm_start = false;
            engine
                .glm_start_solve(&self.free, &mut beta, &mut self.info_at_start)
                .map_err(to_argmin)?;
        } else {
            self.previous = self.objective_for_rule(engine);
            engine
                .direction(&self.free, &mut self.delta)
                .map_err(to_argmin)?;
            self.info_at_start.copy_from(engine.augmented());
            let largest = self.max_abs_free(&self.delta);
            if largest > self.max_step {
                self.delta *= self.max_step / largest;
            }
            if let StopRule::Logistf { xconv, .. } = self.rule
                && self.early_stop
                && largest <= xconv
            {
                self.converged = true;
                self.model_gain = 0.5
                    * self
                        .delta
                        .iter()
                        .zip(engine.score().iter())
                        .zip(&self.free)
                        .filter(|(_, f)| **f)
                        .map(|((d, u), _)| d * u)
                        .sum::<f64>();
                let cost = -engine.objective();
                return Ok((state.param(beta).cost(cost), None));
            }
            beta += &self.delta;
        }
        engine.evaluate(&beta).map_err(to_argmin)?;
        let current = self.objective_for_rule(engine);
        self.last_change = current - self.previous;
        self.converged = match self.rule {
            StopRule::Logistf {
                xconv,
                gconv,
                lconv,
            } => {
                self.max_abs_free(&self.delta) <= xconv
                    && self.max_abs_free(engine.score()) < gconv
                    && current - self.previous < lconv
            }
            StopRule::RelativeDeviance { eps } => {
                ((current - self.previous).abs() / (current.abs() + 0.1)) < eps
            }
        };
        let cost = -engine.objective();
        Ok((state.param(beta).cost(cost), None))
    }

    fn terminate(&mut self, _state: &NewtonState) -> TerminationStatus {
        if self.converged {
            TerminationStatus::Terminated(TerminationReason::SolverConverged)
        } else {
            TerminationStatus::NotTerminated
        }
    }
}

/// Result of [`run`]: the engine evaluated at the final β, the solver and a convergence report.
#[derive(Debug)]
pub(crate) struct NewtonRun<'a> {
    pub(crate) engine: Engine<'a>,
    pub(crate) solver: DampedNewton,
    pub(crate) beta: DVector<f64>,
    pub(crate) convergence: Convergence,
}

/// Runs `solver` on `engine` from `start` for at most `max_iter` iterations under argmin's
/// [`Executor`] and copies its termination status into a [`Convergence`].
///
/// # Errors
/// Errors raised by an evaluation (e.g. [`Error::SingularMatrix`]) are passed through;
/// anything else from argmin is [`Error::Optimizer`].
pub(crate) fn run<'a>(
    engine: Engine<'a>,
    solver: DampedNewton,
    start: DVector<f64>,
    max_iter: usize,
) -> Result<NewtonRun<'a>> {
    let result = Executor::new(engine, solver)
        .configure(|s| s.param(start).max_iters(max_iter as u64))
        .timer(false)
        .run()
        .map_err(|e| match e.downcast::<Error>() {
            Ok(ours) => ours,
            Err(other) => Error::Optimizer(other),
        })?;
    let mut state = result.state;
    let iterations = state.get_iter() as usize;
    let reason = match state.get_termination_reason() {
        Some(TerminationReason::SolverConverged) => StopReason::Converged,
        Some(TerminationReason::MaxItersReached) => StopReason::MaxIterations,
        _ => StopReason::NonFinite,
    };
    let beta = state.take_param().ok_or(Error::SingularMatrix {
        what: "solver state (missing parameters)",
    })?;
    let mut problem = result.problem;
    let engine = problem.take_problem().ok_or(Error::SingularMatrix {
        what: "solver state (missing problem)",
    })?;
    Ok(NewtonRun {
        engine,
        solver: result.solver,
        beta,
        convergence: Convergence::new(iterations, reason),
    })
}
