//! Window rollups of metric time series with polars: per series and calendar window (hour, day,
//! ISO week, month; UTC) the count, mean, min, median, p95, max and sum of the points, and how
//! many points were past the warning and breach thresholds. Quantiles interpolate linearly between
//! the closest ranks (numpy's default, DuckDB's `quantile_cont`).
//!
//! Times are milliseconds since the Unix epoch. Series are numbered by the caller.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use polars::prelude::*;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;
/// 1970-01-01 was a Thursday: Monday-aligned weeks start 3 days earlier.
const MONDAY_OFFSET_MS: i64 = 3 * DAY_MS;

/// A calendar window in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    Hour,
    Day,
    Week,
    Month,
}

impl Bucket {
    /// The start of the window holding `ms`.
    pub fn start_of(self, ms: i64) -> i64 {
        match self {
            Bucket::Hour => ms.div_euclid(HOUR_MS) * HOUR_MS,
            Bucket::Day => ms.div_euclid(DAY_MS) * DAY_MS,
            Bucket::Week => {
                (ms + MONDAY_OFFSET_MS).div_euclid(7 * DAY_MS) * 7 * DAY_MS - MONDAY_OFFSET_MS
            }
            Bucket::Month => {
                let date = to_datetime(ms).date_naive();
                month_start(date.year(), date.month())
            }
        }
    }

    /// The start of the window after the one starting at `start`.
    pub fn next(self, start: i64) -> i64 {
        match self {
            Bucket::Hour => start + HOUR_MS,
            Bucket::Day => start + DAY_MS,
            Bucket::Week => start + 7 * DAY_MS,
            Bucket::Month => {
                let date = to_datetime(start).date_naive();
                if date.month() == 12 {
                    month_start(date.year() + 1, 1)
                } else {
                    month_start(date.year(), date.month() + 1)
                }
            }
        }
    }

    /// The window's length in hours (a month's depends on the month).
    pub fn hours(self, start: i64) -> f64 {
        (self.next(start) - start) as f64 / HOUR_MS as f64
    }
}

