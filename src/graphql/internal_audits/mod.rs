//! Internal audits over GraphQL: the programme, audits (planned, started with their checklist,
//! completed), checklist results, findings and corrective actions with their verification.
//! Auditors write audits and findings; editors handle corrective actions; everyone who reads
//! records reads them.

pub mod types;

use async_graphql::{Context, ID, Object, Result};

use crate::domain::Services;
use crate::domain::internal_audits::actions::{self, ActionFilter, NewAction};
use crate::domain::internal_audits::findings::{self, FindingFilter, NewFinding};
use crate::domain::internal_audits::{AuditInput, audits, checklist, programmes};
use crate::domain::kernel::access::Permission;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::pagination::{OffsetConnection, paginate};
use crate::graphql::util::{opt_id, parse_id};
use types::*;

fn audit_input(services: &Services, input: AuditInputNode) -> Result<AuditInput> {
    Ok(AuditInput {
        programme_id: opt_id(input.programme_id)?,
        title: input.title,
        kind: input.kind.into(),
        criteria: input.criteria,
        period_start: input.period_start,
        period_end: input.period_end,
        lead_auditor: input.lead_auditor,
        team: input.team,
        scope: input.scope.into_domain(services)?,
    })
}

#[derive(Default)]
pub struct InternalAuditQuery;

#[Object]
impl InternalAuditQuery {
    /// Audit programmes, latest period first.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn audit_programmes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<ProgrammeNode>> {
        let services = ctx.data::<Services>()?;
        let list = programmes::list(services, viewer(ctx)).await.gql()?;
        paginate("audit_programme", list, first, after, ProgrammeNode::from).gql()
    }

    /// Audits, latest period first, optionally of one programme or status.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn internal_audits(
        &self,
        ctx: &Context<'_>,
        programme_id: Option<ID>,
        status: Option<AuditStatusValue>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<AuditNode>> {
        let services = ctx.data::<Services>()?;
        let list = audits::list(
            services,
            viewer(ctx),
            opt_id(programme_id)?,
            status.map(Into::into),
        )
        .await
        .gql()?;
        paginate("internal_audit", list, first, after, AuditNode::from).gql()
    }

    async fn internal_audit(&self, ctx: &Context<'_>, id: ID) -> Result<AuditNode> {
        let services = ctx.data::<Services>()?;
        Ok(audits::get(services, viewer(ctx), parse_id(&id).gql()?)
            .await
            .gql()?
            .into())
    }

    /// Findings, newest first.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn audit_findings(
        &self,
        ctx: &Context<'_>,
        audit_id: Option<ID>,
        status: Option<FindingStatusValue>,
        kind: Option<FindingKindValue>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<FindingNode>> {
        let services = ctx.data::<Services>()?;
        let filter = FindingFilter {
            audit_id: opt_id(audit_id)?,
            status: status.map(Into::into),
            kind: kind.map(Into::into),
        };
        let list = findings::list(services, viewer(ctx), &filter).await.gql()?;
        paginate("audit_finding", list, first, after, FindingNode::from).gql()
    }

    async fn audit_finding(&self, ctx: &Context<'_>, id: ID) -> Result<FindingNode> {
        let services = ctx.data::<Services>()?;
        Ok(findings::get(services, viewer(ctx), parse_id(&id).gql()?)
            .await
            .gql()?
            .into())
    }

    /// Corrective actions, soonest due first; `overdue` keeps those past their due date and not
    /// yet verified.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn corrective_actions(
        &self,
        ctx: &Context<'_>,
        finding_id: Option<ID>,
        status: Option<ActionStatusValue>,
        #[graphql(default)] overdue: bool,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<CorrectiveActionNode>> {
        let services = ctx.data::<Services>()?;
        let filter = ActionFilter {
            finding_id: opt_id(finding_id)?,
            status: status.map(Into::into),
            overdue,
        };
        let list = actions::list(services, viewer(ctx), &filter).await.gql()?;
        paginate(
            "corrective_action",
            list,
            first,
            after,
            CorrectiveActionNode::from,
        )
        .gql()
    }
}

#[derive(Default)]
pub struct InternalAuditMutation;

#[Object]
impl InternalAuditMutation {
    /// Plans an audit programme for a period (dates `YYYY-MM-DD`).
    #[graphql(guard = "Can(Permission::WriteAudits)")]
    async fn create_audit_programme(
        &self,
        ctx: &Context<'_>,
        title: String,
        period_start: String,
        period_end: String,
        #[graphql(default)] objectives: String,
    ) -> Result<ProgrammeNode> {
        let services = ctx.data::<Services>()?;
        Ok(programmes::create(
            services,
            viewer(ctx),
            &title,
            &period_start,
            &period_end,
            &objectives,
        )
        .await
        .gql()?
        .into())
    }

    /// Plans an audit. Refused with rule `auditor_independence` when someone on it owns, or is
    /// Responsible or Accountable for, a control in its scope.
    #[graphql(guard = "Can(Permission::WriteAudits)")]
    async fn create_internal_audit(
        &self,
        ctx: &Context<'_>,
        input: AuditInputNode,
    ) -> Result<AuditNode> {
        let services = ctx.data::<Services>()?;
        let input = audit_input(services, input)?;
        Ok(audits::create(services, viewer(ctx), input)
            .await
            .gql()?
            .into())
    }

