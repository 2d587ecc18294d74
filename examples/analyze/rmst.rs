//! The `rmst` command: restricted mean survival time up to τ per group (R's
//! `print(survfit(Surv(time, event) ~ group), rmean = TAU)`) and, for two groups, the
//! difference and ratio as `survRM2::rmst2`.
//!
//! ```text
//! analyze rmst --time COL --event COL [--group COL] --tau TAU [--milestone T] file.csv
//! ```
//!
//! JSON: `n`, `dropped`, `tau`, `groups: [{group, n, rmst, se, lower, upper}]`, for two
//! groups `difference: {estimate, se, lower, upper, p}` (second group minus first) and
//! `ratio: {estimate, lower, upper, p}`; `warnings` (a τ past a group's last time extends its
//! curve flat); with `--milestone T`, `milestone: {time, surv, se, difference, se_difference,
//! lower, upper, p}`; `fit_seconds`. `--plot FILE.svg` draws the Kaplan–Meier curves with
//! the area under each up to τ (its RMST) shaded, the number at risk and, for two groups, the
//! p of the RMST difference (JSON key `plot`).

use oncostat::{Contrast, Rmst, milestone_difference};
use serde_json::{Value, json};

use crate::cli::{self, CliError, Input, Output, Reader, num, timed};
use crate::km::Groups;
use crate::landmark::survival_data;
use crate::parse::finite_number;
use crate::table::{Kind, Table};

/// Options of `rmst`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Column of follow-up times (>= 0).
    #[arg(long, value_name = "COL")]
    pub time: String,
    /// Column of event indicators (0/1 or false/true).
    #[arg(long, value_name = "COL")]
    pub event: String,
    /// Column of group labels (two groups give the difference and ratio).
    #[arg(long, value_name = "COL")]
    pub group: Option<String>,
    /// Truncation time tau (> 0, not below any group's first time).
    #[arg(long, value_name = "TAU", value_parser = finite_number, allow_negative_numbers = true)]
    pub tau: f64,
    /// Also the milestone survival difference S2(T) - S1(T) at this time (two groups).
    #[arg(long, value_name = "T", value_parser = finite_number, allow_negative_numbers = true)]
    pub milestone: Option<f64>,
    /// Also draw the Kaplan-Meier curves with the area up to tau shaded (number at risk, RMST difference p) as SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<std::path::PathBuf>,
    /// The input file.
    #[command(flatten)]
    pub input: Input,
}

impl cli::Run for Args {
    fn run(&self, read: &Reader) -> Result<Output, CliError> {
        run(self, read(self.input.file()?)?)
    }
}

fn contrast(c: &Contrast, with_se: bool) -> Value {
    let mut v = json!({
        "estimate": num(c.estimate),
        "lower": num(c.lower),
        "upper": num(c.upper),
        "p": num(c.p_value),
    });
    if with_se {
        v["se"] = num(c.std_error);
    } else {
        v["se_log"] = num(c.std_error);
    }
    v
}

/// Runs `rmst`. The table is dropped once the columns are read (see `km`).
fn run(args: &Args, table: Table) -> Result<Output, CliError> {
    let mut spec = vec![
        (args.time.as_str(), Kind::Time),
        (args.event.as_str(), Kind::Event),
    ];
    if let Some(g) = &args.group {
        spec.push((g.as_str(), Kind::Text));
    }
    let (mut cols, path) = table.into_columns(&spec)?;
    let data = survival_data(&mut cols, None, &args.time, &args.event, &path)?;
    let lib = |e| CliError::from_lib(e, &path, &cols.rows);
    let groups = match args.group.as_deref() {
        Some(g) => Groups::of_text(cols.text(g)?),
        None => Groups::one("all", data.len()),
    };
    let keys = groups.rows();
    let (result, seconds) = timed(|| -> Result<_, oncostat::Error> {
        let r = Rmst::new(args.tau).compare(&data, &keys)?;
        let m = args
            .milestone
            .map(|t| milestone_difference(&data, &keys, t, 0.95))
            .transpose()?;
        Ok((r, m))
    });
    let (r, milestone) = result.map_err(lib)?;
    let groups: Vec<Value> = r
        .groups()
        .iter()
        .map(|g| {
            json!({
                "group": g.group,
                "n": g.n,
                "rmst": num(g.estimate),
                "se": num(g.std_error),
                "lower": num(g.lower),
                "upper": num(g.upper),
                "extended": g.extended,
            })
        })
        .collect();
    let mut json = json!({
        "model": "rmst",
        "n": data.len(),
        "dropped": cols.dropped,
        "tau": args.tau,
        "groups": groups,
        "warnings": r.warnings(),
        "fit_seconds": seconds,
    });
    if let (Some(d), Some(q)) = (r.difference(), r.ratio()) {
        json["difference"] = contrast(d, true);
        json["ratio"] = contrast(q, false);
    }
    let mut text = format!("{r}");
    if let Some(m) = &milestone {
        json["milestone"] = json!({
            "time": m.time,
            "groups": m.groups,
            "surv": [num(m.survival[0]), num(m.survival[1])],
            "se": [num(m.std_error[0]), num(m.std_error[1])],
            "difference": num(m.difference.estimate),
            "se_difference": num(m.difference.std_error),
            "lower": num(m.difference.lower),
            "upper": num(m.difference.upper),
            "p": num(m.difference.p_value),
        });
        text.push_str(&format!(
            "\nMilestone S({}): {} - {} = {} (95% CI {} to {}), p = {}\n",
            oncostat::table::format_signif(m.time, 7),
            m.groups[1],
            m.groups[0],
            oncostat::table::format_number(m.difference.estimate, 4),
            oncostat::table::format_number(m.difference.lower, 4),
            oncostat::table::format_number(m.difference.upper, 4),
            oncostat::table::format_number(m.difference.p_value, 4)
        ));
    }
    text.push('\n');
    text.push_str(&cli::rows_note(data.len(), cols.dropped));
    if let Some(path) = &args.plot {
        let err = crate::figure::error(path);
        let fits = oncostat::KaplanMeier::new()
            .fit_groups(&data, &keys)
            .map_err(&err)?;
        let mut plot = oncostat::plots::CurvePlot::kaplan_meier(&fits)
            .map_err(&err)?
            .restricted_mean(args.tau);
        if let Some(d) = r.difference() {
            plot = plot.test_p_value("RMST difference", d.p_value);
        }
        plot.save(path).map_err(&err)?;
        json["plot"] = crate::figure::written(path);
    }
    Ok(Output { text, json })
}
