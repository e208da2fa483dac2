//! The audit and review tables of this migration: the audit programme, audits and their
//! checklists, findings and corrective actions, management reviews and their actions.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, org_fk};

#[derive(DeriveIden)]
enum AuditProgramme {
    Table,
    Id,
    OrganizationId,
    Title,
    PeriodStart,
    PeriodEnd,
    Objectives,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Audit {
    Table,
    Id,
    OrganizationId,
    ProgrammeId,
    Title,
    Kind,
    Criteria,
    PeriodStart,
    PeriodEnd,
    LeadAuditor,
    Team,
    Scope,
    Status,
    OpenedAt,
    ClosedAt,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditChecklistItem {
    Table,
    Id,
    OrganizationId,
    AuditId,
    Position,
    RequirementId,
    ControlId,
    AiSystemId,
    Label,
    Evidence,
    Result,
    Note,
    CheckedBy,
    CheckedAt,
}

#[derive(DeriveIden)]
enum AuditFinding {
    Table,
    Id,
    OrganizationId,
    AuditId,
    Kind,
    RequirementId,
    ControlId,
    AiSystemId,
    Title,
    Description,
    Status,
    RaisedBy,
    RaisedAt,
    ClosedBy,
    ClosedAt,
}

#[derive(DeriveIden)]
enum CorrectiveAction {
    Table,
    Id,
    OrganizationId,
    FindingId,
    Owner,
    DueOn,
    RootCause,
    Action,
    Status,
    CompletedBy,
    CompletedAt,
    VerifiedBy,
    VerifiedAt,
    VerificationNote,
    Effective,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ManagementReview {
    Table,
    Id,
    OrganizationId,
    Title,
    HeldOn,
    PeriodStart,
    PeriodEnd,
    Chair,
    Attendees,
    ContextChanges,
    StakeholderFeedback,
    Inputs,
    Decisions,
    Status,
    ArtifactId,
    CreatedBy,
    CreatedAt,
    ConcludedAt,
}

#[derive(DeriveIden)]
enum ReviewAction {
    Table,
    Id,
    OrganizationId,
    ReviewId,
    Description,
    Owner,
    DueOn,
    Status,
    CompletedAt,
}

/// Creates the tables, referenced ones first.
pub(super) async fn up(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    audits(manager).await?;
    findings_and_actions(manager).await?;
    reviews(manager).await
}

/// Drops the tables, referencing ones first.
pub(super) async fn down(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    for table in [
        ReviewAction::Table.into_iden(),
        ManagementReview::Table.into_iden(),
        CorrectiveAction::Table.into_iden(),
        AuditFinding::Table.into_iden(),
        AuditChecklistItem::Table.into_iden(),
        Audit::Table.into_iden(),
        AuditProgramme::Table.into_iden(),
    ] {
        manager
            .drop_table(Table::drop().table(table).if_exists().to_owned())
            .await?;
    }
    Ok(())
}

async fn audits(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(AuditProgramme::Table)
                .if_not_exists()
                .col(pk_auto(AuditProgramme::Id))
                .col(integer(AuditProgramme::OrganizationId))
                .col(string(AuditProgramme::Title))
                .col(string(AuditProgramme::PeriodStart))
                .col(string(AuditProgramme::PeriodEnd))
                .col(text(AuditProgramme::Objectives))
                .col(string(AuditProgramme::CreatedBy))
                .col(timestamp_with_time_zone(AuditProgramme::CreatedAt))
                .foreign_key(&mut org_fk(
                    "fk_audit_programme_org",
                    AuditProgramme::Table,
                    AuditProgramme::OrganizationId,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(Audit::Table)
                .if_not_exists()
                .col(pk_auto(Audit::Id))
                .col(integer(Audit::OrganizationId))
                .col(integer_null(Audit::ProgrammeId))
                .col(string(Audit::Title))
                .col(string(Audit::Kind))
                .col(text(Audit::Criteria))
                .col(string(Audit::PeriodStart))
                .col(string(Audit::PeriodEnd))
                .col(string(Audit::LeadAuditor))
                .col(text(Audit::Team))
                .col(text(Audit::Scope))
                .col(string(Audit::Status))
                .col(timestamp_with_time_zone_null(Audit::OpenedAt))
                .col(timestamp_with_time_zone_null(Audit::ClosedAt))
                .col(string(Audit::CreatedBy))
                .col(timestamp_with_time_zone(Audit::CreatedAt))
                .foreign_key(&mut org_fk(
                    "fk_audit_org",
                    Audit::Table,
                    Audit::OrganizationId,
                ))
                .foreign_key(&mut fk(
                    "fk_audit_programme",
                    (Audit::Table, Audit::ProgrammeId),
                    (AuditProgramme::Table, AuditProgramme::Id),
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("ix_audit_org_status")
                .table(Audit::Table)
                .col(Audit::OrganizationId)
                .col(Audit::Status)
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(AuditChecklistItem::Table)
                .if_not_exists()
                .col(pk_auto(AuditChecklistItem::Id))
                .col(integer(AuditChecklistItem::OrganizationId))
                .col(integer(AuditChecklistItem::AuditId))
                .col(integer(AuditChecklistItem::Position))
                .col(integer_null(AuditChecklistItem::RequirementId))
                .col(integer_null(AuditChecklistItem::ControlId))
                .col(integer_null(AuditChecklistItem::AiSystemId))
                .col(text(AuditChecklistItem::Label))
                .col(text(AuditChecklistItem::Evidence))
                .col(string(AuditChecklistItem::Result))
                .col(text(AuditChecklistItem::Note))
                .col(string_null(AuditChecklistItem::CheckedBy))
                .col(timestamp_with_time_zone_null(AuditChecklistItem::CheckedAt))
                .foreign_key(&mut org_fk(
                    "fk_checklist_org",
                    AuditChecklistItem::Table,
                    AuditChecklistItem::OrganizationId,
                ))
                .foreign_key(&mut fk(
                    "fk_checklist_audit",
                    (AuditChecklistItem::Table, AuditChecklistItem::AuditId),
                    (Audit::Table, Audit::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("ix_checklist_audit")
                .table(AuditChecklistItem::Table)
                .col(AuditChecklistItem::AuditId)
                .col(AuditChecklistItem::Position)
                .to_owned(),
        )
        .await
}

async fn findings_and_actions(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(AuditFinding::Table)
                .if_not_exists()
                .col(pk_auto(AuditFinding::Id))
                .col(integer(AuditFinding::OrganizationId))
                .col(integer(AuditFinding::AuditId))
                .col(string(AuditFinding::Kind))
                .col(integer_null(AuditFinding::RequirementId))
                .col(integer_null(AuditFinding::ControlId))
                .col(integer_null(AuditFinding::AiSystemId))
                .col(string(AuditFinding::Title))
                .col(text(AuditFinding::Description))
                .col(string(AuditFinding::Status))
                .col(string(AuditFinding::RaisedBy))
                .col(timestamp_with_time_zone(AuditFinding::RaisedAt))
                .col(string_null(AuditFinding::ClosedBy))
                .col(timestamp_with_time_zone_null(AuditFinding::ClosedAt))
                .foreign_key(&mut org_fk(
                    "fk_finding_org",
                    AuditFinding::Table,
                    AuditFinding::OrganizationId,
                ))
                .foreign_key(&mut fk(
                    "fk_finding_audit",
                    (AuditFinding::Table, AuditFinding::AuditId),
                    (Audit::Table, Audit::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("ix_finding_audit")
                .table(AuditFinding::Table)
                .col(AuditFinding::AuditId)
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("ix_finding_org_status")
                .table(AuditFinding::Table)
                .col(AuditFinding::OrganizationId)
                .col(AuditFinding::Status)
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(CorrectiveAction::Table)
                .if_not_exists()
                .col(pk_auto(CorrectiveAction::Id))
                .col(integer(CorrectiveAction::OrganizationId))
                .col(integer(CorrectiveAction::FindingId))
                .col(string(CorrectiveAction::Owner))
                .col(string(CorrectiveAction::DueOn))
                .col(text(CorrectiveAction::RootCause))
                .col(text(CorrectiveAction::Action))
                .col(string(CorrectiveAction::Status))
                .col(string_null(CorrectiveAction::CompletedBy))
                .col(timestamp_with_time_zone_null(CorrectiveAction::CompletedAt))
                .col(string_null(CorrectiveAction::VerifiedBy))
                .col(timestamp_with_time_zone_null(CorrectiveAction::VerifiedAt))
                .col(text_null(CorrectiveAction::VerificationNote))
                .col(boolean_null(CorrectiveAction::Effective))
                .col(string(CorrectiveAction::CreatedBy))
                .col(timestamp_with_time_zone(CorrectiveAction::CreatedAt))
                .foreign_key(&mut org_fk(
                    "fk_action_org",
                    CorrectiveAction::Table,
                    CorrectiveAction::OrganizationId,
                ))
                .foreign_key(&mut fk(
                    "fk_action_finding",
                    (CorrectiveAction::Table, CorrectiveAction::FindingId),
                    (AuditFinding::Table, AuditFinding::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("ix_action_finding")
                .table(CorrectiveAction::Table)
                .col(CorrectiveAction::FindingId)
                .to_owned(),
        )
        .await?;
    // The overdue-actions query: open actions of an organization by due date.
    manager
        .create_index(
            Index::create()
                .name("ix_action_org_status_due")
                .table(CorrectiveAction::Table)
                .col(CorrectiveAction::OrganizationId)
                .col(CorrectiveAction::Status)
                .col(CorrectiveAction::DueOn)
                .to_owned(),
        )
        .await
}

async fn reviews(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(ManagementReview::Table)
                .if_not_exists()
                .col(pk_auto(ManagementReview::Id))
                .col(integer(ManagementReview::OrganizationId))
                .col(string(ManagementReview::Title))
                .col(string(ManagementReview::HeldOn))
                .col(string(ManagementReview::PeriodStart))
                .col(string(ManagementReview::PeriodEnd))
                .col(string(ManagementReview::Chair))
                .col(text(ManagementReview::Attendees))
                .col(text(ManagementReview::ContextChanges))
                .col(text(ManagementReview::StakeholderFeedback))
                .col(text_null(ManagementReview::Inputs))
                .col(text(ManagementReview::Decisions))
                .col(string(ManagementReview::Status))
                .col(integer_null(ManagementReview::ArtifactId))
                .col(string(ManagementReview::CreatedBy))
                .col(timestamp_with_time_zone(ManagementReview::CreatedAt))
                .col(timestamp_with_time_zone_null(ManagementReview::ConcludedAt))
                .foreign_key(&mut org_fk(
                    "fk_review_org",
                    ManagementReview::Table,
                    ManagementReview::OrganizationId,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(ReviewAction::Table)
                .if_not_exists()
                .col(pk_auto(ReviewAction::Id))
                .col(integer(ReviewAction::OrganizationId))
                .col(integer(ReviewAction::ReviewId))
                .col(text(ReviewAction::Description))
                .col(string(ReviewAction::Owner))
                .col(string(ReviewAction::DueOn))
                .col(string(ReviewAction::Status))
                .col(timestamp_with_time_zone_null(ReviewAction::CompletedAt))
                .foreign_key(&mut org_fk(
                    "fk_review_action_org",
                    ReviewAction::Table,
                    ReviewAction::OrganizationId,
                ))
                .foreign_key(&mut fk(
                    "fk_review_action_review",
                    (ReviewAction::Table, ReviewAction::ReviewId),
                    (ManagementReview::Table, ManagementReview::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("ix_review_action_org_review")
                .table(ReviewAction::Table)
                .col(ReviewAction::OrganizationId)
                .col(ReviewAction::ReviewId)
                .to_owned(),
        )
        .await
}
