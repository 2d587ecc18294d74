//! The hostile-input battery (issue 19), end to end through the `analyze` command line (and
//! `reproduce_cohort`): one test per class of the list. Every input gets either a
//! clear error — exit status 2, nothing on stdout, one short `error: ` line naming the file
//! and what to do — or a correct answer with its flags (`converged`, `aliased`,
//! `separation`, `warnings`), never a NaN, a panic, a 300-digit decimal or unbounded memory.
//! Where memory is measurable (GNU `/usr/bin/time`, the kernel's `ru_maxrss`), the peak
//! resident memory a large input adds over the same command on a tiny file is bounded:
//! within twice the file for a huge cell, twice the file plus 128 bytes per row for 100,000
//! short rows, 64 MB for 30,000 groups (R: 7.2 GB).
//!
//! Correct answers are checked against closed forms (tied Kaplan–Meier), invariances (a
//! covariate in other units: `x · s` gives `β / s` and the same z and p as `x`, for
//! s = 1e-300 … 1e300) or the crate's own unscaled fit, itself checked against R in
//! `tests/cox_vs_survival.rs`, `tests/logistic_vs_r.rs` and `tests/survreg_vs_r.rs`.
//! The table `docs/robustness.md` lists each input and what it gets.
//!
//! `cargo test --test hostile_inputs`

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{analyze, analyze_json, data, example_bin};
use serde_json::Value;

const SCALES: [f64; 4] = [1e-300, 1e-150, 1e150, 1e300];

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("oncostat-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn write(name: &str, text: &str) -> PathBuf {
    let path = dir().join(name);
    std::fs::write(&path, text).expect("write temp CSV");
    path
}

fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Runs `analyze args` with and without `--json`; both must exit 2 with nothing on stdout
/// and one `error: ` line of at most 600 characters naming the file. Returns the line.
#[track_caller]
fn error_line(args: &[&str], file: &str) -> String {
    let mut line = String::new();
    for json in [false, true] {
        let mut all = args.to_vec();
        if json {
            all.push("--json");
        }
        let run = analyze(&all);
        assert_eq!(run.code, 2, "{all:?}: exit {} ({})", run.code, run.stderr);
        assert!(run.stdout.is_empty(), "{all:?}: stdout {}", run.stdout);
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{all:?}: {}", run.stderr);
        assert!(lines[0].starts_with("error: "), "{}", lines[0]);
        assert!(lines[0].chars().count() <= 600, "{} chars", lines[0].len());
        assert!(lines[0].contains(file), "{} does not name {file}", lines[0]);
        line = lines[0].to_string();
    }
    line
}

/// Runs `analyze args` (text): exit 0, no `NaN` and no number longer than 20 digits.
#[track_caller]
fn text_ok(args: &[&str]) -> String {
    let run = analyze(args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    assert!(
        !run.stdout.contains("NaN"),
        "{args:?}: NaN in\n{}",
        run.stdout
    );
    let longest = run
        .stdout
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    assert!(
        longest <= 20,
        "{args:?}: a {longest}-digit number in\n{}",
        run.stdout
    );
    run.stdout
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[track_caller]
fn close(a: f64, b: f64, rel: f64, what: &str) {
    let scale = a.abs().max(b.abs()).max(f64::MIN_POSITIVE);
    assert!((a - b).abs() <= rel * scale, "{what}: {a:e} vs {b:e}");
}

/// A copy of `tests/data/<name>` with `column` also written times `s` as `<column>_s`
/// (shortest round-trip text, `NA` kept).
fn scaled_copy(name: &str, column: &str, s: f64) -> PathBuf {
    let text = std::fs::read_to_string(data(name)).expect("read data");
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    let names: Vec<String> = header
        .split(',')
        .map(|h| h.trim_matches('"').to_string())
        .collect();
    let j = names.iter().position(|n| n == column).expect("column");
    let mut out = format!("{},{column}_s\n", names.join(","));
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let cell = line.split(',').nth(j).expect("cell");
        let v = cell
            .parse::<f64>()
            .map_or_else(|_| "NA".to_string(), |v| format!("{:e}", v * s));
        out.push_str(&format!("{line},{v}\n"));
    }
    write(&format!("{name}.{column}.{s:e}.csv"), &out)
}

fn coefficient<'a>(json: &'a Value, name: &str) -> &'a Value {
    json["coefficients"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no coefficient {name} in {json}"))
}

// ---------------------------------------------------------------- extreme covariate scales

/// Runs `analyze <cmd> --covariates <covariates> FILE --json` with the unscaled and the
/// scaled covariate lists (the text of the scaled run must be clean too) and checks the
/// coefficient `scaled.0` against `base.0`: `times_s` keys times `s` equal the unscaled ones
/// (to `rel_s`), `same` keys equal them (to 1e-8), and `converged` is true when present.
struct ScaledCase<'a> {
    cmd: &'a [&'a str],
    covariates: (&'a str, &'a str),
    coefficient: (&'a str, &'a str),
    times_s: &'a [(&'a str, f64)],
    same: &'a [&'a str],
}

impl ScaledCase<'_> {
    fn check(&self, file: &str, s: f64) -> (Value, Value) {
        let run = |covs: &str, json: bool| {
            let mut args = self.cmd.to_vec();
            args.extend(["--covariates", covs, file]);
            if json {
                analyze_json(&args)
            } else {
                text_ok(&args);
                Value::Null
            }
        };
        let (base, scaled) = (run(self.covariates.0, true), run(self.covariates.1, true));
        run(self.covariates.1, false);
        let what = format!("{} × {s:e}", self.cmd[0]);
        assert!(scaled["converged"] != false, "{what}: not converged");
        let (a, b) = (
            coefficient(&scaled, self.coefficient.1),
            coefficient(&base, self.coefficient.0),
        );
        assert!(a["aliased"] != true, "{what}: aliased");
        for &(key, rel) in self.times_s {
            close(f(&a[key]) * s, f(&b[key]), rel, &format!("{what} {key}"));
        }
        for &key in self.same {
            close(f(&a[key]), f(&b[key]), 1e-8, &format!("{what} {key}"));
        }
        (base, scaled)
    }
}

