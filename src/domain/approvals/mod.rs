//! The approval workflow shared by policies, model deployments and changes to AI systems in
//! operation: a request names a governance body and a quorum; the body's approvers decide, each
//! once, with a comment; the quorum of approvals approves, any rejection rejects.

mod risk_acceptance;

pub use risk_acceptance::consume_risk_acceptance;

use chrono::{DateTime, Utc};
use entity::{
    ai_system, approval_decision, approval_request, body_member, dataset, model_version, policy,
    risk,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use super::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::error::{AppError, AppResult};

vocabulary! {
    /// What an approval request approves: a policy version, a model version's deployment, a
    /// change to an AI system in operation, or accepting a high or critical risk.
    pub enum ApprovalSubject {
        Policy => "policy",
        Deployment => "deployment",
        SystemChange => "system_change",
        RiskAcceptance => "risk_acceptance",
        /// Using a dataset with a rights problem to train a model that is deployed or about to be.
        DataUseException => "data_use_exception",
    }
}

vocabulary! {
    /// One approver's decision.
    pub enum Verdict {
        Approve => "approve",
        Reject => "reject",
    }
}

vocabulary! {
    /// A request's state: pending until its quorum approves or one approver rejects.
    pub enum ApprovalStatus {
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
    }
}

/// A request with its decisions.
#[derive(Debug, Clone, Serialize)]
pub struct ApprovalRequest {
    pub id: i32,
    pub subject_type: ApprovalSubject,
    pub subject_id: i32,
    pub body_id: i32,
    pub quorum: i32,
    pub status: ApprovalStatus,
    pub summary: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub consumed_at: Option<DateTime<Utc>>,
    pub decisions: Vec<Decision>,
}

/// One approver's decision.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub approver: String,
    pub decision: Verdict,
    pub comment: String,
    pub decided_at: DateTime<Utc>,
}

async fn load<C: ConnectionTrait>(
    db: &C,
    request: approval_request::Model,
) -> AppResult<ApprovalRequest> {
    let decisions = approval_decision::Entity::find()
        .filter(approval_decision::Column::RequestId.eq(request.id))
        .order_by_asc(approval_decision::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|d| {
            Ok(Decision {
                approver: d.approver,
                decision: Verdict::stored(&d.decision)?,
                comment: d.comment,
                decided_at: d.decided_at,
            })
        })
        .collect::<AppResult<_>>()?;
    Ok(ApprovalRequest {
        id: request.id,
        subject_type: ApprovalSubject::stored(&request.subject_type)?,
        subject_id: request.subject_id,
        body_id: request.body_id,
        quorum: request.quorum,
        status: ApprovalStatus::stored(&request.status)?,
        summary: request.summary,
        requested_by: request.requested_by,
        requested_at: request.requested_at,
        decided_at: request.decided_at,
        consumed_at: request.consumed_at,
        decisions,
    })
}

async fn approvers<C: ConnectionTrait>(db: &C, body_id: i32) -> AppResult<Vec<String>> {
    Ok(body_member::Entity::find()
        .filter(body_member::Column::BodyId.eq(body_id))
        .filter(body_member::Column::CanApprove.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.person)
        .collect())
}

/// Checks that the subject exists in the organization.
async fn check_subject<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    subject_type: ApprovalSubject,
    subject_id: i32,
) -> AppResult<()> {
    let found = match subject_type {
        ApprovalSubject::Policy => {
            policy::Entity::find_by_id(subject_id)
                .filter(policy::Column::OrganizationId.eq(organization_id))
                .count(db)
                .await?
        }
        ApprovalSubject::Deployment => {
            model_version::Entity::find_by_id(subject_id)
                .filter(model_version::Column::OrganizationId.eq(organization_id))
                .count(db)
                .await?
        }
        ApprovalSubject::SystemChange => {
            ai_system::Entity::find_by_id(subject_id)
                .filter(ai_system::Column::OrganizationId.eq(organization_id))
                .count(db)
                .await?
        }
        ApprovalSubject::RiskAcceptance => {
            risk::Entity::find_by_id(subject_id)
                .filter(risk::Column::OrganizationId.eq(organization_id))
                .count(db)
                .await?
        }
        ApprovalSubject::DataUseException => {
            dataset::Entity::find_by_id(subject_id)
                .filter(dataset::Column::OrganizationId.eq(organization_id))
                .count(db)
                .await?
        }
    };
    if found == 0 {
        return Err(AppError::not_found(format!(
            "{subject_type} subject {subject_id}"
        )));
    }
    Ok(())
}

