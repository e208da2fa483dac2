//! Lays each chart out as shapes on a 500-point-wide canvas: the heatmap's 5 x 5 cells (likelihood
//! 5 on top), the stacked coverage bars with a legend, and trend lines on a padded value axis with
//! dashed thresholds. Gaps in a series break its line rather than bridging it.

use super::{Anchor, Bar, Color, Drawing, HeatCell, LineSeries, Shape, Threshold};

const WIDTH: f64 = 500.0;

fn text(at: (f64, f64), size: f64, anchor: Anchor, value: impl Into<String>) -> Shape {
    Shape::Text {
        at,
        size,
        anchor,
        bold: false,
        fill: Color::INK,
        text: value.into(),
    }
}

fn title(value: &str) -> Shape {
    Shape::Text {
        at: (0.0, 12.0),
        size: 11.0,
        anchor: Anchor::Start,
        bold: true,
        fill: Color::INK,
        text: value.into(),
    }
}

pub(super) fn heatmap(name: &str, cells: &[HeatCell]) -> Drawing {
    let cell = 44.0;
    let (left, top) = (70.0, 26.0);
    let mut shapes = vec![title(name)];
    for c in cells {
        let row = f64::from(5 - c.likelihood.clamp(1, 5));
        let column = f64::from(c.impact.clamp(1, 5) - 1);
        let (x, y) = (left + column * cell, top + row * cell);
        shapes.push(Shape::Rect {
            x,
            y,
            w: cell - 2.0,
            h: cell - 2.0,
            fill: Color::of_level(&c.level),
        });
        shapes.push(Shape::Text {
            at: (x + cell / 2.0 - 1.0, y + cell / 2.0 + 4.0),
            size: 12.0,
            anchor: Anchor::Middle,
            bold: c.count > 0,
            fill: Color::INK,
            text: c.count.to_string(),
        });
    }
    for n in 1..=5u8 {
        let offset = f64::from(n - 1) * cell + cell / 2.0;
        shapes.push(text(
            (left - 6.0, top + f64::from(5 - n) * cell + cell / 2.0 + 3.0),
            9.0,
            Anchor::End,
            n.to_string(),
        ));
        shapes.push(text(
            (left + offset, top + 5.0 * cell + 12.0),
            9.0,
            Anchor::Middle,
            n.to_string(),
        ));
    }
    shapes.push(text(
        (left + 2.5 * cell, top + 5.0 * cell + 26.0),
        9.0,
        Anchor::Middle,
        "impact",
    ));
    shapes.push(text(
        (0.0, top + 2.5 * cell),
        9.0,
        Anchor::Start,
        "likelihood",
    ));
    Drawing {
        width: WIDTH,
        height: top + 5.0 * cell + 32.0,
        shapes,
    }
}

pub(super) fn bars(name: &str, bars: &[Bar]) -> Drawing {
    let (label_width, row, top) = (170.0, 18.0, 24.0);
    let span = WIDTH - label_width - 40.0;
    let mut shapes = vec![title(name)];
    for (i, bar) in bars.iter().enumerate() {
        let y = top + i as f64 * row;
        let satisfied = bar.satisfied.clamp(0.0, 100.0);
        let partial = bar.partial.clamp(0.0, 100.0 - satisfied);
        shapes.push(text(
            (label_width - 6.0, y + 11.0),
            8.5,
            Anchor::End,
            truncate(&bar.label, 34),
        ));
        shapes.push(Shape::Rect {
            x: label_width,
            y,
            w: span,
            h: row - 5.0,
            fill: Color::EMPTY,
        });
        shapes.push(Shape::Rect {
            x: label_width,
            y,
            w: span * satisfied / 100.0,
            h: row - 5.0,
            fill: Color::SATISFIED,
        });
        shapes.push(Shape::Rect {
            x: label_width + span * satisfied / 100.0,
            y,
            w: span * partial / 100.0,
            h: row - 5.0,
            fill: Color::PARTIAL,
        });
        shapes.push(text(
            (label_width + span + 4.0, y + 11.0),
            8.5,
            Anchor::Start,
            format!(
                "{}%",
                crate::domain::reports::document::format_number(satisfied)
            ),
        ));
    }
    let legend_y = top + bars.len() as f64 * row + 8.0;
    for (i, (label, color)) in [("satisfied", Color::SATISFIED), ("partial", Color::PARTIAL)]
        .into_iter()
        .enumerate()
    {
        let x = label_width + i as f64 * 90.0;
        shapes.push(Shape::Rect {
            x,
            y: legend_y,
            w: 10.0,
            h: 10.0,
            fill: color,
        });
        shapes.push(text((x + 14.0, legend_y + 9.0), 8.5, Anchor::Start, label));
    }
    Drawing {
        width: WIDTH,
        height: legend_y + 16.0,
        shapes,
    }
}

