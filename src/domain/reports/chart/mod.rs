//! Report charts as data (a heatmap, stacked coverage bars, trend lines with thresholds) and their
//! drawing as a few vector shapes. The SVG writer ([`svg`]) and the PDF writer draw the same
//! shapes, so a chart looks the same in HTML, email and print, and stays vector in both.

mod draw;
pub mod svg;

use serde::Serialize;

/// A chart a report shows.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Chart {
    /// Likelihood (rows, 5 at the top) by impact (columns): how many risks in each cell.
    Heatmap { title: String, cells: Vec<HeatCell> },
    /// Horizontal bars 0-100%: the satisfied share, then the partial share stacked after it.
    Bars { title: String, bars: Vec<Bar> },
    /// Values over time, one line per series, thresholds as dashed horizontal lines.
    Lines {
        title: String,
        unit: String,
        labels: Vec<String>,
        series: Vec<LineSeries>,
        thresholds: Vec<Threshold>,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct HeatCell {
    pub likelihood: u8,
    pub impact: u8,
    pub count: u32,
    /// The band's stored word (`low`..`critical`), which picks the colour.
    pub level: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub label: String,
    pub satisfied: f64,
    pub partial: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LineSeries {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Threshold {
    pub label: String,
    pub value: f64,
    /// A breach threshold (drawn in the breach colour) rather than a warning.
    pub breach: bool,
}

/// A metric's trend: one line of its judged value per window, with its warning and breach
/// thresholds as the dashed lines (the breach one drawn last, in the breach colour).
pub fn trend(
    title: String,
    unit: &str,
    labels: Vec<String>,
    name: &str,
    values: &[f64],
    warning: Option<f64>,
    breach: Option<f64>,
) -> Chart {
    let thresholds = [("warning", warning), ("breach", breach)]
        .into_iter()
        .filter_map(|(label, value)| {
            value.map(|value| Threshold {
                label: label.into(),
                value,
                breach: label == "breach",
            })
        })
        .collect();
    Chart::Lines {
        title,
        unit: unit.into(),
        labels,
        series: vec![LineSeries {
            name: name.into(),
            values: values.iter().map(|v| Some(*v)).collect(),
        }],
        thresholds,
    }
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Color(pub u8, pub u8, pub u8);

impl Color {
    pub const INK: Color = Color(0x22, 0x22, 0x22);
    pub const GRID: Color = Color(0xcc, 0xcc, 0xcc);
    pub const SATISFIED: Color = Color(0x2e, 0x7d, 0x32);
    pub const PARTIAL: Color = Color(0xf9, 0xa8, 0x25);
    pub const EMPTY: Color = Color(0xee, 0xee, 0xee);
    pub const WARNING: Color = Color(0xef, 0x6c, 0x00);
    pub const BREACH: Color = Color(0xc6, 0x28, 0x28);
    const SERIES: [Color; 4] = [
        Color(0x15, 0x65, 0xc0),
        Color(0x6a, 0x1b, 0x9a),
        Color(0x00, 0x83, 0x8f),
        Color(0x5d, 0x40, 0x37),
    ];

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    fn of_level(level: &str) -> Color {
        match level {
            "critical" => Color(0xc6, 0x28, 0x28),
            "high" => Color(0xef, 0x6c, 0x00),
            "medium" => Color(0xfb, 0xc0, 0x2d),
            _ => Color(0x66, 0xbb, 0x6a),
        }
    }
}

/// Where text hangs from its point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// One vector shape, in points from the drawing's top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Rect {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        fill: Color,
    },
    Line {
        from: (f64, f64),
        to: (f64, f64),
        stroke: Color,
        width: f64,
        dashed: bool,
    },
    Polyline {
        points: Vec<(f64, f64)>,
        stroke: Color,
        width: f64,
    },
    Text {
        at: (f64, f64),
        size: f64,
        anchor: Anchor,
        bold: bool,
        fill: Color,
        text: String,
    },
}

impl Shape {
    /// The shape scaled by `scale` about the origin, then moved by `offset` (a chart placed on a
    /// page).
    pub fn placed(mut self, offset: (f64, f64), scale: f64) -> Shape {
        let place = |p: &mut (f64, f64)| *p = (offset.0 + p.0 * scale, offset.1 + p.1 * scale);
        match &mut self {
            Shape::Rect { x, y, w, h, .. } => {
                let mut corner = (*x, *y);
                place(&mut corner);
                (*x, *y) = corner;
                (*w, *h) = (*w * scale, *h * scale);
            }
            Shape::Line { from, to, .. } => {
                place(from);
                place(to);
            }
            Shape::Polyline { points, .. } => {
                for point in points {
                    place(point);
                }
            }
            Shape::Text { at, size, .. } => {
                place(at);
                *size *= scale;
            }
        }
        self
    }
}

/// A chart laid out as shapes on a `width` x `height` canvas.
#[derive(Debug, Clone)]
pub struct Drawing {
    pub width: f64,
    pub height: f64,
    pub shapes: Vec<Shape>,
}

impl Chart {
    pub fn title(&self) -> &str {
        match self {
            Chart::Heatmap { title, .. }
            | Chart::Bars { title, .. }
            | Chart::Lines { title, .. } => title,
        }
    }

    /// The chart as shapes.
    pub fn draw(&self) -> Drawing {
        match self {
            Chart::Heatmap { title, cells } => draw::heatmap(title, cells),
            Chart::Bars { title, bars } => draw::bars(title, bars),
            Chart::Lines {
                title,
                unit,
                labels,
                series,
                thresholds,
            } => draw::lines(title, unit, labels, series, thresholds),
        }
    }
}
