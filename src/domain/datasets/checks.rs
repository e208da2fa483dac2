//! Quality and privacy checks of a dataset (corrupt or low-quality records, duplicates and
//! fabricated records, representativeness against the intended population, class and group
//! balance, privacy): date, method and result. A failed check can open a linked risk in the same
//! step.

use chrono::{DateTime, NaiveDate, Utc};
use entity::dataset_check;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use super::register::find_row;
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::domain::risks::{self, Category, RiskInput, RiskStatus, Treatment};
use crate::error::{AppError, AppResult};

vocabulary! {
    /// What a check looked at.
    pub enum CheckKind {
        CorruptRecords => "corrupt_records",
        Duplicates => "duplicates",
        FabricatedRecords => "fabricated_records",
        Representativeness => "representativeness",
        Balance => "balance",
        Privacy => "privacy",
        Other => "other",
    }
}

vocabulary! {
    /// What a check concluded.
    pub enum CheckOutcome {
        Passed => "passed",
        Warning => "warning",
        Failed => "failed",
    }
}

/// A check of a dataset.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub id: i32,
    pub dataset_id: i32,
    pub kind: CheckKind,
    pub method: String,
    pub result: CheckOutcome,
    pub details: String,
    pub checked_on: NaiveDate,
    pub checked_by: String,
    /// The risk the failed check opened, if asked to.
    pub risk_id: Option<i32>,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<dataset_check::Model> for Check {
    type Error = AppError;
    fn try_from(m: dataset_check::Model) -> AppResult<Self> {
        Ok(Check {
            id: m.id,
            dataset_id: m.dataset_id,
            kind: CheckKind::stored(&m.kind)?,
            method: m.method,
            result: CheckOutcome::stored(&m.result)?,
            details: m.details,
            checked_on: NaiveDate::parse_from_str(&m.checked_on, "%Y-%m-%d")
                .map_err(AppError::internal)?,
            checked_by: m.checked_by,
            risk_id: m.risk_id,
            created_at: m.created_at,
        })
    }
}

/// A check as recorded.
#[derive(Debug, Clone)]
pub struct NewCheck {
    pub dataset_id: i32,
    pub kind: CheckKind,
    pub method: String,
    pub result: CheckOutcome,
    pub details: String,
    pub checked_on: String,
    /// Open a linked risk when the check failed.
    pub open_risk: bool,
}

/// Records a check; a failed one with `open_risk` opens a risk owned by the dataset's owner.
pub async fn record(services: &Services, viewer: &Viewer, input: NewCheck) -> AppResult<Check> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let method = validate::line("method", &input.method, 500)?;
    let details = validate::optional_text("details", &input.details, 20_000)?;
    let checked_on = validate::date("checkedOn", &input.checked_on)?;
    if input.open_risk && input.result != CheckOutcome::Failed {
        return Err(AppError::rule(
            "openRisk",
            "risk_needs_failed_check",
            "only a failed check opens a risk",
        ));
    }
    let write = Write::begin(services, viewer).await?;
    if checked_on > write.now().date_naive() {
        return Err(AppError::rule(
            "checkedOn",
            "not_in_future",
            "checkedOn cannot be in the future",
        ));
    }
    let dataset = find_row(&*write, organization_id, input.dataset_id).await?;
    let risk_id = if input.open_risk {
        let risk = RiskInput {
            ai_system_id: None,
            // Within the register's limits, however long the dataset's name or the details.
            title: format!(
                "{} check failed on {} {}",
                input.kind.as_str().replace('_', " "),
                dataset.name,
                dataset.version
            )
            .chars()
            .take(200)
            .collect(),
            description: format!("{method}: {details}").chars().take(4_000).collect(),
            threat: None,
            category: Some(if input.kind == CheckKind::Privacy {
                Category::Privacy
            } else {
                Category::Reliability
            }),
            inherent_likelihood: 3,
            inherent_impact: 3,
            residual_likelihood: None,
            residual_impact: None,
            treatment: Treatment::Mitigate,
            owner: dataset.owner.clone(),
            status: RiskStatus::Identified,
            decision: None,
            review_due: None,
        };
        let id = risks::create_in(&write, organization_id, risk, Some(Vec::new()), false).await?;
        let created = risks::find(&*write, organization_id, id).await?;
        write
            .record(
                Action::Create,
                Entity::Risk,
                id,
                None,
                Some(snapshot(&created)?),
            )
            .await?;
        Some(id)
    } else {
        None
    };
    let created: Check = dataset_check::ActiveModel {
        organization_id: Set(organization_id),
        dataset_id: Set(dataset.id),
        kind: Set(input.kind.as_str().into()),
        method: Set(method),
        result: Set(input.result.as_str().into()),
        details: Set(details),
        checked_on: Set(checked_on.to_string()),
        checked_by: Set(write.actor().to_string()),
        risk_id: Set(risk_id),
        created_at: Set(write.now()),
        ..Default::default()
    }
    .insert(&*write)
    .await?
    .try_into()?;
    write
        .created(Entity::DatasetCheck, created.id, &created)
        .await?;
    write.commit().await?;
    Ok(created)
}

/// A dataset's checks, newest first.
pub async fn of(services: &Services, viewer: &Viewer, dataset_id: i32) -> AppResult<Vec<Check>> {
    viewer.require(Permission::ReadRecords)?;
    let organization_id = viewer.organization_id()?;
    find_row(&services.db, organization_id, dataset_id).await?;
    dataset_check::Entity::find()
        .filter(dataset_check::Column::OrganizationId.eq(organization_id))
        .filter(dataset_check::Column::DatasetId.eq(dataset_id))
        .order_by_desc(dataset_check::Column::CheckedOn)
        .order_by_desc(dataset_check::Column::Id)
        .all(&services.db)
        .await?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}
