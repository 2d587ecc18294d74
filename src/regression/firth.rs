//! Firth-penalized logistic regression exactly as R's `logistf` 1.26.1.

use std::sync::OnceLock;

use nalgebra::{DMatrix, DVector};

use super::engine::{Engine, OwnedProblem};
use super::newton::{DampedNewton, StopRule, run};
use super::outcome::BinaryOutcome;
use super::profile::{ProfileBound, ProfileStart, VmControl, vm_interval};
use crate::linalg::{cholesky_in_place, cholesky_inverse};
use crate::parallel::{map_jobs, threads_for};
use crate::stats::check_level;
use crate::{
    ChiSqTest, CiMethod, CoefRow, CoefTable, Convergence, Design, Error, Result, Statistic,
    TableStyle,
};

/// Settings of a Firth-penalized logistic regression (R's `logistf`, version 1.26.1).
///
/// ```text
/// ℓ*(β) = Σ wᵢ [yᵢ log πᵢ + (1 − yᵢ) log(1 − πᵢ)] + τ log det(XᵀWX),  W = diag(wᵢ πᵢ (1 − πᵢ))
/// step: δ = (Xᵀ diag((wᵢ + 2τhᵢ) πᵢ (1 − πᵢ)) X)⁻¹ U*,  max|δ| ≤ max_step,  no halving
/// stop: max|δ| ≤ xconv and max|U*| < gconv and ℓ*_new − ℓ*_old < lconv (signed)
/// ```
/// Every fit (full, null, restricted) starts at β = 0 for the full and null fit and keeps the
/// penalty over the full design. Finite estimates exist under separation. `tau = 0`
/// gives maximum likelihood.
///
/// # Examples
/// ```
/// use oncostat::{BinaryOutcome, Design, FirthRegression};
/// # fn main() -> Result<(), oncostat::Error> {
/// // completely separated: ML does not exist, Firth is finite
/// let x = Design::from_columns([("dose", vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0])])?.with_intercept();
/// let y = BinaryOutcome::new(&[0.0, 0.0, 0.0, 1.0, 1.0, 1.0])?;
/// let fit = FirthRegression::new().fit(&x, &y)?;
/// assert!(fit.convergence().converged());
/// let (lo, hi) = fit.profile_conf_int(1, 0.95)?;
/// assert!(lo < fit.coefficients()[1] && fit.coefficients()[1] < hi);
/// let plr = fit.penalized_lr_test(1)?;
/// assert!(plr.p_value() < 0.05);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FirthRegression {
    tau: f64,
    max_iter: usize,
    max_step: f64,
    xconv: f64,
    gconv: f64,
    lconv: f64,
    pl_max_iter: usize,
    threads: usize,
}

impl Default for FirthRegression {
    fn default() -> Self {
        FirthRegression {
            tau: 0.5,
            max_iter: 25,
            max_step: 5.0,
            xconv: 1e-5,
            gconv: 1e-5,
            lconv: 1e-5,
            pl_max_iter: 100,
            threads: 0,
        }
    }
}

impl FirthRegression {
    /// logistf's defaults (`logistf.control()`, `logistpl.control()`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Penalty strength τ (default 0.5, Firth/Jeffreys; 0 = maximum likelihood).
    pub fn tau(mut self, tau: f64) -> Self {
        self.tau = tau;
        self
    }

    /// Maximum iterations of each fit (default 25, `maxit`).
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Largest allowed change of any coefficient in one step (default 5, `maxstep`); also
    /// used by the profile-likelihood iteration.
    pub fn max_step(mut self, max_step: f64) -> Self {
        self.max_step = max_step;
        self
    }

    /// Convergence bound on the step size (default 1e-5, `xconv`); also used by the profile
    /// iteration.
    pub fn xconv(mut self, xconv: f64) -> Self {
        self.xconv = xconv;
        self
    }

