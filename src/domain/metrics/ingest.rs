//! Parsing pushed points, all or nothing: CSV (header `metric,ai_system,model_version,segment,
//! time,value`; `model_version` and `segment` optional) or NDJSON (one object a line with the
//! same fields, camelCase accepted), read as a stream from any reader (a gzip body is inflated on
//! the way). Every bad line is reported with its line number (the first [`MAX_REPORTED`]); one bad
//! line rejects the request.
//!
//! `ai_system` is the system's id or its exact name; `model_version` the version label of that
//! system; `time` RFC 3339; `value` a finite number. Duplicates: the last value sent for a series
//! and time wins, within a request and across requests (a re-sent file changes nothing).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use chrono::DateTime;
use serde_json::Value;

use crate::domain::kernel::validate;

/// Bad lines reported in full; the rest are only counted.
pub const MAX_REPORTED: usize = 100;
/// Points one request may carry.
pub const MAX_POINTS: usize = 5_000_000;
/// Points a GraphQL batch may carry.
pub const MAX_GRAPHQL_POINTS: usize = 1_000;
/// Earliest accepted point (2000-01-01), in ms.
const EARLIEST_MS: i64 = 946_684_800_000;
/// How far ahead of the clock a point may be (pipelines' clocks drift).
const FUTURE_SLACK_MS: i64 = 5 * 60 * 1000;

/// What the names in a request resolve against: the organization's metric keys, AI systems and
/// model versions.
#[derive(Debug, Default, Clone)]
pub struct Lookup {
    pub definitions: HashMap<String, i32>,
    /// By id (as text) and by name.
    pub systems: HashMap<String, i32>,
    /// `(system id, version label)`.
    pub versions: HashMap<(i32, String), i32>,
}

/// The identity of a series.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SeriesRef {
    pub definition_id: i32,
    pub ai_system_id: i32,
    pub model_version_id: Option<i32>,
    /// Empty when not segmented.
    pub segment: String,
}

impl SeriesRef {
    /// The unique key of the series within its organization.
    pub fn key(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.definition_id,
            self.ai_system_id,
            self.model_version_id
                .map_or_else(|| "-".to_string(), |v| v.to_string()),
            self.segment
        )
    }
}

/// Points of one series, in arrival order.
#[derive(Debug, Default, Clone)]
pub struct Columns {
    pub times: Vec<i64>,
    pub values: Vec<f64>,
}

/// Valid points grouped by series.
#[derive(Debug, Default)]
pub struct Batch {
    pub series: HashMap<SeriesRef, Columns>,
    pub points: usize,
}

/// A rejected line.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LineError {
    pub line: u64,
    pub message: String,
}

/// The outcome of parsing a request.
#[derive(Debug)]
pub enum Parsed {
    Accepted(Batch),
    Rejected {
        /// The first [`MAX_REPORTED`] bad lines.
        errors: Vec<LineError>,
        /// Every bad line.
        total: usize,
    },
}

/// The file formats accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Ndjson,
}

/// One point as sent, before resolution.
#[derive(Debug, Default)]
pub struct RawPoint<'a> {
    pub metric: &'a str,
    pub ai_system: &'a str,
    pub model_version: &'a str,
    pub segment: &'a str,
    pub time: &'a str,
    pub value: &'a str,
}

/// Collects points and errors as lines arrive.
pub struct Collector<'l> {
    lookup: &'l Lookup,
    now_ms: i64,
    batch: Batch,
    errors: Vec<LineError>,
    total_errors: usize,
}

