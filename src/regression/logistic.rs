//! Maximum-likelihood logistic regression as R's `glm(family = binomial)`.

use std::sync::Arc;

use nalgebra::{DMatrix, DVector};

use super::engine::{Engine, OwnedProblem};
use super::newton::{DampedNewton, StopRule, run};
use super::outcome::BinaryOutcome;
use super::profile::{ProfileStart, Side, VmControl, mass_interval, vm_bound};
use crate::parallel::{map_jobs, threads_for};
use crate::stats::z_for_level;
use crate::{
    ChiSqTest, CiMethod, CoefRow, CoefTable, Convergence, Design, Error, Result, Statistic,
    StopReason, TableStyle,
};

/// Pivot tolerance of glm's QR (`min(1e-7, epsilon/1000)` = 1e-11): a column whose residual
/// after projecting out the earlier kept columns is below this fraction of its norm is
/// aliased (coefficient `NA`).
const ALIAS_TOL: f64 = 1e-11;

/// A coefficient is flagged as diverging (separation) when one more Fisher-scoring step from
/// the converged estimate would still move it by more than this fraction of `max(1, |β|)`:
/// a finite MLE converges quadratically (next step ~1e-8), a separated direction keeps
/// stepping by ~1 per iteration.
const SEPARATION_STEP_TOL: f64 = 1e-4;

/// R's threshold for "fitted probabilities numerically 0 or 1 occurred" (10·ε).
const FITTED_EPS: f64 = 10.0 * f64::EPSILON;

/// Settings of a maximum-likelihood logistic regression (R's `glm(..., family = binomial)`).
///
/// ```text
/// logit P(yᵢ = 1) = offsetᵢ + xᵢᵀβ,  β̂ = argmax Σ wᵢ [yᵢ log πᵢ + (1 − yᵢ) log(1 − πᵢ)]
/// ```
/// IRLS exactly as `glm.fit`: start `μ = (w·y + ½)/(w + 1)`, stop when
/// `|dev − dev_old|/(|dev| + 0.1) < epsilon`; aliased columns (pivot tolerance 1e-11) get an
/// `NA` (NaN) coefficient.
///
/// # Examples
/// ```
/// use oncostat::{BinaryOutcome, Design, LogisticRegression};
/// # fn main() -> Result<(), oncostat::Error> {
/// let x = Design::from_columns([("dose", vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])])?
///     .with_intercept();
/// let y = BinaryOutcome::new(&[0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0])?;
/// let fit = LogisticRegression::new().fit(&x, &y)?.require_converged()?;
/// let ci = fit.conf_int(0.95)?; // exact profile likelihood, the default
/// assert!(ci[1].0 < fit.coefficients()[1] && fit.coefficients()[1] < ci[1].1);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogisticRegression {
    max_iter: usize,
    epsilon: f64,
    threads: usize,
    ci: CiMethod,
}

impl Default for LogisticRegression {
    fn default() -> Self {
        LogisticRegression {
            max_iter: 25,
            epsilon: 1e-8,
            threads: 0,
            ci: CiMethod::ProfileLikelihood,
        }
    }
}

