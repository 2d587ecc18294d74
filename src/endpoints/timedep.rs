//! Survival by a state reached during follow-up (e.g. response) without guarantee-time bias:
//! landmark subsets and time-dependent covariate splits (R's `tmerge(..., tdc())`).

use crate::survival::{CoxFit, CoxPh, KaplanMeier, LogRank, LogRankTest, SurvivalCurve};
use crate::{Design, Error, Result, SurvivalData};

/// Checks the per-patient inputs shared by [`Landmark`] and [`TdcSplit`].
fn check_inputs(time: &[f64], event: &[bool], switch: &[Option<f64>]) -> Result<()> {
    if time.is_empty() {
        return Err(Error::EmptyInput { what: "time" });
    }
    if event.len() != time.len() {
        return Err(Error::mismatch("event", time.len(), event.len()));
    }
    if switch.len() != time.len() {
        return Err(Error::mismatch("switch time", time.len(), switch.len()));
    }
    for (i, &t) in time.iter().enumerate() {
        if !t.is_finite() {
            return Err(Error::NonFinite {
                column: "time".into(),
                row: i + 1,
                value: t,
            });
        }
    }
    for (i, s) in switch.iter().enumerate() {
        if let Some(s) = *s
            && !s.is_finite()
        {
            return Err(Error::NonFinite {
                column: "switch time".into(),
                row: i + 1,
                value: s,
            });
        }
    }
    Ok(())
}

/// Appends the state column `name` to the covariates (rows already aligned).
fn design_with_state(name: &str, state: &[f64], covariates: Option<&Design>) -> Result<Design> {
    let mut columns = vec![(name.to_string(), state.to_vec())];
    if let Some(x) = covariates {
        if x.nrows() != state.len() {
            return Err(Error::mismatch("covariate rows", state.len(), x.nrows()));
        }
        for (j, n) in x.names().iter().enumerate() {
            columns.push((n.clone(), x.matrix().column(j).iter().copied().collect()));
        }
    }
    Design::from_columns(columns)
}

/// A landmark analysis at time `L`: the patients still under follow-up after `L`, with time
/// counted from `L` and grouped by whether their switch (e.g. response) happened by `L`.
///
/// ```text
/// keep      time > L                      (strict)
/// time      time − L
/// group     1 if switch <= L, else 0      (a missing switch is 0 and is kept)
/// n_excluded = rows with time <= L
/// ```
///
/// **Why.** Comparing survival of responders and non-responders from time 0 is biased in
/// favour of responders (guarantee-time, or immortal-time, bias): a patient must live long
/// enough to respond, so the responder group is credited with the event-free time before its
/// response. The landmark analysis fixes the groups at `L` and looks only forward from `L`;
/// a time-dependent covariate ([`TdcSplit`]) uses all the follow-up instead.
///
/// # Examples
/// ```
/// use oncostat::endpoints::Landmark;
/// use oncostat::KaplanMeier;
/// # fn main() -> Result<(), oncostat::Error> {
/// let time = [30.0, 200.0, 150.0, 90.0, 400.0];
/// let event = [true, true, false, true, false];
/// let response = [None, Some(56.0), Some(112.0), None, Some(84.0)];
/// let lm = Landmark::new(100.0, &time, &event, &response)?;
/// assert_eq!(lm.rows(), &[1, 2, 4]);        // the patients at risk after day 100
/// assert_eq!(lm.group(), &[1.0, 0.0, 1.0]);  // responded by day 100?
/// assert_eq!(lm.data().time(), &[100.0, 50.0, 300.0]);
/// assert_eq!(lm.n_excluded(), 2);
/// let curves = lm.kaplan_meier(&KaplanMeier::new())?;
/// assert_eq!(curves.len(), 2);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Landmark {
    time: f64,
    rows: Vec<usize>,
    group: Vec<f64>,
    data: SurvivalData,
    n_excluded: usize,
}

