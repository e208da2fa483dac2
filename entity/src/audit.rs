//! An internal (or certification) audit: scope, criteria, period, lead auditor and team.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub programme_id: Option<i32>,
    pub title: String,
    /// internal | certification
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    pub criteria: String,
    pub period_start: String,
    pub period_end: String,
    /// Token subject of the lead auditor.
    pub lead_auditor: String,
    /// JSON array of token subjects.
    #[sea_orm(column_type = "Text")]
    pub team: String,
    /// JSON: frameworks, requirements, controls, AI systems.
    #[sea_orm(column_type = "Text")]
    pub scope: String,
    /// planned | in_progress | reported | closed
    pub status: String,
    pub opened_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
