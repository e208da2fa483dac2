//! Governance structure: bodies (AI governance board, AI risk review committee, others) with
//! members and approvers, and escalation routes from incident severity to a body and recipients.

use chrono::{DateTime, Utc};
use entity::{body_member, escalation_route, governance_body};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
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
    /// What kind of governance body.
    pub enum BodyKind {
        Board => "board",
        RiskCommittee => "risk_committee",
        EthicsCommittee => "ethics_committee",
        WorkingGroup => "working_group",
        Other => "other",
    }
}

vocabulary! {
    /// A member's role in a body.
    pub enum MemberRole {
        Chair => "chair",
        Member => "member",
        Secretary => "secretary",
        Observer => "observer",
    }
}

vocabulary! {
    /// How severe an incident is, lowest first; escalation routes are set per severity.
    pub enum Severity {
        Low => "low",
        Medium => "medium",
        High => "high",
        Critical => "critical",
    }
}

/// A governance body with its members.
#[derive(Debug, Clone, Serialize)]
pub struct Body {
    pub id: i32,
    pub name: String,
    pub kind: BodyKind,
    pub mandate: String,
    pub created_at: DateTime<Utc>,
    pub members: Vec<Member>,
}

/// A member of a body.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub id: i32,
    pub person: String,
    pub role: MemberRole,
    pub can_approve: bool,
}

/// Where incidents of a severity go at one level of escalation (1 first, then 2, ...).
#[derive(Debug, Clone, Serialize)]
pub struct Route {
    pub id: i32,
    pub severity: Severity,
    pub level: i32,
    pub body_id: i32,
    pub recipients: Vec<String>,
}

/// A body of the organization.
pub async fn find_body<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    id: i32,
) -> AppResult<governance_body::Model> {
    governance_body::Entity::find_by_id(id)
        .filter(governance_body::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("governance body {id}")))
}

async fn with_members<C: ConnectionTrait>(db: &C, body: governance_body::Model) -> AppResult<Body> {
    let members = body_member::Entity::find()
        .filter(body_member::Column::BodyId.eq(body.id))
        .order_by_asc(body_member::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            Ok(Member {
                id: m.id,
                person: m.person,
                role: MemberRole::stored(&m.role)?,
                can_approve: m.can_approve,
            })
        })
        .collect::<AppResult<_>>()?;
    Ok(Body {
        id: body.id,
        name: body.name,
        kind: BodyKind::stored(&body.kind)?,
        mandate: body.mandate,
        created_at: body.created_at,
        members,
    })
}

