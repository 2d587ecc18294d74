//! The README's 20-line tour of the API, kept compiling and running as an example:
//! `cargo run --example tour`.
use oncostat::{
    BinaryOutcome, CoxPh, Design, FirthRegression, KaplanMeier, LogRank, SurvivalData, Ties,
};

fn main() -> Result<(), oncostat::Error> {
    // Survival data: months, event 1 = death, and a group label per patient.
    let os = SurvivalData::from_status(
        vec![3.0, 8.0, 12.0, 18.0, 20.0, 25.0, 30.0, 33.0],
        &[1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0],
    )?;
    let ab = ["no", "no", "yes", "no", "yes", "no", "yes", "yes"];
    for km in KaplanMeier::new().fit_groups(&os, &ab)? {
        println!("median OS ({}): {:?}", km.label(), km.median());
    }
    println!(
        "log-rank p = {:.4}",
        LogRank::new().test(&os, &ab)?.p_value()
    );

    // Cox proportional hazards (Efron ties, as R).
    let x = Design::from_columns([("bmi_ge_25", vec![1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0])])?;
    let cox = CoxPh::new().ties(Ties::Efron).fit(&os, &x)?;
    println!("{cox}");

    // Firth logistic regression with profile penalized-likelihood CIs (logistf).
    let age =
        Design::from_columns([("age", vec![55.0, 71.0, 62.0, 80.0, 58.0, 67.0, 49.0, 75.0])])?
            .with_intercept();
    let benefit = BinaryOutcome::new(&[1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0])?;
    let firth = FirthRegression::new().fit(&age, &benefit)?;
    println!("{}", firth.coef_table(0.95)?);
    Ok(())
}
