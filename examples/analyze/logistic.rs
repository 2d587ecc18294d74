//! The `logistic` command: maximum-likelihood (R `glm` + profile CIs) or Firth (`--firth`,
//! R `logistf`) logistic regression.
//!
//! ```text
//! analyze logistic --response COL --covariates A,B,... [--firth] [--ci profile|wald] file.csv
//! ```
//! JSON: `n`, `dropped`, `coefficients: [{name, coef, se, z, p_wald, or, lower, upper, p_lr}]`,
//! `loglik`, (Firth) `penalized_loglik`, `converged`, `iterations`, `separation`,
//! `ci_method`, `fit_seconds`; with `--plot FILE.svg` also `plot` (a forest plot of the odds
//! ratios with the printed intervals; p is the Wald p of `glm`, the penalized LR p of
//! `logistf`).

use oncostat::{
    BinaryOutcome, CiMethod, Design, FirthFit, FirthRegression, LogisticFit, LogisticRegression,
    Result as LibResult,
};
use serde_json::{Value, json};

use crate::cli::{self, CiArg, CliError, Input, Output, Reader, num, timed};
use crate::parse::Names;
use crate::table::{Kind, Table};

/// Options of `logistic`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Column of the 0/1 (or false/true) response.
    #[arg(long, value_name = "COL", required_unless_present = "formula")]
    pub response: Option<String>,
    /// Covariate columns (numbers), comma-separated; an intercept is added.
    #[arg(long, value_name = "A,B,...", required_unless_present = "formula")]
    pub covariates: Option<Names>,
    /// The model as an R formula instead of --response/--covariates: "y ~ age + factor(stage)" (an intercept unless "- 1").
    #[arg(long, value_name = "F", conflicts_with_all = ["response", "covariates"])]
    pub formula: Option<String>,
    /// Reference level of a factor of the formula (R's relevel), repeatable: --reference arm=placebo.
    #[arg(long, value_name = "VAR=LEVEL", requires = "formula")]
    pub reference: Vec<String>,
    /// Firth's penalized likelihood (R's logistf) instead of maximum likelihood (glm).
    #[arg(long)]
    pub firth: bool,
    /// Confidence-interval method: profile (penalized, for --firth) likelihood or Wald.
    #[arg(long, value_name = "METHOD", value_enum, default_value_t = CiArg::Profile)]
    pub ci: CiArg,
    /// Also draw a forest plot of the odds ratios (log axis, OR (95% CI), p) as SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<std::path::PathBuf>,
    /// Forest plot: the ratio of covariate NAME per K units (e.g. age=10), repeatable.
    #[arg(long, value_name = "NAME=K", requires = "plot")]
    pub plot_per: Vec<String>,
    /// Worker threads for the profile CIs and LR tests (0 = all cores; results do not depend on it).
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = crate::parse::count::<usize>)]
    pub threads: usize,
    /// The input file.
    #[command(flatten)]
    pub input: Input,
}

impl cli::Run for Args {
    fn run(&self, read: &Reader) -> Result<Output, CliError> {
        run(self, read(self.input.file()?)?)
    }
}

const LEVEL: f64 = 0.95;

/// One coefficient row of the output.
pub(crate) struct Row {
    name: String,
    coef: f64,
    se: f64,
    z: f64,
    p_wald: f64,
    lower: f64,
    upper: f64,
    p_lr: Option<f64>,
}

/// What either model contributes to the output.
pub(crate) struct Fitted {
    rows: Vec<Row>,
    loglik: f64,
    penalized_loglik: Option<f64>,
    converged: bool,
    iterations: usize,
    separation: Option<Vec<String>>,
    /// Why the fit stopped, when it did not converge.
    stop: Option<String>,
    /// One flag per coefficient (R's `NA`).
    aliased: Vec<bool>,
    text: String,
}

