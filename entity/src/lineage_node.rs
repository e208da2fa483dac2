//! A node of the lineage graph: a dataset, processing step, storage location or model version.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lineage_node")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    /// dataset | processing_step | storage | model_version
    pub kind: String,
    pub dataset_id: Option<i32>,
    pub model_version_id: Option<i32>,
    pub label: String,
    /// JSON: transformation, tool version, parameters, URI.
    #[sea_orm(column_type = "Text")]
    pub details: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
