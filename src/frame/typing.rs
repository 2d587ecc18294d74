//! Typing text cells one at a time as R's `read.csv` (`type.convert`) types a column, without
//! keeping a string per cell: the one typing rule of the crate, used by the CSV reader and by
//! [`Table::from_text_columns`](super::Table::from_text_columns).
//!
//! A column starts untyped; its first present cell makes it logical, numeric or text, and a
//! later cell that does not fit turns it into text (logical and numeric columns never mix:
//! R reads `TRUE` and `1` in one column as text). Numbers are stored as `f64`, logicals as
//! one byte, text as dictionary codes. So that a column turned text keeps its cells exactly as
//! written (`007`, `1.50`, `T`), a numeric column remembers how each number was written: the
//! number of decimals of a plain decimal of at most 15 significant digits (reproduced exactly
//! by formatting the `f64` with that many decimals; one byte per row, none while every row
//! has the same count) and the text itself for any other spelling (`1e-08`, `+3`, `007`,
//! `NaN`); a logical column remembers which spelling of `TRUE`/`FALSE` each cell used.

use std::borrow::Cow;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use super::table::{Column, MISSING, TextColumn};

/// Decimals code of a number kept with its text (not reproducible by formatting).
const RAW: u8 = u8::MAX;

/// The spellings R's `type.convert` reads as logical; the first four are `FALSE`.
const LOGICAL_SPELLINGS: [&str; 8] = ["FALSE", "F", "false", "False", "TRUE", "T", "true", "True"];

/// Logical spelling code of a missing cell.
const NO_SPELLING: u8 = u8::MAX;

/// Exact powers of ten (Clinger's fast path: `m / 10^d` is correctly rounded when `m < 2^53`).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `true` for a missing cell (already trimmed): empty or `NA`.
pub(crate) fn is_missing_bytes(cell: &[u8]) -> bool {
    cell.is_empty() || cell == b"NA"
}

/// The spelling code of a logical cell, `None` if it is not one.
fn logical_code(cell: &[u8]) -> Option<u8> {
    if cell.len() > 5 {
        return None;
    }
    LOGICAL_SPELLINGS
        .iter()
        .position(|s| s.as_bytes() == cell)
        .map(|p| p as u8)
}

