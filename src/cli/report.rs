//! `accord report build`: builds a report of an organization now, through the same use case as
//! `GET /reports/{kind}`, and writes it to a file or stdout. On a terminal a progress bar follows
//! the stages (gathering and aggregating, rendering, writing); a summary line with each stage's
//! time ends the run either way.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use super::{CliError, progress};
use crate::config::Config;
use crate::domain::account::organizations;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::reports::render::Format;
use crate::domain::reports::scope::Scope;
use crate::domain::reports::{self, ReportKind, Request};
use crate::server::prepare;

/// What to build.
pub struct Options<'a> {
    pub org: &'a str,
    pub kind: &'a str,
    pub period: Option<&'a str>,
    pub scope: Scope,
    pub format: &'a str,
    pub table: Option<&'a str>,
    pub out: Option<&'a Path>,
}

/// Redraws the bar while `work` runs: the stage's share grows toward the next stage's start so
/// a long stage still shows movement.
async fn staged<T>(
    stage: (f64, f64),
    label: &str,
    work: impl std::future::Future<Output = T>,
) -> T {
    if !progress::visible() {
        return work.await;
    }
    let started = Instant::now();
    let mut ticker = tokio::time::interval(Duration::from_millis(200));
    tokio::pin!(work);
    loop {
        tokio::select! {
            result = &mut work => {
                progress::draw(stage.1, label);
                return result;
            }
            _ = ticker.tick() => {
                let elapsed = started.elapsed().as_secs_f64();
                // Approaches the stage's end without reaching it.
                let share = stage.0 + (stage.1 - stage.0) * (1.0 - 1.0 / (1.0 + elapsed));
                progress::draw(share, &format!("{label} {elapsed:.1} s"));
            }
        }
    }
}

pub async fn build(config: Config, options: Options<'_>) -> Result<(), CliError> {
    let format = Format::parse(options.format)?;
    let kind = ReportKind::named("kind", options.kind)?;
    let services = prepare(&config).await?;
    let organization = organizations::by_slug(&services, options.org).await?;
    let viewer = Viewer::System {
        organization_id: organization.id,
    };
    let request = Request {
        kind,
        period: options.period.map(str::to_string),
        scope: options.scope,
    };
    let built = staged(
        (0.0, 0.7),
        "gathering and aggregating",
        reports::build(&services, &viewer, &request),
    )
    .await?;
    let (timings, period) = (built.timings, built.period.label.clone());
    let started = Instant::now();
    let rendered = staged(
        (0.7, 0.95),
        "rendering",
        reports::render_blocking(built, format, options.table.map(str::to_string)),
    )
    .await?;
    let render = started.elapsed();
    match options.out {
        Some(path) => std::fs::write(path, &rendered.body)
            .map_err(|e| CliError::failure(format!("cannot write {}: {e}", path.display())))?,
        None => std::io::stdout()
            .write_all(&rendered.body)
            .map_err(|e| CliError::failure(format!("cannot write the report: {e}")))?,
    }
    if progress::visible() {
        progress::draw(1.0, "done");
        progress::finish();
    }
    eprintln!(
        "{} {} for {} ({} bytes{}): query {} ms, aggregate {} ms, render {} ms",
        kind.as_str(),
        period,
        organization.slug,
        rendered.body.len(),
        options
            .out
            .map(|p| format!(", {}", p.display()))
            .unwrap_or_default(),
        timings.query.as_millis(),
        timings.aggregate.as_millis(),
        render.as_millis()
    );
    Ok(())
}
