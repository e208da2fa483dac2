//! Lays a report out on A4 pages: the title block, section headings, wrapped paragraphs, key
//! figures, tables (columns sized to their content, cells wrapped, the header repeated on every
//! page a table spans) and charts (scaled to the text width, never split). Coordinates are points
//! from the page's top-left corner; the writer flips them.

use super::font::{width, wrap};
use crate::domain::reports::chart::{Anchor, Color, Shape};
use crate::domain::reports::document::{Block, Cell, Document, Table};

pub const PAGE_WIDTH: f64 = 595.0;
pub const PAGE_HEIGHT: f64 = 842.0;
pub const MARGIN: f64 = 42.0;
const TOP: f64 = 64.0;
const BOTTOM: f64 = PAGE_HEIGHT - 52.0;
const TEXT_WIDTH: f64 = PAGE_WIDTH - 2.0 * MARGIN;

const BODY: f64 = 9.5;
const TABLE_TEXT: f64 = 7.5;
const CELL_PAD: f64 = 3.0;
/// The widest a column may ask for before the others are considered.
const COLUMN_MAX: f64 = 230.0;
const COLUMN_MIN: f64 = 28.0;

/// A laid-out page: shapes in page coordinates.
pub type Page = Vec<Shape>;

struct Cursor {
    pages: Vec<Page>,
    y: f64,
}

impl Cursor {
    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }
    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }
    /// Starts a new page unless `height` more points fit on this one.
    fn ensure(&mut self, height: f64) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }
    fn text(&mut self, x: f64, size: f64, bold: bool, fill: Color, value: &str) {
        let y = self.y + size;
        self.page().push(Shape::Text {
            at: (x, y),
            size,
            anchor: Anchor::Start,
            bold,
            fill,
            text: value.to_string(),
        });
    }
}

/// The document's pages (without running headers and footers, which the writer adds once the
/// page count is known).
pub fn lay_out(document: &Document) -> Vec<Page> {
    let mut cursor = Cursor {
        pages: vec![Vec::new()],
        y: TOP,
    };
    for line in wrap(&document.title, 18.0, true, TEXT_WIDTH) {
        cursor.text(MARGIN, 18.0, true, Color::INK, &line);
        cursor.y += 22.0;
    }
    for line in [
        document.organization.clone(),
        format!("Period: {}", document.period),
        format!("Scope: {}", document.scope),
        format!(
            "Generated: {}",
            document.generated_at.format("%Y-%m-%d %H:%M UTC")
        ),
    ] {
        cursor.text(MARGIN, BODY, false, Color::INK, &line);
        cursor.y += BODY + 3.0;
    }
    cursor.y += 8.0;
    for section in &document.sections {
        cursor.ensure(48.0);
        cursor.y += 6.0;
        for line in wrap(&section.heading, 13.0, true, TEXT_WIDTH) {
            cursor.text(MARGIN, 13.0, true, Color::INK, &line);
            cursor.y += 17.0;
        }
        for block in &section.blocks {
            match block {
                Block::Paragraph { text } => paragraph(&mut cursor, text),
                Block::Facts { facts } => facts_list(&mut cursor, facts),
                Block::Table { table } => table_rows(&mut cursor, table),
                Block::Chart { chart } => drawing(&mut cursor, &chart.draw()),
            }
            cursor.y += 6.0;
        }
    }
    cursor.pages
}

fn paragraph(cursor: &mut Cursor, text: &str) {
    for line in wrap(text, BODY, false, TEXT_WIDTH) {
        cursor.ensure(BODY + 3.0);
        cursor.text(MARGIN, BODY, false, Color::INK, &line);
        cursor.y += BODY + 3.0;
    }
}

fn facts_list(cursor: &mut Cursor, facts: &[(String, String)]) {
    let label_width = facts
        .iter()
        .map(|(label, _)| width(label, BODY, true))
        .fold(0.0, f64::max)
        .min(TEXT_WIDTH / 2.0)
        + 10.0;
    for (label, value) in facts {
        let lines = wrap(value, BODY, false, TEXT_WIDTH - label_width);
        cursor.ensure((BODY + 3.0) * lines.len() as f64);
        cursor.text(MARGIN, BODY, true, Color::INK, label);
        for line in lines {
            cursor.text(MARGIN + label_width, BODY, false, Color::INK, &line);
            cursor.y += BODY + 3.0;
        }
    }
}

