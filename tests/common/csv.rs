//! A strict CSV loader for the test data: every cell is kept as text and typed on access, and
//! a cell that cannot be read as asked is an error naming the file, row and column, never a
//! silent NaN. An empty cell or `NA` is *missing* (R's `NA`): [`Csv::numbers`] refuses it,
//! [`Csv::numbers_or_missing`] returns it as `None`, and [`Csv::complete`] selects the rows
//! without one (R's `complete.cases`).

use std::collections::HashMap;

/// A CSV file of `tests/data/`: a header row and rows of the same width.
#[derive(Debug, Clone)]
pub struct Csv {
    name: String,
    headers: Vec<String>,
    index: HashMap<String, usize>,
    rows: Vec<Vec<String>>,
}

fn is_missing(cell: &str) -> bool {
    let c = cell.trim();
    c.is_empty() || c == "NA"
}

impl Csv {
    /// Reads `tests/data/<name>`.
    ///
    /// # Panics
    /// With the message of [`Csv::try_read`].
    #[track_caller]
    pub fn read(name: &str) -> Csv {
        Csv::try_read(name).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Reads `tests/data/<name>`.
    ///
    /// # Errors
    /// The file is missing or not UTF-8, the header repeats a name, or a row's width differs
    /// from the header's (named by row).
    pub fn try_read(name: &str) -> Result<Csv, String> {
        let bytes = std::fs::read(super::data(name)).map_err(|e| format!("{name}: {e}"))?;
        Csv::parse(name, &bytes)
    }

    /// Parses CSV bytes; `name` names them in errors.
    ///
    /// # Errors
    /// As [`Csv::try_read`].
    pub fn parse(name: &str, bytes: &[u8]) -> Result<Csv, String> {
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(bytes);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| format!("{name}: header row: {e}"))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mut index = HashMap::new();
        for (j, h) in headers.iter().enumerate() {
            if index.insert(h.clone(), j).is_some() {
                return Err(format!("{name}: column `{h}` appears twice in the header"));
            }
        }
        let mut rows = Vec::new();
        for (r, record) in reader.records().enumerate() {
            let record = record.map_err(|e| format!("{name}, row {}: {e}", r + 1))?;
            rows.push(record.iter().map(str::to_string).collect());
        }
        Ok(Csv {
            name: name.to_string(),
            headers,
            index,
            rows,
        })
    }

