//! Helpers shared by the integration tests (`mod common;` in each): the test data
//! ([`data`], [`json`], the strict CSV loader [`csv::Csv`]), golden comparisons with R's
//! answers ([`golden`], re-exported here) and running the example binaries ([`analyze`],
//! [`example_bin`]).
#![allow(dead_code)]

pub mod csv;
pub mod golden;

#[allow(unused_imports)] // each test uses a part
pub use golden::*;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// Path of a file under `tests/data/`.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Reads and parses a JSON file under `tests/data/`.
pub fn json(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(data(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The example binary `name`, built (once per test process) by cargo itself: `cargo build
/// --example NAME` in this package, in the profile of the running test (`--release` for
/// `cargo test --release`), and located from cargo's own build messages, not by searching
/// `target/`. Under plain `cargo test` the example is already built, so this is a no-op build.
pub fn example_bin(name: &str) -> PathBuf {
    static BUILT: Mutex<BTreeMap<String, PathBuf>> = Mutex::new(BTreeMap::new());
    let mut built = BUILT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(path) = built.get(name) {
        return path.clone();
    }
    let run = escargot::CargoBuild::new()
        .example(name)
        .manifest_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .current_release()
        .run()
        .unwrap_or_else(|e| panic!("cannot build the example `{name}`: {e}"));
    let path = run.path().to_path_buf();
    built.insert(name.to_string(), path.clone());
    path
}

/// Output of one run of an example.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the `analyze` example with `args`.
pub fn analyze(args: &[&str]) -> Run {
    let out = Command::new(example_bin("analyze"))
        .args(args)
        .output()
        .expect("run analyze");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `analyze ... --json` and parses stdout, panicking with stderr on failure.
pub fn analyze_json(args: &[&str]) -> serde_json::Value {
    let mut all: Vec<&str> = args.to_vec();
    all.push("--json");
    let run = analyze(&all);
    assert_eq!(run.code, 0, "analyze {args:?} failed: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("bad JSON ({e}): {}", run.stdout))
}

/// A logistic design (with intercept) and outcome from `tests/data/<name>`, on the rows where
/// none of the used columns is missing (R's `na.omit`); every used cell must be a number.
#[track_caller]
pub fn logistic_model(
    name: &str,
    response: &str,
    covariates: &[&str],
) -> (oncostat::Design, oncostat::BinaryOutcome) {
    let csv = csv::Csv::read(name);
    let mut used = vec![response];
    used.extend_from_slice(covariates);
    let keep = csv.complete(&used);
    let x = oncostat::Design::from_columns(
        covariates
            .iter()
            .map(|c| (c.to_string(), csv.numbers_at(c, &keep))),
    )
    .expect("design")
    .with_intercept();
    let y = oncostat::BinaryOutcome::new(&csv.numbers_at(response, &keep)).expect("outcome");
    (x, y)
}
