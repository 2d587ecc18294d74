//! The fitted Kaplan–Meier curve and what R's `summary`, `quantile` and `print` report.

use std::fmt;

use super::curve::{Curve, bounds};
use super::quantile::{find_quantile, print_median};
use super::{ConfType, KmVariance};
use crate::survival::rformat::{format_column, write_matrix};
use crate::{Error, Result};

/// A survival quantile with its confidence interval (R's `quantile.survfit`); `None` where
/// the curve or band never reaches the line (R's `NA`).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SurvQuantile {
    /// The probability `p` (0.5 for the median): the time where S first reaches `1 − p`.
    pub probability: f64,
    /// Estimated quantile time.
    pub estimate: Option<f64>,
    /// Lower confidence limit (where the lower band reaches `1 − p`).
    pub lower: Option<f64>,
    /// Upper confidence limit (where the upper band reaches `1 − p`).
    pub upper: Option<f64>,
}

/// The curve at one requested time (R's `summary(fit, times = )`). Values that R reports as
/// `NA` are NaN.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SurvivalAt {
    /// The requested time.
    pub time: f64,
    /// Weighted number at risk at `time` (rows with time ≥ `time`).
    pub n_risk: f64,
    /// S(time).
    pub survival: f64,
    /// Standard error of S(time) on the S scale, as `summary.survfit` prints it
    /// (`S · se(log S)`; NaN where S = 0 under Greenwood, as R).
    pub std_error: f64,
    /// Lower pointwise confidence bound.
    pub lower: f64,
    /// Upper pointwise confidence bound.
    pub upper: f64,
}

/// Restricted mean survival time (R's `rmean`), the area under the curve up to
/// `upper_limit`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RestrictedMean {
    /// The restricted mean.
    pub estimate: f64,
    /// Its standard error (R's `se(rmean)`).
    pub std_error: f64,
    /// The truncation time.
    pub upper_limit: f64,
}

/// A fitted Kaplan–Meier curve: one entry per distinct time (event or censoring), as the
/// columns of R's `survfit` object. Built by [`KaplanMeier`](super::KaplanMeier).
///
/// Where R reports `NA`, the per-time vectors hold NaN: the log and plain bounds where
/// S = 0, the log-log bounds where S is 0 or 1. Under Greenwood, `std_err()` is `+inf` where
/// S reaches 0 (R's `Inf`).
///
/// # Examples
/// ```
/// use oncostat::{KaplanMeier, SurvivalData};
/// # fn main() -> Result<(), oncostat::Error> {
/// // R: survfit(Surv(c(1, 2, 3, 4), c(1, 1, 1, 1)) ~ 1)
/// let data = SurvivalData::from_status(vec![1.0, 2.0, 3.0, 4.0], &[1.0; 4])?;
/// let fit = KaplanMeier::new().fit(&data)?;
/// assert_eq!(fit.survival(), &[0.75, 0.5, 0.25, 0.0]);
/// // S is flat at exactly 0.5 on [2, 3): the median is the midpoint, 2.5 (as R)
/// let q = fit.quantile(0.5)?;
/// assert_eq!((q.estimate, q.lower, q.upper), (Some(2.5), Some(1.0), None));
/// // summary(fit, times = c(0.5, 2.5)): S, se(S), bounds; times after 4 are dropped
/// let at = fit.survival_at(&[2.5, 0.5, 9.0])?;
/// assert_eq!(at.len(), 2);
/// assert_eq!((at[0].time, at[0].survival, at[0].n_risk), (0.5, 1.0, 4.0));
/// assert!((at[1].std_error - 0.25).abs() < 1e-12);
/// // rmean = area under the curve up to the last time
/// assert!((fit.restricted_mean().estimate - 2.5).abs() < 1e-12);
/// // S = 0 at the last time: se(log S) is infinite and the log bounds are NA (NaN)
/// assert!(fit.std_err()[3].is_infinite() && fit.lower()[3].is_nan());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct KmFit {
    label: String,
    n: usize,
    n_events: usize,
    time: Vec<f64>,
    n_risk: Vec<f64>,
    n_event: Vec<f64>,
    n_censor: Vec<f64>,
    surv: Vec<f64>,
    std_err: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
    conf_type: ConfType,
    level: f64,
    variance: KmVariance,
}

impl KmFit {
    pub(crate) fn new(
        label: String,
        (n, n_events): (usize, usize),
        curve: Curve,
        conf_type: ConfType,
        level: f64,
        z: f64,
        variance: KmVariance,
    ) -> Self {
        let (lower, upper) = curve
            .surv
            .iter()
            .zip(&curve.std_err)
            .map(|(&s, &se)| bounds(s, se, conf_type, z))
            .unzip();
        KmFit {
            label,
            n,
            n_events,
            time: curve.time,
            n_risk: curve.n_risk,
            n_event: curve.n_event,
            n_censor: curve.n_censor,
            surv: curve.surv,
            std_err: curve.std_err,
            lower,
            upper,
            conf_type,
            level,
            variance,
        }
    }

