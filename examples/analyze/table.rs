//! CSV input: a header row, comma-separated cells, `NA` or an empty cell for a missing value.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

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

/// A CSV file held in memory as text cells.
#[derive(Debug)]
pub struct Table {
    path: PathBuf,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// Typed, complete columns selected from a [`Table`].
#[derive(Debug)]
pub struct Columns {
    numbers: HashMap<String, Vec<f64>>,
    texts: HashMap<String, Vec<String>>,
    /// For each kept row, its 0-based data row in the file.
    pub rows: Vec<usize>,
    /// Rows dropped because a used column was missing (R's `na.omit`).
    pub dropped: usize,
}

fn is_missing(cell: &str) -> bool {
    let c = cell.trim();
    c.is_empty() || c == "NA"
}

impl Table {
    /// Reads a whole CSV file.
    pub fn read(path: &Path) -> Result<Table, CliError> {
        let bytes = std::fs::read(path)
            .map_err(|e| CliError::new(format!("cannot read {}: {e}", path.display())))?;
        Table::parse(path, &bytes)
    }

    /// Parses the bytes of a CSV file; `path` names the file in error messages.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Table, CliError> {
        let name = path.display();
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(CliError::new(format!("{name} is empty")));
        }
        if bytes.contains(&0) {
            return Err(CliError::new(format!(
                "{name} is not a text CSV file (it contains NUL bytes)"
            )));
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(bytes);
        let headers: Vec<String> = reader
            .byte_headers()
            .map_err(|e| CliError::new(format!("{name}: cannot read the header row: {e}")))?
            .iter()
            .enumerate()
            .map(|(j, h)| {
                std::str::from_utf8(h)
                    .map(|s| s.trim().to_string())
                    .map_err(|_| {
                        CliError::new(format!("{name}, header column {}: not UTF-8 text", j + 1))
                    })
            })
            .collect::<Result<_, _>>()?;
        for (j, h) in headers.iter().enumerate() {
            if h.is_empty() {
                return Err(CliError::new(format!(
                    "{name}: header column {} has no name",
                    j + 1
                )));
            }
            if headers[..j].contains(h) {
                return Err(CliError::new(format!(
                    "{name}: column `{h}` appears twice in the header"
                )));
            }
        }
        let mut rows = Vec::new();
        for (i, rec) in reader.byte_records().enumerate() {
            let rec = rec.map_err(|e| match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => CliError::new(format!(
                    "{name}, row {} (line {}): {len} cells but the header has {expected_len} columns",
                    i + 1,
                    i + 2
                )),
                _ => CliError::new(format!("{name}, row {}: {e}", i + 1)),
            })?;
            let cells = rec
                .iter()
                .enumerate()
                .map(|(j, c)| {
                    std::str::from_utf8(c).map(str::to_string).map_err(|_| {
                        CliError::new(format!(
                            "{name}, row {}, column `{}`: not UTF-8 text",
                            i + 1,
                            headers.get(j).map_or("?", String::as_str)
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            rows.push(cells);
        }
        if rows.is_empty() {
            return Err(CliError::new(format!(
                "{name} has a header but no data rows"
            )));
        }
        Ok(Table {
            path: path.to_path_buf(),
            headers,
            rows,
        })
    }

    /// The table as the library's typed table (R's `read.csv` types), for `--formula`.
    pub fn to_frame(&self) -> Result<oncostat::frame::Table, CliError> {
        let columns = self.headers.iter().enumerate().map(|(j, h)| {
            let cells = self.rows.iter().map(|r| r[j].clone()).collect();
            (h.clone(), cells)
        });
        oncostat::frame::Table::from_text_columns(columns)
            .map_err(|e| CliError::new(format!("{}: {e}", self.path.display())))
    }

    /// The file this table was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Index of a column by name.
    pub fn index(&self, name: &str) -> Result<usize, CliError> {
        self.headers.iter().position(|h| h == name).ok_or_else(|| {
            CliError::new(format!(
                "{}: no column `{name}` (columns: {})",
                self.path.display(),
                self.headers.join(", ")
            ))
        })
    }

    /// The cells of an optional column for every data row (trimmed; `NA` and missing cells
    /// as `""`), or `None` if the file has no such column. Rows are never dropped for it.
    pub fn optional_text(&self, name: &str) -> Option<Vec<&str>> {
        let j = self.headers.iter().position(|h| h == name)?;
        Some(
            self.rows
                .iter()
                .map(|row| {
                    let c = row.get(j).map_or("", |c| c.trim());
                    if c == "NA" { "" } else { c }
                })
                .collect(),
        )
    }

    /// Reads the named columns, validating every non-missing cell, and keeps the rows where
    /// none of them is missing.
    pub fn columns(&self, spec: &[(&str, Kind)]) -> Result<Columns, CliError> {
        let name = self.path.display();
        let idx: Vec<usize> = spec
            .iter()
            .map(|(c, _)| self.index(c))
            .collect::<Result<_, _>>()?;
        // A column may be named twice (`--time t --covariates t`): validate every use, store
        // it once per reading (number or text).
        let first_use: Vec<bool> = spec
            .iter()
            .enumerate()
            .map(|(k, (c, kind))| {
                !spec[..k]
                    .iter()
                    .any(|(c2, k2)| c2 == c && (*k2 == Kind::Text) == (*kind == Kind::Text))
            })
            .collect();
        let mut numbers: HashMap<String, Vec<f64>> = HashMap::new();
        let mut texts: HashMap<String, Vec<String>> = HashMap::new();
        let mut kept = Vec::new();
        let mut dropped = 0;
        for (i, row) in self.rows.iter().enumerate() {
            let cells: Vec<&str> = idx
                .iter()
                .map(|&j| row.get(j).map_or("", String::as_str))
                .collect();
            let mut parsed = Vec::with_capacity(spec.len());
            let mut missing = false;
            for ((col, kind), cell) in spec.iter().zip(&cells) {
                if is_missing(cell) {
                    missing = true;
                    continue;
                }
                let cell = cell.trim();
                let where_ = || format!("{name}, row {}, column `{col}`", i + 1);
                let value = match kind {
                    Kind::Text => None,
                    Kind::Number | Kind::Time | Kind::Weight => {
                        let v: f64 = cell.parse().map_err(|_| {
                            CliError::new(format!("{}: `{cell}` is not a number", where_()))
                        })?;
                        if !v.is_finite() {
                            return Err(CliError::new(format!(
                                "{}: `{cell}` is not a finite number",
                                where_()
                            )));
                        }
                        if *kind == Kind::Time && v < 0.0 {
                            return Err(CliError::new(format!(
                                "{}: survival time {cell} is negative (times must be >= 0)",
                                where_()
                            )));
                        }
                        if *kind == Kind::Weight && v <= 0.0 {
                            return Err(CliError::new(format!(
                                "{}: case weight {cell} is not > 0",
                                where_()
                            )));
                        }
                        Some(v)
                    }
                    Kind::Event => Some(match cell.to_ascii_lowercase().as_str() {
                        "0" | "false" => 0.0,
                        "1" | "true" => 1.0,
                        _ => {
                            return Err(CliError::new(format!(
                                "{}: event value `{cell}` is not 0/1 (or false/true)",
                                where_()
                            )));
                        }
                    }),
                };
                parsed.push(value);
            }
            if missing {
                dropped += 1;
                continue;
            }
            kept.push(i);
            for ((((col, kind), cell), value), &first) in
                spec.iter().zip(&cells).zip(parsed).zip(&first_use)
            {
                if !first {
                    continue; // the same column used twice (e.g. time and covariate)
                }
                match (kind, value) {
                    (Kind::Text, _) => texts
                        .entry(col.to_string())
                        .or_default()
                        .push(cell.trim().to_string()),
                    (_, Some(v)) => numbers.entry(col.to_string()).or_default().push(v),
                    (_, None) => {}
                }
            }
        }
        if kept.is_empty() {
            return Err(CliError::new(format!(
                "{name}: no complete rows (every row has a missing value in {})",
                spec.iter()
                    .map(|(c, _)| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Ok(Columns {
            numbers,
            texts,
            rows: kept,
            dropped,
        })
    }
}

impl Table {
    /// A numeric column whose missing cells have a meaning (e.g. "never" in
    /// `--landmark-group` and `--tdc`), read at the given 0-based data rows: `None` for an
    /// empty or `NA` cell; any other cell must be a finite number.
    pub fn optional_numbers(
        &self,
        name: &str,
        rows: &[usize],
    ) -> Result<Vec<Option<f64>>, CliError> {
        let j = self.index(name)?;
        rows.iter()
            .map(|&i| {
                let cell = self
                    .rows
                    .get(i)
                    .and_then(|r| r.get(j))
                    .map_or("", String::as_str);
                if is_missing(cell) {
                    return Ok(None);
                }
                let cell = cell.trim();
                match cell.parse::<f64>() {
                    Ok(v) if v.is_finite() => Ok(Some(v)),
                    _ => Err(CliError::new(format!(
                        "{}, row {}, column `{name}`: `{cell}` is not a finite number",
                        self.path.display(),
                        i + 1
                    ))),
                }
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

    /// A text column by name.
    pub fn text(&self, name: &str) -> Result<&[String], CliError> {
        self.texts
            .get(name)
            .map(Vec::as_slice)
            .ok_or_else(|| CliError::new(format!("internal: column `{name}` was not read as text")))
    }

    /// Number of complete rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }
}
