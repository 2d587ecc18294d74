//! The settings ([`SurvReg`]) and the fitted model ([`SurvRegFit`]).

use nalgebra::{DMatrix, DVector};

use crate::stats::z_for_level;
use crate::{
    ChiSqTest, CiMethod, CoefRow, CoefTable, Convergence, Design, Error, Result, Statistic,
    StopReason, SurvivalData, TableStyle,
};

use super::dist::SurvRegDist;
use super::iterate::{Controls, survreg_newton};
use super::loglik::Problem;
use super::start::{Rescale, StartInput, start_values};

/// A parametric (accelerated failure time) survival model, fitted as R's `survreg`
/// (`survreg.fit` with `survreg.control()` defaults: `maxiter = 30`,
/// `rel.tolerance = 1e-9`, `toler.chol = 1e-10`).
///
/// The design is used as given: add the intercept with [`Design::with_intercept`] (R's
/// formula has one unless `- 1`). Case weights, offsets and strata come from the
/// [`SurvivalData`]; with strata each stratum gets its own scale.
///
/// ```
/// use oncostat::{Design, SurvReg, SurvRegDist, SurvivalData};
/// # fn main() -> Result<(), oncostat::Error> {
/// let time = vec![5.0, 8.0, 12.0, 3.0, 20.0, 15.0, 9.0, 30.0];
/// let status = [1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0];
/// let data = SurvivalData::from_status(time, &status)?;
/// let x = Design::from_columns([("arm", vec![0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0])])?
///     .with_intercept();
/// let fit = SurvReg::new(SurvRegDist::Weibull).fit(&data, &x)?;
/// assert!(fit.convergence().converged());
/// assert_eq!(fit.term_names(), ["(Intercept)", "arm"]);
/// assert!(fit.coefficients()[1] > 0.0); // the arm lives longer
/// // Weibull with the scale fixed at 1 is the exponential model
/// let w1 = SurvReg::new(SurvRegDist::Weibull).scale(1.0).fit(&data, &x)?;
/// let ex = SurvReg::new(SurvRegDist::Exponential).fit(&data, &x)?;
/// assert!((w1.coefficients()[1] - ex.coefficients()[1]).abs() < 1e-12);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SurvReg {
    dist: SurvRegDist,
    scale: Option<f64>,
    strata_name: Option<String>,
    max_iter: usize,
    rel_tolerance: f64,
    toler_chol: f64,
}

impl Default for SurvReg {
    fn default() -> Self {
        SurvReg::new(SurvRegDist::Weibull)
    }
}

impl SurvReg {
    /// A model with distribution `dist` and R's default controls.
    pub fn new(dist: SurvRegDist) -> Self {
        SurvReg {
            dist,
            scale: None,
            strata_name: None,
            max_iter: 30,
            rel_tolerance: 1e-9,
            toler_chol: 1e-10,
        }
    }

    /// Fixes the scale `σ` instead of estimating it (R's `scale =`; not with strata). The
    /// exponential distribution always has `σ = 1`.
    pub fn scale(mut self, scale: f64) -> Self {
        self.scale = Some(scale);
        self
    }

    /// Names the strata variable: the scale rows are then called `NAME=label`, as R names
    /// them for `strata(NAME)` of a numeric variable (`sex=1`). Without it the rows carry
    /// the labels alone, as R names them for a text or factor variable (`adult`).
    pub fn strata_name(mut self, name: impl Into<String>) -> Self {
        self.strata_name = Some(name.into());
        self
    }

