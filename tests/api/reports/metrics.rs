//! The metrics report on three known days: per-day mean, p95 and max computed here agree with
//! the report, the day whose mean passes the breach threshold is the breaching window, the trend
//! follows, and the HTML draws the series with its thresholds as an SVG image.

use base64::Engine;
use chrono::{Duration, DurationRound};
use serde_json::json;

use super::{download, report};
use crate::fixtures::create_system;
use crate::helpers::{Backend, TestApp};
use crate::metrics::{define, drift, ingest, quantile};

backend_tests!(the_metrics_report_matches_figures_computed_here);

async fn the_metrics_report_matches_figures_computed_here(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let system = create_system(&app, &token, "Credit scorer", "operate", "high").await;
    let mut definition = drift("latency.ms");
    definition["name"] = json!("Latency");
    definition["unit"] = json!("ms");
    definition["window"] = json!("day");
    definition["warningThreshold"] = json!(60.0);
    definition["breachThreshold"] = json!(80.0);
    define(&app, &token, definition).await;
    // Three whole days ending yesterday, a point every 20 minutes; the middle day runs hot.
    let today = app
        .services()
        .clock
        .now()
        .duration_trunc(Duration::days(1))
        .expect("day");
    let mut days: Vec<Vec<f64>> = vec![Vec::new(); 3];
    let mut text = String::from("metric,ai_system,time,value\n");
    let mut state: u64 = 7;
    for day in 0..3i64 {
        for step in 0..72 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            let base = ((state >> 33) % 6_000) as f64 / 100.0;
            let value = if day == 1 { base + 60.0 } else { base };
            let at = today - Duration::days(3 - day) + Duration::minutes(step * 20);
            text.push_str(&format!(
                "latency.ms,{system},{},{value}\n",
                at.to_rfc3339()
            ));
            days[day as usize].push(value);
        }
    }
    let (status, body) = ingest(&app, &token, "text/csv", false, text.into_bytes()).await;
    assert_eq!(status, 200, "{body}");

    let period = format!(
        "{}..{}",
        (today - Duration::days(3)).format("%Y-%m-%d"),
        (today - Duration::days(1)).format("%Y-%m-%d")
    );
    let metrics = report(&app, &token, "metrics", Some(&period), json!(null)).await;
    assert_eq!(metrics["window"], "day");
    let series = metrics["series"].as_array().expect("series");
    assert_eq!(series.len(), 1);
    let latency = &series[0];
    assert_eq!(latency["ai_system"], "Credit scorer");
    assert_eq!(latency["points"], 216);
    let windows = latency["windows"].as_array().expect("windows");
    assert_eq!(windows.len(), 3);
    let mut breaching_days = 0;
    for (day, window) in days.iter().zip(windows) {
        let mut sorted = day.clone();
        sorted.sort_by(f64::total_cmp);
        let mean = day.iter().sum::<f64>() / day.len() as f64;
        assert_eq!(window["points"], 72);
        assert!(
            (window["mean"].as_f64().expect("mean") - mean).abs() < 1e-9,
            "{window}"
        );
        assert!((window["p95"].as_f64().expect("p95") - quantile(&sorted, 0.95)).abs() < 1e-9);
        assert_eq!(window["max"].as_f64(), sorted.last().copied());
        assert_eq!(
            window["value"].as_f64(),
            window["mean"].as_f64(),
            "judged by the mean"
        );
        let breach_points = day.iter().filter(|v| **v >= 80.0).count() as i64;
        assert_eq!(window["breach_points"].as_i64(), Some(breach_points));
        assert_eq!(window["breaching"], mean >= 80.0);
        breaching_days += i64::from(mean >= 80.0);
    }
    assert_eq!(breaching_days, 1, "the hot day alone");
    assert_eq!(latency["breach_windows"].as_i64(), Some(breaching_days));
    let all: Vec<f64> = days.concat();
    let mut sorted = all.clone();
    sorted.sort_by(f64::total_cmp);
    assert!((latency["p95"].as_f64().expect("p95") - quantile(&sorted, 0.95)).abs() < 1e-9);
    assert_eq!(latency["max"].as_f64(), sorted.last().copied());

    // Scoped to another system, nothing.
    let other = create_system(&app, &token, "Chat assistant", "develop", "limited").await;
    let scoped = report(
        &app,
        &token,
        "metrics",
        Some(&period),
        json!({ "aiSystemIds": [other] }),
    )
    .await;
    assert_eq!(scoped["series"], json!([]));
    assert_eq!(scoped["scopeDescription"], "AI systems Chat assistant");

    // The HTML carries the trend chart as an SVG image with both thresholds drawn.
    let (status, _, html) = download(
        &app,
        &token,
        &format!("/reports/metrics?format=html&period={period}"),
    )
    .await;
    assert_eq!(status, 200);
    let html = String::from_utf8(html).expect("utf-8");
    let start = html
        .find("data:image/svg+xml;base64,")
        .expect("a chart image")
        + 26;
    let end = start + html[start..].find('"').expect("end of the URI");
    let svg = base64::engine::general_purpose::STANDARD
        .decode(&html[start..end])
        .expect("base64");
    let svg = String::from_utf8(svg).expect("utf-8");
    let document = roxmltree::Document::parse(&svg).expect("the chart is well-formed SVG");
    let texts: Vec<&str> = document
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    assert!(texts.contains(&"breach 80"), "{texts:?}");
    assert!(texts.contains(&"warning 60"), "{texts:?}");
    let dashed = document
        .descendants()
        .filter(|n| n.has_tag_name("line") && n.attribute("stroke-dasharray").is_some())
        .count();
    assert_eq!(dashed, 2, "one dashed line per threshold");
    assert_eq!(
        document
            .descendants()
            .filter(|n| n.has_tag_name("polyline"))
            .count(),
        1,
        "the series"
    );
    app.stop().await;
}
