//! A common control of an organization (seeded from the shipped library, then the organization's own).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "control")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub code: String,
    pub domain: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub owner: Option<String>,
    /// planned | in_progress | implemented | not_applicable
    pub status: String,
    /// not_assessed | effective | partially_effective | ineffective
    pub effectiveness: String,
    pub review_frequency_days: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub not_applicable_reason: Option<String>,
    /// The library control this one was seeded from, if any.
    pub library_code: Option<String>,
    pub retired_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
