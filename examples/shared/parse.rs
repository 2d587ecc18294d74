//! Command-line parsing shared by the examples (`analyze`, `reproduce_cohort`), included in
//! each with `#[path = "../shared/parse.rs"] mod parse;`.
//!
//! Both examples declare their options with clap's derive API and parse them with [`parse`],
//! which keeps the examples' contract: `--help` prints the help on stdout (exit 0), and any
//! usage error becomes exactly one line of text (clap's multi-line report condensed, its
//! suggestion kept), which the caller prints as `error: <line>` with exit status 2.
//!
//! Value parsers for the option types the examples share ([`finite_number`], [`Names`],
//! [`Numbers`]) are here too, so every command reads a column list or a number the same way
//! and words its errors the same way.

use std::fmt;
use std::str::FromStr;

use clap::Parser;
use clap::error::{ContextKind, ContextValue, ErrorKind};

/// What the command line asks for.
#[derive(Debug)]
pub enum Parsed<T> {
    /// Run with these options.
    Run(T),
    /// Print this text (the help, or the version) on stdout and exit 0.
    Print(String),
}

/// Help lines are never wrapped: each option stays on one line, whatever the terminal.
const HELP_WIDTH: usize = 1000;

/// Parses `argv` (without the program name) into `T`.
///
/// # Errors
/// A usage error as one line of text (without the `error: ` prefix), naming the option and,
/// where clap has one, its suggestion: ``unknown option --tiez for command `cox` (did you
/// mean --ties?)``.
pub fn parse<T: Parser>(argv: &[String]) -> Result<Parsed<T>, String> {
    let command = T::command()
        .term_width(HELP_WIDTH)
        .max_term_width(HELP_WIDTH);
    let name = command.get_name().to_string();
    let mut full = Vec::with_capacity(argv.len() + 1);
    full.push(name.clone());
    full.extend(argv.iter().cloned());
    let subcommands: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    match command.try_get_matches_from(full) {
        Ok(mut matches) => T::from_arg_matches_mut(&mut matches)
            .map(Parsed::Run)
            .map_err(|e| one_line(&e, &name, None, &subcommands)),
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                Ok(Parsed::Print(e.render().to_string()))
            }
            _ => {
                // the subcommand being parsed, when the error is inside one
                let sub = argv
                    .iter()
                    .find(|a| !a.starts_with('-'))
                    .filter(|a| subcommands.contains(a))
                    .map(String::as_str);
                Err(one_line(&e, &name, sub, &subcommands))
            }
        },
    }
}

/// The option's name from clap's `--time <COL>` rendering (`--time`), or a positional's
/// value name (`<FILE.csv>`).
fn option_name(rendered: &str) -> &str {
    rendered.split([' ', '=']).next().unwrap_or(rendered)
}

fn string(v: Option<&ContextValue>) -> Option<String> {
    match v? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => v.first().cloned(),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        _ => None,
    }
}

fn strings(v: Option<&ContextValue>) -> Vec<String> {
    match v {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::StyledStr(s)) => vec![s.to_string()],
        Some(ContextValue::StyledStrs(v)) => v.iter().map(ToString::to_string).collect(),
        _ => Vec::new(),
    }
}

