//! Figures (feature `plots`): the SVG parses as XML, and the numbers drawn are the fit's —
//! curve step points, censor marks, the at-risk numbers at each tick (equal to
//! `KmFit::survival_at`'s n.risk, 0 after a group's last time), the forest rows (the Cox
//! estimates and CIs), and the axes cover all data.
#![cfg(feature = "plots")]
// The figures copy the fit's numbers (no arithmetic): exact equality is the invariant.
#![allow(clippy::float_cmp)]

use oncostat::plots::{CurvePlot, ForestPlot, RiskTable, StepCurve};
use oncostat::survival::competing::{AalenJohansen, CompetingRisksData};
use oncostat::{CoxPh, Design, KaplanMeier, SurvivalData};

mod common;

fn lung() -> (SurvivalData, Vec<String>, Vec<f64>) {
    let csv = common::csv::Csv::read("lung.csv");
    let time = csv.numbers("time");
    let status = csv.numbers("status");
    let sex = csv.numbers("sex");
    let groups = sex.iter().map(|s| format!("{s}")).collect();
    (
        SurvivalData::from_status(time, &status).unwrap(),
        groups,
        sex,
    )
}

fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

#[test]
fn km_plot_draws_the_fit() {
    let (os, sex, _) = lung();
    let fits = KaplanMeier::new().fit_groups(&os, &sex).unwrap();
    let plot = CurvePlot::kaplan_meier(&fits)
        .unwrap()
        .time_breaks(200.0)
        .ci(true)
        .p_value(0.00131)
        .median_lines(true);
    let ticks = plot.ticks();
    let last = fits
        .iter()
        .map(|f| *f.times().last().unwrap())
        .fold(0.0, f64::max);
    assert!(*ticks.last().unwrap() >= last, "the axis covers all data");
    // at-risk numbers: survival_at's n.risk within the follow-up, 0 after it
    for (g, fit) in fits.iter().enumerate() {
        let rows: Vec<_> = plot
            .risk_table()
            .into_iter()
            .filter(|r| r.label == fit.label())
            .collect();
        assert_eq!(rows.len(), ticks.len());
        let at = fit.survival_at(&ticks).unwrap();
        for r in &rows {
            match at.iter().find(|a| a.time == r.time) {
                Some(a) => assert_eq!(r.n_risk, a.n_risk, "group {g} at {}", r.time),
                None => assert_eq!(r.n_risk, 0.0, "after the last time of group {g}"),
            }
        }
        // step points: every drawn level is a value of the curve, at its time
        let curve = &plot.curves()[g];
        for w in curve.step_points().windows(2) {
            if w[0].0 == w[1].0 && w[0].1 != w[1].1 {
                let j = fit.times().iter().position(|&t| t == w[1].0).unwrap();
                assert_eq!(fit.survival()[j], w[1].1);
            }
        }
        // censor marks: one per time with a censoring, at S(t)
        let marks = curve.censor_marks();
        let censored = fit.n_censor().iter().filter(|&&c| c > 0.0).count();
        assert_eq!(marks.len(), censored);
        for (t, s) in marks {
            let j = fit.times().iter().position(|&x| x == t).unwrap();
            assert_eq!(fit.survival()[j], s);
        }
    }
    let svg = plot.to_svg().unwrap();
    let text = texts(&svg);
    assert!(text.iter().any(|t| t == "Log-rank p = 0.001"), "{text:?}");
    assert!(text.iter().any(|t| t == "Number at risk"));
    for r in plot.risk_table() {
        assert!(
            text.iter().any(|t| *t == format!("{}", r.n_risk as i64)),
            "at-risk number {} is drawn",
            r.n_risk
        );
    }
}

#[test]
fn extended_table_counts_events_and_censorings() {
    let (os, sex, _) = lung();
    let fits = KaplanMeier::new().fit_groups(&os, &sex).unwrap();
    let plot = CurvePlot::kaplan_meier(&fits)
        .unwrap()
        .table(RiskTable::Extended);
    for fit in &fits {
        let curve = StepCurve::from_km(fit);
        for r in plot.risk_table().iter().filter(|r| r.label == fit.label()) {
            let upto = fit.times().iter().filter(|&&t| t <= r.time).count();
            assert_eq!(r.events, fit.n_event()[..upto].iter().sum::<f64>());
            assert_eq!(r.censored, fit.n_censor()[..upto].iter().sum::<f64>());
            assert_eq!(r.n_risk, curve.at_risk(r.time));
        }
        // every row: at risk at the tick = n − events − censored before the tick
        let n = fit.n() as f64;
        for r in plot.risk_table().iter().filter(|r| r.label == fit.label()) {
            let before = fit.times().iter().filter(|&&t| t < r.time).count();
            let gone: f64 = fit.n_event()[..before].iter().sum::<f64>()
                + fit.n_censor()[..before].iter().sum::<f64>();
            assert_eq!(r.n_risk, n - gone);
        }
    }
    texts(&plot.to_svg().unwrap());
}