    /// The group label (`"all"` for a pooled fit).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Number of observations (rows) in the curve (R's `n`).
    pub fn n(&self) -> usize {
        self.n
    }

    /// Number of rows with an event (unweighted).
    pub fn n_events(&self) -> usize {
        self.n_events
    }

    /// Total weighted number of events, R's `events` column of `print.survfit` (equal to
    /// [`KmFit::n_events`] without case weights).
    pub fn weighted_n_events(&self) -> f64 {
        self.n_event.iter().sum()
    }

    /// The distinct times, events and censorings (R's `time`).
    pub fn times(&self) -> &[f64] {
        &self.time
    }

    /// Weighted number at risk at each time (R's `n.risk`).
    pub fn n_risk(&self) -> &[f64] {
        &self.n_risk
    }

    /// Weighted number of events at each time (R's `n.event`).
    pub fn n_event(&self) -> &[f64] {
        &self.n_event
    }

    /// Weighted number censored at each time (R's `n.censor`).
    pub fn n_censor(&self) -> &[f64] {
        &self.n_censor
    }

    /// The Kaplan–Meier estimate S(t) at each time (R's `surv`).
    #[doc(alias = "surv")]
    pub fn survival(&self) -> &[f64] {
        &self.surv
    }

    /// Standard error of **log** S(t) at each time (R's `std.err` with Greenwood; for the
    /// jackknife variance R stores se(S) and this returns se(S)/S, 0 where se(S) = 0, the
    /// value R's intervals use). Multiply by S for the standard error of S.
    pub fn std_err(&self) -> &[f64] {
        &self.std_err
    }

    /// Lower pointwise confidence bound at each time (NaN for R's `NA`).
    pub fn lower(&self) -> &[f64] {
        &self.lower
    }

    /// Upper pointwise confidence bound at each time (NaN for R's `NA`).
    pub fn upper(&self) -> &[f64] {
        &self.upper
    }

    /// The interval type used.
    pub fn conf_type(&self) -> ConfType {
        self.conf_type
    }

    /// The confidence level used.
    pub fn level(&self) -> f64 {
        self.level
    }

    /// Which variance the standard errors use.
    pub fn variance_method(&self) -> KmVariance {
        self.variance
    }

    /// Median survival time as R reports it (`print(fit)`, `summary(fit)$table`), `None` if S
    /// never falls to 0.5. A curve flat at exactly 0.5 gives the middle of the flat stretch.
    ///
    /// This is the first time at which S ≤ 0.5 (R's `survmean`). It equals
    /// [`quantile(0.5)`](Self::quantile) except in rare cases (a curve flat at 0.5 to its
    /// end).
    pub fn median(&self) -> Option<f64> {
        self.print_medians()[0]
    }

    /// Confidence interval of the median as R prints it (`0.95LCL`, `0.95UCL` of
    /// `summary(fit)$table`): where the lower and upper bands first fall to 0.5 (`None` where
    /// they never do).
    ///
    /// Decision: the interval follows `print.survfit`, the numbers R users report, rather than
    /// `quantile.survfit`, which differs only when a band is not monotone (R's pooled `aml`
    /// curve: print 18–45, `quantile()` 18–48); [`quantile`](Self::quantile) gives the latter.
    pub fn median_ci(&self) -> (Option<f64>, Option<f64>) {
        let [_, lower, upper] = self.print_medians();
        (lower, upper)
    }