/// Creates a governance body.
pub async fn create_body(
    services: &Services,
    viewer: &Viewer,
    name: &str,
    kind: BodyKind,
    mandate: &str,
) -> AppResult<Body> {
    viewer.require(Permission::ManageGovernance)?;
    let organization_id = viewer.organization_id()?;
    let name = validate::line("name", name, 200)?;
    let txn = Write::begin(services, viewer).await?;
    let exists = governance_body::Entity::find()
        .filter(governance_body::Column::OrganizationId.eq(organization_id))
        .filter(governance_body::Column::Name.eq(name.as_str()))
        .one(&*txn)
        .await?;
    if exists.is_some() {
        return Err(AppError::Conflict(format!("a body named '{name}' exists")));
    }
    let created = governance_body::ActiveModel {
        organization_id: Set(organization_id),
        name: Set(name),
        kind: Set(kind.as_str().into()),
        mandate: Set(mandate.trim().to_string()),
        created_at: Set(txn.now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let body = with_members(&*txn, created).await?;
    txn.created(Entity::GovernanceBody, body.id, &body).await?;
    txn.commit().await?;
    Ok(body)
}

/// Adds (or updates) a member of a body. `person` is the subject approvers sign in with.
pub async fn set_member(
    services: &Services,
    viewer: &Viewer,
    body_id: i32,
    person: &str,
    role: MemberRole,
    can_approve: bool,
) -> AppResult<Body> {
    viewer.require(Permission::ManageGovernance)?;
    let organization_id = viewer.organization_id()?;
    let person = validate::line("person", person, 200)?;
    let txn = Write::begin(services, viewer).await?;
    let body = find_body(&*txn, organization_id, body_id).await?;
    let before = with_members(&*txn, body.clone()).await?;
    let existing = body_member::Entity::find()
        .filter(body_member::Column::BodyId.eq(body_id))
        .filter(body_member::Column::Person.eq(person.as_str()))
        .one(&*txn)
        .await?;
    let mut active = match existing {
        Some(member) => member.into(),
        None => body_member::ActiveModel {
            organization_id: Set(organization_id),
            body_id: Set(body_id),
            person: Set(person),
            ..Default::default()
        },
    };
    active.role = Set(role.as_str().into());
    active.can_approve = Set(can_approve);
    active.save(&*txn).await?;
    let after = with_members(&*txn, body).await?;
    txn.record(
        Action::SetMember,
        Entity::GovernanceBody,
        body_id,
        Some(snapshot(&before)?),
        Some(snapshot(&after)?),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Every body with its members.
pub async fn bodies(services: &Services, viewer: &Viewer) -> AppResult<Vec<Body>> {
    viewer.require(Permission::ReadRecords)?;
    let rows = governance_body::Entity::find()
        .filter(governance_body::Column::OrganizationId.eq(viewer.organization_id()?))
        .order_by_asc(governance_body::Column::Name)
        .all(&services.db)
        .await?;
    // One query for every body's members, not one per body.
    let ids: Vec<i32> = rows.iter().map(|b| b.id).collect();
    let mut members: std::collections::HashMap<i32, Vec<Member>> = std::collections::HashMap::new();
    for m in body_member::Entity::find()
        .filter(body_member::Column::BodyId.is_in(ids))
        .order_by_asc(body_member::Column::Id)
        .all(&services.db)
        .await?
    {
        members.entry(m.body_id).or_default().push(Member {
            id: m.id,
            person: m.person,
            role: MemberRole::stored(&m.role)?,
            can_approve: m.can_approve,
        });
    }
    rows.into_iter()
        .map(|b| {
            Ok(Body {
                members: members.remove(&b.id).unwrap_or_default(),
                id: b.id,
                name: b.name,
                kind: BodyKind::stored(&b.kind)?,
                mandate: b.mandate,
                created_at: b.created_at,
            })
        })
        .collect()
}

fn valid_recipient(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !address.contains(char::is_whitespace)
}

/// The highest level a severity's route may have.
pub const MAX_ROUTE_LEVEL: i32 = 5;

/// Sets where incidents of a severity escalate at a level (1 is notified first; an
/// unacknowledged level escalates to the next one).
pub async fn set_route(
    services: &Services,
    viewer: &Viewer,
    severity: Severity,
    level: i32,
    body_id: i32,
    recipients: Vec<String>,
) -> AppResult<Route> {
    viewer.require(Permission::ManageGovernance)?;
    let organization_id = viewer.organization_id()?;
    if !(1..=MAX_ROUTE_LEVEL).contains(&level) {
        return Err(AppError::rule(
            "level",
            "route_level_range",
            format!("level must be 1-{MAX_ROUTE_LEVEL}"),
        ));
    }
    if recipients.is_empty() {
        return Err(AppError::rule(
            "recipients",
            "required",
            "an escalation route needs at least one recipient",
        ));
    }
    if let Some((index, bad)) = recipients
        .iter()
        .enumerate()
        .find(|(_, r)| !valid_recipient(r.trim()))
    {
        return Err(AppError::rule(
            format!("recipients.{index}"),
            "email",
            format!("'{bad}' is not an email address"),
        ));
    }
    let txn = Write::begin(services, viewer).await?;
    find_body(&*txn, organization_id, body_id).await?;
    let existing = find_route(&*txn, organization_id, severity, level).await?;
    let before = existing
        .as_ref()
        .map(|r| serde_json::json!({ "body_id": r.body_id, "recipients": r.recipients }));
    let mut active = match existing {
        Some(route) => route.into(),
        None => escalation_route::ActiveModel {
            organization_id: Set(organization_id),
            severity: Set(severity.as_str().into()),
            level: Set(level),
            ..Default::default()
        },
    };
    let recipients: Vec<String> = recipients
        .into_iter()
        .map(|r| r.trim().to_string())
        .collect();
    active.body_id = Set(body_id);
    active.recipients = Set(serde_json::to_string(&recipients).map_err(AppError::internal)?);
    let saved = active.save(&*txn).await?;
    let route = Route {
        id: saved.id.clone().take().unwrap_or_default(),
        severity,
        level,
        body_id,
        recipients,
    };
    txn.record(
        Action::Set,
        Entity::EscalationRoute,
        &format!("{severity}/{level}"),
        before,
        Some(snapshot(&route)?),
    )
    .await?;
    txn.commit().await?;
    Ok(route)
}

/// Removes one level of a severity's route; incidents already notified keep their notices.
pub async fn remove_route(
    services: &Services,
    viewer: &Viewer,
    severity: Severity,
    level: i32,
) -> AppResult<Route> {
    viewer.require(Permission::ManageGovernance)?;
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    let existing = find_route(&*txn, organization_id, severity, level)
        .await?
        .ok_or_else(|| AppError::not_found(format!("{severity} escalation route level {level}")))?;
    let route = to_route(existing.clone())?;
    escalation_route::Entity::delete_by_id(existing.id)
        .exec(&*txn)
        .await?;
    txn.record(
        Action::Delete,
        Entity::EscalationRoute,
        &format!("{severity}/{level}"),
        Some(snapshot(&route)?),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(route)
}

async fn find_route<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    severity: Severity,
    level: i32,
) -> AppResult<Option<escalation_route::Model>> {
    Ok(escalation_route::Entity::find()
        .filter(escalation_route::Column::OrganizationId.eq(organization_id))
        .filter(escalation_route::Column::Severity.eq(severity.as_str()))
        .filter(escalation_route::Column::Level.eq(level))
        .one(db)
        .await?)
}

fn to_route(r: escalation_route::Model) -> AppResult<Route> {
    Ok(Route {
        recipients: serde_json::from_str(&r.recipients).map_err(AppError::internal)?,
        id: r.id,
        severity: Severity::stored(&r.severity)?,
        level: r.level,
        body_id: r.body_id,
    })
}

/// Every level of every route of an organization, in escalation order: by severity from low to
/// critical, then by level.
pub async fn chain_of<C: ConnectionTrait>(db: &C, organization_id: i32) -> AppResult<Vec<Route>> {
    let mut routes: Vec<Route> = escalation_route::Entity::find()
        .filter(escalation_route::Column::OrganizationId.eq(organization_id))
        .all(db)
        .await?
        .into_iter()
        .map(to_route)
        .collect::<AppResult<_>>()?;
    routes.sort_by_key(|r| (r.severity, r.level));
    Ok(routes)
}

/// Every escalation route, from low to critical, level by level.
pub async fn routes(services: &Services, viewer: &Viewer) -> AppResult<Vec<Route>> {
    viewer.require(Permission::ReadRecords)?;
    chain_of(&services.db, viewer.organization_id()?).await
}