#[test]
fn cif_plot_has_one_table_row_per_group() {
    let csv = common::csv::Csv::read("mgus2_cr.csv");
    let cr = CompetingRisksData::new(csv.numbers("etime"), &csv.numbers("event")).unwrap();
    let sex: Vec<String> = csv.text("sex");
    let fits = AalenJohansen::new().fit_groups(&cr, &sex).unwrap();
    let plot = CurvePlot::cumulative_incidence(&fits).unwrap();
    assert_eq!(plot.curves().len(), 4);
    let groups: std::collections::BTreeSet<String> =
        plot.risk_table().into_iter().map(|r| r.label).collect();
    assert_eq!(groups.into_iter().collect::<Vec<_>>(), vec!["F", "M"]);
    for (c, fit) in plot.curves().iter().zip(fits.iter().flat_map(|f| [f, f])) {
        let k = if c.label().ends_with("cause 1") { 0 } else { 1 };
        assert_eq!(c.values(), fit.cif(k).unwrap());
        assert_eq!(c.step_points()[0], (0.0, 0.0), "incidence starts at 0");
    }
    texts(&plot.to_svg().unwrap());
}

#[test]
fn forest_rows_are_the_cox_estimates() {
    let (os, _, sex) = lung();
    let female: Vec<f64> = sex.iter().map(|s| s - 1.0).collect();
    let x = Design::from_columns([("female", female)]).unwrap();
    let fit = CoxPh::new().fit(&os, &x).unwrap();
    let table = fit.coef_table(0.95).unwrap();
    let plot = ForestPlot::from_coef_table(&table).unwrap();
    let row = &plot.rows()[0];
    let r = &table.rows()[0];
    assert_eq!(row.estimate, r.estimate.exp());
    assert_eq!(row.lower, r.lower.exp());
    assert_eq!(row.upper, r.upper.exp());
    let (lo, hi) = plot.x_range();
    assert!(lo <= row.lower && hi >= row.upper && lo < 1.0 && hi > 1.0);
    let text = texts(&plot.to_svg().unwrap());
    let cell = format!("{:.2} ({:.2}–{:.2})", row.estimate, row.lower, row.upper);
    assert!(text.contains(&cell), "{cell} in {text:?}");
    // per-unit scaling is the power of the ratio
    let scaled = ForestPlot::from_coef_table(&table)
        .unwrap()
        .per_unit("female", 2.0, "two units")
        .unwrap();
    assert!((scaled.rows()[0].estimate - row.estimate.powi(2)).abs() < 1e-12);
}

#[test]
fn figures_refuse_nothing_to_draw() {
    assert!(matches!(
        CurvePlot::new(Vec::new()),
        Err(oncostat::Error::Figure { .. })
    ));
    assert!(ForestPlot::new(Vec::new()).is_err());
}

#[test]
fn analyze_km_plot_writes_the_figure() {
    let path = std::env::temp_dir().join(format!("oncostat_km_plot_{}.svg", std::process::id()));
    let lung = common::data("lung.csv");
    let j = common::analyze_json(&[
        "km",
        "--time",
        "time",
        "--event",
        "status",
        "--group",
        "sex",
        "--plot",
        path.to_str().expect("utf-8 path"),
        lung.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(j["plot"].as_str(), Some(path.to_str().unwrap()));
    let svg = std::fs::read_to_string(&path).expect("the figure is written");
    let text = texts(&svg);
    assert!(text.iter().any(|t| t == "Number at risk"));
    assert!(text.iter().any(|t| t.starts_with("Log-rank p")));
    // the at-risk numbers at time 0 are the group sizes of the JSON
    for g in j["groups"].as_array().unwrap() {
        let n = g["n"].as_f64().unwrap() as i64;
        assert!(text.contains(&n.to_string()), "n = {n} drawn");
    }
    let _ = std::fs::remove_file(&path);
}
