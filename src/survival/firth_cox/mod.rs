//! Firth-penalized Cox regression, numerically as R's `coxphf` (Heinze & Schemper 2001):
//! finite estimates under monotone likelihood, profile penalized-likelihood confidence
//! intervals and penalized likelihood-ratio tests.
//!
//! ```text
//! ℓ*(β) = ℓ(β) + ½ log det I(β)          (Breslow partial likelihood ℓ, information I)
//! U*_j  = U_j + ½ tr(I(β)⁻¹ ∂I/∂β_j)
//! ```
//!
//! Monotone likelihood (the ordinary Cox estimate runs to ±∞, R's warning "Loglik converged
//! before variable …", [`CoxFit::infinite_coefficients`](crate::CoxFit::infinite_coefficients))
//! happens in small cohorts with a rare binary factor, e.g. when every patient with the
//! factor is event-free. Firth's penalty removes the first-order bias of the estimate and
//! keeps it finite.
//!
//! What is reproduced from coxphf 1.13 (algorithms.md §7): Breslow ties only; covariates
//! divided by their standard deviation (not centred) for the iteration; Newton steps with the
//! *unpenalized* information, capped at `max_step` on the standardized scale, step-halving
//! while ℓ* does not increase, and the two-part stopping rule on the standardized step and
//! the penalized score; the variance is `I(β̂)⁻¹` (unpenalized); restricted fits for tests
//! and profiles keep the full `p × p` penalty.
//!
//! Differences from coxphf, all documented on the items concerned: log-likelihoods are
//! reported on the original covariate scale (coxphf prints them for the standardized
//! covariates, larger by `Σ_j log sd_j`); p-values are upper tails `sf`, not
//! `1 - pchisq`; near-equal times are tied by R's `timefix` unless switched off; case
//! weights, strata and offsets are accepted (coxphf has none of them).
//!
//! # References
//! Firth, D. (1993). Bias reduction of maximum likelihood estimates. *Biometrika* 80:27–38.
//! Heinze, G. & Schemper, M. (2001). A solution to the problem of monotone likelihood in Cox
//! regression. *Biometrics* 57:114–119.

mod display;
mod fit;
mod iterate;
mod pass;
mod prepare;
mod profile;

pub use fit::FirthCoxFit;

use crate::{CiMethod, Convergence, Design, Error, Result, SurvivalData};
use iterate::{Controls, Solver};
use prepare::Prepared;

/// Settings of a Firth-penalized Cox fit (R's `coxphf`).
///
/// ```text
/// maximise ℓ*(β) = ℓ_Breslow(β) + ½ log det I(β) from β = 0:
/// δ = I⁻¹U* (each component capped at max_step, standardized scale), step-halving,
/// stop when max|δ| <= xconv and max|U*| <= gconv (at most max_iter iterations)
/// ```
///
/// # Examples
/// ```
/// use oncostat::{CoxPh, Design, FirthCoxPh, SurvivalData, Ties};
/// # fn main() -> Result<(), oncostat::Error> {
/// // Every patient with marker = 1 dies first: the ordinary Cox estimate is infinite.
/// let data = SurvivalData::from_status(
///     vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
///     &[1.0, 1.0, 1.0, 0.0, 1.0, 0.0],
/// )?;
/// let x = Design::from_columns([("marker", vec![1.0, 1.0, 0.0, 0.0, 0.0, 0.0])])?;
/// let ml = CoxPh::new().ties(Ties::Breslow).fit(&data, &x)?;
/// assert_eq!(ml.infinite_coefficients(), ["marker"]);
///
/// let fit = FirthCoxPh::new().fit(&data, &x)?;
/// assert!(fit.convergence().converged());
/// assert!(fit.coefficients()[0].is_finite());
/// let (lower, upper) = fit.profile_conf_int(0, 0.95)?;
/// assert!(lower < fit.coefficients()[0] && fit.coefficients()[0] < upper);
/// println!("{fit}");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FirthCoxPh {
    max_iter: usize,
    max_step: f64,
    max_halving: usize,
    xconv: f64,
    gconv: f64,
    ci: CiMethod,
    timefix: bool,
}

impl Default for FirthCoxPh {
    fn default() -> Self {
        FirthCoxPh {
            max_iter: 50,
            max_step: 0.5,
            max_halving: 5,
            xconv: 1e-6,
            gconv: 1e-4,
            ci: CiMethod::ProfilePenalizedLikelihood,
            timefix: true,
        }
    }
}

impl FirthCoxPh {
    /// coxphf's defaults: 50 iterations, `max_step = 0.5`, 5 halvings, `xconv = 1e-6`,
    /// `gconv = 1e-4`, profile-likelihood inference on; and R's `timefix` on.
    pub fn new() -> Self {
        Self::default()
    }

