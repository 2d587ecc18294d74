//! glm.fit's and logistf's step rules for the binomial engine, on the crate's one
//! damped-Newton solver ([`crate::solver`]).
//!
//! ```text
//! δ_S = A_SS⁻¹ U*_S           (S = free coefficients; A = augmented information, XᵀWX if τ = 0)
//! if max|δ| > max_step: δ ·= max_step / max|δ|
//! β += δ;  evaluate ℓ*, U*, A at β
//! ```
//!
//! Stopping rules ([`StopRule`]) reproduce R exactly; neither rule backtracks:
//! * `logistf` (`logistffit_revised`, no step halving since 1.24.1): stop when
//!   `max|δ| ≤ xconv`, `max|U*_S| < gconv` and the signed change `ℓ* − ℓ*_old < lconv`;
//! * `glm.fit`: stop when `|dev − dev_old| / (|dev| + 0.1) < ε`, dev = −2ℓ. With
//!   [`DampedNewton::glm_start`] the first iteration is glm's weighted least-squares solve from
//!   `μ = (w·y + ½)/(w + 1)`; every later IRLS iteration is exactly a Fisher-scoring step.
//!
//! Termination is copied into a typed [`Convergence`] by [`run`]. The rule keeps the
//! information matrix of the *start* of the final iteration, which is what R reports
//! variances from (glm's last WLS weights; logistf ≥ 1.24.1's augmented variance).

use nalgebra::{DMatrix, DVector};

use super::engine::Engine;
use crate::solver::{self, Newton, NewtonProblem, Proposal, Start, StepRule, Trial, Verdict};
use crate::{Convergence, Result, StopReason};

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

/// glm.fit's / logistf's step rule (see the module documentation), with its settings.
#[derive(Debug, Clone)]
pub(crate) struct DampedNewton {
    rule: StopRule,
    max_step: f64,
    free: Vec<bool>,
    glm_start: bool,
    info_at_start: DMatrix<f64>,
    previous: f64,
    early_stop: bool,
    model_gain: f64,
}

impl DampedNewton {
    /// A rule for `k` coefficients, all free, no step cap.
    pub(crate) fn new(k: usize, rule: StopRule) -> Self {
        DampedNewton {
            rule,
            max_step: f64::INFINITY,
            free: vec![true; k],
            glm_start: false,
            info_at_start: DMatrix::zeros(k, k),
            previous: f64::NAN,
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
}

impl NewtonProblem for Engine<'_> {
    fn dim(&self) -> usize {
        self.ncoef()
    }

    fn evaluate(&mut self, beta: &[f64]) -> Result<f64> {
        Engine::evaluate(self, beta)?;
        Ok(self.objective())
    }

    fn direction(&mut self, free: &[bool], delta: &mut [f64]) -> Result<bool> {
        Engine::direction(self, free, delta)?;
        Ok(true)
    }

    fn gradient(&self) -> &[f64] {
        Engine::score(self).as_slice()
    }
}

impl<'a> StepRule<Engine<'a>> for DampedNewton {
    fn start(&mut self, engine: &mut Engine<'a>, beta: &[f64], _free: &[bool]) -> Result<Start> {
        if self.glm_start {
            self.previous = engine.glm_start_deviance();
            Ok(Start::Objective(f64::NEG_INFINITY))
        } else {
            Engine::evaluate(engine, beta)?;
            self.previous = self.objective_for_rule(engine);
            Ok(Start::Objective(engine.objective()))
        }
    }

    fn propose(
        &mut self,
        engine: &mut Engine<'a>,
        _iteration: usize,
        accepted: &[f64],
        free: &[bool],
        step: &mut [f64],
        trial: &mut [f64],
    ) -> Result<Proposal> {
        if self.glm_start {
            self.glm_start = false;
            engine.glm_start_solve(free, trial, &mut self.info_at_start)?;
            return Ok(Proposal::Step);
        }
        self.previous = self.objective_for_rule(engine);
        Engine::direction(engine, free, step)?;
        self.info_at_start.copy_from(engine.augmented());
        let largest = solver::max_abs_free(step, free);
        if largest > self.max_step {
            let factor = self.max_step / largest;
            for d in step.iter_mut() {
                *d *= factor;
            }
        }
        if let StopRule::Logistf { xconv, .. } = self.rule
            && self.early_stop
            && largest <= xconv
        {
            self.model_gain = 0.5
                * step
                    .iter()
                    .zip(engine.score().iter())
                    .zip(free)
                    .filter(|(_, f)| **f)
                    .map(|((d, u), _)| d * u)
                    .sum::<f64>();
            return Ok(Proposal::Stop(StopReason::Converged));
        }
        for ((t, b), d) in trial.iter_mut().zip(accepted).zip(step.iter()) {
            *t = b + d;
        }
        Ok(Proposal::Step)
    }

    fn judge(&mut self, engine: &Engine<'a>, trial: &Trial<'_>) -> Verdict {
        let current = self.objective_for_rule(engine);
        let converged = match self.rule {
            StopRule::Logistf {
                xconv,
                gconv,
                lconv,
            } => {
                trial.max_free(trial.step) <= xconv
                    && trial.max_free(trial.score) < gconv
                    && current - self.previous < lconv
            }
            StopRule::RelativeDeviance { eps } => {
                ((current - self.previous).abs() / (current.abs() + 0.1)) < eps
            }
        };
        if converged {
            Verdict::Converged
        } else {
            Verdict::Accept
        }
    }
}

/// Result of [`run`]: the engine evaluated at the final β, the rule and a convergence report.
#[derive(Debug)]
pub(crate) struct NewtonRun<'a> {
    pub(crate) engine: Engine<'a>,
    pub(crate) solver: DampedNewton,
    pub(crate) beta: DVector<f64>,
    pub(crate) convergence: Convergence,
}

/// Runs the rule `solver` on `engine` from `start` for at most `max_iter` iterations (the
/// crate's damped-Newton solver under argmin).
///
/// # Errors
/// Errors raised by an evaluation (e.g. [`crate::Error::SingularMatrix`]) are passed
/// through; anything else from argmin is [`crate::Error::Optimizer`].
pub(crate) fn run<'a>(
    engine: Engine<'a>,
    solver: DampedNewton,
    start: DVector<f64>,
    max_iter: usize,
) -> Result<NewtonRun<'a>> {
    let k = start.len();
    let free = solver.free.clone();
    let newton = Newton::new(k, solver).free(free);
    let out = solver::run(engine, newton, start.as_slice().to_vec(), max_iter)?;
    Ok(NewtonRun {
        engine: out.model,
        beta: DVector::from_vec(out.beta),
        solver: out.solver.into_rule(),
        convergence: out.convergence,
    })
}
