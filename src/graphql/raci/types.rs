//! GraphQL shape of a RACI assignment.

use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::raci::{Assignment, PartyKind, RaciRole, RaciSubject};
use crate::graphql::vocabulary::graphql_vocabulary;

graphql_vocabulary!(
    /// What a RACI assignment is about.
    RaciSubjectValue, "RaciSubject", RaciSubject [AiSystem, Control, Policy, Risk, GovernanceBody]
);
graphql_vocabulary!(
    /// Responsible, Accountable (one per subject), Consulted or Informed.
    RaciRoleValue, "RaciRole", RaciRole [Responsible, Accountable, Consulted, Informed]
);
graphql_vocabulary!(
    /// Whether a RACI party is a person or a team.
    PartyKindValue, "PartyKind", PartyKind [Person, Team]
);
use crate::graphql::util::id;

/// A RACI assignment.
#[derive(SimpleObject)]
#[graphql(name = "RaciAssignment")]
pub struct AssignmentNode {
    pub id: ID,
    pub subject_type: RaciSubjectValue,
    pub subject_id: ID,
    pub party: String,
    pub party_kind: PartyKindValue,
    pub role: RaciRoleValue,
    pub created_at: DateTime<Utc>,
}

impl From<Assignment> for AssignmentNode {
    fn from(a: Assignment) -> Self {
        AssignmentNode {
            id: id(a.id),
            subject_type: a.subject_type.into(),
            subject_id: id(a.subject_id),
            party: a.party,
            party_kind: a.party_kind.into(),
            role: a.role.into(),
            created_at: a.created_at,
        }
    }
}
