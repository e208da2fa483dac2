//! The AI risk register: risks of the organization (optionally of one AI system, optionally from a
//! threat of the threat library) rated likelihood x impact on 1-5 scales, before treatment
//! (inherent) and after (residual), with the treatment, owner, status, decision record and the
//! common controls that treat them.
//!
//! Rules: residual risk never exceeds inherent risk; accepting a risk (treatment `accept` or status
//! `accepted`) needs a decision record, as ISO/IEC 42001 6.1.3 asks risk owners to approve
//! residual risk; a risk of an AI system names a system of the same organization.

pub mod matrix;
mod register;
pub mod threats;
pub mod unmitigated;

pub(crate) use register::create_in;
pub use register::{RiskInput, create, set_controls, update};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{control, risk, risk_control};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::Services;
use crate::domain::controls::{ControlStatus, Effectiveness};
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::{Vocabulary, vocabulary};
use crate::error::{AppError, AppResult};

vocabulary! {
    /// What kind of harm a risk is about.
    pub enum Category {
        Security => "security",
        Privacy => "privacy",
        Fairness => "fairness",
        Safety => "safety",
        Reliability => "reliability",
        Transparency => "transparency",
        Accountability => "accountability",
        Ethics => "ethics",
        Legal => "legal",
        Other => "other",
    }
}

vocabulary! {
    /// How a risk is treated (ISO/IEC 23894 / 31000 options).
    pub enum Treatment {
        Mitigate => "mitigate",
        Accept => "accept",
        Transfer => "transfer",
        Avoid => "avoid",
    }
}

vocabulary! {
    /// Where a risk is in its workflow; every status but `closed` is open.
    pub enum RiskStatus {
        Identified => "identified",
        Assessed => "assessed",
        Treating => "treating",
        Accepted => "accepted",
        Closed => "closed",
    }
}

vocabulary! {
    /// The band of a likelihood x impact score, lowest first.
    pub enum Level {
        Low => "low",
        Medium => "medium",
        High => "high",
        Critical => "critical",
    }
}

/// A likelihood x impact rating, each 1 (rare / negligible) to 5 (almost certain / severe).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rating {
    pub likelihood: u8,
    pub impact: u8,
}

impl Rating {
    /// Checks both scales.
    pub fn new(field: &str, likelihood: i64, impact: i64) -> AppResult<Rating> {
        let scale = |name: &str, v: i64| {
            u8::try_from(v)
                .ok()
                .filter(|v| (1..=5).contains(v))
                .ok_or_else(|| {
                    let mut path = String::from(field);
                    let mut chars = name.chars();
                    if let Some(first) = chars.next() {
                        path.push(first.to_ascii_uppercase());
                        path.push_str(chars.as_str());
                    }
                    AppError::rule(path, "scale_1_to_5", format!("{field} {name} must be 1-5"))
                })
        };
        Ok(Rating {
            likelihood: scale("likelihood", likelihood)?,
            impact: scale("impact", impact)?,
        })
    }

    pub fn score(self) -> u8 {
        self.likelihood * self.impact
    }
}

/// The level of a stored risk's current rating (residual when rated, inherent otherwise) under
/// the organization's bands.
pub fn current_level(
    row: &entity::risk::Model,
    bands: matrix::Bands,
) -> crate::error::AppResult<Level> {
    level_of_stored(
        row.id,
        (row.inherent_likelihood, row.inherent_impact),
        (row.residual_likelihood, row.residual_impact),
        bands,
    )
}

/// The level of stored ratings: the residual one when both its scales are set, else the
/// inherent one.
pub fn level_of_stored(
    id: i32,
    inherent: (i16, i16),
    residual: (Option<i16>, Option<i16>),
    bands: matrix::Bands,
) -> crate::error::AppResult<Level> {
    let rating = match residual {
        (Some(l), Some(i)) => (l, i),
        _ => inherent,
    };
    let score = u8::try_from(rating.0 * rating.1).map_err(|_| {
        crate::error::AppError::internal(anyhow::anyhow!("risk {id} rating out of range"))
    })?;
    Ok(bands.level(score))
}

/// A control linked to a risk, with the state that says whether it treats it yet.
#[derive(Debug, Clone, Serialize)]
pub struct TreatingControl {
    pub id: i32,
    pub code: String,
    pub title: String,
    pub status: ControlStatus,
    pub effectiveness: Effectiveness,
}

/// A risk of the register.
#[derive(Debug, Clone, Serialize)]
pub struct Risk {
    pub id: i32,
    pub ai_system_id: Option<i32>,
    pub title: String,
    pub description: String,
    pub threat: Option<String>,
    pub category: Category,
    pub inherent: Rating,
    pub residual: Option<Rating>,
    pub treatment: Treatment,
    pub owner: String,
    pub status: RiskStatus,
    pub decision: Option<String>,
    pub review_due: Option<NaiveDate>,
    pub controls: Vec<TreatingControl>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The organization's matrix bands the levels are read with.
    #[serde(skip)]
    pub bands: matrix::Bands,
}

