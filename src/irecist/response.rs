//! Timepoint response categories of RECIST 1.1 and iRECIST.
//!
//! The variants carry descriptive names; `Display` (and [`Response::label`]) print the clinical
//! abbreviations, and `FromStr` parses them back (case-insensitive; the descriptive names and
//! the common spellings of the abbreviations are accepted too).

use std::fmt;
use std::str::FromStr;

use crate::{Error, Result};

/// iRECIST timepoint (and best overall) response.
///
/// `Display` prints the clinical abbreviation: `baseline`, `iCR`, `iPR`, `iSD`,
/// `non-iCR/non-iUPD`, `iUPD`, `iCPD`, `NE`.
///
/// # Examples
/// ```
/// use oncostat::irecist::Response;
/// # fn main() -> Result<(), oncostat::Error> {
/// assert_eq!(Response::UnconfirmedProgression.to_string(), "iUPD");
/// assert_eq!("iCPD".parse::<Response>()?, Response::ConfirmedProgression);
/// assert_eq!("NON-iCR/NON-iUPD".parse::<Response>()?, Response::NonCompleteNonProgression);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Response {
    /// The baseline visit (no response).
    Baseline,
    /// iCR: every lesion gone (new lesions included), nodes < 10 mm.
    #[doc(alias = "iCR")]
    #[doc(alias = "ICR")]
    CompleteResponse,
    /// iPR: sum of diameters ≤ 70 % of baseline.
    #[doc(alias = "iPR")]
    #[doc(alias = "IPR")]
    PartialResponse,
    /// iSD: stable disease.
    #[doc(alias = "iSD")]
    #[doc(alias = "ISD")]
    StableDisease,
    /// NON-iCR/NON-iUPD: non-target disease only, neither complete response nor progression.
    #[doc(alias = "non-iCR/non-iUPD")]
    NonCompleteNonProgression,
    /// iUPD: unconfirmed progression.
    #[doc(alias = "iUPD")]
    #[doc(alias = "IUPD")]
    UnconfirmedProgression,
    /// iCPD: confirmed progression.
    #[doc(alias = "iCPD")]
    #[doc(alias = "ICPD")]
    ConfirmedProgression,
    /// NE: not evaluable.
    #[doc(alias = "NE")]
    NotEvaluable,
}

impl Response {
    /// Every category, in ranking order of the best overall response after `Baseline`.
    pub const ALL: [Response; 8] = [
        Response::Baseline,
        Response::CompleteResponse,
        Response::PartialResponse,
        Response::StableDisease,
        Response::NonCompleteNonProgression,
        Response::ConfirmedProgression,
        Response::UnconfirmedProgression,
        Response::NotEvaluable,
    ];

    /// The clinical abbreviation used in reports and in the `analyze irecist` JSON.
    ///
    /// ```
    /// use oncostat::irecist::Response;
    /// assert_eq!(Response::PartialResponse.label(), "iPR");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Response::Baseline => "baseline",
            Response::CompleteResponse => "iCR",
            Response::PartialResponse => "iPR",
            Response::StableDisease => "iSD",
            Response::NonCompleteNonProgression => "non-iCR/non-iUPD",
            Response::UnconfirmedProgression => "iUPD",
            Response::ConfirmedProgression => "iCPD",
            Response::NotEvaluable => "NE",
        }
    }

    /// `true` for iUPD and iCPD.
    ///
    /// ```
    /// use oncostat::irecist::Response;
    /// assert!(Response::UnconfirmedProgression.is_progression());
    /// assert!(!Response::StableDisease.is_progression());
    /// ```
    pub fn is_progression(self) -> bool {
        matches!(
            self,
            Response::UnconfirmedProgression | Response::ConfirmedProgression
        )
    }

    /// `true` for iCR and iPR (an objective response).
    ///
    /// ```
    /// use oncostat::irecist::Response;
    /// assert!(Response::CompleteResponse.is_response());
    /// ```
    pub fn is_response(self) -> bool {
        matches!(self, Response::CompleteResponse | Response::PartialResponse)
    }
}

impl fmt::Display for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Lower-cases and drops spaces, `_`, `-` and `/`, so `NON-iCR/NON-iUPD` and `non icr non iupd`
/// compare equal.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '/'))
        .flat_map(char::to_lowercase)
        .collect()
}

impl FromStr for Response {
    type Err = Error;

