//! GraphQL types of internal audits: programmes, audits and their scope, checklist lines,
//! findings and corrective actions.

use async_graphql::{ComplexObject, Context, ID, InputObject, Json, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::Services;
use crate::domain::internal_audits::actions::{ActionStatus, CorrectiveAction};
use crate::domain::internal_audits::checklist::{CheckResult, Line};
use crate::domain::internal_audits::findings::{Finding, FindingKind, FindingStatus};
use crate::domain::internal_audits::programmes::Programme;
use crate::domain::internal_audits::scope::Scope;
use crate::domain::internal_audits::{Audit, AuditKind, AuditStatus};
use crate::graphql::catalog::types::RequirementNode;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::util::{id, parse_id, requirement_ref};
use crate::graphql::vocabulary::graphql_vocabulary;

graphql_vocabulary!(
    /// Who runs an audit.
    AuditKindValue, "AuditKind", AuditKind [Internal, Certification]
);
graphql_vocabulary!(
    /// Where an audit stands.
    AuditStatusValue, "AuditStatus", AuditStatus [Planned, InProgress, Completed]
);
graphql_vocabulary!(
    /// What the auditor concluded on a checklist line.
    CheckResultValue, "CheckResult", CheckResult [NotChecked, Conforming, Nonconforming, NotApplicable]
);
graphql_vocabulary!(
    /// How serious a finding is.
    FindingKindValue, "FindingKind", FindingKind [
        MajorNonconformity, MinorNonconformity, Observation, OpportunityForImprovement
    ]
);
graphql_vocabulary!(
    /// Whether a finding is still being dealt with.
    FindingStatusValue, "FindingStatus", FindingStatus [Open, Closed]
);
graphql_vocabulary!(
    /// Where a corrective action stands.
    ActionStatusValue, "CorrectiveActionStatus", ActionStatus [Open, Completed, Verified]
);

/// The requirement of a line or finding, from the catalog.
fn requirement(ctx: &Context<'_>, requirement_id: Option<i32>) -> Result<Option<RequirementNode>> {
    let services = ctx.data::<Services>()?;
    requirement_id
        .map(|id| services.catalog.shared(id).map(RequirementNode))
        .transpose()
        .gql()
}

/// An audit programme with how many of its audits are planned, in progress and completed.
#[derive(SimpleObject)]
#[graphql(name = "AuditProgramme")]
pub struct ProgrammeNode {
    pub id: ID,
    pub title: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub objectives: String,
    pub planned: usize,
    pub in_progress: usize,
    pub completed: usize,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<Programme> for ProgrammeNode {
    fn from(p: Programme) -> Self {
        ProgrammeNode {
            id: id(p.id),
            title: p.title,
            period_start: p.period_start,
            period_end: p.period_end,
            objectives: p.objectives,
            planned: p.planned,
            in_progress: p.in_progress,
            completed: p.completed,
            created_by: p.created_by,
            created_at: p.created_at,
        }
    }
}

/// What an audit covers.
#[derive(SimpleObject)]
#[graphql(name = "AuditScope")]
pub struct ScopeNode {
    /// Framework slugs: every assessable requirement of each.
    pub frameworks: Vec<String>,
    pub requirement_ids: Vec<ID>,
    pub control_ids: Vec<ID>,
    pub ai_system_ids: Vec<ID>,
}

/// What an audit covers, as entered.
#[derive(InputObject)]
#[graphql(name = "AuditScopeInput")]
pub struct ScopeInput {
    /// Framework slugs (e.g. `nist-csf`): every assessable requirement of each.
    #[graphql(default)]
    pub frameworks: Vec<String>,
    /// Requirements by URN or id.
    #[graphql(default)]
    pub requirements: Vec<String>,
    #[graphql(default)]
    pub control_ids: Vec<ID>,
    #[graphql(default)]
    pub ai_system_ids: Vec<ID>,
}

impl ScopeInput {
    pub fn into_domain(self, services: &Services) -> Result<Scope> {
        let ids = |list: Vec<ID>| list.iter().map(parse_id).collect::<Result<Vec<i32>, _>>();
        Ok(Scope {
            frameworks: self.frameworks,
            requirement_ids: self
                .requirements
                .iter()
                .map(|r| requirement_ref(services, r).map(|r| r.id))
                .collect::<Result<Vec<i32>, _>>()
                .gql()?,
            control_ids: ids(self.control_ids).gql()?,
            ai_system_ids: ids(self.ai_system_ids).gql()?,
        })
    }
}

/// An audit as planned.
#[derive(InputObject)]
#[graphql(name = "AuditInput")]
pub struct AuditInputNode {
    pub programme_id: Option<ID>,
    pub title: String,
    #[graphql(default_with = "AuditKindValue::Internal")]
    pub kind: AuditKindValue,
    pub criteria: String,
    /// `YYYY-MM-DD`.
    pub period_start: String,
    /// `YYYY-MM-DD`.
    pub period_end: String,
    /// The lead auditor's token subject.
    pub lead_auditor: String,
    /// Token subjects of the rest of the team.
    #[graphql(default)]
    pub team: Vec<String>,
    pub scope: ScopeInput,
}

/// An internal (or certification) audit.
#[derive(SimpleObject)]
#[graphql(name = "InternalAudit", complex)]
pub struct AuditNode {
    pub id: ID,
    pub programme_id: Option<ID>,
    pub title: String,
    pub kind: AuditKindValue,
    pub criteria: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub lead_auditor: String,
    pub team: Vec<String>,
    pub scope: ScopeNode,
    pub status: AuditStatusValue,
    pub opened_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    #[graphql(skip)]
    pub key: i32,
}

impl From<Audit> for AuditNode {
    fn from(a: Audit) -> Self {
        let ids = |list: &[i32]| list.iter().copied().map(id).collect();
        AuditNode {
            id: id(a.id),
            programme_id: a.programme_id.map(id),
            title: a.title,
            kind: a.kind.into(),
            criteria: a.criteria,
            period_start: a.period_start,
            period_end: a.period_end,
            lead_auditor: a.lead_auditor,
            team: a.team,
            scope: ScopeNode {
                requirement_ids: ids(&a.scope.requirement_ids),
                control_ids: ids(&a.scope.control_ids),
                ai_system_ids: ids(&a.scope.ai_system_ids),
                frameworks: a.scope.frameworks,
            },
            status: a.status.into(),
            opened_at: a.opened_at,
            closed_at: a.closed_at,
            created_by: a.created_by,
            created_at: a.created_at,
            key: a.id,
        }
    }
}

#[ComplexObject]
impl AuditNode {
    /// The checklist generated when the audit started, in order (empty while planned).
    #[graphql(complexity = "100 * child_complexity")]
    async fn checklist(&self, ctx: &Context<'_>) -> Result<Vec<ChecklistLineNode>> {
        let services = ctx.data::<Services>()?;
        let viewer = crate::graphql::guards::viewer(ctx);
        Ok(
            crate::domain::internal_audits::checklist::of(services, viewer, self.key)
                .await
                .gql()?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }

    /// The audit's findings, newest first.
    #[graphql(complexity = "20 * child_complexity")]
    async fn findings(&self, ctx: &Context<'_>) -> Result<Vec<FindingNode>> {
        let services = ctx.data::<Services>()?;
        let viewer = crate::graphql::guards::viewer(ctx);
        let filter = crate::domain::internal_audits::findings::FindingFilter {
            audit_id: Some(self.key),
            ..Default::default()
        };
        Ok(
            crate::domain::internal_audits::findings::list(services, viewer, &filter)
                .await
                .gql()?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }
}

/// One line of an audit's checklist.
#[derive(SimpleObject)]
#[graphql(name = "AuditChecklistLine", complex)]
pub struct ChecklistLineNode {
    pub id: ID,
    pub position: i32,
    pub requirement_id: Option<ID>,
    pub control_id: Option<ID>,
    pub ai_system_id: Option<ID>,
    pub label: String,
    /// The control's status and evidence when the audit started.
    pub evidence: Json<serde_json::Value>,
    pub result: CheckResultValue,
    pub note: String,
    pub checked_by: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    requirement_key: Option<i32>,
}

impl From<Line> for ChecklistLineNode {
    fn from(l: Line) -> Self {
        ChecklistLineNode {
            id: id(l.id),
            position: l.position,
            requirement_id: l.requirement_id.map(id),
            control_id: l.control_id.map(id),
            ai_system_id: l.ai_system_id.map(id),
            label: l.label,
            evidence: Json(l.evidence),
            result: l.result.into(),
            note: l.note,
            checked_by: l.checked_by,
            checked_at: l.checked_at,
            requirement_key: l.requirement_id,
        }
    }
}

#[ComplexObject]
impl ChecklistLineNode {
    async fn requirement(&self, ctx: &Context<'_>) -> Result<Option<RequirementNode>> {
        requirement(ctx, self.requirement_key)
    }
}

/// A finding of an audit.
#[derive(SimpleObject)]
#[graphql(name = "AuditFinding", complex)]
pub struct FindingNode {
    pub id: ID,
    pub audit_id: ID,
    pub kind: FindingKindValue,
    pub requirement_id: Option<ID>,
    pub control_id: Option<ID>,
    pub ai_system_id: Option<ID>,
    pub title: String,
    pub description: String,
    pub status: FindingStatusValue,
    pub raised_by: String,
    pub raised_at: DateTime<Utc>,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    key: i32,
    #[graphql(skip)]
    requirement_key: Option<i32>,
}

impl From<Finding> for FindingNode {
    fn from(f: Finding) -> Self {
        FindingNode {
            id: id(f.id),
            audit_id: id(f.audit_id),
            kind: f.kind.into(),
            requirement_id: f.requirement_id.map(id),
            control_id: f.control_id.map(id),
            ai_system_id: f.ai_system_id.map(id),
            title: f.title,
            description: f.description,
            status: f.status.into(),
            raised_by: f.raised_by,
            raised_at: f.raised_at,
            closed_by: f.closed_by,
            closed_at: f.closed_at,
            key: f.id,
            requirement_key: f.requirement_id,
        }
    }
}

#[ComplexObject]
impl FindingNode {
    async fn requirement(&self, ctx: &Context<'_>) -> Result<Option<RequirementNode>> {
        requirement(ctx, self.requirement_key)
    }

    /// Corrective actions on this finding, soonest due first.
    #[graphql(complexity = "5 * child_complexity")]
    async fn corrective_actions(&self, ctx: &Context<'_>) -> Result<Vec<CorrectiveActionNode>> {
        let services = ctx.data::<Services>()?;
        let viewer = crate::graphql::guards::viewer(ctx);
        let filter = crate::domain::internal_audits::actions::ActionFilter {
            finding_id: Some(self.key),
            ..Default::default()
        };
        Ok(
            crate::domain::internal_audits::actions::list(services, viewer, &filter)
                .await
                .gql()?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }
}

/// A corrective action (ISO/IEC 42001 10.2).
#[derive(SimpleObject)]
#[graphql(name = "CorrectiveAction")]
pub struct CorrectiveActionNode {
    pub id: ID,
    pub finding_id: ID,
    pub owner: String,
    pub due_on: NaiveDate,
    pub root_cause: String,
    pub action: String,
    pub status: ActionStatusValue,
    /// Past its due date and not verified.
    pub overdue: bool,
    /// Who marked it completed.
    pub completed_by: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    pub verified_by: Option<String>,
    pub verified_at: Option<DateTime<Utc>>,
    pub verification_note: Option<String>,
    pub effective: Option<bool>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<CorrectiveAction> for CorrectiveActionNode {
    fn from(a: CorrectiveAction) -> Self {
        CorrectiveActionNode {
            id: id(a.id),
            finding_id: id(a.finding_id),
            owner: a.owner,
            due_on: a.due_on,
            root_cause: a.root_cause,
            action: a.action,
            status: a.status.into(),
            overdue: a.overdue,
            completed_by: a.completed_by,
            completed_at: a.completed_at,
            verified_by: a.verified_by,
            verified_at: a.verified_at,
            verification_note: a.verification_note,
            effective: a.effective,
            created_by: a.created_by,
            created_at: a.created_at,
        }
    }
}
