//! The `km` command: Kaplan–Meier curves as R's `survfit(Surv(time, event) ~ group)`.
//!
//! ```text
//! analyze km --time COL --event COL [--group COL] [--at T1,T2,...] [--conf-type log|log-log|plain] file.csv
//! ```
//!
//! JSON: `n`, `dropped`, `conf_type`, `groups: [{group, n, events, median, median_lower,
//! median_upper, rmean, rmean_se, surv_at: [{time, n_risk, surv, se, lower, upper}]}]`,
//! `fit_seconds`. `se` is the standard error of S(t) as R's `summary.survfit` prints it;
//! times after a group's last time are left out (R's `extend = FALSE`). The median and its
//! interval are R's `quantile(fit, 0.5)`. `--plot FILE.svg` draws the curves (CI bands,
//! censor marks, log-rank p with two or more groups) with the number at risk under them
//! (`--plot-table extended`: also the cumulative censored and events, KMunicate; `none`) and,
//! with `--plot-median`, the median lines (JSON key `plot`).

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

use oncostat::frame::TextColumn;

use oncostat::{ConfType, KaplanMeier, KmTable, SurvivalCurve, SurvivalData, median_follow_up};
use serde_json::{Value, json};

use crate::cli::{self, CliError, Input, Output, Reader, num, opt_num, timed};
use crate::landmark::{LandmarkArgs, landmark_json, landmark_text, survival_data};
use crate::parse::Numbers;
use crate::table::{Kind, Table};

/// Options of `km`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Column of follow-up times (>= 0).
    #[arg(long, value_name = "COL")]
    pub time: String,
    /// Column of event indicators (0/1 or false/true).
    #[arg(long, value_name = "COL")]
    pub event: String,
    /// Column of group labels: one curve per group (default: one curve, `all`).
    #[arg(long, value_name = "COL", conflicts_with = "landmark")]
    pub group: Option<String>,
    /// Times at which to report survival, n at risk and the CI (R's summary(fit, times)).
    #[arg(long, value_name = "T1,T2,...", allow_negative_numbers = true)]
    pub at: Option<Numbers>,
    /// Scale of the confidence intervals (R's conf.type).
    #[arg(long, value_name = "TYPE", default_value_t = ConfType::Log, value_parser = cli::setting::<ConfType>())]
    pub conf_type: ConfType,
    /// Reverse Kaplan-Meier (censoring as the event): median follow-up and its CI per group.
    #[arg(long)]
    pub reverse: bool,
    /// Landmark analysis (curves by landmark group, time from the landmark).
    #[command(flatten)]
    pub landmark: LandmarkArgs,
    /// Also draw the curves (CI bands, censor marks, number at risk, log-rank p) as SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<std::path::PathBuf>,
    /// The table under the curves of --plot: at-risk, extended (also cumulative censored and events) or none.
    #[arg(long, value_name = "KIND", value_enum, default_value_t = PlotTable::AtRisk, requires = "plot")]
    pub plot_table: PlotTable,
    /// Draw dashed lines at each curve's median in --plot.
    #[arg(long, requires = "plot")]
    pub plot_median: bool,
    /// The input file.
    #[command(flatten)]
    pub input: Input,
}

/// The table under the curves of `km --plot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[allow(missing_docs)] // a doc comment on a variant would make `--help` print a paragraph per value
pub enum PlotTable {
    // number at risk (survminer's risk table)
    AtRisk,
    // number at risk, cumulative censored and events (KMunicate)
    Extended,
    // no table
    None,
}

impl cli::Run for Args {
    fn run(&self, read: &Reader) -> Result<Output, CliError> {
        run(self, read(self.input.file()?)?)
    }
}

/// A group (or stratum) label from the CSV, ordered as R orders a factor made from the
/// column: numerically when every value is a number, else as text.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupKey {
    /// A numeric label, printed as R prints the number (`1`, `0.5`).
    Number(f64),
    /// A text label.
    Text(String),
}

impl Eq for GroupKey {}

impl PartialOrd for GroupKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for GroupKey {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (GroupKey::Number(a), GroupKey::Number(b)) => a.total_cmp(b),
            (GroupKey::Text(a), GroupKey::Text(b)) => a.cmp(b),
            (GroupKey::Number(_), GroupKey::Text(_)) => Ordering::Less,
            (GroupKey::Text(_), GroupKey::Number(_)) => Ordering::Greater,
        }
    }
}

impl fmt::Display for GroupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupKey::Number(x) => write!(f, "{x}"),
            GroupKey::Text(s) => f.write_str(s),
        }
    }
}

