//! `analyze irecist` on lesion files under `tests/data/irecist/`, compared with the expected
//! JSON (hand-derived from the worked cases of `irecist.md` §5), and its error handling.

mod common;

use common::{analyze, analyze_json, assert_json_close, data, json};

fn path(name: &str) -> String {
    data(&format!("irecist/{name}"))
        .to_str()
        .expect("utf8 path")
        .to_string()
}

fn check(expected: &str, args: &[&str]) {
    let exp = json(&format!("irecist/{expected}"));
    let tol = exp["tolerance"].as_f64().expect("tolerance");
    let out = analyze_json(args);
    assert_eq!(out["dropped"], exp["dropped"], "dropped rows");
    assert!(out["fit_seconds"].as_f64().is_some_and(|s| s >= 0.0));
    assert_json_close(&out, &exp, tol, "", &["tolerance", "provenance"]);
}

#[test]
fn worked_cases() {
    check("cases.json", &["irecist", &path("cases.csv")]);
}

#[test]
fn a07_min_sd_days_option() {
    check("a07_min42.json", &["irecist", &path("a07.csv")]);
    check(
        "a07_min28.json",
        &["irecist", "--min-sd-days", "28", &path("a07.csv")],
    );
}

#[test]
fn table_output_lists_every_visit() {
    let run = analyze(&["irecist", &path("cases.csv")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Patient I09"));
    assert!(run.stdout.contains("iBOR: iPR"));
    assert!(run.stdout.contains("scenario F"));
}

fn temp_csv(name: &str, body: &str) -> String {
    let dir = std::env::temp_dir().join(format!("oncostat-irecist-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(name);
    let header = "patient,lesion,day,organ,kind,node,irradiated,measure\n";
    std::fs::write(&p, format!("{header}{body}")).expect("write csv");
    p.to_str().expect("utf8").to_string()
}

fn assert_error(name: &str, body: &str, needles: &[&str]) {
    let file = temp_csv(name, body);
    let run = analyze(&["irecist", "--json", &file]);
    assert_eq!(run.code, 2, "{name}: {}", run.stderr);
    assert!(run.stdout.is_empty(), "{name}: {}", run.stdout);
    let line = run.stderr.trim_end();
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.starts_with("error: "), "{line}");
    for needle in needles {
        assert!(line.contains(needle), "{name}: `{line}` lacks `{needle}`");
    }
}

#[test]
fn bad_lesion_files() {
    assert_error(
        "kind.csv",
        "P1,L1,0,liver,target,false,false,20\nP1,L2,56,bone,metastasis,false,false,present\n",
        &["row 2", "P1", "L2", "day 56", "unknown lesion kind"],
    );
    assert_error(
        "negative.csv",
        "P1,L1,0,liver,target,false,false,20\nP1,L1,56,liver,target,false,false,-3\n",
        &["row 2", "L1", "day 56", "negative"],
    );
    assert_error(
        "duplicate.csv",
        "P1,L1,0,liver,target,false,false,20\nP1,L1,0,liver,target,false,false,21\n",
        &["P1", "L1", "day 0", "same lesion and visit"],
    );
    assert_error(
        "small.csv",
        "P2,L1,0,liver,target,false,false,8\n",
        &["P2", "L1", "day 0", ">= 10 mm"],
    );
    let six: String = (1..=6)
        .map(|k| format!("P3,T{k},0,organ{k},target,false,false,20\n"))
        .collect();
    assert_error("six.csv", &six, &["P3", "T6", "day 0", "at most 5"]);
}

#[test]
fn bad_min_sd_days() {
    let run = analyze(&["irecist", "--min-sd-days", "-1", &path("a07.csv")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--min-sd-days"), "{}", run.stderr);
}
