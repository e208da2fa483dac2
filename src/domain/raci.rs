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
use super::validate;
use super::viewer::Viewer;
use crate::domain::access::Permission;
use crate::domain::write::{Action, Entity, Write, snapshot};
use crate::error::{AppError, AppResult};

pub const SUBJECTS: &[&str] = &["ai_system", "control", "policy", "risk", "governance_body"];
pub const ROLES: &[&str] = &["responsible", "accountable", "consulted", "informed"];
pub const PARTY_KINDS: &[&str] = &["person", "team"];

/// One RACI assignment.
#[derive(Debug, Clone, Serialize)]
pub struct Assignment {
    pub id: i32,
    pub subject_type: String,
    pub subject_id: i32,
    pub party: String,
    pub party_kind: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
}

impl From<raci_assignment::Model> for Assignment {
    fn from(m: raci_assignment::Model) -> Self {
        Assignment {
            id: m.id,
            subject_type: m.subject_type,
            subject_id: m.subject_id,
            party: m.party,
            party_kind: m.party_kind,
            role: m.role,
            created_at: m.created_at,
        }
    }
}

async fn check_subject<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    subject_type: &str,
    id: i32,
) -> AppResult<()> {
    let count = match subject_type {
        "ai_system" => {
            ai_system::Entity::find_by_id(id)
                .filter(ai_system::Column::OrganizationId.eq(organization_id))
                .count(db)
                .await?
        }
        "control" => {
            control::Entity::find_by_id(id)
                .filter(control::Column::OrganizationId.eq(organization_id))
                .count(db)
                .await?
        }
        "policy" => {
            policy::Entity::find_by_id(id)
                .filter(policy::Column::OrganizationId.eq(organization_id))
                .count(db)
                .await?
        }
        "risk" => {
            risk::Entity::find_by_id(id)
                .filter(risk::Column::OrganizationId.eq(organization_id))
                .count(db)
                .await?
        }
        _ => {
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
    subject_type: &str,
    subject_id: i32,
    party: &str,
    party_kind: &str,
    role: &str,
) -> AppResult<Assignment> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let subject_type = validate::one_of("subjectType", subject_type, SUBJECTS)?;
    let role = validate::one_of("role", role, ROLES)?;
    let party_kind = validate::one_of("partyKind", party_kind, PARTY_KINDS)?;
    let party = validate::line("party", party, 200)?;
    let txn = Write::begin(services, viewer).await?;
    check_subject(&*txn, organization_id, subject_type, subject_id).await?;
    let accountable_key = format!("{subject_type}:{subject_id}");
    if role == "accountable" {
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
        .filter(raci_assignment::Column::SubjectType.eq(subject_type))
        .filter(raci_assignment::Column::SubjectId.eq(subject_id))
        .filter(raci_assignment::Column::Party.eq(party.as_str()))
        .filter(raci_assignment::Column::Role.eq(role))
        .count(&*txn)
        .await?;
    if duplicate > 0 {
        return Err(AppError::Conflict(format!("{party} already has that role")));
    }
    let created: Assignment = raci_assignment::ActiveModel {
        organization_id: Set(organization_id),
        subject_type: Set(subject_type.to_string()),
        subject_id: Set(subject_id),
        party: Set(party),
        party_kind: Set(party_kind.to_string()),
        role: Set(role.to_string()),
        accountable_key: Set((role == "accountable").then_some(accountable_key)),
        created_at: Set(txn.now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?
    .into();
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
    let removed: Assignment = current.into();
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
    subject_type: &str,
    subject_id: i32,
) -> AppResult<Vec<Assignment>> {
    viewer.require(Permission::ReadRecords)?;
    let subject_type = validate::one_of("subjectType", subject_type, SUBJECTS)?;
    Ok(raci_assignment::Entity::find()
        .filter(raci_assignment::Column::OrganizationId.eq(viewer.organization_id()?))
        .filter(raci_assignment::Column::SubjectType.eq(subject_type))
        .filter(raci_assignment::Column::SubjectId.eq(subject_id))
        .order_by_asc(raci_assignment::Column::Id)
        .all(&services.db)
        .await?
        .into_iter()
        .map(Assignment::from)
        .collect())
}

/// Who is accountable for a subject.
pub async fn accountable_for(
    services: &Services,
    viewer: &Viewer,
    subject_type: &str,
    subject_id: i32,
) -> AppResult<Option<Assignment>> {
    Ok(for_subject(services, viewer, subject_type, subject_id)
        .await?
        .into_iter()
        .find(|a| a.role == "accountable"))
}

/// What a party holds a role for (every role, or one).
pub async fn of_party(
    services: &Services,
    viewer: &Viewer,
    party: &str,
    role: Option<&str>,
) -> AppResult<Vec<Assignment>> {
    viewer.require(Permission::ReadRecords)?;
    let mut query = raci_assignment::Entity::find()
        .filter(raci_assignment::Column::OrganizationId.eq(viewer.organization_id()?))
        .filter(raci_assignment::Column::Party.eq(party.trim()))
        .order_by_asc(raci_assignment::Column::Id);
    if let Some(role) = role {
        query =
            query.filter(raci_assignment::Column::Role.eq(validate::one_of("role", role, ROLES)?));
    }
    Ok(query
        .all(&services.db)
        .await?
        .into_iter()
        .map(Assignment::from)
        .collect())
}
