//! Binary outcomes with optional case weights and offsets.

use std::fmt::Display;
use std::sync::Arc;

use crate::{Error, Result};

/// One n-row vector shared between an outcome and the fits made from it.
pub(crate) type Shared = Arc<Vec<f64>>;

/// Per-row values with a default (case weights 1, offsets 0): the default is one number, not
/// an n-row vector (the same idea as the Cox fits' `CaseWeights`). Reading a row gives the
/// same `f64` either way, so results do not depend on the representation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RowValues {
    /// Every row has this value.
    Constant(f64),
    /// One value per row, shared with the fits.
    Given(Shared),
}

impl RowValues {
    /// The value of row `i` (panics past the end only for given values: internal use).
    #[inline]
    pub(crate) fn get(&self, i: usize) -> f64 {
        self[i]
    }

    /// The stored values, `None` for a constant.
    pub(crate) fn given(&self) -> Option<&[f64]> {
        match self {
            RowValues::Constant(_) => None,
            RowValues::Given(v) => Some(v),
        }
    }
}

impl std::ops::Index<usize> for RowValues {
    type Output = f64;

    #[inline]
    fn index(&self, i: usize) -> &f64 {
        match self {
            RowValues::Constant(c) => c,
            RowValues::Given(v) => &v[i],
        }
    }
}

/// A 0/1 outcome per observation, with case weights (default 1) and offsets on the
/// linear-predictor scale (default 0).
///
/// ```text
/// yᵢ ∈ {0, 1},  wᵢ > 0 finite (replication weights, R's glm `weights` / logistf `weights`),
/// ηᵢ = offsetᵢ + xᵢᵀβ
/// ```
///
/// # Examples
/// ```
/// use oncostat::BinaryOutcome;
/// # fn main() -> Result<(), oncostat::Error> {
/// let y = BinaryOutcome::from_labels(&["no", "yes", "yes", "no"], &"yes")?;
/// assert_eq!(y.values(), [0.0, 1.0, 1.0, 0.0]);
/// assert_eq!(y.weights(), None); // unweighted: every weight 1, nothing stored
/// let y = BinaryOutcome::new(&[1.0, 0.0, 1.0])?.with_weights(vec![2.0, 1.0, 3.0])?;
/// assert_eq!(y.weights(), Some(&[2.0, 1.0, 3.0][..]));
/// assert_eq!(y.offsets(), None); // every offset 0
/// # Ok(()) }
/// ```
///
/// Memory: the default weights (1) and offsets (0) are not stored, so an unweighted outcome
/// without offsets is one `f64` per row; [`BinaryOutcome::weights`] and
/// [`BinaryOutcome::offsets`] return `None` for them. Given weights or offsets are kept as
/// given (even all 1 or all 0); the fits read the same numbers either way.
#[derive(Debug, Clone, PartialEq)]
pub struct BinaryOutcome {
    /// Shared (as are given weights and offsets): a fit keeps these vectors without a copy.
    values: Arc<Vec<f64>>,
    weights: RowValues,
    offsets: RowValues,
}

impl BinaryOutcome {
    /// An outcome from 0/1 values.
    ///
    /// # Errors
    /// * [`Error::EmptyInput`] if `y` is empty.
    /// * [`Error::InvalidOutcome`] (1-based row) for any value other than exactly 0 or 1
    ///   (including NaN).
    #[allow(clippy::float_cmp)] // the coding must be exactly 0 or 1
    pub fn new(y: &[f64]) -> Result<Self> {
        if y.is_empty() {
            return Err(Error::EmptyInput { what: "outcome" });
        }
        if let Some(i) = y.iter().position(|&v| !(v == 0.0 || v == 1.0)) {
            return Err(Error::InvalidOutcome {
                row: i + 1,
                value: crate::labels::number_text(y[i]),
            });
        }
        Ok(Self::from_valid(y.to_vec()))
    }

    /// An outcome from labels: `positive` codes 1, every other label 0 (a second distinct
    /// label is allowed, a third is an error).
    ///
    /// # Errors
    /// * [`Error::EmptyInput`] if `values` is empty.
    /// * [`Error::InvalidOutcome`] (1-based row) at the first value that is neither `positive`
    ///   nor the single negative label seen first.
    pub fn from_labels<T: PartialEq + Display>(values: &[T], positive: &T) -> Result<Self> {
        if values.is_empty() {
            return Err(Error::EmptyInput { what: "outcome" });
        }
        let mut negative: Option<&T> = None;
        let mut y = Vec::with_capacity(values.len());
        for (i, v) in values.iter().enumerate() {
            if v == positive {
                y.push(1.0);
            } else {
                match negative {
                    None => negative = Some(v),
                    Some(neg) if neg == v => {}
                    Some(_) => {
                        return Err(Error::InvalidOutcome {
                            row: i + 1,
                            value: v.to_string(),
                        });
                    }
                }
                y.push(0.0);
            }
        }
        Ok(Self::from_valid(y))
    }

    fn from_valid(values: Vec<f64>) -> Self {
        BinaryOutcome {
            values: Arc::new(values),
            weights: RowValues::Constant(1.0),
            offsets: RowValues::Constant(0.0),
        }
    }

