//! The fitted Cox model: coefficients, variance, tests and concordance (R's `coxph` object
//! and `summary.coxph`).

use nalgebra::{DMatrix, DVector};

use super::Ties;
use super::concordance::Concordance;
#[cfg(doc)]
use crate::Error;
use crate::table::wald_table;
use crate::{ChiSqTest, CiMethod, CoefTable, Convergence, Result, TableStyle};

/// A fitted Cox proportional hazards model (R's `coxph` object), produced by
/// [`CoxPh::fit`](super::CoxPh::fit).
///
/// ```text
/// h(t | x) = h0(t) · exp(x'β)
/// se = sqrt(diag(I(β̂)⁻¹)),  z = β̂/se,  p = 2·P(Z > |z|),  HR = exp(β̂),  CI = β̂ ± z_α·se
/// LR = 2(ℓ(β̂) - ℓ(init)),  Wald = (β̂ - init)' V⁻¹ (β̂ - init),  Score = U'I⁻¹U at init
/// ```
///
/// Coefficients of columns found singular (constant or collinear, R's `NA`) are NaN and
/// flagged in [`CoxFit::aliased`]; the tests then have fewer degrees of freedom.
///
/// # Examples
/// ```
/// use oncostat::{CoxPh, Design, SurvivalData};
/// # fn main() -> Result<(), oncostat::Error> {
/// let data = SurvivalData::from_status(
///     vec![9.0, 1.0, 1.0, 6.0, 6.0, 8.0],
///     &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0],
/// )?;
/// let x = Design::from_columns([("x", vec![0.0, 1.0, 1.0, 1.0, 0.0, 0.0])])?;
/// let fit = CoxPh::new().fit(&data, &x)?;
/// assert!((fit.coefficients()[0] - 1.6768574855882).abs() < 1e-6);
/// let (lo, hi) = fit.conf_int(0.95)?[0]; // log hazard ratio scale
/// assert!(lo.exp() < fit.hazard_ratios()[0] && fit.hazard_ratios()[0] < hi.exp());
/// println!("{fit}");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CoxFit {
    pub(super) term_names: Vec<String>,
    pub(super) ties: Ties,
    pub(super) timefix: bool,
    pub(super) coefficients: DVector<f64>,
    pub(super) std_errors: DVector<f64>,
    pub(super) robust_std_errors: Option<DVector<f64>>,
    pub(super) covariance: DMatrix<f64>,
    pub(super) naive_covariance: DMatrix<f64>,
    pub(super) robust_score_test: Option<f64>,
    pub(super) loglik_null: f64,
    pub(super) loglik: f64,
    pub(super) score_test: f64,
    pub(super) wald_test: f64,
    pub(super) df: usize,
    pub(super) concordance: Concordance,
    pub(super) n: usize,
    pub(super) n_events: usize,
    pub(super) convergence: Convergence,
    pub(super) aliased: Vec<bool>,
    pub(super) infinite: Vec<String>,
    pub(super) means: DVector<f64>,
    pub(super) linear_predictors: DVector<f64>,
    /// The survival data and design the model was fitted to (shared, not copied, by clones
    /// of the fit); `None` after [`CoxFit::without_data`].
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(super) inputs: Option<std::sync::Arc<FitInputs>>,
}

/// What a [`CoxFit`] keeps to compute residuals, `cox.zph`, baseline hazards and predicted
/// curves without the caller passing the data again.
#[derive(Debug)]
pub(super) struct FitInputs {
    pub(super) data: crate::SurvivalData,
    pub(super) x: crate::Design,
}

impl CoxFit {
    /// The survival data and design the model was fitted to.
    ///
    /// # Errors
    /// [`Error::FitDataDropped`] after [`CoxFit::without_data`].
    pub(super) fn inputs(&self) -> Result<(&crate::SurvivalData, &crate::Design)> {
        match &self.inputs {
            Some(i) => Ok((&i.data, &i.x)),
            None => Err(crate::Error::FitDataDropped {
                what: "the Cox model",
            }),
        }
    }

    /// The fit without its copy of the data: a fit keeps the survival data and the design it
    /// was fitted to (memory proportional to n·p: `8·n·(p + 2)` bytes plus weights, strata,
    /// clusters and offsets when present) so that [`CoxFit::residuals`], [`CoxFit::zph`],
    /// [`CoxFit::basehaz`] and [`CoxFit::survfit`] need no data passed again. This drops
    /// that copy; those methods then return [`Error::FitDataDropped`], everything else
    /// (coefficients, tests, [`CoxFit::linear_predictor`] for new data) still works.
    ///
    /// ```
    /// use oncostat::{CoxPh, Design, Error, ResidualKind, SurvivalData};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let data = SurvivalData::from_status(vec![1.0, 2.0, 3.0, 4.0], &[1.0, 1.0, 0.0, 1.0])?;
    /// let x = Design::from_columns([("dose", vec![0.5, 1.5, 1.0, 2.0])])?;
    /// let fit = CoxPh::new().fit(&data, &x)?;
    /// assert!(fit.has_data());
    /// let small = fit.without_data();
    /// assert!(matches!(
    ///     small.residuals(ResidualKind::Martingale),
    ///     Err(Error::FitDataDropped { .. })
    /// ));
    /// # Ok(()) }
    /// ```
    pub fn without_data(mut self) -> Self {
        self.inputs = None;
        self
    }

