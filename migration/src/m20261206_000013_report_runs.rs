//! Report runs record what they covered: the period (`2026-Q3`, or dates) and the scope (JSON:
//! business unit, AI systems, framework), so a stored run can be found and downloaded again.
//! Runs built on request, not by a schedule, use the same table with no schedule.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReportRun {
    Table,
    Period,
    Scope,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(ReportRun::Table)
                    .add_column(string_null(ReportRun::Period))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ReportRun::Table)
                    .add_column(text_null(ReportRun::Scope))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ReportRun::Table)
                    .drop_column(ReportRun::Scope)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ReportRun::Table)
                    .drop_column(ReportRun::Period)
                    .to_owned(),
            )
            .await
    }
}