impl Landmark {
    /// The landmark subset at `at` of patients with follow-up `time`, `event` and the time
    /// of the switch (`None`: never).
    ///
    /// # Errors
    /// * [`Error::EmptyInput`] / [`Error::DimensionMismatch`] for empty or unequal inputs.
    /// * [`Error::NonFinite`] naming the row for a time or switch time that is not finite.
    /// * [`Error::InvalidParameter`] if `at` is not finite or no patient is followed beyond it.
    pub fn new(at: f64, time: &[f64], event: &[bool], switch: &[Option<f64>]) -> Result<Self> {
        check_inputs(time, event, switch)?;
        if !at.is_finite() {
            return Err(Error::InvalidParameter {
                name: "landmark",
                value: at,
                reason: "the landmark time must be a finite number",
            });
        }
        let rows: Vec<usize> = (0..time.len()).filter(|&i| time[i] > at).collect();
        if rows.is_empty() {
            return Err(Error::InvalidParameter {
                name: "landmark",
                value: at,
                reason: "no patient is still under follow-up after the landmark time",
            });
        }
        let group = rows
            .iter()
            .map(|&i| f64::from(u8::from(switch[i].is_some_and(|s| s <= at))))
            .collect();
        let data = SurvivalData::new(
            rows.iter().map(|&i| time[i] - at).collect(),
            rows.iter().map(|&i| event[i]).collect(),
        )?;
        Ok(Landmark {
            time: at,
            n_excluded: time.len() - rows.len(),
            rows,
            group,
            data,
        })
    }

    /// The landmark time `L`.
    pub fn time(&self) -> f64 {
        self.time
    }

    /// 0-based indices of the kept input rows, in input order.
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    /// Group of each kept row: 1 if the switch happened at or before `L`, else 0.
    pub fn group(&self) -> &[f64] {
        &self.group
    }

    /// Survival data of the kept rows, time counted from `L`.
    pub fn data(&self) -> &SurvivalData {
        &self.data
    }

    /// Number of kept rows.
    pub fn n_kept(&self) -> usize {
        self.rows.len()
    }

    /// Number of rows with `time <= L` (not at risk after the landmark).
    pub fn n_excluded(&self) -> usize {
        self.n_excluded
    }

    /// The kept rows of any per-patient column (e.g. a covariate or a label).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if `column` does not have one entry per input row.
    pub fn subset<T: Clone>(&self, column: &[T]) -> Result<Vec<T>> {
        let n = self.rows.len() + self.n_excluded;
        if column.len() != n {
            return Err(Error::mismatch("landmark column", n, column.len()));
        }
        Ok(self.rows.iter().map(|&i| column[i].clone()).collect())
    }

    fn labels(&self) -> Vec<u8> {
        self.group.iter().map(|&g| u8::from(g > 0.0)).collect()
    }

    /// Kaplan–Meier curves from `L` by landmark group (group `0` first; only groups present).
    ///
    /// # Errors
    /// As [`KaplanMeier::fit_groups`].
    pub fn kaplan_meier(&self, km: &KaplanMeier) -> Result<Vec<SurvivalCurve>> {
        km.fit_groups(&self.data, &self.labels())
    }

    /// Log-rank test of the landmark groups.
    ///
    /// # Errors
    /// As [`LogRank::test`] (e.g. [`Error::TooFewGroups`] if every kept patient is in one group).
    pub fn log_rank(&self, test: &LogRank) -> Result<LogRankTest> {
        test.test(&self.data, &self.labels())
    }

    /// Cox model from `L` with the group as a covariate named `name` (first), followed by
    /// `covariates` given for **all** input rows (the kept rows are selected here).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if `covariates` does not have one row per input row; as
    /// [`CoxPh::fit`] otherwise.
    pub fn cox(&self, name: &str, covariates: Option<&Design>, cox: &CoxPh) -> Result<CoxFit> {
        let kept = match covariates {
            Some(x) => {
                let n = self.rows.len() + self.n_excluded;
                if x.nrows() != n {
                    return Err(Error::mismatch("covariate rows", n, x.nrows()));
                }
                Some(x.select_rows(&self.rows)?)
            }
            None => None,
        };
        let x = design_with_state(name, &self.group, kept.as_ref())?;
        cox.fit(&self.data, &x)
    }
}

