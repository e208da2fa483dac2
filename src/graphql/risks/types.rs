//! GraphQL shapes of risks, threats and the heatmap (wrapping the domain's).

use async_graphql::{ID, InputObject, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::risks::matrix::Bands;
use crate::domain::risks::{
    self, Basis, Category, Level, Rating, Risk, RiskStatus, TreatingControl, Treatment,
    threats::Threat,
};
use crate::graphql::controls::types::{ControlStatusValue, EffectivenessValue};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::util::parse_id;
use crate::graphql::vocabulary::graphql_vocabulary;

graphql_vocabulary!(
    /// What kind of harm a risk is about.
    CategoryValue, "RiskCategory", Category [
        Security, Privacy, Fairness, Safety, Reliability, Transparency, Accountability, Ethics,
        Legal, Other
    ]
);
graphql_vocabulary!(
    /// How a risk is treated.
    TreatmentValue, "RiskTreatment", Treatment [Mitigate, Accept, Transfer, Avoid]
);
graphql_vocabulary!(
    /// Where a risk is in its workflow; every status but `closed` is open.
    RiskStatusValue, "RiskStatus", RiskStatus [Identified, Assessed, Treating, Accepted, Closed]
);
graphql_vocabulary!(
    /// The band of a likelihood x impact score: low 1-4, medium 5-9, high 10-15, critical 16-25.
    LevelValue, "RiskLevel", Level [Low, Medium, High, Critical]
);
graphql_vocabulary!(
    /// Which rating a heatmap places risks by.
    BasisValue, "HeatmapBasis", Basis [Current, Inherent]
);

/// A likelihood x impact rating (1-5 each).
#[derive(SimpleObject, Clone)]
pub struct RiskRating {
    /// 1 rare .. 5 almost certain
    pub likelihood: i32,
    /// 1 negligible .. 5 severe
    pub impact: i32,
    /// likelihood x impact, 1-25
    pub score: i32,
    pub level: LevelValue,
}

impl RiskRating {
    /// A rating with its level under the organization's matrix bands.
    pub fn of(r: Rating, bands: Bands) -> Self {
        RiskRating {
            likelihood: i32::from(r.likelihood),
            impact: i32::from(r.impact),
            score: i32::from(r.score()),
            level: bands.level(r.score()).into(),
        }
    }
}

/// A control linked to a risk as its treatment.
#[derive(SimpleObject, Clone)]
pub struct TreatingControlNode {
    pub id: ID,
    pub code: String,
    pub title: String,
    pub status: ControlStatusValue,
    pub effectiveness: EffectivenessValue,
}

impl From<TreatingControl> for TreatingControlNode {
    fn from(c: TreatingControl) -> Self {
        TreatingControlNode {
            id: ID(c.id.to_string()),
            code: c.code,
            title: c.title,
            status: c.status.into(),
            effectiveness: c.effectiveness.into(),
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
    pub category: CategoryValue,
    pub inherent: RiskRating,
    pub residual: Option<RiskRating>,
    /// The rating that stands now: residual once assessed, inherent before.
    pub current: RiskRating,
    pub treatment: TreatmentValue,
    pub owner: String,
    pub status: RiskStatusValue,
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
            current: RiskRating::of(r.current(), r.bands),
            review_overdue: r.review_overdue(today),
            id: ID(r.id.to_string()),
            ai_system_id: r.ai_system_id.map(|id| ID(id.to_string())),
            title: r.title,
            description: r.description,
            threat: r.threat,
            category: r.category.into(),
            inherent: RiskRating::of(r.inherent, r.bands),
            residual: r.residual.map(|rating| RiskRating::of(rating, r.bands)),
            treatment: r.treatment.into(),
            owner: r.owner,
            status: r.status.into(),
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
    pub category: Option<CategoryValue>,
    pub inherent_likelihood: i32,
    pub inherent_impact: i32,
    pub residual_likelihood: Option<i32>,
    pub residual_impact: Option<i32>,
    #[graphql(default_with = "TreatmentValue::Mitigate")]
    pub treatment: TreatmentValue,
    pub owner: String,
    #[graphql(default_with = "RiskStatusValue::Identified")]
    pub status: RiskStatusValue,
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
            category: self.category.map(Into::into),
            inherent_likelihood: i64::from(self.inherent_likelihood),
            inherent_impact: i64::from(self.inherent_impact),
            residual_likelihood: self.residual_likelihood.map(i64::from),
            residual_impact: self.residual_impact.map(i64::from),
            treatment: self.treatment.into(),
            owner: self.owner,
            status: self.status.into(),
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
    pub category: CategoryValue,
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
            category: t.category.into(),
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
    pub level: LevelValue,
    /// Open risks rated in this cell.
    pub count: i32,
}

/// A risk that names a threat.
#[derive(SimpleObject, Clone)]
pub struct RiskRef {
    pub id: ID,
    pub title: String,
}

/// A threat an AI system faces with no implemented control.
#[derive(SimpleObject, Clone)]
pub struct UnmitigatedThreatNode {
    pub threat: ThreatNode,
    /// The system's open risks that name it (none of their treating controls is implemented).
    pub risks: Vec<RiskRef>,
}

/// The organization's 5x5 matrix bands: the highest score of low, medium and high; critical is
/// everything above `highMax`.
#[derive(SimpleObject)]
pub struct RiskMatrix {
    pub low_max: i32,
    pub medium_max: i32,
    pub high_max: i32,
    /// False while the defaults (4, 9, 15) apply.
    pub customized: bool,
    pub updated_at: Option<DateTime<Utc>>,
    /// Accepted risks this change put at high or critical, moved back to assessed (their
    /// acceptance needs the body's approval again).
    pub reopened_risk_ids: Vec<ID>,
}

impl From<crate::domain::risks::matrix::Matrix> for RiskMatrix {
    fn from(m: crate::domain::risks::matrix::Matrix) -> Self {
        RiskMatrix {
            low_max: i32::from(m.bands.low_max),
            medium_max: i32::from(m.bands.medium_max),
            high_max: i32::from(m.bands.high_max),
            customized: m.customized,
            updated_at: m.updated_at,
            reopened_risk_ids: m
                .reopened_risks
                .into_iter()
                .map(|id| ID(id.to_string()))
                .collect(),
        }
    }
}
