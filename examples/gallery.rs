//! `gallery`: draws every figure of `oncostat::plots` from public data and the example cohort
//! files, into `docs/gallery/` (or the directory given as the first argument).
//!
//! ```text
//! cargo run --release --example gallery            # writes docs/gallery/*.svg
//! cargo run --release --example gallery -- out/    # elsewhere
//! ```
//!
//! Data: R's `survival::lung` (Kaplan–Meier by sex, Cox and subgroup forest plots,
//! Cox-predicted curves), `survival::jasa` (landmark and Simon–Makuch curves), `survival::mgus2`
//! (cumulative incidence of plasma-cell malignancy and death), and the simulated cohort in
//! `examples/data/` (waterfall, spider and swimmer plots of the iRECIST endpoints).

use std::collections::HashMap;
use std::error::Error as StdError;
use std::path::{Path, PathBuf};

use oncostat::endpoints::{
    EndpointRules, Landmark, PatientDates, PatientEndpoints, PlotData, TdcSplit,
};
use oncostat::irecist::{IrecistRules, LesionRow, assess, timelines_from_records};
use oncostat::plots::{
    CurvePlot, ForestPlot, ForestRow, RiskTable, SpiderPlot, StepCurve, SwimmerPlot, WaterfallPlot,
};
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
    // time in months (hazard ratios do not depend on the unit; the predicted curves do)
    let months: Vec<f64> = pick("time")?.iter().map(|d| d / 30.4375).collect();
    let d = SurvivalData::from_status(months, &pick("status")?)?;
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

    // subgroup forest plot: the hazard ratio of female sex within ECOG groups (N / events)
    let ecog = pick("ph_ecog")?;
    let status = pick("status")?;
    let female_all: Vec<f64> = pick("sex")?.iter().map(|&s| s - 1.0).collect();
    let mut subgroups = Vec::new();
    for (label, keep) in [
        ("ECOG 0", (|e: f64| e < 0.5) as fn(f64) -> bool),
        ("ECOG 1", |e| (0.5..1.5).contains(&e)),
        ("ECOG 2-3", |e| e >= 1.5),
    ] {
        let rows: Vec<usize> = (0..ecog.len()).filter(|&i| keep(ecog[i])).collect();
        let sub = SurvivalData::from_status(
            rows.iter().map(|&i| d.time()[i]).collect(),
            &rows.iter().map(|&i| status[i]).collect::<Vec<_>>(),
        )?;
        let xs = Design::from_columns([("female", rows.iter().map(|&i| female_all[i]).collect())])?;
        let table = CoxPh::new().fit(&sub, &xs)?.coef_table(0.95)?;
        let r = &table.rows()[0];
        subgroups.push(ForestRow {
            n: Some(rows.len()),
            events: Some(rows.iter().filter(|&&i| status[i] > 0.5).count()),
            label: label.to_string(),
            ..ForestRow::from(r)
        });
    }
    ForestPlot::new(subgroups)?
        .title("Female vs male sex within ECOG subgroups (lung)")
        .save(out.join("forest_lung_subgroups.svg"))?;

    // Cox-predicted survival of a 63-year-old with ECOG 1 and no weight loss, by sex
    // (R's survfit(fit, newdata))
    let male = cox.survfit(&[63.0, 0.0, 1.0, 0.0], 0.95)?;
    let female = cox.survfit(&[63.0, 1.0, 1.0, 0.0], 0.95)?;
    CurvePlot::new(vec![
        StepCurve::from_cox("male, 63, ECOG 1", &male[0]),
        StepCurve::from_cox("female, 63, ECOG 1", &female[0]),
    ])?
    .title("Cox-predicted overall survival (lung)")
    .x_label("Months")
    .time_breaks(6.0)
    .ci(true)
    .median_lines(true)
    .save(out.join("cox_lung_predicted.svg"))?;

    // survival by transplant (Stanford heart transplant, R survival::jasa): the landmark
    // analysis at 30 days and the Simon–Makuch curves of the time-dependent state
    let (h, rows) = read_csv(&root.join("tests/data/jasa.csv"))?;
    let jt = column(&h, &rows, "futime")?;
    let je: Vec<bool> = column(&h, &rows, "fustat")?
        .iter()
        .map(|&e| e > 0.5)
        .collect();
    let jx = h.iter().position(|c| c == "txtime").ok_or("no txtime")?;
    let switch: Vec<Option<f64>> = rows.iter().map(|r| r[jx].parse().ok()).collect();
    let km = KaplanMeier::new();
    let lm = Landmark::new(30.0, &jt, &je, &switch)?;
    let named = |fits: Vec<oncostat::SurvivalCurve>, names: [&str; 2]| -> Res<CurvePlot> {
        let curves = fits
            .iter()
            .zip(names)
            .map(|(f, n)| StepCurve::from_km(f).with_label(n))
            .collect();
        Ok(CurvePlot::new(curves)?)
    };
    named(
        lm.kaplan_meier(&km)?,
        ["no transplant by day 30", "transplant by day 30"],
    )?
    .title("Landmark analysis at 30 days (jasa)")
    .x_label("Days since the landmark")
    .time_breaks(250.0)
    .ci(true)
    .p_value(lm.log_rank(&LogRank::new())?.p_value())
    .save(out.join("landmark_jasa.svg"))?;
    let tdc = TdcSplit::new(&jt, &je, &switch)?;
    let mantel_byar = tdc
        .cox("transplant", None, &CoxPh::new())?
        .score_test()
        .p_value();
    named(
        tdc.simon_makuch(&km)?,
        ["waiting (no transplant yet)", "after transplant"],
    )?
    .title("Simon–Makuch curves by current transplant state (jasa)")
    .x_label("Days since acceptance")
    .time_breaks(250.0)
    .test_p_value("Mantel–Byar", mantel_byar)
    .save(out.join("simon_makuch_jasa.svg"))?;

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
        .cause_labels(&[(1, "plasma-cell malignancy"), (2, "death")])
        .title("Cumulative incidence of plasma-cell malignancy and death (mgus2)")
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
