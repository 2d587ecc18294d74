//! Reading a [`Table`] from CSV (the `csv` feature, on by default).
//!
//! The rules are R's `read.csv` with two documented choices:
//! * the first row is the header; cells are comma-separated and may be quoted;
//! * an empty cell or `NA` is missing, in every column (R keeps an empty cell of a text
//!   column as `""`; here it is missing, as the command line treats it);
//! * a column is **logical** if every non-missing cell is `TRUE`/`FALSE` (also `T`, `F`,
//!   `true`, `false`, `True`, `False`), else **numeric** if every non-missing cell is a
//!   number as R writes them (`12`, `-3.5`, `1e-08`, `Inf`, `-Inf`; `NaN` is missing), else
//!   **text** (the cells exactly as written). A column with no value at all is numeric.

use std::io::Read;
use std::path::Path;

use super::table::Table;
use crate::{Error, Result};

fn csv_error(location: impl Into<String>, err: &dyn std::fmt::Display) -> Error {
    Error::Csv {
        location: location.into(),
        reason: err.to_string(),
    }
}

impl Table {
    /// Reads a CSV file (see the [module rules](crate::frame#reading-csv)).
    ///
    /// # Errors
    /// * [`Error::Csv`] if the file cannot be read, or a row has the wrong number of cells
    ///   (names the file and the row).
    /// * [`Error::DuplicateColumn`] if the header repeats a name.
    ///
    /// # Examples
    /// ```
    /// use oncostat::frame::Table;
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let path = std::env::temp_dir().join("oncostat_doc_table.csv");
    /// std::fs::write(&path, "time,status,sex\n5,1,male\n8,NA,female\n")
    ///     .map_err(|e| oncostat::Error::Csv { location: "temp file".into(), reason: e.to_string() })?;
    /// let t = Table::from_csv_path(&path)?;
    /// assert_eq!(t.nrows(), 2);
    /// assert!(t.column("status")?.is_missing(1));
    /// assert_eq!(t.column("sex")?.kind(), "text");
    /// # Ok(()) }
    /// ```
    pub fn from_csv_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let file = std::fs::File::open(path)
            .map_err(|e| csv_error(format!("file `{}`", path.display()), &e))?;
        Table::from_csv_reader(std::io::BufReader::new(file)).map_err(|e| match e {
            Error::Csv { location, reason } => Error::Csv {
                location: format!("file `{}`, {location}", path.display()),
                reason,
            },
            other => other,
        })
    }

    /// Reads CSV text from any reader (see [`Table::from_csv_path`]).
    ///
    /// # Errors
    /// As [`Table::from_csv_path`].
    ///
    /// # Examples
    /// ```
    /// use oncostat::frame::Table;
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let t = Table::from_csv_reader("age,arm\n61,\"dose high\"\nNA,control\n".as_bytes())?;
    /// assert_eq!(t.column("age")?.number_at(0), Some(61.0));
    /// assert_eq!(t.column("arm")?.text_at(0), Some("dose high"));
    /// # Ok(()) }
    /// ```
    pub fn from_csv_reader<R: Read>(reader: R) -> Result<Self> {
        let mut rdr = ::csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(reader);
        let header: Vec<String> = rdr
            .headers()
            .map_err(|e| csv_error("header", &e))?
            .iter()
            .map(str::to_string)
            .collect();
        let p = header.len();
        let mut cells: Vec<Vec<String>> = vec![Vec::new(); p];
        let mut record = ::csv::StringRecord::new();
        let mut row = 0usize;
        loop {
            match rdr.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(csv_error(format!("row {}", row + 1), &e)),
            }
            row += 1;
            for (j, cell) in record.iter().enumerate() {
                cells[j].push(cell.to_string());
            }
        }
        Table::from_text_columns(header.into_iter().zip(cells))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_missing_cells() -> Result<()> {
        let t = Table::from_csv_reader(
            "a,b,c,d,e\n1,TRUE,x,,1e-08\nNA,F,,NA,-Inf\n2.5,NA,\"y, z\",NA,NaN\n".as_bytes(),
        )?;
        assert_eq!(t.column("a")?.kind(), "numeric");
        assert_eq!(t.column("b")?.kind(), "logical");
        assert_eq!(t.column("c")?.kind(), "text");
        assert_eq!(t.column("d")?.kind(), "numeric");
        assert!(t.column("a")?.is_missing(1));
        assert!(t.column("c")?.is_missing(1));
        assert_eq!(t.column("c")?.text_at(2), Some("y, z"));
        assert_eq!(t.column("e")?.number_at(0), Some(1e-8));
        assert_eq!(t.column("e")?.number_at(1), Some(f64::NEG_INFINITY));
        assert!(t.column("e")?.is_missing(2));
        Ok(())
    }

    #[test]
    fn ragged_row_names_the_row() {
        let e = Table::from_csv_reader("a,b\n1,2\n3\n".as_bytes()).unwrap_err();
        assert!(e.to_string().contains("row 2"), "{e}");
    }
}
