//! Predictions from a fitted [`SurvRegFit`]: linear predictor, quantiles of the survival time
//! (R's `predict(type = "lp" / "quantile", se.fit = TRUE)`), the survival curve `S(t | x)`
//! with a delta-method interval, mean and restricted mean survival, and the
//! proportional-hazards form of a Weibull fit.

use crate::stats::z_for_level;
use crate::{CiMethod, CoefRow, CoefTable, Error, Result, Statistic, TableStyle};

use super::dist::SurvRegDist;
use super::fit::SurvRegFit;

/// A prediction with its standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Prediction {
    /// The predicted value.
    pub estimate: f64,
    /// Its standard error (delta method).
    pub std_error: f64,
}

/// One time point of a predicted survival curve.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CurvePoint {
    /// Time.
    pub time: f64,
    /// `S(t | x)`.
    pub surv: f64,
    /// Standard error of `S(t | x)` (delta method).
    pub std_error: f64,
    /// Lower confidence bound.
    pub lower: f64,
    /// Upper confidence bound.
    pub upper: f64,
}

/// Mean survival time of a covariate profile.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MeanSurvival {
    /// Horizon of the restricted mean.
    pub tau: f64,
    /// Restricted mean `∫₀^τ S(t | x) dt`.
    pub restricted: f64,
    /// Its standard error (delta method).
    pub restricted_se: f64,
    /// Unrestricted mean `E[T | x]`, `None` where it is infinite (log-logistic with
    /// `σ ≥ 1`).
    pub mean: Option<f64>,
}

/// Euler–Mascheroni constant: `−E[ε]` of the extreme-value law.
const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// 8-point Gauss–Legendre nodes and weights on [−1, 1].
const GL_NODES: [f64; 8] = [
    -0.960_289_856_497_536_3,
    -0.796_666_477_413_626_7,
    -0.525_532_409_916_329,
    -0.183_434_642_495_649_8,
    0.183_434_642_495_649_8,
    0.525_532_409_916_329,
    0.796_666_477_413_626_7,
    0.960_289_856_497_536_3,
];
const GL_WEIGHTS: [f64; 8] = [
    0.101_228_536_290_376_3,
    0.222_381_034_453_374_5,
    0.313_706_645_877_887_3,
    0.362_683_783_378_362,
    0.362_683_783_378_362,
    0.313_706_645_877_887_3,
    0.222_381_034_453_374_5,
    0.101_228_536_290_376_3,
];