fn to_datetime(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn month_start(year: i32, month: u32) -> i64 {
    NaiveDate::from_ymd_opt(year, month, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(0, |d| d.and_utc().timestamp_millis())
}

/// Whether a value is past a threshold, given which way is worse.
pub fn past(value: f64, threshold: Option<f64>, higher_is_worse: bool) -> bool {
    threshold.is_some_and(|t| {
        if higher_is_worse {
            value >= t
        } else {
            value <= t
        }
    })
}

/// One series' points (sorted by time, one value per time) and its thresholds.
#[derive(Debug, Clone, Default)]
pub struct SeriesPoints {
    pub series: u32,
    pub times: Vec<i64>,
    pub values: Vec<f64>,
    pub warning: Option<f64>,
    pub breach: Option<f64>,
    pub higher_is_worse: bool,
}

/// The summary of one window of one series.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowStats {
    pub series: u32,
    /// Window start, ms.
    pub start: i64,
    pub count: u32,
    pub mean: f64,
    pub min: f64,
    pub p50: f64,
    pub p95: f64,
    pub max: f64,
    pub sum: f64,
    /// Points past the breach threshold.
    pub breaches: u32,
    /// Points past the warning threshold but not the breach threshold.
    pub warnings: u32,
}

/// Rolls every series up into windows; rows sorted by series, then window start.
pub fn rollup(series: &[SeriesPoints], bucket: Bucket) -> PolarsResult<Vec<WindowStats>> {
    match frame(series, Some(bucket))? {
        Some(frame) => summarize(frame, true),
        None => Ok(Vec::new()),
    }
}

/// One row per series over all its points (`start` is 0).
pub fn overall(series: &[SeriesPoints]) -> PolarsResult<Vec<WindowStats>> {
    match frame(series, None)? {
        Some(frame) => summarize(frame, false),
        None => Ok(Vec::new()),
    }
}

/// Both: the windows of every series and every series over all its points, from one frame.
pub fn rollup_and_overall(
    series: &[SeriesPoints],
    bucket: Bucket,
) -> PolarsResult<(Vec<WindowStats>, Vec<WindowStats>)> {
    match frame(series, Some(bucket))? {
        // The two group-bys are independent: run them side by side (each still uses polars'
        // pool), which the report's aggregation stage measures as about one of them.
        Some(frame) => {
            let totals_frame = frame.clone();
            std::thread::scope(|scope| {
                let totals = scope.spawn(move || summarize(totals_frame, false));
                let windows = summarize(frame, true)?;
                let totals = totals.join().map_err(|_| {
                    PolarsError::ComputeError("the totals aggregation panicked".into())
                })??;
                Ok((windows, totals))
            })
        }
        None => Ok((Vec::new(), Vec::new())),
    }
}

/// The points as one frame: series, window start (0 without a bucket), value, and whether the
/// value is past the breach or only the warning threshold.
fn frame(series: &[SeriesPoints], bucket: Option<Bucket>) -> PolarsResult<Option<DataFrame>> {
    let total: usize = series.iter().map(|s| s.times.len()).sum();
    if total == 0 {
        return Ok(None);
    }
    let mut ids = Vec::with_capacity(total);
    let mut starts = Vec::with_capacity(total);
    let mut values = Vec::with_capacity(total);
    let mut breach = Vec::with_capacity(total);
    let mut warn = Vec::with_capacity(total);
    for s in series {
        // Times are sorted: compute a window boundary only when a point crosses it.
        let (mut start, mut next) = if bucket.is_some() {
            (i64::MIN, i64::MIN)
        } else {
            (0, i64::MAX)
        };
        for (&t, &v) in s.times.iter().zip(&s.values) {
            if let Some(bucket) = bucket
                && (t >= next || t < start)
            {
                start = bucket.start_of(t);
                next = bucket.next(start);
            }
            let is_breach = past(v, s.breach, s.higher_is_worse);
            ids.push(s.series);
            starts.push(start);
            values.push(v);
            breach.push(is_breach);
            warn.push(!is_breach && past(v, s.warning, s.higher_is_worse));
        }
    }
    Ok(Some(DataFrame::new(
        total,
        vec![
            Column::new("series".into(), ids),
            Column::new("start".into(), starts),
            Column::new("v".into(), values),
            Column::new("breach".into(), breach),
            Column::new("warn".into(), warn),
        ],
    )?))
}

/// Aggregates a frame per series and window (`by_window`) or per series.
fn summarize(frame: DataFrame, by_window: bool) -> PolarsResult<Vec<WindowStats>> {
    let keys = if by_window {
        vec![col("series"), col("start")]
    } else {
        vec![col("series")]
    };
    let order: &[&str] = if by_window {
        &["series", "start"]
    } else {
        &["series"]
    };
    let out = frame
        .lazy()
        .group_by(keys)
        .agg([
            len().cast(DataType::UInt32).alias("count"),
            col("v").mean().alias("mean"),
            col("v").min().alias("min"),
            col("v")
                .quantile(lit(0.5), QuantileMethod::Linear)
                .alias("p50"),
            col("v")
                .quantile(lit(0.95), QuantileMethod::Linear)
                .alias("p95"),
            col("v").max().alias("max"),
            col("v").sum().alias("sum"),
            col("breach").sum().cast(DataType::UInt32).alias("breaches"),
            col("warn").sum().cast(DataType::UInt32).alias("warnings"),
        ])
        .sort(order.to_vec(), SortMultipleOptions::default())
        .collect()?;
    let u32s = |name: &str| -> PolarsResult<Vec<u32>> {
        Ok(out.column(name)?.u32()?.into_no_null_iter().collect())
    };
    let f64s = |name: &str| -> PolarsResult<Vec<f64>> {
        Ok(out
            .column(name)?
            .f64()?
            .iter()
            .map(|v| v.unwrap_or(f64::NAN))
            .collect())
    };
    let series_col = u32s("series")?;
    let start_col: Vec<i64> = if by_window {
        out.column("start")?.i64()?.into_no_null_iter().collect()
    } else {
        vec![0; out.height()]
    };
    let (count, breaches, warnings) = (u32s("count")?, u32s("breaches")?, u32s("warnings")?);
    let (mean, min, p50) = (f64s("mean")?, f64s("min")?, f64s("p50")?);
    let (p95, max, sum) = (f64s("p95")?, f64s("max")?, f64s("sum")?);
    Ok((0..out.height())
        .map(|i| WindowStats {
            series: series_col[i],
            start: start_col[i],
            count: count[i],
            mean: mean[i],
            min: min[i],
            p50: p50[i],
            p95: p95[i],
            max: max[i],
            sum: sum[i],
            breaches: breaches[i],
            warnings: warnings[i],
        })
        .collect())
}

/// Least-squares slope of `values` against their position (change per window); 0 for fewer
/// than two values.
pub fn slope(values: &[f64]) -> f64 {
    let n = values.len();
    if n < 2 {
        return 0.0;
    }
    let nf = n as f64;
    let mean_x = (nf - 1.0) / 2.0;
    let mean_y = values.iter().sum::<f64>() / nf;
    let (mut num, mut den) = (0.0, 0.0);
    for (i, y) in values.iter().enumerate() {
        let dx = i as f64 - mean_x;
        num += dx * (y - mean_y);
        den += dx * dx;
    }
    if den == 0.0 { 0.0 } else { num / den }
}

/// `ms` as a UTC instant.
pub fn instant(ms: i64) -> DateTime<Utc> {
    to_datetime(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(text: &str) -> i64 {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .timestamp_millis()
    }

    #[test]
    fn windows_follow_the_calendar() {
        let t = ms("2026-03-18T13:45:00Z");
        assert_eq!(Bucket::Hour.start_of(t), ms("2026-03-18T13:00:00Z"));
        assert_eq!(Bucket::Day.start_of(t), ms("2026-03-18T00:00:00Z"));
        assert_eq!(Bucket::Week.start_of(t), ms("2026-03-16T00:00:00Z"));
        assert_eq!(Bucket::Month.start_of(t), ms("2026-03-01T00:00:00Z"));
        assert_eq!(
            Bucket::Month.next(ms("2026-12-01T00:00:00Z")),
            ms("2027-01-01T00:00:00Z")
        );
        assert_eq!(Bucket::Month.hours(ms("2026-02-01T00:00:00Z")), 28.0 * 24.0);
    }

    #[test]
    fn rollup_matches_hand_figures() {
        let base = ms("2026-01-01T00:00:00Z");
        let series = SeriesPoints {
            series: 7,
            times: (0..5).map(|i| base + i * 600_000).collect(),
            values: vec![1.0, 2.0, 3.0, 4.0, 10.0],
            warning: Some(3.0),
            breach: Some(4.0),
            higher_is_worse: true,
        };
        let rows = rollup(&[series], Bucket::Hour).expect("rollup");
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!((r.series, r.start, r.count), (7, base, 5));
        assert!((r.mean - 4.0).abs() < 1e-12);
        assert_eq!((r.min, r.p50, r.max, r.sum), (1.0, 3.0, 10.0, 20.0));
        // Linear: rank 0.95 * 4 = 3.8 -> 4 + 0.8 * (10 - 4).
        assert!((r.p95 - 8.8).abs() < 1e-9);
        assert_eq!((r.breaches, r.warnings), (2, 1));
    }

    #[test]
    fn slope_of_a_line() {
        assert!((slope(&[1.0, 3.0, 5.0]) - 2.0).abs() < 1e-12);
        assert_eq!(slope(&[4.0]), 0.0);
    }
}
