//! An AI system in the organization's inventory, in scope or excluded with a justification.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ai_system")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub purpose: String,
    pub owner: String,
    pub business_unit: String,
    pub lifecycle_stage: String,
    pub risk_tier: String,
    pub in_scope: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub exclusion_justification: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
