//! Kaplan–Meier estimation as R's `survfit(Surv(time, status) ~ group)` (survival 3.5-3),
//! and with delayed entry as `survfit(Surv(start, stop, status) ~ group)`: for
//! counting-process data ([`SurvivalData::counting`]) a row is at risk at t iff
//! `start < t <= stop`, `timefix` treats start and stop times as one set (Greenwood variance;
//! fractional weights are refused with delayed entry).

pub(crate) mod curve;
pub(crate) mod quantile;

pub use crate::survival::curve::{
    KmTable, RestrictedMean, SurvQuantile, SurvivalAt, SurvivalCurve,
};

use std::borrow::Cow;

use crate::stats::z_for_level;
use crate::survival::risk_set::code_groups;
use crate::survival::run_table::{RunTable, TableRows};
use crate::survival::timefix::timefix_intervals;
use crate::{Result, SurvivalData};
use curve::{km_curve, normalise_weights};

/// How pointwise confidence intervals of S(t) are formed (R's `conf.type`).
///
/// ```text
/// Log     exp(log S ± z·se)                          upper capped at 1; S = 0 → NA
/// LogLog  exp(−exp(log(−log S) ∓ z·se / log S))      S = 0 or 1 → NA
/// Plain   S ± z·se·S                                 clipped to [0, 1]
/// ```
/// with `se` the standard error of log S. R's default is `Log` (lifelines and
/// scikit-survival default to log-log).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum ConfType {
    /// `conf.type = "log"` (R's default).
    #[default]
    Log,
    /// `conf.type = "log-log"`.
    #[doc(alias = "log-log")]
    LogLog,
    /// `conf.type = "plain"` (linear).
    Plain,
}

crate::settings::setting_names!(ConfType, "confidence interval type", {
    Log => "log",
    LogLog => "log-log" | "loglog",
    Plain => "plain",
});

/// Which variance a curve's standard errors use ([`SurvivalCurve::variance_method`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum CurveVariance {
    /// Kaplan–Meier: Greenwood's formula on log S: `Σ d / (n (n − d))` (R's default).
    Greenwood,
    /// Kaplan–Meier: the infinitesimal-jackknife (robust) variance `Σ_i (w_i ∂S/∂w_i)²`,
    /// which R's `survfit` switches to when any case weight is not an integer.
    #[doc(alias = "robust")]
    InfinitesimalJackknife,
    /// Cox-predicted curve: Tsiatis' variance of `H(t)` with the uncertainty of β̂ (R's
    /// `survfit.coxph`).
    Tsiatis,
}

crate::settings::setting_names!(CurveVariance, "survival-curve variance", {
    Greenwood => "greenwood",
    InfinitesimalJackknife => "ij" | "robust" | "infinitesimal jackknife",
    Tsiatis => "tsiatis",
});

/// Kaplan–Meier estimator settings (R's `survfit`).
///
/// ```text
/// n_k = Σ w over rows with time ≥ t_k,   d_k = Σ w over events at t_k
/// S(t) = Π_{t_k ≤ t} (1 − d_k / n_k)
/// var(log S(t)) = Σ_{t_k ≤ t} d_k / (n_k (n_k − d_k))        (Greenwood)
/// ```
/// Case weights count as replications (weight 2 = the row twice). As in R, when any weight
/// is not an integer the variance is the infinitesimal jackknife instead of Greenwood
/// ([`CurveVariance`]). Times within `sqrt(eps)` are merged first (R's `timefix`).
///
/// # Examples
/// ```
/// use oncostat::{ConfType, KaplanMeier, SurvivalData};
/// # fn main() -> Result<(), oncostat::Error> {
/// let data = SurvivalData::from_status(
///     vec![5.0, 8.0, 8.0, 12.0, 16.0, 20.0],
///     &[1.0, 1.0, 0.0, 1.0, 0.0, 1.0],
/// )?;
/// let fit = KaplanMeier::new().conf_type(ConfType::LogLog).fit(&data)?;
/// assert_eq!(fit.times(), &[5.0, 8.0, 12.0, 16.0, 20.0]);
/// assert!((fit.survival()[1] - 4.0 / 6.0).abs() < 1e-12);
/// assert_eq!(fit.median(), Some(12.0));
///
/// let arms = KaplanMeier::new().fit_groups(&data, &["a", "b", "a", "b", "a", "b"])?;
/// assert_eq!(arms[1].label(), "b");
///
/// // delayed entry: the third patient enters at day 6, so only 2 are at risk at day 5
/// let late = SurvivalData::counting(vec![0.0, 0.0, 6.0], vec![5.0, 9.0, 12.0], vec![true, false, true])?;
/// let fit = KaplanMeier::new().fit(&late)?;
/// assert_eq!(fit.n_risk(), &[2.0, 2.0, 1.0]);
/// # Ok(()) }
/// ```
///
/// # References
/// Kaplan & Meier (1958), JASA 53:457; Therneau & Grambsch (2000), *Modeling Survival
/// Data*, ch. 2.
#[derive(Debug, Clone, PartialEq)]
pub struct KaplanMeier {
    conf_type: ConfType,
    level: f64,
    timefix: bool,
}

