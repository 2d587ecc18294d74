//! With the `serde` feature, result types serialize (run: `cargo test --features serde --test serde_feature`).
#![cfg(feature = "serde")]

use oncostat::{BinaryOutcome, CoxPh, Design, FirthRegression, KaplanMeier, LogRank, SurvivalData};

#[test]
fn results_serialize_to_json() -> Result<(), Box<dyn std::error::Error>> {
    let data = SurvivalData::from_status(
        vec![5.0, 8.0, 12.0, 3.0, 9.0, 15.0, 7.0, 11.0],
        &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
    )?;
    let x = Design::from_columns([("age", vec![61.0, 55.0, 48.0, 70.0, 52.0, 45.0, 66.0, 59.0])])?;
    let cox = serde_json::to_value(CoxPh::new().fit(&data, &x)?)?;
    assert!(cox.get("coefficients").is_some(), "{cox}");
    let km = serde_json::to_value(KaplanMeier::new().fit(&data)?)?;
    assert!(km.is_object());
    let groups = ["a", "b", "a", "b", "a", "b", "a", "b"];
    assert!(serde_json::to_value(LogRank::new().test(&data, &groups)?)?.is_object());
    let y = BinaryOutcome::new(&[1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0])?;
    let firth = FirthRegression::new().fit(&x.clone().with_intercept(), &y)?;
    let table = serde_json::to_value(firth.coef_table(0.95)?)?;
    assert!(table.get("rows").is_some(), "{table}");
    assert!(serde_json::to_value(&firth)?.get("coefficients").is_some());
    Ok(())
}
