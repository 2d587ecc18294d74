//! The Aalen–Johansen cumulative incidence with the infinitesimal-jackknife standard error,
//! as R's `survfit(Surv(time, factor(status)) ~ group)` (survival 3.5-3, `survfitCI`).
#![allow(clippy::needless_range_loop)] // index loops mirror the formulas (and crstm's Fortran)

use std::fmt;

use crate::stats::z_for_level;
use crate::survival::rformat::{format_column, write_matrix};
use crate::survival::risk_set::{Entry, code_groups, run_end, sort_rows};
use crate::{CompetingRisksData, Error, Result};

/// Aalen–Johansen estimator settings (R's `survfit` with a factor status).
///
/// At each distinct time with `n` at risk, `d_k` failures of cause k and `d = Σ d_k`:
///
/// ```text
/// F_k(t) = F_k(t−) + S(t−) d_k/n          S(t) = S(t−) (1 − d/n)
/// ```
///
/// The standard error is survival's **infinitesimal jackknife**, `var F_k(t) = Σ_i IJ_i²`:
///
/// ```text
/// IJ_i(dΛ_k)   = (dN_ik − Y_i d_k/n) / n
/// IJ_i(F_k(t)) = IJ_i(F_k(t−)) + IJ_i(S(t−)) d_k/n + S(t−) IJ_i(dΛ_k)
/// IJ_i(S(t))   = IJ_i(S(t−)) (1 − d/n) − S(t−) Σ_k IJ_i(dΛ_k)
/// ```
///
/// It is computed in O(n·K) for K causes, not O(n²): every row still at risk shares one
/// influence path (α for S, β_k for F_k); a row that leaves at time e with influence
/// `(u, c_k)` has, later, `IJ(S(t)) = u·S(t)/S(e)` and
/// `IJ(F_k(t)) = c_k + (u/S(e))(F_k(t) − F_k(e))`, a linear function of `F_k(t)`, so the
/// departed rows enter the variance through three running sums per cause.
/// (This is *not* cmprsk's `cuminc` variance, a different, delta-method estimator that
/// agrees only asymptotically.)
///
/// Pointwise intervals are R's default `conf.type = "log"`:
/// `exp(log F ∓ z·se/F)`, the upper bound capped at 1, none where F = 0 (se 0 there).
/// Events at t come before censorings at t; times within `sqrt(eps)` are merged first (R's
/// `timefix`).
///
/// # Examples
/// ```
/// use oncostat::{AalenJohansen, CompetingRisksData};
/// # fn main() -> Result<(), oncostat::Error> {
/// // algorithms-2.md's toy data; R: summary(survfit(Surv(time, factor(status)) ~ 1), times = 7)
/// let cr = CompetingRisksData::new(
///     vec![1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0, 6.0, 7.0, 8.0],
///     &[1.0, 2.0, 0.0, 1.0, 0.0, 1.0, 2.0, 0.0, 1.0, 0.0],
/// )?;
/// let fit = AalenJohansen::new().fit(&cr)?;
/// let s = fit.summary(&[7.0])?;
/// let row = &s.rows()[0];
/// assert!((row.cif[0] - 0.5428571).abs() < 1e-7);
/// assert!((row.std_error[0] - 0.19778843).abs() < 1e-8);
/// // every cause plus "no event yet" sums to 1
/// assert!((row.cif.iter().sum::<f64>() + row.event_free - 1.0).abs() < 1e-12);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AalenJohansen {
    level: f64,
    timefix: bool,
}

impl Default for AalenJohansen {
    fn default() -> Self {
        AalenJohansen {
            level: 0.95,
            timefix: true,
        }
    }
}

/// A fitted Aalen–Johansen curve of one group: every cause's cumulative incidence at each
/// distinct time (events or censorings), as the columns of R's `survfit` object.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CifFit {
    label: String,
    n: usize,
    causes: Vec<u32>,
    time: Vec<f64>,
    n_risk: Vec<f64>,
    n_event: Vec<f64>,
    event_free: Vec<f64>,
    /// `cif[k][j]`: cause k at time j.
    cif: Vec<Vec<f64>>,
    std_err: Vec<Vec<f64>>,
    level: f64,
    z: f64,
}

