//! Survival analysis as R's `survival` package: Cox proportional hazards (`coxph`),
//! Kaplan–Meier (`survfit`) and log-rank / G-rho tests (`survdiff`).

pub mod cox;
mod data;
#[allow(dead_code)] // used by the estimators as they land
pub(crate) mod timefix;

pub use cox::{Concordance, CoxFit, CoxPh, CoxZph, Ties, ZphTerm, concordance};
pub use data::SurvivalData;
