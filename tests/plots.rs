//! Figures (feature `plots`): the SVG parses as XML, and the numbers drawn are the fit's —
//! curve step points, censor marks, the at-risk numbers at each tick (equal to
//! `SurvivalCurve::survival_at`'s n.risk, 0 after a group's last time), the forest rows (the Cox
//! estimates and CIs), and the axes cover all data.
#![cfg(feature = "plots")]
// The figures copy the fit's numbers (no arithmetic): exact equality is the invariant.
#![allow(clippy::float_cmp)]

use oncostat::endpoints::{Landmark, TdcSplit};
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
    // named causes in the legend; the risk-table rows stay the groups
    let named = plot.cause_labels(&[(1, "plasma-cell malignancy"), (2, "death")]);
    let labels: Vec<&str> = named.curves().iter().map(|c| c.label()).collect();
    assert_eq!(
        labels,
        [
            "F, plasma-cell malignancy",
            "F, death",
            "M, plasma-cell malignancy",
            "M, death"
        ]
    );
    assert_eq!(named.curves()[1].cause(), Some(2));
    let t = texts(&named.to_svg().unwrap());
    assert!(t.iter().any(|s| s == "M, death"), "{t:?}");
    assert!(!t.iter().any(|s| s.contains("cause")), "{t:?}");
    let rows: std::collections::BTreeSet<String> =
        named.risk_table().into_iter().map(|r| r.label).collect();
    assert_eq!(rows.into_iter().collect::<Vec<_>>(), vec!["F", "M"]);
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

/// Runs `analyze <args> --plot <tmp>.svg --json`: the JSON names the file, the file is
/// well-formed SVG; returns the JSON and the figure's text elements.
fn analyze_plot(name: &str, args: &[&str]) -> (serde_json::Value, Vec<String>) {
    let path =
        std::env::temp_dir().join(format!("oncostat_{name}_plot_{}.svg", std::process::id()));
    let path_s = path.to_str().expect("utf-8 path").to_string();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--plot", path_s.as_str()]);
    let j = common::analyze_json(&all);
    assert_eq!(
        j["plot"].as_str(),
        Some(path_s.as_str()),
        "{name}: JSON key plot"
    );
    let svg = std::fs::read_to_string(&path).expect("the figure is written");
    assert!(svg.starts_with("<svg"), "{name}: an SVG document");
    let text = texts(&svg);
    let _ = std::fs::remove_file(&path);
    (j, text)
}

fn data_path(name: &str) -> String {
    common::data(name).to_str().expect("utf-8 path").to_string()
}

/// The forest plot's `estimate (lower–upper)` cell of a ratio and its bounds.
fn ci_cell(est: f64, lo: f64, hi: f64) -> String {
    format!("{est:.2} ({lo:.2}–{hi:.2})")
}

#[test]
fn analyze_cif_plot_draws_every_cause_and_grays_test() {
    let file = data_path("mgus2_cr.csv");
    let (j, text) = analyze_plot(
        "cif",
        &[
            "cif", "--time", "etime", "--status", "event", "--group", "sex", &file,
        ],
    );
    for label in ["F, cause 1", "F, cause 2", "M, cause 1", "M, cause 2"] {
        assert!(text.iter().any(|t| t == label), "legend {label}: {text:?}");
    }
    for g in j["gray"].as_array().unwrap() {
        let p = g["p"].as_f64().unwrap();
        let want = format!(
            "Gray's test, cause {} {}",
            g["cause"],
            oncostat::plots::format_p(p)
        );
        assert!(text.contains(&want), "{want} in {text:?}");
    }
    for g in j["groups"].as_array().unwrap() {
        let n = g["n"].as_u64().unwrap().to_string();
        assert!(text.contains(&n), "n at risk {n} at time 0");
    }
}

