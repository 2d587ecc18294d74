//! The crate's one damped-Newton solver, an argmin [`Solver`], with R's step rules as
//! policies ([`StepRule`]): one iteration of the solver is one iteration as R counts it.
//!
//! # The loop
//!
//! ```text
//! init:      rule.start(model, β₀)              → ℓ(β₀) (usually one evaluation), or stop
//! iteration: unless a backtracked trial is pending:
//!                rule.propose(model, β)          → trial point β_t (default: β + δ, δ the
//!                                                  model's Newton direction on the free
//!                                                  coefficients, shaped by rule.shape_step)
//!            loop: ℓ_t = model.evaluate(β_t); match rule.judge(trial):
//!                Accept                 → β = β_t, next iteration
//!                Converged              → β = β_t, stop
//!                Backtrack              → rule.backtrack(β, β_t), evaluate again in this
//!                                         iteration (coxphf, survreg, cmprsk::crr)
//!                BacktrackNextIteration → rule.backtrack(β, β_t); the next iteration only
//!                                         evaluates β_t (coxph: each halving counts;
//!                                         survreg: the end of a backtrack run)
//!                Stop { keep_trial }    → β = β_t if kept, else the model is evaluated at β
//!                                         again; stop
//! out of iterations (argmin's max_iters): stop, β = last accepted point
//! ```
//!
//! The model is a [`NewtonProblem`]: `evaluate` (objective to maximise), `direction` (the
//! Newton direction `I_SS⁻¹ U_S` on the free set `S`) and `gradient` (the score). The rule sees everything of
//! a trial ([`Trial`]: iteration, backtracks so far, accepted and trial points and objectives,
//! proposed step, score at the trial) and may be written for one model type (e.g. glm's first
//! weighted least-squares iteration needs the binomial engine) or for any.
//!
//! # Rules of R implemented on it
//!
//! * `coxph` (`coxfit6` / `agfit4`; `CoxphRule` in `survival/cox/newton.rs`): converged
//!   when `|1 − ℓ_best/ℓ| ≤ eps`, tested before the halving decision (counting-process data:
//!   only when not halving); a worse or non-finite trial is moved to `(β_t + h·β)/(h + 1)`,
//!   `h` the number of consecutive halvings, as the *next* iteration
//!   ([`Verdict::BacktrackNextIteration`]); `agfit4` at the last iteration keeps the trial
//!   unless it is worse than the best by more than `eps` (relative).
//! * `glm.fit` and `logistf` (`logistffit_revised`; `DampedNewton` in
//!   `regression/newton.rs`): no backtracking; glm's first iteration is its weighted
//!   least-squares solve from `μ₀` (a rule-specific [`StepRule::propose`]); logistf's steps are
//!   scaled so that `max|δ| ≤ maxstep`.
//! * `coxphf` (FIRTHCOX loop; `CoxphfRule` in `survival/firth_cox/iterate.rs`): each step
//!   component capped at `maxstep`, halving within the iteration ([`Verdict::Backtrack`]) from
//!   the second iteration on while ℓ* does not increase, at most `maxhs + 1` times; converged
//!   when `max|Δβ| ≤ xconv` and `max|U*_S| ≤ gconv`.
//!
//! # Writing a rule for a new model
//!
//! Implement [`NewtonProblem`] for the model's evaluation state and [`StepRule`] for its
//! rule; run with [`run`]. Two examples in R's own terms:
//!
//! * **survreg** (`survreg6`; `SurvregRule` in `survival/survreg/iterate.rs`): `judge`
//!   returns `Converged` when `|1 − ℓ_old/ℓ| ≤ eps` and no backtrack is pending, `Accept`
//!   when ℓ did not decrease, else `Backtrack` (midpoint `(β_t + β)/2`, the first one of a run
//!   keeping every log σ within 1.1 of its accepted value) up to 5 times within the
//!   iteration; the point a run ends on is judged in the next iteration
//!   (`BacktrackNextIteration` with a backtrack that leaves it in place), as R counts it. The
//!   model's `direction` falls back to `J'J` (outer product of the per-observation scores)
//!   when the information is not positive semi-definite. At the iteration limit R returns its
//!   newest point (the step from the last accepted point, or the pending one); the caller
//!   takes it after the run.
//! * **cmprsk::crr** (`CrrRule` in `survival/competing/finegray.rs`): trials are screened
//!   on the objective alone ([`StepRule::SCREENS_ON_VALUE`], R's `crrf`): `screen` returns
//!   `Backtrack` (within the iteration; `β_t = β + δ/2^h`, the step halved `h` times as R
//!   does) while ℓ_t is NaN or the Armijo condition `ℓ_t ≥ ℓ + 1e-4 · U'(β_t − β)` fails,
//!   and `Stop` after the 21st halving; a trial that passes is evaluated in full (`crrfsv`)
//!   and `judge` returns `Converged` when `max_j |U_j|·max(|β_j|, 1) < max(|ℓ|, 1)·gtol`
//!   (also tested at the start: `Start::Stop`), else `Accept`; run with `max_iter = 10`.
//!
//! # argmin
//!
//! argmin's [`Executor`] runs the loop, counts iterations (`max_iters` is R's iteration
//! limit) and stops on the rule's verdict (a solver-side termination, checked by argmin
//! before every iteration, so a rule can also stop before the first one). Every rule of R
//! above is expressed without changing its iteration count: backtracks that R counts as
//! iterations are deferred to the next argmin iteration, the others stay inside one. What
//! argmin does not model is left to the caller, after [`run`]: R's bookkeeping when the
//! iteration limit is reached (e.g. `coxph` re-evaluating at the last accepted β and reporting
//! `iter = max_iter + 1`), since argmin ends the run without calling the solver again. argmin's
//! `anyhow`-based errors never reach the caller: an error raised by the model is an
//! [`Error`] wrapped for argmin and unwrapped again by [`run`]; anything argmin itself raises
//! becomes [`Error::Optimizer`] with its message.

