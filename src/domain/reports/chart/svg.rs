//! Charts as standalone SVG documents: inlined in HTML reports as images (a data URI, which email
//! clients show as well) and served as they are.

use std::fmt::Write;

use super::{Anchor, Chart, Shape};

/// The chart as an SVG document.
pub fn svg(chart: &Chart) -> String {
    let drawing = chart.draw();
    let mut out = String::new();
    // Writing to a String cannot fail; the results are ignored on purpose.
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="Helvetica, Arial, sans-serif" role="img"><title>{title}</title>"#,
        w = drawing.width,
        h = drawing.height,
        title = escape(chart.title()),
    );
    for shape in &drawing.shapes {
        match shape {
            Shape::Rect { x, y, w, h, fill } => {
                let _ = write!(
                    out,
                    r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{}"/>"#,
                    fill.hex()
                );
            }
            Shape::Line {
                from,
                to,
                stroke,
                width,
                dashed,
            } => {
                let dash = if *dashed {
                    r#" stroke-dasharray="4 3""#
                } else {
                    ""
                };
                let _ = write!(
                    out,
                    r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-width="{width}"{dash}/>"#,
                    from.0,
                    from.1,
                    to.0,
                    to.1,
                    stroke.hex()
                );
            }
            Shape::Polyline {
                points,
                stroke,
                width,
            } => {
                let path: Vec<String> = points
                    .iter()
                    .map(|(x, y)| format!("{x:.1},{y:.1}"))
                    .collect();
                let _ = write!(
                    out,
                    r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="{width}"/>"#,
                    path.join(" "),
                    stroke.hex()
                );
            }
            Shape::Text {
                at,
                size,
                anchor,
                bold,
                fill,
                text,
            } => {
                let anchor = match anchor {
                    Anchor::Start => "start",
                    Anchor::Middle => "middle",
                    Anchor::End => "end",
                };
                let weight = if *bold { r#" font-weight="bold""# } else { "" };
                let _ = write!(
                    out,
                    r#"<text x="{:.1}" y="{:.1}" font-size="{size}" text-anchor="{anchor}" fill="{}"{weight}>{}</text>"#,
                    at.0,
                    at.1,
                    fill.hex(),
                    escape(text)
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}

/// The chart as a `data:` URI for an `<img>`.
pub fn data_uri(chart: &Chart) -> String {
    use base64::Engine;
    format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg(chart))
    )
}

fn escape(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reports::chart::Bar;

    #[test]
    fn text_is_escaped() {
        let out = svg(&Chart::Bars {
            title: "<b>&".into(),
            bars: vec![Bar {
                label: "A & B".into(),
                satisfied: 50.0,
                partial: 10.0,
            }],
        });
        assert!(out.contains("&lt;b&gt;&amp;"));
        assert!(out.contains("A &amp; B"));
        assert!(!out.contains("<b>"));
    }
}
