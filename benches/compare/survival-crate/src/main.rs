//! `survival-crate-timing WORKLOAD FILE.csv REPS`: the crate `survival` 2.0.0 on the harness's
//! workloads (cox, cox_strata, km, logrank, concordance, survreg); prints
//! `RESULT <median seconds> <check value> <all times>` like the other tools. Reading the CSV is
//! not timed. Threads: the crate uses rayon; the driver sets RAYON_NUM_THREADS and taskset.

use std::error::Error;
use std::time::Instant;

use ndarray::Array2;
use survival::concordance::{ConcordanceOptions, concordancefit};
use survival::core::SurvResponse;
use survival::data_types::SurvivalData;
use survival::regression::{
    CoxPHFit, CoxphData, CoxphOptions, SurvregControl, SurvregData, SurvregDistribution,
    TieMethod, survreg_fit,
};
use survival::surv_analysis::{SurvdiffData, SurvfitKMData, SurvfitKMOptions, survdiff, survfitkm};

type Res<T> = Result<T, Box<dyn Error>>;

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (workload, path) = (args[0].as_str(), args[1].as_str());
    let reps: usize = args.get(2).map_or(Ok(3), |a| a.parse())?;
    let mut rdr = csv::Reader::from_path(path)?;
    let names: Vec<String> = rdr.headers()?.iter().map(str::to_string).collect();
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    for rec in rdr.records() {
        for (c, v) in cols.iter_mut().zip(rec?.iter()) {
            c.push(v.parse()?);
        }
    }
    let n = cols[0].len();
    let col = |name: &str| -> Vec<f64> {
        cols[names.iter().position(|x| x == name).expect("column")].clone()
    };
    let ints = |name: &str| -> Vec<i32> { col(name).iter().map(|&v| v as i32).collect() };
    let xj: Vec<usize> = (0..names.len()).filter(|&j| names[j].starts_with('x')).collect();
    let x = Array2::from_shape_fn((n, xj.len()), |(i, j)| cols[xj[j]][i]);
    let reps = reps.max(1);
    // inputs are built before the clock starts (the crate's fits take them by value)
    let mut run: Box<dyn FnMut() -> Res<f64>> = match workload {
        "cox" | "cox_strata" => {
            let (time, status) = (col("time"), ints("status"));
            let strata = (workload == "cox_strata").then(|| ints("stratum"));
            let mut inputs = (0..reps)
                .map(|_| {
                    CoxphData::try_new(
                        time.clone(),
                        None,
                        status.clone(),
                        x.clone(),
                        None,
                        strata.clone(),
                        None,
                    )
                })
                .collect::<Result<Vec<_>, _>>()?;
            Box::new(move || {
                let data = inputs.pop().ok_or("no input")?;
                let opts = CoxphOptions {
                    method: TieMethod::Efron,
                    ..CoxphOptions::default()
                };
                let fit = CoxPHFit::fit(data, opts)?;
                Ok(fit.loglik[1])
            })
        }
        "km" => {
            let (time, status) = (col("time"), ints("status"));
            let data = SurvfitKMData::right_censored(time, status)?;
            Box::new(move || {
                let fit = survfitkm(&data, &SurvfitKMOptions::default())?;
                let k = fit.surv.iter().position(|&s| s <= 0.5);
                Ok(k.map_or(f64::NAN, |k| fit.time[k]))
            })
        }
        "logrank" => {
            let (time, status, arm) = (col("time"), ints("status"), ints("arm"));
            let data = SurvdiffData::try_new(None, time, status, arm, None)?;
            Box::new(move || {
                Ok(survdiff(&data, 0.0, true)?.chisq)
            })
        }
        "concordance" => {
            let (time, status) = (col("time"), ints("status"));
            let score = Array2::from_shape_vec((n, 1), col("score"))?;
            let data = SurvivalData::try_new(time, status)?;
            Box::new(move || {
                let fit = concordancefit(
                    SurvResponse::Right(&data),
                    score.view(),
                    None,
                    None,
                    None,
                    &ConcordanceOptions::default(),
                )?;
                Ok(fit.concordance[0])
            })
        }
        "survreg" => {
            let (time, status) = (col("time"), ints("status"));
            let mut xi = Array2::ones((n, xj.len() + 1));
            xi.slice_mut(ndarray::s![.., 1..]).assign(&x);
            let data = SurvregData::try_new(time, status, xi, None, None, None, None, None)?;
            Box::new(move || {
                let dist = SurvregDistribution::from_name("weibull", None)?;
                let fit = survreg_fit(&data, &dist, None, 0.0, &SurvregControl::default(), false)?;
                Ok(fit.log_likelihood)
            })
        }
        other => return Err(format!("survival crate: no workload {other}").into()),
    };
    let mut times = Vec::new();
    let mut check = f64::NAN;
    for _ in 0..reps {
        let t = Instant::now();
        check = run()?;
        times.push(t.elapsed().as_secs_f64());
    }
    let all: Vec<String> = times.iter().map(|t| format!("{t:.6}")).collect();
    times.sort_by(f64::total_cmp);
    println!("RESULT {:.6} {:.10e} {}", times[times.len() / 2], check, all.join(","));
    Ok(())
}
