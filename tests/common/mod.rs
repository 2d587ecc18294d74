//! Helpers shared by the integration tests: running the `analyze` example binary and
//! comparing numbers with R's reference values.
#![allow(dead_code)]

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

/// Asserts `|actual - expected| <= tol * max(1, |expected|)` (relative for large values,
/// absolute near zero), with a message naming the quantity.
pub fn assert_close(actual: f64, expected: f64, tol: f64, what: &str) {
    let scale = expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tol * scale,
        "{what}: got {actual:.15e}, R gives {expected:.15e} (tolerance {tol:e})"
    );
}

/// Compares every number in `expected` (an R reference JSON, possibly nested) with the
/// same path in `actual`; keys listed in `skip` and keys absent from `actual` when the R
/// value is `null` are ignored. Strings and booleans must be equal.
pub fn assert_json_close(
    actual: &serde_json::Value,
    expected: &serde_json::Value,
    tol: f64,
    path: &str,
    skip: &[&str],
) {
    use serde_json::Value as V;
    match (expected, actual) {
        (V::Number(e), _) => {
            let e = e.as_f64().expect("number");
            let a = actual
                .as_f64()
                .unwrap_or_else(|| panic!("{path}: expected number {e}, got {actual}"));
            assert_close(a, e, tol, path);
        }
        (V::Object(eo), V::Object(ao)) => {
            for (k, ev) in eo {
                if skip.contains(&k.as_str()) {
                    continue;
                }
                match ao.get(k) {
                    Some(av) => assert_json_close(av, ev, tol, &format!("{path}.{k}"), skip),
                    None if ev.is_null() => {}
                    None => panic!("{path}.{k}: missing in output"),
                }
            }
        }
        (V::Array(ea), V::Array(aa)) => {
            assert_eq!(ea.len(), aa.len(), "{path}: array length");
            for (i, (ev, av)) in ea.iter().zip(aa).enumerate() {
                assert_json_close(av, ev, tol, &format!("{path}[{i}]"), skip);
            }
        }
        (V::Null, _) => assert!(actual.is_null(), "{path}: R gives null, got {actual}"),
        (e, a) => assert_eq!(a, e, "{path}"),
    }
}