/// Reads a number as R writes them (`12`, `-3.5`, `.5`, `1e-08`, `Inf`, `-Inf`, `NaN`):
/// the value and its decimals code (the number of decimals if formatting the value with
/// that many decimals gives back `cell` exactly, else [`RAW`]); `None` if `cell` is not a
/// number. `cell` is trimmed.
pub(crate) fn scan_number(cell: &[u8]) -> Option<(f64, u8)> {
    match cell {
        b"Inf" => return Some((f64::INFINITY, 0)),
        b"-Inf" => return Some((f64::NEG_INFINITY, 0)),
        b"+Inf" => return Some((f64::INFINITY, RAW)),
        b"NaN" => return Some((f64::NAN, RAW)),
        _ => {}
    }
    let (negative, plus, body) = match cell.first()? {
        b'-' => (true, false, &cell[1..]),
        b'+' => (false, true, &cell[1..]),
        _ => (false, false, cell),
    };
    let mut i = 0;
    let mut mantissa: u64 = 0;
    let mut significant = 0usize; // digits from the first non-zero one
    let int_start = i;
    while i < body.len() && body[i].is_ascii_digit() {
        let d = body[i] - b'0';
        if significant > 0 || d != 0 {
            significant += 1;
        }
        if significant <= 19 {
            mantissa = mantissa * 10 + u64::from(d);
        }
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0usize;
    let mut point = false;
    if i < body.len() && body[i] == b'.' {
        point = true;
        i += 1;
        while i < body.len() && body[i].is_ascii_digit() {
            let d = body[i] - b'0';
            if significant > 0 || d != 0 {
                significant += 1;
            }
            if significant <= 19 {
                mantissa = mantissa * 10 + u64::from(d);
            }
            frac_digits += 1;
            i += 1;
        }
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    let mut exponent = false;
    if i < body.len() && (body[i] == b'e' || body[i] == b'E') {
        exponent = true;
        i += 1;
        if i < body.len() && (body[i] == b'+' || body[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < body.len() && body[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if i != body.len() {
        return None;
    }
    let canonical = !plus
        && !exponent
        && int_digits >= 1
        && (int_digits == 1 || body[0] != b'0')
        && (!point || frac_digits >= 1)
        && significant <= 15
        && frac_digits < usize::from(RAW);
    if canonical && frac_digits < POW10.len() {
        // exact: mantissa < 10^15 < 2^53 and 10^d is exact
        let v = mantissa as f64 / POW10[frac_digits];
        return Some((if negative { -v } else { v }, frac_digits as u8));
    }
    let text = std::str::from_utf8(cell).ok()?;
    let v: f64 = text.parse().ok()?;
    Some((v, if canonical { frac_digits as u8 } else { RAW }))
}

/// A number as text: `d` decimals, `Inf`/`-Inf`, or the shortest text that reads back as
/// `v` (`d = RAW` without a kept spelling).
fn format_number(v: f64, d: u8) -> String {
    if v.is_infinite() {
        return if v > 0.0 { "Inf" } else { "-Inf" }.to_string();
    }
    if d == RAW {
        return crate::labels::number_text(v);
    }
    format!("{v:.*}", usize::from(d))
}

/// Decimals of each number of a column: one value while every row has the same.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Decimals {
    uniform: Option<u8>,
    per_row: Option<Vec<u8>>,
    len: usize,
}

impl Decimals {
    fn push(&mut self, d: Option<u8>) {
        if let Some(v) = &mut self.per_row {
            v.push(d.unwrap_or(0));
            return;
        }
        match (d, self.uniform) {
            (None, _) => {}
            (Some(d), None) => self.uniform = Some(d),
            (Some(d), Some(u)) if d == u => {}
            (Some(d), Some(u)) => {
                let mut v = Vec::with_capacity(self.len.saturating_mul(2).max(16));
                v.resize(self.len, u);
                v.push(d);
                self.per_row = Some(v);
                self.len += 1;
                return;
            }
        }
        self.len += 1;
    }

    fn get(&self, i: usize) -> u8 {
        match &self.per_row {
            Some(v) => v.get(i).copied().unwrap_or(RAW),
            None => self.uniform.unwrap_or(RAW),
        }
    }
}

/// Cells kept as written (rows in increasing order), all in one buffer.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Spellings {
    rows: Vec<usize>,
    ends: Vec<usize>,
    bytes: String,
}

impl Spellings {
    fn push(&mut self, row: usize, text: &str) {
        self.bytes.push_str(text);
        self.rows.push(row);
        self.ends.push(self.bytes.len());
    }

    fn get(&self, row: usize) -> Option<&str> {
        let k = self.rows.binary_search(&row).ok()?;
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        self.bytes.get(start..self.ends[k])
    }
}

/// How the cells of a column were written, when its values alone do not say it.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) enum Written {
    /// Nothing kept: text columns, and columns not read from text.
    #[default]
    Nothing,
    /// A numeric column: decimals per row, other spellings kept whole.
    Number {
        /// Decimals of each plain decimal number.
        decimals: Decimals,
        /// The other cells as written.
        spellings: Spellings,
    },
    /// A logical column: the spelling code of each row.
    Logical(Vec<u8>),
}

impl Written {
    /// The text of row `i` of `column` as written (trimmed), `None` if missing.
    pub(crate) fn cell<'a>(&'a self, column: &'a Column, i: usize) -> Option<Cow<'a, str>> {
        match (column, self) {
            (Column::Text(t), _) => t.get(i).map(Cow::Borrowed),
            (Column::Logical(v), Written::Logical(s)) => {
                v.get(i).copied().flatten()?;
                let code = usize::from(*s.get(i)?);
                LOGICAL_SPELLINGS.get(code).map(|s| Cow::Borrowed(*s))
            }
            (Column::Logical(v), _) => v
                .get(i)
                .copied()
                .flatten()
                .map(|b| Cow::Borrowed(if b { "TRUE" } else { "FALSE" })),
            (
                Column::Number(v),
                Written::Number {
                    decimals,
                    spellings,
                },
            ) => {
                let x = *v.get(i)?;
                let d = decimals.get(i);
                if (d == RAW || x.is_nan())
                    && let Some(s) = spellings.get(i)
                {
                    return Some(Cow::Borrowed(s));
                }
                (!x.is_nan()).then(|| Cow::Owned(format_number(x, d)))
            }
            (Column::Number(v), _) => v
                .get(i)
                .filter(|x| !x.is_nan())
                .map(|&x| Cow::Owned(format_number(x, RAW))),
        }
    }

    /// The written forms of the given rows, in that order.
    pub(crate) fn select(&self, rows: &[usize]) -> Written {
        match self {
            Written::Nothing => Written::Nothing,
            Written::Logical(s) => Written::Logical(rows.iter().map(|&i| s[i]).collect()),
            Written::Number {
                decimals,
                spellings,
            } => {
                let mut d = Decimals::default();
                let mut sp = Spellings::default();
                for (k, &i) in rows.iter().enumerate() {
                    d.push(Some(decimals.get(i)));
                    if let Some(s) = spellings.get(i) {
                        sp.push(k, s);
                    }
                }
                Written::Number {
                    decimals: d,
                    spellings: sp,
                }
            }
        }
    }
}

/// Dictionary codes by text, without a second copy of each text: open addressing over the
/// codes, keyed (against hash flooding) by a random hasher.
#[derive(Debug, Default)]
struct Interner {
    slots: Vec<u32>,
    hasher: RandomState,
}

impl Interner {
    fn code(&mut self, text: &str, dictionary: &mut Vec<String>) -> u32 {
        // a few labels (sex, arm): comparing is cheaper than hashing
        if dictionary.len() <= 8
            && let Some(c) = dictionary.iter().position(|d| d == text)
        {
            return c as u32;
        }
        if (dictionary.len() + 1) * 2 > self.slots.len() {
            self.grow(dictionary);
        }
        let mask = self.slots.len() - 1;
        let mut k = (self.hasher.hash_one(text) as usize) & mask;
        loop {
            let c = self.slots[k];
            if c == MISSING {
                let code = dictionary.len() as u32;
                dictionary.push(text.to_string());
                self.slots[k] = code;
                return code;
            }
            if dictionary[c as usize] == text {
                return c;
            }
            k = (k + 1) & mask;
        }
    }

    fn grow(&mut self, dictionary: &[String]) {
        let size = (self.slots.len() * 2).max(16);
        self.slots = vec![MISSING; size];
        let mask = size - 1;
        for (code, text) in dictionary.iter().enumerate() {
            let mut k = (self.hasher.hash_one(text.as_str()) as usize) & mask;
            while self.slots[k] != MISSING {
                k = (k + 1) & mask;
            }
            self.slots[k] = code as u32;
        }
    }
}

/// Why a cell could not be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellError {
    /// Not UTF-8 text.
    NotUtf8,
    /// More distinct texts than codes.
    TooManyLabels,
}

impl std::fmt::Display for CellError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CellError::NotUtf8 => f.write_str("not UTF-8 text"),
            CellError::TooManyLabels => f.write_str("more than 4294967294 different texts"),
        }
    }
}

