//! Fuzzes the `analyze` example end to end: CSV parsing, option parsing and every command.
//!
//! Input: the first line is the command line (whitespace-separated, without the file name),
//! the rest is the CSV file. Checks: no panic; an error is one line; the JSON output has no
//! NaN/inf (it must parse back, and serde_json rejects non-finite numbers).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../examples/analyze/app.rs"]
mod app;
#[allow(dead_code)]
#[path = "../../examples/analyze/cli.rs"]
mod cli;
#[path = "../../examples/analyze/cox.rs"]
mod cox;
#[path = "../../examples/analyze/cox_firth.rs"]
mod cox_firth;
#[path = "../../examples/analyze/irecist.rs"]
mod irecist;
#[path = "../../examples/analyze/km.rs"]
mod km;
#[path = "../../examples/analyze/logistic.rs"]
mod logistic;
#[path = "../../examples/analyze/logrank.rs"]
mod logrank;
#[allow(dead_code)]
#[path = "../../examples/analyze/table.rs"]
mod table;

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
