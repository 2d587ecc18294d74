//! The command line's CSV input under hostile files (issue 19): the library's streaming reader
//! refuses devices and pipes, bounds cells, finds a repeated name in a very wide header, and
//! never echoes a huge cell whole. Each case exits 2 with one short `error: ` line naming the
//! file (and the row and column where one applies).
//!
//! `cargo test --test csv_guards_cli`

mod common;

use std::path::{Path, PathBuf};

use common::analyze;

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("oncostat-csv-guards-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// Runs `km --time t --event e FILE` and returns its one error line.
fn km_error(file: &Path) -> String {
    let f = file.to_string_lossy();
    let run = analyze(&["km", "--time", "t", "--event", "e", &f]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(lines[0].starts_with("error: "), "{}", lines[0]);
    assert!(
        lines[0].contains(&*f),
        "does not name the file: {}",
        lines[0]
    );
    lines[0].to_string()
}

#[test]
fn devices_directories_and_fifos_are_refused() {
    for p in ["/dev/zero", "/dev/urandom"] {
        if Path::new(p).exists() {
            let e = km_error(Path::new(p));
            assert!(e.contains("not a regular file"), "{e}");
        }
    }
    let e = km_error(&dir());
    assert!(e.contains("not a regular file"), "{e}");
    #[cfg(unix)]
    {
        let fifo = dir().join("endless.fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            // nobody writes to it: reading it would wait for ever
            let e = km_error(&fifo);
            assert!(e.contains("not a regular file"), "{e}");
            let _ = std::fs::remove_file(&fifo);
        }
    }
}

#[test]
fn huge_cells_are_cut_in_messages() {
    // over the 1 MiB cell limit: refused by the reader, with row and column
    let path = dir().join("five_million_digits.csv");
    std::fs::write(&path, format!("t,e\n1,1\n{},0\n", "9".repeat(5_000_000))).unwrap();
    let e = km_error(&path);
    assert!(
        e.contains("row 2, column `t`") && e.contains("5000000 bytes"),
        "{e}"
    );
    assert!(e.len() < 400, "{} bytes", e.len());
    // under the limit: a number too large for a double, echoed cut
    let path = dir().join("half_a_million_digits.csv");
    std::fs::write(&path, format!("t,e\n1,1\n{},0\n", "9".repeat(500_000))).unwrap();
    let e = km_error(&path);
    assert!(
        e.contains("row 2, column `t`") && e.contains("not a finite number"),
        "{e}"
    );
    assert!(e.contains("(500000 characters)") && e.len() < 400, "{e}");
    // a text cell in a numeric column, with a line end inside its quotes
    let path = dir().join("long_text.csv");
    std::fs::write(
        &path,
        format!("t,e\n1,1\n\"{}\n{}\",0\n", "x".repeat(1000), "y".repeat(10)),
    )
    .unwrap();
    let e = km_error(&path);
    assert!(e.contains("is not a number") && e.len() < 400, "{e}");
}

#[test]
fn wide_header_with_a_repeated_name() {
    let mut header: Vec<String> = (0..100_000).map(|j| format!("c{j}")).collect();
    header.push("t".into());
    header.push("e".into());
    header.push("c99998".into());
    let row = vec!["1"; header.len()].join(",");
    let path = dir().join("wide.csv");
    std::fs::write(&path, format!("{}\n{row}\n", header.join(","))).unwrap();
    let e = km_error(&path);
    assert!(
        e.contains("`c99998` appears twice in the header (columns 99999 and 100003)"),
        "{e}"
    );
    // the same header without the repeat reads; an unknown column lists a few names only
    header.pop();
    let row = vec!["1"; header.len()].join(",");
    std::fs::write(&path, format!("{}\n{row}\n", header.join(","))).unwrap();
    let f = path.to_string_lossy();
    let run = analyze(&["km", "--time", "time", "--event", "e", &f]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no column `time`") && run.stderr.len() < 600,
        "{}",
        run.stderr
    );
}

#[test]
fn cells_keep_their_spelling_in_text_columns() {
    // ids written with leading zeros stay distinct from the same numbers without them
    let path = dir().join("ids.csv");
    std::fs::write(&path, "id,y\n007,1\n7,0\n0.50,1\n0.5,0\nP9,1\n").unwrap();
    let f = path.to_string_lossy();
    let run = analyze(&[
        "proportion",
        "--response",
        "y",
        "--group",
        "id",
        "--json",
        &f,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for id in ["\"007\"", "\"7\"", "\"0.50\"", "\"0.5\"", "\"P9\""] {
        assert!(run.stdout.contains(id), "{id} missing: {}", run.stdout);
    }
}
