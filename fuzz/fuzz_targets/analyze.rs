//! Fuzzes the `analyze` example end to end: CSV parsing, option parsing and every command.
//!
//! Input: the first line is the command line (whitespace-separated, without the file name),
//! the rest is the CSV file. Checks: no panic; an error is one line; the JSON output has no
//! NaN/inf (it must parse back, and serde_json rejects non-finite numbers).
#![no_main]

use libfuzzer_sys::fuzz_target;

// The whole example (its `main.rs` declares every command module); `crate::cli` etc. resolve
// through the glob import.
#[allow(dead_code)]
#[path = "../../examples/analyze/main.rs"]
mod analyze;
#[allow(unused_imports)]
use analyze::*;

fuzz_target!(|data: &[u8]| {
    let (line, csv) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Ok(line) = std::str::from_utf8(line) else {
        return;
    };
    let mut argv: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    if argv.len() > 24 {
        return;
    }
    argv.push("fuzz.csv".to_string());
    match app::run_on_bytes(&argv, csv) {
        Ok((_text, json)) => {
            let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
            assert!(v.is_object(), "JSON output is an object");
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(!msg.is_empty(), "empty error message");
            assert!(!msg.contains('\n'), "multi-line error: {msg:?}");
        }
    }
});
