//! A person of the organization's directory: the token subject they sign in with, the name and
//! address reports are sent to, their roles and teams (JSON arrays).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub subject: String,
    pub display_name: String,
    pub email: String,
    #[sea_orm(column_type = "Text")]
    pub roles: String,
    #[sea_orm(column_type = "Text")]
    pub teams: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