    /// Maximum number of iterations (R's `maxiter`, default 30).
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Relative tolerance on the log-likelihood (R's `rel.tolerance`, default 1e-9).
    pub fn rel_tolerance(mut self, eps: f64) -> Self {
        self.rel_tolerance = eps;
        self
    }

    /// Singularity tolerance of the Cholesky factorisation (R's `toler.chol`, default 1e-10).
    pub fn toler_chol(mut self, toler: f64) -> Self {
        self.toler_chol = toler;
        self
    }

    /// The distribution.
    pub fn dist(&self) -> SurvRegDist {
        self.dist
    }

    fn check(&self) -> Result<()> {
        if !(self.rel_tolerance.is_finite() && self.rel_tolerance > 0.0) {
            return Err(Error::InvalidParameter {
                name: "rel_tolerance",
                value: self.rel_tolerance,
                reason: "the convergence tolerance must be a finite number > 0",
            });
        }
        if !(self.toler_chol.is_finite() && self.toler_chol > 0.0) {
            return Err(Error::InvalidParameter {
                name: "toler_chol",
                value: self.toler_chol,
                reason: "the Cholesky tolerance must be a finite number > 0",
            });
        }
        if let Some(s) = self.scale
            && !(s.is_finite() && s > 0.0)
        {
            return Err(Error::InvalidParameter {
                name: "scale",
                value: s,
                reason: "a fixed scale must be a finite number > 0",
            });
        }
        Ok(())
    }

    /// Fits the model (see the [module documentation](super) for the algorithm).
    ///
    /// # Errors
    /// * [`Error::DimensionMismatch`] if `x` and `data` differ in rows.
    /// * [`Error::CountingProcessNotSupported`] for `(start, stop]` data (R: "start-stop
    ///   type Surv objects are not supported").
    /// * [`Error::InvalidTimeForDistribution`] for a time of 0 with a distribution of
    ///   `log t`.
    /// * [`Error::InvalidParameter`] for a bad tolerance or fixed scale, or a fixed scale
    ///   with strata (R: "The scale argument is not valid with multiple strata"; this
    ///   includes the exponential).
    /// * [`Error::NoEvents`] if every row is censored (nothing to estimate).
    /// * [`Error::NumericalRange`] for an offset beyond ±709 with a distribution of `log t`
    ///   (the log of a time no double holds), naming the row; or when a converged fit has a
    ///   coefficient, standard error or log-likelihood outside the double range (e.g. a
    ///   saturated fit of a covariate × 1e-300), naming it.
    /// * [`Error::TooManyStrata`] for more than 1,000 strata (one scale parameter each).
    pub fn fit(&self, data: &SurvivalData, x: &Design) -> Result<SurvRegFit> {
        self.check()?;
        if data.is_counting() {
            return Err(Error::CountingProcessNotSupported {
                what: "survreg",
                hint: "fit right-censored data (time, status); R's survreg refuses (start, stop] data too",
            });
        }
        let n = data.len();
        if x.nrows() != n {
            return Err(Error::mismatch("design rows", n, x.nrows()));
        }
        if data.n_events() == 0 {
            return Err(Error::NoEvents {
                what: "the survreg data".to_string(),
            });
        }
        let dist = self.dist;
        let y: Vec<f64> = if dist.log_time() {
            let mut y = Vec::with_capacity(n);
            for (i, &t) in data.time().iter().enumerate() {
                let v = t.ln();
                if !v.is_finite() {
                    return Err(Error::InvalidTimeForDistribution {
                        row: i + 1,
                        value: t,
                        distribution: dist.r_name(),
                    });
                }
                y.push(v);
            }
            y
        } else {
            data.time().to_vec()
        };
        let nstrata = data.n_strata();
        if nstrata > MAX_STRATA {
            return Err(Error::TooManyStrata {
                what: "strata",
                model: "survreg",
                why: "one scale per stratum, each a parameter of the fit",
                found: nstrata,
                max: MAX_STRATA,
            });
        }
        let fixed_scale = dist.fixed_scale().or(self.scale);
        if fixed_scale.is_some() && nstrata > 1 {
            return Err(Error::InvalidParameter {
                name: "scale",
                value: fixed_scale.unwrap_or(1.0),
                reason: "a fixed scale (or the exponential distribution) cannot be combined with strata, as in R",
            });
        }
        let weights: Vec<f64> = data.weights().map_or_else(|| vec![1.0; n], <[f64]>::to_vec);
        let offset: Vec<f64> = data.offsets().map_or_else(|| vec![0.0; n], <[f64]>::to_vec);
        if dist.log_time() {
            // the offset is added to the linear predictor of log t: beyond ±709 it is the log
            // of a time no double holds (R fits such data to coefficients of ±1e307,
            // "converged")
            crate::numeric::check_offsets("survreg", &offset, 0.0, "log-time")?;
        }
        let strata: Vec<usize> = data.strata().map_or_else(|| vec![0; n], <[usize]>::to_vec);
        let event = data.event();
        // A distribution of t itself (Gaussian, logistic, extreme value) on times beyond
        // 2^±32 is fitted to c·t, c a power of two (exact, crate::numeric), with offsets c·o
        // and a fixed scale c·σ, so that the fit does not depend on the unit of time (times
        // × 1e100 made every coefficient aliased, "converged"; R does not converge there).
        // Back: β = β'/c, log σ = log σ' − ln c, ℓ = ℓ' + ln c·Σ_events w (the density of t
        // is c times that of c·t). The log-time distributions need no factor (log t is
        // moderate for every double).
        let c = if dist.log_time() {
            1.0
        } else {
            crate::numeric::range_factor(crate::numeric::max_abs(&y))
        };
        let ln_c = c.ln();
        let rescaled = (c - 1.0).abs() > 0.0;
        let y: Vec<f64> = if rescaled {
            y.iter().map(|v| v * c).collect()
        } else {
            y
        };
        let offset_fit: std::borrow::Cow<'_, [f64]> = if rescaled {
            offset.iter().map(|o| o * c).collect()
        } else {
            std::borrow::Cow::Borrowed(&offset)
        };
        let logcorrect = if dist.log_time() {
            -(0..n)
                .filter(|&i| event[i])
                .map(|i| weights[i] * data.time()[i].ln())
                .sum::<f64>()
        } else if !rescaled {
            0.0
        } else {
            ln_c * (0..n)
                .filter(|&i| event[i])
                .map(|i| weights[i])
                .sum::<f64>()
        };

        let nvar = x.ncols();
        let m = x.matrix();
        // Columns beyond 2^±32 are fitted times a power of two (exact, crate::numeric), so
        // that the fit does not depend on their scale (R's own centring and scaling below
        // overflows for a column × 1e300); ordinary columns are used as given.
        let factors: Vec<f64> = m
            .column_iter()
            .map(|c| crate::numeric::column_factor(c.as_slice()))
            .collect();
        let mut xr: Vec<f64> = Vec::with_capacity(n * nvar);
        for i in 0..n {
            for j in 0..nvar {
                xr.push(m[(i, j)] * factors[j]);
            }
        }
        let rescale = Rescale::detect(&xr, n, nvar);
        if let Some(r) = &rescale {
            r.apply(&mut xr, nvar);
        }
        let mean_only = nvar == 1 && xr.iter().all(|&v| (v - 1.0).abs() <= 0.0);
        let controls = Controls {
            max_iter: self.max_iter,
            rel_tolerance: self.rel_tolerance,
            toler_chol: self.toler_chol,
        };
        let law = dist.law();
        let fixed_log_scale = fixed_scale.map(f64::ln);
        let fixed_log_scale_fit = fixed_log_scale.map(|l| l + ln_c);
        let start = start_values(
            &StartInput {
                law,
                y: &y,
                event,
                weights: &weights,
                offset: &offset_fit,
                strata: &strata,
                nstrata,
                fixed_log_scale: fixed_log_scale_fit,
            },
            &xr,
            nvar,
            mean_only,
            controls,
        );
        let nstrat2 = if fixed_scale.is_some() { 0 } else { nstrata };
        let problem = Problem {
            law,
            y: &y,
            event,
            weights: &weights,
            offset: &offset_fit,
            x: &xr,
            nvar,
            strata: &strata,
            nstrat: nstrat2,
            fixed_log_scale: fixed_log_scale_fit.unwrap_or(0.0),
        };
        let out = survreg_newton(&problem, &start.init, controls);
        let k = nvar + nstrat2;
        let mut beta = out.beta;
        let mut var = out.variance;
        if let Some(r) = &rescale {
            r.back_transform(&mut beta, &mut var, k);
        }
        // back to the columns and times as given: β_j = β_j'·f_j/c, se_j = sqrt(V'_jj)·f_j/c
        // (formed from the rescaled variance, which neither under- nor overflows),
        // V_ab = V'_ab·g_a·g_b with g = f/c for coefficients, 1 for log scales (− ln c)
        let factor = |a: usize| if a < nvar { factors[a] / c } else { 1.0 };
        let aliased: Vec<bool> = (0..k).map(|a| var[a * k + a] <= 0.0).collect();
        // kept for the delta-method standard errors (predict.rs), whose gradients are
        // applied to the rescaled variance: V_ab·g_a·g_b itself under- or overflows
        let variance_rescaled = var.clone();
        let parameter_factors: Vec<f64> = (0..k).map(factor).collect();
        let parameter_se: Vec<f64> = (0..k).map(|a| var[a * k + a].sqrt() * factor(a)).collect();
        for a in 0..k {
            beta[a] *= factor(a);
            for b in 0..k {
                var[a * k + b] = var[a * k + b] * factor(a) * factor(b);
            }
        }
        for b in beta.iter_mut().skip(nvar) {
            *b -= ln_c;
        }
        let score: Vec<f64> = out
            .score
            .iter()
            .enumerate()
            .map(|(a, u)| u / factor(a))
            .collect();
        let loglik = out.loglik + logcorrect;
        let (loglik_null, null_coefficients) = match &start.null_fit {
            Some(f0) => {
                // the intercept-only fit: (intercept', log σ'…) on c·t
                let mut b0 = f0.beta.clone();
                b0[0] /= c;
                for b in b0.iter_mut().skip(1) {
                    *b -= ln_c;
                }
                (f0.loglik + logcorrect, b0)
            }
            None => (loglik, beta.clone()),
        };
        let mut coefficients: Vec<f64> = beta[..nvar].to_vec();
        for (c, &al) in coefficients.iter_mut().zip(&aliased) {
            if al {
                *c = f64::NAN;
            }
        }
        let log_scales: Vec<f64> = match fixed_log_scale {
            Some(ls) => vec![ls],
            None => beta[nvar..].to_vec(),
        };
        let linear_predictors: Vec<f64> = (0..n)
            .map(|i| {
                offset[i]
                    + (0..nvar)
                        .map(|j| m[(i, j)] * beta[j])
                        .filter(|v| v.is_finite())
                        .sum::<f64>()
            })
            .collect();
        let labels = data.strata_labels();
        let scale_names: Vec<String> = if nstrat2 == 0 {
            Vec::new()
        } else if nstrata == 1 {
            vec!["Log(scale)".to_string()]
        } else {
            labels
                .iter()
                .map(|l| match &self.strata_name {
                    Some(name) => format!("{name}={l}"),
                    None => l.clone(),
                })
                .collect()
        };
        let reason = if out.converged {
            StopReason::Converged
        } else if out.loglik.is_finite() {
            StopReason::MaxIterations
        } else {
            StopReason::NonFinite
        };
        let max_time = data.time().iter().copied().fold(0.0, f64::max);
        // a converged fit reports finite coefficients and standard errors (crate::numeric):
        // e.g. a saturated fit of a column × 1e-300 has a coefficient beyond the double range
        let kept: Vec<usize> = (0..nvar).filter(|&j| !aliased[j]).collect();
        crate::numeric::check_fit(
            "survreg",
            [("the log-likelihood", loglik)],
            &crate::numeric::Coefficients {
                names: x.names(),
                kept: &kept,
                estimates: &coefficients,
                std_errors: &parameter_se[..nvar],
            },
            out.converged,
            RANGE_ADVICE,
        )?;
        Ok(SurvRegFit {
            settings: self.clone(),
            names: x.names().to_vec(),
            scale_names,
            coefficients: DVector::from_vec(coefficients),
            params: beta,
            log_scales,
            fixed_scale: fixed_scale.is_some(),
            std_errors: DVector::from_fn(x.ncols(), |j, _| parameter_se[j]),
            parameter_se: DVector::from_vec(parameter_se),
            covariance: DMatrix::from_row_slice(k, k, &var),
            variance_rescaled,
            parameter_factors,
            loglik,
            loglik_null,
            null_coefficients,
            convergence: Convergence::new(out.iterations, reason),
            n,
            n_events: data.n_events(),
            nstrata,
            strata,
            linear_predictors: DVector::from_vec(linear_predictors),
            score,
            aliased,
            max_time,
            idf: if fixed_scale.is_some() {
                1
            } else {
                1 + nstrata
            },
        })
    }
}