/// Opens a request inside the caller's transaction (policies submit through here too).
#[allow(clippy::too_many_arguments)]
pub async fn open(
    write: &Write<'_>,
    organization_id: i32,
    actor: &str,
    subject_type: ApprovalSubject,
    subject_id: i32,
    body_id: i32,
    quorum: i32,
    summary: &str,
) -> AppResult<ApprovalRequest> {
    let txn: &DatabaseTransaction = write;
    check_subject(txn, organization_id, subject_type, subject_id).await?;
    let body = super::governance::find_body(txn, organization_id, body_id).await?;
    let approvers = approvers(txn, body.id).await?;
    if approvers.is_empty() {
        return Err(AppError::rule(
            "bodyId",
            "body_without_approvers",
            format!("governance body '{}' has no approvers", body.name),
        ));
    }
    if quorum < 1 || quorum as usize > approvers.len() {
        return Err(AppError::rule(
            "quorum",
            "quorum_range",
            format!(
                "quorum must be between 1 and the body's {} approvers",
                approvers.len()
            ),
        ));
    }
    let pending = approval_request::Entity::find()
        .filter(approval_request::Column::OrganizationId.eq(organization_id))
        .filter(approval_request::Column::SubjectType.eq(subject_type.as_str()))
        .filter(approval_request::Column::SubjectId.eq(subject_id))
        .filter(approval_request::Column::Status.eq(ApprovalStatus::Pending.as_str()))
        .count(txn)
        .await?;
    if pending > 0 {
        return Err(AppError::Conflict(
            "an approval request for this subject is already pending".into(),
        ));
    }
    let created = approval_request::ActiveModel {
        organization_id: Set(organization_id),
        subject_type: Set(subject_type.as_str().into()),
        subject_id: Set(subject_id),
        body_id: Set(body.id),
        quorum: Set(quorum),
        status: Set(ApprovalStatus::Pending.as_str().into()),
        summary: Set(summary.trim().to_string()),
        requested_by: Set(actor.to_string()),
        requested_at: Set(write.now()),
        decided_at: Set(None),
        consumed_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let request = load(txn, created).await?;
    write
        .created(Entity::ApprovalRequest, request.id, &request)
        .await?;
    Ok(request)
}

/// Requests approval of a deployment (`deployment`, model version id) or of a change to an AI
/// system in operation (`system_change`, AI system id).
pub async fn request(
    services: &Services,
    viewer: &Viewer,
    subject_type: ApprovalSubject,
    subject_id: i32,
    body_id: i32,
    quorum: i32,
    summary: &str,
) -> AppResult<ApprovalRequest> {
    viewer.require(Permission::WriteRecords)?;
    if subject_type == ApprovalSubject::Policy {
        return Err(AppError::rule(
            "subjectType",
            "policy_via_submit",
            "submit policies for review with submitPolicy",
        ));
    }
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    if subject_type == ApprovalSubject::RiskAcceptance {
        risk_acceptance::check_request(&txn, organization_id, subject_id, body_id, quorum).await?;
    }
    let request = open(
        &txn,
        organization_id,
        &viewer.describe(),
        subject_type,
        subject_id,
        body_id,
        quorum,
        summary,
    )
    .await?;
    txn.commit().await?;
    Ok(request)
}

/// Records an approver's decision. Only the body's approvers may decide, each once.
pub async fn decide(
    services: &Services,
    viewer: &Viewer,
    request_id: i32,
    decision: Verdict,
    comment: &str,
) -> AppResult<ApprovalRequest> {
    viewer.require(Permission::DecideApproval)?;
    let approver = viewer.principal()?.subject.clone();
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    let current = approval_request::Entity::find_by_id(request_id)
        .filter(approval_request::Column::OrganizationId.eq(organization_id))
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("approval request {request_id}")))?;
    if ApprovalStatus::stored(&current.status)? != ApprovalStatus::Pending {
        return Err(AppError::Conflict(format!(
            "the request is already {}",
            current.status
        )));
    }
    let approvers = approvers(&*txn, current.body_id).await?;
    if !approvers.contains(&approver) {
        return Err(AppError::Forbidden(format!(
            "{approver} is not an approver of this governance body"
        )));
    }
    let already = approval_decision::Entity::find()
        .filter(approval_decision::Column::RequestId.eq(request_id))
        .filter(approval_decision::Column::Approver.eq(approver.as_str()))
        .count(&*txn)
        .await?;
    if already > 0 {
        return Err(AppError::Conflict(format!(
            "{approver} has already decided"
        )));
    }
    let before = load(&*txn, current.clone()).await?;
    approval_decision::ActiveModel {
        organization_id: Set(organization_id),
        request_id: Set(request_id),
        approver: Set(approver),
        decision: Set(decision.as_str().into()),
        comment: Set(comment.trim().to_string()),
        decided_at: Set(txn.now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let approvals = approval_decision::Entity::find()
        .filter(approval_decision::Column::RequestId.eq(request_id))
        .filter(approval_decision::Column::Decision.eq(Verdict::Approve.as_str()))
        .count(&*txn)
        .await?;
    let outcome = if decision == Verdict::Reject {
        Some(ApprovalStatus::Rejected)
    } else if approvals >= current.quorum as u64 {
        Some(ApprovalStatus::Approved)
    } else {
        None
    };
    let subject = (
        ApprovalSubject::stored(&current.subject_type)?,
        current.subject_id,
    );
    if let Some(status) = outcome {
        let mut active: approval_request::ActiveModel = current.into();
        active.status = Set(status.as_str().into());
        active.decided_at = Set(Some(txn.now()));
        active.update(&*txn).await?;
        if subject.0 == ApprovalSubject::Policy {
            let approved = status == ApprovalStatus::Approved;
            super::policies::on_decided(&txn, organization_id, subject.1, approved).await?;
        }
    }
    let reloaded = approval_request::Entity::find_by_id(request_id)
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::not_found("approval request"))?;
    let after = load(&*txn, reloaded).await?;
    txn.record(
        Action::Decide,
        Entity::ApprovalRequest,
        request_id,
        Some(snapshot(&before)?),
        Some(snapshot(&after)?),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// True when an approved request exists for the subject.
pub async fn is_approved<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    subject_type: ApprovalSubject,
    subject_id: i32,
) -> AppResult<bool> {
    Ok(approval_request::Entity::find()
        .filter(approval_request::Column::OrganizationId.eq(organization_id))
        .filter(approval_request::Column::SubjectType.eq(subject_type.as_str()))
        .filter(approval_request::Column::SubjectId.eq(subject_id))
        .filter(approval_request::Column::Status.eq(ApprovalStatus::Approved.as_str()))
        .count(db)
        .await?
        > 0)
}

/// Uses up an approved, unused request for exactly this subject (one approval, one change).
pub async fn consume<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    request_id: i32,
    subject_type: ApprovalSubject,
    subject_id: i32,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let request = approval_request::Entity::find_by_id(request_id)
        .filter(approval_request::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("approval request {request_id}")))?;
    if request.subject_type != subject_type.as_str() || request.subject_id != subject_id {
        return Err(AppError::rule(
            "approvalRequestId",
            "other_subject",
            "the approval request is for another subject",
        ));
    }
    if ApprovalStatus::stored(&request.status)? != ApprovalStatus::Approved {
        return Err(AppError::Conflict(format!(
            "the approval request is {}, not approved",
            request.status
        )));
    }
    if request.consumed_at.is_some() {
        return Err(AppError::Conflict(
            "the approval request was already used for a change".into(),
        ));
    }
    let mut active: approval_request::ActiveModel = request.into();
    active.consumed_at = Set(Some(now));
    active.update(db).await?;
    Ok(())
}

