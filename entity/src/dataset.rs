//! A dataset of the register: origin, rights, purposes, personal data, synthetic data, storage.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dataset")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub version: String,
    pub source: String,
    pub supplier: String,
    pub collection_method: String,
    /// `YYYY-MM-DD`.
    pub collection_start: Option<String>,
    pub collection_end: Option<String>,
    pub licence: Option<String>,
    pub licence_expires: Option<String>,
    pub legal_basis: String,
    /// owned | licensed | public_domain | unknown
    pub copyright_status: String,
    pub authorization_ref: Option<String>,
    pub authorization_expires: Option<String>,
    /// JSON array.
    #[sea_orm(column_type = "Text")]
    pub allowed_purposes: String,
    /// JSON array.
    #[sea_orm(column_type = "Text")]
    pub personal_data_categories: String,
    /// JSON array.
    #[sea_orm(column_type = "Text")]
    pub special_categories: String,
    /// none | anonymized | pseudonymized | raw
    pub personal_data_handling: String,
    /// not_applicable | obtained | partial | missing
    pub consent_status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub consent_evidence: Option<String>,
    pub retention: String,
    pub synthetic: bool,
    pub synthetic_generator: Option<String>,
    /// JSON of the synthetic data's validation.
    #[sea_orm(column_type = "Text", nullable)]
    pub synthetic_validation: Option<String>,
    /// JSON array.
    #[sea_orm(column_type = "Text")]
    pub storage_locations: String,
    pub owner: String,
    pub compromised_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub compromise_note: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
