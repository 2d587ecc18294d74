//! Input preparation for the Cox fit: validation, R's `timefix`, one sort by
//! (stratum, time, status), centring and scaling of the covariates (R's `coxfit6` set-up) and
//! the stratum / tied-time boundaries used by every pass.

use std::ops::Deref;

pub(in crate::survival) use crate::survival::risk_set::{
    Departures, RiskSets, StratumSpan, ordered_bits,
};
use crate::{Design, Error, Result, SurvivalData};

/// The sorted, centred and scaled problem the Newton iteration works on: the shared
/// [`RiskSets`] (reached through `Deref`) and the covariates.
#[derive(Debug, Clone)]
pub(super) struct Prepared {
    /// Sorted survival data, tie groups, strata and counting-process departures.
    pub risk: RiskSets,
    pub p: usize,
    /// Covariates, row-major `n × p`, sorted, centred and scaled.
    pub z: Vec<f64>,
    /// R's `fit$means`: weighted column means, 0 for columns in {-1, 0, 1}.
    pub means: Vec<f64>,
    /// Column scale factors (1 for {-1, 0, 1} columns).
    pub scales: Vec<f64>,
    /// The sparse columns of `z` (at most `n / 8` nonzero rows; left as they are by the
    /// centring) with their nonzero sorted rows, in column order.
    pub sparse: Vec<(usize, Vec<u32>)>,
}

/// A column of `z` is sparse with at most `n / SPARSE_SHARE` nonzero rows.
const SPARSE_SHARE: usize = 8;

impl Deref for Prepared {
    type Target = RiskSets;

    fn deref(&self) -> &RiskSets {
        &self.risk
    }
}

impl Prepared {
    /// Validates and prepares `data` and `x` for a fit.
    pub fn new(data: &SurvivalData, x: &Design, use_timefix: bool) -> Result<Self> {
        if x.nrows() != data.len() {
            return Err(Error::mismatch("design matrix rows", data.len(), x.nrows()));
        }
        let mut prepared = Prepared::sorted(data, use_timefix)?;
        prepared.add_covariates(data, x);
        Ok(prepared)
    }

    /// The survival part alone: sorted order, weights, offsets, tie groups and strata
    /// (no covariates, `p = 0`).
    pub fn sorted(data: &SurvivalData, use_timefix: bool) -> Result<Self> {
        Ok(Prepared {
            risk: RiskSets::new(data, use_timefix, "the Cox model data")?,
            p: 0,
            z: Vec::new(),
            means: Vec::new(),
            scales: Vec::new(),
            sparse: Vec::new(),
        })
    }

    /// Centres, scales and sorts the covariates into `z` (row-major).
    fn add_covariates(&mut self, data: &SurvivalData, x: &Design) {
        let (n, p) = (self.n, x.ncols());
        let order = &self.order;
        let (means, scales, exempt) = centring(x, data, self.counting.is_some());

        // Row-major, centred and scaled, in sorted order. The design is read column by column
        // (contiguous) in blocks of rows; the block's destination rows stay in cache while
        // all columns are written into them.
        const BLOCK: usize = 256;
        // u32 (n < 2^32, RiskSets::new): half the memory of usize per row at the peak
        let mut position = vec![0u32; n];
        for (k, &i) in (0u32..).zip(order) {
            position[i as usize] = k;
        }
        let matrix = x.matrix();
        let mut z = vec![0.0; n * p];
        for first in (0..n).step_by(BLOCK) {
            let last = (first + BLOCK).min(n);
            let targets = &position[first..last];
            for (j, col) in matrix.column_iter().enumerate() {
                let (mean, scale) = (means[j], scales[j]);
                for (&k, v) in targets.iter().zip(&col.as_slice()[first..last]) {
                    z[k as usize * p + j] = (v - mean) * scale;
                }
            }
        }
        // columns left as they are (z = x) with few nonzero rows
        let mut sparse = Vec::new();
        for (j, col) in matrix.column_iter().enumerate() {
            if !exempt[j] || p < 2 {
                continue;
            }
            let col = col.as_slice();
            let nonzero = col.iter().filter(|v| **v != 0.0).count();
            if nonzero * SPARSE_SHARE > n {
                continue;
            }
            let mut rows: Vec<u32> = col
                .iter()
                .zip(&position)
                .filter(|(v, _)| **v != 0.0)
                .map(|(_, &k)| k)
                .collect();
            rows.sort_unstable();
            sparse.push((j, rows));
        }
        drop(position);
        self.sparse = sparse;
        self.p = p;
        self.z = z;
        self.means = means;
        self.scales = scales;
    }

