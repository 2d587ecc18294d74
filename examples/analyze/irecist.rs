//! The `irecist` command: iRECIST per visit, best overall response and the abscopal
//! classification of every patient in a lesion file.
//!
//! ```text
//! analyze irecist [--min-sd-days D] [--confirm] [--confirm-days D] [--criteria irecist|recist]
//!                 [every other IrecistRules setting] [--json] lesions.csv
//! ```
//!
//! Columns: `patient, lesion, day, organ, kind, node, irradiated, measure` and the optional
//! `laterality`, `scan` (one row per lesion per visit; see `oncostat::irecist::LesionRow`).
//! Rows with a missing (`NA`/empty) cell in a required column are dropped (a target then
//! counts as not evaluated at that visit); empty optional cells never drop a row; `NE` is
//! "not evaluated". `--plot FILE.svg` draws the waterfall (default) or spider plot
//! (`--plot-kind`) of the assessment (JSON key `plot`).

use std::fmt::Write as _;

use oncostat::irecist::{
    AbscopalAssessment, Assessment, Criteria, IrecistRules, LesionKind, LesionRecord, LesionRow,
    Measure, NewLesionReset, NonTargetOnlyNil, Tenths, assess, assess_abscopal,
    timelines_from_records,
};
use serde_json::{Value, json};

use std::path::{Path, PathBuf};

use oncostat::irecist::cdisc::{
    Dataset, Reader, SdtmInput, adrs_dataset, adtr_dataset, read_sdtm, reconcile,
    reconciliation_dataset, rs_dataset,
};

use oncostat::endpoints::{EndpointRules, PatientDates, PatientEndpoints, PlotData};

use crate::cli::{self, CliError, Output, timed};
use crate::parse::whole_days;
use crate::table::{Columns, Kind, Table};

/// A library setting parsed by its `FromStr` (the error names the accepted values).
fn setting<T: std::str::FromStr<Err = oncostat::Error>>(s: &str) -> Result<T, String> {
    s.parse().map_err(|e: oncostat::Error| e.to_string())
}

