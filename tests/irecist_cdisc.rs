//! CDISC interchange of the iRECIST engine: SDTM TU/TR in, RS / ADRS / ADTR and the
//! reconciliation report out. Public API only.

use oncostat::Error;
use oncostat::irecist::cdisc::{
    Dataset, Reader, adrs_dataset, adtr_dataset, read_sdtm, reconcile, reconciliation_dataset,
    rs_dataset, sdtm_from_records,
};
use oncostat::irecist::{
    Assessment, IrecistRules, LesionRecord, LesionRow, assess, timelines_from_records,
};

fn data(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/irecist")
        .join(name)
}

/// A lesion file (with or without the optional columns) as records.
fn lesion_file(name: &str) -> Vec<LesionRecord> {
    let d = Dataset::from_csv_path(data(name)).expect("lesion file");
    // Rows with an empty required cell are dropped, as `analyze irecist` does.
    let required = [
        "patient",
        "lesion",
        "day",
        "organ",
        "kind",
        "node",
        "irradiated",
        "measure",
    ];
    (0..d.len())
        .filter(|&i| {
            required
                .iter()
                .all(|c| !d.get(i, c).unwrap_or("").is_empty())
        })
        .map(|i| {
            let c = |col: &str| d.get(i, col).unwrap_or("");
            LesionRow {
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

fn assess_all(records: &[LesionRecord], rules: &IrecistRules) -> Vec<(String, Assessment)> {
    timelines_from_records(records)
        .expect("valid")
        .iter()
        .map(|t| {
            (
                t.patient().to_string(),
                assess(t, rules).expect("assessable"),
            )
        })
        .collect()
}

/// Lesion file → TU/TR → assessment gives the same calls, sums and best responses as the
/// lesion file, for the worked cases and the second-round file (codes, equivocal, scan,
/// laterality), with and without confirmation.
#[test]
fn sdtm_round_trip_gives_the_same_assessment() {
    for file in ["cases.csv", "round2.csv", "a07.csv"] {
        let records = lesion_file(file);
        let (tu, tr) = sdtm_from_records(&records);
        // Through CSV text, as a user would exchange them.
        let tu = Dataset::from_csv_reader(tu.to_csv().as_bytes()).unwrap();
        let tr = Dataset::from_csv_reader(tr.to_csv().as_bytes()).unwrap();
        let back = read_sdtm(&tu, &tr, &Reader::Investigator).unwrap();
        for rules in [
            IrecistRules::default(),
            IrecistRules::default().confirmation_required(true),
        ] {
            let a = assess_all(&records, &rules);
            let b = assess_all(&back.records, &rules);
            assert_eq!(a, b, "{file}");
        }
    }
}

const TU: &str = "STUDYID,DOMAIN,USUBJID,TULNKID,TUTESTCD,TUSTRESC,TULOC,TULAT,TUEVAL,TUEVALID
S,TU,001,T01,TUMIDENT,TARGET,LIVER,,INVESTIGATOR,
S,TU,001,T02,TUMIDENT,TARGET,\"LYMPH NODE, MEDIASTINAL\",,INVESTIGATOR,
S,TU,001,NT01,TUMIDENT,NON-TARGET,PLEURA,RIGHT,INVESTIGATOR,
S,TU,001,T01,TUMIDENT,TARGET,LIVER,,INDEPENDENT ASSESSOR,RADIOLOGIST 1
S,TU,001,T02,TUMIDENT,TARGET,\"LYMPH NODE, MEDIASTINAL\",,INDEPENDENT ASSESSOR,RADIOLOGIST 1
";

/// Investigator: 60 + 40 = 100 → 78 + 52 = 130 (iUPD) → 77 + 51 = 128 (iUPD) → 54 + 36 = 90
/// (iSD): case I01. The independent reader measures smaller growth (iSD throughout).
fn tr() -> String {
    let mut s = String::from(
        "STUDYID,DOMAIN,USUBJID,TRLNKID,TRTESTCD,TRORRES,TRSTRESC,TRSTRESN,TRSTRESU,TREVAL,TREVALID,VISITNUM,VISIT,TRDY\n",
    );
    let inv = [
        (1, -2, "60", "40", "PRESENT"),
        (2, 54, "78", "52", "PRESENT"),
        (3, 96, "77", "51", "PRESENT"),
        (4, 138, "54", "36", "PRESENT"),
    ];
    for (v, dy, t1, t2, nt) in inv {
        s += &format!("S,TR,001,T01,LDIAM,{t1},{t1},{t1},mm,INVESTIGATOR,,{v},VISIT {v},{dy}\n");
        s += &format!("S,TR,001,T02,SAXIS,{t2},{t2},{t2},mm,INVESTIGATOR,,{v},VISIT {v},{dy}\n");
        s += &format!("S,TR,001,NT01,TUMSTATE,{nt},{nt},,,INVESTIGATOR,,{v},VISIT {v},{dy}\n");
    }
    for (v, dy, t1, t2) in [
        (1, -2, "60", "40"),
        (2, 54, "62", "40"),
        (3, 96, "60", "40"),
        (4, 138, "58", "38"),
    ] {
        s += &format!(
            "S,TR,001,T01,LDIAM,{t1},{t1},{t1},mm,INDEPENDENT ASSESSOR,RADIOLOGIST 1,{v},VISIT {v},{dy}\n"
        );
        s += &format!(
            "S,TR,001,T02,SAXIS,{t2},{t2},{t2},mm,INDEPENDENT ASSESSOR,RADIOLOGIST 1,{v},VISIT {v},{dy}\n"
        );
    }
    s
}

fn read(
    reader: &Reader,
) -> (
    oncostat::irecist::cdisc::SdtmInput,
    Vec<(String, Assessment)>,
) {
    let tu = Dataset::from_csv_reader(TU.as_bytes()).unwrap();
    let tr = Dataset::from_csv_reader(tr().as_bytes()).unwrap();
    let input = read_sdtm(&tu, &tr, reader).unwrap();
    let a = assess_all(&input.records, &IrecistRules::default());
    (input, a)
}

fn calls(a: &Assessment) -> Vec<&'static str> {
    a.visits().iter().map(|v| v.response().label()).collect()
}

/// SDTM TU/TR with standard variables: days from TRDY (earliest = baseline), nodes from
/// TULOC, SAXIS for nodes, TUMSTATE for non-targets; reader chosen by TREVAL/TREVALID.
#[test]
fn sdtm_reader_selection_and_worked_case_i01() {
    let (input, a) = read(&Reader::Investigator);
    assert_eq!(
        input.visits.iter().map(|v| v.2).collect::<Vec<_>>(),
        [0, 56, 98, 140]
    );
    assert_eq!(calls(&a[0].1), ["baseline", "iUPD", "iUPD", "iSD"]);
    assert!(input.records.iter().any(|r| r.node && r.lesion == "T02"));
    let (_, b) = read(&Reader::Independent(Some("RADIOLOGIST 1".into())));
    assert_eq!(calls(&b[0].1), ["baseline", "iSD", "iSD", "iSD"]);
    let (_, c) = read(&Reader::Independent(None));
    assert_eq!(calls(&c[0].1), calls(&b[0].1));
}

/// RS (TRGRESP/NTRGRESP/NEWLPROG/OVRLRESP in both criteria), ADRS (OVR, BOR) and ADTR
/// (SUMDIAM, CHG, PCHG, NADIR) for case I01: 130 is +30.00 % from baseline 100.
#[test]
fn rs_adrs_adtr_for_case_i01() {
    let (_, a) = read(&Reader::Investigator);
    let rs = rs_dataset(&a);
    let find = |d: &Dataset, pred: &dyn Fn(usize) -> bool, col: &str| -> Vec<String> {
        (0..d.len())
            .filter(|&i| pred(i))
            .map(|i| d.get(i, col).unwrap().to_string())
            .collect()
    };
    let ovr = |cat: &str| {
        find(
            &rs,
            &|i| rs.get(i, "RSTESTCD") == Some("OVRLRESP") && rs.get(i, "RSCAT") == Some(cat),
            "RSSTRESC",
        )
    };
    assert_eq!(ovr("iRECIST"), ["iUPD", "iUPD", "iSD"]);
    assert_eq!(ovr("RECIST 1.1"), ["PD", "PD", "PD"]);
    let trg = find(
        &rs,
        &|i| rs.get(i, "RSTESTCD") == Some("TRGRESP") && rs.get(i, "RSCAT") == Some("iRECIST"),
        "RSSTRESC",
    );
    assert_eq!(trg, ["iUPD", "iUPD", "iSD"]);
    let ntrg = find(
        &rs,
        &|i| rs.get(i, "RSTESTCD") == Some("NTRGRESP") && rs.get(i, "RSCAT") == Some("RECIST 1.1"),
        "RSSTRESC",
    );
    assert_eq!(ntrg[0], "non-CR/non-PD");
    let newl = find(
        &rs,
        &|i| rs.get(i, "RSTESTCD") == Some("NEWLPROG"),
        "RSSTRESC",
    );
    assert!(newl.iter().all(|v| v == "N"));

    let adrs = adrs_dataset(&a);
    let bor = find(&adrs, &|i| adrs.get(i, "PARAMCD") == Some("BOR"), "AVALC");
    assert_eq!(bor, ["PD", "iSD"]);

    let adtr = adtr_dataset(&a);
    assert_eq!(find(&adtr, &|_| true, "AVAL"), ["100", "130", "128", "90"]);
    assert_eq!(find(&adtr, &|_| true, "CHG"), ["0", "30", "28", "-10"]);
    assert_eq!(
        find(&adtr, &|_| true, "PCHG"),
        ["0.00", "30.00", "28.00", "-10.00"]
    );
    assert_eq!(find(&adtr, &|_| true, "NADIR"), ["", "100", "100", "100"]);
    assert_eq!(find(&adtr, &|_| true, "ABLFL"), ["Y", "", "", ""]);
    // CSV output quotes cells with commas.
    assert!(adtr.to_csv().starts_with("USUBJID,PARAMCD"));
}

/// Investigator RS responses against the computed calls: agreement, and the rule that
/// explains a difference (the investigator called iCPD at visit 3, the +5 mm rule says iUPD).
#[test]
fn reconciliation_report_explains_differences() {
    let (input, a) = read(&Reader::Investigator);
    let rs = Dataset::from_csv_reader(
        "USUBJID,RSTESTCD,RSCAT,RSSTRESC,RSEVAL,VISITNUM
001,OVRLRESP,iRECIST,iUPD,INVESTIGATOR,2
001,OVRLRESP,iRECIST,iCPD,INVESTIGATOR,3
001,OVRLRESP,RECIST 1.1,PD,INVESTIGATOR,2
001,TRGRESP,iRECIST,iUPD,INVESTIGATOR,2
001,OVRLRESP,iRECIST,NE,INVESTIGATOR,9
"
        .as_bytes(),
    )
    .unwrap();
    let report = reconcile(&rs, &input, &a).unwrap();
    assert_eq!(report.len(), 4);
    assert!(report[0].agree && report[2].agree);
    assert!(!report[1].agree);
    assert_eq!(report[1].computed, "iUPD");
    assert_eq!(report[1].day, Some(98));
    assert!(
        report[1].explanation.contains("remains iUPD"),
        "{}",
        report[1].explanation
    );
    assert!(
        report[1].explanation.contains("sum 128"),
        "{}",
        report[1].explanation
    );
    assert_eq!(report[3].day, None);
    let d = reconciliation_dataset(&report);
    assert_eq!(d.get(1, "AGREE"), Some("N"));
    // An unreadable response names the subject and the row.
    let bad = Dataset::from_csv_reader(
        "USUBJID,RSTESTCD,RSCAT,RSSTRESC,VISITNUM\n001,OVRLRESP,iRECIST,maybe,2\n".as_bytes(),
    )
    .unwrap();
    let e = reconcile(&bad, &input, &a).unwrap_err();
    assert!(
        e.to_string().contains("001") && e.to_string().contains("RS row 1"),
        "{e}"
    );
}

/// Errors name the subject and dataset row: a TR lesion missing from TU, an unreadable
/// study day or result, a missing standard variable.
#[test]
fn bad_sdtm_inputs_are_named_errors() {
    let tu = Dataset::from_csv_reader(TU.as_bytes()).unwrap();
    let tr = |body: &str| {
        Dataset::from_csv_reader(
            format!("USUBJID,TRLNKID,TRTESTCD,TRSTRESC,VISITNUM,TRDY\n{body}").as_bytes(),
        )
        .unwrap()
    };
    let e = read_sdtm(&tu, &tr("001,T09,LDIAM,20,1,1\n"), &Reader::Investigator).unwrap_err();
    assert!(
        e.to_string().contains("001")
            && e.to_string().contains("TR row 1")
            && e.to_string().contains("T09"),
        "{e}"
    );
    let e = read_sdtm(&tu, &tr("001,T01,LDIAM,20,1,day1\n"), &Reader::Investigator).unwrap_err();
    assert!(e.to_string().contains("TRDY"), "{e}");
    let e = read_sdtm(&tu, &tr("001,T01,LDIAM,-4,1,1\n"), &Reader::Investigator).unwrap_err();
    assert!(e.to_string().contains("negative"), "{e}");
    let no_dy =
        Dataset::from_csv_reader("USUBJID,TRLNKID,TRTESTCD\n001,T01,LDIAM\n".as_bytes()).unwrap();
    let e = read_sdtm(&tu, &no_dy, &Reader::Investigator).unwrap_err();
    assert!(
        matches!(e, Error::Csv { .. }) && e.to_string().contains("TRDY"),
        "{e}"
    );
}