    /// The `p` quantile of the survival distribution with its confidence interval, as R's
    /// `quantile.survfit`.
    ///
    /// ```text
    /// estimate = first t with 1 − S(t) ≥ p     (midpoint of a stretch where 1 − S = p,
    /// lower    = same with the lower band        within sqrt(eps))
    /// upper    = same with the upper band
    /// ```
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] if `p` is not in [0, 1].
    pub fn quantile(&self, p: f64) -> Result<SurvQuantile> {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::InvalidParameter {
                name: "p",
                value: p,
                reason: "a probability must lie in [0, 1]",
            });
        }
        Ok(SurvQuantile {
            probability: p,
            estimate: find_quantile(&self.time, &self.surv, p),
            lower: find_quantile(&self.time, &self.lower, p),
            upper: find_quantile(&self.time, &self.upper, p),
        })
    }

    /// The curve at the requested times, as R's `summary(fit, times = times)`.
    ///
    /// The times are sorted; times after the last observed time are dropped (R's default
    /// `extend = FALSE`), so the result can be shorter than `times`, or empty. Before the
    /// first time S = 1, se = 0 and both bounds are 1 (R's `survfit0`). `n_risk` is the
    /// number at risk at the requested time itself.
    ///
    /// # Errors
    /// * [`Error::NonFinite`] if a requested time is NaN or infinite.
    pub fn survival_at(&self, times: &[f64]) -> Result<Vec<SurvivalAt>> {
        if let Some(i) = times.iter().position(|t| !t.is_finite()) {
            return Err(Error::NonFinite {
                column: "times".to_string(),
                row: i + 1,
                value: times[i],
            });
        }
        let Some(&last) = self.time.last() else {
            return Ok(Vec::new());
        };
        let mut sorted: Vec<f64> = times.iter().copied().filter(|&t| t <= last).collect();
        sorted.sort_by(f64::total_cmp);
        let starts_at_zero = self.time.first().is_some_and(|&t| t == 0.0);
        Ok(sorted
            .into_iter()
            .map(|t| {
                let upto = self.time.partition_point(|&x| x <= t);
                let at_risk = self.time.partition_point(|&x| x < t);
                let n_risk = self.n_risk.get(at_risk).copied().unwrap_or(0.0);
                let row = match upto {
                    0 if starts_at_zero => Some(0),
                    0 => None,
                    k => Some(k - 1),
                };
                match row {
                    Some(k) => SurvivalAt {
                        time: t,
                        n_risk,
                        survival: self.surv[k],
                        std_error: self.std_err_surv(k),
                        lower: self.lower[k],
                        upper: self.upper[k],
                    },
                    None => SurvivalAt {
                        time: t,
                        n_risk,
                        survival: 1.0,
                        std_error: 0.0,
                        lower: 1.0,
                        upper: 1.0,
                    },
                }
            })
            .collect())
    }

    /// se(S) at row `k` as `summary.survfit` prints it: `S · se(log S)`, which is NaN where
    /// S = 0 under Greenwood (R's `Inf · 0`) and recovers R's stored se(S) under the jackknife.
    fn std_err_surv(&self, k: usize) -> f64 {
        self.std_err[k] * self.surv[k]
    }

    /// Restricted mean survival up to this curve's largest time (R's `rmean`, `print(fit,
    /// rmean = "individual")`; for several groups R's default `"common"` uses the largest
    /// time of all curves: use [`restricted_mean_to`](Self::restricted_mean_to)).
    ///
    /// ```text
    /// rmean = ∫_0^τ S(t) dt
    /// var   = Σ_{t_k ≤ τ} A_k² · d_k / (n_k (n_k − d_k)),  A_k = ∫_{t_k}^τ S(t) dt
    /// ```
    pub fn restricted_mean(&self) -> RestrictedMean {
        let tau = self.time.last().copied().unwrap_or(0.0);
        self.rmean(tau)
    }

    /// Restricted mean survival up to `tau` (R's `rmean = tau`).
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] if `tau` is not finite or is below the first time (R
    ///   refuses a truncation point below the smallest survival time).
    pub fn restricted_mean_to(&self, tau: f64) -> Result<RestrictedMean> {
        let first = self.time.first().copied().unwrap_or(0.0);
        if !tau.is_finite() || tau < first {
            return Err(Error::InvalidParameter {
                name: "tau",
                value: tau,
                reason: "the truncation time must be finite and not below the first time",
            });
        }
        Ok(self.rmean(tau))
    }

    fn rmean(&self, tau: f64) -> RestrictedMean {
        let keep = self.time.partition_point(|&t| t <= tau);
        // Rectangles: from 0 to the first time at S = 1, then S(t_k) up to the next time,
        // the last one up to tau.
        let mut start = 0.0_f64.min(self.time.first().copied().unwrap_or(0.0));
        let mut previous_s = 1.0;
        let mut areas = Vec::with_capacity(keep + 1);
        for k in 0..keep {
            areas.push((self.time[k] - start) * previous_s);
            start = self.time[k];
            previous_s = self.surv[k];
        }
        areas.push((tau - start) * previous_s);
        let estimate: f64 = areas.iter().sum();
        // Walk back from tau: A_k = area after t_k.
        let mut after = 0.0;
        let mut variance = 0.0;
        for k in (0..keep).rev() {
            after += areas[k + 1];
            let survivors = self.n_risk[k] - self.n_event[k];
            if survivors != 0.0 {
                variance += after * after * self.n_event[k] / (self.n_risk[k] * survivors);
            }
        }
        RestrictedMean {
            estimate,
            std_error: variance.sqrt(),
            upper_limit: tau,
        }
    }

    /// The median as R's `print.survfit` computes it (`minmin` in `survmean`); equal to
    /// [`median`](Self::median) except when the curve stays at exactly 0.5 to its end.
    fn print_medians(&self) -> [Option<f64>; 3] {
        [
            print_median(&self.time, &self.surv),
            print_median(&self.time, &self.lower),
            print_median(&self.time, &self.upper),
        ]
    }
}