/// Column widths: each column's natural width (its widest cell, capped). When they do not fit,
/// narrow columns keep theirs (an id or a count must not wrap) and the wide ones share what is
/// left, in proportion to their natural widths.
fn column_widths(table: &Table) -> Vec<f64> {
    let natural: Vec<f64> = table
        .columns
        .iter()
        .enumerate()
        .map(|(c, column)| {
            let widest = table
                .rows
                .iter()
                .filter_map(|row| row.get(c))
                .map(|cell| width(&cell.display(), TABLE_TEXT, false))
                .fold(width(&column.name, TABLE_TEXT, true), f64::max);
            (widest + 2.0 * CELL_PAD).clamp(COLUMN_MIN, COLUMN_MAX)
        })
        .collect();
    fit(&natural, TEXT_WIDTH)
}

/// Fits `natural` widths into `available`: columns no wider than an even share of what remains
/// keep their width; the rest split the remainder by their natural widths.
fn fit(natural: &[f64], available: f64) -> Vec<f64> {
    if natural.iter().sum::<f64>() <= available {
        return natural.to_vec();
    }
    let mut fixed = vec![false; natural.len()];
    loop {
        let used: f64 = natural
            .iter()
            .zip(&fixed)
            .filter(|(_, f)| **f)
            .map(|(w, _)| w)
            .sum();
        let open = fixed.iter().filter(|f| !**f).count();
        if open == 0 {
            break;
        }
        let share = (available - used) / open as f64;
        let mut changed = false;
        for (i, w) in natural.iter().enumerate() {
            if !fixed[i] && *w <= share {
                fixed[i] = true;
                changed = true;
            }
        }
        if !changed {
            let wide: f64 = natural
                .iter()
                .zip(&fixed)
                .filter(|(_, f)| !**f)
                .map(|(w, _)| w)
                .sum();
            let left = (available - used).max(COLUMN_MIN * open as f64);
            return natural
                .iter()
                .zip(&fixed)
                .map(|(w, f)| if *f { *w } else { w / wide * left })
                .collect();
        }
    }
    // Every column fits its share: the natural widths were too wide only in total, which the
    // loop rules out; scale as a last resort.
    let scale = available / natural.iter().sum::<f64>();
    natural.iter().map(|w| w * scale).collect()
}

fn table_rows(cursor: &mut Cursor, table: &Table) {
    let widths = column_widths(table);
    let header: Vec<Vec<String>> = table
        .columns
        .iter()
        .zip(&widths)
        .map(|(c, w)| wrap(&c.name, TABLE_TEXT, true, w - 2.0 * CELL_PAD))
        .collect();
    let line_height = TABLE_TEXT + 2.0;
    let header_height = rows_height(&header, line_height);
    cursor.ensure(16.0 + header_height + line_height * 2.0);
    cursor.text(MARGIN, 10.0, true, Color::INK, &table.title);
    cursor.y += 15.0;
    draw_row(cursor, &widths, &header, header_height, true, &[]);
    if table.rows.is_empty() {
        cursor.ensure(line_height + 4.0);
        cursor.text(MARGIN + CELL_PAD, TABLE_TEXT, false, Color::INK, "(none)");
        cursor.y += line_height + 4.0;
        return;
    }
    // A row taller than a whole page is split across pages; a shorter one moves whole.
    let page_room = BOTTOM - TOP - header_height;
    for row in &table.rows {
        let mut cells: Vec<Vec<String>> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| wrap(&cell.display(), TABLE_TEXT, false, w - 2.0 * CELL_PAD))
            .collect();
        loop {
            let height = rows_height(&cells, line_height);
            if cursor.y + height <= BOTTOM {
                draw_row(cursor, &widths, &cells, height, false, row);
                break;
            }
            if height <= page_room {
                cursor.new_page();
                draw_row(cursor, &widths, &header, header_height, true, &[]);
                draw_row(cursor, &widths, &cells, height, false, row);
                break;
            }
            let fit = ((BOTTOM - cursor.y - 2.0 * CELL_PAD) / line_height).floor();
            if fit >= 1.0 {
                let fit = fit as usize;
                let head: Vec<Vec<String>> = cells
                    .iter()
                    .map(|lines| lines.iter().take(fit).cloned().collect())
                    .collect();
                let height = rows_height(&head, line_height);
                draw_row(cursor, &widths, &head, height, false, row);
                cells = cells
                    .into_iter()
                    .map(|lines| lines.into_iter().skip(fit).collect())
                    .collect();
            }
            cursor.new_page();
            draw_row(cursor, &widths, &header, header_height, true, &[]);
        }
    }
}

fn rows_height(cells: &[Vec<String>], line_height: f64) -> f64 {
    cells.iter().map(Vec::len).max().unwrap_or(1) as f64 * line_height + 2.0 * CELL_PAD
}

