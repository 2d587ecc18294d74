//! Survival analysis as R's `survival` package: Cox proportional hazards (`coxph`),
//! Kaplan–Meier (`survfit`) and log-rank / G-rho tests (`survdiff`).

mod data;
#[allow(dead_code)] // used by the estimators as they land
pub(crate) mod timefix;

pub use data::SurvivalData;
