//! The inputs of a management review (ISO/IEC 42001 9.3.2), collected from live data for the
//! review's period: the status of earlier reviews' actions, coverage per framework, audit results
//! and open nonconformities, incidents, metric breaches with their trend against the period
//! before, risks, and the stakeholder feedback entered by hand. A concluded review keeps the
//! inputs as they were when it concluded.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use entity::{management_review, metric_definition, metric_episode, metric_series, review_action};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

use crate::domain::Services;
use crate::domain::crosswalk::coverage::{self, GroupBy};
use crate::domain::governance::Severity;
use crate::domain::incidents::{self, IncidentFilter, IncidentStatus};
use crate::domain::internal_audits::actions::{self, ActionFilter};
use crate::domain::internal_audits::audits::{self, AuditStatus};
use crate::domain::internal_audits::findings::{self, FindingFilter, FindingStatus};
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::reviews::{Review, ReviewStatus};
use crate::domain::risks::{self, Level, RiskStatus};
use crate::error::AppResult;

/// Everything a management review considers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Inputs {
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub collected_at: DateTime<Utc>,
    pub previous_actions: PreviousActions,
    pub coverage: Vec<FrameworkCoverage>,
    pub audits: AuditResults,
    pub incidents: IncidentSummary,
    pub metrics: MetricSummary,
    pub risks: RiskSummary,
    /// Changes in external and internal issues (9.3.2 b), entered by hand.
    pub context_changes: String,
    /// Needs and expectations of interested parties (9.3.2 c), entered by hand.
    pub stakeholder_feedback: String,
}

/// Actions decided by earlier concluded reviews.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PreviousActions {
    pub total: usize,
    pub done: usize,
    pub open: usize,
    pub overdue: usize,
    pub open_items: Vec<OpenAction>,
}

/// An earlier review's action still open.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OpenAction {
    pub id: i32,
    pub review_id: i32,
    pub description: String,
    pub owner: String,
    pub due_on: String,
}

/// Coverage of one framework.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FrameworkCoverage {
    pub framework: String,
    pub name: String,
    pub satisfied: usize,
    pub partial: usize,
    pub not_covered: usize,
    pub not_applicable: usize,
    pub percent_satisfied: f64,
}

/// A count of one value.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Count {
    pub key: String,
    pub count: usize,
}

/// Audit results.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditResults {
    /// Audits completed within the period.
    pub completed_in_period: usize,
    /// Findings raised within the period, by kind.
    pub findings_in_period: Vec<Count>,
    /// Findings raised within the period of the same length before, for the trend.
    pub findings_previous_period: usize,
    /// Major and minor nonconformities still open, whenever raised.
    pub open_nonconformities: usize,
    /// Corrective actions past their due date and not verified.
    pub overdue_actions: usize,
}

/// Incidents detected within the period, against the period before.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IncidentSummary {
    pub in_period: usize,
    pub previous_period: usize,
    pub by_severity: Vec<Count>,
    pub by_category: Vec<Count>,
    /// Not yet resolved, now.
    pub unresolved_now: usize,
    pub past_sla_now: usize,
}

/// Metric breach episodes opened within the period, against the period before.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MetricSummary {
    pub breaches_in_period: usize,
    pub breaches_previous_period: usize,
    pub ongoing_breaches: usize,
    pub by_metric: Vec<MetricTrend>,
}

/// One metric's breaches.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MetricTrend {
    pub metric: String,
    pub name: String,
    pub breaches_in_period: usize,
    pub breaches_previous_period: usize,
    pub ongoing: usize,
}

/// The risk register now.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RiskSummary {
    pub open: usize,
    pub open_by_level: Vec<Count>,
    pub accepted: usize,
    pub review_overdue: usize,
}

/// The half-open span of instants of the days `start..=end`.
fn span(start: NaiveDate, end: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let from = start.and_time(NaiveTime::MIN).and_utc();
    let to = (end + Duration::days(1)).and_time(NaiveTime::MIN).and_utc();
    (from, to)
}

fn counted<K: Ord + ToString>(keys: impl Iterator<Item = K>) -> Vec<Count> {
    let mut map: BTreeMap<K, usize> = BTreeMap::new();
    for key in keys {
        *map.entry(key).or_default() += 1;
    }
    map.into_iter()
        .map(|(key, count)| Count {
            key: key.to_string(),
            count,
        })
        .collect()
}

