//! A breach episode: consecutive breaching windows of one series, from the window that opened it
//! to the healthy window that closed it, with the incident it opened.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "metric_episode")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub series_id: i32,
    pub status: String,
    pub opened_at: DateTimeUtc,
    pub last_breach_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    pub breaching_windows: i32,
    pub peak: f64,
    pub incident_id: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
