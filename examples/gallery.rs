//! `gallery`: draws every figure of `oncostat::plots` from public data and the example cohort
//! files, into `docs/gallery/` (or the directory given as the first argument).
//!
//! ```text
//! cargo run --release --example gallery            # writes docs/gallery/*.svg
//! cargo run --release --example gallery -- out/    # elsewhere
//! ```
//!
//! Data: R's `survival::lung` (Kaplan–Meier by sex, Cox forest plot), `survival::mgus2`
//! (cumulative incidence of plasma-cell malignancy and death), and the simulated cohort in
//! `examples/data/` (waterfall, spider and swimmer plots of the iRECIST endpoints).

use std::collections::HashMap;
use std::error::Error as StdError;
use std::path::{Path, PathBuf};

use oncostat::endpoints::{EndpointRules, PatientDates, PatientEndpoints, PlotData};
use oncostat::irecist::{IrecistRules, LesionRow, assess, timelines_from_records};
use oncostat::plots::{CurvePlot, ForestPlot, RiskTable, SpiderPlot, SwimmerPlot, WaterfallPlot};
use oncostat::survival::competing::{AalenJohansen, CompetingRisksData};
use oncostat::{CoxPh, Design, KaplanMeier, LogRank, SurvivalData};

type Res<T> = Result<T, Box<dyn StdError>>;

fn read_csv(path: &Path) -> Res<(Vec<String>, Vec<Vec<String>>)> {
    let mut r = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let header = r.headers()?.iter().map(str::to_string).collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        rows.push(rec?.iter().map(str::to_string).collect());
    }
    Ok((header, rows))
}

fn column(header: &[String], rows: &[Vec<String>], name: &str) -> Res<Vec<f64>> {
    let j = header
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| format!("no column {name}"))?;
    rows.iter()
        .map(|r| {
            r[j].parse::<f64>()
                .map_err(|e| format!("{name}: {e}").into())
        })
        .collect()
}

