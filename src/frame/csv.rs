//! Reading a [`Table`] from CSV (the `csv` feature, on by default): streaming and typed.
//! The rules and guards are in the [`frame`](crate::frame#reading-csv) module docs.

use std::io::Read;
use std::path::Path;

use ::csv::ByteRecord;

use super::table::Table;
use super::typing::ColumnBuilder;
use crate::{Error, Result};

/// Limits of the CSV reader (see the [module guards](crate::frame#guards)).
///
/// ```
/// use oncostat::frame::{CsvOptions, Table};
/// let small = CsvOptions::default().max_cell_bytes(8);
/// let e = Table::from_csv_reader_with("id,note\n1,a rather long note\n".as_bytes(), &small)
///     .unwrap_err();
/// assert!(e.to_string().contains("row 1, column `note`"), "{e}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    max_bytes: u64,
    max_cell_bytes: usize,
    max_line_bytes: usize,
    name: Option<String>,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            max_bytes: 4 << 30,
            max_cell_bytes: 1 << 20,
            max_line_bytes: 64 << 20,
            name: None,
        }
    }
}

impl CsvOptions {
    /// The largest input read, in bytes (default 4 GiB).
    pub fn max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = bytes;
        self
    }

    /// The longest cell, in bytes (default 1 MiB).
    pub fn max_cell_bytes(mut self, bytes: usize) -> Self {
        self.max_cell_bytes = bytes;
        self
    }

    /// The longest line, in bytes (default 64 MiB).
    pub fn max_line_bytes(mut self, bytes: usize) -> Self {
        self.max_line_bytes = bytes;
        self
    }

    /// How errors name the input of [`Table::from_csv_reader_with`] (default `input`;
    /// [`Table::from_csv_path`] names the file).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

fn csv_error(location: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::Csv {
        location: location.into(),
        reason: reason.into(),
    }
}

/// What stopped the [`Guarded`] reader.
#[derive(Debug, Clone, Copy)]
enum Trip {
    TooLarge,
    LongLine,
    Nul,
}

/// A reader that counts: total bytes, bytes since the last line end, NUL bytes.
#[derive(Debug)]
struct Guarded<R> {
    inner: R,
    total: u64,
    line: usize,
    max_bytes: u64,
    max_line: usize,
    tripped: Option<Trip>,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.tripped.is_some() {
            return Err(std::io::Error::other("stopped"));
        }
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        self.total += n as u64;
        self.line = match chunk.iter().rposition(|&b| b == b'\n') {
            Some(p) => n - p - 1,
            None => self.line + n,
        };
        self.tripped = if chunk.contains(&0) {
            Some(Trip::Nul)
        } else if self.total > self.max_bytes {
            Some(Trip::TooLarge)
        } else if self.line > self.max_line {
            Some(Trip::LongLine)
        } else {
            None
        };
        match self.tripped {
            Some(_) => Err(std::io::Error::other("stopped")),
            None => Ok(n),
        }
    }
}

impl Table {
    /// Reads a CSV file (see the [module rules](crate::frame#reading-csv)), with the
    /// default [`CsvOptions`].
    ///
    /// # Errors
    /// [`Error::Csv`], naming the file (and the row and column where one applies), if the
    /// file cannot be read, is not a regular file, is empty, is not text, breaks a limit of
    /// [`CsvOptions`], has a header name missing or repeated, a row with the wrong number of
    /// cells, or a cell that is not UTF-8.
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
    /// assert!(Table::from_csv_path("/dev/zero").is_err());
    /// # Ok(()) }
    /// ```
    pub fn from_csv_path(path: impl AsRef<Path>) -> Result<Self> {
        Table::from_csv_path_with(path, &CsvOptions::default())
    }

