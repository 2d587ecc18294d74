//! R's Newton–Raphson iteration for the Cox model (`coxfit6`, algorithms.md §2.4).
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
use crate::linalg::Ldl;

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
}

/// What the iteration returns, on the original covariate scale.
#[derive(Debug, Clone)]
pub(super) struct NewtonOutcome {
    pub beta: Vec<f64>,
    /// `I⁻¹` (row-major `p × p`), zero rows/columns for singular columns.
    pub variance: Vec<f64>,
    /// Score at the returned point (Newton step if `max_iter <= 1` and out of iterations).
    pub score: Vec<f64>,
    pub loglik_init: f64,
    pub loglik: f64,
    pub score_test: f64,
    pub iterations: usize,
    /// R's `flag`: rank (negative if not PSD), -2 converged while halving, 1000 not converged.
    pub flag: i64,
    /// Fitted with R's counting-process (`agfit4`) rules.
    pub counting: bool,
}

/// Runs R's iteration from `init` (original scale).
pub(super) fn newton(data: &Prepared, init: &[f64], ctl: Controls) -> NewtonOutcome {
    let p = data.p;
    let mut pass = RiskPass::new(data);
    let mut ldl = Ldl::new(p);
    let mut beta: Vec<f64> = init.iter().zip(&data.scales).map(|(b, s)| b / s).collect();

    let loglik_init = pass.evaluate(data, ctl.ties, &beta);
    let mut step = pass.score.clone();
    ldl.factor(&pass.information, ctl.toler_chol);
    ldl.solve(&mut step);
    let score_test: f64 = pass.score.iter().zip(&step).map(|(u, a)| u * a).sum();

    let finish =
        |beta: &[f64], score: &[f64], variance: Vec<f64>| rescale(data, beta, score, variance);

    if ctl.max_iter == 0 || !loglik_init.is_finite() {
        let (beta, score, variance) = finish(&beta, &pass.score, ldl.inverse());
        return NewtonOutcome {
            beta,
            variance,
            score,
            loglik_init,
            loglik: loglik_init,
            score_test,
            iterations: 0,
            flag: ldl.flag(),
            counting: ctl.counting,
        };
    }

    let mut best = loglik_init;
    let mut new_beta: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + s).collect();
    let mut halving = 0usize;
    for iter in 1..=ctl.max_iter {
        let new_loglik = pass.evaluate(data, ctl.ties, &new_beta);
        ldl.factor(&pass.information, ctl.toler_chol);
        let finite = new_loglik.is_finite()
            && pass.score.iter().all(|u| u.is_finite())
            && pass.information.iter().all(|v| v.is_finite());
        let may_stop = !ctl.counting || halving == 0;
        if finite && may_stop && (1.0 - best / new_loglik).abs() <= ctl.eps {
            let (beta, score, variance) = finish(&new_beta, &pass.score, ldl.inverse());
            return NewtonOutcome {
                beta,
                variance,
                score,
                loglik_init,
                loglik: new_loglik,
                score_test,
                iterations: iter,
                flag: if halving > 0 {
                    FLAG_HALVING
                } else {
                    ldl.flag()
                },
                counting: ctl.counting,
            };
        }
        if ctl.counting && iter == ctl.max_iter {
            let worse = ctl.max_iter > 1 && (new_loglik - best) / best.abs() < -ctl.eps;
            let (kept, loglik) = if worse {
                let ll = pass.evaluate(data, ctl.ties, &beta);
                ldl.factor(&pass.information, ctl.toler_chol);
                (beta.clone(), ll)
            } else {
                (new_beta.clone(), new_loglik)
            };
            let (beta, score, variance) = finish(&kept, &pass.score, ldl.inverse());
            return NewtonOutcome {
                beta,
                variance,
                score,
                loglik_init,
                loglik,
                score_test,
                iterations: ctl.max_iter,
                flag: FLAG_NOT_CONVERGED,
                counting: true,
            };
        }
        if !finite || new_loglik < best {
            halving += 1;
            let h = halving as f64;
            for (nb, b) in new_beta.iter_mut().zip(&beta) {
                *nb = (*nb + h * b) / (h + 1.0);
            }
        } else {
            halving = 0;
            best = new_loglik;
            step.copy_from_slice(&pass.score);
            ldl.solve(&mut step);
            beta.copy_from_slice(&new_beta);
            for (nb, s) in new_beta.iter_mut().zip(&step) {
                *nb += s;
            }
        }
    }

    // Out of iterations: R reports the last accepted β.
    let (loglik, score, variance) = if ctl.max_iter > 1 {
        let ll = pass.evaluate(data, ctl.ties, &beta);
        // R inverts the freshly evaluated, *unfactored* information here, which leaves
        // diag(1/I_jj); reproduced for parity with `coxph`.
        let mut v = vec![0.0; p * p];
        for j in 0..p {
            let d = pass.information[j * p + j];
            if d > 0.0 {
                v[j * p + j] = 1.0 / d;
            }
        }
        (ll, pass.score.clone(), v)
    } else {
        (best, pass.score.clone(), ldl.inverse())
    };
    let (beta, score, variance) = finish(&beta, &score, variance);
    NewtonOutcome {
        beta,
        variance,
        score,
        loglik_init,
        loglik,
        score_test,
        iterations: ctl.max_iter + 1,
        flag: FLAG_NOT_CONVERGED,
        counting: ctl.counting,
    }
}

/// Back to the original covariate scale: `β·s`, `U/s`, `V_ij·s_i·s_j`.
fn rescale(
    data: &Prepared,
    beta: &[f64],
    score: &[f64],
    mut variance: Vec<f64>,
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let p = data.p;
    let s = &data.scales;
    let beta = beta.iter().zip(s).map(|(b, s)| b * s).collect();
    let score = score.iter().zip(s).map(|(u, s)| u / s).collect();
    for i in 0..p {
        for j in 0..p {
            variance[i * p + j] *= s[i] * s[j];
        }
    }
    (beta, score, variance)
}