    /// Parses a label (`iCR`, `iPR`, `iSD`, `non-iCR/non-iUPD`, `iUPD`, `iCPD`, `NE`,
    /// `baseline`) or a descriptive variant name, case-insensitively.
    fn from_str(s: &str) -> Result<Self> {
        let key = squash(s.trim());
        Response::ALL
            .into_iter()
            .find(|r| squash(r.label()) == key || squash(&format!("{r:?}")) == key)
            .or(match key.as_str() {
                "notevaluated" | "ne" => Some(Response::NotEvaluable),
                "noniupd" | "noncrnoniupd" => Some(Response::NonCompleteNonProgression),
                _ => None,
            })
            .ok_or_else(|| Error::InvalidMeasurement {
                value: s.trim().to_string(),
                reason: "unknown iRECIST response; expected iCR, iPR, iSD, non-iCR/non-iUPD, \
                         iUPD, iCPD or NE",
            })
    }
}

/// RECIST 1.1 timepoint (and best overall) response, also used for the target and
/// non-target components.
///
/// `Display` prints `baseline`, `CR`, `PR`, `SD`, `non-CR/non-PD`, `PD`, `NE`.
///
/// # Examples
/// ```
/// use oncostat::irecist::Recist11;
/// # fn main() -> Result<(), oncostat::Error> {
/// assert_eq!(Recist11::ProgressiveDisease.to_string(), "PD");
/// assert_eq!("NON-CR/NON-PD".parse::<Recist11>()?, Recist11::NonCompleteNonProgression);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Recist11 {
    /// The baseline visit (no response).
    Baseline,
    /// CR: complete response.
    #[doc(alias = "CR")]
    CompleteResponse,
    /// PR: partial response.
    #[doc(alias = "PR")]
    PartialResponse,
    /// SD: stable disease.
    #[doc(alias = "SD")]
    StableDisease,
    /// Non-CR/non-PD: non-target disease only, neither complete response nor progression.
    #[doc(alias = "non-CR/non-PD")]
    NonCompleteNonProgression,
    /// PD: progressive disease.
    #[doc(alias = "PD")]
    ProgressiveDisease,
    /// NE: not evaluable.
    #[doc(alias = "NE")]
    NotEvaluable,
}

impl Recist11 {
    /// Every category.
    pub const ALL: [Recist11; 7] = [
        Recist11::Baseline,
        Recist11::CompleteResponse,
        Recist11::PartialResponse,
        Recist11::StableDisease,
        Recist11::NonCompleteNonProgression,
        Recist11::ProgressiveDisease,
        Recist11::NotEvaluable,
    ];

    /// The clinical abbreviation used in reports.
    ///
    /// ```
    /// use oncostat::irecist::Recist11;
    /// assert_eq!(Recist11::StableDisease.label(), "SD");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Recist11::Baseline => "baseline",
            Recist11::CompleteResponse => "CR",
            Recist11::PartialResponse => "PR",
            Recist11::StableDisease => "SD",
            Recist11::NonCompleteNonProgression => "non-CR/non-PD",
            Recist11::ProgressiveDisease => "PD",
            Recist11::NotEvaluable => "NE",
        }
    }
}

impl fmt::Display for Recist11 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Recist11 {
    type Err = Error;

    /// Parses a label (`CR`, `PR`, `SD`, `non-CR/non-PD`, `PD`, `NE`, `baseline`) or a
    /// descriptive variant name, case-insensitively.
    fn from_str(s: &str) -> Result<Self> {
        let key = squash(s.trim());
        Recist11::ALL
            .into_iter()
            .find(|r| squash(r.label()) == key || squash(&format!("{r:?}")) == key)
            .or(match key.as_str() {
                "notevaluated" => Some(Recist11::NotEvaluable),
                "nonpd" => Some(Recist11::NonCompleteNonProgression),
                _ => None,
            })
            .ok_or_else(|| Error::InvalidMeasurement {
                value: s.trim().to_string(),
                reason: "unknown RECIST 1.1 response; expected CR, PR, SD, non-CR/non-PD, PD or NE",
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for r in Response::ALL {
            assert_eq!(r.label().parse::<Response>().unwrap(), r);
            assert_eq!(format!("{r:?}").parse::<Response>().unwrap(), r);
        }
        for r in Recist11::ALL {
            assert_eq!(r.label().parse::<Recist11>().unwrap(), r);
        }
        assert!("PR".parse::<Response>().is_err());
        assert!("iPR".parse::<Recist11>().is_err());
    }
}