/// Options of `irecist` (one per `IrecistRules` setting; defaults are the guideline's).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Days from baseline an iSD (SD) must last to count as best response / abscopal control.
    #[arg(long, value_name = "D", default_value_t = 42, value_parser = whole_days, allow_negative_numbers = true)]
    pub min_sd_days: u32,
    /// Require confirmation of CR/PR by a later assessment >= --confirm-days later (RECIST 1.1 non-randomised trials).
    #[arg(long)]
    pub confirm: bool,
    /// Days between a response and its confirmation, and between iUPD and a confirming scan.
    #[arg(long, value_name = "D", default_value_t = 28, value_parser = whole_days, allow_negative_numbers = true)]
    pub confirm_days: u32,
    /// Days of visit window subtracted from --confirm-days for iCPD confirmation scans.
    #[arg(long, value_name = "D", default_value_t = 2, value_parser = whole_days, allow_negative_numbers = true)]
    pub window_tolerance_days: u32,
    /// A confirmation later than this many days after iUPD is used but flagged.
    #[arg(long, value_name = "D", default_value_t = 56, value_parser = whole_days, allow_negative_numbers = true)]
    pub confirm_late_days: u32,
    /// Which responses `response`, the best response and the progression day report.
    #[arg(long, value_name = "irecist|recist", default_value = "irecist", value_parser = setting::<Criteria>)]
    pub criteria: Criteria,
    /// Continuing ("sticky") PR before any iUPD.
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    pub sticky_pr: bool,
    /// Keep a PR reached before an iUPD episode sticky after it closes.
    #[arg(long, value_name = "BOOL", default_value_t = false, action = clap::ArgAction::Set)]
    pub sticky_pr_after_iupd: bool,
    /// After a reset, new target lesions need +20 % and +5 mm over their nadir for a new iUPD.
    #[arg(long = "nlt-progression-needs-5mm", value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    pub nlt_progression_needs_5mm: bool,
    /// When a new-lesion-driven iUPD ends with the new lesions unchanged.
    #[arg(long, value_name = "shrinkage-to-pr|any-decrease|always", default_value = "shrinkage-to-pr", value_parser = setting::<NewLesionReset>)]
    pub new_lesion_reset: NewLesionReset,
    /// Targets gone (nodes < 10 mm) is CR even if the sum rose.
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    pub cr_before_pd: bool,
    /// Target-driven iCPD is measured from the first iUPD of the episode (increments add up).
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    pub icpd_from_first_iupd: bool,
    /// A scan earlier than the confirmation window may confirm iCPD by additional new lesions.
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    pub early_scan_new_lesions_confirm: bool,
    /// Only a `symptom` scan can confirm early.
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    pub early_scan_symptom_only: bool,
    /// A larger size in mm of a measured non-target confirms a non-target-driven iUPD.
    #[arg(long, value_name = "BOOL", default_value_t = false, action = clap::ArgAction::Set)]
    pub nt_size_increase_confirms: bool,
    /// An iUPD proven from a partial sum keeps it as the +5 mm reference (same lesions).
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    pub partial_sum_reference: bool,
    /// A reappearance is PD only after a CR confirmed >= --confirm-days later.
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    pub reappearance_needs_confirmed_cr: bool,
    /// Date progression by an equivocal new lesion back to its first equivocal scan.
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    pub backdate_equivocal: bool,
    /// Abscopal class of patients whose non-irradiated disease is non-target only.
    #[arg(long, value_name = "not-evaluable|control", default_value = "not-evaluable", value_parser = setting::<NonTargetOnlyNil>)]
    pub non_target_only_nil: NonTargetOnlyNil,
    /// Read SDTM TU (tumour identification, CSV) instead of a lesion file; needs --sdtm-tr.
    #[arg(long, value_name = "TU.csv", requires = "sdtm_tr")]
    pub sdtm_tu: Option<PathBuf>,
    /// Read SDTM TR (tumour results: LDIAM, SAXIS, TUMSTATE; CSV); needs --sdtm-tu.
    #[arg(long, value_name = "TR.csv", requires = "sdtm_tu")]
    pub sdtm_tr: Option<PathBuf>,
    /// Whose TU/TR rows to read: investigator, independent, or independent:ID (TREVALID).
    #[arg(long, value_name = "WHO", default_value = "investigator", value_parser = reader_arg, requires = "sdtm_tr")]
    pub reader: Reader,
    /// Write per-visit responses as SDTM RS (CSV).
    #[arg(long, value_name = "RS.csv")]
    pub write_rs: Option<PathBuf>,
    /// Write ADaM-like ADRS (per-visit and best overall response, CSV).
    #[arg(long, value_name = "ADRS.csv")]
    pub write_adrs: Option<PathBuf>,
    /// Write ADaM-like ADTR (sum of diameters, change and % change from baseline, nadir, CSV).
    #[arg(long, value_name = "ADTR.csv")]
    pub write_adtr: Option<PathBuf>,
    /// The investigator's RS (CSV, OVRLRESP per visit) to reconcile with the computed calls; needs --sdtm-tr.
    #[arg(long, value_name = "RS.csv", requires = "sdtm_tr")]
    pub investigator_rs: Option<PathBuf>,
    /// Write the per-visit reconciliation report (CSV); needs --investigator-rs.
    #[arg(long, value_name = "FILE.csv", requires = "investigator_rs")]
    pub write_reconciliation: Option<PathBuf>,
    /// Also draw a response figure (--plot-kind) of the assessment as SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// The figure of --plot: waterfall (best % change) or spider (% change per visit).
    #[arg(long, value_name = "KIND", value_enum, default_value_t = PlotKind::Waterfall, requires = "plot")]
    pub plot_kind: PlotKind,
    /// The lesion file (not with --sdtm-tu/--sdtm-tr).
    #[arg(
        value_name = "FILE.csv",
        required_unless_present = "sdtm_tr",
        conflicts_with = "sdtm_tr"
    )]
    pub file: Option<PathBuf>,
    /// More files than one: an error.
    #[arg(hide = true)]
    extra: Vec<PathBuf>,
}

