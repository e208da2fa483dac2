//! Management reviews (ISO/IEC 42001 9.3): a review record for a period, its inputs collected
//! from live data (see [`inputs`]), the stakeholder feedback entered by hand, its decisions and
//! actions. Concluding a review freezes its inputs and stores the record as a versioned
//! `management_review` artefact (Markdown, with its SHA-256).

pub mod actions;
pub mod export;
pub mod inputs;

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use entity::management_review;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use crate::domain::Services;
use crate::domain::artifacts::{self, ArtifactKind};
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::domain::kernel::write::{Action, Entity, Write};
use crate::error::{AppError, AppResult};
pub use actions::{ReviewAction, actions, actions_of, add_action, complete_action};
pub use inputs::Inputs;

vocabulary! {
    /// Whether a review is still being prepared.
    pub enum ReviewStatus {
        Draft => "draft",
        Concluded => "concluded",
    }
}

vocabulary! {
    /// Whether a review's action is done.
    pub enum ReviewActionStatus {
        Open => "open",
        Done => "done",
    }
}

/// Most decisions and attendees a review records.
const MAX_ITEMS: usize = 200;

/// A management review.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub id: i32,
    pub title: String,
    pub held_on: NaiveDate,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub chair: String,
    pub attendees: Vec<String>,
    /// Changes in external and internal issues relevant to the AI management system (9.3.2 b).
    pub context_changes: String,
    pub stakeholder_feedback: String,
    pub decisions: Vec<String>,
    pub status: ReviewStatus,
    pub artifact_id: Option<i32>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub concluded_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    frozen: Option<String>,
}

fn date(value: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(AppError::internal)
}

impl TryFrom<management_review::Model> for Review {
    type Error = AppError;
    fn try_from(m: management_review::Model) -> AppResult<Self> {
        Ok(Review {
            id: m.id,
            title: m.title,
            held_on: date(&m.held_on)?,
            period_start: date(&m.period_start)?,
            period_end: date(&m.period_end)?,
            chair: m.chair,
            attendees: serde_json::from_str(&m.attendees).map_err(AppError::internal)?,
            context_changes: m.context_changes,
            stakeholder_feedback: m.stakeholder_feedback,
            decisions: serde_json::from_str(&m.decisions).map_err(AppError::internal)?,
            status: ReviewStatus::stored(&m.status)?,
            artifact_id: m.artifact_id,
            created_by: m.created_by,
            created_at: m.created_at,
            concluded_at: m.concluded_at,
            frozen: m.inputs,
        })
    }
}

/// A review as prepared.
#[derive(Debug, Clone)]
pub struct ReviewInput {
    pub title: String,
    pub held_on: String,
    pub period_start: String,
    pub period_end: String,
    pub chair: String,
    pub attendees: Vec<String>,
    pub context_changes: String,
    pub stakeholder_feedback: String,
}

struct Checked {
    title: String,
    held_on: NaiveDate,
    start: NaiveDate,
    end: NaiveDate,
    chair: String,
    attendees: Vec<String>,
    changes: String,
    feedback: String,
}

fn lines(field: &str, values: &[String]) -> AppResult<Vec<String>> {
    if values.len() > MAX_ITEMS {
        return Err(AppError::rule(
            field,
            "too_many",
            format!("{field} takes at most {MAX_ITEMS} entries"),
        ));
    }
    values
        .iter()
        .enumerate()
        .map(|(i, v)| validate::text(&format!("{field}.{i}"), v, 5_000))
        .collect()
}

fn checked(input: &ReviewInput) -> AppResult<Checked> {
    let (start, end) =
        crate::domain::internal_audits::programmes::period(&input.period_start, &input.period_end)?;
    let held_on = validate::date("heldOn", &input.held_on)?;
    if held_on < end {
        return Err(AppError::rule(
            "heldOn",
            "held_before_period_end",
            "a review is held once the period it reviews has ended (heldOn >= periodEnd)",
        ));
    }
    Ok(Checked {
        title: validate::line("title", &input.title, 300)?,
        held_on,
        start,
        end,
        chair: validate::line("chair", &input.chair, 200)?,
        attendees: lines("attendees", &input.attendees)?,
        changes: validate::optional_text("contextChanges", &input.context_changes, 50_000)?,
        feedback: validate::optional_text(
            "stakeholderFeedback",
            &input.stakeholder_feedback,
            50_000,
        )?,
    })
}

