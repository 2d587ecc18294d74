//! Right-censored survival data, validated on construction.

use crate::design::check_finite;
use crate::{Error, Result};

/// Survival times with event indicators and optional case weights, strata and offsets
/// (R's `Surv(time, status)` plus `weights =`, `strata()` and `offset()`).
///
/// Validated once, on construction and by each `with_*` setter:
/// * times finite and `>= 0` (a time of 0 is allowed, as in R);
/// * event indicators 0/1 (`from_status`);
/// * weights finite and `> 0`;
/// * every per-row input has one entry per observation.
///
/// Each violation is a named [`Error`] that gives the 1-based row.
///
/// ```
/// use oncostat::SurvivalData;
/// # fn main() -> Result<(), oncostat::Error> {
/// let s = SurvivalData::from_status(vec![5.0, 8.0, 12.0], &[1.0, 0.0, 1.0])?
///     .with_weights(vec![1.0, 2.0, 1.0])?
///     .with_strata(&["a", "b", "a"])?;
/// assert_eq!(s.len(), 3);
/// assert_eq!(s.n_events(), 2);
/// assert_eq!(s.strata(), Some(&[0, 1, 0][..]));
/// assert!(SurvivalData::from_status(vec![-1.0], &[1.0]).is_err());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalData {
    start: Option<Vec<f64>>,
    time: Vec<f64>,
    event: Vec<bool>,
    weights: Option<Vec<f64>>,
    strata: Option<Vec<usize>>,
    strata_labels: Vec<String>,
    clusters: Option<Vec<usize>>,
    cluster_labels: Vec<String>,
    offsets: Option<Vec<f64>>,
}

/// The event indicator of a numeric status: 0 = censored, 1 = event, `None` otherwise.
pub(crate) fn status_event(s: f64) -> Option<bool> {
    if s.abs() <= 0.0 {
        Some(false)
    } else if (s - 1.0).abs() <= 0.0 {
        Some(true)
    } else {
        None
    }
}

impl SurvivalData {
    /// Survival data from times and event flags (`true` = event, `false` = censored).
    ///
    /// # Errors
    /// * [`Error::EmptyInput`] if there are no observations.
    /// * [`Error::DimensionMismatch`] if `event` and `time` differ in length.
    /// * [`Error::NonFinite`] / [`Error::NegativeTime`] for a bad time.
    pub fn new(time: Vec<f64>, event: Vec<bool>) -> Result<Self> {
        if time.is_empty() {
            return Err(Error::EmptyInput { what: "time" });
        }
        if event.len() != time.len() {
            return Err(Error::mismatch("event", time.len(), event.len()));
        }
        check_finite("time", &time)?;
        if let Some(i) = time.iter().position(|&t| t < 0.0) {
            return Err(Error::NegativeTime {
                row: i + 1,
                value: time[i],
            });
        }
        Ok(SurvivalData {
            start: None,
            time,
            event,
            weights: None,
            strata: None,
            strata_labels: Vec::new(),
            clusters: None,
            cluster_labels: Vec::new(),
            offsets: None,
        })
    }

    /// Survival data from times and a numeric status (0 = censored, 1 = event).
    ///
    /// # Errors
    /// As [`SurvivalData::new`], and [`Error::InvalidEvent`] for a status other than 0 or 1.
    pub fn from_status(time: Vec<f64>, status: &[f64]) -> Result<Self> {
        let mut event = Vec::with_capacity(status.len());
        for (i, &s) in status.iter().enumerate() {
            event.push(status_event(s).ok_or_else(|| Error::InvalidEvent {
                row: i + 1,
                value: s,
            })?);
        }
        SurvivalData::new(time, event)
    }

    /// Counting-process data `(start, stop]` (R's `Surv(start, stop, event)`): each row is
    /// at risk on the interval `start < t <= stop` and `event` says whether it ends in an
    /// event at `stop`. Used for time-varying covariates (one row per interval of constant
    /// covariates) and delayed entry (left truncation: `start` = entry time).
    ///
    /// As in R, times may be negative (only `start < stop` is required); the row-level
    /// checks of [`SurvivalData::new`] apply otherwise. [`SurvivalData::time`] returns the
    /// stop times and [`SurvivalData::start`] the start times.
    ///
    /// ```text
    /// at risk at t  <=>  start < t <= stop
    /// ```
    ///
    /// # Examples
    /// ```
    /// use oncostat::SurvivalData;
    /// # fn main() -> Result<(), oncostat::Error> {
    /// // patient 1 split at day 50 (e.g. a transplant), patient 2 enters the study at day 20
    /// let s = SurvivalData::counting(
    ///     vec![0.0, 50.0, 20.0],
    ///     vec![50.0, 120.0, 90.0],
    ///     vec![false, true, true],
    /// )?;
    /// assert_eq!(s.start(), Some(&[0.0, 50.0, 20.0][..]));
    /// assert!(SurvivalData::counting(vec![5.0], vec![5.0], vec![true]).is_err());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// * [`Error::EmptyInput`] if there are no observations.
    /// * [`Error::DimensionMismatch`] if `start`, `stop` and `event` differ in length.
    /// * [`Error::NonFinite`] for a start or stop that is NaN or infinite.
    /// * [`Error::StartNotBeforeStop`] for a row with `start >= stop`.
    pub fn counting(start: Vec<f64>, stop: Vec<f64>, event: Vec<bool>) -> Result<Self> {
        if stop.is_empty() {
            return Err(Error::EmptyInput { what: "time" });
        }
        if event.len() != stop.len() {
            return Err(Error::mismatch("event", stop.len(), event.len()));
        }
        check_finite("stop time", &stop)?;
        let data = SurvivalData {
            start: None,
            time: stop,
            event,
            weights: None,
            strata: None,
            strata_labels: Vec::new(),
            clusters: None,
            cluster_labels: Vec::new(),
            offsets: None,
        };
        data.with_start(start)
    }