    /// The column names, in file order.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// `true` if the file has no data rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn column(&self, col: &str) -> Result<usize, String> {
        self.index.get(col).copied().ok_or_else(|| {
            format!(
                "{}: no column `{col}` (columns: {})",
                self.name,
                self.headers.join(", ")
            )
        })
    }

    /// The cells of `col` as text (missing cells as they are written).
    #[track_caller]
    pub fn text(&self, col: &str) -> Vec<String> {
        let j = self.column(col).unwrap_or_else(|e| panic!("{e}"));
        self.rows.iter().map(|r| r[j].clone()).collect()
    }

    /// The cells of `col` at `rows` (0-based data rows) as text; each must be present.
    ///
    /// # Panics
    /// A missing cell among `rows`, or no such column.
    #[track_caller]
    pub fn text_at(&self, col: &str, rows: &[usize]) -> Vec<String> {
        let j = self.column(col).unwrap_or_else(|e| panic!("{e}"));
        rows.iter()
            .map(|&r| {
                let cell = &self.rows[r][j];
                assert!(
                    !is_missing(cell),
                    "{}, row {}, column `{col}`: missing value",
                    self.name,
                    r + 1
                );
                cell.clone()
            })
            .collect()
    }

    /// The cells of `col` as numbers, `None` where missing.
    ///
    /// # Errors
    /// A cell that is neither missing nor a number (`file, row r, column `c`: `x` is not a
    /// number`; rows count from 1 after the header), or no such column.
    pub fn try_numbers_or_missing(&self, col: &str) -> Result<Vec<Option<f64>>, String> {
        let j = self.column(col)?;
        self.rows
            .iter()
            .enumerate()
            .map(|(r, row)| {
                let cell = row[j].trim();
                if is_missing(cell) {
                    return Ok(None);
                }
                cell.parse::<f64>().map(Some).map_err(|_| {
                    format!(
                        "{}, row {}, column `{col}`: `{cell}` is not a number",
                        self.name,
                        r + 1
                    )
                })
            })
            .collect()
    }

    /// The cells of `col` as numbers, `None` where missing.
    ///
    /// # Panics
    /// As the errors of [`Csv::try_numbers_or_missing`].
    #[track_caller]
    pub fn numbers_or_missing(&self, col: &str) -> Vec<Option<f64>> {
        self.try_numbers_or_missing(col)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// The cells of `col` as numbers; every cell must be present.
    ///
    /// # Errors
    /// As [`Csv::try_numbers_or_missing`], and a missing cell (named by row and column).
    pub fn try_numbers(&self, col: &str) -> Result<Vec<f64>, String> {
        let all = self.try_numbers_or_missing(col)?;
        all.iter()
            .enumerate()
            .map(|(r, v)| {
                v.ok_or_else(|| {
                    format!(
                        "{}, row {}, column `{col}`: missing value (select rows with `complete`)",
                        self.name,
                        r + 1
                    )
                })
            })
            .collect()
    }

    /// The cells of `col` as numbers; every cell must be present.
    ///
    /// # Panics
    /// As the errors of [`Csv::try_numbers`].
    #[track_caller]
    pub fn numbers(&self, col: &str) -> Vec<f64> {
        self.try_numbers(col).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The numbers of `col` at `rows` (0-based data rows); each must be present.
    ///
    /// # Panics
    /// A missing or unreadable cell among `rows` (named by row and column).
    #[track_caller]
    pub fn numbers_at(&self, col: &str, rows: &[usize]) -> Vec<f64> {
        let all = self.numbers_or_missing(col);
        rows.iter()
            .map(|&r| {
                all[r].unwrap_or_else(|| {
                    panic!(
                        "{}, row {}, column `{col}`: missing value",
                        self.name,
                        r + 1
                    )
                })
            })
            .collect()
    }

    /// The 0-based rows where none of `cols` is missing (R's `complete.cases`); the cells
    /// are not typed here (text columns may be among `cols`).
    ///
    /// # Panics
    /// No such column.
    #[track_caller]
    pub fn complete(&self, cols: &[&str]) -> Vec<usize> {
        let idx: Vec<usize> = cols
            .iter()
            .map(|c| self.column(c).unwrap_or_else(|e| panic!("{e}")))
            .collect();
        (0..self.len())
            .filter(|&r| idx.iter().all(|&j| !is_missing(&self.rows[r][j])))
            .collect()
    }
}

/// The numeric columns of a [`Csv`] by name, R-style: a missing cell is NaN (R stores a
/// numeric `NA` as a NaN). Indexing a column that has an unreadable cell panics with the
/// loader's message (file, row, column); it never turns the cell into NaN.
#[derive(Debug, Clone)]
pub struct NumericColumns {
    columns: HashMap<String, Result<Vec<f64>, String>>,
    name: String,
}

impl Csv {
    /// Every column as [`NumericColumns`] (for code written against R's numeric vectors with
    /// `NA`; prefer [`Csv::numbers`] and [`Csv::complete`]).
    pub fn numeric(&self) -> NumericColumns {
        let columns = self
            .headers
            .iter()
            .map(|h| {
                let col = self
                    .try_numbers_or_missing(h)
                    .map(|v| v.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect());
                (h.clone(), col)
            })
            .collect();
        NumericColumns {
            columns,
            name: self.name.clone(),
        }
    }
}

impl std::ops::Index<&str> for NumericColumns {
    type Output = Vec<f64>;

    #[track_caller]
    fn index(&self, col: &str) -> &Vec<f64> {
        match self.columns.get(col) {
            Some(Ok(v)) => v,
            Some(Err(e)) => panic!("{e}"),
            None => panic!("{}: no column `{col}`", self.name),
        }
    }
}