use argmin::core::{
    Executor, IterState, KV, Problem as ArgminProblem, Solver, State, TerminationReason,
    TerminationStatus,
};

use crate::{Convergence, Error, Result, StopReason};

/// argmin state used by [`Newton`]: the accepted point and its cost (−objective).
pub(crate) type NewtonState = IterState<Vec<f64>, (), (), (), (), f64>;

/// A model the damped-Newton solver can maximise.
pub(crate) trait NewtonProblem {
    /// Number of coefficients.
    fn dim(&self) -> usize;

    /// Evaluates the model at `beta` and returns the objective to maximise (possibly not
    /// finite; the rule decides what that means). What [`NewtonProblem::direction`] and
    /// [`NewtonProblem::gradient`] need is kept in the model.
    ///
    /// # Errors
    /// A model error (e.g. [`Error::SingularMatrix`]) ends the run with that error.
    fn evaluate(&mut self, beta: &[f64]) -> Result<f64>;

    /// Writes the Newton direction `I_SS⁻¹ U_S` at the last evaluated point into `delta`
    /// (0 outside the free set `S`); `Ok(false)` if there is none (information not positive
    /// definite), which stops the run as [`StopReason::NonFinite`].
    ///
    /// # Errors
    /// A model error ends the run with that error.
    fn direction(&mut self, free: &[bool], delta: &mut [f64]) -> Result<bool>;

    /// Score (gradient of the objective; the penalized score for penalized models) at the
    /// last evaluated point.
    fn gradient(&self) -> &[f64];

    /// The objective alone at `beta`, for rules that screen trials on it
    /// ([`StepRule::SCREENS_ON_VALUE`]); it must not change what
    /// [`NewtonProblem::direction`] and [`NewtonProblem::gradient`] see (they stay at the
    /// last point given to [`NewtonProblem::evaluate`]). The default evaluates everything.
    ///
    /// # Errors
    /// A model error ends the run with that error.
    fn value(&mut self, beta: &[f64]) -> Result<f64> {
        self.evaluate(beta)
    }
}

/// Everything a rule sees of one evaluated trial point.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Trial<'a> {
    /// Iteration, as R counts them (1-based).
    pub(crate) iteration: usize,
    /// Backtracks made since the last proposal.
    pub(crate) backtracks: usize,
    /// Objective at the accepted point.
    pub(crate) previous: f64,
    /// Objective at the trial point.
    pub(crate) objective: f64,
    /// The accepted point.
    pub(crate) accepted: &'a [f64],
    /// The trial point.
    pub(crate) trial: &'a [f64],
    /// The step proposed by the last proposal (before any backtracking).
    pub(crate) step: &'a [f64],
    /// Score at the trial point.
    pub(crate) score: &'a [f64],
    /// Which coefficients are fitted.
    pub(crate) free: &'a [bool],
}

