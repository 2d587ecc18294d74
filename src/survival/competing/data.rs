//! Competing-risks data: times and a status that is 0 (censored) or the cause of failure.

use crate::{Error, Result, SurvivalData};

/// Right-censored competing-risks data, R's `Surv(time, factor(status))` / cmprsk's
/// `(ftime, fstatus)` with `cencode = 0`.
///
/// The status of each row is `0` (censored) or the cause of failure, a positive whole
/// number `1, 2, …`. Times are validated as in [`SurvivalData::new`] (finite, `>= 0`).
///
/// ```
/// use oncostat::CompetingRisksData;
/// # fn main() -> Result<(), oncostat::Error> {
/// let cr = CompetingRisksData::new(vec![3.0, 5.0, 7.0, 9.0], &[1.0, 0.0, 2.0, 2.0])?;
/// assert_eq!(cr.causes(), [1, 2]);
/// assert_eq!(cr.n_events(), 3);
/// assert!(CompetingRisksData::new(vec![1.0], &[1.5]).is_err());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CompetingRisksData {
    any: SurvivalData,
    cause: Vec<u32>,
    causes: Vec<u32>,
}

impl CompetingRisksData {
    /// Competing-risks data from times and a numeric status (0 = censored, k = cause k).
    ///
    /// # Errors
    /// * As [`SurvivalData::new`] for the times (empty, mismatched lengths, non-finite or
    ///   negative).
    /// * [`Error::InvalidCause`] for a status that is not 0 or a positive whole number.
    pub fn new(time: Vec<f64>, status: &[f64]) -> Result<Self> {
        let mut cause = Vec::with_capacity(status.len());
        for (i, &s) in status.iter().enumerate() {
            if !(s.is_finite() && s >= 0.0 && s.fract() == 0.0 && s <= f64::from(u32::MAX)) {
                return Err(Error::InvalidCause {
                    row: i + 1,
                    value: s,
                });
            }
            cause.push(s as u32);
        }
        let event = cause.iter().map(|&c| c != 0).collect();
        let any = SurvivalData::new(time, event)?;
        let mut causes: Vec<u32> = cause.iter().copied().filter(|&c| c != 0).collect();
        causes.sort_unstable();
        causes.dedup();
        Ok(CompetingRisksData { any, cause, causes })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.cause.len()
    }

    /// Always `false`: construction rejects empty data.
    pub fn is_empty(&self) -> bool {
        self.cause.is_empty()
    }

    /// The times.
    pub fn time(&self) -> &[f64] {
        self.any.time()
    }

    /// The status of each row: 0 censored, else the cause.
    pub fn status(&self) -> &[u32] {
        &self.cause
    }

    /// The causes that occur, in increasing order.
    pub fn causes(&self) -> &[u32] {
        &self.causes
    }

    /// Number of failures of any cause.
    pub fn n_events(&self) -> usize {
        self.any.n_events()
    }

    /// The data with the event "failure from any cause" (for the Kaplan–Meier of any event,
    /// `1 − Σ_k CIF_k`).
    pub fn any_event(&self) -> &SurvivalData {
        &self.any
    }

    /// The cause-specific data of `cause`: an event for that cause, every other cause
    /// censored (R's `Surv(time, status == cause)`), for a cause-specific Cox model.
    ///
    /// # Errors
    /// [`Error::CauseNotObserved`] if `cause` never occurs.
    pub fn cause_specific(&self, cause: u32) -> Result<SurvivalData> {
        self.check_cause(cause)?;
        let event = self.cause.iter().map(|&c| c == cause).collect();
        SurvivalData::new(self.time().to_vec(), event)
    }

    pub(crate) fn check_cause(&self, cause: u32) -> Result<()> {
        if self.causes.binary_search(&cause).is_ok() {
            Ok(())
        } else {
            Err(Error::CauseNotObserved {
                cause,
                observed: self.causes.clone(),
            })
        }
    }

    /// The tag of each row for the sorted passes: 0 censored, else 1 + the cause's index in
    /// [`causes`](Self::causes).
    pub(crate) fn cause_tags(&self) -> Vec<usize> {
        self.cause
            .iter()
            .map(|&c| {
                if c == 0 {
                    0
                } else {
                    1 + self.causes.binary_search(&c).unwrap_or(0)
                }
            })
            .collect()
    }
}
