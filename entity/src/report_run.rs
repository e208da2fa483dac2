//! A stored report run: the occurrence it was built for, its inputs and the checksum of its
//! outputs (kept in `report_output`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_run")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub schedule_id: Option<i32>,
    pub report_kind: String,
    /// RFC 3339 UTC instant of the schedule occurrence (or of the manual request).
    pub occurrence: String,
    /// `scheduled` or `manual`.
    pub trigger: String,
    #[sea_orm(column_type = "Text")]
    pub inputs: String,
    pub checksum: String,
    pub created_at: DateTimeUtc,
    /// The period covered (`2026-Q3`, `2026-07-01..2026-09-30`); none for runs before periods.
    pub period: Option<String>,
    /// JSON of the scope (business unit, AI systems, framework).
    #[sea_orm(column_type = "Text", nullable)]
    pub scope: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