impl Trial<'_> {
    /// `max_j |β_t,j − β_j|`.
    pub(crate) fn max_change(&self) -> f64 {
        self.trial
            .iter()
            .zip(self.accepted)
            .map(|(b, o)| (b - o).abs())
            .fold(0.0, f64::max)
    }

    /// `max |v_j|` over the free coefficients.
    pub(crate) fn max_free(&self, v: &[f64]) -> f64 {
        max_abs_free(v, self.free)
    }
}

/// `max |v_j|` over the coefficients with `free[j]`.
pub(crate) fn max_abs_free(v: &[f64], free: &[bool]) -> f64 {
    v.iter()
        .zip(free)
        .filter(|(_, f)| **f)
        .fold(0.0_f64, |m, (x, _)| m.max(x.abs()))
}

/// A rule's verdict on an evaluated trial point (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The trial becomes the accepted point; the iteration ends.
    Accept,
    /// The trial becomes the accepted point and the run has converged.
    Converged,
    /// Backtrack and evaluate again within this iteration.
    Backtrack,
    /// Backtrack; the next iteration evaluates the backtracked point.
    BacktrackNextIteration,
    /// Stop for `reason`, with the trial as the final point if `keep_trial` (otherwise the
    /// model is evaluated at the accepted point again).
    Stop {
        /// Why.
        reason: StopReason,
        /// Whether the trial becomes the final point.
        keep_trial: bool,
    },
}

/// What [`StepRule::propose`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Proposal {
    /// A trial point was written; evaluate it.
    Step,
    /// Stop without evaluating (the iteration still counts); the accepted point is final.
    Stop(StopReason),
}

/// R's step rule of one model: how a trial is proposed, judged and backtracked.
pub(crate) trait StepRule<M: NewtonProblem> {
    /// Whether each trial is first evaluated with [`NewtonProblem::value`] only and
    /// [`StepRule::screen`]ed (`cmprsk::crr`'s halvings need only the objective); a trial that
    /// passes the screen is then evaluated in full and judged. Default: no screen.
    const SCREENS_ON_VALUE: bool = false;

    /// With [`StepRule::SCREENS_ON_VALUE`]: the verdict on a trial from its objective alone,
    /// or `None` to evaluate it in full and [`StepRule::judge`] it. `trial.score` is the score
    /// at the *accepted* point (the model's last full evaluation). A verdict that makes the
    /// trial the accepted point evaluates it in full first. The default passes every trial.
    fn screen(&mut self, model: &M, trial: &Trial<'_>) -> Option<Verdict> {
        let _ = (model, trial);
        None
    }

    /// Evaluates the start and returns the objective the first trial is compared with, or
    /// `Err(reason)`-like [`Start::Stop`] to end the run before the first iteration.
    ///
    /// # Errors
    /// Model errors.
    fn start(&mut self, model: &mut M, beta: &[f64], free: &[bool]) -> Result<Start> {
        let _ = free;
        Ok(Start::Objective(model.evaluate(beta)?))
    }

    /// Shapes a Newton step in place (e.g. caps it); the default leaves it alone.
    fn shape_step(&self, step: &mut [f64]) {
        let _ = step;
    }

    /// Writes the trial point of `iteration` into `trial` and the step into `step`. The
    /// default is `β + shape_step(δ)` with the model's Newton direction δ.
    ///
    /// # Errors
    /// Model errors.
    fn propose(
        &mut self,
        model: &mut M,
        iteration: usize,
        accepted: &[f64],
        free: &[bool],
        step: &mut [f64],
        trial: &mut [f64],
    ) -> Result<Proposal> {
        let _ = iteration;
        if !model.direction(free, step)? {
            return Ok(Proposal::Stop(StopReason::NonFinite));
        }
        self.shape_step(step);
        for ((t, b), d) in trial.iter_mut().zip(accepted).zip(step.iter()) {
            *t = b + d;
        }
        Ok(Proposal::Step)
    }

    /// Judges an evaluated trial.
    fn judge(&mut self, model: &M, trial: &Trial<'_>) -> Verdict;

    /// Moves `trial` back towards `accepted`; `backtracks` counts this one (1 for the first).
    /// The default halves: `β_t = (β_t + β)/2`.
    fn backtrack(&self, accepted: &[f64], trial: &mut [f64], backtracks: usize) {
        let _ = backtracks;
        for (t, b) in trial.iter_mut().zip(accepted) {
            *t = 0.5 * (*t + b);
        }
    }
}

/// What [`StepRule::start`] returns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Start {
    /// The objective at the start.
    Objective(f64),
    /// End the run before the first iteration (with this objective at the start).
    Stop(f64, StopReason),
}

