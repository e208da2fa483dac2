//! A report as PDF (pdf-writer): real text in the standard Helvetica fonts (searchable and
//! extractable), tables, vector charts, a running header naming the organization, report and
//! period, and "page N of M" on every page. Deterministic: the same document gives the same bytes.

pub mod font;
pub mod layout;

use chrono::{Datelike, Timelike};
use pdf_writer::{Content, Date, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::domain::reports::chart::{Anchor, Color, Shape};
use crate::domain::reports::document::Document;
use layout::{MARGIN, PAGE_HEIGHT, PAGE_WIDTH, Page, lay_out};

const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// `document` as PDF bytes.
pub fn pdf(document: &Document) -> Vec<u8> {
    let pages = lay_out(document);
    let total = pages.len();
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let first = 6;
    // Each page takes two ids: the page and its content stream.
    let page_ids: Vec<Ref> = (0..total)
        .map(|i| Ref::new(first + 2 * i32::try_from(i).unwrap_or(i32::MAX / 2)))
        .collect();

    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(i32::try_from(total).unwrap_or(i32::MAX));
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let at = document.generated_at;
    let date = Date::new(u16::try_from(at.year()).unwrap_or(2000))
        .month(at.month() as u8)
        .day(at.day() as u8)
        .hour(at.hour() as u8)
        .minute(at.minute() as u8)
        .second(at.second() as u8)
        .utc_offset_hour(0);
    let subject = format!("{} - {}", document.period, document.scope);
    pdf.document_info(info)
        .title(TextStr(&document.title))
        .author(TextStr(&document.organization))
        .subject(TextStr(&subject))
        .creator(TextStr("Accord"))
        .creation_date(date);

    let running = format!(
        "{} - {} - {}",
        document.organization, document.title, document.period
    );
    for (i, (shapes, page_id)) in pages.iter().zip(&page_ids).enumerate() {
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH as f32, PAGE_HEIGHT as f32));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        resources.fonts().pair(REGULAR, regular).pair(BOLD, bold);
        resources.finish();
        page.finish();
        let stream = page_content(shapes, &running, i + 1, total);
        pdf.stream(content_id, &stream);
    }
    pdf.finish()
}

fn page_content(shapes: &Page, running: &str, number: usize, total: usize) -> Vec<u8> {
    let mut content = Content::new();
    let muted = Color(0x66, 0x66, 0x66);
    let mut frame = vec![
        Shape::Text {
            at: (MARGIN, 32.0),
            size: 8.0,
            anchor: Anchor::Start,
            bold: false,
            fill: muted,
            text: font_fit(running, 8.0, PAGE_WIDTH - 2.0 * MARGIN),
        },
        Shape::Line {
            from: (MARGIN, 38.0),
            to: (PAGE_WIDTH - MARGIN, 38.0),
            stroke: Color::GRID,
            width: 0.5,
            dashed: false,
        },
        Shape::Text {
            at: (PAGE_WIDTH / 2.0, PAGE_HEIGHT - 24.0),
            size: 8.0,
            anchor: Anchor::Middle,
            bold: false,
            fill: muted,
            text: format!("Page {number} of {total}"),
        },
    ];
    frame.extend(shapes.iter().cloned());
    for shape in &frame {
        draw(&mut content, shape);
    }
    content.finish().to_vec()
}

/// `text` shortened with an ellipsis to fit `max` points.
fn font_fit(text: &str, size: f64, max: f64) -> String {
    if font::width(text, size, false) <= max {
        return text.to_string();
    }
    let mut out: String = text.to_string();
    while !out.is_empty() && font::width(&format!("{out}…"), size, false) > max {
        out.pop();
    }
    format!("{out}…")
}

fn rgb(color: Color) -> (f32, f32, f32) {
    (
        f32::from(color.0) / 255.0,
        f32::from(color.1) / 255.0,
        f32::from(color.2) / 255.0,
    )
}

/// Page coordinates are from the top; PDF's are from the bottom.
fn flip(y: f64) -> f32 {
    (PAGE_HEIGHT - y) as f32
}

fn draw(content: &mut Content, shape: &Shape) {
    match shape {
        Shape::Rect { x, y, w, h, fill } => {
            let (r, g, b) = rgb(*fill);
            content.set_fill_rgb(r, g, b);
            content.rect(*x as f32, flip(y + h), *w as f32, *h as f32);
            content.fill_nonzero();
        }
        Shape::Line {
            from,
            to,
            stroke,
            width,
            dashed,
        } => {
            let (r, g, b) = rgb(*stroke);
            content.save_state();
            content.set_stroke_rgb(r, g, b);
            content.set_line_width(*width as f32);
            if *dashed {
                content.set_dash_pattern([4.0, 3.0], 0.0);
            }
            content.move_to(from.0 as f32, flip(from.1));
            content.line_to(to.0 as f32, flip(to.1));
            content.stroke();
            content.restore_state();
        }
        Shape::Polyline {
            points,
            stroke,
            width,
        } => {
            let Some((head, rest)) = points.split_first() else {
                return;
            };
            let (r, g, b) = rgb(*stroke);
            content.save_state();
            content.set_stroke_rgb(r, g, b);
            content.set_line_width(*width as f32);
            content.move_to(head.0 as f32, flip(head.1));
            for point in rest {
                content.line_to(point.0 as f32, flip(point.1));
            }
            content.stroke();
            content.restore_state();
        }
        Shape::Text {
            at,
            size,
            anchor,
            bold,
            fill,
            text,
        } => {
            if text.is_empty() {
                return;
            }
            let offset = match anchor {
                Anchor::Start => 0.0,
                Anchor::Middle => font::width(text, *size, *bold) / 2.0,
                Anchor::End => font::width(text, *size, *bold),
            };
            let (r, g, b) = rgb(*fill);
            content.set_fill_rgb(r, g, b);
            content.begin_text();
            content.set_font(if *bold { BOLD } else { REGULAR }, *size as f32);
            content.next_line((at.0 - offset) as f32, flip(at.1));
            content.show(Str(&font::encode(text)));
            content.end_text();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reports::document::{Cell, ColumnKind, Section, Table};
    use chrono::TimeZone;

    #[test]
    fn writes_a_pdf_with_text_and_page_numbers() {
        let mut table = Table::new("t", "Things", &[("name", ColumnKind::Text)]);
        table.push(vec![Cell::from("Zürich (x)")]);
        let document = Document {
            title: "Statement".into(),
            organization: "Acme".into(),
            kind: "soa".into(),
            period: "2026-Q3".into(),
            scope: "all".into(),
            generated_at: chrono::Utc
                .with_ymd_and_hms(2026, 10, 1, 8, 0, 0)
                .single()
                .expect("time"),
            sections: vec![Section::new("Part").table(table)],
        };
        let bytes = pdf(&document);
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("(Page 1 of 1) Tj"));
        // WinAnsi bytes (ü = 0xFC); the writer picks hex for strings outside ASCII.
        assert!(text.contains("<5AFC7269636820287829> Tj"));
        assert_eq!(
            bytes,
            pdf(&document),
            "the same document gives the same bytes"
        );
    }
}
