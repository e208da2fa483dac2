//! A framework catalog at one version (global, read-only for organizations).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "framework")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub short_name: String,
    pub version: String,
    pub publisher: String,
    pub published: String,
    pub licence: String,
    pub source: String,
    /// sha256 of the catalog file that was loaded: a changed file at the same version is re-applied.
    pub checksum: String,
    pub loaded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::requirement::Entity")]
    Requirement,
}

impl Related<super::requirement::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Requirement.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
