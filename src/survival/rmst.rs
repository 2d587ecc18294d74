//! Restricted mean survival time (RMST) per group and between two groups, and the
//! milestone survival difference.

use std::fmt;

use crate::stats::{normal_two_sided_p, z_for_level};
use crate::survival::km::KaplanMeier;
use crate::survival::rformat::{format_column, format_signif, write_matrix};
use crate::{Error, Result, SurvivalCurve, SurvivalData};

/// RMST settings: the area under each group's Kaplan–Meier curve up to `tau`, as R's
/// `print(survfit(Surv(t, e) ~ g), rmean = tau)`, and for two groups the difference and
/// ratio as `survRM2::rmst2` forms them.
///
/// ```text
/// RMST = Σ Δt · S(previous)  over the curve points ≤ τ, from min(0, first time), plus τ
/// var  = Σ_{t_i ≤ τ} A_i² d_i / (n_i (n_i − d_i)),  A_i = ∫_{t_i}^τ S   (0 when n_i = d_i)
/// CI   = RMST ∓ z·se,  z = qnorm(1 − (1 − level)/2)
/// difference (second − first group):  se = √(se₁² + se₂²),  p = 2Φ(−|d/se|)
/// ratio (second / first):  log-scale se = √(se₁²/RMST₁² + se₂²/RMST₂²),
///                          CI = exp(log r ∓ z·se),  p = 2Φ(−|log r|/se)
/// ```
///
/// A `tau` past a group's last time carries that group's last S flat to `tau`, as survival
/// does (it adds area but no variance); the group is flagged
/// ([`RmstGroup::extended`]) and [`RmstComparison::warnings`] says so. (survRM2 refuses such a
/// `tau`; survival accepts it: the crate follows survival and warns.) Decision: the variance is
/// survival's Greenwood-type formula above (survRM2's `rmst1` uses the same one).
///
/// # Examples
/// ```
/// use oncostat::{Rmst, SurvivalData};
/// # fn main() -> Result<(), oncostat::Error> {
/// let data = SurvivalData::from_status(
///     vec![2.0, 4.0, 6.0, 8.0, 3.0, 5.0, 9.0, 12.0],
///     &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0],
/// )?;
/// let arm = ["a", "a", "a", "a", "b", "b", "b", "b"];
/// let r = Rmst::new(10.0).compare(&data, &arm)?;
/// // group a: S = 1 on [0,2), 3/4 on [2,4), 1/2 on [4,8), 0 after 8
/// assert!((r.groups()[0].estimate - (2.0 + 1.5 + 2.0)).abs() < 1e-12);
/// assert!(r.groups()[0].extended); // a's last time is 8 < 10
/// assert_eq!(r.warnings().len(), 1);
/// let d = r.difference().expect("two groups");
/// assert!((d.estimate - (r.groups()[1].estimate - r.groups()[0].estimate)).abs() < 1e-12);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Rmst {
    tau: f64,
    level: f64,
}

/// One group's RMST.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RmstGroup {
    /// Group label.
    pub group: String,
    /// Number of rows.
    pub n: usize,
    /// The restricted mean up to tau.
    pub estimate: f64,
    /// Its standard error.
    pub std_error: f64,
    /// Lower confidence bound.
    pub lower: f64,
    /// Upper confidence bound.
    pub upper: f64,
    /// The group's last observed time.
    pub last_time: f64,
    /// `true` when tau is past the last time and the curve was extended flat.
    pub extended: bool,
}

/// A difference or ratio between two groups with its confidence interval and p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Contrast {
    /// The estimate (second group vs first).
    pub estimate: f64,
    /// Its standard error (on the log scale for a ratio).
    pub std_error: f64,
    /// Lower confidence bound.
    pub lower: f64,
    /// Upper confidence bound.
    pub upper: f64,
    /// Two-sided p-value of no difference (ratio 1).
    pub p_value: f64,
}

/// The result of [`Rmst::compare`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RmstComparison {
    tau: f64,
    level: f64,
    groups: Vec<RmstGroup>,
    difference: Option<Contrast>,
    ratio: Option<Contrast>,
    warnings: Vec<String>,
}

impl Rmst {
    /// RMST up to `tau`, level 0.95.
    pub fn new(tau: f64) -> Self {
        Rmst { tau, level: 0.95 }
    }

