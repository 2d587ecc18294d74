//! The distributions of `survreg`: the four survival-time laws and the three location–scale
//! laws of `y = log t` (or of `t` itself) they stand on, with the density functions R's
//! `survregc1` and `survreg.distributions` use.

use std::fmt;
use std::str::FromStr;

use statrs::function::erf::{erf, erfc};

use crate::{Error, Result};

/// `log f(z)` used by R (`SMALL`) when a density or survival underflows to 0.
pub(super) const SMALL: f64 = -200.0;

const SQRT_2PI: f64 = 2.506628274631001;
const SQRT_2: f64 = std::f64::consts::SQRT_2;

/// The error law of the location–scale model `y = x'β + σ ε` (R's `survreg.distributions`
/// `extreme`, `logistic`, `gaussian`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Law {
    /// Minimum extreme value: `F(z) = 1 − exp(−e^z)`.
    Extreme,
    /// Logistic: `F(z) = e^z / (1 + e^z)`.
    Logistic,
    /// Standard normal.
    Gaussian,
}

impl Law {
    /// Exact observation: `(f, f'/f, f''/f)` at `z` (`survregc1`, case 1).
    #[inline]
    pub(super) fn exact(self, z: f64) -> (f64, f64, f64) {
        match self {
            Law::Extreme => {
                let w = extreme_w(z);
                let temp = (-w).exp();
                (w * temp, 1.0 - w, w * (w - 3.0) + 1.0)
            }
            Law::Logistic => {
                let (w, sign) = if z > 0.0 {
                    ((-z).exp(), -1.0)
                } else {
                    (z.exp(), 1.0)
                };
                let temp = 1.0 + w;
                (
                    w / (temp * temp),
                    sign * (1.0 - w) / temp,
                    (w * w - 4.0 * w + 1.0) / (temp * temp),
                )
            }
            Law::Gaussian => ((-z * z / 2.0).exp() / SQRT_2PI, -z, z * z - 1.0),
        }
    }

    /// Censored observation: `(F, 1 − F, f, f')` at `z` (`survregc1`, case 2); `F` and
    /// `1 − F` are both computed directly so that neither loses precision in its tail.
    #[inline]
    pub(super) fn censored(self, z: f64) -> (f64, f64, f64, f64) {
        match self {
            Law::Extreme => {
                let w = extreme_w(z);
                let temp = (-w).exp();
                (1.0 - temp, temp, w * temp, w * temp * (1.0 - w))
            }
            Law::Logistic => {
                let (w, sign, upper) = if z > 0.0 {
                    ((-z).exp(), -1.0, false)
                } else {
                    (z.exp(), 1.0, true)
                };
                let temp = 1.0 + w;
                let f = w / (temp * temp);
                let (cdf, surv) = if upper {
                    (w / temp, 1.0 / temp)
                } else {
                    (1.0 / temp, w / temp)
                };
                (cdf, surv, f, sign * f * (1.0 - w) / temp)
            }
            Law::Gaussian => {
                let f = (-z * z / 2.0).exp() / SQRT_2PI;
                let (cdf, surv) = if z > 0.0 {
                    ((1.0 + erf(z / SQRT_2)) / 2.0, erfc(z / SQRT_2) / 2.0)
                } else {
                    (erfc(-z / SQRT_2) / 2.0, (1.0 + erf(-z / SQRT_2)) / 2.0)
                };
                (cdf, surv, f, -z * f)
            }
        }
    }

    /// R's `density(z)` of the distribution list: `(F, 1 − F, f, f'/f, f''/f)`, used by
    /// `survreg.fit`'s starting values (`derfun`).
    pub(super) fn r_density(self, z: f64) -> [f64; 5] {
        match self {
            Law::Extreme => {
                let w = z.exp();
                let ww = (-w).exp();
                [1.0 - ww, ww, w * ww, 1.0 - w, w * (w - 3.0) + 1.0]
            }
            Law::Logistic => {
                let w = z.exp();
                [
                    w / (1.0 + w),
                    1.0 / (1.0 + w),
                    w / ((1.0 + w) * (1.0 + w)),
                    (1.0 - w) / (1.0 + w),
                    (w * (w - 4.0) + 1.0) / ((1.0 + w) * (1.0 + w)),
                ]
            }
            Law::Gaussian => {
                let (cdf, surv, f, _) = Law::Gaussian.censored(z);
                [cdf, surv, f, -z, z * z - 1.0]
            }
        }
    }