    /// Adds start times to right-censored data, making it counting-process data
    /// `(start, stop]` with the existing times as stops (see [`SurvivalData::counting`]).
    ///
    /// # Errors
    /// * [`Error::DimensionMismatch`] if there is not one start per observation.
    /// * [`Error::NonFinite`] for a start that is NaN or infinite.
    /// * [`Error::StartNotBeforeStop`] for a row with `start >= stop`.
    pub fn with_start(mut self, start: Vec<f64>) -> Result<Self> {
        self.check_len("start", start.len())?;
        check_finite("start time", &start)?;
        if let Some(i) = start
            .iter()
            .zip(&self.time)
            .position(|(a, b)| a.partial_cmp(b) != Some(std::cmp::Ordering::Less))
        {
            return Err(Error::StartNotBeforeStop {
                row: i + 1,
                start: start[i],
                stop: self.time[i],
            });
        }
        self.start = Some(start);
        Ok(self)
    }

    /// Adds case weights (R's `weights =`: replication weights; a weight of 2 counts the row
    /// twice).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`], or [`Error::InvalidWeight`] for a weight that is not a
    /// finite number `> 0`, or [`Error::WeightOutOfRange`] for a weight below 2.2e-308, [`Error::NumericalRange`] for
    /// weights whose sum overflows.
    pub fn with_weights(mut self, weights: Vec<f64>) -> Result<Self> {
        self.check_len("weights", weights.len())?;
        if let Some(i) = weights.iter().position(|w| !(w.is_finite() && *w > 0.0)) {
            return Err(Error::InvalidWeight {
                row: i + 1,
                value: weights[i],
            });
        }
        crate::numeric::check_weights(&weights)?;
        self.weights = Some(weights);
        Ok(self)
    }

    /// Adds strata from any labels, one per observation, coded by the crate's one label
    /// coder ([`Levels`](crate::Levels): numeric labels in numeric order, text labels in
    /// byte order, as R's factor levels); the labels are available from
    /// [`SurvivalData::strata_labels`].
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if there is not one label per observation.
    pub fn with_strata<T: Ord + ToString>(mut self, labels: &[T]) -> Result<Self> {
        self.check_len("strata", labels.len())?;
        let (labels, codes) = crate::Levels::new(labels).into_parts();
        self.strata_labels = labels;
        self.strata = Some(codes);
        Ok(self)
    }

    /// Adds cluster labels, one per observation (R's `cluster()`): rows of one cluster (e.g.
    /// the several rows of one patient in counting-process data) are correlated, and the
    /// robust variance of [`CoxPh`](crate::CoxPh) sums their influence first; clusters
    /// switch the robust variance on unless it is set off
    /// ([`CoxPh::variance`](crate::CoxPh::variance)). Coded by the crate's label coder
    /// ([`Levels`](crate::Levels)); the labels are available from
    /// [`SurvivalData::cluster_labels`].
    ///
    /// ```
    /// use oncostat::SurvivalData;
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let s = SurvivalData::from_status(vec![5.0, 8.0, 12.0], &[1.0, 0.0, 1.0])?
    ///     .with_clusters(&["p2", "p1", "p2"])?;
    /// assert_eq!(s.clusters(), Some(&[1, 0, 1][..]));
    /// assert_eq!(s.n_clusters(), 2);
    /// assert!(s.clone().with_clusters(&[1, 2]).is_err());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if there is not one label per observation.
    pub fn with_clusters<T: Ord + ToString>(mut self, labels: &[T]) -> Result<Self> {
        self.check_len("cluster labels", labels.len())?;
        let (labels, codes) = crate::Levels::new(labels).into_parts();
        self.cluster_labels = labels;
        self.clusters = Some(codes);
        Ok(self)
    }

