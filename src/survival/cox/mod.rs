//! Cox proportional hazards regression, numerically as R's `survival::coxph` (3.5-3) for
//! right-censored data: Efron or Breslow ties, strata, case weights and offsets.
//!
//! ```text
//! h_i(t) = h0_s(t) · exp(x_i'β + offset_i)        (s = stratum of i)
//! ℓ(β) = Σ_deaths w_i η_i - Σ_death times W_d log S0(t)   (Breslow; Efron averages the tied deaths)
//! ```
//!
//! What is reproduced from R (algorithms.md §2): `timefix` of near-tied times (on by
//! default), centring and scaling of the covariates (columns with values in {-1, 0, 1} are
//! left alone and report mean 0), centred offsets, the exact Newton iteration with R's
//! step-halving and `|1 - ℓ_old/ℓ_new| <= eps` stopping rule (so iteration counts match), the
//! LDL′ singular-column rule (aliased columns get an `NA`, here NaN, coefficient), the
//! monotone-likelihood check, the LR / Wald / score tests and Harrell's concordance with its
//! infinitesimal-jackknife standard error.
//!
//! Counting-process data `(start, stop]` ([`SurvivalData::counting`]: time-varying covariates,
//! delayed entry) are fitted as R's `agreg.fit` / `agfit4`: a row is at risk at t iff
//! `start < t <= stop`; one pass adds rows at their stop time and removes them along the
//! start-time order (O(n·p²) per evaluation after one sort); `fit$means` are the unweighted
//! column means; convergence is tested only when not step-halving; the monotone-likelihood
//! check is `|U'V|_j > sqrt(eps)·(1 + |β_j|)`; concordance compares each event with the rows
//! at risk at its time; the robust variance uses score residuals over `(start, stop]`;
//! `cox.zph` uses the Kaplan–Meier of the `(start, stop]` data and the same risk sets. R's overflow
//! guard (re-centring the risk scores when the risk-set mean of η drifts by more than 200) is
//! not reproduced: it only acts for |η| in the hundreds.
//!
//! After the fit: residuals of every `residuals.coxph` type ([`CoxFit::residuals`]),
//! `cox.zph` with the km, rank, identity and log transforms and its scaled Schoenfeld
//! residuals ([`CoxFit::zph_with`]), the baseline hazard ([`CoxFit::basehaz`]), predicted
//! survival curves with Tsiatis' variance ([`CoxFit::survfit`]) and linear predictors for new
//! data ([`CoxFit::linear_predictor`]).
//!
//! Not reproduced: the exact (`ties = "exact"`) likelihood.
//!
//! # References
//! Therneau, T. M. & Grambsch, P. M. (2000). *Modeling Survival Data: Extending the Cox Model*.
//! Springer.

mod concordance;
mod display;
mod fit;
mod newton;
mod predict;
pub(in crate::survival) mod prepare;
mod residuals;
mod risk_pass;
mod robust;
mod sweep;
mod zph;

pub use concordance::{Concordance, concordance, concordance_threads};
pub use fit::CoxFit;
pub use predict::{BaselineHazard, Centering};
pub use residuals::{CoxResiduals, ResidualKind};
pub use zph::{CoxZph, ZphTerm, ZphTransform};

use nalgebra::{DMatrix, DVector};

use crate::linalg::Ldl;
use crate::{Convergence, Design, Error, Result, StopReason, SurvivalData};
use newton::{Controls, FLAG_NOT_CONVERGED, newton};
use prepare::Prepared;

/// How tied event times enter the partial likelihood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Ties {
    /// Efron's approximation (R's default).
    #[default]
    Efron,
    /// Breslow's approximation.
    Breslow,
}

crate::settings::setting_names!(Ties, "ties", {
    Efron => "efron",
    Breslow => "breslow",
});

/// Which variance the Wald statistics of a Cox fit use (R's `coxph(robust = )`). Unset
/// ([`CoxPh::new`]), R's default applies: robust when the data have clusters
/// ([`SurvivalData::with_clusters`]) or any case weight is not a whole number, model-based
/// otherwise.
///
/// ```
/// use oncostat::CoxVariance;
/// assert_eq!("naive".parse::<CoxVariance>().unwrap(), CoxVariance::Model);
/// assert_eq!(CoxVariance::Robust.to_string(), "robust");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum CoxVariance {
    /// The inverse information (R's `naive.var` when robust is on).
    Model,
    /// The sandwich (robust) variance `Σ_c D_c D_c′` over clusters (each row alone without
    /// clusters), with a robust score test.
    Robust,
}

