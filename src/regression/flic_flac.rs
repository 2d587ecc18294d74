//! FLIC and FLAC (Puhr et al. 2017): Firth estimates with unbiased predicted probabilities.

use nalgebra::DVector;

use super::firth::{FirthFit, FirthRegression, predict_with};
use super::logistic::LogisticRegression;
use super::outcome::BinaryOutcome;
use crate::{Design, Error, Result};

/// Hard-coded normal quantile of logistf's `flic()` intercept interval.
const FLIC_Z: f64 = 1.96;

/// Firth's logistic regression with intercept correction (FLIC).
///
/// ```text
/// ηᵢ = offsetᵢ + xᵢᵀβ̂_Firth − β̂₀   (linear predictor without the intercept)
/// β̂₀_FLIC = ML intercept of glm(y ~ 1, offset = η)   (so Σ wᵢπ̂ᵢ = Σ wᵢyᵢ)
/// ```
/// Slopes and their inference are the Firth fit's ([`FlicFit::firth`]). The intercept's
/// standard error is `sqrt((XᵀWX)⁻¹₀₀)` at the FLIC probabilities and its interval uses 1.96
/// as logistf does (logistf's slope variances, computed with W = π, are not reproduced).
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FlicFit {
    firth: FirthFit,
    coefficients: DVector<f64>,
    intercept_se: f64,
    fitted: Vec<f64>,
}

impl FlicFit {
    /// Coefficients: the FLIC intercept followed by the Firth slopes.
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.coefficients
    }

    /// Standard error of the FLIC intercept.
    pub fn intercept_std_error(&self) -> f64 {
        self.intercept_se
    }

    /// Wald interval of the intercept with 1.96 (logistf's `flic()`).
    pub fn intercept_conf_int(&self) -> (f64, f64) {
        let b = self.coefficients[0];
        (
            b - FLIC_Z * self.intercept_se,
            b + FLIC_Z * self.intercept_se,
        )
    }

    /// Predicted probabilities of the observations (their weighted mean equals the observed
    /// event rate).
    pub fn fitted(&self) -> &[f64] {
        &self.fitted
    }

    /// Predicted probabilities for new rows (no offsets).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if `x` has a different number of columns.
    pub fn predict(&self, x: &Design) -> Result<DVector<f64>> {
        predict_with(&self.coefficients, x)
    }

    /// The underlying Firth fit (slopes, their intervals and tests).
    pub fn firth(&self) -> &FirthFit {
        &self.firth
    }
}

/// Firth's logistic regression with added covariate (FLAC).
///
/// ```text
/// hᵢ from the Firth fit; data augmented by 2n pseudo-rows (xᵢ, yᵢ) and (xᵢ, 1 − yᵢ), each
/// with weight τ·hᵢ and a pseudo-row indicator g = 1 (original rows g = 0);
/// ML fit of y ~ X + g on the augmented data; β̂_FLAC = its X coefficients
/// ```
/// Profile-likelihood inference is computed on the augmented data (as logistf's `flac()`).
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FlacFit {
    augmented: FirthFit,
    coefficients: DVector<f64>,
    fitted: Vec<f64>,
}

impl FlacFit {
    /// Coefficients for the original columns (indicator dropped).
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.coefficients
    }

    /// Profile-likelihood intervals on the augmented data for the original columns.
    ///
    /// # Errors
    /// As [`FirthFit::profile_conf_int`].
    pub fn conf_int(&self, level: f64) -> Result<Vec<(f64, f64)>> {
        (0..self.coefficients.len())
            .map(|j| self.augmented.profile_conf_int(j, level))
            .collect()
    }

    /// Predicted probabilities of the original observations.
    pub fn fitted(&self) -> &[f64] {
        &self.fitted
    }

    /// Predicted probabilities for new rows (no offsets).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if `x` has a different number of columns.
    pub fn predict(&self, x: &Design) -> Result<DVector<f64>> {
        predict_with(&self.coefficients, x)
    }

    /// The ML fit on the augmented data (last column: the pseudo-row indicator).
    pub fn augmented_fit(&self) -> &FirthFit {
        &self.augmented
    }
}

/// Name of FLAC's pseudo-row indicator column.
pub const FLAC_INDICATOR: &str = "(pseudo-observation)";

