//! Median follow-up by the reverse Kaplan–Meier method (R's
//! `survfit(Surv(time, 1 - status) ~ g)`).

use crate::survival::km::KaplanMeier;
use crate::{Error, Result, SurvivalCurve, SurvivalData};

/// The median follow-up of one group with its confidence interval.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FollowUp {
    /// Group label (`"all"` without groups).
    pub group: String,
    /// Number of rows.
    pub n: usize,
    /// Median follow-up (`None` if the reverse curve never falls to 0.5).
    pub median: Option<f64>,
    /// Lower confidence bound (`None` if never reached).
    pub lower: Option<f64>,
    /// Upper confidence bound (`None` if never reached, R's `NA`).
    pub upper: Option<f64>,
}

impl SurvivalData {
    /// The same data with the event indicator flipped (censoring becomes the event), for the
    /// reverse Kaplan–Meier estimate of the follow-up distribution.
    ///
    /// A censoring at t (now the event) then counts before a death at t (now censored), as
    /// R's `Surv(time, 1 - status)`.
    ///
    /// # Errors
    /// [`Error::CountingProcessNotSupported`] for `(start, stop]` data.
    pub fn reverse_censoring(&self) -> Result<SurvivalData> {
        if self.is_counting() {
            return Err(Error::CountingProcessNotSupported {
                what: "the reverse Kaplan-Meier estimate",
                hint: "use right-censored (time, status) data",
            });
        }
        let mut reversed = self.clone();
        reversed.flip_events();
        Ok(reversed)
    }
}

/// The median follow-up per group by the reverse Kaplan–Meier method, R's
/// `print(survfit(Surv(time, 1 - status) ~ g))`: the reverse curve is an ordinary
/// Kaplan–Meier fit (Greenwood variance, log CI, level 0.95) of the flipped indicator, and the
/// median and its bounds follow `print.survfit` ([`SurvivalCurve::median`], [`SurvivalCurve::median_ci`]:
/// the first time the curve, resp. its upper and lower band, is at or below 0.5, the midpoint
/// of a flat stretch at exactly 0.5).
///
/// `groups`: one label per row, reported in sorted order; `None` gives one group `"all"`.
///
/// # Examples
/// ```
/// use oncostat::{SurvivalData, median_follow_up};
/// # fn main() -> Result<(), oncostat::Error> {
/// let data = SurvivalData::from_status(
///     vec![3.0, 5.0, 7.0, 9.0, 11.0, 13.0],
///     &[1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
/// )?;
/// let fu = median_follow_up(&data, None::<&[&str]>)?;
/// // censorings at 5, 7, 11, 13 are the "events": the reverse KM falls below 0.5 at 11
/// assert_eq!(fu[0].median, Some(11.0));
/// # Ok(()) }
/// ```
///
/// # Errors
/// As [`KaplanMeier::fit_groups`], and [`Error::CountingProcessNotSupported`] for
/// `(start, stop]` data.
pub fn median_follow_up<T: Ord + ToString>(
    data: &SurvivalData,
    groups: Option<&[T]>,
) -> Result<Vec<FollowUp>> {
    let reversed = data.reverse_censoring()?;
    let km = KaplanMeier::new();
    let fits: Vec<SurvivalCurve> = match groups {
        Some(g) => km.fit_groups(&reversed, g)?,
        None => vec![km.fit(&reversed)?],
    };
    Ok(fits
        .iter()
        .map(|fit| {
            let (lower, upper) = fit.median_ci();
            FollowUp {
                group: fit.label().to_string(),
                n: fit.n(),
                median: fit.median(),
                lower,
                upper,
            }
        })
        .collect())
}