impl Default for KaplanMeier {
    fn default() -> Self {
        KaplanMeier {
            conf_type: ConfType::Log,
            level: 0.95,
            timefix: true,
        }
    }
}

impl KaplanMeier {
    /// Settings with R's defaults: log intervals, level 0.95, timefix on.
    pub fn new() -> Self {
        Self::default()
    }

    /// Confidence interval type (default [`ConfType::Log`], as R).
    pub fn conf_type(mut self, conf_type: ConfType) -> Self {
        self.conf_type = conf_type;
        self
    }

    /// Confidence level of the pointwise and median intervals (default 0.95).
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }

    /// Whether to merge times closer than `sqrt(eps)` as R's `timefix`.
    ///
    /// [`Timefix::Merge`](crate::Timefix) is the default; [`Timefix::Exact`](crate::Timefix) compares times exactly.
    pub fn timefix(mut self, timefix: crate::Timefix) -> Self {
        self.timefix = timefix == crate::Timefix::Merge;
        self
    }

    /// Validates the settings and returns the normal quantile of the level.
    fn check(&self) -> Result<f64> {
        z_for_level(self.level)
    }

    /// One curve over all rows (strata in `data` are ignored), labelled `"all"`.
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`](crate::Error::InvalidParameter) if the level is not in
    ///   (0, 1).
    /// * [`Error::CountingProcessNotSupported`](crate::Error::CountingProcessNotSupported)
    ///   for `(start, stop]` data with fractional case weights (delayed entry is done with
    ///   the Greenwood variance only).
    /// * [`Error::StartNotBeforeStop`](crate::Error::StartNotBeforeStop) if `timefix` makes a
    ///   `(start, stop]` interval empty (as R's `aeqSurv`).
    pub fn fit(&self, data: &SurvivalData) -> Result<SurvivalCurve> {
        let mut curves = self.fit_keyed(data, None, vec!["all".to_string()])?;
        Ok(curves.remove(0))
    }

    /// One curve per group, in the groups' sorted order (R's factor order); `groups` has
    /// one label per row of `data`. Strata in `data` are ignored.
    ///
    /// # Errors
    /// * [`Error::DimensionMismatch`](crate::Error::DimensionMismatch) if `groups` does not
    ///   have one label per observation.
    /// * [`Error::InvalidParameter`](crate::Error::InvalidParameter) if the level is not in
    ///   (0, 1).
    /// * [`Error::CountingProcessNotSupported`](crate::Error::CountingProcessNotSupported)
    ///   for `(start, stop]` data with fractional case weights (delayed entry is done with
    ///   the Greenwood variance only).
    /// * [`Error::StartNotBeforeStop`](crate::Error::StartNotBeforeStop) if `timefix` makes a
    ///   `(start, stop]` interval empty (as R's `aeqSurv`).
    pub fn fit_groups<T: Ord + ToString>(
        &self,
        data: &SurvivalData,
        groups: &[T],
    ) -> Result<Vec<SurvivalCurve>> {
        let coded = code_groups(groups, data.len())?;
        let n_keys = coded.labels.len();
        self.fit_keyed(data, Some((&coded.codes, n_keys)), coded.labels)
    }

    /// One curve per key (`keys`: a code `< labels.len()` per row; `None`: one curve of all
    /// rows), from the one table of runs of equal times.
    fn fit_keyed(
        &self,
        data: &SurvivalData,
        keys: Option<(&[usize], usize)>,
        labels: Vec<String>,
    ) -> Result<Vec<SurvivalCurve>> {
        let z = self.check()?;
        let variance = variance_for(data);
        let (stop, start) = self.intervals(data, variance)?;
        let apply_timefix = self.timefix && start.is_none();
        // weights far from 1 are used times a power of two (see `km_curve`)
        let normalised = data.weights().and_then(normalise_weights);
        let weights = normalised
            .as_ref()
            .map(|(w, _)| w.as_slice())
            .or(data.weights());
        let scale = normalised.as_ref().map(|(_, c)| *c);
        let rows = TableRows {
            time: &stop,
            event: data.event(),
            weights,
            keys,
            groups: None,
        };
        let table = RunTable::new(rows, apply_timefix);
        // delayed entry: the (start, weight) of each key's rows, in one pass over the rows
        let mut entering: Vec<Option<Vec<(f64, f64)>>> = vec![None; labels.len()];
        if let Some(start) = start.as_deref() {
            entering.iter_mut().for_each(|e| *e = Some(Vec::new()));
            for (i, &s) in start.iter().enumerate() {
                let key = keys.map_or(0, |(codes, _)| codes[i]);
                if let Some(Some(list)) = entering.get_mut(key) {
                    list.push((s, weights.map_or(1.0, |w| w[i])));
                }
            }
        }
        Ok(table
            .keys()
            .zip(labels)
            .zip(entering)
            .map(|((runs, label), entering)| {
                let n_rows = (0..runs.len()).map(|r| runs.counts(r)[0][0]).sum::<f64>();
                let n_events = (0..runs.len()).map(|r| runs.counts(r)[0][1]).sum::<f64>();
                let curve = km_curve(runs, scale, variance, entering);
                SurvivalCurve::kaplan_meier(
                    label,
                    (n_rows as usize, n_events as usize),
                    curve,
                    self.conf_type,
                    (self.level, z),
                    variance,
                )
            })
            .collect())
    }

    /// Stop times and, for counting-process data, start times, after R's `timefix` over both
    /// (right-censored data keep their times; `sort_rows` applies timefix to them).
    /// The stop times are borrowed from `data` unless timefix changes them.
    #[allow(clippy::type_complexity)]
    fn intervals<'a>(
        &self,
        data: &'a SurvivalData,
        variance: CurveVariance,
    ) -> Result<(Cow<'a, [f64]>, Option<Vec<f64>>)> {
        let Some(start) = data.start() else {
            return Ok((Cow::Borrowed(data.time()), None));
        };
        if variance == CurveVariance::InfinitesimalJackknife {
            return Err(crate::Error::CountingProcessNotSupported {
                what: "the Kaplan-Meier estimate with fractional case weights",
                hint: "delayed entry is implemented with the Greenwood variance only (whole-number weights)",
            });
        }
        let fixed = if self.timefix {
            timefix_intervals(start, data.time())?
        } else {
            None
        };
        Ok(match fixed {
            Some((start, stop)) => (Cow::Owned(stop), Some(start)),
            None => (Cow::Borrowed(data.time()), Some(start.to_vec())),
        })
    }
}

/// R's choice: the robust (IJ) variance when any case weight is fractional, else Greenwood.
fn variance_for(data: &SurvivalData) -> CurveVariance {
    match data.weights() {
        Some(w) if w.iter().any(|w| w.fract() != 0.0) => CurveVariance::InfinitesimalJackknife,
        _ => CurveVariance::Greenwood,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn bad_level_and_groups_are_errors() {
        let data = SurvivalData::from_status(vec![1.0, 2.0], &[1.0, 0.0]).unwrap();
        assert!(matches!(
            KaplanMeier::new().level(1.5).fit(&data),
            Err(Error::InvalidParameter { name: "level", .. })
        ));
        assert!(matches!(
            KaplanMeier::new().fit_groups(&data, &[1]),
            Err(Error::DimensionMismatch { .. })
        ));
    }

    #[test]
    fn groups_come_in_sorted_order() {
        let data =
            SurvivalData::from_status(vec![1.0, 2.0, 3.0, 4.0], &[1.0, 0.0, 1.0, 1.0]).unwrap();
        let fits = KaplanMeier::new()
            .fit_groups(&data, &["b", "a", "b", "a"])
            .unwrap();
        assert_eq!(fits.len(), 2);
        assert_eq!(fits[0].label(), "a");
        assert_eq!(fits[0].times(), &[2.0, 4.0]);
        assert_eq!(fits[1].times(), &[1.0, 3.0]);
    }
}