/// Collects the inputs of `review` (for its period) now. Previous actions are those of the
/// concluded reviews held no later than this one.
pub async fn collect(services: &Services, viewer: &Viewer, review: &Review) -> AppResult<Inputs> {
    let organization_id = viewer.organization_id()?;
    let period = (review.period_start, review.period_end);
    let now = services.clock.now();
    let today = now.date_naive();
    let (from, to) = span(period.0, period.1);
    let length = to - from;
    let previous_from = from - length;

    let earlier_reviews: HashSet<i32> = management_review::Entity::find()
        .filter(management_review::Column::OrganizationId.eq(organization_id))
        .filter(management_review::Column::Status.eq(ReviewStatus::Concluded.as_str()))
        .filter(management_review::Column::HeldOn.lte(review.held_on.to_string()))
        .filter(management_review::Column::Id.ne(review.id))
        .all(&services.db)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let earlier: Vec<review_action::Model> = review_action::Entity::find()
        .filter(review_action::Column::OrganizationId.eq(organization_id))
        .all(&services.db)
        .await?
        .into_iter()
        .filter(|a| earlier_reviews.contains(&a.review_id))
        .collect();
    let open: Vec<&review_action::Model> = earlier.iter().filter(|a| a.status != "done").collect();
    let previous_actions = PreviousActions {
        total: earlier.len(),
        done: earlier.len() - open.len(),
        open: open.len(),
        overdue: open
            .iter()
            .filter(|a| a.due_on.as_str() < today.to_string().as_str())
            .count(),
        open_items: open
            .iter()
            .map(|a| OpenAction {
                id: a.id,
                review_id: a.review_id,
                description: a.description.clone(),
                owner: a.owner.clone(),
                due_on: a.due_on.clone(),
            })
            .collect(),
    };

    let mut coverage_rows = Vec::new();
    for framework in services.catalog.frameworks() {
        let report = coverage::coverage(services, viewer, framework.id, GroupBy::Function).await?;
        let t = &report.totals;
        coverage_rows.push(FrameworkCoverage {
            framework: framework.slug.clone(),
            name: framework.name.clone(),
            satisfied: t.satisfied,
            partial: t.partial,
            not_covered: t.not_covered,
            not_applicable: t.not_applicable,
            percent_satisfied: t.percent(t.satisfied),
        });
    }

    let all_audits = audits::list(services, viewer, None, Some(AuditStatus::Completed)).await?;
    let all_findings =
        findings::all_of(&services.db, organization_id, &FindingFilter::default()).await?;
    let overdue_actions = actions::all_of(
        &services.db,
        organization_id,
        &ActionFilter {
            overdue: true,
            ..Default::default()
        },
        today,
    )
    .await?;
    let audits = AuditResults {
        completed_in_period: all_audits
            .iter()
            .filter(|a| a.closed_at.is_some_and(|at| at >= from && at < to))
            .count(),
        findings_in_period: counted(
            all_findings
                .iter()
                .filter(|f| f.raised_at >= from && f.raised_at < to)
                .map(|f| f.kind.as_str()),
        ),
        findings_previous_period: all_findings
            .iter()
            .filter(|f| f.raised_at >= previous_from && f.raised_at < from)
            .count(),
        open_nonconformities: all_findings
            .iter()
            .filter(|f| f.status == FindingStatus::Open && f.kind.is_nonconformity())
            .count(),
        overdue_actions: overdue_actions.len(),
    };

    let all_incidents = incidents::list(services, viewer, &IncidentFilter::default()).await?;
    let within = |at: DateTime<Utc>| at >= from && at < to;
    let in_period: Vec<_> = all_incidents
        .iter()
        .filter(|v| within(v.incident.detected_at))
        .collect();
    let incidents = IncidentSummary {
        in_period: in_period.len(),
        previous_period: all_incidents
            .iter()
            .filter(|v| v.incident.detected_at >= previous_from && v.incident.detected_at < from)
            .count(),
        by_severity: {
            let mut rows = counted(in_period.iter().map(|v| v.incident.severity));
            rows.sort_by_key(|c| std::cmp::Reverse(Severity::parse("", &c.key).ok()));
            rows
        },
        by_category: counted(in_period.iter().map(|v| v.incident.category.as_str())),
        unresolved_now: all_incidents
            .iter()
            .filter(|v| {
                matches!(
                    v.incident.status,
                    IncidentStatus::Open | IncidentStatus::Acknowledged
                )
            })
            .count(),
        past_sla_now: all_incidents.iter().filter(|v| v.past_sla).count(),
    };

    let metrics = metric_summary(services, organization_id, previous_from, from, to).await?;

    let register = risks::all(services, viewer).await?;
    let open_risks: Vec<_> = register.iter().filter(|r| r.is_open()).collect();
    let risks = RiskSummary {
        open: open_risks.len(),
        open_by_level: {
            let mut rows = counted(open_risks.iter().map(|r| r.level()));
            rows.sort_by_key(|c| std::cmp::Reverse(Level::parse("", &c.key).ok()));
            rows
        },
        accepted: register
            .iter()
            .filter(|r| r.status == RiskStatus::Accepted)
            .count(),
        review_overdue: register.iter().filter(|r| r.review_overdue(today)).count(),
    };

    Ok(Inputs {
        period_start: period.0,
        period_end: period.1,
        collected_at: now,
        previous_actions,
        coverage: coverage_rows,
        audits,
        incidents,
        metrics,
        risks,
        context_changes: review.context_changes.clone(),
        stakeholder_feedback: review.stakeholder_feedback.clone(),
    })
}

