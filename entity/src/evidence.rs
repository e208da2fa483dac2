//! Evidence that a control operates: counts toward coverage while current.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evidence")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub control_id: i32,
    pub title: String,
    pub kind: String,
    pub collected_at: DateTimeUtc,
    pub valid_until: Option<DateTimeUtc>,
    pub sha256: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub uri: Option<String>,
    pub collector: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
