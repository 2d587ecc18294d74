//! Per-visit lesion facts (sums, presence, increases, new-lesion registry), computed in one
//! pass over a patient's visits for a given assignment of lesion roles.

use super::baseline::{MAX_TARGETS, MAX_TARGETS_PER_ORGAN};
use super::lesion::{PATHOLOGICAL_NODE, is_measurable_size, is_present};
use super::measure::{Measure, Tenths};
use super::records::PatientTimeline;

/// The role a lesion plays in one assessment (all lesions, or the non-irradiated set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Target,
    NonTarget,
    New,
}

/// What is known of a non-target or new lesion at its last evaluated visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    Unknown,
    Absent,
    Present(Option<Tenths>),
}

/// New-lesion category, fixed when the lesion first appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NewClass {
    NotSeen,
    /// New lesion target (measurable, within 5 / 2 per organ).
    Nlt,
    /// New lesion non-target.
    Nlnt,
}

/// Facts of one follow-up visit.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct VisitFacts {
    pub has_targets: bool,
    /// Sum over the assessed targets (the full sum when `target_any_ne` is false).
    pub target_sum: Tenths,
    pub target_any_ne: bool,
    /// Value of each target (in target order); `None` if not assessed.
    pub target_values: [Option<Tenths>; MAX_TARGETS],
    /// All assessed non-nodal targets 0 and all assessed nodal targets < 10 mm.
    pub target_all_gone: bool,
    /// An assessed non-nodal target > 0 or nodal target ≥ 10 mm.
    pub target_reappeared: bool,

    pub has_non_targets: bool,
    /// A non-target shows unequivocal progression (UNE).
    pub nt_progression: bool,
    pub nt_any_ne: bool,
    pub nt_all_absent: bool,
    /// A non-target is recorded as a further increase since the last assessment (INCLA).
    pub nt_further_increase: bool,
    /// A non-target measured in mm is larger than at its last evaluation, or present again
    /// after absent.
    pub nt_size_increase: bool,
    /// A non-target still at progression level: UNE, INC or NCLA (keeps a non-target-driven
    /// iUPD open).
    pub nt_still_progressed: bool,
    /// A non-nodal non-target is present again (meaningful after a complete response).
    pub nt_reappeared: bool,

    /// New lesions first seen at this visit.
    pub new_appeared: usize,
    /// New lesions registered up to and including this visit.
    pub new_registered: usize,
    /// Any registered new lesion present at this visit.
    pub new_present: bool,
    /// A registered new lesion was not evaluated (or has no row) at this visit.
    pub new_any_ne: bool,
    pub has_nlt: bool,
    /// Sum of the assessed new target lesions.
    pub nlt_sum: Tenths,
    pub nlt_any_ne: bool,
    /// A new target lesion is present but has no size yet (an equivocal sighting back-dated
    /// after its confirmation): the new-target sum is unknown without the visit being NE.
    pub nlt_pending: bool,
    /// A new non-target lesion increased (INC, INCLA, UNE, a larger size, or present again).
    pub new_increase: bool,
    /// A new non-target lesion shows unequivocal progression.
    pub nlnt_progression: bool,
}

impl VisitFacts {
    /// Bit `k` set when target `k` was assessed.
    pub(crate) fn assessed_mask(&self) -> u8 {
        self.target_values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_some())
            .fold(0, |m, (k, _)| m | (1 << k))
    }

    /// Sum of the targets in `mask`; `None` if one of them was not assessed.
    pub(crate) fn sum_over(&self, mask: u8) -> Option<Tenths> {
        let mut sum = Tenths::ZERO;
        for (k, v) in self.target_values.iter().enumerate() {
            if mask & (1 << k) != 0 {
                sum = sum.plus((*v)?);
            }
        }
        Some(sum)
    }

    /// The new-target sum when every new target lesion has a size.
    pub(crate) fn nlt_complete(&self) -> Option<Tenths> {
        (self.has_nlt && !self.nlt_any_ne && !self.nlt_pending).then_some(self.nlt_sum)
    }
}