/// Requests of the organization, optionally for one subject, newest first.
pub async fn list(
    services: &Services,
    viewer: &Viewer,
    subject: Option<(ApprovalSubject, i32)>,
    status: Option<ApprovalStatus>,
) -> AppResult<Vec<ApprovalRequest>> {
    viewer.require(Permission::ReadRecords)?;
    let mut query = approval_request::Entity::find()
        .filter(approval_request::Column::OrganizationId.eq(viewer.organization_id()?))
        .order_by_desc(approval_request::Column::Id);
    if let Some((subject_type, subject_id)) = subject {
        query = query
            .filter(approval_request::Column::SubjectType.eq(subject_type.as_str()))
            .filter(approval_request::Column::SubjectId.eq(subject_id));
    }
    if let Some(status) = status {
        query = query.filter(approval_request::Column::Status.eq(status.as_str()));
    }
    let requests = query.all(&services.db).await?;
    // One query for every listed request's decisions, not one per request.
    let ids: Vec<i32> = requests.iter().map(|r| r.id).collect();
    let mut decisions: std::collections::HashMap<i32, Vec<Decision>> =
        std::collections::HashMap::new();
    for d in approval_decision::Entity::find()
        .filter(approval_decision::Column::RequestId.is_in(ids))
        .order_by_asc(approval_decision::Column::Id)
        .all(&services.db)
        .await?
    {
        decisions.entry(d.request_id).or_default().push(Decision {
            approver: d.approver,
            decision: Verdict::stored(&d.decision)?,
            comment: d.comment,
            decided_at: d.decided_at,
        });
    }
    requests
        .into_iter()
        .map(|r| {
            Ok(ApprovalRequest {
                decisions: decisions.remove(&r.id).unwrap_or_default(),
                id: r.id,
                subject_type: ApprovalSubject::stored(&r.subject_type)?,
                subject_id: r.subject_id,
                body_id: r.body_id,
                quorum: r.quorum,
                status: ApprovalStatus::stored(&r.status)?,
                summary: r.summary,
                requested_by: r.requested_by,
                requested_at: r.requested_at,
                decided_at: r.decided_at,
                consumed_at: r.consumed_at,
            })
        })
        .collect()
}
