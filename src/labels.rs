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
        let coded =
            Levels::code_numbers::<usize, _, _>(labels, 0..labels.len(), std::iter::empty());
        Ok(Levels {
            labels: coded.values.iter().map(|&x| number_text(x)).collect(),
            codes: coded.codes,
            numeric: true,
        })
    }

    /// Codes the numbers `values[i]` of `rows` as levels in one pass over them: the distinct
    /// values in numeric order (`-0` as `0`) and each row's level code, in `rows`' order.
    /// The `extra` rows add their values to the levels without a code (R's `factor(x)` in
    /// `coxph` keeps the levels of the rows `na.omit` drops); NaN among them is skipped.
    /// The values of `rows` must not be NaN.
    ///
    /// Whole numbers in `0..1024` (ECOG, stage, centre numbers) are marked in a table and each
    /// row keeps its small index, which a pass over the codes alone turns into the level
    /// (none when the levels are `0, 1, …`, a subtraction when they are `a, a + 1, …`, else a
    /// table); a column with any other value is read again, those values searched among the
    /// few seen (hashed past 64) and coded by a binary search.
    pub(crate) fn code_numbers<C, I, J>(values: &[f64], rows: I, extra: J) -> NumberLevels<C>
    where
        C: LevelCode,
        I: Iterator<Item = usize> + Clone,
        J: Iterator<Item = usize>,
    {
        let mut seen = Seen::new();
        // first as if every value were a small whole number (one add, a mask and a table
        // mark a row, and a check by bits: the index read back as a number is `x`); if one
        // is not, the rows are read again with a test per row
        let mut check = 0u64;
        let mut codes: Vec<C> = rows
            .clone()
            .map(|i| {
                let x = values[i];
                let y = x + SHIFT;
                let k = (y.to_bits() as usize) & (SMALL - 1);
                seen.small[k] = true;
                // k is x exactly when x is a whole number in 0..SMALL (NaN, -0, 2.5, 1025
                // and -1 give another number or other bits)
                check |= (k as f64).to_bits() ^ x.to_bits();
                C::of(k)
            })
            .collect();
        if check != 0 {
            seen = Seen::new();
            for (c, i) in codes.iter_mut().zip(rows.clone()) {
                *c = C::of(seen.mark(values[i] + 0.0));
            }
        }
        for i in extra {
            seen.mark(values[i] + 0.0);
        }
        let (small, others) = (seen.small, seen.others);
        let any_other = !others.distinct.is_empty();
        let mut sorted = others.distinct;
        sorted.extend((0..SMALL).filter(|&k| small[k]).map(|k| k as f64));
        sorted.sort_unstable_by(f64::total_cmp);
        // the level of each small index (and of the marker SMALL: a value looked up below)
        let mut table = [usize::MAX; SMALL + 1];
        for (r, &x) in sorted.iter().enumerate() {
            let (k, whole) = small_bits(x);
            if whole {
                table[k] = r;
            }
        }
        // levels a, a + 1, ..., a + L - 1 (ECOG 0..4, centres 1..20): level = index - a
        let first = sorted.first().map_or(0, |&x| small_bits(x).0);
        let consecutive = !any_other
            && sorted
                .iter()
                .enumerate()
                .all(|(r, &x)| small_bits(x).0 == first + r);
        if any_other {
            for (c, i) in codes.iter_mut().zip(rows) {
                let k = table[c.index()];
                *c = C::of(if k == usize::MAX {
                    let x = values[i] + 0.0;
                    sorted.binary_search_by(|d| d.total_cmp(&x)).unwrap_or(0)
                } else {
                    k
                });
            }
        } else if !consecutive {
            for c in &mut codes {
                *c = C::of(table[c.index()]);
            }
        } else if first > 0 {
            for c in &mut codes {
                *c = C::of(c.index() - first);
            }
        }
        NumberLevels {
            values: sorted,
            codes,
        }
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

/// A level code as stored: `u32` for a design's factors (four bytes a row), `usize` for
/// strata and clusters (the survival data's codes).
pub(crate) trait LevelCode: Copy {
    /// The code of level `k` (levels are distinct values of at most `u32::MAX` rows).
    fn of(k: usize) -> Self;
    /// The level.
    fn index(self) -> usize;
}

impl LevelCode for u32 {
    fn of(k: usize) -> u32 {
        k as u32
    }
    fn index(self) -> usize {
        self as usize
    }
}

impl LevelCode for usize {
    fn of(k: usize) -> usize {
        k
    }
    fn index(self) -> usize {
        self
    }
}

/// Numbers coded as levels by [`Levels::code_numbers`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NumberLevels<C> {
    /// The distinct values in numeric order (`-0` as `0`): level `k` is `values[k]`.
    pub(crate) values: Vec<f64>,
    /// Each row's level code.
    pub(crate) codes: Vec<C>,
}

