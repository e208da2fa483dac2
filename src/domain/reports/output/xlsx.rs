//! A report as an Excel workbook (rust_xlsxwriter): one sheet per table, typed cells (numbers,
//! dates, instants), a bold frozen header row with a filter, and the workbook's properties
//! naming the organization, kind and period. The creation time is the report's generation time,
//! so the same report always gives the same bytes.

use std::collections::HashSet;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::domain::reports::document::{Cell, ColumnKind, Document, Table};
use crate::error::{AppError, AppResult};

/// Excel's limit on sheet names.
const SHEET_NAME_MAX: usize = 31;
/// Widest column set, in characters.
const COLUMN_WIDTH_MAX: usize = 60;

/// `document` as XLSX bytes.
pub fn workbook(document: &Document) -> AppResult<Vec<u8>> {
    build(document).map_err(|e| AppError::internal(anyhow::anyhow!("writing XLSX: {e}")))
}

fn build(document: &Document) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_timestamp(document.generated_at.timestamp())?;
    book.set_properties(
        &DocProperties::new()
            .set_title(&document.title)
            .set_company(&document.organization)
            .set_subject(format!("{} · {}", document.period, document.scope))
            .set_author("Accord")
            .set_creation_datetime(&created),
    );
    let header = Format::new().set_bold().set_background_color(0xE8EEF4);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let instant = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let percent = Format::new().set_num_format("0.0");
    let mut names = HashSet::new();
    let tables: Vec<&Table> = document.tables().collect();
    if tables.is_empty() {
        let sheet = book.add_worksheet();
        sheet.set_name("report")?;
        sheet.write_string(0, 0, &document.title)?;
    }
    for table in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(unique_sheet_name(&table.name, &mut names))?;
        for (c, column) in table.columns.iter().enumerate() {
            sheet.write_string_with_format(0, col(c)?, &column.name, &header)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            for (c, cell) in row.iter().enumerate() {
                let kind = table.columns.get(c).map_or(ColumnKind::Text, |c| c.kind);
                write_cell(sheet, r, col(c)?, cell, kind, &date, &instant, &percent)?;
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        if !table.columns.is_empty() {
            let last_row = u32::try_from(table.rows.len()).unwrap_or(u32::MAX);
            sheet.autofilter(0, 0, last_row, col(table.columns.len() - 1)?)?;
        }
        for (c, column) in table.columns.iter().enumerate() {
            let widest = table
                .rows
                .iter()
                .filter_map(|row| row.get(c))
                .map(|cell| cell.display().chars().count())
                .chain([column.name.chars().count()])
                .max()
                .unwrap_or(8);
            let width = widest.clamp(8, COLUMN_WIDTH_MAX) as f64 + 2.0;
            sheet.set_column_width(col(c)?, width)?;
        }
    }
    book.save_to_buffer()
}

#[allow(clippy::too_many_arguments)]
fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    cell: &Cell,
    kind: ColumnKind,
    date: &Format,
    instant: &Format,
    percent: &Format,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(text) => {
            sheet.write_string(row, column, text)?;
        }
        Cell::Integer(n) => {
            // Excel numbers are doubles; counts in reports are far below 2^53.
            sheet.write_number(row, column, *n as f64)?;
        }
        Cell::Number(x) if kind == ColumnKind::Percent => {
            sheet.write_number_with_format(row, column, *x, percent)?;
        }
        Cell::Number(x) => {
            sheet.write_number(row, column, *x)?;
        }
        Cell::Date(d) => {
            use chrono::Datelike;
            let value = ExcelDateTime::from_ymd(
                u16::try_from(d.year())
                    .map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?,
                d.month() as u8,
                d.day() as u8,
            )?;
            sheet.write_datetime_with_format(row, column, &value, date)?;
        }
        Cell::DateTime(t) => {
            let value = ExcelDateTime::from_timestamp(t.timestamp())?;
            sheet.write_datetime_with_format(row, column, &value, instant)?;
        }
    }
    Ok(())
}

fn col(index: usize) -> Result<u16, XlsxError> {
    u16::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}

/// A valid, unique sheet name: no `[]:*?/\`, at most 31 characters, numbered when repeated.
fn unique_sheet_name(name: &str, taken: &mut HashSet<String>) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\'".contains(c) { '_' } else { c })
        .take(SHEET_NAME_MAX)
        .collect();
    let clean = if clean.trim().is_empty() {
        "sheet".to_string()
    } else {
        clean
    };
    let mut candidate = clean.clone();
    let mut n = 2;
    while !taken.insert(candidate.to_lowercase()) {
        let suffix = format!(" {n}");
        let keep = SHEET_NAME_MAX - suffix.len();
        candidate = format!("{}{suffix}", clean.chars().take(keep).collect::<String>());
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(unique_sheet_name("a/b", &mut taken), "a_b");
        assert_eq!(
            unique_sheet_name("A/B", &mut taken),
            "A/B".replace('/', "_") + " 2"
        );
        let long = "x".repeat(40);
        assert_eq!(unique_sheet_name(&long, &mut taken).len(), 31);
    }
}
