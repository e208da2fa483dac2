//! The organization's 5x5 risk matrix: which likelihood x impact scores (1-25) are low, medium,
//! high and critical. The defaults are 1-4 low, 5-9 medium, 10-15 high, 16-25 critical; an
//! organization may move the boundaries to match its risk appetite. Every level shown, filtered
//! on or acted on (acceptance approvals, critical AI systems, reports) uses these bands. A risk
//! accepted at a lower level that the new bands put at high or critical is no longer accepted:
//! it goes back to assessed until its level's body approves again.

use chrono::{DateTime, Utc};
use entity::{risk, risk_matrix};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::{Level, RiskStatus};
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::error::{AppError, AppResult};

/// Every score a likelihood x impact rating on 1-5 scales can have.
const REACHABLE: [u8; 14] = [1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25];

/// The highest score of each of the three lower bands; critical is everything above `high_max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bands {
    pub low_max: u8,
    pub medium_max: u8,
    pub high_max: u8,
}

impl Default for Bands {
    fn default() -> Self {
        Bands {
            low_max: 4,
            medium_max: 9,
            high_max: 15,
        }
    }
}

impl Bands {
    /// Checks `1 <= low_max < medium_max < high_max < 25` and that every band holds at least one
    /// score a 5x5 rating can reach.
    pub fn new(low_max: i32, medium_max: i32, high_max: i32) -> AppResult<Bands> {
        let in_range = |field: &str, v: i32| {
            u8::try_from(v)
                .ok()
                .filter(|v| (1..=24).contains(v))
                .ok_or_else(|| {
                    AppError::rule(field, "score_1_to_24", format!("{field} must be 1-24"))
                })
        };
        let bands = Bands {
            low_max: in_range("lowMax", low_max)?,
            medium_max: in_range("mediumMax", medium_max)?,
            high_max: in_range("highMax", high_max)?,
        };
        if bands.low_max >= bands.medium_max {
            return Err(AppError::rule(
                "mediumMax",
                "band_order",
                "mediumMax must be above lowMax",
            ));
        }
        if bands.medium_max >= bands.high_max {
            return Err(AppError::rule(
                "highMax",
                "band_order",
                "highMax must be above mediumMax",
            ));
        }
        for (field, from, to) in [
            ("lowMax", 1, bands.low_max),
            ("mediumMax", bands.low_max + 1, bands.medium_max),
            ("highMax", bands.medium_max + 1, bands.high_max),
            ("highMax", bands.high_max + 1, 25),
        ] {
            if !REACHABLE.iter().any(|score| (from..=to).contains(score)) {
                return Err(AppError::rule(
                    field,
                    "empty_band",
                    format!("no likelihood x impact score falls in {from}-{to}"),
                ));
            }
        }
        Ok(bands)
    }

    /// The level of a 1-25 score.
    pub fn level(self, score: u8) -> Level {
        if score <= self.low_max {
            Level::Low
        } else if score <= self.medium_max {
            Level::Medium
        } else if score <= self.high_max {
            Level::High
        } else {
            Level::Critical
        }
    }
}

/// The organization's bands, with when they were last set (none when the defaults apply).
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub bands: Bands,
    pub customized: bool,
    pub updated_at: Option<DateTime<Utc>>,
    /// Accepted risks the change put at high or critical, moved back to assessed.
    pub reopened_risks: Vec<i32>,
}

