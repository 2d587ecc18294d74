//! CDISC interchange: SDTM TU/TR in, RS / ADRS / ADTR and a reconciliation report out.
//!
//! Every dataset is a [`Dataset`] of text cells with the standard variable names, read from
//! and written to CSV. SAS transport (XPT) files are not read: the one pure-Rust XPT crate
//! found (`xportrs`, version 0.0.x at the time of writing) is pre-release and needs Rust 1.92,
//! above this crate's MSRV 1.89, so it is not a dependency. Convert XPT to CSV first, e.g. with
//! R's `haven::read_xpt` and `write.csv(..., row.names = FALSE, na = "")`.
//!
//! # SDTM in ([`read_sdtm`])
//! * **TU** (tumour identification), one row per lesion: `USUBJID`, `TULNKID` (lesion id),
//!   `TUSTRESC` (or `TUORRES`): `TARGET`, `NON-TARGET`, `NEW` (an equivocal new lesion is
//!   `NEW` with the TR state `EQUIVOCAL`); `TULOC` (organ; a location
//!   containing `NODE` is a lymph node), optional `TULAT` (laterality), `TUEVAL`/`TUEVALID`
//!   (who identified it). The non-standard optional `TUIRRAD` (`Y`/`N`, the flattened SUPPTU
//!   qualifier of the abscopal study) marks lesions in the radiation field.
//! * **TR** (tumour results), one row per lesion, visit and test: `USUBJID`, `TRLNKID`,
//!   `TRTESTCD` (`LDIAM` longest diameter, `SAXIS` short axis, `TUMSTATE` status), the result in
//!   `TRSTRESN` (mm) or `TRSTRESC`/`TRORRES`, `VISITNUM`, `TRDY` (study day), `VISIT`,
//!   `TREVAL`/`TREVALID` (reader) and optional `TRSTAT` (`NOT DONE` = not evaluated).
//! * Days: the lesion file's day is `TRDY` minus the subject's earliest `TRDY` (SDTM study days
//!   have no day 0; the earliest assessment is the baseline). A lesion's value at a visit is
//!   `SAXIS` for a node, `LDIAM` otherwise, `TUMSTATE` when neither is given.
//! * `TUMSTATE` and text results take the lesion-file vocabulary ([`Measure`]) and the CDISC
//!   terms `PRESENT`, `ABSENT`, `UNEQUIVOCAL PROGRESSION`, `EQUIVOCAL`, `NOT EVALUABLE`,
//!   `NOT DONE`, `TOO SMALL TO MEASURE`, `NON-PATHOLOGICAL` (a normal node: absent).
//! * The scan reason comes from the `VISIT` name: containing `SYMPTOM`, a scan for a new
//!   symptom or sign ([`Scan::Symptom`]; SDTM has no standard variable for it, this is the
//!   crate's convention, written by [`sdtm_from_records`]); containing `UNSCHEDULED`, an
//!   unscheduled scan; otherwise scheduled. Disagreeing rows of one visit are an error of
//!   [`timelines_from_records`](super::timelines_from_records).
//!
//! # Out
//! * **RS** ([`rs_dataset`]): per visit `TRGRESP`, `NTRGRESP`, `NEWLPROG`, `OVRLRESP`, with
//!   `RSCAT` `RECIST 1.1` or `iRECIST` (component PD reads `iUPD`/`iCPD` as the overall call).
//! * **ADRS** ([`adrs_dataset`]): `PARAMCD` `OVR` per visit and `BOR` per subject, each criteria.
//! * **ADTR** ([`adtr_dataset`]): `PARAMCD` `SUMDIAM` per visit: `AVAL`, `BASE`, `CHG`, `PCHG`,
//!   `NADIR` (the smallest earlier sum the visit is compared with), `CHGNAD`, `PCHGNAD`.
//! * **Reconciliation** ([`reconcile`]): the investigator's `OVRLRESP` against the computed
//!   call, per visit, with the rule and the sums that explain a difference.
//!
//! # Examples
//! ```
//! use oncostat::irecist::cdisc::{read_sdtm, rs_dataset, Dataset, Reader};
//! use oncostat::irecist::{assess, timelines_from_records, IrecistRules};
//! # fn main() -> Result<(), oncostat::Error> {
//! let tu = Dataset::from_csv_reader(
//!     "USUBJID,TULNKID,TUSTRESC,TULOC\nS1,T01,TARGET,LIVER\n".as_bytes())?;
//! let tr = Dataset::from_csv_reader(
//!     "USUBJID,TRLNKID,TRTESTCD,TRSTRESN,VISITNUM,TRDY\n\
//!      S1,T01,LDIAM,100,1,-3\nS1,T01,LDIAM,130,2,53\n".as_bytes())?;
//! let input = read_sdtm(&tu, &tr, &Reader::Investigator)?;
//! let t = timelines_from_records(&input.records)?;
//! let a = assess(&t[0], &IrecistRules::default())?;
//! assert_eq!(a.visits()[1].day(), 56);
//! let rs = rs_dataset(&[(t[0].patient().to_string(), a)]);
//! assert!(rs.to_csv().contains("OVRLRESP"));
//! # Ok(())
//! # }
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use super::assess::Assessment;
use super::lesion::{Laterality, LesionKind};
use super::measure::{Measure, Tenths};
use super::records::{LesionRecord, Scan};
use super::response::{Recist11, Response};
use super::rules::Criteria;
use crate::{Error, Result};