/// `--reader`: `investigator`, `independent` or `independent:ID`.
fn reader_arg(s: &str) -> Result<Reader, String> {
    let t = s.trim();
    match t.split_once(':') {
        None if t.eq_ignore_ascii_case("investigator") => Ok(Reader::Investigator),
        None if t.eq_ignore_ascii_case("independent") => Ok(Reader::Independent(None)),
        Some((who, id)) if who.eq_ignore_ascii_case("independent") && !id.trim().is_empty() => {
            Ok(Reader::Independent(Some(id.trim().to_string())))
        }
        _ => Err(format!(
            "`{t}` is not `investigator`, `independent` or `independent:ID`"
        )),
    }
}

/// The figure of `irecist --plot` (the swimmer plot needs death and last-contact days:
/// `endpoints --plot-kind swimmer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[allow(missing_docs)] // a doc comment on a variant would make `--help` print a paragraph per value
pub enum PlotKind {
    // Best % change of the target sum per patient, sorted, coloured by best overall response.
    Waterfall,
    // % change of the target sum per visit and patient, new lesions and progression marked.
    Spider,
}

/// `--plot FILE.svg`: the waterfall or spider plot of the assessed patients (each followed
/// to their last assessment), its path as the JSON key `plot`.
fn plot(
    args: &Args,
    records: &[LesionRecord],
    patients: &Assessed,
    json: &mut Value,
) -> Result<(), CliError> {
    let Some(path) = &args.plot else {
        return Ok(());
    };
    let rules = EndpointRules::new().criteria(args.criteria);
    let timelines = timelines_from_records(records).map_err(crate::figure::error(path))?;
    let endpoints = timelines
        .iter()
        .zip(patients)
        .map(|(t, (_, a, _))| {
            let last = t.days().last().copied().map_or(0.0, f64::from);
            PatientEndpoints::derive(a, Some(t), &PatientDates::new(last), &rules)
        })
        .collect::<oncostat::Result<Vec<_>>>()
        .and_then(|e| PlotData::new(&e, None))
        .map_err(crate::figure::error(path))?;
    let kind = match args.plot_kind {
        PlotKind::Waterfall => crate::figure::Response::Waterfall,
        PlotKind::Spider => crate::figure::Response::Spider,
    };
    json["plot"] = crate::figure::response(&endpoints, kind, path)?;
    Ok(())
}

impl Args {
    /// The library settings.
    fn rules(&self) -> IrecistRules {
        IrecistRules::default()
            .min_sd_days(self.min_sd_days)
            .confirmation_required(self.confirm)
            .confirm_min_days(self.confirm_days)
            .window_tolerance_days(self.window_tolerance_days)
            .confirm_late_days(self.confirm_late_days)
            .sticky_pr(self.sticky_pr)
            .sticky_pr_after_iupd(self.sticky_pr_after_iupd)
            .nlt_progression_needs_5mm(self.nlt_progression_needs_5mm)
            .new_lesion_reset(self.new_lesion_reset)
            .cr_before_pd(self.cr_before_pd)
            .icpd_from_first_iupd(self.icpd_from_first_iupd)
            .early_scan_new_lesions_confirm(self.early_scan_new_lesions_confirm)
            .early_scan_symptom_only(self.early_scan_symptom_only)
            .nt_size_increase_confirms(self.nt_size_increase_confirms)
            .partial_sum_reference(self.partial_sum_reference)
            .reappearance_needs_confirmed_cr(self.reappearance_needs_confirmed_cr)
            .backdate_equivocal(self.backdate_equivocal)
            .non_target_only_nil(self.non_target_only_nil)
    }
}

impl cli::Run for Args {
    fn run(&self, read: &cli::Reader) -> Result<Output, CliError> {
        if !self.extra.is_empty() {
            return Err(CliError::new(format!(
                "expected one input file, got {}",
                1 + self.extra.len()
            )));
        }
        match (&self.sdtm_tu, &self.sdtm_tr, &self.file) {
            (Some(tu), Some(tr), _) => run_sdtm(self, tu, tr),
            (_, _, Some(file)) => run(self, &read(file)?),
            _ => Err(CliError::new(
                "give a lesion file or --sdtm-tu and --sdtm-tr",
            )),
        }
    }
}

