//! Survival analysis as R's `survival` package: Cox proportional hazards (`coxph`),
//! Kaplan–Meier (`survfit`) and log-rank / G-rho tests (`survdiff`); Firth-penalized Cox
//! regression as R's `coxphf`.

pub mod cox;
mod data;
pub mod firth_cox;
mod groups;
mod km;
mod logrank;
mod rformat;
#[allow(dead_code)] // used by the estimators as they land
pub(crate) mod timefix;

pub use cox::{BaselineHazard, CoxResiduals, CoxSurvivalCurve, ResidualKind, ZphTransform};
pub use cox::{Concordance, CoxFit, CoxPh, CoxZph, Ties, ZphTerm, concordance};
pub use data::SurvivalData;
pub use firth_cox::{FirthCoxFit, FirthCoxPh};
pub use km::{
    ConfType, KaplanMeier, KmFit, KmTable, KmVariance, RestrictedMean, SurvQuantile, SurvivalAt,
};
pub use logrank::{LogRank, LogRankTest};
