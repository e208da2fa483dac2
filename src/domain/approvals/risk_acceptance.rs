//! Who decides on accepting a high or critical risk, and using an approval up when the risk is
//! accepted (ISO/IEC 42001 6.1.3).

use entity::{approval_request, escalation_route, risk};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
};

use super::{ApprovalStatus, ApprovalSubject, approvers};
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::kernel::write::{Action, Entity, Write};
use crate::error::{AppError, AppResult};

/// Who decides on accepting a risk is configured by the escalation routes: the governance body
/// of the route for the risk's level (a critical risk goes to the body that handles critical
/// matters), deciding by at least a majority of its approvers.
pub(super) async fn check_request(
    write: &Write<'_>,
    organization_id: i32,
    risk_id: i32,
    body_id: i32,
    quorum: i32,
) -> AppResult<()> {
    let txn: &DatabaseTransaction = write;
    let row = risk::Entity::find_by_id(risk_id)
        .filter(risk::Column::OrganizationId.eq(organization_id))
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("risk {risk_id}")))?;
    let bands = crate::domain::risks::matrix::of(txn, organization_id).await?;
    let level = crate::domain::risks::current_level(&row, bands)?;
    acceptance_rule(txn, organization_id, level.as_str(), body_id, quorum).await
}

/// The body and quorum a decision on accepting a risk of `level` needs.
async fn acceptance_rule<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    level: &str,
    body_id: i32,
    quorum: i32,
) -> AppResult<()> {
    let route = escalation_route::Entity::find()
        .filter(escalation_route::Column::OrganizationId.eq(organization_id))
        .filter(escalation_route::Column::Severity.eq(level))
        // The most senior level of the route decides: the last one an incident reaches.
        .order_by_desc(escalation_route::Column::Level)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::rule(
                "bodyId",
                "no_route_for_level",
                format!("set an escalation route for {level} matters: its body decides on accepting {level} risks"),
            )
        })?;
    if route.body_id != body_id {
        return Err(AppError::rule(
            "bodyId",
            "risk_acceptance_body",
            format!(
                "accepting a {level} risk is decided by the body of the last level of the {level} escalation route (id {})",
                route.body_id
            ),
        ));
    }
    let majority = approvers(db, body_id).await?.len() / 2 + 1;
    if (quorum as usize) < majority {
        return Err(AppError::rule(
            "quorum",
            "quorum_below_majority",
            format!(
                "accepting a {level} risk needs a majority of the body's approvers ({majority})"
            ),
        ));
    }
    Ok(())
}

/// Uses up the latest approved, unused acceptance request of a risk for accepting it at `level`:
/// the request must have been decided by the body and quorum that level needs now (a risk
/// re-rated upwards needs the higher body). False when there is no approved, unused request.
pub async fn consume_risk_acceptance(
    write: &Write<'_>,
    organization_id: i32,
    risk_id: i32,
    level: &str,
) -> AppResult<bool> {
    let txn: &DatabaseTransaction = write;
    let request = approval_request::Entity::find()
        .filter(approval_request::Column::OrganizationId.eq(organization_id))
        .filter(approval_request::Column::SubjectType.eq(ApprovalSubject::RiskAcceptance.as_str()))
        .filter(approval_request::Column::SubjectId.eq(risk_id))
        .filter(approval_request::Column::Status.eq(ApprovalStatus::Approved.as_str()))
        .filter(approval_request::Column::ConsumedAt.is_null())
        .order_by_desc(approval_request::Column::Id)
        .one(txn)
        .await?;
    let Some(request) = request else {
        return Ok(false);
    };
    acceptance_rule(txn, organization_id, level, request.body_id, request.quorum).await?;
    // Conditional, so two acceptances racing for one approval cannot both use it.
    let used = approval_request::Entity::update_many()
        .col_expr(
            approval_request::Column::ConsumedAt,
            sea_orm::sea_query::Expr::value(write.now()),
        )
        .filter(approval_request::Column::Id.eq(request.id))
        .filter(approval_request::Column::ConsumedAt.is_null())
        .exec(txn)
        .await?;
    if used.rows_affected != 1 {
        return Ok(false);
    }
    write
        .record(
            Action::Update,
            Entity::ApprovalRequest,
            request.id,
            Some(serde_json::json!({ "consumed_at": null })),
            Some(serde_json::json!({ "consumed_at": write.now(), "used_for": "risk_acceptance" })),
        )
        .await?;
    Ok(true)
}