fn main() -> Res<()> {
    let out = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("docs/gallery"), PathBuf::from);
    std::fs::create_dir_all(&out)?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    // Kaplan–Meier by sex, lung (R survival::lung; status 1 = death)
    let (h, rows) = read_csv(&root.join("tests/data/lung.csv"))?;
    let time: Vec<f64> = column(&h, &rows, "time")?
        .iter()
        .map(|d| d / 30.4375)
        .collect();
    let status = column(&h, &rows, "status")?;
    let sex: Vec<String> = column(&h, &rows, "sex")?
        .iter()
        .map(|&s| {
            if (s - 1.0).abs() < 0.5 {
                "male".into()
            } else {
                "female".into()
            }
        })
        .collect();
    let os = SurvivalData::from_status(time, &status)?;
    let fits = KaplanMeier::new().fit_groups(&os, &sex)?;
    let p = LogRank::new().test(&os, &sex)?.p_value();
    CurvePlot::kaplan_meier(&fits)?
        .title("Overall survival by sex (lung)")
        .x_label("Months")
        .time_breaks(6.0)
        .ci(true)
        .median_lines(true)
        .p_value(p)
        .save(out.join("km_lung_sex.svg"))?;
    CurvePlot::kaplan_meier(&fits)?
        .title("Overall survival by sex (lung), KMunicate table")
        .x_label("Months")
        .time_breaks(6.0)
        .ci(true)
        .table(RiskTable::Extended)
        .p_value(p)
        .save(out.join("km_lung_sex_extended.svg"))?;

    // Cox forest plot: age per 10 years, sex, ECOG, weight loss per 5 kg
    let (h, rows) = read_csv(&root.join("tests/data/lung.csv"))?;
    let complete: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].iter().all(|c| c != "NA" && !c.is_empty()))
        .collect();
    let pick = |name: &str| -> Res<Vec<f64>> {
        let all: Vec<Vec<String>> = complete.iter().map(|&i| rows[i].clone()).collect();
        column(&h, &all, name)
    };
    let d = SurvivalData::from_status(pick("time")?, &pick("status")?)?;
    let female: Vec<f64> = pick("sex")?.iter().map(|&s| s - 1.0).collect();
    let x = Design::from_columns([
        ("age", pick("age")?),
        ("female", female),
        ("ph_ecog", pick("ph_ecog")?),
        ("wt_loss", pick("wt_loss")?),
    ])?;
    let cox = CoxPh::new().fit(&d, &x)?;
    ForestPlot::from_coef_table(&cox.coef_table(0.95)?)?
        .per_unit("age", 10.0, "per 10 years")?
        .per_unit("wt_loss", 5.0, "per 5 kg")?
        .title("Cox model of overall survival (lung)")
        .save(out.join("forest_lung_cox.svg"))?;

    // cumulative incidence, mgus2: 1 = plasma-cell malignancy, 2 = death
    let (h, rows) = read_csv(&root.join("tests/data/mgus2_cr.csv"))?;
    let t: Vec<f64> = column(&h, &rows, "etime")?
        .iter()
        .map(|m| m / 12.0)
        .collect();
    let cr = CompetingRisksData::new(t, &column(&h, &rows, "event")?)?;
    let sexes: Vec<String> = {
        let j = h.iter().position(|c| c == "sex").ok_or("no sex column")?;
        rows.iter().map(|r| r[j].clone()).collect()
    };
    let cif = AalenJohansen::new().fit_groups(&cr, &sexes)?;
    CurvePlot::cumulative_incidence(&cif)?
        .title("Cumulative incidence: 1 = plasma-cell malignancy, 2 = death (mgus2)")
        .x_label("Years since diagnosis")
        .time_breaks(5.0)
        .ci(true)
        .save(out.join("cif_mgus2.svg"))?;

    // response figures of the example cohort
    let (h, rows) = read_csv(&root.join("examples/data/lesions.csv"))?;
    let idx = |n: &str| {
        h.iter()
            .position(|c| c == n)
            .ok_or(format!("no column {n}"))
    };
    let cols = [
        idx("patient")?,
        idx("lesion")?,
        idx("day")?,
        idx("organ")?,
        idx("kind")?,
        idx("node")?,
        idx("irradiated")?,
        idx("measure")?,
    ];
    let records = rows
        .iter()
        .map(|r| {
            LesionRow {
                patient: &r[cols[0]],
                lesion: &r[cols[1]],
                day: &r[cols[2]],
                organ: &r[cols[3]],
                kind: &r[cols[4]],
                node: &r[cols[5]],
                irradiated: &r[cols[6]],
                measure: &r[cols[7]],
                ..LesionRow::default()
            }
            .parse()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (ph, prows) = read_csv(&root.join("examples/data/patients.csv"))?;
    let pid = ph.iter().position(|c| c == "patient").ok_or("no patient")?;
    let os_m = column(&ph, &prows, "os_months")?;
    let os_e = column(&ph, &prows, "os_event")?;
    let dates: HashMap<&str, PatientDates> = prows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let day = os_m[i] * 30.4375;
            let d = PatientDates::new(day);
            (
                r[pid].as_str(),
                if os_e[i] > 0.5 { d.death(day) } else { d },
            )
        })
        .collect();
    let rules = IrecistRules::default();
    let mut endpoints = Vec::new();
    for t in timelines_from_records(&records)?.iter().take(40) {
        let Some(d) = dates.get(t.patient()) else {
            continue;
        };
        let a = assess(t, &rules)?;
        let last = t.days().last().copied().map_or(0.0, f64::from);
        let d = PatientDates {
            last_contact_day: d.last_contact_day.max(last),
            death_day: d.death_day.map(|x| x.max(last)),
            ..*d
        };
        endpoints.push(PatientEndpoints::derive(
            &a,
            Some(t),
            &d,
            &EndpointRules::default(),
        )?);
    }
    let data = PlotData::new(&endpoints, None)?;
    WaterfallPlot::new(&data)?
        .title("Best change of the target sum (iRECIST), first 40 patients")
        .save(out.join("waterfall.svg"))?;
    SpiderPlot::new(&data)?
        .title("Change of the target sum per visit")
        .save(out.join("spider.svg"))?;
    SwimmerPlot::new(&data)?
        .title("Time on study, response and progression")
        .save(out.join("swimmer.svg"))?;
    println!("figures written to {}", out.display());
    Ok(())
}