const COLUMNS: [&str; 8] = [
    "patient",
    "lesion",
    "day",
    "organ",
    "kind",
    "node",
    "irradiated",
    "measure",
];

/// The cell of an optional column at a data row (`""` when the column is absent).
fn cell(column: &Option<Vec<String>>, row: usize) -> &str {
    column
        .as_ref()
        .and_then(|v| v.get(row))
        .map_or("", String::as_str)
}

/// The lesion file's rows as records (rows with a missing required cell dropped, as
/// counted in the returned columns), each parse error naming the file row and column.
/// Shared by `irecist` and `endpoints`.
pub(crate) fn lesion_records(table: &Table) -> Result<(Vec<LesionRecord>, Columns), CliError> {
    let spec: Vec<(&str, Kind)> = COLUMNS.iter().map(|&c| (c, Kind::Text)).collect();
    let cols = table.columns(&spec)?;
    let text = |c: &str| cols.labels(c);
    let (patient, lesion, day, organ) = (
        text("patient")?,
        text("lesion")?,
        text("day")?,
        text("organ")?,
    );
    let (kind, node, irradiated, measure) = (
        text("kind")?,
        text("node")?,
        text("irradiated")?,
        text("measure")?,
    );
    let name = table.path().display();
    let laterality = table.optional_text("laterality");
    let scan = table.optional_text("scan");
    let mut records = Vec::with_capacity(cols.len());
    for i in 0..cols.len() {
        let row = LesionRow {
            patient: patient[i],
            lesion: lesion[i],
            day: day[i],
            organ: organ[i],
            kind: kind[i],
            node: node[i],
            irradiated: irradiated[i],
            measure: measure[i],
            laterality: cell(&laterality, cols.rows[i]),
            scan: cell(&scan, cols.rows[i]),
        };
        let file_row = cols.rows.get(i).map_or(i + 1, |r| r + 1);
        let record = row.parse().map_err(|e| {
            // The library names patient, lesion and day; add the column for a kind or measure.
            let column = if kind[i].parse::<LesionKind>().is_err() {
                ", column `kind`"
            } else if measure[i].parse::<Measure>().is_err() {
                ", column `measure`"
            } else if row
                .laterality
                .parse::<oncostat::irecist::Laterality>()
                .is_err()
                && !row.laterality.is_empty()
            {
                ", column `laterality`"
            } else if row.scan.parse::<oncostat::irecist::Scan>().is_err() {
                ", column `scan`"
            } else {
                ""
            };
            CliError::new(format!("{name}, row {file_row}{column}: {e}"))
        })?;
        records.push(record);
    }
    Ok((records, cols))
}

/// An error of `timelines_from_records` / `assess` with the file row it is about.
pub(crate) fn timeline_error(
    table: &Table,
    records: &[LesionRecord],
    cols: &Columns,
    e: &oncostat::Error,
) -> CliError {
    let name = table.path().display();
    match offending_row(records, e).and_then(|k| cols.rows.get(k)) {
        Some(r) => CliError::new(format!("{name}, row {}: {e}", r + 1)),
        None => CliError::new(format!("{name}: {e}")),
    }
}

/// Runs `irecist`.
fn run(args: &Args, table: &Table) -> Result<Output, CliError> {
    let rules = args.rules();
    let (records, cols) = lesion_records(table)?;
    let (result, seconds) = timed(|| assess_all(&records, &rules));
    let patients = result.map_err(|e| timeline_error(table, &records, &cols, &e))?;
    let mut json = render_json(&patients, args.criteria, cols.dropped, seconds);
    write_outputs(args, &patients, None)?;
    plot(args, &records, &patients, &mut json)?;
    Ok(Output {
        text: render_text(&patients, args.criteria, cols.len(), cols.dropped),
        json,
    })
}

type Assessed = Vec<(String, Assessment, AbscopalAssessment)>;