/// A table of text cells with named columns (an SDTM or ADaM dataset).
///
/// ```
/// use oncostat::irecist::cdisc::Dataset;
/// # fn main() -> Result<(), oncostat::Error> {
/// let d = Dataset::from_csv_reader("A,B\n1,x\n".as_bytes())?;
/// assert_eq!(d.get(0, "B"), Some("x"));
/// assert_eq!(d.len(), 1);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dataset {
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn csv_error(location: String, reason: impl ToString) -> Error {
    Error::Csv {
        location,
        reason: reason.to_string(),
    }
}

fn invalid(value: impl Into<String>, reason: String) -> Error {
    Error::InvalidPatient {
        patient: value.into(),
        reason,
    }
}

impl Dataset {
    /// A dataset with these columns and rows (each row as long as `columns`).
    ///
    /// # Errors
    /// * [`Error::DimensionMismatch`] if a row has a different number of cells.
    pub fn new(columns: Vec<String>, rows: Vec<Vec<String>>) -> Result<Self> {
        if let Some(bad) = rows.iter().find(|r| r.len() != columns.len()) {
            return Err(Error::mismatch("dataset row", columns.len(), bad.len()));
        }
        Ok(Dataset { columns, rows })
    }

    /// Reads CSV with the crate's reader ([`Table::from_csv_reader`](crate::frame::Table::from_csv_reader):
    /// header row, quoted cells, the same guards). Cells are kept as text, trimmed, as
    /// written; `NA` is an empty cell.
    ///
    /// # Errors
    /// * [`Error::Csv`] if the CSV cannot be read or a row has the wrong number of cells
    ///   (names the 1-based data row).
    #[cfg(feature = "csv")]
    pub fn from_csv_reader<R: std::io::Read>(reader: R) -> Result<Self> {
        Ok(Dataset::from_table(&crate::frame::Table::from_csv_reader(
            reader,
        )?))
    }

    /// Reads a CSV file (see [`from_csv_reader`](Self::from_csv_reader)).
    ///
    /// # Errors
    /// * [`Error::Csv`] naming the file if it cannot be opened or read.
    #[cfg(feature = "csv")]
    pub fn from_csv_path(path: impl AsRef<std::path::Path>) -> Result<Self> {
        Ok(Dataset::from_table(&crate::frame::Table::from_csv_path(
            path,
        )?))
    }

    /// The cells of a table as text, as written (a missing cell is empty).
    #[cfg(feature = "csv")]
    fn from_table(table: &crate::frame::Table) -> Self {
        let texts: Vec<crate::frame::CellText<'_>> = table
            .names()
            .iter()
            .filter_map(|n| table.cell_text(n).ok())
            .collect();
        let rows = (0..table.nrows())
            .map(|i| {
                texts
                    .iter()
                    .map(|t| t.get(i).map(|c| c.into_owned()).unwrap_or_default())
                    .collect()
            })
            .collect();
        Dataset {
            columns: table.names().to_vec(),
            rows,
        }
    }

    /// Column names.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// `true` without rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The cell of `column` in row `row` (`None` if either does not exist).
    pub fn get(&self, row: usize, column: &str) -> Option<&str> {
        let j = self.columns.iter().position(|c| c == column)?;
        self.rows.get(row)?.get(j).map(String::as_str)
    }

    fn index(&self, column: &str, what: &str) -> Result<usize> {
        self.columns
            .iter()
            .position(|c| c == column)
            .ok_or_else(|| Error::Csv {
                location: what.to_string(),
                reason: format!(
                    "no column `{column}` (columns: {})",
                    self.columns.join(", ")
                ),
            })
    }

    /// CSV text (header row; cells quoted when they hold a comma, quote or line break).
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let line = |out: &mut String, cells: &[String]| {
            for (k, c) in cells.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                if c.contains([',', '"', '\n', '\r']) {
                    let _ = write!(out, "\"{}\"", c.replace('"', "\"\""));
                } else {
                    out.push_str(c);
                }
            }
            out.push('\n');
        };
        line(&mut out, &self.columns);
        for r in &self.rows {
            line(&mut out, r);
        }
        out
    }
}

/// Whose measurements to read from TU/TR (`TUEVAL`/`TREVAL`, `TREVALID`).
///
/// ```
/// use oncostat::irecist::cdisc::Reader;
/// assert_eq!(Reader::default(), Reader::Investigator);
/// let central = Reader::Independent(Some("RADIOLOGIST 1".into()));
/// assert_ne!(central, Reader::Investigator);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Reader {
    /// `INVESTIGATOR` (or an empty evaluator). The default.
    #[default]
    Investigator,
    /// `INDEPENDENT ASSESSOR`; with an id, only rows whose `TREVALID` equals it (e.g.
    /// `RADIOLOGIST 1`).
    Independent(Option<String>),
}

impl Reader {
    fn accepts(&self, eval: &str, eval_id: &str) -> bool {
        let eval = eval.trim().to_ascii_uppercase();
        match self {
            Reader::Investigator => eval.is_empty() || eval == "INVESTIGATOR",
            Reader::Independent(id) => {
                eval.starts_with("INDEPENDENT")
                    && id
                        .as_ref()
                        .is_none_or(|id| id.eq_ignore_ascii_case(eval_id.trim()))
            }
        }
    }
}