async fn metric_summary(
    services: &Services,
    organization_id: i32,
    previous_from: DateTime<Utc>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<MetricSummary> {
    let definitions: HashMap<i32, metric_definition::Model> = metric_definition::Entity::find()
        .filter(metric_definition::Column::OrganizationId.eq(organization_id))
        .all(&services.db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let series: HashMap<i32, i32> = metric_series::Entity::find()
        .filter(metric_series::Column::OrganizationId.eq(organization_id))
        .all(&services.db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.definition_id))
        .collect();
    let episodes = metric_episode::Entity::find()
        .filter(metric_episode::Column::OrganizationId.eq(organization_id))
        .filter(metric_episode::Column::OpenedAt.gte(previous_from))
        .all(&services.db)
        .await?;
    let ongoing = metric_episode::Entity::find()
        .filter(metric_episode::Column::OrganizationId.eq(organization_id))
        .filter(metric_episode::Column::ClosedAt.is_null())
        .all(&services.db)
        .await?;
    let mut summary = MetricSummary {
        breaches_in_period: 0,
        breaches_previous_period: 0,
        ongoing_breaches: ongoing.len(),
        by_metric: Vec::new(),
    };
    let mut per: BTreeMap<String, MetricTrend> = BTreeMap::new();
    let mut entry = |series_id: i32| -> String {
        let definition = series.get(&series_id).and_then(|d| definitions.get(d));
        let key = definition.map_or_else(|| format!("series {series_id}"), |d| d.key.clone());
        let name = definition.map_or_else(String::new, |d| d.name.clone());
        per.entry(key.clone()).or_insert(MetricTrend {
            metric: key.clone(),
            name,
            breaches_in_period: 0,
            breaches_previous_period: 0,
            ongoing: 0,
        });
        key
    };
    let mut keyed: Vec<(String, DateTime<Utc>)> = Vec::new();
    for episode in &episodes {
        keyed.push((entry(episode.series_id), episode.opened_at));
    }
    let ongoing_keys: Vec<String> = ongoing.iter().map(|e| entry(e.series_id)).collect();
    for (key, opened_at) in keyed {
        if let Some(trend) = per.get_mut(&key) {
            if opened_at >= from && opened_at < to {
                trend.breaches_in_period += 1;
                summary.breaches_in_period += 1;
            } else if opened_at < from {
                trend.breaches_previous_period += 1;
                summary.breaches_previous_period += 1;
            }
        }
    }
    for key in ongoing_keys {
        if let Some(trend) = per.get_mut(&key) {
            trend.ongoing += 1;
        }
    }
    summary.by_metric = per.into_values().collect();
    Ok(summary)
}