/// Runs `logistic`. The table is dropped once the columns are read, the file's numeric
/// columns moved into the design (see `km`).
fn run(args: &Args, table: Table) -> Result<Output, CliError> {
    if let Some(formula) = &args.formula {
        return crate::formula::run_logistic(args, formula, &table);
    }
    let missing =
        |flag: &str| CliError::new(format!("logistic: {flag} is required (or --formula)"));
    let response = args
        .response
        .as_deref()
        .ok_or_else(|| missing("--response"))?;
    let covariates = args
        .covariates
        .as_ref()
        .ok_or_else(|| missing("--covariates"))?;
    let ci = args.ci;
    let firth = args.firth;
    let threads = args.threads;
    let mut spec: Vec<(&str, Kind)> = vec![(response, Kind::Event)];
    spec.extend(covariates.iter().map(|c| (c.as_str(), Kind::Number)));
    let (mut cols, path) = table.into_columns(&spec)?;
    let y = BinaryOutcome::new(cols.number(response)?);
    // each covariate moved out at its last use (the response may be a covariate too)
    let mut uses: Vec<&str> = covariates.iter().map(String::as_str).collect();
    uses.push(response);
    let mut taken = cols.take_numbers(&uses)?;
    taken.pop();
    let n_rows = cols.len();
    // the kept rows' file rows (8 bytes a row) held as the few dropped ones during the fit
    let held_rows = cols.take_rows();
    let lib_err = |e| CliError::from_lib(e, &path, &held_rows.kept());
    let x = Design::from_columns(covariates.iter().cloned().zip(taken))
        .map_err(lib_err)?
        .with_intercept();
    let y = y.map_err(lib_err)?;
    let (fitted, seconds) = timed(|| {
        if firth {
            fit_firth(&x, &y, ci, threads)
        } else {
            fit_ml(&x, &y, ci, threads)
        }
    });
    let fitted = fitted.map_err(lib_err)?;
    let mut out = output(&fitted, n_rows, cols.dropped, firth, ci, seconds);
    plot_forest(args, &fitted, &mut out)?;
    Ok(out)
}

/// `--plot FILE.svg`: the forest plot of the odds ratios with the printed intervals (p: the
/// Wald p of `glm`, the penalized LR p of `logistf`), its path as the JSON key `plot`.
pub(crate) fn plot_forest(args: &Args, fitted: &Fitted, out: &mut Output) -> Result<(), CliError> {
    let Some(path) = &args.plot else {
        return Ok(());
    };
    let rows = fitted
        .rows
        .iter()
        .map(|r| oncostat::plots::ForestRow {
            label: r.name.clone(),
            estimate: r.coef.exp(),
            lower: r.lower.exp(),
            upper: r.upper.exp(),
            p_value: Some(if args.firth {
                r.p_lr.unwrap_or(r.p_wald)
            } else {
                r.p_wald
            }),
            n: None,
            events: None,
        })
        .collect();
    let title = if args.firth {
        "Firth logistic regression"
    } else {
        "Logistic regression"
    };
    let (plot, note) = crate::figure::forest_rows(rows, LEVEL, "OR", &args.plot_per, path, title)?;
    out.json["plot"] = plot;
    out.text.push_str(&note);
    Ok(())
}

/// The output of either model: the contract's JSON keys and R's printed table.
pub(crate) fn output(
    fitted: &Fitted,
    n: usize,
    dropped: usize,
    firth: bool,
    ci: CiArg,
    seconds: f64,
) -> Output {
    let coefficients: Vec<Value> = fitted
        .rows
        .iter()
        .map(|r| {
            json!({
                "name": r.name, "coef": num(r.coef), "se": num(r.se), "z": num(r.z),
                "p_wald": num(r.p_wald), "or": num(r.coef.exp()), "lower": num(r.lower),
                "upper": num(r.upper), "p_lr": r.p_lr.map_or(Value::Null, num),
            })
        })
        .collect();
    let mut obj = json!({
        "n": n,
        "dropped": dropped,
        "firth": firth,
        "coefficients": coefficients,
        "loglik": num(fitted.loglik),
        "converged": fitted.converged,
        "iterations": fitted.iterations,
        "separation": fitted.separation.clone().map_or(Value::Null, |s| json!(s)),
        "ci_method": match (firth, ci) {
            (_, CiArg::Wald) => "wald",
            (true, CiArg::Profile) => "profile_penalized",
            (false, CiArg::Profile) => "profile (exact roots)",
        },
        "fit_seconds": seconds,
    });
    if let (Some(pl), Some(map)) = (fitted.penalized_loglik, obj.as_object_mut()) {
        map.insert("penalized_loglik".into(), num(pl));
    }
    cli::ModelFlags {
        converged: fitted.converged,
        stop: fitted.stop.clone(),
        separation: fitted.separation.clone(),
        aliased: fitted.aliased.clone(),
        names: fitted.rows.iter().map(|r| r.name.clone()).collect(),
    }
    .apply(&mut obj);
    let text = format!("{}\n{}", fitted.text, cli::rows_note(n, dropped));
    Output { text, json: obj }
}