/// Lesion records read from SDTM, and each subject's visits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdtmInput {
    /// One record per lesion and visit, as in the lesion file.
    pub records: Vec<LesionRecord>,
    /// `(USUBJID, VISITNUM, day)` of every visit read.
    pub visits: Vec<(String, String, u32)>,
}

fn kind_of(text: &str) -> Option<LesionKind> {
    let t = text.trim().to_ascii_uppercase().replace(['_', ' '], "-");
    match t.as_str() {
        "TARGET" => Some(LesionKind::Target),
        "NON-TARGET" | "NONTARGET" => Some(LesionKind::NonTarget),
        t if t.starts_with("NEW") => Some(LesionKind::New),
        _ => None,
    }
}

/// A TR result as a lesion-file measure.
fn measure_of(
    test: &str,
    num: &str,
    text: &str,
    stat: &str,
) -> std::result::Result<Measure, String> {
    if stat.trim().eq_ignore_ascii_case("NOT DONE") {
        return Ok(Measure::NotEvaluated);
    }
    let value = if num.trim().is_empty() {
        text.trim()
    } else {
        num.trim()
    };
    let upper = value.to_ascii_uppercase();
    let m = match upper.as_str() {
        "" | "NOT EVALUABLE" | "NOT DONE" | "NOT ASSESSED" => Measure::NotEvaluated,
        "TOO SMALL TO MEASURE" => Measure::TooSmall,
        "UNEQUIVOCAL PROGRESSION" => Measure::Progression,
        "NON-PATHOLOGICAL" | "NORMAL" => Measure::Absent,
        "NO CHANGE SINCE LAST" | "NO CHANGE FROM LAST" => Measure::NoChangeLast,
        "FURTHER INCREASE" | "FURTHER INCREASE SINCE LAST" => Measure::FurtherIncrease,
        _ => value
            .parse::<Measure>()
            .map_err(|e| format!("{test} result `{value}`: {e}"))?,
    };
    Ok(m)
}

struct TuLesion {
    kind: LesionKind,
    organ: String,
    node: bool,
    laterality: Option<Laterality>,
    irradiated: bool,
}

