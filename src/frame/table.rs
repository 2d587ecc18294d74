//! A table of named columns: numbers, text and logicals, each with missing cells (R's `NA`).

use std::borrow::Cow;
use std::collections::HashMap;

use super::typing::{ColumnBuilder, Written};

use crate::{Error, Result};

/// Parses one cell as R's `type.convert` reads a number: `None` if it is not a number.
/// `Inf`, `-Inf`, `+Inf` and `NaN` are accepted as R spells them (`NaN` reads as missing).
pub(crate) fn parse_r_number(cell: &str) -> Option<f64> {
    super::typing::scan_number(cell.trim().as_bytes()).map(|(v, _)| v)
}

/// Code of a missing cell in a [`Column::Text`] column.
pub(crate) const MISSING: u32 = u32::MAX;

/// One column of a [`Table`].
///
/// * `Number`: `f64` values; NaN is a missing cell (R's `NA`; R's `NaN` is also dropped by
///   `na.omit`). Infinite values are kept and rejected, with the column and row, by the
///   model that uses them.
/// * `Text`: labels stored once each (dictionary codes), so that a million rows of a few
///   labels cost four bytes a row. Becomes a factor in a model.
/// * `Logical`: `true`/`false` (R's `TRUE`/`FALSE`); a factor with levels `FALSE`, `TRUE`
///   as a covariate (coefficient `xTRUE`), 0/1 as an event or binary response.
///
/// ```
/// use oncostat::frame::Column;
/// let sex = Column::text([Some("male"), None, Some("female")]);
/// assert_eq!(sex.len(), 3);
/// assert!(sex.is_missing(1));
/// assert_eq!(sex.text_at(2), Some("female"));
/// let age = Column::numbers([Some(61.0), Some(70.0), None]);
/// assert_eq!(age.number_at(0), Some(61.0));
/// assert!(age.is_missing(2));
/// ```
#[derive(Debug, Clone)]
pub enum Column {
    /// Numbers; NaN = missing.
    Number(Vec<f64>),
    /// Text labels, dictionary coded.
    Text(TextColumn),
    /// Logical values; `None` = missing.
    Logical(Vec<Option<bool>>),
}

/// Dictionary-coded text: `codes[i]` indexes `dictionary` (`u32::MAX` = missing).
///
/// ```
/// use oncostat::frame::TextColumn;
/// let t = TextColumn::from_iter([Some("b"), Some("a"), Some("b"), None]);
/// assert_eq!(t.dictionary(), ["b", "a"]);
/// assert_eq!(t.get(2), Some("b"));
/// assert_eq!(t.get(3), None);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextColumn {
    codes: Vec<u32>,
    dictionary: Vec<String>,
}

impl TextColumn {
    /// The distinct labels in order of first appearance.
    pub fn dictionary(&self) -> &[String] {
        &self.dictionary
    }

    /// The dictionary code of each row (`u32::MAX` = missing).
    pub fn codes(&self) -> &[u32] {
        &self.codes
    }

    /// The label of row `i` (0-based), `None` if missing or out of range.
    pub fn get(&self, i: usize) -> Option<&str> {
        match self.codes.get(i) {
            Some(&c) if c != MISSING => Some(self.dictionary[c as usize].as_str()),
            _ => None,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// `true` if there are no rows.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Builds a column from already coded rows: `codes[i]` indexes `dictionary`, `u32::MAX`
    /// is missing. Used by readers that keep a dictionary (e.g. a polars categorical).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if a code is neither missing nor a dictionary index.
    pub fn from_codes(codes: Vec<u32>, dictionary: Vec<String>) -> Result<Self> {
        if let Some(&bad) = codes
            .iter()
            .find(|&&c| c != MISSING && c as usize >= dictionary.len())
        {
            return Err(Error::mismatch(
                "text column dictionary code",
                dictionary.len(),
                bad as usize + 1,
            ));
        }
        Ok(TextColumn { codes, dictionary })
    }

    /// A column from codes known to index `dictionary` (or be [`MISSING`]).
    pub(crate) fn from_parts(codes: Vec<u32>, dictionary: Vec<String>) -> Self {
        TextColumn { codes, dictionary }
    }

    pub(crate) fn push(&mut self, value: Option<&str>, index: &mut HashMap<String, u32>) {
        let code = match value {
            None => MISSING,
            Some(v) => match index.get(v) {
                Some(&c) => c,
                None => {
                    let c = self.dictionary.len() as u32;
                    self.dictionary.push(v.to_string());
                    index.insert(v.to_string(), c);
                    c
                }
            },
        };
        self.codes.push(code);
    }

    fn select(&self, rows: &[usize]) -> TextColumn {
        TextColumn {
            codes: rows.iter().map(|&i| self.codes[i]).collect(),
            dictionary: self.dictionary.clone(),
        }
    }
}

impl<S: AsRef<str>> FromIterator<Option<S>> for TextColumn {
    fn from_iter<I: IntoIterator<Item = Option<S>>>(iter: I) -> Self {
        let mut out = TextColumn::default();
        let mut index = HashMap::new();
        for v in iter {
            out.push(v.as_ref().map(AsRef::as_ref), &mut index);
        }
        out
    }
}

/// Columns are equal when their cells are: a missing number (NaN) equals a missing number,
/// and `0` equals `-0`.
impl PartialEq for Column {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Column::Number(a), Column::Number(b)) => {
                a.len() == b.len()
                    && a.iter().zip(b).all(|(x, y)| {
                        x.total_cmp(y).is_eq()
                            || (x.is_nan() && y.is_nan())
                            || (x.abs() <= 0.0 && y.abs() <= 0.0)
                    })
            }
            (Column::Text(a), Column::Text(b)) => a == b,
            (Column::Logical(a), Column::Logical(b)) => a == b,
            _ => false,
        }
    }
}