impl Risk {
    /// The rating that stands now: residual once assessed, inherent before.
    pub fn current(&self) -> Rating {
        self.residual.unwrap_or(self.inherent)
    }

    /// The level of the current rating under the organization's bands.
    pub fn level(&self) -> Level {
        self.bands.level(self.current().score())
    }

    pub fn is_open(&self) -> bool {
        self.status != RiskStatus::Closed
    }

    pub fn review_overdue(&self, today: NaiveDate) -> bool {
        self.is_open() && self.review_due.is_some_and(|due| due < today)
    }
}

fn from_model(
    m: risk::Model,
    controls: Vec<TreatingControl>,
    bands: matrix::Bands,
) -> AppResult<Risk> {
    let rating = |field: &str, l: i16, i: i16| {
        Rating::new(field, i64::from(l), i64::from(i)).map_err(AppError::internal_from)
    };
    Ok(Risk {
        inherent: rating("inherent", m.inherent_likelihood, m.inherent_impact)?,
        residual: match (m.residual_likelihood, m.residual_impact) {
            (Some(l), Some(i)) => Some(rating("residual", l, i)?),
            _ => None,
        },
        review_due: m
            .review_due
            .as_deref()
            .map(|d| validate::date("reviewDue", d))
            .transpose()
            .map_err(AppError::internal_from)?,
        id: m.id,
        ai_system_id: m.ai_system_id,
        title: m.title,
        description: m.description,
        threat: m.threat,
        category: Category::stored(&m.category)?,
        treatment: Treatment::stored(&m.treatment)?,
        owner: m.owner,
        status: RiskStatus::stored(&m.status)?,
        decision: m.decision,
        controls,
        created_at: m.created_at,
        updated_at: m.updated_at,
        bands,
    })
}

/// Turns rows into risks with their treating controls, in two queries whatever the count.
async fn with_controls<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    rows: Vec<risk::Model>,
) -> AppResult<Vec<Risk>> {
    let mut links = risk_control::Entity::find()
        .filter(risk_control::Column::OrganizationId.eq(organization_id));
    // A short list names its risks; a long one takes the organization's links whole, which stays
    // one query and under the databases' bound-parameter limits however large the register.
    if rows.len() <= 200 {
        links = links.filter(risk_control::Column::RiskId.is_in(rows.iter().map(|r| r.id)));
    }
    let links = links.all(db).await?;
    // An organization has a few hundred controls at most: one query for all of them.
    let controls = control::Entity::find()
        .filter(control::Column::OrganizationId.eq(organization_id))
        .order_by_asc(control::Column::Code)
        .all(db)
        .await?;
    let bands = matrix::of(db, organization_id).await?;
    let mut linked_ids: std::collections::HashMap<i32, Vec<i32>> = std::collections::HashMap::new();
    for link in &links {
        linked_ids
            .entry(link.risk_id)
            .or_default()
            .push(link.control_id);
    }
    rows.into_iter()
        .map(|row| {
            let ids = linked_ids
                .get(&row.id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let linked = controls
                .iter()
                .filter(|c| ids.contains(&c.id))
                .map(|c| {
                    Ok(TreatingControl {
                        id: c.id,
                        code: c.code.clone(),
                        title: c.title.clone(),
                        status: c.status.parse().map_err(AppError::internal_from)?,
                        effectiveness: c.effectiveness.parse().map_err(AppError::internal_from)?,
                    })
                })
                .collect::<AppResult<Vec<_>>>()?;
            from_model(row, linked, bands)
        })
        .collect()
}

/// The stored row of one risk of the organization.
async fn find_row<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    id: i32,
) -> AppResult<risk::Model> {
    risk::Entity::find_by_id(id)
        .filter(risk::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("risk {id}")))
}

/// A stored row as a risk, with its treating controls.
async fn load<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    row: risk::Model,
) -> AppResult<Risk> {
    let id = row.id;
    with_controls(db, organization_id, vec![row])
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found(format!("risk {id}")))
}

/// Loads one risk of the organization.
pub(crate) async fn find<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    id: i32,
) -> AppResult<Risk> {
    let row = find_row(db, organization_id, id).await?;
    load(db, organization_id, row).await
}

