//! Stored report runs: a run keeps its kind, period, scope, the checksum of the data it was built
//! from, and every output with its sha256, so the same report is downloaded again byte for byte
//! (auditors compare what the board saw with what it sees now). Schedules store theirs through
//! `delivery::runs`; runs asked for on demand are stored here, in one audited write.

use chrono::{DateTime, Utc};
use entity::{report_output, report_run};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::render::Format;
use super::{Built, Rendered, ReportKind, Request};
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::kernel::write::{Entity, Write};
use crate::error::{AppError, AppResult};

/// Most formats one run may hold.
pub const MAX_FORMATS: usize = 6;

/// One stored output of a run.
#[derive(Debug, Clone, Serialize)]
pub struct StoredOutput {
    /// The format, with its table for CSV: `pdf`, `csv:incidents`.
    pub format: String,
    pub media_type: String,
    pub file_name: String,
    pub sha256: String,
    pub bytes: u64,
    /// The download path under the API root: `/report-runs/7/csv?table=incidents`.
    pub url: String,
}

/// A stored run.
#[derive(Debug, Clone, Serialize)]
pub struct StoredRun {
    pub id: i32,
    pub kind: String,
    pub period: Option<String>,
    pub scope: Option<serde_json::Value>,
    pub trigger: String,
    pub schedule_id: Option<i32>,
    /// sha256 of the report's structured data: equal data, equal checksum.
    pub data_sha256: Option<String>,
    /// sha256 over the outputs' sha256s.
    pub checksum: String,
    pub created_at: DateTime<Utc>,
    pub outputs: Vec<StoredOutput>,
}

/// The stored format word of a rendered file.
pub fn format_word(format: Format, rendered: &Rendered) -> String {
    match &rendered.table {
        Some(table) => format!("{}:{table}", format.name()),
        None => format.name().to_string(),
    }
}

/// The download path of a stored output.
pub fn url_of(run_id: i32, stored_format: &str) -> String {
    match stored_format.split_once(':') {
        Some((format, table)) => format!("/report-runs/{run_id}/{format}?table={table}"),
        None => format!("/report-runs/{run_id}/{stored_format}"),
    }
}

