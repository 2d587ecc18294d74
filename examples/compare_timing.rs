//! oncostat's side of the comparison harness `benches/compare/run.sh` (see BENCHMARKS.md).
//!
//! ```text
//! cargo run --release --example compare_timing -- WORKLOAD FILE.csv REPS THREADS
//! ```
//! Reads the CSV written by `benches/compare/gen.py` once (not timed), runs the workload `REPS`
//! times and prints `RESULT <median seconds> <check value> <all times>`; the check value (a
//! log-likelihood, a statistic, a coefficient) is the same quantity the other tools print, so
//! the driver shows that every tool computed the same thing. `THREADS` = 0 means all cores.
//!
//! Workloads (the same names in `benches/compare/run.R`, `tools.py` and the `survival` crate
//! program): `cox` (Efron fit with tests and concordance), `cox_strata` (the same with 4
//! strata), `km`, `logrank` (two arms), `concordance` (a risk score), `cif` (Aalen–Johansen by
//! arm plus Gray's test), `finegray` (Fine–Gray, cause 1, 5 covariates), `survreg` (Weibull),
//! `firth` (Firth fit + profile penalized-likelihood CI and penalized LR test of every
//! coefficient), `logistic` (ML fit + R's `confint()` profile intervals of every coefficient).
//!
//! With `COMPARE_PEAK=1` in the environment it also prints (to stderr) the peak resident memory
//! of the timed runs (`VmHWM`, reset after reading the CSV) and the resident memory after them.

use std::error::Error;
use std::time::Instant;

use nalgebra::DMatrix;
use oncostat::{
    AalenJohansen, BinaryOutcome, CiMethod, CompetingRisksData, CoxPh, Design, FineGray,
    FirthRegression, GrayTest, KaplanMeier, LogRank, LogisticRegression, SurvReg, SurvRegDist,
    SurvivalData, Ties,
};

type Res<T> = Result<T, Box<dyn Error>>;

/// The columns of a numeric CSV, by header name.
struct Columns {
    names: Vec<String>,
    cols: Vec<Vec<f64>>,
}

impl Columns {
    fn read(path: &str) -> Res<Self> {
        let mut rdr = csv::Reader::from_path(path)?;
        let names: Vec<String> = rdr.headers()?.iter().map(str::to_string).collect();
        let mut cols: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
        for rec in rdr.records() {
            let rec = rec?;
            for (c, v) in cols.iter_mut().zip(rec.iter()) {
                c.push(v.parse()?);
            }
        }
        Ok(Self { names, cols })
    }

