//! One label coder for every grouping variable: strata, clusters and the groups of
//! Kaplan–Meier and the log-rank test (R's factor levels).
//!
//! [`Levels::new`] codes each row's label by the rank of its level among the distinct
//! levels, in R's order:
//!
//! * **numeric labels in numeric order.** When every distinct label reads as a finite
//!   number (Rust's `f64` parser: `3`, `-1.5`, `2e3`), the labels are numbers, as R reads
//!   such a column from a file, and the levels are sorted by value: `"1"`, `"10"`, `"2"` sort
//!   `1, 2, 10`. Labels with the same value (`"1"` and `"1.0"`) are one level, labelled as the
//!   number prints (`1`); integer labels (`i64`, `u32`, …) are numbers too.
//! * **text labels in byte order.** Otherwise (one label that is not a finite number is
//!   enough, e.g. `"NA"`, `"Inf"` or `"stage II"`) the labels are text, sorted by their bytes
//!   as R's C locale sorts them: upper case before lower case (`"B" < "a"`), `"10" < "2"`.
//!
//! The decision is taken over the distinct labels only, so coding costs one
//! `O(n log L)` pass for `L` distinct labels, however long the labels are.
//!
//! ```
//! use oncostat::Levels;
//! let numeric = Levels::new(&["10", "2", "1", "2"]);
//! assert_eq!(numeric.labels(), ["1", "2", "10"]);
//! assert_eq!(numeric.codes(), [2, 1, 0, 1]);
//! assert!(numeric.is_numeric());
//!
//! let text = Levels::new(&["b", "B", "a", "10", "2"]);
//! assert_eq!(text.labels(), ["10", "2", "B", "a", "b"]);
//! assert_eq!(text.codes(), [4, 2, 3, 0, 1]);
//! assert!(!text.is_numeric());
//! ```

use std::cmp::Ordering;
use std::collections::BTreeSet;

use crate::Result;

/// Labels coded as levels: the distinct labels in R's order (numbers numerically, text in
/// byte order; see the [module docs](self)) and each row's level code.
///
/// ```
/// use oncostat::Levels;
/// let ecog = Levels::new(&[2, 0, 1, 0]);
/// assert_eq!(ecog.labels(), ["0", "1", "2"]);
/// assert_eq!(ecog.codes(), [2, 0, 1, 0]);
/// assert_eq!(ecog.n_levels(), 3);
/// assert_eq!(ecog.code_of("1"), Some(1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Levels {
    labels: Vec<String>,
    codes: Vec<usize>,
    numeric: bool,
}

/// A distinct label as it sorts: by value if every label is a number, else by its text.
enum Key {
    Number(f64),
    Text(String),
}

impl Levels {
    /// Codes `labels` (one per row) as levels; see the [module docs](self) for the order.
    ///
    /// ```
    /// use oncostat::Levels;
    /// let arm = Levels::new(&["placebo".to_string(), "drug".to_string()]);
    /// assert_eq!(arm.labels(), ["drug", "placebo"]);
    /// assert_eq!(arm.codes(), [1, 0]);
    /// ```
    pub fn new<T: Ord + ToString>(labels: &[T]) -> Levels {
        // few distinct labels (arms, strata, ECOG): one pass with a short linear search
        if let Some((distinct, mut codes)) = few_levels(labels) {
            let (labels_out, rank, numeric) = rank_distinct(&distinct);
            for c in &mut codes {
                *c = rank[*c];
            }
            return Levels {
                labels: labels_out,
                codes,
                numeric,
            };
        }
        let mut set: BTreeSet<&T> = BTreeSet::new();
        let mut last: Option<&T> = None;
        for label in labels {
            // runs of equal labels are common: skip the tree lookup for them
            if last != Some(label) {
                set.insert(label);
                last = Some(label);
            }
        }
        let distinct: Vec<&T> = set.into_iter().collect();
        let (labels_out, rank, numeric) = rank_distinct(&distinct);
        let codes = labels
            .iter()
            .map(|l| distinct.binary_search(&l).map_or(0, |k| rank[k]))
            .collect();
        Levels {
            labels: labels_out,
            codes,
            numeric,
        }
    }

