//! Risk register: risks with inherent and residual likelihood x impact, treatment and decision
//! record, and the controls that treat each risk.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, org_fk, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Risk {
    Table,
    Id,
    OrganizationId,
    AiSystemId,
    Title,
    Description,
    Threat,
    Category,
    InherentLikelihood,
    InherentImpact,
    ResidualLikelihood,
    ResidualImpact,
    Treatment,
    Owner,
    Status,
    Decision,
    ReviewDue,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RiskControl {
    Table,
    Id,
    OrganizationId,
    RiskId,
    ControlId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AiSystem {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Control {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Risk::Table)
                    .if_not_exists()
                    .col(pk_auto(Risk::Id))
                    .col(integer(Risk::OrganizationId))
                    .col(integer_null(Risk::AiSystemId))
                    .col(string(Risk::Title))
                    .col(text(Risk::Description))
                    .col(string_null(Risk::Threat))
                    .col(string(Risk::Category))
                    .col(small_integer(Risk::InherentLikelihood))
                    .col(small_integer(Risk::InherentImpact))
                    .col(small_integer_null(Risk::ResidualLikelihood))
                    .col(small_integer_null(Risk::ResidualImpact))
                    .col(string(Risk::Treatment))
                    .col(string(Risk::Owner))
                    .col(string(Risk::Status))
                    .col(text_null(Risk::Decision))
                    .col(string_null(Risk::ReviewDue))
                    .col(timestamp_with_time_zone(Risk::CreatedAt))
                    .col(timestamp_with_time_zone(Risk::UpdatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_risk_org",
                        Risk::Table,
                        Risk::OrganizationId,
                    ))
                    .foreign_key(&mut fk(
                        "fk_risk_ai_system",
                        (Risk::Table, Risk::AiSystemId),
                        (AiSystem::Table, AiSystem::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RiskControl::Table)
                    .if_not_exists()
                    .col(pk_auto(RiskControl::Id))
                    .col(integer(RiskControl::OrganizationId))
                    .col(integer(RiskControl::RiskId))
                    .col(integer(RiskControl::ControlId))
                    .col(timestamp_with_time_zone(RiskControl::CreatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_risk_control_org",
                        RiskControl::Table,
                        RiskControl::OrganizationId,
                    ))
                    .foreign_key(&mut fk(
                        "fk_risk_control_risk",
                        (RiskControl::Table, RiskControl::RiskId),
                        (Risk::Table, Risk::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_risk_control_control",
                        (RiskControl::Table, RiskControl::ControlId),
                        (Control::Table, Control::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_risk_org_status")
                    .table(Risk::Table)
                    .col(Risk::OrganizationId)
                    .col(Risk::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "ux_risk_control",
                RiskControl::Table,
                vec![
                    RiskControl::RiskId.into_iden(),
                    RiskControl::ControlId.into_iden(),
                ],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [RiskControl::Table.into_iden(), Risk::Table.into_iden()] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
