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
    /// All assessed non-nodal targets 0 and all assessed nodal targets < 10 mm.
    pub target_all_gone: bool,
    /// An assessed non-nodal target > 0 or nodal target ≥ 10 mm.
    pub target_reappeared: bool,

    pub has_non_targets: bool,
    pub nt_progression: bool,
    pub nt_any_ne: bool,
    pub nt_all_absent: bool,
    /// Any non-target increased since its last evaluation (progression flag, larger size, or
    /// present again after absent).
    pub nt_increase: bool,
    /// A non-nodal non-target is present again (meaningful after a complete response).
    pub nt_reappeared: bool,

    /// New lesions first seen at this visit.
    pub new_appeared: usize,
    /// New lesions registered up to and including this visit.
    pub new_registered: usize,
    /// Any registered new lesion present (or not evaluated) at this visit.
    pub new_present: bool,
    /// A registered new lesion was not evaluated (or has no row) at this visit.
    pub new_any_ne: bool,
    pub has_nlt: bool,
    /// Sum of the assessed new target lesions.
    pub nlt_sum: Tenths,
    pub nlt_any_ne: bool,
    /// A new non-target lesion increased (or a new lesion was recorded as `progression`).
    pub new_increase: bool,
    /// A new non-target lesion shows unequivocal progression.
    pub nlnt_progression: bool,
}

/// Walks a timeline visit by visit, keeping per-lesion state.
#[derive(Debug)]
pub(crate) struct Scanner<'a> {
    timeline: &'a PatientTimeline,
    roles: &'a [Option<Role>],
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
        Measure::NotEvaluated | Measure::Present | Measure::Progression => None,
    }
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(timeline: &'a PatientTimeline, roles: &'a [Option<Role>]) -> Self {
        let n = timeline.lesions().len();
        let mut scanner = Scanner {
            timeline,
            roles,
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

    /// Whether `m` shows an increase over the lesion's last evaluated state.
    fn increased(&self, li: usize, m: Option<Measure>, now: Last) -> bool {
        if m == Some(Measure::Progression) {
            return true;
        }
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
        for li in 0..n {
            let m = self.timeline.measure(li, visit);
            match self.role(li) {
                None => {}
                Some(Role::Target) => self.target(li, m, &mut f),
                Some(Role::NonTarget) => self.non_target(li, m, &mut f),
                Some(Role::New) => self.new_lesion(li, m, &mut f),
            }
        }
        self.register_appearing(visit, &mut f);
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

    fn target(&mut self, li: usize, m: Option<Measure>, f: &mut VisitFacts) {
        f.has_targets = true;
        match target_value(m) {
            None => f.target_any_ne = true,
            Some(v) => {
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
        if m == Some(Measure::Progression) {
            f.nt_progression = true;
        }
        f.nt_increase |= self.increased(li, m, now);
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

    fn new_lesion(&mut self, li: usize, m: Option<Measure>, f: &mut VisitFacts) {
        let now = self.observe(li, m);
        match self.class[li] {
            NewClass::NotSeen => {
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
                f.new_present |= now != Last::Absent;
                f.new_any_ne |= now == Last::Unknown;
                if m == Some(Measure::Progression) {
                    f.new_increase = true;
                    if class == NewClass::Nlnt {
                        f.nlnt_progression = true;
                    }
                }
                if class == NewClass::Nlt {
                    f.has_nlt = true;
                    match target_value(m) {
                        Some(v) => f.nlt_sum = f.nlt_sum.plus(v),
                        None => f.nlt_any_ne = true,
                    }
                } else {
                    f.new_increase |= self.increased(li, m, now);
                }
                if now != Last::Unknown {
                    self.set_last(li, now);
                }
            }
        }
    }

    /// Classifies the new lesions first seen at this visit: measurable ones become new target
    /// lesions, largest first, while fewer than 5 (2 per organ); the others new non-targets.
    fn register_appearing(&mut self, visit: usize, f: &mut VisitFacts) {
        if self.appearing.is_empty() {
            return;
        }
        let timeline = self.timeline;
        let size_of = |li: usize| match timeline.measure(li, visit) {
            Some(Measure::Size(t)) => t,
            _ => Tenths::ZERO,
        };
        // Largest first; equal sizes in lesion order (ids ascending).
        self.appearing
            .sort_by(|&a, &b| size_of(b).cmp(&size_of(a)).then(a.cmp(&b)));
        for k in 0..self.appearing.len() {
            let li = self.appearing[k];
            let Some(lesion) = timeline.lesions().get(li) else {
                continue;
            };
            self.registered += 1;
            let size = size_of(li);
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
                f.nlt_sum = f.nlt_sum.plus(size);
            } else {
                self.set_class(li, NewClass::Nlnt);
            }
        }
    }
}
