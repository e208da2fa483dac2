//! GraphQL wrappers of the catalog's domain types.

use std::sync::Arc;

use async_graphql::{
    Context, ID, Object, Result, SimpleObject,
    connection::{Connection, Edge},
};

use crate::domain::Services;
use crate::domain::catalog::{Framework, Requirement, RequirementFilter, RequirementPage};
use crate::error::AppError;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::pagination;

/// The extra fields on a requirement connection.
#[derive(SimpleObject)]
pub struct RequirementConnectionFields {
    /// Matching requirements in all pages.
    pub total_count: usize,
}

pub type RequirementConnection = Connection<String, RequirementNode, RequirementConnectionFields>;

/// Requirement cursors carry the id the next page starts after (keyset, not offset).
const CURSOR_KIND: &str = "requirement";

fn encode_cursor(id: i32) -> String {
    pagination::encode(CURSOR_KIND, id)
}

fn decode_cursor(cursor: &str) -> Result<i32, AppError> {
    pagination::decode(CURSOR_KIND, cursor)
}

/// Builds a connection page (shared by `requirements` on the root and on a framework).
pub fn requirement_connection(page: RequirementPage<'_>) -> RequirementConnection {
    let mut connection = Connection::with_additional_fields(
        page.has_previous,
        page.has_next,
        RequirementConnectionFields {
            total_count: page.total,
        },
    );
    connection.edges.extend(
        page.items
            .into_iter()
            .map(|r| Edge::new(encode_cursor(r.id), RequirementNode(Arc::clone(r)))),
    );
    connection
}

/// Runs a filtered, paginated listing against the catalog snapshot.
pub fn list_requirements(
    services: &Services,
    filter: &RequirementFilter,
    first: Option<i32>,
    after: Option<String>,
) -> Result<RequirementConnection> {
    let first = first
        .map(|n| usize::try_from(n).map_err(|_| AppError::validation("first must be positive")))
        .transpose()
        .gql()?;
    let after = after.as_deref().map(decode_cursor).transpose().gql()?;
    let page = services.catalog.requirements(filter, first, after).gql()?;
    Ok(requirement_connection(page))
}

/// A framework at one version.
pub struct FrameworkNode(pub Framework);

#[Object(name = "Framework")]
impl FrameworkNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Stable short name, e.g. `nist-csf`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn short_name(&self) -> &str {
        &self.0.short_name
    }
    async fn version(&self) -> &str {
        &self.0.version
    }
    async fn publisher(&self) -> &str {
        &self.0.publisher
    }
    /// Publication date (ISO 8601).
    async fn published(&self) -> &str {
        &self.0.published
    }
    /// Licence terms of the catalog content.
    async fn licence(&self) -> &str {
        &self.0.licence
    }
    async fn source(&self) -> &str {
        &self.0.source
    }
    /// Every catalog row of this version: functions, categories, subcategories, clauses, controls.
    async fn requirement_count(&self) -> usize {
        self.0.requirement_count
    }
    /// Top-level rows (functions or clauses) in document order.
    #[graphql(complexity = "20 * child_complexity")]
    async fn top_level(&self, ctx: &Context<'_>) -> Result<Vec<RequirementNode>> {
        let services = ctx.data::<Services>()?;
        Ok(services
            .catalog
            .top_level(self.0.id)
            .into_iter()
            .filter_map(|r| services.catalog.shared(r.id).ok().map(RequirementNode))
            .collect())
    }
    /// This framework's requirements, filtered and paginated.
    #[graphql(complexity = "first.unwrap_or(100).max(0) as usize * child_complexity")]
    async fn requirements(
        &self,
        ctx: &Context<'_>,
        kind: Option<String>,
        search: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<RequirementConnection> {
        let services = ctx.data::<Services>()?;
        let filter = RequirementFilter {
            framework_id: Some(self.0.id),
            kind,
            search,
            ..Default::default()
        };
        list_requirements(services, &filter, first, after)
    }
}

/// One catalog row.
pub struct RequirementNode(pub Arc<Requirement>);

#[Object(name = "Requirement")]
impl RequirementNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Stable across deployments, e.g. `urn:accord:nist-csf:2.0:GV.OC-01`.
    async fn urn(&self) -> &str {
        &self.0.urn
    }
    /// The framework's own identifier, e.g. `GV.OC-01`, `GOVERN 1.1`, `A.6.2.3`.
    async fn ref_id(&self) -> &str {
        &self.0.ref_id
    }
    /// Row kind as the framework names it: function, category, subcategory, clause, subclause,
    /// annex_a_domain, annex_a_subdomain, annex_a_control.
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// Heading (empty where the framework gives none, e.g. CSF subcategories).
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Requirement text (empty for ISO/IEC 42001, whose text is copyrighted).
    async fn text(&self) -> &str {
        &self.0.text
    }
    /// Implementation examples published with the requirement (CSF 2.0).
    async fn examples(&self) -> &[String] {
        &self.0.examples
    }
    /// 0 for top-level rows.
    async fn depth(&self) -> i32 {
        self.0.depth
    }
    async fn framework(&self, ctx: &Context<'_>) -> Result<FrameworkNode> {
        let services = ctx.data::<Services>()?;
        services
            .catalog
            .framework_by_id(self.0.framework_id)
            .cloned()
            .map(FrameworkNode)
            .ok_or_else(|| AppError::not_found("framework"))
            .gql()
    }
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<RequirementNode>> {
        let services = ctx.data::<Services>()?;
        Ok(services
            .catalog
            .parent(&self.0)
            .and_then(|r| services.catalog.shared(r.id).ok().map(RequirementNode)))
    }
    /// Direct children in document order (a catalog row has at most a few dozen).
    #[graphql(complexity = "20 * child_complexity")]
    async fn children(&self, ctx: &Context<'_>) -> Result<Vec<RequirementNode>> {
        let services = ctx.data::<Services>()?;
        Ok(services
            .catalog
            .children(self.0.id)
            .into_iter()
            .filter_map(|r| services.catalog.shared(r.id).ok().map(RequirementNode))
            .collect())
    }
    /// From the top level down to the direct parent.
    #[graphql(complexity = "4 * child_complexity")]
    async fn ancestors(&self, ctx: &Context<'_>) -> Result<Vec<RequirementNode>> {
        let services = ctx.data::<Services>()?;
        Ok(services
            .catalog
            .ancestors(&self.0)
            .into_iter()
            .filter_map(|r| services.catalog.shared(r.id).ok().map(RequirementNode))
            .collect())
    }
}
