//! Reading a user's cohort (`--patients FILE --lesions FILE`) and writing a simulated one
//! (`--write-data DIR`).
//!
//! # Patient file (CSV, header row, one row per patient)
//! | column | meaning |
//! |---|---|
//! | `patient` | patient id (text; joins the lesion file) |
//! | `age` | age at radiotherapy (years) |
//! | `bmi` | body-mass index (kg/m²); analysed as BMI >= 25 |
//! | `crp` | C-reactive protein (mg/l); analysed as CRP >= 5 |
//! | `ici_rt_interval_months` | interval from immune-checkpoint-inhibitor start to radiotherapy, in **months** |
//! | `dose_eqd2_gy` | radiotherapy dose as EQD2 (Gy) |
//! | `tumour_volume_cc` | irradiated tumour volume (cc) |
//! | `fractionation` | `ultrahypofractionated` or `other` |
//! | `os_months`, `os_event` | overall survival time (months) and death (1) / censored (0) |
//! | `pfs_months`, `pfs_event` | progression-free survival time (months) and progression or death (1) / censored (0) |
//!
//! `bmi` and `crp` may be empty or `NA`: such a patient is left out of the Cox model only
//! (complete case per model, as R's `na.omit` on that model's variables) and listed by id in
//! the report. Rows with any other empty or `NA` cell are excluded from every analysis and
//! listed by id with the missing columns. Impossible values (a negative age, BMI, CRP,
//! dose or volume, an age above 120, ...) are an error naming the row and the patient, as is
//! a lesion row of a patient who is not in the patient file.
//!
//! # Lesion file
//! As the `irecist` command of the `analyze` example (`patient, lesion, day, organ, kind, node,
//! irradiated, measure`; one row per lesion per visit; `measure` in mm, `tiny`, `present`,
//! `absent`, `progression` or `NE`).

use std::fs::File;
use std::io::Write;
use std::path::Path;

use oncostat::irecist::{LesionKind, LesionRecord, LesionRow, Measure, Tenths};

use crate::model::Covariates;
use crate::simulate::{Cell, Cohort, Patient, RowKind, SimLesion};

/// An error of the command line: a message shown as `error: <message>`.
pub type CliError = String;

const PATIENT_COLUMNS: [&str; 12] = [
    "patient",
    "age",
    "bmi",
    "crp",
    "ici_rt_interval_months",
    "dose_eqd2_gy",
    "tumour_volume_cc",
    "fractionation",
    "os_months",
    "os_event",
    "pfs_months",
    "pfs_event",
];

const LESION_COLUMNS: [&str; 8] = [
    "patient",
    "lesion",
    "day",
    "organ",
    "kind",
    "node",
    "irradiated",
    "measure",
];

fn open(path: &Path) -> Result<csv::Reader<File>, CliError> {
    csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn column_indices<const N: usize>(
    path: &Path,
    reader: &mut csv::Reader<File>,
    names: [&str; N],
) -> Result<[usize; N], CliError> {
    let header = reader
        .headers()
        .map_err(|e| format!("{}: cannot read the header: {e}", path.display()))?
        .clone();
    let mut out = [0; N];
    for (slot, name) in out.iter_mut().zip(names) {
        *slot = header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("{}: missing column `{name}`", path.display()))?;
    }
    Ok(out)
}

fn is_missing(cell: &str) -> bool {
    cell.is_empty() || cell == "NA"
}

fn number(path: &Path, column: &str, row: usize, cell: &str) -> Result<f64, CliError> {
    cell.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| {
            format!(
                "{}, column `{column}`, row {row}: `{cell}` is not a finite number",
                path.display()
            )
        })
}

fn flag(path: &Path, column: &str, row: usize, cell: &str) -> Result<bool, CliError> {
    match cell.to_ascii_lowercase().as_str() {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(format!(
            "{}, column `{column}`, row {row}: `{cell}` is not 0/1 or false/true",
            path.display()
        )),
    }
}

/// A patient row of the patient file left out of every analysis, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excluded {
    /// The patient id (`row N` when the id itself is missing).
    pub id: String,
    /// Why, in words (e.g. "missing `crp`").
    pub reason: String,
}

/// Patients read from a file, with the rows excluded for missing values.
#[derive(Debug, Clone)]
pub struct PatientFile {
    /// The complete rows.
    pub patients: Vec<Patient>,
    /// Rows excluded for a missing value (complete-case analysis, as R's `na.omit`).
    pub excluded: Vec<Excluded>,
}

