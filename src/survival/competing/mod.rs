//! Competing risks: the Aalen–Johansen cumulative incidence with survival's infinitesimal-
//! jackknife standard error ([`AalenJohansen`], R's `survfit(Surv(t, factor(s)) ~ g)`),
//! Gray's test of equal cumulative incidence ([`GrayTest`], R's `cmprsk::cuminc`) and the
//! Fine–Gray subdistribution-hazard regression ([`FineGray`], R's `cmprsk::crr`).
//!
//! # The cause-specific Cox model
//! The cause-specific hazard of cause k is an ordinary Cox model in which the other causes
//! are censorings, so it needs no new code: fit [`CoxPh`](crate::CoxPh) on
//! [`CompetingRisksData::cause_specific`].
//!
//! ```
//! use oncostat::{CompetingRisksData, CoxPh, Design};
//! # fn main() -> Result<(), oncostat::Error> {
//! let cr = CompetingRisksData::new(
//!     vec![1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0, 6.0, 7.0, 8.0],
//!     &[1.0, 2.0, 0.0, 1.0, 0.0, 1.0, 2.0, 0.0, 1.0, 0.0],
//! )?;
//! let x = Design::from_columns([("x", vec![0.5, -1.0, 0.3, 2.0, 0.0, 1.1, -0.4, 0.8, -1.5, 0.2])])?;
//! // R: coxph(Surv(time, status == 1) ~ x)
//! let cs1 = CoxPh::new().fit(&cr.cause_specific(1)?, &x)?;
//! assert_eq!(cs1.coefficients().len(), 1);
//! # Ok(()) }
//! ```

mod cif;
mod data;
mod finegray;
mod gray;

pub use cif::{AalenJohansen, CifFit, CifPoint, CifSummary};
pub use data::CompetingRisksData;
pub use finegray::{FineGray, FineGrayFit};
pub use gray::{GrayCause, GrayTest, GrayTests};
