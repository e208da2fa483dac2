//! GraphQL shapes of the record types (wrapping the domain's).

use async_graphql::{ID, InputObject, Json, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::approvals::{ApprovalRequest, Decision};
use crate::domain::artifacts::Artifact;
use crate::domain::governance::{Body, Member, Route};
use crate::domain::inventory::{AiSystem, ModelVersion, Scope, ScopeExclusion};
use crate::domain::policies::Policy;
use crate::domain::raci::Assignment;

fn id(value: i32) -> ID {
    ID(value.to_string())
}

/// An AI system of the inventory.
#[derive(SimpleObject, Clone)]
#[graphql(name = "AiSystem")]
pub struct AiSystemNode {
    pub id: ID,
    pub name: String,
    pub purpose: String,
    pub owner: String,
    pub business_unit: String,
    /// design | develop | validate | deploy | operate | retire
    pub lifecycle_stage: String,
    /// minimal | limited | high | prohibited
    pub risk_tier: String,
    pub in_scope: bool,
    pub exclusion_justification: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<AiSystem> for AiSystemNode {
    fn from(s: AiSystem) -> Self {
        AiSystemNode {
            id: id(s.id),
            name: s.name,
            purpose: s.purpose,
            owner: s.owner,
            business_unit: s.business_unit,
            lifecycle_stage: s.lifecycle_stage,
            risk_tier: s.risk_tier,
            in_scope: s.in_scope,
            exclusion_justification: s.exclusion_justification,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// Fields of an AI system.
#[derive(InputObject)]
pub struct AiSystemInput {
    pub name: String,
    pub purpose: String,
    pub owner: String,
    pub business_unit: String,
    /// design | develop | validate | deploy | operate | retire
    pub lifecycle_stage: String,
    /// minimal | limited | high | prohibited
    pub risk_tier: String,
    #[graphql(default = true)]
    pub in_scope: bool,
    /// Required when inScope is false.
    pub exclusion_justification: Option<String>,
}

impl From<AiSystemInput> for crate::domain::inventory::AiSystemInput {
    fn from(i: AiSystemInput) -> Self {
        crate::domain::inventory::AiSystemInput {
            name: i.name,
            purpose: i.purpose,
            owner: i.owner,
            business_unit: i.business_unit,
            lifecycle_stage: i.lifecycle_stage,
            risk_tier: i.risk_tier,
            in_scope: i.in_scope,
            exclusion_justification: i.exclusion_justification,
        }
    }
}

/// A model version with its model card.
#[derive(SimpleObject)]
#[graphql(name = "ModelVersion")]
pub struct ModelVersionNode {
    pub id: ID,
    pub ai_system_id: ID,
    pub version: String,
    /// development | validated | deployed | retired
    pub status: String,
    pub intended_use: String,
    pub limitations: String,
    /// References to the datasets it was trained on.
    pub training_data: Vec<String>,
    pub evaluation_results: Json<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ModelVersion> for ModelVersionNode {
    fn from(m: ModelVersion) -> Self {
        ModelVersionNode {
            id: id(m.id),
            ai_system_id: id(m.ai_system_id),
            version: m.version,
            status: m.status,
            intended_use: m.intended_use,
            limitations: m.limitations,
            training_data: m.training_data,
            evaluation_results: Json(m.evaluation_results),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// Model-card fields of a new model version.
#[derive(InputObject)]
pub struct ModelVersionInput {
    pub version: String,
    pub intended_use: String,
    #[graphql(default)]
    pub limitations: String,
    #[graphql(default)]
    pub training_data: Vec<String>,
    pub evaluation_results: Option<Json<serde_json::Value>>,
}

/// An exclusion from the management system's scope.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "ScopeExclusionInput")]
pub struct ScopeExclusionNode {
    pub subject: String,
    pub reason: String,
}

/// The organization's scope statement.
#[derive(SimpleObject)]
#[graphql(name = "ScopeStatement")]
pub struct ScopeNode {
    pub statement: String,
    pub teams: Vec<String>,
    pub processes: Vec<String>,
    pub exclusions: Vec<ScopeExclusionNode>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

impl From<Scope> for ScopeNode {
    fn from(s: Scope) -> Self {
        ScopeNode {
            statement: s.statement,
            teams: s.teams,
            processes: s.processes,
            exclusions: s
                .exclusions
                .into_iter()
                .map(|e| ScopeExclusionNode {
                    subject: e.subject,
                    reason: e.reason,
                })
                .collect(),
            updated_by: s.updated_by,
            updated_at: s.updated_at,
        }
    }
}

impl From<ScopeExclusionNode> for ScopeExclusion {
    fn from(e: ScopeExclusionNode) -> Self {
        ScopeExclusion {
            subject: e.subject,
            reason: e.reason,
        }
    }
}

/// A member of a governance body.
#[derive(SimpleObject)]
#[graphql(name = "BodyMember")]
pub struct MemberNode {
    pub id: ID,
    /// The subject the member signs in with.
    pub person: String,
    /// chair | member | secretary | observer
    pub role: String,
    pub can_approve: bool,
}

impl From<Member> for MemberNode {
    fn from(m: Member) -> Self {
        MemberNode {
            id: id(m.id),
            person: m.person,
            role: m.role,
            can_approve: m.can_approve,
        }
    }
}

/// A governance body.
#[derive(SimpleObject)]
#[graphql(name = "GovernanceBody")]
pub struct BodyNode {
    pub id: ID,
    pub name: String,
    /// board | risk_committee | ethics_committee | working_group | other
    pub kind: String,
    pub mandate: String,
    pub members: Vec<MemberNode>,
    pub created_at: DateTime<Utc>,
}

impl From<Body> for BodyNode {
    fn from(b: Body) -> Self {
        BodyNode {
            id: id(b.id),
            name: b.name,
            kind: b.kind,
            mandate: b.mandate,
            members: b.members.into_iter().map(MemberNode::from).collect(),
            created_at: b.created_at,
        }
    }
}

/// Where incidents of a severity escalate.
#[derive(SimpleObject)]
#[graphql(name = "EscalationRoute")]
pub struct RouteNode {
    pub id: ID,
    /// low | medium | high | critical
    pub severity: String,
    pub body_id: ID,
    pub recipients: Vec<String>,
}

impl From<Route> for RouteNode {
    fn from(r: Route) -> Self {
        RouteNode {
            id: id(r.id),
            severity: r.severity,
            body_id: id(r.body_id),
            recipients: r.recipients,
        }
    }
}

/// One version of a policy.
#[derive(SimpleObject)]
#[graphql(name = "Policy")]
pub struct PolicyNode {
    pub id: ID,
    /// Shared by every version of the same policy.
    pub family: String,
    pub kind: String,
    pub title: String,
    pub version: i32,
    pub content: String,
    /// draft | in_review | approved | retired
    pub status: String,
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
            kind: p.kind,
            title: p.title,
            version: p.version,
            content: p.content,
            status: p.status,
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

/// An approver's decision.
#[derive(SimpleObject)]
#[graphql(name = "ApprovalDecision")]
pub struct DecisionNode {
    pub approver: String,
    /// approve | reject
    pub decision: String,
    pub comment: String,
    pub decided_at: DateTime<Utc>,
}

impl From<Decision> for DecisionNode {
    fn from(d: Decision) -> Self {
        DecisionNode {
            approver: d.approver,
            decision: d.decision,
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
    /// policy | deployment | system_change
    pub subject_type: String,
    pub subject_id: ID,
    pub body_id: ID,
    pub quorum: i32,
    /// pending | approved | rejected
    pub status: String,
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
            subject_type: r.subject_type,
            subject_id: id(r.subject_id),
            body_id: id(r.body_id),
            quorum: r.quorum,
            status: r.status,
            summary: r.summary,
            requested_by: r.requested_by,
            requested_at: r.requested_at,
            decided_at: r.decided_at,
            consumed_at: r.consumed_at,
            decisions: r.decisions.into_iter().map(DecisionNode::from).collect(),
        }
    }
}

/// A RACI assignment.
#[derive(SimpleObject)]
#[graphql(name = "RaciAssignment")]
pub struct AssignmentNode {
    pub id: ID,
    /// ai_system | control | policy | governance_body
    pub subject_type: String,
    pub subject_id: ID,
    pub party: String,
    /// person | team
    pub party_kind: String,
    /// responsible | accountable | consulted | informed
    pub role: String,
    pub created_at: DateTime<Utc>,
}

impl From<Assignment> for AssignmentNode {
    fn from(a: Assignment) -> Self {
        AssignmentNode {
            id: id(a.id),
            subject_type: a.subject_type,
            subject_id: id(a.subject_id),
            party: a.party,
            party_kind: a.party_kind,
            role: a.role,
            created_at: a.created_at,
        }
    }
}

/// A documentation artefact (content downloadable at `downloadUrl` when stored).
#[derive(SimpleObject)]
#[graphql(name = "Artifact")]
pub struct ArtifactNode {
    pub id: ID,
    pub kind: String,
    pub title: String,
    pub version: i32,
    pub ai_system_id: Option<ID>,
    pub model_version_id: Option<ID>,
    pub control_id: Option<ID>,
    pub sha256: String,
    pub size: i64,
    pub media_type: Option<String>,
    pub uri: Option<String>,
    pub download_url: Option<String>,
    pub added_by: String,
    pub added_at: DateTime<Utc>,
}

impl From<Artifact> for ArtifactNode {
    fn from(a: Artifact) -> Self {
        ArtifactNode {
            download_url: a.stored.then(|| format!("/artifacts/{}/content", a.id)),
            id: id(a.id),
            kind: a.kind,
            title: a.title,
            version: a.version,
            ai_system_id: a.ai_system_id.map(id),
            model_version_id: a.model_version_id.map(id),
            control_id: a.control_id.map(id),
            sha256: a.sha256,
            size: a.size,
            media_type: a.media_type,
            uri: a.uri,
            added_by: a.added_by,
            added_at: a.added_at,
        }
    }
}