    /// Codes numeric labels (one per row) in numeric order, labelled as the numbers print
    /// (`1`, `0.5`).
    ///
    /// ```
    /// use oncostat::Levels;
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let dose = Levels::from_numbers(&[10.0, 2.5, 10.0])?;
    /// assert_eq!(dose.labels(), ["2.5", "10"]);
    /// assert_eq!(dose.codes(), [1, 0, 1]);
    /// assert!(Levels::from_numbers(&[1.0, f64::NAN]).is_err());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::NonFinite`](crate::Error::NonFinite) (naming the 1-based row) for a label that is NaN or infinite.
    pub fn from_numbers(labels: &[f64]) -> Result<Levels> {
        crate::design::check_finite("label", labels)?;
        let mut distinct: Vec<f64> = labels.iter().map(|x| x + 0.0).collect();
        distinct.sort_unstable_by(f64::total_cmp);
        distinct.dedup_by(|a, b| a.total_cmp(b).is_eq());
        let codes = labels
            .iter()
            .map(|x| {
                distinct
                    .binary_search_by(|d| d.total_cmp(&(x + 0.0)))
                    .unwrap_or(0)
            })
            .collect();
        Ok(Levels {
            labels: distinct.iter().map(|x| format!("{x}")).collect(),
            codes,
            numeric: true,
        })
    }

    /// Codes text labels (one per row) in byte order (R's C locale) even when every label
    /// reads as a number: the levels of a text column, whose values R keeps as text
    /// (`"10" < "2"`).
    ///
    /// ```
    /// use oncostat::Levels;
    /// let l = Levels::text(&["2", "10", "B", "a"]);
    /// assert_eq!(l.labels(), ["10", "2", "B", "a"]);
    /// assert_eq!(l.codes(), [1, 0, 2, 3]);
    /// assert!(!l.is_numeric());
    /// ```
    pub fn text<T: AsRef<str>>(labels: &[T]) -> Levels {
        let mut distinct: Vec<&str> = labels.iter().map(AsRef::as_ref).collect();
        distinct.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        distinct.dedup();
        let codes = labels
            .iter()
            .map(|l| {
                distinct
                    .binary_search_by(|d| d.as_bytes().cmp(l.as_ref().as_bytes()))
                    .unwrap_or(0)
            })
            .collect();
        Levels {
            labels: distinct.iter().map(|d| d.to_string()).collect(),
            codes,
            numeric: false,
        }
    }

    /// Levels already coded elsewhere in R's order (the model frame codes a million rows
    /// through their few distinct labels): `labels[k]` is level `k`, `codes` one per row.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`](crate::Error::DimensionMismatch) if a code is not a level.
    pub(crate) fn from_codes(labels: Vec<String>, codes: Vec<usize>) -> Result<Levels> {
        if let Some(&bad) = codes.iter().find(|&&c| c >= labels.len()) {
            return Err(crate::Error::mismatch("level code", labels.len(), bad + 1));
        }
        let numeric = labels
            .iter()
            .all(|l| l.parse::<f64>().is_ok_and(f64::is_finite));
        Ok(Levels {
            labels,
            codes,
            numeric,
        })
    }

    /// The levels' labels in level order (code `k` is `labels()[k]`).
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Each row's level code, `0..n_levels()`.
    pub fn codes(&self) -> &[usize] {
        &self.codes
    }

    /// Number of distinct levels.
    pub fn n_levels(&self) -> usize {
        self.labels.len()
    }

    /// Number of coded rows.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// `true` if no rows were coded.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// `true` if the labels were read as numbers (numeric order), `false` for text.
    pub fn is_numeric(&self) -> bool {
        self.numeric
    }

    /// The code of the level labelled `label`, if there is one. Numeric levels also match
    /// by value (`"1.0"` finds the level `1`).
    pub fn code_of(&self, label: &str) -> Option<usize> {
        if let Some(k) = self.labels.iter().position(|l| l == label) {
            return Some(k);
        }
        if self.numeric {
            let x: f64 = label.parse().ok()?;
            return self.labels.iter().position(|l| {
                l.parse::<f64>()
                    .is_ok_and(|v| v.total_cmp(&(x + 0.0)).is_eq())
            });
        }
        None
    }

    /// The labels and the codes, taken apart.
    pub fn into_parts(self) -> (Vec<String>, Vec<usize>) {
        (self.labels, self.codes)
    }
}

/// The sorted, merged labels of `keys` and the level of each key.
/// At most this many distinct labels are coded by [`few_levels`].
const FEW_LEVELS: usize = 16;