crate::settings::setting_names!(CoxVariance, "variance", {
    Model => "model" | "naive",
    Robust => "robust" | "sandwich",
});

/// Settings of a Cox proportional hazards fit (R's `coxph` with `coxph.control`).
///
/// ```text
/// maximise the partial likelihood ℓ(β) by Newton–Raphson from β = init:
/// stop when |1 - ℓ_old/ℓ_new| <= eps (at most max_iter iterations)
/// ```
///
/// # Examples
/// ```
/// use oncostat::{CoxPh, Design, SurvivalData, Ties};
/// # fn main() -> Result<(), oncostat::Error> {
/// // Therneau & Grambsch's toy data: the Breslow MLE is log(1.5 + sqrt(33)/2).
/// let data = SurvivalData::from_status(
///     vec![9.0, 1.0, 1.0, 6.0, 6.0, 8.0],
///     &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0],
/// )?;
/// let x = Design::from_columns([("x", vec![0.0, 1.0, 1.0, 1.0, 0.0, 0.0])])?;
/// let fit = CoxPh::new().ties(Ties::Breslow).fit(&data, &x)?;
/// let exact = (1.5 + 33f64.sqrt() / 2.0).ln();
/// assert!((fit.coefficients()[0] - exact).abs() < 1e-9);
/// assert!(fit.convergence().converged());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CoxPh {
    ties: Ties,
    max_iter: usize,
    eps: f64,
    toler_chol: f64,
    timefix: bool,
    init: Option<Vec<f64>>,
    variance: Option<CoxVariance>,
    threads: usize,
}

impl Default for CoxPh {
    fn default() -> Self {
        CoxPh {
            ties: Ties::Efron,
            max_iter: 20,
            eps: 1e-9,
            toler_chol: f64::EPSILON.powf(0.75),
            timefix: true,
            init: None,
            variance: None,
            threads: 1,
        }
    }
}

impl CoxPh {
    /// Default settings (R's defaults): Efron ties, 20 iterations, `eps = 1e-9`,
    /// `toler_chol = ε^0.75`, timefix on, β starts at 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Handling of tied event times (default [`Ties::Efron`]).
    pub fn ties(mut self, ties: Ties) -> Self {
        self.ties = ties;
        self
    }