/// Reads SDTM TU and TR into lesion records (see the [module rules](self)).
///
/// # Errors
/// * [`Error::Csv`] for a missing standard variable (named).
/// * [`Error::InvalidPatient`] naming the subject (and the dataset row) for a TR lesion
///   missing from TU, an unreadable role, laterality, study day or result, or a TR row
///   without `TRDY`.
pub fn read_sdtm(tu: &Dataset, tr: &Dataset, reader: &Reader) -> Result<SdtmInput> {
    let col = |d: &Dataset, c: &str, what: &str| d.index(c, what);
    let opt = |d: &Dataset, c: &str| d.columns.iter().position(|x| x == c);
    let cell = |row: &[String], j: Option<usize>| -> String {
        j.and_then(|j| row.get(j)).cloned().unwrap_or_default()
    };
    let (u_subj, u_id) = (col(tu, "USUBJID", "TU")?, col(tu, "TULNKID", "TU")?);
    let u_role = opt(tu, "TUSTRESC")
        .or_else(|| opt(tu, "TUORRES"))
        .ok_or_else(|| csv_error("TU".into(), "no column `TUSTRESC` or `TUORRES`"))?;
    let (u_loc, u_lat, u_eval, u_evalid, u_irr) = (
        opt(tu, "TULOC"),
        opt(tu, "TULAT"),
        opt(tu, "TUEVAL"),
        opt(tu, "TUEVALID"),
        opt(tu, "TUIRRAD"),
    );
    let mut lesions: HashMap<(String, String), TuLesion> = HashMap::new();
    for (i, row) in tu.rows.iter().enumerate() {
        if !reader.accepts(&cell(row, u_eval), &cell(row, u_evalid)) {
            continue;
        }
        let subj = cell(row, Some(u_subj));
        let fail = |reason: String| invalid(subj.clone(), format!("TU row {}: {reason}", i + 1));
        let role = cell(row, Some(u_role));
        let kind = kind_of(&role).ok_or_else(|| {
            fail(format!(
                "lesion role `{role}` is not TARGET, NON-TARGET or NEW"
            ))
        })?;
        let organ = cell(row, u_loc);
        let lat = cell(row, u_lat);
        let laterality = if lat.is_empty() {
            None
        } else {
            Some(lat.parse::<Laterality>().map_err(|e| fail(e.to_string()))?)
        };
        let node = organ.to_ascii_uppercase().contains("NODE");
        let irradiated = matches!(
            cell(row, u_irr).trim().to_ascii_uppercase().as_str(),
            "Y" | "YES" | "TRUE"
        );
        lesions.insert(
            (subj.clone(), cell(row, Some(u_id))),
            TuLesion {
                kind,
                organ,
                node,
                laterality,
                irradiated,
            },
        );
    }
    let (r_subj, r_id, r_test) = (
        col(tr, "USUBJID", "TR")?,
        col(tr, "TRLNKID", "TR")?,
        col(tr, "TRTESTCD", "TR")?,
    );
    let r_dy = col(tr, "TRDY", "TR")?;
    let (r_num, r_c, r_o, r_stat, r_visnum, r_visit, r_eval, r_evalid) = (
        opt(tr, "TRSTRESN"),
        opt(tr, "TRSTRESC"),
        opt(tr, "TRORRES"),
        opt(tr, "TRSTAT"),
        opt(tr, "VISITNUM"),
        opt(tr, "VISIT"),
        opt(tr, "TREVAL"),
        opt(tr, "TREVALID"),
    );
    // (subject, lesion, study day) -> (test, measure); the node test wins for nodes.
    struct Cell {
        measure: Measure,
        priority: u8,
        visitnum: String,
        scan: Scan,
    }
    let mut cells: BTreeMap<(String, String, i64), Cell> = BTreeMap::new();
    for (i, row) in tr.rows.iter().enumerate() {
        if !reader.accepts(&cell(row, r_eval), &cell(row, r_evalid)) {
            continue;
        }
        let subj = cell(row, Some(r_subj));
        let fail = |reason: String| invalid(subj.clone(), format!("TR row {}: {reason}", i + 1));
        let id = cell(row, Some(r_id));
        let Some(lesion) = lesions.get(&(subj.clone(), id.clone())) else {
            return Err(fail(format!("lesion `{id}` is not identified in TU")));
        };
        let dy_text = cell(row, Some(r_dy));
        let dy: i64 = dy_text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|d| d.is_finite() && d.fract() == 0.0)
            .map(|d| d as i64)
            .ok_or_else(|| fail(format!("TRDY `{dy_text}` is not a whole study day")))?;
        let test = cell(row, Some(r_test)).to_ascii_uppercase();
        let priority = match (test.as_str(), lesion.node) {
            ("SAXIS", true) | ("LDIAM", false) => 3,
            ("SAXIS" | "LDIAM", _) => 1,
            ("TUMSTATE", _) => 2,
            _ => continue,
        };
        let text = {
            let c = cell(row, r_c);
            if c.is_empty() { cell(row, r_o) } else { c }
        };
        let measure = measure_of(&test, &cell(row, r_num), &text, &cell(row, r_stat))
            .map_err(|e| fail(format!("lesion `{id}`, study day {dy}: {e}")))?;
        let key = (subj.clone(), id, dy);
        let new = Cell {
            measure,
            priority,
            visitnum: cell(row, r_visnum),
            scan: {
                let visit = cell(row, r_visit).to_ascii_uppercase();
                if visit.contains("SYMPTOM") {
                    Scan::Symptom
                } else if visit.contains("UNSCHEDULED") {
                    Scan::Unscheduled
                } else {
                    Scan::Scheduled
                }
            },
        };
        match cells.get(&key) {
            Some(old) if old.priority >= new.priority => {}
            _ => {
                cells.insert(key, new);
            }
        }
    }
    let mut first_day: HashMap<&str, i64> = HashMap::new();
    for (subj, _, dy) in cells.keys() {
        let e = first_day.entry(subj.as_str()).or_insert(*dy);
        *e = (*e).min(*dy);
    }
    let mut records = Vec::with_capacity(cells.len());
    let mut visits: BTreeMap<(String, u32), String> = BTreeMap::new();
    for ((subj, id, dy), c) in &cells {
        let day = u32::try_from(dy - first_day[subj.as_str()]).unwrap_or(u32::MAX);
        let Some(l) = lesions.get(&(subj.clone(), id.clone())) else {
            continue;
        };
        visits
            .entry((subj.clone(), day))
            .or_insert_with(|| c.visitnum.clone());
        records.push(LesionRecord {
            patient: subj.clone(),
            lesion: id.clone(),
            day,
            organ: l.organ.clone(),
            kind: l.kind,
            node: l.node,
            irradiated: l.irradiated,
            measure: c.measure,
            laterality: l.laterality,
            scan: c.scan,
        });
    }
    if records.is_empty() {
        return Err(Error::EmptyInput {
            what: "TR rows of the selected reader",
        });
    }
    Ok(SdtmInput {
        records,
        visits: visits
            .into_iter()
            .map(|((s, day), v)| (s, v, day))
            .collect(),
    })
}

fn strings<const N: usize>(cells: [&str; N]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_string()).collect()
}