    /// Sets case weights (replication weights: a row with weight 3 counts as 3 identical
    /// rows). Default: all 1.
    ///
    /// # Errors
    /// * [`Error::DimensionMismatch`] if the length differs from the outcome.
    /// * [`Error::InvalidWeight`] (1-based row) for a weight that is not finite and > 0.
    /// * [`Error::WeightOutOfRange`] for a weight below 2.2e-308, [`Error::NumericalRange`] for weights whose sum
    ///   overflows.
    pub fn with_weights(mut self, weights: Vec<f64>) -> Result<Self> {
        if weights.len() != self.values.len() {
            return Err(Error::mismatch("weights", self.values.len(), weights.len()));
        }
        if let Some(i) = weights.iter().position(|&w| !(w.is_finite() && w > 0.0)) {
            return Err(Error::InvalidWeight {
                row: i + 1,
                value: weights[i],
            });
        }
        crate::numeric::check_weights(&weights)?;
        self.weights = RowValues::Given(Arc::new(weights));
        Ok(self)
    }

    /// Sets offsets added to the linear predictor. Default: all 0.
    ///
    /// # Errors
    /// * [`Error::DimensionMismatch`] if the length differs from the outcome.
    /// * [`Error::NonFinite`] (column `offset`, 1-based row) for NaN or infinite offsets.
    pub fn with_offsets(mut self, offsets: Vec<f64>) -> Result<Self> {
        if offsets.len() != self.values.len() {
            return Err(Error::mismatch("offsets", self.values.len(), offsets.len()));
        }
        crate::design::check_finite("offset", &offsets)?;
        self.offsets = RowValues::Given(Arc::new(offsets));
        Ok(self)
    }

    /// Number of observations (rows, not the sum of weights).
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// `true` if there are no observations (never, for a constructed outcome).
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The 0/1 values.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The case weights set with [`BinaryOutcome::with_weights`]; `None` if none were set
    /// (every weight is 1, not stored).
    ///
    /// ```
    /// use oncostat::BinaryOutcome;
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let y = BinaryOutcome::new(&[1.0, 0.0])?;
    /// let w: Vec<f64> = y.weights().map_or_else(|| vec![1.0; y.len()], <[f64]>::to_vec);
    /// assert_eq!(w, [1.0, 1.0]);
    /// # Ok(()) }
    /// ```
    pub fn weights(&self) -> Option<&[f64]> {
        self.weights.given()
    }

    /// The offsets set with [`BinaryOutcome::with_offsets`]; `None` if none were set (every
    /// offset is 0, not stored).
    ///
    /// ```
    /// use oncostat::BinaryOutcome;
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let y = BinaryOutcome::new(&[1.0, 0.0])?.with_offsets(vec![0.5, -0.5])?;
    /// assert_eq!(y.offsets(), Some(&[0.5, -0.5][..]));
    /// # Ok(()) }
    /// ```
    pub fn offsets(&self) -> Option<&[f64]> {
        self.offsets.given()
    }

    /// Case weight of row `i` (0-based; internal, `i < len`).
    pub(crate) fn weight_at(&self, i: usize) -> f64 {
        self.weights.get(i)
    }

    /// Offset of row `i` (0-based; internal, `i < len`).
    pub(crate) fn offset_at(&self, i: usize) -> f64 {
        self.offsets.get(i)
    }

    /// The outcome with 0 and 1 swapped (weights and offsets kept).
    pub fn flipped(&self) -> Self {
        BinaryOutcome {
            values: Arc::new(self.values.iter().map(|v| 1.0 - v).collect()),
            weights: self.weights.clone(),
            offsets: self.offsets.clone(),
        }
    }

    /// The shared values, weights and offsets (no copy), for a fit to keep.
    pub(crate) fn shared(&self) -> (Shared, RowValues, RowValues) {
        (
            Arc::clone(&self.values),
            self.weights.clone(),
            self.offsets.clone(),
        )
    }

    /// Checks the outcome against a design: same number of rows and both outcomes present
    /// (with positive weight).
    ///
    /// # Errors
    /// * [`Error::DimensionMismatch`] if the row counts differ.
    /// * [`Error::NoEvents`] if every observation has the same outcome.
    pub(crate) fn check_against(&self, rows: usize) -> Result<()> {
        if rows != self.values.len() {
            return Err(Error::mismatch("outcome", rows, self.values.len()));
        }
        let ones = self.values.iter().filter(|&&v| v > 0.5).count();
        if ones == 0 || ones == self.values.len() {
            return Err(Error::NoEvents {
                what: format!(
                    "the outcome (all {} observations are {})",
                    self.values.len(),
                    if ones == 0 { 0 } else { 1 }
                ),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_values_with_row() {
        assert!(matches!(
            BinaryOutcome::new(&[0.0, 1.0, 2.0]),
            Err(Error::InvalidOutcome { row: 3, .. })
        ));
        assert!(matches!(
            BinaryOutcome::from_labels(&["a", "b", "c"], &"a"),
            Err(Error::InvalidOutcome { row: 3, .. })
        ));
        assert!(matches!(
            BinaryOutcome::new(&[0.0, 1.0]).and_then(|y| y.with_weights(vec![1.0, 0.0])),
            Err(Error::InvalidWeight { row: 2, .. })
        ));
        assert!(matches!(
            BinaryOutcome::new(&[0.0, 1.0]).and_then(|y| y.with_offsets(vec![1.0])),
            Err(Error::DimensionMismatch { .. })
        ));
        assert!(matches!(
            BinaryOutcome::new(&[1.0, 1.0]).and_then(|y| y.check_against(2)),
            Err(Error::NoEvents { .. })
        ));
    }
}