/// The labels of a text column as group keys: numbers if every value parses as one.
pub fn group_keys(values: &[String]) -> Vec<GroupKey> {
    let numbers: Option<Vec<f64>> = values
        .iter()
        .map(|v| v.parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect();
    match numbers {
        Some(xs) => xs.into_iter().map(GroupKey::Number).collect(),
        None => values.iter().cloned().map(GroupKey::Text).collect(),
    }
}

/// The group of each row: one [`GroupKey`] per distinct label and a code per row, so that
/// a million rows of a few groups hold no label per row; [`Groups::rows`] lends each row its
/// key for the library's grouped fits and tests.
#[derive(Debug)]
pub struct Groups {
    keys: Vec<GroupKey>,
    codes: Vec<u32>,
}

impl Groups {
    /// The groups of a text column: its distinct labels as keys ([`group_keys`]: numbers if
    /// every label reads as one, so the decision is the same over the labels as over the
    /// rows).
    pub fn of_text(labels: &TextColumn) -> Groups {
        Groups {
            keys: group_keys(labels.dictionary()),
            codes: labels.codes().to_vec(),
        }
    }

    /// Numeric groups (the landmark group of each row), one key per distinct value.
    pub fn of_numbers(values: &[f64]) -> Groups {
        let mut keys: Vec<GroupKey> = Vec::new();
        let mut code_of: HashMap<u64, u32> = HashMap::new();
        let codes = values
            .iter()
            .map(|&x| {
                *code_of.entry(x.to_bits()).or_insert_with(|| {
                    keys.push(GroupKey::Number(x));
                    keys.len() as u32 - 1
                })
            })
            .collect();
        Groups { keys, codes }
    }

    /// One group, `label`, for each of `n` rows.
    pub fn one(label: &str, n: usize) -> Groups {
        Groups {
            keys: vec![GroupKey::Text(label.to_string())],
            codes: vec![0; n],
        }
    }

    /// Each row's key (eight bytes a row).
    pub fn rows(&self) -> Vec<&GroupKey> {
        self.codes
            .iter()
            .filter_map(|&c| self.keys.get(c as usize))
            .collect()
    }
}

fn group_json(fit: &SurvivalCurve, at: &[f64]) -> Result<Value, oncostat::Error> {
    let (lower, upper) = fit.median_ci();
    let rmean = fit.restricted_mean();
    let surv_at: Vec<Value> = fit
        .survival_at(at)?
        .iter()
        .map(|a| {
            json!({
                "time": num(a.time),
                "n_risk": num(a.n_risk),
                "surv": num(a.survival),
                "se": num(a.std_error),
                "lower": num(a.lower),
                "upper": num(a.upper),
            })
        })
        .collect();
    Ok(json!({
        "group": fit.label(),
        "n": fit.n(),
        "events": num(fit.weighted_n_events()),
        "median": opt_num(fit.median()),
        "median_lower": opt_num(lower),
        "median_upper": opt_num(upper),
        "rmean": num(rmean.estimate),
        "rmean_se": num(rmean.std_error),
        "surv_at": surv_at,
    }))
}

/// R's `summary(fit, times = ...)` table for one curve.
fn summary_text(fit: &SurvivalCurve, at: &[f64], level: &str) -> Result<String, oncostat::Error> {
    let mut out = format!(
        "\n{}\n {:>8} {:>8} {:>10} {:>10} {:>10} {:>10}\n",
        fit.label(),
        "time",
        "n.risk",
        "survival",
        "std.err",
        format!("lower {level}"),
        format!("upper {level}")
    );
    for a in fit.survival_at(at)? {
        let cell = |x: f64| oncostat::table::format_number(x, 4);
        out.push_str(&format!(
            " {:>8} {:>8} {:>10} {:>10} {:>10} {:>10}\n",
            oncostat::table::format_signif(a.time, 7),
            a.n_risk,
            cell(a.survival),
            cell(a.std_error),
            cell(a.lower),
            cell(a.upper)
        ));
    }
    Ok(out)
}

/// `km --reverse`: the median follow-up per group by the reverse Kaplan–Meier, R's
/// `survfit(Surv(time, 1 - status) ~ g)`. JSON: `groups: [{group, n, median, median_lower,
/// median_upper}]`.
fn reverse(
    data: &SurvivalData,
    keys: Option<&[&GroupKey]>,
    dropped: usize,
    lib: impl Fn(oncostat::Error) -> CliError,
) -> Result<Output, CliError> {
    let (fu, seconds) = timed(|| median_follow_up(data, keys));
    let fu = fu.map_err(&lib)?;
    let groups: Vec<Value> = fu
        .iter()
        .map(|g| {
            json!({
                "group": g.group,
                "n": g.n,
                "median": opt_num(g.median),
                "median_lower": opt_num(g.lower),
                "median_upper": opt_num(g.upper),
            })
        })
        .collect();
    let reversed = data.reverse_censoring().map_err(&lib)?;
    let km = KaplanMeier::new();
    let fits = match keys {
        Some(k) => km.fit_groups(&reversed, k),
        None => km.fit(&reversed).map(|f| vec![f]),
    }
    .map_err(&lib)?;
    let text = format!(
        "Median follow-up (reverse Kaplan-Meier)\n{}\n{}",
        KmTable::new(&fits),
        cli::rows_note(data.len(), dropped)
    );
    let json = json!({
        "model": "km",
        "reverse": true,
        "n": data.len(),
        "dropped": dropped,
        "groups": groups,
        "fit_seconds": seconds,
    });
    Ok(Output { text, json })
}

/// Runs `km`. The table is dropped once the columns are read: the fit holds only the
/// complete cases (the file's memory is not kept through the fit).
fn run(args: &Args, table: Table) -> Result<Output, CliError> {
    let time_col = args.time.as_str();
    let event_col = args.event.as_str();
    let group_col = args.group.as_deref();
    let conf_type = args.conf_type;
    let conf_name = conf_type.name();
    let at: &[f64] = args.at.as_deref().unwrap_or_default();
    let mut spec = vec![(time_col, Kind::Time), (event_col, Kind::Event)];
    if let Some(g) = group_col {
        spec.push((g, Kind::Text));
    }
    let (mut cols, landmark, path) = args.landmark.read(table, &spec, time_col, event_col)?;
    let groups = match &landmark {
        Some(lm) => Some(Groups::of_numbers(lm.group())),
        None => group_col
            .map(|g| cols.text(g).map(Groups::of_text))
            .transpose()?,
    };
    let keys = groups.as_ref().map(Groups::rows);
    let data = survival_data(&mut cols, landmark.as_ref(), time_col, event_col, &path)?;
    let lib = |e| CliError::from_lib(e, &path, &cols.rows);
    if args.reverse {
        return reverse(&data, keys.as_deref(), cols.dropped, lib);
    }
    let km = KaplanMeier::new().conf_type(conf_type);
    let (fits, seconds) = timed(|| -> Result<_, oncostat::Error> {
        let fits = match &keys {
            Some(k) => km.fit_groups(&data, k)?,
            None => vec![km.fit(&data)?],
        };
        let groups = fits
            .iter()
            .map(|f| group_json(f, at))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((fits, groups))
    });
    let (fits, groups) = fits.map_err(lib)?;

    let mut text = String::new();
    if let (Some(lm), Some(col)) = (&landmark, args.landmark.landmark_group.as_deref()) {
        text.push_str(&landmark_text(lm, col));
    }
    text.push_str(&KmTable::new(&fits).to_string());
    if !at.is_empty() {
        let level = "95%";
        for fit in &fits {
            text.push_str(&summary_text(fit, at, level).map_err(lib)?);
        }
    }
    text.push('\n');
    text.push_str(&cli::rows_note(data.len(), cols.dropped));
    let mut json = json!({
        "model": "km",
        "n": data.len(),
        "dropped": cols.dropped,
        "conf_type": conf_name,
        "groups": groups,
        "fit_seconds": seconds,
    });
    if let Some(lm) = &landmark {
        json["landmark"] = landmark_json(lm);
    }
    if let Some(path) = &args.plot {
        use oncostat::plots::RiskTable;
        let table = match args.plot_table {
            PlotTable::AtRisk => RiskTable::AtRisk,
            PlotTable::Extended => RiskTable::Extended,
            PlotTable::None => RiskTable::None,
        };
        let mut plot = oncostat::plots::CurvePlot::kaplan_meier(&fits)
            .map_err(lib)?
            .ci(true)
            .table(table)
            .median_lines(args.plot_median);
        if let (true, Some(k)) = (fits.len() >= 2, &keys) {
            let p = oncostat::LogRank::new()
                .test(&data, k)
                .map_err(lib)?
                .p_value();
            plot = plot.p_value(p);
        }
        plot.save(path).map_err(lib)?;
        json["plot"] = json!(path.display().to_string());
    }
    Ok(Output { text, json })
}
