//! `--formula` for `cox`, `logistic` and `survreg`: the model as an R formula on the CSV's columns.
//!
//! ```text
//! analyze cox --formula "Surv(time, status) ~ age + factor(ph_ecog) + sex:age + strata(inst)" \
//!             [--reference VAR=LEVEL ...] [--weights COL] [--ties T] [--robust] [--zph] file.csv
//! analyze logistic --formula "y ~ dose * arm" [--reference arm=placebo] [--firth] file.csv
//! ```
//!
//! JSON: the command's usual keys, with R's coefficient names (`factor(ph_ecog)1`,
//! `sexmale`, `age:sex`), `dropped` (rows with a missing value in any formula variable), and
//! `terms: [{name, df, wald_chisq, wald_p, lr_chisq, lr_p}]`, one per formula term: the joint
//! Wald test (robust variance when the fit is robust) and the LR test of dropping the term
//! (R's `drop1(fit, test = "Chisq")`; penalized LR for `--firth`), `null` for a main effect
//! inside an interaction. `--zph` gives one row per term and `GLOBAL` (R's `cox.zph(fit)`).

use oncostat::frame::{Formula, Table as FrameTable, TermTest};
use oncostat::{CoxPh, CoxVariance, FirthRegression, SurvReg, Ties};
use serde_json::{Value, json};

use crate::cli::{self, CliError, Output, num, timed};
use crate::parse::Names;
use crate::table::Table;

/// `--time`, `--event`, `--covariates` of a `cox` run without a formula.
pub fn columns_of(args: &crate::cox::Args) -> Result<(&str, &str, &Names), CliError> {
    let missing = |flag: &str| CliError::new(format!("cox: {flag} is required (or --formula)"));
    Ok((
        args.time.as_deref().ok_or_else(|| missing("--time"))?,
        args.event.as_deref().ok_or_else(|| missing("--event"))?,
        args.covariates
            .as_ref()
            .ok_or_else(|| missing("--covariates"))?,
    ))
}

/// The formula with its `--reference VAR=LEVEL` levels and `--weights`.
fn formula(text: &str, references: &[String], weights: Option<&str>) -> Result<Formula, CliError> {
    let mut f = Formula::parse(text).map_err(|e| CliError::new(format!("--formula: {e}")))?;
    for r in references {
        let (var, level) = r.split_once('=').ok_or_else(|| {
            CliError::new(format!(
                "--reference `{r}`: expected VAR=LEVEL (e.g. sex=male)"
            ))
        })?;
        f = f.with_reference(var.trim(), level.trim());
    }
    if let Some(w) = weights {
        f = f.with_weights(w);
    }
    Ok(f)
}

fn lib_error(table: &Table) -> impl Fn(oncostat::Error) -> CliError + '_ {
    // the frame's row numbers are already the file's data rows
    move |e| CliError::new(format!("{}: {e}", table.path().display()))
}

