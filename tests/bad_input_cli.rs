//! The `analyze` example on bad input (issue 7): every case exits with status 2, prints
//! exactly one `error: ` line on stderr that names the file (and the row and column where one
//! applies), prints nothing on stdout and never panics. Degenerate but legal input must
//! succeed with JSON that has no NaN/inf (JSON cannot hold them) and text without `NaN`.
//!
//! Runs with `cargo test --test bad_input_cli` (the test has cargo build the example).

mod common;

use std::path::PathBuf;

use common::analyze;

/// Where a case's input comes from.
enum Input {
    /// A file with these bytes.
    Bytes(&'static [u8]),
    /// A path that does not exist.
    Missing,
}

/// One bad-input case: `args` with `FILE` replaced by the input path; the error line must
/// contain every needle (`FILE` = the file's name).
struct Case {
    name: &'static str,
    args: &'static [&'static str],
    input: Input,
    needles: &'static [&'static str],
}

const SURV: &[u8] = b"t,e,g,x,w\n5,1,a,1.5,1\n8,0,a,2.5,2\n3,1,b,0.5,1\n9,1,b,4,1\n12,0,a,3,1\n";
const LOGIT: &[u8] = b"y,a,b\n0,1,2\n1,2,1\n0,3,5\n1,4,2\n1,5,1\n0,2,3\n";

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("oncostat-bad-input-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[rustfmt::skip]
fn cases() -> Vec<Case> {
    use Input::{Bytes, Missing};
    let km_args: &[&str] = &["km", "--time", "t", "--event", "e", "FILE"];
    let lr_args: &[&str] = &["logrank", "--time", "t", "--event", "e", "--group", "g", "FILE"];
    let cox_args: &[&str] = &["cox", "--time", "t", "--event", "e", "--covariates", "x", "FILE"];
    let cox_w: &[&str] = &["cox", "--time", "t", "--event", "e", "--covariates", "x", "--weights", "w", "FILE"];
    let lg_args: &[&str] = &["logistic", "--response", "y", "--covariates", "a,b", "FILE"];
    let firth_args: &[&str] = &["logistic", "--response", "y", "--covariates", "a,b", "--firth", "FILE"];
    let ir: &[&str] = &["irecist", "FILE"];
    vec![
        // ---- files
        Case { name: "missing file", args: km_args, input: Missing, needles: &["cannot read", "FILE"] },
        Case { name: "empty file", args: km_args, input: Bytes(b""), needles: &["FILE", "is empty"] },
        Case { name: "blank file", args: cox_args, input: Bytes(b"\n \n\t\n"), needles: &["FILE", "is empty"] },
        Case { name: "header only", args: lr_args, input: Bytes(b"t,e,g\n"), needles: &["FILE", "no data rows"] },
        Case { name: "binary file", args: lg_args, input: Bytes(b"\x00\x9f\x92\x96\x00\x01"), needles: &["FILE", "not a text CSV"] },
        Case { name: "latin-1 cell", args: km_args, input: Bytes(b"t,e\n1,1\n2\xe9,0\n"), needles: &["FILE", "row 2", "column `t`", "UTF-8"] },
        Case { name: "latin-1 header", args: km_args, input: Bytes(b"t\xe9,e\n1,1\n"), needles: &["FILE", "header column 1", "UTF-8"] },
        Case { name: "ragged row (short)", args: km_args, input: Bytes(b"t,e\n1,1\n2\n"), needles: &["FILE", "row 2", "1 cells", "2 columns"] },
        Case { name: "ragged row (long)", args: lr_args, input: Bytes(b"t,e,g\n1,1,a\n2,0,b,7\n"), needles: &["FILE", "row 2", "4 cells"] },
        Case { name: "duplicate header", args: km_args, input: Bytes(b"t,e,t\n1,1,2\n"), needles: &["FILE", "`t` appears twice"] },
        Case { name: "empty header name", args: km_args, input: Bytes(b"t,,e\n1,2,1\n"), needles: &["FILE", "header column 2 has no name"] },
        Case { name: "unterminated quote", args: km_args, input: Bytes(b"t,e\n1,1\n\"2,0\n"), needles: &["FILE"] },
        Case { name: "every row incomplete", args: km_args, input: Bytes(b"t,e\nNA,1\n2,\n"), needles: &["FILE", "no complete rows"] },
        // ---- columns
        Case { name: "unknown time column", args: &["km", "--time", "tt", "--event", "e", "FILE"], input: Bytes(SURV), needles: &["FILE", "no column `tt`"] },
        Case { name: "unknown covariate", args: &["cox", "--time", "t", "--event", "e", "--covariates", "x,age", "FILE"], input: Bytes(SURV), needles: &["FILE", "no column `age`"] },
        Case { name: "unknown response", args: &["logistic", "--response", "z", "--covariates", "a", "FILE"], input: Bytes(LOGIT), needles: &["FILE", "no column `z`"] },
        Case { name: "unknown group", args: &["logrank", "--time", "t", "--event", "e", "--group", "arm", "FILE"], input: Bytes(SURV), needles: &["FILE", "no column `arm`"] },
        Case { name: "missing lesion column", args: ir, input: Bytes(b"patient,lesion,day,organ,kind,node,irradiated\nP,L,0,liver,target,false,false\n"), needles: &["FILE", "no column `measure`"] },
        // ---- cell values
        Case { name: "text in time", args: km_args, input: Bytes(b"t,e\n1,1\nabc,0\n"), needles: &["FILE", "row 2", "column `t`", "`abc` is not a number"] },
        Case { name: "text in covariate", args: cox_args, input: Bytes(b"t,e,x\n1,1,2\n3,0,4\n5,1,six\n"), needles: &["FILE", "row 3", "column `x`", "`six`"] },
        Case { name: "decimal comma", args: lg_args, input: Bytes(b"y,a,b\n0,\"1,5\",2\n1,2,1\n"), needles: &["FILE", "row 1", "column `a`", "`1,5`"] },
        Case { name: "NaN time", args: km_args, input: Bytes(b"t,e\n1,1\nNaN,0\n"), needles: &["FILE", "row 2", "column `t`", "not a finite number"] },
        Case { name: "nan covariate", args: lg_args, input: Bytes(b"y,a,b\n0,1,2\n1,nan,1\n"), needles: &["FILE", "row 2", "column `a`", "not a finite number"] },
        Case { name: "Inf covariate", args: cox_args, input: Bytes(b"t,e,x\n1,1,2\n3,0,Inf\n"), needles: &["FILE", "row 2", "column `x`", "not a finite number"] },
        Case { name: "-inf covariate", args: firth_args, input: Bytes(b"y,a,b\n0,1,2\n1,2,-inf\n"), needles: &["FILE", "row 2", "column `b`", "not a finite number"] },
        Case { name: "overflowing number", args: km_args, input: Bytes(b"t,e\n1e999,1\n"), needles: &["FILE", "row 1", "column `t`", "not a finite number"] },
        Case { name: "negative time (km)", args: km_args, input: Bytes(b"t,e\n1,1\n-2,0\n"), needles: &["FILE", "row 2", "column `t`", "negative"] },
        Case { name: "negative time (logrank)", args: lr_args, input: Bytes(b"t,e,g\n1,1,a\n2,1,b\n-0.5,0,a\n"), needles: &["FILE", "row 3", "column `t`", "negative"] },
        Case { name: "negative time (cox)", args: cox_args, input: Bytes(b"t,e,x\n-1,1,2\n3,0,4\n"), needles: &["FILE", "row 1", "column `t`", "negative"] },
        Case { name: "negative time (cox --firth)", args: &["cox", "--firth", "--time", "t", "--event", "e", "--covariates", "x", "FILE"], input: Bytes(b"t,e,x\n1,1,2\n-3,0,4\n"), needles: &["FILE", "row 2", "column `t`", "negative"] },
        Case { name: "zero weight (cox --firth)", args: &["cox", "--firth", "--time", "t", "--event", "e", "--covariates", "x", "--weights", "w", "FILE"], input: Bytes(b"t,e,x,w\n1,1,2,1\n2,0,3,0\n"), needles: &["FILE", "row 2", "column `w`"] },
        Case { name: "unknown cluster column", args: &["cox", "--time", "t", "--event", "e", "--covariates", "x", "--cluster", "site", "FILE"], input: Bytes(SURV), needles: &["FILE", "no column `site`"] },
        Case { name: "start not before stop (cox --start)", args: &["cox", "--time", "t", "--start", "s", "--event", "e", "--covariates", "x", "FILE"], input: Bytes(b"t,s,e,x\n5,0,1,1\nNA,0,1,2\n4,4,0,3\n"), needles: &["FILE", "row 3", "start time 4 is not before stop time 4"] },
        Case { name: "text start (cox --start)", args: &["cox", "--time", "t", "--start", "s", "--event", "e", "--covariates", "x", "FILE"], input: Bytes(b"t,s,e,x\n5,zero,1,1\n"), needles: &["FILE", "row 1", "column `s`", "`zero`"] },
        Case { name: "counting data with --firth", args: &["cox", "--firth", "--time", "t", "--start", "s", "--event", "e", "--covariates", "x", "FILE"], input: Bytes(b"t,s,e,x\n5,0,1,1\n6,1,0,2\n7,2,1,0\n8,0,1,3\n"), needles: &["--firth", "--start"] },
        Case { name: "event 2", args: km_args, input: Bytes(b"t,e\n1,1\n2,2\n"), needles: &["FILE", "row 2", "column `e`", "`2`"] },
        Case { name: "event -1 (cox)", args: cox_args, input: Bytes(b"t,e,x\n1,1,2\n2,-1,3\n"), needles: &["FILE", "row 2", "column `e`", "`-1`"] },
        Case { name: "event text (logrank)", args: lr_args, input: Bytes(b"t,e,g\n1,dead,a\n"), needles: &["FILE", "row 1", "column `e`", "`dead`"] },
        Case { name: "response 2", args: lg_args, input: Bytes(b"y,a,b\n0,1,2\n2,2,1\n"), needles: &["FILE", "row 2", "column `y`", "`2`"] },
        Case { name: "response 0.5 (firth)", args: firth_args, input: Bytes(b"y,a,b\n0.5,1,2\n1,2,1\n"), needles: &["FILE", "row 1", "column `y`", "`0.5`"] },
        Case { name: "zero weight", args: cox_w, input: Bytes(b"t,e,x,w\n1,1,2,1\n2,0,3,0\n4,1,1,1\n"), needles: &["FILE", "row 2", "column `w`", "weight"] },
        Case { name: "negative weight", args: cox_w, input: Bytes(b"t,e,x,w\n1,1,2,1\n2,0,3,1\n4,1,1,-3\n"), needles: &["FILE", "row 3", "column `w`", "weight"] },
        Case { name: "newline inside a quoted cell", args: km_args, input: Bytes(b"t,e\n1,1\n\"3\n4\",0\n"), needles: &["FILE", "row 2", "column `t`", "is not a number"] },
        // ---- data that cannot answer the question
        Case { name: "one group for a log-rank", args: lr_args, input: Bytes(b"t,e,g\n1,1,a\n2,0,a\n3,1,a\n"), needles: &["FILE", "at least 2 groups"] },
        Case { name: "one group after NA drop", args: lr_args, input: Bytes(b"t,e,g\n1,1,a\n2,0,NA\n3,1,a\n"), needles: &["FILE", "at least 2 groups"] },
        // No events: R answers with an all-NA Cox fit, a survdiff chi-square of 0 on -1 df
        // (p NA), a glm intercept near -23; oncostat names the condition (error catalogue).
        Case { name: "no events (cox)", args: cox_args, input: Bytes(b"t,e,x\n1,0,1\n2,0,2\n3,0,3\n4,0,5\n"), needles: &["FILE", "no events"] },
        Case { name: "no events (logrank)", args: lr_args, input: Bytes(b"t,e,g\n1,0,a\n2,0,a\n3,0,b\n4,0,b\n"), needles: &["FILE", "no events"] },
        Case { name: "no events (logistic)", args: lg_args, input: Bytes(b"y,a,b\n0,1,2\n0,2,1\n0,3,5\n"), needles: &["FILE", "no events"] },
        Case { name: "all events (firth)", args: firth_args, input: Bytes(b"y,a,b\n1,1,2\n1,2,1\n1,3,5\n"), needles: &["FILE", "no events"] },
        // ---- options
        Case { name: "unknown option (km)", args: &["km", "--time", "t", "--event", "e", "--bogus", "1", "FILE"], input: Bytes(SURV), needles: &["unknown option --bogus", "km"] },
        Case { name: "unknown option (logistic)", args: &["logistic", "--response", "y", "--covariates", "a", "--penalty", "FILE"], input: Bytes(LOGIT), needles: &["unknown option --penalty"] },
        Case { name: "unknown option (irecist)", args: &["irecist", "--strict", "FILE"], input: Bytes(SURV), needles: &["unknown option --strict"] },
        Case { name: "flag with a value", args: &["logistic", "--response", "y", "--covariates", "a", "--firth=yes", "FILE"], input: Bytes(LOGIT), needles: &["--firth takes no value"] },
        Case { name: "option given twice", args: &["km", "--time", "t", "--time", "t", "--event", "e", "FILE"], input: Bytes(SURV), needles: &["--time given twice"] },
        Case { name: "missing required option", args: &["km", "--time", "t", "FILE"], input: Bytes(SURV), needles: &["missing required option --event"] },
        Case { name: "missing --group", args: &["logrank", "--time", "t", "--event", "e", "FILE"], input: Bytes(SURV), needles: &["missing required option --group"] },
        Case { name: "missing --covariates", args: &["cox", "--time", "t", "--event", "e", "FILE"], input: Bytes(SURV), needles: &["--covariates"] },
        Case { name: "empty covariate item", args: &["cox", "--time", "t", "--event", "e", "--covariates", "x,,w", "FILE"], input: Bytes(SURV), needles: &["--covariates", "empty item"] },
        Case { name: "bad --ties", args: &["cox", "--time", "t", "--event", "e", "--covariates", "x", "--ties", "exact", "FILE"], input: Bytes(SURV), needles: &["--ties", "`exact`"] },
        Case { name: "bad --conf-type", args: &["km", "--time", "t", "--event", "e", "--conf-type", "arcsin", "FILE"], input: Bytes(SURV), needles: &["--conf-type", "`arcsin`"] },
        Case { name: "bad --at", args: &["km", "--time", "t", "--event", "e", "--at", "10,x", "FILE"], input: Bytes(SURV), needles: &["--at", "`x`"] },
        Case { name: "bad --rho", args: &["logrank", "--time", "t", "--event", "e", "--group", "g", "--rho", "one", "FILE"], input: Bytes(SURV), needles: &["--rho", "`one`"] },
        Case { name: "infinite --rho", args: &["logrank", "--time", "t", "--event", "e", "--group", "g", "--rho", "inf", "FILE"], input: Bytes(SURV), needles: &["--rho", "`inf`"] },
        Case { name: "bad --ci", args: &["logistic", "--response", "y", "--covariates", "a", "--ci", "bootstrap", "FILE"], input: Bytes(LOGIT), needles: &["--ci", "`bootstrap`"] },
        Case { name: "negative --min-sd-days", args: &["irecist", "--min-sd-days", "-1", "FILE"], input: Bytes(SURV), needles: &["--min-sd-days"] },
        Case { name: "fractional --min-sd-days", args: &["irecist", "--min-sd-days", "1.5", "FILE"], input: Bytes(SURV), needles: &["--min-sd-days"] },
        Case { name: "two input files", args: &["km", "--time", "t", "--event", "e", "FILE", "FILE"], input: Bytes(SURV), needles: &["one input file, got 2"] },
        Case { name: "unknown command", args: &["frailty", "FILE"], input: Bytes(SURV), needles: &["unknown command `frailty`"] },
        // ---- lesion files
        Case { name: "lesion: negative day", args: ir, input: Bytes(b"patient,lesion,day,organ,kind,node,irradiated,measure\nP1,L1,-5,liver,target,false,false,20\n"), needles: &["FILE", "row 1", "day `-5`"] },
        Case { name: "lesion: text day", args: ir, input: Bytes(b"patient,lesion,day,organ,kind,node,irradiated,measure\nP1,L1,0,liver,target,false,false,20\nP1,L1,week 8,liver,target,false,false,20\n"), needles: &["FILE", "row 2", "day `week 8`"] },
        Case { name: "lesion: negative size", args: ir, input: Bytes(b"patient,lesion,day,organ,kind,node,irradiated,measure\nP1,L1,0,liver,target,false,false,-20\n"), needles: &["FILE", "row 1", "column `measure`", "`-20`"] },
        Case { name: "lesion: unknown measure", args: ir, input: Bytes(b"patient,lesion,day,organ,kind,node,irradiated,measure\nP1,L1,0,liver,target,false,false,big\n"), needles: &["FILE", "row 1", "column `measure`", "`big`"] },
        Case { name: "lesion: unknown kind", args: ir, input: Bytes(b"patient,lesion,day,organ,kind,node,irradiated,measure\nP1,L1,0,liver,primary,false,false,20\n"), needles: &["FILE", "row 1", "column `kind`", "`primary`"] },
        Case { name: "lesion: bad node flag", args: ir, input: Bytes(b"patient,lesion,day,organ,kind,node,irradiated,measure\nP1,L1,0,liver,target,maybe,false,20\n"), needles: &["FILE", "row 1", "node `maybe`"] },
        Case { name: "lesion: bad irradiated flag", args: ir, input: Bytes(b"patient,lesion,day,organ,kind,node,irradiated,measure\nP1,L1,0,liver,target,false,2,20\n"), needles: &["FILE", "row 1", "irradiated `2`"] },
        Case { name: "lesion: empty patient id", args: ir, input: Bytes(b"patient,lesion,day,organ,kind,node,irradiated,measure\n \t,L1,0,liver,target,false,false,20\n"), needles: &["FILE"] },
        Case { name: "lesion: measured twice at one visit", args: ir, input: Bytes(b"patient,lesion,day,organ,kind,node,irradiated,measure\nP1,L1,0,liver,target,false,false,20\nP1,L1,0,liver,target,false,false,22\n"), needles: &["FILE", "row 2", "P1", "L1", "two rows"] },
        Case { name: "lesion: no baseline visit", args: ir, input: Bytes(b"patient,lesion,day,organ,kind,node,irradiated,measure\nP1,L1,28,liver,target,false,false,20\n"), needles: &["FILE", "row 1", "P1", "baseline"] },
        Case { name: "lesion: new lesion at baseline", args: ir, input: Bytes(b"patient,lesion,day,organ,kind,node,irradiated,measure\nP1,L1,0,liver,new,false,false,20\n"), needles: &["FILE", "row 1", "P1", "baseline"] },
        Case { name: "lesion: target too small at baseline", args: ir, input: Bytes(b"patient,lesion,day,organ,kind,node,irradiated,measure\nP1,L1,0,liver,target,false,false,4\n"), needles: &["FILE", "row 1", "P1", "L1", "10 mm"] },
        Case { name: "lesion: a survival file", args: ir, input: Bytes(SURV), needles: &["FILE", "no column `patient`"] },
        Case { name: "lesion: header only", args: ir, input: Bytes(b"patient,lesion,day,organ,kind,node,irradiated,measure\n"), needles: &["FILE", "no data rows"] },
    ]
}

fn run_case(case: &Case, index: usize) -> Result<(), String> {
    let path = match case.input {
        Input::Missing => PathBuf::from("/nonexistent/oncostat/missing.csv"),
        Input::Bytes(bytes) => {
            let p = dir().join(format!("case{index:03}.csv"));
            std::fs::write(&p, bytes).map_err(|e| e.to_string())?;
            p
        }
    };
    let file = path.to_string_lossy().into_owned();
    let file_name = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let args: Vec<&str> = case
        .args
        .iter()
        .map(|a| if *a == "FILE" { file.as_str() } else { a })
        .collect();
    for json in [false, true] {
        let mut all = args.clone();
        if json {
            all.insert(1, "--json");
        }
        let run = analyze(&all);
        let ctx = format!("case `{}` (json {json}): {:?}", case.name, run.stderr);
        if run.code != 2 {
            return Err(format!("{ctx}: exit {} (want 2)", run.code));
        }
        if !run.stdout.is_empty() {
            return Err(format!("{ctx}: stdout not empty: {:?}", run.stdout));
        }
        if run.stderr.contains("panicked") {
            return Err(format!("{ctx}: panic"));
        }
        let lines: Vec<&str> = run.stderr.lines().collect();
        if lines.len() != 1 || !lines[0].starts_with("error: ") {
            return Err(format!("{ctx}: want one `error: ` line"));
        }
        for needle in case.needles {
            let needle = needle.replace("FILE", &file_name);
            if !lines[0].contains(&needle) {
                return Err(format!("{ctx}: does not mention `{needle}`"));
            }
        }
    }
    Ok(())
}

#[test]
fn every_bad_input_is_one_error_line_with_exit_2() {
    let failures: Vec<String> = cases()
        .iter()
        .enumerate()
        .filter_map(|(i, c)| run_case(c, i).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases().len(),
        failures.join("\n")
    );
}

/// Degenerate but legal input: the command answers (exit 0) as R does, and the output holds
/// no NaN or infinity (JSON `null` instead; text `NA`/`Inf` as R prints).
struct Legal {
    name: &'static str,
    args: &'static [&'static str],
    csv: &'static [u8],
}