/// How the switch times of a [`TdcSplit`] fell relative to each patient's follow-up (R's
/// `attr(, "tcount")` of `tmerge` for the `tdc` variable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TdcCounts {
    /// Switch before time 0: state 1 on the whole row.
    pub early: usize,
    /// Switch at time 0: state 1 on the whole row.
    pub leading: usize,
    /// Switch inside the follow-up: the row is split.
    pub within: usize,
    /// Switch at the last follow-up time: no split, state 0.
    pub trailing: usize,
    /// Switch after the last follow-up time: no split, state 0.
    pub late: usize,
    /// No switch (missing): state 0 (R does not count these).
    pub missing: usize,
}

/// A time-dependent 0/1 covariate that switches on during follow-up: each patient's
/// `(0, time]` row split at the switch time, as R's
/// `tmerge(d, d, id = id, death = event(time, status), X = tdc(switch))`.
///
/// | switch `t` | result |
/// |---|---|
/// | missing | one row `(0, time]`, X = 0 |
/// | `t < 0` (early), `t = 0` (leading) | one row, X = 1 |
/// | `0 < t < time` (within) | `(0, t]` with X = 0 and no event, `(t, time]` with X = 1 and the event |
/// | `t = time` (trailing), `t > time` (late) | one row, X = 0 |
///
/// A Cox model on the rows ([`cox`](Self::cox)) compares the hazard while in state 1 with
/// state 0 at the same time since entry; its score test with X alone is the **Mantel–Byar
/// test**. The **Simon–Makuch** curves ([`simon_makuch`](Self::simon_makuch)) are the
/// Kaplan–Meier estimates of the split rows by current state (delayed entry at the switch).
/// Unlike grouping patients by whether they *ever* switched, neither credits the time before
/// the switch to the switched group (no guarantee-time bias).
///
/// # Examples
/// ```
/// use oncostat::endpoints::TdcSplit;
/// use oncostat::CoxPh;
/// # fn main() -> Result<(), oncostat::Error> {
/// let time = [10.0, 20.0, 15.0, 30.0];
/// let event = [true, false, true, true];
/// let switch = [None, Some(0.0), Some(5.0), Some(30.0)];
/// let split = TdcSplit::new(&time, &event, &switch)?;
/// assert_eq!(split.start(), &[0.0, 0.0, 0.0, 5.0, 0.0]);
/// assert_eq!(split.stop(), &[10.0, 20.0, 5.0, 15.0, 30.0]);
/// assert_eq!(split.state(), &[0.0, 1.0, 0.0, 1.0, 0.0]);
/// assert_eq!(split.patient(), &[0, 1, 2, 2, 3]);
/// let fit = split.cox("response", None, &CoxPh::new())?;
/// assert_eq!(fit.n(), 5); // rows, as R's fit$n
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TdcSplit {
    patient: Vec<usize>,
    start: Vec<f64>,
    stop: Vec<f64>,
    event: Vec<bool>,
    state: Vec<f64>,
    counts: TdcCounts,
    n_patients: usize,
}

impl TdcSplit {
    /// Splits each patient's follow-up `(0, time[i]]` at `switch[i]`.
    ///
    /// # Errors
    /// * [`Error::EmptyInput`] / [`Error::DimensionMismatch`] for empty or unequal inputs.
    /// * [`Error::NonFinite`] naming the row for a time or switch that is not finite.
    /// * [`Error::StartNotBeforeStop`] naming the row for a follow-up time `<= 0` (R's
    ///   `tmerge` needs `0 < time`; give a zero-day follow-up a small positive time).
    pub fn new(time: &[f64], event: &[bool], switch: &[Option<f64>]) -> Result<Self> {
        check_inputs(time, event, switch)?;
        let n = time.len();
        let mut out = TdcSplit {
            patient: Vec::with_capacity(n + n / 2),
            start: Vec::with_capacity(n + n / 2),
            stop: Vec::with_capacity(n + n / 2),
            event: Vec::with_capacity(n + n / 2),
            state: Vec::with_capacity(n + n / 2),
            counts: TdcCounts::default(),
            n_patients: n,
        };
        for i in 0..n {
            let t = time[i];
            if t <= 0.0 {
                return Err(Error::StartNotBeforeStop {
                    row: i + 1,
                    start: 0.0,
                    stop: t,
                });
            }
            let state = match switch[i] {
                None => {
                    out.counts.missing += 1;
                    0.0
                }
                Some(s) if s < 0.0 => {
                    out.counts.early += 1;
                    1.0
                }
                Some(s) if s <= 0.0 => {
                    out.counts.leading += 1;
                    1.0
                }
                Some(s) if s < t => {
                    out.counts.within += 1;
                    out.push(i, 0.0, s, false, 0.0);
                    out.push(i, s, t, event[i], 1.0);
                    continue;
                }
                Some(s) => {
                    if s > t {
                        out.counts.late += 1;
                    } else {
                        out.counts.trailing += 1;
                    }
                    0.0
                }
            };
            out.push(i, 0.0, t, event[i], state);
        }
        Ok(out)
    }

