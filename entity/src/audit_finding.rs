//! A finding of an audit on a requirement or control.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_finding")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub audit_id: i32,
    /// major_nonconformity | minor_nonconformity | observation | opportunity_for_improvement
    pub kind: String,
    pub requirement_id: Option<i32>,
    pub control_id: Option<i32>,
    pub ai_system_id: Option<i32>,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// open | closed
    pub status: String,
    pub raised_by: String,
    pub raised_at: DateTimeUtc,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
