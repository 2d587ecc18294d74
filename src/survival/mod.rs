//! Survival analysis as R's `survival` package: Cox proportional hazards (`coxph`),
//! Kaplan–Meier (`survfit`) and log-rank / G-rho tests (`survdiff`).

mod data;

pub use data::SurvivalData;
