//! The format-neutral shape of a built report: titled sections of paragraphs, tables and charts.
//! Every kind turns its data into a [`Document`]; the outputs (HTML, PDF, XLSX, CSV) render only
//! this, so a new kind needs no new renderer and every format shows the same figures.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::chart::Chart;

/// A report ready to render.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// The report's title, e.g. `Statement of Applicability`.
    pub title: String,
    pub organization: String,
    /// The kind's stored word (`soa`), used in file names.
    pub kind: String,
    /// The period as people read it: `2026-Q3 (2026-07-01 to 2026-09-30)`.
    pub period: String,
    /// What the report covers: `whole organization`, `framework ISO/IEC 42001`...
    pub scope: String,
    pub generated_at: DateTime<Utc>,
    pub sections: Vec<Section>,
}

/// One titled part of a report.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
}

/// What a section holds, in order.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Paragraph {
        text: String,
    },
    /// Label/value pairs shown as a compact list (key figures).
    Facts {
        facts: Vec<(String, String)>,
    },
    Table {
        table: Table,
    },
    Chart {
        chart: Chart,
    },
}

/// A table: also one XLSX sheet and one CSV file, named by `name`.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// Machine name (`controls`, `gaps`): the sheet and CSV file name.
    pub name: String,
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

/// A column and the type of its cells.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub name: String,
    pub kind: ColumnKind,
}

/// How a column's values are typed in XLSX and aligned in print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    Text,
    Integer,
    Number,
    /// A share 0-100, printed with `%`.
    Percent,
    Date,
    DateTime,
}

/// One typed cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Empty,
    Text(String),
    Integer(i64),
    Number(f64),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
}

impl Cell {
    /// The cell as printed in HTML, PDF and CSV: numbers to at most 2 decimals, dates as ISO
    /// dates, instants to the minute in UTC.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.clone(),
            Cell::Integer(n) => n.to_string(),
            Cell::Number(x) => format_number(*x),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::DateTime(t) => t.format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    /// Whether the cell is right-aligned in print.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Cell::Integer(_) | Cell::Number(_))
    }
}

/// A number with at most two decimals and no trailing zeros (`12.5`, `3`, `0.07`).
pub fn format_number(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let text = format!("{:.2}", (x * 100.0).round() / 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.to_string()
    }
}

impl From<&str> for Cell {
    fn from(value: &str) -> Self {
        Cell::Text(value.to_string())
    }
}
impl From<String> for Cell {
    fn from(value: String) -> Self {
        Cell::Text(value)
    }
}
impl From<i64> for Cell {
    fn from(value: i64) -> Self {
        Cell::Integer(value)
    }
}
impl From<i32> for Cell {
    fn from(value: i32) -> Self {
        Cell::Integer(i64::from(value))
    }
}
impl From<u32> for Cell {
    fn from(value: u32) -> Self {
        Cell::Integer(i64::from(value))
    }
}
impl From<usize> for Cell {
    fn from(value: usize) -> Self {
        Cell::Integer(i64::try_from(value).unwrap_or(i64::MAX))
    }
}
impl From<f64> for Cell {
    fn from(value: f64) -> Self {
        if value.is_finite() {
            Cell::Number(value)
        } else {
            Cell::Empty
        }
    }
}
impl From<NaiveDate> for Cell {
    fn from(value: NaiveDate) -> Self {
        Cell::Date(value)
    }
}
impl From<DateTime<Utc>> for Cell {
    fn from(value: DateTime<Utc>) -> Self {
        Cell::DateTime(value)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Self {
        value.map_or(Cell::Empty, Into::into)
    }
}

impl Table {
    /// An empty table with `columns` given as `(name, kind)`.
    pub fn new(name: &str, title: &str, columns: &[(&str, ColumnKind)]) -> Table {
        Table {
            name: name.into(),
            title: title.into(),
            columns: columns
                .iter()
                .map(|(name, kind)| Column {
                    name: (*name).into(),
                    kind: *kind,
                })
                .collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "row width of {}", self.name);
        self.rows.push(row);
    }
}

impl Section {
    pub fn new(heading: &str) -> Section {
        Section {
            heading: heading.into(),
            blocks: Vec::new(),
        }
    }
    pub fn paragraph(mut self, text: impl Into<String>) -> Section {
        self.blocks.push(Block::Paragraph { text: text.into() });
        self
    }
    pub fn facts(mut self, facts: Vec<(String, String)>) -> Section {
        self.blocks.push(Block::Facts { facts });
        self
    }
    pub fn table(mut self, table: Table) -> Section {
        self.blocks.push(Block::Table { table });
        self
    }
    pub fn chart(mut self, chart: Chart) -> Section {
        self.blocks.push(Block::Chart { chart });
        self
    }
}

impl Document {
    /// Every table in order of appearance.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.sections.iter().flat_map(|s| {
            s.blocks.iter().filter_map(|b| match b {
                Block::Table { table } => Some(table),
                _ => None,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_with_at_most_two_decimals() {
        assert_eq!(format_number(12.5), "12.5");
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(0.066), "0.07");
        assert_eq!(format_number(-0.001), "0");
        assert_eq!(format_number(f64::NAN), "");
    }
}