/// Cox, logistic and survreg: a covariate times 1e-300 … 1e300 gives β / s, se / s and the
/// same z and p (R's coxph reports se 0 and p 0 at × 1e200, survreg aliases it); text
/// tables print R's scientific notation, never NaN or a 300-digit decimal.
#[test]
fn covariates_at_extreme_scales_give_the_unscaled_answer() {
    let survival = ["--time", "time", "--event", "status"];
    let cox = [&["cox"][..], &survival].concat();
    let survreg = [&["survreg"][..], &survival].concat();
    for s in SCALES {
        let lung = path_str(&scaled_copy("lung.csv", "age", s));
        let (base, scaled) = ScaledCase {
            cmd: &cox,
            covariates: ("age,sex", "age_s,sex"),
            coefficient: ("age", "age_s"),
            times_s: &[("coef", 1e-8), ("se", 1e-8)],
            same: &["z", "p"],
        }
        .check(&lung, s);
        close(
            f(&scaled["concordance"]),
            f(&base["concordance"]),
            1e-12,
            "cox concordance",
        );
        let (base, scaled) = ScaledCase {
            cmd: &survreg,
            covariates: ("age,sex", "age_s,sex"),
            coefficient: ("age", "age_s"),
            times_s: &[("coef", 1e-8), ("se", 1e-8)],
            same: &["p"],
        }
        .check(&lung, s);
        close(
            f(&scaled["loglik"]),
            f(&base["loglik"]),
            1e-10,
            "survreg loglik",
        );
        // the delta-method quantities (third audit): the proportional-hazards form's se
        // was 0 with z = Inf and p < 2e-16 at × 1e300 (V_jj ≈ 1e-605 underflowed), NA at
        // × 1e-300; the prediction at the means (its profile scales with the column) had
        // se NA and a restricted-mean se of 0
        let ph = |j: &Value, name: &str| -> Value {
            j["hazard_ratios"]
                .as_array()
                .and_then(|r| r.iter().find(|r| r["name"] == name))
                .unwrap_or_else(|| panic!("no hazard ratio {name} in {j}"))
                .clone()
        };
        let (a, b) = (ph(&scaled, "age_s"), ph(&base, "age"));
        for key in ["log_hr", "se"] {
            close(
                f(&a[key]) * s,
                f(&b[key]),
                1e-8,
                &format!("survreg PH {key} × {s:e}"),
            );
        }
        let (a, b) = (&scaled["prediction"], &base["prediction"]);
        close(f(&a["rmst_se"]), f(&b["rmst_se"]), 1e-8, "survreg rmst se");
        for (qa, qb) in a["quantiles"]
            .as_array()
            .unwrap()
            .iter()
            .zip(b["quantiles"].as_array().unwrap())
        {
            close(f(&qa["se"]), f(&qb["se"]), 1e-8, "survreg quantile se");
        }
        for (pa, pb) in a["surv_at"]
            .as_array()
            .unwrap()
            .iter()
            .zip(b["surv_at"].as_array().unwrap())
        {
            for key in ["se", "lower", "upper"] {
                close(
                    f(&pa[key]),
                    f(&pb[key]),
                    1e-8,
                    &format!("survreg S(t) {key} × {s:e}"),
                );
            }
        }
        // logistic on infert: case ~ age_s + parity, profile bounds and LR p-values
        let infert = path_str(&scaled_copy("infert.csv", "age", s));
        ScaledCase {
            cmd: &["logistic", "--response", "case"],
            covariates: ("age,parity", "age_s,parity"),
            coefficient: ("age", "age_s"),
            times_s: &[("coef", 1e-8), ("lower", 1e-6), ("upper", 1e-6)],
            same: &["p_wald"],
        }
        .check(&infert, s);
    }
}

