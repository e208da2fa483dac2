//! One line of an audit's checklist, generated from its scope when it opens.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_checklist_item")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub audit_id: i32,
    pub position: i32,
    pub requirement_id: Option<i32>,
    pub control_id: Option<i32>,
    pub ai_system_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub label: String,
    /// JSON snapshot of the control's evidence when the audit opened.
    #[sea_orm(column_type = "Text")]
    pub evidence: String,
    /// not_checked | conforming | nonconforming | not_applicable
    pub result: String,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub checked_by: Option<String>,
    pub checked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
