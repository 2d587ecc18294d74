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

/// The options of each command in the analyze contract (../shared/docs/analyze-example.md:
/// the first round's table and the second round's sections; more may be added).
const CONTRACT: &[(&str, &[&str])] = &[
    (
        "cox",
        &[
            "--time",
            "--event",
            "--covariates",
            "--start",
            "--strata",
            "--weights",
            "--cluster",
            "--ties",
            "--robust",
            "--zph",
            "--firth",
            "--formula",
            "--reference",
            "--tdc",
            "--landmark",
            "--landmark-group",
            "--threads",
            "--json",
        ],
    ),
    (
        "km",
        &[
            "--time",
            "--event",
            "--group",
            "--at",
            "--conf-type",
            "--reverse",
            "--landmark",
            "--landmark-group",
            "--json",
        ],
    ),
    (
        "logrank",
        &[
            "--time",
            "--event",
            "--group",
            "--strata",
            "--rho",
            "--fh",
            "--maxcombo",
            "--landmark",
            "--landmark-group",
            "--json",
        ],
    ),
    (
        "logistic",
        &[
            "--response",
            "--covariates",
            "--formula",
            "--reference",
            "--firth",
            "--ci",
            "--threads",
            "--json",
        ],
    ),
    (
        "irecist",
        &[
            "--min-sd-days",
            "--confirm",
            "--confirm-days",
            "--criteria",
            // every other IrecistRules setting
            "--window-tolerance-days",
            "--confirm-late-days",
            "--sticky-pr",
            "--sticky-pr-after-iupd",
            "--nlt-progression-needs-5mm",
            "--new-lesion-reset",
            "--cr-before-pd",
            "--icpd-from-first-iupd",
            "--early-scan-new-lesions-confirm",
            "--early-scan-symptom-only",
            "--nt-size-increase-confirms",
            "--partial-sum-reference",
            "--reappearance-needs-confirmed-cr",
            "--backdate-equivocal",
            "--non-target-only-nil",
            "--json",
        ],
    ),
    (
        "endpoints",
        &[
            "--lesions",
            "--patients",
            "--group",
            "--criteria",
            "--confirm",
            "--interval-days",
            "--json",
        ],
    ),
    (
        "survreg",
        &[
            "--time",
            "--event",
            "--covariates",
            "--formula",
            "--reference",
            "--dist",
            "--strata",
            "--json",
        ],
    ),
    ("rmst", &["--time", "--event", "--group", "--tau", "--json"]),
    ("cif", &["--time", "--status", "--group", "--at", "--json"]),
    (
        "finegray",
        &["--time", "--status", "--cause", "--covariates", "--json"],
    ),
    ("proportion", &["--response", "--group", "--json"]),
];

/// The option lines of a help text: `--name`, and whether its description is on that line.
fn option_lines(help: &str) -> Vec<(String, bool)> {
    help.lines()
        .filter_map(|l| {
            let t = l.trim_start();
            let t = t.strip_prefix("-h, ").unwrap_or(t);
            let name = t.strip_prefix("--")?.split([' ', '=']).next()?;
            // `--time <COL>  Column of ...`: text after the option and its value name
            let described = t.split("  ").filter(|s| !s.trim().is_empty()).count() >= 2;
            Some((format!("--{name}"), described))
        })
        .collect()
}

#[test]
fn help_lists_every_command_and_option_one_line_each() {
    let run = analyze(&["--help"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    for (command, _) in CONTRACT {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{command} "))),
            "`analyze --help` does not list `{command}`:\n{}",
            run.stdout
        );
    }
    // every command the tool lists (those added later too) documents its options one line each
    let listed: Vec<String> = run
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(listed.len() >= CONTRACT.len(), "{listed:?}");
    for command in &listed {
        let options = CONTRACT
            .iter()
            .find(|(c, _)| c == command)
            .map_or(&[][..], |(_, o)| *o);
        let run = analyze(&[command, "--help"]);
        assert_eq!(run.code, 0, "{command} --help: {}", run.stderr);
        assert!(run.stderr.is_empty(), "{}", run.stderr);
        let lines = option_lines(&run.stdout);
        for option in options {
            assert!(
                lines.iter().any(|(name, _)| name == option),
                "`analyze {command} --help` does not list {option}:\n{}",
                run.stdout
            );
        }
        for (name, described) in &lines {
            assert!(
                described,
                "`analyze {command} --help`: {name} has no one-line description:\n{}",
                run.stdout
            );
        }
        // one line per option: nothing but option lines, headings and the usage
        let continuation = run
            .stdout
            .lines()
            .find(|l| l.starts_with("          ") && !l.trim_start().starts_with('-'));
        assert!(
            continuation.is_none(),
            "`analyze {command} --help` wraps a description: {continuation:?}"
        );
    }
}

#[test]
fn typos_get_a_suggestion() {
    let lung = data("lung.csv");
    let lung = lung.to_str().expect("utf8 path");
    let base = [
        "cox",
        "--time",
        "time",
        "--event",
        "status",
        "--covariates",
        "age",
    ];
    let mut args = base.to_vec();
    args.extend(["--tiez", "breslow", lung]);
    assert_usage_error(
        &args,
        "unknown option --tiez for command `cox` (did you mean --ties?)",
    );
    let mut args = base.to_vec();
    args.extend(["--ties", "breslo", lung]);
    assert_usage_error(&args, "(did you mean `breslow`?)");
    assert_usage_error(&["kmm", lung], "unknown command `kmm` (did you mean `km`?)");
}

#[test]
fn text_output_counts_the_dropped_rows() {
    // lung_full.csv: 228 rows, ph_ecog missing in 1, wt_loss in 14; R's
    // sum(complete.cases(lung[, c("time", "status", "ph.ecog", "wt.loss")])) is 213
    let lung = data("lung_full.csv");
    let lung = lung.to_str().expect("utf8 path");
    let run = analyze(&[
        "cox",
        "--time",
        "time",
        "--event",
        "status",
        "--covariates",
        "ph_ecog,wt_loss",
        lung,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("n = 213 rows used; 15 rows dropped for missing values"),
        "{}",
        run.stdout
    );
    let run = analyze(&["km", "--time", "time", "--event", "status", lung]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("n = 228 rows used; 0 rows dropped for missing values"),
        "{}",
        run.stdout
    );
}