/// Kaplan–Meier on times × 1e-6 … 1e300: the same survival, medians × s. (Times closer
/// than 1.5e-8 are one time whatever their unit, as R's `aeqSurv` ties them: lung in units
/// of 1e-300 days would be a single tied time in R and here.)
#[test]
fn kaplan_meier_at_extreme_time_scales() {
    for s in [1e-6, 1e150, 1e300] {
        let file = scaled_copy("lung.csv", "time", s);
        let fs = path_str(&file);
        let base = analyze_json(&[
            "km", "--time", "time", "--event", "status", "--group", "sex", &fs,
        ]);
        let json = analyze_json(&[
            "km", "--time", "time_s", "--event", "status", "--group", "sex", &fs,
        ]);
        for (g, b) in json["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .zip(base["groups"].as_array().expect("groups"))
        {
            assert_eq!(g["n"], b["n"]);
            close(
                f(&g["median"]) / s,
                f(&b["median"]),
                1e-12,
                &format!("median × {s:e}"),
            );
            close(
                f(&g["rmean"]) / s,
                f(&b["rmean"]),
                1e-10,
                &format!("rmean × {s:e}"),
            );
            // (its variance, a sum of squared areas, overflowed to NA at × 1e300)
            close(
                f(&g["rmean_se"]) / s,
                f(&b["rmean_se"]),
                1e-10,
                &format!("rmean se × {s:e}"),
            );
        }
        text_ok(&[
            "km", "--time", "time_s", "--event", "status", "--group", "sex", &fs,
        ]);
    }
}

/// `analyze args --json`, after checking that its text (`args` without `--json`) is clean.
#[track_caller]
fn clean_json(args: &[&str]) -> Value {
    text_ok(args);
    analyze_json(args)
}

/// Every other text table at times or covariates × 1e300 (and × 1e-300): R's scientific
/// notation, never NaN or a 300-digit decimal, and the answer of the unscaled data in the
/// new units — log-rank (the same χ²), restricted mean survival and its milestone (× s),
/// cumulative incidence at times × s (the same CIF), Fine–Gray (β / s, the same z and p;
/// was a "singular matrix" error) and a Gaussian survreg on times × s (β × s, σ × s; was
/// every coefficient aliased, "converged", and a 300-digit restricted-mean bound). Cox,
/// survreg (Weibull), logistic and Kaplan–Meier are above.
#[test]
fn every_text_table_in_r_notation_at_extreme_scales() {
    let s = 1e300;
    let lung = path_str(&scaled_copy("lung.csv", "time", s));
    let args = |cmd: &[&'static str], time: &'static str, extra: &[&'static str]| {
        let mut a: Vec<&str> = cmd.to_vec();
        a.extend(["--time", time, "--event", "status"]);
        a.extend(extra);
        a.push(&lung);
        a.iter().map(|a| a.to_string()).collect::<Vec<String>>()
    };
    let json = |a: &[String]| clean_json(&a.iter().map(String::as_str).collect::<Vec<_>>());
    // log-rank: the same test in any unit of time
    let group = ["--group", "sex"];
    let base = json(&args(&["logrank"], "time", &group));
    let scaled = json(&args(&["logrank"], "time_s", &group));
    close(
        f(&scaled["chisq"]),
        f(&base["chisq"]),
        1e-12,
        "log-rank chisq",
    );
    // RMST and the milestone difference at tau × s, T × s
    let base = json(&args(
        &["rmst"],
        "time",
        &["--group", "sex", "--tau", "700", "--milestone", "365"],
    ));
    let scaled = json(&args(
        &["rmst"],
        "time_s",
        &[
            "--group",
            "sex",
            "--tau",
            "7e302",
            "--milestone",
            "3.65e302",
        ],
    ));
    for (g, h) in scaled["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .zip(base["groups"].as_array().expect("groups"))
    {
        close(f(&g["rmst"]) / s, f(&h["rmst"]), 1e-10, "rmst × s");
        close(f(&g["se"]) / s, f(&h["se"]), 1e-10, "rmst se × s");
    }
    for key in ["estimate", "se", "p"] {
        close(
            f(&scaled["difference"][key]) / if key == "p" { 1.0 } else { s },
            f(&base["difference"][key]),
            1e-10,
            &format!("rmst difference {key}"),
        );
    }
    close(
        f(&scaled["milestone"]["difference"]),
        f(&base["milestone"]["difference"]),
        1e-10,
        "milestone difference",
    );
    // survreg, Gaussian on times × s: coefficients and σ × s, the same z and p
    let gaussian = ["--dist", "gaussian", "--covariates", "age"];
    let base = json(&args(&["survreg"], "time", &gaussian));
    let scaled = json(&args(&["survreg"], "time_s", &gaussian));
    assert_eq!(scaled["converged"], true);
    for name in ["(Intercept)", "age"] {
        let (a, b) = (coefficient(&scaled, name), coefficient(&base, name));
        assert_eq!(a["aliased"], false, "{a}");
        for (key, unit) in [("coef", s), ("se", s), ("p", 1.0)] {
            close(
                f(&a[key]) / unit,
                f(&b[key]),
                1e-6,
                &format!("{name} {key}"),
            );
        }
    }
    // σ × s, and the density of t in units 1/s: ℓ − (events)·ln s
    close(
        f(&coefficient(&scaled, "Log(scale)")["coef"]),
        f(&coefficient(&base, "Log(scale)")["coef"]) + s.ln(),
        1e-9,
        "log scale + ln s",
    );
    close(
        f(&scaled["loglik"]),
        f(&base["loglik"]) - f(&base["events"]) * s.ln(),
        1e-9,
        "gaussian loglik",
    );
    // cumulative incidence at times × s
    let mgus = path_str(&scaled_copy("mgus2_cr.csv", "etime", s));
    let cif = |time: &str, at: &str| {
        clean_json(&[
            "cif", "--time", time, "--status", "event", "--group", "sex", "--at", at, &mgus,
        ])
    };
    let cifs = |v: &Value| -> Vec<f64> {
        v["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .flat_map(|g| g["causes"].as_array().expect("causes").clone())
            .flat_map(|c| c["cif_at"].as_array().expect("cif_at").clone())
            .map(|r| f(&r["cif"]))
            .collect()
    };
    let (a, b) = (
        cifs(&cif("etime_s", "1e301,5e301")),
        cifs(&cif("etime", "10,50")),
    );
    assert!(!a.is_empty() && a.len() == b.len(), "{a:?} {b:?}");
    for (x, y) in a.iter().zip(&b) {
        close(*x, *y, 1e-12, "CIF at times × s");
    }
    // Fine–Gray with a covariate × 1e300 and × 1e-300
    for s in [1e300, 1e-300] {
        let mgus = path_str(&scaled_copy("mgus2_cr.csv", "agec", s));
        let fg = |covs: &str| {
            clean_json(&[
                "finegray",
                "--time",
                "etime",
                "--status",
                "event",
                "--cause",
                "1",
                "--covariates",
                covs,
                &mgus,
            ])
        };
        let (scaled, base) = (fg("agec_s,male"), fg("agec,male"));
        assert_eq!(scaled["converged"], true);
        let (x, y) = (coefficient(&scaled, "agec_s"), coefficient(&base, "agec"));
        for (key, unit) in [("coef", s), ("se", s), ("p", 1.0)] {
            close(
                f(&x[key]) * unit,
                f(&y[key]),
                1e-6,
                &format!("finegray {key}"),
            );
        }
    }
}

// ---------------------------------------------------------------- weights, offsets, starts

/// Weights summing past 1.8e308 or subnormal (1e-320) are named errors; equal weights of
/// 1e300 fit the same coefficients as no weights.
#[test]
fn weights_near_the_ends_of_the_double_range() {
    let mut huge = String::from("t,e,x,w\n");
    let mut tiny = String::from("t,e,x,w\n");
    let mut big = String::from("t,e,x,w,one\n");
    for i in 0..12 {
        let (t, e, x) = (1 + i, u8::from(i % 3 != 1), (i * 7 % 5) as f64);
        huge.push_str(&format!("{t},{e},{x},1e308\n"));
        tiny.push_str(&format!(
            "{t},{e},{x},{}\n",
            if i == 4 { "1e-320" } else { "1" }
        ));
        big.push_str(&format!("{t},{e},{x},1e300,1\n"));
    }
    let huge = path_str(&write("w_huge.csv", &huge));
    let tiny = path_str(&write("w_tiny.csv", &tiny));
    let big = path_str(&write("w_big.csv", &big));
    // (the command line's km has no --weights; tests/numeric_range.rs covers KM weights)
    let cox = |file: &str| {
        [
            "cox",
            "--time",
            "t",
            "--event",
            "e",
            "--covariates",
            "x",
            "--weights",
            "w",
            file,
        ]
        .map(str::to_string)
    };
    let args = cox(&huge);
    let line = error_line(&args.iter().map(String::as_str).collect::<Vec<_>>(), &huge);
    assert!(line.contains("1.8e308"), "{line}");
    let args = cox(&tiny);
    let line = error_line(&args.iter().map(String::as_str).collect::<Vec<_>>(), &tiny);
    assert!(
        line.contains("row 5") && line.contains("2.2e-308"),
        "{line}"
    );
    let weighted = analyze_json(&[
        "cox",
        "--time",
        "t",
        "--event",
        "e",
        "--covariates",
        "x",
        "--weights",
        "w",
        &big,
    ]);
    let plain = analyze_json(&[
        "cox",
        "--time",
        "t",
        "--event",
        "e",
        "--covariates",
        "x",
        &big,
    ]);
    assert_eq!(weighted["converged"], true);
    close(
        f(&coefficient(&weighted, "x")["coef"]),
        f(&coefficient(&plain, "x")["coef"]),
        1e-9,
        "cox coef, weights 1e300",
    );
    text_ok(&[
        "cox",
        "--time",
        "t",
        "--event",
        "e",
        "--covariates",
        "x",
        "--weights",
        "w",
        &big,
    ]);
}

/// Offsets beyond ±709 (where exp overflows) are named errors with their row; survreg
/// offsets on the log-time scale are fitted as R does.
#[test]
fn offsets_and_starting_values_out_of_range() {
    let mut text = String::from("t,e,x,off\n");
    for i in 0..12 {
        let off = if i == 2 { "1e308" } else { "0" };
        text.push_str(&format!(
            "{},{},{},{off}\n",
            1 + i,
            u8::from(i % 3 != 1),
            (i * 7 % 5) as f64
        ));
    }
    let file = path_str(&write("offsets.csv", &text));
    let line = error_line(
        &["cox", "--formula", "Surv(t, e) ~ x + offset(off)", &file],
        &file,
    );
    assert!(line.contains("offset") && line.contains("row 3"), "{line}");
    let line = error_line(
        &["logistic", "--formula", "e ~ x + offset(off)", &file],
        &file,
    );
    assert!(line.contains("offset") && line.contains("row 3"), "{line}");
    let line = error_line(
        &[
            "survreg",
            "--time",
            "t",
            "--event",
            "e",
            "--covariates",
            "x",
            "--offset",
            "off",
            &file,
        ],
        &file,
    );
    assert!(line.contains("offset") && line.contains("row 3"), "{line}");
    // starting values are a library option (no CLI flag): 1e308 is a named error
    let data = oncostat::SurvivalData::from_status(
        (1..=12).map(f64::from).collect(),
        &(0..12).map(|i| f64::from(i % 3 != 1)).collect::<Vec<_>>(),
    )
    .expect("data");
    let x = oncostat::Design::from_columns([(
        "x",
        (0..12).map(|i| (i * 7 % 5) as f64).collect::<Vec<_>>(),
    )])
    .expect("design");
    let err = oncostat::CoxPh::new()
        .init(vec![1e308])
        .fit(&data, &x)
        .unwrap_err();
    assert!(err.to_string().contains("initial values"), "{err}");
}

/// Numbers in error messages are written as the library writes a number without a kept
/// spelling (shortest round-trip, scientific outside [1e-4, 1e16)): a start time of 1e300
/// after its stop, a cause or outcome of 1e300 or 1e-300 were echoed as 300-digit decimals
/// (a 729-character line for times × 1e-300 whose start and stop are one tied time).
#[test]
fn numbers_in_error_messages_are_short() {
    let digits = |line: &str| {
        line.split(|c: char| !c.is_ascii_digit())
            .map(str::len)
            .max()
            .unwrap_or(0)
    };
    let base = "t,st,e,c,y,x\n5,0,1,1,1,1\n6,0,0,0,0,2\n7,0,1,2,1,3\n8,0,1,1,0,4\n9,0,0,0,1,5\n";
    // (name, the row replaced by, the command, a phrase of the message)
    type Case<'a> = (&'a str, (&'a str, &'a str), &'a [&'a str], &'a str);
    let cases: [Case; 3] = [
        (
            "start",
            ("8,0,1,1,0,4", "8,1e300,1,1,0,4"),
            &[
                "cox",
                "--start",
                "st",
                "--time",
                "t",
                "--event",
                "e",
                "--covariates",
                "x",
            ],
            "start time 1e300",
        ),
        (
            "cause",
            ("8,0,1,1,0,4", "8,0,1,1e300,0,4"),
            &[
                "finegray",
                "--time",
                "t",
                "--status",
                "c",
                "--cause",
                "1",
                "--covariates",
                "x",
            ],
            "status 1e300",
        ),
        (
            "outcome",
            ("8,0,1,1,0,4", "8,0,1,1,1e-300,4"),
            &["logistic", "--response", "y", "--covariates", "x"],
            "1e-300",
        ),
    ];
    for (name, (from, to), args, needle) in cases {
        let text = base.replace(from, to);
        let file = path_str(&write(&format!("message_{name}.csv"), &text));
        let mut all = args.to_vec();
        all.push(&file);
        let line = error_line(&all, &file);
        assert!(
            line.contains(needle) && line.contains("row 4"),
            "{name}: {line}"
        );
        assert!(digits(&line) <= 20, "{name}: {line}");
    }
    // times × 1e-300: start and stop of row 1 are one tied time (R's aeqSurv tolerance)
    let mut text = String::from("t,st,e,x\n");
    for i in 1..=6 {
        text.push_str(&format!(
            "{:e},{:e},{},{i}\n",
            f64::from(i) * 1e-300,
            f64::from(i) * 0.3e-300,
            i % 2
        ));
    }
    let file = path_str(&write("message_tied.csv", &text));
    let line = error_line(
        &[
            "cox",
            "--start",
            "st",
            "--time",
            "t",
            "--event",
            "e",
            "--covariates",
            "x",
            &file,
        ],
        &file,
    );
    assert!(line.contains("e-301") && digits(&line) <= 20, "{line}");
}

// ---------------------------------------------------------------- shapes

/// More coefficients than rows: ML logistic aliases the extra columns (`aliased: true`,
/// `null`), flags the separation and its profile bounds that do not exist are `null`, as R's
/// glm; Firth (which cannot alias, as logistf) is an error saying what to do.
#[test]
fn more_coefficients_than_rows() {
    let file = path_str(&write(
        "p_gt_n.csv",
        "y,a,b,c,d,e\n0,1,2,3,1,5\n1,1,2,3,1,5\n0,3,5,2,9,1\n1,3,5,2,9,1\n1,2,1,1,1,1\n",
    ));
    for ci in ["profile", "wald"] {
        let json = analyze_json(&[
            "logistic",
            "--response",
            "y",
            "--covariates",
            "a,b,c,d,e",
            "--ci",
            ci,
            &file,
        ]);
        let aliased: Vec<bool> = json["coefficients"]
            .as_array()
            .expect("coefficients")
            .iter()
            .map(|c| c["aliased"] == true)
            .collect();
        // R: glm(y ~ a + b + c + d + e) has c, d, e NA
        assert_eq!(aliased, [false, false, false, true, true, true], "{ci}");
        assert!(coefficient(&json, "c")["coef"].is_null());
        assert!(json["separation"].is_array(), "{json}");
        assert!(!json["warnings"].as_array().expect("warnings").is_empty());
        for c in json["coefficients"].as_array().expect("coefficients") {
            for key in ["lower", "upper"] {
                assert!(
                    c[key].is_null() || c[key].as_f64().is_some_and(f64::is_finite),
                    "{c}"
                );
            }
        }
        text_ok(&[
            "logistic",
            "--response",
            "y",
            "--covariates",
            "a,b,c,d,e",
            "--ci",
            ci,
            &file,
        ]);
    }
    let line = error_line(
        &[
            "logistic",
            "--response",
            "y",
            "--covariates",
            "a,b,c,d,e",
            "--firth",
            &file,
        ],
        &file,
    );
    assert!(
        line.contains("6 coefficients") && line.contains("5 rows"),
        "{line}"
    );
    assert!(
        line.contains("\"c\", \"d\", \"e\"") && line.contains("drop them"),
        "{line}"
    );
    // 5 coefficients, 4 rows: no profile bound exists at all. The library says why (more
    // coefficients than rows, `d` aliased: Firth would not help); the CLI prints null bounds.
    let rows = [
        [0.0, 1.0, 2.0, 3.0, 1.0],
        [1.0, 2.0, 1.0, 5.0, 2.0],
        [0.0, 3.0, 5.0, 2.0, 9.0],
        [1.0, 4.0, 3.0, 1.0, 1.0],
    ];
    let column = |j: usize| rows.iter().map(|r| r[j]).collect::<Vec<f64>>();
    let x = oncostat::Design::from_columns(
        ["a", "b", "c", "d"]
            .iter()
            .enumerate()
            .map(|(j, n)| (*n, column(j + 1))),
    )
    .expect("design")
    .with_intercept();
    let y = oncostat::BinaryOutcome::new(&column(0)).expect("y");
    let fit = oncostat::LogisticRegression::new()
        .fit(&x, &y)
        .expect("flagged fit");
    assert_eq!(fit.aliased(), [false, false, false, false, true]);
    let err = fit.conf_int(0.95).unwrap_err();
    assert!(
        matches!(
            err,
            oncostat::Error::MoreCoefficientsThanRows {
                coefficients: 5,
                rows: 4,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("[\"d\"]"), "{err}");
    let text: String = rows
        .iter()
        .map(|r| r.map(|v| v.to_string()).join(","))
        .collect::<Vec<_>>()
        .join("\n");
    let file = path_str(&write("p_gt_n_4.csv", &format!("y,a,b,c,d\n{text}\n")));
    let json = analyze_json(&[
        "logistic",
        "--response",
        "y",
        "--covariates",
        "a,b,c,d",
        &file,
    ]);
    for c in json["coefficients"].as_array().expect("coefficients") {
        assert!(c["lower"].is_null() && c["upper"].is_null(), "{c}");
    }
    assert!(coefficient(&json, "d")["coef"].is_null());
}

/// One data row: KM is one step, log-rank has one group (an error naming it), Cox and
/// logistic answer with flags or a named error, never NaN.
#[test]
fn a_single_row() {
    let file = path_str(&write("one_row.csv", "t,e,x,g\n5,1,2,a\n"));
    let json = analyze_json(&["km", "--time", "t", "--event", "e", &file]);
    let g = &json["groups"][0];
    assert_eq!(g["n"], 1);
    close(f(&g["median"]), 5.0, 0.0, "median");
    text_ok(&["km", "--time", "t", "--event", "e", &file]);
    let line = error_line(
        &[
            "logrank", "--time", "t", "--event", "e", "--group", "g", &file,
        ],
        &file,
    );
    assert!(line.contains("too few groups"), "{line}");
    let cox = analyze(&[
        "cox",
        "--time",
        "t",
        "--event",
        "e",
        "--covariates",
        "x",
        &file,
    ]);
    if cox.code == 0 {
        assert!(!cox.stdout.contains("NaN"), "{}", cox.stdout);
    } else {
        error_line(
            &[
                "cox",
                "--time",
                "t",
                "--event",
                "e",
                "--covariates",
                "x",
                &file,
            ],
            &file,
        );
    }
    let line = error_line(
        &["logistic", "--response", "e", "--covariates", "x", &file],
        &file,
    );
    assert!(line.contains("no events"), "{line}");
    // survreg on one row (third audit): R's fit (scale 0, every parameter aliased) printed
    // `Log(scale) -Inf 0 -Inf < 2e-16`; an aliased log scale is NA as an aliased
    // coefficient is, in the text and the JSON
    let args = ["survreg", "--time", "t", "--event", "e", &file];
    let text = text_ok(&args);
    let row = text
        .lines()
        .find(|l| l.starts_with("Log(scale)"))
        .expect("Log(scale) row");
    assert!(!row.contains("Inf") && !row.contains("e-16"), "{row}");
    let json = analyze_json(&args);
    let scale = coefficient(&json, "Log(scale)");
    assert_eq!(scale["aliased"], true);
    assert!(scale["coef"].is_null() && scale["p"].is_null(), "{scale}");
}

/// Log-rank with one-row strata: R's survdiff answers when every group still meets another
/// group in some stratum (the one-row stratum adds nothing) and stops ("system is exactly
/// singular") when a group never does; the error names that group and says what to do.
#[test]
fn one_row_strata() {
    fn strata(file: &str) -> [&str; 10] {
        [
            "logrank", "--time", "t", "--event", "s", "--group", "g", "--strata", "st", file,
        ]
    }

    // stratum y holds one row: the test equals the test without it (R: chisq 0.0739 on 1 df)
    let ok = path_str(&write(
        "strata_ok.csv",
        "t,s,g,st\n1,1,a,x\n2,1,b,x\n3,0,a,x\n4,1,b,x\n5,1,a,x\n6,1,b,x\n7,1,a,y\n",
    ));
    let with = analyze_json(&strata(ok.as_str()));
    close(
        f(&with["chisq"]),
        0.07386,
        1e-3,
        "one-row stratum chisq (R 0.0739)",
    );
    text_ok(&strata(ok.as_str()));
    // group c only in a one-row stratum: R's survdiff fails, so do we, naming c
    let bad = path_str(&write(
        "strata_bad.csv",
        "t,s,g,st\n1,1,a,1\n2,1,b,1\n3,0,a,1\n4,1,b,1\n5,1,c,2\n",
    ));
    let line = error_line(&strata(bad.as_str()), &bad);
    assert!(
        line.contains("group `c`") && line.contains("strata `st`"),
        "{line}"
    );
    assert!(line.contains("use fewer strata"), "{line}");
    // every stratum one row
    let all = path_str(&write(
        "strata_all.csv",
        "t,s,g,st\n1,1,a,1\n2,1,b,2\n3,0,a,3\n4,1,b,4\n",
    ));
    let line = error_line(&strata(all.as_str()), &all);
    assert!(line.contains("groups `a`, `b`"), "{line}");
}

/// Exit status and peak resident memory (kB, the kernel's `ru_maxrss` as GNU `time`
/// reports it) of `bin args file`; `None` where `/usr/bin/time` is missing (not measurable
/// there).
fn peak_kb(bin: &Path, args: &[&str], file: &Path) -> Option<(i32, u64)> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let out = dir().join(format!(
        "maxrss-{}.txt",
        file.file_name()?.to_string_lossy()
    ));
    let status = Command::new(time)
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&out)
        .arg(bin)
        .args(args)
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    let text = std::fs::read_to_string(&out).ok()?;
    let kb = text.lines().last()?.trim().parse::<u64>().ok()?;
    Some((status.code().unwrap_or(-1), kb))
}

/// The peak memory (kB) `args` on `big` needs beyond `args` on `small`, and `big`'s size in
/// kB; `None` where it is not measurable. Both runs must exit with `code`.
fn extra_memory_kb(args: &[&str], small: &Path, big: &Path, code: i32) -> Option<(u64, u64)> {
    let bin = example_bin("analyze");
    let (Some((c0, base)), Some((c1, peak))) =
        (peak_kb(&bin, args, small), peak_kb(&bin, args, big))
    else {
        return None; // not measurable here
    };
    assert_eq!((c0, c1), (code, code), "{args:?}");
    let file_kb = std::fs::metadata(big).expect("size").len() / 1024;
    Some((peak.saturating_sub(base), file_kb))
}

/// 100,000 rows tied at one time: KM is one step to 1 − d/n (Greenwood se closed form),
/// the log-rank and Cox fit without NaN, in memory within twice the file.
#[test]
fn a_hundred_thousand_rows_tied_at_one_time() {
    let n = 100_000usize;
    let mut text = String::from("t,e,x,g\n");
    let mut deaths = 0usize;
    for i in 0..n {
        let e = usize::from(i % 4 != 0);
        deaths += e;
        text.push_str(&format!(
            "7,{e},{},{}\n",
            i % 10,
            if i % 2 == 0 { "a" } else { "b" }
        ));
    }
    let big = write("tied_1e5.csv", &text);
    let fs = path_str(&big);
    let json = analyze_json(&["km", "--time", "t", "--event", "e", "--at", "7", &fs]);
    let at = &json["groups"][0]["surv_at"][0];
    let s = 1.0 - deaths as f64 / n as f64;
    close(f(&at["surv"]), s, 1e-12, "S(7)");
    // Greenwood: se(S) = S·sqrt(d / (n (n − d)))
    let se = s * (deaths as f64 / (n as f64 * (n - deaths) as f64)).sqrt();
    close(f(&at["se"]), se, 1e-9, "se S(7)");
    text_ok(&["km", "--time", "t", "--event", "e", &fs]);
    text_ok(&[
        "logrank", "--time", "t", "--event", "e", "--group", "g", &fs,
    ]);
    let cox = analyze_json(&[
        "cox",
        "--time",
        "t",
        "--event",
        "e",
        "--covariates",
        "x",
        &fs,
    ]);
    assert!(cox["converged"].is_boolean(), "{cox}");
    text_ok(&[
        "cox",
        "--time",
        "t",
        "--event",
        "e",
        "--covariates",
        "x",
        &fs,
    ]);
    // memory: the file has 8-byte rows, the typed table holds three numbers and a label per
    // row, so the bound is twice the file plus 128 bytes per row (measured: ~94 bytes per
    // row, docs/robustness.md), linear in the rows
    let small = write(
        "tied_10.csv",
        &text.lines().take(11).collect::<Vec<_>>().join("\n"),
    );
    if let Some((extra, file_kb)) =
        extra_memory_kb(&["km", "--time", "t", "--event", "e"], &small, &big, 0)
    {
        let bound = 2 * file_kb + 128 * n as u64 / 1024;
        assert!(
            extra <= bound,
            "km on {n} tied rows: {extra} kB more than on 10 rows (bound {bound} kB)"
        );
    }
    std::fs::remove_file(&big).ok();
}

/// A cohort file of realistic rows (the 200 MB file of BENCHMARKS.md "CSV ingestion", at
/// 8 MB: `csv_ingest write`, nine columns, 1 % NA): `analyze km`, `logrank --group arm` and
/// `logistic` (ML, profile CIs; and `--firth`) need at most twice the file beyond the same
/// command on 10 rows (the 200 MB file took 4.5 GB, 22×). The other commands are
/// measured in docs/robustness.md.
#[test]
fn a_cohort_file_within_twice_its_size() {
    let big = dir().join("cohort8.csv");
    let out = Command::new(example_bin("csv_ingest"))
        .arg("write")
        .arg(&big)
        .arg("8")
        .output()
        .expect("run csv_ingest");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&big).expect("cohort");
    let small = write(
        "cohort8_10.csv",
        &text.lines().take(11).collect::<Vec<_>>().join("\n"),
    );
    drop(text);
    let survival = ["--time", "time", "--event", "status"];
    for args in [
        [&["km"][..], &survival].concat(),
        [&["logrank"][..], &survival, &["--group", "arm"]].concat(),
        vec![
            "logistic",
            "--response",
            "status",
            "--covariates",
            "age,ecog,weight",
        ],
        // 14,008-14,272 kB beyond 10 rows (1.79-1.83x the file, issue 19); analyze cox
        // (2.05x) and cox --strata arm (2.33x) are above and not asserted here
        vec![
            "logistic",
            "--response",
            "status",
            "--covariates",
            "age,ecog,weight",
            "--firth",
        ],
    ] {
        if let Some((extra, file_kb)) = extra_memory_kb(&args, &small, &big, 0) {
            assert!(
                extra <= 2 * file_kb,
                "{args:?} on the cohort file: {extra} kB more than on 10 rows, file {file_kb} kB"
            );
        }
    }
    std::fs::remove_file(&big).ok();
}

/// 30,000 groups (an id column as the log-rank group): a named error, not a 7 GB matrix.
#[test]
fn thirty_thousand_group_log_rank() {
    let mut text = String::from("t,e,id\n");
    for i in 0..30_000 {
        text.push_str(&format!("{},{},p{i}\n", 1 + i % 97, u8::from(i % 3 != 0)));
    }
    let big = write("groups_3e4.csv", &text);
    let fs = path_str(&big);
    let line = error_line(
        &[
            "logrank", "--time", "t", "--event", "e", "--group", "id", &fs,
        ],
        &fs,
    );
    assert!(
        line.contains("column `id`") && line.contains("30000 distinct groups"),
        "{line}"
    );
    // memory: bounded (R builds a 30,000 × 30,000 matrix, 7.2 GB); measured ~9 MB beyond
    // the same command on 10 rows, docs/robustness.md
    let small = write(
        "groups_10.csv",
        &text.lines().take(11).collect::<Vec<_>>().join("\n"),
    );
    // (10 ids are a valid comparison: exit 0 there, 2 here)
    let bin = example_bin("analyze");
    let args = ["logrank", "--time", "t", "--event", "e", "--group", "id"];
    if let (Some((0, base)), Some((2, peak))) =
        (peak_kb(&bin, &args, &small), peak_kb(&bin, &args, &big))
    {
        assert!(
            peak.saturating_sub(base) <= 64 * 1024,
            "{peak} kB vs {base} kB"
        );
    }
    std::fs::remove_file(&big).ok();
}

/// 30,000 strata where each stratum costs a parameter or a curve (third audit): survreg's
/// one scale per stratum ran for more than 2 minutes towards a 30,001² information matrix,
/// Fine–Gray's censoring groups took 7.3 GB (a groups × rows table) and 50 s; now a named
/// error above 1,000, within 64 MB of the same command on 10 rows. (Cox, Kaplan–Meier and
/// log-rank strata stay uncapped: linear in the strata.)
#[test]
fn thirty_thousand_strata_in_survreg_and_fine_gray() {
    let mut text = String::from("t,e,c,x,id\n");
    for i in 0..30_000 {
        let e = u8::from(i % 3 != 0);
        text.push_str(&format!(
            "{},{e},{},{},p{i}\n",
            1 + i % 97,
            e * (1 + (i % 2) as u8),
            i % 7
        ));
    }
    let big = write("strata_3e4.csv", &text);
    let small = write(
        "strata_10.csv",
        &text.lines().take(11).collect::<Vec<_>>().join("\n"),
    );
    let fs = path_str(&big);
    let bin = example_bin("analyze");
    let cases: [(&[&str], &str); 2] = [
        (
            &[
                "survreg",
                "--time",
                "t",
                "--event",
                "e",
                "--covariates",
                "x",
                "--strata",
                "id",
            ],
            "too many strata: 30000",
        ),
        (
            &[
                "finegray",
                "--time",
                "t",
                "--status",
                "c",
                "--cause",
                "1",
                "--covariates",
                "x",
                "--cengroup",
                "id",
            ],
            "too many censoring groups: 30000",
        ),
    ];
    for (args, needle) in cases {
        let mut all = args.to_vec();
        all.push(&fs);
        let line = error_line(&all, &fs);
        assert!(
            line.contains("column `id`") && line.contains(needle),
            "{line}"
        );
        if let (Some((_, base)), Some((2, peak))) =
            (peak_kb(&bin, args, &small), peak_kb(&bin, args, &big))
        {
            assert!(
                peak.saturating_sub(base) <= 64 * 1024,
                "{args:?}: {peak} kB vs {base} kB"
            );
        }
    }
    // the formula's strata() too
    let line = error_line(
        &["survreg", "--formula", "Surv(t, e) ~ x + strata(id)", &fs],
        &fs,
    );
    assert!(line.contains("too many strata: 30000"), "{line}");
    std::fs::remove_file(&big).ok();
}

/// A 100,000-column header (answered, linear duplicate check) and a 5-million-digit cell
/// (cut in the message), each within twice the file in memory.
#[test]
fn wide_header_and_huge_cell() {
    let mut header: Vec<String> = (0..100_000).map(|j| format!("c{j}")).collect();
    header[0] = "t".into();
    header[1] = "e".into();
    let row: Vec<&str> = (0..100_000)
        .map(|j| if j == 1 { "1" } else { "2" })
        .collect();
    let wide = write(
        "wide.csv",
        &format!(
            "{}\n{}\n{}\n",
            header.join(","),
            row.join(","),
            row.join(",")
        ),
    );
    let json = analyze_json(&["km", "--time", "t", "--event", "e", &path_str(&wide)]);
    assert_eq!(json["groups"][0]["n"], 2);
    // the same name twice, far apart
    header[99_999] = "c5".into();
    let dup = write(
        "wide_dup.csv",
        &format!("{}\n{}\n", header.join(","), row.join(",")),
    );
    let line = error_line(
        &["km", "--time", "t", "--event", "e", &path_str(&dup)],
        &path_str(&dup),
    );
    assert!(line.contains("`c5`") && line.contains("twice"), "{line}");

    let digits = "9".repeat(5_000_000);
    let huge = write("huge_cell.csv", &format!("t,e\n1,1\n{digits},1\n"));
    let fs = path_str(&huge);
    let line = error_line(&["km", "--time", "t", "--event", "e", &fs], &fs);
    assert!(line.contains("row 2"), "{line}");
    let small = write("huge_cell_small.csv", "t,e\n1,1\n1e999,1\n");
    if let Some((extra, file_kb)) =
        extra_memory_kb(&["km", "--time", "t", "--event", "e"], &small, &huge, 2)
    {
        assert!(
            extra <= 2 * file_kb,
            "5-million-digit cell: {extra} kB more than a short one, file {file_kb} kB"
        );
    }
    for file in [wide, dup, huge] {
        std::fs::remove_file(file).ok();
    }
}

/// `/dev/zero` (endless, not a regular file) is refused at once.
#[test]
fn dev_zero_is_refused() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    let line = error_line(
        &["km", "--time", "t", "--event", "e", "/dev/zero"],
        "/dev/zero",
    );
    assert!(
        line.contains("not a regular file") || line.contains("regular"),
        "{line}"
    );
}

// ---------------------------------------------------------------- reproduce_cohort, iRECIST

fn cohort(patients: &Path, lesions: &Path) -> (i32, String, String) {
    let out = Command::new(example_bin("reproduce_cohort"))
        .arg("--patients")
        .arg(patients)
        .arg("--lesions")
        .arg(lesions)
        .output()
        .expect("run reproduce_cohort");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn example_data(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/data")
            .join(name),
    )
    .expect("example data")
}

/// `reproduce_cohort`: a negative age and lesion rows of a patient who is not in the patient
/// file are errors naming the file, row and patient.
#[test]
fn reproduce_cohort_validates_its_files() {
    let patients = example_data("patients.csv");
    let lesions = example_data("lesions.csv");
    let first = patients.lines().nth(1).expect("a patient");
    let (id, rest) = first.split_once(',').expect("id");
    let age_end = rest.find(',').expect("age");
    let negative = patients.replacen(first, &format!("{id},-{}", rest), 1);
    assert!(rest[..age_end].parse::<f64>().is_ok());
    let p_neg = write("patients_negative_age.csv", &negative);
    let p_ok = write("patients.csv", &patients);
    let l_ok = write("lesions.csv", &lesions);
    let (code, stdout, stderr) = cohort(&p_neg, &l_ok);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("row 1") && stderr.contains(id) && stderr.contains("age"),
        "{stderr}"
    );

    let unknown = write(
        "lesions_unknown.csv",
        &format!("{lesions}ZZ999,L1,0,lung,target,false,false,20\n"),
    );
    let (code, _, stderr) = cohort(&p_ok, &unknown);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("ZZ999") && stderr.contains("not in the patient file"),
        "{stderr}"
    );
}

