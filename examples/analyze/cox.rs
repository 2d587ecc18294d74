//! The `cox` command: Cox proportional hazards regression (R's `coxph`).
//!
//! ```text
//! analyze cox --time COL --event COL --covariates A,B,... [--start COL] [--strata COL]
//!             [--weights COL] [--cluster COL] [--ties efron|breslow] [--robust] [--zph]
//!             [--json] file.csv
//! ```
//!
//! `--zph` adds R's `cox.zph` tests (transform "km"); `--robust` the sandwich variance, which
//! `--cluster COL` and non-integer weights switch on as in R (then `robust_se` is reported and
//! `z`, `p`, `hr_lower`, `hr_upper` and the Wald test use it). `--firth` fits Firth's
//! penalized Cox model (R's `coxphf`; see `cox_firth.rs`). `--start COL` makes the rows
//! counting-process intervals `(start, time]` (R's `Surv(start, stop, event)`: time-varying
//! covariates, delayed entry); `--firth` refuses such data (exit 2). `--plot FILE.svg` draws
//! the forest plot of the hazard ratios (every variant; JSON key `plot`); `--plot-kind curves`
//! the Cox-predicted survival curves at the covariate means per stratum, or per value of
//! `--plot-by COV` (not with `--firth`).

use std::borrow::Cow;

use oncostat::frame::TextColumn;
use oncostat::survival::CoxZph;
use oncostat::{CoxFit, CoxPh, CoxVariance, Design, SurvivalData, Ties};
use serde_json::{Value, json};

use crate::cli::{self, CliError, Input, Output, Reader, num, timed};
use crate::landmark::LandmarkArgs;
use crate::parse::Names;
use crate::table::{Kind, Table, row_labels};

/// Options of `cox` (and `cox --firth`, see `cox_firth.rs`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Column of follow-up times (the stop time with --start).
    #[arg(long, value_name = "COL", required_unless_present = "formula")]
    pub time: Option<String>,
    /// Column of event indicators (0/1 or false/true).
    #[arg(long, value_name = "COL", required_unless_present = "formula")]
    pub event: Option<String>,
    /// Covariate columns (numbers), comma-separated (optional with --tdc / --landmark).
    #[arg(long, value_name = "A,B,...", required_unless_present_any = ["formula", "tdc", "landmark"])]
    pub covariates: Option<Names>,
    /// The model as an R formula instead of --time/--event/--covariates/--start/--strata/--cluster: "Surv(time, status) ~ age + factor(ecog) + strata(inst)".
    #[arg(long, value_name = "F", conflicts_with_all = ["time", "event", "covariates", "start", "strata", "cluster"])]
    pub formula: Option<String>,
    /// Reference level of a factor of the formula (R's relevel), repeatable: --reference sex=male.
    #[arg(long, value_name = "VAR=LEVEL", requires = "formula")]
    pub reference: Vec<String>,
    /// Column of interval start times: counting-process (start, time] rows (R's Surv(start, stop, event)).
    #[arg(long, value_name = "COL")]
    pub start: Option<String>,
    /// Column of strata labels: one baseline hazard per stratum (R's strata()).
    #[arg(long, value_name = "COL")]
    pub strata: Option<String>,
    /// Column of case weights (> 0).
    #[arg(long, value_name = "COL")]
    pub weights: Option<String>,
    /// Column of cluster ids: robust variance by cluster (R's cluster()).
    #[arg(long, value_name = "COL")]
    pub cluster: Option<String>,
    /// Handling of tied event times [default: efron; --firth: breslow only].
    #[arg(long, value_name = "TIES", value_parser = cli::setting::<Ties>())]
    pub ties: Option<Ties>,
    /// Robust (sandwich) variance (R's robust = TRUE).
    #[arg(long)]
    pub robust: bool,
    /// Add the proportional-hazards tests of R's cox.zph (transform "km").
    #[arg(long)]
    pub zph: bool,
    /// Firth-penalized Cox regression (R's coxphf; Breslow ties, profile CIs).
    #[arg(long)]
    pub firth: bool,
    /// Time-dependent 0/1 covariate NAME switching on at the time in COL (empty: never), as R's tmerge(tdc()).
    #[arg(long, value_name = "NAME=COL", conflicts_with_all = ["formula", "start", "firth", "zph", "landmark"])]
    pub tdc: Option<String>,
    /// Landmark analysis (the landmark group as a covariate named after its column).
    #[command(flatten)]
    pub landmark: LandmarkArgs,
    /// Also draw a forest plot of the hazard ratios (log axis, HR (95% CI), p) as SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<std::path::PathBuf>,
    /// Forest plot: the ratio of covariate NAME per K units (e.g. age=10), repeatable.
    #[arg(long, value_name = "NAME=K", requires = "plot")]
    pub plot_per: Vec<String>,
    /// The figure of --plot: forest (hazard ratios) or curves (Cox-predicted survival).
    #[arg(long, value_name = "KIND", value_enum, default_value_t = PlotKind::Forest, requires = "plot")]
    pub plot_kind: PlotKind,
    /// Curves: one per value of this covariate (at most 8), the others at their means.
    #[arg(long, value_name = "COV", requires = "plot")]
    pub plot_by: Option<String>,
    /// Worker threads for the risk-set passes and the concordance (default 1; 0 = all cores;
    /// results do not depend on it).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = crate::parse::count::<usize>)]
    pub threads: usize,
    /// The input file.
    #[command(flatten)]
    pub input: Input,
}

