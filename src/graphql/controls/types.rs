//! GraphQL wrappers of controls, mappings and evidence.

use std::collections::HashSet;
use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::Services;
use crate::domain::controls::evidence::{self, Evidence, EvidenceKind};
use crate::domain::controls::{
    self, Control, ControlMapping, ControlStatus, Effectiveness, MappingInput,
};
use crate::domain::crosswalk::relationship::{Rationale, Relationship};
use crate::graphql::catalog::types::{FrameworkNode, RequirementNode};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::viewer;
use crate::graphql::vocabulary::graphql_vocabulary;

macro_rules! mirror_enum {
    ($gql:ident, $name:literal, $domain:ident { $($variant:ident),* $(,)? }) => {
        #[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
        #[graphql(name = $name)]
        pub enum $gql { $($variant),* }
        impl From<$domain> for $gql {
            fn from(value: $domain) -> Self {
                match value { $($domain::$variant => $gql::$variant),* }
            }
        }
        impl From<$gql> for $domain {
            fn from(value: $gql) -> Self {
                match value { $($gql::$variant => $domain::$variant),* }
            }
        }
    };
}

graphql_vocabulary!(
    /// Kinds of evidence an auditor expects to see.
    EvidenceKindValue, "EvidenceKind", EvidenceKind [
        Log, Screenshot, TestResult, Approval, RiskAssessment, ModelCard, LineageRecord,
        PipelineDocumentation, Policy, Report, Other
    ]
);

mirror_enum!(
    ControlStatusValue,
    "ControlStatus",
    ControlStatus {
        Planned,
        InProgress,
        Implemented,
        NotApplicable
    }
);
mirror_enum!(
    EffectivenessValue,
    "Effectiveness",
    Effectiveness {
        NotAssessed,
        Effective,
        PartiallyEffective,
        Ineffective
    }
);
mirror_enum!(
    RelationshipValue,
    "Relationship",
    Relationship {
        Equal,
        SubsetOf,
        SupersetOf,
        IntersectsWith,
        NotRelated
    }
);
mirror_enum!(
    RationaleValue,
    "Rationale",
    Rationale {
        Syntactic,
        Semantic,
        Functional
    }
);

/// A control, with what the listing query prefetched for it (to avoid one query per control).
#[derive(Clone)]
pub struct ControlNode {
    pub control: Control,
    pub mappings: Option<Arc<Vec<ControlMapping>>>,
    pub evidenced: Option<Arc<HashSet<i32>>>,
}

impl ControlNode {
    pub fn new(control: Control) -> Self {
        ControlNode {
            control,
            mappings: None,
            evidenced: None,
        }
    }

    async fn load_mappings(&self, ctx: &Context<'_>) -> Result<Vec<ControlMapping>> {
        if let Some(all) = &self.mappings {
            return Ok(all
                .iter()
                .filter(|m| m.control_id == self.control.id)
                .cloned()
                .collect());
        }
        let services = ctx.data::<Services>()?;
        controls::mappings_of(services, viewer(ctx), self.control.id)
            .await
            .gql()
    }
}

/// The mappings of a control to one framework.
#[derive(SimpleObject)]
pub struct FrameworkMappings {
    pub framework: FrameworkNode,
    pub mappings: Vec<ControlMappingNode>,
}

#[Object(name = "Control")]
impl ControlNode {
    async fn id(&self) -> ID {
        ID(self.control.id.to_string())
    }
    /// The organization's code, e.g. `GOV-01`.
    async fn code(&self) -> &str {
        &self.control.code
    }
    async fn domain(&self) -> &str {
        &self.control.domain
    }
    async fn title(&self) -> &str {
        &self.control.title
    }
    async fn description(&self) -> &str {
        &self.control.description
    }
    async fn owner(&self) -> Option<&str> {
        self.control.owner.as_deref()
    }
    async fn status(&self) -> ControlStatusValue {
        self.control.status.into()
    }
    async fn effectiveness(&self) -> EffectivenessValue {
        self.control.effectiveness.into()
    }
    async fn review_frequency_days(&self) -> i32 {
        self.control.review_frequency_days
    }
    async fn not_applicable_reason(&self) -> Option<&str> {
        self.control.not_applicable_reason.as_deref()
    }
    /// The shipped library control this one was seeded from.
    async fn library_code(&self) -> Option<&str> {
        self.control.library_code.as_deref()
    }
    async fn retired_at(&self) -> Option<DateTime<Utc>> {
        self.control.retired_at
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.control.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.control.updated_at
    }
    /// Every mapping of this control, in catalog order.
    #[graphql(complexity = "50 * child_complexity")]
    async fn mappings(&self, ctx: &Context<'_>) -> Result<Vec<ControlMappingNode>> {
        Ok(self
            .load_mappings(ctx)
            .await?
            .into_iter()
            .map(ControlMappingNode)
            .collect())
    }
    /// Mappings grouped by framework ("test once, comply many").
    #[graphql(complexity = "50 * child_complexity")]
    async fn mappings_by_framework(&self, ctx: &Context<'_>) -> Result<Vec<FrameworkMappings>> {
        let services = ctx.data::<Services>()?;
        let mut groups: Vec<FrameworkMappings> = Vec::new();
        for mapping in self.load_mappings(ctx).await? {
            let framework_id = services
                .catalog
                .requirement(mapping.requirement_id)
                .gql()?
                .framework_id;
            match groups.iter_mut().find(|g| g.framework.0.id == framework_id) {
                Some(group) => group.mappings.push(ControlMappingNode(mapping)),
                None => {
                    if let Some(framework) = services.catalog.framework_by_id(framework_id) {
                        groups.push(FrameworkMappings {
                            framework: FrameworkNode(framework.clone()),
                            mappings: vec![ControlMappingNode(mapping)],
                        });
                    }
                }
            }
        }
        Ok(groups)
    }
    /// Evidence recorded for this control, newest first.
    #[graphql(complexity = "20 * child_complexity")]
    async fn evidence(&self, ctx: &Context<'_>) -> Result<Vec<EvidenceNode>> {
        let services = ctx.data::<Services>()?;
        Ok(evidence::of_control(services, viewer(ctx), self.control.id)
            .await
            .gql()?
            .into_iter()
            .map(EvidenceNode)
            .collect())
    }
    /// True when some evidence is current (collected, not expired).
    async fn has_current_evidence(&self, ctx: &Context<'_>) -> Result<bool> {
        if let Some(set) = &self.evidenced {
            return Ok(set.contains(&self.control.id));
        }
        let services = ctx.data::<Services>()?;
        let now = services.clock.now();
        Ok(evidence::of_control(services, viewer(ctx), self.control.id)
            .await
            .gql()?
            .iter()
            .any(|e| e.is_current(now)))
    }
}

