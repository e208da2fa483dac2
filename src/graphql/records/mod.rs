//! AI management records: inventory and scope, governance, policies and approvals, RACI and
//! documentation artefacts. Vocabulary fields (stages, tiers, kinds, roles) are strings checked by
//! the domain; each field's description lists the allowed values.

mod governance;
mod inventory;
mod policies;
mod raci;
mod types;

use async_graphql::MergedObject;

/// Record queries.
#[derive(MergedObject, Default)]
pub struct RecordsQuery(
    inventory::InventoryQuery,
    governance::GovernanceQuery,
    policies::PolicyQuery,
    raci::RaciQuery,
);

/// Record mutations.
#[derive(MergedObject, Default)]
pub struct RecordsMutation(
    inventory::InventoryMutation,
    governance::GovernanceMutation,
    policies::PolicyMutation,
    raci::RaciMutation,
);
