//! Policies (AI governance, AI risk management, data governance, any kind), versioned, with
//! status draft -> in_review -> approved -> retired and a review-due date. Submitting opens an
//! approval request to the policy's governance body; the quorum of its approvers approves.
//! Editing an approved policy creates a new draft version; approving a version retires the one
//! it replaces.

use chrono::{DateTime, NaiveDate, Utc};
use entity::policy;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use super::Services;
use super::approvals::{self, ApprovalRequest};
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::error::{AppError, AppResult};

vocabulary! {
    /// What a policy governs.
    pub enum PolicyKind {
        AiGovernance => "ai_governance",
        AiRiskManagement => "ai_risk_management",
        DataGovernance => "data_governance",
        AcceptableUse => "acceptable_use",
        Security => "security",
        Privacy => "privacy",
        Other => "other",
    }
}

vocabulary! {
    /// A policy version's state: draft -> in_review -> approved -> retired (a rejected review
    /// returns it to draft).
    pub enum PolicyStatus {
        Draft => "draft",
        InReview => "in_review",
        Approved => "approved",
        Retired => "retired",
    }
}

/// One version of a policy.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    pub id: i32,
    pub family: String,
    pub kind: PolicyKind,
    pub title: String,
    pub version: i32,
    pub content: String,
    pub status: PolicyStatus,
    pub body_id: Option<i32>,
    pub quorum: i32,
    pub review_due: String,
    pub approved_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<policy::Model> for Policy {
    type Error = AppError;
    fn try_from(m: policy::Model) -> AppResult<Self> {
        Ok(Policy {
            id: m.id,
            family: m.family,
            kind: PolicyKind::stored(&m.kind)?,
            title: m.title,
            version: m.version,
            content: m.content,
            status: PolicyStatus::stored(&m.status)?,
            body_id: m.body_id,
            quorum: m.quorum,
            review_due: m.review_due,
            approved_at: m.approved_at,
            created_by: m.created_by,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

/// Fields of a new policy.
#[derive(Debug, Clone)]
pub struct NewPolicy {
    pub kind: PolicyKind,
    pub title: String,
    pub content: String,
    pub body_id: i32,
    pub quorum: i32,
    pub review_due: String,
}

/// Changes to a policy's text or review date.
#[derive(Debug, Clone, Default)]
pub struct PolicyEdit {
    pub title: Option<String>,
    pub content: Option<String>,
    pub review_due: Option<String>,
}

async fn find<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    id: i32,
) -> AppResult<policy::Model> {
    policy::Entity::find_by_id(id)
        .filter(policy::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("policy {id}")))
}

fn family_of(title: &str) -> String {
    let slug: String = title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    slug.split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Writes a first draft.
pub async fn create(services: &Services, viewer: &Viewer, input: NewPolicy) -> AppResult<Policy> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let kind = input.kind;
    let title = validate::line("title", &input.title, 300)?;
    let content = validate::text("content", &input.content, 200_000)?;
    let review_due = validate::date("reviewDue", &input.review_due)?.to_string();
    let txn = Write::begin(services, viewer).await?;
    super::governance::find_body(&*txn, organization_id, input.body_id).await?;
    let family = family_of(&title);
    let exists = policy::Entity::find()
        .filter(policy::Column::OrganizationId.eq(organization_id))
        .filter(policy::Column::Family.eq(family.as_str()))
        .one(&*txn)
        .await?;
    if exists.is_some() {
        return Err(AppError::Conflict(format!(
            "a policy '{title}' exists: edit it to make a new version"
        )));
    }
    let now = txn.now();
    let created: Policy = policy::ActiveModel {
        organization_id: Set(organization_id),
        family: Set(family),
        kind: Set(kind.as_str().into()),
        title: Set(title),
        version: Set(1),
        content: Set(content),
        status: Set(PolicyStatus::Draft.as_str().into()),
        body_id: Set(Some(input.body_id)),
        quorum: Set(input.quorum.max(1)),
        review_due: Set(review_due),
        approved_at: Set(None),
        created_by: Set(viewer.describe()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?
    .try_into()?;
    txn.created(Entity::Policy, created.id, &created).await?;
    txn.commit().await?;
    Ok(created)
}

/// Edits a draft in place; editing an approved version creates the next draft version.
pub async fn edit(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    changes: PolicyEdit,
) -> AppResult<Policy> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    let current = find(&*txn, organization_id, id).await?;
    let title = changes
        .title
        .as_deref()
        .map(|t| validate::line("title", t, 300))
        .transpose()?;
    let content = changes
        .content
        .as_deref()
        .map(|c| validate::text("content", c, 200_000))
        .transpose()?;
    let review_due = changes
        .review_due
        .as_deref()
        .map(|d| validate::date("reviewDue", d))
        .transpose()?;
    let now = txn.now();
    let (action, before, saved) = match PolicyStatus::stored(&current.status)? {
        PolicyStatus::Draft => {
            let before = snapshot(&Policy::try_from(current.clone())?)?;
            let mut active: policy::ActiveModel = current.into();
            if let Some(title) = title {
                active.title = Set(title);
            }
            if let Some(content) = content {
                active.content = Set(content);
            }
            if let Some(due) = review_due {
                active.review_due = Set(due.to_string());
            }
            active.updated_at = Set(now);
            (Action::Update, Some(before), active.update(&*txn).await?)
        }
        PolicyStatus::Approved => {
            let newest = policy::Entity::find()
                .filter(policy::Column::OrganizationId.eq(organization_id))
                .filter(policy::Column::Family.eq(current.family.as_str()))
                .order_by_desc(policy::Column::Version)
                .one(&*txn)
                .await?
                .map_or(current.version, |p| p.version);
            if newest > current.version {
                return Err(AppError::Conflict(format!(
                    "version {newest} of this policy is already being drafted"
                )));
            }
            let draft = policy::ActiveModel {
                organization_id: Set(organization_id),
                family: Set(current.family.clone()),
                kind: Set(current.kind.clone()),
                title: Set(title.unwrap_or(current.title.clone())),
                version: Set(current.version + 1),
                content: Set(content.unwrap_or(current.content.clone())),
                status: Set(PolicyStatus::Draft.as_str().into()),
                body_id: Set(current.body_id),
                quorum: Set(current.quorum),
                review_due: Set(review_due.map_or(current.review_due.clone(), |d| d.to_string())),
                approved_at: Set(None),
                created_by: Set(viewer.describe()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            };
            (Action::NewVersion, None, draft.insert(&*txn).await?)
        }
        other => {
            return Err(AppError::Conflict(format!(
                "a policy that is {other} cannot be edited"
            )));
        }
    };
    let policy: Policy = saved.try_into()?;
    txn.record(
        action,
        Entity::Policy,
        policy.id,
        before,
        Some(snapshot(&policy)?),
    )
    .await?;
    txn.commit().await?;
    Ok(policy)
}

/// Sends a draft for review: opens an approval request to its governance body.
pub async fn submit(services: &Services, viewer: &Viewer, id: i32) -> AppResult<ApprovalRequest> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    let current = find(&*txn, organization_id, id).await?;
    if PolicyStatus::stored(&current.status)? != PolicyStatus::Draft {
        return Err(AppError::Conflict(format!(
            "only drafts can be submitted; this policy is {}",
            current.status
        )));
    }
    let body_id = current
        .body_id
        .ok_or_else(|| AppError::validation("the policy names no governance body"))?;
    let summary = format!("Approve {} v{}", current.title, current.version);
    let request = approvals::open(
        &txn,
        organization_id,
        &viewer.describe(),
        approvals::ApprovalSubject::Policy,
        id,
        body_id,
        current.quorum,
        &summary,
    )
    .await?;
    let before = snapshot(&Policy::try_from(current.clone())?)?;
    let mut active: policy::ActiveModel = current.into();
    active.status = Set(PolicyStatus::InReview.as_str().into());
    active.updated_at = Set(txn.now());
    let updated: Policy = active.update(&*txn).await?.try_into()?;
    txn.record(
        Action::Submit,
        Entity::Policy,
        id,
        Some(before),
        Some(snapshot(&updated)?),
    )
    .await?;
    txn.commit().await?;
    Ok(request)
}

/// Applies an approval decision to the policy, inside the deciding transaction.
pub async fn on_decided(
    write: &Write<'_>,
    organization_id: i32,
    id: i32,
    approved: bool,
) -> AppResult<()> {
    let txn: &DatabaseTransaction = write;
    let current = find(txn, organization_id, id).await?;
    let before = snapshot(&Policy::try_from(current.clone())?)?;
    let now = write.now();
    if approved {
        // The version this one replaces is retired.
        let previous = policy::Entity::find()
            .filter(policy::Column::OrganizationId.eq(organization_id))
            .filter(policy::Column::Family.eq(current.family.as_str()))
            .filter(policy::Column::Status.eq(PolicyStatus::Approved.as_str()))
            .all(txn)
            .await?;
        for old in previous {
            let old_id = old.id;
            let old_before = snapshot(&Policy::try_from(old.clone())?)?;
            let mut active: policy::ActiveModel = old.into();
            active.status = Set(PolicyStatus::Retired.as_str().into());
            active.updated_at = Set(now);
            let retired: Policy = active.update(txn).await?.try_into()?;
            write
                .record(
                    Action::Retire,
                    Entity::Policy,
                    old_id,
                    Some(old_before),
                    Some(snapshot(&retired)?),
                )
                .await?;
        }
    }
    let mut active: policy::ActiveModel = current.into();
    let status = if approved {
        PolicyStatus::Approved
    } else {
        PolicyStatus::Draft
    };
    active.status = Set(status.as_str().into());
    active.approved_at = Set(approved.then_some(now));
    active.updated_at = Set(now);
    let updated: Policy = active.update(txn).await?.try_into()?;
    let action = if approved {
        Action::Approve
    } else {
        Action::ReturnToDraft
    };
    write
        .record(
            action,
            Entity::Policy,
            id,
            Some(before),
            Some(snapshot(&updated)?),
        )
        .await?;
    Ok(())
}

/// Retires an approved policy.
pub async fn retire(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Policy> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    let current = find(&*txn, organization_id, id).await?;
    if PolicyStatus::stored(&current.status)? != PolicyStatus::Approved {
        return Err(AppError::Conflict(format!(
            "only approved policies can be retired; this one is {}",
            current.status
        )));
    }
    let before = snapshot(&Policy::try_from(current.clone())?)?;
    let mut active: policy::ActiveModel = current.into();
    active.status = Set(PolicyStatus::Retired.as_str().into());
    active.updated_at = Set(txn.now());
    let retired: Policy = active.update(&*txn).await?.try_into()?;
    txn.record(
        Action::Retire,
        Entity::Policy,
        id,
        Some(before),
        Some(snapshot(&retired)?),
    )
    .await?;
    txn.commit().await?;
    Ok(retired)
}

/// Policies, filtered; newest versions first within a family.
pub async fn list(
    services: &Services,
    viewer: &Viewer,
    kind: Option<PolicyKind>,
    status: Option<PolicyStatus>,
) -> AppResult<Vec<Policy>> {
    viewer.require(Permission::ReadRecords)?;
    let mut query = policy::Entity::find()
        .filter(policy::Column::OrganizationId.eq(viewer.organization_id()?))
        .order_by_asc(policy::Column::Family)
        .order_by_desc(policy::Column::Version);
    if let Some(kind) = kind {
        query = query.filter(policy::Column::Kind.eq(kind.as_str()));
    }
    if let Some(status) = status {
        query = query.filter(policy::Column::Status.eq(status.as_str()));
    }
    query
        .all(&services.db)
        .await?
        .into_iter()
        .map(Policy::try_from)
        .collect()
}

/// One policy version.
pub async fn get(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Policy> {
    viewer.require(Permission::ReadRecords)?;
    find(&services.db, viewer.organization_id()?, id)
        .await?
        .try_into()
}

/// Approved policies whose review date has passed on `today`.
pub async fn overdue(
    services: &Services,
    viewer: &Viewer,
    today: NaiveDate,
) -> AppResult<Vec<Policy>> {
    Ok(list(services, viewer, None, Some(PolicyStatus::Approved))
        .await?
        .into_iter()
        .filter(|p| {
            NaiveDate::parse_from_str(&p.review_due, "%Y-%m-%d").is_ok_and(|due| due < today)
        })
        .collect())
}
