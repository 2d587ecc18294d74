//! The `survreg` command: parametric (accelerated failure time) survival models as R's
//! `survreg(Surv(time, event) ~ covariates + strata(s), dist = D, weights = w)`.
//!
//! ```text
//! analyze survreg --time COL --event COL [--covariates A,B,...] [--dist D] [--strata COL]
//!                 [--weights COL] [--offset COL] [--scale S] [--max-iter N]
//!                 [--profile A=x,B=y] [--quantiles P,...] [--at T,...] [--tau T] file.csv
//! analyze survreg --formula "Surv(time, status) ~ age + factor(ph_ecog) + strata(sex)"
//!                 [--reference VAR=LEVEL ...] [--dist D] [--weights COL] [...] file.csv
//! ```
//!
//! With `--formula` the coefficients carry R's names, `dropped` counts the rows with a missing
//! value in any formula variable, JSON adds `formula` and `terms: [{name, df, wald_chisq,
//! wald_p, lr_chisq, lr_p}]` (R's `drop1(fit, test = "Chisq")`), and `--profile` names design
//! columns (`sexcmale=1`).
//!
//! JSON: `n`, `events`, `dropped`, `dist`, `coefficients: [{name, coef, se, z, p}]` in R's
//! `summary` order including the `Log(scale)` row(s) (strata-labelled with strata, none for a
//! fixed scale), `scale` (array, one per stratum), `loglik`, `loglik_null`, `chisq`, `df`, `p`,
//! `iterations`, `converged`, `aic`, `bic`, `variance` (rows of R's `vcov`), for the Weibull and
//! exponential `hazard_ratios: [{name, log_hr, se, hr, hr_lower, hr_upper}]` (the PH form),
//! `time_ratios: [{name, tr, tr_lower, tr_upper}]` (the AFT form), and `prediction` for one
//! covariate profile (default: the covariate means; first stratum unless `--stratum`):
//! `quantiles: [{p, time, se}]`, `surv_at: [{time, surv, se, lower, upper}]` (times may lie
//! past the follow-up; default grid 0..2× the last time), `mean`, `rmst`, `rmst_se`, `tau`.

use oncostat::{Design, SurvReg, SurvRegDist, SurvRegFit, SurvivalData};
use serde_json::{Value, json};

use crate::cli::{self, CliError, Input, Output, Reader, num, opt_num, timed};
use crate::parse::{Names, Numbers, finite_number};
use crate::table::{Kind, Table};

/// `--dist`: the survival-time distribution (R's `dist`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[allow(missing_docs)] // a doc comment on a variant would make `--help` print a paragraph per value
pub enum DistArg {
    Weibull,
    Exponential,
    Lognormal,
    Loglogistic,
    Extreme,
    Gaussian,
    Logistic,
}

impl From<DistArg> for SurvRegDist {
    fn from(d: DistArg) -> SurvRegDist {
        match d {
            DistArg::Weibull => SurvRegDist::Weibull,
            DistArg::Exponential => SurvRegDist::Exponential,
            DistArg::Lognormal => SurvRegDist::Lognormal,
            DistArg::Loglogistic => SurvRegDist::Loglogistic,
            DistArg::Extreme => SurvRegDist::Extreme,
            DistArg::Gaussian => SurvRegDist::Gaussian,
            DistArg::Logistic => SurvRegDist::Logistic,
        }
    }
}

