//! The GraphQL schema (async-graphql). Knows nothing of HTTP and never touches the database
//! directly: resolvers call `crate::domain` and wrap its types. One folder per feature.

mod account;
mod approvals;
mod artifacts;
mod audit;
mod catalog;
mod controls;
mod crosswalk;
mod datasets;
mod delivery;
mod depth;
pub mod errors;
mod governance;
pub mod guards;
mod incidents;
mod input_errors;
mod internal_audits;
mod inventory;
pub mod limits;
mod metrics;
pub mod nesting;
mod pagination;
mod people;
mod policies;
mod raci;
mod reports;
mod reviews;
mod risks;
mod util;
mod vocabulary;

use async_graphql::{EmptySubscription, MergedObject, Schema};

use crate::config::GraphqlConfig;
use crate::domain::Services;

/// Every query field, merged from the feature folders.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    catalog::CatalogQuery,
    account::AccountQuery,
    controls::ControlQuery,
    controls::EditionQuery,
    crosswalk::CrosswalkQuery,
    audit::AuditQuery,
    inventory::InventoryQuery,
    governance::GovernanceQuery,
    policies::PolicyQuery,
    approvals::ApprovalQuery,
    raci::RaciQuery,
    artifacts::ArtifactQuery,
    risks::RiskQuery,
    reports::ReportQuery,
    delivery::DeliveryQuery,
    metrics::MetricQuery,
    incidents::IncidentQuery,
    people::PeopleQuery,
    internal_audits::InternalAuditQuery,
    reviews::ReviewQuery,
    datasets::DatasetQuery,
);

/// Every mutation field, merged from the feature folders.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    account::AccountMutation,
    controls::ControlMutation,
    controls::EditionMutation,
    crosswalk::CrosswalkMutation,
    inventory::InventoryMutation,
    governance::GovernanceMutation,
    policies::PolicyMutation,
    approvals::ApprovalMutation,
    raci::RaciMutation,
    artifacts::ArtifactMutation,
    risks::RiskMutation,
    delivery::DeliveryMutation,
    reports::ReportMutation,
    metrics::MetricMutation,
    incidents::IncidentMutation,
    people::PeopleMutation,
    internal_audits::InternalAuditMutation,
    reviews::ReviewMutation,
    datasets::DatasetMutation,
);

/// The schema type served at `/graphql`.
pub type AccordSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Builds the schema with the configured limits and the services the resolvers use.
pub fn build_schema(services: Services, config: &GraphqlConfig) -> AccordSchema {
    let mut builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
    .data(services)
    .limit_complexity(config.max_complexity)
    .limit_recursive_depth(config.max_depth.max(32))
    .limit_directives(8)
    .disable_suggestions()
    .extension(limits::RequestLimits::new(
        config.max_fields,
        config.max_depth,
    ));
    if !config.introspection {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
    .finish()
    .sdl()
}
