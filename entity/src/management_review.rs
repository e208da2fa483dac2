//! A management review (ISO/IEC 42001 9.3): its inputs, decisions and actions.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "management_review")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub title: String,
    pub held_on: String,
    pub period_start: String,
    pub period_end: String,
    pub chair: String,
    /// JSON array.
    #[sea_orm(column_type = "Text")]
    pub attendees: String,
    /// Changes in external and internal issues relevant to the AI management system (9.3.2 b).
    #[sea_orm(column_type = "Text")]
    pub context_changes: String,
    #[sea_orm(column_type = "Text")]
    pub stakeholder_feedback: String,
    /// JSON of the inputs, frozen when the review concludes.
    #[sea_orm(column_type = "Text", nullable)]
    pub inputs: Option<String>,
    /// JSON array of decisions.
    #[sea_orm(column_type = "Text")]
    pub decisions: String,
    /// draft | concluded
    pub status: String,
    pub artifact_id: Option<i32>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub concluded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