/// One row of [`CifSummary`]: the curves at a requested time.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CifPoint {
    /// The requested time.
    pub time: f64,
    /// Number at risk at the requested time.
    pub n_risk: f64,
    /// Number of failures (any cause) after the previous requested time, up to this one.
    pub n_event: f64,
    /// Probability of no failure yet (R's `Pr((s0))`, the Kaplan–Meier of any event).
    pub event_free: f64,
    /// Cumulative incidence of each cause, in [`CifSummary::causes`] order.
    pub cif: Vec<f64>,
    /// Its IJ standard error.
    pub std_error: Vec<f64>,
    /// Lower log-scale bound (`None` where the CIF is 0).
    pub lower: Vec<Option<f64>>,
    /// Upper log-scale bound, capped at 1 (`None` where the CIF is 0).
    pub upper: Vec<Option<f64>>,
}

/// The curves of one group at requested times (R's `summary(fit, times = )`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CifSummary {
    label: String,
    n: usize,
    causes: Vec<u32>,
    rows: Vec<CifPoint>,
}

impl AalenJohansen {
    /// Settings with R's defaults: level 0.95, log intervals, timefix on.
    pub fn new() -> Self {
        Self::default()
    }

    /// Confidence level (default 0.95).
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

    /// One curve over all rows, labelled `"all"`.
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] if the level is not in (0, 1).
    /// * [`Error::NoEvents`] if no row fails.
    pub fn fit(&self, data: &CompetingRisksData) -> Result<CifFit> {
        let mut fits = self.fit_coded(data, None, vec!["all".to_string()])?;
        Ok(fits.remove(0))
    }

    /// One curve per group, in the groups' sorted order (the crate's label coder: numbers
    /// numerically, text in C-locale byte order). Every group reports every cause that
    /// occurs in `data` (0 where it does not occur in that group).
    ///
    /// # Errors
    /// As [`fit`](Self::fit), and [`Error::DimensionMismatch`] if `groups` does not have one
    /// label per row.
    pub fn fit_groups<T: Ord + ToString>(
        &self,
        data: &CompetingRisksData,
        groups: &[T],
    ) -> Result<Vec<CifFit>> {
        let coded = code_groups(groups, data.len())?;
        self.fit_coded(data, Some(&coded.codes), coded.labels)
    }

    fn fit_coded(
        &self,
        data: &CompetingRisksData,
        codes: Option<&[usize]>,
        labels: Vec<String>,
    ) -> Result<Vec<CifFit>> {
        let z = z_for_level(self.level)?;
        if data.n_events() == 0 {
            return Err(Error::NoEvents {
                what: "the cumulative incidence".to_string(),
            });
        }
        let tags = data.cause_tags();
        let event: &[bool] = data.any_event().event();
        let keys = codes.map(|c| (c, labels.len()));
        let sorted = sort_rows(data.time(), event, keys, Some(&tags), self.timefix);
        let k = data.causes().len();
        Ok(sorted
            .ranges
            .iter()
            .zip(labels)
            .map(|(range, label)| {
                let mut fit = aalen_johansen(&sorted.entries[range.clone()], k);
                fit.label = label;
                fit.causes = data.causes().to_vec();
                fit.level = self.level;
                fit.z = z;
                fit
            })
            .collect())
    }
}