    /// R's `init`: `(location, variance)` starting values from the weighted mean `m` and
    /// weighted population variance `v` of `y`: extreme `(m + 0.572, v/1.64)`, logistic
    /// `(m, v/3.2)`, Gaussian `(m, v)`.
    pub(super) fn init(self, m: f64, v: f64) -> (f64, f64) {
        match self {
            Law::Extreme => (m + 0.572, v / 1.64),
            Law::Logistic => (m, v / 3.2),
            Law::Gaussian => (m, v),
        }
    }

    /// Quantile `F⁻¹(p)` (R's `quantile` of the distribution list).
    pub(super) fn quantile(self, p: f64) -> f64 {
        match self {
            Law::Extreme => (-(-p).ln_1p()).ln(),
            Law::Logistic => (p / (1.0 - p)).ln(),
            Law::Gaussian => crate::stats::normal_quantile(p),
        }
    }

    /// Survival `1 − F(z)` and density `f(z)`.
    pub(super) fn survival_density(self, z: f64) -> (f64, f64) {
        match self {
            Law::Extreme => {
                let w = z.exp();
                let s = (-w).exp();
                (s, w * s)
            }
            _ => {
                let (_, s, f, _) = self.censored(z);
                (s, f)
            }
        }
    }

    /// `E[exp(σ ε)]` of the error law, where finite: extreme `Γ(1 + σ)`, Gaussian
    /// `exp(σ²/2)`, logistic `πσ / sin(πσ)` for `σ < 1` (infinite otherwise).
    pub(super) fn mean_exp(self, sigma: f64) -> f64 {
        match self {
            Law::Extreme => statrs::function::gamma::gamma(1.0 + sigma),
            Law::Gaussian => (sigma * sigma / 2.0).exp(),
            Law::Logistic => {
                if sigma < 1.0 {
                    let a = std::f64::consts::PI * sigma;
                    a / a.sin()
                } else {
                    f64::INFINITY
                }
            }
        }
    }

    /// R's distribution name (`summary.survreg`'s "… distribution" line).
    pub(super) fn name(self) -> &'static str {
        match self {
            Law::Extreme => "Extreme value",
            Law::Logistic => "Logistic",
            Law::Gaussian => "Gaussian",
        }
    }
}

/// `exp(z)` with `z` clamped to `[−200, 200]`, as `survregc1`'s extreme-value code does to
/// stop infinite answers.
#[inline]
fn extreme_w(z: f64) -> f64 {
    if z < SMALL {
        SMALL.exp()
    } else if -z < SMALL {
        (-SMALL).exp()
    } else {
        z.exp()
    }
}

/// The distribution of a parametric survival model (R's `survreg(dist = )`).
///
/// The first four model the survival time `t` through `log t` (accelerated failure time);
/// the last three are the location–scale laws themselves, applied to the time as given.
///
/// ```
/// use oncostat::SurvRegDist;
/// let d: SurvRegDist = "loglogistic".parse()?;
/// assert_eq!(d, SurvRegDist::Loglogistic);
/// assert_eq!(d.to_string(), "loglogistic");
/// assert!(SurvRegDist::Weibull.log_time());
/// assert!("gamma".parse::<SurvRegDist>().is_err());
/// # Ok::<(), oncostat::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum SurvRegDist {
    /// Weibull: extreme-value law on `log t` (R's default).
    #[default]
    Weibull,
    /// Exponential: Weibull with the scale fixed at 1.
    Exponential,
    /// Log-normal: Gaussian law on `log t`.
    Lognormal,
    /// Log-logistic: logistic law on `log t`.
    Loglogistic,
    /// Extreme-value law on `t` itself.
    Extreme,
    /// Gaussian law on `t` itself.
    Gaussian,
    /// Logistic law on `t` itself.
    Logistic,
}

impl SurvRegDist {
    /// Every distribution, in R's order of `survreg.distributions`' common names.
    pub const ALL: [SurvRegDist; 7] = [
        SurvRegDist::Weibull,
        SurvRegDist::Exponential,
        SurvRegDist::Lognormal,
        SurvRegDist::Loglogistic,
        SurvRegDist::Extreme,
        SurvRegDist::Gaussian,
        SurvRegDist::Logistic,
    ];

