//! Incident response: the append-only timeline of each incident, the notices sent along its
//! escalation route (who was told when, and when someone acknowledged), and the organization's
//! response times (SLAs) per severity.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, org_fk, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Incident {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum IncidentEvent {
    Table,
    Id,
    OrganizationId,
    IncidentId,
    At,
    Actor,
    Kind,
    Note,
}

#[derive(DeriveIden)]
enum IncidentNotice {
    Table,
    Id,
    OrganizationId,
    IncidentId,
    Level,
    Severity,
    BodyId,
    Recipients,
    NotifiedAt,
    AcknowledgeBy,
    AcknowledgedAt,
    AcknowledgedBy,
}

#[derive(DeriveIden)]
enum IncidentSla {
    Table,
    Id,
    OrganizationId,
    Severity,
    AcknowledgeMinutes,
    ResolveMinutes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IncidentEvent::Table)
                    .if_not_exists()
                    .col(pk_auto(IncidentEvent::Id))
                    .col(integer(IncidentEvent::OrganizationId))
                    .col(integer(IncidentEvent::IncidentId))
                    .col(timestamp_with_time_zone(IncidentEvent::At))
                    .col(string(IncidentEvent::Actor))
                    .col(string(IncidentEvent::Kind))
                    .col(text(IncidentEvent::Note))
                    .foreign_key(&mut org_fk(
                        "fk_incident_event_org",
                        IncidentEvent::Table,
                        IncidentEvent::OrganizationId,
                    ))
                    .foreign_key(&mut fk(
                        "fk_incident_event_incident",
                        (IncidentEvent::Table, IncidentEvent::IncidentId),
                        (Incident::Table, Incident::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IncidentNotice::Table)
                    .if_not_exists()
                    .col(pk_auto(IncidentNotice::Id))
                    .col(integer(IncidentNotice::OrganizationId))
                    .col(integer(IncidentNotice::IncidentId))
                    .col(integer(IncidentNotice::Level))
                    .col(string(IncidentNotice::Severity))
                    .col(integer_null(IncidentNotice::BodyId))
                    .col(text(IncidentNotice::Recipients))
                    .col(timestamp_with_time_zone(IncidentNotice::NotifiedAt))
                    .col(timestamp_with_time_zone(IncidentNotice::AcknowledgeBy))
                    .col(timestamp_with_time_zone_null(
                        IncidentNotice::AcknowledgedAt,
                    ))
                    .col(string_null(IncidentNotice::AcknowledgedBy))
                    .foreign_key(&mut org_fk(
                        "fk_incident_notice_org",
                        IncidentNotice::Table,
                        IncidentNotice::OrganizationId,
                    ))
                    .foreign_key(&mut fk(
                        "fk_incident_notice_incident",
                        (IncidentNotice::Table, IncidentNotice::IncidentId),
                        (Incident::Table, Incident::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // Each level is notified once, however many instances see the incident.
        manager
            .create_index(unique(
                "ux_incident_notice_level",
                IncidentNotice::Table,
                vec![
                    IncidentNotice::IncidentId.into_iden(),
                    IncidentNotice::Level.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IncidentSla::Table)
                    .if_not_exists()
                    .col(pk_auto(IncidentSla::Id))
                    .col(integer(IncidentSla::OrganizationId))
                    .col(string(IncidentSla::Severity))
                    .col(integer(IncidentSla::AcknowledgeMinutes))
                    .col(integer(IncidentSla::ResolveMinutes))
                    .foreign_key(&mut org_fk(
                        "fk_incident_sla_org",
                        IncidentSla::Table,
                        IncidentSla::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "ux_incident_sla_severity",
                IncidentSla::Table,
                vec![
                    IncidentSla::OrganizationId.into_iden(),
                    IncidentSla::Severity.into_iden(),
                ],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            IncidentSla::Table.into_iden(),
            IncidentNotice::Table.into_iden(),
            IncidentEvent::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