/// Writes lesion records as SDTM TU and TR (the inverse of [`read_sdtm`] for the lesion
/// file's content): `TRDY` = day + 1, `VISITNUM` = visit index + 1, nodes located
/// `LYMPH NODE, <organ>`, sizes as `LDIAM`/`SAXIS` in mm, statuses as `TUMSTATE`.
///
/// ```
/// use oncostat::irecist::cdisc::{read_sdtm, sdtm_from_records, Reader};
/// use oncostat::irecist::LesionRow;
/// # fn main() -> Result<(), oncostat::Error> {
/// let rows = [LesionRow { patient: "P1", lesion: "T1", day: "0", organ: "liver",
///     kind: "target", node: "false", irradiated: "false", measure: "30",
///     ..LesionRow::default() }.parse()?];
/// let (tu, tr) = sdtm_from_records(&rows);
/// assert_eq!(read_sdtm(&tu, &tr, &Reader::Investigator)?.records, rows);
/// # Ok(())
/// # }
/// ```
pub fn sdtm_from_records(records: &[LesionRecord]) -> (Dataset, Dataset) {
    let mut tu_rows = Vec::new();
    let mut seen: BTreeMap<(&str, &str), ()> = BTreeMap::new();
    let mut days: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for r in records {
        days.entry(r.patient.as_str()).or_default().push(r.day);
    }
    for d in days.values_mut() {
        d.sort_unstable();
        d.dedup();
    }
    let mut sorted: Vec<&LesionRecord> = records.iter().collect();
    sorted.sort_by(|a, b| (&a.patient, &a.lesion, a.day).cmp(&(&b.patient, &b.lesion, b.day)));
    let mut tr_rows = Vec::new();
    for r in &sorted {
        let loc = if r.node && !r.organ.to_ascii_uppercase().contains("NODE") {
            format!("LYMPH NODE, {}", r.organ)
        } else {
            r.organ.clone()
        };
        if seen.insert((&r.patient, &r.lesion), ()).is_none() {
            let role = match r.kind {
                LesionKind::Target => "TARGET",
                LesionKind::NonTarget => "NON-TARGET",
                LesionKind::New => "NEW",
            };
            tu_rows.push(vec![
                "TU".into(),
                r.patient.clone(),
                r.lesion.clone(),
                "TUMIDENT".into(),
                role.into(),
                loc.clone(),
                r.laterality
                    .map(|l| l.to_string().to_uppercase())
                    .unwrap_or_default(),
                "INVESTIGATOR".into(),
                if r.irradiated { "Y" } else { "N" }.into(),
            ]);
        }
        let visit = days[r.patient.as_str()].binary_search(&r.day).unwrap_or(0) + 1;
        let (test, num, text) = match r.measure {
            Measure::Size(t) => (
                if r.node { "SAXIS" } else { "LDIAM" },
                t.to_string(),
                t.to_string(),
            ),
            Measure::TooSmall => (
                if r.node { "SAXIS" } else { "LDIAM" },
                String::new(),
                "TOO SMALL TO MEASURE".into(),
            ),
            Measure::Absent if r.kind == LesionKind::Target => (
                if r.node { "SAXIS" } else { "LDIAM" },
                "0".into(),
                "0".into(),
            ),
            m => ("TUMSTATE", String::new(), m.to_string().to_uppercase()),
        };
        tr_rows.push(vec![
            "TR".into(),
            r.patient.clone(),
            r.lesion.clone(),
            test.into(),
            text.clone(),
            text,
            num,
            if matches!(r.measure, Measure::Size(_))
                || (r.measure == Measure::Absent && r.kind == LesionKind::Target)
            {
                "mm".into()
            } else {
                String::new()
            },
            "INVESTIGATOR".into(),
            visit.to_string(),
            match r.scan {
                Scan::Scheduled => format!("VISIT {visit}"),
                Scan::Unscheduled => format!("UNSCHEDULED {visit}"),
                Scan::Symptom => format!("UNSCHEDULED {visit} (SYMPTOM)"),
            },
            (i64::from(r.day) + 1).to_string(),
        ]);
    }
    let tu = Dataset {
        columns: strings([
            "DOMAIN", "USUBJID", "TULNKID", "TUTESTCD", "TUSTRESC", "TULOC", "TULAT", "TUEVAL",
            "TUIRRAD",
        ]),
        rows: tu_rows,
    };
    let tr = Dataset {
        columns: strings([
            "DOMAIN", "USUBJID", "TRLNKID", "TRTESTCD", "TRORRES", "TRSTRESC", "TRSTRESN",
            "TRSTRESU", "TREVAL", "VISITNUM", "VISIT", "TRDY",
        ]),
        rows: tr_rows,
    };
    (tu, tr)
}

/// A component category in the terms of `criteria`: RECIST 1.1 as is; iRECIST with the `i`
/// prefix, progression as the overall call's iUPD or iCPD.
fn component_label(c: Option<Recist11>, criteria: Criteria, overall: Response) -> String {
    let Some(c) = c else {
        return String::new();
    };
    match criteria {
        Criteria::Recist => c.label().to_string(),
        Criteria::Irecist => match c {
            Recist11::CompleteResponse => "iCR".into(),
            Recist11::PartialResponse => "iPR".into(),
            Recist11::StableDisease => "iSD".into(),
            Recist11::NonCompleteNonProgression => "non-iCR/non-iUPD".into(),
            Recist11::ProgressiveDisease if overall == Response::ConfirmedProgression => {
                "iCPD".into()
            }
            Recist11::ProgressiveDisease => "iUPD".into(),
            Recist11::NotEvaluable => "NE".into(),
            Recist11::Baseline => String::new(),
        },
    }
}

fn rscat(criteria: Criteria) -> &'static str {
    match criteria {
        Criteria::Recist => "RECIST 1.1",
        Criteria::Irecist => "iRECIST",
    }
}

