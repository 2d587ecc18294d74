//! Input preparation for the Cox fit: validation, R's `timefix`, one sort by
//! (stratum, time, status), centring and scaling of the covariates (R's `coxfit6` set-up) and
//! the stratum / tied-time boundaries used by every pass.

use crate::survival::timefix::{timefix, timefix_intervals};
use crate::{Design, Error, Result, SurvivalData};

/// Rows `start..end` (sorted order) share one time within one stratum; the censored rows
/// come first, the deaths are `death_start..end`.
#[derive(Debug, Clone, Copy)]
pub(in crate::survival) struct TieGroup {
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
pub(in crate::survival) struct StratumSpan {
    pub groups: std::ops::Range<usize>,
}

/// The sorted, centred and scaled problem the Newton iteration works on.
#[derive(Debug, Clone)]
pub(super) struct Prepared {
    pub n: usize,
    pub p: usize,
    /// `order[k]` = original row of sorted position `k`.
    pub order: Vec<usize>,
    pub weight: Vec<f64>,
    /// Times in sorted order (after `timefix` when on).
    pub time: Vec<f64>,
    /// Event indicators in sorted order.
    pub event: Vec<bool>,
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
    /// Counting-process data: start times (sorted order) and the removal order.
    pub counting: Option<Counting>,
}

/// The `(start, stop]` part of counting-process data, in the sorted (stop-time) order.
#[derive(Debug, Clone)]
pub(super) struct Counting {
    /// Start time of sorted row `k` (after `timefix` when on).
    pub start: Vec<f64>,
    /// Sorted positions ordered by (stratum, start time descending): within a stratum's
    /// position range `a..b`, `by_start[a..b]` are that stratum's rows, latest start first.
    pub by_start: Vec<usize>,
}

/// Counting-process departures from the risk set during a backward sweep over one stratum's
/// tie groups (R's `agreg`): a row leaves when the sweep reaches a time at or before its
/// start. Without counting data [`Departures::advance`] does nothing.
#[derive(Debug)]
pub(super) struct Departures {
    next: usize,
    end: usize,
    n_at_risk: usize,
}

impl Departures {
    /// Departures for the stratum occupying sorted positions `rows`.
    pub fn new(rows: std::ops::Range<usize>) -> Self {
        Departures {
            next: rows.start,
            end: rows.end,
            n_at_risk: 0,
        }
    }

    /// Before tie group `group` is added: calls `leave(Some(k))` for each row `k` whose
    /// interval starts at or after the group's time, or `leave(None)` when the risk set
    /// becomes empty (the caller then resets its sums to exactly 0, as R does, so no rounding
    /// residue remains); then counts the group's rows as at risk.
    pub fn advance(
        &mut self,
        data: &Prepared,
        group: &TieGroup,
        mut leave: impl FnMut(Option<usize>),
    ) {
        let Some(counting) = &data.counting else {
            return;
        };
        let t = data.time[group.start];
        while self.next < self.end {
            let k = counting.by_start[self.next];
            if counting.start[k] < t {
                break;
            }
            self.next += 1;
            self.n_at_risk = self.n_at_risk.saturating_sub(1);
            leave((self.n_at_risk > 0).then_some(k));
        }
        self.n_at_risk += group.end - group.start;
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
        let n = data.len();
        let n_events = data.n_events();
        if n_events == 0 {
            return Err(Error::NoEvents {
                what: "the Cox model data".to_string(),
            });
        }
        let strata = data.strata();
        let event_of = data.event();
        // Counting data: R's aeqSurv treats start and stop times as one set of times.
        let (stop_times, start_times) = counting_times(data, use_timefix)?;
        let stop_times: &[f64] = stop_times.as_deref().unwrap_or(data.time());

        // One sort of compact keys (stratum, time, status, row). `+ 0.0` makes -0 equal to 0.
        let mut keys: Vec<SortKey> = (0..n)
            .map(|i| SortKey {
                stratum: strata.map_or(0, |s| s[i]),
                time: stop_times[i] + 0.0,
                event: event_of[i],
                row: i,
            })
            .collect();
        sort_keys(&mut keys);
        if use_timefix && start_times.is_none() {
            // R's timefix maps each time to the start of its cluster of near-equal times:
            // monotone, so the order survives; only rows inside a merged cluster need
            // re-sorting (censored before deaths). Sorted input also makes timefix's own
            // sort cheap.
            let sorted_times: Vec<f64> = keys.iter().map(|k| k.time).collect();
            if let Some(fixed) = timefix(&sorted_times) {
                for (k, t) in keys.iter_mut().zip(fixed) {
                    k.time = t;
                }
                sort_keys(&mut keys);
            }
        }
        let order: Vec<usize> = keys.iter().map(|k| k.row).collect();

        let (offset, offset_mean) = centred_offsets(data, &order);
        let time: Vec<f64> = keys.iter().map(|k| k.time).collect();
        let event: Vec<bool> = keys.iter().map(|k| k.event).collect();
        let weight: Vec<f64> = match data.weights() {
            Some(w) => order.iter().map(|&i| w[i]).collect(),
            None => vec![1.0; n],
        };
        let sorted_stratum: Vec<usize> = keys.iter().map(|k| k.stratum).collect();
        drop(keys);

        let (groups, spans) = boundaries(&time, &event, &sorted_stratum);
        let counting = start_times.map(|start| {
            let start: Vec<f64> = order.iter().map(|&i| start[i] + 0.0).collect();
            let mut by_start: Vec<usize> = (0..n).collect();
            by_start.sort_unstable_by(|&a, &b| {
                sorted_stratum[a]
                    .cmp(&sorted_stratum[b])
                    .then(start[b].total_cmp(&start[a]))
                    .then(a.cmp(&b))
            });
            Counting { start, by_start }
        });
        Ok(Prepared {
            n,
            p: 0,
            order,
            weight,
            time,
            event,
            offset,
            offset_mean,
            z: Vec::new(),
            means: Vec::new(),
            scales: Vec::new(),
            groups,
            strata: spans,
            n_events,
            counting,
        })
    }