impl LogisticRegression {
    /// Default settings (`glm.control()`: `maxit = 25`, `epsilon = 1e-8`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Maximum number of IRLS iterations (default 25, R's `maxit`).
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Relative deviance convergence tolerance (default 1e-8, R's `epsilon`).
    pub fn epsilon(mut self, epsilon: f64) -> Self {
        self.epsilon = epsilon;
        self
    }

    /// How [`LogisticFit::conf_int`] and [`LogisticFit::coef_table`] obtain the intervals:
    /// [`CiMethod::ProfileLikelihood`] (exact profile-likelihood roots, the project default),
    /// [`CiMethod::ProfileLikelihoodMass`] (what R's `confint()` prints for a glm, MASS
    /// 7.3-58.2) or [`CiMethod::Wald`] (R's `confint.default`). Any other method is an
    /// [`Error::UnknownSetting`] at [`LogisticRegression::fit`].
    pub fn ci(mut self, method: CiMethod) -> Self {
        self.ci = method;
        self
    }

    /// Maximum worker threads for [`LogisticFit::conf_int`] (profile methods) and
    /// [`LogisticFit::lr_tests`] (default 0 = all available cores). Small problems
    /// (`n·k²` times the number of searches below 400 000, e.g. the n = 142 cohort
    /// replicates) always run on the calling thread; the searches are handed to whichever
    /// thread is free; the results do not depend on it.
    ///
    /// ```
    /// use oncostat::LogisticRegression;
    /// let model = LogisticRegression::new().threads(1);
    /// # let _ = model;
    /// ```
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    fn check(&self) -> Result<()> {
        if !matches!(
            self.ci,
            CiMethod::ProfileLikelihood | CiMethod::ProfileLikelihoodMass | CiMethod::Wald
        ) {
            return Err(Error::UnknownSetting {
                setting: "logistic confidence-interval method",
                value: self.ci.to_string(),
                allowed: "profile, mass, wald",
            });
        }
        if !(self.epsilon.is_finite() && self.epsilon > 0.0) {
            return Err(Error::InvalidParameter {
                name: "epsilon",
                value: self.epsilon,
                reason: "the convergence tolerance must be a finite number > 0",
            });
        }
        if self.max_iter == 0 {
            return Err(Error::InvalidParameter {
                name: "max_iter",
                value: 0.0,
                reason: "at least one iteration is needed",
            });
        }
        Ok(())
    }

    /// Fits the model. `x` must already contain the intercept if one is wanted
    /// ([`Design::with_intercept`]).
    ///
    /// Separation is not an error (R only warns): the fit is returned with
    /// [`LogisticFit::separation`] naming the diverging columns and a
    /// [`StopReason::Diverging`] convergence; [`LogisticFit::require_converged`] turns it into
    /// [`Error::Separation`].
    ///
    /// # Errors
    /// * [`Error::DimensionMismatch`] if `y` does not have one entry per row of `x`.
    /// * [`Error::NoEvents`] if every outcome is 0 or every outcome is 1.
    /// * [`Error::InvalidParameter`] for a bad setting.
    /// * [`Error::SingularMatrix`] if the information matrix cannot be factored.
    /// * [`Error::NumericalRange`] for an offset beyond ±709 (`exp` overflows), or if the
    ///   log-likelihood, a coefficient or a standard error does not fit in a double (covariate
    ///   scale alone is handled up to 1e±300).
    pub fn fit(&self, x: &Design, y: &BinaryOutcome) -> Result<LogisticFit> {
        self.check()?;
        y.check_against(x.nrows())?;
        if let Some(offsets) = y.offsets() {
            crate::numeric::check_offsets("logistic regression", offsets, 0.0, "log-odds")?;
        }
        // Columns beyond 2^±32 are fitted times a power of two (exact, crate::numeric), so
        // that the fit does not depend on their scale; ordinary columns are used as given.
        let factors: Vec<f64> = x
            .matrix()
            .column_iter()
            .map(|c| crate::numeric::column_factor(c.as_slice()))
            .collect();
        // (a copy only when some column is rescaled)
        let rescaled = factors.iter().any(|f| f.total_cmp(&1.0).is_ne()).then(|| {
            let mut m = x.matrix().clone();
            for (mut c, &f) in m.column_iter_mut().zip(&factors) {
                c.iter_mut().for_each(|v| *v *= f);
            }
            m
        });
        let scaled = rescaled.as_ref().unwrap_or(x.matrix());
        let kept = non_aliased_columns(scaled, x.names(), y)?;
        let factors: Vec<f64> = kept.iter().map(|&j| factors[j]).collect();
        // The fit keeps the design's own matrix when every column is kept unscaled, the
        // rescaled one when every column is kept, a copy of the kept columns otherwise.
        let all_kept = kept.len() == x.ncols();
        let x_kept = if all_kept {
            rescaled.map_or_else(|| x.shared_matrix(), Arc::new)
        } else {
            Arc::new(scaled.select_columns(&kept))
        };
        let (values, weights, offsets) = y.shared();
        let problem = OwnedProblem {
            x: x_kept,
            y: values,
            w: weights,
            offset: offsets,
        };
        let fit = glm_fit(&problem, self.epsilon, self.max_iter)?;
        let null_deviance = null_deviance(&problem, x, &kept, self.epsilon, self.max_iter)?;
        LogisticFit::assemble(x, kept, factors, problem, fit, null_deviance, *self)
    }
}

/// Columns kept after glm's aliasing check, on `√(w μ₀(1 − μ₀)) X`.
fn non_aliased_columns(
    x: &DMatrix<f64>,
    names: &[String],
    y: &BinaryOutcome,
) -> Result<Vec<usize>> {
    let scale: Vec<f64> = y
        .values()
        .iter()
        .enumerate()
        .map(|(i, &yi)| {
            let wi = y.weight_at(i);
            let mu = (wi * yi + 0.5) / (wi + 1.0);
            (wi * mu * (1.0 - mu)).sqrt()
        })
        .collect();
    let aliased = aliased_columns(x, &scale);
    let kept: Vec<usize> = (0..x.ncols()).filter(|j| !aliased.contains(j)).collect();
    if kept.is_empty() {
        return Err(Error::CollinearColumns {
            columns: names.to_vec(),
        });
    }
    Ok(kept)
}

/// Indices of columns of `diag(scale)·m` whose residual after projecting out the earlier
/// kept columns (modified Gram–Schmidt, re-orthogonalised) is at most [`ALIAS_TOL`] of
/// their norm: glm's pivoted-QR rank decision.
fn aliased_columns(m: &DMatrix<f64>, scale: &[f64]) -> Vec<usize> {
    let mut basis: Vec<Vec<f64>> = Vec::new();
    let mut aliased = Vec::new();
    for j in 0..m.ncols() {
        let mut r: Vec<f64> = m.column(j).iter().zip(scale).map(|(a, s)| a * s).collect();
        let norm = r.iter().map(|v| v * v).sum::<f64>().sqrt();
        for _ in 0..2 {
            for q in &basis {
                let proj: f64 = q.iter().zip(&r).map(|(a, b)| a * b).sum();
                r.iter_mut().zip(q).for_each(|(ri, qi)| *ri -= proj * qi);
            }
        }
        let rn = r.iter().map(|v| v * v).sum::<f64>().sqrt();
        if !(norm > 0.0 && rn > ALIAS_TOL * norm) {
            aliased.push(j);
        } else {
            r.iter_mut().for_each(|v| *v /= rn);
            basis.push(r);
        }
    }
    aliased
}

/// The converged state of one glm fit.
struct GlmFit {
    beta: DVector<f64>,
    loglik: f64,
    /// (XᵀWX)⁻¹ at β̂.
    covariance: DMatrix<f64>,
    /// (XᵀWX)⁻¹ with the weights of the last IRLS solve (what `summary.glm` reports).
    covariance_r: DMatrix<f64>,
    convergence: Convergence,
    /// One more Fisher-scoring step from β̂ (separation diagnostic).
    next_step: DVector<f64>,
    max_fitted_extreme: bool,
}

fn glm_fit(problem: &OwnedProblem, epsilon: f64, max_iter: usize) -> Result<GlmFit> {
    let k = problem.x.ncols();
    let attempt = |iterations: usize| {
        let engine = Engine::new(problem.view(), 0.0);
        let solver = DampedNewton::new(k, StopRule::RelativeDeviance { eps: epsilon }).glm_start();
        run(engine, solver, DVector::zeros(k), iterations)
    };
    let out = last_factorable(max_iter, attempt)?;
    let mut engine = out.engine;
    let mut covariance = DMatrix::zeros(k, k);
    engine.fisher_inverse(&mut covariance);
    let mut covariance_r = DMatrix::zeros(k, k);
    let mut factor = out.solver.info_at_start().clone();
    if crate::linalg::cholesky_in_place(factor.as_mut_slice(), k, 0.0) {
        let mut work = DMatrix::zeros(k, k);
        crate::linalg::cholesky_inverse(
            factor.as_slice(),
            k,
            work.as_mut_slice(),
            covariance_r.as_mut_slice(),
        );
    } else {
        covariance_r.copy_from(&covariance);
    }
    let mut next_step = DVector::zeros(k);
    engine.direction(&vec![true; k], next_step.as_mut_slice())?;
    let max_fitted_extreme = engine
        .fitted()
        .iter()
        .any(|&p| !(FITTED_EPS..=1.0 - FITTED_EPS).contains(&p));
    Ok(GlmFit {
        loglik: engine.loglik(),
        beta: out.beta,
        covariance,
        covariance_r,
        convergence: out.convergence,
        next_step,
        max_fitted_extreme,
    })
}

/// Runs `attempt(max_iter)`; if it fails because XᵀWX became singular (separation),
/// the result of the largest iteration count whose fit still succeeds.
///
/// Under separation the IRLS weights w·μ(1 − μ) underflow on the way to infinity and XᵀWX
/// stops being factorable before R's QR-based glm gives up. R then reports its last iterate
/// with "fitted probabilities numerically 0 or 1"; do the same: refit to the last iteration
/// count whose information could still be factored (bisection on this failure path only) and
/// let the separation diagnostics flag the fit. Used by the fit and by the reduced fits of
/// [`LogisticFit::lr_tests`] (a reduced model can be separated too).
///
/// # Errors
/// [`Error::SingularMatrix`] if even one iteration fails; other errors of `attempt`.
fn last_factorable<T>(max_iter: usize, attempt: impl Fn(usize) -> Result<T>) -> Result<T> {
    match attempt(max_iter) {
        Err(Error::SingularMatrix { .. }) if max_iter > 1 => {
            let (mut good, mut bad) = (None, max_iter);
            let mut lo = 1;
            while lo < bad {
                let mid = lo + (bad - lo) / 2;
                match attempt(mid) {
                    Ok(out) => {
                        good = Some(out);
                        lo = mid + 1;
                    }
                    Err(Error::SingularMatrix { .. }) => bad = mid,
                    Err(e) => return Err(e),
                }
            }
            good.ok_or(Error::SingularMatrix {
                what: "the information matrix X'WX",
            })
        }
        other => other,
    }
}

/// glm's null deviance: intercept-only fit (with offsets) if the model has an intercept,
/// else the deviance at `η = offset`.
fn null_deviance(
    problem: &OwnedProblem,
    x: &Design,
    kept: &[usize],
    epsilon: f64,
    max_iter: usize,
) -> Result<f64> {
    let has_intercept = x.has_intercept() && kept.first() == Some(&0);
    let n = problem.y.len();
    let null = OwnedProblem {
        x: Arc::new(DMatrix::from_element(
            n,
            if has_intercept { 1 } else { 0 },
            1.0,
        )),
        y: Arc::clone(&problem.y),
        w: problem.w.clone(),
        offset: problem.offset.clone(),
    };
    if has_intercept {
        let mut engine = Engine::new(null.view(), 0.0);
        let solver = DampedNewton::new(1, StopRule::RelativeDeviance { eps: epsilon }).glm_start();
        let zero_offsets = problem
            .offset
            .given()
            .is_none_or(|o| o.iter().all(|&o| o == 0.0));
        if zero_offsets {
            // glm: weighted mean, no iteration
            let w = &problem.w;
            let sw: f64 = (0..n).map(|i| w[i]).sum();
            let swy: f64 = problem.y.iter().enumerate().map(|(i, y)| w[i] * y).sum();
            let mu: f64 = swy / sw;
            engine.evaluate(&[(mu / (1.0 - mu)).ln()])?;
            return Ok(-2.0 * engine.loglik());
        }
        let out = run(engine, solver, DVector::zeros(1), max_iter)?;
        Ok(-2.0 * out.engine.loglik())
    } else {
        let dev = problem
            .y
            .iter()
            .enumerate()
            .map(|(i, &y)| (y, problem.w[i], problem.offset[i]))
            .map(|(y, w, o)| {
                let p = 1.0 / (1.0 + (-o).exp());
                -2.0 * w * (y * p.ln() + (1.0 - y) * (1.0 - p).ln())
            })
            .sum();
        Ok(dev)
    }
}

/// What the range guard of a logistic fit advises (crate::numeric::check_fit).
const RANGE_ADVICE: &str = "the covariates, weights or offsets are too extreme (a fitted \
    probability is exactly 0 or 1 at the offsets, or a sum leaves the double range): rescale \
    the column named, divide the weights by one constant, or check the offsets (they are on \
    the log-odds scale)";

/// A fitted maximum-likelihood logistic regression (see [`LogisticRegression`]).
///
/// Coefficients of aliased columns are NaN (R's `NA`) and excluded from tests.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LogisticFit {
    names: Vec<String>,
    has_intercept: bool,
    kept: Vec<usize>,
    /// Power-of-two factor of each kept column in `problem` (1 for ordinary columns):
    /// `problem`, `beta_kept` and the profile computations are on the scaled columns.
    #[cfg_attr(feature = "serde", serde(skip))]
    factors: Vec<f64>,
    #[cfg_attr(feature = "serde", serde(skip))]
    problem: OwnedProblem,
    beta_kept: DVector<f64>,
    coefficients: DVector<f64>,
    std_errors: DVector<f64>,
    std_errors_r: DVector<f64>,
    covariance: DMatrix<f64>,
    loglik: f64,
    null_deviance: f64,
    convergence: Convergence,
    separation: Option<Vec<String>>,
    #[cfg_attr(feature = "serde", serde(skip))]
    settings: LogisticRegression,
    n_obs: usize,
    aliased: Vec<bool>,
}

