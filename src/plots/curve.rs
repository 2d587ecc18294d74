//! One step curve as a figure draws it, from any of the crate's curve fits.

use crate::survival::competing::CifFit;
use crate::{Error, Result, SurvivalCurve};

/// One right-continuous step curve of a figure: the values after each time, optional
/// pointwise bounds, and the counts the risk table needs.
///
/// Built from a Kaplan–Meier fit ([`from_km`](Self::from_km); landmark and Simon–Makuch curves
/// are Kaplan–Meier fits too), a Cox-predicted curve ([`from_cox`](Self::from_cox)) or one cause
/// of a cumulative-incidence fit ([`from_cif`](Self::from_cif)).
///
/// ```
/// use oncostat::{KaplanMeier, SurvivalData};
/// use oncostat::plots::StepCurve;
/// # fn main() -> Result<(), oncostat::Error> {
/// let d = SurvivalData::from_status(vec![2.0, 4.0, 4.0, 7.0], &[1.0, 0.0, 1.0, 0.0])?;
/// let c = StepCurve::from_km(&KaplanMeier::new().fit(&d)?);
/// assert_eq!(c.step_points()[..3], [(0.0, 1.0), (2.0, 1.0), (2.0, 0.75)]);
/// assert_eq!(c.censor_marks(), vec![(4.0, 0.5), (7.0, 0.5)]);
/// assert_eq!(c.at_risk(3.0), 3.0);
/// assert_eq!(c.at_risk(8.0), 0.0);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct StepCurve {
    label: String,
    group: String,
    start: f64,
    time: Vec<f64>,
    value: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
    n_risk: Vec<f64>,
    n_event: Vec<f64>,
    n_censor: Vec<f64>,
    /// For an incidence curve, the position of its cause among the fit's causes (its line
    /// style); `None` for survival curves.
    cause: Option<usize>,
    /// For an incidence curve, its cause code (`None` for survival curves).
    cause_code: Option<u32>,
}

impl StepCurve {
    /// The survival curve `fit`, Kaplan–Meier or Cox-predicted (label: the curve's label).
    pub fn from_km(fit: &SurvivalCurve) -> Self {
        StepCurve {
            label: fit.label().to_string(),
            group: fit.label().to_string(),
            start: 1.0,
            time: fit.times().to_vec(),
            value: fit.survival().to_vec(),
            lower: fit.lower().to_vec(),
            upper: fit.upper().to_vec(),
            n_risk: fit.n_risk().to_vec(),
            n_event: fit.n_event().to_vec(),
            n_censor: fit.n_censor().to_vec(),
            cause: None,
            cause_code: None,
        }
    }

    /// A Cox-predicted survival curve (also a [`SurvivalCurve`]), labelled `label`.
    pub fn from_cox(label: &str, curve: &SurvivalCurve) -> Self {
        StepCurve {
            label: label.to_string(),
            group: label.to_string(),
            ..Self::from_km(curve)
        }
    }

    /// The cumulative incidence of `cause` in `fit`, labelled `"<group>, cause <k>"` (`"cause
    /// <k>"` for the single group `all`), with its log-scale bounds; `n_event` counts failures
    /// of any cause.
    ///
    /// # Errors
    /// [`Error::Figure`] if `cause` is not one of the fit's causes.
    pub fn from_cif(fit: &CifFit, cause: u32) -> Result<Self> {
        let Some(k) = fit.causes().iter().position(|&c| c == cause) else {
            return Err(Error::Figure {
                what: "cumulative incidence".into(),
                reason: format!("cause {cause} is not one of the causes {:?}", fit.causes()),
            });
        };
        let value = fit.cif(k).map(<[f64]>::to_vec).unwrap_or_default();
        let summary = fit.summary(fit.times())?;
        let lower = summary
            .rows()
            .iter()
            .map(|r| r.lower[k].unwrap_or(f64::NAN))
            .collect();
        let upper = summary
            .rows()
            .iter()
            .map(|r| r.upper[k].unwrap_or(f64::NAN))
            .collect();
        let n_risk = fit.n_risk().to_vec();
        let n_event = fit.n_event().to_vec();
        // right-censored data: whoever leaves the risk set without failing was censored
        let n_censor = (0..n_risk.len())
            .map(|j| {
                let next = n_risk.get(j + 1).copied().unwrap_or(0.0);
                (n_risk[j] - n_event[j] - next).max(0.0)
            })
            .collect();
        let label = if fit.label() == "all" {
            format!("cause {cause}")
        } else {
            format!("{}, cause {cause}", fit.label())
        };
        Ok(StepCurve {
            label,
            group: fit.label().to_string(),
            start: 0.0,
            time: fit.times().to_vec(),
            value,
            lower,
            upper,
            n_risk,
            n_event,
            n_censor,
            cause: Some(k),
            cause_code: Some(cause),
        })
    }

    /// The curve's label (legend and risk-table row).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The group whose patients the curve describes: the risk-table row (the label for
    /// Kaplan–Meier and Cox curves; the group of a cumulative-incidence fit, shared by its
    /// causes, whose at-risk counts are the same).
    pub fn group(&self) -> &str {
        &self.group
    }