    /// Maximum number of Newton iterations (default 20, R's `iter.max`). `0` evaluates the
    /// model at the initial values only.
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Convergence tolerance on `|1 - ℓ_old/ℓ_new|` (default `1e-9`, R's `eps`). The
    /// infinite-coefficient check uses `sqrt(eps)` (R's `toler.inf`).
    pub fn eps(mut self, eps: f64) -> Self {
        self.eps = eps;
        self
    }

    /// Relative pivot tolerance of the LDL′ factorisation below which a column is declared
    /// singular (default `ε^0.75 ≈ 1.82e-12`, R's `toler.chol`).
    pub fn toler_chol(mut self, toler_chol: f64) -> Self {
        self.toler_chol = toler_chol;
        self
    }

    /// Whether near-equal times (floating-point noise) are treated as tied, as R's
    /// `timefix`.
    ///
    /// [`Timefix::Merge`](crate::Timefix) is the default; [`Timefix::Exact`](crate::Timefix) compares times exactly.
    pub fn timefix(mut self, timefix: crate::Timefix) -> Self {
        self.timefix = timefix == crate::Timefix::Merge;
        self
    }

    /// Initial coefficients, one per design column (default all 0). The LR and score tests
    /// are computed against them, as in R.
    pub fn init(mut self, init: Vec<f64>) -> Self {
        self.init = Some(init);
        self
    }

    /// The variance of the Wald statistics (default as R: [`CoxVariance::Robust`] when the
    /// data have clusters ([`SurvivalData::with_clusters`]) or any case weight is not a whole
    /// number, [`CoxVariance::Model`] otherwise). With the robust variance,
    /// `variance()`, the z statistics, p-values, confidence intervals and the Wald test
    /// use it (`std_errors()` stays model-based), and a robust score test is added.
    pub fn variance(mut self, variance: CoxVariance) -> Self {
        self.variance = Some(variance);
        self
    }

    /// Maximum worker threads of the fit (default 1; 0 = all available cores): the sort and
    /// the centring of the covariates (at once), the sorted copy of the design, the risk-set
    /// passes of every Newton step, the linear predictors and the concordance (its two sides
    /// and its sort of η at once). On the 2-core machine of BENCHMARKS.md (Run 10) two threads
    /// take n = 2·10⁵, p = 20 from 0.138 s to 0.099 s; the default stays one thread, as R's
    /// `coxph`, so that a fit does not take every core of a shared machine unasked. The numbers
    /// do not depend on it: the passes work on fixed chunks of the sorted rows and add the
    /// chunk results in order, so 1 and 8 threads give bit-identical fits. Small fits
    /// (`n·p² < 400 000`) run on the calling thread.
    ///
    /// ```
    /// use oncostat::{CoxPh, Design, SurvivalData};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let n = 3000;
    /// let time: Vec<f64> = (0..n).map(|i| ((i * 7919) % 101) as f64 + 1.0).collect();
    /// let status: Vec<f64> = (0..n).map(|i| ((i % 3) != 0) as u8 as f64).collect();
    /// let data = SurvivalData::from_status(time, &status)?;
    /// let x = Design::from_columns((0..3).map(|j| {
    ///     let col = (0..n).map(|i| ((i + 1) * (7 + 4 * j) % 1009) as f64 / 1009.0);
    ///     (format!("x{j}"), col.collect::<Vec<_>>())
    /// }))?;
    /// let one = CoxPh::new().threads(1).fit(&data, &x)?;
    /// let two = CoxPh::new().threads(2).fit(&data, &x)?;
    /// let bits = |f: &oncostat::CoxFit| f.coefficients().map(f64::to_bits);
    /// assert_eq!(bits(&one), bits(&two));
    /// assert_eq!(one.loglik().to_bits(), two.loglik().to_bits());
    /// # Ok(()) }
    /// ```
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    fn check(&self, p: usize) -> Result<Vec<f64>> {
        if !(self.eps.is_finite() && self.eps > 0.0) {
            return Err(Error::InvalidParameter {
                name: "eps",
                value: self.eps,
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
        match &self.init {
            None => Ok(vec![0.0; p]),
            Some(init) => {
                if init.len() != p {
                    return Err(Error::mismatch("initial coefficients", p, init.len()));
                }
                crate::design::check_finite("init", init)?;
                Ok(init.clone())
            }
        }
    }

    /// Fits the model to survival data and a design matrix (one row per observation; no
    /// intercept: a constant column is reported as aliased).
    ///
    /// # Errors
    /// * [`Error::DimensionMismatch`] if `x` does not have one row per observation, or
    ///   `init` one value per column.
    /// * [`Error::NoEvents`] if every observation is censored.
    /// * [`Error::InvalidParameter`] for a non-positive or non-finite `eps` / `toler_chol`.
    /// * [`Error::NonFinite`] for a non-finite initial value.
    /// * [`Error::DimensionMismatch`] if the cluster labels are not one per observation.
    /// * [`Error::StartNotBeforeStop`] if, for counting-process data, `timefix` merges a
    ///   row's start and stop into one time (R: "an interval has effective length 0").
    ///
    /// * [`Error::NumericalRange`] for an offset more than 709 from the mean offset (`exp`
    ///   overflows), or if a log-likelihood, test statistic, coefficient or standard error
    ///   does not fit in a double (initial values so large that `exp(η)` overflows;
    ///   covariate scale alone is handled up to 1e±300).
    ///
    /// Non-convergence and infinite coefficients are not errors: see
    /// [`CoxFit::convergence`] and [`CoxFit::require_converged`].
    ///
    /// # Examples
    /// Counting-process data `(start, stop]`: a time-varying covariate and delayed entry.
    /// ```
    /// use oncostat::{CoxPh, Design, SurvivalData};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// // patients 1 and 2 change treatment at day 4; patient 5 enters at day 2
    /// let data = SurvivalData::counting(
    ///     vec![0.0, 4.0, 0.0, 4.0, 0.0, 0.0, 2.0, 0.0],
    ///     vec![4.0, 9.0, 4.0, 6.0, 3.0, 7.0, 8.0, 5.0],
    ///     vec![false, true, false, true, true, false, true, true],
    /// )?;
    /// let x = Design::from_columns([("treated", vec![0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0])])?;
    /// let fit = CoxPh::new().fit(&data, &x)?;
    /// assert!(fit.convergence().converged());
    /// assert_eq!(fit.n(), 8);
    /// # Ok(()) }
    /// ```
    pub fn fit(&self, data: &SurvivalData, x: &Design) -> Result<CoxFit> {
        let p = x.ncols();
        let init = self.check(p)?;
        let mut prepared = Prepared::with_threads(data, x, self.timefix, self.threads)?;
        if let Some(o) = data.offsets() {
            crate::numeric::check_offsets("Cox model", o, prepared.offset_mean, "log-hazard")?;
        }
        // weights far from 1 are fitted times a power of two; `c` takes the results back
        let normalised = prepared.normalise_weights();
        let c = normalised.unwrap_or(1.0);
        let controls = Controls {
            ties: self.ties,
            max_iter: self.max_iter,
            eps: self.eps,
            toler_chol: self.toler_chol,
            counting: prepared.counting.is_some(),
            threads: self.threads,
        };
        let out = newton(&prepared, &init, controls)?;

        // Reported quantities come from the scaled problem (crate::numeric): se_j =
        // sqrt(V_s,jj)·s_j does not underflow where V_jj = V_s,jj·s_j² does.
        let scales = &prepared.scales;
        let var_diag = |j: usize| out.scaled_variance[j * p + j];
        let se_c = c.sqrt();
        let aliased: Vec<bool> = (0..p)
            .map(|j| self.max_iter > 0 && out.flag < p as i64 && var_diag(j).abs() <= 0.0)
            .collect();
        let infinite = self.infinite_columns(x, &out, &prepared.scales, &aliased);
        let reason = if out.flag == FLAG_NOT_CONVERGED {
            StopReason::MaxIterations
        } else if !infinite.is_empty() {
            StopReason::Diverging
        } else {
            StopReason::Converged
        };

        let coefficients =
            DVector::from_fn(p, |j, _| if aliased[j] { f64::NAN } else { out.beta[j] });
        let std_errors = DVector::from_fn(p, |j, _| {
            if aliased[j] {
                f64::NAN
            } else {
                var_diag(j).sqrt() * scales[j] / se_c
            }
        });
        let naive_covariance = DMatrix::from_row_slice(p, p, &out.variance) / c;
        let fractional_weights = data
            .weights()
            .is_some_and(|w| w.iter().any(|v| v.fract().abs() > 0.0));
        let cluster = data.clusters().map(|c| (c, data.n_clusters()));
        let robust_on = match self.variance {
            Some(v) => v == CoxVariance::Robust,
            None => cluster.is_some() || fractional_weights,
        };
        let robust = robust_on.then(|| self.robust_variance(&prepared, &out, &init, cluster));
        // the variance of the Wald statistics, scaled and original
        // (the robust variance does not depend on the scale of the weights; the model-based
        // one is 1/c times that of the normalised weights)
        let (scaled_variance, var_c) = robust
            .as_ref()
            .map_or((&out.scaled_variance, c), |r| (&r.0, 1.0));
        let covariance = DMatrix::from_fn(p, p, |i, j| {
            scaled_variance[i * p + j] * scales[i] * scales[j] / var_c
        });
        let robust_std_errors = robust.as_ref().map(|_| {
            DVector::from_fn(p, |j, _| {
                if aliased[j] {
                    f64::NAN
                } else {
                    scaled_variance[j * p + j].sqrt() * scales[j]
                }
            })
        });
        let kept: Vec<usize> = (0..p).filter(|&j| !aliased[j]).collect();
        let scaled_init: Vec<f64> = init.iter().zip(scales).map(|(b, s)| b / s).collect();
        let wald_test = var_c
            * wald(
                scaled_variance,
                p,
                &out.scaled_beta,
                &scaled_init,
                &kept,
                self.toler_chol,
            );
        // ℓ, the score test on the weights given
        let log_c_deaths = match normalised {
            None => 0.0,
            Some(c) => {
                c.ln()
                    * prepared
                        .weight
                        .range(0..prepared.n)
                        .zip(&prepared.event)
                        .filter(|(_, e)| **e)
                        .map(|(w, _)| w)
                        .sum::<f64>()
            }
        };
        let loglik_at = |l: f64| normalised.map_or(l, |c| c * (l - log_c_deaths));
        let (loglik_init, loglik) = (loglik_at(out.loglik_init), loglik_at(out.loglik));
        let score_test = c * out.score_test;

        let linear_predictors = linear_predictors(x, data, &out.beta, &prepared, self.threads);
        // the sorted covariates are not needed any more: their memory, already touched,
        // holds the sorted linear predictor and then the concordance's per-row sums (no
        // page faults on fresh memory: at n = 10⁷ a tenth of a second or more), cut to
        // those two values a row (the rest goes back, before the concordance's other
        // buffers are allocated: peak memory)
        let mut sorted_lp = std::mem::take(&mut prepared.z);
        sorted_lp.clear();
        sorted_lp.extend(
            prepared
                .order
                .iter()
                .map(|&i| linear_predictors[i as usize]),
        );
        sorted_lp.shrink_to(2 * prepared.n);
        let concordance =
            concordance::sorted_concordance(&prepared, sorted_lp, cluster, self.threads);

        let converged = reason == StopReason::Converged;
        let inference_se = robust_std_errors.as_ref().unwrap_or(&std_errors);
        crate::numeric::check_fit(
            "Cox model",
            [
                ("the log-likelihood at the initial values", loglik_init),
                ("the log-likelihood", loglik),
                ("the score test", score_test),
                ("the Wald test", wald_test),
            ],
            &crate::numeric::Coefficients {
                names: x.names(),
                kept: &kept,
                estimates: coefficients.as_slice(),
                std_errors: inference_se.as_slice(),
            },
            converged,
            RANGE_ADVICE,
        )?;

        Ok(CoxFit {
            term_names: x.names().to_vec(),
            ties: self.ties,
            timefix: self.timefix,
            coefficients,
            std_errors,
            robust_std_errors,
            covariance,
            naive_covariance,
            robust_score_test: robust.as_ref().map(|r| r.1),
            loglik_null: loglik_init,
            loglik,
            score_test,
            wald_test,
            df: kept.len(),
            concordance,
            n: prepared.n,
            n_events: prepared.n_events,
            convergence: Convergence::new(out.iterations, reason),
            aliased,
            infinite,
            means: DVector::from_vec(prepared.means.clone()),
            linear_predictors,
            inputs: Some(std::sync::Arc::new(fit::FitInputs {
                data: data.clone(),
                x: x.clone(),
            })),
        })
    }

    /// Robust variance `Σ_c D_c D_c'` (row-major, on the scaled covariates: multiply by
    /// `s_i·s_j` for the original scale) and the robust score test (scale-free).
    fn robust_variance(
        &self,
        prepared: &Prepared,
        out: &newton::NewtonOutcome,
        init: &[f64],
        cluster: Option<(&[usize], usize)>,
    ) -> (Vec<f64>, f64) {
        let (n, p) = (prepared.n, prepared.p);
        let n_clusters = cluster.map_or(0, |c| c.1);
        let cluster = cluster.map(|c| c.0);
        let scales = &prepared.scales;
        // η from coefficients of the scaled covariates
        let eta_at = |beta: &[f64], with_offset: bool| -> Vec<f64> {
            (0..n)
                .map(|k| {
                    let xb: f64 = prepared.row(k).iter().zip(beta).map(|(x, b)| x * b).sum();
                    if with_offset {
                        xb + prepared.offset[k]
                    } else {
                        xb
                    }
                })
                .collect()
        };
        // dfbeta = L V on the scaled covariates
        let resid = robust::score_residuals(prepared, self.ties, &eta_at(&out.scaled_beta, true));
        let mut dfbeta = vec![0.0; n * p];
        for (row, l) in dfbeta.chunks_exact_mut(p).zip(resid.chunks_exact(p)) {
            for (j, d) in row.iter_mut().enumerate() {
                *d = (0..p).map(|k| l[k] * out.scaled_variance[k * p + j]).sum();
            }
        }
        let d = robust::cluster_sums(prepared, &dfbeta, cluster, n_clusters);
        let variance = robust::cross_product(&d, p);
        // robust score test at η = 0 (R: X·init when clustered), offsets left out as in R
        let start: Vec<f64> = if cluster.is_some() {
            init.iter().zip(scales).map(|(b, s)| b / s).collect()
        } else {
            vec![0.0; p]
        };
        let resid0 = robust::score_residuals(prepared, self.ties, &eta_at(&start, false));
        let s0 = robust::cluster_sums(prepared, &resid0, cluster, n_clusters);
        let score = robust::quadratic_test(&s0, p, self.toler_chol);
        (variance, score)
    }

    /// R's monotone-likelihood check (`coxph.fit`): with `infs = |U'V|`, column j is flagged
    /// if `U_j` is not finite, or `infs_j > eps` and `infs_j > sqrt(eps)·|β_j|`. Only done, as
    /// in R, when more than one iteration was allowed and the fit did not run out of
    /// iterations.
    fn infinite_columns(
        &self,
        x: &Design,
        out: &newton::NewtonOutcome,
        scales: &[f64],
        aliased: &[bool],
    ) -> Vec<String> {
        let p = out.beta.len();
        if self.max_iter <= 1 || out.flag == FLAG_NOT_CONVERGED {
            return Vec::new();
        }
        let toler_inf = self.eps.sqrt();
        // counting data (R's agreg.fit): infs > toler.inf·(1 + |β_j|), no `infs > eps` part.
        // On the scaled covariates infs_j = s_j·|U_s'V_s|_j and β_j = s_j·β_s,j: the
        // comparisons are made there, divided by s_j, so that they cannot overflow.
        let counting = out.counting;
        (0..p)
            .filter(|&j| {
                let infs_s: f64 = (0..p)
                    .map(|k| out.scaled_score[k] * out.scaled_variance[k * p + j])
                    .sum::<f64>()
                    .abs();
                let (s, beta_s) = (scales[j], out.scaled_beta[j].abs());
                let large = if counting {
                    infs_s > toler_inf * (1.0 / s + beta_s)
                } else {
                    infs_s * s > self.eps && infs_s > toler_inf * beta_s
                };
                !aliased[j] && (!out.scaled_score[j].is_finite() || large)
            })
            .map(|j| x.names()[j].clone())
            .collect()
    }
}

/// What the range guard of a Cox fit advises (crate::numeric::check_fit).
const RANGE_ADVICE: &str = "the covariates, case weights, offsets or initial values are too \
    extreme (exp of the linear predictor overflows, or a sum leaves the double range): \
    rescale the column named, divide the weights by one constant, or check the offsets and \
    initial values (they are on the log-hazard scale)";

/// Wald statistic `b'V⁻¹b` over the kept columns, `b = β̂ - init`, with R's LDL′ solve.
fn wald(variance: &[f64], p: usize, beta: &[f64], init: &[f64], kept: &[usize], tol: f64) -> f64 {
    let q = kept.len();
    if q == 0 {
        return 0.0;
    }
    let mut sub = vec![0.0; q * q];
    for (a, &i) in kept.iter().enumerate() {
        for (b, &j) in kept.iter().enumerate() {
            sub[a * q + b] = variance[i * p + j];
        }
    }
    let diff: Vec<f64> = kept.iter().map(|&j| beta[j] - init[j]).collect();
    let mut sol = diff.clone();
    let mut ldl = Ldl::new(q);
    ldl.factor(&sub, tol);
    ldl.solve(&mut sol);
    diff.iter().zip(&sol).map(|(d, s)| d * s).sum()
}

/// `(x - means)'β + centred offset`, original row order (R's `linear.predictors`).
fn linear_predictors(
    x: &Design,
    data: &SurvivalData,
    beta: &[f64],
    prepared: &Prepared,
    threads: usize,
) -> DVector<f64> {
    let m = x.matrix();
    let centre: f64 = beta.iter().zip(&prepared.means).map(|(b, m)| b * m).sum();
    // x'β column by column (contiguous; per row the same additions in the same order)
    // (plain slices: nalgebra's element iterators cost about 13 instructions an element),
    // on `threads` threads by ranges of rows (each row's sum is the same on any thread)
    let n = m.nrows();
    let mut lp = vec![0.0; n];
    let threads = crate::parallel::threads_for(threads, n * beta.len(), 2);
    let per = n.div_ceil(threads).max(1);
    let items: Vec<(usize, &mut [f64])> = lp
        .chunks_mut(per)
        .enumerate()
        .map(|(t, part)| (t * per, part))
        .collect();
    crate::parallel::map_items(items, threads, |(first, part)| {
        for (col, b) in m.column_iter().zip(beta) {
            let col = &col.as_slice()[first..first + part.len()];
            for (l, v) in part.iter_mut().zip(col) {
                *l += v * b;
            }
        }
    });
    match data.offsets() {
        Some(o) => {
            for (l, o) in lp.iter_mut().zip(o) {
                *l = *l - centre + (o - prepared.offset_mean);
            }
        }
        None => lp.iter_mut().for_each(|l| *l = *l - centre + 0.0),
    }
    DVector::from_vec(lp)
}