/// The figure of `cox --plot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[allow(missing_docs)] // a doc comment on a variant would make `--help` print a paragraph per value
pub enum PlotKind {
    // forest plot of the hazard ratios
    Forest,
    // Cox-predicted survival curves (R's survfit(fit, newdata)) with the number at risk
    Curves,
}

impl cli::Run for Args {
    fn run(&self, read: &Reader) -> Result<Output, CliError> {
        run(self, read(self.input.file()?)?)
    }
}

/// Runs `cox`. The table is dropped once the columns are read: the fit holds only the
/// complete cases, the file's numeric columns moved into it (see `km`).
fn run(args: &Args, table: Table) -> Result<Output, CliError> {
    if let Some(formula) = &args.formula {
        return crate::formula::run_cox(args, formula, &table);
    }
    // time-dependent covariate / landmark (cox_timedep.rs)
    if args.tdc.is_some() || args.landmark.landmark.is_some() {
        return crate::cox_timedep::run(args, &table);
    }
    // Firth-penalized fit (R's coxphf): its own module, cox_firth.rs
    if args.firth {
        return crate::cox_firth::run(args, table);
    }
    let (time, event, covariates) = crate::formula::columns_of(args)?;
    let ties: Ties = args.ties.unwrap_or_default();
    let strata = args.strata.as_deref();
    let weights = args.weights.as_deref();
    let cluster = args.cluster.as_deref();
    let start = args.start.as_deref();

    // counting-process stops may be negative (R's Surv(start, stop, event)); plain times not
    let time_kind = if start.is_some() {
        Kind::Number
    } else {
        Kind::Time
    };
    let mut spec: Vec<(&str, Kind)> = vec![(time, time_kind), (event, Kind::Event)];
    spec.extend(start.map(|s| (s, Kind::Number)));
    spec.extend(covariates.iter().map(|c| (c.as_str(), Kind::Number)));
    spec.extend(strata.map(|s| (s, Kind::Text)));
    spec.extend(weights.map(|w| (w, Kind::Weight)));
    spec.extend(cluster.map(|c| (c, Kind::Text)));
    // a column used twice (e.g. as start and as a covariate) is read once
    let mut seen = std::collections::HashSet::new();
    spec.retain(|(name, _)| seen.insert(*name));
    let (mut cols, path) = table.into_columns(&spec)?;

    // each column moved out at its last use, copied for an earlier one (a column named
    // twice; the --plot-by covariate is kept for the plot)
    let by_col = args
        .plot_by
        .as_deref()
        .filter(|b| covariates.iter().any(|c| c == b));
    let mut uses: Vec<&str> = vec![time, event];
    uses.extend(start);
    uses.extend(weights);
    uses.extend(covariates.iter().map(String::as_str));
    uses.extend(by_col);
    let mut taken = cols.take_numbers(&uses)?.into_iter();
    let mut next = || taken.next().unwrap_or_default();
    let time_v = next();
    let event_v = next();
    let start_v = start.map(|_| next());
    let weights_v = weights.map(|_| next());
    let covariate_cols: Vec<(String, Vec<f64>)> =
        covariates.iter().map(|c| (c.clone(), next())).collect();
    let by_v = by_col.map(|_| next());
    // the kept rows' file rows (8 bytes a row) held as the few dropped ones during the fit
    let held_rows = cols.take_rows();
    // the strata column is moved out (unless it is the cluster column too): it and its row
    // labels are freed once coded, before the fit
    let strata_col: Option<Cow<'_, TextColumn>> = match strata {
        Some(s) if cluster == Some(s) => Some(Cow::Borrowed(cols.text(s)?)),
        Some(s) => Some(Cow::Owned(cols.take_text(s)?)),
        None => None,
    };
    let cluster_col = cluster.map(|c| cols.labels(c)).transpose()?;
    let robust = args.robust;
    let threads = args.threads;

    let zph_wanted = args.zph;
    let (fit, seconds) = timed(|| -> oncostat::Result<(CoxFit, Option<CoxZph>)> {
        let mut data = match start_v {
            // counting data allow negative times (R's Surv(start, stop, event))
            Some(start) => {
                SurvivalData::counting(start, time_v, event_v.iter().map(|&e| e > 0.5).collect())?
            }
            None => SurvivalData::from_status(time_v, &event_v)?,
        };
        drop(event_v);
        if let Some(s) = strata_col {
            data = data.with_strata(&row_labels(&s))?;
        }
        if let Some(w) = weights_v {
            data = data.with_weights(w)?;
        }
        let x = Design::from_columns(covariate_cols)?;
        let mut model = CoxPh::new().ties(ties).threads(threads);
        if robust {
            model = model.variance(CoxVariance::Robust);
        }
        if let Some(c) = &cluster_col {
            data = data.with_clusters(c)?;
        }
        let fit = model.fit(&data, &x)?;
        let zph = if zph_wanted { Some(fit.zph()?) } else { None };
        Ok((fit, zph))
    });
    let (fit, zph) = fit.map_err(|e| CliError::from_lib(e, &path, &held_rows.kept()))?;
    let mut json = to_json(&fit, cols.dropped, seconds)?;
    let mut text = format!("Cox proportional hazards ({} ties)\n{fit}", ties.name());
    let note = cli::rows_note(fit.n(), cols.dropped);
    if let Some(zph) = zph {
        let rows: Vec<Value> = zph
            .rows()
            .map(|r| {
                let t = r.test();
                json!({
                    "name": r.name(),
                    "chisq": num(t.statistic()),
                    "df": num(t.df()),
                    "p": num(t.p_value()),
                })
            })
            .collect();
        json["zph"] = Value::from(rows);
        text.push_str(&format!(
            "\nProportional hazards test (cox.zph, km):\n{zph}"
        ));
    }
    text.push('\n');
    text.push_str(&note);
    let by = match args.plot_by.as_deref() {
        Some(b) if by_col.is_some() => Some((b, by_v.as_deref().unwrap_or_default())),
        Some(b) => {
            return Err(CliError::new(format!(
                "--plot-by `{b}` is not one of the covariates ({})",
                covariates.join(", ")
            )));
        }
        None => None,
    };
    plot_fit(args, &fit, by, &mut json, &mut text)?;
    Ok(Output { text, json })
}