/// The single pass over one group's time-sorted entries (tag 0 = censored, 1 + cause index).
fn aalen_johansen(entries: &[Entry], k: usize) -> CifFit {
    let mut fit = CifFit {
        label: String::new(),
        n: entries.len(),
        causes: Vec::new(),
        time: Vec::new(),
        n_risk: Vec::new(),
        n_event: Vec::new(),
        event_free: Vec::new(),
        cif: vec![Vec::new(); k],
        std_err: vec![Vec::new(); k],
        level: 0.95,
        z: 0.0,
    };
    let mut n = entries.len() as f64;
    let mut s = 1.0;
    let mut f = vec![0.0; k];
    // influence of a row still at risk: alpha on S, beta[c] on F_c
    let mut alpha = 0.0;
    let mut beta = vec![0.0; k];
    // departed rows: Σ v², Σ m_c v, Σ m_c² with IJ(F_c(t)) = m_c + v F_c(t)
    let mut sum_vv = 0.0;
    let mut sum_mv = vec![0.0; k];
    let mut sum_mm = vec![0.0; k];
    let mut d = vec![0.0; k];
    let mut c = vec![0.0; k];
    let mut start = 0;
    while start < entries.len() {
        let end = run_end(entries, start);
        d.fill(0.0);
        let mut censored = 0.0;
        for e in &entries[start..end] {
            match e.tag() {
                0 => censored += 1.0,
                cause => d[cause - 1] += 1.0,
            }
        }
        let dsum: f64 = d.iter().sum();
        let s_prev = s;
        let hsum = dsum / n;
        let alpha_prev = alpha;
        alpha = alpha_prev * (1.0 - hsum) + s_prev * hsum / n;
        for j in 0..k {
            let h = d[j] / n;
            f[j] += s_prev * h;
            beta[j] += alpha_prev * h - s_prev * h / n;
        }
        s = if dsum >= n {
            0.0
        } else {
            s_prev * (1.0 - hsum)
        };
        // departures: censored rows carry (alpha, beta); a failure of cause q carries
        // (alpha − S(t−)/n, beta + S(t−)/n on q)
        let mut depart = |count: f64, failed: Option<usize>| {
            if count == 0.0 {
                return;
            }
            let jump = s_prev / n;
            let u = if failed.is_some() {
                alpha - jump
            } else {
                alpha
            };
            let v = if s > 0.0 { u / s } else { 0.0 };
            sum_vv += count * v * v;
            for j in 0..k {
                c[j] = beta[j] + if failed == Some(j) { jump } else { 0.0 };
                let m = c[j] - v * f[j];
                sum_mv[j] += count * m * v;
                sum_mm[j] += count * m * m;
            }
        };
        depart(censored, None);
        for q in 0..k {
            depart(d[q], Some(q));
        }
        let remaining = n - (end - start) as f64;
        fit.time.push(entries[start].time);
        fit.n_risk.push(n);
        fit.n_event.push(dsum);
        fit.event_free.push(s);
        for j in 0..k {
            let var = remaining * beta[j] * beta[j]
                + sum_mm[j]
                + 2.0 * f[j] * sum_mv[j]
                + f[j] * f[j] * sum_vv;
            fit.cif[j].push(f[j]);
            fit.std_err[j].push(var.max(0.0).sqrt());
        }
        n = remaining;
        start = end;
    }
    fit
}

/// Log-scale bounds `exp(log p ∓ z·se/p)`, upper capped at 1 (the curves' one transform,
/// with se(log p) = se/p); none where p = 0.
fn log_bounds(p: f64, se: f64, z: f64) -> (Option<f64>, Option<f64>) {
    if p <= 0.0 {
        return (None, None);
    }
    let (lower, upper) = crate::survival::curve::conf_bound(
        p,
        p.ln(),
        se / p,
        crate::survival::km::ConfType::Log,
        z,
    );
    (Some(lower), Some(upper))
}

impl CifFit {
    /// The group label (`"all"` for a pooled fit).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Number of rows in the group (R's `n`).
    pub fn n(&self) -> usize {
        self.n
    }

    /// The causes, in increasing order (the order of [`cif`](Self::cif)).
    pub fn causes(&self) -> &[u32] {
        &self.causes
    }

    /// The distinct times (events and censorings).
    pub fn times(&self) -> &[f64] {
        &self.time
    }

    /// Number at risk at each time.
    pub fn n_risk(&self) -> &[f64] {
        &self.n_risk
    }

    /// Number of failures (any cause) at each time.
    pub fn n_event(&self) -> &[f64] {
        &self.n_event
    }

    /// Probability of no failure yet at each time (the Kaplan–Meier of any event, R's
    /// `(s0)` state).
    pub fn event_free(&self) -> &[f64] {
        &self.event_free
    }

    /// The cumulative incidence of the `k`-th cause (index into [`causes`](Self::causes))
    /// at each time; `None` for an index out of range.
    pub fn cif(&self, k: usize) -> Option<&[f64]> {
        self.cif.get(k).map(Vec::as_slice)
    }

