//! Fuzzes the `analyze` example end to end: CSV parsing, option parsing and every command.
//!
//! Input: the first line is the command line (whitespace-separated, without the file name),
//! the rest is the CSV file. Checks: no panic; an error is one line; the JSON output has no
//! NaN/inf (it must parse back, and serde_json rejects non-finite numbers); the text output
//! prints no `NaN` (R's `NA` instead) and no number of more than 20 digits in a row (R's
//! scientific notation instead) unless the input itself spells one (a label is echoed as
//! written).
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
        Ok((text, json)) => {
            let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
            assert!(v.is_object(), "JSON output is an object");
            if !data.windows(3).any(|w| w.eq_ignore_ascii_case(b"nan")) {
                assert!(!text.contains("NaN"), "NaN in the text output:\n{text}");
            }
            if longest_digit_run(data) <= 20 {
                let longest = longest_digit_run(text.as_bytes());
                assert!(
                    longest <= 20,
                    "a {longest}-digit number in the text:\n{text}"
                );
            }
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(!msg.is_empty(), "empty error message");
            assert!(!msg.contains('\n'), "multi-line error: {msg:?}");
        }
    }
});

/// The longest run of ASCII digits in `bytes`.
fn longest_digit_run(bytes: &[u8]) -> usize {
    bytes
        .split(|b| !b.is_ascii_digit())
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0)
}
