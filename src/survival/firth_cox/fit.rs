//! The fitted Firth-penalized Cox model (R's `coxphf` object and `summary.coxphf`).

use nalgebra::{DMatrix, DVector};

use super::iterate::{Controls, Outcome, Solver};
use super::prepare::Prepared;
use super::profile::{profile_bound, restricted_max};
use crate::stats::{check_level, chisq_quantile};
use crate::table::wald_table;
use crate::{
    ChiSqTest, CiMethod, CoefRow, CoefTable, Convergence, Error, Result, Statistic, TableStyle,
};

/// Level of the intervals computed up front when profile inference is on.
const DEFAULT_LEVEL: f64 = 0.95;

/// A fitted Firth-penalized Cox model, produced by
/// [`FirthCoxPh::fit`](super::FirthCoxPh::fit).
///
/// ```text
/// β̂ = argmax ℓ*(β),  ℓ* = ℓ_Breslow + ½ log det I
/// se = sqrt(diag(I(β̂)⁻¹))  (unpenalized information, as coxphf),  HR = exp(β̂)
/// penalized LR (coefficient j):  2 (ℓ*(β̂) - max_{β_j = 0} ℓ*(β)),  1 df
/// profile CI: { ψ : 2 (ℓ*(β̂) - max_{β_j = ψ} ℓ*(β)) <= χ²_{1, level} }
/// ```
///
/// Log-likelihoods are on the original covariate scale. coxphf reports them for the
/// standardized covariates, which adds the constant `Σ_j log sd_j`; differences (the tests)
/// are the same.
///
/// # Examples
/// ```
/// use oncostat::{Design, FirthCoxPh, SurvivalData};
/// # fn main() -> Result<(), oncostat::Error> {
/// // Heinze & Schemper (2001), §2: two patients, the one with x = 1 dies first;
/// // the penalized estimate is log 3.
/// let data = SurvivalData::from_status(vec![1.0, 2.0], &[1.0, 0.0])?;
/// let x = Design::from_columns([("x", vec![1.0, 0.0])])?;
/// let fit = FirthCoxPh::new().fit(&data, &x)?;
/// assert!((fit.coefficients()[0] - 3f64.ln()).abs() < 1e-6);
/// let test = fit.penalized_lr_test(0)?;
/// assert!(test.p_value() > 0.05);
/// let table = fit.coef_table(0.95)?;
/// assert_eq!(table.rows()[0].term, "x");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FirthCoxFit {
    term_names: Vec<String>,
    coefficients: DVector<f64>,
    std_errors: DVector<f64>,
    covariance: DMatrix<f64>,
    penalized_loglik: f64,
    null_penalized_loglik: f64,
    n: usize,
    n_events: usize,
    convergence: Convergence,
    aliased: Vec<bool>,
    pl: bool,
    /// β̂ on the standardized scale.
    beta_std: Vec<f64>,
    /// ℓ*(β̂) on the standardized scale.
    max_penalized_std: f64,
    #[cfg_attr(feature = "serde", serde(skip))]
    data: Prepared,
    #[cfg_attr(feature = "serde", serde(skip))]
    controls: Controls,
    lr_tests: Option<Vec<ChiSqTest>>,
    profile_95: Option<Vec<(f64, f64)>>,
}

impl FirthCoxFit {
    pub(super) fn new(
        term_names: Vec<String>,
        data: Prepared,
        solver: &Solver,
        out: &Outcome,
        controls: Controls,
        pl: bool,
        convergence: Convergence,
    ) -> Self {
        let p = data.p;
        let sd = &data.sd;
        let inv = &solver.pass.inverse;
        let coefficients = DVector::from_fn(p, |j, _| out.beta[j] / sd[j]);
        let covariance = DMatrix::from_fn(p, p, |i, j| inv[i * p + j] / (sd[i] * sd[j]));
        let std_errors = DVector::from_fn(p, |j, _| covariance[(j, j)].sqrt());
        let shift = data.log_scale();
        FirthCoxFit {
            term_names,
            coefficients,
            std_errors,
            covariance,
            penalized_loglik: out.penalized + shift,
            null_penalized_loglik: out.start_penalized + shift,
            n: data.n,
            n_events: data.n_events,
            convergence,
            aliased: vec![false; p],
            pl,
            beta_std: out.beta.clone(),
            max_penalized_std: out.penalized,
            data,
            controls,
            lr_tests: None,
            profile_95: None,
        }
    }

