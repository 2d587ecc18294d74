//! The `proportion` command: response rates with exact and Wilson intervals, and Fisher's
//! exact test between two groups (R's `binom.test`, `prop.test(correct = FALSE)`,
//! `fisher.test`).
//!
//! ```text
//! analyze proportion --response COL [--group COL] file.csv
//! ```
//!
//! JSON: `n`, `dropped`, `groups: [{group, n, x, rate, cp_lower, cp_upper, wilson_lower,
//! wilson_upper}]` (groups in R's factor order; without `--group` one group `all`) and, with
//! exactly two groups, `fisher: {p, or, or_lower, or_upper}` (odds ratio of the second group
//! vs the first; an infinite OR or bound is `null`), `fit_seconds`. The odds ratio and its
//! bounds are the exact roots (R's `uniroot` agrees to about 1e-4).

use oncostat::Levels;
use oncostat::endpoints::{FisherTest, ResponseRate};
use serde_json::{Value, json};

use crate::cli::{self, CliError, Input, Output, Reader, num, timed};
use crate::table::{Kind, Table};

/// Options of `proportion`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Column of responses (0/1 or false/true).
    #[arg(long, value_name = "COL")]
    pub response: String,
    /// Column of group labels: one rate per group, Fisher's test for two groups.
    #[arg(long, value_name = "COL")]
    pub group: Option<String>,
    /// The input file.
    #[command(flatten)]
    pub input: Input,
}

impl cli::Run for Args {
    fn run(&self, read: &Reader) -> Result<Output, CliError> {
        run(self, &read(self.input.file()?)?)
    }
}

/// The JSON object of one rate (also used by `endpoints` for ORR and DCR).
pub fn rate_json(group: &str, r: &ResponseRate) -> Value {
    let (cp_lower, cp_upper) = r.clopper_pearson();
    let (wilson_lower, wilson_upper) = r.wilson();
    json!({
        "group": group,
        "n": r.n(),
        "x": r.x(),
        "rate": num(r.rate()),
        "cp_lower": num(cp_lower),
        "cp_upper": num(cp_upper),
        "wilson_lower": num(wilson_lower),
        "wilson_upper": num(wilson_upper),
    })
}

/// The JSON object of Fisher's test (also used by `endpoints`).
pub fn fisher_json(f: &FisherTest) -> Value {
    let (lower, upper) = f.conf_int();
    json!({
        "p": num(f.p_value()),
        "or": num(f.odds_ratio()),
        "or_lower": num(lower),
        "or_upper": num(upper),
    })
}

/// One text line of a rate.
pub fn rate_text(label: &str, group: &str, r: &ResponseRate) -> String {
    let (a, b) = r.clopper_pearson();
    let (c, d) = r.wilson();
    format!(
        "{label:<4} {group:<12} {:>3}/{:<4} {:>7}  exact [{}, {}]  Wilson [{}, {}]\n",
        r.x(),
        r.n(),
        oncostat::table::format_number(r.rate(), 4),
        oncostat::table::format_number(a, 4),
        oncostat::table::format_number(b, 4),
        oncostat::table::format_number(c, 4),
        oncostat::table::format_number(d, 4)
    )
}

/// One text line of Fisher's test.
pub fn fisher_text(label: &str, f: &FisherTest) -> String {
    let (lo, hi) = f.conf_int();
    format!(
        "{label}: Fisher's exact test p = {}, odds ratio {} (95% CI {}, {})\n",
        oncostat::table::format_number(f.p_value(), 4),
        oncostat::table::format_number(f.odds_ratio(), 4),
        oncostat::table::format_number(lo, 4),
        oncostat::table::format_number(hi, 4)
    )
}

/// Runs `proportion`.
fn run(args: &Args, table: &Table) -> Result<Output, CliError> {
    let response = args.response.as_str();
    let mut spec = vec![(response, Kind::Event)];
    if let Some(g) = args.group.as_deref() {
        spec.push((g, Kind::Text));
    }
    let cols = table.columns(&spec)?;
    let lib = |e| CliError::from_lib(e, table.path(), &cols.rows);
    let y = cols.number(response)?;
    let all = "all".to_string();
    let labels: Vec<&String> = match args.group.as_deref() {
        Some(g) => cols.labels(g)?,
        None => vec![&all; y.len()],
    };
    let (result, seconds) = timed(|| -> oncostat::Result<_> {
        let levels = Levels::new(&labels);
        let mut rates = Vec::with_capacity(levels.n_levels());
        for (code, label) in levels.labels().iter().enumerate() {
            let (mut x, mut n) = (0u64, 0u64);
            for (&c, &v) in levels.codes().iter().zip(y) {
                if c == code {
                    n += 1;
                    x += u64::from(v > 0.5);
                }
            }
            rates.push((label.clone(), ResponseRate::new(x, n)?));
        }
        let fisher = match rates.as_slice() {
            [(_, a), (_, b)] => Some(FisherTest::new((a.x(), a.n()), (b.x(), b.n()))?),
            _ => None,
        };
        Ok((rates, fisher))
    });
    let (rates, fisher) = result.map_err(lib)?;
    let mut text = String::from("Response rates (exact = Clopper-Pearson, Wilson = score)\n");
    for (g, r) in &rates {
        text.push_str(&rate_text("", g, r));
    }
    if let Some(f) = &fisher {
        text.push_str(&fisher_text(
            &format!("{} vs {}", rates[1].0, rates[0].0),
            f,
        ));
    }
    text.push('\n');
    text.push_str(&cli::rows_note(y.len(), cols.dropped));
    let mut json = json!({
        "model": "proportion",
        "n": y.len(),
        "dropped": cols.dropped,
        "groups": rates.iter().map(|(g, r)| rate_json(g, r)).collect::<Vec<_>>(),
        "fit_seconds": seconds,
    });
    if let Some(f) = &fisher {
        json["fisher"] = fisher_json(f);
    }
    Ok(Output { text, json })
}