    /// Centres, scales and sorts the covariates into `z` (row-major).
    fn add_covariates(&mut self, data: &SurvivalData, x: &Design) {
        let (n, p) = (self.n, x.ncols());
        let order = &self.order;
        let (means, scales) = centring(x, data, self.counting.is_some());

        // Row-major, centred and scaled, in sorted order. The design is read column by column
        // (contiguous) in blocks of rows; the block's destination rows stay in cache while
        // all columns are written into them.
        const BLOCK: usize = 256;
        let mut position = vec![0usize; n];
        for (k, &i) in order.iter().enumerate() {
            position[i] = k;
        }
        let matrix = x.matrix();
        let mut z = vec![0.0; n * p];
        for first in (0..n).step_by(BLOCK) {
            let last = (first + BLOCK).min(n);
            let targets = &position[first..last];
            for (j, col) in matrix.column_iter().enumerate() {
                let (mean, scale) = (means[j], scales[j]);
                for (&k, v) in targets.iter().zip(&col.as_slice()[first..last]) {
                    z[k * p + j] = (v - mean) * scale;
                }
            }
        }
        drop(position);
        self.p = p;
        self.z = z;
        self.means = means;
        self.scales = scales;
    }

    /// `true` if sorted row `k` is an event.
    #[inline]
    pub fn is_event(&self, k: usize) -> bool {
        self.event[k]
    }

    /// Sorted positions `a..b` of a stratum's rows.
    pub fn stratum_rows(&self, stratum: &StratumSpan) -> std::ops::Range<usize> {
        let first = self.groups.get(stratum.groups.start);
        let last = stratum
            .groups
            .end
            .checked_sub(1)
            .and_then(|g| self.groups.get(g));
        match (first, last) {
            (Some(first), Some(last)) if stratum.groups.start < stratum.groups.end => {
                first.start..last.end
            }
            _ => 0..0,
        }
    }