/// The most strata a fit accepts: each is a log-scale parameter, so the information matrix
/// is `(p + strata)²` and each Newton step `O((p + strata)³)`; 1,000 keeps it at 8 MB.
const MAX_STRATA: usize = 1000;

/// What to do when a converged fit has a quantity outside the double range.
const RANGE_ADVICE: &str = "the covariates, weights or offsets are too extreme, or the model \
    has about as many parameters as rows (a saturated fit, whose estimates run off): rescale \
    the column named, or use fewer covariates";

/// A fitted parametric survival model (R's `survreg` object).
///
/// Parameters are `(β, log σ_1..σ_S)`: the coefficients of the linear predictor of `log t`
/// (or `t`) and one log scale per stratum (none when the scale is fixed). The fit keeps the
/// linear predictors and strata of its rows (memory proportional to `n`), not the data.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SurvRegFit {
    settings: SurvReg,
    names: Vec<String>,
    scale_names: Vec<String>,
    coefficients: DVector<f64>,
    params: Vec<f64>,
    log_scales: Vec<f64>,
    fixed_scale: bool,
    covariance: DMatrix<f64>,
    /// The variance of the rescaled parameters (row-major, k × k) and the factors `F` with
    /// `covariance = F·V'·F`: delta-method standard errors are formed from these.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(super) variance_rescaled: Vec<f64>,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(super) parameter_factors: Vec<f64>,
    std_errors: DVector<f64>,
    /// Standard errors of every parameter, formed from the rescaled variance (finite and
    /// non-zero where `sqrt(V_jj)` of [`SurvRegFit::variance`] would underflow).
    parameter_se: DVector<f64>,
    loglik: f64,
    loglik_null: f64,
    null_coefficients: Vec<f64>,
    convergence: Convergence,
    n: usize,
    n_events: usize,
    nstrata: usize,
    strata: Vec<usize>,
    linear_predictors: DVector<f64>,
    score: Vec<f64>,
    aliased: Vec<bool>,
    max_time: f64,
    idf: usize,
}

