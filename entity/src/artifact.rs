//! A versioned documentation artefact (model card, lineage record, validation report...).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "artifact")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub kind: String,
    pub title: String,
    pub version: i32,
    pub ai_system_id: Option<i32>,
    pub model_version_id: Option<i32>,
    pub control_id: Option<i32>,
    pub sha256: String,
    pub size: i64,
    pub media_type: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub uri: Option<String>,
    #[sea_orm(column_type = "Blob", nullable)]
    pub content: Option<Vec<u8>>,
    pub added_by: String,
    pub added_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
