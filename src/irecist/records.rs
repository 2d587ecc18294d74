//! Rows of the lesion file → validated patient timelines.

use std::cmp::Ordering;
use std::collections::HashMap;

use std::fmt;
use std::str::FromStr;

use super::baseline::{MAX_TARGETS, MAX_TARGETS_PER_ORGAN};
use super::lesion::{
    Laterality, Lesion, LesionKind, PATHOLOGICAL_NODE, is_measurable_size, organ_key,
};
use super::measure::{Measure, Tenths};
use crate::{Error, Result};

/// Why a scan was done (the optional `scan` column; one value per patient and visit).
///
/// iRECIST: a scan less than 4 weeks after an iUPD cannot confirm it by size; only a scan
/// done for a new symptom or sign that shows additional new lesions confirms iCPD (Working
/// Group FAQ, "can imaging be used to confirm progression even when done less than four
/// weeks …").
///
/// # Examples
/// ```
/// use oncostat::irecist::Scan;
/// # fn main() -> Result<(), oncostat::Error> {
/// assert_eq!("symptom".parse::<Scan>()?, Scan::Symptom);
/// assert_eq!("".parse::<Scan>()?, Scan::Scheduled);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Scan {
    /// A scan of the protocol's schedule (the default; also an empty cell).
    #[default]
    Scheduled,
    /// An unscheduled scan for another reason.
    Unscheduled,
    /// A scan done for a new clinical symptom or sign.
    Symptom,
}

impl fmt::Display for Scan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scan::Scheduled => "scheduled",
            Scan::Unscheduled => "unscheduled",
            Scan::Symptom => "symptom",
        })
    }
}

impl FromStr for Scan {
    type Err = Error;

    /// Parses `scheduled` (or empty), `unscheduled` or `symptom` (case-insensitive).
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "scheduled" => Ok(Scan::Scheduled),
            "unscheduled" => Ok(Scan::Unscheduled),
            "symptom" | "symptoms" | "sign" => Ok(Scan::Symptom),
            _ => Err(Error::InvalidMeasurement {
                value: s.trim().to_string(),
                reason: "unknown scan reason; expected `scheduled`, `unscheduled` or `symptom`",
            }),
        }
    }
}

/// One row of the lesion file: one lesion at one visit.
///
/// See the lesion-file format of the `analyze irecist` command: `patient, lesion, day, organ,
/// kind, node, irradiated, measure` and the optional `laterality, scan`.
///
/// # Examples
/// ```
/// use oncostat::irecist::{LesionKind, LesionRecord, Measure, Tenths};
/// let row = LesionRecord {
///     patient: "P1".into(),
///     lesion: "liver-1".into(),
///     day: 0,
///     organ: "liver".into(),
///     kind: LesionKind::Target,
///     node: false,
///     irradiated: false,
///     measure: Measure::Size(Tenths::new(300)),
///     ..LesionRecord::default()
/// };
/// assert_eq!(row.measure.to_string(), "30");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LesionRecord {
    /// Patient id.
    pub patient: String,
    /// Lesion id, unique within the patient.
    pub lesion: String,
    /// Days since the patient's baseline visit (baseline = day 0).
    pub day: u32,
    /// Organ or site; all lymph nodes count as one organ.
    pub organ: String,
    /// Target, non-target (chosen at baseline) or new (first seen after baseline).
    pub kind: LesionKind,
    /// `true` for a lymph node (measure = short axis).
    pub node: bool,
    /// `true` if the lesion lies in the radiation field.
    pub irradiated: bool,
    /// What was recorded at this visit.
    pub measure: Measure,
    /// Side in a paired organ (`None`: not recorded); never changes a classification.
    pub laterality: Option<Laterality>,
    /// Why the scan of this visit was done (the same for every row of the visit).
    pub scan: Scan,
}