/// Options of `survreg`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Column of follow-up times (> 0 for the log-time distributions).
    #[arg(long, value_name = "COL", required_unless_present = "formula")]
    pub time: Option<String>,
    /// Column of event indicators (0/1 or false/true).
    #[arg(long, value_name = "COL", required_unless_present = "formula")]
    pub event: Option<String>,
    /// Covariate columns (numbers), comma-separated; none = intercept only.
    #[arg(long, value_name = "A,B,...", conflicts_with = "formula")]
    pub covariates: Option<Names>,
    /// The model as an R formula instead of --time/--event/--covariates/--strata/--offset: "Surv(time, status) ~ age + factor(ecog) + strata(sex)".
    #[arg(long, value_name = "F", conflicts_with_all = ["time", "event", "strata", "offset"])]
    pub formula: Option<String>,
    /// Reference level of a factor of the formula (R's relevel), repeatable: --reference arm=placebo.
    #[arg(long, value_name = "VAR=LEVEL", requires = "formula")]
    pub reference: Vec<String>,
    /// Distribution of the survival time [default: weibull].
    #[arg(long, value_name = "D", value_enum, default_value_t = DistArg::Weibull)]
    pub dist: DistArg,
    /// Column of strata labels: one scale per stratum (R's strata()).
    #[arg(long, value_name = "COL")]
    pub strata: Option<String>,
    /// Column of case weights (> 0).
    #[arg(long, value_name = "COL")]
    pub weights: Option<String>,
    /// Column of offsets added to the linear predictor (R's offset()).
    #[arg(long, value_name = "COL")]
    pub offset: Option<String>,
    /// Fix the scale at S instead of estimating it (R's scale =; not with strata).
    #[arg(long, value_name = "S", value_parser = finite_number)]
    pub scale: Option<f64>,
    /// Maximum number of Newton-Raphson iterations [default: 30].
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub max_iter: usize,
    /// Covariate values of the predicted profile, e.g. age=60,sex=1 [default: the means].
    #[arg(long, value_name = "A=x,...")]
    pub profile: Option<String>,
    /// Stratum label of the predicted profile [default: the first stratum].
    #[arg(long, value_name = "LABEL")]
    pub stratum: Option<String>,
    /// Probabilities of the predicted quantiles of survival time [default: 0.1,0.5,0.9].
    #[arg(long, value_name = "P,...")]
    pub quantiles: Option<Numbers>,
    /// Times of the predicted survival curve [default: 0 to 2x the last time, 10 steps].
    #[arg(long, value_name = "T,...")]
    pub at: Option<Numbers>,
    /// Horizon of the restricted mean survival [default: the last follow-up time].
    #[arg(long, value_name = "T", value_parser = finite_number)]
    pub tau: Option<f64>,
    /// The input file.
    #[command(flatten)]
    pub input: Input,
}

impl cli::Run for Args {
    fn run(&self, read: &Reader) -> Result<Output, CliError> {
        run(self, read(self.input.file()?)?)
    }
}

/// Parses `--profile A=x,B=y` against the covariate names.
fn parse_profile(text: &str, names: &[String]) -> Result<Vec<(String, f64)>, CliError> {
    let mut out = Vec::new();
    for item in text.split(',') {
        let (k, v) = item
            .split_once('=')
            .ok_or_else(|| CliError::new(format!("--profile: `{item}` is not NAME=VALUE")))?;
        let k = k.trim();
        if !names.iter().any(|n| n == k) {
            return Err(CliError::new(format!(
                "--profile: `{k}` is not one of the covariates ({})",
                names.join(", ")
            )));
        }
        let v = finite_number(v.trim()).map_err(|e| CliError::new(format!("--profile: {e}")))?;
        out.push((k.to_string(), v));
    }
    Ok(out)
}

/// A fitted survreg model and what its output needs.
pub struct Fitted {
    /// The fit.
    pub fit: SurvRegFit,
    /// The survival data it was fitted to.
    pub data: SurvivalData,
    /// The design (intercept first when there is one).
    pub x: Design,
    /// Rows dropped for a missing value.
    pub dropped: usize,
    /// Wall seconds of the fit.
    pub seconds: f64,
}

