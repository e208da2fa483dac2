//! One version of a policy (draft -> in_review -> approved -> retired).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "policy")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub family: String,
    pub kind: String,
    pub title: String,
    pub version: i32,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    pub status: String,
    pub body_id: Option<i32>,
    pub quorum: i32,
    pub review_due: String,
    pub approved_at: Option<DateTimeUtc>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
