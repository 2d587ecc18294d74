//! Exact lesion measurements: integer tenths of a millimetre, and the cell of a lesion file.

use std::fmt;
use std::str::FromStr;

use crate::{Error, Result};

/// A positive size that would round to 0 tenths would silently mean "disappeared".
const POSITIVE_BELOW_TENTH: &str = "a positive size below 0.05 mm rounds to 0 tenths of a mm \
     (disappeared); record `0` for a disappeared lesion or `tiny` for one too small to measure";

/// Largest accepted size, 10 m in tenths of a millimetre (guards sums against overflow).
const MAX_TENTHS: u32 = 100_000;

/// A length in exact integer tenths of a millimetre (12.5 mm is `Tenths(125)`).
///
/// RECIST thresholds (`−30 %`, `+20 %`, `+5 mm`) are compared by integer cross-multiplication
/// on this type, so boundaries such as 25.5 → 30.6 mm (exactly +20 %) or 3.2 → 8.2 mm
/// (exactly +5 mm) never suffer from binary floating-point rounding.
///
/// Parsing takes a plain decimal number of millimetres (`"12"`, `"12.5"`, `"0"`); digits
/// beyond the first decimal are rounded half away from zero *in decimal* (`"12.25"` →
/// 12.3 mm); a positive size that rounds to 0 (`"0.04"`) is an error, not "disappeared".
/// `Display` prints the shortest form that parses back to the same value
/// (`"12"`, `"12.5"`).
///
/// # Examples
/// ```
/// use oncostat::irecist::Tenths;
/// # fn main() -> Result<(), oncostat::Error> {
/// let t: Tenths = "12.5".parse()?;
/// assert_eq!(t.get(), 125);
/// assert_eq!(t.to_string(), "12.5");
/// assert_eq!(Tenths::from_mm(8.2)?, Tenths::new(82));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Tenths(u32);

impl Tenths {
    /// Zero millimetres (a disappeared lesion).
    pub const ZERO: Tenths = Tenths(0);
    /// 5 mm: the RECIST default for a lesion present but too small to measure.
    pub const TOO_SMALL: Tenths = Tenths(50);

    /// A length of `tenths` tenths of a millimetre.
    pub const fn new(tenths: u32) -> Self {
        Tenths(tenths)
    }

    /// The length in tenths of a millimetre.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The length in millimetres.
    pub fn mm(self) -> f64 {
        f64::from(self.0) / 10.0
    }

    /// Converts millimetres to the nearest tenth (halves rounded away from zero).
    ///
    /// ```text
    /// tenths = round(10 · mm)
    /// ```
    ///
    /// # Errors
    /// * [`Error::InvalidMeasurement`] if `mm` is negative, NaN, infinite, above 10 000 mm, or
    ///   positive but below 0.05 mm (it would round to 0, "disappeared").
    pub fn from_mm(mm: f64) -> Result<Self> {
        if !mm.is_finite() {
            return Err(invalid(mm.to_string(), "the size is not a finite number"));
        }
        if mm < 0.0 {
            return Err(invalid(mm.to_string(), "a size cannot be negative"));
        }
        let tenths = (mm * 10.0).round();
        if tenths == 0.0 && mm > 0.0 {
            return Err(invalid(mm.to_string(), POSITIVE_BELOW_TENTH));
        }
        if tenths > f64::from(MAX_TENTHS) {
            return Err(invalid(
                mm.to_string(),
                "a size above 10 000 mm is implausible",
            ));
        }
        // Exact: 0 <= tenths <= MAX_TENTHS, an integer-valued f64.
        Ok(Tenths(tenths as u32))
    }

    /// Sum of the fragments of a lesion that has split (RECIST 1.1: the fragments' longest
    /// diameters are added).
    ///
    /// ```text
    /// size = Σ fragments
    /// ```
    pub fn fragments(parts: &[Tenths]) -> Tenths {
        Tenths(parts.iter().fold(0u32, |acc, t| acc.saturating_add(t.0)))
    }

    /// `self + other`, saturating at `u32::MAX` tenths.
    pub(crate) fn plus(self, other: Tenths) -> Tenths {
        Tenths(self.0.saturating_add(other.0))
    }
}

fn invalid(value: String, reason: &'static str) -> Error {
    Error::InvalidMeasurement { value, reason }
}

impl fmt::Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, tenth) = (self.0 / 10, self.0 % 10);
        if tenth == 0 {
            write!(f, "{whole}")
        } else {
            write!(f, "{whole}.{tenth}")
        }
    }
}

impl FromStr for Tenths {
    type Err = Error;

