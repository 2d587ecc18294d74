//! Times a whole Cox fit (fit + tests + concordance) on a CSV written by
//! `benches/cox_vs_r.R`, for the comparison with R in BENCHMARKS.md.
//!
//! ```text
//! Rscript benches/cox_vs_r.R write      # writes target/cox_bench_2e5.csv
//! cargo run --release --example cox_timing -- target/cox_bench_2e5.csv [efron|breslow]
//! ```
//! Columns: `time`, `status`, then the covariates; or `start`, `time`, `status`, covariates
//! for counting-process data (`benches/cox_counting_vs_r.R write`). Prints the median of 5 runs, as wall time
//! and as CPU time of this thread (Linux `/proc/thread-self/schedstat`; 0 elsewhere), which is
//! the fairer number on a shared machine.

use std::error::Error;
use std::time::Instant;

use oncostat::{CoxPh, Design, SurvivalData, Ties};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .ok_or("usage: cox_timing <file.csv> [efron|breslow]")?;
    let ties = match args.get(2).map(String::as_str) {
        Some("breslow") => Ties::Breslow,
        _ => Ties::Efron,
    };
    let mut rdr = csv::Reader::from_path(path)?;
    let names: Vec<String> = rdr.headers()?.iter().map(str::to_string).collect();
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    for rec in rdr.records() {
        let rec = rec?;
        for (c, v) in cols.iter_mut().zip(rec.iter()) {
            c.push(v.parse()?);
        }
    }
    let counting = names.first().is_some_and(|n| n == "start");
    let first_x = if counting { 3 } else { 2 };
    let data = if counting {
        let event = cols[2].iter().map(|&s| s > 0.5).collect();
        SurvivalData::counting(cols[0].clone(), cols[1].clone(), event)?
    } else {
        SurvivalData::from_status(cols[0].clone(), &cols[1])?
    };
    let x = Design::from_columns(
        names[first_x..]
            .iter()
            .cloned()
            .zip(cols[first_x..].iter().cloned()),
    )?;
    let model = CoxPh::new().ties(ties);
    let mut times = Vec::new();
    let mut cpu = Vec::new();
    let mut fit = None;
    for _ in 0..5 {
        let start = Instant::now();
        let cpu_start = cpu_seconds();
        fit = Some(model.fit(&data, &x)?);
        cpu.push(cpu_seconds() - cpu_start);
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    let fit = fit.ok_or("no fit")?;
    println!(
        "n {} p {} events {} iter {} loglik {:.10} C {:.10}",
        fit.n(),
        x.ncols(),
        fit.n_events(),
        fit.convergence().iterations(),
        fit.loglik(),
        fit.concordance().estimate()
    );
    println!(
        "first coefficients {:?}",
        &fit.coefficients().as_slice()[..3]
    );
    println!("wall median {:.4} s; all {:?}", times[2], times);
    println!("cpu  median {:.4} s; all {:?}", cpu[2], cpu);
    Ok(())
}

/// CPU time of the calling thread in seconds (Linux), 0 if unavailable.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns * 1e-9)
}
