//! Firth-penalized Cox benchmarks (criterion). Run: `cargo bench --bench firth_cox`.
//!
//! Deterministic cohorts with n ∈ {100, 1e4} and p ∈ {4, 10}: half of the covariates binary
//! (prevalence 0.3), half standard normal, exponential event times with true log hazard ratio
//! 0.3 per covariate, uniform censoring (about 35 % censored). Groups:
//! * `firth_cox/fit`: the penalized fit alone (`pl(false)`);
//! * `firth_cox/fit_pl`: the fit with every 95 % profile penalized-likelihood interval and
//!   every penalized LR test (coxphf's default `pl = TRUE`).
//!
//! With `ONCOSTAT_BENCH_CSV=<dir>` the data sets are written as `<dir>/firth_cox_<n>_<p>.csv`
//! (columns time, status, x1..xp) for timing firthmodels / coxphf on the same data (see
//! BENCHMARKS.md).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use oncostat::{Design, FirthCoxPh, SurvivalData};

/// xorshift64* uniform in (0, 1).
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
        ((x >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// n rows: time, status, and p covariates.
fn cohort(n: usize, p: usize) -> (Vec<f64>, Vec<f64>, Vec<Vec<f64>>) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (n as u64 * 31 + p as u64));
    let mut cols = vec![Vec::with_capacity(n); p];
    let mut time = Vec::with_capacity(n);
    let mut status = Vec::with_capacity(n);
    for _ in 0..n {
        let mut eta = 0.0;
        for (j, col) in cols.iter_mut().enumerate() {
            let v = if j % 2 == 0 {
                f64::from(u8::from(rng.uniform() < 0.3))
            } else {
                rng.normal()
            };
            eta += 0.3 * v;
            col.push(v);
        }
        let t = -rng.uniform().ln() / (0.1 * f64::exp(eta));
        let c = rng.uniform() * 20.0;
        time.push(t.min(c));
        status.push(f64::from(u8::from(t <= c)));
    }
    (time, status, cols)
}

fn write_csv(n: usize, p: usize, time: &[f64], status: &[f64], cols: &[Vec<f64>]) {
    let Ok(dir) = std::env::var("ONCOSTAT_BENCH_CSV") else {
        return;
    };
    let mut out = String::from("time,status");
    for j in 1..=p {
        out.push_str(&format!(",x{j}"));
    }
    out.push('\n');
    for i in 0..n {
        out.push_str(&format!("{:?},{}", time[i], status[i]));
        for c in cols {
            out.push_str(&format!(",{:?}", c[i]));
        }
        out.push('\n');
    }
    let path = std::path::Path::new(&dir).join(format!("firth_cox_{n}_{p}.csv"));
    std::fs::write(&path, out).expect("write benchmark CSV");
}

fn firth_cox(c: &mut Criterion) {
    let mut group = c.benchmark_group("firth_cox");
    group.sample_size(10);
    for n in [100usize, 10_000] {
        for p in [4usize, 10] {
            let (time, status, cols) = cohort(n, p);
            write_csv(n, p, &time, &status, &cols);
            let data = SurvivalData::from_status(time, &status).expect("data");
            let x = Design::from_columns(
                cols.into_iter()
                    .enumerate()
                    .map(|(j, c)| (format!("x{}", j + 1), c)),
            )
            .expect("design");
            group.throughput(Throughput::Elements(n as u64));
            let id = format!("n{n}_p{p}");
            group.bench_with_input(BenchmarkId::new("fit", &id), &(&data, &x), |b, (d, x)| {
                b.iter(|| {
                    FirthCoxPh::new()
                        .ci(oncostat::CiMethod::Wald)
                        .fit(black_box(d), black_box(x))
                })
            });
            group.bench_with_input(
                BenchmarkId::new("fit_pl", &id),
                &(&data, &x),
                |b, (d, x)| b.iter(|| FirthCoxPh::new().fit(black_box(d), black_box(x))),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, firth_cox);
criterion_main!(benches);
