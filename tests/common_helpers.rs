//! The shared test helpers themselves (`tests/common`): the CSV loader is strict and the
//! golden comparisons catch what they must.

mod common;

use common::csv::Csv;

#[test]
fn the_csv_loader_is_strict() {
    let csv = Csv::parse("t.csv", b"a,b,c\n1,x,NA\n2.5,y,\n").expect("parses");
    assert_eq!(csv.len(), 2);
    assert_eq!(csv.numbers("a"), [1.0, 2.5]);
    assert_eq!(csv.numbers_or_missing("c"), [None, None]);
    assert_eq!(csv.text("b"), ["x", "y"]);
    assert_eq!(csv.complete(&["a"]), [0, 1]);
    assert!(csv.complete(&["a", "c"]).is_empty());
    assert_eq!(
        csv.try_numbers("b").unwrap_err(),
        "t.csv, row 1, column `b`: `x` is not a number"
    );
    let missing = csv.try_numbers("c").unwrap_err();
    assert!(missing.contains("row 1, column `c`: missing"), "{missing}");
    assert!(csv.try_numbers("z").unwrap_err().contains("no column `z`"));
    let ragged = Csv::parse("r.csv", b"a,b\n1,2\n3\n").unwrap_err();
    assert!(ragged.starts_with("r.csv, row 2"), "{ragged}");
    let twice = Csv::parse("d.csv", b"a,a\n1,2\n").unwrap_err();
    assert!(twice.contains("`a` appears twice"), "{twice}");
    // R-style numeric columns: NA is NaN, an unreadable cell is an error when used
    let cols = csv.numeric();
    assert!(cols["c"].iter().all(|v| v.is_nan()));
    let err = std::panic::catch_unwind(|| cols["b"].len()).expect_err("text column");
    let msg = err.downcast_ref::<String>().expect("message");
    assert_eq!(msg, "t.csv, row 1, column `b`: `x` is not a number");
}

#[test]
fn every_shipped_csv_reads() {
    let dir = common::data("");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/data") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "csv") {
            let name = path.file_name().and_then(|f| f.to_str()).expect("name");
            let csv = Csv::read(name);
            assert!(!csv.is_empty(), "{name}: no rows");
            n += 1;
        }
    }
    assert!(n >= 10, "only {n} CSV files found");
}

#[test]
fn golden_comparisons_report_the_first_mismatch() {
    common::assert_all_close(
        &[1.0, 2.0, f64::NAN],
        &[1.0, 2.0 + 1e-9, f64::NAN],
        1e-6,
        "ok",
    );
    let err = std::panic::catch_unwind(|| {
        common::assert_all_close(&[1.0, 2.1, 3.0], &[1.0, 2.0, 3.5], 1e-6, "x");
    })
    .expect_err("mismatch");
    let msg = err.downcast_ref::<String>().expect("message");
    assert!(msg.starts_with("x[1]: got 2.1"), "{msg}");
    assert!(msg.ends_with("2 of 3 values differ"), "{msg}");
    // NaN (R's NA) only matches NaN
    assert!(
        std::panic::catch_unwind(|| common::assert_all_close(&[1.0], &[f64::NAN], 1e-6, "na"))
            .is_err()
    );
    assert!(common::rel_close(1e-8 * (1.0 + 1e-7), 1e-8, 1e-6));
    assert!(!common::rel_close(1.1e-3, 1e-3, 1e-6));
    let g = serde_json::json!({"tolerance": 1e-6, "v": [1.5, null]});
    common::assert_close(common::tolerance(&g), 1e-6, 0.0, "tolerance");
    let v = common::numbers(&g["v"]);
    common::assert_close(v[0], 1.5, 0.0, "v[0]");
    assert!(v[1].is_nan());
}