    /// Maximum number of iterations (default 50, coxphf's `maxit`).
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Largest change of a standardized coefficient in one iteration (default 0.5, coxphf's
    /// `maxstep`).
    pub fn max_step(mut self, max_step: f64) -> Self {
        self.max_step = max_step;
        self
    }

    /// Step-halving limit per iteration (default 5, coxphf's `maxhs`; its loop performs at
    /// most `max_halving + 1` halvings, reproduced here).
    pub fn max_halving(mut self, max_halving: usize) -> Self {
        self.max_halving = max_halving;
        self
    }

    /// Convergence tolerance on the largest change of a standardized coefficient (default
    /// `1e-6`, coxphf's `epsilon`).
    pub fn xconv(mut self, xconv: f64) -> Self {
        self.xconv = xconv;
        self
    }

    /// Convergence tolerance on the largest absolute penalized score on the standardized
    /// scale (default `1e-4`, coxphf's `gconv`).
    pub fn gconv(mut self, gconv: f64) -> Self {
        self.gconv = gconv;
        self
    }

    /// How [`FirthCoxFit::conf_int`] and [`FirthCoxFit::coef_table`] obtain intervals and
    /// tests: [`CiMethod::ProfilePenalizedLikelihood`] (the default, coxphf's `pl = TRUE`;
    /// the 95 % intervals and penalized likelihood-ratio tests are computed up front) or
    /// [`CiMethod::Wald`] (`pl = FALSE`; the profile methods can still be called). Any other
    /// method is an [`Error::UnknownSetting`] at [`FirthCoxPh::fit`].
    pub fn ci(mut self, method: CiMethod) -> Self {
        self.ci = method;
        self
    }

    /// Whether near-equal times (floating-point noise) are treated as tied, as R's
    /// `timefix` (coxphf compares times exactly — use [`Timefix::Exact`](crate::Timefix) to
    /// reproduce it on such data).
    ///
    /// [`Timefix::Merge`](crate::Timefix) is the default; [`Timefix::Exact`](crate::Timefix) compares times exactly.
    pub fn timefix(mut self, timefix: crate::Timefix) -> Self {
        self.timefix = timefix == crate::Timefix::Merge;
        self
    }

    fn check(&self) -> Result<Controls> {
        let positive = |name: &'static str, value: f64| {
            if value.is_finite() && value > 0.0 {
                Ok(())
            } else {
                Err(Error::InvalidParameter {
                    name,
                    value,
                    reason: "must be a finite number > 0",
                })
            }
        };
        positive("max_step", self.max_step)?;
        positive("xconv", self.xconv)?;
        positive("gconv", self.gconv)?;
        Ok(Controls {
            max_iter: self.max_iter,
            max_step: self.max_step,
            max_halving: self.max_halving,
            xconv: self.xconv,
            gconv: self.gconv,
            halving_noise: 0.0,
        })
    }

    /// Fits the model to survival data and a design matrix (one row per observation, no
    /// intercept).
    ///
    /// # Errors
    /// * [`Error::DimensionMismatch`] if `x` does not have one row per observation.
    /// * [`Error::NoEvents`] if every observation is censored;
    ///   [`Error::TooFewObservations`] for a single observation.
    /// * [`Error::CollinearColumns`] for a constant column or one that is a linear
    ///   combination of earlier columns (the penalty `log det I` does not exist).
    /// * [`Error::InvalidParameter`] for a non-positive or non-finite `max_step`, `xconv` or
    ///   `gconv`.
    /// * [`Error::SingularMatrix`] if the information is singular at β = 0.
    /// * [`Error::CountingProcessNotSupported`] for `(start, stop]` data.
    ///
    /// Non-convergence is not an error: see [`FirthCoxFit::convergence`] and
    /// [`FirthCoxFit::require_converged`].
    pub fn fit(&self, data: &SurvivalData, x: &Design) -> Result<FirthCoxFit> {
        let ctl = self.check()?;
        let pl = match self.ci {
            CiMethod::ProfilePenalizedLikelihood => true,
            CiMethod::Wald => false,
            other => {
                return Err(Error::UnknownSetting {
                    setting: "Firth Cox confidence-interval method",
                    value: other.to_string(),
                    allowed: "profile-penalized, wald",
                });
            }
        };
        if data.is_counting() {
            return Err(Error::CountingProcessNotSupported {
                what: "the Firth-penalized Cox model",
                hint: "fit right-censored (time, status) data, as coxphf's default",
            });
        }
        let prepared = Prepared::new(data, x, self.timefix)?;
        let mut solver = Solver::new(&prepared);
        let p = prepared.p;
        let out = solver.run(&prepared, &vec![0.0; p], &vec![true; p], ctl)?;
        if out.iterations == 0 && !out.start_penalized.is_finite() {
            return Err(Error::SingularMatrix {
                what: "the Firth Cox information matrix at β = 0",
            });
        }
        let fit = FirthCoxFit::new(
            x.names().to_vec(),
            prepared,
            &solver,
            &out,
            ctl,
            pl,
            Convergence::new(out.iterations, out.reason),
        );
        if pl && fit.convergence().converged() {
            fit.with_profile()
        } else {
            Ok(fit)
        }
    }
}
