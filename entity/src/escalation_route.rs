//! Where incidents of a severity are escalated: a body and recipients.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "escalation_route")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub severity: String,
    /// 1 is notified first; each unacknowledged level escalates to the next.
    pub level: i32,
    pub body_id: i32,
    #[sea_orm(column_type = "Text")]
    pub recipients: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
