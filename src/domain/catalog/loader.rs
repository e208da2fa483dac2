//! Loads the embedded catalogs into the database.
//!
//! Idempotent: a framework version whose file checksum is already recorded is skipped, so restarts
//! never duplicate rows. Versioned: a new version of a framework loads beside the old one (the
//! unique key is slug + version). A changed file at the same version is re-applied in place:
//! rows are matched by their ref id, so ids (and everything that points at them) stay stable.

use std::collections::{HashMap, HashSet};

use entity::{framework, requirement};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use sha2::{Digest, Sha256};

use super::embedded::{CatalogFile, EMBEDDED_CATALOGS};
use super::urn::requirement_urn;
use crate::db::begin_write;
use crate::error::{AppError, AppResult};

/// What loading did to one framework version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadOutcome {
    Inserted,
    Updated,
    Unchanged,
}

/// Loads every embedded catalog; returns `(slug, version, outcome)` per catalog.
pub async fn load_embedded(
    db: &DatabaseConnection,
) -> AppResult<Vec<(String, String, LoadOutcome)>> {
    load(db, EMBEDDED_CATALOGS).await
}

/// Loads catalog files given as `(name, JSON text)`; the same rules as the embedded catalogs.
pub async fn load(
    db: &DatabaseConnection,
    files: &[(&str, &str)],
) -> AppResult<Vec<(String, String, LoadOutcome)>> {
    let mut report = Vec::new();
    for (name, raw) in files {
        let file: CatalogFile = serde_json::from_str(raw)
            .map_err(|err| AppError::internal(anyhow::anyhow!("embedded catalog {name}: {err}")))?;
        validate(&file).map_err(|msg| AppError::internal(anyhow::anyhow!("{name}: {msg}")))?;
        let checksum = hex::encode(Sha256::digest(raw.as_bytes()));
        // Two instances starting together on PostgreSQL may race to insert the same version; the
        // loser sees a conflict and, on retry, finds the winner's rows with the same checksum.
        let mut attempt = 0;
        let outcome = loop {
            match load_one(db, &file, &checksum).await {
                Err(AppError::Conflict(_)) if attempt < 2 => attempt += 1,
                other => break other?,
            }
        };
        report.push((file.slug.clone(), file.version.clone(), outcome));
    }
    Ok(report)
}

/// Checks that refs are unique and every parent appears before its children.
fn validate(file: &CatalogFile) -> Result<(), String> {
    let mut seen = HashSet::new();
    for row in &file.requirements {
        if let Some(parent) = &row.parent
            && !seen.contains(parent.as_str())
        {
            return Err(format!(
                "{}: parent {parent} is not defined before it",
                row.ref_id
            ));
        }
        if !seen.insert(row.ref_id.as_str()) {
            return Err(format!("duplicate ref {}", row.ref_id));
        }
    }
    Ok(())
}

async fn load_one(
    db: &DatabaseConnection,
    file: &CatalogFile,
    checksum: &str,
) -> AppResult<LoadOutcome> {
    let existing = framework::Entity::find()
        .filter(framework::Column::Slug.eq(&file.slug))
        .filter(framework::Column::Version.eq(&file.version))
        .one(db)
        .await?;
    if existing.as_ref().is_some_and(|fw| fw.checksum == checksum) {
        return Ok(LoadOutcome::Unchanged);
    }

    let txn = begin_write(db).await?;
    let mut active = framework::ActiveModel {
        slug: Set(file.slug.clone()),
        name: Set(file.name.clone()),
        short_name: Set(file.short_name.clone()),
        version: Set(file.version.clone()),
        publisher: Set(file.publisher.clone()),
        published: Set(file.published.clone()),
        licence: Set(file.licence.clone()),
        source: Set(file.source.clone()),
        checksum: Set(checksum.to_string()),
        // When this server loaded the catalog: infrastructure metadata, not domain time.
        loaded_at: Set(crate::domain::kernel::clock::Clock::system().now()),
        ..Default::default()
    };
    let outcome = if existing.is_some() {
        LoadOutcome::Updated
    } else {
        LoadOutcome::Inserted
    };
    if let Some(fw) = &existing {
        active.id = Set(fw.id);
    }
    let framework_id = match existing {
        Some(_) => active.update(&txn).await?.id,
        None => active.insert(&txn).await?.id,
    };

    let current: HashMap<String, requirement::Model> = requirement::Entity::find()
        .filter(requirement::Column::FrameworkId.eq(framework_id))
        .order_by_asc(requirement::Column::Ord)
        .all(&txn)
        .await?
        .into_iter()
        .map(|row| (row.ref_id.clone(), row))
        .collect();

    // Parents precede children (checked by `validate`), so a parent's id and depth are known
    // by the time its children are written.
    let mut ids_by_ref: HashMap<&str, (i32, i32)> = HashMap::new();
    for (ord, row) in file.requirements.iter().enumerate() {
        let (parent_id, depth) = match &row.parent {
            Some(parent) => {
                let (id, parent_depth) =
                    ids_by_ref.get(parent.as_str()).copied().ok_or_else(|| {
                        AppError::internal(anyhow::anyhow!(
                            "{}: unknown parent {parent}",
                            row.ref_id
                        ))
                    })?;
                (Some(id), parent_depth + 1)
            }
            None => (None, 0),
        };
        let examples = serde_json::to_string(&row.examples).map_err(AppError::internal)?;
        let mut model = requirement::ActiveModel {
            framework_id: Set(framework_id),
            ref_id: Set(row.ref_id.clone()),
            urn: Set(requirement_urn(&file.slug, &file.version, &row.ref_id)),
            kind: Set(row.kind.clone()),
            parent_id: Set(parent_id),
            title: Set(row.title.clone()),
            text: Set(row.text.clone()),
            examples: Set(examples),
            ord: Set(i32::try_from(ord).map_err(AppError::internal)?),
            depth: Set(depth),
            ..Default::default()
        };
        let id = match current.get(&row.ref_id) {
            Some(old) => {
                model.id = Set(old.id);
                model.update(&txn).await?.id
            }
            None => model.insert(&txn).await?.id,
        };
        ids_by_ref.insert(row.ref_id.as_str(), (id, depth));
    }
    txn.commit().await?;
    Ok(outcome)
}
