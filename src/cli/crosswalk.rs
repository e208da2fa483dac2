//! `accord crosswalk export | import`: the same exports and imports as the HTTP endpoints, for an
//! organization named by slug, acting as the host operator.

use std::path::Path;

use super::CliError;
use crate::config::Config;
use crate::domain::account::organizations;
use crate::domain::interchange::export::{self, ExportFormat};
use crate::domain::interchange::import::{self, Format, ImportOutcome};
use crate::domain::kernel::viewer::Viewer;
use crate::server::prepare;

pub async fn export(
    config: Config,
    org: &str,
    from: &str,
    to: &str,
    format: &str,
    via: Option<&str>,
) -> Result<(), CliError> {
    let format: ExportFormat = format.parse()?;
    let via = export::parse_via(via)?;
    let services = prepare(&config).await?;
    let organization = organizations::by_slug(&services, org).await?;
    let viewer = Viewer::System {
        organization_id: organization.id,
    };
    let from = services.catalog.framework(from, None)?;
    let to = services.catalog.framework(to, None)?;
    let rendered = export::crosswalk(&services, &viewer, from, to, via, format).await?;
    write_stdout(&rendered.body)
}

pub async fn catalog_export(
    config: Config,
    framework: &str,
    version: Option<&str>,
) -> Result<(), CliError> {
    let services = prepare(&config).await?;
    let framework = services.catalog.framework(framework, version)?;
    let rendered = export::catalog(&services, &Viewer::Operator, framework)?;
    write_stdout(&rendered.body)
}

/// Writes to stdout; a closed pipe (`| head`) ends the command quietly instead of panicking.
fn write_stdout(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let result = out.write_all(text.as_bytes()).and_then(|()| {
        if text.ends_with('\n') {
            Ok(())
        } else {
            out.write_all(b"\n")
        }
    });
    match result.and_then(|()| out.flush()) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::failure(format!("cannot write the export: {err}")))
        }
        _ => Ok(()),
    }
}

pub async fn import(
    config: Config,
    org: &str,
    file: &Path,
    format: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(), CliError> {
    let text = std::fs::read_to_string(file)
        .map_err(|err| CliError::usage(format!("cannot read {}: {err}", file.display())))?;
    let format = match format {
        Some(f) => match f.parse::<ExportFormat>()? {
            ExportFormat::Csv => Format::Csv,
            ExportFormat::Oscal => Format::Oscal,
        },
        None => Format::detect(&text),
    };
    let services = prepare(&config).await?;
    let organization = organizations::by_slug(&services, org).await?;
    let viewer = Viewer::System {
        organization_id: organization.id,
    };
    let from = from
        .map(|s| services.catalog.framework(s, None))
        .transpose()?;
    let to = to
        .map(|s| services.catalog.framework(s, None))
        .transpose()?;
    match import::import(&services, &viewer, format, &text, from, to).await? {
        ImportOutcome::Imported(report) => {
            println!(
                "imported {}: {} created, {} updated, {} inferred rows skipped",
                file.display(),
                report.created,
                report.updated,
                report.skipped_inferred
            );
            Ok(())
        }
        ImportOutcome::Rejected(rows) => {
            for row in &rows {
                eprintln!("{}: {}: {}", file.display(), row.location, row.reason);
            }
            Err(CliError::usage(format!(
                "{} bad row(s) in {}; nothing was imported",
                rows.len(),
                file.display()
            )))
        }
    }
}