/// Several curves printed as one R `print.survfit` table (one row per curve, shared
/// column widths), e.g. the groups returned by
/// [`KaplanMeier::fit_groups`](super::KaplanMeier::fit_groups).
///
/// ```
/// use oncostat::{KaplanMeier, KmTable, SurvivalData};
/// # fn main() -> Result<(), oncostat::Error> {
/// let data = SurvivalData::from_status(vec![1.0, 2.0, 3.0, 4.0], &[1.0, 1.0, 1.0, 0.0])?;
/// let fits = KaplanMeier::new().fit_groups(&data, &["a", "b", "a", "b"])?;
/// let printed = KmTable::new(&fits).to_string();
/// assert_eq!(printed.lines().count(), 3);
/// assert!(printed.starts_with("  n events median"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct KmTable<'a> {
    fits: &'a [KmFit],
}

impl<'a> KmTable<'a> {
    /// A table of `fits`, in the given order.
    pub fn new(fits: &'a [KmFit]) -> Self {
        KmTable { fits }
    }
}

impl fmt::Display for KmTable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let refs: Vec<&KmFit> = self.fits.iter().collect();
        write_print_table(f, &refs)
    }
}

/// R's `print.survfit` table for one or more curves.
fn write_print_table(f: &mut fmt::Formatter<'_>, fits: &[&KmFit]) -> fmt::Result {
    let Some(first) = fits.first() else {
        return Ok(());
    };
    let level = crate::survival::rformat::format_signif(first.level, 7);
    let records: Vec<f64> = fits.iter().map(|k| k.n as f64).collect();
    let n_start: Vec<f64> = fits
        .iter()
        .map(|k| k.n_risk.first().copied().unwrap_or(0.0))
        .collect();
    let events: Vec<f64> = fits.iter().map(|k| k.weighted_n_events()).collect();
    let medians: Vec<[Option<f64>; 3]> = fits.iter().map(|k| k.print_medians()).collect();
    let med = |j: usize| -> Vec<f64> { medians.iter().map(|m| m[j].unwrap_or(f64::NAN)).collect() };
    let lcl = format!("{level}LCL");
    let ucl = format!("{level}UCL");
    let mut headers: Vec<&str> = Vec::new();
    let mut columns: Vec<Vec<String>> = Vec::new();
    let same = records
        .iter()
        .zip(&n_start)
        .all(|(a, b)| (a - b).abs() <= 0.0);
    if !same {
        headers.push("records");
        columns.push(format_column(&records, 3));
    }
    headers.extend(["n", "events", "median", lcl.as_str(), ucl.as_str()]);
    columns.push(format_column(&n_start, 3));
    columns.push(format_column(&events, 3));
    for j in 0..3 {
        columns.push(format_column(&med(j), 3));
    }
    let names: Vec<String> = fits.iter().map(|k| k.label.clone()).collect();
    write_matrix(f, &names, &headers, &columns)
}

/// R's `print.survfit` line: `n events median 0.95LCL 0.95UCL` (3 significant digits),
/// with a `records` column first when weighted `n` differs from the number of rows. The
/// median here follows `print.survfit`, which differs from [`KmFit::median`] only when
/// the curve stays at exactly 0.5 until its last time.
impl fmt::Display for KmFit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_print_table(f, &[self])
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // exact values: counts, times and S = 1
mod tests {
    use crate::{KaplanMeier, SurvivalData};

    #[test]
    fn display_is_r_print_line() {
        let data = SurvivalData::from_status(
            vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
            &[1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0],
        )
        .unwrap();
        let fit = KaplanMeier::new().fit(&data).unwrap();
        assert_eq!(
            fit.to_string(),
            "    n events median 0.95LCL 0.95UCL\nall 8      6      5       3      NA\n"
        );
    }

    #[test]
    fn survival_at_before_first_and_after_last() {
        let data = SurvivalData::from_status(vec![2.0, 4.0, 6.0], &[1.0, 0.0, 1.0]).unwrap();
        let fit = KaplanMeier::new().fit(&data).unwrap();
        let at = fit.survival_at(&[7.0, 4.0, 1.0]).unwrap();
        assert_eq!(at.len(), 2);
        assert_eq!(at[0].time, 1.0);
        assert_eq!(at[0].survival, 1.0);
        assert_eq!(at[0].n_risk, 3.0);
        assert_eq!(at[1].n_risk, 2.0);
        assert!(fit.survival_at(&[f64::NAN]).is_err());
    }
}
