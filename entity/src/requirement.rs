//! One catalog row: a function, category, subcategory, clause or control of a framework version.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "requirement")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub framework_id: i32,
    /// The framework's own identifier, e.g. `GV.OC-01`, `GOVERN 1.1`, `A.6.2.3`.
    pub ref_id: String,
    /// Stable identifier across deployments, e.g. `urn:accord:nist-csf:2.0:GV.OC-01`.
    #[sea_orm(unique)]
    pub urn: String,
    pub kind: String,
    pub parent_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    /// JSON array of implementation examples (CSF 2.0 ships them).
    #[sea_orm(column_type = "Text")]
    pub examples: String,
    /// Position in document order within the framework.
    pub ord: i32,
    /// 0 for top-level rows (functions, clauses).
    pub depth: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::framework::Entity",
        from = "Column::FrameworkId",
        to = "super::framework::Column::Id"
    )]
    Framework,
}

impl Related<super::framework::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Framework.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