impl<'l> Collector<'l> {
    pub fn new(lookup: &'l Lookup, now_ms: i64) -> Collector<'l> {
        Collector {
            lookup,
            now_ms,
            batch: Batch::default(),
            errors: Vec::new(),
            total_errors: 0,
        }
    }

    /// Adds one line's point, or records why it is bad.
    pub fn add(&mut self, line: u64, point: &RawPoint<'_>) {
        match self.resolve(point) {
            Ok((series, time, value)) if self.total_errors == 0 => {
                let columns = self.batch.series.entry(series).or_default();
                columns.times.push(time);
                columns.values.push(value);
                self.batch.points += 1;
            }
            Ok(_) => {}
            Err(message) => self.reject(line, message),
        }
    }

    /// Records a line that could not be read at all.
    pub fn reject(&mut self, line: u64, message: String) {
        self.total_errors += 1;
        if self.errors.len() < MAX_REPORTED {
            self.errors.push(LineError { line, message });
        }
        // Once anything is bad nothing is stored: stop holding the good points.
        self.batch = Batch::default();
    }

    /// Whether the request has grown past what one request may carry.
    pub fn full(&self) -> bool {
        self.batch.points > MAX_POINTS
    }

    pub fn finish(self) -> Parsed {
        if self.total_errors > 0 {
            Parsed::Rejected {
                errors: self.errors,
                total: self.total_errors,
            }
        } else {
            Parsed::Accepted(self.batch)
        }
    }

    fn resolve(&self, p: &RawPoint<'_>) -> Result<(SeriesRef, i64, f64), String> {
        let metric = p.metric.trim();
        let definition_id = *self
            .lookup
            .definitions
            .get(metric)
            .ok_or_else(|| format!("unknown metric '{metric}'"))?;
        let system = p.ai_system.trim();
        let ai_system_id = *self
            .lookup
            .systems
            .get(system)
            .ok_or_else(|| format!("unknown AI system '{system}'"))?;
        let version = p.model_version.trim();
        let model_version_id = if version.is_empty() {
            None
        } else {
            Some(
                *self
                    .lookup
                    .versions
                    .get(&(ai_system_id, version.to_string()))
                    .ok_or_else(|| {
                        format!("AI system '{system}' has no model version '{version}'")
                    })?,
            )
        };
        let segment = p.segment.trim();
        if !segment.is_empty() {
            validate::line("segment", segment, 100).map_err(|e| e.to_string())?;
        }
        let time = DateTime::parse_from_rfc3339(p.time.trim())
            .map_err(|_| format!("time '{}' is not an RFC 3339 date-time", p.time.trim()))?
            .timestamp_millis();
        if time < EARLIEST_MS {
            return Err("time is before 2000-01-01".into());
        }
        if time > self.now_ms + FUTURE_SLACK_MS {
            return Err("time is in the future".into());
        }
        let value: f64 = p
            .value
            .trim()
            .parse()
            .map_err(|_| format!("value '{}' is not a number", p.value.trim()))?;
        if !value.is_finite() {
            return Err("value must be a finite number".into());
        }
        Ok((
            SeriesRef {
                definition_id,
                ai_system_id,
                model_version_id,
                segment: segment.to_string(),
            },
            time,
            value,
        ))
    }
}

/// Why a stream could not be parsed at all.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("the data is not valid UTF-8 text or could not be read: {0}")]
    Read(String),
    #[error("a request may carry at most {MAX_POINTS} points; split the file")]
    TooManyPoints,
    #[error("{0}")]
    TooLarge(String),
    #[error("the CSV header must name the columns metric, ai_system, time and value")]
    Header,
}

/// Longest line accepted: a line (or CSV record) cannot make the parser buffer without bound.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Fails the read once a line grows past [`MAX_LINE_BYTES`].
struct LineGuard<R> {
    inner: R,
    run: usize,
}

impl<R: Read> Read for LineGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &byte in &buf[..n] {
            if byte == b'\n' {
                self.run = 0;
            } else {
                self.run += 1;
                if self.run > MAX_LINE_BYTES {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::FileTooLarge,
                        format!("a line is longer than {} KiB", MAX_LINE_BYTES / 1024),
                    ));
                }
            }
        }
        Ok(n)
    }
}

/// A read error as the stream's outcome: limits are `TooLarge`, the rest unreadable input.
fn read_error(err: &std::io::Error) -> StreamError {
    if err.kind() == std::io::ErrorKind::FileTooLarge {
        StreamError::TooLarge(err.to_string())
    } else {
        StreamError::Read(err.to_string())
    }
}

/// Parses a whole stream.
pub fn parse<R: Read>(
    format: Format,
    reader: R,
    lookup: &Lookup,
    now_ms: i64,
) -> Result<Parsed, StreamError> {
    let reader = LineGuard {
        inner: reader,
        run: 0,
    };
    let mut collector = Collector::new(lookup, now_ms);
    match format {
        Format::Csv => parse_csv(reader, &mut collector)?,
        Format::Ndjson => parse_ndjson(reader, &mut collector)?,
    }
    Ok(collector.finish())
}

fn column(headers: &csv::StringRecord, names: &[&str]) -> Option<usize> {
    headers.iter().position(|h| {
        let h = h.trim().to_ascii_lowercase().replace(['_', ' '], "");
        names.iter().any(|n| *n == h)
    })
}

fn parse_csv<R: Read>(reader: R, collector: &mut Collector<'_>) -> Result<(), StreamError> {
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let headers = match csv.headers() {
        Ok(headers) => headers.clone(),
        Err(err) => match err.kind() {
            csv::ErrorKind::Io(io) => return Err(read_error(io)),
            _ => return Err(StreamError::Read(err.to_string())),
        },
    };
    let metric = column(&headers, &["metric", "metrickey", "key"]).ok_or(StreamError::Header)?;
    let system =
        column(&headers, &["aisystem", "aisystemid", "system"]).ok_or(StreamError::Header)?;
    let time = column(&headers, &["time", "timestamp", "at"]).ok_or(StreamError::Header)?;
    let value = column(&headers, &["value"]).ok_or(StreamError::Header)?;
    let version = column(&headers, &["modelversion", "version"]);
    let segment = column(&headers, &["segment"]);
    let mut record = csv::StringRecord::new();
    loop {
        let line = csv.position().line() + 1;
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, |p| p.line());
                let get = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("");
                if record.len() < headers.len() {
                    collector.reject(
                        line,
                        format!("expected {} fields, found {}", headers.len(), record.len()),
                    );
                    continue;
                }
                collector.add(
                    line,
                    &RawPoint {
                        metric: get(Some(metric)),
                        ai_system: get(Some(system)),
                        model_version: get(version),
                        segment: get(segment),
                        time: get(Some(time)),
                        value: get(Some(value)),
                    },
                );
            }
            Err(err) => {
                if let csv::ErrorKind::Io(io) = err.kind() {
                    return Err(read_error(io));
                }
                let line = err.position().map_or(line, |p| p.line());
                collector.reject(line, format!("unreadable CSV line: {err}"));
            }
        }
        if collector.full() {
            return Err(StreamError::TooManyPoints);
        }
    }
    Ok(())
}

