//! RACI: people or teams Responsible, Accountable, Consulted or Informed for an AI system, a
//! control, a policy, a risk or a governance body. Exactly one Accountable per subject (enforced here
//! and by a unique index). "Who is accountable for X" and "what is Y accountable for" are
//! single queries.

use chrono::{DateTime, Utc};
use entity::{ai_system, control, governance_body, policy, raci_assignment, risk};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use serde::Serialize;

use super::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::error::{AppError, AppResult};

vocabulary! {
    /// What a RACI assignment is about.
    pub enum RaciSubject {
        AiSystem => "ai_system",
        Control => "control",
        Policy => "policy",
        Risk => "risk",
        GovernanceBody => "governance_body",
    }
}

vocabulary! {
    /// A party's part: Responsible, Accountable (one per subject), Consulted, Informed.
    pub enum RaciRole {
        Responsible => "responsible",
        Accountable => "accountable",
        Consulted => "consulted",
        Informed => "informed",
    }
}

vocabulary! {
    /// Whether the party is a person or a team.
    pub enum PartyKind {
        Person => "person",
        Team => "team",
    }
}

/// One RACI assignment.
#[derive(Debug, Clone, Serialize)]
pub struct Assignment {
    pub id: i32,
    pub subject_type: RaciSubject,
    pub subject_id: i32,
    pub party: String,
    pub party_kind: PartyKind,
    pub role: RaciRole,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<raci_assignment::Model> for Assignment {
    type Error = AppError;
    fn try_from(m: raci_assignment::Model) -> AppResult<Self> {
        Ok(Assignment {
            id: m.id,
            subject_type: RaciSubject::stored(&m.subject_type)?,
            subject_id: m.subject_id,
            party: m.party,
            party_kind: PartyKind::stored(&m.party_kind)?,
            role: RaciRole::stored(&m.role)?,
            created_at: m.created_at,
        })
    }
}

async fn check_subject<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    subject_type: RaciSubject,
    id: i32,
) -> AppResult<()> {
    let count = match subject_type {
        RaciSubject::AiSystem => {
            ai_system::Entity::find_by_id(id)
                .filter(ai_system::Column::OrganizationId.eq(organization_id))
                .count(db)
                .await?
        }
        RaciSubject::Control => {
            control::Entity::find_by_id(id)
                .filter(control::Column::OrganizationId.eq(organization_id))
                .count(db)
                .await?
        }
        RaciSubject::Policy => {
            policy::Entity::find_by_id(id)
                .filter(policy::Column::OrganizationId.eq(organization_id))
                .count(db)
                .await?
        }
        RaciSubject::Risk => {
            risk::Entity::find_by_id(id)
                .filter(risk::Column::OrganizationId.eq(organization_id))
                .count(db)
                .await?
        }
        RaciSubject::GovernanceBody => {
            governance_body::Entity::find_by_id(id)
                .filter(governance_body::Column::OrganizationId.eq(organization_id))
                .count(db)
                .await?
        }
    };
    if count == 0 {
        return Err(AppError::not_found(format!("{subject_type} {id}")));
    }
    Ok(())
}

/// Assigns a party a role on a subject.
pub async fn assign(
    services: &Services,
    viewer: &Viewer,
    subject_type: RaciSubject,
    subject_id: i32,
    party: &str,
    party_kind: PartyKind,
    role: RaciRole,
) -> AppResult<Assignment> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let party = validate::line("party", party, 200)?;
    let txn = Write::begin(services, viewer).await?;
    check_subject(&*txn, organization_id, subject_type, subject_id).await?;
    let accountable_key = format!("{subject_type}:{subject_id}");
    if role == RaciRole::Accountable {
        let current = raci_assignment::Entity::find()
            .filter(raci_assignment::Column::OrganizationId.eq(organization_id))
            .filter(raci_assignment::Column::AccountableKey.eq(accountable_key.as_str()))
            .one(&*txn)
            .await?;
        if let Some(current) = current {
            return Err(AppError::Conflict(format!(
                "{} is already accountable for this {subject_type}: remove that assignment first",
                current.party
            )));
        }
    }
    let duplicate = raci_assignment::Entity::find()
        .filter(raci_assignment::Column::OrganizationId.eq(organization_id))
        .filter(raci_assignment::Column::SubjectType.eq(subject_type.as_str()))
        .filter(raci_assignment::Column::SubjectId.eq(subject_id))
        .filter(raci_assignment::Column::Party.eq(party.as_str()))
        .filter(raci_assignment::Column::Role.eq(role.as_str()))
        .count(&*txn)
        .await?;
    if duplicate > 0 {
        return Err(AppError::Conflict(format!("{party} already has that role")));
    }
    let created: Assignment = raci_assignment::ActiveModel {
        organization_id: Set(organization_id),
        subject_type: Set(subject_type.as_str().into()),
        subject_id: Set(subject_id),
        party: Set(party),
        party_kind: Set(party_kind.as_str().into()),
        role: Set(role.as_str().into()),
        accountable_key: Set((role == RaciRole::Accountable).then_some(accountable_key)),
        created_at: Set(txn.now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?
    .try_into()?;
    txn.created(Entity::RaciAssignment, created.id, &created)
        .await?;
    txn.commit().await?;
    Ok(created)
}

/// Removes an assignment.
pub async fn unassign(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Assignment> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    let current = raci_assignment::Entity::find_by_id(id)
        .filter(raci_assignment::Column::OrganizationId.eq(organization_id))
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("assignment {id}")))?;
    raci_assignment::Entity::delete_by_id(id)
        .exec(&*txn)
        .await?;
    let removed: Assignment = current.try_into()?;
    txn.record(
        Action::Delete,
        Entity::RaciAssignment,
        id,
        Some(snapshot(&removed)?),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(removed)
}

/// Every assignment on a subject.
pub async fn for_subject(
    services: &Services,
    viewer: &Viewer,
    subject_type: RaciSubject,
    subject_id: i32,
) -> AppResult<Vec<Assignment>> {
    viewer.require(Permission::ReadRecords)?;
    raci_assignment::Entity::find()
        .filter(raci_assignment::Column::OrganizationId.eq(viewer.organization_id()?))
        .filter(raci_assignment::Column::SubjectType.eq(subject_type.as_str()))
        .filter(raci_assignment::Column::SubjectId.eq(subject_id))
        .order_by_asc(raci_assignment::Column::Id)
        .all(&services.db)
        .await?
        .into_iter()
        .map(Assignment::try_from)
        .collect()
}

/// Who is accountable for a subject.
pub async fn accountable_for(
    services: &Services,
    viewer: &Viewer,
    subject_type: RaciSubject,
    subject_id: i32,
) -> AppResult<Option<Assignment>> {
    Ok(for_subject(services, viewer, subject_type, subject_id)
        .await?
        .into_iter()
        .find(|a| a.role == RaciRole::Accountable))
}

/// What a party holds a role for (every role, or one).
pub async fn of_party(
    services: &Services,
    viewer: &Viewer,
    party: &str,
    role: Option<RaciRole>,
) -> AppResult<Vec<Assignment>> {
    viewer.require(Permission::ReadRecords)?;
    let mut query = raci_assignment::Entity::find()
        .filter(raci_assignment::Column::OrganizationId.eq(viewer.organization_id()?))
        .filter(raci_assignment::Column::Party.eq(party.trim()))
        .order_by_asc(raci_assignment::Column::Id);
    if let Some(role) = role {
        query = query.filter(raci_assignment::Column::Role.eq(role.as_str()));
    }
    query
        .all(&services.db)
        .await?
        .into_iter()
        .map(Assignment::try_from)
        .collect()
}
