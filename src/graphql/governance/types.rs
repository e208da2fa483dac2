//! GraphQL shapes of governance bodies, their members and escalation routes.

use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::governance::{Body, BodyKind, Member, MemberRole, Route, Severity};
use crate::graphql::vocabulary::graphql_vocabulary;

graphql_vocabulary!(
    /// What kind of governance body.
    BodyKindValue, "GovernanceBodyKind", BodyKind [Board, RiskCommittee, EthicsCommittee, WorkingGroup, Other]
);
graphql_vocabulary!(
    /// A member's role in a governance body.
    MemberRoleValue, "MemberRole", MemberRole [Chair, Member, Secretary, Observer]
);
graphql_vocabulary!(
    /// How severe an incident is, lowest first.
    SeverityValue, "Severity", Severity [Low, Medium, High, Critical]
);
use crate::graphql::util::id;

/// A member of a governance body.
#[derive(SimpleObject)]
#[graphql(name = "BodyMember")]
pub struct MemberNode {
    pub id: ID,
    /// The subject the member signs in with.
    pub person: String,
    pub role: MemberRoleValue,
    pub can_approve: bool,
}

impl From<Member> for MemberNode {
    fn from(m: Member) -> Self {
        MemberNode {
            id: id(m.id),
            person: m.person,
            role: m.role.into(),
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
    pub kind: BodyKindValue,
    pub mandate: String,
    pub members: Vec<MemberNode>,
    pub created_at: DateTime<Utc>,
}

impl From<Body> for BodyNode {
    fn from(b: Body) -> Self {
        BodyNode {
            id: id(b.id),
            name: b.name,
            kind: b.kind.into(),
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
    pub severity: SeverityValue,
    /// 1 is notified first.
    pub level: i32,
    pub body_id: ID,
    pub recipients: Vec<String>,
}

impl From<Route> for RouteNode {
    fn from(r: Route) -> Self {
        RouteNode {
            id: id(r.id),
            severity: r.severity.into(),
            level: r.level,
            body_id: id(r.body_id),
            recipients: r.recipients,
        }
    }
}
