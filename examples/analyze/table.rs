//! CSV input: a header row, comma-separated cells, `NA` or an empty cell for a missing value.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use oncostat::frame::{CellText, Column, CsvOptions, Table as FrameTable, TextColumn};

use crate::cli::CliError;

/// How a column's cells are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A finite number as R writes it (`12`, `-3.5`, `1e-05`).
    Number,
    /// A survival time: a finite number >= 0.
    Time,
    /// A case weight: a finite number > 0.
    Weight,
    /// An event / binary indicator: `0`, `1`, `false`, `true` (any case), read as 0.0 / 1.0.
    Event,
    /// Free text (group labels, ids).
    Text,
}

/// A CSV file read by the library's streaming, typed reader ([`FrameTable`]), with its path.
#[derive(Debug)]
pub struct Table {
    path: PathBuf,
    data: FrameTable,
}

/// Typed, complete columns selected from a [`Table`].
#[derive(Debug)]
pub struct Columns {
    numbers: HashMap<String, Vec<f64>>,
    /// Text columns as dictionary codes: four bytes a row and each distinct label once.
    texts: HashMap<String, TextColumn>,
    /// For each kept row, its 0-based data row in the file.
    pub rows: Vec<usize>,
    /// Rows dropped because a used column was missing (R's `na.omit`).
    pub dropped: usize,
}

/// [`Columns::rows`] held compactly while a model is fitted: the file's data rows that were
/// dropped (few: rows with a missing value) instead of the kept ones (eight bytes a row).
#[derive(Debug)]
pub struct HeldRows {
    n_file: usize,
    dropped: Vec<usize>,
}

impl HeldRows {
    /// The kept rows again ([`Columns::rows`]: for each kept row its 0-based data row in the
    /// file), e.g. to name a row in an error message.
    pub fn kept(&self) -> Vec<usize> {
        let mut kept = Vec::with_capacity(self.n_file - self.dropped.len());
        let mut next = 0;
        for &d in self.dropped.iter().chain(std::iter::once(&self.n_file)) {
            kept.extend(next..d);
            next = d + 1;
        }
        kept
    }
}

/// A cell as shown in an error message: at most 60 characters.
pub(crate) fn shown(cell: &str) -> String {
    match cell.char_indices().nth(60) {
        None => cell.to_string(),
        Some((k, _)) => format!("{}… ({} characters)", &cell[..k], cell.chars().count()),
    }
}

/// A column of the file and its cells as written.
struct Col<'a> {
    column: &'a Column,
    text: CellText<'a>,
}

impl Col<'_> {
    /// `true` if row `i` is empty or `NA` (a `NaN` cell is not: it has a value to reject).
    fn absent(&self, i: usize) -> bool {
        match self.column {
            Column::Number(v) => v[i].is_nan() && self.text.get(i).is_none(),
            other => other.is_missing(i),
        }
    }

    /// The number in row `i` (present) read as `kind`, or why it cannot be.
    fn number(&self, kind: Kind, i: usize) -> Result<f64, String> {
        let text = || self.text.get(i).map(|c| shown(&c)).unwrap_or_default();
        let v = match (kind, self.column) {
            (Kind::Event, Column::Number(v)) => {
                let e = v[i];
                return if e.total_cmp(&1.0).is_eq() || e.abs().total_cmp(&0.0).is_eq() {
                    Ok(e.abs())
                } else {
                    Err(format!(
                        "event value `{}` is not 0/1 (or false/true)",
                        text()
                    ))
                };
            }
            (Kind::Event, Column::Logical(v)) => {
                return Ok(f64::from(u8::from(v[i] == Some(true))));
            }
            (Kind::Event, _) => {
                let cell = self.text.get(i).unwrap_or_default();
                return match cell.to_ascii_lowercase().as_str() {
                    "0" | "false" => Ok(0.0),
                    "1" | "true" => Ok(1.0),
                    _ => Err(format!(
                        "event value `{}` is not 0/1 (or false/true)",
                        shown(&cell)
                    )),
                };
            }
            (_, Column::Number(v)) => v[i],
            (_, Column::Logical(_)) => return Err(format!("`{}` is not a number", text())),
            (_, Column::Text(_)) => {
                let cell = self.text.get(i).unwrap_or_default();
                cell.parse::<f64>()
                    .map_err(|_| format!("`{}` is not a number", shown(&cell)))?
            }
        };
        if !v.is_finite() {
            return Err(format!("`{}` is not a finite number", text()));
        }
        if kind == Kind::Time && v < 0.0 {
            return Err(format!(
                "survival time {} is negative (times must be >= 0)",
                text()
            ));
        }
        if kind == Kind::Weight && v <= 0.0 {
            return Err(format!("case weight {} is not > 0", text()));
        }
        Ok(v)
    }
}