impl LogisticFit {
    fn assemble(
        x: &Design,
        kept: Vec<usize>,
        factors: Vec<f64>,
        problem: OwnedProblem,
        fit: GlmFit,
        null_deviance: f64,
        settings: LogisticRegression,
    ) -> Result<Self> {
        let p = x.ncols();
        let mut coefficients = DVector::from_element(p, f64::NAN);
        let mut std_errors = DVector::from_element(p, f64::NAN);
        let mut std_errors_r = DVector::from_element(p, f64::NAN);
        for (r, &j) in kept.iter().enumerate() {
            let f = factors[r];
            coefficients[j] = fit.beta[r] * f;
            std_errors[j] = fit.covariance[(r, r)].sqrt() * f;
            std_errors_r[j] = fit.covariance_r[(r, r)].sqrt() * f;
        }
        let covariance = DMatrix::from_fn(kept.len(), kept.len(), |a, b| {
            fit.covariance[(a, b)] * factors[a] * factors[b]
        });
        let diverging: Vec<String> = kept
            .iter()
            .enumerate()
            .filter(|&(r, _)| {
                fit.next_step[r].abs() > SEPARATION_STEP_TOL * fit.beta[r].abs().max(1.0)
            })
            .map(|(_, &j)| x.names()[j].clone())
            .collect();
        let separation = if !diverging.is_empty() || fit.max_fitted_extreme {
            Some(diverging)
        } else {
            None
        };
        let convergence = if separation.is_some() {
            Convergence::new(fit.convergence.iterations(), StopReason::Diverging)
        } else {
            fit.convergence
        };
        crate::numeric::check_fit(
            "logistic regression",
            [
                ("the log-likelihood", fit.loglik),
                ("the null deviance", null_deviance),
            ],
            &crate::numeric::Coefficients {
                names: x.names(),
                kept: &kept,
                estimates: coefficients.as_slice(),
                std_errors: std_errors.as_slice(),
            },
            convergence.converged(),
            RANGE_ADVICE,
        )?;
        Ok(LogisticFit {
            names: x.names().to_vec(),
            has_intercept: x.has_intercept(),
            n_obs: x.nrows(),
            aliased: (0..p).map(|j| !kept.contains(&j)).collect(),
            kept,
            factors,
            problem,
            beta_kept: fit.beta,
            coefficients,
            std_errors,
            std_errors_r,
            covariance,
            loglik: fit.loglik,
            null_deviance,
            convergence,
            separation,
            settings,
        })
    }