impl Column {
    /// A numeric column; `None` is a missing cell.
    pub fn numbers<I: IntoIterator<Item = Option<f64>>>(values: I) -> Self {
        Column::Number(values.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
    }

    /// A text column; `None` is a missing cell.
    pub fn text<I, S>(values: I) -> Self
    where
        I: IntoIterator<Item = Option<S>>,
        S: AsRef<str>,
    {
        Column::Text(values.into_iter().collect())
    }

    /// A logical column; `None` is a missing cell.
    pub fn logical<I: IntoIterator<Item = Option<bool>>>(values: I) -> Self {
        Column::Logical(values.into_iter().collect())
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::Number(v) => v.len(),
            Column::Text(t) => t.len(),
            Column::Logical(v) => v.len(),
        }
    }

    /// `true` if the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `true` if row `i` (0-based) is missing (or out of range).
    pub fn is_missing(&self, i: usize) -> bool {
        match self {
            Column::Number(v) => v.get(i).is_none_or(|x| x.is_nan()),
            Column::Text(t) => t.get(i).is_none(),
            Column::Logical(v) => v.get(i).is_none_or(Option::is_none),
        }
    }

    /// The number in row `i` of a numeric column (`None` if missing or not numeric).
    pub fn number_at(&self, i: usize) -> Option<f64> {
        match self {
            Column::Number(v) => v.get(i).copied().filter(|x| !x.is_nan()),
            _ => None,
        }
    }

    /// The label in row `i` of a text column (`None` if missing or not text).
    pub fn text_at(&self, i: usize) -> Option<&str> {
        match self {
            Column::Text(t) => t.get(i),
            _ => None,
        }
    }

    /// What kind of column this is, in words (`"numeric"`, `"text"`, `"logical"`).
    pub fn kind(&self) -> &'static str {
        match self {
            Column::Number(_) => "numeric",
            Column::Text(_) => "text",
            Column::Logical(_) => "logical",
        }
    }

    fn select(&self, rows: &[usize]) -> Column {
        match self {
            Column::Number(v) => Column::Number(rows.iter().map(|&i| v[i]).collect()),
            Column::Text(t) => Column::Text(t.select(rows)),
            Column::Logical(v) => Column::Logical(rows.iter().map(|&i| v[i]).collect()),
        }
    }
}

/// A table of named columns of equal length, the input of a model formula (R's
/// `data.frame`).
///
/// Build it from columns ([`Table::from_columns`]), read it from CSV ([`Table::from_csv_path`],
/// `csv` feature, on by default) or convert a polars `DataFrame` (`polars` feature).
///
/// ```
/// use oncostat::frame::{Column, Table};
/// # fn main() -> Result<(), oncostat::Error> {
/// let t = Table::from_columns([
///     ("age", Column::numbers([Some(61.0), None, Some(55.0)])),
///     ("sex", Column::text([Some("male"), Some("female"), Some("male")])),
/// ])?;
/// assert_eq!(t.nrows(), 3);
/// assert_eq!(t.names(), ["age", "sex"]);
/// assert!(t.column("age")?.is_missing(1));
/// assert!(t.column("weight").is_err()); // names the column
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Table {
    names: Vec<String>,
    columns: Vec<Column>,
    nrows: usize,
    /// Column position by name (the header check and lookups are linear in the columns).
    index: HashMap<String, usize>,
    /// How each column's cells were written, for columns typed from text.
    written: Vec<Written>,
}