    /// Convergence bound on the modified score (default 1e-5, `gconv`).
    pub fn gconv(mut self, gconv: f64) -> Self {
        self.gconv = gconv;
        self
    }

    /// Convergence bound on the change of the penalized log-likelihood (default 1e-5,
    /// `lconv`); also used by the profile iteration.
    pub fn lconv(mut self, lconv: f64) -> Self {
        self.lconv = lconv;
        self
    }

    /// Maximum iterations of each profile-likelihood bound (default 100,
    /// `logistpl.control(maxit)`).
    pub fn pl_max_iter(mut self, pl_max_iter: usize) -> Self {
        self.pl_max_iter = pl_max_iter;
        self
    }

    /// Maximum worker threads for [`FirthFit::conf_int`] and
    /// [`FirthFit::penalized_lr_tests`] (default 0 = all available cores). Small problems
    /// (`n·k²` times the number of searches below 400 000, e.g. the n = 142 cohort
    /// replicates) always run on the calling thread; the searches are handed to whichever
    /// thread is free; set 1 when the caller already
    /// parallelizes (e.g. over bootstrap replicates).
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    pub(crate) fn tau_value(&self) -> f64 {
        self.tau
    }

    fn check(&self) -> Result<()> {
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
        if !(self.tau.is_finite() && self.tau >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "tau",
                value: self.tau,
                reason: "the penalty strength must be a finite number >= 0",
            });
        }
        positive("max_step", self.max_step)?;
        positive("xconv", self.xconv)?;
        positive("gconv", self.gconv)?;
        positive("lconv", self.lconv)?;
        if self.max_iter == 0 || self.pl_max_iter == 0 {
            return Err(Error::InvalidParameter {
                name: "max_iter",
                value: 0.0,
                reason: "at least one iteration is needed",
            });
        }
        Ok(())
    }

    fn rule(&self) -> StopRule {
        StopRule::Logistf {
            xconv: self.xconv,
            gconv: self.gconv,
            lconv: self.lconv,
        }
    }

    pub(crate) fn vm_control(&self) -> VmControl {
        VmControl {
            max_iter: self.pl_max_iter,
            max_step: self.max_step,
            lconv: self.lconv,
            xconv: self.xconv,
        }
    }

    /// Fits the model. `x` must already contain the intercept if one is wanted
    /// ([`Design::with_intercept`]).
    ///
    /// # Errors
    /// * [`Error::DimensionMismatch`] if `y` does not have one entry per row of `x`.
    /// * [`Error::NoEvents`] if every outcome is 0 or every outcome is 1.
    /// * [`Error::CollinearColumns`] if a column is a linear combination of earlier ones;
    ///   [`Error::MoreCoefficientsThanRows`] when that is because there are more columns
    ///   than rows.
    /// * [`Error::SingularMatrix`] if `log det(XᵀWX) < −200` on the way (logistf's guard).
    /// * [`Error::InvalidParameter`] for a bad setting.
    pub fn fit(&self, x: &Design, y: &BinaryOutcome) -> Result<FirthFit> {
        self.check()?;
        y.check_against(x.nrows())?;
        let aliased = x.aliased_columns();
        if !aliased.is_empty() {
            let columns: Vec<String> = aliased.iter().map(|&j| x.names()[j].clone()).collect();
            if x.ncols() > x.nrows() {
                return Err(Error::MoreCoefficientsThanRows {
                    model: "Firth's penalized logistic regression",
                    coefficients: x.ncols(),
                    rows: x.nrows(),
                    aliased: columns,
                });
            }
            return Err(Error::CollinearColumns { columns });
        }
        let (values, weights, offsets) = y.shared();
        let problem = OwnedProblem {
            x: x.shared_matrix(),
            y: values,
            w: weights,
            offset: offsets,
        };
        FirthFit::compute(x.names().to_vec(), x.has_intercept(), problem, *self)
    }
}