/// The JSON `terms` rows and their text table.
fn terms_output(tests: &[TermTest]) -> (Value, String) {
    let rows: Vec<Value> = tests
        .iter()
        .map(|t| {
            json!({
                "name": t.term(),
                "df": t.df(),
                "wald_chisq": num(t.wald().statistic()),
                "wald_p": num(t.wald().p_value()),
                "lr_chisq": t.lr().map_or(Value::Null, |l| num(l.statistic())),
                "lr_p": t.lr().map_or(Value::Null, |l| num(l.p_value())),
            })
        })
        .collect();
    let w = tests
        .iter()
        .map(|t| t.term().len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut text = format!(
        "\nTerm tests (joint Wald; LR of dropping the term, as drop1):\n{:<w$} {:>3} {:>10} {:>10} {:>10} {:>10}\n",
        "term", "df", "Wald", "p", "LR", "p"
    );
    for t in tests {
        let lr = t.lr().map_or(("-".to_string(), "-".to_string()), |l| {
            (
                oncostat::table::format_number(l.statistic(), 4),
                oncostat::table::format_number(l.p_value(), 4),
            )
        });
        text.push_str(&format!(
            "{:<w$} {:>3} {:>10} {:>10} {:>10} {:>10}\n",
            t.term(),
            t.df(),
            oncostat::table::format_number(t.wald().statistic(), 4),
            oncostat::table::format_number(t.wald().p_value(), 4),
            lr.0,
            lr.1
        ));
    }
    (Value::from(rows), text)
}

/// `cox --formula`.
pub fn run_cox(args: &crate::cox::Args, text: &str, table: &Table) -> Result<Output, CliError> {
    if args.firth {
        return Err(CliError::new(
            "cox: --firth cannot be combined with --formula; use --time/--event/--covariates",
        ));
    }
    let f = formula(text, &args.reference, args.weights.as_deref())?;
    let data: &FrameTable = table.frame();
    let ties: Ties = args.ties.unwrap_or_default();
    let mut model = CoxPh::new().ties(ties).threads(args.threads);
    if args.robust {
        model = model.variance(CoxVariance::Robust);
    }
    let (out, seconds) = timed(|| {
        let fit = model.fit_formula(&f, data)?;
        let tests = fit.term_tests()?;
        let zph = if args.zph { Some(fit.zph()?) } else { None };
        Ok::<_, oncostat::Error>((fit, tests, zph))
    });
    let (fit, tests, zph) = out.map_err(lib_error(table))?;
    let mut json = crate::cox::to_json(fit.fit(), fit.n_dropped(), seconds)?;
    let (terms, terms_text) = terms_output(&tests);
    json["terms"] = terms;
    json["formula"] = Value::from(text);
    let mut out = format!(
        "Cox proportional hazards ({} ties): {text}\n{}",
        ties.name(),
        fit.fit()
    );
    out.push_str(&terms_text);
    if let Some(zph) = zph {
        let rows: Vec<Value> = zph
            .rows()
            .map(|r| {
                let t = r.test();
                json!({ "name": r.name(), "chisq": num(t.statistic()), "df": num(t.df()), "p": num(t.p_value()) })
            })
            .collect();
        json["zph"] = Value::from(rows);
        out.push_str(&format!(
            "\nProportional hazards test (cox.zph, km, per term):\n{zph}"
        ));
    }
    out.push('\n');
    out.push_str(&cli::rows_note(fit.n(), fit.n_dropped()));
    crate::cox::plot_fit(args, fit.fit(), None, &mut json, &mut out)?;
    Ok(Output { text: out, json })
}

/// `logistic --formula`.
pub fn run_logistic(
    args: &crate::logistic::Args,
    text: &str,
    table: &Table,
) -> Result<Output, CliError> {
    let f = formula(text, &args.reference, None)?;
    let data: &FrameTable = table.frame();
    let (out, seconds) = timed(|| {
        if args.firth {
            let fit = FirthRegression::new()
                .threads(args.threads)
                .fit_formula(&f, data)?;
            let fitted = crate::logistic::describe_firth(fit.fit(), args.ci)?;
            Ok::<_, oncostat::Error>((fitted, fit.term_tests()?, fit.frame().clone()))
        } else {
            let fit = crate::logistic::ml_model(args.ci)
                .threads(args.threads)
                .fit_formula(&f, data)?;
            let fitted = crate::logistic::describe_ml(fit.fit())?;
            Ok((fitted, fit.term_tests()?, fit.frame().clone()))
        }
    });
    let (fitted, tests, frame) = out.map_err(lib_error(table))?;
    let mut output = crate::logistic::output(
        &fitted,
        frame.n(),
        frame.n_dropped(),
        args.firth,
        args.ci,
        seconds,
    );
    let (terms, terms_text) = terms_output(&tests);
    output.json["terms"] = terms;
    output.json["formula"] = Value::from(text);
    output.text = format!("{text}\n{}{terms_text}", output.text);
    crate::logistic::plot_forest(args, &fitted, &mut output)?;
    Ok(output)
}

/// `survreg --formula`.
pub fn run_survreg(
    args: &crate::survreg::Args,
    text: &str,
    table: &Table,
) -> Result<Output, CliError> {
    let f = formula(text, &args.reference, args.weights.as_deref())?;
    let data: &FrameTable = table.frame();
    let mut model = SurvReg::new(args.dist.into()).max_iter(args.max_iter);
    if let Some(s) = args.scale {
        model = model.scale(s);
    }
    let (out, seconds) = timed(|| {
        let fit = model.fit_formula(&f, data)?;
        let tests = fit.term_tests()?;
        Ok::<_, oncostat::Error>((fit, tests))
    });
    let (fit, tests) = out.map_err(lib_error(table))?;
    let fitted = crate::survreg::Fitted {
        data: fit.survival_data().map_err(lib_error(table))?.clone(),
        x: fit.design().clone(),
        dropped: fit.n_dropped(),
        seconds,
        fit: fit.fit().clone(),
    };
    let mut output = crate::survreg::output(args, &fitted, &lib_error(table))?;
    let (terms, terms_text) = terms_output(&tests);
    output.json["terms"] = terms;
    output.json["formula"] = Value::from(text);
    output.text.push_str(&terms_text);
    Ok(output)
}
