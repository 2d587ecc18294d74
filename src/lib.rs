//! # oncostat
//!
//! Statistics for oncology cohort studies, numerically identical to R:
//!
//! * **iRECIST** response classification from lesion measurements, and the abscopal
//!   classification of non-irradiated lesions ([`irecist`]);
//! * **logistic regression**, maximum likelihood and Firth-penalized, with profile
//!   (penalized) likelihood confidence intervals as R's `glm`/`MASS` and `logistf`
//!   ([`regression`]);
//! * **Cox proportional hazards**, **Kaplan–Meier** and **log-rank** tests as R's `survival`
//!   ([`survival`]);
//! * **parametric survival** (Weibull, exponential, log-normal, log-logistic AFT models) as R's
//!   `survreg`, with quantile, survival-curve and mean predictions ([`SurvReg`]).
//!
//! Every fallible function returns [`Result`]; bad input is a named [`Error`] that says which
//! column and row, never a panic. Iterative fits carry a [`Convergence`]. The
//! [`error_catalogue`] lists every error, when it happens and what to do, and the degenerate
//! inputs that give a flagged result instead (as R does).
//!
//! ## Decisions where R leaves a choice
//! Where an issue or R leaves a choice open, the crate follows R's default and documents the
//! choice on the item concerned.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod convergence;
pub mod design;
pub mod endpoints;
pub mod error;
pub mod error_catalogue;
pub mod frame;
pub mod irecist;
pub mod labels;
mod linalg;
#[cfg(feature = "plots")]
#[cfg_attr(docsrs, doc(cfg(feature = "plots")))]
pub mod plots;
mod profile;
mod quadrature;
pub mod regression;
mod settings;
mod solver;
mod stats;
pub mod survival;
pub mod table;
pub mod tolerance;

pub use convergence::{Convergence, StopReason};
pub use design::Design;
pub use error::{Error, Result};
pub use frame::{Formula, FormulaFit, ModelFrame, Table, TermTest};
pub use labels::Levels;
pub use table::{ChiSqTest, CoefRow, CoefTable, Statistic, TableStyle};

// --- survival re-exports
pub use survival::SurvivalData;
pub use survival::{
    AalenJohansen, CifFit, CifPoint, CifSummary, CompetingRisksData, FineGray, FineGrayFit,
    GrayCause, GrayTest, GrayTests,
};
pub use survival::{
    BaselineHazard, Centering, CoxResiduals, CoxSurvivalCurve, CoxZph, ResidualKind, ZphTerm,
    ZphTransform,
};
pub use survival::{Concordance, CoxFit, CoxPh, CoxVariance, Ties};
pub use survival::{
    ConfType, KaplanMeier, KmFit, KmTable, KmVariance, LogRank, LogRankTest, RestrictedMean,
    SurvQuantile, SurvivalAt,
};
pub use survival::{
    Contrast, FollowUp, Milestone, Rmst, RmstComparison, RmstGroup, median_follow_up,
    milestone_difference,
};
pub use survival::{FhTest, MaxCombo, MaxComboTest, fh_name};
pub use survival::{FirthCoxFit, FirthCoxPh};
pub use survival::{SurvReg, SurvRegDist, SurvRegFit};

// --- regression re-exports
pub use regression::{
    BinaryOutcome, FirthFit, FirthRegression, FlacFit, FlicFit, LogisticCi, LogisticFit,
    LogisticRegression,
};

// --- irecist re-exports
pub use irecist::{
    Abscopal, AbscopalAssessment, Assessment, IrecistRules, LesionKind, LesionRecord, Measure,
    PatientTimeline, Recist11, Response, Tenths, VisitAssessment, assess, assess_abscopal,
    timelines_from_records,
};
