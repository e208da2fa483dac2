//! Check and Act (ISO/IEC 42001 9.2, 9.3, 10.2): escalation routes with several levels per
//! severity; incidents linked to the risks and controls they concern; the organization's own 5x5
//! risk matrix bands; the internal audit programme, audits
//! with their generated checklists, findings and corrective actions; management reviews with
//! their actions.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, org_fk, unique};

mod audits;

pub struct Migration;

// Named by hand: the derive takes the file's stem, which in a folder module is `mod`.
impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000011_audits_reviews"
    }
}

#[derive(DeriveIden)]
enum EscalationRoute {
    Table,
    OrganizationId,
    Severity,
    Level,
}

#[derive(DeriveIden)]
enum IncidentNotice {
    Table,
    RouteLevel,
}

#[derive(DeriveIden)]
enum Incident {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum IncidentLink {
    Table,
    Id,
    OrganizationId,
    IncidentId,
    SubjectType,
    SubjectId,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RiskMatrix {
    Table,
    Id,
    OrganizationId,
    LowMax,
    MediumMax,
    HighMax,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        routes_with_levels(manager).await?;
        incident_links(manager).await?;
        risk_matrix(manager).await?;
        audits::up(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        audits::down(manager).await?;
        for table in [
            RiskMatrix::Table.into_iden(),
            IncidentLink::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        routes_without_levels(manager).await
    }
}

/// Undoes [`routes_with_levels`] (keeping each severity's first level).
async fn routes_without_levels(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(IncidentNotice::Table)
                .drop_column(IncidentNotice::RouteLevel)
                .to_owned(),
        )
        .await?;
    manager
        .exec_stmt(
            Query::delete()
                .from_table(EscalationRoute::Table)
                .and_where(Expr::col(EscalationRoute::Level).gt(1))
                .to_owned(),
        )
        .await?;
    manager
        .drop_index(
            Index::drop()
                .name("ux_route_severity_level")
                .table(EscalationRoute::Table)
                .to_owned(),
        )
        .await?;
    manager
        .alter_table(
            Table::alter()
                .table(EscalationRoute::Table)
                .drop_column(EscalationRoute::Level)
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

/// A severity's route gets levels (1 = first notified); notices remember the level they used.
async fn routes_with_levels(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(EscalationRoute::Table)
                .add_column(integer(EscalationRoute::Level).default(1))
                .to_owned(),
        )
        .await?;
    manager
        .drop_index(
            Index::drop()
                .name("ux_route_severity")
                .table(EscalationRoute::Table)
                .to_owned(),
        )
        .await?;
    manager
        .create_index(unique(
            "ux_route_severity_level",
            EscalationRoute::Table,
            vec![
                EscalationRoute::OrganizationId.into_iden(),
                EscalationRoute::Severity.into_iden(),
                EscalationRoute::Level.into_iden(),
            ],
        ))
        .await?;
    manager
        .alter_table(
            Table::alter()
                .table(IncidentNotice::Table)
                .add_column(integer(IncidentNotice::RouteLevel).default(1))
                .to_owned(),
        )
        .await
}

async fn incident_links(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(IncidentLink::Table)
                .if_not_exists()
                .col(pk_auto(IncidentLink::Id))
                .col(integer(IncidentLink::OrganizationId))
                .col(integer(IncidentLink::IncidentId))
                .col(string(IncidentLink::SubjectType))
                .col(integer(IncidentLink::SubjectId))
                .col(string(IncidentLink::CreatedBy))
                .col(timestamp_with_time_zone(IncidentLink::CreatedAt))
                .foreign_key(&mut org_fk(
                    "fk_incident_link_org",
                    IncidentLink::Table,
                    IncidentLink::OrganizationId,
                ))
                .foreign_key(&mut fk(
                    "fk_incident_link_incident",
                    (IncidentLink::Table, IncidentLink::IncidentId),
                    (Incident::Table, Incident::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(unique(
            "ux_incident_link",
            IncidentLink::Table,
            vec![
                IncidentLink::IncidentId.into_iden(),
                IncidentLink::SubjectType.into_iden(),
                IncidentLink::SubjectId.into_iden(),
            ],
        ))
        .await
}

async fn risk_matrix(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(RiskMatrix::Table)
                .if_not_exists()
                .col(pk_auto(RiskMatrix::Id))
                .col(integer(RiskMatrix::OrganizationId))
                .col(integer(RiskMatrix::LowMax))
                .col(integer(RiskMatrix::MediumMax))
                .col(integer(RiskMatrix::HighMax))
                .col(timestamp_with_time_zone(RiskMatrix::UpdatedAt))
                .foreign_key(&mut org_fk(
                    "fk_risk_matrix_org",
                    RiskMatrix::Table,
                    RiskMatrix::OrganizationId,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(unique(
            "ux_risk_matrix_org",
            RiskMatrix::Table,
            vec![RiskMatrix::OrganizationId.into_iden()],
        ))
        .await
}