/// A fitted Firth-penalized logistic regression (see [`FirthRegression`]).
///
/// p-values of the penalized likelihood-ratio tests use the chi-square survival function;
/// logistf computes `1 − pchisq(...)`, which underflows to 0 for χ² ≳ 75 (tiny p-values
/// differ, all others agree).
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FirthFit {
    names: Vec<String>,
    has_intercept: bool,
    #[cfg_attr(feature = "serde", serde(skip))]
    problem: OwnedProblem,
    #[cfg_attr(feature = "serde", serde(skip))]
    settings: FirthRegression,
    coefficients: DVector<f64>,
    std_errors: DVector<f64>,
    covariance: DMatrix<f64>,
    covariance_augmented: DMatrix<f64>,
    aliased: Vec<bool>,
    penalized_loglik: f64,
    null_penalized_loglik: f64,
    unpenalized_loglik: f64,
    convergence: Convergence,
    null_convergence: Convergence,
    fitted: Vec<f64>,
    hat: Vec<f64>,
    /// State and profile-path expansion at β̂, shared by all profile bounds and restricted
    /// fits (computed on first use; `None` if the information is singular at β̂).
    #[cfg_attr(feature = "serde", serde(skip))]
    profile_start: OnceLock<Option<ProfileStart>>,
}

impl FirthFit {
    fn compute(
        names: Vec<String>,
        has_intercept: bool,
        problem: OwnedProblem,
        settings: FirthRegression,
    ) -> Result<Self> {
        let k = problem.x.ncols();
        let (coefficients, convergence, engine, covariance, covariance_augmented) = {
            let engine = Engine::new(problem.view(), settings.tau);
            let solver = DampedNewton::new(k, settings.rule()).max_step(settings.max_step);
            let out = run(engine, solver, DVector::zeros(k), settings.max_iter + 1)?;
            let convergence = logistf_count(out.convergence);
            let mut engine = out.engine;
            let mut covariance = DMatrix::zeros(k, k);
            engine.fisher_inverse(&mut covariance);
            let mut covariance_augmented = DMatrix::zeros(k, k);
            let mut factor = out.solver.info_at_start().clone();
            if cholesky_in_place(factor.as_mut_slice(), k, 0.0) {
                let mut work = DMatrix::zeros(k, k);
                cholesky_inverse(
                    factor.as_slice(),
                    k,
                    work.as_mut_slice(),
                    covariance_augmented.as_mut_slice(),
                );
            } else {
                covariance_augmented.fill(f64::NAN);
            }
            (
                out.beta,
                convergence,
                engine,
                covariance,
                covariance_augmented,
            )
        };
        let penalized_loglik = engine.objective();
        let loglik = engine.loglik();
        let fitted = engine.fitted().to_vec();
        let hat = engine.hat().to_vec();
        // null fit: intercept only (if any), penalty over the full design
        let mut free = vec![false; k];
        if has_intercept && k > 0 {
            free[0] = true;
        }
        let solver = DampedNewton::new(k, settings.rule())
            .max_step(settings.max_step)
            .free(free);
        let null = run(engine, solver, DVector::zeros(k), settings.max_iter + 1)?;
        let null_penalized_loglik = null.engine.objective();
        drop(null.engine);
        Ok(FirthFit {
            names,
            has_intercept,
            settings,
            coefficients,
            std_errors: covariance.diagonal().map(f64::sqrt),
            aliased: vec![false; k],
            covariance,
            covariance_augmented,
            penalized_loglik,
            null_penalized_loglik,
            unpenalized_loglik: loglik,
            convergence,
            null_convergence: logistf_count(null.convergence),
            fitted,
            hat,
            problem,
            profile_start: OnceLock::new(),
        })
    }

    /// Column names, in model order.
    pub fn term_names(&self) -> &[String] {
        &self.names
    }

    /// Number of observations (rows).
    pub fn n(&self) -> usize {
        self.problem.y.len()
    }