/// Per-visit responses in SDTM RS shape, RECIST 1.1 and iRECIST (`RSCAT`), computed from the
/// measurements (`RSEVAL` `INDEPENDENT ASSESSOR`, `RSEVALID` `ONCOSTAT`). Disregarded early
/// scans get no iRECIST rows. `RSDY` is the lesion-file day (days since baseline).
///
/// ```
/// use oncostat::irecist::cdisc::rs_dataset;
/// use oncostat::irecist::{assess, timelines_from_records, IrecistRules, LesionRow};
/// # fn main() -> Result<(), oncostat::Error> {
/// let rows: Vec<_> = [("0", "100"), ("56", "130")].iter()
///     .map(|(day, mm)| LesionRow { patient: "P1", lesion: "T1", day, organ: "liver",
///         kind: "target", node: "false", irradiated: "false", measure: mm,
///         ..LesionRow::default() }.parse())
///     .collect::<Result<_, _>>()?;
/// let t = &timelines_from_records(&rows)?[0];
/// let patients = [("P1".to_string(), assess(t, &IrecistRules::default())?)];
/// let rs = rs_dataset(&patients);
/// assert_eq!(rs.get(0, "RSTESTCD"), Some("TRGRESP"));
/// assert_eq!(rs.get(0, "RSSTRESC"), Some("PD"));
/// # Ok(())
/// # }
/// ```
pub fn rs_dataset(patients: &[(String, Assessment)]) -> Dataset {
    let mut rows = Vec::new();
    for (id, a) in patients {
        for criteria in [Criteria::Recist, Criteria::Irecist] {
            for (k, v) in a.visits().iter().enumerate().skip(1) {
                if criteria == Criteria::Irecist && v.is_disregarded() {
                    continue;
                }
                let overall = v.label(criteria).to_string();
                let tests = [
                    (
                        "TRGRESP",
                        "Target Response",
                        component_label(v.target_response(criteria), criteria, v.response()),
                    ),
                    (
                        "NTRGRESP",
                        "Non-target Response",
                        component_label(v.non_target_response(criteria), criteria, v.response()),
                    ),
                    (
                        "NEWLPROG",
                        "New Lesion Progression",
                        if v.new_lesions() { "Y" } else { "N" }.to_string(),
                    ),
                    ("OVRLRESP", "Overall Response", overall),
                ];
                for (code, name, value) in tests {
                    if value.is_empty() {
                        continue;
                    }
                    rows.push(vec![
                        "RS".into(),
                        id.clone(),
                        code.into(),
                        name.into(),
                        rscat(criteria).into(),
                        value.clone(),
                        value,
                        "INDEPENDENT ASSESSOR".into(),
                        "ONCOSTAT".into(),
                        (k + 1).to_string(),
                        v.day().to_string(),
                    ]);
                }
            }
        }
    }
    Dataset {
        columns: strings([
            "DOMAIN", "USUBJID", "RSTESTCD", "RSTEST", "RSCAT", "RSORRES", "RSSTRESC", "RSEVAL",
            "RSEVALID", "VISITNUM", "RSDY",
        ]),
        rows,
    }
}

/// ADaM-like ADRS: `PARAMCD` `OVR` (overall response per visit) and `BOR` (best overall
/// response per subject), for `PARCAT1` `RECIST 1.1` and `iRECIST`. `ADY` is days since
/// baseline; `BOR` carries the progression day in `PDDY` when progression was confirmed.
///
/// ```
/// use oncostat::irecist::cdisc::adrs_dataset;
/// use oncostat::irecist::{assess, timelines_from_records, IrecistRules, LesionRow};
/// # fn main() -> Result<(), oncostat::Error> {
/// let rows: Vec<_> = [("0", "100"), ("56", "130")].iter()
///     .map(|(day, mm)| LesionRow { patient: "P1", lesion: "T1", day, organ: "liver",
///         kind: "target", node: "false", irradiated: "false", measure: mm,
///         ..LesionRow::default() }.parse())
///     .collect::<Result<_, _>>()?;
/// let t = &timelines_from_records(&rows)?[0];
/// let patients = [("P1".to_string(), assess(t, &IrecistRules::default())?)];
/// let adrs = adrs_dataset(&patients);
/// assert_eq!(adrs.get(0, "AVALC"), Some("PD")); // RECIST 1.1 first
/// assert_eq!(adrs.get(3, "AVALC"), Some("iUPD"));
/// # Ok(())
/// # }
/// ```
pub fn adrs_dataset(patients: &[(String, Assessment)]) -> Dataset {
    let mut rows = Vec::new();
    for (id, a) in patients {
        for criteria in [Criteria::Recist, Criteria::Irecist] {
            for (k, v) in a.visits().iter().enumerate().skip(1) {
                if criteria == Criteria::Irecist && v.is_disregarded() {
                    continue;
                }
                rows.push(vec![
                    id.clone(),
                    "OVR".into(),
                    "Overall Response by Investigator".into(),
                    rscat(criteria).into(),
                    format!("VISIT {}", k + 1),
                    v.day().to_string(),
                    v.label(criteria).into(),
                    String::new(),
                ]);
            }
            rows.push(vec![
                id.clone(),
                "BOR".into(),
                "Best Overall Response".into(),
                rscat(criteria).into(),
                String::new(),
                String::new(),
                a.best_label(criteria).into(),
                a.progression_day_for(criteria)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ]);
        }
    }
    Dataset {
        columns: strings([
            "USUBJID", "PARAMCD", "PARAM", "PARCAT1", "AVISIT", "ADY", "AVALC", "PDDY",
        ]),
        rows,
    }
}

fn mm(t: Tenths) -> String {
    t.to_string()
}

