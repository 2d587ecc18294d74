//! The survival curve, R's one `survfit` class: a Kaplan–Meier curve
//! ([`KaplanMeier`](crate::KaplanMeier)) and a Cox-predicted curve
//! ([`CoxFit::survfit`](crate::CoxFit::survfit)) are both a [`SurvivalCurve`], with what R's
//! `summary`, `quantile` and `print` report, and one pointwise confidence-interval transform
//! ([`ConfType`]) shared by every curve of the crate (Kaplan–Meier, Cox, cumulative incidence).

use std::fmt;

use crate::survival::km::curve::Curve;
use crate::survival::km::quantile::{find_quantile, print_median};
use crate::survival::km::{ConfType, CurveVariance};
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

/// A survival curve: one entry per distinct time (event or censoring), as the columns of
/// R's `survfit` object. Built by [`KaplanMeier`](crate::KaplanMeier) (a Kaplan–Meier curve
/// per group) and by [`CoxFit::survfit`](crate::CoxFit::survfit) (the curve predicted for a
/// covariate vector, per stratum; R's `survfit.coxph`, Tsiatis variance, log intervals).
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
pub struct SurvivalCurve {
    label: String,
    n: usize,
    n_events: usize,
    time: Vec<f64>,
    n_risk: Vec<f64>,
    n_event: Vec<f64>,
    n_censor: Vec<f64>,
    cumhaz: Vec<f64>,
    surv: Vec<f64>,
    std_err: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
    conf_type: ConfType,
    level: f64,
    variance: CurveVariance,
}

impl SurvivalCurve {
    /// A Kaplan–Meier curve from its columns; the cumulative hazard is R's `cumhaz`
    /// (Nelson–Aalen, `Σ n.event / n.risk`).
    pub(crate) fn kaplan_meier(
        label: String,
        (n, n_events): (usize, usize),
        curve: Curve,
        conf_type: ConfType,
        (level, z): (f64, f64),
        variance: CurveVariance,
    ) -> Self {
        let mut h = 0.0;
        let cumhaz = curve
            .n_event
            .iter()
            .zip(&curve.n_risk)
            .map(|(&d, &r)| {
                if d > 0.0 {
                    h += d / r;
                }
                h
            })
            .collect();
        let log_surv: Vec<f64> = curve.surv.iter().map(|s| s.ln()).collect();
        let (lower, upper) = conf_bounds(&curve.surv, &log_surv, &curve.std_err, conf_type, z);
        SurvivalCurve {
            label,
            n,
            n_events,
            time: curve.time,
            n_risk: curve.n_risk,
            n_event: curve.n_event,
            n_censor: curve.n_censor,
            cumhaz,
            surv: curve.surv,
            std_err: curve.std_err,
            lower,
            upper,
            conf_type,
            level,
            variance,
        }
    }

    /// A Cox-predicted curve from its columns: `S = exp(−H)`, `std_err` the standard error
    /// of `H` (of log S), log-type intervals (R's `survfit.coxph` default).
    pub(crate) fn cox(
        label: String,
        (n, n_events): (usize, usize),
        [time, n_risk, n_event, n_censor]: [Vec<f64>; 4],
        (cumhaz, std_err): (Vec<f64>, Vec<f64>),
        (level, z): (f64, f64),
    ) -> Self {
        let surv: Vec<f64> = cumhaz.iter().map(|h| (-h).exp()).collect();
        let log_surv: Vec<f64> = cumhaz.iter().map(|h| -h).collect();
        let (lower, upper) = conf_bounds(&surv, &log_surv, &std_err, ConfType::Log, z);
        SurvivalCurve {
            label,
            n,
            n_events,
            time,
            n_risk,
            n_event,
            n_censor,
            cumhaz,
            surv,
            std_err,
            lower,
            upper,
            conf_type: ConfType::Log,
            level,
            variance: CurveVariance::Tsiatis,
        }
    }

    /// The group label (R's strata name): the group of a Kaplan–Meier curve, the stratum of a
    /// Cox-predicted curve; `"all"` for a pooled curve or an unstratified Cox model.
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
    /// [`SurvivalCurve::n_events`] without case weights).
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

    /// Cumulative hazard at each time (R's `cumhaz`): Nelson–Aalen `Σ n.event / n.risk` for a
    /// Kaplan–Meier curve, `exp(x'β̂) Λ̂0(t)` for a Cox-predicted one.
    pub fn cumhaz(&self) -> &[f64] {
        &self.cumhaz
    }

