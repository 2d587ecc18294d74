//! Timepoint response categories of RECIST 1.1 and iRECIST.

use std::fmt;

/// iRECIST timepoint (and best overall) response.
///
/// `Display` prints the clinical abbreviation: `baseline`, `iCR`, `iPR`, `iSD`,
/// `non-iCR/non-iUPD`, `iUPD`, `iCPD`, `NE`.
#[allow(clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Response {
    /// The baseline visit (no response).
    Baseline,
    /// Complete response: every lesion gone (new lesions included), nodes < 10 mm.
    #[doc(alias = "iCR")]
    #[doc(alias = "CompleteResponse")]
    ICR,
    /// Partial response: sum of diameters ≤ 70 % of baseline.
    #[doc(alias = "iPR")]
    #[doc(alias = "PartialResponse")]
    IPR,
    /// Stable disease.
    #[doc(alias = "iSD")]
    #[doc(alias = "StableDisease")]
    ISD,
    /// Non-target disease only: neither complete response nor progression.
    #[doc(alias = "non-iCR/non-iUPD")]
    NonICrNonIUpd,
    /// Unconfirmed progression.
    #[doc(alias = "iUPD")]
    #[doc(alias = "UnconfirmedProgression")]
    IUPD,
    /// Confirmed progression.
    #[doc(alias = "iCPD")]
    #[doc(alias = "ConfirmedProgression")]
    ICPD,
    /// Not evaluable.
    #[doc(alias = "NotEvaluable")]
    NE,
}

impl Response {
    /// The label used in reports and in the `analyze irecist` JSON.
    pub fn label(self) -> &'static str {
        match self {
            Response::Baseline => "baseline",
            Response::ICR => "iCR",
            Response::IPR => "iPR",
            Response::ISD => "iSD",
            Response::NonICrNonIUpd => "non-iCR/non-iUPD",
            Response::IUPD => "iUPD",
            Response::ICPD => "iCPD",
            Response::NE => "NE",
        }
    }
}

impl fmt::Display for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// RECIST 1.1 timepoint (and best overall) response, also used for the target and
/// non-target components.
///
/// `Display` prints `baseline`, `CR`, `PR`, `SD`, `non-CR/non-PD`, `PD`, `NE`.
#[allow(clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Recist11 {
    /// The baseline visit (no response).
    Baseline,
    /// Complete response.
    #[doc(alias = "CompleteResponse")]
    CR,
    /// Partial response.
    #[doc(alias = "PartialResponse")]
    PR,
    /// Stable disease.
    #[doc(alias = "StableDisease")]
    SD,
    /// Non-target disease only: neither complete response nor progression.
    #[doc(alias = "non-CR/non-PD")]
    NonCrNonPd,
    /// Progressive disease.
    #[doc(alias = "ProgressiveDisease")]
    PD,
    /// Not evaluable.
    NE,
}

impl Recist11 {
    /// The label used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Recist11::Baseline => "baseline",
            Recist11::CR => "CR",
            Recist11::PR => "PR",
            Recist11::SD => "SD",
            Recist11::NonCrNonPd => "non-CR/non-PD",
            Recist11::PD => "PD",
            Recist11::NE => "NE",
        }
    }
}

impl fmt::Display for Recist11 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