    /// `true` if the model is for `log t` (times must then be `> 0`).
    pub fn log_time(self) -> bool {
        matches!(
            self,
            SurvRegDist::Weibull
                | SurvRegDist::Exponential
                | SurvRegDist::Lognormal
                | SurvRegDist::Loglogistic
        )
    }

    /// The scale the distribution fixes (1 for the exponential), if any.
    pub fn fixed_scale(self) -> Option<f64> {
        (self == SurvRegDist::Exponential).then_some(1.0)
    }

    pub(super) fn law(self) -> Law {
        match self {
            SurvRegDist::Weibull | SurvRegDist::Exponential | SurvRegDist::Extreme => Law::Extreme,
            SurvRegDist::Lognormal | SurvRegDist::Gaussian => Law::Gaussian,
            SurvRegDist::Loglogistic | SurvRegDist::Logistic => Law::Logistic,
        }
    }

    /// R's name of the distribution, as `summary.survreg` prints it ("Weibull", "Log Normal", …).
    pub fn r_name(self) -> &'static str {
        match self {
            SurvRegDist::Weibull => "Weibull",
            SurvRegDist::Exponential => "Exponential",
            SurvRegDist::Lognormal => "Log Normal",
            SurvRegDist::Loglogistic => "Log logistic",
            other => other.law().name(),
        }
    }

    /// The option value (`weibull`, `exponential`, …), also the `Display`.
    pub fn as_str(self) -> &'static str {
        match self {
            SurvRegDist::Weibull => "weibull",
            SurvRegDist::Exponential => "exponential",
            SurvRegDist::Lognormal => "lognormal",
            SurvRegDist::Loglogistic => "loglogistic",
            SurvRegDist::Extreme => "extreme",
            SurvRegDist::Gaussian => "gaussian",
            SurvRegDist::Logistic => "logistic",
        }
    }
}

impl fmt::Display for SurvRegDist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SurvRegDist {
    type Err = Error;

    /// Parses R's names (`weibull`, `exponential`, `lognormal`, `loglogistic`, `extreme`,
    /// `gaussian`, `logistic`; also `loggaussian`, `normal`, `rayleigh` is not supported).
    fn from_str(s: &str) -> Result<Self> {
        let lower = s.trim().to_ascii_lowercase();
        Ok(match lower.as_str() {
            "weibull" => SurvRegDist::Weibull,
            "exponential" => SurvRegDist::Exponential,
            "lognormal" | "loggaussian" => SurvRegDist::Lognormal,
            "loglogistic" => SurvRegDist::Loglogistic,
            "extreme" => SurvRegDist::Extreme,
            "gaussian" | "normal" => SurvRegDist::Gaussian,
            "logistic" => SurvRegDist::Logistic,
            _ => {
                return Err(Error::UnknownSetting {
                    setting: "distribution",
                    value: s.to_string(),
                    allowed: "weibull, exponential, lognormal, loglogistic, extreme, gaussian, logistic",
                });
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn densities_are_consistent() {
        for law in [Law::Extreme, Law::Logistic, Law::Gaussian] {
            for &z in &[-3.0, -0.5, 0.0, 0.7, 2.5] {
                let (f, d1, d2) = law.exact(z);
                let (cdf, s, f2, fp) = law.censored(z);
                assert_relative_eq!(f, f2, max_relative = 1e-12);
                assert_relative_eq!(cdf + s, 1.0, max_relative = 1e-12);
                assert_relative_eq!(d1 * f, fp, epsilon = 1e-12);
                let r = law.r_density(z);
                assert_relative_eq!(r[0], cdf, max_relative = 1e-12);
                assert_relative_eq!(r[3], d1, epsilon = 1e-12);
                assert_relative_eq!(r[4], d2, epsilon = 1e-12);
                // numerical derivative of f'
                let h = 1e-5;
                let fpp = (law.censored(z + h).3 - law.censored(z - h).3) / (2.0 * h);
                assert_relative_eq!(fpp, d2 * f, epsilon = 1e-8);
                let q = law.quantile(cdf);
                assert_relative_eq!(q, z, epsilon = 1e-9);
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for d in SurvRegDist::ALL {
            assert_eq!(d.as_str().parse::<SurvRegDist>().ok(), Some(d));
        }
    }
}
