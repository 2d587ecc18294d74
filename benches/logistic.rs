//! Criterion benchmarks of ML and Firth logistic regression.
//!
//! ```text
//! cargo bench --bench logistic
//! ```
//! Groups: `ml_fit`, `ml_workflow` (fit + exact profile CIs + drop1 LR tests), `firth_fit`,
//! `firth_workflow` (fit + profile penalized CI and penalized LR test for every coefficient),
//! over n ∈ {142, 5000, 100000} and k ∈ {5, 20} columns (intercept included). Data are
//! seeded and deterministic (see `synthetic`).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use oncostat::{BinaryOutcome, Design, FirthRegression, LogisticRegression};

/// x ~ N(0, 1) (xorshift + Box–Muller); logit P(y = 1) = −0.5 + Σ_j 0.4·(−1)^j/(1 + j/4)·x_j.
fn synthetic(n: usize, k: usize, seed: u64) -> (Design, BinaryOutcome) {
    let mut s = seed.max(1);
    let mut unif = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    let p = k - 1;
    let mut cols = vec![vec![0.0; n]; p];
    let mut y = vec![0.0; n];
    for i in 0..n {
        let mut eta = -0.5;
        for (j, col) in cols.iter_mut().enumerate() {
            let (u1, u2) = (unif(), unif());
            let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
            col[i] = z;
            let sign = if j % 2 == 0 { 1.0 } else { -1.0 };
            eta += 0.4 * sign / (1.0 + j as f64 / 4.0) * z;
        }
        y[i] = f64::from(u8::from(unif() < 1.0 / (1.0 + (-eta).exp())));
    }
    let x = Design::from_columns(
        cols.into_iter()
            .enumerate()
            .map(|(j, c)| (format!("x{}", j + 1), c)),
    )
    .expect("finite design")
    .with_intercept();
    (x, BinaryOutcome::new(&y).expect("0/1 outcome"))
}

const GRID: [(usize, usize); 6] = [
    (142, 5),
    (142, 20),
    (5000, 5),
    (5000, 20),
    (100_000, 5),
    (100_000, 20),
];

fn id(n: usize, k: usize) -> String {
    format!("n={n}/k={k}")
}

fn bench_ml(c: &mut Criterion) {
    let mut group = c.benchmark_group("ml_fit");
    group.sample_size(10);
    for (n, k) in GRID {
        let (x, y) = synthetic(n, k, 42);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("glm", id(n, k)), &(x, y), |b, (x, y)| {
            b.iter(|| black_box(LogisticRegression::new().fit(x, y).expect("fit")))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("ml_workflow");
    group.sample_size(10);
    for (n, k) in GRID {
        let (x, y) = synthetic(n, k, 42);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(
            BenchmarkId::new("glm+profile+drop1", id(n, k)),
            &(x, y),
            |b, (x, y)| {
                b.iter(|| {
                    let fit = LogisticRegression::new().fit(x, y).expect("fit");
                    let ci = fit.conf_int(0.95).expect("ci");
                    let lr = fit.lr_tests().expect("lr");
                    black_box((fit, ci, lr))
                })
            },
        );
    }
    group.finish();
}

fn bench_firth(c: &mut Criterion) {
    let mut group = c.benchmark_group("firth_fit");
    group.sample_size(10);
    for (n, k) in GRID {
        let (x, y) = synthetic(n, k, 42);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(
            BenchmarkId::new("logistf", id(n, k)),
            &(x, y),
            |b, (x, y)| b.iter(|| black_box(FirthRegression::new().fit(x, y).expect("fit"))),
        );
    }
    group.finish();
    let mut group = c.benchmark_group("firth_workflow");
    group.sample_size(10);
    for (n, k) in GRID {
        let (x, y) = synthetic(n, k, 42);
        group.throughput(Throughput::Elements(n as u64));
        for threads in [1usize, 0] {
            let name = if threads == 1 {
                "fit+pl+plr/1-thread"
            } else {
                "fit+pl+plr/all-cores"
            };
            group.bench_with_input(BenchmarkId::new(name, id(n, k)), &(&x, &y), |b, (x, y)| {
                b.iter(|| {
                    let fit = FirthRegression::new()
                        .threads(threads)
                        .fit(x, y)
                        .expect("fit");
                    let ci = fit.conf_int(0.95).expect("ci");
                    let plr = fit.penalized_lr_tests().expect("plr");
                    black_box((fit, ci, plr))
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_ml, bench_firth);
criterion_main!(benches);