fn fit_ml(x: &Design, y: &BinaryOutcome, ci: CiArg, threads: usize) -> LibResult<Fitted> {
    let fit = ml_model(ci).threads(threads).fit(x, y)?;
    describe_ml(&fit)
}

/// The maximum-likelihood model with the interval method of `--ci`.
pub(crate) fn ml_model(ci: CiArg) -> LogisticRegression {
    LogisticRegression::new().ci(match ci {
        CiArg::Wald => CiMethod::Wald,
        CiArg::Profile => CiMethod::ProfileLikelihood,
    })
}

/// The output rows of a maximum-likelihood fit.
pub(crate) fn describe_ml(fit: &LogisticFit) -> LibResult<Fitted> {
    // under separation without any profile bound (also: more coefficients than rows) the
    // interval does not exist: null bounds, the JSON's `separation`, `aliased` and
    // `warnings` say why
    let bounds = match fit.conf_int(LEVEL) {
        Err(
            oncostat::Error::Separation { .. } | oncostat::Error::MoreCoefficientsThanRows { .. },
        ) => {
            vec![(f64::NAN, f64::NAN); fit.term_names().len()]
        }
        other => other?,
    };
    let lr = fit.lr_tests()?;
    let (z, p) = (fit.z_values(), fit.p_values());
    let rows = (0..fit.term_names().len())
        .map(|j| Row {
            name: fit.term_names()[j].clone(),
            coef: fit.coefficients()[j],
            se: fit.std_errors()[j],
            z: z[j],
            p_wald: p[j],
            lower: bounds[j].0,
            upper: bounds[j].1,
            p_lr: lr[j].map(|t| t.p_value()),
        })
        .collect();
    let text = match fit.ci_method() {
        CiMethod::ProfileLikelihood => fit.to_string(),
        _ => format!("{}", fit.coef_table(LEVEL)?),
    };
    Ok(Fitted {
        rows,
        loglik: fit.loglik(),
        penalized_loglik: None,
        converged: fit.convergence().converged(),
        iterations: fit.convergence().iterations(),
        separation: fit.separation().map(<[String]>::to_vec),
        stop: (!fit.convergence().converged()).then(|| fit.convergence().to_string()),
        aliased: fit.aliased().to_vec(),
        text,
    })
}

fn fit_firth(x: &Design, y: &BinaryOutcome, ci: CiArg, threads: usize) -> LibResult<Fitted> {
    let fit = FirthRegression::new().threads(threads).fit(x, y)?;
    describe_firth(&fit, ci)
}

/// The output rows of a Firth fit.
pub(crate) fn describe_firth(fit: &FirthFit, ci: CiArg) -> LibResult<Fitted> {
    let (se, z, p) = (fit.std_errors(), fit.z_values(), fit.p_values());
    let bounds = if ci == CiArg::Wald {
        let q = 1.959963984540054;
        (0..se.len())
            .map(|j| {
                let b = fit.coefficients()[j];
                (b - q * se[j], b + q * se[j])
            })
            .collect()
    } else {
        fit.conf_int(LEVEL)?
    };
    let tests = fit.penalized_lr_tests()?;
    let rows = (0..fit.term_names().len())
        .map(|j| Row {
            name: fit.term_names()[j].clone(),
            coef: fit.coefficients()[j],
            se: se[j],
            z: z[j],
            p_wald: p[j],
            lower: bounds[j].0,
            upper: bounds[j].1,
            p_lr: Some(tests[j].p_value()),
        })
        .collect();
    Ok(Fitted {
        rows,
        loglik: fit.unpenalized_loglik(),
        penalized_loglik: Some(fit.loglik()),
        converged: fit.convergence().converged(),
        iterations: fit.convergence().iterations(),
        separation: None,
        stop: (!fit.convergence().converged()).then(|| fit.convergence().to_string()),
        aliased: fit.aliased().to_vec(),
        text: fit.to_string(),
    })
}