/// The text columns of `spec` at the rows `kept`, each stored once.
fn text_columns(
    spec: &[(&str, Kind)],
    cols: &[Col<'_>],
    kept: &[usize],
) -> Result<HashMap<String, TextColumn>, CliError> {
    let mut texts = HashMap::new();
    for ((col_name, kind), col) in spec.iter().zip(cols) {
        if *kind == Kind::Text && !texts.contains_key(*col_name) {
            texts.insert(col_name.to_string(), text_codes(col, kept)?);
        }
    }
    Ok(texts)
}

/// The cells of `col` at the rows `kept` (none of them missing) as text, as written: a
/// dictionary code per row and each distinct text once, in order of first appearance among
/// these rows (so a label seen only in dropped rows is not a label).
fn text_codes(col: &Col<'_>, kept: &[usize]) -> Result<TextColumn, CliError> {
    let Column::Text(t) = col.column else {
        // numbers and logicals as written (`007`, `T`): the library's text coder
        return Ok(kept.iter().map(|&i| col.text.get(i)).collect());
    };
    // a text column is coded already: renumber its codes to the labels of the kept rows
    let mut renumbered = vec![u32::MAX; t.dictionary().len()];
    let mut dictionary: Vec<String> = Vec::new();
    let codes = kept
        .iter()
        .map(|&i| {
            let old = t.codes()[i] as usize;
            let Some(new) = renumbered.get_mut(old) else {
                return u32::MAX; // missing: not a kept row
            };
            if *new == u32::MAX {
                *new = dictionary.len() as u32;
                dictionary.push(t.dictionary()[old].clone());
            }
            *new
        })
        .collect();
    TextColumn::from_codes(codes, dictionary).map_err(|e| CliError::new(format!("internal: {e}")))
}

/// The numbers of `col` read as `kind` at the rows `kept` (checked before).
fn read_numbers(col: &Col<'_>, kind: Kind, kept: &[usize]) -> Result<Vec<f64>, CliError> {
    kept.iter()
        .map(|&i| col.number(kind, i))
        .collect::<Result<Vec<f64>, String>>()
        .map_err(CliError::new)
}

/// The label of each row of `t`, borrowed from its distinct labels (eight bytes a row, no
/// text copied).
pub(crate) fn row_labels(t: &TextColumn) -> Vec<&String> {
    t.codes()
        .iter()
        .filter_map(|&c| t.dictionary().get(c as usize))
        .collect()
}

/// Keeps the values at the rows `kept` (increasing), in place.
fn keep_rows(values: &mut Vec<f64>, kept: &[usize]) {
    if kept.len() == values.len() {
        return;
    }
    for (k, &i) in kept.iter().enumerate() {
        values[k] = values[i];
    }
    values.truncate(kept.len());
    values.shrink_to_fit();
}

impl Table {
    /// Reads a whole CSV file.
    pub fn read(path: &Path) -> Result<Table, CliError> {
        let data = FrameTable::from_csv_path(path).map_err(|e| CliError::new(e.to_string()))?;
        Table::checked(path, data)
    }

    /// Parses the bytes of a CSV file; `path` names the file in error messages.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Table, CliError> {
        let options = CsvOptions::default().name(format!("file `{}`", path.display()));
        let data = FrameTable::from_csv_reader_with(bytes, &options)
            .map_err(|e| CliError::new(e.to_string()))?;
        Table::checked(path, data)
    }

    fn checked(path: &Path, data: FrameTable) -> Result<Table, CliError> {
        if data.nrows() == 0 {
            return Err(CliError::new(format!(
                "{} has a header but no data rows",
                path.display()
            )));
        }
        Ok(Table {
            path: path.to_path_buf(),
            data,
        })
    }

    /// The table as the library's typed table (R's `read.csv` types), for `--formula`.
    pub fn frame(&self) -> &FrameTable {
        &self.data
    }

    /// The file this table was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's path, the table itself dropped (its memory freed once the columns a
    /// command needs are read).
    pub fn into_path(self) -> PathBuf {
        self.path
    }

    /// A column by name.
    pub fn index(&self, name: &str) -> Result<&Column, CliError> {
        self.data.column(name).map_err(|_| {
            let names = self.data.names();
            let mut list = names
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if names.len() > 20 {
                list.push_str(&format!(", … ({} columns)", names.len()));
            }
            CliError::new(format!(
                "{}: no column `{name}` (columns: {list})",
                self.path.display()
            ))
        })
    }

    fn col(&self, name: &str) -> Result<Col<'_>, CliError> {
        let column = self.index(name)?;
        let text = self
            .data
            .cell_text(name)
            .map_err(|e| CliError::new(e.to_string()))?;
        Ok(Col { column, text })
    }

    /// The cells of an optional column for every data row as written (`NA` and missing
    /// cells as `""`), or `None` if the file has no such column. Rows are never dropped for
    /// it.
    pub fn optional_text(&self, name: &str) -> Option<Vec<String>> {
        let text = self.data.cell_text(name).ok()?;
        Some(
            (0..self.data.nrows())
                .map(|i| text.get(i).map(|c| c.into_owned()).unwrap_or_default())
                .collect(),
        )
    }

    /// Reads the named columns, validating every non-missing cell, and keeps the rows where
    /// none of them is missing (the table stays whole: see [`Table::into_columns`]).
    pub fn columns(&self, spec: &[(&str, Kind)]) -> Result<Columns, CliError> {
        let (cols, kept) = self.complete_rows(spec)?;
        let texts = text_columns(spec, &cols, &kept)?;
        // A column may be named twice (`--time t --covariates t`): store it once per reading
        // (number or text), read as its first mention says.
        let mut numbers: HashMap<String, Vec<f64>> = HashMap::new();
        for ((col_name, kind), col) in spec.iter().zip(&cols) {
            if *kind != Kind::Text && !numbers.contains_key(*col_name) {
                numbers.insert(col_name.to_string(), read_numbers(col, *kind, &kept)?);
            }
        }
        Ok(Columns {
            numbers,
            texts,
            dropped: self.data.nrows() - kept.len(),
            rows: kept,
        })
    }

    /// As [`Table::columns`], for a command that needs nothing else from the file: the
    /// table is consumed (its path returned) and the numeric columns of the file that are
    /// used are moved out and cut to the complete rows in place, never copied while the
    /// whole table is held; the other columns are freed.
    pub fn into_columns(self, spec: &[(&str, Kind)]) -> Result<(Columns, PathBuf), CliError> {
        let n = self.data.nrows();
        let (texts, kept, mut numbers, moved) = {
            let (cols, kept) = self.complete_rows(spec)?;
            let texts = text_columns(spec, &cols, &kept)?;
            // numbers of a numeric column are moved below; others (an event column of
            // logicals or text) are read now
            let mut numbers: HashMap<String, Vec<f64>> = HashMap::new();
            let mut moved: HashMap<&str, Kind> = HashMap::new();
            for ((col_name, kind), col) in spec.iter().zip(&cols) {
                if *kind == Kind::Text
                    || numbers.contains_key(*col_name)
                    || moved.contains_key(col_name)
                {
                    continue;
                }
                if let Column::Number(_) = col.column {
                    moved.insert(col_name, *kind);
                } else {
                    numbers.insert(col_name.to_string(), read_numbers(col, *kind, &kept)?);
                }
            }
            (texts, kept, numbers, moved)
        };
        let Table { path, data } = self;
        for (name, column) in data.into_columns() {
            if let (Some(&kind), Column::Number(mut values)) = (moved.get(name.as_str()), column) {
                keep_rows(&mut values, &kept);
                if kind == Kind::Event {
                    // the cells are 0, -0 or 1 (checked): as `Col::number` reads them
                    values.iter_mut().for_each(|e| *e = e.abs());
                }
                numbers.insert(name, values);
            }
        }
        let columns = Columns {
            numbers,
            texts,
            dropped: n - kept.len(),
            rows: kept,
        };
        Ok((columns, path))
    }

    /// The columns of `spec` and the rows (0-based, increasing) where none of them is
    /// missing, after checking every non-missing cell; the first invalid cell in file order
    /// (row, then the order of `spec`) is the error.
    fn complete_rows(&self, spec: &[(&str, Kind)]) -> Result<(Vec<Col<'_>>, Vec<usize>), CliError> {
        let name = self.path.display();
        let cols: Vec<Col<'_>> = spec
            .iter()
            .map(|(c, _)| self.col(c))
            .collect::<Result<_, _>>()?;
        let n = self.data.nrows();
        let mut first_bad: Option<(usize, usize, String)> = None;
        for (k, ((_, kind), col)) in spec.iter().zip(&cols).enumerate() {
            if *kind == Kind::Text {
                continue;
            }
            let limit = first_bad.as_ref().map_or(n, |(i, ..)| *i + 1);
            for i in 0..limit {
                if col.absent(i) {
                    continue;
                }
                if let Err(reason) = col.number(*kind, i) {
                    if first_bad
                        .as_ref()
                        .is_none_or(|(bi, bk, _)| (i, k) < (*bi, *bk))
                    {
                        first_bad = Some((i, k, reason));
                    }
                    break;
                }
            }
        }
        if let Some((i, k, reason)) = first_bad {
            return Err(CliError::new(format!(
                "{name}, row {}, column `{}`: {reason}",
                i + 1,
                spec[k].0
            )));
        }
        let kept: Vec<usize> = (0..n)
            .filter(|&i| !cols.iter().any(|c| c.absent(i)))
            .collect();
        if kept.is_empty() {
            return Err(CliError::new(format!(
                "{name}: no complete rows (every row has a missing value in {})",
                spec.iter()
                    .map(|(c, _)| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Ok((cols, kept))
    }

    /// A numeric column whose missing cells have a meaning (e.g. "never" in
    /// `--landmark-group` and `--tdc`), read at the given 0-based data rows: `None` for an
    /// empty or `NA` cell; any other cell must be a finite number.
    pub fn optional_numbers(
        &self,
        name: &str,
        rows: &[usize],
    ) -> Result<Vec<Option<f64>>, CliError> {
        let col = self.col(name)?;
        rows.iter()
            .map(|&i| {
                if i >= self.data.nrows() || col.absent(i) {
                    return Ok(None);
                }
                col.number(Kind::Number, i).map(Some).map_err(|_| {
                    CliError::new(format!(
                        "{}, row {}, column `{name}`: `{}` is not a finite number",
                        self.path.display(),
                        i + 1,
                        shown(&col.text.get(i).unwrap_or_default())
                    ))
                })
            })
            .collect()
    }
}

impl Columns {
    /// A numeric (or event) column by name.
    pub fn number(&self, name: &str) -> Result<&[f64], CliError> {
        self.numbers.get(name).map(Vec::as_slice).ok_or_else(|| {
            CliError::new(format!(
                "internal: column `{name}` was not read as a number"
            ))
        })
    }

    /// Moves a numeric (or event) column out (no copy for a model that keeps it); a later
    /// `number` or `take_number` of the same name is an error.
    pub fn take_number(&mut self, name: &str) -> Result<Vec<f64>, CliError> {
        self.numbers.remove(name).ok_or_else(|| {
            CliError::new(format!(
                "internal: column `{name}` was not read as a number"
            ))
        })
    }

    /// The numeric columns `names`, in order, as owned vectors: each moved out at its last
    /// mention in `names` and copied for an earlier one, so that a column used once is
    /// never copied; a later `number` of a column moved out is an error.
    pub fn take_numbers(&mut self, names: &[&str]) -> Result<Vec<Vec<f64>>, CliError> {
        let mut out = Vec::with_capacity(names.len());
        for (k, name) in names.iter().enumerate() {
            out.push(if names[k + 1..].contains(name) {
                self.number(name)?.to_vec()
            } else {
                self.take_number(name)?
            });
        }
        Ok(out)
    }

    /// A text column by name: each row's dictionary code and the distinct labels (of the
    /// complete rows, in order of first appearance), every cell as written.
    pub fn text(&self, name: &str) -> Result<&TextColumn, CliError> {
        self.texts
            .get(name)
            .ok_or_else(|| CliError::new(format!("internal: column `{name}` was not read as text")))
    }

    /// A text column moved out of the columns (its last use: the caller frees it, four
    /// bytes a row, once it is coded).
    pub fn take_text(&mut self, name: &str) -> Result<TextColumn, CliError> {
        self.texts
            .remove(name)
            .ok_or_else(|| CliError::new(format!("internal: column `{name}` was not read as text")))
    }

    /// The label of each row of a text column, borrowed from its distinct labels (eight
    /// bytes a row, no text copied).
    pub fn labels(&self, name: &str) -> Result<Vec<&String>, CliError> {
        Ok(row_labels(self.text(name)?))
    }

    /// Moves [`Columns::rows`] out as the dropped rows ([`HeldRows::kept`] gives them back),
    /// leaving `rows` empty: a command frees the eight bytes a row before its fit.
    pub fn take_rows(&mut self) -> HeldRows {
        let kept = std::mem::take(&mut self.rows);
        let n_file = kept.len() + self.dropped;
        let mut dropped = Vec::with_capacity(self.dropped);
        let mut next = 0;
        for &k in &kept {
            dropped.extend(next..k);
            next = k + 1;
        }
        dropped.extend(next..n_file);
        HeldRows { n_file, dropped }
    }

    /// Number of complete rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }
}