/// `--plot FILE.svg`: the forest plot of the fit's hazard ratios or (`--plot-kind curves`)
/// its predicted survival curves: at the covariate means, one per stratum (R's
/// `survfit(fit)`), or with `--plot-by COV` (`by`: its name and data column) one per value of
/// `COV` with the other covariates at their means. The path goes into the JSON key `plot`.
pub(crate) fn plot_fit(
    args: &Args,
    fit: &CoxFit,
    by: Option<(&str, &[f64])>,
    json: &mut Value,
    text: &mut String,
) -> Result<(), CliError> {
    let Some(path) = &args.plot else {
        return Ok(());
    };
    let err = crate::figure::error(path);
    match args.plot_kind {
        PlotKind::Forest => {
            if args.plot_by.is_some() {
                return Err(CliError::new("--plot-by needs --plot-kind curves"));
            }
            let table = fit.coef_table(0.95).map_err(&err)?;
            let (plot, note) =
                crate::figure::forest(&table, "HR", &args.plot_per, path, "Cox model")?;
            json["plot"] = plot;
            text.push_str(&note);
        }
        PlotKind::Curves => {
            if args.plot_by.is_some() && by.is_none() {
                return Err(CliError::new(
                    "--plot-by needs the model given by --time/--event/--covariates",
                ));
            }
            let means: Vec<f64> = fit.means().iter().copied().collect();
            let mut settings: Vec<(String, Vec<f64>)> = Vec::new();
            match by {
                None => settings.push((String::new(), means.clone())),
                Some((name, column)) => {
                    let mut values: Vec<f64> = column.to_vec();
                    values.sort_by(f64::total_cmp);
                    values.dedup();
                    if values.len() > 8 {
                        return Err(CliError::new(format!(
                            "--plot-by `{name}` has {} distinct values; use a covariate with at most 8 (e.g. a 0/1 group)",
                            values.len()
                        )));
                    }
                    let j = fit
                        .term_names()
                        .iter()
                        .position(|t| t == name)
                        .ok_or_else(|| {
                            CliError::new(format!("--plot-by `{name}` is not a model term"))
                        })?;
                    for v in values {
                        let mut x = means.clone();
                        x[j] = v;
                        settings.push((format!("{name} = {v}"), x));
                    }
                }
            }
            let mut curves = Vec::new();
            for (label, x) in &settings {
                for c in fit.survfit(x, 0.95).map_err(&err)? {
                    // an unstratified model's curve is labelled "all"
                    let stratum = (args.strata.is_some() || c.label() != "all").then(|| match args
                        .strata
                        .as_deref()
                    {
                        Some(col) => format!("{col} = {}", c.label()),
                        None => c.label().to_string(),
                    });
                    let name = match (label.is_empty(), stratum.as_deref()) {
                        (true, None) => "at the covariate means".to_string(),
                        (true, Some(s)) => s.to_string(),
                        (false, None) => label.clone(),
                        (false, Some(s)) => format!("{label}, {s}"),
                    };
                    curves.push(oncostat::plots::StepCurve::from_cox(&name, &c));
                }
            }
            oncostat::plots::CurvePlot::new(curves)
                .map_err(&err)?
                .ci(true)
                .title("Cox-predicted survival")
                .save(path)
                .map_err(&err)?;
            json["plot"] = crate::figure::written(path);
        }
    }
    Ok(())
}