/// A signed difference in tenths of a mm, printed in mm (`-12.5`).
fn signed_mm(t: i64) -> String {
    let abs = mm(Tenths::new(
        u32::try_from(t.unsigned_abs()).unwrap_or(u32::MAX),
    ));
    if t < 0 { format!("-{abs}") } else { abs }
}

/// `100 · num / den` rounded to 2 decimals; empty when `den` is 0.
fn pct(num: i64, den: u32) -> String {
    if den == 0 {
        return String::new();
    }
    format!("{:.2}", 100.0 * num as f64 / f64::from(den))
}

/// ADaM-like ADTR: `PARAMCD` `SUMDIAM` per visit with a full target sum. `AVAL` sum of
/// diameters (mm), `BASE` baseline sum, `CHG = AVAL − BASE`, `PCHG = 100·CHG/BASE`, `NADIR` the
/// smallest earlier sum the visit is compared with (iRECIST track), `CHGNAD`, `PCHGNAD`;
/// `ABLFL` `Y` at baseline. Differences are exact in tenths of a mm.
///
/// ```
/// use oncostat::irecist::cdisc::adtr_dataset;
/// use oncostat::irecist::{assess, timelines_from_records, IrecistRules, LesionRow};
/// # fn main() -> Result<(), oncostat::Error> {
/// let rows: Vec<_> = [("0", "100"), ("56", "130")].iter()
///     .map(|(day, mm)| LesionRow { patient: "P1", lesion: "T1", day, organ: "liver",
///         kind: "target", node: "false", irradiated: "false", measure: mm,
///         ..LesionRow::default() }.parse())
///     .collect::<Result<_, _>>()?;
/// let t = &timelines_from_records(&rows)?[0];
/// let patients = [("P1".to_string(), assess(t, &IrecistRules::default())?)];
/// let adtr = adtr_dataset(&patients);
/// assert_eq!(adtr.get(1, "PCHG"), Some("30.00"));
/// assert_eq!(adtr.get(1, "NADIR"), Some("100"));
/// # Ok(())
/// # }
/// ```
pub fn adtr_dataset(patients: &[(String, Assessment)]) -> Dataset {
    let mut rows = Vec::new();
    for (id, a) in patients {
        let Some(base) = a.baseline_sum() else {
            continue;
        };
        for (k, v) in a.visits().iter().enumerate() {
            let Some(sum) = v.target_sum() else { continue };
            let chg = i64::from(sum.get()) - i64::from(base.get());
            let nadir = v.nadir().unwrap_or(base);
            let chg_nad = i64::from(sum.get()) - i64::from(nadir.get());
            rows.push(vec![
                id.clone(),
                "SUMDIAM".into(),
                "Sum of Diameters (mm)".into(),
                format!("VISIT {}", k + 1),
                v.day().to_string(),
                if k == 0 { "Y" } else { "" }.into(),
                mm(sum),
                mm(base),
                signed_mm(chg),
                pct(chg, base.get()),
                if k == 0 { String::new() } else { mm(nadir) },
                if k == 0 {
                    String::new()
                } else {
                    signed_mm(chg_nad)
                },
                if k == 0 {
                    String::new()
                } else {
                    pct(chg_nad, nadir.get())
                },
            ]);
        }
    }
    Dataset {
        columns: strings([
            "USUBJID", "PARAMCD", "PARAM", "AVISIT", "ADY", "ABLFL", "AVAL", "BASE", "CHG", "PCHG",
            "NADIR", "CHGNAD", "PCHGNAD",
        ]),
        rows,
    }
}

/// One visit of the reconciliation report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation {
    /// Subject.
    pub usubjid: String,
    /// `VISITNUM` of the investigator's record.
    pub visitnum: String,
    /// Days since baseline (from TR), if the visit was measured.
    pub day: Option<u32>,
    /// `RECIST 1.1` or `iRECIST`.
    pub criteria: Criteria,
    /// The investigator's overall response as recorded.
    pub investigator: String,
    /// The response computed from the measurements (empty if the visit was not measured).
    pub computed: String,
    /// `true` if both name the same category.
    pub agree: bool,
    /// The rule that decided the computed call, with the sums behind it.
    pub explanation: String,
}

