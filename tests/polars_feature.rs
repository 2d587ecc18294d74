//! The optional `polars` feature: `Table::from_polars` gives the table the CSV reader gives
//! for the same data (numbers, text, logicals, missing cells), so a model fitted from a
//! polars `DataFrame` is the model fitted from the CSV file, and matches R
//! (`tests/data/formula_goldens.json`, `Rscript tests/data/R/formula_goldens.R`).
//!
//! ```text
//! cargo test --features polars --test polars_feature
//! ```
#![cfg(feature = "polars")]

mod common;

use common::{assert_close, data, json};
use oncostat::frame::{Column, Formula, Table};
use oncostat::{CoxPh, Error, LogisticRegression};
use polars_core::prelude::{Categories, DataFrame, DataType, FrozenCategories, NamedFrom, Series};

const TOL: f64 = 1e-6;

fn categorical(name: &str, cells: &[Option<&str>]) -> Series {
    Series::new(name.into(), cells)
        .cast(&DataType::from_categories(Categories::global()))
        .expect("categorical")
}

/// The lung file as a polars user would hold it: whole-number columns as `Int32` with
/// nulls, the others as `Float64`, `sexc` and `grp` categorical, `arm` a string, every `NA`
/// a null. Read with the `csv` crate, not with oncostat.
fn lung_dataframe() -> DataFrame {
    let mut reader = csv::Reader::from_path(data("lung_formula.csv")).expect("lung_formula.csv");
    let names: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect();
    let columns = names
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let cells: Vec<Option<&str>> = rows
                .iter()
                .map(|r| Some(r[j].as_str()).filter(|c| *c != "NA"))
                .collect();
            let series = match name.as_str() {
                "sexc" | "grp" => categorical(name, &cells),
                "arm" => Series::new(name.into(), &cells),
                _ => {
                    let ints: Option<Vec<Option<i32>>> = cells
                        .iter()
                        .map(|c| match c {
                            None => Some(None),
                            Some(c) => c.parse::<i32>().ok().map(Some),
                        })
                        .collect();
                    match ints {
                        Some(v) => Series::new(name.into(), &v),
                        None => {
                            let v: Vec<Option<f64>> = cells
                                .iter()
                                .map(|c| c.map(|c| c.parse::<f64>().expect("number")))
                                .collect();
                            Series::new(name.into(), &v)
                        }
                    }
                }
            };
            series.into()
        })
        .collect();
    DataFrame::new(rows.len(), columns).expect("data frame")
}

/// R's coefficient names and values of a golden case.
fn assert_coefficients(case: &serde_json::Value, names: &[String], coef: &[f64], name: &str) {
    let expected = case["coefficients"].as_array().expect("coefficients");
    assert_eq!(names.len(), expected.len(), "{name}");
    for (j, c) in expected.iter().enumerate() {
        assert_eq!(names[j], c["name"].as_str().unwrap_or(""), "{name}");
        let r = c["coef"].as_f64().unwrap_or(f64::NAN);
        assert_close(coef[j], r, TOL, &format!("{name} coef {j}"));
    }
}

#[test]
fn lung_dataframe_is_the_csv_table_and_fits_as_r() {
    let df = lung_dataframe();
    assert!(df.column("sexc").expect("sexc").dtype().is_categorical());
    assert!(df.column("age").expect("age").dtype().is_integer());
    let from_polars = Table::from_polars(&df).expect("from_polars");
    let from_csv = Table::from_csv_path(data("lung_formula.csv")).expect("csv");
    assert_eq!(from_polars, from_csv);
    assert_eq!(Table::try_from(&df).expect("try_from"), from_csv);

    // the fit from the DataFrame is R's (coxph on lung with factors and NA rows)
    let g = json("formula_goldens.json");
    for case in g["cox"].as_array().expect("cases") {
        let name = case["name"].as_str().unwrap_or("");
        if !["factors", "interaction_no_margin", "strata_cluster_na"].contains(&name) {
            continue;
        }
        let formula = Formula::parse(case["formula"].as_str().unwrap_or("")).expect(name);
        let fit = CoxPh::new()
            .fit_formula(&formula, &from_polars)
            .expect(name);
        let csv_fit = CoxPh::new().fit_formula(&formula, &from_csv).expect(name);
        assert_eq!(fit.coefficients(), csv_fit.coefficients(), "{name}");
        assert_eq!(fit.dropped_rows(), csv_fit.dropped_rows(), "{name}");
        assert_eq!(
            fit.n_dropped(),
            case["dropped"].as_u64().unwrap_or(0) as usize,
            "{name}"
        );
        assert_coefficients(case, fit.term_names(), fit.coefficients().as_slice(), name);
        assert_close(
            fit.loglik(),
            case["loglik"].as_f64().unwrap_or(f64::NAN),
            TOL,
            name,
        );
    }
    // and glm's (resp has NA rows)
    for case in g["glm"].as_array().expect("glm") {
        let name = case["name"].as_str().unwrap_or("");
        if name != "glm_factors" {
            continue;
        }
        let formula = Formula::parse(case["formula"].as_str().unwrap_or("")).expect(name);
        let fit = LogisticRegression::new()
            .fit_formula(&formula, &from_polars)
            .expect(name);
        assert_coefficients(case, fit.term_names(), fit.coefficients().as_slice(), name);
    }
}

