//! A risk of the register: inherent and residual likelihood x impact (1-5 each), treatment,
//! owner, status and the decision record.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risk")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub ai_system_id: Option<i32>,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub threat: Option<String>,
    pub category: String,
    pub inherent_likelihood: i16,
    pub inherent_impact: i16,
    pub residual_likelihood: Option<i16>,
    pub residual_impact: Option<i16>,
    pub treatment: String,
    pub owner: String,
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub decision: Option<String>,
    /// `YYYY-MM-DD`.
    pub review_due: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
