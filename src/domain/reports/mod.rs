//! Reports: each gathers its rows through the use cases, aggregates them with
//! [`crate::analytics`] and returns plain data that [`render`] renders with a template and
//! GraphQL serves as structured JSON.

pub mod board;
pub mod render;

pub use board::{BoardReport, governance_board};

/// The kinds of report that can be built.
pub const KINDS: &[&str] = &["governance-board"];

use super::Services;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::reports::render::{Format, render};
use crate::error::AppResult;

/// A built report, ready to download or send.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub body: String,
    pub media_type: &'static str,
    pub file_name: String,
}

/// Builds report `kind` for the viewer's organization and renders it in `format`.
pub async fn build(
    services: &Services,
    viewer: &Viewer,
    kind: &str,
    format: Format,
) -> AppResult<Rendered> {
    let kind = validate::one_of("kind", kind, KINDS)?;
    let report = governance_board(services, viewer).await?;
    let body = render(kind, format, &report)?;
    Ok(Rendered {
        body,
        media_type: format.media_type(),
        file_name: format!(
            "{kind}-{}-{}.{}",
            report.organization_slug,
            report.generated_at.format("%Y-%m-%d"),
            format.extension()
        ),
    })
}