impl SurvRegFit {
    fn check_profile(&self, x: &[f64], stratum: usize) -> Result<()> {
        let p = self.term_names().len();
        if x.len() != p {
            return Err(Error::mismatch("covariate profile", p, x.len()));
        }
        if let Some(i) = x.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFinite {
                column: self.term_names()[i].clone(),
                row: 1,
                value: x[i],
            });
        }
        if stratum >= self.n_strata() {
            return Err(Error::mismatch(
                "stratum (0-based) of the profile",
                self.n_strata(),
                stratum + 1,
            ));
        }
        Ok(())
    }

    /// `sqrt(g' V g)`, the delta-method standard error for a gradient over
    /// `(β, log σ_stratum)` given as the β part and the log-σ coefficient. Formed on the
    /// rescaled parameters (`h = F g`, normalised by a power of two near its largest entry,
    /// [`crate::numeric::scaled_quadratic_se`]), so it neither under- nor overflows where
    /// `g' V g` would (a covariate × 1e300: `V_jj` ≈ 1e-605).
    fn delta_se(&self, gx: &[f64], g_log_scale: f64, stratum: usize) -> f64 {
        let k = self.parameter_factors.len();
        let p = gx.len();
        let mut h = vec![0.0; k];
        h[..p].copy_from_slice(gx);
        if !self.fixed_scale() {
            let s = if self.log_scales().len() == 1 {
                0
            } else {
                stratum
            };
            h[p + s] = g_log_scale;
        }
        for (h, f) in h.iter_mut().zip(&self.parameter_factors) {
            *h *= f;
        }
        crate::numeric::scaled_quadratic_se(&h, &self.variance_rescaled)
    }

    fn lp_of(&self, x: &[f64]) -> f64 {
        x.iter()
            .zip(self.coefficients().iter())
            .map(|(a, b)| a * b)
            .sum()
    }

    /// Linear predictor `x'β` of a covariate profile (one value per design column, intercept
    /// included; no offset) with its standard error (R's `predict(type = "lp", se.fit = TRUE)`
    /// for new data).
    ///
    /// ```
    /// # use oncostat::{Design, SurvReg, SurvRegDist, SurvivalData};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// # let data = SurvivalData::from_status(vec![5.0, 8.0, 12.0, 3.0, 20.0, 15.0, 9.0, 30.0],
    /// #     &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0])?;
    /// # let x = Design::from_columns([("arm", vec![0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0])])?
    /// #     .with_intercept();
    /// let fit = SurvReg::new(SurvRegDist::Weibull).fit(&data, &x)?;
    /// let (lp, se) = fit.linear_predictor_at(&[1.0, 1.0])?;
    /// assert!((lp - fit.coefficients().sum()).abs() < 1e-12 && se > 0.0);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if `x` does not have one value per coefficient,
    /// [`Error::NonFinite`] for a NaN or infinite value.
    pub fn linear_predictor_at(&self, x: &[f64]) -> Result<(f64, f64)> {
        self.check_profile(x, 0)?;
        Ok((self.lp_of(x), self.delta_se(x, 0.0, 0)))
    }

    /// Quantile `p` of the survival time for covariate profile `x` in stratum `stratum`
    /// (0-based), with its standard error: R's `predict(type = "quantile", p, se.fit = TRUE)`
    /// for new data. On the `log t` scale the quantile is `x'β + F⁻¹(p) σ`, its variance
    /// `g'Vg` with `g = (x, F⁻¹(p) σ)`; for a distribution of `log t` both are mapped by
    /// `exp` (SE times the quantile).
    ///
    /// ```
    /// # use oncostat::{Design, SurvReg, SurvRegDist, SurvivalData};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// # let data = SurvivalData::from_status(vec![5.0, 8.0, 12.0, 3.0, 20.0, 15.0, 9.0, 30.0],
    /// #     &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0])?;
    /// # let x = Design::from_columns([("arm", vec![0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0])])?
    /// #     .with_intercept();
    /// let fit = SurvReg::new(SurvRegDist::Lognormal).fit(&data, &x)?;
    /// let median = fit.quantile_at(&[1.0, 0.0], 0, 0.5)?;
    /// // log-normal median = exp(x'β)
    /// assert!((median.estimate - fit.coefficients()[0].exp()).abs() < 1e-9);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`SurvRegFit::linear_predictor_at`]; [`Error::DimensionMismatch`] for a stratum
    /// out of range; [`Error::InvalidParameter`] for `p` outside (0, 1).
    pub fn quantile_at(&self, x: &[f64], stratum: usize, p: f64) -> Result<Prediction> {
        self.check_profile(x, stratum)?;
        if !(p > 0.0 && p < 1.0) {
            return Err(Error::InvalidParameter {
                name: "p",
                value: p,
                reason: "a quantile probability must lie strictly between 0 and 1",
            });
        }
        let law = self.dist().law();
        let sigma = self.log_scale_of(stratum).exp();
        let qz = law.quantile(p);
        let q = self.lp_of(x) + qz * sigma;
        let se = self.delta_se(x, qz * sigma, stratum);
        Ok(if self.dist().log_time() {
            let t = q.exp();
            Prediction {
                estimate: t,
                std_error: se * t,
            }
        } else {
            Prediction {
                estimate: q,
                std_error: se,
            }
        })
    }

    /// The survival curve `S(t | x)` at `times` for covariate profile `x` in stratum
    /// `stratum`, with a delta-method interval at `level`: with `z = (log t − x'β)/σ`,
    /// `Var z = g'Vg`, `g = (−x/σ, −z)`, the bounds are `S(z ± z_{α/2} SE(z))` and
    /// `SE(S) = f(z) SE(z)`. Times may lie past the follow-up (extrapolation).
    ///
    /// ```
    /// # use oncostat::{Design, SurvReg, SurvRegDist, SurvivalData};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// # let data = SurvivalData::from_status(vec![5.0, 8.0, 12.0, 3.0, 20.0, 15.0, 9.0, 30.0],
    /// #     &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0])?;
    /// # let x = Design::from_columns([("arm", vec![0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0])])?
    /// #     .with_intercept();
    /// let fit = SurvReg::new(SurvRegDist::Weibull).fit(&data, &x)?;
    /// let curve = fit.survival_curve(&[1.0, 1.0], 0, &[0.0, 10.0, 60.0], 0.95)?;
    /// assert_eq!(curve[0].surv, 1.0);
    /// assert!(curve[1].lower < curve[1].surv && curve[1].surv < curve[1].upper);
    /// assert!(curve[2].surv < curve[1].surv); // 60 is past the last follow-up time
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`SurvRegFit::quantile_at`]; [`Error::NonFinite`] or
    /// [`Error::InvalidParameter`] for a time that is not finite (or negative, for a
    /// distribution of `log t`); [`Error::InvalidParameter`] for a bad level.
    pub fn survival_curve(
        &self,
        x: &[f64],
        stratum: usize,
        times: &[f64],
        level: f64,
    ) -> Result<Vec<CurvePoint>> {
        self.check_profile(x, stratum)?;
        let zc = z_for_level(level)?;
        let law = self.dist().law();
        let sigma = self.log_scale_of(stratum).exp();
        let lp = self.lp_of(x);
        let mut out = Vec::with_capacity(times.len());
        for (i, &t) in times.iter().enumerate() {
            if !t.is_finite() {
                return Err(Error::NonFinite {
                    column: "time".into(),
                    row: i + 1,
                    value: t,
                });
            }
            if self.dist().log_time() && t <= 0.0 {
                if t < 0.0 {
                    return Err(Error::InvalidParameter {
                        name: "time",
                        value: t,
                        reason: "survival times are >= 0",
                    });
                }
                out.push(CurvePoint {
                    time: t,
                    surv: 1.0,
                    std_error: 0.0,
                    lower: 1.0,
                    upper: 1.0,
                });
                continue;
            }
            let y = if self.dist().log_time() { t.ln() } else { t };
            let z = (y - lp) / sigma;
            let gx: Vec<f64> = x.iter().map(|v| -v / sigma).collect();
            let se_z = self.delta_se(&gx, -z, stratum);
            let (s, f) = law.survival_density(z);
            out.push(CurvePoint {
                time: t,
                surv: s,
                std_error: f * se_z,
                lower: law.survival_density(z + zc * se_z).0,
                upper: law.survival_density(z - zc * se_z).0,
            });
        }
        Ok(out)
    }

    /// Mean survival of covariate profile `x` in stratum `stratum`: the restricted mean
    /// `∫₀^τ S(t | x) dt` (numerical quadrature; SE by the delta method, the gradient
    /// integrated alongside) and the unrestricted mean where finite:
    /// Weibull `e^{x'β} Γ(1 + σ)`, log-normal `e^{x'β + σ²/2}`, log-logistic
    /// `e^{x'β} πσ/sin(πσ)` (`σ < 1`); for the laws on `t`, `x'β + σ E[ε]`.
    ///
    /// ```
    /// # use oncostat::{Design, SurvReg, SurvRegDist, SurvivalData};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// # let data = SurvivalData::from_status(vec![5.0, 8.0, 12.0, 3.0, 20.0, 15.0, 9.0, 30.0],
    /// #     &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0])?;
    /// # let x = Design::from_columns([("arm", vec![0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0])])?
    /// #     .with_intercept();
    /// let fit = SurvReg::new(SurvRegDist::Exponential).fit(&data, &x)?;
    /// let m = fit.mean_survival(&[1.0, 0.0], 0, 10.0)?;
    /// let mean = fit.coefficients()[0].exp(); // 1/λ
    /// assert!((m.mean.unwrap() - mean).abs() < 1e-9);
    /// assert!((m.restricted - mean * (1.0 - (-10.0 / mean).exp())).abs() < 1e-9);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`SurvRegFit::quantile_at`]; [`Error::InvalidParameter`] for a horizon that is not
    /// finite and `> 0`.
    pub fn mean_survival(&self, x: &[f64], stratum: usize, tau: f64) -> Result<MeanSurvival> {
        self.check_profile(x, stratum)?;
        if !(tau.is_finite() && tau > 0.0) {
            return Err(Error::InvalidParameter {
                name: "tau",
                value: tau,
                reason: "the restricted-mean horizon must be a finite time > 0",
            });
        }
        let law = self.dist().law();
        let sigma = self.log_scale_of(stratum).exp();
        let lp = self.lp_of(x);
        let p = x.len();
        // integrate S and its gradient (dS/dβ = f x/σ, dS/dlogσ = f z) over t in [0, τ]
        let mut total = 0.0;
        let mut grad_b = vec![0.0; p];
        let mut grad_s = 0.0;
        let mut add = |z: f64, weight: f64| {
            let (s, f) = law.survival_density(z);
            total += weight * s;
            for (g, v) in grad_b.iter_mut().zip(x) {
                *g += weight * f * v / sigma;
            }
            grad_s += weight * f * z;
        };
        if self.dist().log_time() {
            // t = exp(lp + σu), dt = σ t du; below u_lo the integrand is < e^-40 of its peak
            let u_hi = (tau.ln() - lp) / sigma;
            let u_lo = u_hi.min(5.0) - 40.0 / sigma;
            integrate(u_lo, u_hi, 2000, |u, w| {
                let t = (lp + sigma * u).exp();
                add(u, w * sigma * t);
            });
        } else {
            integrate(0.0, tau, 2000, |t, w| add((t - lp) / sigma, w));
        }
        let restricted_se = self.delta_se(&grad_b, grad_s, stratum);
        let mean = if self.dist().log_time() {
            let m = lp.exp() * law.mean_exp(sigma);
            m.is_finite().then_some(m)
        } else {
            let e = match self.dist() {
                SurvRegDist::Extreme => -EULER_GAMMA,
                _ => 0.0,
            };
            Some(lp + sigma * e)
        };
        Ok(MeanSurvival {
            tau,
            restricted: total,
            restricted_se,
            mean,
        })
    }

    /// A time grid from 0 to `factor` × the last follow-up time in `steps` equal steps, for
    /// extrapolated curves (`factor = 2` doubles the follow-up).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if `factor` is not finite and `> 0` or `steps` is 0.
    pub fn time_grid(&self, factor: f64, steps: usize) -> Result<Vec<f64>> {
        if !(factor.is_finite() && factor > 0.0) || steps == 0 {
            return Err(Error::InvalidParameter {
                name: "factor",
                value: factor,
                reason: "the grid needs a finite factor > 0 and at least one step",
            });
        }
        let end = factor * self.max_time();
        Ok((0..=steps).map(|k| end * k as f64 / steps as f64).collect())
    }

    /// Acceleration factors (AFT form): `exp(β)` per coefficient besides the intercept,
    /// with Wald intervals at `level` (the time ratio of a one-unit increase). Rows are on
    /// the log scale; the [`TableStyle::Coxph`] display shows `exp(coef)` and its interval.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a bad level.
    pub fn time_ratios(&self, level: f64) -> Result<CoefTable> {
        let zc = z_for_level(level)?;
        let se = self.std_errors();
        let rows = self
            .term_names()
            .iter()
            .enumerate()
            .filter(|(_, n)| n.as_str() != crate::design::INTERCEPT)
            .map(|(j, n)| {
                let b = self.coefficients()[j];
                CoefRow::wald(n.clone(), b, se[j], zc, CiMethod::WaldDeltaMethod)
            })
            .collect();
        Ok(CoefTable::new(rows, Statistic::Z, level, TableStyle::Coxph))
    }

    /// The proportional-hazards form of a Weibull (or exponential) fit with one scale:
    /// log hazard ratios `−β/σ` per coefficient besides the intercept, SEs by the delta
    /// method (`∂/∂β = −1/σ`, `∂/∂log σ = β/σ`), Wald intervals at `level`. `None` for other
    /// distributions and for stratified scales (hazards are then not proportional across
    /// strata). The [`TableStyle::Coxph`] display shows the hazard ratios.
    ///
    /// ```
    /// # use oncostat::{Design, SurvReg, SurvRegDist, SurvivalData};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// # let data = SurvivalData::from_status(vec![5.0, 8.0, 12.0, 3.0, 20.0, 15.0, 9.0, 30.0],
    /// #     &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0])?;
    /// # let x = Design::from_columns([("arm", vec![0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0])])?
    /// #     .with_intercept();
    /// let fit = SurvReg::new(SurvRegDist::Weibull).fit(&data, &x)?;
    /// let ph = fit.hazard_ratios(0.95)?.expect("Weibull");
    /// let hr = ph.rows()[0].estimate.exp();
    /// let sigma = fit.scales()[0];
    /// assert!((hr - (-fit.coefficients()[1] / sigma).exp()).abs() < 1e-12);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a bad level.
    pub fn hazard_ratios(&self, level: f64) -> Result<Option<CoefTable>> {
        let zc = z_for_level(level)?;
        if !matches!(self.dist(), SurvRegDist::Weibull | SurvRegDist::Exponential)
            || self.log_scales().len() != 1
        {
            return Ok(None);
        }
        let sigma = self.log_scales()[0].exp();
        let p = self.term_names().len();
        let rows = self
            .term_names()
            .iter()
            .enumerate()
            .filter(|(_, n)| n.as_str() != crate::design::INTERCEPT)
            .map(|(j, n)| {
                let b = self.coefficients()[j];
                let mut gx = vec![0.0; p];
                gx[j] = -1.0 / sigma;
                let se = self.delta_se(&gx, b / sigma, 0);
                CoefRow::wald(n.clone(), -b / sigma, se, zc, CiMethod::WaldDeltaMethod)
            })
            .collect();
        Ok(Some(CoefTable::new(
            rows,
            Statistic::Z,
            level,
            TableStyle::Coxph,
        )))
    }
}

/// Composite 8-point Gauss–Legendre quadrature over `[a, b]` in `panels` panels; `visit`
/// receives each node and its weight.
fn integrate(a: f64, b: f64, panels: usize, mut visit: impl FnMut(f64, f64)) {
    let h = (b - a) / panels as f64;
    for k in 0..panels {
        let mid = a + (k as f64 + 0.5) * h;
        for (x, w) in GL_NODES.iter().zip(&GL_WEIGHTS) {
            visit(mid + 0.5 * h * x, 0.5 * h * w);
        }
    }
}
