//! Common controls, their typed mappings to requirements, direct requirement-to-requirement
//! mappings (imported crosswalks), minimal evidence, and requirement applicability decisions.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Requirement {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Control {
    Table,
    Id,
    OrganizationId,
    Code,
    Domain,
    Title,
    Description,
    Owner,
    Status,
    Effectiveness,
    ReviewFrequencyDays,
    NotApplicableReason,
    LibraryCode,
    RetiredAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ControlMapping {
    Table,
    Id,
    OrganizationId,
    ControlId,
    RequirementId,
    Relationship,
    Rationale,
    Strength,
    Confidence,
    Justification,
    Provenance,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RequirementMapping {
    Table,
    Id,
    OrganizationId,
    SourceId,
    TargetId,
    Relationship,
    Rationale,
    Strength,
    Confidence,
    Justification,
    Provenance,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Evidence {
    Table,
    Id,
    OrganizationId,
    ControlId,
    Title,
    Kind,
    CollectedAt,
    ValidUntil,
    Sha256,
    Uri,
    Collector,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RequirementApplicability {
    Table,
    Id,
    OrganizationId,
    RequirementId,
    Justification,
    DecidedBy,
    DecidedAt,
}

fn fk(
    name: &str,
    from_table: impl IntoIden,
    from_col: impl IntoIden,
    to_table: impl IntoIden,
    to_col: impl IntoIden,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from_table, from_col)
        .to(to_table, to_col)
        .on_delete(on_delete)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Control::Table)
                    .if_not_exists()
                    .col(pk_auto(Control::Id))
                    .col(integer(Control::OrganizationId))
                    .col(string(Control::Code))
                    .col(string(Control::Domain))
                    .col(string(Control::Title))
                    .col(text(Control::Description))
                    .col(string_null(Control::Owner))
                    .col(string(Control::Status))
                    .col(string(Control::Effectiveness))
                    .col(integer(Control::ReviewFrequencyDays))
                    .col(text_null(Control::NotApplicableReason))
                    .col(string_null(Control::LibraryCode))
                    .col(timestamp_with_time_zone_null(Control::RetiredAt))
                    .col(timestamp_with_time_zone(Control::CreatedAt))
                    .col(timestamp_with_time_zone(Control::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_control_organization",
                        Control::Table,
                        Control::OrganizationId,
                        Organization::Table,
                        Organization::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_control_org_code")
                    .table(Control::Table)
                    .col(Control::OrganizationId)
                    .col(Control::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ControlMapping::Table)
                    .if_not_exists()
                    .col(pk_auto(ControlMapping::Id))
                    .col(integer(ControlMapping::OrganizationId))
                    .col(integer(ControlMapping::ControlId))
                    .col(integer(ControlMapping::RequirementId))
                    .col(string(ControlMapping::Relationship))
                    .col(string(ControlMapping::Rationale))
                    .col(integer_null(ControlMapping::Strength))
                    .col(string_null(ControlMapping::Confidence))
                    .col(text(ControlMapping::Justification))
                    .col(string(ControlMapping::Provenance))
                    .col(string(ControlMapping::CreatedBy))
                    .col(timestamp_with_time_zone(ControlMapping::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_control_mapping_organization",
                        ControlMapping::Table,
                        ControlMapping::OrganizationId,
                        Organization::Table,
                        Organization::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_control_mapping_control",
                        ControlMapping::Table,
                        ControlMapping::ControlId,
                        Control::Table,
                        Control::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_control_mapping_requirement",
                        ControlMapping::Table,
                        ControlMapping::RequirementId,
                        Requirement::Table,
                        Requirement::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_control_mapping_pair")
                    .table(ControlMapping::Table)
                    .col(ControlMapping::ControlId)
                    .col(ControlMapping::RequirementId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_control_mapping_org_requirement")
                    .table(ControlMapping::Table)
                    .col(ControlMapping::OrganizationId)
                    .col(ControlMapping::RequirementId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RequirementMapping::Table)
                    .if_not_exists()
                    .col(pk_auto(RequirementMapping::Id))
                    .col(integer(RequirementMapping::OrganizationId))
                    .col(integer(RequirementMapping::SourceId))
                    .col(integer(RequirementMapping::TargetId))
                    .col(string(RequirementMapping::Relationship))
                    .col(string_null(RequirementMapping::Rationale))
                    .col(integer_null(RequirementMapping::Strength))
                    .col(string_null(RequirementMapping::Confidence))
                    .col(text(RequirementMapping::Justification))
                    .col(string(RequirementMapping::Provenance))
                    .col(string(RequirementMapping::CreatedBy))
                    .col(timestamp_with_time_zone(RequirementMapping::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_requirement_mapping_organization",
                        RequirementMapping::Table,
                        RequirementMapping::OrganizationId,
                        Organization::Table,
                        Organization::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_requirement_mapping_source",
                        RequirementMapping::Table,
                        RequirementMapping::SourceId,
                        Requirement::Table,
                        Requirement::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_requirement_mapping_target",
                        RequirementMapping::Table,
                        RequirementMapping::TargetId,
                        Requirement::Table,
                        Requirement::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_requirement_mapping_pair")
                    .table(RequirementMapping::Table)
                    .col(RequirementMapping::OrganizationId)
                    .col(RequirementMapping::SourceId)
                    .col(RequirementMapping::TargetId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Evidence::Table)
                    .if_not_exists()
                    .col(pk_auto(Evidence::Id))
                    .col(integer(Evidence::OrganizationId))
                    .col(integer(Evidence::ControlId))
                    .col(string(Evidence::Title))
                    .col(string(Evidence::Kind))
                    .col(timestamp_with_time_zone(Evidence::CollectedAt))
                    .col(timestamp_with_time_zone_null(Evidence::ValidUntil))
                    .col(string_null(Evidence::Sha256))
                    .col(text_null(Evidence::Uri))
                    .col(string(Evidence::Collector))
                    .col(timestamp_with_time_zone(Evidence::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_evidence_organization",
                        Evidence::Table,
                        Evidence::OrganizationId,
                        Organization::Table,
                        Organization::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_evidence_control",
                        Evidence::Table,
                        Evidence::ControlId,
                        Control::Table,
                        Control::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_evidence_org_control")
                    .table(Evidence::Table)
                    .col(Evidence::OrganizationId)
                    .col(Evidence::ControlId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RequirementApplicability::Table)
                    .if_not_exists()
                    .col(pk_auto(RequirementApplicability::Id))
                    .col(integer(RequirementApplicability::OrganizationId))
                    .col(integer(RequirementApplicability::RequirementId))
                    .col(text(RequirementApplicability::Justification))
                    .col(string(RequirementApplicability::DecidedBy))
                    .col(timestamp_with_time_zone(
                        RequirementApplicability::DecidedAt,
                    ))
                    .foreign_key(&mut fk(
                        "fk_applicability_organization",
                        RequirementApplicability::Table,
                        RequirementApplicability::OrganizationId,
                        Organization::Table,
                        Organization::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_applicability_requirement",
                        RequirementApplicability::Table,
                        RequirementApplicability::RequirementId,
                        Requirement::Table,
                        Requirement::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_applicability_org_requirement")
                    .table(RequirementApplicability::Table)
                    .col(RequirementApplicability::OrganizationId)
                    .col(RequirementApplicability::RequirementId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RequirementApplicability::Table.into_iden(),
            Evidence::Table.into_iden(),
            RequirementMapping::Table.into_iden(),
            ControlMapping::Table.into_iden(),
            Control::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
