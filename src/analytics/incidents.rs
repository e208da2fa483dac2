//! Incident response figures per severity with polars: how many incidents, how many were
//! acknowledged and resolved, the median and p95 minutes to acknowledge and to resolve (linear
//! interpolation, as DuckDB's `quantile_cont`), the mean minutes to detect, and how many missed
//! a response time. Incidents not yet acknowledged or resolved count in `count` but not in the
//! times.

use polars::prelude::*;

/// One incident's response, in minutes.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub severity: String,
    pub detect_minutes: f64,
    pub acknowledge_minutes: Option<f64>,
    pub resolve_minutes: Option<f64>,
    pub past_sla: bool,
}

/// The figures of one severity.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SeverityFigures {
    pub severity: String,
    pub count: u32,
    pub acknowledged: u32,
    pub resolved: u32,
    pub past_sla: u32,
    pub mean_detect_minutes: Option<f64>,
    pub median_acknowledge_minutes: Option<f64>,
    pub p95_acknowledge_minutes: Option<f64>,
    pub median_resolve_minutes: Option<f64>,
    pub p95_resolve_minutes: Option<f64>,
}

/// Figures per severity, in the order of `severities` (every severity, zeros included).
pub fn by_severity(rows: &[Response], severities: &[&str]) -> PolarsResult<Vec<SeverityFigures>> {
    let frame = df!(
        "severity" => rows.iter().map(|r| r.severity.clone()).collect::<Vec<_>>(),
        "ttd" => rows.iter().map(|r| r.detect_minutes).collect::<Vec<_>>(),
        "tta" => rows.iter().map(|r| r.acknowledge_minutes).collect::<Vec<_>>(),
        "ttr" => rows.iter().map(|r| r.resolve_minutes).collect::<Vec<_>>(),
        "late" => rows.iter().map(|r| u32::from(r.past_sla)).collect::<Vec<_>>(),
    )?;
    let out = frame
        .lazy()
        .group_by([col("severity")])
        .agg([
            len().cast(DataType::UInt32).alias("count"),
            col("tta")
                .count()
                .cast(DataType::UInt32)
                .alias("acknowledged"),
            col("ttr").count().cast(DataType::UInt32).alias("resolved"),
            col("late").sum().cast(DataType::UInt32).alias("late"),
            col("ttd").mean().alias("ttd_mean"),
            col("tta")
                .quantile(lit(0.5), QuantileMethod::Linear)
                .alias("tta_p50"),
            col("tta")
                .quantile(lit(0.95), QuantileMethod::Linear)
                .alias("tta_p95"),
            col("ttr")
                .quantile(lit(0.5), QuantileMethod::Linear)
                .alias("ttr_p50"),
            col("ttr")
                .quantile(lit(0.95), QuantileMethod::Linear)
                .alias("ttr_p95"),
        ])
        .collect()?;
    let names: Vec<String> = out
        .column("severity")?
        .str()?
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect();
    let u32s = |name: &str| -> PolarsResult<Vec<u32>> {
        Ok(out
            .column(name)?
            .u32()?
            .iter()
            .map(|v| v.unwrap_or(0))
            .collect())
    };
    let f64s = |name: &str| -> PolarsResult<Vec<Option<f64>>> {
        Ok(out.column(name)?.f64()?.iter().collect())
    };
    let (count, acknowledged, resolved, late) = (
        u32s("count")?,
        u32s("acknowledged")?,
        u32s("resolved")?,
        u32s("late")?,
    );
    let (ttd, tta50, tta95) = (f64s("ttd_mean")?, f64s("tta_p50")?, f64s("tta_p95")?);
    let (ttr50, ttr95) = (f64s("ttr_p50")?, f64s("ttr_p95")?);
    Ok(severities
        .iter()
        .map(|severity| match names.iter().position(|n| n == severity) {
            Some(i) => SeverityFigures {
                severity: (*severity).to_string(),
                count: count[i],
                acknowledged: acknowledged[i],
                resolved: resolved[i],
                past_sla: late[i],
                mean_detect_minutes: ttd[i],
                median_acknowledge_minutes: tta50[i],
                p95_acknowledge_minutes: tta95[i],
                median_resolve_minutes: ttr50[i],
                p95_resolve_minutes: ttr95[i],
            },
            None => SeverityFigures {
                severity: (*severity).to_string(),
                count: 0,
                acknowledged: 0,
                resolved: 0,
                past_sla: 0,
                mean_detect_minutes: None,
                median_acknowledge_minutes: None,
                p95_acknowledge_minutes: None,
                median_resolve_minutes: None,
                p95_resolve_minutes: None,
            },
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(severity: &str, tta: Option<f64>, ttr: Option<f64>, late: bool) -> Response {
        Response {
            severity: severity.into(),
            detect_minutes: 10.0,
            acknowledge_minutes: tta,
            resolve_minutes: ttr,
            past_sla: late,
        }
    }

    #[test]
    fn medians_and_p95_interpolate_and_skip_open_incidents() {
        let rows = vec![
            response("high", Some(10.0), Some(100.0), false),
            response("high", Some(20.0), Some(200.0), true),
            response("high", Some(30.0), None, false),
            response("high", None, None, true),
            response("low", Some(5.0), Some(50.0), false),
        ];
        let figures = by_severity(&rows, &["low", "medium", "high"]).expect("figures");
        let high = &figures[2];
        assert_eq!(
            (high.count, high.acknowledged, high.resolved, high.past_sla),
            (4, 3, 2, 2)
        );
        assert_eq!(high.median_acknowledge_minutes, Some(20.0));
        // p95 of 10, 20, 30: rank 0.95 * 2 = 1.9 -> 20 + 0.9 * 10.
        assert!((high.p95_acknowledge_minutes.expect("p95") - 29.0).abs() < 1e-9);
        assert_eq!(high.median_resolve_minutes, Some(150.0));
        assert_eq!(figures[1].count, 0);
        assert_eq!(figures[1].median_resolve_minutes, None);
        assert_eq!(figures[0].mean_detect_minutes, Some(10.0));
    }
}