/// Every dtype the feature reads, each with nulls, against the same data as CSV text.
#[test]
fn every_column_type_with_nulls_is_the_csv_table() {
    let frozen = FrozenCategories::new(["zeta", "alpha", "mid"]).expect("enum");
    let columns: Vec<Series> = vec![
        Series::new(
            "f64".into(),
            &[Some(1.5), None, Some(-2.25), Some(f64::NAN), Some(4.0)],
        ),
        Series::new(
            "f32".into(),
            &[Some(0.5f32), Some(2.0), None, Some(8.0), Some(-1.0)],
        ),
        Series::new(
            "i64".into(),
            &[Some(7i64), None, Some(-3), Some(0), Some(12)],
        ),
        Series::new("u32".into(), &[Some(1u32), Some(2), Some(3), None, Some(5)]),
        Series::new(
            "flag".into(),
            &[Some(true), None, Some(false), Some(true), Some(false)],
        ),
        Series::new(
            "text".into(),
            &[Some("b"), Some("a"), None, Some("b"), Some("C")],
        ),
        categorical(
            "cat",
            &[None, Some("hi"), Some("lo"), Some("hi"), Some("lo")],
        ),
        Series::new(
            "enum".into(),
            &[Some("mid"), Some("zeta"), Some("alpha"), None, Some("mid")],
        )
        .cast(&DataType::from_frozen_categories(frozen))
        .expect("enum"),
        Series::full_null("none".into(), 5, &DataType::Null),
    ];
    let df = DataFrame::new(5, columns.into_iter().map(Into::into).collect()).expect("df");
    let csv = "f64,f32,i64,u32,flag,text,cat,enum,none\n\
               1.5,0.5,7,1,TRUE,b,NA,mid,NA\n\
               NA,2,NA,2,NA,a,hi,zeta,NA\n\
               -2.25,NA,-3,3,FALSE,NA,lo,alpha,NA\n\
               NaN,8,0,NA,TRUE,b,hi,NA,NA\n\
               4,-1,12,5,FALSE,C,lo,mid,NA\n";
    let expected = Table::from_csv_reader(csv.as_bytes()).expect("csv");
    let t = Table::from_polars(&df).expect("from_polars");
    assert_eq!(t, expected);
    // the categorical's labels in order of first appearance, as the CSV's text column
    match t.column("enum").expect("enum") {
        Column::Text(c) => assert_eq!(c.dictionary(), ["mid", "zeta", "alpha"]),
        other => panic!("enum read as {}", other.kind()),
    }
    assert_eq!(t.column("none").expect("none").kind(), "numeric");
}

#[test]
fn a_column_of_another_type_is_named() {
    let bytes = Series::new("scan".into(), &[b"ab".to_vec(), b"c".to_vec()]);
    let df = DataFrame::new(2, vec![bytes.into()]).expect("df");
    match Table::from_polars(&df) {
        Err(Error::ColumnType { column, found, .. }) => {
            assert_eq!(column, "scan");
            assert_eq!(found, "polars binary");
        }
        other => panic!("expected a column type error, got {other:?}"),
    }
}
