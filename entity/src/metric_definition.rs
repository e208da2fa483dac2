//! A monitored metric of the organization's AI systems: what it measures, how windows are
//! summarized, and the warning and breach thresholds its series are held to.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "metric_definition")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub key: String,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub kind: String,
    pub unit: String,
    pub direction: String,
    pub window: String,
    pub statistic: String,
    pub warning_threshold: Option<f64>,
    pub breach_threshold: Option<f64>,
    pub open_after: i32,
    pub close_after: i32,
    pub stale_after_hours: i32,
    pub incident_severity: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