    /// Parses a decimal number of millimetres, e.g. `"12.5"`.
    fn from_str(s: &str) -> Result<Self> {
        let text = s.trim();
        let err = |reason| invalid(text.to_string(), reason);
        if text.starts_with('-') {
            return Err(err("a size cannot be negative"));
        }
        let text_unsigned = text.strip_prefix('+').unwrap_or(text);
        let (whole, frac) = match text_unsigned.split_once('.') {
            Some((w, f)) => (w, f),
            None => (text_unsigned, ""),
        };
        let digits_ok = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && frac.is_empty()) || !digits_ok(whole) || !digits_ok(frac) {
            return Err(err("expected a size in millimetres such as 12 or 12.5"));
        }
        let whole_trimmed = whole.trim_start_matches('0');
        if whole_trimmed.len() > 6 {
            return Err(err("a size above 10 000 mm is implausible"));
        }
        let whole_value: u32 = if whole_trimmed.is_empty() {
            0
        } else {
            whole_trimmed
                .parse()
                .map_err(|_| err("expected a size in millimetres"))?
        };
        let mut frac_bytes = frac.bytes().map(|b| u32::from(b - b'0'));
        let tenth = frac_bytes.next().unwrap_or(0);
        let round_up = frac_bytes.next().is_some_and(|d| d >= 5);
        let tenths = u64::from(whole_value) * 10 + u64::from(tenth) + u64::from(round_up);
        if tenths > u64::from(MAX_TENTHS) {
            return Err(err("a size above 10 000 mm is implausible"));
        }
        if tenths == 0 && frac.bytes().any(|b| b != b'0') {
            return Err(err(POSITIVE_BELOW_TENTH));
        }
        Ok(Tenths(tenths as u32))
    }
}

/// One cell of the lesion file: what was recorded for a lesion at a visit.
///
/// Sizes and `tiny` are for target lesions, measurable new lesions and (optionally) non-target
/// lymph nodes; the status codes of the RECIST Working Group (iRECIST FAQ: NC, INC, NCLA, INCLA,
/// UNE) are for non-target lesions and non-measurable new lesions.
///
/// | file token | variant | meaning |
/// |---|---|---|
/// | `12.5` | [`Measure::Size`] | longest diameter (short axis for a lymph node), mm; `0` = disappeared |
/// | `tiny` | [`Measure::TooSmall`] | present but too small to measure: counts as 5 mm |
/// | `NE` | [`Measure::NotEvaluated`] | not evaluated at this visit |
/// | `present`, `NC` | [`Measure::Present`] | present, no change or a decrease against baseline / nadir: not progressed |
/// | `absent` | [`Measure::Absent`] | lesion gone (for a target: 0 mm) |
/// | `increase`, `INC` | [`Measure::Increase`] | increase against baseline / nadir, not unequivocal |
/// | `no-change-last`, `NCLA` | [`Measure::NoChangeLast`] | no change since the last assessment |
/// | `further-increase`, `INCLA` | [`Measure::FurtherIncrease`] | a further increase since the last assessment |
/// | `unequivocal`, `UNE`, `progression` | [`Measure::Progression`] | unequivocal progression |
/// | `equivocal` | [`Measure::Equivocal`] | a possible new lesion (new lesions only) |
///
/// A fragmented lesion is recorded as the sum of its fragments ([`Tenths::fragments`]); of two
/// lesions that have coalesced, one carries the coalesced diameter and the other `0`
/// ([`Measure::COALESCED`]).
///
/// # Examples
/// ```
/// use oncostat::irecist::{Measure, Tenths};
/// # fn main() -> Result<(), oncostat::Error> {
/// assert_eq!("tiny".parse::<Measure>()?, Measure::TooSmall);
/// assert_eq!("7.5".parse::<Measure>()?, Measure::Size(Tenths::new(75)));
/// assert_eq!("INCLA".parse::<Measure>()?, Measure::FurtherIncrease);
/// assert_eq!("progression".parse::<Measure>()?, Measure::Progression);
/// assert_eq!(Measure::Progression.to_string(), "unequivocal");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Measure {
    /// A measured size (longest diameter; short axis for lymph nodes). `0` = disappeared.
    Size(Tenths),
    /// Present but too small to measure; counts as 5 mm in the sum of diameters.
    #[doc(alias = "TSTM")]
    TooSmall,
    /// Not evaluated at this visit (the [`Default`]).
    #[doc(alias = "NE")]
    #[default]
    NotEvaluated,
    /// Present (non-target or non-measurable lesion).
    Present,
    /// Absent / disappeared (for a lymph node: normal, short axis < 10 mm).
    Absent,
    /// UNE: unequivocal progression (non-target or new non-target lesion).
    #[doc(alias = "UNE")]
    Progression,
    /// INC: increase against baseline / nadir that is not unequivocal progression.
    #[doc(alias = "INC")]
    Increase,
    /// NCLA: no change since the last assessment (after a non-target-driven iUPD it keeps
    /// the iUPD open).
    #[doc(alias = "NCLA")]
    NoChangeLast,
    /// INCLA: a further increase since the last assessment (after a non-target-driven iUPD it
    /// confirms iCPD; without an open iUPD it reads as [`Measure::Increase`]).
    #[doc(alias = "INCLA")]
    FurtherIncrease,
    /// A possible new lesion, not yet unequivocal (new lesions only). If a later assessment
    /// shows the lesion unequivocally, progression is dated back to the first equivocal scan.
    Equivocal,
}