/// iRECIST lesion files: a bad day or a visit rule names the row, patient, lesion and the
/// day in question (never "day 0" for a later visit).
#[test]
fn irecist_errors_name_the_day() {
    let lesions = example_data("lesions.csv");
    let row = lesions.lines().count(); // the appended row's 1-based data row
    let cases = [
        (
            "P001,RT1,48,peritoneum,target,false,true,30",
            "day 48",
            "two rows",
        ),
        (
            "P001,X9,48,liver,target,false,false,30",
            "day 48",
            "no baseline",
        ),
        (
            "P001,RT1,-5,peritoneum,target,false,true,30",
            "`-5`",
            "whole number",
        ),
        (
            "P001,RT1,1.5,peritoneum,target,false,true,30",
            "`1.5`",
            "whole number",
        ),
    ];
    for (i, (extra, day, rule)) in cases.iter().enumerate() {
        let file = write(&format!("lesions_{i}.csv"), &format!("{lesions}{extra}\n"));
        let fs = path_str(&file);
        let line = error_line(&["irecist", &fs], &fs);
        assert!(line.contains(&format!("row {row}")), "{line}");
        assert!(line.contains(day) && line.contains(rule), "{line}");
    }
}

/// A hostile command line: 50,000 nested parentheses in a formula (a recursive parser
/// without a bound overflows its stack: exit 134, no message), a formula that multiplies out
/// to 16,384 terms, and 100,000-character column names, option values, options and
/// commands. Each gets one short `error: ` line (the long value cut to 60 characters and
/// its length) and exit status 2; times of 1e-300 print as `1e-300`, not 300 digits.
#[test]
fn long_tokens_and_deep_formulas() {
    let file = write(
        "deep.csv",
        "time,status,x,g\n1,1,0.5,a\n2,0,1.5,b\n3,1,0.2,a\n4,1,2.5,b\n5,0,1.1,a\n6,1,0.7,b\n",
    );
    let file = path_str(&file);
    let long = "q".repeat(100_000);
    let deep = format!(
        "Surv(time, status) ~ {}x{}",
        "(".repeat(50_000),
        ")".repeat(50_000)
    );
    let factors: Vec<String> = (0..14).map(|k| format!("x{k}")).collect();
    let wide = format!("Surv(time, status) ~ {}", factors.join("*"));
    let named = format!("Surv(time, status) ~ x + {long}");
    let called = format!("Surv(time, status) ~ {long}(x)");
    let unknown_option = format!("--{long}");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["cox", "--formula", &deep], "nested more than 200 deep"),
        (
            vec!["survreg", "--formula", &deep],
            "nested more than 200 deep",
        ),
        (vec!["cox", "--formula", &wide], "more than 10000 terms"),
        (vec!["cox", "--formula", &named], "(100000 characters)"),
        (vec!["cox", "--formula", &called], "(100000 characters)"),
        (
            vec![
                "cox",
                "--time",
                "time",
                "--event",
                "status",
                "--covariates",
                &long,
            ],
            "(100000 characters)",
        ),
        (
            vec!["km", "--time", "time", "--event", "status", "--at", &long],
            "(100000 characters)",
        ),
        (
            vec![
                "km", "--time", "time", "--event", "status", "--group", &long,
            ],
            "(100000 characters)",
        ),
        (vec!["km", &unknown_option, "1"], "(100002 characters)"),
        (vec![&long], "(100000 characters)"),
    ];
    for (args, phrase) in cases {
        let mut all = args.clone();
        all.push(&file);
        let run = analyze(&all);
        let what = &all[0];
        assert_eq!(
            run.code,
            2,
            "{what}: exit {} ({})",
            run.code,
            &run.stderr[..run.stderr.len().min(300)]
        );
        assert!(run.stdout.is_empty(), "{what}: stdout");
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{what}: {} lines", lines.len());
        assert!(lines[0].starts_with("error: "), "{}", lines[0]);
        assert!(
            lines[0].chars().count() <= 600,
            "{what}: {} chars",
            lines[0].len()
        );
        assert!(
            lines[0].contains(phrase),
            "{what}: {} lacks {phrase}",
            lines[0]
        );
    }
    let out = text_ok(&[
        "km", "--time", "time", "--event", "status", "--at", "1e-300,2", &file,
    ]);
    assert!(out.contains(" 1e-300 "), "{out}");
    let out = text_ok(&[
        "km",
        "--time",
        "time",
        "--event",
        "status",
        "--landmark",
        "1e-300",
        "--landmark-group",
        "x",
        &file,
    ]);
    assert!(out.contains("Landmark at 1e-300:"), "{out}");
}
