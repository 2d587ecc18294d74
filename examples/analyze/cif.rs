//! The `cif` command: Aalen–Johansen cumulative incidence per cause (R's
//! `summary(survfit(Surv(time, factor(status)) ~ group), times = )`) and Gray's test
//! (`cmprsk::cuminc(...)$Tests`).
//!
//! ```text
//! analyze cif --time COL --status COL [--group COL] [--at T1,T2,...] file.csv
//! ```
//!
//! JSON: `n`, `dropped`, `causes`, `groups: [{group, n, causes: [{cause, name, cif_at: [{time,
//! n_risk, cif, se, lower, upper}]}]}]`, with `--group` also `gray: [{cause, stat, df, p}]`,
//! `fit_seconds`. Status 0 = censored, 1..k = cause. `--at` times after a group's last time
//! are left out; where the CIF is 0 its se is 0 and the bounds are `null`. `--plot FILE.svg`
//! draws the curves (colour per group, line style per cause, CI bands, number at risk, Gray's
//! p per cause; JSON key `plot`). `--cause-name K=NAME` (repeatable) names cause K in the
//! legend, the Gray's test labels and the JSON `name` (default `cause K`, as cmprsk's
//! `plot.cuminc` labels the curves by their codes).

use oncostat::plots::CurvePlot;
use oncostat::{AalenJohansen, CompetingRisksData, GrayTest};
use serde_json::{Value, json};

use crate::cli::{self, CliError, Input, Output, Reader, num, opt_num, timed};
use crate::km::Groups;
use crate::parse::Numbers;
use crate::table::{Kind, Table};

/// Options of `cif`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Column of follow-up times (>= 0).
    #[arg(long, value_name = "COL")]
    pub time: String,
    /// Column of status: 0 = censored, 1, 2, ... = cause of failure (whole numbers).
    #[arg(long, value_name = "COL")]
    pub status: String,
    /// Column of group labels: curves per group and Gray's test (default: one group, `all`).
    #[arg(long, value_name = "COL")]
    pub group: Option<String>,
    /// Times at which to report the cumulative incidences (R's summary(fit, times)).
    #[arg(long, value_name = "T1,T2,...", allow_negative_numbers = true)]
    pub at: Option<Numbers>,
    /// Also draw the curves (colour per group, line style per cause, number at risk, Gray's p) as SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<std::path::PathBuf>,
    /// Name of a cause for the figure's legend and Gray's test labels, repeatable:
    /// --cause-name 1=relapse --cause-name 2="death without relapse" (default: cause 1, cause 2 ...).
    #[arg(long = "cause-name", value_name = "K=NAME")]
    pub cause_name: Vec<String>,
    /// The input file.
    #[command(flatten)]
    pub input: Input,
}

impl cli::Run for Args {
    fn run(&self, read: &Reader) -> Result<Output, CliError> {
        run(self, read(self.input.file()?)?)
    }
}

/// The `--cause-name K=NAME` options as (cause code, name).
fn cause_names(options: &[String]) -> Result<Vec<(u32, &str)>, CliError> {
    options
        .iter()
        .map(|o| {
            let bad = || {
                CliError::new(format!(
                    "--cause-name `{}`: expected K=NAME with K a cause code 1, 2, ... of the status column (e.g. 1=relapse)",
                    crate::table::shown(o)
                ))
            };
            let (k, name) = o.split_once('=').ok_or_else(bad)?;
            let k: u32 = k.trim().parse().map_err(|_| bad())?;
            if k == 0 || name.trim().is_empty() {
                return Err(bad());
            }
            Ok((k, name.trim()))
        })
        .collect()
}

