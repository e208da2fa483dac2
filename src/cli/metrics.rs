//! `accord metrics import FILE --org SLUG`: loads a CSV or NDJSON file of points (gzip when it
//! ends in `.gz`) through the same all-or-nothing path as `POST /ingest/metrics`, with a progress
//! bar on a terminal. Exit 1 with every bad line (the first 100) when any line is bad.

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use flate2::read::MultiGzDecoder;

use super::CliError;
use crate::config::Config;
use crate::domain::account::organizations;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::metrics::ingest::Format;
use crate::domain::metrics::intake::{self, Pushed};
use crate::server::prepare;

/// Counts the bytes read from the file and redraws the bar at most ten times a second.
struct Progress<R> {
    inner: R,
    read: u64,
    total: u64,
    drawn: Instant,
    visible: bool,
}

impl<R> Progress<R> {
    fn draw(&mut self) {
        let share = if self.total == 0 {
            1.0
        } else {
            self.read as f64 / self.total as f64
        };
        super::progress::draw(
            share,
            &format!(
                "{:.1}/{:.1} MB",
                self.read as f64 / 1e6,
                self.total as f64 / 1e6
            ),
        );
    }
}

impl<R: Read> Read for Progress<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.visible && (self.drawn.elapsed() > Duration::from_millis(100) || n == 0) {
            self.drawn = Instant::now();
            self.draw();
        }
        Ok(n)
    }
}

pub async fn import(
    config: Config,
    org: &str,
    file: &Path,
    format: Option<&str>,
) -> Result<(), CliError> {
    let name = file.to_string_lossy().to_ascii_lowercase();
    let stem = name.strip_suffix(".gz").unwrap_or(&name);
    let format = match format.map(str::to_ascii_lowercase).as_deref() {
        Some("csv") => Format::Csv,
        Some("ndjson" | "jsonl") => Format::Ndjson,
        Some(other) => {
            return Err(CliError::usage(format!(
                "--format must be csv or ndjson, not '{other}'"
            )));
        }
        None if stem.ends_with(".csv") => Format::Csv,
        None if stem.ends_with(".ndjson") || stem.ends_with(".jsonl") => Format::Ndjson,
        None => return Err(CliError::usage("name the format with --format csv|ndjson")),
    };
    let opened = std::fs::File::open(file)
        .map_err(|e| CliError::usage(format!("cannot open {}: {e}", file.display())))?;
    let total = opened.metadata().map(|m| m.len()).unwrap_or(0);
    let progress = Progress {
        inner: std::io::BufReader::with_capacity(1 << 20, opened),
        read: 0,
        total,
        drawn: Instant::now(),
        visible: super::progress::visible(),
    };
    let reader: Box<dyn Read + Send> = if name.ends_with(".gz") {
        Box::new(MultiGzDecoder::new(progress))
    } else {
        Box::new(progress)
    };
    let services = prepare(&config).await?;
    let organization = organizations::by_slug(&services, org).await?;
    let viewer = Viewer::System {
        organization_id: organization.id,
    };
    let started = Instant::now();
    let pushed = intake::push_stream(&services, &viewer, format, reader, "cli").await?;
    eprintln!();
    match pushed {
        Pushed::Stored(r) => {
            println!(
                "imported {} points into {} series ({} chunks) from {} to {} in {:.1} s",
                r.points,
                r.series,
                r.chunks,
                r.from.map(|t| t.to_rfc3339()).unwrap_or_default(),
                r.to.map(|t| t.to_rfc3339()).unwrap_or_default(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Pushed::TooLarge(message) => Err(CliError::failure(format!(
            "{message}; nothing was imported"
        ))),
        Pushed::Rejected { errors, total } => {
            for e in &errors {
                eprintln!("line {}: {}", e.line, e.message);
            }
            Err(CliError::failure(format!(
                "{total} bad line(s); nothing was imported"
            )))
        }
    }
}
