//! Times the full Firth workflow (fit + profile penalized CI and penalized LR test for every
//! coefficient) on seeded synthetic data, and optionally writes the data as CSV so other
//! implementations (firthmodels, logistf) can be timed on the same rows.
//!
//! ```text
//! [FIRTH_THREADS=1] cargo run --release --example firth_timing -- N K [REPS] [out.csv]
//! ```
//! K covariates plus the intercept; FIRTH_THREADS caps the worker threads (0 = all cores).

use std::time::Instant;

use oncostat::{BinaryOutcome, Design, FirthRegression};

/// Deterministic data: x ~ N(0, 1) (xorshift + Box–Muller), logit P(y = 1) = −0.5 + Σ_j b_j x_j
/// with b_j = 0.4·(−1)^j / (1 + j/4).
pub fn synthetic(n: usize, k: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<f64>) {
    let mut s = seed.max(1);
    let mut unif = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    let mut cols = vec![vec![0.0; n]; k];
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
    (cols, y)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().map_or(Ok(5000), |a| a.parse())?;
    let k: usize = args.get(1).map_or(Ok(19), |a| a.parse())?;
    let reps: usize = args.get(2).map_or(Ok(5), |a| a.parse())?;
    let threads: usize = std::env::var("FIRTH_THREADS").map_or(Ok(0), |v| v.parse())?;
    let (cols, y) = synthetic(n, k, 42);
    if let Some(path) = args.get(3) {
        let mut out = String::from("y");
        for j in 0..k {
            out.push_str(&format!(",x{}", j + 1));
        }
        out.push('\n');
        for i in 0..n {
            out.push_str(&format!("{}", y[i]));
            for col in &cols {
                out.push_str(&format!(",{:.17e}", col[i]));
            }
            out.push('\n');
        }
        std::fs::write(path, out)?;
    }
    let x = Design::from_columns(
        cols.iter()
            .enumerate()
            .map(|(j, c)| (format!("x{}", j + 1), c.clone())),
    )?
    .with_intercept();
    let yb = BinaryOutcome::new(&y)?;
    let mut best = f64::INFINITY;
    let mut best_fit = f64::INFINITY;
    for _ in 0..reps {
        let t = Instant::now();
        let fit = FirthRegression::new().threads(threads).fit(&x, &yb)?;
        best_fit = best_fit.min(t.elapsed().as_secs_f64());
        let cis = fit.conf_int(0.95)?;
        let tests = fit.penalized_lr_tests()?;
        best = best.min(t.elapsed().as_secs_f64());
        std::hint::black_box((cis, tests));
    }
    println!(
        "n={n} k={} (with intercept): fit {:.4} s, fit + all PL CIs + all PLR tests {:.4} s (best of {reps})",
        k + 1,
        best_fit,
        best
    );
    Ok(())
}