/// Runs `cif`. The table is dropped once the columns are read (see `km`).
fn run(args: &Args, table: Table) -> Result<Output, CliError> {
    let names = cause_names(&args.cause_name)?;
    let name_of = |cause: u32| -> String {
        names
            .iter()
            .find(|(k, _)| *k == cause)
            .map_or_else(|| format!("cause {cause}"), |(_, n)| (*n).to_string())
    };
    let mut spec = vec![
        (args.time.as_str(), Kind::Time),
        (args.status.as_str(), Kind::Number),
    ];
    if let Some(g) = &args.group {
        spec.push((g.as_str(), Kind::Text));
    }
    let (mut cols, path) = table.into_columns(&spec)?;
    let mut taken = cols.take_numbers(&[&args.time, &args.status])?.into_iter();
    let (time, status) = (
        taken.next().unwrap_or_default(),
        taken.next().unwrap_or_default(),
    );
    let lib = |e| match e {
        // name the column that holds too many groups
        oncostat::Error::TooManyGroups { .. } => CliError::new(format!(
            "{}: column `{}`: {e}",
            path.display(),
            args.group.as_deref().unwrap_or("group")
        )),
        e => CliError::from_lib(e, &path, &cols.rows),
    };
    let data = CompetingRisksData::new(time, &status).map_err(lib)?;
    drop(status);
    let groups = args
        .group
        .as_deref()
        .map(|g| cols.text(g).map(Groups::of_text))
        .transpose()?;
    let keys = groups.as_ref().map(Groups::rows);
    let at: &[f64] = args.at.as_deref().unwrap_or_default();
    let aj = AalenJohansen::new();
    let (result, seconds) = timed(|| -> Result<_, oncostat::Error> {
        let fits = match &keys {
            Some(k) => aj.fit_groups(&data, k)?,
            None => vec![aj.fit(&data)?],
        };
        let summaries = fits
            .iter()
            .map(|f| f.summary(at))
            .collect::<Result<Vec<_>, _>>()?;
        let gray = keys
            .as_ref()
            .map(|k| GrayTest::new().test(&data, k))
            .transpose()?;
        Ok((fits, summaries, gray))
    });
    let (fits, summaries, gray) = result.map_err(lib)?;
    let groups: Vec<Value> = summaries
        .iter()
        .map(|s| {
            let causes: Vec<Value> = s
                .causes()
                .iter()
                .enumerate()
                .map(|(c, &cause)| {
                    let points: Vec<Value> = s
                        .rows()
                        .iter()
                        .map(|r| {
                            json!({
                                "time": num(r.time),
                                "n_risk": num(r.n_risk),
                                "cif": num(r.cif[c]),
                                "se": num(r.std_error[c]),
                                "lower": opt_num(r.lower[c]),
                                "upper": opt_num(r.upper[c]),
                            })
                        })
                        .collect();
                    json!({"cause": cause, "name": name_of(cause), "cif_at": points})
                })
                .collect();
            json!({"group": s.label(), "n": s.n(), "causes": causes})
        })
        .collect();
    let mut json = json!({
        "model": "cif",
        "n": data.len(),
        "dropped": cols.dropped,
        "causes": data.causes(),
        "groups": groups,
        "fit_seconds": seconds,
    });
    let mut text = String::new();
    for s in &summaries {
        text.push_str(&format!("{s}\n"));
    }
    if let Some(g) = &gray {
        json["gray"] = Value::Array(
            g.tests()
                .iter()
                .map(|t| {
                    json!({
                        "cause": t.cause,
                        "stat": opt_num(t.statistic),
                        "df": t.df,
                        "p": opt_num(t.p_value),
                    })
                })
                .collect(),
        );
        text.push_str(&format!("Gray's test\n{g}\n"));
    }
    text.push_str(&cli::rows_note(data.len(), cols.dropped));
    if let Some(path) = &args.plot {
        let mut plot = CurvePlot::cumulative_incidence(&fits)
            .map_err(crate::figure::error(path))?
            .ci(true)
            .cause_labels(&names);
        for t in gray.iter().flat_map(|g| g.tests()) {
            plot = plot.test_p_value(
                &format!("Gray's test, {}", name_of(t.cause)),
                t.p_value.unwrap_or(f64::NAN),
            );
        }
        plot.save(path).map_err(crate::figure::error(path))?;
        json["plot"] = crate::figure::written(path);
    }
    Ok(Output { text, json })
}
