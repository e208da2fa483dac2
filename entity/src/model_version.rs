//! A model version of an AI system, with its model-card fields.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "model_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub ai_system_id: i32,
    pub version: String,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub intended_use: String,
    #[sea_orm(column_type = "Text")]
    pub limitations: String,
    #[sea_orm(column_type = "Text")]
    pub training_data: String,
    #[sea_orm(column_type = "Text")]
    pub evaluation_results: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
