//! One table of a report as CSV (RFC 4180, a header row, values as printed in the report).

use crate::domain::reports::document::Table;
use crate::error::{AppError, AppResult};

/// `table` as CSV bytes.
pub fn table_csv(table: &Table) -> AppResult<Vec<u8>> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer
        .write_record(table.columns.iter().map(|c| c.name.as_str()))
        .map_err(AppError::internal)?;
    for row in &table.rows {
        writer
            .write_record(row.iter().map(csv_value))
            .map_err(AppError::internal)?;
    }
    writer.into_inner().map_err(AppError::internal)
}

/// Cells as printed, except numbers keep their full precision (a spreadsheet re-aggregates them)
/// and formula-like text is defused (CSV injection).
fn csv_value(cell: &crate::domain::reports::document::Cell) -> String {
    use crate::domain::reports::document::Cell;
    match cell {
        Cell::Number(x) => x.to_string(),
        Cell::Text(text) if text.starts_with(['=', '+', '-', '@']) => format!("'{text}"),
        other => other.display(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reports::document::{Cell, ColumnKind};

    #[test]
    fn writes_a_header_and_quotes_as_needed() {
        let mut table = Table::new(
            "t",
            "T",
            &[("name", ColumnKind::Text), ("n", ColumnKind::Number)],
        );
        table.push(vec![Cell::from("a, b"), Cell::Number(1.25)]);
        table.push(vec![Cell::from("=cmd()"), Cell::Empty]);
        let text = String::from_utf8(table_csv(&table).expect("csv")).expect("utf-8");
        assert_eq!(text, "name,n\n\"a, b\",1.25\n'=cmd(),\n");
    }
}
