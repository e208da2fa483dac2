//! Crosswalk and catalog exports, shared by the HTTP download endpoints and the CLI.

use super::{csv_format, oscal};
use crate::domain::Services;
use crate::domain::account::organizations;
use crate::domain::catalog::Framework;
use crate::domain::crosswalk::{self, CrosswalkRequest, Via};
use crate::domain::kernel::viewer::Viewer;
use crate::error::{AppError, AppResult};

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Oscal,
}

impl std::str::FromStr for ExportFormat {
    type Err = AppError;
    fn from_str(s: &str) -> AppResult<ExportFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(ExportFormat::Csv),
            "oscal" | "json" => Ok(ExportFormat::Oscal),
            other => Err(AppError::rule(
                "format",
                "one_of",
                format!("unknown format '{other}': use csv or oscal"),
            )),
        }
    }
}

/// Parses `direct,controls` (empty: both).
pub fn parse_via(text: Option<&str>) -> AppResult<Vec<Via>> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(vec![Via::Direct, Via::Controls]);
    };
    text.split(',')
        .map(|part| match part.trim().to_ascii_lowercase().as_str() {
            "direct" => Ok(Via::Direct),
            "controls" => Ok(Via::Controls),
            other => Err(AppError::rule(
                "via",
                "one_of",
                format!("unknown via '{other}': use direct or controls"),
            )),
        })
        .collect()
}

/// A rendered export: body and its media type.
pub struct Rendered {
    pub body: String,
    pub content_type: &'static str,
    pub file_name: String,
}

/// The organization's crosswalk between two frameworks, rendered.
pub async fn crosswalk(
    services: &Services,
    viewer: &Viewer,
    from: &Framework,
    to: &Framework,
    via: Vec<Via>,
    format: ExportFormat,
) -> AppResult<Rendered> {
    let request = CrosswalkRequest {
        from_framework_id: from.id,
        to_framework_id: to.id,
        sources: None,
        via,
    };
    let answers: Vec<crosswalk::Answer> = crosswalk::crosswalk(services, viewer, &request)
        .await?
        .iter()
        .map(|answer| answer.as_ref().clone())
        .collect();
    let organization = organizations::current(services, viewer).await?;
    let stem = format!("{}-{}-to-{}", organization.slug, from.slug, to.slug);
    Ok(match format {
        ExportFormat::Csv => Rendered {
            body: csv_format::write(&services.catalog, &answers)?,
            content_type: "text/csv; charset=utf-8",
            file_name: format!("{stem}.csv"),
        },
        ExportFormat::Oscal => {
            let document = oscal::mapping_collection(
                &services.catalog,
                from,
                to,
                &answers,
                &organization.slug,
                services.clock.now(),
            );
            Rendered {
                body: serde_json::to_string_pretty(&document).map_err(AppError::internal)?,
                content_type: "application/json",
                file_name: format!("{stem}.oscal.json"),
            }
        }
    })
}

/// A framework as an OSCAL catalog.
pub fn catalog(services: &Services, viewer: &Viewer, framework: &Framework) -> AppResult<Rendered> {
    services.authorize_catalog_read(viewer)?;
    let document = oscal::catalog(&services.catalog, framework, services.clock.now());
    Ok(Rendered {
        body: serde_json::to_string_pretty(&document).map_err(AppError::internal)?,
        content_type: "application/json",
        file_name: format!("{}-{}.oscal.json", framework.slug, framework.version),
    })
}
