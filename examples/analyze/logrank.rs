//! The `logrank` command: log-rank / G-rho test as R's
//! `survdiff(Surv(time, event) ~ group + strata(s), rho = R)`.
//!
//! ```text
//! analyze logrank --time COL --event COL --group COL [--strata COL] [--rho R] file.csv
//! ```
//!
//! With `--fh RHO,GAMMA` (two groups): `name`, `rho`, `gamma`, `groups`, `observed`,
//! `expected`, `z`, `chisq`, `df`, `p`. With `--maxcombo` (two groups): `tests: [{name, rho,
//! gamma, z, p}]`, `correlation` (4×4), `p`.
//!
//! JSON: `n`, `dropped`, `rho`, `groups`, `n_per_group`, `observed`, `expected` (arrays in
//! group order), `variance` (rows of R's `var`), `chisq`, `df`, `p`, `fit_seconds`.

use oncostat::{LogRank, MaxCombo, SurvivalData, fh_name};
use serde_json::{Value, json};

use crate::cli::{self, CliError, Input, Output, Reader, num, timed};
use crate::km::{GroupKey, Groups};
use crate::landmark::{LandmarkArgs, landmark_json, landmark_text, survival_data};
use crate::parse::{Numbers, finite_number};
use crate::table::{Kind, Table};

/// Options of `logrank`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Column of follow-up times (>= 0).
    #[arg(long, value_name = "COL")]
    pub time: String,
    /// Column of event indicators (0/1 or false/true).
    #[arg(long, value_name = "COL")]
    pub event: String,
    /// Column of group labels (at least 2 groups; with --landmark: the landmark groups).
    #[arg(
        long,
        value_name = "COL",
        required_unless_present = "landmark",
        conflicts_with = "landmark"
    )]
    pub group: Option<String>,
    /// Column of strata labels: a stratified test (R's strata()).
    #[arg(long, value_name = "COL")]
    pub strata: Option<String>,
    /// Weight S(t-)^rho of the G-rho family: 0 = log-rank, 1 = Peto-Peto.
    #[arg(long, value_name = "R", default_value_t = 0.0, value_parser = finite_number, allow_negative_numbers = true)]
    pub rho: f64,
    /// Fleming-Harrington weights S(t-)^RHO (1 - S(t-))^GAMMA, two groups: z, chisq, p.
    #[arg(long, value_name = "RHO,GAMMA", allow_negative_numbers = true, conflicts_with_all = ["rho", "maxcombo"])]
    pub fh: Option<Numbers>,
    /// MaxCombo test of FH(0,0), FH(0,1), FH(1,0), FH(1,1) for two groups: p of max |z|.
    #[arg(long, conflicts_with = "rho")]
    pub maxcombo: bool,
    /// Landmark analysis (landmark groups, time from the landmark).
    #[command(flatten)]
    pub landmark: LandmarkArgs,
    /// The input file.
    #[command(flatten)]
    pub input: Input,
}

impl cli::Run for Args {
    fn run(&self, read: &Reader) -> Result<Output, CliError> {
        run(self, read(self.input.file()?)?)
    }
}

/// `logrank --fh RHO,GAMMA`: JSON `rho`, `gamma`, `groups`, `z`, `chisq`, `p`.
fn fleming_harrington(
    data: &SurvivalData,
    groups: &[&GroupKey],
    rho: f64,
    gamma: f64,
    dropped: usize,
    lib: impl Fn(oncostat::Error) -> CliError,
) -> Result<Output, CliError> {
    let (test, seconds) = timed(|| LogRank::new().rho(rho).gamma(gamma).test(data, groups));
    let test = test.map_err(&lib)?;
    let Some(z) = test.z() else {
        return Err(lib(oncostat::Error::NotTwoGroups {
            found: test.groups().len(),
        }));
    };
    let json = json!({
        "model": "logrank",
        "n": data.len(),
        "dropped": dropped,
        "name": fh_name(rho, gamma),
        "rho": rho,
        "gamma": gamma,
        "groups": test.groups(),
        "observed": test.observed().iter().map(|&v| num(v)).collect::<Vec<_>>(),
        "expected": test.expected().iter().map(|&v| num(v)).collect::<Vec<_>>(),
        "z": num(z),
        "chisq": num(test.chisq()),
        "df": test.df(),
        "p": num(test.p_value()),
        "fit_seconds": seconds,
    });
    let text = format!(
        "Weighted log-rank {}\n{test}\n z = {}\n{}",
        fh_name(rho, gamma),
        oncostat::table::format_number(z, 4),
        cli::rows_note(data.len(), dropped)
    );
    Ok(Output { text, json })
}