#[test]
fn analyze_cif_cause_names_label_the_legend_tests_and_json() {
    let file = data_path("mgus2_cr.csv");
    let (j, text) = analyze_plot(
        "cif_named",
        &[
            "cif",
            "--time",
            "etime",
            "--status",
            "event",
            "--group",
            "sex",
            "--cause-name",
            "1=progression",
            "--cause-name",
            "2=death without progression",
            &file,
        ],
    );
    for label in [
        "F, progression",
        "F, death without progression",
        "M, progression",
        "M, death without progression",
    ] {
        assert!(text.iter().any(|t| t == label), "legend {label}: {text:?}");
    }
    assert!(!text.iter().any(|t| t.contains("cause 1")), "{text:?}");
    let names: Vec<&str> = j["groups"][0]["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["progression", "death without progression"]);
    for g in j["gray"].as_array().unwrap() {
        let name =
            ["progression", "death without progression"][g["cause"].as_u64().unwrap() as usize - 1];
        let want = format!(
            "Gray's test, {name} {}",
            oncostat::plots::format_p(g["p"].as_f64().unwrap())
        );
        assert!(text.contains(&want), "{want} in {text:?}");
    }
    // a cause name without its code is one clear error line
    let run = common::analyze(&[
        "cif",
        "--time",
        "etime",
        "--status",
        "event",
        "--cause-name",
        "relapse",
        &file,
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--cause-name `relapse`"),
        "{}",
        run.stderr
    );
}

#[test]
fn analyze_cox_plot_is_a_forest_of_the_hazard_ratios() {
    let file = data_path("lung.csv");
    let cov = "age,sex,ph_ecog";
    let plain = [
        "cox",
        "--time",
        "time",
        "--event",
        "status",
        "--covariates",
        cov,
    ];
    let formula = [
        "cox",
        "--formula",
        "Surv(time, status) ~ age + sex + ph_ecog",
    ];
    let firth = [
        "cox",
        "--firth",
        "--time",
        "time",
        "--event",
        "status",
        "--covariates",
        cov,
    ];
    for (name, args, lo, hi) in [
        ("cox", &plain[..], "hr_lower", "hr_upper"),
        ("cox_formula", &formula[..], "hr_lower", "hr_upper"),
        ("cox_firth", &firth[..], "hr_lower", "hr_upper"),
    ] {
        let mut args = args.to_vec();
        args.push(&file);
        let (j, text) = analyze_plot(name, &args);
        assert!(text.iter().any(|t| t == "HR (95% CI)"), "{name}: {text:?}");
        assert!(text.iter().any(|t| t == "HR (log scale)"), "{name}");
        for c in j["coefficients"].as_array().unwrap() {
            let f = |k: &str| c[k].as_f64().unwrap();
            assert!(
                text.contains(&c["name"].as_str().unwrap().to_string()),
                "{name}"
            );
            let cell = ci_cell(f("hr"), f(lo), f(hi));
            assert!(text.contains(&cell), "{name}: {cell} in {text:?}");
        }
    }
}

#[test]
fn analyze_logistic_plot_is_a_forest_of_the_odds_ratios() {
    let file = data_path("infert.csv");
    for (name, firth) in [("logistic", false), ("logistic_firth", true)] {
        let mut args = vec![
            "logistic",
            "--response",
            "case",
            "--covariates",
            "age,parity,spontaneous,induced",
        ];
        if firth {
            args.push("--firth");
        }
        args.push(&file);
        let (j, text) = analyze_plot(name, &args);
        assert!(text.iter().any(|t| t == "OR (95% CI)"), "{name}: {text:?}");
        assert!(
            !text.iter().any(|t| t == "(Intercept)"),
            "{name}: no intercept row"
        );
        for c in j["coefficients"].as_array().unwrap() {
            if c["name"] == "(Intercept)" {
                continue;
            }
            let f = |k: &str| c[k].as_f64().unwrap();
            let cell = ci_cell(f("or"), f("lower").exp(), f("upper").exp());
            assert!(text.contains(&cell), "{name}: {cell} in {text:?}");
        }
    }
}

#[test]
fn analyze_km_landmark_plot_draws_the_landmark_groups() {
    let file = data_path("jasa.csv");
    let (j, text) = analyze_plot(
        "km_landmark",
        &[
            "km",
            "--time",
            "futime",
            "--event",
            "fustat",
            "--landmark",
            "30",
            "--landmark-group",
            "txtime",
            &file,
        ],
    );
    assert!(text.iter().any(|t| t.starts_with("Log-rank p")), "{text:?}");
    for g in j["groups"].as_array().unwrap() {
        let n = g["n"].as_u64().unwrap().to_string();
        assert!(text.contains(&n), "n at risk {n} at the landmark");
    }
}

#[test]
fn analyze_irecist_and_endpoints_plots_draw_the_response_figures() {
    let lesions = data_path("endpoints/lesions.csv");
    let patients = data_path("endpoints/patients.csv");
    for kind in ["waterfall", "spider"] {
        let (_, text) = analyze_plot(
            &format!("irecist_{kind}"),
            &["irecist", "--plot-kind", kind, &lesions],
        );
        assert!(
            text.iter().any(|t| t.contains("target sum")),
            "{kind}: {text:?}"
        );
    }
    let base = [
        "endpoints",
        "--lesions",
        &lesions,
        "--patients",
        &patients,
        "--group",
        "arm",
    ];
    let (j, text) = analyze_plot("endpoints_pfs", &base);
    assert!(
        text.iter().any(|t| t == "Progression-free survival"),
        "{text:?}"
    );
    assert!(text.iter().any(|t| t.starts_with("Log-rank p")), "{text:?}");
    for g in j["groups"].as_array().unwrap() {
        let n = g["pfs"]["n"].as_u64().unwrap().to_string();
        assert!(text.contains(&n), "PFS n at risk {n}");
    }
    for kind in ["waterfall", "spider", "swimmer"] {
        let mut args = base.to_vec();
        args.extend(["--plot-kind", kind]);
        let (j, text) = analyze_plot(&format!("endpoints_{kind}"), &args);
        if kind == "swimmer" {
            for s in j["swimmer"].as_array().unwrap() {
                let p = s["patient"].as_str().unwrap().to_string();
                assert!(text.contains(&p), "swimmer lane {p}");
            }
        }
    }
}

#[test]
fn analyze_plot_kind_needs_plot() {
    let lesions = data_path("endpoints/lesions.csv");
    let run = common::analyze(&["irecist", "--plot-kind", "spider", &lesions]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

/// jasa as follow-up, event and transplant day (`None`: no transplant).
fn jasa() -> (Vec<f64>, Vec<bool>, Vec<Option<f64>>) {
    let csv = common::csv::Csv::read("jasa.csv");
    let time = csv.numbers("futime");
    let event = csv.numbers("fustat").iter().map(|&e| e > 0.5).collect();
    let switch = csv.numbers_or_missing("txtime");
    (time, event, switch)
}

#[test]
fn simon_makuch_and_landmark_risk_tables_are_rs() {
    let g = common::json("plot_risk_goldens.json");
    let (time, event, switch) = jasa();
    let km = KaplanMeier::new();
    let sm = TdcSplit::new(&time, &event, &switch).unwrap();
    let lm = Landmark::new(30.0, &time, &event, &switch).unwrap();
    for (name, fits) in [
        ("simon_makuch", sm.simon_makuch(&km).unwrap()),
        ("landmark_30", lm.kaplan_meier(&km).unwrap()),
    ] {
        let plot = CurvePlot::kaplan_meier(&fits).unwrap().time_breaks(250.0);
        let table = plot.risk_table();
        let golden = g[name].as_array().unwrap();
        assert_eq!(golden.len(), fits.len(), "{name}");
        for (fit, want) in fits.iter().zip(golden) {
            let rows: Vec<_> = table.iter().filter(|r| r.label == fit.label()).collect();
            let times = want["time"].as_array().unwrap();
            let n_risk = want["n_risk"].as_array().unwrap();
            // the drawn ticks are R's times (the axis covers the last time)
            assert!(
                rows.len() >= 7 && rows.len() <= times.len(),
                "{name}: {} ticks",
                rows.len()
            );
            for (r, (t, n)) in rows.iter().zip(times.iter().zip(n_risk)) {
                assert_eq!(r.time, t.as_f64().unwrap(), "{name}");
                assert_eq!(
                    r.n_risk,
                    n.as_f64().unwrap(),
                    "{name} {} at {}",
                    r.label,
                    r.time
                );
            }
        }
        texts(&plot.to_svg().unwrap());
    }
}

#[test]
fn cox_predicted_curves_draw_the_prediction() {
    let (d, _, sex) = lung();
    let x = Design::from_columns([("sex", sex)]).unwrap();
    let fit = CoxPh::new().fit(&d, &x).unwrap();
    let male = fit.survfit(&[1.0], 0.95).unwrap();
    let female = fit.survfit(&[2.0], 0.95).unwrap();
    let plot = CurvePlot::cox(&[("male", &male[0]), ("female", &female[0])])
        .unwrap()
        .ci(true);
    for (c, want) in plot.curves().iter().zip([&male[0], &female[0]]) {
        assert_eq!(c.times(), want.times());
        assert_eq!(c.values(), want.survival());
        // every drawn vertex lies on the predicted curve
        for (t, v) in c.step_points().into_iter().skip(1) {
            let k = want.times().iter().position(|&x| x == t).unwrap();
            let before = if k == 0 { 1.0 } else { want.survival()[k - 1] };
            assert!(v == want.survival()[k] || v == before, "vertex ({t}, {v})");
        }
    }
    let text = texts(&plot.to_svg().unwrap());
    assert!(text.iter().any(|t| t == "male") && text.iter().any(|t| t == "female"));
}

#[test]
fn incidence_causes_differ_by_line_style_not_only_colour() {
    let csv = common::csv::Csv::read("mgus2_cr.csv");
    let cr = CompetingRisksData::new(csv.numbers("etime"), &csv.numbers("event")).unwrap();
    let groups = csv.text("sex");
    let fits = AalenJohansen::new().fit_groups(&cr, &groups).unwrap();
    let styles = CurvePlot::cumulative_incidence(&fits).unwrap().styles();
    // F cause 1, F cause 2, M cause 1, M cause 2: colour by group, dash by cause
    assert_eq!(styles, vec![(0, 0), (0, 1), (1, 0), (1, 1)]);
    assert_ne!(oncostat::plots::DASHES[0], oncostat::plots::DASHES[1]);
    let one = AalenJohansen::new().fit(&cr).unwrap();
    let plot = CurvePlot::cumulative_incidence(&[one]).unwrap();
    assert_eq!(plot.styles(), vec![(0, 0), (1, 1)]);
    let svg = plot
        .test_p_value("Gray's test, cause 1", 0.2)
        .to_svg()
        .unwrap();
    assert!(texts(&svg).contains(&"Gray's test, cause 1 p = 0.200".to_string()));
}

#[test]
fn forest_columns_hold_every_row_and_the_axis_is_logarithmic() {
    let (d, _, sex) = lung();
    let csv = common::csv::Csv::read("lung.csv");
    let x = Design::from_columns([("sex", sex), ("age", csv.numbers("age"))]).unwrap();
    let table = CoxPh::new().fit(&d, &x).unwrap().coef_table(0.95).unwrap();
    let plot = ForestPlot::from_coef_table(&table)
        .unwrap()
        .per_unit("age", 10.0, "per 10 years")
        .unwrap();
    let text = texts(&plot.to_svg().unwrap());
    for r in plot.rows() {
        assert!(text.contains(&r.label));
        let cell = ci_cell(r.estimate, r.lower, r.upper);
        assert!(text.contains(&cell), "{cell}");
    }
    // p as `p < 0.001` / `p = 0.024` without the `p = ` in the column
    let p = oncostat::plots::format_p(table.rows()[0].p_value);
    assert!(text.contains(&p.trim_start_matches("p = ").replace("p ", "")));
    // the tick labels are on a log scale and include 1
    assert!(text.iter().any(|t| t == "1"));
}

#[test]
fn response_keys_name_every_best_response() {
    let dir = common::data("endpoints");
    let json = common::analyze_json(&[
        "endpoints",
        "--lesions",
        dir.join("lesions.csv").to_str().unwrap(),
        "--patients",
        dir.join("patients.csv").to_str().unwrap(),
    ]);
    let bors: Vec<&str> = json["swimmer"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["bor"].as_str().unwrap())
        .collect();
    let (_, text) = analyze_plot(
        "endpoints_swimmer_key",
        &[
            "endpoints",
            "--lesions",
            dir.join("lesions.csv").to_str().unwrap(),
            "--patients",
            dir.join("patients.csv").to_str().unwrap(),
            "--plot-kind",
            "swimmer",
        ],
    );
    for b in bors {
        assert!(text.iter().any(|t| t == b), "key entry {b}: {text:?}");
    }
}

#[test]
fn analyze_plot_per_rescales_a_continuous_covariate() {
    let file = data_path("infert.csv");
    let args = [
        "logistic",
        "--response",
        "case",
        "--covariates",
        "age,parity",
        "--plot-per",
        "age=10",
        &file,
    ];
    let (j, text) = analyze_plot("logistic_per", &args);
    let age = j["coefficients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "age")
        .unwrap();
    let f = |k: &str| age[k].as_f64().unwrap();
    assert!(text.iter().any(|t| t == "age (per 10)"), "{text:?}");
    let cell = ci_cell(
        f("or").powf(10.0),
        (10.0 * f("lower")).exp(),
        (10.0 * f("upper")).exp(),
    );
    assert!(text.contains(&cell), "{cell} in {text:?}");
    // a name that is not a coefficient, or a bad factor: exit 2 and one error line
    for bad in ["agee=10", "age=-1", "age"] {
        let mut args = args.to_vec();
        args[6] = bad;
        args.extend(["--plot", "/tmp/oncostat_never_written.svg"]);
        let run = common::analyze(&args);
        assert_eq!(run.code, 2, "{bad}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("error: ") && run.stderr.contains("--plot-per"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn analyze_rmst_plot_shades_the_area_up_to_tau() {
    let file = data_path("lung.csv");
    let (j, text) = analyze_plot(
        "rmst",
        &[
            "rmst", "--time", "time", "--event", "status", "--group", "sex", "--tau", "800", &file,
        ],
    );
    assert!(text.iter().any(|t| t == "τ = 800"), "{text:?}");
    let p = j["difference"]["p"].as_f64().unwrap();
    let want = format!("RMST difference {}", oncostat::plots::format_p(p));
    assert!(text.contains(&want), "{want} in {text:?}");
    // a tau past every curve's last time: the axis reaches tau
    let (d, groups, _) = lung();
    let fits = KaplanMeier::new().fit_groups(&d, &groups).unwrap();
    let plot = CurvePlot::kaplan_meier(&fits)
        .unwrap()
        .restricted_mean(1500.0);
    assert!(*plot.ticks().last().unwrap() >= 1500.0);
    texts(&plot.to_svg().unwrap());
}

#[test]
fn analyze_cox_plot_curves_are_the_predicted_survival() {
    let file = data_path("lung.csv");
    let base = ["cox", "--time", "time", "--event", "status"];
    // per value of a covariate, the others at their means
    let mut args = base.to_vec();
    args.extend([
        "--covariates",
        "age,sex",
        "--plot-kind",
        "curves",
        "--plot-by",
        "sex",
        &file,
    ]);
    let (j, text) = analyze_plot("cox_curves_by", &args);
    assert!(
        text.iter().any(|t| t == "sex = 1") && text.iter().any(|t| t == "sex = 2"),
        "{text:?}"
    );
    assert!(
        text.contains(&j["n"].as_u64().unwrap().to_string()),
        "n at risk at 0"
    );
    // the curves are the library's survfit at those covariate values
    let (d, _, sex) = lung();
    let age = common::csv::Csv::read("lung.csv").numbers("age");
    let fit = CoxPh::new()
        .fit(
            &d,
            &Design::from_columns([("age", age.clone()), ("sex", sex)]).unwrap(),
        )
        .unwrap();
    let mean_age = age.iter().sum::<f64>() / age.len() as f64;
    let curve = &fit.survfit(&[mean_age, 1.0], 0.95).unwrap()[0];
    let plot = CurvePlot::cox(&[("sex = 1", curve)]).unwrap();
    for r in plot.risk_table() {
        assert!(
            text.contains(&format!("{}", r.n_risk)),
            "n at risk {} at {}",
            r.n_risk,
            r.time
        );
    }
    // one curve per stratum at the covariate means, labelled by the strata column
    let mut args = base.to_vec();
    args.extend([
        "--covariates",
        "age",
        "--strata",
        "sex",
        "--plot-kind",
        "curves",
        &file,
    ]);
    let (_, text) = analyze_plot("cox_curves_strata", &args);
    assert!(
        text.iter().any(|t| t == "sex = 1") && text.iter().any(|t| t == "sex = 2"),
        "{text:?}"
    );
    // not a covariate, too many values, Firth: one error line
    for extra in [
        &[
            "--covariates",
            "age",
            "--plot-kind",
            "curves",
            "--plot-by",
            "sex",
        ][..],
        &[
            "--covariates",
            "age",
            "--plot-kind",
            "curves",
            "--plot-by",
            "age",
        ][..],
        &["--covariates", "age", "--firth", "--plot-kind", "curves"][..],
        &["--covariates", "age", "--plot-by", "age"][..],
    ] {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        args.extend(["--plot", "/tmp/oncostat_never_written.svg", &file]);
        let run = common::analyze(&args);
        assert_eq!(run.code, 2, "{extra:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("error: ") && run.stderr.lines().count() == 1,
            "{}",
            run.stderr
        );
    }
}

#[test]
fn analyze_km_plot_table_and_median_options() {
    let file = data_path("lung.csv");
    let args = [
        "km",
        "--time",
        "time",
        "--event",
        "status",
        "--group",
        "sex",
        "--plot-table",
        "extended",
        "--plot-median",
        &file,
    ];
    let (j, text) = analyze_plot("km_extended", &args);
    assert!(
        text.iter()
            .any(|t| t == "Number at risk (censored, events)"),
        "{text:?}"
    );
    for g in j["groups"].as_array().unwrap() {
        let label = format!("{} events", g["group"].as_str().unwrap());
        assert!(text.contains(&label), "{label} row");
        // the last column of the events row is the group's number of events
        let events = g["events"].as_f64().unwrap().to_string();
        assert!(text.contains(&events), "{events} events");
    }
    let mut args = args.to_vec();
    args[8] = "none";
    let (_, text) = analyze_plot("km_no_table", &args);
    assert!(
        !text.iter().any(|t| t.starts_with("Number at risk")),
        "{text:?}"
    );
}

/// A line plot draws every point of every line (one marker each, plus one per legend entry
/// with a marker), its band, the reference line, and a legend naming each label once; its
/// axes cover the data, the bands and the reference lines.
#[test]
fn line_plot_draws_every_point_band_and_reference() {
    use oncostat::plots::{Line, LinePlot};
    let n = vec![60.0, 100.0, 142.0, 200.0, 300.0, 400.0];
    let p05 = vec![0.61, 0.80, 0.95, 0.99, 1.0, 1.0];
    let p01 = vec![0.29, 0.60, 0.86, 0.95, 0.99, 1.0];
    let lo: Vec<f64> = p05.iter().map(|p| p - 0.05).collect();
    let hi: Vec<f64> = p05.iter().map(|p: &f64| (p + 0.05).min(1.0)).collect();
    let plot = LinePlot::new(vec![
        Line::new("HR BMI ≥ 25", n.clone(), p05.clone()).band(lo, hi),
        Line::new("HR BMI ≥ 25", n.clone(), p01).dash(1),
        Line::new(
            "OR age",
            n.clone(),
            vec![0.21, 0.35, 0.47, 0.61, 0.78, 0.90],
        )
        .colour(1),
    ])
    .unwrap()
    .x_label("Patients in the cohort")
    .y_label("Power")
    .reference_line(0.8, "80% power")
    .dash_key("p < 0.05", 0)
    .dash_key("p < 0.01", 1);
    let legend = plot.legend();
    let labels: Vec<&str> = legend.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(
        labels,
        ["HR BMI ≥ 25", "OR age", "p < 0.05", "p < 0.01", "80% power"]
    );
    assert_eq!(legend[1].colour, Some(1));
    assert_eq!(legend[4].colour, None);
    assert!(!legend[4].marker);
    // the axes: x from 0 past 400, y from 0 past the band's top (1.0)
    let (xt, yt) = (plot.x_ticks(), plot.y_ticks());
    assert_eq!(xt, vec![0.0, 100.0, 200.0, 300.0, 400.0]);
    assert_eq!((yt[0], *yt.last().unwrap()), (0.0, 1.0));
    assert_eq!(plot.lines()[0].points()[2], (142.0, 0.95));
    assert_eq!(plot.lines()[0].band_points()[0], (60.0, 0.61 - 0.05, 0.66));
    let svg = plot.to_svg().unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let circles = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .count();
    // filled markers are one circle, open markers two (white fill, coloured ring)
    let markers = 6 + 2 * 6 + 6 + (1 + 1 + 1 + 2);
    assert_eq!(circles, markers, "one marker per point and legend entry");
    let t = texts(&svg);
    for needle in [
        "Patients in the cohort",
        "Power",
        "80% power",
        "p < 0.01",
        "OR age",
    ] {
        assert!(t.iter().any(|s| s == needle), "no {needle}: {t:?}");
    }
    for tick in ["0.0", "0.2", "1.0", "0", "400"] {
        assert!(t.iter().any(|s| s == tick), "no tick {tick}: {t:?}");
    }
    assert!(
        doc.descendants().any(|n| n.has_tag_name("polygon")),
        "the band"
    );
}

#[test]
fn line_plot_refuses_lines_it_cannot_draw() {
    use oncostat::plots::{Line, LinePlot};
    let err = |lines| match LinePlot::new(lines) {
        Err(oncostat::Error::Figure { reason, .. }) => reason,
        other => panic!("expected a figure error, got {other:?}"),
    };
    assert!(err(Vec::new()).contains("no lines"));
    let r = err(vec![Line::new("power", vec![1.0, 2.0], vec![0.5])]);
    assert!(r.contains("`power` has 2 x values and 1 y values"), "{r}");
    let r = err(vec![Line::new("power", vec![1.0], vec![f64::NAN])]);
    assert!(r.contains("`power` has the value NaN"), "{r}");
    let r = err(vec![
        Line::new("power", vec![1.0, 2.0], vec![0.5, 0.6]).band(vec![0.4], vec![0.6, 0.7]),
    ]);
    assert!(r.contains("band of line `power`"), "{r}");
    let r = err(vec![Line::new("empty", Vec::new(), Vec::new())]);
    assert!(r.contains("`empty` has 0 x values"), "{r}");
}

/// The log-rank p-value moves away from the lower left when a curve runs along the bottom
/// there (it was fixed at the lower left), and never onto the legend.
#[test]
fn p_value_label_avoids_the_curves() {
    // group a: 19 of 20 die in the first 2 months, one is followed to 20 (S = 0.05 along the
    // bottom); group b: one death, S ≈ 0.95 along the top
    let mut time: Vec<f64> = (1..20).map(|i| f64::from(i) * 0.1).collect();
    time.push(20.0);
    time.extend((1..=20).map(|i| 19.0 + f64::from(i) * 0.05));
    let mut status = vec![1.0; 19];
    status.push(0.0);
    status.extend((0..20).map(|i| if i == 0 { 1.0 } else { 0.0 }));
    let groups: Vec<&str> = (0..40).map(|i| if i < 20 { "a" } else { "b" }).collect();
    let os = SurvivalData::from_status(time, &status).unwrap();
    let fits = KaplanMeier::new().fit_groups(&os, &groups).unwrap();
    let svg = CurvePlot::kaplan_meier(&fits)
        .unwrap()
        .p_value(0.0001)
        .table(RiskTable::None)
        .to_svg()
        .unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let y_of = |needle: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("text") && n.text().is_some_and(|t| t.contains(needle)))
            .and_then(|n| n.attribute("y"))
            .and_then(|y| y.parse::<f64>().ok())
            .unwrap_or_else(|| panic!("no text {needle}"))
    };
    // the panel is 520 px high: S = 0.05 is drawn at about y = 470, S = 0.95 at about 50
    let p_y = y_of("Log-rank p < 0.001");
    assert!(p_y > 120.0 && p_y < 400.0, "p label at y = {p_y}");
    let legend_y = y_of("b");
    assert!(
        (p_y - legend_y).abs() > 30.0,
        "p {p_y} on the legend {legend_y}"
    );
}