/// The text fields of one lesion-file row, before parsing.
///
/// [`LesionRow::parse`] turns it into a [`LesionRecord`] and names the patient, lesion and day
/// in every error. The optional columns `laterality` and `scan` may be left empty (`""`,
/// as [`Default`] gives).
#[derive(Debug, Clone, Copy, Default)]
pub struct LesionRow<'a> {
    /// `patient` column.
    pub patient: &'a str,
    /// `lesion` column.
    pub lesion: &'a str,
    /// `day` column (a whole number ≥ 0).
    pub day: &'a str,
    /// `organ` column.
    pub organ: &'a str,
    /// `kind` column: `target`, `nontarget` or `new`.
    pub kind: &'a str,
    /// `node` column: `true`/`false` (also `1`/`0`, `yes`/`no`).
    pub node: &'a str,
    /// `irradiated` column: `true`/`false`.
    pub irradiated: &'a str,
    /// `measure` column (see [`Measure`]).
    pub measure: &'a str,
    /// Optional `laterality` column: `left`, `right`, `bilateral` or empty.
    pub laterality: &'a str,
    /// Optional `scan` column: `scheduled` (or empty), `unscheduled`, `symptom`.
    pub scan: &'a str,
}

impl LesionRow<'_> {
    /// Parses the row.
    ///
    /// # Errors
    /// * [`Error::InvalidLesionDay`] naming the patient and lesion for an unreadable day.
    /// * [`Error::InvalidLesion`] naming the patient, lesion and day for an empty id, an
    ///   unreadable kind, flag, measure (e.g. a negative size), laterality or scan reason.
    ///
    /// # Examples
    /// ```
    /// use oncostat::irecist::{LesionRow, Measure};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let row = LesionRow { patient: "P1", lesion: "L1", day: "56", organ: "liver",
    ///     kind: "target", node: "false", irradiated: "false", measure: "12.5",
    ///     ..LesionRow::default() };
    /// assert_eq!(row.parse()?.day, 56);
    /// # Ok(())
    /// # }
    /// ```
    pub fn parse(&self) -> Result<LesionRecord> {
        let patient = self.patient.trim();
        let lesion = self.lesion.trim();
        let day: u32 = parse_day(self.day).ok_or_else(|| Error::InvalidLesionDay {
            patient: patient.to_string(),
            lesion: lesion.to_string(),
            value: self.day.trim().to_string(),
        })?;
        let fail = |day: u32, reason: String| Error::InvalidLesion {
            patient: patient.to_string(),
            lesion: lesion.to_string(),
            day,
            reason,
        };
        if patient.is_empty() {
            return Err(fail(day, "the patient id is empty".into()));
        }
        if lesion.is_empty() {
            return Err(fail(day, "the lesion id is empty".into()));
        }
        let kind = self
            .kind
            .parse::<LesionKind>()
            .map_err(|e| fail(day, reason_of(e)))?;
        let node = parse_flag(self.node).ok_or_else(|| {
            fail(
                day,
                format!("node `{}` is not true/false", self.node.trim()),
            )
        })?;
        let irradiated = parse_flag(self.irradiated).ok_or_else(|| {
            fail(
                day,
                format!("irradiated `{}` is not true/false", self.irradiated.trim()),
            )
        })?;
        let measure = self
            .measure
            .parse::<Measure>()
            .map_err(|e| fail(day, reason_of(e)))?;
        let laterality = match self.laterality.trim() {
            "" | "NA" => None,
            text => Some(
                text.parse::<Laterality>()
                    .map_err(|e| fail(day, reason_of(e)))?,
            ),
        };
        let scan = match self.scan.trim() {
            "NA" => Scan::Scheduled,
            text => text.parse::<Scan>().map_err(|e| fail(day, reason_of(e)))?,
        };
        Ok(LesionRecord {
            patient: patient.to_string(),
            lesion: lesion.to_string(),
            day,
            organ: self.organ.trim().to_string(),
            kind,
            node,
            irradiated,
            measure,
            laterality,
            scan,
        })
    }
}

fn reason_of(e: Error) -> String {
    match e {
        Error::InvalidMeasurement { value, reason } => format!("`{value}`: {reason}"),
        other => other.to_string(),
    }
}

/// A whole number of days; `56.0` (as some exports write integers) is accepted.
fn parse_day(s: &str) -> Option<u32> {
    let t = s.trim();
    t.parse::<u32>().ok().or_else(|| {
        let x: f64 = t.parse().ok()?;
        (x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x <= f64::from(u32::MAX))
            .then_some(x as u32)
    })
}

