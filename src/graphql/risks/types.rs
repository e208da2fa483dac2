//! GraphQL shapes of risks, threats and the heatmap (wrapping the domain's).

use async_graphql::{ID, InputObject, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::risks::{self, Rating, Risk, TreatingControl, threats::Threat};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::util::parse_id;

/// A likelihood x impact rating (1-5 each).
#[derive(SimpleObject, Clone)]
pub struct RiskRating {
    /// 1 rare .. 5 almost certain
    pub likelihood: i32,
    /// 1 negligible .. 5 severe
    pub impact: i32,
    /// likelihood x impact, 1-25
    pub score: i32,
    /// low (1-4) | medium (5-9) | high (10-15) | critical (16-25)
    pub level: String,
}

impl From<Rating> for RiskRating {
    fn from(r: Rating) -> Self {
        RiskRating {
            likelihood: i32::from(r.likelihood),
            impact: i32::from(r.impact),
            score: i32::from(r.score()),
            level: r.level().to_string(),
        }
    }
}

/// A control linked to a risk as its treatment.
#[derive(SimpleObject, Clone)]
pub struct TreatingControlNode {
    pub id: ID,
    pub code: String,
    pub title: String,
    pub status: String,
    pub effectiveness: String,
}

impl From<TreatingControl> for TreatingControlNode {
    fn from(c: TreatingControl) -> Self {
        TreatingControlNode {
            id: ID(c.id.to_string()),
            code: c.code,
            title: c.title,
            status: c.status,
            effectiveness: c.effectiveness,
        }
    }
}

/// A risk of the register.
#[derive(SimpleObject, Clone)]
#[graphql(name = "Risk")]
pub struct RiskNode {
    pub id: ID,
    pub ai_system_id: Option<ID>,
    pub title: String,
    pub description: String,
    /// Key of the threat library, when the risk comes from one.
    pub threat: Option<String>,
    /// security | privacy | fairness | safety | reliability | transparency | accountability |
    /// ethics | legal | other
    pub category: String,
    pub inherent: RiskRating,
    pub residual: Option<RiskRating>,
    /// The rating that stands now: residual once assessed, inherent before.
    pub current: RiskRating,
    /// mitigate | accept | transfer | avoid
    pub treatment: String,
    pub owner: String,
    /// identified | assessed | treating | accepted | closed
    pub status: String,
    /// The decision record (required to accept a risk).
    pub decision: Option<String>,
    pub review_due: Option<NaiveDate>,
    pub review_overdue: bool,
    pub controls: Vec<TreatingControlNode>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl RiskNode {
    /// `today` comes from the injected clock, so overdue reviews follow it.
    pub fn at(r: Risk, today: NaiveDate) -> Self {
        RiskNode {
            current: r.current().into(),
            review_overdue: r.review_overdue(today),
            id: ID(r.id.to_string()),
            ai_system_id: r.ai_system_id.map(|id| ID(id.to_string())),
            title: r.title,
            description: r.description,
            threat: r.threat,
            category: r.category,
            inherent: r.inherent.into(),
            residual: r.residual.map(Into::into),
            treatment: r.treatment,
            owner: r.owner,
            status: r.status,
            decision: r.decision,
            review_due: r.review_due,
            controls: r.controls.into_iter().map(Into::into).collect(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Fields of a risk (all of them, on create and on update).
#[derive(InputObject)]
pub struct RiskInput {
    pub ai_system_id: Option<ID>,
    pub title: String,
    pub description: String,
    /// A key of the threat library (`threats`).
    pub threat: Option<String>,
    /// Defaults to the threat's category.
    pub category: Option<String>,
    pub inherent_likelihood: i32,
    pub inherent_impact: i32,
    pub residual_likelihood: Option<i32>,
    pub residual_impact: Option<i32>,
    /// mitigate | accept | transfer | avoid
    #[graphql(default_with = "String::from(\"mitigate\")")]
    pub treatment: String,
    pub owner: String,
    /// identified | assessed | treating | accepted | closed
    #[graphql(default_with = "String::from(\"identified\")")]
    pub status: String,
    /// Who decided what and why; required to accept a risk.
    pub decision: Option<String>,
    /// YYYY-MM-DD
    pub review_due: Option<String>,
}

impl RiskInput {
    pub fn into_domain(self) -> Result<risks::RiskInput> {
        Ok(risks::RiskInput {
            ai_system_id: self.ai_system_id.as_ref().map(parse_id).transpose().gql()?,
            title: self.title,
            description: self.description,
            threat: self.threat,
            category: self.category,
            inherent_likelihood: i64::from(self.inherent_likelihood),
            inherent_impact: i64::from(self.inherent_impact),
            residual_likelihood: self.residual_likelihood.map(i64::from),
            residual_impact: self.residual_impact.map(i64::from),
            treatment: self.treatment,
            owner: self.owner,
            status: self.status,
            decision: self.decision,
            review_due: self.review_due,
        })
    }
}

/// A threat of the AI threat library, with the controls that treat it.
#[derive(SimpleObject, Clone)]
#[graphql(name = "Threat")]
pub struct ThreatNode {
    pub key: String,
    pub name: String,
    pub category: String,
    pub description: String,
    /// OWASP Top 10 for LLM Applications 2025 (`OWASP-LLM01:2025`) and MITRE ATLAS technique
    /// (`AML.T0051`) ids this threat corresponds to.
    pub references: Vec<String>,
    /// Library control codes that treat the threat.
    pub control_codes: Vec<String>,
    /// Why these controls.
    pub rationale: String,
    /// Open risks of the organization that name this threat.
    pub open_risks: i32,
}

impl ThreatNode {
    pub fn new(t: &Threat, open_risks: u64) -> Self {
        ThreatNode {
            key: t.key.clone(),
            name: t.name.clone(),
            category: t.category.clone(),
            description: t.description.clone(),
            references: t.references.clone(),
            control_codes: t.controls.clone(),
            rationale: t.rationale.clone(),
            open_risks: i32::try_from(open_risks).unwrap_or(i32::MAX),
        }
    }
}

/// One cell of the likelihood x impact heatmap.
#[derive(SimpleObject, Clone)]
pub struct HeatmapCell {
    pub likelihood: i32,
    pub impact: i32,
    /// low | medium | high | critical
    pub level: String,
    /// Open risks rated in this cell.
    pub count: i32,
}
