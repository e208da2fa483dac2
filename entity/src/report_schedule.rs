//! A report schedule: which report, in which formats, when (cron in an IANA time zone), to whom
//! (JSON recipients), with the next occurrence due.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_schedule")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub name: String,
    pub report_kind: String,
    #[sea_orm(column_type = "Text")]
    pub formats: String,
    pub cron: String,
    pub time_zone: String,
    #[sea_orm(column_type = "Text")]
    pub recipients: String,
    pub subject_template: String,
    pub enabled: bool,
    pub next_run_at: Option<DateTimeUtc>,
    pub last_run_at: Option<DateTimeUtc>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