    fn push(&mut self, patient: usize, start: f64, stop: f64, event: bool, state: f64) {
        self.patient.push(patient);
        self.start.push(start);
        self.stop.push(stop);
        self.event.push(event);
        self.state.push(state);
    }

    /// 0-based input row (patient) of each split row.
    pub fn patient(&self) -> &[usize] {
        &self.patient
    }

    /// Start of each row's interval `(start, stop]`.
    pub fn start(&self) -> &[f64] {
        &self.start
    }

    /// End of each row's interval.
    pub fn stop(&self) -> &[f64] {
        &self.stop
    }

    /// Whether each row ends in the event.
    pub fn event(&self) -> &[bool] {
        &self.event
    }

    /// The covariate's value (0 or 1) on each row.
    pub fn state(&self) -> &[f64] {
        &self.state
    }

    /// Number of split rows.
    pub fn len(&self) -> usize {
        self.stop.len()
    }

    /// `true` if there are no rows (never: construction needs one patient).
    pub fn is_empty(&self) -> bool {
        self.stop.is_empty()
    }

    /// Where the switch times fell (R's `tcount`).
    pub fn counts(&self) -> TdcCounts {
        self.counts
    }

    /// The rows as counting-process survival data `(start, stop]`.
    ///
    /// # Errors
    /// None in practice (the rows are valid by construction).
    pub fn data(&self) -> Result<SurvivalData> {
        SurvivalData::counting(self.start.clone(), self.stop.clone(), self.event.clone())
    }

    /// A per-patient column repeated onto the split rows (a baseline covariate or a label).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if `column` does not have one entry per patient.
    pub fn expand<T: Clone>(&self, column: &[T]) -> Result<Vec<T>> {
        if column.len() != self.n_patients {
            return Err(Error::mismatch(
                "per-patient column",
                self.n_patients,
                column.len(),
            ));
        }
        Ok(self.patient.iter().map(|&i| column[i].clone()).collect())
    }

    /// Cox model on the split rows with the time-dependent covariate named `name` (first),
    /// followed by baseline `covariates` given one row per **patient** (repeated onto the
    /// split rows). With no covariates the score test is the Mantel–Byar test.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if `covariates` does not have one row per patient; as
    /// [`CoxPh::fit`] otherwise.
    pub fn cox(&self, name: &str, covariates: Option<&Design>, cox: &CoxPh) -> Result<CoxFit> {
        let expanded = match covariates {
            Some(x) => {
                if x.nrows() != self.n_patients {
                    return Err(Error::mismatch(
                        "covariate rows",
                        self.n_patients,
                        x.nrows(),
                    ));
                }
                Some(x.select_rows(&self.patient)?)
            }
            None => None,
        };
        let x = design_with_state(name, &self.state, expanded.as_ref())?;
        cox.fit(&self.data()?, &x)
    }

    /// Simon–Makuch curves: Kaplan–Meier of the split rows by current state (state `0`
    /// first; R's `survfit(Surv(tstart, tstop, death) ~ X)` on the `tmerge` rows).
    ///
    /// # Errors
    /// As [`KaplanMeier::fit_groups`].
    #[doc(alias = "Simon-Makuch")]
    pub fn simon_makuch(&self, km: &KaplanMeier) -> Result<Vec<SurvivalCurve>> {
        let labels: Vec<u8> = self.state.iter().map(|&s| u8::from(s > 0.0)).collect();
        km.fit_groups(&self.data()?, &labels)
    }
}