fn draw_row(
    cursor: &mut Cursor,
    widths: &[f64],
    cells: &[Vec<String>],
    height: f64,
    header: bool,
    source: &[Cell],
) {
    let y = cursor.y;
    if header {
        cursor.page().push(Shape::Rect {
            x: MARGIN,
            y,
            w: widths.iter().sum(),
            h: height,
            fill: Color(0xe8, 0xee, 0xf4),
        });
    }
    let mut x = MARGIN;
    for (c, lines) in cells.iter().enumerate() {
        let w = widths.get(c).copied().unwrap_or(COLUMN_MIN);
        let numeric = source.get(c).is_some_and(Cell::is_numeric);
        for (n, line) in lines.iter().enumerate() {
            let baseline = y + CELL_PAD + TABLE_TEXT + n as f64 * (TABLE_TEXT + 2.0);
            let (at, anchor) = if numeric {
                ((x + w - CELL_PAD, baseline), Anchor::End)
            } else {
                ((x + CELL_PAD, baseline), Anchor::Start)
            };
            cursor.page().push(Shape::Text {
                at,
                size: TABLE_TEXT,
                anchor,
                bold: header,
                fill: Color::INK,
                text: line.clone(),
            });
        }
        x += w;
    }
    cursor.page().push(Shape::Line {
        from: (MARGIN, y + height),
        to: (x, y + height),
        stroke: Color::GRID,
        width: 0.5,
        dashed: false,
    });
    cursor.y += height;
}

fn drawing(cursor: &mut Cursor, drawing: &crate::domain::reports::chart::Drawing) {
    let scale = (TEXT_WIDTH / drawing.width).min(1.0);
    let height = drawing.height * scale;
    cursor.ensure(height + 4.0);
    let offset = (MARGIN, cursor.y);
    for shape in &drawing.shapes {
        cursor.page().push(shape.clone().placed(offset, scale));
    }
    cursor.y += height + 4.0;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reports::document::{ColumnKind, Section};
    use chrono::TimeZone;

    fn document(rows: usize) -> Document {
        let mut table = Table::new("t", "Things", &[("name", ColumnKind::Text)]);
        for i in 0..rows {
            table.push(vec![Cell::from(format!("row {i}"))]);
        }
        Document {
            title: "T".into(),
            organization: "O".into(),
            kind: "k".into(),
            period: "p".into(),
            scope: "s".into(),
            generated_at: chrono::Utc
                .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
                .single()
                .expect("time"),
            sections: vec![Section::new("S").table(table)],
        }
    }

    #[test]
    fn narrow_columns_keep_their_width_when_wide_ones_shrink() {
        let widths = fit(&[30.0, 200.0, 230.0, 230.0, 40.0], 500.0);
        assert_eq!((widths[0], widths[4]), (30.0, 40.0));
        assert!((widths.iter().sum::<f64>() - 500.0).abs() < 1e-9);
        assert!(widths[1] < 200.0 && widths[2] < 230.0);
        assert_eq!(fit(&[10.0, 20.0], 500.0), vec![10.0, 20.0]);
    }

    #[test]
    fn long_tables_continue_with_their_header() {
        let pages = lay_out(&document(200));
        assert!(pages.len() >= 3);
        for page in &pages[1..] {
            let headers = page
                .iter()
                .filter(|s| matches!(s, Shape::Text { bold: true, text, .. } if text == "name"))
                .count();
            assert_eq!(headers, 1, "each continued page repeats the header");
        }
    }

    #[test]
    fn a_row_taller_than_a_page_continues_on_the_next() {
        let mut document = document(0);
        let mut table = Table::new(
            "t",
            "Long",
            &[("id", ColumnKind::Text), ("text", ColumnKind::Text)],
        );
        let words: Vec<String> = (0..4_000).map(|i| format!("word{i}")).collect();
        table.push(vec![Cell::from("A.10.4"), Cell::from(words.join(" "))]);
        document.sections = vec![Section::new("S").table(table)];
        let pages = lay_out(&document);
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let shown: Vec<&str> = pages
            .iter()
            .flatten()
            .filter_map(|s| match s {
                Shape::Text { text, at, .. } => {
                    assert!(at.1 <= BOTTOM, "{at:?} is above the footer");
                    Some(text.as_str())
                }
                _ => None,
            })
            .collect();
        let all = shown.join(" ");
        assert!(
            all.contains("word0 ") && all.contains("word3999"),
            "no line is lost"
        );
    }

    #[test]
    fn everything_stays_inside_the_margins() {
        for page in lay_out(&document(120)) {
            for shape in page {
                if let Shape::Text { at, .. } = shape {
                    assert!(at.1 <= BOTTOM + TABLE_TEXT + 2.0 * CELL_PAD, "{at:?}");
                    assert!(at.0 >= MARGIN && at.0 <= PAGE_WIDTH - MARGIN);
                }
            }
        }
    }
}