    /// Confidence level (default 0.95).
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }

    /// RMST of every group (one label per row of `data`, sorted order) and, for exactly two
    /// groups, the difference and ratio of the second to the first.
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] if `tau` is not finite or is `<= 0`, or the level is not
    ///   in (0, 1).
    /// * [`Error::OutsideFollowUp`] if `tau` is below a group's first time (R: "Truncation
    ///   point < smallest survival").
    /// * As [`KaplanMeier::fit_groups`].
    pub fn compare<T: Ord + ToString>(
        &self,
        data: &SurvivalData,
        groups: &[T],
    ) -> Result<RmstComparison> {
        let fits = KaplanMeier::new().fit_groups(data, groups)?;
        self.from_fits(&fits)
    }

    /// As [`compare`](Self::compare) for curves already fitted (Greenwood variance).
    ///
    /// # Errors
    /// As [`compare`](Self::compare).
    pub fn from_fits(&self, fits: &[SurvivalCurve]) -> Result<RmstComparison> {
        if !(self.tau.is_finite() && self.tau > 0.0) {
            return Err(Error::InvalidParameter {
                name: "tau",
                value: self.tau,
                reason: "the truncation time must be a finite number > 0",
            });
        }
        let z = z_for_level(self.level)?;
        let mut out = Vec::with_capacity(fits.len());
        let mut warnings = Vec::new();
        for fit in fits {
            let first = fit.times().first().copied().unwrap_or(0.0);
            let last = fit.times().last().copied().unwrap_or(0.0);
            if self.tau < first {
                return Err(Error::OutsideFollowUp {
                    what: "tau",
                    value: self.tau,
                    group: fit.label().to_string(),
                    reason: "it is below the group's first time",
                });
            }
            let rm = fit.restricted_mean_to(self.tau)?;
            let extended = self.tau > last;
            if extended {
                warnings.push(format!(
                    "tau = {} is past the last follow-up time of group {} ({}): its curve is extended flat to tau",
                    format_signif(self.tau, 7),
                    fit.label(),
                    format_signif(last, 7)
                ));
            }
            out.push(RmstGroup {
                group: fit.label().to_string(),
                n: fit.n(),
                estimate: rm.estimate,
                std_error: rm.std_error,
                lower: rm.estimate - z * rm.std_error,
                upper: rm.estimate + z * rm.std_error,
                last_time: last,
                extended,
            });
        }
        let (difference, ratio) = if out.len() == 2 {
            let (a, b) = (&out[0], &out[1]);
            let d = b.estimate - a.estimate;
            let se = a.std_error.hypot(b.std_error);
            let difference = Contrast {
                estimate: d,
                std_error: se,
                lower: d - z * se,
                upper: d + z * se,
                p_value: normal_two_sided_p(d / se),
            };
            let r = b.estimate / a.estimate;
            let sl =
                ((a.std_error / a.estimate).powi(2) + (b.std_error / b.estimate).powi(2)).sqrt();
            let ratio = Contrast {
                estimate: r,
                std_error: sl,
                lower: (r.ln() - z * sl).exp(),
                upper: (r.ln() + z * sl).exp(),
                p_value: normal_two_sided_p(r.ln() / sl),
            };
            (Some(difference), Some(ratio))
        } else {
            (None, None)
        };
        Ok(RmstComparison {
            tau: self.tau,
            level: self.level,
            groups: out,
            difference,
            ratio,
            warnings,
        })
    }
}

impl RmstComparison {
    /// The truncation time.
    pub fn tau(&self) -> f64 {
        self.tau
    }

    /// One entry per group, in sorted label order.
    pub fn groups(&self) -> &[RmstGroup] {
        &self.groups
    }

    /// Second group minus first (two groups only).
    pub fn difference(&self) -> Option<&Contrast> {
        self.difference.as_ref()
    }

    /// Second group over first, its `std_error` on the log scale (two groups only).
    pub fn ratio(&self) -> Option<&Contrast> {
        self.ratio.as_ref()
    }

    /// Warnings (a tau past a group's last time).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The confidence level.
    pub fn level(&self) -> f64 {
        self.level
    }
}

