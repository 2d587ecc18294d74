//! Properties of fits from formulas: permuting the rows, renaming factor levels and
//! reordering the formula's terms leave the fit unchanged (log-likelihood, coefficients by
//! name, term tests).

use oncostat::frame::{Column, Formula, Table};
use oncostat::{CoxPh, LogisticRegression};
use proptest::prelude::*;

fn lung() -> Table {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lung_formula.csv");
    Table::from_csv_path(path).expect("lung_formula.csv")
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-8 * b.abs().max(1.0),
        "{what}: {a} vs {b}"
    );
}

/// The table with the text column `name` relabelled by `f`.
fn relabel(t: &Table, name: &str, f: impl Fn(&str) -> String) -> Table {
    let cols = t.columns().map(|(n, c)| {
        let c = if n == name {
            Column::text((0..c.len()).map(|i| c.text_at(i).map(&f)))
        } else {
            c.clone()
        };
        (n.to_string(), c)
    });
    Table::from_columns(cols.collect::<Vec<_>>()).expect("table")
}

const COX: &str = "Surv(time, status) ~ age + sexc + factor(ph_ecog) + wt_loss:sexc + strata(inst)";

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn permuting_rows_leaves_the_fit_unchanged(seed in any::<u64>()) {
        let t = lung();
        let mut order: Vec<usize> = (0..t.nrows()).collect();
        // Fisher–Yates with a small LCG: a permutation per seed
        let mut s = seed | 1;
        for i in (1..order.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            order.swap(i, (s >> 33) as usize % (i + 1));
        }
        let p = t.select_rows(&order).expect("permuted");
        let f = Formula::parse(COX).expect("formula");
        let a = CoxPh::new().fit_formula(&f, &t).expect("fit");
        let b = CoxPh::new().fit_formula(&f, &p).expect("fit");
        close(a.loglik(), b.loglik(), "loglik");
        prop_assert_eq!(a.term_names(), b.term_names());
        for n in a.term_names() {
            close(a.coefficient(n).expect("a"), b.coefficient(n).expect("b"), n);
        }
        prop_assert_eq!(a.n_dropped(), b.n_dropped());
        let mut dropped: Vec<usize> = b.dropped_rows().iter().map(|&r| order[r - 1] + 1).collect();
        dropped.sort_unstable();
        prop_assert_eq!(a.dropped_rows(), dropped.as_slice());
        for (x, y) in a.term_tests().expect("a").iter().zip(b.term_tests().expect("b").iter()) {
            close(x.wald().statistic(), y.wald().statistic(), x.term());
            close(x.lr().map_or(0.0, |l| l.statistic()), y.lr().map_or(0.0, |l| l.statistic()), x.term());
        }
    }
}

#[test]
fn renaming_levels_leaves_the_fit_unchanged() {
    let t = lung();
    let f = Formula::parse(COX).expect("formula");
    let a = CoxPh::new().fit_formula(&f, &t).expect("fit");
    // order-preserving renaming: the same coefficients under new names
    let r = relabel(&t, "sexc", |s| format!("sex {s}"));
    let b = CoxPh::new().fit_formula(&f, &r).expect("fit");
    close(a.loglik(), b.loglik(), "loglik");
    close(
        a.coefficient("sexcmale").expect("a"),
        b.coefficient("sexcsex male").expect("b"),
        "sex",
    );
    // order-reversing renaming with the old reference chosen again: unchanged as well
    let r = relabel(&t, "sexc", |s| {
        if s == "male" { "A".into() } else { "Z".into() }
    });
    let b = CoxPh::new()
        .fit_formula(&f.clone().with_reference("sexc", "Z"), &r)
        .expect("fit");
    close(a.loglik(), b.loglik(), "loglik");
    close(
        a.coefficient("sexcmale").expect("a"),
        b.coefficient("sexcA").expect("b"),
        "sex",
    );
    close(
        a.coefficient("sexcmale:wt_loss").expect("a"),
        b.coefficient("sexcA:wt_loss").expect("b"),
        "interaction",
    );
    // a different reference: same likelihood and term tests, coefficient sign flips
    let c = CoxPh::new()
        .fit_formula(&f.clone().with_reference("sexc", "male"), &t)
        .expect("fit");
    close(a.loglik(), c.loglik(), "loglik");
    for (x, y) in a
        .term_tests()
        .expect("a")
        .iter()
        .zip(c.term_tests().expect("c").iter())
    {
        close(x.wald().statistic(), y.wald().statistic(), x.term());
    }
}

#[test]
fn reordering_terms_leaves_the_fit_unchanged() {
    let t = lung();
    let a = CoxPh::new()
        .fit_formula(
            &Formula::parse("Surv(time, status) ~ age + sexc + factor(ph_ecog)").expect("f"),
            &t,
        )
        .expect("fit");
    let b = CoxPh::new()
        .fit_formula(
            &Formula::parse("Surv(time, status) ~ factor(ph_ecog) + sexc + age").expect("f"),
            &t,
        )
        .expect("fit");
    close(a.loglik(), b.loglik(), "loglik");
    for n in a.term_names() {
        close(
            a.coefficient(n).expect("a"),
            b.coefficient(n).expect("b"),
            n,
        );
    }
    let x = LogisticRegression::new()
        .fit_formula(&Formula::parse("resp ~ age * sexc + grp").expect("f"), &t)
        .expect("fit");
    let y = LogisticRegression::new()
        .fit_formula(
            &Formula::parse("resp ~ grp + sexc:age + sexc + age").expect("f"),
            &t,
        )
        .expect("fit");
    close(x.deviance(), y.deviance(), "deviance");
    // R labels the interaction by the variables' first appearance: age:sexc vs sexc:age
    close(
        x.coefficient("age:sexcmale").expect("x"),
        y.coefficient("sexcmale:age").expect("y"),
        "interaction",
    );
    close(
        x.coefficient("grpa").expect("x"),
        y.coefficient("grpa").expect("y"),
        "grp",
    );
}
