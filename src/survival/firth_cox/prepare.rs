//! Input preparation for the Firth Cox fit: validation, optional `timefix`, one sort by
//! (stratum, time, status), and the covariate transformation of coxphf.
//!
//! ```text
//! z_ij = (x_ij - mean_j) / sd_j        sd_j = sample standard deviation (n - 1), unweighted
//! ```
//!
//! coxphf divides by the standard deviation without centring. Centring does not change the
//! partial likelihood, its score or its information (every term is a risk-set contrast), so it
//! is done here only to keep `exp(η)` in range; the iteration path and every reported
//! number are those of the uncentred, sd-scaled problem.

pub(super) use crate::survival::risk_set::TieGroup;
use crate::survival::risk_set::{CaseWeights, RiskSets};
use crate::{Design, Error, Result, SurvivalData};

/// The sorted, standardized problem.
#[derive(Debug, Clone)]
pub(super) struct Prepared {
    pub n: usize,
    pub p: usize,
    pub event: Vec<bool>,
    pub weight: CaseWeights,
    /// Offsets, centred by their mean (all zero without offsets), sorted.
    pub offset: Vec<f64>,
    /// Standardized covariates, row-major `n × p`, sorted.
    pub z: Vec<f64>,
    /// Column standard deviations (coxphf's scale factors).
    pub sd: Vec<f64>,
    pub groups: Vec<TieGroup>,
    /// Ranges of `groups`, one per stratum.
    pub strata: Vec<std::ops::Range<usize>>,
    pub n_events: usize,
}

impl Prepared {
    /// Validates and prepares `data` and `x`.
    pub fn new(data: &SurvivalData, x: &Design, use_timefix: bool) -> Result<Self> {
        let n = data.len();
        if x.nrows() != n {
            return Err(Error::mismatch("design matrix rows", n, x.nrows()));
        }
        let risk = RiskSets::new(data, use_timefix, "the Firth Cox model data")?;
        if n < 2 {
            return Err(Error::TooFewObservations {
                what: "Firth Cox regression",
                needed: 2,
                found: n,
            });
        }
        let p = x.ncols();
        let (means, sd) = column_moments(x);
        let constant: Vec<String> = (0..p)
            .filter(|&j| sd[j].partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater))
            .map(|j| x.names()[j].clone())
            .collect();
        if !constant.is_empty() {
            return Err(Error::CollinearColumns { columns: constant });
        }
        check_collinear(x, &means)?;

        let RiskSets {
            order,
            weight,
            event,
            offset,
            groups,
            strata,
            n_events,
            ..
        } = risk;
        let m = x.matrix();
        let mut z = vec![0.0; n * p];
        for (k, i) in order.iter().map(|&i| i as usize).enumerate() {
            for (j, v) in z[k * p..(k + 1) * p].iter_mut().enumerate() {
                *v = (m[(i, j)] - means[j]) / sd[j];
            }
        }
        let spans: Vec<std::ops::Range<usize>> = strata.into_iter().map(|s| s.groups).collect();
        Ok(Prepared {
            n,
            p,
            event,
            weight,
            offset,
            z,
            sd,
            groups,
            strata: spans,
            n_events,
        })
    }

    /// Standardized covariate row `k` (sorted order).
    #[inline]
    pub fn row(&self, k: usize) -> &[f64] {
        &self.z[k * self.p..(k + 1) * self.p]
    }

    /// `Σ_j log sd_j`: `½ log det I` on the original scale minus the same on the
    /// standardized scale.
    pub fn log_scale(&self) -> f64 {
        self.sd.iter().map(|s| s.ln()).sum()
    }
}

/// Unweighted column means and sample standard deviations (R's `sd`, as coxphf).
fn column_moments(x: &Design) -> (Vec<f64>, Vec<f64>) {
    let m = x.matrix();
    let n = m.nrows() as f64;
    let mut means = Vec::with_capacity(m.ncols());
    let mut sds = Vec::with_capacity(m.ncols());
    for col in m.column_iter() {
        let mean = col.iter().sum::<f64>() / n;
        let ss: f64 = col.iter().map(|v| (v - mean) * (v - mean)).sum();
        means.push(mean);
        sds.push((ss / (n - 1.0)).sqrt());
    }
    (means, sds)
}

/// A column that is a linear combination of earlier columns *after centring* (the Cox model
/// has no intercept, but is blind to constants) makes the information singular.
fn check_collinear(x: &Design, means: &[f64]) -> Result<()> {
    let m = x.matrix();
    let centred = nalgebra::DMatrix::from_fn(m.nrows(), m.ncols(), |i, j| m[(i, j)] - means[j]);
    let design = Design::from_matrix(x.names().to_vec(), centred)?;
    let aliased = design.aliased_columns();
    if aliased.is_empty() {
        Ok(())
    } else {
        Err(Error::CollinearColumns {
            columns: aliased.iter().map(|&j| x.names()[j].clone()).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standardizes_by_sample_sd() -> Result<()> {
        let data = SurvivalData::new(vec![3.0, 1.0, 2.0], vec![true, true, false])?;
        let x = Design::from_columns([("a", vec![1.0, 2.0, 3.0])])?;
        let prep = Prepared::new(&data, &x, true)?;
        assert!((prep.sd[0] - 1.0).abs() < 1e-15);
        // sorted by time: rows 1, 2, 0 → x = 2, 3, 1 → z = 0, 1, -1
        assert_eq!(prep.z, vec![0.0, 1.0, -1.0]);
        assert_eq!(prep.groups.len(), 3);
        Ok(())
    }

    #[test]
    fn rejects_constant_and_collinear_columns() -> Result<()> {
        let data = SurvivalData::new(vec![3.0, 1.0, 2.0, 4.0], vec![true, true, false, true])?;
        let x = Design::from_columns([("c", vec![2.0; 4])])?;
        assert!(matches!(
            Prepared::new(&data, &x, true),
            Err(Error::CollinearColumns { .. })
        ));
        let x = Design::from_columns([
            ("a", vec![1.0, 2.0, 3.0, 5.0]),
            ("b", vec![3.0, 4.0, 5.0, 7.0]),
        ])?;
        match Prepared::new(&data, &x, true) {
            Err(Error::CollinearColumns { columns }) => assert_eq!(columns, ["b"]),
            other => panic!("expected collinear columns, got {other:?}"),
        }
        Ok(())
    }
}