    /// Multiplies the case weights by a power of two (exact) when the largest lies outside
    /// `[2^-100, 2^100]`, so that the weighted sums of the risk sets neither under- nor
    /// overflow (crate::numeric); returns `c`, the factor that takes the fit back to the
    /// weights given (`None`: weights used as given). With weights `c·w`, β̂ is unchanged, `ℓ = c·(ℓ_w −
    /// ln(c)·Σ_deaths w)`, the score, information and tests are `c` times, the variance
    /// `1/c` times those of `w`.
    pub fn normalise_weights(&mut self) -> Option<f64> {
        const LO: f64 = 7.888609052210118e-31; // 2^-100
        const HI: f64 = 1.2676506002282294e30; // 2^100
        // unweighted data (every weight 1) are in range
        let weights = self.risk.weight.stored_mut()?;
        let max = weights.iter().fold(0.0f64, |a, &w| a.max(w));
        if (LO..=HI).contains(&max) {
            return None;
        }
        let f = crate::numeric::pow2_near(max);
        weights.iter_mut().for_each(|w| *w *= f);
        Some(1.0 / f)
    }

    /// Covariate row `k` (sorted order), centred and scaled.
    #[inline]
    pub fn row(&self, k: usize) -> &[f64] {
        &self.z[k * self.p..(k + 1) * self.p]
    }
}

/// Weighted means and scale factors of R's `coxfit6` (§2.2): columns with all values in
/// {-1, 0, 1} are left alone (mean 0, scale 1); others are centred on their weighted mean and
/// multiplied by `Σw / Σw|x - mean|` (1 for a constant column). Also returns which columns were
/// left alone.
///
/// Counting-process data (`agreg.fit`) report the *unweighted* column means as `fit$means`;
/// the covariates are centred on them (any centring leaves the partial likelihood unchanged).
fn centring(x: &Design, data: &SurvivalData, counting: bool) -> (Vec<f64>, Vec<f64>, Vec<bool>) {
    let m = x.matrix();
    let n = m.nrows();
    let weights = data.weights();
    let mean_weights = if counting { None } else { weights };
    let mean_total = mean_weights.map_or(n as f64, |w| w.iter().sum());
    let total = weights.map_or(n as f64, |w| w.iter().sum());
    let mut means = vec![0.0; m.ncols()];
    let mut scales = vec![1.0; m.ncols()];
    let mut exempt = vec![false; m.ncols()];
    // Columns beyond 2^±32 are summed times a power of two (exact, crate::numeric) so that
    // the sums cannot overflow or underflow; other columns are summed as they are.
    for (j, col) in m.column_iter().enumerate() {
        let col = col.as_slice();
        exempt[j] = col
            .iter()
            .all(|&v| v.abs() <= 0.0 || (v.abs() - 1.0).abs() <= 0.0);
        if exempt[j] {
            continue;
        }
        let f = crate::numeric::column_factor(col);
        let mean = match mean_weights {
            Some(w) => col.iter().zip(w).map(|(v, w)| w * (v * f)).sum::<f64>(),
            None => col.iter().map(|v| v * f).sum::<f64>(),
        } / mean_total;
        let spread: f64 = match weights {
            Some(w) => col
                .iter()
                .zip(w)
                .map(|(v, w)| w * (v * f - mean).abs())
                .sum(),
            None => col.iter().map(|v| (v * f - mean).abs()).sum(),
        };
        means[j] = mean / f;
        scales[j] = if spread > 0.0 {
            total / spread * f
        } else {
            1.0
        };
    }
    (means, scales, exempt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covariates_are_centred_scaled_and_sorted() -> Result<()> {
        let data = SurvivalData::new(
            vec![2.0, 1.0, 2.0, 2.0, 3.0],
            vec![true, true, false, true, false],
        )?;
        let x = Design::from_columns([("a", vec![1.0, 2.0, 3.0, 4.0, 5.0])])?;
        let prep = Prepared::new(&data, &x, true)?;
        assert_eq!(prep.order, vec![1, 2, 0, 3, 4]);
        assert!((prep.means[0] - 3.0).abs() < 1e-15);
        // Σw / Σw|x - mean| = 5 / 6
        assert!((prep.scales[0] - 5.0 / 6.0).abs() < 1e-15);
        // sorted row 0 is original row 1 (x = 2)
        assert!((prep.row(0)[0] - (2.0 - 3.0) * 5.0 / 6.0).abs() < 1e-15);
        Ok(())
    }

    #[test]
    fn counting_data_use_unweighted_means() -> Result<()> {
        let data = SurvivalData::counting(
            vec![0.0, 2.0, 1.0, 0.0],
            vec![2.0, 5.0, 3.0, 4.0],
            vec![false, true, true, false],
        )?
        .with_weights(vec![1.0, 2.0, 3.0, 4.0])?;
        let x = Design::from_columns([("a", vec![1.0, 2.0, 3.0, 4.0])])?;
        let prep = Prepared::new(&data, &x, true)?;
        assert!((prep.means[0] - 2.5).abs() < 1e-15);
        Ok(())
    }

    #[test]
    fn zero_one_columns_are_not_centred() -> Result<()> {
        let data = SurvivalData::new(vec![1.0, 2.0, 3.0], vec![true, true, false])?;
        let x = Design::from_columns([("a", vec![1.0, 0.0, -1.0])])?;
        let prep = Prepared::new(&data, &x, true)?;
        assert_eq!(prep.means, vec![0.0]);
        assert_eq!(prep.scales, vec![1.0]);
        Ok(())
    }
}