/// Tables are equal when their names and cells are (however the cells were written).
impl PartialEq for Table {
    fn eq(&self, other: &Self) -> bool {
        self.names == other.names && self.columns == other.columns && self.nrows == other.nrows
    }
}

impl Table {
    /// A table from `(name, column)` pairs, in order.
    ///
    /// # Errors
    /// * [`Error::DuplicateColumn`] if a name repeats.
    /// * [`Error::DimensionMismatch`] if the columns differ in length (names the column).
    pub fn from_columns<I, S>(columns: I) -> Result<Self>
    where
        I: IntoIterator<Item = (S, Column)>,
        S: Into<String>,
    {
        let mut table = Table::default();
        for (name, column) in columns {
            table.push(name.into(), column)?;
        }
        Ok(table)
    }

    /// A table from columns of text cells, typed as R's `read.csv` types them: an empty cell
    /// or `NA` is missing; a column whose other cells are all `TRUE`/`FALSE` (also `T`, `F`,
    /// `true`, `false`, `True`, `False`) is logical, else all numbers (`12`, `-3.5`, `1e-08`,
    /// `Inf`; `NaN` reads as missing) numeric, else text. A column without a value is
    /// numeric. (The CSV reader uses this.)
    ///
    /// # Errors
    /// As [`Table::from_columns`].
    ///
    /// ```
    /// use oncostat::frame::Table;
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let t = Table::from_text_columns([
    ///     ("age".to_string(), vec!["61".to_string(), "NA".to_string()]),
    ///     ("sex".to_string(), vec!["male".to_string(), String::new()]),
    /// ])?;
    /// assert_eq!(t.column("age")?.kind(), "numeric");
    /// assert!(t.column("sex")?.is_missing(1));
    /// # Ok(()) }
    /// ```
    pub fn from_text_columns<I>(columns: I) -> Result<Self>
    where
        I: IntoIterator<Item = (String, Vec<String>)>,
    {
        let mut table = Table::default();
        for (name, cells) in columns {
            let mut builder = ColumnBuilder::default();
            for (i, cell) in cells.iter().enumerate() {
                builder
                    .push(cell.trim().as_bytes())
                    .map_err(|e| Error::Csv {
                        location: format!("row {}, column `{name}`", i + 1),
                        reason: e.to_string(),
                    })?;
            }
            let (column, written) = builder.finish();
            table.push_written(name, column, written)?;
        }
        Ok(table)
    }

    /// Adds a column at the end.
    ///
    /// # Errors
    /// As [`Table::from_columns`].
    pub fn with_column(mut self, name: impl Into<String>, column: Column) -> Result<Self> {
        self.push(name.into(), column)?;
        Ok(self)
    }

    fn push(&mut self, name: String, column: Column) -> Result<()> {
        self.push_written(name, column, Written::Nothing)
    }

    /// Adds a column typed from text, with how its cells were written.
    pub(crate) fn push_written(
        &mut self,
        name: String,
        column: Column,
        written: Written,
    ) -> Result<()> {
        if self.index.contains_key(&name) {
            return Err(Error::DuplicateColumn { name });
        }
        if self.columns.is_empty() {
            self.nrows = column.len();
        } else if column.len() != self.nrows {
            return Err(Error::mismatch(
                format!("column `{name}`"),
                self.nrows,
                column.len(),
            ));
        }
        self.index.insert(name.clone(), self.names.len());
        self.names.push(name);
        self.columns.push(column);
        self.written.push(written);
        Ok(())
    }

    /// Number of rows.
    pub fn nrows(&self) -> usize {
        self.nrows
    }

    /// Number of columns.
    pub fn ncols(&self) -> usize {
        self.columns.len()
    }

    /// Column names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The column called `name`.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`] if there is none.
    pub fn column(&self, name: &str) -> Result<&Column> {
        self.position(name).map(|j| &self.columns[j])
    }

    fn position(&self, name: &str) -> Result<usize> {
        self.index
            .get(name)
            .copied()
            .ok_or_else(|| Error::UnknownColumn {
                name: name.to_string(),
            })
    }

    /// The cells of column `name` as text, as they were written in the file the table was
    /// read from (trimmed): `1.50`, `007`, `T` and `1e-08` stay as written although the
    /// column holds numbers or logicals. A column not read from text gives its values as
    /// text (`TRUE`/`FALSE`, the shortest decimal that reads back as the number, `Inf`).
    ///
    /// # Errors
    /// [`Error::UnknownColumn`] if there is no such column.
    ///
    /// ```
    /// use oncostat::frame::Table;
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let t = Table::from_csv_reader("id,x\n007,1.50\n12,NA\n".as_bytes())?;
    /// assert_eq!(t.column("id")?.number_at(0), Some(7.0));
    /// let id = t.cell_text("id")?;
    /// assert_eq!(id.get(0).as_deref(), Some("007"));
    /// assert_eq!(t.cell_text("x")?.get(0).as_deref(), Some("1.50"));
    /// assert_eq!(t.cell_text("x")?.get(1), None);
    /// # Ok(()) }
    /// ```
    pub fn cell_text(&self, name: &str) -> Result<CellText<'_>> {
        let j = self.position(name)?;
        Ok(CellText {
            column: &self.columns[j],
            written: &self.written[j],
        })
    }

    /// `(name, column)` pairs in order.
    pub fn columns(&self) -> impl Iterator<Item = (&str, &Column)> {
        self.names.iter().map(String::as_str).zip(&self.columns)
    }

    /// The `(name, column)` pairs moved out, in order: the table is consumed and no cell is
    /// copied (a column not kept is freed as the iteration passes it).
    ///
    /// ```
    /// use oncostat::frame::{Column, Table};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let t = Table::from_csv_reader("age,sex\n61,male\n70,female\n".as_bytes())?;
    /// let mut columns = t.into_columns();
    /// let (name, age) = columns.next().unwrap();
    /// assert_eq!((name.as_str(), age), ("age", Column::numbers([Some(61.0), Some(70.0)])));
    /// assert_eq!(columns.next().unwrap().0, "sex");
    /// # Ok(()) }
    /// ```
    pub fn into_columns(self) -> impl Iterator<Item = (String, Column)> {
        self.names.into_iter().zip(self.columns)
    }

    /// The table restricted to the given rows (0-based), in that order.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if an index is out of range.
    ///
    /// ```
    /// use oncostat::frame::{Column, Table};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let t = Table::from_columns([("x", Column::numbers([Some(1.0), Some(2.0), Some(3.0)]))])?;
    /// let s = t.select_rows(&[2, 0])?;
    /// assert_eq!(s.column("x")?.number_at(0), Some(3.0));
    /// # Ok(()) }
    /// ```
    pub fn select_rows(&self, rows: &[usize]) -> Result<Self> {
        if let Some(&bad) = rows.iter().find(|&&i| i >= self.nrows) {
            return Err(Error::mismatch("row index", self.nrows, bad + 1));
        }
        Ok(Table {
            names: self.names.clone(),
            columns: self.columns.iter().map(|c| c.select(rows)).collect(),
            nrows: rows.len(),
            index: self.index.clone(),
            written: self.written.iter().map(|w| w.select(rows)).collect(),
        })
    }
}

/// The cells of one column as text, as written (see [`Table::cell_text`]).
#[derive(Debug, Clone, Copy)]
pub struct CellText<'a> {
    column: &'a Column,
    written: &'a Written,
}

impl<'a> CellText<'a> {
    /// The text of row `i` (0-based), `None` if the cell is missing (a `NaN` cell of a
    /// numeric column is missing but has its text) or out of range.
    pub fn get(&self, i: usize) -> Option<Cow<'a, str>> {
        self.written.cell(self.column, i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_numbers_are_equal_cells() {
        let a = Column::numbers([Some(1.0), None, Some(-0.0), Some(f64::INFINITY)]);
        let b = Column::numbers([Some(1.0), None, Some(0.0), Some(f64::INFINITY)]);
        assert_eq!(a, b);
        assert_ne!(a, Column::numbers([Some(1.0), Some(2.0), Some(0.0), None]));
        assert_ne!(a, Column::logical([None, None, None, None]));
    }

    #[test]
    fn r_numbers_only() {
        assert!(parse_r_number("inf").is_none());
        assert!(parse_r_number("nan").is_none());
        assert_eq!(parse_r_number(" -Inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_r_number("1e-08"), Some(1e-8));
    }
}