/// The distinct labels in the order first seen and each row's index among them, by a linear
/// search over at most [`FEW_LEVELS`] labels; `None` when there are more. Equal labels (by
/// `Ord`) are one, represented by the first seen, as a `BTreeSet` keeps them.
fn few_levels<T: Ord>(labels: &[T]) -> Option<(Vec<&T>, Vec<usize>)> {
    let mut distinct: Vec<&T> = Vec::new();
    let mut index = Vec::with_capacity(labels.len());
    let mut last: Option<(&T, usize)> = None;
    for label in labels {
        let k = match last {
            Some((l, k)) if l.cmp(label).is_eq() => k,
            _ => {
                let k = match distinct.iter().position(|d| d.cmp(&label).is_eq()) {
                    Some(k) => k,
                    None if distinct.len() < FEW_LEVELS => {
                        distinct.push(label);
                        distinct.len() - 1
                    }
                    None => return None,
                };
                last = Some((label, k));
                k
            }
        };
        index.push(k);
    }
    Some((distinct, index))
}

/// The levels of the distinct labels (in any order): R's labels in order, the rank of each
/// distinct label and whether they are numbers (see the [module docs](self)).
fn rank_distinct<T: ToString>(distinct: &[&T]) -> (Vec<String>, Vec<usize>, bool) {
    let texts: Vec<String> = distinct.iter().map(|l| l.to_string()).collect();
    let numbers: Option<Vec<f64>> = texts
        .iter()
        .map(|t| t.parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect();
    let numeric = numbers.is_some();
    let keys: Vec<Key> = match numbers {
        // -0 and 0 are one level
        Some(xs) => xs.into_iter().map(|x| Key::Number(x + 0.0)).collect(),
        None => texts.into_iter().map(Key::Text).collect(),
    };
    let (labels, rank) = rank_keys(keys);
    (labels, rank, numeric)
}

fn rank_keys(keys: Vec<Key>) -> (Vec<String>, Vec<usize>) {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    let cmp = |a: &Key, b: &Key| match (a, b) {
        (Key::Number(x), Key::Number(y)) => x.total_cmp(y),
        (Key::Text(x), Key::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
        _ => Ordering::Equal, // never mixed: all numbers or all text
    };
    order.sort_by(|&a, &b| cmp(&keys[a], &keys[b]));
    let mut rank = vec![0; keys.len()];
    let mut labels: Vec<String> = Vec::new();
    let mut prev: Option<usize> = None;
    for &k in &order {
        if prev.is_none_or(|p| cmp(&keys[p], &keys[k]).is_ne()) {
            labels.push(match &keys[k] {
                Key::Number(x) => format!("{x}"),
                Key::Text(t) => t.clone(),
            });
            prev = Some(k);
        }
        rank[k] = labels.len() - 1;
    }
    (labels, rank)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_and_many_levels_code_alike() {
        // 16 distinct labels, then a 17th at the very end: the tree path
        let mut many: Vec<String> = (0..1000).map(|i| format!("{}", (i * 7) % 16)).collect();
        many.push("1.0e1".to_string());
        many.push("x".to_string());
        let few = &many[..1000];
        let (a, b) = (Levels::new(few), Levels::new(&many));
        assert!(a.is_numeric() && !b.is_numeric());
        assert_eq!(a.labels().len(), 16);
        assert_eq!(b.labels().len(), 18);
        for (i, label) in few.iter().enumerate() {
            assert_eq!(a.labels()[a.codes()[i]], *label);
            assert_eq!(b.labels()[b.codes()[i]], *label);
        }
        assert_eq!(b.labels()[b.codes()[1001]], "x");
        // "10" and "1.0e1" are one number level on the few path too
        let merged = Levels::new(&["10", "2", "1.0e1"]);
        assert_eq!(merged.labels(), ["2", "10"]);
        assert_eq!(merged.codes(), [1, 0, 1]);
    }

    #[test]
    fn numbers_sort_by_value_and_merge_equal_values() {
        let l = Levels::new(&["1.0", "10", "2", "1", "-0", "0"]);
        assert_eq!(l.labels(), ["0", "1", "2", "10"]);
        assert_eq!(l.codes(), [1, 3, 2, 1, 0, 0]);
        assert_eq!(l.code_of("10.0"), Some(3));
        assert_eq!(l.code_of("3"), None);
    }

    #[test]
    fn one_non_number_makes_text_in_byte_order() {
        let l = Levels::new(&["2", "10", "NA", "Z", "a", "É"]);
        assert_eq!(l.labels(), ["10", "2", "NA", "Z", "a", "É"]);
        assert!(!l.is_numeric());
        assert_eq!(Levels::new(&["1", "Inf"]).labels(), ["1", "Inf"]);
    }

    #[test]
    fn integers_and_floats_agree() {
        let ints = Levels::new(&[10_i64, -2, 3, 10]);
        let floats = Levels::from_numbers(&[10.0, -2.0, 3.0, 10.0]).unwrap();
        assert_eq!(ints, floats);
        assert!(Levels::new::<&str>(&[]).is_empty());
    }
}
