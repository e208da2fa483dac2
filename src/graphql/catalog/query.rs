//! Root query fields of the catalog feature.

use async_graphql::{Context, ID, Object, Result};

use super::types::{FrameworkNode, RequirementConnection, RequirementNode, list_requirements};
use crate::domain::Services;
use crate::domain::catalog::RequirementFilter;
use crate::error::AppError;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::viewer;
use crate::graphql::pagination::{OffsetConnection, paginate};
use crate::graphql::util::parse_id;

#[derive(Default)]
pub struct CatalogQuery;

#[Object]
impl CatalogQuery {
    /// Every loaded framework version.
    #[graphql(complexity = "first.map_or(10, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn frameworks(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<FrameworkNode>> {
        let services = ctx.data::<Services>()?;
        services.authorize_catalog_read(viewer(ctx)).gql()?;
        paginate(
            "framework",
            services
                .catalog
                .frameworks()
                .iter()
                .cloned()
                .map(FrameworkNode)
                .collect(),
            first,
            after,
            std::convert::identity,
        )
        .gql()
    }

    /// A framework by slug (`nist-csf`, `nist-ai-rmf`, `iso-iec-42001`); the newest version unless
    /// `version` is given. Unknown slugs are a `NOT_FOUND` error.
    async fn framework(
        &self,
        ctx: &Context<'_>,
        slug: String,
        version: Option<String>,
    ) -> Result<FrameworkNode> {
        let services = ctx.data::<Services>()?;
        services.authorize_catalog_read(viewer(ctx)).gql()?;
        services
            .catalog
            .framework(&slug, version.as_deref())
            .cloned()
            .map(FrameworkNode)
            .gql()
    }

    /// One requirement by `id` or by `urn` (exactly one of the two).
    async fn requirement(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        urn: Option<String>,
    ) -> Result<RequirementNode> {
        let services = ctx.data::<Services>()?;
        services.authorize_catalog_read(viewer(ctx)).gql()?;
        let found = match (id, urn) {
            (Some(id), None) => parse_id(&id).and_then(|id| services.catalog.requirement(id)),
            (None, Some(urn)) => services.catalog.requirement_by_urn(&urn),
            _ => Err(AppError::validation("give exactly one of `id` and `urn`")),
        };
        found
            .and_then(|r| services.catalog.shared(r.id))
            .map(RequirementNode)
            .gql()
    }

    /// Requirements across frameworks, filtered and paginated in catalog order. `parent` is a ref
    /// id within `framework` (e.g. `GV.OC`) or a requirement URN.
    #[graphql(complexity = "first.unwrap_or(100).max(0) as usize * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn requirements(
        &self,
        ctx: &Context<'_>,
        framework: Option<String>,
        version: Option<String>,
        parent: Option<String>,
        kind: Option<String>,
        search: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<RequirementConnection> {
        let services = ctx.data::<Services>()?;
        services.authorize_catalog_read(viewer(ctx)).gql()?;
        let catalog = &services.catalog;
        let framework_id = framework
            .as_deref()
            .map(|slug| catalog.framework(slug, version.as_deref()).map(|fw| fw.id))
            .transpose()
            .gql()?;
        let parent_id = match parent.as_deref() {
            None => None,
            Some(urn) if urn.starts_with("urn:") => Some(catalog.requirement_by_urn(urn).gql()?.id),
            Some(ref_id) => {
                let framework_id = framework_id
                    .ok_or_else(|| AppError::validation("`parent` by ref id needs `framework`"))
                    .gql()?;
                Some(catalog.requirement_by_ref(framework_id, ref_id).gql()?.id)
            }
        };
        let filter = RequirementFilter {
            framework_id,
            parent_id,
            kind,
            search,
        };
        list_requirements(services, &filter, first, after)
    }
}