/// A rendered file ready to store.
pub struct Output {
    pub format: String,
    pub media_type: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

/// Every file of `built` in `formats`.
pub fn outputs(built: &Built, formats: &[Format]) -> AppResult<Vec<Output>> {
    let mut out = Vec::new();
    for format in formats {
        for rendered in built.render_all(*format)? {
            let sha256 = hex::encode(Sha256::digest(&rendered.body));
            out.push(Output {
                format: format_word(*format, &rendered),
                media_type: rendered.media_type.into(),
                file_name: rendered.file_name,
                bytes: rendered.body,
                sha256,
            });
        }
    }
    Ok(out)
}

/// [`outputs`] on the blocking pool; gives the report back with its files.
pub async fn outputs_blocking(
    built: Built,
    formats: Vec<Format>,
) -> AppResult<(Built, Vec<Output>)> {
    crate::domain::kernel::blocking::run(move || {
        let files = outputs(&built, &formats)?;
        Ok((built, files))
    })
    .await
}

/// sha256 over the outputs' sha256s, one per line in order.
pub fn checksum(outputs: &[Output]) -> String {
    let joined: Vec<&str> = outputs.iter().map(|o| o.sha256.as_str()).collect();
    hex::encode(Sha256::digest(joined.join("\n").as_bytes()))
}

/// sha256 of the built report's structured data.
pub fn data_sha256(built: &Built) -> AppResult<String> {
    let bytes = serde_json::to_vec(&built.data).map_err(AppError::internal)?;
    Ok(hex::encode(Sha256::digest(bytes)))
}

/// Stores the outputs of run `run_id`.
pub async fn insert_outputs<C: ConnectionTrait>(
    db: &C,
    run_id: i32,
    outputs: Vec<Output>,
) -> AppResult<()> {
    for o in outputs {
        report_output::ActiveModel {
            run_id: Set(run_id),
            format: Set(o.format),
            media_type: Set(o.media_type),
            content: Set(o.bytes),
            sha256: Set(o.sha256),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Parses the formats asked for (at least one, no repeats).
pub fn parse_formats(names: &[String]) -> AppResult<Vec<Format>> {
    if names.is_empty() || names.len() > MAX_FORMATS {
        return Err(AppError::rule(
            "formats",
            "count",
            format!("name between 1 and {MAX_FORMATS} formats"),
        ));
    }
    let mut formats = Vec::new();
    for name in names {
        let format = Format::parse(name)?;
        if !formats.contains(&format) {
            formats.push(format);
        }
    }
    Ok(formats)
}

/// Builds a report now and stores it with its outputs in `formats`.
pub async fn build_and_store(
    services: &Services,
    viewer: &Viewer,
    request: &Request,
    formats: &[Format],
) -> AppResult<StoredRun> {
    viewer.require(Permission::ReadRecords)?;
    let built = super::build(services, viewer, request).await?;
    let data_sha = data_sha256(&built)?;
    let (built, outputs) = outputs_blocking(built, formats.to_vec()).await?;
    let checksum = checksum(&outputs);
    let organization_id = viewer.organization_id()?;
    let scope = serde_json::to_string(&request.scope).map_err(AppError::internal)?;
    let mut txn = Write::begin(services, viewer).await?;
    txn.set_organization(organization_id);
    let now = txn.now();
    let run = report_run::ActiveModel {
        organization_id: Set(organization_id),
        schedule_id: Set(None),
        report_kind: Set(request.kind.as_str().into()),
        occurrence: Set(now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        trigger: Set("manual".into()),
        inputs: Set(json!({
            "data_sha256": data_sha,
            "formats": formats.iter().map(|f| f.name()).collect::<Vec<_>>(),
            "period": { "label": built.period.label, "from": built.period.from, "to": built.period.to },
            "scope": request.scope,
        })
        .to_string()),
        checksum: Set(checksum),
        created_at: Set(now),
        period: Set(Some(built.period.label.clone())),
        scope: Set(Some(scope)),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    insert_outputs(&*txn, run.id, outputs).await?;
    let stored = describe(&*txn, run).await?;
    txn.created(Entity::ReportRun, stored.id, &stored).await?;
    txn.commit().await?;
    Ok(stored)
}

/// An output's description without its bytes.
#[derive(Debug, FromQueryResult)]
struct OutputRow {
    run_id: i32,
    format: String,
    media_type: String,
    sha256: String,
    bytes: i64,
}

async fn describe<C: ConnectionTrait>(db: &C, run: report_run::Model) -> AppResult<StoredRun> {
    describe_all(db, vec![run])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("a stored run was not described")))
}

/// Describes runs with one query for all their outputs' metadata (never their bytes).
async fn describe_all<C: ConnectionTrait>(
    db: &C,
    runs: Vec<report_run::Model>,
) -> AppResult<Vec<StoredRun>> {
    let mut outputs: Vec<OutputRow> = Vec::new();
    let ids: Vec<i32> = runs.iter().map(|r| r.id).collect();
    // Bounded IN lists keep every backend under its bind-parameter limit.
    for chunk in ids.chunks(1_000) {
        outputs.extend(
            report_output::Entity::find()
                .select_only()
                .column(report_output::Column::RunId)
                .column(report_output::Column::Format)
                .column(report_output::Column::MediaType)
                .column(report_output::Column::Sha256)
                // length() counts a blob's bytes on SQLite and a bytea's on PostgreSQL (as int4 there,
                // hence the cast).
                .column_as(Expr::cust("CAST(length(content) AS BIGINT)"), "bytes")
                .filter(report_output::Column::RunId.is_in(chunk.iter().copied()))
                .order_by_asc(report_output::Column::Id)
                .into_model::<OutputRow>()
                .all(db)
                .await?,
        );
    }
    let mut by_run: std::collections::HashMap<i32, Vec<OutputRow>> = Default::default();
    for output in outputs {
        by_run.entry(output.run_id).or_default().push(output);
    }
    runs.into_iter()
        .map(|run| {
            let inputs: serde_json::Value = serde_json::from_str(&run.inputs).unwrap_or(json!({}));
            let date = run.created_at.format("%Y-%m-%d").to_string();
            Ok(StoredRun {
                id: run.id,
                kind: run.report_kind.clone(),
                period: run.period.clone(),
                scope: run
                    .scope
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()
                    .map_err(AppError::internal)?,
                trigger: run.trigger.clone(),
                schedule_id: run.schedule_id,
                data_sha256: inputs
                    .get("data_sha256")
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
                checksum: run.checksum.clone(),
                created_at: run.created_at,
                outputs: by_run
                    .remove(&run.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|o| StoredOutput {
                        file_name: file_name(&run, &o.format, &date),
                        url: url_of(run.id, &o.format),
                        bytes: u64::try_from(o.bytes).unwrap_or(0),
                        format: o.format,
                        media_type: o.media_type,
                        sha256: o.sha256,
                    })
                    .collect(),
            })
        })
        .collect()
}

/// The file name of a stored output: kind, run, period (or date), table.
pub fn file_name(run: &report_run::Model, stored_format: &str, date: &str) -> String {
    let (format, table) = match stored_format.split_once(':') {
        Some((format, table)) => (format, Some(table)),
        None => (stored_format, None),
    };
    let extension = Format::parse(format).map_or("bin", Format::extension);
    let period = run
        .period
        .as_deref()
        .map_or_else(|| date.to_string(), |p| p.replace("..", "_to_"));
    match table {
        Some(table) => format!(
            "{}-run{}-{period}-{table}.{extension}",
            run.report_kind, run.id
        ),
        None => format!("{}-run{}-{period}.{extension}", run.report_kind, run.id),
    }
}

/// Stored runs of the viewer's organization, newest first, optionally of one kind.
pub async fn list(
    services: &Services,
    viewer: &Viewer,
    kind: Option<ReportKind>,
) -> AppResult<Vec<StoredRun>> {
    viewer.require(Permission::ReadRecords)?;
    let mut query = report_run::Entity::find()
        .filter(report_run::Column::OrganizationId.eq(viewer.organization_id()?));
    if let Some(kind) = kind {
        query = query.filter(report_run::Column::ReportKind.eq(kind.as_str()));
    }
    let runs = query
        .order_by_desc(report_run::Column::Id)
        .all(&services.db)
        .await?;
    describe_all(&services.db, runs).await
}

/// One stored run.
pub async fn get(services: &Services, viewer: &Viewer, run_id: i32) -> AppResult<StoredRun> {
    describe(&services.db, find(services, viewer, run_id).await?).await
}

async fn find(services: &Services, viewer: &Viewer, run_id: i32) -> AppResult<report_run::Model> {
    viewer.require(Permission::ReadRecords)?;
    report_run::Entity::find_by_id(run_id)
        .filter(report_run::Column::OrganizationId.eq(viewer.organization_id()?))
        .one(&services.db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("report run {run_id}")))
}

/// A stored output's media type, file name and bytes, exactly as stored.
pub async fn output(
    services: &Services,
    viewer: &Viewer,
    run_id: i32,
    format: Format,
    table: Option<&str>,
) -> AppResult<(String, String, Vec<u8>)> {
    let run = find(services, viewer, run_id).await?;
    let word = match table {
        Some(table) => format!("{}:{table}", format.name()),
        None => format.name().to_string(),
    };
    let mut query = report_output::Entity::find().filter(report_output::Column::RunId.eq(run.id));
    query = if format == Format::Csv && table.is_none() {
        // The first table when none is named.
        query.filter(report_output::Column::Format.starts_with("csv"))
    } else {
        query.filter(report_output::Column::Format.eq(word.as_str()))
    };
    let stored = query
        .order_by_asc(report_output::Column::Id)
        .one(&services.db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("{word} output of run {run_id}")))?;
    let date = run.created_at.format("%Y-%m-%d").to_string();
    Ok((
        stored.media_type,
        file_name(&run, &stored.format, &date),
        stored.content,
    ))
}
