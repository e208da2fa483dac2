//! Applicability decisions and crosswalk imports.

use crate::domain::kernel::access::Permission;
use async_graphql::{Context, ErrorExtensions, Object, Result};

use super::query::ExportFormat;
use super::types::ImportResult;
use crate::domain::Services;
use crate::domain::crosswalk::applicability;
use crate::domain::interchange::import::{self, Format, ImportOutcome};
use crate::graphql::errors::{GqlResultExt, to_gql_error};
use crate::graphql::guards::{Can, viewer};
use crate::graphql::util::requirement_ref;

#[derive(Default)]
pub struct CrosswalkMutation;

#[Object]
impl CrosswalkMutation {
    /// Excludes a requirement (URN or id) as not applicable, with a justification, or includes it
    /// again. Returns whether it is now applicable.
    #[graphql(guard = "Can(Permission::WriteControls)")]
    async fn set_requirement_applicability(
        &self,
        ctx: &Context<'_>,
        requirement: String,
        applicable: bool,
        justification: Option<String>,
    ) -> Result<bool> {
        let services = ctx.data::<Services>()?;
        let requirement_id = requirement_ref(services, &requirement).gql()?.id;
        let exclusion = applicability::set(
            services,
            viewer(ctx),
            requirement_id,
            applicable,
            justification,
        )
        .await
        .gql()?;
        Ok(exclusion.is_none())
    }

    /// Imports a crosswalk (CSV or OSCAL mapping collection) into the organization's direct
    /// mappings, all or nothing. A rejected import is a VALIDATION error whose `extensions.rows`
    /// lists every bad row with its location and reason.
    #[graphql(guard = "Can(Permission::ImportCrosswalk)")]
    async fn import_crosswalk(
        &self,
        ctx: &Context<'_>,
        format: ExportFormat,
        content: String,
        source_framework: Option<String>,
        target_framework: Option<String>,
    ) -> Result<ImportResult> {
        let services = ctx.data::<Services>()?;
        let from = source_framework
            .map(|slug| services.catalog.framework(&slug, None))
            .transpose()
            .gql()?;
        let to = target_framework
            .map(|slug| services.catalog.framework(&slug, None))
            .transpose()
            .gql()?;
        let format = match format {
            ExportFormat::Csv => Format::Csv,
            ExportFormat::Oscal => Format::Oscal,
        };
        match import::import(services, viewer(ctx), format, &content, from, to)
            .await
            .gql()?
        {
            ImportOutcome::Imported(report) => Ok(ImportResult {
                created: report.created,
                updated: report.updated,
                skipped_inferred: report.skipped_inferred,
            }),
            ImportOutcome::Rejected(rows) => {
                let count = rows.len();
                let mut error = to_gql_error(crate::error::AppError::validation(format!(
                    "{count} bad row(s); nothing was imported"
                )));
                let list: Vec<async_graphql::Value> = rows
                    .into_iter()
                    .map(|row| {
                        let mut object = async_graphql::indexmap::IndexMap::new();
                        object.insert(
                            async_graphql::Name::new("location"),
                            async_graphql::Value::from(row.location),
                        );
                        object.insert(
                            async_graphql::Name::new("reason"),
                            async_graphql::Value::from(row.reason),
                        );
                        async_graphql::Value::Object(object)
                    })
                    .collect();
                error =
                    error.extend_with(|_, ext| ext.set("rows", async_graphql::Value::List(list)));
                Err(error)
            }
        }
    }
}