/// Whole numbers below this are coded by table by [`Levels::code_numbers`].
const SMALL: usize = 1024;

/// 2^52: `x + SHIFT` holds a whole `x` in `0..2^52` in its low mantissa bits.
const SHIFT: f64 = 4_503_599_627_370_496.0;

/// A table index below `SMALL` for `x`, and whether `x` is the whole number it indexes.
/// Without a branch: 2^52 + x rounds x (0 <= x < 2^52) to a whole number held in the low
/// mantissa bits, exactly when x is whole, so the index is an add and a mask and the test
/// two integer compares: `x` in `0..SMALL` (the bits of non-negative numbers order as their
/// values; a negative number, `-0` or NaN has larger bits) and `y - 2^52` giving `x` back
/// bit for bit (not `fract()`, a libm call per row, nor a saturating `as usize` cast, a
/// dozen instructions).
fn small_bits(x: f64) -> (usize, bool) {
    let y = x + SHIFT;
    let k = (y.to_bits() as usize) & (SMALL - 1);
    let whole = (x.to_bits() < (SMALL as f64).to_bits()) & ((y - SHIFT).to_bits() == x.to_bits());
    (k, whole)
}

/// The values seen by [`Levels::code_numbers`]: the small whole numbers marked in a table,
/// the others kept in the order first seen.
struct Seen {
    small: [bool; SMALL],
    others: Others,
}

impl Seen {
    fn new() -> Seen {
        Seen {
            small: [false; SMALL],
            others: Others::default(),
        }
    }

    /// Notes `x` (not `-0`): its small index, or `SMALL` if it is not a small whole number.
    fn mark(&mut self, x: f64) -> usize {
        let (k, whole) = small_bits(x);
        if whole {
            self.small[k] = true;
            k
        } else {
            self.others.note(x);
            SMALL
        }
    }
}

/// The distinct values that are not small whole numbers, in the order first seen: a linear
/// search over the first 64, a hash set of their bits past that.
#[derive(Default)]
struct Others {
    distinct: Vec<f64>,
    seen: std::collections::HashSet<u64>,
    last: Option<f64>,
}

impl Others {
    fn note(&mut self, x: f64) {
        // runs of one value are common; NaN (a missing cell) is no level
        if x.is_nan() || self.last.is_some_and(|l| l.total_cmp(&x).is_eq()) {
            return;
        }
        self.last = Some(x);
        let new = if self.distinct.len() <= 64 {
            !self.distinct.iter().any(|d| d.total_cmp(&x).is_eq())
        } else {
            if self.seen.is_empty() {
                self.seen.extend(self.distinct.iter().map(|d| d.to_bits()));
            }
            self.seen.insert(x.to_bits())
        };
        if new {
            self.distinct.push(x);
        }
    }
}

/// The sorted, merged labels of `keys` and the level of each key.
/// At most this many distinct labels are coded by [`few_levels`].
const FEW_LEVELS: usize = 16;

/// Up to this many known labels, [`few_levels`] compares each row with all of them instead of
/// branching on a change of label.
const FEW_SCANNED: usize = 4;

/// The distinct labels in the order first seen and each row's index among them, by a linear
/// search over at most [`FEW_LEVELS`] labels; `None` when there are more. Equal labels (by
/// `Ord`) are one, represented by the first seen, as a `BTreeSet` keeps them.
fn few_levels<T: Ord>(labels: &[T]) -> Option<(Vec<&T>, Vec<usize>)> {
    let Some(first) = labels.first() else {
        return Some((Vec::new(), Vec::new()));
    };
    let mut distinct: Vec<&T> = vec![first];
    // zeroed by the allocator, then one store a row; runs of equal labels keep their index
    let mut index = vec![0usize; labels.len()];
    let (mut last, mut k) = (first, 0);
    for (slot, label) in index.iter_mut().zip(labels) {
        if distinct.len() <= FEW_SCANNED {
            // a scan of every known label, without a branch on the label (a random arm
            // would mispredict one in two rows): the only equal one gives the index
            let mut found = usize::MAX;
            for (j, d) in distinct.iter().enumerate() {
                found = if d.cmp(&label).is_eq() { j } else { found };
            }
            if found != usize::MAX {
                *slot = found;
                continue;
            }
        }
        if last.cmp(label).is_ne() {
            k = match distinct.iter().position(|d| d.cmp(&label).is_eq()) {
                Some(k) => k,
                None if distinct.len() < FEW_LEVELS => {
                    distinct.push(label);
                    distinct.len() - 1
                }
                None => return None,
            };
            last = label;
        }
        *slot = k;
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
                Key::Number(x) => number_text(*x),
                Key::Text(t) => t.clone(),
            });
            prev = Some(k);
        }
        rank[k] = labels.len() - 1;
    }
    (labels, rank)
}