impl SurvRegFit {
    /// The settings the model was fitted with.
    pub fn settings(&self) -> &SurvReg {
        &self.settings
    }

    /// The distribution.
    pub fn dist(&self) -> SurvRegDist {
        self.settings.dist
    }

    /// Names of the coefficients (the design's columns).
    pub fn term_names(&self) -> &[String] {
        &self.names
    }

    /// Names of the log-scale rows as `summary.survreg` prints them: `Log(scale)` for one
    /// scale, the strata labels with strata, none for a fixed scale.
    pub fn scale_names(&self) -> &[String] {
        &self.scale_names
    }

    /// The coefficients `β` (NaN for a column R reports as `NA`: zero variance, aliased).
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.coefficients
    }

    /// All parameters `(β, log σ…)` in R's order (the estimated log scales last).
    pub fn parameters(&self) -> &[f64] {
        &self.params
    }

    /// The scales `σ` (R's `fit$scale`): one per stratum, or the fixed scale.
    pub fn scales(&self) -> Vec<f64> {
        self.log_scales.iter().map(|l| l.exp()).collect()
    }

    /// The log scales (one per stratum, or the log of the fixed scale).
    pub fn log_scales(&self) -> &[f64] {
        &self.log_scales
    }

    /// `true` if the scale was fixed (given, or the exponential).
    pub fn fixed_scale(&self) -> bool {
        self.fixed_scale
    }

    /// Variance matrix of all estimated parameters `(β, log σ…)`: the inverse observed
    /// information at the estimate (R's `vcov(fit)`), zero rows and columns for aliased ones.
    #[doc(alias = "vcov")]
    #[doc(alias = "covariance")]
    pub fn variance(&self) -> &DMatrix<f64> {
        &self.covariance
    }

    /// Standard errors of the coefficients `β` (same length as
    /// [`SurvRegFit::coefficients`]; the log scales' are in
    /// [`SurvRegFit::parameter_std_errors`]).
    #[doc(alias = "bse")]
    pub fn std_errors(&self) -> &DVector<f64> {
        &self.std_errors
    }

    /// Standard errors of all estimated parameters, coefficients then log scales.
    pub fn parameter_std_errors(&self) -> DVector<f64> {
        self.parameter_se.clone()
    }

    /// Wald statistics `β̂ / se` of the coefficients.
    pub fn z_values(&self) -> DVector<f64> {
        crate::stats::wald_z(&self.coefficients, &self.std_errors)
    }

    /// Two-sided Wald p-values of the coefficients (R's `summary.survreg` `p`).
    pub fn p_values(&self) -> DVector<f64> {
        crate::stats::wald_p(&self.coefficients, &self.std_errors)
    }

    /// Wald intervals `β̂ ± z·se` of the coefficients.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a level outside (0, 1).
    pub fn conf_int(&self, level: f64) -> Result<Vec<(f64, f64)>> {
        crate::stats::wald_conf_int(&self.coefficients, &self.std_errors, level)
    }

    /// How [`SurvRegFit::conf_int`] is obtained: [`CiMethod::Wald`].
    pub fn ci_method(&self) -> CiMethod {
        CiMethod::Wald
    }

    /// Log-likelihood of the model (R's `loglik[2]`, including the Jacobian `−Σ log t` of
    /// the events for a distribution of `log t`).
    #[doc(alias = "log_likelihood")]
    pub fn loglik(&self) -> f64 {
        self.loglik
    }

    /// Log-likelihood of the intercept-only model with the same scale structure (R's
    /// `loglik[1]`).
    pub fn loglik_null(&self) -> f64 {
        self.loglik_null
    }

    /// The intercept-only fit's parameters (R's `icoef`: intercept, then log scales).
    pub fn null_coefficients(&self) -> &[f64] {
        &self.null_coefficients
    }

    /// Degrees of freedom of the LR test: `sum(df) − idf`, the number of coefficients besides
    /// the intercept (R's `print.survreg`).
    pub fn lr_df(&self) -> usize {
        (self.params.len()).saturating_sub(self.idf)
    }

    /// Likelihood-ratio test of the model against the intercept-only model,
    /// `2 (ℓ − ℓ₀)` on [`SurvRegFit::lr_df`] df (NaN p-value for 0 df).
    pub fn lr_test(&self) -> ChiSqTest {
        ChiSqTest::new(2.0 * (self.loglik - self.loglik_null), self.lr_df() as f64)
    }

    /// Number of estimated parameters (R's `sum(fit$df)`, the `df` of `logLik`).
    pub fn n_parameters(&self) -> usize {
        self.params.len()
    }

    /// Akaike's criterion `−2ℓ + 2k` (R's `AIC(fit)`), `k` = [`SurvRegFit::n_parameters`].
    pub fn aic(&self) -> f64 {
        -2.0 * self.loglik + 2.0 * self.n_parameters() as f64
    }

    /// Schwarz's criterion `−2ℓ + k log n` (R's `BIC(fit)`, `n` = number of rows).
    pub fn bic(&self) -> f64 {
        -2.0 * self.loglik + (self.n as f64).ln() * self.n_parameters() as f64
    }

    /// Number of observations.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Number of events.
    pub fn n_events(&self) -> usize {
        self.n_events
    }

    /// Number of strata (1 without).
    pub fn n_strata(&self) -> usize {
        self.nstrata
    }

    /// The stratum (0-based) of each row.
    pub fn strata(&self) -> &[usize] {
        &self.strata
    }

    /// Largest observed time (the end of follow-up, for extrapolation grids).
    pub fn max_time(&self) -> f64 {
        self.max_time
    }

    /// How the iteration ended; [`Convergence::iterations`] is R's `fit$iter`.
    pub fn convergence(&self) -> &Convergence {
        &self.convergence
    }

    /// Number of Newton iterations (R's `fit$iter`).
    pub fn iterations(&self) -> usize {
        self.convergence.iterations()
    }

    /// `true` if the iteration met its convergence criterion.
    pub fn converged(&self) -> bool {
        self.convergence.converged()
    }

    /// `true` for each coefficient with zero variance (R sets it to `NA`); same length as
    /// [`SurvRegFit::coefficients`].
    pub fn aliased(&self) -> &[bool] {
        &self.aliased[..self.names.len()]
    }

    /// `true` for each parameter `(β, log σ…)` with zero variance.
    pub fn parameter_aliased(&self) -> &[bool] {
        &self.aliased
    }

    /// Linear predictors `x'β + offset` of the rows (R's `fit$linear.predictors`).
    pub fn linear_predictors(&self) -> &DVector<f64> {
        &self.linear_predictors
    }

    /// Score vector at the estimate, in the internal (centred and scaled covariate)
    /// parameterisation (R's `fit$score`).
    pub fn score(&self) -> &[f64] {
        &self.score
    }

    /// The fit if it converged.
    ///
    /// # Errors
    /// [`Error::NotConverged`] otherwise.
    pub fn require_converged(self) -> Result<Self> {
        self.convergence.require("survreg")?;
        Ok(self)
    }

    /// The scale of stratum `s` and its log.
    pub(super) fn log_scale_of(&self, s: usize) -> f64 {
        if self.log_scales.len() == 1 {
            self.log_scales[0]
        } else {
            self.log_scales[s]
        }
    }

    /// The summary table (R's `summary.survreg`): one row per coefficient, then the
    /// `Log(scale)` row(s) (strata-labelled with strata; none for a fixed scale), with
    /// `Value`, `Std. Error`, `z = Value/SE`, two-sided normal `p` and Wald bounds at `level`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a level outside (0, 1).
    pub fn coef_table(&self, level: f64) -> Result<CoefTable> {
        let zc = z_for_level(level)?;
        let se = self.parameter_std_errors();
        let nvar = self.names.len();
        let mut rows = Vec::with_capacity(self.params.len());
        let names = self.names.iter().chain(&self.scale_names);
        for (a, term) in names.enumerate() {
            // an aliased log scale (zero variance: one row, or a stratum whose scale runs
            // off to 0) is NA as an aliased coefficient is, not `-Inf` with p < 2e-16
            let est = if a < nvar {
                self.coefficients[a]
            } else if self.aliased[a] {
                f64::NAN
            } else {
                self.params[a]
            };
            rows.push(CoefRow::wald(term.clone(), est, se[a], zc, CiMethod::Wald));
        }
        Ok(CoefTable::new(
            rows,
            Statistic::Z,
            level,
            TableStyle::Survreg,
        ))
    }
}