    /// Replans an audit that has not started.
    #[graphql(guard = "Can(Permission::WriteAudits)")]
    async fn update_internal_audit(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: AuditInputNode,
    ) -> Result<AuditNode> {
        let services = ctx.data::<Services>()?;
        let input = audit_input(services, input)?;
        Ok(
            audits::update(services, viewer(ctx), parse_id(&id).gql()?, input)
                .await
                .gql()?
                .into(),
        )
    }

    /// Starts an audit: its checklist is generated from the scope, with an evidence snapshot.
    #[graphql(guard = "Can(Permission::WriteAudits)")]
    async fn start_internal_audit(&self, ctx: &Context<'_>, id: ID) -> Result<AuditNode> {
        let services = ctx.data::<Services>()?;
        Ok(audits::start(services, viewer(ctx), parse_id(&id).gql()?)
            .await
            .gql()?
            .into())
    }

    /// Completes an audit once every checklist line has a result.
    #[graphql(guard = "Can(Permission::WriteAudits)")]
    async fn complete_internal_audit(&self, ctx: &Context<'_>, id: ID) -> Result<AuditNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            audits::complete(services, viewer(ctx), parse_id(&id).gql()?)
                .await
                .gql()?
                .into(),
        )
    }

    /// Records a result on a checklist line.
    #[graphql(guard = "Can(Permission::WriteAudits)")]
    async fn record_checklist_result(
        &self,
        ctx: &Context<'_>,
        line_id: ID,
        result: CheckResultValue,
        #[graphql(default)] note: String,
    ) -> Result<ChecklistLineNode> {
        let services = ctx.data::<Services>()?;
        Ok(checklist::record(
            services,
            viewer(ctx),
            parse_id(&line_id).gql()?,
            result.into(),
            &note,
        )
        .await
        .gql()?
        .into())
    }

    /// Raises a finding on a requirement (URN or id), control or AI system on the audit's
    /// checklist (rule `out_of_scope` otherwise).
    #[graphql(guard = "Can(Permission::WriteAudits)")]
    #[allow(clippy::too_many_arguments)]
    async fn raise_audit_finding(
        &self,
        ctx: &Context<'_>,
        audit_id: ID,
        kind: FindingKindValue,
        requirement: Option<String>,
        control_id: Option<ID>,
        ai_system_id: Option<ID>,
        title: String,
        #[graphql(desc = "What was found, with the evidence it rests on.")] description: String,
    ) -> Result<FindingNode> {
        let services = ctx.data::<Services>()?;
        let requirement_id = requirement
            .as_deref()
            .map(|r| crate::graphql::util::requirement_ref(services, r).map(|r| r.id))
            .transpose()
            .gql()?;
        let input = NewFinding {
            audit_id: parse_id(&audit_id).gql()?,
            kind: kind.into(),
            requirement_id,
            control_id: opt_id(control_id)?,
            ai_system_id: opt_id(ai_system_id)?,
            title,
            description,
        };
        Ok(findings::raise(services, viewer(ctx), input)
            .await
            .gql()?
            .into())
    }

    /// Closes a finding; a nonconformity only once its corrective actions are all verified.
    #[graphql(guard = "Can(Permission::WriteAudits)")]
    async fn close_audit_finding(&self, ctx: &Context<'_>, id: ID) -> Result<FindingNode> {
        let services = ctx.data::<Services>()?;
        Ok(findings::close(services, viewer(ctx), parse_id(&id).gql()?)
            .await
            .gql()?
            .into())
    }

    /// Plans a corrective action on an open finding (`dueOn` `YYYY-MM-DD`).
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn add_corrective_action(
        &self,
        ctx: &Context<'_>,
        finding_id: ID,
        owner: String,
        due_on: String,
        root_cause: String,
        action: String,
    ) -> Result<CorrectiveActionNode> {
        let services = ctx.data::<Services>()?;
        let input = NewAction {
            finding_id: parse_id(&finding_id).gql()?,
            owner,
            due_on,
            root_cause,
            action,
        };
        Ok(actions::add(services, viewer(ctx), input)
            .await
            .gql()?
            .into())
    }

    /// Marks a corrective action done, ready for verification.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn complete_corrective_action(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<CorrectiveActionNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            actions::complete(services, viewer(ctx), parse_id(&id).gql()?)
                .await
                .gql()?
                .into(),
        )
    }

    /// Verifies a completed action's effectiveness; refused with rule `verifier_is_owner` for
    /// its owner. Not effective, the action goes back to open.
    #[graphql(guard = "Can(Permission::WriteAudits)")]
    async fn verify_corrective_action(
        &self,
        ctx: &Context<'_>,
        id: ID,
        effective: bool,
        #[graphql(default)] note: String,
    ) -> Result<CorrectiveActionNode> {
        let services = ctx.data::<Services>()?;
        Ok(actions::verify(
            services,
            viewer(ctx),
            parse_id(&id).gql()?,
            effective,
            &note,
        )
        .await
        .gql()?
        .into())
    }
}