/// One risk.
pub async fn get(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Risk> {
    viewer.require(Permission::ReadRecords)?;
    find(&services.db, viewer.organization_id()?, id).await
}

/// Filters and order of the register listing.
#[derive(Debug, Clone, Default)]
pub struct RiskQuery {
    pub ai_system_id: Option<i32>,
    pub category: Option<Category>,
    pub status: Option<RiskStatus>,
    /// The current level (residual once assessed).
    pub level: Option<Level>,
    pub owner: Option<String>,
    pub threat: Option<String>,
    pub open_only: bool,
    pub review_overdue: bool,
    pub search: Option<String>,
    /// score (current, default) | inherent_score | title | review_due | updated_at
    pub sort: Option<String>,
    pub descending: bool,
}

/// Every risk of the organization (for reports).
pub async fn all(services: &Services, viewer: &Viewer) -> AppResult<Vec<Risk>> {
    list(services, viewer, &RiskQuery::default()).await
}

/// The register, filtered and sorted; the default order puts the highest current score first.
pub async fn list(services: &Services, viewer: &Viewer, query: &RiskQuery) -> AppResult<Vec<Risk>> {
    viewer.require(Permission::ReadRecords)?;
    let organization_id = viewer.organization_id()?;
    let mut select = risk::Entity::find().filter(risk::Column::OrganizationId.eq(organization_id));
    if let Some(id) = query.ai_system_id {
        select = select.filter(risk::Column::AiSystemId.eq(id));
    }
    if let Some(category) = query.category {
        select = select.filter(risk::Column::Category.eq(category.as_str()));
    }
    if let Some(status) = query.status {
        select = select.filter(risk::Column::Status.eq(status.as_str()));
    }
    if let Some(owner) = &query.owner {
        select = select.filter(risk::Column::Owner.eq(owner.trim()));
    }
    if let Some(threat) = &query.threat {
        select = select.filter(risk::Column::Threat.eq(threats::find(threat)?.key.as_str()));
    }
    if query.open_only {
        select = select.filter(risk::Column::Status.ne(RiskStatus::Closed.as_str()));
    }
    let level = query.level;
    let needle = query.search.as_ref().map(|s| s.to_lowercase());
    let today = services.clock.now().date_naive();
    let rows = select
        .order_by_asc(risk::Column::Id)
        .all(&services.db)
        .await?;
    let mut risks: Vec<Risk> = with_controls(&services.db, organization_id, rows)
        .await?
        .into_iter()
        .filter(|r| level.is_none_or(|l| r.level() == l))
        .filter(|r| !query.review_overdue || r.review_overdue(today))
        .filter(|r| {
            needle.as_ref().is_none_or(|n| {
                r.title.to_lowercase().contains(n) || r.description.to_lowercase().contains(n)
            })
        })
        .collect();
    match query.sort.as_deref().unwrap_or("score") {
        // Highest first by default, ties broken by the older risk.
        "score" => risks.sort_by_key(|r| std::cmp::Reverse(r.current().score())),
        "inherent_score" => risks.sort_by_key(|r| std::cmp::Reverse(r.inherent.score())),
        "title" => risks.sort_by_key(|r| r.title.to_lowercase()),
        "review_due" => risks.sort_by_key(|r| (r.review_due.is_none(), r.review_due)),
        "updated_at" => risks.sort_by_key(|r| r.updated_at),
        other => {
            return Err(AppError::rule(
                "sort",
                "one_of",
                format!("cannot sort by '{other}'"),
            ));
        }
    }
    if query.descending {
        risks.reverse();
    }
    Ok(risks)
}

vocabulary! {
    /// Which rating a heatmap places risks by.
    pub enum Basis {
        Current => "current",
        Inherent => "inherent",
    }
}

/// The likelihood x impact heatmap of the open risks, by their current (default) or inherent
/// rating: all 25 cells, the most likely row first.
pub async fn heatmap(
    services: &Services,
    viewer: &Viewer,
    basis: Basis,
) -> AppResult<Vec<crate::analytics::heatmap::Cell>> {
    let query = RiskQuery {
        open_only: true,
        ..Default::default()
    };
    heatmap_of(&list(services, viewer, &query).await?, basis).await
}

/// The heatmap of the given risks by their current or inherent rating.
pub async fn heatmap_of(
    risks: &[Risk],
    basis: Basis,
) -> AppResult<Vec<crate::analytics::heatmap::Cell>> {
    let ratings: Vec<(u8, u8)> = risks
        .iter()
        .map(|r| {
            let rating = if basis == Basis::Inherent {
                r.inherent
            } else {
                r.current()
            };
            (rating.likelihood, rating.impact)
        })
        .collect();
    crate::domain::kernel::blocking::compute(move || crate::analytics::heatmap::heatmap(&ratings))
        .await
}

/// How many open risks of the organization name each threat (one query, threat keys only).
pub async fn open_counts_by_threat(
    services: &Services,
    viewer: &Viewer,
) -> AppResult<std::collections::HashMap<String, u64>> {
    use sea_orm::QuerySelect;
    viewer.require(Permission::ReadRecords)?;
    let threats: Vec<Option<String>> = risk::Entity::find()
        .select_only()
        .column(risk::Column::Threat)
        .filter(risk::Column::OrganizationId.eq(viewer.organization_id()?))
        .filter(risk::Column::Threat.is_not_null())
        .filter(risk::Column::Status.ne(RiskStatus::Closed.as_str()))
        .into_tuple()
        .all(&services.db)
        .await?;
    let mut counts = std::collections::HashMap::new();
    for threat in threats.into_iter().flatten() {
        *counts.entry(threat).or_insert(0) += 1;
    }
    Ok(counts)
}