    fn get(&self, name: &str) -> Res<&Vec<f64>> {
        let j = self
            .names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| format!("no column {name}"))?;
        Ok(&self.cols[j])
    }

    /// The design of the columns x1, x2, ... (in file order). The columns are moved into the
    /// matrix one by one (at most one column held twice), so that the peak memory of a run is
    /// that of the model, not of the reading.
    fn xs(&mut self) -> Res<Design> {
        let which: Vec<usize> = (0..self.names.len())
            .filter(|&j| self.names[j].starts_with('x'))
            .collect();
        let n = self.cols.first().map_or(0, Vec::len);
        let mut matrix = DMatrix::zeros(n, which.len());
        for (c, &j) in which.iter().enumerate() {
            let col = std::mem::take(&mut self.cols[j]);
            matrix.column_mut(c).copy_from_slice(&col);
        }
        let names = which.iter().map(|&j| self.names[j].clone()).collect();
        Ok(Design::from_matrix(names, matrix)?)
    }

    fn ints(&self, name: &str) -> Res<Vec<i64>> {
        Ok(self.get(name)?.iter().map(|&v| v as i64).collect())
    }
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        return Err("usage: compare_timing WORKLOAD FILE.csv [REPS] [THREADS]".into());
    }
    let (workload, path) = (args[0].as_str(), args[1].as_str());
    let reps: usize = args.get(2).map_or(Ok(3), |a| a.parse())?;
    let threads: usize = args.get(3).map_or(Ok(0), |a| a.parse())?;
    let mut d = Columns::read(path)?;
    let run: Box<dyn Fn() -> Res<f64>> = match workload {
        "cox" | "cox_strata" => {
            let mut data = SurvivalData::from_status(d.get("time")?.clone(), d.get("status")?)?;
            if workload == "cox_strata" {
                data = data.with_strata(&d.ints("stratum")?)?;
            }
            let x = d.xs()?;
            Box::new(move || {
                let fit = CoxPh::new()
                    .ties(Ties::Efron)
                    .threads(threads)
                    .fit(&data, &x)?;
                std::hint::black_box((fit.lr_test(), fit.wald_test(), fit.score_test()));
                std::hint::black_box(fit.concordance());
                Ok(fit.loglik())
            })
        }
        "km" => {
            let data = SurvivalData::from_status(d.get("time")?.clone(), d.get("status")?)?;
            Box::new(move || {
                let fit = KaplanMeier::new().fit(&data)?;
                Ok(fit.median().unwrap_or(f64::NAN))
            })
        }
        "logrank" => {
            let data = SurvivalData::from_status(d.get("time")?.clone(), d.get("status")?)?;
            let arm = d.ints("arm")?;
            Box::new(move || Ok(LogRank::new().test(&data, &arm)?.chisq()))
        }
        "concordance" => {
            let data = SurvivalData::from_status(d.get("time")?.clone(), d.get("status")?)?;
            // R's concordance(y ~ score): a larger score predicts a longer survival; ours
            // takes a risk (larger = shorter), so the risk is minus the score (same C).
            let risk: Vec<f64> = d.get("score")?.iter().map(|s| -s).collect();
            Box::new(move || {
                Ok(oncostat::survival::concordance_threads(&data, &risk, threads)?.estimate())
            })
        }
        "cif" => {
            let data = CompetingRisksData::new(d.get("time")?.clone(), d.get("status")?)?;
            let arm = d.ints("arm")?;
            Box::new(move || {
                let cif = AalenJohansen::new().fit_groups(&data, &arm)?;
                std::hint::black_box(cif);
                let gray = GrayTest::new().test(&data, &arm)?;
                Ok(gray.tests()[0].statistic.unwrap_or(f64::NAN))
            })
        }
        "finegray" => {
            let data = CompetingRisksData::new(d.get("time")?.clone(), d.get("status")?)?;
            let x = d.xs()?;
            Box::new(move || Ok(FineGray::new(1).fit(&data, &x)?.coefficients()[0]))
        }
        "survreg" => {
            let data = SurvivalData::from_status(d.get("time")?.clone(), d.get("status")?)?;
            let x = d.xs()?.with_intercept();
            Box::new(move || Ok(SurvReg::new(SurvRegDist::Weibull).fit(&data, &x)?.loglik()))
        }
        "firth" | "logistic" => {
            let y = BinaryOutcome::new(d.get("y")?)?;
            let x = d.xs()?.with_intercept();
            let firth = workload == "firth";
            Box::new(move || {
                if firth {
                    let fit = FirthRegression::new().threads(threads).fit(&x, &y)?;
                    let cis = fit.conf_int(0.95)?;
                    let tests = fit.penalized_lr_tests()?;
                    std::hint::black_box(tests);
                    Ok(cis[1].0)
                } else {
                    let fit = LogisticRegression::new()
                        .ci(CiMethod::ProfileLikelihoodMass)
                        .threads(threads)
                        .fit(&x, &y)?;
                    let cis = fit.conf_int(0.95)?;
                    Ok(cis[1].0)
                }
            })
        }
        other => return Err(format!("unknown workload {other}").into()),
    };
    drop(d);
    // COMPARE_PEAK=1: report the peak resident memory of the timed runs alone (the kernel's
    // high-water mark is reset first, so reading the CSV does not count)
    let peak = std::env::var_os("COMPARE_PEAK").is_some();
    if peak {
        std::fs::write("/proc/self/clear_refs", "5")?;
    }
    let mut times = Vec::with_capacity(reps);
    let mut check = f64::NAN;
    for _ in 0..reps.max(1) {
        let t = Instant::now();
        check = run()?;
        times.push(t.elapsed().as_secs_f64());
    }
    if peak {
        let status = std::fs::read_to_string("/proc/self/status")?;
        for line in status
            .lines()
            .filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS"))
        {
            eprintln!("{line}");
        }
    }
    let all: Vec<String> = times.iter().map(|t| format!("{t:.6}")).collect();
    times.sort_by(f64::total_cmp);
    println!(
        "RESULT {:.6} {:.10e} {}",
        times[times.len() / 2],
        check,
        all.join(",")
    );
    Ok(())
}