/// Prepares a management review.
pub async fn create(services: &Services, viewer: &Viewer, input: ReviewInput) -> AppResult<Review> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let c = checked(&input)?;
    let write = Write::begin(services, viewer).await?;
    let row = management_review::ActiveModel {
        organization_id: Set(organization_id),
        title: Set(c.title),
        held_on: Set(c.held_on.to_string()),
        period_start: Set(c.start.to_string()),
        period_end: Set(c.end.to_string()),
        chair: Set(c.chair),
        attendees: Set(serde_json::to_string(&c.attendees).map_err(AppError::internal)?),
        context_changes: Set(c.changes),
        stakeholder_feedback: Set(c.feedback),
        inputs: Set(None),
        decisions: Set("[]".into()),
        status: Set(ReviewStatus::Draft.as_str().into()),
        artifact_id: Set(None),
        created_by: Set(write.actor().to_string()),
        created_at: Set(write.now()),
        concluded_at: Set(None),
        ..Default::default()
    }
    .insert(&*write)
    .await?;
    let created: Review = row.try_into()?;
    write
        .created(Entity::ManagementReview, created.id, &created)
        .await?;
    write.commit().await?;
    Ok(created)
}

/// The review row, locked on PostgreSQL so concluding and editing take turns.
async fn locked(
    write: &Write<'_>,
    organization_id: i32,
    id: i32,
) -> AppResult<management_review::Model> {
    let query = write.for_update(
        management_review::Entity::find_by_id(id)
            .filter(management_review::Column::OrganizationId.eq(organization_id)),
    );
    query
        .one(&**write)
        .await?
        .ok_or_else(|| AppError::not_found(format!("management review {id}")))
}

fn expect_draft(row: &management_review::Model) -> AppResult<()> {
    if row.status == ReviewStatus::Draft.as_str() {
        Ok(())
    } else {
        Err(AppError::rule(
            "id",
            "review_concluded",
            format!(
                "management review {} is concluded; its record is final",
                row.id
            ),
        ))
    }
}

/// Edits a review still in draft.
pub async fn update(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    input: ReviewInput,
) -> AppResult<Review> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let c = checked(&input)?;
    let write = Write::begin(services, viewer).await?;
    let row = locked(&write, organization_id, id).await?;
    expect_draft(&row)?;
    let before: Review = row.clone().try_into()?;
    let mut active: management_review::ActiveModel = row.into();
    active.title = Set(c.title);
    active.held_on = Set(c.held_on.to_string());
    active.period_start = Set(c.start.to_string());
    active.period_end = Set(c.end.to_string());
    active.chair = Set(c.chair);
    active.attendees = Set(serde_json::to_string(&c.attendees).map_err(AppError::internal)?);
    active.context_changes = Set(c.changes);
    active.stakeholder_feedback = Set(c.feedback);
    let after: Review = active.update(&*write).await?.try_into()?;
    write
        .changed(
            Action::Update,
            Entity::ManagementReview,
            &id.to_string(),
            &before,
            &after,
        )
        .await?;
    write.commit().await?;
    Ok(after)
}