/// The damped-Newton argmin solver driven by a [`StepRule`].
#[derive(Debug, Clone)]
pub(crate) struct Newton<R> {
    rule: R,
    free: Vec<bool>,
    accepted: Vec<f64>,
    objective: f64,
    start_objective: f64,
    trial: Vec<f64>,
    step: Vec<f64>,
    pending: bool,
    backtracks: usize,
    stop: Option<StopReason>,
}

impl<R> Newton<R> {
    /// A solver for `k` coefficients (all free) with `rule`.
    pub(crate) fn new(k: usize, rule: R) -> Self {
        Newton {
            rule,
            free: vec![true; k],
            accepted: vec![0.0; k],
            objective: f64::NAN,
            start_objective: f64::NAN,
            trial: vec![0.0; k],
            step: vec![0.0; k],
            pending: false,
            backtracks: 0,
            stop: None,
        }
    }

    /// Only the coefficients marked `true` are fitted; the others keep their start value.
    pub(crate) fn free(mut self, free: Vec<bool>) -> Self {
        self.free = free;
        self
    }

    /// The rule (with whatever it recorded).
    pub(crate) fn rule(&self) -> &R {
        &self.rule
    }

    /// The rule, by value.
    pub(crate) fn into_rule(self) -> R {
        self.rule
    }

    /// Objective at the start.
    pub(crate) fn start_objective(&self) -> f64 {
        self.start_objective
    }

    /// Objective at the final (accepted) point.
    pub(crate) fn objective(&self) -> f64 {
        self.objective
    }

    /// Backtracks since the last proposal when the run stopped.
    pub(crate) fn backtracks(&self) -> usize {
        self.backtracks
    }
}

fn to_argmin(e: Error) -> argmin::core::Error {
    argmin::core::Error::new(e)
}

fn model_of<M>(problem: &mut ArgminProblem<M>) -> Result<&mut M> {
    problem.problem.as_mut().ok_or(Error::SingularMatrix {
        what: "solver state (missing problem)",
    })
}

impl<R> Newton<R> {
    fn iterate<M: NewtonProblem>(&mut self, model: &mut M, iteration: usize) -> Result<()>
    where
        R: StepRule<M>,
    {
        if !self.pending {
            self.backtracks = 0;
            match self.rule.propose(
                model,
                iteration,
                &self.accepted,
                &self.free,
                &mut self.step,
                &mut self.trial,
            )? {
                Proposal::Step => {}
                Proposal::Stop(reason) => {
                    self.stop = Some(reason);
                    return Ok(());
                }
            }
        }
        self.pending = false;
        // the current trial as the rule sees it (field by field: the rule is borrowed apart)
        macro_rules! view {
            ($objective:expr, $score:expr) => {
                Trial {
                    iteration,
                    backtracks: self.backtracks,
                    previous: self.objective,
                    objective: $objective,
                    accepted: &self.accepted,
                    trial: &self.trial,
                    step: &self.step,
                    score: $score,
                    free: &self.free,
                }
            };
        }
        loop {
            let mut screened = None;
            if R::SCREENS_ON_VALUE {
                let objective = model.value(&self.trial)?;
                screened = self
                    .rule
                    .screen(model, &view!(objective, model.gradient()))
                    .map(|verdict| (verdict, objective));
            }
            let (verdict, mut objective) = match screened {
                Some(screened) => screened,
                None => {
                    let objective = model.evaluate(&self.trial)?;
                    let verdict = self.rule.judge(model, &view!(objective, model.gradient()));
                    (verdict, objective)
                }
            };
            if screened.is_some()
                && matches!(
                    verdict,
                    Verdict::Accept
                        | Verdict::Converged
                        | Verdict::Stop {
                            keep_trial: true,
                            ..
                        }
                )
            {
                objective = model.evaluate(&self.trial)?;
            }
            match verdict {
                Verdict::Accept | Verdict::Converged => {
                    self.accepted.copy_from_slice(&self.trial);
                    self.objective = objective;
                    if verdict == Verdict::Converged {
                        self.stop = Some(StopReason::Converged);
                    }
                    return Ok(());
                }
                Verdict::Backtrack | Verdict::BacktrackNextIteration => {
                    self.backtracks += 1;
                    self.rule
                        .backtrack(&self.accepted, &mut self.trial, self.backtracks);
                    if verdict == Verdict::BacktrackNextIteration {
                        self.pending = true;
                        return Ok(());
                    }
                }
                Verdict::Stop { reason, keep_trial } => {
                    if keep_trial {
                        self.accepted.copy_from_slice(&self.trial);
                        self.objective = objective;
                    } else {
                        self.objective = model.evaluate(&self.accepted)?;
                    }
                    self.stop = Some(reason);
                    return Ok(());
                }
            }
        }
    }
}