fn text_of<'v>(
    object: &'v serde_json::Map<String, Value>,
    names: &[&str],
    scratch: &'v mut String,
) -> &'v str {
    for name in names {
        match object.get(*name) {
            Some(Value::String(s)) => return s,
            Some(Value::Number(n)) => {
                *scratch = n.to_string();
                return scratch;
            }
            _ => {}
        }
    }
    ""
}

fn parse_ndjson<R: Read>(reader: R, collector: &mut Collector<'_>) -> Result<(), StreamError> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut buffer = String::new();
    let mut line = 0u64;
    loop {
        buffer.clear();
        let read = reader.read_line(&mut buffer).map_err(|e| read_error(&e))?;
        if read == 0 {
            break;
        }
        line += 1;
        if buffer.trim().is_empty() {
            continue;
        }
        let object = match serde_json::from_str::<Value>(&buffer) {
            Ok(Value::Object(object)) => object,
            Ok(_) => {
                collector.reject(line, "each line must be a JSON object".into());
                continue;
            }
            Err(err) => {
                collector.reject(line, format!("invalid JSON: {err}"));
                continue;
            }
        };
        let (mut a, mut b, mut c, mut d, mut e, mut f) = Default::default();
        collector.add(
            line,
            &RawPoint {
                metric: text_of(&object, &["metric", "metricKey"], &mut a),
                ai_system: text_of(&object, &["aiSystem", "ai_system", "aiSystemId"], &mut b),
                model_version: text_of(&object, &["modelVersion", "model_version"], &mut c),
                segment: text_of(&object, &["segment"], &mut d),
                time: text_of(&object, &["time", "timestamp"], &mut e),
                value: text_of(&object, &["value"], &mut f),
            },
        );
        if collector.full() {
            return Err(StreamError::TooManyPoints);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup() -> Lookup {
        let mut l = Lookup::default();
        l.definitions.insert("drift.psi".into(), 1);
        l.systems.insert("7".into(), 7);
        l.systems.insert("Credit scorer".into(), 7);
        l.versions.insert((7, "1.0.0".into()), 70);
        l
    }

    const NOW: i64 = 1_800_000_000_000;

    #[test]
    fn csv_groups_points_by_series() {
        let text = "metric,ai_system,model_version,segment,time,value\n\
                    drift.psi,Credit scorer,1.0.0,,2026-01-01T00:00:00Z,0.1\n\
                    drift.psi,7,,women,2026-01-01T01:00:00Z,0.2\n";
        let Ok(Parsed::Accepted(batch)) = parse(Format::Csv, text.as_bytes(), &lookup(), NOW)
        else {
            panic!("accepted");
        };
        assert_eq!((batch.points, batch.series.len()), (2, 2));
    }

    #[test]
    fn every_bad_line_is_reported_with_its_number() {
        let text = "metric,ai_system,time,value\n\
                    drift.psi,7,2026-01-01T00:00:00Z,0.1\n\
                    nope,7,2026-01-01T00:00:00Z,0.1\n\
                    drift.psi,7,yesterday,0.1\n\
                    drift.psi,7,2026-01-01T00:00:00Z,NaN\n";
        let Ok(Parsed::Rejected { errors, total }) =
            parse(Format::Csv, text.as_bytes(), &lookup(), NOW)
        else {
            panic!("rejected");
        };
        assert_eq!(total, 3);
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5]);
    }

    #[test]
    fn ndjson_accepts_numbers_and_names() {
        let text = "{\"metric\":\"drift.psi\",\"aiSystem\":7,\"time\":\"2026-01-01T00:00:00Z\",\"value\":0.5}\n\n\
                    {\"metric\":\"drift.psi\",\"aiSystem\":\"Credit scorer\",\"time\":\"2026-01-01T00:00:00Z\",\"value\":\"x\"}\n";
        let Ok(Parsed::Rejected { errors, .. }) =
            parse(Format::Ndjson, text.as_bytes(), &lookup(), NOW)
        else {
            panic!("rejected");
        };
        assert_eq!(errors[0].line, 3);
    }
}