    /// Renames the curve (and its risk-table row).
    pub fn with_label(mut self, label: &str) -> Self {
        self.label = label.to_string();
        self.group = label.to_string();
        self
    }

    /// The cause code of an incidence curve (`None` for survival curves).
    pub fn cause(&self) -> Option<u32> {
        self.cause_code
    }

    /// Names an incidence curve's cause in its label: `"<group>, <name>"` (`"<name>"` for
    /// the single group `all`), as [`CurvePlot::cause_labels`](super::CurvePlot::cause_labels)
    /// does for every curve; the risk-table row (the group) is kept. A survival curve is
    /// returned unchanged.
    pub fn with_cause_name(mut self, name: &str) -> Self {
        if self.cause_code.is_some() {
            self.label = if self.group == "all" {
                name.to_string()
            } else {
                format!("{}, {name}", self.group)
            };
        }
        self
    }

    /// The curve's times.
    pub fn times(&self) -> &[f64] {
        &self.time
    }

    /// The value after each time (S(t), or the cumulative incidence).
    pub fn values(&self) -> &[f64] {
        &self.value
    }

    /// The vertices of the drawn step function, from `(0, start)` (`start` = 1 for survival,
    /// 0 for incidence): a horizontal then a vertical segment at every time where the value
    /// changes, ending at the last time.
    pub fn step_points(&self) -> Vec<(f64, f64)> {
        let origin = self.time.first().map_or(0.0, |&t| t.min(0.0));
        let mut pts = vec![(origin, self.start)];
        let mut last = self.start;
        for (&t, &v) in self.time.iter().zip(&self.value) {
            if !v.is_finite() {
                continue;
            }
            if !close(v, last) {
                pts.push((t, last));
                pts.push((t, v));
                last = v;
            }
        }
        if let Some(&t) = self.time.last()
            && pts.last().is_some_and(|p| !close(p.0, t))
        {
            pts.push((t, last));
        }
        pts
    }

    /// The censoring marks: `(time, value)` at every time with a censoring.
    pub fn censor_marks(&self) -> Vec<(f64, f64)> {
        self.time
            .iter()
            .zip(&self.value)
            .zip(&self.n_censor)
            .filter(|(_, c)| **c > 0.0)
            .map(|((&t, &v), _)| (t, v))
            .collect()
    }

    /// The confidence band as `(time, lower, upper)` step vertices, where both bounds exist.
    pub fn band(&self) -> Vec<(f64, f64, f64)> {
        let mut out = Vec::new();
        let mut prev: Option<(f64, f64)> = if self.start > 0.5 {
            Some((1.0, 1.0))
        } else {
            None
        };
        let origin = self.time.first().map_or(0.0, |&t| t.min(0.0));
        if let Some((l, u)) = prev {
            out.push((origin, l, u));
        }
        for ((&t, &l), &u) in self.time.iter().zip(&self.lower).zip(&self.upper) {
            if let Some((pl, pu)) = prev {
                out.push((t, pl, pu));
            }
            if l.is_finite() && u.is_finite() {
                out.push((t, l, u));
                prev = Some((l, u));
            } else {
                prev = None;
            }
        }
        out
    }

    /// Number at risk at `t`: the count with time ≥ `t` (0 after the last time).
    pub fn at_risk(&self, t: f64) -> f64 {
        let j = self.time.partition_point(|&x| x < t);
        self.n_risk.get(j).copied().unwrap_or(0.0)
    }

    /// Events (any cause, for incidence curves) at times ≤ `t`.
    pub fn events_by(&self, t: f64) -> f64 {
        let j = self.time.partition_point(|&x| x <= t);
        self.n_event[..j].iter().sum()
    }

    /// Censorings at times ≤ `t`.
    pub fn censored_by(&self, t: f64) -> f64 {
        let j = self.time.partition_point(|&x| x <= t);
        self.n_censor[..j].iter().sum()
    }

    /// The median: the first time the curve reaches 0.5 or below (survival), or 0.5 or above
    /// (incidence); `None` if never.
    pub fn median(&self) -> Option<f64> {
        let tol = 1e-12;
        self.time
            .iter()
            .zip(&self.value)
            .find(|(_, v)| {
                if self.start > 0.5 {
                    **v <= 0.5 + tol
                } else {
                    **v >= 0.5 - tol
                }
            })
            .map(|(t, _)| *t)
    }

    /// The largest time of the curve (0 if empty).
    pub fn last_time(&self) -> f64 {
        self.time.last().copied().unwrap_or(0.0)
    }

    /// The position of an incidence curve's cause among its fit's causes (`None` for
    /// survival curves).
    pub(super) fn cause_index(&self) -> Option<usize> {
        self.cause
    }

    /// Whether the curve falls from 1 (survival) rather than rises from 0 (incidence).
    pub(super) fn is_survival(&self) -> bool {
        self.start > 0.5
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-14 * a.abs().max(b.abs()).max(1.0)
}
