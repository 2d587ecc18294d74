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

// ------------------------------------------------------------------ second round

fn patient<'a>(out: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    out["patients"]
        .as_array()
        .expect("patients")
        .iter()
        .find(|p| p["patient"] == id)
        .unwrap_or_else(|| panic!("patient {id}"))
}

fn responses(p: &serde_json::Value) -> Vec<serde_json::Value> {
    p["visits"]
        .as_array()
        .expect("visits")
        .iter()
        .map(|v| v["response"].clone())
        .collect()
}

/// Extended lesion file: WG codes, equivocal back-dating, scan reason, laterality (hand-derived
/// expectations, `irecist.md` §2 and the lesion-file contract).
#[test]
fn round2_lesion_file() {
    let out = analyze_json(&["irecist", &path("round2.csv")]);
    assert_eq!(out["dropped"], 0, "empty optional cells never drop a row");
    // Non-target-driven iUPD ends when the non-target is `present` again (S5).
    assert_eq!(
        responses(patient(&out, "NTCODE")),
        [
            serde_json::json!("baseline"),
            serde_json::json!("iUPD"),
            serde_json::json!("iPR")
        ]
    );
    // Equivocal at d56, unequivocal at d112: progression back-dated, visit marked revised.
    let eq = patient(&out, "EQUIV");
    assert_eq!(
        responses(eq),
        [
            serde_json::json!("baseline"),
            serde_json::json!("iUPD"),
            serde_json::json!("iUPD")
        ]
    );
    assert_eq!(eq["visits"][1]["revised"], true);
    assert_eq!(eq["visits"][2]["revised"], false);
    // A scan 14 days after iUPD is disregarded: response null; d112 confirms (+6 mm vs 125).
    let early = patient(&out, "EARLY");
    assert_eq!(
        responses(early),
        [
            serde_json::json!("baseline"),
            serde_json::json!("iUPD"),
            serde_json::json!(null),
            serde_json::json!("iCPD")
        ]
    );
    assert_eq!(early["visits"][2]["disregarded"], true);
    assert_eq!(early["visits"][2]["scan"], "unscheduled");
    assert_eq!(early["visits"][3]["target_reference"], 125.0);
    assert_eq!(early["progression_day"], 56);
    // Paired organs: the third lung lesion is a new non-target; +4 mm confirms iCPD.
    let lungs = patient(&out, "LUNGS");
    assert_eq!(
        responses(lungs),
        [
            serde_json::json!("baseline"),
            serde_json::json!("iUPD"),
            serde_json::json!("iCPD")
        ]
    );
    assert_eq!(lungs["visits"][1]["new_target_sum"], 35.0);
    // A symptom scan 14 days after iUPD with a new lesion confirms iCPD.
    assert_eq!(
        responses(patient(&out, "SYMPT")),
        [
            serde_json::json!("baseline"),
            serde_json::json!("iUPD"),
            serde_json::json!("iCPD")
        ]
    );
    // Without confirmation, PR then PD: iBOR iPR.
    assert_eq!(patient(&out, "CONF")["best_overall_response"], "iPR");
}

/// `--confirm`, `--confirm-days`, `--criteria recist` (S1 Table 3: PR then PD, SD duration met
/// → SD).
#[test]
fn round2_confirmation_and_criteria_options() {
    let out = analyze_json(&["irecist", "--confirm", &path("round2.csv")]);
    assert_eq!(patient(&out, "CONF")["best_overall_response"], "iSD");
    assert_eq!(patient(&out, "CONF")["recist_best_overall_response"], "SD");
    let out = analyze_json(&["irecist", "--criteria", "recist", &path("round2.csv")]);
    assert_eq!(out["criteria"], "recist");
    let early = patient(&out, "EARLY");
    assert_eq!(
        responses(early),
        [
            serde_json::json!("baseline"),
            serde_json::json!("PD"),
            serde_json::json!("PD"),
            serde_json::json!("PD")
        ]
    );
    assert_eq!(early["progression_day"], 56);
    assert_eq!(patient(&out, "CONF")["best_overall_response"], "PR");
    // With confirmation windows of 60 days the PR at d56 is not confirmed either way.
    let out = analyze_json(&[
        "irecist",
        "--confirm",
        "--confirm-days",
        "60",
        "--criteria",
        "recist",
        &path("round2.csv"),
    ]);
    assert_eq!(patient(&out, "CONF")["best_overall_response"], "SD");
}