/// Concludes a review with its decisions: the inputs are collected one last time and frozen, and
/// the record is stored as the next version of its `management_review` artefact.
pub async fn conclude(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    decisions: &[String],
) -> AppResult<Review> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let decisions = lines("decisions", decisions)?;
    if decisions.is_empty() {
        return Err(AppError::rule(
            "decisions",
            "required",
            "a management review concludes with at least one decision (ISO/IEC 42001 9.3.3)",
        ));
    }
    // Collected before the write: the inputs read through the crosswalk read model and the
    // register, and a concurrent change lands in the next review.
    let draft = get(services, viewer, id).await?;
    let collected = inputs::collect(services, viewer, &draft).await?;
    let write = Write::begin(services, viewer).await?;
    let row = locked(&write, organization_id, id).await?;
    expect_draft(&row)?;
    let before: Review = row.clone().try_into()?;
    // The inputs were collected for the draft as read before the lock; an edit since would make
    // the frozen inputs describe another review.
    if (before.period_start, before.period_end, before.held_on)
        != (draft.period_start, draft.period_end, draft.held_on)
        || before.context_changes != draft.context_changes
        || before.stakeholder_feedback != draft.stakeholder_feedback
    {
        return Err(AppError::Conflict(format!(
            "management review {id} changed while concluding; conclude it again"
        )));
    }
    let actions = actions_of(&*write, organization_id, id).await?;
    // Microseconds, as PostgreSQL keeps them, so the stored record and one rendered later from
    // the row agree to the byte.
    let concluded_at = write.now().trunc_subsecs(6);
    let mut concluded = before.clone();
    concluded.decisions = decisions.clone();
    concluded.status = ReviewStatus::Concluded;
    concluded.concluded_at = Some(concluded_at);
    let document = export::markdown(&concluded, &collected, &actions)?;
    let artifact = artifacts::store_generated(
        &write,
        organization_id,
        ArtifactKind::ManagementReview,
        &format!("Management review #{id}: {}", before.title),
        "text/markdown; charset=utf-8",
        document.into_bytes(),
    )
    .await?;
    let mut active: management_review::ActiveModel = row.into();
    active.decisions = Set(serde_json::to_string(&decisions).map_err(AppError::internal)?);
    active.inputs = Set(Some(
        serde_json::to_string(&collected).map_err(AppError::internal)?,
    ));
    active.status = Set(ReviewStatus::Concluded.as_str().into());
    active.concluded_at = Set(Some(concluded_at));
    active.artifact_id = Set(Some(artifact.id));
    let after: Review = active.update(&*write).await?.try_into()?;
    write
        .changed(
            Action::Close,
            Entity::ManagementReview,
            &id.to_string(),
            &before,
            &after,
        )
        .await?;
    write.commit().await?;
    Ok(after)
}

/// A review's inputs: frozen once concluded, collected live while in draft.
pub async fn inputs_of(services: &Services, viewer: &Viewer, review: &Review) -> AppResult<Inputs> {
    viewer.require(Permission::ReadRecords)?;
    match &review.frozen {
        Some(json) => serde_json::from_str(json).map_err(AppError::internal),
        None => inputs::collect(services, viewer, review).await,
    }
}

/// The record of a review as Markdown: for a concluded review the artefact stored when it
/// concluded, byte for byte; for a draft, rendered now with live inputs.
pub async fn document(services: &Services, viewer: &Viewer, id: i32) -> AppResult<String> {
    let review = get(services, viewer, id).await?;
    if let Some(artifact) = review.artifact_id {
        let (_, content) = artifacts::content(services, viewer, artifact).await?;
        return String::from_utf8(content).map_err(AppError::internal);
    }
    let inputs = inputs_of(services, viewer, &review).await?;
    let actions = actions_of(&services.db, viewer.organization_id()?, id).await?;
    export::markdown(&review, &inputs, &actions)
}

/// One review.
pub async fn get(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Review> {
    viewer.require(Permission::ReadRecords)?;
    management_review::Entity::find_by_id(id)
        .filter(management_review::Column::OrganizationId.eq(viewer.organization_id()?))
        .one(&services.db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("management review {id}")))?
        .try_into()
}

/// Every review, most recent first.
pub async fn list(services: &Services, viewer: &Viewer) -> AppResult<Vec<Review>> {
    viewer.require(Permission::ReadRecords)?;
    management_review::Entity::find()
        .filter(management_review::Column::OrganizationId.eq(viewer.organization_id()?))
        .order_by_desc(management_review::Column::HeldOn)
        .order_by_desc(management_review::Column::Id)
        .all(&services.db)
        .await?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}