/// R's `print.survfit(rmean = tau)` columns (3 significant digits), then the difference and
/// ratio lines in survRM2's `print.rmst2` spirit, then any warnings.
impl fmt::Display for RmstComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self.groups.iter().map(|g| g.group.clone()).collect();
        let col = |v: fn(&RmstGroup) -> f64| -> Vec<String> {
            format_column(&self.groups.iter().map(v).collect::<Vec<f64>>(), 3)
        };
        let lvl = format_signif(self.level, 7);
        let (lo, hi) = (format!("{lvl}LCL"), format!("{lvl}UCL"));
        write_matrix(
            f,
            &names,
            &["n", "rmean*", "se(rmean)", lo.as_str(), hi.as_str()],
            &[
                col(|g| g.n as f64),
                col(|g| g.estimate),
                col(|g| g.std_error),
                col(|g| g.lower),
                col(|g| g.upper),
            ],
        )?;
        writeln!(
            f,
            "    * restricted mean with upper limit =  {}",
            format_signif(self.tau, 7)
        )?;
        if let (Some(d), Some(r)) = (&self.difference, &self.ratio) {
            let (a, b) = (&self.groups[0].group, &self.groups[1].group);
            writeln!(f)?;
            let rows = vec![format!("RMST ({b})-({a})"), format!("RMST ({b})/({a})")];
            let est = [d.estimate, r.estimate];
            let lower = [d.lower, r.lower];
            let upper = [d.upper, r.upper];
            let p = [d.p_value, r.p_value];
            write_matrix(
                f,
                &rows,
                &["Est.", "lower .95", "upper .95", "p"],
                &[
                    format_column(&est, 3),
                    format_column(&lower, 3),
                    format_column(&upper, 3),
                    format_column(&p, 3),
                ],
            )?;
        }
        for w in &self.warnings {
            writeln!(f, "Warning: {w}")?;
        }
        Ok(())
    }
}

/// The milestone survival difference: S₂(t) − S₁(t) at a time `t` from each group's
/// Kaplan–Meier curve (R's `summary(fit, times = t)`, Greenwood `std.err` of S), with
/// `se = √(se₁² + se₂²)`, a Wald CI and `p = 2Φ(−|d/se|)`.
///
/// # Examples
/// ```
/// use oncostat::{SurvivalData, milestone_difference};
/// # fn main() -> Result<(), oncostat::Error> {
/// let data = SurvivalData::from_status(
///     vec![2.0, 4.0, 6.0, 8.0, 3.0, 5.0, 9.0, 12.0],
///     &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0],
/// )?;
/// let m = milestone_difference(&data, &["a", "a", "a", "a", "b", "b", "b", "b"], 5.0, 0.95)?;
/// assert!((m.survival[0] - 0.5).abs() < 1e-12 && (m.survival[1] - 0.75).abs() < 1e-12);
/// assert!((m.difference.estimate - 0.25).abs() < 1e-12);
/// # Ok(()) }
/// ```
///
/// # Errors
/// * [`Error::NotTwoGroups`] unless there are exactly two groups.
/// * [`Error::OutsideFollowUp`] if `t` is past a group's last time (R's `summary` drops it).
/// * [`Error::NonFinite`] / [`Error::InvalidParameter`] for a bad `t` or level.
pub fn milestone_difference<T: Ord + ToString>(
    data: &SurvivalData,
    groups: &[T],
    t: f64,
    level: f64,
) -> Result<Milestone> {
    let z = z_for_level(level)?;
    let fits = KaplanMeier::new().fit_groups(data, groups)?;
    if fits.len() != 2 {
        return Err(Error::NotTwoGroups { found: fits.len() });
    }
    let mut survival = [0.0; 2];
    let mut se = [0.0; 2];
    for (k, fit) in fits.iter().enumerate() {
        let at = fit.survival_at(&[t])?;
        let Some(a) = at.first() else {
            return Err(Error::OutsideFollowUp {
                what: "milestone time",
                value: t,
                group: fit.label().to_string(),
                reason: "it is past the group's last time",
            });
        };
        survival[k] = a.survival;
        se[k] = a.std_error;
    }
    let d = survival[1] - survival[0];
    let sd = (se[0] * se[0] + se[1] * se[1]).sqrt();
    Ok(Milestone {
        time: t,
        groups: fits.iter().map(|f| f.label().to_string()).collect(),
        survival,
        std_error: se,
        difference: Contrast {
            estimate: d,
            std_error: sd,
            lower: d - z * sd,
            upper: d + z * sd,
            p_value: normal_two_sided_p(d / sd),
        },
    })
}

/// The result of [`milestone_difference`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Milestone {
    /// The milestone time.
    pub time: f64,
    /// The two group labels, sorted.
    pub groups: Vec<String>,
    /// S(t) of each group.
    pub survival: [f64; 2],
    /// Greenwood standard error of S(t) of each group.
    pub std_error: [f64; 2],
    /// S₂(t) − S₁(t).
    pub difference: Contrast,
}
