//! AI management records, part 1: inventory and scope, model versions, RACI, governance bodies
//! and escalation routes.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, org_fk, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AiSystem {
    Table,
    Id,
    OrganizationId,
    Name,
    Purpose,
    Owner,
    BusinessUnit,
    LifecycleStage,
    RiskTier,
    InScope,
    ExclusionJustification,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ModelVersion {
    Table,
    Id,
    OrganizationId,
    AiSystemId,
    Version,
    Status,
    IntendedUse,
    Limitations,
    TrainingData,
    EvaluationResults,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ScopeStatement {
    Table,
    OrganizationId,
    Statement,
    Teams,
    Processes,
    Exclusions,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RaciAssignment {
    Table,
    Id,
    OrganizationId,
    SubjectType,
    SubjectId,
    Party,
    PartyKind,
    Role,
    AccountableKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum GovernanceBody {
    Table,
    Id,
    OrganizationId,
    Name,
    Kind,
    Mandate,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BodyMember {
    Table,
    Id,
    OrganizationId,
    BodyId,
    Person,
    Role,
    CanApprove,
}

#[derive(DeriveIden)]
enum EscalationRoute {
    Table,
    Id,
    OrganizationId,
    Severity,
    BodyId,
    Recipients,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AiSystem::Table)
                    .if_not_exists()
                    .col(pk_auto(AiSystem::Id))
                    .col(integer(AiSystem::OrganizationId))
                    .col(string(AiSystem::Name))
                    .col(text(AiSystem::Purpose))
                    .col(string(AiSystem::Owner))
                    .col(string(AiSystem::BusinessUnit))
                    .col(string(AiSystem::LifecycleStage))
                    .col(string(AiSystem::RiskTier))
                    .col(boolean(AiSystem::InScope))
                    .col(text_null(AiSystem::ExclusionJustification))
                    .col(timestamp_with_time_zone(AiSystem::CreatedAt))
                    .col(timestamp_with_time_zone(AiSystem::UpdatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_ai_system_org",
                        AiSystem::Table,
                        AiSystem::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "ux_ai_system_name",
                AiSystem::Table,
                vec![
                    AiSystem::OrganizationId.into_iden(),
                    AiSystem::Name.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ModelVersion::Table)
                    .if_not_exists()
                    .col(pk_auto(ModelVersion::Id))
                    .col(integer(ModelVersion::OrganizationId))
                    .col(integer(ModelVersion::AiSystemId))
                    .col(string(ModelVersion::Version))
                    .col(string(ModelVersion::Status))
                    .col(text(ModelVersion::IntendedUse))
                    .col(text(ModelVersion::Limitations))
                    .col(text(ModelVersion::TrainingData))
                    .col(text(ModelVersion::EvaluationResults))
                    .col(timestamp_with_time_zone(ModelVersion::CreatedAt))
                    .col(timestamp_with_time_zone(ModelVersion::UpdatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_model_version_org",
                        ModelVersion::Table,
                        ModelVersion::OrganizationId,
                    ))
                    .foreign_key(&mut fk(
                        "fk_model_version_system",
                        (ModelVersion::Table, ModelVersion::AiSystemId),
                        (AiSystem::Table, AiSystem::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "ux_model_version",
                ModelVersion::Table,
                vec![
                    ModelVersion::AiSystemId.into_iden(),
                    ModelVersion::Version.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ScopeStatement::Table)
                    .if_not_exists()
                    .col(integer(ScopeStatement::OrganizationId).primary_key())
                    .col(text(ScopeStatement::Statement))
                    .col(text(ScopeStatement::Teams))
                    .col(text(ScopeStatement::Processes))
                    .col(text(ScopeStatement::Exclusions))
                    .col(string(ScopeStatement::UpdatedBy))
                    .col(timestamp_with_time_zone(ScopeStatement::UpdatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_scope_org",
                        ScopeStatement::Table,
                        ScopeStatement::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RaciAssignment::Table)
                    .if_not_exists()
                    .col(pk_auto(RaciAssignment::Id))
                    .col(integer(RaciAssignment::OrganizationId))
                    .col(string(RaciAssignment::SubjectType))
                    .col(integer(RaciAssignment::SubjectId))
                    .col(string(RaciAssignment::Party))
                    .col(string(RaciAssignment::PartyKind))
                    .col(string(RaciAssignment::Role))
                    // "type:id" for the Accountable row only: the unique index allows one per subject.
                    .col(string_null(RaciAssignment::AccountableKey))
                    .col(timestamp_with_time_zone(RaciAssignment::CreatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_raci_org",
                        RaciAssignment::Table,
                        RaciAssignment::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "ux_raci_assignment",
                RaciAssignment::Table,
                vec![
                    RaciAssignment::OrganizationId.into_iden(),
                    RaciAssignment::SubjectType.into_iden(),
                    RaciAssignment::SubjectId.into_iden(),
                    RaciAssignment::Party.into_iden(),
                    RaciAssignment::Role.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_index(unique(
                "ux_raci_accountable",
                RaciAssignment::Table,
                vec![
                    RaciAssignment::OrganizationId.into_iden(),
                    RaciAssignment::AccountableKey.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GovernanceBody::Table)
                    .if_not_exists()
                    .col(pk_auto(GovernanceBody::Id))
                    .col(integer(GovernanceBody::OrganizationId))
                    .col(string(GovernanceBody::Name))
                    .col(string(GovernanceBody::Kind))
                    .col(text(GovernanceBody::Mandate))
                    .col(timestamp_with_time_zone(GovernanceBody::CreatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_body_org",
                        GovernanceBody::Table,
                        GovernanceBody::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "ux_body_name",
                GovernanceBody::Table,
                vec![
                    GovernanceBody::OrganizationId.into_iden(),
                    GovernanceBody::Name.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BodyMember::Table)
                    .if_not_exists()
                    .col(pk_auto(BodyMember::Id))
                    .col(integer(BodyMember::OrganizationId))
                    .col(integer(BodyMember::BodyId))
                    .col(string(BodyMember::Person))
                    .col(string(BodyMember::Role))
                    .col(boolean(BodyMember::CanApprove))
                    .foreign_key(&mut org_fk(
                        "fk_member_org",
                        BodyMember::Table,
                        BodyMember::OrganizationId,
                    ))
                    .foreign_key(&mut fk(
                        "fk_member_body",
                        (BodyMember::Table, BodyMember::BodyId),
                        (GovernanceBody::Table, GovernanceBody::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "ux_body_member",
                BodyMember::Table,
                vec![
                    BodyMember::BodyId.into_iden(),
                    BodyMember::Person.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EscalationRoute::Table)
                    .if_not_exists()
                    .col(pk_auto(EscalationRoute::Id))
                    .col(integer(EscalationRoute::OrganizationId))
                    .col(string(EscalationRoute::Severity))
                    .col(integer(EscalationRoute::BodyId))
                    .col(text(EscalationRoute::Recipients))
                    .foreign_key(&mut org_fk(
                        "fk_route_org",
                        EscalationRoute::Table,
                        EscalationRoute::OrganizationId,
                    ))
                    .foreign_key(&mut fk(
                        "fk_route_body",
                        (EscalationRoute::Table, EscalationRoute::BodyId),
                        (GovernanceBody::Table, GovernanceBody::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "ux_route_severity",
                EscalationRoute::Table,
                vec![
                    EscalationRoute::OrganizationId.into_iden(),
                    EscalationRoute::Severity.into_iden(),
                ],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EscalationRoute::Table.into_iden(),
            BodyMember::Table.into_iden(),
            GovernanceBody::Table.into_iden(),
            RaciAssignment::Table.into_iden(),
            ScopeStatement::Table.into_iden(),
            ModelVersion::Table.into_iden(),
            AiSystem::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
