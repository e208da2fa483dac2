//! GraphQL shapes of approval requests and decisions.

use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::approvals::{
    ApprovalRequest, ApprovalStatus, ApprovalSubject, Decision, Verdict,
};
use crate::graphql::vocabulary::graphql_vocabulary;

graphql_vocabulary!(
    /// What an approval request approves.
    ApprovalSubjectValue, "ApprovalSubject", ApprovalSubject [Policy, Deployment, SystemChange, RiskAcceptance, DataUseException]
);
graphql_vocabulary!(
    /// One approver's decision.
    VerdictValue, "ApprovalVerdict", Verdict [Approve, Reject]
);
graphql_vocabulary!(
    /// A request's state: pending until its quorum approves or one approver rejects.
    ApprovalStatusValue, "ApprovalStatus", ApprovalStatus [Pending, Approved, Rejected]
);
use crate::graphql::util::id;

/// An approver's decision.
#[derive(SimpleObject)]
#[graphql(name = "ApprovalDecision")]
pub struct DecisionNode {
    pub approver: String,
    pub decision: VerdictValue,
    pub comment: String,
    pub decided_at: DateTime<Utc>,
}

impl From<Decision> for DecisionNode {
    fn from(d: Decision) -> Self {
        DecisionNode {
            approver: d.approver,
            decision: d.decision.into(),
            comment: d.comment,
            decided_at: d.decided_at,
        }
    }
}

/// A request for a governance body's approval.
#[derive(SimpleObject)]
#[graphql(name = "ApprovalRequest")]
pub struct RequestNode {
    pub id: ID,
    pub subject_type: ApprovalSubjectValue,
    pub subject_id: ID,
    pub body_id: ID,
    pub quorum: i32,
    pub status: ApprovalStatusValue,
    pub summary: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// When a system-change approval was used for its change.
    pub consumed_at: Option<DateTime<Utc>>,
    pub decisions: Vec<DecisionNode>,
}

impl From<ApprovalRequest> for RequestNode {
    fn from(r: ApprovalRequest) -> Self {
        RequestNode {
            id: id(r.id),
            subject_type: r.subject_type.into(),
            subject_id: id(r.subject_id),
            body_id: id(r.body_id),
            quorum: r.quorum,
            status: r.status.into(),
            summary: r.summary,
            requested_by: r.requested_by,
            requested_at: r.requested_at,
            decided_at: r.decided_at,
            consumed_at: r.consumed_at,
            decisions: r.decisions.into_iter().map(DecisionNode::from).collect(),
        }
    }
}