/// Walks a timeline visit by visit, keeping per-lesion state.
#[derive(Debug)]
pub(crate) struct Scanner<'a> {
    timeline: &'a PatientTimeline,
    roles: &'a [Option<Role>],
    /// Per lesion: first visit where a new lesion is seen unequivocally.
    first_clear: Vec<Option<usize>>,
    /// Per lesion: first equivocal visit that the unequivocal sighting back-dates.
    backdate: Vec<Option<usize>>,
    last: Vec<Last>,
    class: Vec<NewClass>,
    appearing: Vec<usize>,
    nlt_organs: Vec<(&'a str, usize)>,
    nlt_count: usize,
    registered: usize,
    /// Undo log of the last visit: (lesion, previous state, previous class).
    undo: Vec<(usize, Last, NewClass)>,
    saved_counts: (usize, usize),
    saved_organs: Vec<(&'a str, usize)>,
}

fn target_value(m: Option<Measure>) -> Option<Tenths> {
    match m? {
        Measure::Size(t) => Some(t),
        Measure::TooSmall => Some(Tenths::TOO_SMALL),
        Measure::Absent => Some(Tenths::ZERO),
        _ => None,
    }
}

impl<'a> Scanner<'a> {
    /// `backdate_equivocal`: an equivocal new lesion later seen unequivocally counts from its
    /// first equivocal scan (RECIST 1.1 §4.3.2); otherwise from the unequivocal one.
    pub(crate) fn new(
        timeline: &'a PatientTimeline,
        roles: &'a [Option<Role>],
        backdate_equivocal: bool,
    ) -> Self {
        let n = timeline.lesions().len();
        let mut first_clear = vec![None; n];
        let mut backdate = vec![None; n];
        for li in 0..n {
            if roles.get(li).copied().flatten() != Some(Role::New) {
                continue;
            }
            let node = timeline.lesions()[li].is_node();
            let row = timeline.row(li);
            let Some(clear) = row
                .iter()
                .position(|m| m.is_some_and(|m| is_present(node, m) == Some(true)))
            else {
                continue;
            };
            first_clear[li] = Some(clear);
            if backdate_equivocal {
                // The run of equivocal / not evaluated scans just before the clear sighting.
                let mut earliest = None;
                for v in (0..clear).rev() {
                    match row[v] {
                        Some(Measure::Equivocal) => earliest = Some(v),
                        None | Some(Measure::NotEvaluated) => {}
                        Some(_) => break,
                    }
                }
                backdate[li] = earliest;
            }
        }
        let mut scanner = Scanner {
            timeline,
            roles,
            first_clear,
            backdate,
            last: vec![Last::Unknown; n],
            class: vec![NewClass::NotSeen; n],
            appearing: Vec::new(),
            nlt_organs: Vec::new(),
            nlt_count: 0,
            registered: 0,
            undo: Vec::new(),
            saved_counts: (0, 0),
            saved_organs: Vec::new(),
        };
        for li in 0..n {
            if scanner.role(li) == Some(Role::NonTarget) {
                let m = timeline.measure(li, 0);
                scanner.last[li] = scanner.observe(li, m);
            }
        }
        scanner
    }

    /// Whether visit `visit` carries a back-dated (revised) new-lesion sighting.
    pub(crate) fn is_backdated(&self, visit: usize) -> bool {
        self.backdate.contains(&Some(visit))
    }

    fn role(&self, li: usize) -> Option<Role> {
        self.roles.get(li).copied().flatten()
    }

    fn is_node(&self, li: usize) -> bool {
        self.timeline.lesions().get(li).is_some_and(|l| l.is_node())
    }

    /// The state a measure implies; `Unknown` for NE or a missing row.
    fn observe(&self, li: usize, m: Option<Measure>) -> Last {
        let node = self.is_node(li);
        match m {
            None => Last::Unknown,
            Some(m) => match is_present(node, m) {
                None => Last::Unknown,
                Some(false) => Last::Absent,
                Some(true) => Last::Present(match m {
                    Measure::Size(t) => Some(t),
                    Measure::TooSmall => Some(Tenths::TOO_SMALL),
                    _ => None,
                }),
            },
        }
    }

    /// Whether a size (or reappearance) shows an increase over the lesion's last state.
    fn size_increased(&self, li: usize, now: Last) -> bool {
        match (self.last[li], now) {
            (Last::Present(Some(before)), Last::Present(Some(after))) => after > before,
            (Last::Absent, Last::Present(_)) => true,
            _ => false,
        }
    }

    /// Baseline sum of the target lesions (all measured at baseline).
    pub(crate) fn baseline_sum(&self) -> Option<Tenths> {
        let mut sum = Tenths::ZERO;
        let mut any = false;
        for li in 0..self.timeline.lesions().len() {
            if self.role(li) == Some(Role::Target) {
                any = true;
                sum = sum.plus(target_value(self.timeline.measure(li, 0)).unwrap_or_default());
            }
        }
        any.then_some(sum)
    }

    /// Facts of follow-up visit `visit` (≥ 1); call in increasing visit order.
    pub(crate) fn visit(&mut self, visit: usize) -> VisitFacts {
        let mut f = VisitFacts {
            target_all_gone: true,
            nt_all_absent: true,
            ..VisitFacts::default()
        };
        self.appearing.clear();
        self.undo.clear();
        self.saved_counts = (self.nlt_count, self.registered);
        self.saved_organs.clone_from(&self.nlt_organs);
        let n = self.timeline.lesions().len();
        let mut target_k = 0;
        for li in 0..n {
            let m = self.timeline.measure(li, visit);
            match self.role(li) {
                None => {}
                Some(Role::Target) => {
                    self.target(li, target_k, m, &mut f);
                    target_k += 1;
                }
                Some(Role::NonTarget) => self.non_target(li, m, &mut f),
                Some(Role::New) => self.new_lesion(li, visit, m, &mut f),
            }
        }
        self.register_appearing(&mut f);
        f.new_registered = self.registered;
        f
    }

    fn set_last(&mut self, li: usize, now: Last) {
        self.undo.push((li, self.last[li], self.class[li]));
        self.last[li] = now;
    }

    fn set_class(&mut self, li: usize, class: NewClass) {
        self.undo.push((li, self.last[li], self.class[li]));
        self.class[li] = class;
    }

    /// Forgets the last visit, as if it had not happened (a scan iRECIST disregards).
    pub(crate) fn rollback(&mut self) {
        while let Some((li, last, class)) = self.undo.pop() {
            self.last[li] = last;
            self.class[li] = class;
        }
        (self.nlt_count, self.registered) = self.saved_counts;
        self.nlt_organs.clone_from(&self.saved_organs);
    }

    fn target(&mut self, li: usize, k: usize, m: Option<Measure>, f: &mut VisitFacts) {
        f.has_targets = true;
        match target_value(m) {
            None => f.target_any_ne = true,
            Some(v) => {
                if let Some(slot) = f.target_values.get_mut(k) {
                    *slot = Some(v);
                }
                f.target_sum = f.target_sum.plus(v);
                let gone = if self.is_node(li) {
                    v < PATHOLOGICAL_NODE
                } else {
                    v == Tenths::ZERO
                };
                f.target_all_gone &= gone;
                f.target_reappeared |= !gone;
            }
        }
    }

    fn non_target(&mut self, li: usize, m: Option<Measure>, f: &mut VisitFacts) {
        f.has_non_targets = true;
        let now = self.observe(li, m);
        match m {
            Some(Measure::Progression) => {
                f.nt_progression = true;
                f.nt_still_progressed = true;
            }
            Some(Measure::Increase | Measure::NoChangeLast) => f.nt_still_progressed = true,
            Some(Measure::FurtherIncrease) => f.nt_further_increase = true,
            _ => {}
        }
        f.nt_size_increase |= self.size_increased(li, now);
        match now {
            Last::Unknown => f.nt_any_ne = true,
            Last::Absent => {}
            Last::Present(_) => {
                f.nt_all_absent = false;
                f.nt_reappeared |= !self.is_node(li);
            }
        }
        if now != Last::Unknown {
            self.set_last(li, now);
        }
    }

    /// What a new lesion's cell means at `visit`: equivocal sightings count as present
    /// (without a size) from the back-dated visit on, and not at all otherwise.
    fn new_observe(&self, li: usize, visit: usize, m: Option<Measure>) -> Last {
        if m == Some(Measure::Equivocal) {
            let pending = self.backdate[li].is_some_and(|b| b <= visit)
                && self.first_clear[li].is_some_and(|c| visit < c);
            return if pending {
                Last::Present(None)
            } else {
                Last::Unknown
            };
        }
        self.observe(li, m)
    }

    fn new_lesion(&mut self, li: usize, visit: usize, m: Option<Measure>, f: &mut VisitFacts) {
        let now = self.new_observe(li, visit, m);
        match self.class[li] {
            NewClass::NotSeen => {
                // An equivocal sighting is "seen" only when it is the back-dated start.
                if matches!(now, Last::Present(_)) {
                    self.appearing.push(li);
                    f.new_appeared += 1;
                    f.new_present = true;
                    if m == Some(Measure::Progression) {
                        f.nlnt_progression = true;
                    }
                    self.set_last(li, now);
                }
            }
            class => {
                match now {
                    Last::Unknown => f.new_any_ne = true,
                    Last::Present(_) => f.new_present = true,
                    Last::Absent => {}
                }
                let equivocal = m == Some(Measure::Equivocal);
                if class == NewClass::Nlt {
                    f.has_nlt = true;
                    match target_value(m) {
                        Some(v) => f.nlt_sum = f.nlt_sum.plus(v),
                        None if equivocal && now != Last::Unknown => f.nlt_pending = true,
                        None => f.nlt_any_ne = true,
                    }
                } else {
                    let coded = matches!(
                        m,
                        Some(Measure::Increase | Measure::FurtherIncrease | Measure::Progression)
                    );
                    f.new_increase |= coded || self.size_increased(li, now);
                    if m == Some(Measure::Progression) {
                        f.nlnt_progression = true;
                    }
                }
                if now != Last::Unknown {
                    self.set_last(li, now);
                }
            }
        }
    }

    /// Classifies the new lesions first seen at this visit: measurable ones become new target
    /// lesions, largest first, while fewer than 5 (2 per organ); the others new non-targets.
    /// Measurability is fixed at the first unequivocal sighting (for a back-dated lesion, a
    /// later visit).
    fn register_appearing(&mut self, f: &mut VisitFacts) {
        if self.appearing.is_empty() {
            return;
        }
        let timeline = self.timeline;
        let size_of = |li: usize| match self.first_clear[li].and_then(|v| timeline.measure(li, v)) {
            Some(Measure::Size(t)) => t,
            _ => Tenths::ZERO,
        };
        // Largest first; equal sizes in lesion order (ids ascending).
        let mut appearing: Vec<(usize, Tenths)> =
            self.appearing.iter().map(|&li| (li, size_of(li))).collect();
        appearing.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for &(li, size) in &appearing {
            let Some(lesion) = timeline.lesions().get(li) else {
                continue;
            };
            self.registered += 1;
            let measurable = is_measurable_size(lesion.is_node(), size);
            let organ = lesion.organ_key();
            let organ_count = self
                .nlt_organs
                .iter()
                .find(|(o, _)| *o == organ)
                .map_or(0, |(_, c)| *c);
            if measurable && self.nlt_count < MAX_TARGETS && organ_count < MAX_TARGETS_PER_ORGAN {
                self.set_class(li, NewClass::Nlt);
                self.nlt_count += 1;
                match self.nlt_organs.iter_mut().find(|(o, _)| *o == organ) {
                    Some((_, c)) => *c += 1,
                    None => self.nlt_organs.push((organ, 1)),
                }
                f.has_nlt = true;
                if self.last[li] == Last::Present(None) {
                    f.nlt_pending = true;
                } else {
                    f.nlt_sum = f.nlt_sum.plus(size);
                }
            } else {
                self.set_class(li, NewClass::Nlnt);
            }
        }
    }
}
