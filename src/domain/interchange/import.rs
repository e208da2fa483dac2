//! Importing a crosswalk (CSV or OSCAL mapping collection) into the organization's direct
//! mappings: every row is validated first, and nothing is written when any row is bad.

use super::{RowError, csv_format, oscal};
use crate::domain::Services;
use crate::domain::catalog::Framework;
use crate::domain::crosswalk::direct;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::write::Write;
use crate::error::{AppError, AppResult};

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Oscal,
}

impl Format {
    /// Guesses the format from the content: JSON objects are OSCAL, anything else CSV.
    pub fn detect(text: &str) -> Format {
        if text.trim_start().starts_with('{') {
            Format::Oscal
        } else {
            Format::Csv
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub skipped_inferred: usize,
}

/// An import either applies in full or is rejected with every bad row.
#[derive(Debug)]
pub enum ImportOutcome {
    Imported(ImportReport),
    Rejected(Vec<RowError>),
}

/// Largest import accepted, in bytes.
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;

/// Validates and applies an import for the viewer's organization.
pub async fn import(
    services: &Services,
    viewer: &Viewer,
    format: Format,
    text: &str,
    default_from: Option<&Framework>,
    default_to: Option<&Framework>,
) -> AppResult<ImportOutcome> {
    viewer.require(Permission::ImportCrosswalk)?;
    let organization_id = viewer.organization_id()?;
    if text.len() > MAX_IMPORT_BYTES {
        return Err(AppError::validation(format!(
            "imports are limited to {MAX_IMPORT_BYTES} bytes"
        )));
    }
    let provenance = format!(
        "import:{}:{}",
        viewer.describe(),
        services.clock.now().format("%Y-%m-%dT%H:%M:%SZ")
    );
    let parsed = match format {
        Format::Csv => csv_format::parse(&services.catalog, text, &provenance),
        Format::Oscal => match serde_json::from_str(text) {
            Ok(document) => oscal::parse_mapping_collection(
                &services.catalog,
                &document,
                default_from,
                default_to,
                &provenance,
            ),
            Err(err) => Err(vec![RowError {
                location: format!("line {}", err.line()),
                reason: format!("not valid JSON: {err}"),
            }]),
        },
    };
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(ImportOutcome::Rejected(errors)),
    };
    let txn = Write::begin(services, viewer).await?;
    let (created, updated) =
        direct::upsert_all(&txn, organization_id, &viewer.describe(), &parsed.rows).await?;
    txn.commit().await?;
    Ok(ImportOutcome::Imported(ImportReport {
        created,
        updated,
        skipped_inferred: parsed.skipped_inferred,
    }))
}