/// Compares the investigator's per-visit overall responses (`rs`: SDTM RS with `RSTESTCD`
/// `OVRLRESP`, `RSCAT` naming the criteria — iRECIST if it contains `IRECIST` — and
/// `RSSTRESC`/`RSORRES`, `USUBJID`, `VISITNUM`; `RSEVAL`, if present, `INVESTIGATOR`) with the
/// computed calls. Visits are matched by `VISITNUM` through `input.visits`.
///
/// # Errors
/// * [`Error::Csv`] for a missing RS variable.
/// * [`Error::InvalidPatient`] naming the subject and RS row for an unreadable response.
///
/// ```
/// use oncostat::irecist::cdisc::{read_sdtm, reconcile, reconciliation_dataset, Dataset, Reader};
/// use oncostat::irecist::{assess, timelines_from_records, IrecistRules};
/// # fn main() -> Result<(), oncostat::Error> {
/// let tu = Dataset::from_csv_reader("USUBJID,TULNKID,TUSTRESC\nS1,T1,TARGET\n".as_bytes())?;
/// let tr = Dataset::from_csv_reader("USUBJID,TRLNKID,TRTESTCD,TRSTRESN,VISITNUM,TRDY\n\
///     S1,T1,LDIAM,100,1,1\nS1,T1,LDIAM,65,2,57\n".as_bytes())?;
/// let input = read_sdtm(&tu, &tr, &Reader::Investigator)?;
/// let t = &timelines_from_records(&input.records)?[0];
/// let patients = [("S1".to_string(), assess(t, &IrecistRules::default())?)];
/// let rs = Dataset::from_csv_reader(
///     "USUBJID,RSTESTCD,RSCAT,RSSTRESC,VISITNUM\nS1,OVRLRESP,RECIST 1.1,SD,2\n".as_bytes())?;
/// let report = reconcile(&rs, &input, &patients)?;
/// assert!(!report[0].agree);
/// assert_eq!(report[0].computed, "PR"); // 65 <= 70 % of 100
/// assert_eq!(reconciliation_dataset(&report).get(0, "AGREE"), Some("N"));
/// # Ok(())
/// # }
/// ```
pub fn reconcile(
    rs: &Dataset,
    input: &SdtmInput,
    patients: &[(String, Assessment)],
) -> Result<Vec<Reconciliation>> {
    let s = rs.index("USUBJID", "RS")?;
    let t = rs.index("RSTESTCD", "RS")?;
    let v = rs.index("VISITNUM", "RS")?;
    let opt = |c: &str| rs.columns.iter().position(|x| x == c);
    let (cat, resc, reso, eval) = (opt("RSCAT"), opt("RSSTRESC"), opt("RSORRES"), opt("RSEVAL"));
    let get = |row: &[String], j: Option<usize>| -> String {
        j.and_then(|j| row.get(j)).cloned().unwrap_or_default()
    };
    let mut out = Vec::new();
    for (i, row) in rs.rows.iter().enumerate() {
        if !get(row, Some(t)).eq_ignore_ascii_case("OVRLRESP") {
            continue;
        }
        let ev = get(row, eval).to_ascii_uppercase();
        if !(ev.is_empty() || ev == "INVESTIGATOR") {
            continue;
        }
        let subj = get(row, Some(s));
        let visitnum = get(row, Some(v));
        let criteria = if get(row, cat).to_ascii_uppercase().contains("IRECIST") {
            Criteria::Irecist
        } else {
            Criteria::Recist
        };
        let value = {
            let c = get(row, resc);
            if c.is_empty() { get(row, reso) } else { c }
        };
        let fail = |e: Error| invalid(subj.clone(), format!("RS row {}: {e}", i + 1));
        // Canonical label of the investigator's call.
        let canonical = match criteria {
            Criteria::Recist => value.parse::<Recist11>().map_err(fail)?.label(),
            Criteria::Irecist => value.parse::<Response>().map_err(fail)?.label(),
        };
        let day = input
            .visits
            .iter()
            .find(|(p, vn, _)| *p == subj && *vn == visitnum)
            .map(|&(_, _, d)| d);
        let visit = day.and_then(|d| {
            patients
                .iter()
                .find(|(p, _)| *p == subj)
                .and_then(|(_, a)| a.visits().iter().find(|x| x.day() == d))
        });
        let (computed, explanation) = match visit {
            None => (
                String::new(),
                "no measurements for this visit in TR".to_string(),
            ),
            Some(x) => {
                let fmt = |t: Option<Tenths>| t.map_or_else(|| "NA".into(), |t| t.to_string());
                let rule = match criteria {
                    Criteria::Irecist if x.is_disregarded() => {
                        "disregarded: earlier than the confirmation window after iUPD".to_string()
                    }
                    Criteria::Irecist => x.reason().to_string(),
                    Criteria::Recist => format!(
                        "RECIST 1.1: target {}, non-target {}, new lesions {}",
                        x.target_response(criteria).map_or("none", Recist11::label),
                        x.non_target_response(criteria)
                            .map_or("none", Recist11::label),
                        if x.new_lesions() { "yes" } else { "no" }
                    ),
                };
                (
                    x.label(criteria).to_string(),
                    format!(
                        "{rule}; sum {} mm (assessed {}), nadir {}, iUPD reference {}",
                        fmt(x.target_sum()),
                        fmt(x.assessed_target_sum()),
                        fmt(x.nadir()),
                        fmt(x.target_reference())
                    ),
                )
            }
        };
        out.push(Reconciliation {
            usubjid: subj,
            visitnum,
            day,
            criteria,
            investigator: value,
            agree: computed == canonical,
            computed,
            explanation,
        });
    }
    Ok(out)
}

/// The reconciliation report as a dataset (one row per investigator record).
pub fn reconciliation_dataset(report: &[Reconciliation]) -> Dataset {
    let rows = report
        .iter()
        .map(|r| {
            vec![
                r.usubjid.clone(),
                r.visitnum.clone(),
                r.day.map(|d| d.to_string()).unwrap_or_default(),
                rscat(r.criteria).into(),
                r.investigator.clone(),
                r.computed.clone(),
                if r.agree { "Y" } else { "N" }.into(),
                r.explanation.clone(),
            ]
        })
        .collect();
    Dataset {
        columns: strings([
            "USUBJID",
            "VISITNUM",
            "DAY",
            "RSCAT",
            "INVESTIGATOR",
            "COMPUTED",
            "AGREE",
            "RULE",
        ]),
        rows,
    }
}
