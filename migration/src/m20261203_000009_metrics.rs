//! Monitoring metrics: definitions with thresholds and the controls they evidence, one row per
//! series (definition x AI system x model version x segment) with its evaluation state, the points
//! themselves as compressed columnar chunks (never a row per point), breach episodes, the
//! incidents they open, and notifications (single emails outside report delivery, such as a
//! metric warning to an AI system's accountable person).

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, org_fk, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MetricDefinition {
    Table,
    Id,
    OrganizationId,
    Key,
    Name,
    Description,
    Kind,
    Unit,
    Direction,
    Window,
    Statistic,
    WarningThreshold,
    BreachThreshold,
    OpenAfter,
    CloseAfter,
    StaleAfterHours,
    IncidentSeverity,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MetricControl {
    Table,
    Id,
    OrganizationId,
    DefinitionId,
    ControlId,
}

#[derive(DeriveIden)]
enum MetricSeries {
    Table,
    Id,
    OrganizationId,
    DefinitionId,
    AiSystemId,
    ModelVersionId,
    Segment,
    SeriesKey,
    FirstAt,
    LastAt,
    Points,
    EvaluatedUntil,
    Level,
    BreachStreak,
    BreachStartedAt,
    HealthyStreak,
    LastValue,
    OpenEpisodeId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MetricChunk {
    Table,
    Id,
    OrganizationId,
    SeriesId,
    PeriodStart,
    FirstAt,
    LastAt,
    Points,
    Compacted,
    Data,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MetricEpisode {
    Table,
    Id,
    OrganizationId,
    SeriesId,
    Status,
    OpenedAt,
    LastBreachAt,
    ClosedAt,
    BreachingWindows,
    Peak,
    IncidentId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Incident {
    Table,
    Id,
    OrganizationId,
    AiSystemId,
    ModelVersionId,
    Title,
    Description,
    Severity,
    Category,
    Status,
    OccurredAt,
    DetectedAt,
    AcknowledgedAt,
    ResolvedAt,
    ClosedAt,
    Resolution,
    MetricEpisodeId,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Notification {
    Table,
    Id,
    OrganizationId,
    Topic,
    SubjectType,
    SubjectId,
    Recipient,
    Subject,
    Body,
    MessageId,
    Status,
    Attempts,
    LastError,
    SmtpReply,
    SentAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Control {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AiSystem {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MetricDefinition::Table)
                    .if_not_exists()
                    .col(pk_auto(MetricDefinition::Id))
                    .col(integer(MetricDefinition::OrganizationId))
                    .col(string(MetricDefinition::Key))
                    .col(string(MetricDefinition::Name))
                    .col(text(MetricDefinition::Description))
                    .col(string(MetricDefinition::Kind))
                    .col(string(MetricDefinition::Unit))
                    .col(string(MetricDefinition::Direction))
                    .col(string(MetricDefinition::Window))
                    .col(string(MetricDefinition::Statistic))
                    .col(double_null(MetricDefinition::WarningThreshold))
                    .col(double_null(MetricDefinition::BreachThreshold))
                    .col(integer(MetricDefinition::OpenAfter))
                    .col(integer(MetricDefinition::CloseAfter))
                    .col(integer(MetricDefinition::StaleAfterHours))
                    .col(string(MetricDefinition::IncidentSeverity))
                    .col(timestamp_with_time_zone(MetricDefinition::CreatedAt))
                    .col(timestamp_with_time_zone(MetricDefinition::UpdatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_metric_definition_org",
                        MetricDefinition::Table,
                        MetricDefinition::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "ux_metric_definition_key",
                MetricDefinition::Table,
                vec![
                    MetricDefinition::OrganizationId.into_iden(),
                    MetricDefinition::Key.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MetricControl::Table)
                    .if_not_exists()
                    .col(pk_auto(MetricControl::Id))
                    .col(integer(MetricControl::OrganizationId))
                    .col(integer(MetricControl::DefinitionId))
                    .col(integer(MetricControl::ControlId))
                    .foreign_key(&mut org_fk(
                        "fk_metric_control_org",
                        MetricControl::Table,
                        MetricControl::OrganizationId,
                    ))
                    .foreign_key(&mut fk(
                        "fk_metric_control_definition",
                        (MetricControl::Table, MetricControl::DefinitionId),
                        (MetricDefinition::Table, MetricDefinition::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_metric_control_control",
                        (MetricControl::Table, MetricControl::ControlId),
                        (Control::Table, Control::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "ux_metric_control",
                MetricControl::Table,
                vec![
                    MetricControl::DefinitionId.into_iden(),
                    MetricControl::ControlId.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MetricSeries::Table)
                    .if_not_exists()
                    .col(pk_auto(MetricSeries::Id))
                    .col(integer(MetricSeries::OrganizationId))
                    .col(integer(MetricSeries::DefinitionId))
                    .col(integer(MetricSeries::AiSystemId))
                    .col(integer_null(MetricSeries::ModelVersionId))
                    .col(string(MetricSeries::Segment))
                    .col(string(MetricSeries::SeriesKey))
                    .col(timestamp_with_time_zone_null(MetricSeries::FirstAt))
                    .col(timestamp_with_time_zone_null(MetricSeries::LastAt))
                    .col(big_integer(MetricSeries::Points))
                    .col(timestamp_with_time_zone_null(MetricSeries::EvaluatedUntil))
                    .col(string(MetricSeries::Level))
                    .col(integer(MetricSeries::BreachStreak))
                    .col(timestamp_with_time_zone_null(MetricSeries::BreachStartedAt))
                    .col(integer(MetricSeries::HealthyStreak))
                    .col(double_null(MetricSeries::LastValue))
                    .col(integer_null(MetricSeries::OpenEpisodeId))
                    .col(timestamp_with_time_zone(MetricSeries::CreatedAt))
                    .col(timestamp_with_time_zone(MetricSeries::UpdatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_metric_series_org",
                        MetricSeries::Table,
                        MetricSeries::OrganizationId,
                    ))
                    .foreign_key(&mut fk(
                        "fk_metric_series_definition",
                        (MetricSeries::Table, MetricSeries::DefinitionId),
                        (MetricDefinition::Table, MetricDefinition::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_metric_series_ai_system",
                        (MetricSeries::Table, MetricSeries::AiSystemId),
                        (AiSystem::Table, AiSystem::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "ux_metric_series_key",
                MetricSeries::Table,
                vec![
                    MetricSeries::OrganizationId.into_iden(),
                    MetricSeries::SeriesKey.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MetricChunk::Table)
                    .if_not_exists()
                    .col(pk_auto(MetricChunk::Id))
                    .col(integer(MetricChunk::OrganizationId))
                    .col(integer(MetricChunk::SeriesId))
                    .col(timestamp_with_time_zone(MetricChunk::PeriodStart))
                    .col(timestamp_with_time_zone(MetricChunk::FirstAt))
                    .col(timestamp_with_time_zone(MetricChunk::LastAt))
                    .col(integer(MetricChunk::Points))
                    .col(boolean(MetricChunk::Compacted))
                    .col(blob(MetricChunk::Data))
                    .col(timestamp_with_time_zone(MetricChunk::CreatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_metric_chunk_org",
                        MetricChunk::Table,
                        MetricChunk::OrganizationId,
                    ))
                    .foreign_key(&mut fk(
                        "fk_metric_chunk_series",
                        (MetricChunk::Table, MetricChunk::SeriesId),
                        (MetricSeries::Table, MetricSeries::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_metric_chunk_series_period")
                    .table(MetricChunk::Table)
                    .col(MetricChunk::SeriesId)
                    .col(MetricChunk::PeriodStart)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MetricEpisode::Table)
                    .if_not_exists()
                    .col(pk_auto(MetricEpisode::Id))
                    .col(integer(MetricEpisode::OrganizationId))
                    .col(integer(MetricEpisode::SeriesId))
                    .col(string(MetricEpisode::Status))
                    .col(timestamp_with_time_zone(MetricEpisode::OpenedAt))
                    .col(timestamp_with_time_zone(MetricEpisode::LastBreachAt))
                    .col(timestamp_with_time_zone_null(MetricEpisode::ClosedAt))
                    .col(integer(MetricEpisode::BreachingWindows))
                    .col(double(MetricEpisode::Peak))
                    .col(integer_null(MetricEpisode::IncidentId))
                    .col(timestamp_with_time_zone(MetricEpisode::CreatedAt))
                    .col(timestamp_with_time_zone(MetricEpisode::UpdatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_metric_episode_org",
                        MetricEpisode::Table,
                        MetricEpisode::OrganizationId,
                    ))
                    .foreign_key(&mut fk(
                        "fk_metric_episode_series",
                        (MetricEpisode::Table, MetricEpisode::SeriesId),
                        (MetricSeries::Table, MetricSeries::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // One episode per series and opening window: a re-run evaluation cannot open it twice.
        manager
            .create_index(unique(
                "ux_metric_episode_opened",
                MetricEpisode::Table,
                vec![
                    MetricEpisode::SeriesId.into_iden(),
                    MetricEpisode::OpenedAt.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Incident::Table)
                    .if_not_exists()
                    .col(pk_auto(Incident::Id))
                    .col(integer(Incident::OrganizationId))
                    .col(integer_null(Incident::AiSystemId))
                    .col(integer_null(Incident::ModelVersionId))
                    .col(string(Incident::Title))
                    .col(text(Incident::Description))
                    .col(string(Incident::Severity))
                    .col(string(Incident::Category))
                    .col(string(Incident::Status))
                    .col(timestamp_with_time_zone(Incident::OccurredAt))
                    .col(timestamp_with_time_zone(Incident::DetectedAt))
                    .col(timestamp_with_time_zone_null(Incident::AcknowledgedAt))
                    .col(timestamp_with_time_zone_null(Incident::ResolvedAt))
                    .col(timestamp_with_time_zone_null(Incident::ClosedAt))
                    .col(text_null(Incident::Resolution))
                    .col(integer_null(Incident::MetricEpisodeId))
                    .col(string(Incident::CreatedBy))
                    .col(timestamp_with_time_zone(Incident::CreatedAt))
                    .col(timestamp_with_time_zone(Incident::UpdatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_incident_org",
                        Incident::Table,
                        Incident::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_incident_org_status")
                    .table(Incident::Table)
                    .col(Incident::OrganizationId)
                    .col(Incident::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Notification::Table)
                    .if_not_exists()
                    .col(pk_auto(Notification::Id))
                    .col(integer(Notification::OrganizationId))
                    .col(string(Notification::Topic))
                    .col(string(Notification::SubjectType))
                    .col(integer(Notification::SubjectId))
                    .col(string(Notification::Recipient))
                    .col(string(Notification::Subject))
                    .col(text(Notification::Body))
                    .col(string(Notification::MessageId))
                    .col(string(Notification::Status))
                    .col(integer(Notification::Attempts))
                    .col(text_null(Notification::LastError))
                    .col(text_null(Notification::SmtpReply))
                    .col(timestamp_with_time_zone_null(Notification::SentAt))
                    .col(timestamp_with_time_zone(Notification::CreatedAt))
                    .col(timestamp_with_time_zone(Notification::UpdatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_notification_org",
                        Notification::Table,
                        Notification::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "ux_notification_message",
                Notification::Table,
                vec![Notification::MessageId.into_iden()],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Notification::Table.into_iden(),
            Incident::Table.into_iden(),
            MetricEpisode::Table.into_iden(),
            MetricChunk::Table.into_iden(),
            MetricSeries::Table.into_iden(),
            MetricControl::Table.into_iden(),
            MetricDefinition::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