/// The JSON object of the analyze contract.
pub(crate) fn to_json(fit: &CoxFit, dropped: usize, seconds: f64) -> Result<Value, CliError> {
    let z = fit.z_values();
    let p = fit.p_values();
    let hr = fit.hazard_ratios();
    let ci = fit
        .conf_int(0.95)
        .map_err(|e| CliError::new(format!("internal: {e}")))?;
    let coefficients: Vec<Value> = fit
        .term_names()
        .iter()
        .enumerate()
        .map(|(j, name)| {
            json!({
                "name": name,
                "coef": num(fit.coefficients()[j]),
                "se": num(fit.std_errors()[j]),
                "z": num(z[j]),
                "p": num(p[j]),
                "hr": num(hr[j]),
                "hr_lower": num(ci[j].0.exp()),
                "hr_upper": num(ci[j].1.exp()),
                "robust_se": fit.robust_std_errors().map_or(Value::Null, |r| num(r[j])),
                "aliased": fit.aliased()[j],
            })
        })
        .collect();
    let test = |t: oncostat::ChiSqTest| json!({ "stat": num(t.statistic()), "df": num(t.df()), "p": num(t.p_value()) });
    let c = fit.concordance();
    let mut json = json!({
        "n": fit.n(),
        "events": fit.n_events(),
        "dropped": dropped,
        "coefficients": coefficients,
        "loglik_null": num(fit.loglik_null()),
        "loglik": num(fit.loglik()),
        "lr_test": test(fit.lr_test()),
        "wald_test": test(fit.wald_test()),
        "score_test": test(fit.score_test()),
        "robust_score_test": fit.robust_score_test().map_or(Value::Null, test),
        "concordance": num(c.estimate()),
        "concordance_se": num(c.std_error()),
        "converged": fit.convergence().converged(),
        "iterations": fit.convergence().iterations(),
        "infinite_coefficients": fit.infinite_coefficients(),
        "fit_seconds": seconds,
    });
    let infinite = fit.infinite_coefficients();
    crate::cli::ModelFlags {
        converged: fit.convergence().converged(),
        stop: (!fit.convergence().converged()).then(|| fit.convergence().to_string()),
        separation: (!infinite.is_empty()).then(|| infinite.to_vec()),
        aliased: fit.aliased().to_vec(),
        names: fit.term_names().to_vec(),
    }
    .apply(&mut json);
    Ok(json)
}