#[derive(Debug)]
enum State {
    Empty,
    Logical(Vec<u8>),
    Number {
        values: Vec<f64>,
        decimals: Decimals,
        spellings: Spellings,
    },
    Text {
        codes: Vec<u32>,
        dictionary: Vec<String>,
        interner: Interner,
    },
}

/// One column being typed, a cell at a time (see the module docs).
#[derive(Debug)]
pub(crate) struct ColumnBuilder {
    state: State,
    rows: usize,
}

impl Default for ColumnBuilder {
    fn default() -> Self {
        ColumnBuilder {
            state: State::Empty,
            rows: 0,
        }
    }
}

impl ColumnBuilder {
    /// Adds the next cell (already trimmed).
    pub(crate) fn push(&mut self, cell: &[u8]) -> Result<(), CellError> {
        let row = self.rows;
        if is_missing_bytes(cell) {
            match &mut self.state {
                State::Empty => {}
                State::Logical(v) => v.push(NO_SPELLING),
                State::Number {
                    values, decimals, ..
                } => {
                    values.push(f64::NAN);
                    decimals.push(None);
                }
                State::Text { codes, .. } => codes.push(MISSING),
            }
            self.rows += 1;
            return Ok(());
        }
        match &mut self.state {
            State::Text {
                codes,
                dictionary,
                interner,
            } => {
                let text = std::str::from_utf8(cell).map_err(|_| CellError::NotUtf8)?;
                if dictionary.len() >= MISSING as usize - 1 {
                    return Err(CellError::TooManyLabels);
                }
                codes.push(interner.code(text, dictionary));
            }
            State::Number {
                values,
                decimals,
                spellings,
            } => match scan_number(cell) {
                Some((v, d)) => {
                    values.push(v);
                    if d == RAW {
                        spellings.push(row, std::str::from_utf8(cell).unwrap_or_default());
                        decimals.push(Some(RAW));
                    } else {
                        decimals.push(Some(d));
                    }
                }
                None => {
                    self.make_text()?;
                    return self.push(cell);
                }
            },
            State::Logical(v) => match logical_code(cell) {
                Some(c) => v.push(c),
                None => {
                    self.make_text()?;
                    return self.push(cell);
                }
            },
            State::Empty => {
                if let Some(c) = logical_code(cell) {
                    let mut v = vec![NO_SPELLING; row];
                    v.push(c);
                    self.state = State::Logical(v);
                } else if scan_number(cell).is_some() {
                    let mut decimals = Decimals::default();
                    for _ in 0..row {
                        decimals.push(None);
                    }
                    self.state = State::Number {
                        values: vec![f64::NAN; row],
                        decimals,
                        spellings: Spellings::default(),
                    };
                    return self.push(cell);
                } else {
                    self.state = State::Text {
                        codes: vec![MISSING; row],
                        dictionary: Vec::new(),
                        interner: Interner::default(),
                    };
                    return self.push(cell);
                }
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Turns the column into text, each earlier cell as it was written.
    fn make_text(&mut self) -> Result<(), CellError> {
        let old = std::mem::replace(&mut self.state, State::Empty);
        let (column, written) = finish_state(old, self.rows);
        let mut codes = Vec::with_capacity(self.rows.saturating_mul(2));
        let mut dictionary = Vec::new();
        let mut interner = Interner::default();
        for i in 0..self.rows {
            codes.push(match written.cell(&column, i) {
                None => MISSING,
                Some(text) => interner.code(&text, &mut dictionary),
            });
        }
        if dictionary.len() >= MISSING as usize {
            return Err(CellError::TooManyLabels);
        }
        self.state = State::Text {
            codes,
            dictionary,
            interner,
        };
        Ok(())
    }

    /// The typed column and how its cells were written.
    pub(crate) fn finish(self) -> (Column, Written) {
        finish_state(self.state, self.rows)
    }
}

fn finish_state(state: State, rows: usize) -> (Column, Written) {
    match state {
        State::Empty => (Column::Number(vec![f64::NAN; rows]), Written::Nothing),
        State::Logical(mut s) => {
            s.shrink_to_fit();
            let values = s
                .iter()
                .map(|&c| (c != NO_SPELLING).then_some(c >= 4))
                .collect();
            (Column::Logical(values), Written::Logical(s))
        }
        State::Number {
            mut values,
            decimals,
            spellings,
        } => {
            values.shrink_to_fit();
            (
                Column::Number(values),
                Written::Number {
                    decimals,
                    spellings,
                },
            )
        }
        State::Text {
            mut codes,
            dictionary,
            ..
        } => {
            codes.shrink_to_fit();
            (
                Column::Text(TextColumn::from_parts(codes, dictionary)),
                Written::Nothing,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(cells: &[&str]) -> (Column, Written) {
        let mut b = ColumnBuilder::default();
        for c in cells {
            b.push(c.as_bytes()).unwrap();
        }
        b.finish()
    }

    #[test]
    fn numbers_as_written() {
        for (cell, value, exact) in [
            ("12", 12.0_f64, true),
            ("-3.5", -3.5, true),
            ("0.50", 0.5, true),
            ("-0", -0.0, true),
            ("0.000123", 0.000123, true),
            ("123456789012345", 123_456_789_012_345.0, true),
            ("1e-08", 1e-8, false),
            ("007", 7.0, false),
            ("+3", 3.0, false),
            (".5", 0.5, false),
            ("5.", 5.0, false),
            ("1234567890123456", 1_234_567_890_123_456.0, false),
            ("0.1234567890123456", 0.123_456_789_012_345_6, false),
        ] {
            let (v, d) = scan_number(cell.as_bytes()).unwrap();
            assert_eq!(
                v.to_bits(),
                cell.parse::<f64>().unwrap().to_bits(),
                "{cell}"
            );
            assert_eq!(value.to_bits(), v.to_bits(), "{cell}");
            assert_eq!(d != RAW, exact, "{cell}");
            if exact {
                assert_eq!(format_number(v, d), cell);
            }
        }
        for cell in [
            "", "-", ".", "e5", "1e", "1e+", "0x10", "inf", "nan", "1,5", "1 2",
        ] {
            assert!(scan_number(cell.as_bytes()).is_none(), "{cell}");
        }
    }

    #[test]
    fn a_column_turned_text_keeps_its_cells() {
        let cells = ["007", "1.50", "", "1e-08", "2", "NaN", "NA", "x"];
        let (c, w) = column(&cells);
        assert_eq!(c.kind(), "text");
        let got: Vec<Option<String>> = (0..cells.len())
            .map(|i| w.cell(&c, i).map(Cow::into_owned))
            .collect();
        let want = ["007", "1.50", "", "1e-08", "2", "NaN", "", "x"]
            .map(|s| (!s.is_empty()).then(|| s.to_string()));
        assert_eq!(got, want);
        let (c, w) = column(&["T", "FALSE", "NA", "true", "maybe"]);
        assert_eq!(c.text_at(0), Some("T"));
        assert_eq!(c.text_at(3), Some("true"));
        assert!(c.is_missing(2));
        assert!(matches!(w, Written::Nothing));
    }

    #[test]
    fn typed_columns_remember_spellings() {
        let (c, w) = column(&["1.5", "2.25", "NaN", "1e3", "", "-Inf"]);
        assert_eq!(c.kind(), "numeric");
        let cell = |i| w.cell(&c, i).map(Cow::into_owned);
        assert_eq!(cell(0).as_deref(), Some("1.5"));
        assert_eq!(cell(1).as_deref(), Some("2.25"));
        assert_eq!(cell(2).as_deref(), Some("NaN"));
        assert!(c.is_missing(2));
        assert_eq!(cell(3).as_deref(), Some("1e3"));
        assert_eq!(cell(4), None);
        assert_eq!(cell(5).as_deref(), Some("-Inf"));
        let s = w.select(&[3, 0]);
        assert_eq!(
            s.cell(&Column::Number(vec![1e3, 1.5]), 0).as_deref(),
            Some("1e3")
        );
        assert_eq!(
            s.cell(&Column::Number(vec![1e3, 1.5]), 1).as_deref(),
            Some("1.5")
        );
        let (c, w) = column(&["T", "NA", "FALSE"]);
        assert_eq!(c, Column::logical([Some(true), None, Some(false)]));
        assert_eq!(w.cell(&c, 0).as_deref(), Some("T"));
    }

    #[test]
    fn interner_codes_by_first_appearance() {
        let words: Vec<String> = (0..1000).map(|i| format!("w{}", i % 300)).collect();
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let (c, _) = column(&refs);
        let Column::Text(t) = c else { panic!() };
        assert_eq!(t.dictionary().len(), 300);
        assert_eq!(t.dictionary()[7], "w7");
        assert!((0..1000).all(|i| t.get(i) == Some(words[i].as_str())));
    }
}
