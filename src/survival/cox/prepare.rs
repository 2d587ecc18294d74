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
    /// Validates and prepares `data` and `x` for a fit (on the calling thread).
    pub fn new(data: &SurvivalData, x: &Design, use_timefix: bool) -> Result<Self> {
        Prepared::with_threads(data, x, use_timefix, 1)
    }

    /// [`Prepared::new`] on up to `threads` threads (`0` = all cores): the sort and the
    /// covariates' centring run at the same time, then each thread writes a contiguous range
    /// of sorted rows of `z`. Every value is computed as on one thread (same numbers).
    pub fn with_threads(
        data: &SurvivalData,
        x: &Design,
        use_timefix: bool,
        threads: usize,
    ) -> Result<Self> {
        if x.nrows() != data.len() {
            return Err(Error::mismatch("design matrix rows", data.len(), x.nrows()));
        }
        let (n, p) = (data.len(), x.ncols());
        let threads = crate::parallel::threads_for(threads, n * p.max(1), 2);
        let counting = data.is_counting();
        let (prepared, centred) = if threads > 1 {
            crate::parallel::join(
                || Prepared::sorted(data, use_timefix),
                || centring(x, data, counting),
            )
        } else {
            (
                Prepared::sorted(data, use_timefix),
                centring(x, data, counting),
            )
        };
        let mut prepared = prepared?;
        prepared.add_covariates(x, centred, threads);
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

    /// Centres, scales and sorts the covariates into `z` (row-major), on `threads` threads.
    fn add_covariates(&mut self, x: &Design, centred: Centring, threads: usize) {
        let (n, p) = (self.n, x.ncols());
        let order = &self.order;
        let (means, scales, exempt) = centred;
        // u32 (n < 2^32, RiskSets::new): half the memory of usize per row at the peak
        let mut position = vec![0u32; n];
        for (k, &i) in (0u32..).zip(order) {
            position[i as usize] = k;
        }
        let matrix = x.matrix();
        let mut z = vec![0.0; n * p];
        if threads <= 1 || p == 0 {
            sorted_rows(matrix, &means, &scales, &position, 0..n, &mut z);
        } else {
            // contiguous ranges of sorted rows, one per thread
            let per = n.div_ceil(threads);
            let items: Vec<(usize, &mut [f64])> = z
                .chunks_mut(per * p)
                .enumerate()
                .map(|(t, out)| (t * per, out))
                .collect();
            let (means, scales, position) = (&means, &scales, &position);
            crate::parallel::map_items(items, threads, |(first, out)| {
                let rows = first..first + out.len() / p;
                sorted_rows(matrix, means, scales, position, rows, out);
            });
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

/// Column means, scale factors and which columns are left as they are ([`centring`]).
type Centring = (Vec<f64>, Vec<f64>, Vec<bool>);

/// Writes the centred and scaled covariates of the sorted rows `rows` (row-major) into `out`
/// (`rows.len() × p`). The design is read in blocks of rows, five columns side by side at a
/// time (each a contiguous run: few enough read streams for the CPU's prefetching), and
/// those five values of each row of the block are written to its sorted place (the
/// block's destination lines are still in cache for the next five).
fn sorted_rows(
    matrix: &nalgebra::DMatrix<f64>,
    means: &[f64],
    scales: &[f64],
    position: &[u32],
    rows: std::ops::Range<usize>,
    out: &mut [f64],
) {
    const BLOCK: usize = 256;
    const COLUMN_GROUP: usize = 5;
    let (n, p) = matrix.shape();
    let values = matrix.as_slice();
    let mut columns: Vec<&[f64]> = Vec::with_capacity(p);
    let all = rows.start == 0 && rows.end >= n;
    for first in (0..n).step_by(BLOCK) {
        let last = (first + BLOCK).min(n);
        columns.clear();
        columns.extend((0..p).map(|j| &values[j * n + first..j * n + last]));
        for j0 in (0..p).step_by(COLUMN_GROUP) {
            let j1 = (j0 + COLUMN_GROUP).min(p);
            for (b, &k) in position[first..last].iter().enumerate() {
                let k = k as usize;
                if !all && !rows.contains(&k) {
                    continue;
                }
                let k = k - rows.start;
                let dest = &mut out[k * p + j0..k * p + j1];
                let group = columns[j0..j1]
                    .iter()
                    .zip(&means[j0..j1])
                    .zip(&scales[j0..j1]);
                for (d, ((col, mean), scale)) in dest.iter_mut().zip(group) {
                    *d = (col[b] - mean) * scale;
                }
            }
        }
    }
}

/// Weighted means and scale factors of R's `coxfit6` (§2.2): columns with all values in
/// {-1, 0, 1} are left alone (mean 0, scale 1); others are centred on their weighted mean and
/// multiplied by `Σw / Σw|x - mean|` (1 for a constant column). Also returns which columns were
/// left alone.
///
/// Counting-process data (`agreg.fit`) report the *unweighted* column means as `fit$means`;
/// the covariates are centred on them (any centring leaves the partial likelihood unchanged).
fn centring(x: &Design, data: &SurvivalData, counting: bool) -> Centring {
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
        // branch-free (`&`, `|`): the check vectorises
        exempt[j] = col.iter().fold(true, |all, &v| {
            all & ((v.abs() <= 0.0) | ((v.abs() - 1.0).abs() <= 0.0))
        });
        if exempt[j] {
            continue;
        }
        let f = crate::numeric::column_factor(col);
        let mean = crate::numeric::lane_sum(col, mean_weights, |v| v * f) / mean_total;
        let spread = crate::numeric::lane_sum(col, weights, |v| (v * f - mean).abs());
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

    /// Enough rows × columns for several threads, rows not a multiple of the block or of the
    /// thread count, ties and weights: `z`, means, scales and sparse rows equal those of one
    /// thread, bit for bit.
    #[test]
    fn threads_give_the_same_covariates() -> Result<()> {
        let n = 70_001;
        let mut state = 11u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let time: Vec<f64> = (0..n).map(|_| (next() * 50.0).ceil()).collect();
        let event: Vec<bool> = (0..n).map(|_| next() < 0.6).collect();
        let weights: Vec<f64> = (0..n).map(|_| 1.0 + (next() * 2.0).floor()).collect();
        let data = SurvivalData::new(time, event)?.with_weights(weights)?;
        let x = Design::from_columns((0..7).map(|j| {
            let col: Vec<f64> = (0..n)
                .map(|_| match j {
                    0..=3 => next() * 10.0 - 3.0,
                    4 => f64::from(u8::from(next() < 0.05)),
                    _ => f64::from(u8::from(next() < 0.5)),
                })
                .collect();
            (format!("x{j}"), col)
        }))?;
        let one = Prepared::new(&data, &x, true)?;
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for threads in [2, 3, 0] {
            let other = Prepared::with_threads(&data, &x, true, threads)?;
            assert_eq!(one.order, other.order);
            assert_eq!(bits(&one.z), bits(&other.z));
            assert_eq!(bits(&one.means), bits(&other.means));
            assert_eq!(bits(&one.scales), bits(&other.scales));
            assert_eq!(one.sparse, other.sparse);
        }
        // and z is the sorted, centred, scaled design
        let k = 12_345;
        let i = one.order[k] as usize;
        for j in 0..7 {
            let v = (x.matrix()[(i, j)] - one.means[j]) * one.scales[j];
            assert_eq!(one.row(k)[j].to_bits(), v.to_bits());
        }
        Ok(())
    }
}
