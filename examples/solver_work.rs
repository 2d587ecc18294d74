//! Fixed workloads of the regression solvers for instruction counts (BENCHMARKS.md, "One
//! engine"): the data generators of `benches/cox.rs` and `benches/logistic.rs`, fitted `reps`
//! times.
//!
//! ```text
//! cargo build --release --example solver_work
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     ./target/release/examples/solver_work <cox|coxentry|km|kmentry|glm|firth|firthcox> n p reps
//! ```
//! `coxentry` and `kmentry` give every row a delayed entry (`start` = a uniform fraction of
//! its time, counting-process data): the departure walk of the risk sets and, for the Cox
//! model, of its concordance; `km` and `kmentry` ignore `p`.
use oncostat::{
    BinaryOutcome, CoxPh, Design, FirthCoxPh, FirthRegression, KaplanMeier, LogisticRegression,
    SurvivalData, Ties,
};
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
fn cox_synthetic(n: usize, p: usize, seed: u64) -> (SurvivalData, Design) {
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

/// x ~ N(0, 1) (xorshift + Box–Muller); logit P(y = 1) = −0.5 + Σ_j 0.4·(−1)^j/(1 + j/4)·x_j.
fn logit_synthetic(n: usize, k: usize, seed: u64) -> (Design, BinaryOutcome) {
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

/// [`cox_synthetic`] with a delayed entry for every row: `start = u · time`, u uniform.
fn with_entry(data: &SurvivalData, seed: u64) -> SurvivalData {
    let mut rng = SplitMix(seed);
    let start = data.time().iter().map(|t| rng.uniform() * t).collect();
    SurvivalData::counting(start, data.time().to_vec(), data.event().to_vec())
        .expect("start < stop")
}

/// `solver_work <cox|coxentry|km|kmentry|glm|firth|firthcox> n p reps` (p includes the
/// intercept for glm/firth).
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let (n, p, reps): (usize, usize, usize) = (
        a[2].parse().unwrap(),
        a[3].parse().unwrap(),
        a[4].parse().unwrap(),
    );
    let mut sink = 0.0;
    match a[1].as_str() {
        "cox" => {
            let (data, x) = cox_synthetic(n, p, 0x5EED ^ (n as u64) ^ ((p as u64) << 40));
            for _ in 0..reps {
                sink += CoxPh::new()
                    .ties(Ties::Efron)
                    .fit(&data, &x)
                    .unwrap()
                    .coefficients()[0];
            }
        }
        "coxentry" => {
            let (data, x) = cox_synthetic(n, p, 0x5EED ^ (n as u64) ^ ((p as u64) << 40));
            let data = with_entry(&data, 7);
            for _ in 0..reps {
                sink += CoxPh::new()
                    .ties(Ties::Efron)
                    .fit(&data, &x)
                    .unwrap()
                    .coefficients()[0];
            }
        }
        "km" | "kmentry" => {
            let (data, _) = cox_synthetic(n, 1, 0x5EED ^ (n as u64));
            let data = if a[1] == "kmentry" {
                with_entry(&data, 7)
            } else {
                data
            };
            for _ in 0..reps {
                sink += KaplanMeier::new().fit(&data).unwrap().survival()[0];
            }
        }
        "glm" => {
            let (x, y) = logit_synthetic(n, p, 42);
            for _ in 0..reps {
                sink += LogisticRegression::new()
                    .fit(&x, &y)
                    .unwrap()
                    .coefficients()[0];
            }
        }
        "firth" => {
            let (x, y) = logit_synthetic(n, p, 42);
            for _ in 0..reps {
                sink += FirthRegression::new().fit(&x, &y).unwrap().coefficients()[0];
            }
        }
        _ => {
            let (data, x) = cox_synthetic(n, p, 0x5EED ^ (n as u64) ^ ((p as u64) << 40));
            for _ in 0..reps {
                sink += FirthCoxPh::new().fit(&data, &x).unwrap().coefficients()[0];
            }
        }
    }
    println!("{sink}");
}
