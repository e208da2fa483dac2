//! A quality or privacy check of a dataset.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dataset_check")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub dataset_id: i32,
    pub kind: String,
    pub method: String,
    /// passed | failed | warning
    pub result: String,
    #[sea_orm(column_type = "Text")]
    pub details: String,
    pub checked_on: String,
    pub checked_by: String,
    pub risk_id: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
