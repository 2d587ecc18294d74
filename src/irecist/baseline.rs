//! Baseline measurability (RECIST 1.1 §3) and target selection.

use super::lesion::{MEASURABLE_NODE, MEASURABLE_NON_NODAL, PATHOLOGICAL_NODE, organ_key};
use super::measure::Tenths;

/// At most 5 target lesions in total (RECIST 1.1).
pub const MAX_TARGETS: usize = 5;
/// At most 2 target lesions per organ; all lymph nodes are one organ (RECIST 1.1).
pub const MAX_TARGETS_PER_ORGAN: usize = 2;

/// How a baseline lesion was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Modality {
    /// Computed tomography with the given slice thickness.
    Ct {
        /// Reconstruction interval / slice thickness.
        slice: Tenths,
    },
    /// Magnetic resonance imaging with the given slice thickness.
    Mri {
        /// Slice thickness.
        slice: Tenths,
    },
    /// Chest X-ray (lesion surrounded by aerated lung).
    ChestXray,
    /// Clinical examination with calipers (accurately measurable).
    Caliper,
    /// Any other method (ultrasound, PET alone, …): never measurable.
    Other,
}

/// What may not be measured whatever its size (RECIST 1.1 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Measurability {
    /// No restriction: the size rules decide.
    #[default]
    BySize,
    /// Blastic bone lesion.
    BlasticBone,
    /// Truly non-measurable disease (leptomeningeal disease, ascites, effusion,
    /// inflammatory breast disease, lymphangitis, non-reproducible abdominal masses).
    TrulyNonMeasurable,
    /// In a previously irradiated (or loco-regionally treated) field, without progression
    /// shown there since.
    PreviouslyIrradiated,
}

/// A lesion as seen at baseline, for measurability and target selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineLesion {
    /// Lesion id.
    pub id: String,
    /// Organ or site.
    pub organ: String,
    /// `true` for a lymph node (`size` is its short axis).
    pub node: bool,
    /// Longest diameter (short axis for a node).
    pub size: Tenths,
    /// Imaging method.
    pub modality: Modality,
    /// Restrictions independent of size.
    pub measurability: Measurability,
}

/// Baseline category of a lesion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BaselineCategory {
    /// Measurable: may be a target lesion.
    Measurable,
    /// Present but non-measurable: a non-target lesion.
    NonMeasurable,
    /// Lymph node with short axis < 10 mm: normal, not recorded.
    NormalNode,
}

/// Classifies a baseline lesion (RECIST 1.1 §3.1).
///
/// ```text
/// node (CT/MRI):  SA < 10 mm normal; 10 ≤ SA < 15 non-measurable; SA ≥ 15 measurable
/// CT/MRI:         LD ≥ max(10 mm, 2 × slice) when slice > 5 mm, else LD ≥ 10 mm
/// calipers:       LD ≥ 10 mm
/// chest X-ray:    LD ≥ 20 mm
/// blastic bone, truly non-measurable, previously irradiated: non-measurable
/// ```
///
/// # Examples
/// ```
/// use oncostat::irecist::{classify_baseline, BaselineCategory, BaselineLesion, Measurability,
///     Modality, Tenths};
/// let liver = BaselineLesion { id: "L".into(), organ: "liver".into(), node: false,
///     size: Tenths::new(140), modality: Modality::Ct { slice: Tenths::new(80) },
///     measurability: Measurability::BySize };
/// // 8-mm slices: the minimum is 16 mm.
/// assert_eq!(classify_baseline(&liver), BaselineCategory::NonMeasurable);
/// ```
pub fn classify_baseline(lesion: &BaselineLesion) -> BaselineCategory {
    if lesion.node {
        if lesion.size < PATHOLOGICAL_NODE {
            return BaselineCategory::NormalNode;
        }
        let by_method = matches!(lesion.modality, Modality::Ct { .. } | Modality::Mri { .. });
        return if by_method
            && lesion.measurability == Measurability::BySize
            && lesion.size >= MEASURABLE_NODE
        {
            BaselineCategory::Measurable
        } else {
            BaselineCategory::NonMeasurable
        };
    }
    if lesion.measurability != Measurability::BySize {
        return BaselineCategory::NonMeasurable;
    }
    let minimum = match lesion.modality {
        Modality::Ct { slice } | Modality::Mri { slice } => {
            if slice > Tenths::new(50) {
                MEASURABLE_NON_NODAL.max(Tenths::new(slice.get().saturating_mul(2)))
            } else {
                MEASURABLE_NON_NODAL
            }
        }
        Modality::Caliper => MEASURABLE_NON_NODAL,
        Modality::ChestXray => Tenths::new(200),
        Modality::Other => return BaselineCategory::NonMeasurable,
    };
    if lesion.size >= minimum {
        BaselineCategory::Measurable
    } else {
        BaselineCategory::NonMeasurable
    }
}

