//! Logistic regression: maximum likelihood as R's `glm` (with `MASS` profile intervals) and
//! Firth-penalized as R's `logistf` 1.26.1.
//!
//! * [`LogisticRegression`] → [`LogisticFit`]: IRLS exactly as `glm.fit`, Wald and
//!   profile-likelihood inference ([`CiMethod`](crate::CiMethod)), `drop1` likelihood-ratio tests, separation
//!   flagged on the fit.
//! * [`FirthRegression`] → [`FirthFit`]: Firth's penalized likelihood with logistf's exact
//!   iteration, profile penalized-likelihood intervals and penalized likelihood-ratio tests;
//!   FLIC and FLAC ([`FirthRegression::flic`], [`FirthRegression::flac`]) for predicted
//!   probabilities.
//!
//! Both take a [`Design`](crate::Design) (add the intercept with
//! [`Design::with_intercept`](crate::Design::with_intercept)) and a [`BinaryOutcome`].
//!
//! # References
//! * Firth D (1993). Bias reduction of maximum likelihood estimates. *Biometrika* 80:27–38.
//! * Heinze G, Schemper M (2002). A solution to the problem of separation in logistic
//!   regression. *Statistics in Medicine* 21:2409–2419.
//! * Venzon DJ, Moolgavkar SH (1988). A method for computing profile-likelihood-based
//!   confidence intervals. *Applied Statistics* 37:87–94.
//! * Puhr R, Heinze G, Nold M, Lusa L, Geroldinger A (2017). Firth's logistic regression with
//!   rare events: accurate effect estimates and predictions? *Statistics in Medicine*
//!   36:2302–2317.

mod display;
mod engine;
mod firth;
mod flic_flac;
mod logistic;
mod newton;
mod outcome;
mod profile;

pub use firth::{FirthFit, FirthRegression};
pub use flic_flac::{FlacFit, FlicFit};
pub use logistic::{LogisticFit, LogisticRegression};
pub use outcome::BinaryOutcome;