/// A number as a label or a cell written back: the shortest text that reads back as `x`
/// (`2.5`, `10`), in scientific notation where fixed notation would be a long run of
/// digits (`1.7178355416916034e252`, not its 253-digit expansion; `1e-300`, not 300 zeros:
/// issue 19, found by fuzzing).
pub(crate) fn number_text(x: f64) -> String {
    let a = x.abs();
    if a != 0.0 && a.is_finite() && !(1e-4..1e16).contains(&a) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
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
    fn small_bits_index_whole_numbers_below_the_table_size() {
        for (x, k) in [(0.0, 0), (1.0, 1), (7.0, 7), (1023.0, 1023)] {
            assert_eq!(small_bits(x), (k, true), "{x}");
        }
        for x in [
            1024.0,
            2.5,
            1e-300,
            1023.999,
            -1.0,
            -0.0,
            f64::NAN,
            f64::INFINITY,
        ] {
            assert!(!small_bits(x).1, "{x}");
        }
    }

    #[test]
    fn numbers_coded_in_one_pass_as_by_a_sort() {
        // small whole numbers, others, -0, runs, and extra rows that add levels only
        let v = [
            3.0,
            1.0,
            3.0,
            3.0,
            -0.0,
            0.0,
            2.5,
            1e6,
            2.5,
            1.0,
            f64::NAN,
            7.0,
            -4.0,
            1024.0,
        ];
        let rows = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        let coded =
            Levels::code_numbers::<u32, _, _>(&v, rows.iter().copied(), [10, 11].into_iter());
        assert_eq!(coded.values, [0.0, 1.0, 2.5, 3.0, 7.0, 1e6]);
        assert_eq!(coded.codes, [3, 1, 3, 3, 0, 0, 2, 5, 2, 1]);
        let all =
            Levels::code_numbers::<usize, _, _>(&v, [12, 13, 4, 1].into_iter(), std::iter::empty());
        assert_eq!(all.values, [-4.0, 0.0, 1.0, 1024.0]);
        assert_eq!(all.codes, [0, 3, 1, 2]);
        // levels 0, 1, ...: the small indices are the codes
        let ecog =
            Levels::code_numbers::<u32, _, _>(&[2.0, 0.0, 1.0, 0.0], 0..4, std::iter::empty());
        assert_eq!(ecog.codes, [2, 0, 1, 0]);
        // levels 1, 2, 3: the index less one; 1, 3, 7: by table; -0 is 0 (read again)
        let inst = Levels::code_numbers::<usize, _, _>(&[3.0, 1.0, 2.0], 0..3, std::iter::empty());
        assert_eq!(
            (inst.values, inst.codes),
            (vec![1.0, 2.0, 3.0], vec![2, 0, 1])
        );
        let gaps =
            Levels::code_numbers::<u32, _, _>(&[7.0, 1.0, 3.0, 7.0], 0..4, std::iter::empty());
        assert_eq!(
            (gaps.values, gaps.codes),
            (vec![1.0, 3.0, 7.0], vec![2, 0, 1, 2])
        );
        let zero = Levels::code_numbers::<u32, _, _>(&[-0.0, 1.0, 0.0], 0..3, std::iter::empty());
        assert_eq!(zero.values[0].to_bits(), 0);
        assert_eq!((zero.values, zero.codes), (vec![0.0, 1.0], vec![0, 1, 0]));
        // more than 64 values that are not small whole numbers: hashed
        let many: Vec<f64> = (0..200).map(|i| f64::from((i * 37) % 100) + 0.5).collect();
        let coded = Levels::code_numbers::<usize, _, _>(&many, 0..200, std::iter::empty());
        assert_eq!(coded.values.len(), 100);
        for (i, &c) in coded.codes.iter().enumerate() {
            assert_eq!(coded.values[c].total_cmp(&many[i]), Ordering::Equal);
        }
    }

    #[test]
    fn integers_and_floats_agree() {
        let ints = Levels::new(&[10_i64, -2, 3, 10]);
        let floats = Levels::from_numbers(&[10.0, -2.0, 3.0, 10.0]).unwrap();
        assert_eq!(ints, floats);
        assert!(Levels::new::<&str>(&[]).is_empty());
    }
}