/// The covariate columns (index into `PATIENT_COLUMNS`), the rule a possible value obeys and
/// the rule in words.
type CovariateRule = (usize, fn(f64) -> bool, &'static str);

const COVARIATE_RULES: [CovariateRule; 6] = [
    (
        1,
        |x| (0.0..=120.0).contains(&x),
        "an age is between 0 and 120 years",
    ),
    (
        2,
        |x| x > 0.0 && x <= 200.0,
        "a BMI is above 0 and at most 200 kg/m²",
    ),
    (3, |x| x >= 0.0, "a CRP is at least 0 mg/l"),
    (
        4,
        |x| x >= 0.0,
        "the ICI-RT interval is at least 0 months (radiotherapy after the start of the ICI)",
    ),
    (5, |x| x > 0.0, "an EQD2 dose is above 0 Gy"),
    (6, |x| x > 0.0, "an irradiated tumour volume is above 0 cc"),
];

/// Reads the patient file. Row numbers in messages count data rows from 1 (the header is not
/// counted).
///
/// Every value present is checked, also in rows excluded for a missing value: a covariate
/// outside its possible range (`COVARIATE_RULES`: age 0–120 years, BMI in (0, 200] kg/m²,
/// CRP >= 0 mg/l, ICI–RT interval >= 0 months, EQD2 dose > 0 Gy, volume > 0 cc) or a
/// negative survival time is an error naming the row and the patient.
///
/// # Errors
/// A missing column, a non-numeric value, an impossible value, a bad 0/1 or fractionation
/// cell, a duplicate id.
pub fn read_patients(path: &Path) -> Result<PatientFile, CliError> {
    let mut reader = open(path)?;
    let idx = column_indices(path, &mut reader, PATIENT_COLUMNS)?;
    let mut patients = Vec::new();
    let mut excluded = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (r, record) in reader.records().enumerate() {
        let row = r + 1;
        let record = record.map_err(|e| format!("{}, row {row}: {e}", path.display()))?;
        let cells: Vec<&str> = idx.iter().map(|&i| record.get(i).unwrap_or("")).collect();
        let id = if is_missing(cells[0]) {
            format!("row {row}")
        } else {
            cells[0].to_owned()
        };
        if !is_missing(cells[0]) && !seen.insert(id.clone()) {
            return Err(format!(
                "{}, row {row}: patient `{id}` appears twice",
                path.display()
            ));
        }
        // Check every value that is present before deciding on exclusion.
        let present = |k: usize| -> Result<Option<f64>, CliError> {
            if is_missing(cells[k]) {
                Ok(None)
            } else {
                number(path, PATIENT_COLUMNS[k], row, cells[k]).map(Some)
            }
        };
        for (k, possible, rule) in COVARIATE_RULES {
            if let Some(x) = present(k)?
                && !possible(x)
            {
                return Err(format!(
                    "{}, row {row}, patient `{id}`: {} = {} is impossible ({rule})",
                    path.display(),
                    PATIENT_COLUMNS[k],
                    cells[k]
                ));
            }
        }
        for k in [8, 10] {
            if let Some(x) = present(k)?
                && x < 0.0
            {
                return Err(format!(
                    "{}, row {row}, patient `{id}`: {} = {} is impossible (survival \
                         times are >= 0)",
                    path.display(),
                    PATIENT_COLUMNS[k],
                    cells[k]
                ));
            }
        }
        // A missing BMI or CRP leaves the patient out of the Cox model only (complete case
        // per model); any other missing value leaves the patient out of every analysis.
        let missing: Vec<&str> = (0..cells.len())
            .filter(|&k| k != 2 && k != 3 && is_missing(cells[k]))
            .map(|k| PATIENT_COLUMNS[k])
            .collect();
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|c| format!("`{c}`")).collect();
            excluded.push(Excluded {
                id,
                reason: format!("missing {}", names.join(", ")),
            });
            continue;
        }
        let num = |k: usize| number(path, PATIENT_COLUMNS[k], row, cells[k]);
        let ultrahypofractionated = match cells[7].to_ascii_lowercase().as_str() {
            "ultrahypofractionated" | "uhf" => true,
            "other" => false,
            _ => {
                return Err(format!(
                    "{}, column `fractionation`, row {row}: `{}` is not `ultrahypofractionated` or `other`",
                    path.display(),
                    cells[7]
                ));
            }
        };
        patients.push(Patient {
            id,
            covariates: Covariates {
                age: num(1)?,
                bmi: present(2)?,
                crp: present(3)?,
                interval_months: num(4)?,
                dose_eqd2: num(5)?,
                volume_cc: num(6)?,
                ultrahypofractionated,
            },
            os_months: num(8)?,
            os_event: flag(path, "os_event", row, cells[9])?,
            pfs_months: num(10)?,
            pfs_event: flag(path, "pfs_event", row, cells[11])?,
            latent: None,
            truth: None,
            derived: None,
        });
    }
    if patients.is_empty() {
        return Err(format!("{}: no complete patient rows", path.display()));
    }
    Ok(PatientFile { patients, excluded })
}