    /// The IJ standard error of [`cif`](Self::cif)`(k)` at each time.
    pub fn std_err(&self, k: usize) -> Option<&[f64]> {
        self.std_err.get(k).map(Vec::as_slice)
    }

    /// The confidence level.
    pub fn level(&self) -> f64 {
        self.level
    }

    /// The curves at the requested times, as R's `summary(fit, times = times)`: sorted,
    /// the last curve time `<= t` is reported, times after the group's last time are left
    /// out (R's `extend = FALSE`); before the first time every CIF is 0 with se 0.
    ///
    /// # Errors
    /// [`Error::NonFinite`] if a requested time is NaN or infinite.
    pub fn summary(&self, times: &[f64]) -> Result<CifSummary> {
        if let Some(i) = times.iter().position(|t| !t.is_finite()) {
            return Err(Error::NonFinite {
                column: "times".to_string(),
                row: i + 1,
                value: times[i],
            });
        }
        let last = self.time.last().copied().unwrap_or(f64::NEG_INFINITY);
        let mut sorted: Vec<f64> = times.iter().copied().filter(|&t| t <= last).collect();
        sorted.sort_by(f64::total_cmp);
        let k = self.causes.len();
        let mut rows = Vec::with_capacity(sorted.len());
        let mut previous = 0usize; // curve rows already counted in n_event
        for t in sorted {
            let upto = self.time.partition_point(|&x| x <= t);
            let at_risk = self.time.partition_point(|&x| x < t);
            let n_risk = self.n_risk.get(at_risk).copied().unwrap_or(0.0);
            let n_event: f64 = self.n_event[previous.min(upto)..upto].iter().sum();
            previous = previous.max(upto);
            let mut point = CifPoint {
                time: t,
                n_risk,
                n_event,
                event_free: 1.0,
                cif: vec![0.0; k],
                std_error: vec![0.0; k],
                lower: vec![None; k],
                upper: vec![None; k],
            };
            if let Some(j) = upto.checked_sub(1) {
                point.event_free = self.event_free[j];
                for c in 0..k {
                    let (p, se) = (self.cif[c][j], self.std_err[c][j]);
                    let (lo, hi) = log_bounds(p, se, self.z);
                    point.cif[c] = p;
                    point.std_error[c] = if p > 0.0 { se } else { 0.0 };
                    point.lower[c] = lo;
                    point.upper[c] = hi;
                }
            }
            rows.push(point);
        }
        Ok(CifSummary {
            label: self.label.clone(),
            n: self.n,
            causes: self.causes.clone(),
            rows,
        })
    }
}

impl CifSummary {
    /// The group label.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Number of rows in the group.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The causes, in the order of each row's vectors.
    pub fn causes(&self) -> &[u32] {
        &self.causes
    }

    /// One row per requested time kept.
    pub fn rows(&self) -> &[CifPoint] {
        &self.rows
    }
}

/// R's `print(summary(survfit(...), times = ))` block for one group (4 significant digits),
/// with each cause's standard error beside its probability:
///
/// ```text
///                 1
///  time n.risk n.event Pr((s0)) Pr(1) se(1) Pr(2) se(2)
///     2      4       2      0.6   0.2 0.179   0.2 0.179
/// ```
impl fmt::Display for CifSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "                {} ", self.label)?;
        let col = |g: &dyn Fn(&CifPoint) -> f64| -> Vec<String> {
            format_column(&self.rows.iter().map(g).collect::<Vec<f64>>(), 4)
        };
        let mut headers: Vec<String> = ["time", "n.risk", "n.event", "Pr((s0))"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut columns = vec![
            col(&|r| r.time),
            col(&|r| r.n_risk),
            col(&|r| r.n_event),
            col(&|r| r.event_free),
        ];
        for (c, cause) in self.causes.iter().enumerate() {
            headers.push(format!("Pr({cause})"));
            headers.push(format!("se({cause})"));
            columns.push(col(&|r| r.cif[c]));
            columns.push(col(&|r| r.std_error[c]));
        }
        // R prints no row names: the time column leads
        let names = vec![String::new(); self.rows.len()];
        let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
        write_matrix(f, &names, &header_refs, &columns)
    }
}
