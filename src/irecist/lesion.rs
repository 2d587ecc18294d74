//! Lesions: kind (target, non-target, new), site, lymph node or not, irradiated or not.

use std::fmt;
use std::str::FromStr;

use super::measure::{Measure, Tenths};
use crate::{Error, Result};

/// Smallest measurable longest diameter of a non-nodal lesion (CT/MRI, slice ≤ 5 mm): 10 mm.
pub const MEASURABLE_NON_NODAL: Tenths = Tenths::new(100);
/// Smallest measurable short axis of a lymph node: 15 mm.
pub const MEASURABLE_NODE: Tenths = Tenths::new(150);
/// Short axis from which a lymph node is pathological: 10 mm (below: normal).
pub const PATHOLOGICAL_NODE: Tenths = Tenths::new(100);

/// The organ key under which all lymph nodes are counted (RECIST: all nodes are one organ).
pub const LYMPH_NODE_ORGAN: &str = "lymph node";

/// The role of a lesion in the assessment.
///
/// # Examples
/// ```
/// use oncostat::irecist::LesionKind;
/// # fn main() -> Result<(), oncostat::Error> {
/// assert_eq!("nontarget".parse::<LesionKind>()?, LesionKind::NonTarget);
/// assert_eq!(LesionKind::New.to_string(), "new");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum LesionKind {
    /// Target lesion chosen at baseline (measured; part of the sum of diameters). The
    /// [`Default`].
    #[default]
    Target,
    /// Non-target lesion recorded at baseline (present / absent / unequivocal progression).
    #[doc(alias = "NT")]
    NonTarget,
    /// Lesion first seen after baseline (new lesion target or non-target, decided when it
    /// first appears).
    New,
}

impl fmt::Display for LesionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LesionKind::Target => "target",
            LesionKind::NonTarget => "nontarget",
            LesionKind::New => "new",
        })
    }
}

impl FromStr for LesionKind {
    type Err = Error;

    /// Parses `target`, `nontarget` (also `non-target`, `non_target`, `NT`) or `new`
    /// (case-insensitive).
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "target" => Ok(LesionKind::Target),
            "nontarget" | "non-target" | "non_target" | "non target" | "nt" => {
                Ok(LesionKind::NonTarget)
            }
            "new" | "new lesion" => Ok(LesionKind::New),
            _ => Err(Error::InvalidMeasurement {
                value: s.trim().to_string(),
                reason: "unknown lesion kind; expected `target`, `nontarget` or `new`",
            }),
        }
    }
}

/// Side of a lesion in a paired organ (the optional `laterality` column).
///
/// Laterality only names the side: RECIST counts paired organs (lungs, kidneys, ovaries, …)
/// as one organ, so it never changes the organ a lesion counts under, nor any response.
///
/// # Examples
/// ```
/// use oncostat::irecist::Laterality;
/// # fn main() -> Result<(), oncostat::Error> {
/// assert_eq!("Left".parse::<Laterality>()?, Laterality::Left);
/// assert_eq!(Laterality::Bilateral.to_string(), "bilateral");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Laterality {
    /// Left side.
    Left,
    /// Right side.
    Right,
    /// Both sides.
    Bilateral,
}

impl fmt::Display for Laterality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Laterality::Left => "left",
            Laterality::Right => "right",
            Laterality::Bilateral => "bilateral",
        })
    }
}

impl FromStr for Laterality {
    type Err = Error;

    /// Parses `left`, `right` or `bilateral` (also `L`, `R`, `both`; case-insensitive). An
    /// empty cell means "no side" and is handled by the caller (`Option<Laterality>`).
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "left" | "l" | "lt" => Ok(Laterality::Left),
            "right" | "r" | "rt" => Ok(Laterality::Right),
            "bilateral" | "both" | "b" => Ok(Laterality::Bilateral),
            _ => Err(Error::InvalidMeasurement {
                value: s.trim().to_string(),
                reason: "unknown laterality; expected `left`, `right`, `bilateral` or empty",
            }),
        }
    }
}

/// A lesion of a patient: identity and the attributes that do not change between visits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesion {
    id: String,
    organ: String,
    organ_key: String,
    laterality: Option<Laterality>,
    kind: LesionKind,
    node: bool,
    irradiated: bool,
}

impl Lesion {
    pub(crate) fn new(
        id: String,
        organ: String,
        laterality: Option<Laterality>,
        kind: LesionKind,
        node: bool,
        irradiated: bool,
    ) -> Self {
        let organ_key = organ_key(&organ, node);
        Lesion {
            id,
            organ,
            organ_key,
            laterality,
            kind,
            node,
            irradiated,
        }
    }

