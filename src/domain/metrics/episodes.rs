//! Reading breach episodes: which series breached, from which window to which, how badly, and
//! the incident each opened.

use chrono::{DateTime, Utc};
use entity::metric_episode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::Viewer;
use crate::error::{AppError, AppResult};

/// A breach episode.
#[derive(Debug, Clone, Serialize)]
pub struct Episode {
    pub id: i32,
    pub series_id: i32,
    /// `open` or `closed`.
    pub status: String,
    pub opened_at: DateTime<Utc>,
    pub last_breach_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub breaching_windows: i32,
    pub peak: f64,
    pub incident_id: Option<i32>,
}

impl From<metric_episode::Model> for Episode {
    fn from(m: metric_episode::Model) -> Self {
        Episode {
            id: m.id,
            series_id: m.series_id,
            status: m.status,
            opened_at: m.opened_at,
            last_breach_at: m.last_breach_at,
            closed_at: m.closed_at,
            breaching_windows: m.breaching_windows,
            peak: m.peak,
            incident_id: m.incident_id,
        }
    }
}

/// Episodes of the viewer's organization, newest first, optionally of one series or open only.
pub async fn list(
    services: &Services,
    viewer: &Viewer,
    series_id: Option<i32>,
    open_only: bool,
) -> AppResult<Vec<Episode>> {
    viewer.require(Permission::ReadRecords)?;
    let mut query = metric_episode::Entity::find()
        .filter(metric_episode::Column::OrganizationId.eq(viewer.organization_id()?));
    if let Some(id) = series_id {
        query = query.filter(metric_episode::Column::SeriesId.eq(id));
    }
    if open_only {
        query = query.filter(metric_episode::Column::Status.eq("open"));
    }
    Ok(query
        .order_by_desc(metric_episode::Column::OpenedAt)
        .all(&services.db)
        .await?
        .into_iter()
        .map(Episode::from)
        .collect())
}

/// One episode of the viewer's organization.
pub async fn get(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Episode> {
    viewer.require(Permission::ReadRecords)?;
    metric_episode::Entity::find_by_id(id)
        .filter(metric_episode::Column::OrganizationId.eq(viewer.organization_id()?))
        .one(&services.db)
        .await?
        .map(Episode::from)
        .ok_or_else(|| AppError::not_found(format!("metric episode {id}")))
}