    /// Reads a CSV file with the given limits (see [`Table::from_csv_path`]).
    ///
    /// # Errors
    /// As [`Table::from_csv_path`].
    ///
    /// # Examples
    /// ```
    /// use oncostat::frame::{CsvOptions, Table};
    /// let path = std::env::temp_dir().join("oncostat_doc_table_limits.csv");
    /// std::fs::write(&path, "x\n1\n2\n3\n").unwrap();
    /// let e = Table::from_csv_path_with(&path, &CsvOptions::default().max_bytes(4)).unwrap_err();
    /// assert!(e.to_string().contains("limit of 4 bytes"), "{e}");
    /// ```
    pub fn from_csv_path_with(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Self> {
        let path = path.as_ref();
        let name = format!("file `{}`", path.display());
        let meta = std::fs::metadata(path)
            .map_err(|e| csv_error(name.as_str(), format!("cannot read it: {e}")))?;
        if !meta.is_file() {
            return Err(csv_error(
                name,
                "is not a regular file (a directory, device or pipe, which may never end); \
                 save the data to a file and read that",
            ));
        }
        if meta.len() > options.max_bytes {
            return Err(too_large(&name, options));
        }
        let file = std::fs::File::open(path)
            .map_err(|e| csv_error(name.as_str(), format!("cannot read it: {e}")))?;
        read_csv(file, options, &name)
    }

    /// Reads CSV text from any reader (see [`Table::from_csv_path`]).
    ///
    /// # Errors
    /// As [`Table::from_csv_path`] (errors name the input `input`).
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
        Table::from_csv_reader_with(reader, &CsvOptions::default())
    }

    /// Reads CSV text from any reader with the given limits (see [`Table::from_csv_path`]).
    ///
    /// # Errors
    /// As [`Table::from_csv_path`], naming the input [`CsvOptions::name`].
    ///
    /// # Examples
    /// ```
    /// use oncostat::frame::{CsvOptions, Table};
    /// let e = Table::from_csv_reader_with("a,b\n1\n".as_bytes(), &CsvOptions::default().name("lung.csv"))
    ///     .unwrap_err();
    /// assert!(e.to_string().contains("lung.csv, row 1"), "{e}");
    /// ```
    pub fn from_csv_reader_with<R: Read>(reader: R, options: &CsvOptions) -> Result<Self> {
        let name = options.name.as_deref().unwrap_or("input");
        read_csv(reader, options, name)
    }
}

fn too_large(name: &str, options: &CsvOptions) -> Error {
    csv_error(
        name,
        format!(
            "is larger than the limit of {} bytes (CsvOptions::max_bytes)",
            options.max_bytes
        ),
    )
}

/// `true` for a line of blanks only.
fn blank(record: &ByteRecord) -> bool {
    record.len() == 1 && record[0].trim_ascii().is_empty()
}

fn read_csv<R: Read>(reader: R, options: &CsvOptions, name: &str) -> Result<Table> {
    let guarded = Guarded {
        inner: reader,
        total: 0,
        line: 0,
        max_bytes: options.max_bytes,
        max_line: options.max_line_bytes,
        tripped: None,
    };
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(guarded);
    let mut record = ByteRecord::new();
    let mut row = 0usize;
    let next = |rdr: &mut ::csv::Reader<Guarded<R>>, record: &mut ByteRecord, row: usize| {
        rdr.read_byte_record(record).map_err(|e| {
            let at = if row == 0 {
                "header".to_string()
            } else {
                format!("row {row}")
            };
            match rdr.get_ref().tripped {
                Some(Trip::Nul) => csv_error(
                    name,
                    "is not a text CSV file (it contains NUL bytes: binary or UTF-16 data)",
                ),
                Some(Trip::TooLarge) => too_large(name, options),
                Some(Trip::LongLine) => csv_error(
                    format!("{name}, {at}"),
                    format!(
                        "a line longer than {} bytes (CsvOptions::max_line_bytes); \
                         is this a CSV file with line ends?",
                        options.max_line_bytes
                    ),
                ),
                None => csv_error(format!("{name}, {at}"), e.to_string()),
            }
        })
    };
    loop {
        if !next(&mut rdr, &mut record, 0)? {
            return Err(csv_error(name, "is empty (no header row)"));
        }
        if !blank(&record) {
            break;
        }
    }
    let mut names: Vec<String> = Vec::with_capacity(record.len());
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (j, h) in record.iter().enumerate() {
        // a byte-order mark (spreadsheet exports) is not part of the first name
        let h = if j == 0 {
            h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h)
        } else {
            h
        };
        let h = std::str::from_utf8(h.trim_ascii())
            .map_err(|_| csv_error(name, format!("header column {}: not UTF-8 text", j + 1)))?;
        if h.is_empty() {
            return Err(csv_error(
                name,
                format!("header column {} has no name", j + 1),
            ));
        }
        if let Some(first) = seen.insert(h.to_string(), j) {
            return Err(csv_error(
                name,
                format!(
                    "column `{}` appears twice in the header (columns {} and {})",
                    shown(h),
                    first + 1,
                    j + 1
                ),
            ));
        }
        names.push(h.to_string());
    }
    drop(seen);
    let p = names.len();
    let mut builders: Vec<ColumnBuilder> = (0..p).map(|_| ColumnBuilder::default()).collect();
    while next(&mut rdr, &mut record, row + 1)? {
        if blank(&record) {
            continue;
        }
        row += 1;
        if record.len() != p {
            let line = record
                .position()
                .map_or(String::new(), |pos| format!(" (line {})", pos.line()));
            return Err(csv_error(
                format!("{name}, row {row}{line}"),
                format!("{} cells but the header has {p} columns", record.len()),
            ));
        }
        for (j, (cell, builder)) in record.iter().zip(&mut builders).enumerate() {
            if cell.len() > options.max_cell_bytes {
                return Err(csv_error(
                    format!("{name}, row {row}, column `{}`", shown(&names[j])),
                    format!(
                        "a cell of {} bytes, more than the limit of {} bytes \
                         (CsvOptions::max_cell_bytes)",
                        cell.len(),
                        options.max_cell_bytes
                    ),
                ));
            }
            builder.push(cell.trim_ascii()).map_err(|e| {
                csv_error(
                    format!("{name}, row {row}, column `{}`", shown(&names[j])),
                    e.to_string(),
                )
            })?;
        }
    }
    let mut table = Table::default();
    for (name, builder) in names.into_iter().zip(builders) {
        let (column, written) = builder.finish();
        table.push_written(name, column, written)?;
    }
    Ok(table)
}

