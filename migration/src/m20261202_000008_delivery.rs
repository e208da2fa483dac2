//! Scheduled delivery: the organization's people directory, report schedules, stored report runs
//! with their outputs, the outbox (one row per run and recipient) and the background job queue
//! with leases that delivery (and later metric evaluation and escalation) runs on.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, org_fk, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
    OrganizationId,
    Subject,
    DisplayName,
    Email,
    Roles,
    Teams,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReportSchedule {
    Table,
    Id,
    OrganizationId,
    Name,
    ReportKind,
    Formats,
    Cron,
    TimeZone,
    Recipients,
    SubjectTemplate,
    Enabled,
    NextRunAt,
    LastRunAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReportRun {
    Table,
    Id,
    OrganizationId,
    ScheduleId,
    ReportKind,
    Occurrence,
    Trigger,
    Inputs,
    Checksum,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReportOutput {
    Table,
    Id,
    RunId,
    Format,
    MediaType,
    Content,
    Sha256,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    OrganizationId,
    RunId,
    Recipient,
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
enum Job {
    Table,
    Id,
    Kind,
    Payload,
    DedupeKey,
    Status,
    RunAt,
    LeaseOwner,
    LeaseUntil,
    Attempts,
    MaxAttempts,
    LastError,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Person::Table)
                    .if_not_exists()
                    .col(pk_auto(Person::Id))
                    .col(integer(Person::OrganizationId))
                    .col(string(Person::Subject))
                    .col(string(Person::DisplayName))
                    .col(string(Person::Email))
                    .col(text(Person::Roles))
                    .col(text(Person::Teams))
                    .col(timestamp_with_time_zone(Person::CreatedAt))
                    .col(timestamp_with_time_zone(Person::UpdatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_person_org",
                        Person::Table,
                        Person::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "ux_person_subject",
                Person::Table,
                vec![
                    Person::OrganizationId.into_iden(),
                    Person::Subject.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReportSchedule::Table)
                    .if_not_exists()
                    .col(pk_auto(ReportSchedule::Id))
                    .col(integer(ReportSchedule::OrganizationId))
                    .col(string(ReportSchedule::Name))
                    .col(string(ReportSchedule::ReportKind))
                    .col(text(ReportSchedule::Formats))
                    .col(string(ReportSchedule::Cron))
                    .col(string(ReportSchedule::TimeZone))
                    .col(text(ReportSchedule::Recipients))
                    .col(string(ReportSchedule::SubjectTemplate))
                    .col(boolean(ReportSchedule::Enabled))
                    .col(timestamp_with_time_zone_null(ReportSchedule::NextRunAt))
                    .col(timestamp_with_time_zone_null(ReportSchedule::LastRunAt))
                    .col(string(ReportSchedule::CreatedBy))
                    .col(timestamp_with_time_zone(ReportSchedule::CreatedAt))
                    .col(timestamp_with_time_zone(ReportSchedule::UpdatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_report_schedule_org",
                        ReportSchedule::Table,
                        ReportSchedule::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_report_schedule_due")
                    .table(ReportSchedule::Table)
                    .col(ReportSchedule::Enabled)
                    .col(ReportSchedule::NextRunAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReportRun::Table)
                    .if_not_exists()
                    .col(pk_auto(ReportRun::Id))
                    .col(integer(ReportRun::OrganizationId))
                    .col(integer_null(ReportRun::ScheduleId))
                    .col(string(ReportRun::ReportKind))
                    .col(string(ReportRun::Occurrence))
                    .col(string(ReportRun::Trigger))
                    .col(text(ReportRun::Inputs))
                    .col(string(ReportRun::Checksum))
                    .col(timestamp_with_time_zone(ReportRun::CreatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_report_run_org",
                        ReportRun::Table,
                        ReportRun::OrganizationId,
                    ))
                    .foreign_key(&mut fk(
                        "fk_report_run_schedule",
                        (ReportRun::Table, ReportRun::ScheduleId),
                        (ReportSchedule::Table, ReportSchedule::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // One run per schedule and occurrence: two instances that both see a schedule due
        // cannot both store a run for it.
        manager
            .create_index(unique(
                "ux_report_run_occurrence",
                ReportRun::Table,
                vec![
                    ReportRun::ScheduleId.into_iden(),
                    ReportRun::Occurrence.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReportOutput::Table)
                    .if_not_exists()
                    .col(pk_auto(ReportOutput::Id))
                    .col(integer(ReportOutput::RunId))
                    .col(string(ReportOutput::Format))
                    .col(string(ReportOutput::MediaType))
                    .col(blob(ReportOutput::Content))
                    .col(string(ReportOutput::Sha256))
                    .foreign_key(&mut fk(
                        "fk_report_output_run",
                        (ReportOutput::Table, ReportOutput::RunId),
                        (ReportRun::Table, ReportRun::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .if_not_exists()
                    .col(pk_auto(Outbox::Id))
                    .col(integer(Outbox::OrganizationId))
                    .col(integer(Outbox::RunId))
                    .col(string(Outbox::Recipient))
                    .col(string(Outbox::MessageId))
                    .col(string(Outbox::Status))
                    .col(integer(Outbox::Attempts))
                    .col(text_null(Outbox::LastError))
                    .col(text_null(Outbox::SmtpReply))
                    .col(timestamp_with_time_zone_null(Outbox::SentAt))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(timestamp_with_time_zone(Outbox::UpdatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_outbox_org",
                        Outbox::Table,
                        Outbox::OrganizationId,
                    ))
                    .foreign_key(&mut fk(
                        "fk_outbox_run",
                        (Outbox::Table, Outbox::RunId),
                        (ReportRun::Table, ReportRun::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "ux_outbox_run_recipient",
                Outbox::Table,
                vec![Outbox::RunId.into_iden(), Outbox::Recipient.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Job::Table)
                    .if_not_exists()
                    .col(pk_auto(Job::Id))
                    .col(string(Job::Kind))
                    .col(text(Job::Payload))
                    .col(string(Job::DedupeKey))
                    .col(string(Job::Status))
                    .col(timestamp_with_time_zone(Job::RunAt))
                    .col(string_null(Job::LeaseOwner))
                    .col(timestamp_with_time_zone_null(Job::LeaseUntil))
                    .col(integer(Job::Attempts))
                    .col(integer(Job::MaxAttempts))
                    .col(text_null(Job::LastError))
                    .col(timestamp_with_time_zone(Job::CreatedAt))
                    .col(timestamp_with_time_zone(Job::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // The same work is enqueued once, however many instances notice it.
        manager
            .create_index(unique(
                "ux_job_dedupe",
                Job::Table,
                vec![Job::DedupeKey.into_iden()],
            ))
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_job_ready")
                    .table(Job::Table)
                    .col(Job::Status)
                    .col(Job::RunAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Job::Table.into_iden(),
            Outbox::Table.into_iden(),
            ReportOutput::Table.into_iden(),
            ReportRun::Table.into_iden(),
            ReportSchedule::Table.into_iden(),
            Person::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