fn parse_flag(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "1" | "yes" | "y" => Some(true),
        "false" | "f" | "0" | "no" | "n" => Some(false),
        _ => None,
    }
}

/// A patient's validated lesions and visits.
///
/// Lesions are ordered targets first, then non-targets, then new lesions, each by id; visits
/// are the distinct days of the patient's rows, ascending, with day 0 the baseline. A lesion
/// without a row at a visit is *not evaluated* there (a new lesion: not seen yet).
///
/// Built by [`timelines_from_records`], which checks the RECIST 1.1 baseline rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientTimeline {
    patient: String,
    days: Vec<u32>,
    scans: Vec<Scan>,
    lesions: Vec<Lesion>,
    /// `cells[lesion * days.len() + visit]`
    cells: Vec<Option<Measure>>,
}

impl PatientTimeline {
    /// Patient id.
    pub fn patient(&self) -> &str {
        &self.patient
    }

    /// Visit days, ascending; `days()[0] == 0` is the baseline.
    pub fn days(&self) -> &[u32] {
        &self.days
    }

    /// Same as [`days`](Self::days): the visit days, ascending, baseline first.
    pub fn visits(&self) -> &[u32] {
        &self.days
    }

    /// Why the scan of visit `visit` (index into [`days`](Self::days)) was done.
    pub fn scan(&self, visit: usize) -> Scan {
        self.scans.get(visit).copied().unwrap_or_default()
    }

    /// The lesions (targets, non-targets, new), each group ordered by id.
    pub fn lesions(&self) -> &[Lesion] {
        &self.lesions
    }

    /// What was recorded for lesion `lesion` (index into [`lesions`](Self::lesions)) at visit
    /// `visit` (index into [`days`](Self::days)); `None` if there is no row.
    pub fn measure(&self, lesion: usize, visit: usize) -> Option<Measure> {
        if visit >= self.days.len() {
            return None;
        }
        self.cells
            .get(lesion * self.days.len() + visit)
            .copied()
            .flatten()
    }

    /// The recorded measures of one lesion, one entry per visit.
    pub(crate) fn row(&self, lesion: usize) -> &[Option<Measure>] {
        let n = self.days.len();
        self.cells.get(lesion * n..(lesion + 1) * n).unwrap_or(&[])
    }
}

/// Groups lesion rows by patient and validates each patient's lesions.
///
/// Patients come back sorted by id; the order of the input rows does not matter.
///
/// Checks (RECIST 1.1): every target and non-target lesion has a baseline (day 0) row; a
/// target is measurable at baseline (≥ 10 mm, lymph node short axis ≥ 15 mm); at most 5
/// targets and 2 per organ (all lymph nodes one organ); target rows hold a size, `tiny`, `0`/
/// `absent` or `NE`; a non-target is present at baseline; new lesions appear only after
/// baseline; a lesion keeps its kind, organ, node and irradiated flags; one row per lesion
/// and visit.
///
/// # Errors
/// * [`Error::EmptyInput`] if `records` is empty.
/// * [`Error::InvalidLesion`] naming patient, lesion and day for any violation above.
/// * [`Error::InvalidPatient`] for a patient without any baseline target or non-target lesion.
///
/// # Examples
/// ```
/// use oncostat::irecist::{timelines_from_records, LesionKind, LesionRecord, Measure, Tenths};
/// # fn main() -> Result<(), oncostat::Error> {
/// let row = |day, mm| LesionRecord {
///     patient: "P1".into(), lesion: "L1".into(), day, organ: "liver".into(),
///     kind: LesionKind::Target, node: false, irradiated: false,
///     measure: Measure::Size(Tenths::new(mm)), ..LesionRecord::default()
/// };
/// let timelines = timelines_from_records(&[row(56, 200), row(0, 300)])?;
/// assert_eq!(timelines[0].days(), &[0, 56]);
/// # Ok(())
/// # }
/// ```
pub fn timelines_from_records(records: &[LesionRecord]) -> Result<Vec<PatientTimeline>> {
    if records.is_empty() {
        return Err(Error::EmptyInput {
            what: "lesion records",
        });
    }
    // Group rows by patient in O(n) (hash + counting sort), then sort each patient's rows.
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    let mut group_ids = Vec::with_capacity(records.len());
    let mut group_sizes: Vec<usize> = Vec::new();
    for r in records {
        let next = group_sizes.len();
        let g = *group_of.entry(r.patient.as_str()).or_insert(next);
        if g == next {
            group_sizes.push(0);
        }
        group_sizes[g] += 1;
        group_ids.push(g);
    }
    let mut starts = Vec::with_capacity(group_sizes.len() + 1);
    let mut acc = 0;
    for &n in &group_sizes {
        starts.push(acc);
        acc += n;
    }
    starts.push(acc);
    let mut fill = starts.clone();
    let mut order = vec![0usize; records.len()];
    for (i, &g) in group_ids.iter().enumerate() {
        order[fill[g]] = i;
        fill[g] += 1;
    }
    let mut groups: Vec<(&str, usize)> = group_of.into_iter().collect();
    groups.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut timelines = Vec::with_capacity(groups.len());
    for (_, g) in groups {
        let rows = &mut order[starts[g]..starts[g + 1]];
        rows.sort_unstable_by(|&a, &b| cmp_rows(&records[a], &records[b]));
        timelines.push(build_timeline(records, rows)?);
    }
    Ok(timelines)
}