impl Measure {
    /// The lesion that merged into another one: it is recorded as 0 mm.
    pub const COALESCED: Measure = Measure::Size(Tenths::ZERO);

    /// A lesion that has split: the sum of its fragments.
    pub fn fragmented(parts: &[Tenths]) -> Measure {
        Measure::Size(Tenths::fragments(parts))
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Measure::Size(t) => t.fmt(f),
            Measure::TooSmall => f.write_str("tiny"),
            Measure::NotEvaluated => f.write_str("NE"),
            Measure::Present => f.write_str("present"),
            Measure::Absent => f.write_str("absent"),
            Measure::Progression => f.write_str("unequivocal"),
            Measure::Increase => f.write_str("increase"),
            Measure::NoChangeLast => f.write_str("no-change-last"),
            Measure::FurtherIncrease => f.write_str("further-increase"),
            Measure::Equivocal => f.write_str("equivocal"),
        }
    }
}

impl FromStr for Measure {
    type Err = Error;

    /// Parses a lesion-file cell (case-insensitive tokens; see the table on [`Measure`]).
    fn from_str(s: &str) -> Result<Self> {
        let text = s.trim();
        let lower: String = text
            .chars()
            .map(|c| match c {
                '_' | ' ' => '-',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        Ok(match lower.as_str() {
            "tiny" | "tstm" | "too-small" => Measure::TooSmall,
            "ne" | "na" | "not-evaluated" => Measure::NotEvaluated,
            "present" | "nc" => Measure::Present,
            "absent" => Measure::Absent,
            "progression" | "une" | "unequivocal" | "unequivocal-progression" => {
                Measure::Progression
            }
            "increase" | "inc" => Measure::Increase,
            "no-change-last" | "ncla" => Measure::NoChangeLast,
            "further-increase" | "incla" => Measure::FurtherIncrease,
            "equivocal" => Measure::Equivocal,
            _ => {
                let starts_numeric = lower
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+');
                if !starts_numeric {
                    return Err(invalid(
                        text.to_string(),
                        "expected a size in mm, `tiny`, `NE`, `absent`, `present`, `increase`, \
                         `no-change-last`, `further-increase`, `unequivocal` or `equivocal`",
                    ));
                }
                Measure::Size(text.parse()?)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        for (s, t, back) in [
            ("12.5", 125, "12.5"),
            ("12", 120, "12"),
            ("0", 0, "0"),
            ("0.0", 0, "0"),
            (".5", 5, "0.5"),
            ("12.25", 123, "12.3"),
            ("12.24", 122, "12.2"),
            ("007.10", 71, "7.1"),
        ] {
            let v: Tenths = s.parse().unwrap();
            assert_eq!(v.get(), t, "{s}");
            assert_eq!(v.to_string(), back);
        }
    }

    #[test]
    fn rejects_bad_sizes() {
        for s in ["-3", "abc", "", ".", "1e3", "1,5", "20000", "0.04", "0.001"] {
            assert!(s.parse::<Tenths>().is_err(), "{s}");
        }
        assert!(Tenths::from_mm(-0.1).is_err());
        assert!(Tenths::from_mm(f64::NAN).is_err());
        assert_eq!(Tenths::from_mm(3.25).unwrap().get(), 33);
        assert!(Tenths::from_mm(0.04).is_err());
        assert_eq!(Tenths::from_mm(0.05).unwrap().get(), 1);
        assert_eq!("0.05".parse::<Tenths>().unwrap().get(), 1);
        assert_eq!("0.00".parse::<Tenths>().unwrap().get(), 0);
    }

    #[test]
    fn measure_tokens() {
        assert_eq!("NE".parse::<Measure>().unwrap(), Measure::NotEvaluated);
        assert_eq!("Absent".parse::<Measure>().unwrap(), Measure::Absent);
        assert!("big".parse::<Measure>().is_err());
        assert!("-2".parse::<Measure>().is_err());
        assert_eq!(
            Measure::fragmented(&[Tenths::new(120), Tenths::new(100)]),
            Measure::Size(Tenths::new(220))
        );
    }
}