    /// Computes the penalized LR tests and 95 % profile intervals up front.
    pub(super) fn with_profile(mut self) -> Result<Self> {
        self.lr_tests = Some(self.penalized_lr_tests()?);
        self.profile_95 = Some(self.profile_conf_ints(DEFAULT_LEVEL)?);
        Ok(self)
    }

    /// Column names, in the order of the design.
    pub fn term_names(&self) -> &[String] {
        &self.term_names
    }

    /// Penalized estimates β̂ (log hazard ratios).
    #[doc(alias = "coef")]
    #[doc(alias = "params")]
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.coefficients
    }

    /// Standard errors `sqrt(diag(I(β̂)⁻¹))` from the *unpenalized* information at the
    /// penalized estimate (coxphf's `fit$var`).
    #[doc(alias = "bse")]
    pub fn std_errors(&self) -> &DVector<f64> {
        &self.std_errors
    }

    /// Variance–covariance matrix `I(β̂)⁻¹` (unpenalized information; coxphf's `fit$var`).
    #[doc(alias = "vcov")]
    #[doc(alias = "covariance")]
    pub fn variance(&self) -> &DMatrix<f64> {
        &self.covariance
    }

    /// Hazard ratios `exp(β̂)`.
    pub fn hazard_ratios(&self) -> DVector<f64> {
        self.coefficients.map(f64::exp)
    }

    /// Wald statistics `β̂ / se`.
    pub fn z_values(&self) -> DVector<f64> {
        crate::stats::wald_z(&self.coefficients, &self.std_errors)
    }

    /// Two-sided Wald p-values (coxphf with `pl = FALSE`); the penalized likelihood-ratio
    /// p-values are [`FirthCoxFit::penalized_lr_tests`].
    pub fn p_values(&self) -> DVector<f64> {
        crate::stats::wald_p(&self.coefficients, &self.std_errors)
    }

    /// Confidence intervals on the coefficient scale by [`FirthCoxFit::ci_method`]: profile
    /// penalized likelihood ([`FirthCoxFit::profile_conf_int`] for every coefficient, the
    /// default) or Wald `β̂ ± z·se`.
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] for a level outside (0, 1).
    pub fn conf_int(&self, level: f64) -> Result<Vec<(f64, f64)>> {
        if self.pl {
            self.profile_conf_ints(level)
        } else {
            crate::stats::wald_conf_int(&self.coefficients, &self.std_errors, level)
        }
    }

    /// Always `false` (a collinear design is an error: the penalty `log det I` needs full
    /// rank); here for the common accessor contract.
    pub fn aliased(&self) -> &[bool] {
        &self.aliased
    }

    /// Penalized log-likelihood `ℓ(β̂) + ½ log det I(β̂)` (coxphf's `loglik[2]`, on the
    /// original covariate scale; see the type documentation).
    #[doc(alias = "penalized_log_likelihood")]
    pub fn loglik(&self) -> f64 {
        self.penalized_loglik
    }

    /// Penalized log-likelihood at β = 0 (coxphf's `loglik[1]`, original scale).
    pub fn loglik_null(&self) -> f64 {
        self.null_penalized_loglik
    }

    /// Penalized likelihood-ratio test of all coefficients,
    /// `2 (ℓ*(β̂) - ℓ*(0))` on `p` df (coxphf's "Likelihood ratio test").
    pub fn lr_test(&self) -> ChiSqTest {
        ChiSqTest::new(
            2.0 * (self.penalized_loglik - self.null_penalized_loglik),
            self.coefficients.len() as f64,
        )
    }

    /// Number of observations.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Number of events (unweighted).
    pub fn n_events(&self) -> usize {
        self.n_events
    }

    /// How the iteration ended (coxphf's `iter`).
    pub fn convergence(&self) -> &Convergence {
        &self.convergence
    }

    /// Number of iterations (coxphf's `iter`).
    pub fn iterations(&self) -> usize {
        self.convergence.iterations()
    }

    /// `true` if the iteration met its convergence criterion.
    pub fn converged(&self) -> bool {
        self.convergence.converged()
    }

    /// Returns the fit if it converged.
    ///
    /// # Errors
    /// * [`Error::NotConverged`] if the iteration ran out of iterations or became
    ///   non-finite.
    pub fn require_converged(self) -> Result<Self> {
        self.convergence.require("Firth-penalized Cox model")?;
        Ok(self)
    }

    /// `(name, β̂)` pairs.
    pub fn iter_coefficients(&self) -> impl Iterator<Item = (&str, f64)> {
        self.term_names
            .iter()
            .map(String::as_str)
            .zip(self.coefficients.iter().copied())
    }

    fn check_index(&self, index: usize) -> Result<()> {
        if index < self.coefficients.len() {
            Ok(())
        } else {
            Err(Error::InvalidParameter {
                name: "coefficient index",
                value: index as f64,
                reason: "there is no coefficient with this (0-based) index",
            })
        }
    }

    /// Profile penalized-likelihood confidence interval of coefficient `index` (0-based) on
    /// the coefficient (log hazard ratio) scale; exponentiate for the hazard ratio
    /// (coxphf's `ci.lower`, `ci.upper`).
    ///
    /// ```text
    /// { ψ : 2 (ℓ*(β̂) - max_{β_index = ψ} ℓ*(β)) <= qchisq(level, 1) }
    /// ```
    ///
    /// A bound is NaN (R's `NA`) if a restricted fit does not converge, and infinite if the
    /// profile never falls below the threshold.
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] for an index out of range or a level outside (0, 1).
    pub fn profile_conf_int(&self, index: usize, level: f64) -> Result<(f64, f64)> {
        self.check_index(index)?;
        check_level(level)?;
        if let (true, Some(cis)) = ((level - DEFAULT_LEVEL).abs() <= 0.0, &self.profile_95) {
            return Ok(cis[index]);
        }
        let critical = chisq_quantile(level, 1.0);
        let mut solver = Solver::new(&self.data);
        let sd = self.data.sd[index];
        let se_std = self.std_errors[index] * sd;
        let bound = |solver: &mut Solver, direction: f64| {
            profile_bound(
                &self.data,
                solver,
                &self.beta_std,
                self.max_penalized_std,
                se_std,
                index,
                critical,
                direction,
                self.controls,
            ) / sd
        };
        let lower = bound(&mut solver, -1.0);
        let upper = bound(&mut solver, 1.0);
        Ok((lower, upper))
    }

    fn profile_conf_ints(&self, level: f64) -> Result<Vec<(f64, f64)>> {
        (0..self.coefficients.len())
            .map(|j| self.profile_conf_int(j, level))
            .collect()
    }

    /// Penalized likelihood-ratio test of `β_index = 0` (1 df), the restricted fit keeping
    /// the full penalty (coxphf's `prob`; the p-value here is the upper tail `sf`, where
    /// coxphf computes `1 - pchisq`). The statistic is NaN (R's `NA`) if the restricted fit
    /// does not converge.
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] for an index out of range.
    pub fn penalized_lr_test(&self, index: usize) -> Result<ChiSqTest> {
        self.check_index(index)?;
        if let Some(tests) = &self.lr_tests {
            return Ok(tests[index]);
        }
        self.joint_test(&[index])
    }

    /// [`FirthCoxFit::penalized_lr_test`] for every coefficient.
    ///
    /// # Errors
    /// Never in practice (indices are in range); kept fallible for uniformity.
    pub fn penalized_lr_tests(&self) -> Result<Vec<ChiSqTest>> {
        (0..self.coefficients.len())
            .map(|j| self.penalized_lr_test(j))
            .collect()
    }

    /// Joint penalized likelihood-ratio test that the coefficients at `indices` (0-based)
    /// are all 0, as coxphf's `coxphftest`: `2 (ℓ*(β̂) - ℓ*(β̃))` on `indices.len()` df,
    /// where β̃ maximises ℓ* (full p × p penalty) with those coefficients at 0. NaN if the
    /// restricted fit does not converge.
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] for an empty, repeated or out-of-range index list.
    pub fn joint_test(&self, indices: &[usize]) -> Result<ChiSqTest> {
        if indices.is_empty() {
            return Err(Error::InvalidParameter {
                name: "indices",
                value: 0.0,
                reason: "a joint test needs at least one coefficient",
            });
        }
        let mut sorted = indices.to_vec();
        sorted.sort_unstable();
        for w in sorted.windows(2) {
            if w[0] == w[1] {
                return Err(Error::InvalidParameter {
                    name: "indices",
                    value: w[0] as f64,
                    reason: "a coefficient is listed twice",
                });
            }
        }
        for &j in &sorted {
            self.check_index(j)?;
        }
        let mut solver = Solver::new(&self.data);
        let zeros = vec![0.0; sorted.len()];
        let df = sorted.len() as f64;
        let restricted = restricted_max(
            &self.data,
            &mut solver,
            &self.beta_std,
            &sorted,
            &zeros,
            self.controls,
        );
        Ok(match restricted {
            Some((value, _)) => ChiSqTest::new(2.0 * (self.max_penalized_std - value).max(0.0), df),
            None => ChiSqTest::new(f64::NAN, df),
        })
    }

    /// Coefficient table at `level`. With profile inference on (the default) it has coxphf's
    /// `summary` content in [`TableStyle::Logistf`] layout: estimate, se, profile penalized
    /// bounds and the penalized LR chi-square with its p-value. With [`CiMethod::Wald`] it is a
    /// [`TableStyle::Coxph`] Wald table ([`FirthCoxPh::ci`](super::FirthCoxPh::ci)).
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] if `level` is not strictly between 0 and 1.
    pub fn coef_table(&self, level: f64) -> Result<CoefTable> {
        if !self.pl {
            return wald_table(
                &self.term_names,
                &self.coefficients,
                &self.std_errors,
                level,
                CiMethod::Wald,
                TableStyle::Coxph,
            );
        }
        let cis = self.profile_conf_ints(level)?;
        let tests = self.penalized_lr_tests()?;
        let rows = (0..self.coefficients.len())
            .map(|j| CoefRow {
                term: self.term_names[j].clone(),
                estimate: self.coefficients[j],
                std_error: self.std_errors[j],
                statistic: tests[j].statistic(),
                p_value: tests[j].p_value(),
                lower: cis[j].0,
                upper: cis[j].1,
                method: CiMethod::ProfilePenalizedLikelihood,
            })
            .collect();
        Ok(CoefTable::new(
            rows,
            Statistic::ChiSq,
            level,
            TableStyle::Logistf,
        ))
    }

    /// How [`FirthCoxFit::conf_int`] and the table are obtained
    /// ([`FirthCoxPh::ci`](super::FirthCoxPh::ci)).
    pub fn ci_method(&self) -> CiMethod {
        if self.pl {
            CiMethod::ProfilePenalizedLikelihood
        } else {
            CiMethod::Wald
        }
    }
}