    /// Adds strata already coded by the crate's label coder ([`Levels`](crate::Levels)),
    /// one code per observation; the levels' labels become [`SurvivalData::strata_labels`].
    ///
    /// ```
    /// use oncostat::{Levels, SurvivalData};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let s = SurvivalData::from_status(vec![5.0, 8.0, 12.0], &[1.0, 0.0, 1.0])?
    ///     .with_strata_levels(Levels::new(&["b", "a", "b"]))?;
    /// assert_eq!(s.strata(), Some(&[1, 0, 1][..]));
    /// assert_eq!(s.strata_labels(), ["a", "b"]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if there is not one code per observation.
    pub fn with_strata_levels(mut self, levels: crate::Levels) -> Result<Self> {
        self.check_len("strata", levels.len())?;
        let (labels, codes) = levels.into_parts();
        self.strata_labels = labels;
        self.strata = Some(codes);
        Ok(self)
    }

    /// Adds offsets (R's `offset()`): known terms added to the linear predictor.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] or [`Error::NonFinite`].
    pub fn with_offsets(mut self, offsets: Vec<f64>) -> Result<Self> {
        self.check_len("offsets", offsets.len())?;
        check_finite("offset", &offsets)?;
        self.offsets = Some(offsets);
        Ok(self)
    }

    /// Flips every event indicator (used by the reverse Kaplan–Meier).
    pub(crate) fn flip_events(&mut self) {
        for e in &mut self.event {
            *e = !*e;
        }
    }

    fn check_len(&self, what: &str, len: usize) -> Result<()> {
        if len == self.time.len() {
            Ok(())
        } else {
            Err(Error::mismatch(what, self.time.len(), len))
        }
    }

    /// Number of observations.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// Always `false`: construction rejects empty data.
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// Start times of counting-process data `(start, stop]`, if any.
    pub fn start(&self) -> Option<&[f64]> {
        self.start.as_deref()
    }

    /// `true` for counting-process data `(start, stop]`.
    pub fn is_counting(&self) -> bool {
        self.start.is_some()
    }

    /// Survival (or censoring) times; the stop times of counting-process data.
    pub fn time(&self) -> &[f64] {
        &self.time
    }

    /// Event indicators (`true` = event).
    pub fn event(&self) -> &[bool] {
        &self.event
    }

    /// Case weights, if any.
    pub fn weights(&self) -> Option<&[f64]> {
        self.weights.as_deref()
    }

    /// Weight of observation `i` (1 without weights).
    ///
    /// # Panics
    /// If `i >= len()` and the data carry weights.
    pub fn weight(&self, i: usize) -> f64 {
        self.weights.as_ref().map_or(1.0, |w| w[i])
    }

    /// Stratum codes `0..n_strata()`, if any.
    pub fn strata(&self) -> Option<&[usize]> {
        self.strata.as_deref()
    }

    /// Labels of the strata, in code order (empty without strata).
    pub fn strata_labels(&self) -> &[String] {
        &self.strata_labels
    }

    /// Number of strata (1 without strata).
    pub fn n_strata(&self) -> usize {
        self.strata_labels.len().max(1)
    }

    /// Cluster codes `0..n_clusters()`, if any.
    pub fn clusters(&self) -> Option<&[usize]> {
        self.clusters.as_deref()
    }

    /// Labels of the clusters, in code order (empty without clusters).
    pub fn cluster_labels(&self) -> &[String] {
        &self.cluster_labels
    }

    /// Number of clusters (0 without clusters).
    pub fn n_clusters(&self) -> usize {
        self.cluster_labels.len()
    }

    /// Offsets, if any.
    pub fn offsets(&self) -> Option<&[f64]> {
        self.offsets.as_deref()
    }

    /// Number of (unweighted) events.
    pub fn n_events(&self) -> usize {
        self.event.iter().filter(|&&e| e).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_violation_names_its_row() {
        assert!(matches!(
            SurvivalData::from_status(vec![1.0, 2.0], &[1.0, 2.0]),
            Err(Error::InvalidEvent { row: 2, .. })
        ));
        assert!(matches!(
            SurvivalData::new(vec![1.0, f64::INFINITY], vec![true, false]),
            Err(Error::NonFinite { row: 2, .. })
        ));
        assert!(matches!(
            SurvivalData::new(vec![1.0, -2.0], vec![true, false]),
            Err(Error::NegativeTime { row: 2, .. })
        ));
        let s = SurvivalData::new(vec![0.0, 2.0], vec![true, false])
            .map(|s| s.with_weights(vec![1.0, 0.0]));
        assert!(matches!(s, Ok(Err(Error::InvalidWeight { row: 2, .. }))));
        assert!(matches!(
            SurvivalData::counting(vec![-1.0, 3.0], vec![2.0, 3.0], vec![true, false]),
            Err(Error::StartNotBeforeStop { row: 2, .. })
        ));
        assert!(matches!(
            SurvivalData::counting(vec![0.0, f64::NAN], vec![2.0, 3.0], vec![true, false]),
            Err(Error::NonFinite { row: 2, .. })
        ));
        assert!(SurvivalData::counting(vec![-3.0], vec![-1.0], vec![true]).is_ok());
        assert!(matches!(
            SurvivalData::new(vec![], vec![]),
            Err(Error::EmptyInput { .. })
        ));
    }
}
