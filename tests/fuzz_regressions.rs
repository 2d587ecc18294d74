//! Every input the fuzzers (`fuzz/`, issue 7) found to break a contract, kept as a regression
//! test.
//!
//! * `tests/data/fuzz/analyze/*`: inputs of the `analyze` target (first line = the command
//!   line without the file, the rest = the CSV file). Replayed through the built example
//!   binary (plain `cargo test` builds it): exit 0 with a JSON object, or exit 2 with exactly
//!   one `error: ` line and nothing on stdout; never a panic.
//! * Inputs of the `fitters` and `irecist` targets are decoded with `cargo fuzz fmt` and
//!   written out below as explicit test cases.

mod common;

use std::path::PathBuf;

use common::analyze;

fn analyze_inputs() -> Vec<PathBuf> {
    let dir = common::data("fuzz/analyze");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// Replays one `analyze` fuzz input; `Err` describes the broken contract.
fn replay(input: &[u8], name: &str) -> Result<(), String> {
    let (line, csv) = match input.iter().position(|&b| b == b'\n') {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => (input, &[][..]),
    };
    let line = String::from_utf8_lossy(line);
    let dir = std::env::temp_dir().join(format!("oncostat-fuzz-reg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join(format!("{name}.csv"));
    std::fs::write(&file, csv).map_err(|e| e.to_string())?;
    let file = file.to_string_lossy().into_owned();
    let mut args: Vec<&str> = line.split_whitespace().collect();
    args.push(&file);
    for json in [false, true] {
        let mut all = args.clone();
        if json {
            all.push("--json");
        }
        let run = analyze(&all);
        if run.stderr.contains("panicked") {
            return Err(format!("{name}: panic: {}", run.stderr));
        }
        match run.code {
            0 if json => {
                let v: serde_json::Value = serde_json::from_str(&run.stdout)
                    .map_err(|e| format!("{name}: invalid JSON ({e})"))?;
                if !v.is_object() {
                    return Err(format!("{name}: JSON is not an object"));
                }
            }
            0 => {
                // the text contract (as the fuzz target asserts it): no NaN and no number of
                // more than 20 digits in a row unless the input itself spells one
                if !input.windows(3).any(|w| w.eq_ignore_ascii_case(b"nan"))
                    && run.stdout.contains("NaN")
                {
                    return Err(format!("{name}: NaN in the text:\n{}", run.stdout));
                }
                let longest = longest_digit_run(run.stdout.as_bytes());
                if longest_digit_run(input) <= 20 && longest > 20 {
                    return Err(format!(
                        "{name}: a {longest}-digit number in the text:\n{}",
                        run.stdout
                    ));
                }
            }
            2 => {
                if !run.stdout.is_empty() {
                    return Err(format!("{name}: stdout not empty on error"));
                }
                let lines: Vec<&str> = run.stderr.lines().collect();
                if lines.len() != 1 || !lines[0].starts_with("error: ") {
                    return Err(format!("{name}: not one `error: ` line: {:?}", run.stderr));
                }
            }
            c => return Err(format!("{name}: exit {c}: {}", run.stderr)),
        }
    }
    Ok(())
}

/// The longest run of ASCII digits in `bytes`.
fn longest_digit_run(bytes: &[u8]) -> usize {
    bytes
        .split(|b| !b.is_ascii_digit())
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0)
}

#[test]
fn analyze_fuzz_inputs_keep_the_cli_contract() {
    let files = analyze_inputs();
    assert!(
        !files.is_empty(),
        "no fuzz inputs under tests/data/fuzz/analyze"
    );
    let failures: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let bytes = std::fs::read(f).ok()?;
            let name = f.file_name()?.to_string_lossy().into_owned();
            replay(&bytes, &name).err()
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Found by the `analyze` target (crash-1a5f598b…): a quoted header cell with a newline
/// (`"x/\n9,1,Maintained"`) and a non-UTF-8 cell made the error message two lines long.
#[test]
fn newline_in_a_quoted_header_keeps_the_error_on_one_line() {
    let input = b"km --time time --event status\n\"time\",\"status\",\"x/\n9\"\n1,1,\xff\n";
    assert_eq!(replay(input, "header-newline"), Ok(()));
}

/// Found by the `analyze` target (issue 19, third round; `huge_numeric_group_label`): a
/// numeric group column holding `17.178355416916034e+251` was labelled with the number's
/// 253-digit decimal expansion in the `proportion` table. Numbers without a kept spelling
/// are written in scientific notation when fixed notation would need more than 20 digits.
#[test]
fn a_huge_number_as_a_group_label_is_not_a_253_digit_decimal() {
    let input =
        b"proportion --response y --group g\ny,g\n1,1\n0,1\n1,17.178355416916034e+251\n0,1e-300\n";
    assert_eq!(replay(input, "huge-label"), Ok(()));
}
