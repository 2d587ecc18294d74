//! The `endpoints` command: efficacy endpoints of every patient from a lesion file and a
//! patient file, with per-group ORR, DCR and Kaplan–Meier summaries of PFS and duration of
//! response.
//!
//! ```text
//! analyze endpoints --lesions L.csv --patients P.csv [--group COL] [--criteria irecist|recist]
//!                   [--confirm] [--interval-days D] [...]
//! ```
//!
//! The lesion file is the `irecist` command's. The patient file has the columns `patient`,
//! `death_day` (empty: alive), `last_contact_day`, optional `new_therapy_day` (empty: none)
//! and any grouping columns; days count from the lesion file's day 0. Every patient of the
//! lesion file needs a row in the patient file (and vice versa).
//!
//! JSON: `patients: [{patient, group, bor, pfs_time, pfs_event, pfs_reason, dor_time,
//! dor_event, ttr, best_pct_change}]` (`dor_*`, `ttr` null for non-responders; events 0/1),
//! `groups: [{group, n, orr, dcr, pfs, dor}]` (`orr`, `dcr` with the keys of `proportion`;
//! `pfs`, `dor` with `n, events, median, median_lower, median_upper` as `km`; `dor` null
//! without responders), with two groups `orr_fisher`, `dcr_fisher` (the keys of
//! `proportion`'s `fisher`), and the plot rows `waterfall`, `spider`, `swimmer`. `--plot
//! FILE.svg` draws the Kaplan–Meier curves of PFS per group (log-rank p with two or more
//! groups) or, with `--plot-kind`, the waterfall, spider or swimmer plot (JSON key `plot`).

use std::path::PathBuf;

use oncostat::KaplanMeier;
use oncostat::endpoints::{
    EndpointRules, EndpointSummary, MissedAssessments, PatientDates, PatientEndpoints, PlotData,
    UnconfirmedProgression,
};
use oncostat::irecist::{Criteria, IrecistRules, assess, timelines_from_records};
use serde_json::{Value, json};

use crate::cli::{self, CliError, Output, Reader, num, opt_num, timed};
use crate::parse::{count, finite_number, whole_days};
use crate::proportion::{fisher_json, fisher_text, rate_json, rate_text};
use crate::table::{Kind, Table};

/// A library setting parsed by its `FromStr`.
fn setting<T: std::str::FromStr<Err = oncostat::Error>>(s: &str) -> Result<T, String> {
    s.parse().map_err(|e: oncostat::Error| e.to_string())
}

/// Options of `endpoints`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The lesion file (the `irecist` command's format).
    #[arg(long, value_name = "L.csv")]
    pub lesions: PathBuf,
    /// The patient file: patient, death_day, last_contact_day[, new_therapy_day, groups].
    #[arg(long, value_name = "P.csv")]
    pub patients: PathBuf,
    /// Column of the patient file with group labels (summaries per group).
    #[arg(long, value_name = "COL")]
    pub group: Option<String>,
    /// Response criteria of the endpoints.
    #[arg(long, value_name = "irecist|recist", default_value = "irecist", value_parser = setting::<Criteria>)]
    pub criteria: Criteria,
    /// Require confirmation of CR/PR by a later assessment >= --confirm-days later.
    #[arg(long)]
    pub confirm: bool,
    /// Days between a response and its confirmation (and iUPD and its confirmation).
    #[arg(long, value_name = "D", default_value_t = 28, value_parser = whole_days, allow_negative_numbers = true)]
    pub confirm_days: u32,
    /// Days from baseline stable disease must last to count as best response.
    #[arg(long, value_name = "D", default_value_t = 42, value_parser = whole_days, allow_negative_numbers = true)]
    pub min_sd_days: u32,
    /// Scheduled interval between tumour assessments, in days.
    #[arg(long, value_name = "D", default_value_t = 56.0, value_parser = finite_number, allow_negative_numbers = true)]
    pub interval_days: f64,
    /// Missed scheduled assessments before an event that censor it at the last adequate one.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = count::<u32>)]
    pub missed_assessments: u32,
    /// Events the missed-assessment rule censors.
    #[arg(long, value_name = "death|death-or-progression", default_value = "death", value_parser = setting::<MissedAssessments>)]
    pub missed_applies_to: MissedAssessments,
    /// An iUPD never confirmed nor reset at the end: progression at the iUPD, or censor.
    #[arg(long, value_name = "progression|censor", default_value = "progression", value_parser = setting::<UnconfirmedProgression>)]
    pub unconfirmed_iupd: UnconfirmedProgression,
    /// Count NON-CR/NON-PD as disease control.
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    pub dcr_non_cr_non_pd: bool,
    /// Also draw a figure (--plot-kind) as SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// The figure of --plot: Kaplan-Meier of PFS per group, waterfall, spider or swimmer plot.
    #[arg(long, value_name = "KIND", value_enum, default_value_t = PlotKind::Pfs, requires = "plot")]
    pub plot_kind: PlotKind,
}

