//! Oncology efficacy endpoints: response rates, per-patient endpoints from RECIST 1.1 /
//! iRECIST assessments, and survival by response without guarantee-time bias.
//!
//! * [`ResponseRate`], [`FisherTest`]: objective response and disease control rates with
//!   Clopper–Pearson and Wilson intervals, and Fisher's exact test of two rates (R's
//!   `binom.test`, `prop.test(correct = FALSE)`, `fisher.test`).
//! * [`Landmark`], [`TdcSplit`]: survival by response done right — the landmark analysis and
//!   the time-dependent covariate (R's `tmerge(..., tdc())`; Mantel–Byar test and
//!   Simon–Makuch curves).
mod proportion;
mod timedep;

pub use proportion::{FisherTest, ResponseRate};
pub use timedep::{Landmark, TdcCounts, TdcSplit};