/// Every `IrecistRules` setting is an option, and the rule options change the calls they
/// govern.
#[test]
fn round2_every_rule_option() {
    let out = analyze_json(&[
        "irecist",
        "--min-sd-days",
        "42",
        "--window-tolerance-days",
        "2",
        "--confirm-late-days",
        "56",
        "--sticky-pr",
        "true",
        "--sticky-pr-after-iupd",
        "false",
        "--nlt-progression-needs-5mm",
        "true",
        "--new-lesion-reset",
        "shrinkage-to-pr",
        "--cr-before-pd",
        "true",
        "--icpd-from-first-iupd",
        "true",
        "--early-scan-new-lesions-confirm",
        "true",
        "--early-scan-symptom-only",
        "true",
        "--nt-size-increase-confirms",
        "false",
        "--partial-sum-reference",
        "true",
        "--reappearance-needs-confirmed-cr",
        "true",
        "--backdate-equivocal",
        "true",
        "--non-target-only-nil",
        "not-evaluable",
        &path("round2.csv"),
    ]);
    let defaults = analyze_json(&["irecist", &path("round2.csv")]);
    assert_eq!(out["patients"], defaults["patients"], "explicit defaults");
    let out = analyze_json(&[
        "irecist",
        "--backdate-equivocal",
        "false",
        &path("round2.csv"),
    ]);
    assert_eq!(
        responses(patient(&out, "EQUIV")),
        [
            serde_json::json!("baseline"),
            serde_json::json!("iSD"),
            serde_json::json!("iUPD")
        ]
    );
    let out = analyze_json(&[
        "irecist",
        "--early-scan-symptom-only",
        "false",
        &path("round2.csv"),
    ]);
    assert_eq!(patient(&out, "EARLY")["visits"][2]["disregarded"], true);
    let run = analyze(&[
        "irecist",
        "--new-lesion-reset",
        "sometimes",
        &path("round2.csv"),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("shrinkage-to-pr"), "{}", run.stderr);
}

fn temp_csv_with(name: &str, header: &str, body: &str) -> String {
    let dir = std::env::temp_dir().join(format!("oncostat-irecist2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(name);
    std::fs::write(&p, format!("{header}\n{body}")).expect("write csv");
    p.to_str().expect("utf8").to_string()
}

#[test]
fn round2_bad_lesion_files() {
    let header = "patient,lesion,day,organ,kind,node,irradiated,measure,laterality,scan";
    let cases = [
        (
            "scan.csv",
            "P1,L1,0,liver,target,false,false,20,,\nP1,L2,0,lung,target,false,false,20,,\nP1,L1,56,liver,target,false,false,20,,symptom\nP1,L2,56,lung,target,false,false,20,,\n",
            &["row 4", "L2", "day 56", "belongs to the visit"][..],
        ),
        (
            "node.csv",
            "P1,L1,0,liver,target,false,false,20,,\nP1,N1,0,mediastinum,nontarget,true,false,8,,\n",
            &["row 2", "N1", "day 0", "normal"][..],
        ),
        (
            "tiny.csv",
            "P1,L1,0,liver,target,false,false,20,,\nP1,L1,56,liver,target,false,false,0.04,,\n",
            &["row 2", "column `measure`", "rounds to 0"][..],
        ),
        (
            "side.csv",
            "P1,L1,0,liver,target,false,false,20,middle,\n",
            &["row 1", "column `laterality`", "left"][..],
        ),
        (
            "equivocal.csv",
            "P1,L1,0,liver,target,false,false,20,,\nP1,L1,56,liver,target,false,false,equivocal,,\n",
            &["row 2", "L1", "day 56", "new lesions only"][..],
        ),
        (
            "day.csv",
            "P1,L1,0,liver,target,false,false,20,,\nP1,L1,week8,liver,target,false,false,20,,\n",
            &["row 2", "L1", "week8"][..],
        ),
    ];
    for (name, body, needles) in cases {
        let file = temp_csv_with(name, header, body);
        let run = analyze(&["irecist", "--json", &file]);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{name}");
        let line = run.stderr.trim_end();
        assert_eq!(line.lines().count(), 1, "{line}");
        assert!(line.starts_with("error: "), "{line}");
        assert!(
            name != "day.csv" || !line.contains("day 0"),
            "{name}: {line}"
        );
        for needle in needles {
            assert!(line.contains(needle), "{name}: `{line}` lacks `{needle}`");
        }
    }
}

// ------------------------------------------------------------------ CDISC through the CLI

fn lesion_records(file: &str) -> Vec<oncostat::irecist::LesionRecord> {
    let d = oncostat::irecist::cdisc::Dataset::from_csv_path(path(file)).expect("lesion file");
    (0..d.len())
        .map(|i| {
            let c = |col: &str| d.get(i, col).unwrap_or("");
            oncostat::irecist::LesionRow {
                patient: c("patient"),
                lesion: c("lesion"),
                day: c("day"),
                organ: c("organ"),
                kind: c("kind"),
                node: c("node"),
                irradiated: c("irradiated"),
                measure: c("measure"),
                laterality: c("laterality"),
                scan: c("scan"),
            }
            .parse()
            .expect("valid row")
        })
        .collect()
}

/// `--sdtm-tu/--sdtm-tr` give the same patients as the lesion file; `--write-rs`,
/// `--write-adrs`, `--write-adtr` write the datasets; `--investigator-rs` reconciles.
#[test]
fn cdisc_options() {
    let dir = std::env::temp_dir().join(format!("oncostat-irecist-cdisc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = |name: &str| dir.join(name).to_str().expect("utf8").to_string();
    let (tu, tr) = oncostat::irecist::cdisc::sdtm_from_records(&lesion_records("round2.csv"));
    std::fs::write(p("tu.csv"), tu.to_csv()).unwrap();
    std::fs::write(p("tr.csv"), tr.to_csv()).unwrap();
    let from_file = analyze_json(&[
        "irecist",
        "--write-rs",
        &p("rs.csv"),
        "--write-adrs",
        &p("adrs.csv"),
        "--write-adtr",
        &p("adtr.csv"),
        &path("round2.csv"),
    ]);
    let from_sdtm = analyze_json(&[
        "irecist",
        "--sdtm-tu",
        &p("tu.csv"),
        "--sdtm-tr",
        &p("tr.csv"),
    ]);
    assert_eq!(from_file["patients"], from_sdtm["patients"]);
    let rs = std::fs::read_to_string(p("rs.csv")).unwrap();
    assert!(rs.starts_with("DOMAIN,USUBJID,RSTESTCD"), "{rs}");
    assert!(
        rs.contains("EARLY,OVRLRESP,Overall Response,iRECIST,iCPD"),
        "{rs}"
    );
    let adrs = std::fs::read_to_string(p("adrs.csv")).unwrap();
    assert!(
        adrs.contains("CONF,BOR,Best Overall Response,iRECIST,,,iPR"),
        "{adrs}"
    );
    let adtr = std::fs::read_to_string(p("adtr.csv")).unwrap();
    assert!(
        adtr.contains(
            "EARLY,SUMDIAM,Sum of Diameters (mm),VISIT 2,56,,125,100,25,25.00,100,25,25.00"
        ),
        "{adtr}"
    );
    // Reconciliation: the investigator called iSD at EARLY's last visit (VISITNUM 4).
    std::fs::write(
        p("inv_rs.csv"),
        "USUBJID,RSTESTCD,RSCAT,RSSTRESC,RSEVAL,VISITNUM\nEARLY,OVRLRESP,iRECIST,iSD,INVESTIGATOR,4\nEARLY,OVRLRESP,iRECIST,iUPD,INVESTIGATOR,2\n",
    )
    .unwrap();
    let out = analyze_json(&[
        "irecist",
        "--sdtm-tu",
        &p("tu.csv"),
        "--sdtm-tr",
        &p("tr.csv"),
        "--investigator-rs",
        &p("inv_rs.csv"),
        "--write-reconciliation",
        &p("recon.csv"),
    ]);
    let rec = out["reconciliation"].as_array().expect("reconciliation");
    assert_eq!(rec.len(), 2);
    assert_eq!(rec[0]["agree"], false);
    assert_eq!(rec[0]["computed"], "iCPD");
    assert!(
        rec[0]["rule"].as_str().unwrap().contains(">= 5 mm"),
        "{}",
        rec[0]["rule"]
    );
    assert_eq!(rec[1]["agree"], true);
    let recon = std::fs::read_to_string(p("recon.csv")).unwrap();
    assert!(recon.contains("EARLY,4,112,iRECIST,iSD,iCPD,N"), "{recon}");
    // Usage errors: one `error:` line, exit 2.
    for bad in [
        vec!["irecist", "--sdtm-tu", &p("tu.csv")],
        vec![
            "irecist",
            "--sdtm-tu",
            &p("tu.csv"),
            "--sdtm-tr",
            &p("tr.csv"),
            "--reader",
            "nobody",
        ],
        vec![
            "irecist",
            "--sdtm-tu",
            &p("tu.csv"),
            "--sdtm-tr",
            &p("missing.csv"),
        ],
    ] {
        let run = analyze(&bad);
        assert_eq!(run.code, 2, "{bad:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
        assert_eq!(run.stderr.trim_end().lines().count(), 1, "{}", run.stderr);
    }
}