    /// The estimate S(t) at each time (R's `surv`).
    #[doc(alias = "surv")]
    pub fn survival(&self) -> &[f64] {
        &self.surv
    }

    /// Standard error of **log** S(t) at each time (R's `std.err` with Greenwood and for Cox
    /// curves, where it is the se of H; for the jackknife variance R stores se(S) and this
    /// returns se(S)/S, 0 where se(S) = 0, the value R's intervals use). Multiply by S for
    /// the standard error of S.
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
    pub fn variance_method(&self) -> CurveVariance {
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
        Ok(sorted.into_iter().map(|t| self.at(t)).collect())
    }

    /// The curve at time `t` as `summary(fit, times = t, extend = TRUE)`: the last entry at
    /// or before `t` (S = 1, se 0 and both bounds 1 before the first time, R's `survfit0`);
    /// its `std_error` is on the S scale (`S · se(log S)`), its `n_risk` the number at risk
    /// at `t` itself (0 after the last time).
    pub fn at(&self, t: f64) -> SurvivalAt {
        let upto = self.time.partition_point(|&x| x <= t);
        let at_risk = self.time.partition_point(|&x| x < t);
        let n_risk = self.n_risk.get(at_risk).copied().unwrap_or(0.0);
        let starts_at_zero = self.time.first().is_some_and(|&t| t == 0.0);
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
        let origin = 0.0_f64.min(self.time.first().copied().unwrap_or(0.0));
        let mut start = origin;
        let mut previous_s = 1.0;
        let mut areas = Vec::with_capacity(keep + 1);
        for k in 0..keep {
            areas.push((self.time[k] - start) * previous_s);
            start = self.time[k];
            previous_s = self.surv[k];
        }
        areas.push((tau - start) * previous_s);
        let estimate: f64 = areas.iter().sum();
        // Walk back from tau: A_k = area after t_k. Times beyond 2^±32 (e.g. in units of
        // 1e-300 or 1e300) are squared times a power of two (exact, crate::numeric), so that
        // A_k² neither under- nor overflows; ordinary times are used as they are.
        let f = crate::numeric::range_factor(tau - origin);
        let mut after = 0.0;
        let mut variance = 0.0;
        for k in (0..keep).rev() {
            after += areas[k + 1] * f;
            let survivors = self.n_risk[k] - self.n_event[k];
            if survivors != 0.0 {
                variance += after * after * self.n_event[k] / (self.n_risk[k] * survivors);
            }
        }
        RestrictedMean {
            estimate,
            std_error: variance.sqrt() / f,
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

/// NaN-propagating `max` (R's `pmax` with `NA`).
fn na_max(a: f64, b: f64) -> f64 {
    if a.is_nan() { a } else { a.max(b) }
}

/// NaN-propagating `min` (R's `pmin` with `NA`).
fn na_min(a: f64, b: f64) -> f64 {
    if a.is_nan() { a } else { a.min(b) }
}

/// Pointwise confidence bounds of every point of a curve (see [`conf_bound`]).
pub(crate) fn conf_bounds(
    surv: &[f64],
    log_surv: &[f64],
    se: &[f64],
    conf_type: ConfType,
    z: f64,
) -> (Vec<f64>, Vec<f64>) {
    surv.iter()
        .zip(log_surv)
        .zip(se)
        .map(|((&s, &l), &e)| conf_bound(s, l, e, conf_type, z))
        .unzip()
}

/// The one pointwise confidence-interval transform of the crate (R's `survfit_confint`),
/// from S, log S (given, so that a Cox curve passes −H exactly) and se(log S); NaN where R
/// gives `NA`. Kaplan–Meier curves, Cox-predicted curves and cumulative incidences (with
/// `F` in place of S and se(log F) = se(F)/F) all use it.
///
/// ```text
/// log:      exp(log S ± z·se), upper capped at 1; S = 0 → NA
/// log-log:  exp(−exp(log(−log S) ∓ z·se/log S)); S ∈ {0, 1} → NA
/// plain:    S ± z·se·S, clipped to [0, 1]
/// ```
#[allow(clippy::float_cmp)] // R's exact tests `p == 0`, `p == 1`
pub(crate) fn conf_bound(s: f64, log_s: f64, se: f64, conf_type: ConfType, z: f64) -> (f64, f64) {
    match conf_type {
        ConfType::Log => {
            if s == 0.0 {
                return (f64::NAN, f64::NAN);
            }
            let half = z * se;
            let lower = (log_s - half).exp();
            let upper = na_min((log_s + half).exp(), 1.0);
            (lower, upper)
        }
        ConfType::LogLog => {
            if s == 0.0 || s == 1.0 {
                return (f64::NAN, f64::NAN);
            }
            let half = z * se / log_s;
            let loglog = (-log_s).ln();
            let lower = (-(loglog - half).exp()).exp();
            let upper = (-(loglog + half).exp()).exp();
            (lower, upper)
        }
        ConfType::Plain => {
            let half = se * s * z;
            (na_max(s - half, 0.0), na_min(s + half, 1.0))
        }
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
    fits: &'a [SurvivalCurve],
}

impl<'a> KmTable<'a> {
    /// A table of `fits`, in the given order.
    pub fn new(fits: &'a [SurvivalCurve]) -> Self {
        KmTable { fits }
    }
}

impl fmt::Display for KmTable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let refs: Vec<&SurvivalCurve> = self.fits.iter().collect();
        write_print_table(f, &refs)
    }
}

/// R's `print.survfit` table for one or more curves.
fn write_print_table(f: &mut fmt::Formatter<'_>, fits: &[&SurvivalCurve]) -> fmt::Result {
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
/// median here follows `print.survfit`, which differs from [`SurvivalCurve::median`] only when
/// the curve stays at exactly 0.5 until its last time.
impl fmt::Display for SurvivalCurve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_print_table(f, &[self])
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // exact values: counts, times and S = 1
mod tests {
    use super::*;
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

    #[test]
    fn bounds_edge_rules() {
        let (lo, hi) = conf_bound(0.0, f64::NEG_INFINITY, f64::INFINITY, ConfType::Log, 1.96);
        assert!(lo.is_nan() && hi.is_nan());
        let (lo, hi) = conf_bound(1.0, 0.0, 0.0, ConfType::LogLog, 1.96);
        assert!(lo.is_nan() && hi.is_nan());
        let (lo, hi) = conf_bound(0.0, f64::NEG_INFINITY, f64::INFINITY, ConfType::Plain, 1.96);
        assert!(lo.is_nan() && hi.is_nan());
        let (_, hi) = conf_bound(0.99, 0.99f64.ln(), 0.1, ConfType::Log, 1.96);
        assert_eq!(hi, 1.0);
        let (lo, _) = conf_bound(0.05, 0.05f64.ln(), 1.0, ConfType::Plain, 1.96);
        assert_eq!(lo, 0.0);
    }

    #[test]
    fn kaplan_meier_cumhaz_is_nelson_aalen() {
        // R: survfit(Surv(c(1, 2, 2, 3, 4), c(1, 1, 0, 1, 0)) ~ 1)$cumhaz = cumsum(n.event / n.risk)
        let data =
            SurvivalData::from_status(vec![1.0, 2.0, 2.0, 3.0, 4.0], &[1.0, 1.0, 0.0, 1.0, 0.0])
                .unwrap();
        let fit = KaplanMeier::new().fit(&data).unwrap();
        let expected = [0.2, 0.2 + 0.25, 0.2 + 0.25 + 0.5, 0.2 + 0.25 + 0.5];
        for (h, e) in fit.cumhaz().iter().zip(expected) {
            assert!((h - e).abs() < 1e-15, "{h} vs {e}");
        }
        assert_eq!(fit.variance_method(), CurveVariance::Greenwood);
    }

    #[test]
    fn cox_curves_are_survival_curves() {
        let data = SurvivalData::from_status(
            vec![5.0, 8.0, 12.0, 3.0, 9.0, 15.0, 7.0, 11.0],
            &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
        )
        .unwrap();
        let x = crate::Design::from_columns([(
            "age",
            vec![61.0, 55.0, 48.0, 70.0, 52.0, 45.0, 66.0, 59.0],
        )])
        .unwrap();
        let fit = crate::CoxPh::new().fit(&data, &x).unwrap();
        let curve = &fit.survfit(&[60.0], 0.95).unwrap()[0];
        assert_eq!((curve.n(), curve.n_events()), (8, 6));
        assert_eq!(curve.variance_method(), CurveVariance::Tsiatis);
        assert_eq!(curve.conf_type(), ConfType::Log);
        for (s, h) in curve.survival().iter().zip(curve.cumhaz()) {
            assert_eq!(*s, (-h).exp());
        }
        // the same print.survfit line as a Kaplan–Meier curve
        assert!(curve.to_string().starts_with("    n events median"));
    }
}