/// The figure of `endpoints --plot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[allow(missing_docs)] // a doc comment on a variant would make `--help` print a paragraph per value
pub enum PlotKind {
    // Kaplan-Meier curves of progression-free survival per group, number at risk, log-rank p.
    Pfs,
    // Best % change of the target sum per patient, sorted, coloured by best overall response.
    Waterfall,
    // % change of the target sum per visit and patient, new lesions and progression marked.
    Spider,
    // Time on study per patient: response onset, progression, death, new therapy, ongoing.
    Swimmer,
}

impl cli::Run for Args {
    fn run(&self, read: &Reader) -> Result<Output, CliError> {
        let lesions = read(&self.lesions)?;
        let patients = read(&self.patients)?;
        run(self, &lesions, &patients)
    }
}

/// The patient file: id → (dates, group label, file row).
struct PatientRow {
    id: String,
    dates: PatientDates,
    group: String,
    row: usize,
}

fn read_patients(args: &Args, table: &Table) -> Result<(Vec<PatientRow>, usize), CliError> {
    let mut spec = vec![("patient", Kind::Text), ("last_contact_day", Kind::Number)];
    if let Some(g) = args.group.as_deref() {
        spec.push((g, Kind::Text));
    }
    let cols = table.columns(&spec)?;
    let death = table.optional_numbers("death_day", &cols.rows)?;
    let therapy = match table.index("new_therapy_day") {
        Ok(_) => table.optional_numbers("new_therapy_day", &cols.rows)?,
        Err(_) => vec![None; cols.len()],
    };
    let ids = cols.labels("patient")?;
    let last = cols.number("last_contact_day")?;
    let all = "all".to_string();
    let groups = match args.group.as_deref() {
        Some(g) => cols.labels(g)?,
        None => vec![&all; cols.len()],
    };
    // a patient listed twice is a label code seen before (one look-up a row, not a scan)
    let codes = cols.text("patient")?.codes();
    let mut first_at: Vec<Option<usize>> = vec![None; ids.len()];
    let mut out: Vec<PatientRow> = Vec::with_capacity(cols.len());
    for i in 0..cols.len() {
        let code = codes.get(i).map_or(i, |&c| c as usize);
        let seen = first_at.get_mut(code);
        if let Some(prev) = seen.as_ref().and_then(|s| s.and_then(|k| out.get(k))) {
            return Err(CliError::new(format!(
                "{}, row {}: patient `{}` is listed twice (first at row {})",
                table.path().display(),
                cols.rows[i] + 1,
                ids[i],
                prev.row + 1
            )));
        }
        out.push(PatientRow {
            id: ids[i].to_string(),
            dates: PatientDates {
                death_day: death[i],
                last_contact_day: last[i],
                new_therapy_day: therapy[i],
            },
            group: groups[i].to_string(),
            row: cols.rows[i],
        });
        if let Some(slot) = seen {
            *slot = Some(i);
        }
    }
    Ok((out, cols.dropped))
}

fn km_json(fit: &oncostat::SurvivalCurve) -> Value {
    let (lower, upper) = fit.median_ci();
    json!({
        "n": fit.n(),
        "events": num(fit.weighted_n_events()),
        "median": opt_num(fit.median()),
        "median_lower": opt_num(lower),
        "median_upper": opt_num(upper),
    })
}