/// Runs `survreg`. The table is dropped once the columns are read (see `km`).
fn run(args: &Args, table: Table) -> Result<Output, CliError> {
    if let Some(text) = &args.formula {
        return crate::formula::run_survreg(args, text, &table);
    }
    let missing = |flag: &str| CliError::new(format!("survreg: {flag} is required (or --formula)"));
    let time = args.time.as_deref().ok_or_else(|| missing("--time"))?;
    let event = args.event.as_deref().ok_or_else(|| missing("--event"))?;
    let covariates: Vec<String> = args
        .covariates
        .as_ref()
        .map_or_else(Vec::new, |c| c.0.clone());
    let mut spec: Vec<(&str, Kind)> = vec![(time, Kind::Time), (event, Kind::Event)];
    spec.extend(covariates.iter().map(|c| (c.as_str(), Kind::Number)));
    spec.extend(args.strata.as_deref().map(|s| (s, Kind::Text)));
    spec.extend(args.weights.as_deref().map(|w| (w, Kind::Weight)));
    spec.extend(args.offset.as_deref().map(|o| (o, Kind::Number)));
    let mut seen = std::collections::HashSet::new();
    spec.retain(|(name, kind)| seen.insert((*name, *kind == Kind::Text)));
    let (cols, path) = table.into_columns(&spec)?;
    let lib = |e| CliError::from_lib(e, &path, &cols.rows);
    let covariate_cols = covariates
        .iter()
        .map(|c| Ok((c.clone(), cols.number(c)?.to_vec())))
        .collect::<Result<Vec<_>, CliError>>()?;
    let strata_col = args.strata.as_deref().map(|s| cols.labels(s)).transpose()?;
    // R names the scale rows `col=value` for a numeric strata column, the bare labels for text
    let numeric_strata = strata_col
        .as_ref()
        .is_some_and(|s| s.iter().all(|l| l.trim().parse::<f64>().is_ok()));
    let dist: SurvRegDist = args.dist.into();

    let time_v = cols.number(time)?.to_vec();
    let event_v = cols.number(event)?;
    let weights_v = args
        .weights
        .as_deref()
        .map(|w| cols.number(w))
        .transpose()?;
    let offset_v = args.offset.as_deref().map(|o| cols.number(o)).transpose()?;
    let (fit, seconds) = timed(|| -> oncostat::Result<(SurvRegFit, SurvivalData, Design)> {
        let mut data = SurvivalData::from_status(time_v, event_v)?;
        if let Some(s) = &strata_col {
            if numeric_strata {
                let v: Vec<Numeric> = s
                    .iter()
                    .map(|l| Numeric(l.trim().parse().unwrap_or(0.0), l.trim().to_string()))
                    .collect();
                data = data.with_strata(&v)?;
            } else {
                data = data.with_strata(s)?;
            }
        }
        if let Some(w) = weights_v {
            data = data.with_weights(w.to_vec())?;
        }
        if let Some(o) = offset_v {
            data = data.with_offsets(o.to_vec())?;
        }
        let n = data.len();
        let x = if covariate_cols.is_empty() {
            Design::from_columns([("(Intercept)", vec![1.0; n])])?
        } else {
            Design::from_columns(covariate_cols.clone())?.with_intercept()
        };
        let mut model = SurvReg::new(dist).max_iter(args.max_iter);
        if let Some(s) = args.scale {
            model = model.scale(s);
        }
        if numeric_strata && let Some(s) = &args.strata {
            model = model.strata_name(s.clone());
        }
        let fit = model.fit(&data, &x)?;
        Ok((fit, data, x))
    });
    let (fit, data, x) = fit.map_err(|e| match (&e, &args.strata) {
        // name the column that holds too many strata
        (oncostat::Error::TooManyStrata { .. }, Some(s)) => {
            CliError::new(format!("{}: column `{s}`: {e}", path.display()))
        }
        _ => lib(e),
    })?;
    let fitted = Fitted {
        fit,
        data,
        x,
        dropped: cols.dropped,
        seconds,
    };
    output(args, &fitted, &lib)
}

