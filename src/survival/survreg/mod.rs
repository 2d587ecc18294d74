//! Parametric survival regression as R's `survreg` (survival 3.5-3): Weibull, exponential,
//! log-normal and log-logistic accelerated failure time models, and the extreme-value,
//! Gaussian and logistic location–scale models they stand on.
//!
//! # Model
//! With `y = log t` (or `y = t` for [`SurvRegDist::Extreme`], [`SurvRegDist::Gaussian`],
//! [`SurvRegDist::Logistic`]) and `z = (y − x'β − offset)/σ_s`, one scale per stratum `s`:
//!
//! ```text
//! event:    log f(z) − log σ_s       censored: log S(z)
//! Weibull / exponential: extreme value   f = exp(z − e^z),  S = exp(−e^z)
//! log-normal: Gaussian      log-logistic: logistic
//! ℓ = Σ wᵢ ℓᵢ − Σ_events wᵢ log tᵢ      (the Jacobian of the log, R's `logcorrect`)
//! ```
//!
//! Parameters are `(β, log σ_1..σ_S)`; the exponential fixes `σ = 1` (no `Log(scale)` row),
//! [`SurvReg::scale`] fixes any scale.
//!
//! # Algorithm (R's `survreg.fit` and `survreg6`, so that iteration counts match)
//! 1. `m`, `v` = weighted mean and population variance of `y`; the law's start
//!    (extreme `(m + 0.572, v/1.64)`, logistic `(m, v/3.2)`, Gaussian `(m, v)`) and
//!    `log σ₀ = log(4v′)/2`.
//! 2. The intercept by one weighted least-squares step at `z = 0`, then the intercept-only
//!    model by Newton–Raphson (at most 20 iterations): `loglik_null` and the scales.
//! 3. The full-model start: weighted least squares at `z = 0` with those scales.
//! 4. Newton–Raphson with the analytic observed information, R's backtracking and stopping
//!    rule (`iterate` module: `|1 − ℓ_old/ℓ_new| ≤ 1e-9`, midpoint backtracking up to 5
//!    times per iteration with the log-σ guard, `J'J` when the information is not p.d.).
//!
//! Covariates other than 0/1 columns are centred and scaled for the iteration when the first
//! column is the intercept, as R does; estimates and variance are mapped back.
//!
//! # Decisions where R leaves a choice
//! * Non-convergence is flagged on the fit ([`SurvRegFit::convergence`]), never an error;
//!   [`SurvRegFit::require_converged`] makes it one.
//! * A constant covariate that is not 0/1 is not scaled (R would divide by its SD of 0).
//! * Survival-curve intervals ([`SurvRegFit::survival_curve`]) are delta-method intervals
//!   on the `z` scale, mapped through the law's survival function (they stay in [0, 1]);
//!   the restricted mean integrates `S(t | x)` numerically, its SE by the delta method.
//!
//! # References
//! Kalbfleisch, J. D. & Prentice, R. L. (2002). *The Statistical Analysis of Failure Time
//! Data*, 2nd ed. Wiley. Therneau, T. M. *survival* package, `survreg` documentation.

mod display;
mod dist;
mod fit;
mod iterate;
mod loglik;
mod predict;
mod start;

pub use dist::SurvRegDist;
pub use fit::{SurvReg, SurvRegFit};
pub use predict::{CurvePoint, MeanSurvival, Prediction};