/// Runs `endpoints`.
fn run(args: &Args, lesions: &Table, patients: &Table) -> Result<Output, CliError> {
    let irecist = IrecistRules::default()
        .confirmation_required(args.confirm)
        .confirm_min_days(args.confirm_days)
        .min_sd_days(args.min_sd_days);
    let rules = EndpointRules::new()
        .criteria(args.criteria)
        .interval_days(args.interval_days)
        .missed_assessments(args.missed_assessments)
        .missed_applies_to(args.missed_applies_to)
        .unconfirmed_iupd(args.unconfirmed_iupd)
        .dcr_includes_non_cr_non_pd(args.dcr_non_cr_non_pd);
    let (records, cols) = crate::irecist::lesion_records(lesions)?;
    let (people, dropped_patients) = read_patients(args, patients)?;
    let pname = patients.path().display();
    let timelines = timelines_from_records(&records)
        .map_err(|e| crate::irecist::timeline_error(lesions, &records, &cols, &e))?;
    for p in &people {
        if !timelines.iter().any(|t| t.patient() == p.id) {
            return Err(CliError::new(format!(
                "{pname}, row {}: patient `{}` has no rows in the lesion file {}",
                p.row + 1,
                p.id,
                lesions.path().display()
            )));
        }
    }
    let mut ordered = Vec::with_capacity(timelines.len());
    for t in &timelines {
        let p = people.iter().find(|p| p.id == t.patient()).ok_or_else(|| {
            CliError::new(format!(
                "{pname}: patient `{}` of the lesion file has no row (patient, death_day, last_contact_day)",
                t.patient()
            ))
        })?;
        ordered.push((t, p));
    }
    let (result, seconds) = timed(|| -> oncostat::Result<_> {
        let mut endpoints = Vec::with_capacity(ordered.len());
        for (t, p) in &ordered {
            let a = assess(t, &irecist)?;
            endpoints.push(PatientEndpoints::derive(&a, Some(t), &p.dates, &rules)?);
        }
        let groups: Vec<String> = ordered.iter().map(|(_, p)| p.group.clone()).collect();
        let summary = EndpointSummary::new(&endpoints, Some(&groups), &KaplanMeier::new())?;
        let plots = PlotData::new(&endpoints, Some(&groups))?;
        Ok((endpoints, groups, summary, plots))
    });
    let (endpoints, groups, summary, plots) = result.map_err(|e| match &e {
        oncostat::Error::InvalidPatient { patient, .. } => {
            match people.iter().find(|p| &p.id == patient) {
                Some(p) => CliError::new(format!("{pname}, row {}: {e}", p.row + 1)),
                None => CliError::new(format!("{pname}: {e}")),
            }
        }
        _ => crate::irecist::timeline_error(lesions, &records, &cols, &e),
    })?;

    let bool01 = |b: bool| u8::from(b);
    let patients_json: Vec<Value> = endpoints
        .iter()
        .zip(&groups)
        .map(|(e, g)| {
            json!({
                "patient": e.patient(),
                "group": g,
                "bor": e.bor(),
                "pfs_time": num(e.pfs().time),
                "pfs_event": bool01(e.pfs().event),
                "pfs_reason": e.pfs_reason().label(),
                "dor_time": e.dor().map_or(Value::Null, |d| num(d.time)),
                "dor_event": e.dor().map_or(Value::Null, |d| json!(bool01(d.event))),
                "ttr": opt_num(e.ttr()),
                "best_pct_change": opt_num(e.best_pct_change()),
                "progression_day": opt_num(e.progression_day()),
            })
        })
        .collect();
    let groups_json: Vec<Value> = summary
        .groups()
        .iter()
        .map(|g| {
            let mut orr = rate_json(g.group(), g.orr());
            let mut dcr = rate_json(g.group(), g.dcr());
            orr.as_object_mut().map(|o| o.remove("group"));
            dcr.as_object_mut().map(|o| o.remove("group"));
            json!({
                "group": g.group(),
                "n": g.n(),
                "orr": orr,
                "dcr": dcr,
                "pfs": km_json(g.pfs()),
                "dor": g.dor().map_or(Value::Null, km_json),
            })
        })
        .collect();
    let mut json = json!({
        "model": "endpoints",
        "criteria": args.criteria.to_string(),
        "n": endpoints.len(),
        "dropped": cols.dropped + dropped_patients,
        "patients": patients_json,
        "groups": groups_json,
        "waterfall": plots.waterfall().iter().map(|w| json!({
            "patient": w.patient, "group": w.group, "best_pct_change": num(w.best_pct_change), "bor": w.bor,
        })).collect::<Vec<_>>(),
        "spider": plots.spider().iter().map(|s| json!({
            "patient": s.patient, "group": s.group, "day": s.day, "pct_change": num(s.pct_change),
            "new_lesion": s.new_lesion, "progression": s.progression,
        })).collect::<Vec<_>>(),
        "swimmer": plots.swimmer().iter().map(|s| json!({
            "patient": s.patient, "group": s.group, "time_on_study": num(s.time_on_study),
            "response_onset": opt_num(s.response_onset), "progression": opt_num(s.progression),
            "death": opt_num(s.death), "new_therapy": opt_num(s.new_therapy), "ongoing": s.ongoing,
            "bor": s.bor,
        })).collect::<Vec<_>>(),
        "fit_seconds": seconds,
    });
    if let Some(f) = summary.orr_test() {
        json["orr_fisher"] = fisher_json(f);
    }
    if let Some(f) = summary.dcr_test() {
        json["dcr_fisher"] = fisher_json(f);
    }

    let mut text = format!(
        "Efficacy endpoints ({})\n{:<10} {:<10} {:<16} {:>8} {:>5} {:<28} {:>8} {:>8}\n",
        args.criteria, "patient", "group", "BOR", "PFS", "event", "reason", "DoR", "best %"
    );
    for (e, g) in endpoints.iter().zip(&groups) {
        let opt = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.1}"));
        text.push_str(&format!(
            "{:<10} {:<10} {:<16} {:>8.1} {:>5} {:<28} {:>8} {:>8}\n",
            e.patient(),
            g,
            e.bor(),
            e.pfs().time,
            bool01(e.pfs().event),
            e.pfs_reason().label(),
            opt(e.dor().map(|d| d.time)),
            opt(e.best_pct_change())
        ));
    }
    text.push('\n');
    for g in summary.groups() {
        text.push_str(&rate_text("ORR", g.group(), g.orr()));
        text.push_str(&rate_text("DCR", g.group(), g.dcr()));
    }
    if let (Some(o), Some(d)) = (summary.orr_test(), summary.dcr_test()) {
        text.push_str(&fisher_text("ORR", o));
        text.push_str(&fisher_text("DCR", d));
    }
    let pfs: Vec<oncostat::SurvivalCurve> =
        summary.groups().iter().map(|g| g.pfs().clone()).collect();
    text.push_str("\nProgression-free survival\n");
    text.push_str(&oncostat::KmTable::new(&pfs).to_string());
    text.push('\n');
    text.push_str(&cli::rows_note(cols.len(), cols.dropped + dropped_patients));
    if let Some(path) = &args.plot {
        use crate::figure::Response;
        let err = crate::figure::error(path);
        json["plot"] = match args.plot_kind {
            PlotKind::Pfs => {
                let mut plot = oncostat::plots::CurvePlot::kaplan_meier(&pfs)
                    .map_err(&err)?
                    .ci(true)
                    .title("Progression-free survival")
                    .x_label("Days since baseline");
                if pfs.len() >= 2 {
                    let data = oncostat::SurvivalData::new(
                        endpoints.iter().map(|e| e.pfs().time).collect(),
                        endpoints.iter().map(|e| e.pfs().event).collect(),
                    )
                    .map_err(&err)?;
                    let p = oncostat::LogRank::new()
                        .test(&data, &groups)
                        .map_err(&err)?
                        .p_value();
                    plot = plot.p_value(p);
                }
                plot.save(path).map_err(&err)?;
                crate::figure::written(path)
            }
            PlotKind::Waterfall => crate::figure::response(&plots, Response::Waterfall, path)?,
            PlotKind::Spider => crate::figure::response(&plots, Response::Spider, path)?,
            PlotKind::Swimmer => crate::figure::response(&plots, Response::Swimmer, path)?,
        };
    }
    Ok(Output { text, json })
}