impl<M: NewtonProblem, R: StepRule<M>> Solver<M, NewtonState> for Newton<R> {
    fn name(&self) -> &str {
        "damped Newton (R step rules)"
    }

    fn init(
        &mut self,
        problem: &mut ArgminProblem<M>,
        mut state: NewtonState,
    ) -> std::result::Result<(NewtonState, Option<KV>), argmin::core::Error> {
        let model = model_of(problem).map_err(to_argmin)?;
        let k = model.dim();
        let beta = state.take_param().unwrap_or_else(|| vec![0.0; k]);
        self.accepted.clone_from(&beta);
        self.trial.clone_from(&beta);
        self.step = vec![0.0; k];
        let start = self
            .rule
            .start(model, &beta, &self.free)
            .map_err(to_argmin)?;
        let objective = match start {
            Start::Objective(o) => o,
            Start::Stop(o, reason) => {
                self.stop = Some(reason);
                o
            }
        };
        self.objective = objective;
        self.start_objective = objective;
        Ok((state.param(beta).cost(-objective), None))
    }

    fn next_iter(
        &mut self,
        problem: &mut ArgminProblem<M>,
        state: NewtonState,
    ) -> std::result::Result<(NewtonState, Option<KV>), argmin::core::Error> {
        let model = model_of(problem).map_err(to_argmin)?;
        let iteration = state.get_iter() as usize + 1;
        self.iterate(model, iteration).map_err(to_argmin)?;
        let cost = -self.objective;
        Ok((state.param(self.accepted.clone()).cost(cost), None))
    }

    fn terminate(&mut self, _state: &NewtonState) -> TerminationStatus {
        match self.stop {
            Some(StopReason::Converged) => {
                TerminationStatus::Terminated(TerminationReason::SolverConverged)
            }
            Some(_) => TerminationStatus::Terminated(TerminationReason::SolverExit(
                "stopped by the step rule".to_string(),
            )),
            None => TerminationStatus::NotTerminated,
        }
    }
}

/// Result of [`run`]: the model (last evaluated at the final point, unless the run ran out of
/// iterations on a rejected or pending trial, which it then holds), the solver (with its
/// rule) and the convergence report.
#[derive(Debug)]
pub(crate) struct NewtonRun<M, R> {
    pub(crate) model: M,
    pub(crate) solver: Newton<R>,
    pub(crate) beta: Vec<f64>,
    pub(crate) convergence: Convergence,
}

/// Runs `solver` on `model` from `start` for at most `max_iter` iterations under argmin's
/// [`Executor`].
///
/// # Errors
/// Errors raised by the model are passed through; anything else from argmin is
/// [`Error::Optimizer`] with argmin's message.
pub(crate) fn run<M: NewtonProblem, R: StepRule<M>>(
    model: M,
    solver: Newton<R>,
    start: Vec<f64>,
    max_iter: usize,
) -> Result<NewtonRun<M, R>> {
    let result = Executor::new(model, solver)
        .configure(|s| s.param(start).max_iters(max_iter as u64))
        .timer(false)
        .run()
        .map_err(|e| match e.downcast::<Error>() {
            Ok(ours) => ours,
            Err(other) => Error::Optimizer {
                message: format!("{other:#}"),
            },
        })?;
    let state = result.state;
    let iterations = state.get_iter() as usize;
    let solver = result.solver;
    let reason = match (solver.stop, state.get_termination_reason()) {
        (Some(reason), _) => reason,
        (None, Some(TerminationReason::MaxItersReached)) => StopReason::MaxIterations,
        _ => StopReason::NonFinite,
    };
    let mut problem = result.problem;
    let model = problem.take_problem().ok_or(Error::SingularMatrix {
        what: "solver state (missing problem)",
    })?;
    Ok(NewtonRun {
        model,
        beta: solver.accepted.clone(),
        solver,
        convergence: Convergence::new(iterations, reason),
    })
}
