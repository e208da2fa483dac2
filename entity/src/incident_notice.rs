//! One level of an incident's escalation: the route it followed, who was emailed and when, by
//! when someone must acknowledge, and who did.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "incident_notice")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub incident_id: i32,
    pub level: i32,
    /// The severity whose route was followed.
    pub severity: String,
    /// The level of that severity's route.
    pub route_level: i32,
    pub body_id: Option<i32>,
    /// JSON array of the addresses emailed.
    #[sea_orm(column_type = "Text")]
    pub recipients: String,
    pub notified_at: DateTimeUtc,
    pub acknowledge_by: DateTimeUtc,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub acknowledged_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
