//! A corrective action on a finding (ISO/IEC 42001 10.2), verified by someone other than its owner.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "corrective_action")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub finding_id: i32,
    /// Token subject of the owner.
    pub owner: String,
    /// `YYYY-MM-DD`.
    pub due_on: String,
    #[sea_orm(column_type = "Text")]
    pub root_cause: String,
    #[sea_orm(column_type = "Text")]
    pub action: String,
    /// open | in_progress | completed | verified
    pub status: String,
    /// Who marked it completed (the verifier must be someone else).
    pub completed_by: Option<String>,
    pub completed_at: Option<DateTimeUtc>,
    pub verified_by: Option<String>,
    pub verified_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub verification_note: Option<String>,
    pub effective: Option<bool>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
