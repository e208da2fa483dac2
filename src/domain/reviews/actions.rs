//! Actions a management review decides: recorded while the review is in draft, marked done
//! whenever they are; the status of earlier reviews' actions is an input of the next review.

use chrono::{DateTime, NaiveDate, Utc};
use entity::review_action;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;

use super::{ReviewActionStatus, date, expect_draft, locked};
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::kernel::write::{Action, Entity, Write};
use crate::error::{AppError, AppResult};

/// An action a review decided.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewAction {
    pub id: i32,
    pub review_id: i32,
    pub description: String,
    pub owner: String,
    pub due_on: NaiveDate,
    pub status: ReviewActionStatus,
    pub completed_at: Option<DateTime<Utc>>,
}

impl TryFrom<review_action::Model> for ReviewAction {
    type Error = AppError;
    fn try_from(m: review_action::Model) -> AppResult<Self> {
        Ok(ReviewAction {
            id: m.id,
            review_id: m.review_id,
            description: m.description,
            owner: m.owner,
            due_on: date(&m.due_on)?,
            status: ReviewActionStatus::stored(&m.status)?,
            completed_at: m.completed_at,
        })
    }
}

/// Records an action the review decided (while in draft).
pub async fn add_action(
    services: &Services,
    viewer: &Viewer,
    review_id: i32,
    description: &str,
    owner: &str,
    due_on: &str,
) -> AppResult<ReviewAction> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let description = validate::text("description", description, 5_000)?;
    let owner = validate::line("owner", owner, 200)?;
    let due_on = validate::date("dueOn", due_on)?;
    let write = Write::begin(services, viewer).await?;
    let review = locked(&write, organization_id, review_id).await?;
    expect_draft(&review)?;
    let created: ReviewAction = review_action::ActiveModel {
        organization_id: Set(organization_id),
        review_id: Set(review_id),
        description: Set(description),
        owner: Set(owner),
        due_on: Set(due_on.to_string()),
        status: Set(ReviewActionStatus::Open.as_str().into()),
        completed_at: Set(None),
        ..Default::default()
    }
    .insert(&*write)
    .await?
    .try_into()?;
    write
        .created(Entity::ReviewAction, created.id, &created)
        .await?;
    write.commit().await?;
    Ok(created)
}

/// Marks a review's action done (its status is an input of the next review).
pub async fn complete_action(
    services: &Services,
    viewer: &Viewer,
    id: i32,
) -> AppResult<ReviewAction> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let write = Write::begin(services, viewer).await?;
    let query = write.for_update(
        review_action::Entity::find_by_id(id)
            .filter(review_action::Column::OrganizationId.eq(organization_id)),
    );
    // Locked on PostgreSQL so two completions take turns and the second sees it done.
    let row = query
        .one(&*write)
        .await?
        .ok_or_else(|| AppError::not_found(format!("review action {id}")))?;
    if row.status == ReviewActionStatus::Done.as_str() {
        return Err(AppError::rule(
            "id",
            "action_status",
            format!("review action {id} is already done"),
        ));
    }
    let before: ReviewAction = row.clone().try_into()?;
    let mut active: review_action::ActiveModel = row.into();
    active.status = Set(ReviewActionStatus::Done.as_str().into());
    active.completed_at = Set(Some(write.now()));
    let after: ReviewAction = active.update(&*write).await?.try_into()?;
    write
        .changed(
            Action::SetStatus,
            Entity::ReviewAction,
            &id.to_string(),
            &before,
            &after,
        )
        .await?;
    write.commit().await?;
    Ok(after)
}

/// A review's actions, soonest due first.
pub async fn actions_of<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    review_id: i32,
) -> AppResult<Vec<ReviewAction>> {
    review_action::Entity::find()
        .filter(review_action::Column::OrganizationId.eq(organization_id))
        .filter(review_action::Column::ReviewId.eq(review_id))
        .order_by_asc(review_action::Column::DueOn)
        .order_by_asc(review_action::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// A review's actions, for a reader.
pub async fn actions(
    services: &Services,
    viewer: &Viewer,
    review_id: i32,
) -> AppResult<Vec<ReviewAction>> {
    viewer.require(Permission::ReadRecords)?;
    actions_of(&services.db, viewer.organization_id()?, review_id).await
}
