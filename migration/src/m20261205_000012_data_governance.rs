//! Data governance: the dataset register (origin, rights, purposes, personal data, synthetic
//! data, storage, owner), quality and privacy checks, which datasets each model version was
//! trained, validated and tested on, and the lineage graph (datasets, processing steps, storage
//! locations and model versions as nodes; edges with transformation, actor and time), with the
//! record of what marking a dataset compromised opened on each affected AI system.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, org_fk, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Dataset {
    Table,
    Id,
    OrganizationId,
    Name,
    Description,
    Version,
    Source,
    Supplier,
    CollectionMethod,
    CollectionStart,
    CollectionEnd,
    Licence,
    LicenceExpires,
    LegalBasis,
    CopyrightStatus,
    AuthorizationRef,
    AuthorizationExpires,
    AllowedPurposes,
    PersonalDataCategories,
    SpecialCategories,
    PersonalDataHandling,
    ConsentStatus,
    ConsentEvidence,
    Retention,
    Synthetic,
    SyntheticGenerator,
    SyntheticValidation,
    StorageLocations,
    Owner,
    CompromisedAt,
    CompromiseNote,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DatasetCheck {
    Table,
    Id,
    OrganizationId,
    DatasetId,
    Kind,
    Method,
    Result,
    Details,
    CheckedOn,
    CheckedBy,
    RiskId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ModelVersion {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ModelDataset {
    Table,
    Id,
    OrganizationId,
    ModelVersionId,
    DatasetId,
    Role,
    Purpose,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LineageNode {
    Table,
    Id,
    OrganizationId,
    Kind,
    DatasetId,
    ModelVersionId,
    Label,
    Details,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LineageEdge {
    Table,
    Id,
    OrganizationId,
    FromNode,
    ToNode,
    Transformation,
    Actor,
    At,
}

#[derive(DeriveIden)]
enum CompromiseItem {
    Table,
    Id,
    OrganizationId,
    DatasetId,
    AiSystemId,
    IncidentId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        datasets(manager).await?;
        model_datasets(manager).await?;
        lineage(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CompromiseItem::Table.into_iden(),
            LineageEdge::Table.into_iden(),
            LineageNode::Table.into_iden(),
            ModelDataset::Table.into_iden(),
            DatasetCheck::Table.into_iden(),
            Dataset::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn datasets(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Dataset::Table)
                .if_not_exists()
                .col(pk_auto(Dataset::Id))
                .col(integer(Dataset::OrganizationId))
                .col(string(Dataset::Name))
                .col(text(Dataset::Description))
                .col(string(Dataset::Version))
                .col(string(Dataset::Source))
                .col(string(Dataset::Supplier))
                .col(string(Dataset::CollectionMethod))
                .col(string_null(Dataset::CollectionStart))
                .col(string_null(Dataset::CollectionEnd))
                .col(string_null(Dataset::Licence))
                .col(string_null(Dataset::LicenceExpires))
                .col(string(Dataset::LegalBasis))
                .col(string(Dataset::CopyrightStatus))
                .col(string_null(Dataset::AuthorizationRef))
                .col(string_null(Dataset::AuthorizationExpires))
                .col(text(Dataset::AllowedPurposes))
                .col(text(Dataset::PersonalDataCategories))
                .col(text(Dataset::SpecialCategories))
                .col(string(Dataset::PersonalDataHandling))
                .col(string(Dataset::ConsentStatus))
                .col(text_null(Dataset::ConsentEvidence))
                .col(string(Dataset::Retention))
                .col(boolean(Dataset::Synthetic))
                .col(string_null(Dataset::SyntheticGenerator))
                .col(text_null(Dataset::SyntheticValidation))
                .col(text(Dataset::StorageLocations))
                .col(string(Dataset::Owner))
                .col(timestamp_with_time_zone_null(Dataset::CompromisedAt))
                .col(text_null(Dataset::CompromiseNote))
                .col(timestamp_with_time_zone(Dataset::CreatedAt))
                .col(timestamp_with_time_zone(Dataset::UpdatedAt))
                .foreign_key(&mut org_fk(
                    "fk_dataset_org",
                    Dataset::Table,
                    Dataset::OrganizationId,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(unique(
            "ux_dataset_name_version",
            Dataset::Table,
            vec![
                Dataset::OrganizationId.into_iden(),
                Dataset::Name.into_iden(),
                Dataset::Version.into_iden(),
            ],
        ))
        .await?;
    manager
        .create_table(
            Table::create()
                .table(DatasetCheck::Table)
                .if_not_exists()
                .col(pk_auto(DatasetCheck::Id))
                .col(integer(DatasetCheck::OrganizationId))
                .col(integer(DatasetCheck::DatasetId))
                .col(string(DatasetCheck::Kind))
                .col(string(DatasetCheck::Method))
                .col(string(DatasetCheck::Result))
                .col(text(DatasetCheck::Details))
                .col(string(DatasetCheck::CheckedOn))
                .col(string(DatasetCheck::CheckedBy))
                .col(integer_null(DatasetCheck::RiskId))
                .col(timestamp_with_time_zone(DatasetCheck::CreatedAt))
                .foreign_key(&mut org_fk(
                    "fk_dataset_check_org",
                    DatasetCheck::Table,
                    DatasetCheck::OrganizationId,
                ))
                .foreign_key(&mut fk(
                    "fk_dataset_check_dataset",
                    (DatasetCheck::Table, DatasetCheck::DatasetId),
                    (Dataset::Table, Dataset::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await
}

async fn model_datasets(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(ModelDataset::Table)
                .if_not_exists()
                .col(pk_auto(ModelDataset::Id))
                .col(integer(ModelDataset::OrganizationId))
                .col(integer(ModelDataset::ModelVersionId))
                .col(integer(ModelDataset::DatasetId))
                .col(string(ModelDataset::Role))
                .col(string(ModelDataset::Purpose))
                .col(string(ModelDataset::CreatedBy))
                .col(timestamp_with_time_zone(ModelDataset::CreatedAt))
                .foreign_key(&mut org_fk(
                    "fk_model_dataset_org",
                    ModelDataset::Table,
                    ModelDataset::OrganizationId,
                ))
                .foreign_key(&mut fk(
                    "fk_model_dataset_model",
                    (ModelDataset::Table, ModelDataset::ModelVersionId),
                    (ModelVersion::Table, ModelVersion::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_model_dataset_dataset",
                    (ModelDataset::Table, ModelDataset::DatasetId),
                    (Dataset::Table, Dataset::Id),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(unique(
            "ux_model_dataset",
            ModelDataset::Table,
            vec![
                ModelDataset::ModelVersionId.into_iden(),
                ModelDataset::DatasetId.into_iden(),
                ModelDataset::Role.into_iden(),
            ],
        ))
        .await
}

async fn lineage(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(LineageNode::Table)
                .if_not_exists()
                .col(pk_auto(LineageNode::Id))
                .col(integer(LineageNode::OrganizationId))
                .col(string(LineageNode::Kind))
                .col(integer_null(LineageNode::DatasetId))
                .col(integer_null(LineageNode::ModelVersionId))
                .col(string(LineageNode::Label))
                .col(text(LineageNode::Details))
                .col(timestamp_with_time_zone(LineageNode::CreatedAt))
                .foreign_key(&mut org_fk(
                    "fk_lineage_node_org",
                    LineageNode::Table,
                    LineageNode::OrganizationId,
                ))
                .to_owned(),
        )
        .await?;
    // One node per dataset and per model version (steps and storage have neither; NULLs never
    // collide on SQLite or PostgreSQL).
    for (name, column) in [
        ("ux_lineage_node_dataset", LineageNode::DatasetId),
        ("ux_lineage_node_model", LineageNode::ModelVersionId),
    ] {
        manager
            .create_index(unique(
                name,
                LineageNode::Table,
                vec![
                    LineageNode::OrganizationId.into_iden(),
                    LineageNode::Kind.into_iden(),
                    column.into_iden(),
                ],
            ))
            .await?;
    }
    manager
        .create_table(
            Table::create()
                .table(LineageEdge::Table)
                .if_not_exists()
                .col(pk_auto(LineageEdge::Id))
                .col(integer(LineageEdge::OrganizationId))
                .col(integer(LineageEdge::FromNode))
                .col(integer(LineageEdge::ToNode))
                .col(string(LineageEdge::Transformation))
                .col(string(LineageEdge::Actor))
                .col(timestamp_with_time_zone(LineageEdge::At))
                .foreign_key(&mut org_fk(
                    "fk_lineage_edge_org",
                    LineageEdge::Table,
                    LineageEdge::OrganizationId,
                ))
                .foreign_key(&mut fk(
                    "fk_lineage_edge_from",
                    (LineageEdge::Table, LineageEdge::FromNode),
                    (LineageNode::Table, LineageNode::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_lineage_edge_to",
                    (LineageEdge::Table, LineageEdge::ToNode),
                    (LineageNode::Table, LineageNode::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(unique(
            "ux_lineage_edge",
            LineageEdge::Table,
            vec![
                LineageEdge::FromNode.into_iden(),
                LineageEdge::ToNode.into_iden(),
            ],
        ))
        .await?;
    // Walks go level by level from the frontier: downstream uses the unique (from, to) index,
    // upstream this one.
    manager
        .create_index(
            Index::create()
                .name("ix_lineage_edge_to")
                .table(LineageEdge::Table)
                .col(LineageEdge::ToNode)
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(CompromiseItem::Table)
                .if_not_exists()
                .col(pk_auto(CompromiseItem::Id))
                .col(integer(CompromiseItem::OrganizationId))
                .col(integer(CompromiseItem::DatasetId))
                .col(integer(CompromiseItem::AiSystemId))
                .col(integer(CompromiseItem::IncidentId))
                .col(timestamp_with_time_zone(CompromiseItem::CreatedAt))
                .foreign_key(&mut org_fk(
                    "fk_compromise_org",
                    CompromiseItem::Table,
                    CompromiseItem::OrganizationId,
                ))
                .foreign_key(&mut fk(
                    "fk_compromise_dataset",
                    (CompromiseItem::Table, CompromiseItem::DatasetId),
                    (Dataset::Table, Dataset::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
    // Once per dataset and AI system, however often or wherever the dataset is marked.
    manager
        .create_index(unique(
            "ux_compromise_item",
            CompromiseItem::Table,
            vec![
                CompromiseItem::DatasetId.into_iden(),
                CompromiseItem::AiSystemId.into_iden(),
            ],
        ))
        .await
}
