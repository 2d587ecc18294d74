//! Survival analysis as R's `survival` package: Cox proportional hazards (`coxph`),
//! Kaplan–Meier (`survfit`) and log-rank / G-rho tests (`survdiff`).

pub mod cox;
mod data;
mod groups;
mod km;
mod logrank;
mod rformat;
#[allow(dead_code)] // used by the estimators as they land
pub(crate) mod timefix;

pub use cox::{Concordance, CoxFit, CoxPh, Ties};
pub use data::SurvivalData;
pub use km::{
    ConfType, KaplanMeier, KmFit, KmTable, KmVariance, RestrictedMean, SurvQuantile, SurvivalAt,
};
pub use logrank::{LogRank, LogRankTest};