async fn row<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
) -> AppResult<Option<risk_matrix::Model>> {
    Ok(risk_matrix::Entity::find()
        .filter(risk_matrix::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?)
}

fn bands_of(row: &risk_matrix::Model) -> AppResult<Bands> {
    Bands::new(row.low_max, row.medium_max, row.high_max).map_err(AppError::internal_from)
}

/// The bands an organization rates by.
pub async fn of<C: ConnectionTrait>(db: &C, organization_id: i32) -> AppResult<Bands> {
    match row(db, organization_id).await? {
        Some(row) => bands_of(&row),
        None => Ok(Bands::default()),
    }
}

/// The viewer's organization's matrix.
pub async fn get(services: &Services, viewer: &Viewer) -> AppResult<Matrix> {
    viewer.require(Permission::ReadRecords)?;
    Ok(match row(&services.db, viewer.organization_id()?).await? {
        Some(row) => Matrix {
            bands: bands_of(&row)?,
            customized: true,
            updated_at: Some(row.updated_at),
            reopened_risks: Vec::new(),
        },
        None => Matrix {
            bands: Bands::default(),
            customized: false,
            updated_at: None,
            reopened_risks: Vec::new(),
        },
    })
}

/// Sets the organization's bands.
pub async fn set(services: &Services, viewer: &Viewer, bands: Bands) -> AppResult<Matrix> {
    viewer.require(Permission::ManageGovernance)?;
    let organization_id = viewer.organization_id()?;
    let write = Write::begin(services, viewer).await?;
    let before = of(&*write, organization_id).await?;
    let existed = row(&*write, organization_id).await?.is_some();
    // Inserted if missing, without failing when another instance inserts it first.
    risk_matrix::Entity::insert(risk_matrix::ActiveModel {
        organization_id: Set(organization_id),
        low_max: Set(i32::from(bands.low_max)),
        medium_max: Set(i32::from(bands.medium_max)),
        high_max: Set(i32::from(bands.high_max)),
        updated_at: Set(write.now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(risk_matrix::Column::OrganizationId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&*write)
    .await?;
    risk_matrix::Entity::update_many()
        .col_expr(
            risk_matrix::Column::LowMax,
            Expr::value(i32::from(bands.low_max)),
        )
        .col_expr(
            risk_matrix::Column::MediumMax,
            Expr::value(i32::from(bands.medium_max)),
        )
        .col_expr(
            risk_matrix::Column::HighMax,
            Expr::value(i32::from(bands.high_max)),
        )
        .col_expr(risk_matrix::Column::UpdatedAt, Expr::value(write.now()))
        .filter(risk_matrix::Column::OrganizationId.eq(organization_id))
        .exec(&*write)
        .await?;
    let reopened = reopen_raised(&write, organization_id, before, bands).await?;
    let matrix = Matrix {
        bands,
        customized: true,
        updated_at: Some(write.now()),
        reopened_risks: reopened,
    };
    write
        .record(
            Action::Set,
            Entity::RiskMatrix,
            "bands",
            existed.then(|| snapshot(&before)).transpose()?,
            Some(snapshot(&matrix)?),
        )
        .await?;
    write.commit().await?;
    Ok(matrix)
}

/// Accepted risks whose level the new bands raise to high or critical lose their acceptance:
/// accepting at that level needs the body's approval (ISO/IEC 42001 6.1.3), which a risk accepted
/// as medium never had.
async fn reopen_raised(
    write: &Write<'_>,
    organization_id: i32,
    before: Bands,
    after: Bands,
) -> AppResult<Vec<i32>> {
    let mut reopened = Vec::new();
    for row in risk::Entity::find()
        .filter(risk::Column::OrganizationId.eq(organization_id))
        .filter(risk::Column::Status.eq(RiskStatus::Accepted.as_str()))
        .all(&**write)
        .await?
    {
        let was = super::current_level(&row, before)?;
        let now = super::current_level(&row, after)?;
        if now > was && now >= Level::High {
            reopened.push(row.id);
        }
    }
    if !reopened.is_empty() {
        risk::Entity::update_many()
            .col_expr(
                risk::Column::Status,
                Expr::value(RiskStatus::Assessed.as_str()),
            )
            .col_expr(risk::Column::UpdatedAt, Expr::value(write.now()))
            .filter(risk::Column::Id.is_in(reopened.iter().copied()))
            .exec(&**write)
            .await?;
    }
    Ok(reopened)
}