pub(super) fn lines(
    name: &str,
    unit: &str,
    labels: &[String],
    series: &[LineSeries],
    thresholds: &[Threshold],
) -> Drawing {
    let (left, top, plot_w, plot_h) = (50.0, 26.0, WIDTH - 60.0, 150.0);
    let values = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .chain(thresholds.iter().map(|t| t.value))
        .filter(|v| v.is_finite());
    let (mut low, mut high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !low.is_finite() {
        (low, high) = (0.0, 1.0);
    }
    if (high - low).abs() < f64::EPSILON {
        (low, high) = (low - 1.0, high + 1.0);
    }
    let pad = (high - low) * 0.08;
    let (low, high) = (low - pad, high + pad);
    let y_of = |v: f64| top + plot_h - (v - low) / (high - low) * plot_h;
    let steps = labels.len().max(2) - 1;
    let x_of = |i: usize| left + plot_w * i as f64 / steps as f64;

    let mut shapes = vec![title(name)];
    for tick in 0..=4 {
        let v = low + (high - low) * f64::from(tick) / 4.0;
        let y = y_of(v);
        shapes.push(Shape::Line {
            from: (left, y),
            to: (left + plot_w, y),
            stroke: Color::GRID,
            width: 0.5,
            dashed: false,
        });
        shapes.push(text(
            (left - 4.0, y + 3.0),
            8.0,
            Anchor::End,
            crate::domain::reports::document::format_number(v),
        ));
    }
    shapes.push(text((left, top - 4.0), 8.0, Anchor::Start, unit));
    for threshold in thresholds {
        let color = if threshold.breach {
            Color::BREACH
        } else {
            Color::WARNING
        };
        let y = y_of(threshold.value);
        shapes.push(Shape::Line {
            from: (left, y),
            to: (left + plot_w, y),
            stroke: color,
            width: 1.0,
            dashed: true,
        });
        shapes.push(Shape::Text {
            at: (left + plot_w, y - 3.0),
            size: 8.0,
            anchor: Anchor::End,
            bold: false,
            fill: color,
            text: format!(
                "{} {}",
                threshold.label,
                crate::domain::reports::document::format_number(threshold.value)
            ),
        });
    }
    for (n, s) in series.iter().enumerate() {
        let stroke = Color::SERIES[n % Color::SERIES.len()];
        // A gap (no value in a window) breaks the line rather than bridging it.
        let mut run: Vec<(f64, f64)> = Vec::new();
        for (i, value) in s.values.iter().enumerate() {
            match value {
                Some(v) if v.is_finite() => run.push((x_of(i), y_of(*v))),
                _ => flush(&mut run, &mut shapes, stroke),
            }
        }
        flush(&mut run, &mut shapes, stroke);
    }
    let label_every = labels.len().div_ceil(6).max(1);
    for (i, label) in labels.iter().enumerate().step_by(label_every) {
        shapes.push(text(
            (x_of(i), top + plot_h + 12.0),
            8.0,
            Anchor::Middle,
            label.clone(),
        ));
    }
    let mut legend_x = left;
    for (n, s) in series.iter().enumerate() {
        let stroke = Color::SERIES[n % Color::SERIES.len()];
        shapes.push(Shape::Rect {
            x: legend_x,
            y: top + plot_h + 20.0,
            w: 10.0,
            h: 3.0,
            fill: stroke,
        });
        shapes.push(text(
            (legend_x + 14.0, top + plot_h + 25.0),
            8.0,
            Anchor::Start,
            truncate(&s.name, 30),
        ));
        legend_x += 150.0;
    }
    Drawing {
        width: WIDTH,
        height: top + plot_h + 32.0,
        shapes,
    }
}

fn flush(run: &mut Vec<(f64, f64)>, shapes: &mut Vec<Shape>, stroke: Color) {
    match run.len() {
        0 => {}
        // A lone window is drawn as a dot so it is not lost.
        1 => shapes.push(Shape::Rect {
            x: run[0].0 - 1.5,
            y: run[0].1 - 1.5,
            w: 3.0,
            h: 3.0,
            fill: stroke,
        }),
        _ => shapes.push(Shape::Polyline {
            points: std::mem::take(run),
            stroke,
            width: 1.5,
        }),
    }
    run.clear();
}

fn truncate(value: &str, max: usize) -> String {
    if value.chars().count() <= max {
        value.to_string()
    } else {
        let mut out: String = value.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::Chart;
    use super::*;

    #[test]
    fn heatmap_places_likelihood_five_on_top() {
        let drawing = Chart::Heatmap {
            title: "t".into(),
            cells: vec![
                HeatCell {
                    likelihood: 5,
                    impact: 1,
                    count: 3,
                    level: "medium".into(),
                },
                HeatCell {
                    likelihood: 1,
                    impact: 5,
                    count: 0,
                    level: "low".into(),
                },
            ],
        }
        .draw();
        let rects: Vec<(f64, f64)> = drawing
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Rect { x, y, .. } => Some((*x, *y)),
                _ => None,
            })
            .collect();
        assert!(
            rects[0].1 < rects[1].1,
            "likelihood 5 is above likelihood 1"
        );
        assert!(rects[0].0 < rects[1].0, "impact 1 is left of impact 5");
    }

    #[test]
    fn gaps_break_lines_and_thresholds_are_dashed() {
        let drawing = Chart::Lines {
            title: "drift".into(),
            unit: "psi".into(),
            labels: (0..5).map(|i| i.to_string()).collect(),
            series: vec![LineSeries {
                name: "s".into(),
                values: vec![Some(1.0), Some(2.0), None, Some(3.0), Some(4.0)],
            }],
            thresholds: vec![
                Threshold {
                    label: "warning".into(),
                    value: 2.5,
                    breach: false,
                },
                Threshold {
                    label: "breach".into(),
                    value: 3.5,
                    breach: true,
                },
            ],
        }
        .draw();
        let polylines = drawing
            .shapes
            .iter()
            .filter(|s| matches!(s, Shape::Polyline { .. }))
            .count();
        assert_eq!(polylines, 2);
        assert!(drawing.shapes.iter().any(|s| matches!(
            s,
            Shape::Line {
                dashed: true,
                stroke: Color::BREACH,
                ..
            }
        )));
    }
}
