//! Survival analysis as R's `survival` package: Cox proportional hazards (`coxph`),
//! Kaplan–Meier (`survfit`) and log-rank / G-rho tests (`survdiff`); Firth-penalized Cox
//! regression as R's `coxphf`; parametric accelerated failure time models as R's `survreg`
//! ([`survreg`]).

pub mod competing;
pub mod cox;
mod curve;
mod data;
pub mod firth_cox;
mod followup;
mod km;
mod logrank;
mod maxcombo;
pub(crate) mod rformat;
pub(crate) mod risk_set;
mod rmst;
pub(crate) mod run_table;
pub mod survreg;
#[allow(dead_code)] // used by the estimators as they land
pub(crate) mod timefix;

pub use competing::{
    AalenJohansen, CifFit, CifPoint, CifSummary, CompetingRisksData, FineGray, FineGrayFit,
    GrayCause, GrayTest, GrayTests,
};
pub use cox::{BaselineHazard, Centering, CoxResiduals, ResidualKind, ZphTransform};
pub use cox::{
    Concordance, CoxFit, CoxPh, CoxVariance, CoxZph, Ties, ZphTerm, concordance,
    concordance_threads,
};
pub use data::SurvivalData;
pub(crate) use data::status_event;
pub use firth_cox::{FirthCoxFit, FirthCoxPh};
pub use followup::{FollowUp, median_follow_up};
pub use km::{
    ConfType, CurveVariance, KaplanMeier, KmTable, RestrictedMean, SurvQuantile, SurvivalAt,
    SurvivalCurve,
};
pub use logrank::{LogRank, LogRankTest};

/// A number as R's `as.character` writes it (15 significant digits, fixed unless scientific
/// is shorter: `1e+05`, `0.1`, `123456`), the label of a numeric factor level.
pub(crate) fn format_r_number(x: f64) -> String {
    rformat::format_signif(x, 15)
}
pub use maxcombo::{FhTest, MAXCOMBO_WEIGHTS, MaxCombo, MaxComboTest, fh_name};
pub use rmst::{Contrast, Milestone, Rmst, RmstComparison, RmstGroup, milestone_difference};
pub use survreg::{SurvReg, SurvRegDist, SurvRegFit};
pub use timefix::Timefix;