/// A text as shown in an error message: at most 60 characters (then `…` and the length),
/// control characters escaped, so that one bad cell cannot flood the message.
pub(crate) fn shown(text: &str) -> String {
    const MAX: usize = 60;
    let mut out = String::new();
    for (k, c) in text.chars().enumerate() {
        if k == MAX {
            out.push_str(&format!("… ({} characters)", text.chars().count()));
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
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
    fn blanks_trimmed_and_blank_lines_skipped() -> Result<()> {
        let t = Table::from_csv_reader("\n  \n x , y\n 1 , a \n\n\t\n2,NA\n".as_bytes())?;
        assert_eq!(t.names(), ["x", "y"]);
        assert_eq!(t.nrows(), 2);
        assert_eq!(t.column("x")?.number_at(0), Some(1.0));
        assert_eq!(t.column("y")?.text_at(0), Some("a"));
        assert!(t.column("y")?.is_missing(1));
        Ok(())
    }

    #[test]
    fn a_column_turned_text_late_keeps_every_cell() -> Result<()> {
        let mut csv = String::from("id,x\n");
        for i in 0..5000 {
            csv.push_str(&format!("{i:04},{}.50\n", i % 7));
        }
        csv.push_str("P-1,NA\n");
        let t = Table::from_csv_reader(csv.as_bytes())?;
        let id = t.column("id")?;
        assert_eq!(id.kind(), "text");
        assert_eq!(id.text_at(0), Some("0000"));
        assert_eq!(id.text_at(4999), Some("4999"));
        assert_eq!(id.text_at(5000), Some("P-1"));
        assert_eq!(t.column("x")?.number_at(3), Some(3.5));
        assert_eq!(t.cell_text("x")?.get(3).as_deref(), Some("3.50"));
        Ok(())
    }

    #[test]
    fn ragged_row_names_the_row() {
        let e = Table::from_csv_reader("a,b\n1,2\n3\n".as_bytes()).unwrap_err();
        assert!(e.to_string().contains("row 2"), "{e}");
        assert!(
            e.to_string().contains("1 cells but the header has 2"),
            "{e}"
        );
    }

    #[test]
    fn empty_and_header_problems() {
        let msg = |s: &str| {
            Table::from_csv_reader(s.as_bytes())
                .unwrap_err()
                .to_string()
        };
        assert!(msg("").contains("is empty"));
        assert!(msg(" \n\t\n").contains("is empty"));
        assert!(msg("a,,b\n1,2,3\n").contains("header column 2 has no name"));
        let t = Table::from_csv_reader(&b"\xEF\xBB\xBFid,x\n1,2\n"[..]).unwrap();
        assert_eq!(t.names(), ["id", "x"]);
        let e = msg("t,e,t\n1,1,2\n");
        assert!(
            e.contains("`t` appears twice in the header (columns 1 and 3)"),
            "{e}"
        );
        let t = Table::from_csv_reader("a,b\n".as_bytes()).unwrap();
        assert_eq!(t.nrows(), 0);
    }

    #[test]
    fn not_utf8_names_row_and_column() {
        let e = Table::from_csv_reader(&b"t,e\n1,1\n2\xe9,0\n"[..]).unwrap_err();
        let e = e.to_string();
        assert!(
            e.contains("row 2, column `t`") && e.contains("UTF-8"),
            "{e}"
        );
        let e = Table::from_csv_reader(&b"t\xe9,e\n1,1\n"[..]).unwrap_err();
        assert!(e.to_string().contains("header column 1: not UTF-8"), "{e}");
    }

    #[test]
    fn wide_header_duplicate_found() {
        let mut header: Vec<String> = (0..100_000).map(|j| format!("c{j}")).collect();
        let row = vec!["1"; 100_000].join(",");
        let t = Table::from_csv_reader(format!("{}\n{row}\n", header.join(",")).as_bytes());
        assert_eq!(t.map(|t| t.ncols()).ok(), Some(100_000));
        header.push("c17".into());
        let row = vec!["1"; 100_001].join(",");
        let e = Table::from_csv_reader(format!("{}\n{row}\n", header.join(",")).as_bytes())
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("`c17` appears twice in the header (columns 18 and 100001)"),
            "{e}"
        );
    }

    /// `x\n` then `1\n` forever.
    struct Endless(usize);

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            for b in buf.iter_mut() {
                *b = if self.0 == 0 {
                    b'x'
                } else if self.0 % 2 == 1 {
                    b'\n'
                } else {
                    b'1'
                };
                self.0 += 1;
            }
            Ok(buf.len())
        }
    }

    #[test]
    fn endless_or_binary_readers_stop() {
        let opts = CsvOptions::default().max_bytes(1 << 20).name("stream.csv");
        let e = Table::from_csv_reader_with(Endless(0), &opts).unwrap_err();
        let e = e.to_string();
        assert!(
            e.contains("stream.csv") && e.contains("limit of 1048576 bytes"),
            "{e}"
        );
        let e = Table::from_csv_reader(std::io::repeat(0)).unwrap_err();
        assert!(e.to_string().contains("NUL bytes"), "{e}");
        let opts = CsvOptions::default().max_line_bytes(1000);
        let e = Table::from_csv_reader_with(std::io::repeat(b'7'), &opts).unwrap_err();
        assert!(
            e.to_string().contains("a line longer than 1000 bytes"),
            "{e}"
        );
    }

    #[test]
    fn long_cell_names_row_and_column() {
        let digits = "9".repeat(5_000_000);
        let e = Table::from_csv_reader(format!("a,b\n1,2\n3,{digits}\n").as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("row 2, column `b`"), "{e}");
        assert!(e.contains("a cell of 5000000 bytes"), "{e}");
        assert!(e.len() < 300, "{}", e.len());
    }

    #[test]
    fn paths_that_are_not_files_are_refused() {
        for p in ["/dev/zero", "/dev/null", "/"] {
            if !Path::new(p).exists() {
                continue;
            }
            let e = Table::from_csv_path(p).unwrap_err().to_string();
            assert!(e.contains(&format!("file `{p}`")), "{e}");
            assert!(e.contains("not a regular file"), "{e}");
        }
        #[cfg(unix)]
        {
            let fifo = std::env::temp_dir().join(format!("oncostat-fifo-{}", std::process::id()));
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                // never opened for writing: reading it would block for ever
                let e = Table::from_csv_path(&fifo).unwrap_err().to_string();
                assert!(e.contains("not a regular file"), "{e}");
                let _ = std::fs::remove_file(&fifo);
            }
        }
        let e = Table::from_csv_path("/no/such/file.csv")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("file `/no/such/file.csv`: cannot read it"),
            "{e}"
        );
    }

    #[test]
    fn size_guard_on_files() {
        let path = std::env::temp_dir().join(format!("oncostat-size-{}.csv", std::process::id()));
        std::fs::write(&path, "x\n1\n2\n").unwrap();
        let e = Table::from_csv_path_with(&path, &CsvOptions::default().max_bytes(5))
            .unwrap_err()
            .to_string();
        assert!(e.contains("is larger than the limit of 5 bytes"), "{e}");
        assert_eq!(
            Table::from_csv_path_with(&path, &CsvOptions::default().max_bytes(6))
                .map(|t| t.nrows())
                .ok(),
            Some(2)
        );
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn shown_cuts_long_cells() {
        let s = shown(&"1".repeat(5_000_000));
        assert!(s.len() < 100 && s.ends_with("(5000000 characters)"), "{s}");
        assert_eq!(shown("a\nb"), "a\\nb");
        assert_eq!(shown("short"), "short");
    }
}
