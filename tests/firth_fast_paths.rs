//! The shortcuts of the Firth workflow (predicted starts of profile bounds and restricted
//! fits, restricted fits finished by the quadratic model of their last step) must give the
//! same numbers as tightly converged iterations: profile bounds within 1e-10, penalized LR
//! statistics within 1e-8 (absolute).

use oncostat::{BinaryOutcome, Design, FirthRegression};

/// Deterministic design (xorshift + Box–Muller) with logit P(y = 1) = −0.4 + Σ 0.5(−1)^j x_j/(1 + j).
fn data(n: usize, k: usize, seed: u64) -> (Design, BinaryOutcome) {
    let mut s = seed;
    let mut unif = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    let mut cols = vec![vec![0.0; n]; k];
    let mut y = vec![0.0; n];
    for i in 0..n {
        let mut eta = -0.4;
        for (j, col) in cols.iter_mut().enumerate() {
            let z = (-2.0 * unif().ln()).sqrt() * (2.0 * std::f64::consts::PI * unif()).cos();
            col[i] = z;
            let sign = if j % 2 == 0 { 0.5 } else { -0.5 };
            eta += sign / (1.0 + j as f64) * z;
        }
        y[i] = f64::from(u8::from(unif() < 1.0 / (1.0 + (-eta).exp())));
    }
    let x = Design::from_columns(
        cols.into_iter()
            .enumerate()
            .map(|(j, c)| (format!("x{}", j + 1), c)),
    )
    .expect("design")
    .with_intercept();
    (x, BinaryOutcome::new(&y).expect("outcome"))
}

#[test]
fn shortcuts_agree_with_tightly_converged_iterations() -> Result<(), oncostat::Error> {
    for (n, k, seed) in [(300, 6, 7), (142, 4, 11), (800, 8, 3)] {
        let (x, y) = data(n, k, seed);
        let fast = FirthRegression::new().threads(1).fit(&x, &y)?;
        let tight = FirthRegression::new()
            .threads(1)
            .xconv(1e-11)
            .gconv(1e-9)
            .lconv(1e-11)
            .fit(&x, &y)?;
        let (ci_fast, ci_tight) = (fast.conf_int(0.95)?, tight.conf_int(0.95)?);
        let (lr_fast, lr_tight) = (fast.penalized_lr_tests()?, tight.penalized_lr_tests()?);
        for j in 0..=k {
            assert!(
                (ci_fast[j].0 - ci_tight[j].0).abs() < 1e-10,
                "n={n} lower {j}"
            );
            assert!(
                (ci_fast[j].1 - ci_tight[j].1).abs() < 1e-10,
                "n={n} upper {j}"
            );
            let d = (lr_fast[j].statistic() - lr_tight[j].statistic()).abs();
            assert!(d < 1e-8, "n={n} PLR {j}: {d:e}");
        }
    }
    Ok(())
}
