//! Corrective actions (ISO/IEC 42001 10.2): an owner, a due date, the root cause and the action;
//! completed by the owner's side, then verified for effectiveness by someone other than the
//! owner. An action found ineffective goes back to open. Overdue actions are those not verified
//! by their due date.

use chrono::{DateTime, NaiveDate, Utc};
use entity::corrective_action;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;

use super::findings::{self, FindingStatus};
use super::impartiality::names_of;
use super::programmes::stored_date;
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::domain::kernel::write::{Action, Entity, Write};
use crate::error::{AppError, AppResult};

vocabulary! {
    /// Where a corrective action stands.
    pub enum ActionStatus {
        Open => "open",
        Completed => "completed",
        Verified => "verified",
    }
}

/// A corrective action, with whether it is overdue today.
#[derive(Debug, Clone, Serialize)]
pub struct CorrectiveAction {
    pub id: i32,
    pub finding_id: i32,
    pub owner: String,
    pub due_on: NaiveDate,
    pub root_cause: String,
    pub action: String,
    pub status: ActionStatus,
    pub completed_by: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    pub verified_by: Option<String>,
    pub verified_at: Option<DateTime<Utc>>,
    pub verification_note: Option<String>,
    pub effective: Option<bool>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub overdue: bool,
}

fn view(m: corrective_action::Model, today: NaiveDate) -> AppResult<CorrectiveAction> {
    let status = ActionStatus::stored(&m.status)?;
    let due_on = stored_date(&m.due_on)?;
    Ok(CorrectiveAction {
        id: m.id,
        finding_id: m.finding_id,
        owner: m.owner,
        overdue: status != ActionStatus::Verified && due_on < today,
        due_on,
        root_cause: m.root_cause,
        action: m.action,
        status,
        completed_by: m.completed_by,
        completed_at: m.completed_at,
        verified_by: m.verified_by,
        verified_at: m.verified_at,
        verification_note: m.verification_note,
        effective: m.effective,
        created_by: m.created_by,
        created_at: m.created_at,
    })
}

/// A corrective action as planned.
#[derive(Debug, Clone)]
pub struct NewAction {
    pub finding_id: i32,
    pub owner: String,
    pub due_on: String,
    pub root_cause: String,
    pub action: String,
}

/// Plans a corrective action on an open finding.
pub async fn add(
    services: &Services,
    viewer: &Viewer,
    input: NewAction,
) -> AppResult<CorrectiveAction> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let owner = validate::line("owner", &input.owner, 200)?;
    let due_on = validate::date("dueOn", &input.due_on)?;
    let root_cause = validate::text("rootCause", &input.root_cause, 20_000)?;
    let action = validate::text("action", &input.action, 20_000)?;
    let write = Write::begin(services, viewer).await?;
    let finding = findings::locked(&write, organization_id, input.finding_id).await?;
    if finding.status != FindingStatus::Open.as_str() {
        return Err(AppError::rule(
            "findingId",
            "finding_status",
            format!("finding {} is closed", finding.id),
        ));
    }
    let row = corrective_action::ActiveModel {
        organization_id: Set(organization_id),
        finding_id: Set(finding.id),
        owner: Set(owner),
        due_on: Set(due_on.to_string()),
        root_cause: Set(root_cause),
        action: Set(action),
        status: Set(ActionStatus::Open.as_str().into()),
        completed_by: Set(None),
        completed_at: Set(None),
        verified_by: Set(None),
        verified_at: Set(None),
        verification_note: Set(None),
        effective: Set(None),
        created_by: Set(write.actor().to_string()),
        created_at: Set(write.now()),
        ..Default::default()
    }
    .insert(&*write)
    .await?;
    let created = view(row, write.now().date_naive())?;
    write
        .created(Entity::CorrectiveAction, created.id, &created)
        .await?;
    write.commit().await?;
    Ok(created)
}

async fn find_row<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    id: i32,
) -> AppResult<corrective_action::Model> {
    corrective_action::Entity::find_by_id(id)
        .filter(corrective_action::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("corrective action {id}")))
}

/// Marks an open action done, ready for verification.
pub async fn complete(
    services: &Services,
    viewer: &Viewer,
    id: i32,
) -> AppResult<CorrectiveAction> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let write = Write::begin(services, viewer).await?;
    let row = find_row(&*write, organization_id, id).await?;
    // The finding's lock orders this against closing the finding and verifying.
    findings::locked(&write, organization_id, row.finding_id).await?;
    let row = find_row(&*write, organization_id, id).await?;
    if row.status != ActionStatus::Open.as_str() {
        return Err(AppError::rule(
            "id",
            "action_status",
            format!("corrective action {id} is {}, not open", row.status),
        ));
    }
    let today = write.now().date_naive();
    let before = view(row.clone(), today)?;
    let mut active: corrective_action::ActiveModel = row.into();
    active.status = Set(ActionStatus::Completed.as_str().into());
    active.completed_by = Set(Some(subject_of(viewer)));
    active.completed_at = Set(Some(write.now()));
    let after = view(active.update(&*write).await?, today)?;
    write
        .changed(
            Action::SetStatus,
            Entity::CorrectiveAction,
            &id.to_string(),
            &before,
            &after,
        )
        .await?;
    write.commit().await?;
    Ok(after)
}