/// `logrank --maxcombo`: JSON `tests: [{name, rho, gamma, z}]`, `correlation` (4×4), `p`.
fn maxcombo(
    data: &SurvivalData,
    groups: &[&GroupKey],
    dropped: usize,
    lib: impl Fn(oncostat::Error) -> CliError,
) -> Result<Output, CliError> {
    let (test, seconds) = timed(|| MaxCombo::new().test(data, groups));
    let test = test.map_err(&lib)?;
    let tests: Vec<Value> = test
        .tests()
        .iter()
        .map(|t| json!({"name": t.name, "rho": t.rho, "gamma": t.gamma, "z": num(t.z), "p": num(t.p_value)}))
        .collect();
    let correlation: Vec<Value> = test
        .correlation()
        .iter()
        .map(|row| Value::Array(row.iter().map(|&v| num(v)).collect()))
        .collect();
    let json = json!({
        "model": "logrank",
        "n": data.len(),
        "dropped": dropped,
        "groups": test.groups(),
        "tests": tests,
        "correlation": correlation,
        "p": num(test.p_value()),
        "fit_seconds": seconds,
    });
    let text = format!("{test}\n{}", cli::rows_note(data.len(), dropped));
    Ok(Output { text, json })
}

/// Runs `logrank`. The table is dropped once the columns are read (see `km`).
fn run(args: &Args, table: Table) -> Result<Output, CliError> {
    let time_col = args.time.as_str();
    let event_col = args.event.as_str();
    let group_col = args.group.as_deref();
    let strata_col = args.strata.as_deref();
    let rho = args.rho;
    let mut spec = vec![(time_col, Kind::Time), (event_col, Kind::Event)];
    if let Some(g) = group_col {
        spec.push((g, Kind::Text));
    }
    if let Some(s) = strata_col {
        spec.push((s, Kind::Text));
    }
    let (mut cols, landmark, path) = args.landmark.read(table, &spec, time_col, event_col)?;
    let groups = match (&landmark, group_col) {
        (Some(lm), _) => Groups::of_numbers(lm.group()),
        (None, Some(g)) => Groups::of_text(cols.text(g)?),
        (None, None) => return Err(CliError::new("logrank needs --group COL (or --landmark)")),
    };
    let mut data = survival_data(&mut cols, landmark.as_ref(), time_col, event_col, &path)?;
    let lib = |e| match e {
        // name the column that holds too many groups
        oncostat::Error::TooManyGroups { .. } => CliError::new(format!(
            "{}: column `{}`: {e}",
            path.display(),
            group_col.unwrap_or("landmark group")
        )),
        // name the group and strata columns the groups could not be compared across
        oncostat::Error::GroupsNotComparable { .. } => CliError::new(format!(
            "{}: column `{}`{}: {e}",
            path.display(),
            group_col.unwrap_or("landmark group"),
            strata_col.map_or(String::new(), |s| format!(" within strata `{s}`"))
        )),
        e => CliError::from_lib(e, &path, &cols.rows),
    };
    if let Some(s) = strata_col {
        let strata = Groups::of_text(cols.text(s)?);
        let strata = strata.rows();
        data = match &landmark {
            Some(lm) => data.with_strata(&lm.subset(&strata).map_err(lib)?),
            None => data.with_strata(&strata),
        }
        .map_err(lib)?;
    }
    let groups = groups.rows();
    if args.maxcombo {
        return maxcombo(&data, &groups, cols.dropped, lib);
    }
    if let Some(fh) = &args.fh {
        let [rho, gamma] = fh[..] else {
            return Err(CliError::new(format!(
                "--fh takes two numbers RHO,GAMMA, got {}",
                fh.len()
            )));
        };
        return fleming_harrington(&data, &groups, rho, gamma, cols.dropped, lib);
    }
    let (test, seconds) = timed(|| LogRank::new().rho(rho).test(&data, &groups));
    let test = test.map_err(lib)?;
    let variance: Vec<Value> = test
        .variance()
        .row_iter()
        .map(|row| Value::Array(row.iter().map(|&v| num(v)).collect()))
        .collect();
    let mut json = json!({
        "model": "logrank",
        "n": data.len(),
        "dropped": cols.dropped,
        "rho": rho,
        "groups": test.groups(),
        "n_per_group": test.n(),
        "observed": test.observed().iter().map(|&v| num(v)).collect::<Vec<_>>(),
        "expected": test.expected().iter().map(|&v| num(v)).collect::<Vec<_>>(),
        "variance": variance,
        "chisq": num(test.chisq()),
        "df": test.df(),
        "p": num(test.p_value()),
        "fit_seconds": seconds,
    });
    let mut text = String::new();
    if let (Some(lm), Some(col)) = (&landmark, args.landmark.landmark_group.as_deref()) {
        json["landmark"] = landmark_json(lm);
        text.push_str(&landmark_text(lm, col));
    }
    text.push_str(&format!(
        "{test}\n{}",
        cli::rows_note(data.len(), cols.dropped)
    ));
    Ok(Output { text, json })
}
