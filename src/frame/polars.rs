//! A [`Table`] from a polars `DataFrame` (feature `polars`); the rules are in the
//! [module docs](crate::frame#from-a-polars-dataframe).

use std::collections::HashMap;

use polars_core::prelude::{CategoricalPhysical, DataFrame, DataType, Series};

use super::table::{Column, MISSING, Table, TextColumn};
use crate::{Error, Result};

impl Table {
    /// The table of a polars `DataFrame`: numeric columns as numbers, `String`,
    /// `Categorical` and `Enum` as text, `Boolean` as logical, nulls (and float `NaN`) as
    /// missing cells (the rules are in the
    /// [module docs](crate::frame#from-a-polars-dataframe)).
    ///
    /// # Errors
    /// [`Error::ColumnType`] for a column of another type (names the column and its type).
    ///
    /// ```
    /// use oncostat::frame::Table;
    /// use polars_core::prelude::*;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let arm = Series::new("arm".into(), [Some("b"), Some("a"), None])
    ///     .cast(&DataType::from_categories(Categories::global()))?;
    /// let df = DataFrame::new(3, vec![arm.into()])?;
    /// let t = Table::from_polars(&df)?;
    /// assert_eq!(t.column("arm")?.text_at(0), Some("b"));
    /// assert!(t.column("arm")?.is_missing(2));
    /// # Ok(()) }
    /// ```
    pub fn from_polars(df: &DataFrame) -> Result<Table> {
        let mut table = Table::default();
        for column in df.columns() {
            let name = column.name().as_str();
            let series = column.as_materialized_series();
            table = table.with_column(name, convert(name, series)?)?;
        }
        Ok(table)
    }
}

impl TryFrom<&DataFrame> for Table {
    type Error = Error;

    /// As [`Table::from_polars`].
    fn try_from(df: &DataFrame) -> Result<Table> {
        Table::from_polars(df)
    }
}

/// The column type named in words, for an error about a column that cannot be read.
fn type_in_words(dtype: &DataType) -> &'static str {
    if dtype.is_temporal() {
        "a polars date or time"
    } else if dtype.is_nested() {
        "a polars list or struct"
    } else if dtype.is_binary() {
        "polars binary"
    } else {
        "a polars type oncostat does not read"
    }
}

fn unreadable(name: &str, dtype: &DataType) -> Error {
    Error::ColumnType {
        column: name.to_string(),
        found: type_in_words(dtype),
        needed: "numbers, text, logical or categorical",
        reason: "convert the column first (a date to a numeric time, a list to one column per value)",
    }
}

fn convert(name: &str, series: &Series) -> Result<Column> {
    let dtype = series.dtype();
    if dtype.is_bool() {
        let values = series.bool().map_err(|_| unreadable(name, dtype))?;
        return Ok(Column::Logical(values.iter().collect()));
    }
    if dtype.is_null() {
        // no value at all: numeric, as the CSV reader types a column without a value
        return Ok(Column::Number(vec![f64::NAN; series.len()]));
    }
    if dtype.is_primitive_numeric() {
        let cast = series
            .cast(&DataType::Float64)
            .map_err(|_| unreadable(name, dtype))?;
        let values = cast.f64().map_err(|_| unreadable(name, dtype))?;
        return Ok(Column::Number(
            values.iter().map(|v| v.unwrap_or(f64::NAN)).collect(),
        ));
    }
    if dtype.is_string() {
        let values = series.str().map_err(|_| unreadable(name, dtype))?;
        return Ok(Column::Text(values.iter().collect()));
    }
    if let DataType::Categorical(_, mapping) | DataType::Enum(_, mapping) = dtype {
        // the category ids, read from the physical array of their width (a `UInt8` series
        // cannot be built without polars' `dtype-u8`), relabelled in order of first appearance
        let fail = |_| unreadable(name, dtype);
        let ids: Box<dyn Iterator<Item = Option<u32>>> = match dtype.cat_physical().map_err(fail)? {
            CategoricalPhysical::U8 => Box::new(
                series
                    .cat8()
                    .map_err(fail)?
                    .physical()
                    .iter()
                    .map(|c| c.map(u32::from)),
            ),
            CategoricalPhysical::U16 => Box::new(
                series
                    .cat16()
                    .map_err(fail)?
                    .physical()
                    .iter()
                    .map(|c| c.map(u32::from)),
            ),
            CategoricalPhysical::U32 => Box::new(series.cat32().map_err(fail)?.physical().iter()),
        };
        let mut codes = Vec::with_capacity(series.len());
        let mut dictionary: Vec<String> = Vec::new();
        let mut relabel: HashMap<u32, u32> = HashMap::new();
        for id in ids {
            let code = match id.and_then(|id| Some((id, mapping.cat_to_str(id)?))) {
                None => MISSING,
                Some((id, label)) => *relabel.entry(id).or_insert_with(|| {
                    dictionary.push(label.to_string());
                    (dictionary.len() - 1) as u32
                }),
            };
            codes.push(code);
        }
        return Ok(Column::Text(TextColumn::from_parts(codes, dictionary)));
    }
    Err(unreadable(name, dtype))
}