#[rustfmt::skip]
fn legal_cases() -> Vec<Legal> {
    vec![
        // R survfit: median NA when the curve never drops to 0.5.
        Legal { name: "km median never reached", args: &["km", "--time", "t", "--event", "e", "--at", "1,100", "FILE"], csv: b"t,e\n1,1\n2,0\n3,0\n4,0\n" },
        // R survfit: no events at all -> survival 1, median NA.
        Legal { name: "km no events", args: &["km", "--time", "t", "--event", "e", "--group", "g", "FILE"], csv: b"t,e,g\n1,0,a\n2,0,a\n3,0,b\n4,0,b\n" },
        // R survfit with one observation.
        Legal { name: "km n = 1", args: &["km", "--time", "t", "--event", "e", "FILE"], csv: b"t,e\n5,1\n" },
        // R coxph: a constant covariate gets an NA coefficient.
        Legal { name: "cox constant covariate", args: &["cox", "--time", "t", "--event", "e", "--covariates", "x,c", "FILE"], csv: b"t,e,x,c\n1,1,2,7\n2,0,3,7\n3,1,1,7\n4,1,5,7\n5,0,4,7\n" },
        // R coxph: more covariates than rows still fits (does not converge).
        Legal { name: "cox more covariates than rows", args: &["cox", "--time", "t", "--event", "e", "--covariates", "a,b,c", "FILE"], csv: b"t,e,a,b,c\n1,1,1,3,0\n2,1,2,1,5\n" },
        // Monotone likelihood: the covariate orders the events perfectly.
        Legal { name: "cox monotone likelihood", args: &["cox", "--time", "t", "--event", "e", "--covariates", "x", "FILE"], csv: b"t,e,x\n1,1,5\n2,1,4\n3,1,3\n4,1,2\n5,1,1\n6,0,0\n" },
        // Firth Cox (coxphf) under monotone likelihood: finite; robust variance and zph too.
        Legal { name: "cox --firth monotone likelihood", args: &["cox", "--firth", "--time", "t", "--event", "e", "--covariates", "x", "FILE"], csv: b"t,e,x\n1,1,5\n2,1,4\n3,1,3\n4,1,2\n5,1,1\n6,0,0\n" },
        Legal { name: "cox --robust --zph constant covariate", args: &["cox", "--robust", "--zph", "--time", "t", "--event", "e", "--covariates", "x,c", "FILE"], csv: b"t,e,x,c\n1,1,2,7\n2,0,3,7\n3,1,1,7\n4,1,5,7\n5,0,4,7\n6,1,0,7\n" },
        // Counting-process data may have negative times (R's Surv(start, stop, event)).
        Legal { name: "cox --start with negative times", args: &["cox", "--time", "t", "--start", "s", "--event", "e", "--covariates", "x", "FILE"], csv: b"t,s,e,x\n-2,-5,1,1\n3,-1,0,2\n4,0,1,0\n6,1,1,3\n7,2,0,1\n" },
        // A group with no events.
        Legal { name: "logrank group without events", args: &["logrank", "--time", "t", "--event", "e", "--group", "g", "FILE"], csv: b"t,e,g\n1,1,a\n2,1,a\n3,0,b\n4,0,b\n5,1,a\n" },
        // R glm: aliased columns (more covariates than rows) are NA.
        Legal { name: "logistic more covariates than rows", args: &["logistic", "--response", "y", "--covariates", "a,b,c", "--ci", "wald", "FILE"], csv: b"y,a,b,c\n0,1,3,0\n1,2,1,5\n" },
        // Complete separation: ML flags it, Firth answers.
        Legal { name: "logistic separation", args: &["logistic", "--response", "y", "--covariates", "a", "FILE"], csv: b"y,a\n0,1\n0,2\n0,3\n1,4\n1,5\n1,6\n" },
        Legal { name: "firth separation", args: &["logistic", "--response", "y", "--covariates", "a", "--firth", "FILE"], csv: b"y,a\n0,1\n0,2\n0,3\n1,4\n1,5\n1,6\n" },
        // iRECIST: a patient with baseline only.
        Legal { name: "irecist baseline only", args: &["irecist", "FILE"], csv: b"patient,lesion,day,organ,kind,node,irradiated,measure\nP1,L1,0,liver,target,false,false,20\n" },
    ]
}

#[test]
fn degenerate_but_legal_input_answers_without_nan() {
    let mut failures = Vec::new();
    for (i, case) in legal_cases().iter().enumerate() {
        let p = dir().join(format!("legal{i:03}.csv"));
        std::fs::write(&p, case.csv).expect("write");
        let file = p.to_string_lossy().into_owned();
        let args: Vec<&str> = case
            .args
            .iter()
            .map(|a| if *a == "FILE" { file.as_str() } else { a })
            .collect();
        for json in [false, true] {
            let mut all = args.clone();
            if json {
                all.push("--json");
            }
            let run = analyze(&all);
            let ctx = format!("case `{}` (json {json})", case.name);
            if run.code != 0 {
                failures.push(format!("{ctx}: exit {}: {}", run.code, run.stderr));
                continue;
            }
            if let (true, Err(e)) = (json, serde_json::from_str::<serde_json::Value>(&run.stdout)) {
                failures.push(format!("{ctx}: invalid JSON ({e}): {}", run.stdout));
            }
            let lower = run.stdout.to_ascii_lowercase();
            if lower.contains("nan") {
                failures.push(format!("{ctx}: output contains NaN:\n{}", run.stdout));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