fn assess_all(records: &[LesionRecord], rules: &IrecistRules) -> oncostat::Result<Assessed> {
    timelines_from_records(records)?
        .iter()
        .map(|t| {
            Ok((
                t.patient().to_string(),
                assess(t, rules)?,
                assess_abscopal(t, rules)?,
            ))
        })
        .collect()
}

fn dataset(path: &Path) -> Result<Dataset, CliError> {
    Dataset::from_csv_path(path).map_err(|e| CliError::new(e.to_string()))
}

/// `irecist --sdtm-tu TU.csv --sdtm-tr TR.csv`.
fn run_sdtm(args: &Args, tu: &Path, tr: &Path) -> Result<Output, CliError> {
    let rules = args.rules();
    let input = read_sdtm(&dataset(tu)?, &dataset(tr)?, &args.reader)
        .map_err(|e| CliError::new(format!("{}: {e}", tr.display())))?;
    let (result, seconds) = timed(|| assess_all(&input.records, &rules));
    let patients = result.map_err(|e| CliError::new(format!("{}: {e}", tr.display())))?;
    let mut json = render_json(&patients, args.criteria, 0, seconds);
    plot(args, &input.records, &patients, &mut json)?;
    if let Some(report) = write_outputs(args, &patients, Some(&input))? {
        json["reconciliation"] = serde_json::Value::Array(
            report
                .iter()
                .map(|r| {
                    json!({
                        "patient": r.usubjid,
                        "visitnum": r.visitnum,
                        "day": r.day,
                        "criteria": r.criteria.to_string(),
                        "investigator": r.investigator,
                        "computed": r.computed,
                        "agree": r.agree,
                        "rule": r.explanation,
                    })
                })
                .collect(),
        );
    }
    Ok(Output {
        text: render_text(&patients, args.criteria, input.records.len(), 0),
        json,
    })
}

fn write_file(path: &Path, d: &Dataset) -> Result<(), CliError> {
    std::fs::write(path, d.to_csv())
        .map_err(|e| CliError::new(format!("cannot write {}: {e}", path.display())))
}

/// Writes the requested RS / ADRS / ADTR / reconciliation files; returns the reconciliation.
fn write_outputs(
    args: &Args,
    patients: &Assessed,
    input: Option<&SdtmInput>,
) -> Result<Option<Vec<oncostat::irecist::cdisc::Reconciliation>>, CliError> {
    let plain: Vec<(String, Assessment)> = patients
        .iter()
        .map(|(id, a, _)| (id.clone(), a.clone()))
        .collect();
    let report = match (&args.investigator_rs, input) {
        (Some(path), Some(input)) => Some(
            reconcile(&dataset(path)?, input, &plain)
                .map_err(|e| CliError::new(format!("{}: {e}", path.display())))?,
        ),
        _ => None,
    };
    if let Some(p) = &args.write_rs {
        write_file(p, &rs_dataset(&plain))?;
    }
    if let Some(p) = &args.write_adrs {
        write_file(p, &adrs_dataset(&plain))?;
    }
    if let Some(p) = &args.write_adtr {
        write_file(p, &adtr_dataset(&plain))?;
    }
    if let (Some(p), Some(r)) = (&args.write_reconciliation, &report) {
        write_file(p, &reconciliation_dataset(r))?;
    }
    Ok(report)
}

/// The record an error of `timelines_from_records` is about: the last row of the named
/// lesion and day (the second of two rows for one visit), or the first row of the named
/// patient.
fn offending_row(records: &[LesionRecord], err: &oncostat::Error) -> Option<usize> {
    match err {
        oncostat::Error::InvalidLesion {
            patient,
            lesion,
            day,
            ..
        } => records
            .iter()
            .rposition(|r| &r.patient == patient && &r.lesion == lesion && r.day == *day),
        oncostat::Error::InvalidPatient { patient, .. } => {
            records.iter().position(|r| &r.patient == patient)
        }
        _ => None,
    }
}

fn mm(t: Option<Tenths>) -> Value {
    t.map_or(Value::Null, |t| json!(t.mm()))
}

