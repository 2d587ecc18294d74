//! Input preparation for the Cox fit: validation, R's `timefix`, one sort by
//! (stratum, time, status), centring and scaling of the covariates (R's `coxfit6` set-up) and
//! the stratum / tied-time boundaries used by every pass.

use crate::survival::timefix::timefix;
use crate::{Design, Error, Result, SurvivalData};

/// Rows `start..end` (sorted order) share one time within one stratum; the censored rows
/// come first, the deaths are `death_start..end`.
#[derive(Debug, Clone, Copy)]
pub(super) struct TieGroup {
    pub start: usize,
    pub death_start: usize,
    pub end: usize,
}

impl TieGroup {
    /// Number of deaths in the group.
    pub fn n_deaths(&self) -> usize {
        self.end - self.death_start
    }
}

/// One stratum: its tie groups `groups` (indices into `Prepared::groups`).
#[derive(Debug, Clone)]
pub(super) struct StratumSpan {
    pub groups: std::ops::Range<usize>,
}

/// The sorted, centred and scaled problem the Newton iteration works on.
#[derive(Debug, Clone)]
pub(super) struct Prepared {
    pub n: usize,
    pub p: usize,
    /// `order[k]` = original row of sorted position `k`.
    pub order: Vec<usize>,
    pub event: Vec<bool>,
    pub weight: Vec<f64>,
    /// Offsets centred by their (unweighted) mean, sorted; all zero without offsets.
    pub offset: Vec<f64>,
    /// Mean removed from the offsets (0 without offsets), added back to the linear predictor.
    pub offset_mean: f64,
    /// Covariates, row-major `n × p`, sorted, centred and scaled.
    pub z: Vec<f64>,
    /// R's `fit$means`: weighted column means, 0 for columns in {-1, 0, 1}.
    pub means: Vec<f64>,
    /// Column scale factors (1 for {-1, 0, 1} columns).
    pub scales: Vec<f64>,
    pub groups: Vec<TieGroup>,
    pub strata: Vec<StratumSpan>,
    pub n_events: usize,
}

impl Prepared {
    /// Validates and prepares `data` and `x` for a fit.
    pub fn new(data: &SurvivalData, x: &Design, use_timefix: bool) -> Result<Self> {
        let n = data.len();
        if x.nrows() != n {
            return Err(Error::mismatch("design matrix rows", n, x.nrows()));
        }
        let n_events = data.n_events();
        if n_events == 0 {
            return Err(Error::NoEvents {
                what: "the Cox model data".to_string(),
            });
        }
        let p = x.ncols();
        let fixed = if use_timefix {
            timefix(data.time())
        } else {
            None
        };
        let times: &[f64] = fixed.as_deref().unwrap_or(data.time());
        let strata = data.strata();
        let stratum_of = |i: usize| strata.map_or(0, |s| s[i]);

        let mut order: Vec<usize> = (0..n).collect();
        order.sort_unstable_by(|&a, &b| {
            stratum_of(a)
                .cmp(&stratum_of(b))
                .then(times[a].total_cmp(&times[b]))
                .then(data.event()[a].cmp(&data.event()[b]))
                .then(a.cmp(&b))
        });

        let weight_of = |i: usize| data.weights().map_or(1.0, |w| w[i]);
        let (offset, offset_mean) = centred_offsets(data, &order);
        let (means, scales) = centring(x, data);

        let matrix = x.matrix();
        let mut z = vec![0.0; n * p];
        for (k, &i) in order.iter().enumerate() {
            let row = &mut z[k * p..(k + 1) * p];
            for (j, v) in row.iter_mut().enumerate() {
                *v = (matrix[(i, j)] - means[j]) * scales[j];
            }
        }
        let time: Vec<f64> = order.iter().map(|&i| times[i]).collect();
        let event: Vec<bool> = order.iter().map(|&i| data.event()[i]).collect();
        let weight: Vec<f64> = order.iter().map(|&i| weight_of(i)).collect();
        let sorted_stratum: Vec<usize> = order.iter().map(|&i| stratum_of(i)).collect();

        let (groups, spans) = boundaries(&time, &event, &sorted_stratum);
        Ok(Prepared {
            n,
            p,
            order,
            event,
            weight,
            offset,
            offset_mean,
            z,
            means,
            scales,
            groups,
            strata: spans,
            n_events,
        })
    }

