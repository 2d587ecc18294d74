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
//! ## One accessor contract
//! Every fitted regression model — [`CoxFit`], [`FirthCoxFit`], [`LogisticFit`],
//! [`FirthFit`], [`SurvRegFit`], [`FineGrayFit`] (and a [`FormulaFit`] of any of them, which
//! dereferences to the fit) — answers the same question with the same accessor and type:
//!
//! | quantity | accessor | type |
//! |---|---|---|
//! | column names, model order | `term_names()` | `&[String]` |
//! | observations used | `n()` | `usize` |
//! | events (survival models; unweighted rows) | `n_events()` | `usize` |
//! | estimates β̂ (log scale; NaN if aliased) | `coefficients()` | `&DVector<f64>` |
//! | standard errors of β̂ | `std_errors()` | `&DVector<f64>` |
//! | variance–covariance matrix (R's `vcov`) | `variance()` | `&DMatrix<f64>` |
//! | Wald statistics β̂/se | `z_values()` | `DVector<f64>` |
//! | two-sided Wald p-values | `p_values()` | `DVector<f64>` |
//! | confidence intervals, coefficient scale | `conf_int(level)` | `Result<Vec<(f64, f64)>>` |
//! | how those intervals are obtained | `ci_method()` | [`CiMethod`] |
//! | aliased (dropped) columns, model order | `aliased()` | `&[bool]` |
//! | maximised (penalized, pseudo) log-likelihood | `loglik()` | `f64` |
//! | the null model's log-likelihood | `loglik_null()` | `f64` |
//! | likelihood-ratio test of the model | `lr_test()` | [`ChiSqTest`] |
//! | how the iteration ended | `convergence()` | `&`[`Convergence`] |
//! | iterations / converged | `iterations()`, `converged()` | `usize`, `bool` |
//! | the fit, or `Error::NotConverged` | `require_converged()` | `Result<Self>` |
//! | coefficient table | `coef_table(level)` | `Result<`[`CoefTable`]`>` (rows: [`CoefRow`], `method`: [`CiMethod`]) |
//!
//! Model-specific quantities keep descriptive names beside the contract: the Cox robust
//! standard errors (`robust_std_errors()`; with the robust variance on, `z_values`,
//! `p_values`, `conf_int` and the table use them, as R), Firth's penalized likelihood-ratio
//! tests (`penalized_lr_tests()`) and profile interval of one coefficient
//! (`profile_conf_int(index, level)`), Firth logistic's `unpenalized_loglik()`, the
//! survreg parameters including the log scales (`parameters()`, `parameter_std_errors()`,
//! `parameter_aliased()`), and the weighted event count of a Kaplan–Meier curve
//! (`weighted_n_events() -> f64`, R's `events`). Ratios (`hazard_ratios()`,
//! `odds_ratios()`) are `exp` of the coefficients; exponentiate `conf_int` bounds the same way.
//!
//! Survival curves have one type, [`SurvivalCurve`] (R's one `survfit` class): Kaplan–Meier
//! curves ([`KaplanMeier::fit`], [`KaplanMeier::fit_groups`]) and Cox-predicted curves
//! ([`CoxFit::survfit`]) share `times()`, `n_risk()`, `n_event()`, `n_censor()`, `cumhaz()`,
//! `survival()`, `std_err()` (of log S), `lower()`/`upper()` (one transform for every
//! [`ConfType`], also used by the cumulative incidence), `at(t)`, `survival_at(times)`,
//! `quantile(p)`, `median()`, `restricted_mean()` and R's `print.survfit` line.
//!
//! The confidence-interval method is a setting of the model where R offers a choice
//! ([`LogisticRegression::ci`], [`FirthCoxPh::ci`]) and fixed otherwise (Cox, survreg:
//! Wald; Fine–Gray: Wald with the sandwich variance; Firth logistic: profile penalized
//! likelihood). Every setting is an enum with `FromStr` and `Display` ([`Ties`],
//! [`CoxVariance`], [`CiMethod`], [`Timefix`], [`ConfType`], [`CurveVariance`], [`Centering`],
//! [`ResidualKind`], [`ZphTransform`]).
//!
//! ## Decisions where R leaves a choice
//! Where an issue or R leaves a choice open, the crate follows R's default and documents the
//! choice on the item concerned.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod convergence;
pub mod design;
mod elementwise;
pub mod endpoints;
pub mod error;
pub mod error_catalogue;
pub mod frame;
pub mod irecist;
pub mod labels;
mod linalg;
mod numeric;
mod parallel;
#[cfg(feature = "plots")]
#[cfg_attr(docsrs, doc(cfg(feature = "plots")))]
pub mod plots;
mod profile;
mod quadrature;
pub mod regression;
mod settings;
mod simd;
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
pub use table::{ChiSqTest, CiMethod, CoefRow, CoefTable, Statistic, TableStyle};

// --- survival re-exports
pub use survival::SurvivalData;
pub use survival::Timefix;
pub use survival::{
    AalenJohansen, CifFit, CifPoint, CifSummary, CompetingRisksData, FineGray, FineGrayFit,
    GrayCause, GrayTest, GrayTests,
};
pub use survival::{
    BaselineHazard, Centering, CoxResiduals, CoxZph, ResidualKind, ZphTerm, ZphTransform,
};
pub use survival::{Concordance, CoxFit, CoxPh, CoxVariance, Ties};
pub use survival::{
    ConfType, CurveVariance, KaplanMeier, KmTable, LogRank, LogRankTest, RestrictedMean,
    SurvQuantile, SurvivalAt, SurvivalCurve,
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
    BinaryOutcome, FirthFit, FirthRegression, FlacFit, FlicFit, LogisticFit, LogisticRegression,
};

// --- irecist re-exports
pub use irecist::{
    Abscopal, AbscopalAssessment, Assessment, IrecistRules, LesionKind, LesionRecord, Measure,
    PatientTimeline, Recist11, Response, Tenths, VisitAssessment, assess, assess_abscopal,
    timelines_from_records,
};