    /// Side of the lesion from the `laterality` column (`None`: not recorded).
    pub fn laterality(&self) -> Option<Laterality> {
        self.laterality
    }

    /// Lesion id (unique within the patient).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Organ or site as recorded.
    pub fn organ(&self) -> &str {
        &self.organ
    }

    /// The organ under which the lesion counts for the "at most 2 per organ" rules (targets
    /// and new target lesions): all lymph nodes share [`LYMPH_NODE_ORGAN`]; other sites are
    /// the organ's words, lower-cased, without punctuation and without laterality words
    /// (`left`, `right`, `bilateral`, `both`, `l`, `r`, `lt`, `rt`) wherever they stand, so
    /// that "lung, left", "Right lung" and "LUNG (R)" are one organ (RECIST paired organs).
    pub fn organ_key(&self) -> &str {
        &self.organ_key
    }

    /// Target, non-target or new.
    pub fn kind(&self) -> LesionKind {
        self.kind
    }

    /// `true` for a lymph node (its measure is the short axis).
    pub fn is_node(&self) -> bool {
        self.node
    }

    /// `true` if the lesion lies in the radiation field.
    pub fn is_irradiated(&self) -> bool {
        self.irradiated
    }
}

/// Normalised organ for the per-organ target limit (see [`Lesion::organ_key`]).
pub(crate) fn organ_key(organ: &str, node: bool) -> String {
    if node {
        return LYMPH_NODE_ORGAN.to_string();
    }
    const SIDES: [&str; 8] = ["left", "right", "bilateral", "both", "l", "r", "lt", "rt"];
    let lower = organ.trim().to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let kept: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !SIDES.contains(w))
        .collect();
    if kept.is_empty() {
        // The organ is only a side ("left"): keep its words rather than an empty key.
        words.join(" ")
    } else {
        kept.join(" ")
    }
}

/// Whether a size qualifies a lesion as measurable (CT/MRI with slices ≤ 5 mm).
///
/// ```text
/// node:      short axis ≥ 15 mm
/// otherwise: longest diameter ≥ 10 mm
/// ```
pub fn is_measurable_size(node: bool, size: Tenths) -> bool {
    if node {
        size >= MEASURABLE_NODE
    } else {
        size >= MEASURABLE_NON_NODAL
    }
}

/// Whether a recorded measure means the lesion is there (a lymph node only when its short
/// axis is ≥ 10 mm). `NE` is neither present nor absent and gives `None`.
pub(crate) fn is_present(node: bool, m: Measure) -> Option<bool> {
    match m {
        Measure::Size(t) => Some(if node {
            t >= PATHOLOGICAL_NODE
        } else {
            t > Tenths::ZERO
        }),
        Measure::TooSmall => Some(!node),
        Measure::Present
        | Measure::Progression
        | Measure::Increase
        | Measure::NoChangeLast
        | Measure::FurtherIncrease => Some(true),
        Measure::Absent => Some(false),
        // An equivocal finding is not (yet) a lesion; the caller back-dates it once confirmed.
        Measure::NotEvaluated | Measure::Equivocal => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organ_keys() {
        assert_eq!(organ_key("Left Lung", false), "lung");
        assert_eq!(organ_key("right lung", false), "lung");
        assert_eq!(organ_key("Liver", false), "liver");
        assert_eq!(organ_key("mediastinum", true), LYMPH_NODE_ORGAN);
        assert_eq!(organ_key("lung, left", false), "lung");
        assert_eq!(organ_key("LUNG (R)", false), "lung");
        assert_eq!(organ_key("left-kidney", false), "kidney");
        assert_eq!(organ_key("adrenal gland, right", false), "adrenal gland");
        assert_eq!(organ_key("l5 vertebra", false), "l5 vertebra");
    }

    #[test]
    fn measurability_thresholds() {
        assert!(is_measurable_size(false, Tenths::new(100)));
        assert!(!is_measurable_size(false, Tenths::new(99)));
        assert!(is_measurable_size(true, Tenths::new(150)));
        assert!(!is_measurable_size(true, Tenths::new(149)));
        assert_eq!(
            is_present(true, Measure::Size(Tenths::new(99))),
            Some(false)
        );
        assert_eq!(is_present(false, Measure::TooSmall), Some(true));
        assert_eq!(is_present(false, Measure::NotEvaluated), None);
    }
}
