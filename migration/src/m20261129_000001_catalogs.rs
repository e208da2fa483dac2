//! Organizations and the global framework catalogs (frameworks and their requirements).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
    Slug,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Framework {
    Table,
    Id,
    Slug,
    Name,
    ShortName,
    Version,
    Publisher,
    Published,
    Licence,
    Source,
    Checksum,
    LoadedAt,
}

#[derive(DeriveIden)]
enum Requirement {
    Table,
    Id,
    FrameworkId,
    RefId,
    Urn,
    Kind,
    ParentId,
    Title,
    Text,
    Examples,
    Ord,
    Depth,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organization::Table)
                    .if_not_exists()
                    .col(pk_auto(Organization::Id))
                    .col(string_uniq(Organization::Slug))
                    .col(string(Organization::Name))
                    .col(timestamp_with_time_zone(Organization::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Framework::Table)
                    .if_not_exists()
                    .col(pk_auto(Framework::Id))
                    .col(string(Framework::Slug))
                    .col(string(Framework::Name))
                    .col(string(Framework::ShortName))
                    .col(string(Framework::Version))
                    .col(string(Framework::Publisher))
                    .col(string(Framework::Published))
                    .col(text(Framework::Licence))
                    .col(text(Framework::Source))
                    .col(string(Framework::Checksum))
                    .col(timestamp_with_time_zone(Framework::LoadedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_framework_slug_version")
                    .table(Framework::Table)
                    .col(Framework::Slug)
                    .col(Framework::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Requirement::Table)
                    .if_not_exists()
                    .col(pk_auto(Requirement::Id))
                    .col(integer(Requirement::FrameworkId))
                    .col(string(Requirement::RefId))
                    .col(string_uniq(Requirement::Urn))
                    .col(string(Requirement::Kind))
                    .col(integer_null(Requirement::ParentId))
                    .col(text(Requirement::Title))
                    .col(text(Requirement::Text))
                    .col(text(Requirement::Examples))
                    .col(integer(Requirement::Ord))
                    .col(integer(Requirement::Depth))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_requirement_framework")
                            .from(Requirement::Table, Requirement::FrameworkId)
                            .to(Framework::Table, Framework::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_requirement_parent")
                            .from(Requirement::Table, Requirement::ParentId)
                            .to(Requirement::Table, Requirement::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_requirement_framework_ref")
                    .table(Requirement::Table)
                    .col(Requirement::FrameworkId)
                    .col(Requirement::RefId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_requirement_framework_ord")
                    .table(Requirement::Table)
                    .col(Requirement::FrameworkId)
                    .col(Requirement::Ord)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Requirement::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Framework::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Organization::Table).to_owned())
            .await
    }
}