/// Result of [`select_targets`]: indices into the input slice.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TargetSelection {
    targets: Vec<usize>,
    non_targets: Vec<usize>,
    normal: Vec<usize>,
}

impl TargetSelection {
    /// Target lesions, largest first.
    pub fn targets(&self) -> &[usize] {
        &self.targets
    }

    /// Non-target lesions (non-measurable, or measurable but not selected), input order.
    pub fn non_targets(&self) -> &[usize] {
        &self.non_targets
    }

    /// Normal lymph nodes (short axis < 10 mm), not recorded, input order.
    pub fn normal(&self) -> &[usize] {
        &self.normal
    }

    /// Baseline sum of diameters of the selected targets.
    pub fn baseline_sum(&self, lesions: &[BaselineLesion]) -> Tenths {
        let sizes: Vec<Tenths> = self
            .targets
            .iter()
            .filter_map(|&i| lesions.get(i).map(|l| l.size))
            .collect();
        Tenths::fragments(&sizes)
    }
}

/// Selects target lesions automatically: measurable lesions, largest first, while fewer
/// than 5 are chosen and the organ has fewer than 2 (all lymph nodes one organ). Ties keep
/// the input order. The radiologist's own choice, when recorded, takes precedence over this
/// helper.
///
/// # Examples
/// ```
/// use oncostat::irecist::{select_targets, BaselineLesion, Measurability, Modality, Tenths};
/// let ct = Modality::Ct { slice: Tenths::new(50) };
/// let l = |id: &str, organ: &str, mm| BaselineLesion { id: id.into(), organ: organ.into(),
///     node: false, size: Tenths::new(mm), modality: ct, measurability: Measurability::BySize };
/// let lesions = [l("a", "liver", 450), l("b", "liver", 400), l("c", "liver", 280)];
/// let sel = select_targets(&lesions);
/// assert_eq!(sel.targets(), &[0, 1]);
/// assert_eq!(sel.non_targets(), &[2]);
/// ```
pub fn select_targets(lesions: &[BaselineLesion]) -> TargetSelection {
    let categories: Vec<BaselineCategory> = lesions.iter().map(classify_baseline).collect();
    let mut measurable: Vec<usize> = (0..lesions.len())
        .filter(|&i| categories[i] == BaselineCategory::Measurable)
        .collect();
    measurable.sort_by(|&a, &b| lesions[b].size.cmp(&lesions[a].size));
    let mut selection = TargetSelection::default();
    let mut organ_counts: Vec<(String, usize)> = Vec::new();
    for i in measurable {
        if selection.targets.len() >= MAX_TARGETS {
            break;
        }
        let key = organ_key(&lesions[i].organ, lesions[i].node);
        let count = organ_counts
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(0, |(_, c)| *c);
        if count >= MAX_TARGETS_PER_ORGAN {
            continue;
        }
        match organ_counts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, c)) => *c += 1,
            None => organ_counts.push((key, 1)),
        }
        selection.targets.push(i);
    }
    for (i, category) in categories.iter().enumerate() {
        match category {
            BaselineCategory::NormalNode => selection.normal.push(i),
            _ if selection.targets.contains(&i) => {}
            _ => selection.non_targets.push(i),
        }
    }
    selection
}