/// The text and JSON of a fitted survreg model (with or without a formula).
pub fn output(
    args: &Args,
    fitted: &Fitted,
    lib: &dyn Fn(oncostat::Error) -> CliError,
) -> Result<Output, CliError> {
    let Fitted {
        fit,
        data,
        x,
        dropped,
        seconds,
    } = fitted;
    let (dropped, seconds) = (*dropped, *seconds);
    let dist = fit.dist();
    let covariates: Vec<String> = x
        .names()
        .iter()
        .filter(|n| n.as_str() != "(Intercept)")
        .cloned()
        .collect();
    let profile_given = args
        .profile
        .as_deref()
        .map(|p| parse_profile(p, &covariates))
        .transpose()?;
    // prediction profile: intercept, then the given values or the covariate means
    let mut profile = vec![1.0];
    for (j, name) in covariates.iter().enumerate() {
        let given = profile_given
            .as_ref()
            .and_then(|p| p.iter().find(|(k, _)| k == name).map(|(_, v)| *v));
        let col = x.matrix().column(j + 1);
        profile.push(given.unwrap_or_else(|| col.mean()));
    }
    if covariates.is_empty() {
        profile.truncate(1);
    }
    let labels = data.strata_labels();
    let stratum = match &args.stratum {
        None => 0,
        Some(l) => labels.iter().position(|s| s == l).ok_or_else(|| {
            CliError::new(format!(
                "--stratum: `{l}` is not a stratum ({})",
                labels.join(", ")
            ))
        })?,
    };
    let ps: Vec<f64> = args
        .quantiles
        .as_ref()
        .map_or_else(|| vec![0.1, 0.5, 0.9], |q| q.0.clone());
    let times: Vec<f64> = match &args.at {
        Some(t) => t.0.clone(),
        None => fit.time_grid(2.0, 10).map_err(lib)?,
    };
    let tau = args.tau.unwrap_or_else(|| fit.max_time());
    let quantiles = ps
        .iter()
        .map(|&p| fit.quantile_at(&profile, stratum, p).map(|q| (p, q)))
        .collect::<oncostat::Result<Vec<_>>>()
        .map_err(lib)?;
    let curve = fit
        .survival_curve(&profile, stratum, &times, 0.95)
        .map_err(lib)?;
    let mean = fit.mean_survival(&profile, stratum, tau).map_err(lib)?;

    let table_rows = fit.coef_table(0.95).map_err(lib)?;
    let coefficients: Vec<Value> = table_rows
        .rows()
        .iter()
        .map(|r| {
            json!({
                "name": r.term,
                "coef": num(r.estimate),
                "se": num(r.std_error),
                "z": num(r.statistic),
                "p": num(r.p_value),
            })
        })
        .collect();
    let k = fit.variance().nrows();
    let variance: Vec<Value> = (0..k)
        .map(|a| {
            Value::from(
                (0..k)
                    .map(|b| num(fit.variance()[(a, b)]))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let hazard_ratios = match fit.hazard_ratios(0.95).map_err(lib)? {
        Some(t) => Value::from(
            t.rows()
                .iter()
                .map(|r| {
                    json!({
                        "name": r.term,
                        "log_hr": num(r.estimate),
                        "se": num(r.std_error),
                        "hr": num(r.estimate.exp()),
                        "hr_lower": num(r.lower.exp()),
                        "hr_upper": num(r.upper.exp()),
                    })
                })
                .collect::<Vec<_>>(),
        ),
        None => Value::Null,
    };
    let time_ratios: Vec<Value> = fit
        .time_ratios(0.95)
        .map_err(lib)?
        .rows()
        .iter()
        .map(|r| {
            json!({
                "name": r.term,
                "tr": num(r.estimate.exp()),
                "tr_lower": num(r.lower.exp()),
                "tr_upper": num(r.upper.exp()),
            })
        })
        .collect();
    let lr = fit.lr_test();
    let profile_json: serde_json::Map<String, Value> = x
        .names()
        .iter()
        .zip(&profile)
        .filter(|(n, _)| n.as_str() != "(Intercept)")
        .map(|(n, v)| (n.clone(), num(*v)))
        .collect();
    let prediction = json!({
        "profile": profile_json,
        "stratum": labels.get(stratum).cloned(),
        "quantiles": quantiles.iter().map(|(p, q)| json!({"p": p, "time": num(q.estimate), "se": num(q.std_error)})).collect::<Vec<_>>(),
        "surv_at": curve.iter().map(|c| json!({"time": num(c.time), "surv": num(c.surv), "se": num(c.std_error), "lower": num(c.lower), "upper": num(c.upper)})).collect::<Vec<_>>(),
        "mean": opt_num(mean.mean),
        "rmst": num(mean.restricted),
        "rmst_se": num(mean.restricted_se),
        "tau": num(tau),
    });
    let mut json = json!({
        "n": fit.n(),
        "events": fit.n_events(),
        "dropped": dropped,
        "dist": dist.as_str(),
        "coefficients": coefficients,
        "scale": fit.scales().into_iter().map(num).collect::<Vec<_>>(),
        "loglik": num(fit.loglik()),
        "loglik_null": num(fit.loglik_null()),
        "chisq": num(lr.statistic()),
        "df": fit.lr_df(),
        "p": num(lr.p_value()),
        "iterations": fit.convergence().iterations(),
        "converged": fit.convergence().converged(),
        "aic": num(fit.aic()),
        "bic": num(fit.bic()),
        "variance": variance,
        "hazard_ratios": hazard_ratios,
        "time_ratios": time_ratios,
        "prediction": prediction,
        "fit_seconds": seconds,
    });
    // the table's rows are the coefficients then the log-scale parameters
    cli::ModelFlags {
        converged: fit.convergence().converged(),
        stop: (!fit.convergence().converged()).then(|| fit.convergence().to_string()),
        separation: None,
        aliased: fit.parameter_aliased().to_vec(),
        names: table_rows.rows().iter().map(|r| r.term.clone()).collect(),
    }
    .apply(&mut json);
    let mut text = format!("Parametric survival regression (survreg, {dist})\n{fit}");
    text.push_str(&format!(
        "\nPrediction at {}{}:\n",
        if profile_json.is_empty() {
            "the intercept".to_string()
        } else {
            profile_json
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", ")
        },
        labels
            .get(stratum)
            .map_or(String::new(), |l| format!(" (stratum {l})"))
    ));
    for (p, q) in &quantiles {
        text.push_str(&format!(
            "  quantile {p}: {} (se {})\n",
            oncostat::table::format_number(q.estimate, 4),
            oncostat::table::format_number(q.std_error, 4)
        ));
    }
    text.push_str("  time       surv   lower   upper\n");
    for c in &curve {
        text.push_str(&format!(
            "  {:<9} {}  {}  {}\n",
            oncostat::table::format_number(c.time, 4),
            oncostat::table::format_number(c.surv, 4),
            oncostat::table::format_number(c.lower, 4),
            oncostat::table::format_number(c.upper, 4)
        ));
    }
    text.push_str(&format!(
        "  restricted mean to {}: {} (se {}); mean: {}\n\n",
        oncostat::table::format_signif(tau, 7),
        oncostat::table::format_number(mean.restricted, 4),
        oncostat::table::format_number(mean.restricted_se, 4),
        mean.mean
            .map_or("infinite".to_string(), |m| oncostat::table::format_number(
                m, 4
            ))
    ));
    text.push_str(&cli::rows_note(fit.n(), dropped));
    Ok(Output { text, json })
}

/// A numeric strata label that sorts by value and displays as written in the file.
#[derive(Debug, Clone)]
struct Numeric(f64, String);

impl PartialEq for Numeric {
    fn eq(&self, other: &Self) -> bool {
        self.0.total_cmp(&other.0).is_eq()
    }
}
impl Eq for Numeric {}
impl PartialOrd for Numeric {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Numeric {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}
impl std::fmt::Display for Numeric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.1)
    }
}
