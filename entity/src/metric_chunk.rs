//! A compressed columnar block of one series' points within one calendar month. Ingest appends
//! blocks; compaction merges a month's blocks into one, resolving repeated times.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "metric_chunk")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub series_id: i32,
    pub period_start: DateTimeUtc,
    pub first_at: DateTimeUtc,
    pub last_at: DateTimeUtc,
    pub points: i32,
    pub compacted: bool,
    #[sea_orm(column_type = "Blob")]
    pub data: Vec<u8>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
