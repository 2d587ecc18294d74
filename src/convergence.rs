//! Convergence reports carried by every iterative fit.
//!
//! Non-convergence is never silent: a fit that stopped for any reason other than meeting its
//! convergence criterion is still returned (as R does, with a warning), but its
//! [`Convergence::converged`] is `false` and [`Convergence::reason`] says why. Call
//! `require_converged()` on a fit to turn that into an [`Error::NotConverged`](crate::Error).

use std::fmt;

/// Why an iterative solver stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum StopReason {
    /// The convergence criterion was met.
    Converged,
    /// The iteration limit was reached before the criterion was met.
    MaxIterations,
    /// The objective became non-finite and step-halving could not recover.
    NonFinite,
    /// The likelihood converged while at least one coefficient diverges to infinity
    /// (monotone likelihood / separation). The reported estimate is not meaningful.
    Diverging,
}

impl StopReason {
    /// A short human-readable description.
    ///
    /// ```
    /// assert_eq!(oncostat::StopReason::Converged.text(), "converged");
    /// ```
    pub fn text(self) -> &'static str {
        match self {
            StopReason::Converged => "converged",
            StopReason::MaxIterations => "ran out of iterations and did not converge",
            StopReason::NonFinite => "objective became non-finite",
            StopReason::Diverging => {
                "likelihood converged but a coefficient diverges (monotone likelihood)"
            }
        }
    }
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

/// How an iterative fit ended.
///
/// ```
/// use oncostat::{Convergence, StopReason};
/// let c = Convergence::new(4, StopReason::Converged);
/// assert!(c.converged());
/// assert_eq!(c.iterations(), 4);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Convergence {
    iterations: usize,
    reason: StopReason,
}

impl Convergence {
    /// A convergence report after `iterations` iterations that stopped for `reason`.
    pub fn new(iterations: usize, reason: StopReason) -> Self {
        Convergence { iterations, reason }
    }

    /// Number of iterations performed (R's `iter`).
    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// Why the solver stopped.
    pub fn reason(&self) -> StopReason {
        self.reason
    }

    /// `true` if the convergence criterion was met.
    pub fn converged(&self) -> bool {
        self.reason == StopReason::Converged
    }

    /// `Ok` if converged, else [`Error::NotConverged`](crate::Error::NotConverged) naming
    /// the fit (the shared body of every fit's `require_converged`).
    pub(crate) fn require(&self, what: &'static str) -> crate::Result<()> {
        if self.converged() {
            Ok(())
        } else {
            Err(crate::Error::NotConverged {
                what,
                iterations: self.iterations,
            })
        }
    }
}

impl fmt::Display for Convergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} after {} iterations", self.reason, self.iterations)
    }
}