    /// Column names, in model order (the intercept first if present).
    pub fn term_names(&self) -> &[String] {
        &self.names
    }

    /// Number of observations (rows).
    pub fn n(&self) -> usize {
        self.n_obs
    }

    /// Estimated coefficients β̂ (log odds ratios); NaN for aliased columns.
    #[doc(alias = "coef")]
    #[doc(alias = "params")]
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.coefficients
    }

    /// Standard errors `sqrt(diag((XᵀWX)⁻¹))` with W at the converged estimate β̂.
    ///
    /// R's `summary.glm` uses the weights of the last IRLS iteration instead (the β before the
    /// final update); with the default `epsilon` the two differ by ~1e-5 relative, and agree
    /// to ~1e-12 when `epsilon` is tight (1e-14).
    #[doc(alias = "bse")]
    pub fn std_errors(&self) -> &DVector<f64> {
        &self.std_errors
    }

    /// Standard errors exactly as R's `summary.glm` prints them (weights of the last IRLS
    /// iteration).
    pub fn std_errors_glm(&self) -> &DVector<f64> {
        &self.std_errors_r
    }

    /// Variance–covariance matrix `(XᵀWX)⁻¹` at β̂ over the non-aliased columns, in model
    /// order.
    #[doc(alias = "vcov")]
    #[doc(alias = "covariance")]
    pub fn variance(&self) -> &DMatrix<f64> {
        &self.covariance
    }

    /// Wald statistics `z = β̂ / se`.
    pub fn z_values(&self) -> DVector<f64> {
        crate::stats::wald_z(&self.coefficients, &self.std_errors)
    }

    /// Two-sided Wald p-values `2·P(Z > |z|)` (survival function, no underflow).
    pub fn p_values(&self) -> DVector<f64> {
        crate::stats::wald_p(&self.coefficients, &self.std_errors)
    }

    /// Odds ratios `exp(β̂)`.
    pub fn odds_ratios(&self) -> DVector<f64> {
        self.coefficients.map(f64::exp)
    }

    /// Maximized log-likelihood `ℓ(β̂)` (R's `logLik` for 0/1 data).
    #[doc(alias = "log_likelihood")]
    pub fn loglik(&self) -> f64 {
        self.loglik
    }

    /// Log-likelihood of the null model, `−null deviance / 2` (0/1 data).
    pub fn loglik_null(&self) -> f64 {
        -0.5 * self.null_deviance
    }

    /// Residual deviance `−2ℓ(β̂)`.
    pub fn deviance(&self) -> f64 {
        -2.0 * self.loglik
    }

    /// Null deviance (intercept-only model with the same offsets, or `η = offset` without an
    /// intercept), as R's `glm`.
    pub fn null_deviance(&self) -> f64 {
        self.null_deviance
    }

    /// How the IRLS iteration ended. [`StopReason::Diverging`] when separation was detected.
    pub fn convergence(&self) -> &Convergence {
        &self.convergence
    }

    /// Number of Fisher-scoring iterations (R's `iter`).
    pub fn iterations(&self) -> usize {
        self.convergence.iterations()
    }

    /// `true` if IRLS converged and no separation was detected.
    pub fn converged(&self) -> bool {
        self.convergence.converged()
    }

    /// Columns involved in complete or quasi-complete separation (coefficients diverging to
    /// ±∞), or `None` if the maximum-likelihood estimate exists.
    ///
    /// R only warns ("fitted probabilities numerically 0 or 1 occurred", and not even that for
    /// quasi-complete separation); here the fit is flagged. `Some(&[])` means fitted
    /// probabilities reached 0 or 1 but no single diverging column was identified. Use
    /// [`FirthRegression`](crate::FirthRegression) for such data.
    pub fn separation(&self) -> Option<&[String]> {
        self.separation.as_deref()
    }

    /// `true` for each aliased column (a linear combination of earlier columns, R's `NA`
    /// coefficient), in model order.
    pub fn aliased(&self) -> &[bool] {
        &self.aliased
    }

    /// Returns the fit if IRLS converged and there is no separation.
    ///
    /// # Errors
    /// * [`Error::Separation`] if separation was detected.
    /// * [`Error::NotConverged`] if the iteration limit was reached.
    pub fn require_converged(self) -> Result<Self> {
        let s = self.require_no_separation()?;
        s.convergence.require("logistic regression (IRLS)")?;
        Ok(s)
    }

    /// Returns the fit unless separation was detected.
    ///
    /// # Errors
    /// [`Error::Separation`] naming the diverging columns.
    pub fn require_no_separation(self) -> Result<Self> {
        match &self.separation {
            Some(columns) => Err(Error::Separation {
                columns: columns.clone(),
            }),
            None => Ok(self),
        }
    }

    fn intercept_kept(&self) -> bool {
        self.has_intercept && self.kept.first() == Some(&0)
    }

    /// Likelihood-ratio test of the model against the intercept-only model (or against
    /// `η = offset` without an intercept): `null deviance − deviance` on (rank − intercept) df.
    ///
    /// A model with no coefficient besides the intercept has 0 df and a NaN p-value.
    pub fn lr_test(&self) -> ChiSqTest {
        let df = self.kept.len() - usize::from(self.intercept_kept());
        if df == 0 {
            return ChiSqTest::new(0.0, 0.0);
        }
        ChiSqTest::new((self.null_deviance - self.deviance()).max(0.0), df as f64)
    }

    /// Per-term likelihood-ratio tests as R's `drop1(fit, test = "LRT")`: refit without the
    /// column and compare deviances (1 df). `None` for the intercept and aliased columns.
    ///
    /// # Errors
    /// [`Error::SingularMatrix`] if a reduced fit fails.
    pub fn lr_tests(&self) -> Result<Vec<Option<ChiSqTest>>> {
        let k = self.kept.len();
        let tests = map_jobs(
            k,
            threads_for(self.settings.threads, k * self.work(), k),
            || Engine::new(self.problem.view(), 0.0),
            |engine, r| {
                if self.kept[r] == 0 && self.intercept_kept() {
                    return Ok((engine, None));
                }
                let mut start = DVector::zeros(k);
                let free = crate::profile::restrict(start.as_mut_slice(), &[r], &[0.0]);
                let attempt = |iterations: usize| {
                    let solver = DampedNewton::new(
                        k,
                        StopRule::RelativeDeviance {
                            eps: self.settings.epsilon,
                        },
                    )
                    .free(free.clone())
                    .glm_start();
                    run(
                        Engine::new(self.problem.view(), 0.0),
                        solver,
                        start.clone(),
                        iterations,
                    )
                };
                // the first attempt reuses the worker's engine
                let solver = DampedNewton::new(
                    k,
                    StopRule::RelativeDeviance {
                        eps: self.settings.epsilon,
                    },
                )
                .free(free.clone())
                .glm_start();
                let res = match run(engine, solver, start.clone(), self.settings.max_iter) {
                    Err(Error::SingularMatrix { .. }) => {
                        last_factorable(self.settings.max_iter, attempt)?
                    }
                    other => other?,
                };
                let stat = (-2.0 * res.engine.loglik() - self.deviance()).max(0.0);
                Ok((res.engine, Some(ChiSqTest::new(stat, 1.0))))
            },
        )?;
        let mut out = vec![None; self.names.len()];
        for (r, t) in tests.into_iter().enumerate() {
            out[self.kept[r]] = t;
        }
        Ok(out)
    }

    /// `n·k²`, the cost of one evaluation (decides on threads).
    fn work(&self) -> usize {
        let (n, k) = self.problem.x.shape();
        n * k * k
    }

    /// Confidence intervals for every coefficient (coefficient scale; exponentiate for odds
    /// ratios), in model order. Aliased columns and profile bounds that are never reached
    /// (separation: one side of an interval can be infinite) are NaN.
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] if `level` is not in (0, 1).
    /// * [`Error::Separation`] (profile likelihood) if the fit is separated and no profile
    ///   bound exists at all (the information is singular at the estimate, or every bound
    ///   runs off to infinity): there is no interval to report; use
    ///   [`FirthRegression`](crate::FirthRegression). With more coefficients than rows
    ///   (where Firth cannot help) [`Error::MoreCoefficientsThanRows`] instead, naming the
    ///   aliased columns to drop.
    /// * [`Error::NotConverged`] ([`CiMethod::ProfileLikelihoodMass`]) if profiling finds a
    ///   better fit than the original.
    /// * [`Error::SingularMatrix`] if a constrained fit fails.
    pub fn conf_int(&self, level: f64) -> Result<Vec<(f64, f64)>> {
        self.conf_int_by(level, self.settings.ci)
    }

    /// The error of a profile interval under separation that reaches no bound: with more
    /// coefficients than rows (the cause, not curable by Firth's penalty, which cannot alias
    /// columns) [`Error::MoreCoefficientsThanRows`], else [`Error::Separation`].
    fn no_profile_interval(&self) -> Error {
        if self.names.len() > self.n_obs {
            return Error::MoreCoefficientsThanRows {
                model: "profile-likelihood intervals of logistic regression",
                coefficients: self.names.len(),
                rows: self.n_obs,
                aliased: (0..self.names.len())
                    .filter(|j| !self.kept.contains(j))
                    .map(|j| self.names[j].clone())
                    .collect(),
            };
        }
        Error::Separation {
            columns: self.separation.clone().unwrap_or_default(),
        }
    }

    /// How [`LogisticFit::conf_int`] and the table obtain the intervals
    /// ([`LogisticRegression::ci`]).
    pub fn ci_method(&self) -> CiMethod {
        self.settings.ci
    }

    pub(super) fn conf_int_by(&self, level: f64, method: CiMethod) -> Result<Vec<(f64, f64)>> {
        let z = z_for_level(level)?;
        let mut out = vec![(f64::NAN, f64::NAN); self.names.len()];
        match method {
            CiMethod::Wald => {
                for &j in &self.kept {
                    let (b, s) = (self.coefficients[j], self.std_errors[j]);
                    out[j] = (b - z * s, b + z * s);
                }
            }
            CiMethod::ProfileLikelihood => {
                let mut engine = Engine::new(self.problem.view(), 0.0);
                let control = VmControl {
                    max_iter: 100,
                    max_step: 5.0,
                    // the summation noise of ℓ (~ε·|ℓ|) must not stall the ℓ criterion
                    lconv: (1e-13 * self.loglik.abs()).max(1e-10),
                    xconv: 1e-9,
                };
                let start = match ProfileStart::new(&mut engine, &self.beta_kept) {
                    Ok(start) => start,
                    // separation: the information at the estimate is singular
                    Err(Error::SingularMatrix { .. }) if self.separation.is_some() => {
                        return Err(self.no_profile_interval());
                    }
                    Err(e) => return Err(e),
                };
                // the workers make their own engines: free this one's n-row buffers first
                drop(engine);
                let bounds = map_jobs(
                    2 * self.kept.len(),
                    threads_for(
                        self.settings.threads,
                        2 * self.kept.len() * self.work(),
                        2 * self.kept.len(),
                    ),
                    || Engine::new(self.problem.view(), 0.0),
                    |mut engine, job| {
                        let side = if job % 2 == 0 {
                            Side::Lower
                        } else {
                            Side::Upper
                        };
                        let b = match vm_bound(&mut engine, &start, job / 2, side, level, control) {
                            Ok(b) => b,
                            // Under separation the constrained fits run off to infinity: the
                            // bound is not reached (NaN), as documented, not an error.
                            Err(Error::SingularMatrix { .. }) if self.separation.is_some() => {
                                return Ok((engine, f64::NAN));
                            }
                            Err(e) => return Err(e),
                        };
                        let value = if b.convergence.converged() {
                            b.value
                        } else {
                            f64::NAN
                        };
                        Ok((engine, value))
                    },
                )?;
                // not one bound reached (e.g. more coefficients than rows): no interval to
                // report, an error rather than a table of NaN
                if self.separation.is_some() && bounds.iter().all(|b| b.is_nan()) {
                    return Err(self.no_profile_interval());
                }
                for (r, &j) in self.kept.iter().enumerate() {
                    let f = self.factors[r];
                    out[j] = (bounds[2 * r] * f, bounds[2 * r + 1] * f);
                }
            }
            CiMethod::ProfileLikelihoodMass => {
                let mut engine = Engine::new(self.problem.view(), 0.0);
                for (r, &j) in self.kept.iter().enumerate() {
                    let f = self.factors[r];
                    let (e, ci) = mass_interval(
                        engine,
                        &self.beta_kept,
                        self.deviance(),
                        self.std_errors_r[j] / f,
                        r,
                        level,
                    )?;
                    engine = e;
                    out[j] = (ci.0 * f, ci.1 * f);
                }
            }
            other => {
                return Err(Error::UnknownSetting {
                    setting: "logistic confidence-interval method",
                    value: other.to_string(),
                    allowed: "profile, mass, wald",
                });
            }
        }
        Ok(out)
    }

    /// Coefficient table: estimate, se, Wald z and p, and the chosen confidence interval
    /// (R's `summary.glm` layout plus odds ratios).
    ///
    /// # Errors
    /// As [`LogisticFit::conf_int`].
    pub fn coef_table(&self, level: f64) -> Result<CoefTable> {
        self.coef_table_by(level, self.settings.ci)
    }

    pub(super) fn coef_table_by(&self, level: f64, method: CiMethod) -> Result<CoefTable> {
        let ci = self.conf_int_by(level, method)?;
        let z = self.z_values();
        let p = self.p_values();
        let rows = (0..self.names.len())
            .map(|j| CoefRow {
                term: self.names[j].clone(),
                estimate: self.coefficients[j],
                std_error: self.std_errors[j],
                statistic: z[j],
                p_value: p[j],
                lower: ci[j].0,
                upper: ci[j].1,
                method,
            })
            .collect();
        Ok(CoefTable::new(rows, Statistic::Z, level, TableStyle::Glm))
    }

    /// The settings the model was fitted with.
    pub fn settings(&self) -> &LogisticRegression {
        &self.settings
    }
}
