//! AI management records: inventory and scope, model versions, RACI, governance bodies and
//! escalation routes, versioned policies, approval requests and decisions, documentation artefacts.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
}

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

fn org_fk(name: &str, table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(Organization::Table, Organization::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

fn unique(name: &str, table: impl IntoIden, columns: Vec<DynIden>) -> IndexCreateStatement {
    let mut index = Index::create().name(name).table(table).unique().to_owned();
    for column in columns {
        index.col(column);
    }
    index
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
            .await?;

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