    /// Covariate row `k` (sorted order), centred and scaled.
    #[inline]
    pub fn row(&self, k: usize) -> &[f64] {
        &self.z[k * self.p..(k + 1) * self.p]
    }
}

/// A row's sort key: stratum, time, status (censored first), then the row itself.
#[derive(Debug, Clone, Copy)]
struct SortKey {
    stratum: usize,
    time: f64,
    event: bool,
    row: usize,
}

/// Sorts by (stratum, time, status, row). Keys are packed into one `u128` when they fit
/// (always in practice), which makes the comparisons cheap.
fn sort_keys(keys: &mut [SortKey]) {
    let fits = keys.len() < (1 << 31) && keys.iter().all(|k| k.stratum < (1 << 32));
    if fits {
        let mut packed: Vec<u128> = keys
            .iter()
            .map(|k| {
                ((k.stratum as u128) << 96)
                    | (u128::from(ordered_bits(k.time)) << 32)
                    | (u128::from(k.event) << 31)
                    | k.row as u128
            })
            .collect();
        packed.sort_unstable();
        // rows are 0..n in some order: look each key up by its row
        let mut by_row: Vec<SortKey> = keys.to_vec();
        for k in keys.iter() {
            by_row[k.row] = *k;
        }
        for (k, code) in keys.iter_mut().zip(packed) {
            *k = by_row[(code & 0x7fff_ffff) as usize];
        }
    } else {
        keys.sort_unstable_by(|a, b| {
            a.stratum
                .cmp(&b.stratum)
                .then(a.time.total_cmp(&b.time))
                .then(a.event.cmp(&b.event))
                .then(a.row.cmp(&b.row))
        });
    }
}

/// `u64` whose unsigned order is `f64::total_cmp` order.
pub(super) fn ordered_bits(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// Stop and start times of counting-process data after R's `aeqSurv` (start and stop times
/// form one set of times); `(None, None)` for right-censored data, `(None, Some(start))` when
/// timefix changes nothing.
#[allow(clippy::type_complexity)]
fn counting_times(
    data: &SurvivalData,
    use_timefix: bool,
) -> Result<(Option<Vec<f64>>, Option<Vec<f64>>)> {
    let Some(start) = data.start() else {
        return Ok((None, None));
    };
    let stop = data.time();
    if !use_timefix {
        return Ok((None, Some(start.to_vec())));
    }
    Ok(match timefix_intervals(start, stop)? {
        Some((new_start, new_stop)) => (Some(new_stop), Some(new_start)),
        None => (None, Some(start.to_vec())),
    })
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
///
/// Counting-process data (`agreg.fit`) report the *unweighted* column means as `fit$means`;
/// the covariates are centred on them (any centring leaves the partial likelihood unchanged).
fn centring(x: &Design, data: &SurvivalData, counting: bool) -> (Vec<f64>, Vec<f64>) {
    let m = x.matrix();
    let n = m.nrows();
    let w = |i: usize| data.weights().map_or(1.0, |w| w[i]);
    let mean_weight = |i: usize| if counting { 1.0 } else { w(i) };
    let mean_total: f64 = (0..n).map(mean_weight).sum();
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
        let mean = col
            .iter()
            .enumerate()
            .map(|(i, v)| mean_weight(i) * v)
            .sum::<f64>()
            / mean_total;
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
pub(in crate::survival) fn boundaries(
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
    fn timefix_regroups_censored_rows_first() -> Result<()> {
        // the death at 2 and the censoring at 2 + 1e-13 are one time after timefix
        let data = SurvivalData::new(
            vec![2.0 + 1e-13, 2.0, 1.0, 3.0],
            vec![false, true, true, false],
        )?;
        let x = Design::from_columns([("a", vec![1.0, 2.0, 3.0, 4.0])])?;
        let prep = Prepared::new(&data, &x, true)?;
        assert_eq!(prep.order, vec![2, 0, 1, 3]);
        assert_eq!(prep.groups.len(), 3);
        assert_eq!((prep.groups[1].start, prep.groups[1].death_start), (1, 2));
        let raw = Prepared::new(&data, &x, false)?;
        assert_eq!(raw.order, vec![2, 1, 0, 3]);
        assert_eq!(raw.groups.len(), 4);
        Ok(())
    }

    #[test]
    fn counting_data_sort_by_start_and_timefix_both_times() -> Result<()> {
        let data = SurvivalData::counting(
            vec![0.0, 2.0, 1.0, 0.0],
            vec![2.0, 5.0, 3.0, 4.0],
            vec![false, true, true, false],
        )?;
        let x = Design::from_columns([("a", vec![1.0, 2.0, 3.0, 4.0])])?;
        let prep = Prepared::new(&data, &x, true)?;
        let counting = prep.counting.as_ref().expect("counting");
        // sorted by stop: rows 0 (2), 2 (3), 3 (4), 1 (5)
        assert_eq!(prep.order, vec![0, 2, 3, 1]);
        assert_eq!(counting.start, vec![0.0, 1.0, 0.0, 2.0]);
        // positions by start, latest first (ties by position)
        assert_eq!(counting.by_start, vec![3, 1, 0, 2]);
        // unweighted means for counting data
        assert!((prep.means[0] - 2.5).abs() < 1e-15);

        // timefix merges start and stop times: an interval of noise length is an error
        let tiny =
            SurvivalData::counting(vec![0.0, 1.0], vec![1.0, 1.0 + 1e-12], vec![true, true])?;
        assert!(matches!(
            Prepared::new(&tiny, &Design::from_columns([("a", vec![1.0, 2.0])])?, true),
            Err(Error::StartNotBeforeStop { row: 2, .. })
        ));
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