fn render_json(
    patients: &[(String, Assessment, AbscopalAssessment)],
    criteria: Criteria,
    dropped: usize,
    seconds: f64,
) -> Value {
    let patients: Vec<Value> = patients
        .iter()
        .map(|(id, a, ab)| {
            let visits: Vec<Value> = a
                .visits()
                .iter()
                .map(|v| {
                    // A scan iRECIST disregards (too early after iUPD) has no response.
                    let response = if v.is_disregarded() && criteria == Criteria::Irecist {
                        Value::Null
                    } else {
                        json!(v.label(criteria))
                    };
                    json!({
                        "day": v.day(),
                        "scan": v.scan().to_string(),
                        "target_sum": mm(v.target_sum()),
                        "assessed_target_sum": mm(v.assessed_target_sum()),
                        "nadir": mm(v.nadir()),
                        "target_reference": mm(v.target_reference()),
                        "partial_reference": v.is_partial_reference(),
                        "new_target_sum": mm(v.new_target_sum()),
                        "new_target_reference": mm(v.new_target_reference()),
                        "new_target_nadir": mm(v.new_target_nadir()),
                        "iupd_day": v.iupd_day(),
                        "response": response,
                        "irecist": v.response().label(),
                        "recist": v.recist().label(),
                        "disregarded": v.is_disregarded(),
                        "revised": v.is_revised(),
                        "late_confirmation": v.late_confirmation(),
                        "reason": v.reason(),
                    })
                })
                .collect();
            let (abscopal, nil_best) = match criteria {
                Criteria::Irecist => (
                    ab.category().label(),
                    ab.nil_assessment()
                        .map(|n| n.best_overall_response().label()),
                ),
                Criteria::Recist => (
                    ab.recist11_category().label(),
                    ab.nil_assessment()
                        .map(|n| n.recist_best_overall_response().label()),
                ),
            };
            json!({
                "patient": id,
                "visits": visits,
                "baseline_sum": mm(a.baseline_sum()),
                "best_overall_response": a.best_label(criteria),
                "irecist_best_overall_response": a.best_overall_response().label(),
                "recist_best_overall_response": a.recist_best_overall_response().label(),
                "progression_day": a.progression_day_for(criteria),
                "abscopal": abscopal,
                "abscopal_irecist": ab.category().label(),
                "abscopal_recist11": ab.recist11_category().label(),
                "nil_best_overall_response": nil_best,
            })
        })
        .collect();
    json!({
        "criteria": criteria.to_string(),
        "patients": patients,
        "dropped": dropped,
        "fit_seconds": seconds,
    })
}

fn fmt_mm(t: Option<Tenths>) -> String {
    t.map_or_else(|| "NA".to_string(), |t| t.to_string())
}

fn render_text(
    patients: &[(String, Assessment, AbscopalAssessment)],
    criteria: Criteria,
    used: usize,
    dropped: usize,
) -> String {
    let mut out = String::new();
    for (id, a, ab) in patients {
        let _ = writeln!(out, "Patient {id}");
        let _ = writeln!(
            out,
            "  {:>5} {:>10} {:>8} {:>17} {:>14}  reason",
            "day", "target_sum", "nadir", "iRECIST", "RECIST 1.1"
        );
        for v in a.visits() {
            let irecist = if v.is_disregarded() {
                "(disregarded)"
            } else {
                v.response().label()
            };
            let mark = if v.is_revised() { " [revised]" } else { "" };
            let _ = writeln!(
                out,
                "  {:>5} {:>10} {:>8} {:>17} {:>14}  {}{mark}",
                v.day(),
                fmt_mm(v.target_sum()),
                fmt_mm(v.nadir()),
                irecist,
                v.recist().label(),
                v.reason()
            );
        }
        let _ = writeln!(
            out,
            "  iBOR: {}   RECIST 1.1 BOR: {}   abscopal ({criteria}): {} (iRECIST: {}, RECIST 1.1: {})\n",
            a.best_overall_response(),
            a.recist_best_overall_response(),
            match criteria {
                Criteria::Irecist => ab.category(),
                Criteria::Recist => ab.recist11_category(),
            },
            ab.category(),
            ab.recist11_category()
        );
    }
    out.push_str(&cli::rows_note(used, dropped));
    out
}
