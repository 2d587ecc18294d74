//! survreg benchmark (criterion): Weibull AFT, n = 1e5, p = 10 covariates (plus intercept and
//! log scale), deterministic data. Run: `cargo bench --bench survreg`.
//! With `ONCOSTAT_BENCH_CSV=<dir>` the data set is also written as `<dir>/survreg_100000.csv`
//! (columns time, status, x1..x10) for timing R on the same rows (BENCHMARKS.md).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use oncostat::{Design, SurvReg, SurvRegDist, SurvivalData};

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
}

/// n rows: 5 binary and 5 continuous covariates, Weibull times (shape 1.4), uniform censoring.
fn cohort(n: usize, p: usize) -> (Vec<f64>, Vec<f64>, Vec<Vec<f64>>) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ n as u64);
    let mut cols = vec![Vec::with_capacity(n); p];
    let mut time = Vec::with_capacity(n);
    let mut status = Vec::with_capacity(n);
    for _ in 0..n {
        let mut lp = 5.0;
        for (j, col) in cols.iter_mut().enumerate() {
            let v = if j % 2 == 0 {
                f64::from(u8::from(rng.uniform() < 0.4))
            } else {
                // roughly normal: sum of uniforms
                (rng.uniform() + rng.uniform() + rng.uniform() - 1.5) * 2.0
            };
            lp += 0.1 * ((j % 3) as f64 - 1.0) * v;
            col.push(v);
        }
        let eps = (-rng.uniform().ln()).ln(); // extreme value
        let t = (lp + eps / 1.4).exp();
        let c = rng.uniform() * 400.0;
        time.push((t.min(c) * 1e4).round().max(1.0) / 1e4);
        status.push(if t <= c { 1.0 } else { 0.0 });
    }
    (time, status, cols)
}

fn write_csv(n: usize, time: &[f64], status: &[f64], cols: &[Vec<f64>]) {
    let Ok(dir) = std::env::var("ONCOSTAT_BENCH_CSV") else {
        return;
    };
    let mut out = String::from("time,status");
    for j in 0..cols.len() {
        out.push_str(&format!(",x{}", j + 1));
    }
    out.push('\n');
    for i in 0..n {
        out.push_str(&format!("{},{}", time[i], status[i]));
        for c in cols {
            out.push_str(&format!(",{}", c[i]));
        }
        out.push('\n');
    }
    let path = std::path::Path::new(&dir).join(format!("survreg_{n}.csv"));
    std::fs::write(&path, out).expect("write benchmark CSV");
}

fn weibull(c: &mut Criterion) {
    let (n, p) = (100_000, 10);
    let (time, status, cols) = cohort(n, p);
    write_csv(n, &time, &status, &cols);
    let data = SurvivalData::from_status(time, &status).expect("data");
    let x = Design::from_columns(
        cols.into_iter()
            .enumerate()
            .map(|(j, v)| (format!("x{}", j + 1), v)),
    )
    .expect("design")
    .with_intercept();
    let model = SurvReg::new(SurvRegDist::Weibull);
    let fit = model.fit(&data, &x).expect("fit");
    assert!(fit.convergence().converged());
    let mut group = c.benchmark_group("survreg");
    group.sample_size(10);
    group.bench_function("weibull_n1e5_p10", |b| {
        b.iter(|| black_box(model.fit(black_box(&data), black_box(&x)).expect("fit")))
    });
    group.finish();
}

criterion_group!(benches, weibull);
criterion_main!(benches);
