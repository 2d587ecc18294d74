//! Oncology efficacy endpoints: response rates, per-patient endpoints from RECIST 1.1 /
//! iRECIST assessments, and survival by response without guarantee-time bias.
//!
//! * [`ResponseRate`], [`FisherTest`]: objective response and disease control rates with
//!   Clopper–Pearson and Wilson intervals, and Fisher's exact test of two rates (R's
//!   `binom.test`, `prop.test(correct = FALSE)`, `fisher.test`).
//! * [`Landmark`], [`TdcSplit`]: survival by response done right — the landmark analysis and
//!   the time-dependent covariate (R's `tmerge(..., tdc())`; Mantel–Byar test and
//!   Simon–Makuch curves).
//! * [`PatientEndpoints`]: best overall response, progression-free survival with the FDA
//!   censoring conventions (and the reason of each censoring), duration of and time to
//!   response, % change of the target sum, from an iRECIST / RECIST 1.1
//!   [`Assessment`](crate::irecist::Assessment) and the patient's dates; every convention is a
//!   field of [`EndpointRules`].
//! * [`EndpointSummary`]: ORR and DCR per group with both intervals and Fisher's test,
//!   Kaplan–Meier of PFS and duration of response; [`PlotData`]: waterfall, spider and
//!   swimmer rows.
//!
//! # Survival by response: the naive comparison is biased
//! Splitting patients into responders and non-responders and comparing their survival from
//! the start of treatment (a Kaplan–Meier or log-rank test by best response) is biased in
//! favour of the responders: to be classified a responder a patient must survive, without
//! progression, until the response is seen, so the responder group is guaranteed that
//! event-free time (guarantee-time, or immortal-time, bias). With no true effect of response
//! the naive log-rank test rejects far more often than its nominal level. Use instead
//! * a landmark analysis ([`Landmark`]): fix the groups by the response reached by a landmark
//!   time `L`, keep only the patients still followed after `L` and count time from `L`; or
//! * a time-dependent covariate ([`TdcSplit`]): the patient counts as a non-responder until
//!   the response and as a responder afterwards (Cox model; its score test is the
//!   Mantel–Byar test; Simon–Makuch curves).
mod patient;
mod proportion;
mod summary;
mod timedep;

pub use crate::irecist::Criteria;
pub use patient::{
    EndpointRules, MissedAssessments, PatientDates, PatientEndpoints, PfsReason, TimeToEvent,
    UnconfirmedProgression, VisitChange,
};
pub use proportion::{FisherTest, ResponseRate};
pub use summary::{EndpointSummary, GroupEndpoints, PlotData, SpiderRow, SwimmerRow, WaterfallRow};
pub use timedep::{Landmark, TdcCounts, TdcSplit};