    /// `true` while the fit keeps its data (see [`CoxFit::without_data`]).
    pub fn has_data(&self) -> bool {
        self.inputs.is_some()
    }

    /// Column names, in the order of the design.
    pub fn term_names(&self) -> &[String] {
        &self.term_names
    }

    /// How tied death times were handled.
    pub fn ties(&self) -> Ties {
        self.ties
    }

    /// Estimated log hazard ratios β̂; NaN for aliased columns (R's `NA`).
    #[doc(alias = "coef")]
    #[doc(alias = "params")]
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.coefficients
    }

    /// Model-based standard errors `sqrt(diag(I⁻¹))` (R's `se(coef)`); NaN for aliased
    /// columns.
    #[doc(alias = "bse")]
    pub fn std_errors(&self) -> &DVector<f64> {
        &self.std_errors
    }

    /// Robust (sandwich) standard errors when the robust variance is on (R's `robust se`).
    pub fn robust_std_errors(&self) -> Option<&DVector<f64>> {
        self.robust_std_errors.as_ref()
    }

    /// The standard errors inference uses: robust when on, else model-based.
    fn inference_se(&self) -> &DVector<f64> {
        self.robust_std_errors.as_ref().unwrap_or(&self.std_errors)
    }

    /// Wald statistics `β̂ / se` (robust se when the robust variance is on, as R).
    pub fn z_values(&self) -> DVector<f64> {
        crate::stats::wald_z(&self.coefficients, self.inference_se())
    }

    /// Two-sided Wald p-values `2·P(Z > |z|)`.
    pub fn p_values(&self) -> DVector<f64> {
        crate::stats::wald_p(&self.coefficients, self.inference_se())
    }

    /// Hazard ratios `exp(β̂)`.
    pub fn hazard_ratios(&self) -> DVector<f64> {
        self.coefficients.map(f64::exp)
    }

    /// Wald confidence intervals `β̂ ± z·se` on the coefficient (log hazard ratio) scale,
    /// `z = qnorm(1 - (1 - level)/2)`; exponentiate for R's `summary(fit)$conf.int` (robust
    /// se when on).
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] if `level` is not strictly between 0 and 1.
    pub fn conf_int(&self, level: f64) -> Result<Vec<(f64, f64)>> {
        crate::stats::wald_conf_int(&self.coefficients, self.inference_se(), level)
    }

    /// How [`CoxFit::conf_int`] and the table are obtained: always [`CiMethod::Wald`].
    pub fn ci_method(&self) -> CiMethod {
        CiMethod::Wald
    }

    /// Variance–covariance matrix (R's `fit$var`): `I(β̂)⁻¹`, or the robust `D'D` when the
    /// robust variance is on; zero rows and columns for aliased coefficients.
    #[doc(alias = "vcov")]
    #[doc(alias = "covariance")]
    pub fn variance(&self) -> &DMatrix<f64> {
        &self.covariance
    }

    /// Model-based variance `I(β̂)⁻¹` (R's `naive.var` when robust, else `var`).
    pub fn naive_variance(&self) -> &DMatrix<f64> {
        &self.naive_covariance
    }

    /// Robust score test (R's `rscore`) when the robust variance is on.
    pub fn robust_score_test(&self) -> Option<ChiSqTest> {
        self.robust_score_test
            .map(|s| ChiSqTest::new(s, self.df as f64))
    }

    /// Partial log-likelihood at the initial values (R's `loglik[1]`).
    pub fn loglik_null(&self) -> f64 {
        self.loglik_null
    }

    /// Partial log-likelihood at β̂ (R's `loglik[2]`).
    #[doc(alias = "log_likelihood")]
    pub fn loglik(&self) -> f64 {
        self.loglik
    }

    /// Likelihood-ratio test `2(ℓ(β̂) - ℓ(init))` on the number of non-aliased coefficients.
    pub fn lr_test(&self) -> ChiSqTest {
        ChiSqTest::new(2.0 * (self.loglik - self.loglik_null), self.df as f64)
    }

    /// Wald test `(β̂ - init)' V⁻¹ (β̂ - init)` with V = [`CoxFit::variance`] (R prints it
    /// rounded to 2 decimals; the value here is unrounded).
    pub fn wald_test(&self) -> ChiSqTest {
        ChiSqTest::new(self.wald_test, self.df as f64)
    }

    /// Score (log-rank) test `U'I⁻¹U` at the initial values.
    pub fn score_test(&self) -> ChiSqTest {
        ChiSqTest::new(self.score_test, self.df as f64)
    }

    /// Harrell's concordance of the linear predictor, with its standard error.
    pub fn concordance(&self) -> Concordance {
        self.concordance
    }

    /// Number of observations used.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Number of events (unweighted, R's `nevent`).
    pub fn n_events(&self) -> usize {
        self.n_events
    }

    /// How the iteration ended (R's `iter`; `converged() == false` when it ran out of
    /// iterations or a coefficient diverges).
    pub fn convergence(&self) -> &Convergence {
        &self.convergence
    }

    /// Number of Newton iterations (R's `iter`).
    pub fn iterations(&self) -> usize {
        self.convergence.iterations()
    }

    /// `true` if the iteration met its convergence criterion.
    pub fn converged(&self) -> bool {
        self.convergence.converged()
    }

    /// `true` for each column dropped as singular (constant or collinear, R's `NA`).
    pub fn aliased(&self) -> &[bool] {
        &self.aliased
    }

    /// Columns whose coefficient may be infinite (monotone likelihood; R's warning "Loglik
    /// converged before variable …"). Firth's penalized Cox model,
    /// [`FirthCoxPh`](crate::FirthCoxPh), gives finite estimates with profile penalized
    /// likelihood intervals.
    pub fn infinite_coefficients(&self) -> &[String] {
        &self.infinite
    }

    /// Column means used for centring (R's `fit$means`; 0 for columns with values in
    /// {-1, 0, 1}).
    pub fn means(&self) -> &DVector<f64> {
        &self.means
    }

    /// Linear predictors `(x - means)'β̂ + offset` in the original row order (R's
    /// `fit$linear.predictors`; offsets centred on their mean).
    pub fn linear_predictors(&self) -> &DVector<f64> {
        &self.linear_predictors
    }

    /// Returns the fit if it converged.
    ///
    /// # Errors
    /// * [`Error::NotConverged`] if the iteration ran out of iterations or a coefficient
    ///   diverges (monotone likelihood).
    pub fn require_converged(self) -> Result<Self> {
        self.convergence.require("Cox model")?;
        Ok(self)
    }

    /// Coefficient table (R's `summary.coxph` layout) with Wald intervals at `level`; its
    /// standard-error column is the one the z statistics use (robust when on).
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] if `level` is not strictly between 0 and 1.
    pub fn coef_table(&self, level: f64) -> Result<CoefTable> {
        wald_table(
            &self.term_names,
            &self.coefficients,
            self.inference_se(),
            level,
            CiMethod::Wald,
            TableStyle::Coxph,
        )
    }

    /// Score tests of the proportional-hazards assumption (R's `cox.zph(fit)`, transform
    /// `"km"`): one test per non-aliased covariate and a global test, on the data the model
    /// was fitted to (kept by the fit, as R re-reads it).
    ///
    /// ```text
    /// g(t) = 1 - KM(t-) centred over events; score test of X·g(t) at (β̂, 0)
    /// ```
    ///
    /// # Errors
    /// * [`Error::DimensionMismatch`] if `data` or `x` do not have the shape of the fit, or
    ///   the column names differ.
    /// * [`Error::SingularMatrix`] if the augmented information matrix is singular.
    ///
    /// # Examples
    /// ```
    /// use oncostat::{CoxPh, Design, SurvivalData};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let data = SurvivalData::from_status(
    ///     vec![5.0, 8.0, 12.0, 3.0, 9.0, 15.0, 7.0, 11.0],
    ///     &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
    /// )?;
    /// let x = Design::from_columns([("age", vec![61.0, 55.0, 48.0, 70.0, 52.0, 45.0, 66.0, 59.0])])?;
    /// let fit = CoxPh::new().fit(&data, &x)?;
    /// let zph = fit.zph()?;
    /// assert_eq!(zph.global().name(), "GLOBAL");
    /// assert!(zph.terms()[0].test().p_value() <= 1.0);
    /// # Ok(()) }
    /// ```
    pub fn zph(&self) -> Result<super::CoxZph> {
        self.zph_with(super::ZphTransform::Km)
    }

    /// `(name, β̂)` pairs.
    pub fn iter_coefficients(&self) -> impl Iterator<Item = (&str, f64)> {
        self.term_names
            .iter()
            .map(String::as_str)
            .zip(self.coefficients.iter().copied())
    }
}
