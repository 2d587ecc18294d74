//! The `analyze` example's command-line contract: bad input and usage give exit status 2,
//! one `error: ` line on stderr naming what is wrong, and nothing on stdout.

mod common;

use common::{analyze, data};

fn assert_usage_error(args: &[&str], needle: &str) {
    let run = analyze(args);
    assert_eq!(
        run.code, 2,
        "{args:?}: expected exit 2, stderr {}",
        run.stderr
    );
    assert!(
        run.stdout.is_empty(),
        "{args:?}: stdout not empty: {}",
        run.stdout
    );
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "{args:?}: one error line expected: {}",
        run.stderr
    );
    assert!(lines[0].starts_with("error: "), "{}", lines[0]);
    assert!(
        lines[0].contains(needle),
        "{args:?}: `{}` does not mention `{needle}`",
        lines[0]
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

fn temp_csv(name: &str, content: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("oncostat-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(name);
    std::fs::write(&p, content).expect("write temp csv");
    p
}

#[test]
fn usage_errors() {
    assert_usage_error(&[], "no command");
    assert_usage_error(&["frobnicate", "x.csv"], "unknown command");
    let lung = data("lung.csv");
    let lung = lung.to_str().expect("utf8 path");
    assert_usage_error(&["km", "--bogus", "1", lung], "unknown option --bogus");
    assert_usage_error(&["km", "--time"], "needs a value");
    assert_usage_error(&["km", "--time", "time"], "no input file");
}

#[test]
fn unreadable_files() {
    assert_usage_error(
        &["km", "--time", "t", "--event", "e", "/nonexistent/x.csv"],
        "cannot read",
    );
    let empty = temp_csv("empty.csv", b"");
    assert_usage_error(
        &[
            "km",
            "--time",
            "t",
            "--event",
            "e",
            empty.to_str().expect("path"),
        ],
        "is empty",
    );
    let header = temp_csv("header.csv", b"t,e\n");
    assert_usage_error(
        &[
            "km",
            "--time",
            "t",
            "--event",
            "e",
            header.to_str().expect("path"),
        ],
        "no data rows",
    );
    let binary = temp_csv("binary.csv", &[0u8, 159, 146, 150, 0, 1, 2]);
    assert_usage_error(
        &[
            "km",
            "--time",
            "t",
            "--event",
            "e",
            binary.to_str().expect("path"),
        ],
        "not a text CSV",
    );
    let ragged = temp_csv("ragged.csv", b"t,e\n1,1\n2\n");
    assert_usage_error(
        &[
            "km",
            "--time",
            "t",
            "--event",
            "e",
            ragged.to_str().expect("path"),
        ],
        "row 2",
    );
}
