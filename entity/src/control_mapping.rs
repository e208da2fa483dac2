//! "control <relationship> requirement" (NIST IR 8477 set-theory relationship with rationale).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "control_mapping")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub control_id: i32,
    pub requirement_id: i32,
    pub relationship: String,
    pub rationale: String,
    pub strength: Option<i32>,
    pub confidence: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub justification: String,
    pub provenance: String,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
