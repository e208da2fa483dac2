//! AI management records, part 2: versioned policies, approval requests and decisions, and
//! documentation artefacts.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, org_fk, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum GovernanceBody {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Policy {
    Table,
    Id,
    OrganizationId,
    Family,
    Kind,
    Title,
    Version,
    Content,
    Status,
    BodyId,
    Quorum,
    ReviewDue,
    ApprovedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ApprovalRequest {
    Table,
    Id,
    OrganizationId,
    SubjectType,
    SubjectId,
    BodyId,
    Quorum,
    Status,
    Summary,
    RequestedBy,
    RequestedAt,
    DecidedAt,
    ConsumedAt,
}

#[derive(DeriveIden)]
enum ApprovalDecision {
    Table,
    Id,
    OrganizationId,
    RequestId,
    Approver,
    Decision,
    Comment,
    DecidedAt,
}

#[derive(DeriveIden)]
enum Artifact {
    Table,
    Id,
    OrganizationId,
    Kind,
    Title,
    Version,
    AiSystemId,
    ModelVersionId,
    ControlId,
    Sha256,
    Size,
    MediaType,
    Uri,
    Content,
    AddedBy,
    AddedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Policy::Table)
                    .if_not_exists()
                    .col(pk_auto(Policy::Id))
                    .col(integer(Policy::OrganizationId))
                    .col(string(Policy::Family))
                    .col(string(Policy::Kind))
                    .col(string(Policy::Title))
                    .col(integer(Policy::Version))
                    .col(text(Policy::Content))
                    .col(string(Policy::Status))
                    .col(integer_null(Policy::BodyId))
                    .col(integer(Policy::Quorum))
                    .col(string(Policy::ReviewDue))
                    .col(timestamp_with_time_zone_null(Policy::ApprovedAt))
                    .col(string(Policy::CreatedBy))
                    .col(timestamp_with_time_zone(Policy::CreatedAt))
                    .col(timestamp_with_time_zone(Policy::UpdatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_policy_org",
                        Policy::Table,
                        Policy::OrganizationId,
                    ))
                    .foreign_key(&mut fk(
                        "fk_policy_body",
                        (Policy::Table, Policy::BodyId),
                        (GovernanceBody::Table, GovernanceBody::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApprovalRequest::Table)
                    .if_not_exists()
                    .col(pk_auto(ApprovalRequest::Id))
                    .col(integer(ApprovalRequest::OrganizationId))
                    .col(string(ApprovalRequest::SubjectType))
                    .col(integer(ApprovalRequest::SubjectId))
                    .col(integer(ApprovalRequest::BodyId))
                    .col(integer(ApprovalRequest::Quorum))
                    .col(string(ApprovalRequest::Status))
                    .col(text(ApprovalRequest::Summary))
                    .col(string(ApprovalRequest::RequestedBy))
                    .col(timestamp_with_time_zone(ApprovalRequest::RequestedAt))
                    .col(timestamp_with_time_zone_null(ApprovalRequest::DecidedAt))
                    .col(timestamp_with_time_zone_null(ApprovalRequest::ConsumedAt))
                    .foreign_key(&mut org_fk(
                        "fk_request_org",
                        ApprovalRequest::Table,
                        ApprovalRequest::OrganizationId,
                    ))
                    .foreign_key(&mut fk(
                        "fk_request_body",
                        (ApprovalRequest::Table, ApprovalRequest::BodyId),
                        (GovernanceBody::Table, GovernanceBody::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApprovalDecision::Table)
                    .if_not_exists()
                    .col(pk_auto(ApprovalDecision::Id))
                    .col(integer(ApprovalDecision::OrganizationId))
                    .col(integer(ApprovalDecision::RequestId))
                    .col(string(ApprovalDecision::Approver))
                    .col(string(ApprovalDecision::Decision))
                    .col(text(ApprovalDecision::Comment))
                    .col(timestamp_with_time_zone(ApprovalDecision::DecidedAt))
                    .foreign_key(&mut org_fk(
                        "fk_decision_org",
                        ApprovalDecision::Table,
                        ApprovalDecision::OrganizationId,
                    ))
                    .foreign_key(&mut fk(
                        "fk_decision_request",
                        (ApprovalDecision::Table, ApprovalDecision::RequestId),
                        (ApprovalRequest::Table, ApprovalRequest::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Artifact::Table)
                    .if_not_exists()
                    .col(pk_auto(Artifact::Id))
                    .col(integer(Artifact::OrganizationId))
                    .col(string(Artifact::Kind))
                    .col(string(Artifact::Title))
                    .col(integer(Artifact::Version))
                    .col(integer_null(Artifact::AiSystemId))
                    .col(integer_null(Artifact::ModelVersionId))
                    .col(integer_null(Artifact::ControlId))
                    .col(string(Artifact::Sha256))
                    .col(big_integer(Artifact::Size))
                    .col(string_null(Artifact::MediaType))
                    .col(text_null(Artifact::Uri))
                    .col(blob_null(Artifact::Content))
                    .col(string(Artifact::AddedBy))
                    .col(timestamp_with_time_zone(Artifact::AddedAt))
                    .foreign_key(&mut org_fk(
                        "fk_artifact_org",
                        Artifact::Table,
                        Artifact::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "ux_policy_version",
                Policy::Table,
                vec![
                    Policy::OrganizationId.into_iden(),
                    Policy::Family.into_iden(),
                    Policy::Version.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_index(unique(
                "ux_decision_approver",
                ApprovalDecision::Table,
                vec![
                    ApprovalDecision::RequestId.into_iden(),
                    ApprovalDecision::Approver.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_index(unique(
                "ux_artifact_version",
                Artifact::Table,
                vec![
                    Artifact::OrganizationId.into_iden(),
                    Artifact::Kind.into_iden(),
                    Artifact::Title.into_iden(),
                    Artifact::Version.into_iden(),
                ],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Artifact::Table.into_iden(),
            ApprovalDecision::Table.into_iden(),
            ApprovalRequest::Table.into_iden(),
            Policy::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
