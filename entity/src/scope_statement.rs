//! The organization's AI management system scope statement (one per organization).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scope_statement")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: i32,
    #[sea_orm(column_type = "Text")]
    pub statement: String,
    #[sea_orm(column_type = "Text")]
    pub teams: String,
    #[sea_orm(column_type = "Text")]
    pub processes: String,
    #[sea_orm(column_type = "Text")]
    pub exclusions: String,
    pub updated_by: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