    /// Covariate row `k` (sorted order), centred and scaled.
    #[inline]
    pub fn row(&self, k: usize) -> &[f64] {
        &self.z[k * self.p..(k + 1) * self.p]
    }
}

/// R's `coxph`: offsets that are all zero are ignored, others are centred by their mean.
fn centred_offsets(data: &SurvivalData, order: &[usize]) -> (Vec<f64>, f64) {
    match data.offsets() {
        Some(o) if o.iter().any(|v| v.abs() > 0.0) => {
            let mean = o.iter().sum::<f64>() / o.len() as f64;
            (order.iter().map(|&i| o[i] - mean).collect(), mean)
        }
        _ => (vec![0.0; order.len()], 0.0),
    }
}

/// Weighted means and scale factors of R's `coxfit6` (§2.2): columns with all values in
/// {-1, 0, 1} are left alone (mean 0, scale 1); others are centred on their weighted mean and
/// multiplied by `Σw / Σw|x - mean|` (1 for a constant column).
fn centring(x: &Design, data: &SurvivalData) -> (Vec<f64>, Vec<f64>) {
    let m = x.matrix();
    let n = m.nrows();
    let w = |i: usize| data.weights().map_or(1.0, |w| w[i]);
    let total: f64 = (0..n).map(w).sum();
    let mut means = vec![0.0; m.ncols()];
    let mut scales = vec![1.0; m.ncols()];
    for (j, col) in m.column_iter().enumerate() {
        let exempt = col
            .iter()
            .all(|&v| v.abs() <= 0.0 || (v.abs() - 1.0).abs() <= 0.0);
        if exempt {
            continue;
        }
        let mean = col.iter().enumerate().map(|(i, v)| w(i) * v).sum::<f64>() / total;
        let spread: f64 = col
            .iter()
            .enumerate()
            .map(|(i, v)| w(i) * (v - mean).abs())
            .sum();
        means[j] = mean;
        scales[j] = if spread > 0.0 { total / spread } else { 1.0 };
    }
    (means, scales)
}

/// Tie groups (equal time within a stratum) and stratum spans of the sorted rows.
fn boundaries(
    time: &[f64],
    event: &[bool],
    stratum: &[usize],
) -> (Vec<TieGroup>, Vec<StratumSpan>) {
    let n = time.len();
    let mut groups = Vec::new();
    let mut spans = Vec::new();
    let mut span_group = 0;
    let mut start = 0;
    while start < n {
        let mut end = start + 1;
        while end < n && stratum[end] == stratum[start] && time[end].total_cmp(&time[start]).is_eq()
        {
            end += 1;
        }
        let death_start = (start..end).find(|&k| event[k]).unwrap_or(end);
        groups.push(TieGroup {
            start,
            death_start,
            end,
        });
        if end == n || stratum[end] != stratum[start] {
            spans.push(StratumSpan {
                groups: span_group..groups.len(),
            });
            span_group = groups.len();
        }
        start = end;
    }
    (groups, spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_put_censored_rows_first() -> Result<()> {
        let data = SurvivalData::new(
            vec![2.0, 1.0, 2.0, 2.0, 3.0],
            vec![true, true, false, true, false],
        )?;
        let x = Design::from_columns([("a", vec![1.0, 2.0, 3.0, 4.0, 5.0])])?;
        let prep = Prepared::new(&data, &x, true)?;
        assert_eq!(prep.order, vec![1, 2, 0, 3, 4]);
        assert_eq!(prep.groups.len(), 3);
        assert_eq!(prep.groups[1].start, 1);
        assert_eq!(prep.groups[1].death_start, 2);
        assert_eq!(prep.groups[1].end, 4);
        assert_eq!(prep.strata.len(), 1);
        assert!((prep.means[0] - 3.0).abs() < 1e-15);
        // Σw / Σw|x - mean| = 5 / 6
        assert!((prep.scales[0] - 5.0 / 6.0).abs() < 1e-15);
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