    /// Penalized estimates β̂ (logistf's default iteration: within ~1e-5 of the exact
    /// maximizer, identical to logistf's reported values).
    #[doc(alias = "coef")]
    #[doc(alias = "params")]
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.coefficients
    }

    /// Standard errors `sqrt(diag((XᵀWX)⁻¹))` at β̂ (brglm2, SAS `FIRTH`, logistf ≤ 1.24).
    #[doc(alias = "bse")]
    pub fn std_errors(&self) -> &DVector<f64> {
        &self.std_errors
    }

    /// Standard errors as logistf ≥ 1.24.1 reports them: the inverse *augmented* information
    /// `(Xᵀ diag((w + 2τh) π (1 − π)) X)⁻¹` at the start of the final iteration.
    pub fn std_errors_augmented(&self) -> DVector<f64> {
        self.covariance_augmented.diagonal().map(f64::sqrt)
    }

    /// Variance–covariance `(XᵀWX)⁻¹` at β̂.
    #[doc(alias = "vcov")]
    #[doc(alias = "covariance")]
    pub fn variance(&self) -> &DMatrix<f64> {
        &self.covariance
    }

    /// Wald statistics `β̂ / se` (with [`FirthFit::std_errors`]).
    pub fn z_values(&self) -> DVector<f64> {
        crate::stats::wald_z(&self.coefficients, &self.std_errors)
    }

    /// Two-sided Wald p-values (with [`FirthFit::std_errors`]); logistf's p-values are the
    /// penalized likelihood-ratio tests, [`FirthFit::penalized_lr_tests`].
    pub fn p_values(&self) -> DVector<f64> {
        crate::stats::wald_p(&self.coefficients, &self.std_errors)
    }

    /// Always `false`: the penalty `log det I` needs a full-rank design (a collinear design
    /// is an error); here for the common accessor contract.
    pub fn aliased(&self) -> &[bool] {
        &self.aliased
    }

    /// How [`FirthFit::conf_int`] and the table are obtained: always
    /// [`CiMethod::ProfilePenalizedLikelihood`] (logistf's default).
    pub fn ci_method(&self) -> CiMethod {
        CiMethod::ProfilePenalizedLikelihood
    }

    /// Odds ratios `exp(β̂)`.
    pub fn odds_ratios(&self) -> DVector<f64> {
        self.coefficients.map(f64::exp)
    }

    /// Penalized log-likelihood ℓ*(β̂) (logistf's `loglik["full"]`).
    #[doc(alias = "penalized_log_likelihood")]
    pub fn loglik(&self) -> f64 {
        self.penalized_loglik
    }

    /// Penalized log-likelihood of the null model (intercept only, penalty over the full
    /// design; logistf's `loglik["null"]`).
    pub fn loglik_null(&self) -> f64 {
        self.null_penalized_loglik
    }

    /// Unpenalized log-likelihood ℓ(β̂).
    pub fn unpenalized_loglik(&self) -> f64 {
        self.unpenalized_loglik
    }

    /// Penalized likelihood-ratio test of the whole model against the null model:
    /// `2(ℓ*full − ℓ*null)` on k − 1 df (k without an intercept).
    pub fn lr_test(&self) -> ChiSqTest {
        let df = self.names.len() - usize::from(self.has_intercept);
        ChiSqTest::new(
            2.0 * (self.penalized_loglik - self.null_penalized_loglik),
            df as f64,
        )
    }

    /// How the full fit ended.
    pub fn convergence(&self) -> &Convergence {
        &self.convergence
    }

    /// Number of iterations of the full fit (logistf's `iter`).
    pub fn iterations(&self) -> usize {
        self.convergence.iterations()
    }

    /// `true` if the full fit met its convergence criterion.
    pub fn converged(&self) -> bool {
        self.convergence.converged()
    }

    /// How the null fit ended.
    pub fn null_convergence(&self) -> &Convergence {
        &self.null_convergence
    }

    /// Returns the fit if the full fit converged.
    ///
    /// # Errors
    /// [`Error::NotConverged`] if it stopped at the iteration limit.
    pub fn require_converged(self) -> Result<Self> {
        self.convergence.require("Firth logistic regression")?;
        Ok(self)
    }

    /// Fitted probabilities π̂ of the observations.
    pub fn fitted(&self) -> &[f64] {
        &self.fitted
    }

    /// Hat diagonal `hᵢ` at β̂ (Σh = k).
    pub fn hat_values(&self) -> &[f64] {
        &self.hat
    }

    /// The settings used.
    pub fn settings(&self) -> &FirthRegression {
        &self.settings
    }

    pub(crate) fn problem(&self) -> &OwnedProblem {
        &self.problem
    }

    fn check_index(&self, index: usize) -> Result<()> {
        if index < self.names.len() {
            Ok(())
        } else {
            Err(Error::InvalidParameter {
                name: "index",
                value: index as f64,
                reason: "coefficient index out of range",
            })
        }
    }

    /// Predicted probabilities `expit(xᵀβ̂)` for new rows (no offsets).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if `x` has a different number of columns.
    pub fn predict(&self, x: &Design) -> Result<DVector<f64>> {
        predict_with(&self.coefficients, x)
    }

    /// Profile penalized-likelihood confidence interval for coefficient `index` (logistf's
    /// Venzon–Moolgavkar iteration, penalty over the full design). A bound whose iteration
    /// does not converge within `pl_max_iter` is NaN.
    ///
    /// ```text
    /// {b : 2(ℓ*(β̂) − max_{β: β_index = b} ℓ*(β)) ≤ χ²₁(level)}
    /// ```
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] for a bad index or level.
    /// * [`Error::SingularMatrix`] if the information becomes singular.
    pub fn profile_conf_int(&self, index: usize, level: f64) -> Result<(f64, f64)> {
        self.check_index(index)?;
        check_level(level)?;
        let start = self.profile_start()?;
        // the profile iterations never build the augmented information: no hat buffer
        let mut engine = Engine::plain(self.problem.view(), self.settings.tau);
        self.profile_ci_with(&mut engine, start, index, level)
    }

    fn profile_ci_with(
        &self,
        engine: &mut Engine<'_>,
        start: &ProfileStart,
        index: usize,
        level: f64,
    ) -> Result<(f64, f64)> {
        let (lower, upper) = vm_interval(engine, start, index, level, self.settings.vm_control())?;
        Ok((bound_value(lower), bound_value(upper)))
    }

    /// Profile penalized-likelihood intervals for every coefficient
    /// ([`FirthFit::profile_conf_int`] of each, on the coefficient scale).
    ///
    /// # Errors
    /// As [`FirthFit::profile_conf_int`].
    pub fn conf_int(&self, level: f64) -> Result<Vec<(f64, f64)>> {
        check_level(level)?;
        let start = self.profile_start()?;
        map_jobs(
            self.names.len(),
            threads_for(
                self.settings.threads,
                self.names.len() * self.work(),
                self.names.len(),
            ),
            || Engine::plain(self.problem.view(), self.settings.tau),
            |mut engine, index| {
                let ci = self.profile_ci_with(&mut engine, start, index, level)?;
                Ok((engine, ci))
            },
        )
    }

    /// The shared state at β̂ (see the `profile_start` field).
    ///
    /// # Errors
    /// [`Error::SingularMatrix`] if the information matrix is singular at β̂.
    fn profile_start(&self) -> Result<&ProfileStart> {
        let start = self.profile_start.get_or_init(|| {
            let mut engine = Engine::plain(self.problem.view(), self.settings.tau);
            ProfileStart::new(&mut engine, &self.coefficients).ok()
        });
        start.as_ref().ok_or(Error::SingularMatrix {
            what: "the information matrix X'WX at the estimate",
        })
    }

    /// `n·k²`: the cost of one evaluation, used to decide on threads.
    fn work(&self) -> usize {
        let (n, k) = self.problem.x.shape();
        n * k * k
    }

    /// Penalized likelihood-ratio test of `β_index = 0`: refit with the coefficient fixed at
    /// 0 (penalty over the full design), `χ² = 2(ℓ*full − ℓ*restricted)` on 1 df.
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] for a bad index.
    /// * [`Error::SingularMatrix`] if the restricted fit fails.
    pub fn penalized_lr_test(&self, index: usize) -> Result<ChiSqTest> {
        self.check_index(index)?;
        Ok(self
            .penalized_lr_test_with(self.plain_engine(), index, None)?
            .1)
    }

    fn penalized_lr_test_with<'a>(
        &'a self,
        engine: Engine<'a>,
        index: usize,
        path: Option<&ProfileStart>,
    ) -> Result<(Engine<'a>, ChiSqTest)> {
        let k = self.names.len();
        let mut start = self.coefficients.clone();
        let free = crate::profile::restrict(start.as_mut_slice(), &[index], &[0.0]);
        let solver = DampedNewton::new(k, self.settings.rule())
            .max_step(self.settings.max_step)
            .free(free)
            .early_stop();
        // Warm start at the linear projection of β̂ onto β_index = 0 (Schur complement of the
        // augmented covariance, as firthmodels): the same optimum as logistf's start at β = 0
        // (statistics agree to ~1e-10) in about half the iterations. Falls back to logistf's
        // start if that run fails or does not converge.
        start.copy_from(&self.coefficients);
        let cov = &self.covariance_augmented;
        let denom = cov[(index, index)];
        if denom.is_finite() && denom > 0.0 {
            let shift = self.coefficients[index] / denom;
            for j in 0..k {
                start[j] -= shift * cov[(j, index)];
            }
        }
        // Better (when all coefficients are tested): the second-order prediction of the
        // profile path at β_index = 0 (see the profile module).
        if let Some(point) = path.and_then(|p| p.path_point(index, -self.coefficients[index])) {
            start = point;
        }
        start[index] = 0.0;
        if start.iter().all(|b| b.is_finite()) {
            if let Ok(out) = run(engine, solver.clone(), start, self.settings.max_iter + 1) {
                if out.convergence.converged() {
                    let restricted = out.engine.objective() + out.solver.model_gain();
                    let stat = 2.0 * (self.penalized_loglik - restricted);
                    return Ok((out.engine, ChiSqTest::new(stat, 1.0)));
                }
                return self.penalized_lr_test_cold(out.engine, solver);
            }
            return self.penalized_lr_test_cold(self.plain_engine(), solver);
        }
        self.penalized_lr_test_cold(engine, solver)
    }

    /// logistf's restricted fit from β = 0.
    fn penalized_lr_test_cold<'a>(
        &self,
        engine: Engine<'a>,
        solver: DampedNewton,
    ) -> Result<(Engine<'a>, ChiSqTest)> {
        let k = self.names.len();
        let out = run(
            engine,
            solver,
            DVector::zeros(k),
            self.settings.max_iter + 1,
        )?;
        let restricted = out.engine.objective() + out.solver.model_gain();
        let stat = 2.0 * (self.penalized_loglik - restricted);
        Ok((out.engine, ChiSqTest::new(stat, 1.0)))
    }

    /// Penalized likelihood-ratio test of several coefficients all 0 (logistf's
    /// `logistftest(fit, test = indices)`, used by its `drop1`): the restricted fit keeps the
    /// penalty over the full design, `χ² = 2(ℓ*full − ℓ*restricted)` on `indices.len()` df.
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] for a bad or repeated index, or no index.
    /// * [`Error::NotConverged`] if the restricted fit does not converge.
    pub fn penalized_lr_test_set(&self, indices: &[usize]) -> Result<ChiSqTest> {
        let k = self.names.len();
        let mut free = vec![true; k];
        for &j in indices {
            self.check_index(j)?;
            if !free[j] {
                return Err(Error::InvalidParameter {
                    name: "index",
                    value: j as f64,
                    reason: "a coefficient is tested twice",
                });
            }
            free[j] = false;
        }
        match indices {
            [] => Err(Error::InvalidParameter {
                name: "indices",
                value: 0.0,
                reason: "no coefficient to test",
            }),
            [j] => self.penalized_lr_test(*j),
            _ => {
                let solver = DampedNewton::new(k, self.settings.rule())
                    .max_step(self.settings.max_step)
                    .free(free)
                    .early_stop();
                let out = run(
                    self.plain_engine(),
                    solver,
                    DVector::zeros(k),
                    self.settings.max_iter + 1,
                )?;
                if !out.convergence.converged() {
                    return Err(Error::NotConverged {
                        what: "the restricted Firth fit of a term test",
                        iterations: self.settings.max_iter,
                    });
                }
                let restricted = out.engine.objective() + out.solver.model_gain();
                let stat = 2.0 * (self.penalized_loglik - restricted);
                Ok(ChiSqTest::new(stat, indices.len() as f64))
            }
        }
    }

    /// Penalized likelihood-ratio tests for every coefficient (intercept included, as
    /// logistf).
    ///
    /// # Errors
    /// As [`FirthFit::penalized_lr_test`].
    pub fn penalized_lr_tests(&self) -> Result<Vec<ChiSqTest>> {
        // the profile-path expansion at β̂ (about two evaluations, shared with the profile
        // intervals) gives every restricted fit a start close to its optimum
        let path = self.profile_start().ok();
        map_jobs(
            self.names.len(),
            threads_for(
                self.settings.threads,
                self.names.len() * self.work(),
                self.names.len(),
            ),
            || self.plain_engine(),
            |engine, j| self.penalized_lr_test_with(engine, j, path),
        )
    }

    /// An engine whose steps use XᵀWX (restricted fits converge in fewer iterations than with
    /// the augmented information, to the same optimum).
    fn plain_engine(&self) -> Engine<'_> {
        Engine::plain(self.problem.view(), self.settings.tau)
    }

    /// Coefficient table in logistf's layout: coef, se (`(XᵀWX)⁻¹`), profile penalized
    /// likelihood interval, penalized LR χ² and p.
    ///
    /// # Errors
    /// As [`FirthFit::conf_int`] and [`FirthFit::penalized_lr_tests`].
    pub fn coef_table(&self, level: f64) -> Result<CoefTable> {
        let ci = self.conf_int(level)?;
        let tests = self.penalized_lr_tests()?;
        let se = &self.std_errors;
        let rows = (0..self.names.len())
            .map(|j| CoefRow {
                term: self.names[j].clone(),
                estimate: self.coefficients[j],
                std_error: se[j],
                statistic: tests[j].statistic(),
                p_value: tests[j].p_value(),
                lower: ci[j].0,
                upper: ci[j].1,
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
}

/// logistf counts iterations from 0 and tests `iter >= maxit` after each step: the reported
/// count is the number of steps minus one, and up to `maxit + 1` steps are taken.
fn logistf_count(c: Convergence) -> Convergence {
    Convergence::new(c.iterations().saturating_sub(1), c.reason())
}

/// A bound's value, NaN if its iteration did not converge.
fn bound_value(b: ProfileBound) -> f64 {
    if b.convergence.converged() {
        b.value
    } else {
        f64::NAN
    }
}

/// `expit(Xβ)` for a design with `β.len()` columns.
pub(crate) fn predict_with(beta: &DVector<f64>, x: &Design) -> Result<DVector<f64>> {
    if x.ncols() != beta.len() {
        return Err(Error::mismatch(
            "design columns for prediction",
            beta.len(),
            x.ncols(),
        ));
    }
    Ok((x.matrix() * beta).map(|eta| 1.0 / (1.0 + (-eta).exp())))
}
