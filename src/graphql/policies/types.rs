//! GraphQL shape of a policy version.

use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::policies::{Policy, PolicyKind, PolicyStatus};
use crate::graphql::vocabulary::graphql_vocabulary;

graphql_vocabulary!(
    /// What a policy governs.
    PolicyKindValue, "PolicyKind", PolicyKind [
        AiGovernance, AiRiskManagement, DataGovernance, AcceptableUse, Security, Privacy, Other
    ]
);
graphql_vocabulary!(
    /// A policy version's state: draft, in_review, approved, retired.
    PolicyStatusValue, "PolicyStatus", PolicyStatus [Draft, InReview, Approved, Retired]
);
use crate::graphql::util::id;

/// One version of a policy.
#[derive(SimpleObject)]
#[graphql(name = "Policy")]
pub struct PolicyNode {
    pub id: ID,
    /// Shared by every version of the same policy.
    pub family: String,
    pub kind: PolicyKindValue,
    pub title: String,
    pub version: i32,
    pub content: String,
    pub status: PolicyStatusValue,
    pub body_id: Option<ID>,
    pub quorum: i32,
    /// YYYY-MM-DD
    pub review_due: String,
    pub approved_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Policy> for PolicyNode {
    fn from(p: Policy) -> Self {
        PolicyNode {
            id: id(p.id),
            family: p.family,
            kind: p.kind.into(),
            title: p.title,
            version: p.version,
            content: p.content,
            status: p.status.into(),
            body_id: p.body_id.map(id),
            quorum: p.quorum,
            review_due: p.review_due,
            approved_at: p.approved_at,
            created_by: p.created_by,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}