/// Verifies a completed action's effectiveness. The verifier cannot be its owner. Effective, it
/// is verified; not effective, it goes back to open.
pub async fn verify(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    effective: bool,
    note: &str,
) -> AppResult<CorrectiveAction> {
    viewer.require(Permission::WriteAudits)?;
    let organization_id = viewer.organization_id()?;
    let verifier = viewer.principal()?.subject.clone();
    let people = crate::domain::people::all_of(services, organization_id).await?;
    let note = validate::optional_text("note", note, 20_000)?;
    let write = Write::begin(services, viewer).await?;
    let row = find_row(&*write, organization_id, id).await?;
    findings::locked(&write, organization_id, row.finding_id).await?;
    let row = find_row(&*write, organization_id, id).await?;
    if row.status != ActionStatus::Completed.as_str() {
        return Err(AppError::rule(
            "id",
            "action_status",
            format!(
                "corrective action {id} is {}; only a completed action is verified",
                row.status
            ),
        ));
    }
    // The owner is free text (a subject, name or address): any of the verifier's names counts.
    let names = names_of(&verifier, &people);
    if names.contains(&row.owner.trim().to_ascii_lowercase())
        || row.completed_by.as_deref() == Some(verifier.as_str())
    {
        return Err(AppError::rule(
            "id",
            "verifier_is_owner",
            "a corrective action's effectiveness is verified by someone other than its owner and whoever completed it",
        ));
    }
    if !effective && note.is_empty() {
        return Err(AppError::rule(
            "note",
            "note_required",
            "say why the action was not effective",
        ));
    }
    let today = write.now().date_naive();
    let before = view(row.clone(), today)?;
    let mut active: corrective_action::ActiveModel = row.into();
    active.status = Set(if effective {
        ActionStatus::Verified
    } else {
        ActionStatus::Open
    }
    .as_str()
    .into());
    if !effective {
        active.completed_at = Set(None);
        active.completed_by = Set(None);
    }
    active.verified_by = Set(Some(verifier));
    active.verified_at = Set(Some(write.now()));
    active.verification_note = Set((!note.is_empty()).then_some(note));
    active.effective = Set(Some(effective));
    let after = view(active.update(&*write).await?, today)?;
    write
        .changed(
            Action::Decide,
            Entity::CorrectiveAction,
            &id.to_string(),
            &before,
            &after,
        )
        .await?;
    write.commit().await?;
    Ok(after)
}

/// Who the viewer is, as recorded on the action: the token subject, else the audit-log actor.
fn subject_of(viewer: &Viewer) -> String {
    viewer
        .principal()
        .map_or_else(|_| viewer.describe(), |p| p.subject.clone())
}

/// Which actions to list.
#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    pub finding_id: Option<i32>,
    pub status: Option<ActionStatus>,
    /// Only those past their due date and not verified.
    pub overdue: bool,
}

/// Corrective actions, soonest due first.
pub async fn list(
    services: &Services,
    viewer: &Viewer,
    filter: &ActionFilter,
) -> AppResult<Vec<CorrectiveAction>> {
    viewer.require(Permission::ReadRecords)?;
    all_of(
        &services.db,
        viewer.organization_id()?,
        filter,
        services.clock.today(),
    )
    .await
}

/// Corrective actions of an organization, soonest due first (for reviews and reports).
pub async fn all_of<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    filter: &ActionFilter,
    today: NaiveDate,
) -> AppResult<Vec<CorrectiveAction>> {
    let mut query = corrective_action::Entity::find()
        .filter(corrective_action::Column::OrganizationId.eq(organization_id));
    if let Some(id) = filter.finding_id {
        query = query.filter(corrective_action::Column::FindingId.eq(id));
    }
    if let Some(status) = filter.status {
        query = query.filter(corrective_action::Column::Status.eq(status.as_str()));
    }
    if filter.overdue {
        // Dates are stored as YYYY-MM-DD, so text order is date order.
        query = query
            .filter(corrective_action::Column::Status.ne(ActionStatus::Verified.as_str()))
            .filter(corrective_action::Column::DueOn.lt(today.to_string()));
    }
    query
        .order_by_asc(corrective_action::Column::DueOn)
        .order_by_asc(corrective_action::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|row| view(row, today))
        .collect()
}
