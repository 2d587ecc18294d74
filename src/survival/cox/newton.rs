//! R's Newton–Raphson iteration for the Cox model (`coxfit6`, algorithms.md §2.4), as a step
//! rule of the crate's damped-Newton solver ([`crate::solver`]; each halving is an iteration,
//! as R counts them).
//!
//! ```text
//! β = init; evaluate ℓ0, U, I; factor I; score test = U'I⁻¹U
//! if max_iter == 0 or ℓ0 not finite: V = I⁻¹ at init, stop
//! β_new = β + I⁻¹U; ℓ_best = ℓ0; h = 0
//! for iter in 1..=max_iter:
//!     evaluate at β_new; factor I
//!     if all finite and |1 - ℓ_best/ℓ| <= eps: β = β_new, V = I⁻¹, stop (converged)
//!     if ℓ < ℓ_best or non-finite: h += 1; β_new = (β_new + h·β)/(h + 1)
//!     else: h = 0; ℓ_best = ℓ; β = β_new; β_new = β + I⁻¹U
//! out of iterations (iter = max_iter + 1): if max_iter > 1 re-evaluate at β;
//!     V = diag(1/I_jj) (R inverts the unfactored matrix there), flag 1000
//! ```
//!
//! Counting-process data follow R's `agfit4`, which differs in two places: convergence is
//! tested only when not step-halving, and at the last iteration the fit keeps the last
//! evaluated β unless it is worse than the best by more than `eps` (relative), in which case
//! it goes back to the last accepted β; V is then the proper inverse and `iter = max_iter`.

use super::Ties;
use super::prepare::Prepared;
use super::risk_pass::RiskPass;
use crate::StopReason;
use crate::linalg::Ldl;
use crate::solver::{self, Newton, NewtonProblem, Start, StepRule, Trial, Verdict};

/// R's `flag` for a fit that ran out of iterations.
pub(super) const FLAG_NOT_CONVERGED: i64 = 1000;
/// R's `flag` for a fit that converged while step-halving.
pub(super) const FLAG_HALVING: i64 = -2;

/// Controls of the iteration (R's `coxph.control`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Controls {
    pub ties: Ties,
    pub max_iter: usize,
    pub eps: f64,
    pub toler_chol: f64,
    /// R's `agfit4` rules for counting-process data.
    pub counting: bool,
    /// Worker threads of the risk-set passes (0 = all cores; the numbers do not depend on it).
    pub threads: usize,
}

/// What the iteration returns, on the original covariate scale and (`scaled_*`) on the
/// centred and scaled one the iteration worked on. Reported quantities are formed from the
/// scaled values (`se_j = sqrt(V_s,jj)·s_j`), which cannot under- or overflow where the
/// original-scale matrix does (`V_ij = V_s,ij·s_i·s_j` for `|s| < 1e-154`, crate::numeric).
#[derive(Debug, Clone)]
pub(super) struct NewtonOutcome {
    pub beta: Vec<f64>,
    /// `I⁻¹` (row-major `p × p`), zero rows/columns for singular columns.
    pub variance: Vec<f64>,
    /// β on the scaled covariates (`β_j / s_j`).
    pub scaled_beta: Vec<f64>,
    /// `I⁻¹` of the scaled covariates.
    pub scaled_variance: Vec<f64>,
    /// Score of the scaled covariates at the returned point (Newton step if
    /// `max_iter <= 1` and out of iterations).
    pub scaled_score: Vec<f64>,
    pub loglik_init: f64,
    pub loglik: f64,
    pub score_test: f64,
    pub iterations: usize,
    /// R's `flag`: rank (negative if not PSD), -2 converged while halving, 1000 not converged.
    pub flag: i64,
    /// Fitted with R's counting-process (`agfit4`) rules.
    pub counting: bool,
}

/// The Cox partial likelihood as a [`NewtonProblem`]: one risk pass and R's LDL′ factor of
/// the information at the last evaluated point.
#[derive(Debug)]
struct CoxModel<'d> {
    data: &'d Prepared,
    ties: Ties,
    toler_chol: f64,
    pass: RiskPass,
    ldl: Ldl,
    /// ℓ, U and I of the last evaluation are all finite.
    finite: bool,
}

impl NewtonProblem for CoxModel<'_> {
    fn dim(&self) -> usize {
        self.data.p
    }

    fn evaluate(&mut self, beta: &[f64]) -> crate::Result<f64> {
        let loglik = self.pass.evaluate(self.data, self.ties, beta);
        self.ldl.factor(&self.pass.information, self.toler_chol);
        self.finite = loglik.is_finite()
            && self.pass.score.iter().all(|u| u.is_finite())
            && self.pass.information.iter().all(|v| v.is_finite());
        Ok(loglik)
    }

    fn direction(&mut self, _free: &[bool], delta: &mut [f64]) -> crate::Result<bool> {
        delta.copy_from_slice(&self.pass.score);
        self.ldl.solve(delta);
        Ok(true)
    }

    fn gradient(&self) -> &[f64] {
        &self.pass.score
    }
}

/// R's `coxph` step rule (`coxfit6`; `agfit4` for counting-process data), see the module
/// documentation.
#[derive(Debug, Clone)]
struct CoxphRule {
    eps: f64,
    max_iter: usize,
    counting: bool,
    score_test: f64,
}