/// "control <relationship> requirement".
pub struct ControlMappingNode(pub ControlMapping);

#[Object(name = "ControlMapping")]
impl ControlMappingNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn control_id(&self) -> ID {
        ID(self.0.control_id.to_string())
    }
    async fn requirement(&self, ctx: &Context<'_>) -> Result<RequirementNode> {
        let services = ctx.data::<Services>()?;
        Ok(RequirementNode(
            services.catalog.shared(self.0.requirement_id).gql()?,
        ))
    }
    async fn relationship(&self) -> RelationshipValue {
        self.0.relationship.into()
    }
    async fn rationale(&self) -> RationaleValue {
        self.0.rationale.into()
    }
    /// 0-10: how much of the requirement this control delivers (Accord's judgement, not IR 8477's).
    async fn strength(&self) -> Option<i32> {
        self.0.strength
    }
    async fn confidence(&self) -> Option<&str> {
        self.0.confidence.as_deref()
    }
    async fn justification(&self) -> &str {
        &self.0.justification
    }
    /// Who or what made the mapping: `accord-library@1.0.0`, `user:alice@acme`, `import:...`.
    async fn provenance(&self) -> &str {
        &self.0.provenance
    }
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Evidence for a control.
pub struct EvidenceNode(pub Evidence);

#[Object(name = "Evidence")]
impl EvidenceNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn control_id(&self) -> ID {
        ID(self.0.control_id.to_string())
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn kind(&self) -> EvidenceKindValue {
        self.0.kind.into()
    }
    async fn collected_at(&self) -> DateTime<Utc> {
        self.0.collected_at
    }
    async fn valid_until(&self) -> Option<DateTime<Utc>> {
        self.0.valid_until
    }
    async fn sha256(&self) -> Option<&str> {
        self.0.sha256.as_deref()
    }
    async fn uri(&self) -> Option<&str> {
        self.0.uri.as_deref()
    }
    async fn collector(&self) -> &str {
        &self.0.collector
    }
    /// Counts toward coverage now.
    async fn current(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.0.is_current(ctx.data::<Services>()?.clock.now()))
    }
}

/// Fields of a new control.
#[derive(InputObject)]
pub struct CreateControlInput {
    pub code: String,
    pub domain: String,
    pub title: String,
    #[graphql(default)]
    pub description: String,
    pub owner: Option<String>,
    #[graphql(default_with = "ControlStatusValue::Planned")]
    pub status: ControlStatusValue,
    #[graphql(default = 365)]
    pub review_frequency_days: i32,
}

/// Changes to a control; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateControlInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub owner: Option<String>,
    pub status: Option<ControlStatusValue>,
    pub effectiveness: Option<EffectivenessValue>,
    pub review_frequency_days: Option<i32>,
    /// Required when status becomes NOT_APPLICABLE.
    pub not_applicable_reason: Option<String>,
}

/// A mapping's judgement.
#[derive(InputObject)]
pub struct MappingInputValue {
    pub relationship: RelationshipValue,
    #[graphql(default_with = "RationaleValue::Semantic")]
    pub rationale: RationaleValue,
    /// 0-10.
    pub strength: Option<i32>,
    pub confidence: Option<String>,
    /// One line: why the relationship holds.
    pub justification: String,
}

impl From<MappingInputValue> for MappingInput {
    fn from(v: MappingInputValue) -> Self {
        MappingInput {
            relationship: v.relationship.into(),
            rationale: v.rationale.into(),
            strength: v.strength,
            confidence: v.confidence,
            justification: v.justification,
        }
    }
}

/// Fields of new evidence.
#[derive(InputObject)]
pub struct EvidenceInput {
    pub title: String,
    pub kind: EvidenceKindValue,
    pub collected_at: DateTime<Utc>,
    pub valid_until: Option<DateTime<Utc>>,
    pub sha256: Option<String>,
    pub uri: Option<String>,
}