fn cmp_rows(a: &LesionRecord, b: &LesionRecord) -> Ordering {
    a.lesion.cmp(&b.lesion).then_with(|| a.day.cmp(&b.day))
}

/// Builds one patient's timeline from its rows (sorted by lesion, then day).
fn build_timeline(records: &[LesionRecord], rows: &[usize]) -> Result<PatientTimeline> {
    let first = &records[rows[0]];
    let patient = first.patient.clone();
    let fail = |r: &LesionRecord, reason: String| Error::InvalidLesion {
        patient: r.patient.clone(),
        lesion: r.lesion.clone(),
        day: r.day,
        reason,
    };

    let mut days: Vec<u32> = rows.iter().map(|&i| records[i].day).collect();
    days.sort_unstable();
    days.dedup();

    // Lesion groups: (first row position in `rows`, number of rows).
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut pos = 0;
    while pos < rows.len() {
        let head = &records[rows[pos]];
        let len = rows[pos..]
            .iter()
            .take_while(|&&i| records[i].lesion == head.lesion)
            .count();
        for w in rows[pos..pos + len].windows(2) {
            let (a, b) = (&records[w[0]], &records[w[1]]);
            if a.day == b.day {
                return Err(fail(b, "two rows for the same lesion and visit".into()));
            }
            if a.kind != b.kind || a.node != b.node || a.irradiated != b.irradiated {
                return Err(fail(
                    b,
                    format!(
                        "kind/node/irradiated differ from the lesion's row at day {} \
                         (a lesion keeps them at every visit)",
                        a.day
                    ),
                ));
            }
            if a.organ != b.organ && organ_key(&a.organ, a.node) != organ_key(&b.organ, b.node) {
                return Err(fail(
                    b,
                    format!(
                        "organ `{}` differs from `{}` at day {}",
                        b.organ, a.organ, a.day
                    ),
                ));
            }
            if a.laterality != b.laterality {
                let side =
                    |l: Option<Laterality>| l.map_or_else(|| "none".to_string(), |l| l.to_string());
                return Err(fail(
                    b,
                    format!(
                        "laterality `{}` differs from `{}` at day {}",
                        side(b.laterality),
                        side(a.laterality),
                        a.day
                    ),
                ));
            }
        }
        groups.push((pos, len));
        pos += len;
    }
    // Targets, then non-targets, then new lesions; ids ascending within each kind.
    groups.sort_by_key(|&(p, _)| records[rows[p]].kind);

    let n_days = days.len();
    // The scan reason belongs to the visit: every row of a day must agree with the first.
    let mut scans: Vec<Option<(Scan, usize)>> = vec![None; n_days];
    for &i in rows.iter() {
        let r = &records[i];
        let vi = days.binary_search(&r.day).unwrap_or(0);
        match scans[vi] {
            None => scans[vi] = Some((r.scan, i)),
            Some((scan, first)) if scan != r.scan => {
                return Err(fail(
                    r,
                    format!(
                        "scan `{}` disagrees with scan `{}` of lesion `{}` at the same visit \
                         (the scan reason belongs to the visit)",
                        r.scan, scan, records[first].lesion
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    let scans: Vec<Scan> = scans
        .into_iter()
        .map(|s| s.map_or(Scan::Scheduled, |(scan, _)| scan))
        .collect();
    let mut lesions = Vec::with_capacity(groups.len());
    let mut cells = vec![None; groups.len() * n_days];
    for (li, &(p, len)) in groups.iter().enumerate() {
        let head = &records[rows[p]];
        lesions.push(Lesion::new(
            head.lesion.clone(),
            head.organ.clone(),
            head.laterality,
            head.kind,
            head.node,
            head.irradiated,
        ));
        for &i in &rows[p..p + len] {
            let r = &records[i];
            let vi = days.binary_search(&r.day).unwrap_or(0);
            cells[li * n_days + vi] = Some(r.measure);
            validate_row(r).map_err(|reason| fail(r, reason))?;
        }
        if head.kind != LesionKind::New && head.day != 0 {
            return Err(fail(
                head,
                format!(
                    "{} lesion has no baseline (day 0) row",
                    kind_word(head.kind)
                ),
            ));
        }
    }
    if !lesions.iter().any(|l| l.kind() != LesionKind::New) {
        return Err(Error::InvalidPatient {
            patient,
            reason: "no target or non-target lesion at baseline (day 0)".into(),
        });
    }
    validate_target_counts(records, rows, &groups)?;
    Ok(PatientTimeline {
        patient,
        days,
        scans,
        lesions,
        cells,
    })
}

fn kind_word(kind: LesionKind) -> &'static str {
    match kind {
        LesionKind::Target => "target",
        LesionKind::NonTarget => "non-target",
        LesionKind::New => "new",
    }
}

/// Checks one row against its lesion kind and visit; `Err(reason)` on a violation.
fn validate_row(r: &LesionRecord) -> std::result::Result<(), String> {
    let baseline = r.day == 0;
    let status_code = matches!(
        r.measure,
        Measure::Present
            | Measure::Progression
            | Measure::Increase
            | Measure::NoChangeLast
            | Measure::FurtherIncrease
    );
    match (r.kind, baseline, r.measure) {
        (LesionKind::New, true, _) => Err("a new lesion cannot be recorded at baseline (day 0); \
             lesions seen at baseline are target or non-target"
            .into()),
        (LesionKind::Target | LesionKind::NonTarget, _, Measure::Equivocal) => Err(format!(
            "`equivocal` is for new lesions only; a {} lesion is recorded with {}",
            kind_word(r.kind),
            if r.kind == LesionKind::Target {
                "a size in mm, `tiny`, `0`/`absent` or `NE`"
            } else {
                "`absent`, `present`, `increase`, `no-change-last`, `further-increase`, \
                 `unequivocal` or `NE`"
            }
        )),
        (LesionKind::Target, true, Measure::Size(t)) => {
            if is_measurable_size(r.node, t) {
                Ok(())
            } else if r.node {
                Err(format!(
                    "target lymph node has short axis {t} mm at baseline; a measurable node \
                     needs >= 15 mm (10 to < 15 mm: non-target)"
                ))
            } else {
                Err(format!(
                    "target lesion measures {t} mm at baseline; a measurable lesion needs >= 10 mm"
                ))
            }
        }
        (LesionKind::Target, true, m) => Err(format!(
            "target lesion is `{m}` at baseline; a target needs a measured size (>= 10 mm, \
             lymph node short axis >= 15 mm)"
        )),
        (LesionKind::Target, false, m) if status_code => Err(format!(
            "target lesion recorded as `{m}`; targets need a size in mm, `tiny`, `0`/`absent` or `NE`"
        )),
        (LesionKind::NonTarget, true, Measure::Absent | Measure::NotEvaluated) => Err(format!(
            "non-target lesion is `{}` at baseline; a non-target lesion must be present at baseline",
            r.measure
        )),
        (
            LesionKind::NonTarget,
            true,
            m @ (Measure::Progression
            | Measure::Increase
            | Measure::NoChangeLast
            | Measure::FurtherIncrease),
        ) => Err(format!(
            "`{m}` at baseline is meaningless (it compares with an earlier assessment); \
             record the non-target as `present`"
        )),
        (LesionKind::NonTarget, true, Measure::Size(t)) if r.node && t < PATHOLOGICAL_NODE => {
            Err(format!(
                "non-target lymph node has short axis {t} mm at baseline; a node under 10 mm is \
                 normal, not a lesion (RECIST 1.1): remove the row"
            ))
        }
        (LesionKind::NonTarget, true, Measure::TooSmall) if r.node => Err(
            "non-target lymph node is `tiny` at baseline; a node under 10 mm is normal, not a \
             lesion (RECIST 1.1): remove the row"
                .into(),
        ),
        (LesionKind::NonTarget, true, Measure::Size(t)) if !r.node && t == Tenths::ZERO => {
            Err("non-target lesion measures 0 mm at baseline; a non-target must be present".into())
        }
        _ => Ok(()),
    }
}

/// At most 5 targets, at most 2 per organ (all lymph nodes one organ).
fn validate_target_counts(
    records: &[LesionRecord],
    rows: &[usize],
    groups: &[(usize, usize)],
) -> Result<()> {
    let mut organs: Vec<(String, usize)> = Vec::new();
    let mut n_targets = 0;
    for &(p, _) in groups {
        let r = &records[rows[p]];
        if r.kind != LesionKind::Target {
            continue;
        }
        n_targets += 1;
        let fail = |reason: String| Error::InvalidLesion {
            patient: r.patient.clone(),
            lesion: r.lesion.clone(),
            day: 0,
            reason,
        };
        if n_targets > MAX_TARGETS {
            return Err(fail(format!(
                "more than {MAX_TARGETS} target lesions (RECIST 1.1 allows at most 5; \
                 record the others as non-target)"
            )));
        }
        let key = organ_key(&r.organ, r.node);
        match organs.iter_mut().find(|(k, _)| *k == key) {
            Some((_, count)) => {
                *count += 1;
                if *count > MAX_TARGETS_PER_ORGAN {
                    return Err(fail(format!(
                        "more than {MAX_TARGETS_PER_ORGAN} target lesions in organ `{key}` \
                         (RECIST 1.1 allows at most 2 per organ; all lymph nodes count as one organ)"
                    )));
                }
            }
            None => organs.push((key, 1)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(lesion: &str, day: u32, kind: LesionKind, organ: &str, m: Measure) -> LesionRecord {
        LesionRecord {
            patient: "P".into(),
            lesion: lesion.into(),
            day,
            organ: organ.into(),
            kind,
            node: false,
            irradiated: false,
            measure: m,
            ..LesionRecord::default()
        }
    }

    #[test]
    fn builds_grid_with_missing_cells() {
        let s = |t| Measure::Size(Tenths::new(t));
        let recs = vec![
            rec("b", 0, LesionKind::NonTarget, "bone", Measure::Present),
            rec("a", 56, LesionKind::Target, "liver", s(150)),
            rec("a", 0, LesionKind::Target, "liver", s(200)),
            rec("n", 56, LesionKind::New, "lung", s(80)),
        ];
        let t = timelines_from_records(&recs).unwrap();
        assert_eq!(t.len(), 1);
        let t = &t[0];
        assert_eq!(t.days(), &[0, 56]);
        let ids: Vec<&str> = t.lesions().iter().map(|l| l.id()).collect();
        assert_eq!(ids, ["a", "b", "n"]);
        assert_eq!(t.measure(1, 1), None);
        assert_eq!(t.measure(2, 1), Some(s(80)));
    }

    #[test]
    fn rejects_duplicate_rows() {
        let s = Measure::Size(Tenths::new(200));
        let recs = vec![
            rec("a", 0, LesionKind::Target, "liver", s),
            rec("a", 0, LesionKind::Target, "liver", s),
        ];
        let e = timelines_from_records(&recs).unwrap_err();
        assert!(matches!(e, Error::InvalidLesion { day: 0, .. }), "{e}");
    }
}