impl StepRule<CoxModel<'_>> for CoxphRule {
    fn start(
        &mut self,
        model: &mut CoxModel<'_>,
        beta: &[f64],
        free: &[bool],
    ) -> crate::Result<Start> {
        let loglik = model.evaluate(beta)?;
        let mut step = vec![0.0; beta.len()];
        model.direction(free, &mut step)?;
        self.score_test = model.pass.score.iter().zip(&step).map(|(u, a)| u * a).sum();
        Ok(if self.max_iter == 0 || !loglik.is_finite() {
            Start::Stop(loglik, StopReason::NonFinite)
        } else {
            Start::Objective(loglik)
        })
    }

    fn judge(&mut self, model: &CoxModel<'_>, t: &Trial<'_>) -> Verdict {
        let may_stop = !self.counting || t.backtracks == 0;
        if model.finite && may_stop && (1.0 - t.previous / t.objective).abs() <= self.eps {
            return Verdict::Converged;
        }
        if self.counting && t.iteration == self.max_iter {
            let worse =
                self.max_iter > 1 && (t.objective - t.previous) / t.previous.abs() < -self.eps;
            return Verdict::Stop {
                reason: StopReason::MaxIterations,
                keep_trial: !worse,
            };
        }
        if !model.finite || t.objective < t.previous {
            Verdict::BacktrackNextIteration
        } else {
            Verdict::Accept
        }
    }

    /// `β_t = (β_t + h·β)/(h + 1)`, `h` consecutive halvings.
    fn backtrack(&self, accepted: &[f64], trial: &mut [f64], backtracks: usize) {
        let h = backtracks as f64;
        for (nb, b) in trial.iter_mut().zip(accepted) {
            *nb = (*nb + h * b) / (h + 1.0);
        }
    }
}

/// Runs R's iteration from `init` (original scale).
///
/// # Errors
/// None from the Cox model itself; an internal failure of argmin is [`crate::Error::Optimizer`].
pub(super) fn newton(data: &Prepared, init: &[f64], ctl: Controls) -> crate::Result<NewtonOutcome> {
    let p = data.p;
    let model = CoxModel {
        data,
        ties: ctl.ties,
        toler_chol: ctl.toler_chol,
        pass: RiskPass::new(data, ctl.threads),
        ldl: Ldl::new(p),
        finite: true,
    };
    let rule = CoxphRule {
        eps: ctl.eps,
        max_iter: ctl.max_iter,
        counting: ctl.counting,
        score_test: f64::NAN,
    };
    let beta: Vec<f64> = init.iter().zip(&data.scales).map(|(b, s)| b / s).collect();
    let out = solver::run(model, Newton::new(p, rule), beta, ctl.max_iter)?;
    let mut model = out.model;
    let loglik_init = out.solver.start_objective();
    let score_test = out.solver.rule().score_test;
    let iterations = out.convergence.iterations();
    let outcome = |beta: &[f64], score: &[f64], variance: Vec<f64>, loglik, iterations, flag| {
        let (scaled_beta, scaled_score, scaled_variance) =
            (beta.to_vec(), score.to_vec(), variance.clone());
        let (beta, variance) = rescale(data, beta, variance);
        NewtonOutcome {
            beta,
            variance,
            scaled_beta,
            scaled_variance,
            scaled_score,
            loglik_init,
            loglik,
            score_test,
            iterations,
            flag,
            counting: ctl.counting,
        }
    };
    Ok(match out.convergence.reason() {
        // max_iter == 0 or a non-finite start: V = I⁻¹ at init
        StopReason::NonFinite => outcome(
            &out.beta,
            &model.pass.score,
            model.ldl.inverse(),
            loglik_init,
            0,
            model.ldl.flag(),
        ),
        StopReason::Converged => {
            let flag = if out.solver.backtracks() > 0 {
                FLAG_HALVING
            } else {
                model.ldl.flag()
            };
            outcome(
                &out.beta,
                &model.pass.score,
                model.ldl.inverse(),
                out.solver.objective(),
                iterations,
                flag,
            )
        }
        // agfit4 at the last iteration: the model holds the kept point
        _ if ctl.counting => outcome(
            &out.beta,
            &model.pass.score,
            model.ldl.inverse(),
            out.solver.objective(),
            ctl.max_iter,
            FLAG_NOT_CONVERGED,
        ),
        // Out of iterations: R reports the last accepted β.
        _ => {
            let (loglik, variance) = if ctl.max_iter > 1 {
                let ll = model.pass.evaluate(data, ctl.ties, &out.beta);
                // R inverts the freshly evaluated, *unfactored* information here, which
                // leaves diag(1/I_jj); reproduced for parity with `coxph`.
                let mut v = vec![0.0; p * p];
                for j in 0..p {
                    let d = model.pass.information[j * p + j];
                    if d > 0.0 {
                        v[j * p + j] = 1.0 / d;
                    }
                }
                (ll, v)
            } else {
                (out.solver.objective(), model.ldl.inverse())
            };
            outcome(
                &out.beta,
                &model.pass.score,
                variance,
                loglik,
                ctl.max_iter + 1,
                FLAG_NOT_CONVERGED,
            )
        }
    })
}

/// Back to the original covariate scale: `β·s`, `V_ij·s_i·s_j`.
fn rescale(data: &Prepared, beta: &[f64], mut variance: Vec<f64>) -> (Vec<f64>, Vec<f64>) {
    let p = data.p;
    let s = &data.scales;
    let beta = beta.iter().zip(s).map(|(b, s)| b * s).collect();
    for i in 0..p {
        for j in 0..p {
            variance[i * p + j] *= s[i] * s[j];
        }
    }
    (beta, variance)
}
