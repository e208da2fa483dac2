//! One time series: a metric of one AI system (optionally one model version and one segment
//! label), with its extent and the state its threshold evaluation has reached.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "metric_series")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub definition_id: i32,
    pub ai_system_id: i32,
    pub model_version_id: Option<i32>,
    /// Empty when the series is not segmented.
    pub segment: String,
    /// `definition/system/version/segment`, unique per organization.
    pub series_key: String,
    pub first_at: Option<DateTimeUtc>,
    pub last_at: Option<DateTimeUtc>,
    /// Points stored, duplicates resolved as of the last compaction.
    pub points: i64,
    /// Windows before this instant have been evaluated.
    pub evaluated_until: Option<DateTimeUtc>,
    pub level: String,
    pub breach_streak: i32,
    /// The first window of the current breaching streak.
    pub breach_started_at: Option<DateTimeUtc>,
    pub healthy_streak: i32,
    pub last_value: Option<f64>,
    pub open_episode_id: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