/// Condenses one clap error into one line.
fn one_line(e: &clap::Error, program: &str, sub: Option<&str>, subcommands: &[String]) -> String {
    let get = |k: ContextKind| string(e.get(k));
    let arg = get(ContextKind::InvalidArg).unwrap_or_default();
    let opt = option_name(&arg).to_string();
    let value = get(ContextKind::InvalidValue).unwrap_or_default();
    let in_command = sub.map_or(String::new(), |s| format!(" for command `{s}`"));
    let commands = subcommands.join(", ");
    let msg = match e.kind() {
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            if !subcommands.is_empty() =>
        {
            format!(
                "no command given; usage: {program} <{}> [options] <file.csv> (`{program} --help` lists the commands)",
                subcommands.join("|")
            )
        }
        ErrorKind::InvalidSubcommand => {
            let name = get(ContextKind::InvalidSubcommand).unwrap_or_default();
            let hint = get(ContextKind::SuggestedSubcommand)
                .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
            format!("unknown command `{name}`{hint}; the commands are {commands}")
        }
        ErrorKind::UnknownArgument if arg.starts_with('-') => {
            let hint = get(ContextKind::SuggestedArg)
                .map_or(String::new(), |s| format!(" (did you mean {s}?)"));
            format!("unknown option {opt}{in_command}{hint}")
        }
        ErrorKind::UnknownArgument => format!("unexpected argument `{arg}`{in_command}"),
        ErrorKind::InvalidValue if value.is_empty() => format!("option {opt} needs a value"),
        ErrorKind::InvalidValue => {
            let valid = strings(e.get(ContextKind::ValidValue));
            let hint = get(ContextKind::SuggestedValue)
                .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
            if valid.is_empty() {
                format!("option {opt}: `{value}` is not a valid value{hint}")
            } else {
                format!(
                    "option {opt}: `{value}` is not one of {}{hint}",
                    valid.join(", ")
                )
            }
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map_or_else(|| format!("`{value}` is not valid"), ToString::to_string);
            format!("option {opt}: {why}")
        }
        ErrorKind::ArgumentConflict => {
            let prior = get(ContextKind::PriorArg).unwrap_or_default();
            if option_name(&prior) == opt {
                format!("option {opt} given twice")
            } else {
                format!(
                    "option {opt} cannot be combined with {}",
                    option_name(&prior)
                )
            }
        }
        ErrorKind::TooManyValues | ErrorKind::NoEquals if !value.is_empty() => {
            format!("option {opt} takes no value (got `{value}`)")
        }
        ErrorKind::MissingRequiredArgument => {
            let missing = strings(e.get(ContextKind::InvalidArg));
            let (files, options): (Vec<&String>, Vec<&String>) =
                missing.iter().partition(|m| m.starts_with('<'));
            let mut parts = Vec::new();
            if !files.is_empty() {
                parts.push("no input file given".to_string());
            }
            for o in options {
                parts.push(format!("missing required option {}", option_name(o)));
            }
            parts.join("; ")
        }
        _ => fallback(e),
    };
    escape_controls(&msg)
}

/// Any other clap error: its text without the usage and "for more information" lines.
fn fallback(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information")
        })
        .map(|l| l.strip_prefix("error: ").unwrap_or(l))
        .collect();
    lines.join("; ")
}

/// Control characters (a newline inside an argument) are escaped: the error stays one line.
fn escape_controls(msg: &str) -> String {
    if !msg.chars().any(char::is_control) {
        return msg.to_string();
    }
    msg.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A finite number (`1`, `-0.5`, `1e-3`); `inf` and `NaN` are refused.
///
/// # Errors
/// ``"`x` is not a number"``, ``"`inf` is not a finite number"``.
pub fn finite_number(s: &str) -> Result<f64, String> {
    let t = s.trim();
    match t.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err(format!("`{s}` is not a finite number")),
        Err(_) => Err(format!("`{s}` is not a number")),
    }
}

/// A whole number `>= 0` (a count, a seed).
///
/// # Errors
/// ``"`many` is not a whole number >= 0"``.
pub fn count<T: FromStr>(s: &str) -> Result<T, String> {
    s.trim()
        .parse::<T>()
        .map_err(|_| format!("`{s}` is not a whole number >= 0"))
}

/// A whole number of days `>= 0` (`42`; also `42.0`, as R writes it).
///
/// # Errors
/// ``"`-1` is not a whole number of days >= 0"``.
pub fn whole_days(s: &str) -> Result<u32, String> {
    let bad = || format!("`{s}` is not a whole number of days >= 0");
    let x = finite_number(s).map_err(|_| bad())?;
    if x < 0.0 || x.fract() != 0.0 || x > f64::from(u32::MAX) {
        return Err(bad());
    }
    Ok(x as u32)
}

/// A comma-separated list of column names (`--covariates age,sex`); items are trimmed and
/// none may be empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names(pub Vec<String>);

impl FromStr for Names {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let items: Vec<String> = s.split(',').map(|x| x.trim().to_string()).collect();
        if items.iter().any(String::is_empty) {
            return Err(format!("empty item in `{s}`"));
        }
        Ok(Names(items))
    }
}

impl std::ops::Deref for Names {
    type Target = [String];

    fn deref(&self) -> &[String] {
        &self.0
    }
}

impl fmt::Display for Names {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(","))
    }
}

/// A comma-separated list of finite numbers (`--at 90,180,365`).
#[derive(Debug, Clone, PartialEq)]
pub struct Numbers(pub Vec<f64>);

impl FromStr for Numbers {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        s.split(',')
            .map(finite_number)
            .collect::<Result<Vec<_>, _>>()
            .map(Numbers)
    }
}

impl std::ops::Deref for Numbers {
    type Target = [f64];

    fn deref(&self) -> &[f64] {
        &self.0
    }
}