impl FirthRegression {
    /// FLIC: Firth fit, then the intercept re-estimated by maximum likelihood with the Firth
    /// slopes fixed (see [`FlicFit`]).
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] if `x` has no intercept.
    /// * Any error of [`FirthRegression::fit`] or of the intercept refit.
    pub fn flic(&self, x: &Design, y: &BinaryOutcome) -> Result<FlicFit> {
        if !x.has_intercept() {
            return Err(Error::InvalidParameter {
                name: "design",
                value: 0.0,
                reason: "FLIC needs a model with an intercept",
            });
        }
        let firth = self.fit(x, y)?;
        let beta = firth.coefficients();
        let m = x.matrix();
        let offsets: Vec<f64> = (0..x.nrows())
            .map(|i| y.offset_at(i) + (1..x.ncols()).map(|j| m[(i, j)] * beta[j]).sum::<f64>())
            .collect();
        let mut y_off = BinaryOutcome::new(y.values())?;
        if let Some(w) = y.weights() {
            y_off = y_off.with_weights(w.to_vec())?;
        }
        let y_off = y_off.with_offsets(offsets.clone())?;
        let ones = Design::from_columns([(crate::design::INTERCEPT, vec![1.0; x.nrows()])])?;
        let glm = LogisticRegression::new().fit(&ones, &y_off)?;
        let intercept = glm.coefficients()[0];
        let mut coefficients = beta.clone();
        coefficients[0] = intercept;
        let fitted: Vec<f64> = offsets
            .iter()
            .map(|o| 1.0 / (1.0 + (-(o + intercept)).exp()))
            .collect();
        // (XᵀWX)⁻¹₀₀ at the FLIC probabilities
        let w: Vec<f64> = fitted
            .iter()
            .enumerate()
            .map(|(i, p)| y.weight_at(i) * p * (1.0 - p))
            .collect();
        let k = x.ncols();
        let mut info = nalgebra::DMatrix::<f64>::zeros(k, k);
        for (i, &wi) in w.iter().enumerate() {
            let row = m.row(i);
            for a in 0..k {
                for b in 0..k {
                    info[(a, b)] += wi * row[a] * row[b];
                }
            }
        }
        let inv = info.try_inverse().ok_or(Error::SingularMatrix {
            what: "the information matrix at the FLIC estimate",
        })?;
        Ok(FlicFit {
            intercept_se: inv[(0, 0)].sqrt(),
            firth,
            coefficients,
            fitted,
        })
    }

    /// FLAC: Firth fit, then a maximum-likelihood fit on data augmented with pseudo-rows
    /// weighted by `τ·hᵢ` (see [`FlacFit`]).
    ///
    /// # Errors
    /// Any error of [`FirthRegression::fit`] on the original or the augmented data.
    pub fn flac(&self, x: &Design, y: &BinaryOutcome) -> Result<FlacFit> {
        let firth = self.fit(x, y)?;
        let (n, k) = (x.nrows(), x.ncols());
        let tau = self.tau_value();
        let pseudo: Vec<usize> = (0..n)
            .filter(|&i| tau * firth.hat_values()[i] > 0.0)
            .collect();
        let rows: Vec<usize> = (0..n)
            .chain(pseudo.iter().copied())
            .chain(pseudo.iter().copied())
            .collect();
        let m = x.matrix();
        let first = usize::from(x.has_intercept());
        let mut columns: Vec<(String, Vec<f64>)> = (first..k)
            .map(|j| {
                (
                    x.names()[j].clone(),
                    rows.iter().map(|&i| m[(i, j)]).collect(),
                )
            })
            .collect();
        let np = pseudo.len();
        columns.push((
            FLAC_INDICATOR.to_string(),
            (0..n + 2 * np)
                .map(|r| if r < n { 0.0 } else { 1.0 })
                .collect(),
        ));
        let mut design = Design::from_columns(columns)?;
        if x.has_intercept() {
            design = design.with_intercept();
        }
        let yv = y.values();
        let values: Vec<f64> = (0..n)
            .map(|i| yv[i])
            .chain(pseudo.iter().map(|&i| yv[i]))
            .chain(pseudo.iter().map(|&i| 1.0 - yv[i]))
            .collect();
        let hat = firth.hat_values();
        let weights: Vec<f64> = (0..n)
            .map(|i| y.weight_at(i))
            .chain(pseudo.iter().map(|&i| tau * hat[i]))
            .chain(pseudo.iter().map(|&i| tau * hat[i]))
            .collect();
        let offsets: Vec<f64> = rows.iter().map(|&i| y.offset_at(i)).collect();
        let y_aug = BinaryOutcome::new(&values)?
            .with_weights(weights)?
            .with_offsets(offsets)?;
        let augmented = self.tau(0.0).fit(&design, &y_aug)?;
        let coefficients = augmented.coefficients().rows(0, k).into_owned();
        let fitted = (0..n)
            .map(|i| {
                let eta = y.offset_at(i) + (0..k).map(|j| m[(i, j)] * coefficients[j]).sum::<f64>();
                1.0 / (1.0 + (-eta).exp())
            })
            .collect();
        Ok(FlacFit {
            augmented,
            coefficients,
            fitted,
        })
    }
}
