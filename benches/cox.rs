//! Cox proportional hazards benchmarks: whole fits (Efron and Breslow) and the concordance
//! alone, on seeded synthetic data with tied integer times; and counting-process
//! `(start, stop]` fits on the same kind of data with every subject split in two.
//!
//! ```text
//! cargo bench --bench cox                 # all sizes
//! cargo bench --bench cox -- 'n=1000/'    # one size
//! ```
//! The comparison with R on this machine is in BENCHMARKS.md (`examples/cox_timing.rs`).

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use oncostat::survival::concordance;
use oncostat::{CoxPh, Design, SurvivalData, Ties};

/// SplitMix64: a tiny deterministic generator (no `rand` dependency).
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform on (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// n rows, p covariates (3/4 normal, 1/4 binary), exponential event and censoring times
/// rounded up to integers (moderate ties), true β spread over [-0.3, 0.3].
fn synthetic(n: usize, p: usize, seed: u64) -> (SurvivalData, Design) {
    let mut rng = SplitMix(seed);
    let n_binary = p / 4;
    let beta: Vec<f64> = (0..p)
        .map(|j| -0.3 + 0.6 * j as f64 / (p.max(2) - 1) as f64)
        .collect();
    let mut columns = vec![Vec::with_capacity(n); p];
    let mut time = Vec::with_capacity(n);
    let mut status = Vec::with_capacity(n);
    for _ in 0..n {
        let mut lp = 0.0;
        for (j, col) in columns.iter_mut().enumerate() {
            let v = if j < p - n_binary {
                rng.normal()
            } else {
                f64::from(u8::from(rng.uniform() < 0.4))
            };
            lp += beta[j] * v;
            col.push(v);
        }
        let event = -rng.uniform().ln() / (0.001 * lp.exp());
        let censor = -rng.uniform().ln() / 0.0005;
        time.push(event.min(censor).ceil());
        status.push(f64::from(u8::from(event <= censor)));
    }
    let data = SurvivalData::from_status(time, &status).expect("valid times");
    let x = Design::from_columns(
        columns
            .into_iter()
            .enumerate()
            .map(|(j, c)| (format!("x{}", j + 1), c)),
    )
    .expect("valid design");
    (data, x)
}

fn bench_fits(c: &mut Criterion) {
    // `cargo test --all-targets` runs this once in test mode (no `--bench` argument), in a
    // debug build: keep that to the small size so that the test suite stays fast.
    let benchmarking = std::env::args().any(|a| a == "--bench");
    let sizes: &[usize] = if benchmarking {
        &[1_000, 100_000, 1_000_000]
    } else {
        &[1_000]
    };
    for &n in sizes {
        let mut group = c.benchmark_group(format!("cox/n={n}"));
        group.throughput(Throughput::Elements(n as u64));
        if n >= 100_000 {
            group
                .sample_size(10)
                .warm_up_time(Duration::from_millis(500))
                .measurement_time(Duration::from_secs(if n >= 1_000_000 { 20 } else { 5 }));
        }
        for &p in &[5usize, 20] {
            let (data, x) = synthetic(n, p, 0x5EED ^ (n as u64) ^ ((p as u64) << 40));
            for ties in [Ties::Efron, Ties::Breslow] {
                let model = CoxPh::new().ties(ties);
                group.bench_with_input(
                    BenchmarkId::new(format!("fit_{}", ties.name()), format!("p={p}")),
                    &(&data, &x),
                    |b, (data, x)| b.iter(|| black_box(model.fit(data, x).expect("fit"))),
                );
            }
            if p == 5 {
                let risk: Vec<f64> = (0..n)
                    .map(|i| x.matrix().row(i).iter().sum::<f64>())
                    .collect();
                group.bench_with_input(
                    BenchmarkId::new("concordance", format!("p={p}")),
                    &(&data, &risk),
                    |b, (data, risk)| {
                        b.iter(|| black_box(concordance(data, risk).expect("concordance")))
                    },
                );
            }
        }
        group.finish();
    }
}

/// Counting-process data of about `n` rows: `n / 2` subjects of [`synthetic`], each split at
/// half its (integer) time when that is at least 2, with a time-varying covariate `late`
/// (1 on the second piece).
fn synthetic_counting(n: usize, p: usize, seed: u64) -> (SurvivalData, Design) {
    let (whole, x) = synthetic(n / 2, p, seed);
    let (mut start, mut stop, mut event, mut source, mut late) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, (&t, &e)) in whole.time().iter().zip(whole.event()).enumerate() {
        let cut = (t / 2.0).floor();
        if cut >= 1.0 {
            start.extend([0.0, cut]);
            stop.extend([cut, t]);
            event.extend([false, e]);
            source.extend([i, i]);
            late.extend([0.0, 1.0]);
        } else {
            start.push(0.0);
            stop.push(t);
            event.push(e);
            source.push(i);
            late.push(0.0);
        }
    }
    let data = SurvivalData::counting(start, stop, event).expect("valid intervals");
    let mut columns: Vec<(String, Vec<f64>)> = x
        .names()
        .iter()
        .zip(x.matrix().column_iter())
        .map(|(name, col)| (name.clone(), source.iter().map(|&i| col[i]).collect()))
        .collect();
    columns.push(("late".to_string(), late));
    (data, Design::from_columns(columns).expect("valid design"))
}

fn bench_counting(c: &mut Criterion) {
    let benchmarking = std::env::args().any(|a| a == "--bench");
    let n = if benchmarking { 100_000 } else { 1_000 };
    let mut group = c.benchmark_group(format!("cox_counting/n={n}"));
    group.throughput(Throughput::Elements(n as u64));
    if benchmarking {
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(5));
    }
    let (data, x) = synthetic_counting(n, 5, 0xC0_0A7 ^ n as u64);
    for ties in [Ties::Efron, Ties::Breslow] {
        let model = CoxPh::new().ties(ties);
        group.bench_with_input(
            BenchmarkId::new(format!("fit_{}", ties.name()), "p=6"),
            &(&data, &x),
            |b, (data, x)| b.iter(|| black_box(model.fit(data, x).expect("fit"))),
        );
    }
    group.finish();
}

criterion_group!(benches, bench_fits, bench_counting);
criterion_main!(benches);