/// Checks that every lesion row belongs to a patient of the patient file (`known`: the ids of
/// every patient row, analysed or excluded). Row numbers count data rows from 1, one record
/// per row as `read_lesions` returns them.
///
/// # Errors
/// The first lesion row of an unknown patient, with its row, lesion and patient id.
pub fn check_lesion_patients(
    path: &Path,
    lesions: &[LesionRecord],
    known: &std::collections::HashSet<&str>,
) -> Result<(), CliError> {
    match lesions
        .iter()
        .enumerate()
        .find(|(_, l)| !known.contains(l.patient.as_str()))
    {
        Some((i, l)) => Err(format!(
            "{}, row {}: lesion `{}` belongs to patient `{}`, who is not in the patient file",
            path.display(),
            i + 1,
            l.lesion,
            l.patient
        )),
        None => Ok(()),
    }
}

/// Reads the lesion file into the crate's lesion records (each row parsed by
/// `oncostat::irecist::LesionRow::parse`; validated as timelines later by
/// `timelines_from_records`).
///
/// # Errors
/// A missing column or a malformed cell (named file, row, patient, lesion and day).
pub fn read_lesions(path: &Path) -> Result<Vec<LesionRecord>, CliError> {
    let mut reader = open(path)?;
    let idx = column_indices(path, &mut reader, LESION_COLUMNS)?;
    let mut out = Vec::new();
    for (r, record) in reader.records().enumerate() {
        let row = r + 1;
        let record = record.map_err(|e| format!("{}, row {row}: {e}", path.display()))?;
        let cell = |k: usize| record.get(idx[k]).unwrap_or("");
        let parsed = LesionRow {
            patient: cell(0),
            lesion: cell(1),
            day: cell(2),
            organ: cell(3),
            kind: cell(4),
            node: cell(5),
            irradiated: cell(6),
            measure: cell(7),
            ..LesionRow::default()
        }
        .parse()
        .map_err(|e| format!("{}, row {row}: {e}", path.display()))?;
        out.push(parsed);
    }
    if out.is_empty() {
        return Err(format!("{}: no lesion rows", path.display()));
    }
    Ok(out)
}

/// Converts simulated lesion rows into the crate's records.
pub fn to_records(rows: &[SimLesion]) -> Vec<LesionRecord> {
    rows.iter()
        .map(|r| LesionRecord {
            patient: r.patient.clone(),
            lesion: r.lesion.to_owned(),
            day: r.day,
            organ: r.organ.to_owned(),
            kind: match r.kind {
                RowKind::Target => LesionKind::Target,
                RowKind::NonTarget => LesionKind::NonTarget,
                RowKind::New => LesionKind::New,
            },
            node: r.node,
            irradiated: r.irradiated,
            measure: match r.measure {
                Cell::Tenths(t) => Measure::Size(Tenths::new(t)),
                Cell::Present => Measure::Present,
                Cell::NotEvaluated => Measure::NotEvaluated,
            },
            ..LesionRecord::default()
        })
        .collect()
}

fn fmt_tenths(t: u32) -> String {
    format!("{}.{}", t / 10, t % 10)
}

/// Writes `patients.csv` and `lesions.csv` of a simulated cohort into `dir` (created if
/// needed).
///
/// # Errors
/// Any I/O error, with the path.
pub fn write_cohort(dir: &Path, cohort: &Cohort) -> Result<(), CliError> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let io_err = |p: &Path, e: std::io::Error| format!("cannot write {}: {e}", p.display());
    let path = dir.join("patients.csv");
    let mut text = PATIENT_COLUMNS.join(",");
    text.push('\n');
    for p in &cohort.patients {
        let c = &p.covariates;
        text.push_str(&format!(
            "{},{:.1},{},{},{:.2},{:.1},{:.1},{},{:.2},{},{:.2},{}\n",
            p.id,
            c.age,
            c.bmi.map_or_else(|| "NA".to_owned(), |x| format!("{x:.1}")),
            c.crp.map_or_else(|| "NA".to_owned(), |x| format!("{x:.1}")),
            c.interval_months,
            c.dose_eqd2,
            c.volume_cc,
            if c.ultrahypofractionated {
                "ultrahypofractionated"
            } else {
                "other"
            },
            p.os_months,
            u8::from(p.os_event),
            p.pfs_months,
            u8::from(p.pfs_event),
        ));
    }
    File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| io_err(&path, e))?;

    let path = dir.join("lesions.csv");
    let mut text = LESION_COLUMNS.join(",");
    text.push('\n');
    for r in &cohort.lesions {
        let kind = match r.kind {
            RowKind::Target => "target",
            RowKind::NonTarget => "nontarget",
            RowKind::New => "new",
        };
        let measure = match r.measure {
            Cell::Tenths(t) => fmt_tenths(t),
            Cell::Present => "present".to_owned(),
            Cell::NotEvaluated => "NE".to_owned(),
        };
        text.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            r.patient, r.lesion, r.day, r.organ, kind, r.node, r.irradiated, measure
        ));
    }
    File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| io_err(&path, e))?;
    Ok(())
}
