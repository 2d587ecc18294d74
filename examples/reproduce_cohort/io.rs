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
//! Rows with an empty or `NA` cell are dropped (as R's `na.omit`), and the number dropped is
//! reported.
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

/// Patients read from a file, with the number of rows dropped for missing values.
#[derive(Debug, Clone)]
pub struct PatientFile {
    /// The complete rows.
    pub patients: Vec<Patient>,
    /// Rows dropped for a missing value.
    pub dropped: usize,
}

/// Reads the patient file. Row numbers in messages count data rows from 1 (the header is not
/// counted).
///
/// # Errors
/// A missing column, a non-numeric value, a bad 0/1 or fractionation cell, a duplicate id.
pub fn read_patients(path: &Path) -> Result<PatientFile, CliError> {
    let mut reader = open(path)?;
    let idx = column_indices(path, &mut reader, PATIENT_COLUMNS)?;
    let mut patients = Vec::new();
    let mut dropped = 0;
    let mut seen = std::collections::HashSet::new();
    for (r, record) in reader.records().enumerate() {
        let row = r + 1;
        let record = record.map_err(|e| format!("{}, row {row}: {e}", path.display()))?;
        let cells: Vec<&str> = idx.iter().map(|&i| record.get(i).unwrap_or("")).collect();
        if cells.iter().any(|c| is_missing(c)) {
            dropped += 1;
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
        let id = cells[0].to_owned();
        if !seen.insert(id.clone()) {
            return Err(format!(
                "{}, row {row}: patient `{id}` appears twice",
                path.display()
            ));
        }
        let os_months = num(8)?;
        let pfs_months = num(10)?;
        if os_months < 0.0 || pfs_months < 0.0 {
            return Err(format!(
                "{}, row {row}: survival times must be >= 0",
                path.display()
            ));
        }
        patients.push(Patient {
            id,
            covariates: Covariates {
                age: num(1)?,
                bmi: num(2)?,
                crp: num(3)?,
                interval_months: num(4)?,
                dose_eqd2: num(5)?,
                volume_cc: num(6)?,
                ultrahypofractionated,
            },
            os_months,
            os_event: flag(path, "os_event", row, cells[9])?,
            pfs_months,
            pfs_event: flag(path, "pfs_event", row, cells[11])?,
            latent: None,
        });
    }
    if patients.is_empty() {
        return Err(format!("{}: no complete patient rows", path.display()));
    }
    Ok(PatientFile { patients, dropped })
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
            "{},{:.1},{:.1},{:.1},{:.2},{:.1},{:.1},{},{:.2},{},{:.2},{}\n",
            p.id,
            c.age,
            c.bmi,
            c.crp,
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
