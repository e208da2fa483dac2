//! GraphQL wrappers of crosswalk answers, coverage and gaps.

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};

use crate::domain::Services;
use crate::domain::crosswalk::coverage::{
    Contribution, Counts, CoverageStatus, GroupBy, RequirementCoverage,
};
use crate::domain::crosswalk::relationship::Relationship;
use crate::domain::crosswalk::{Answer, AnswerRelationship, PathStep, Via};
use crate::graphql::catalog::types::{FrameworkNode, RequirementNode};
use crate::graphql::controls::types::{
    ControlStatusValue, EffectivenessValue, RationaleValue, RelationshipValue,
};
use crate::graphql::errors::GqlResultExt;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "Via")]
pub enum ViaValue {
    /// Stored requirement-to-requirement mappings (and their derived inverses).
    Direct,
    /// Through the organization's common controls (always inferred).
    Controls,
}

impl From<ViaValue> for Via {
    fn from(v: ViaValue) -> Via {
        match v {
            ViaValue::Direct => Via::Direct,
            ViaValue::Controls => Via::Controls,
        }
    }
}

/// IR 8477 relationships plus RELATED: connected through a pivot with no set relation established.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum CrosswalkRelationship {
    Equal,
    SubsetOf,
    SupersetOf,
    IntersectsWith,
    NotRelated,
    Related,
}

impl From<AnswerRelationship> for CrosswalkRelationship {
    fn from(r: AnswerRelationship) -> Self {
        match r {
            AnswerRelationship::Set(Relationship::Equal) => CrosswalkRelationship::Equal,
            AnswerRelationship::Set(Relationship::SubsetOf) => CrosswalkRelationship::SubsetOf,
            AnswerRelationship::Set(Relationship::SupersetOf) => CrosswalkRelationship::SupersetOf,
            AnswerRelationship::Set(Relationship::IntersectsWith) => {
                CrosswalkRelationship::IntersectsWith
            }
            AnswerRelationship::Set(Relationship::NotRelated) => CrosswalkRelationship::NotRelated,
            AnswerRelationship::Related => CrosswalkRelationship::Related,
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "GroupBy")]
pub enum GroupByValue {
    Function,
    Category,
}

impl From<GroupByValue> for GroupBy {
    fn from(v: GroupByValue) -> GroupBy {
        match v {
            GroupByValue::Function => GroupBy::Function,
            GroupByValue::Category => GroupBy::Category,
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "CoverageStatus")]
pub enum CoverageStatusValue {
    Satisfied,
    Partial,
    NotCovered,
    NotApplicable,
}

impl From<CoverageStatus> for CoverageStatusValue {
    fn from(s: CoverageStatus) -> Self {
        match s {
            CoverageStatus::Satisfied => CoverageStatusValue::Satisfied,
            CoverageStatus::Partial => CoverageStatusValue::Partial,
            CoverageStatus::NotCovered => CoverageStatusValue::NotCovered,
            CoverageStatus::NotApplicable => CoverageStatusValue::NotApplicable,
        }
    }
}

/// A control named on a crosswalk path.
#[derive(SimpleObject)]
pub struct ControlRef {
    pub id: ID,
    pub code: String,
}

/// One step of a path: a requirement or a control.
pub struct PathStepNode(pub PathStep);

#[Object(name = "PathStep")]
impl PathStepNode {
    /// `requirement` or `control`.
    async fn kind(&self) -> &str {
        match self.0 {
            PathStep::Requirement(_) => "requirement",
            PathStep::Control { .. } => "control",
        }
    }
    async fn requirement(&self, ctx: &Context<'_>) -> Result<Option<RequirementNode>> {
        let PathStep::Requirement(id) = self.0 else {
            return Ok(None);
        };
        let services = ctx.data::<Services>()?;
        Ok(Some(RequirementNode(services.catalog.shared(id).gql()?)))
    }
    async fn control(&self) -> Option<ControlRef> {
        match &self.0 {
            PathStep::Control { id, code } => Some(ControlRef {
                id: ID(id.to_string()),
                code: code.clone(),
            }),
            PathStep::Requirement(_) => None,
        }
    }
}

/// One answer of the crosswalk.
pub struct AnswerNode(pub std::sync::Arc<Answer>);

#[Object(name = "CrosswalkAnswer")]
impl AnswerNode {
    async fn source(&self, ctx: &Context<'_>) -> Result<RequirementNode> {
        let services = ctx.data::<Services>()?;
        Ok(RequirementNode(
            services.catalog.shared(self.0.source_id).gql()?,
        ))
    }
    async fn target(&self, ctx: &Context<'_>) -> Result<RequirementNode> {
        let services = ctx.data::<Services>()?;
        Ok(RequirementNode(
            services.catalog.shared(self.0.target_id).gql()?,
        ))
    }
    /// "source <relationship> target".
    async fn relationship(&self) -> CrosswalkRelationship {
        self.0.relationship.into()
    }
    /// Shared rationale of the legs (absent when they differ).
    async fn rationale(&self) -> Option<RationaleValue> {
        self.0.rationale.map(Into::into)
    }
    /// The weakest leg's strength.
    async fn strength(&self) -> Option<i32> {
        self.0.strength
    }
    /// 0-100, how far the answer can be relied on: the relationship's weight (equal 1.0,
    /// subset_of or superset_of 0.85, intersects_with 0.6, RELATED 0.35) times each leg's
    /// strength out of 10 (5 when a leg states none). A direct mapping has one leg, an answer
    /// through a control two. Answers come strongest first for each source requirement.
    async fn score(&self) -> i32 {
        self.0.score
    }
    async fn confidence(&self) -> Option<&str> {
        self.0.confidence.as_deref()
    }
    /// True for every answer derived through a control.
    async fn inferred(&self) -> bool {
        self.0.inferred
    }
    /// A direct mapping stored in the other direction, read as its inverse.
    async fn derived_inverse(&self) -> bool {
        self.0.derived_inverse
    }
    async fn via(&self) -> ViaValue {
        match self.0.via {
            Via::Direct => ViaValue::Direct,
            Via::Controls => ViaValue::Controls,
        }
    }
    /// requirement -> control -> requirement (or requirement -> requirement for direct answers).
    async fn path(&self) -> Vec<PathStepNode> {
        self.0.path.iter().cloned().map(PathStepNode).collect()
    }
    /// Provenance of each leg, in path order.
    async fn provenance(&self) -> &[String] {
        &self.0.provenance
    }
    /// Justification of each leg, in path order.
    async fn justification(&self) -> &[String] {
        &self.0.justification
    }
}

/// Counts and percentages (of applicable requirements).
pub struct CountsNode(pub Counts);

#[Object(name = "CoverageCounts")]
impl CountsNode {
    async fn satisfied(&self) -> usize {
        self.0.satisfied
    }
    async fn partial(&self) -> usize {
        self.0.partial
    }
    async fn not_covered(&self) -> usize {
        self.0.not_covered
    }
    async fn not_applicable(&self) -> usize {
        self.0.not_applicable
    }
    async fn total(&self) -> usize {
        self.0.total()
    }
    async fn percent_satisfied(&self) -> f64 {
        self.0.percent(self.0.satisfied)
    }
    async fn percent_partial(&self) -> f64 {
        self.0.percent(self.0.partial)
    }
    async fn percent_not_covered(&self) -> f64 {
        self.0.percent(self.0.not_covered)
    }
}

/// Counts of one function or category.
pub struct CoverageGroupNode {
    pub group_id: i32,
    pub counts: Counts,
}

#[Object(name = "CoverageGroup")]
impl CoverageGroupNode {
    async fn group(&self, ctx: &Context<'_>) -> Result<RequirementNode> {
        let services = ctx.data::<Services>()?;
        Ok(RequirementNode(
            services.catalog.shared(self.group_id).gql()?,
        ))
    }
    async fn counts(&self) -> CountsNode {
        CountsNode(self.counts.clone())
    }
}

/// Coverage of a framework.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Coverage {
    pub framework: FrameworkNode,
    pub totals: CountsNode,
    pub groups: Vec<CoverageGroupNode>,
    /// Read from the read model's shared copy only when the query selects it.
    #[graphql(skip)]
    pub assessed: std::sync::Arc<Vec<RequirementCoverage>>,
}

#[async_graphql::ComplexObject]
impl Coverage {
    /// Every assessed requirement with its status and contributing controls.
    #[graphql(complexity = "200 * child_complexity")]
    async fn requirements(&self) -> Vec<RequirementCoverageNode> {
        self.assessed
            .iter()
            .cloned()
            .map(RequirementCoverageNode)
            .collect()
    }
}

/// How one mapped control stands toward a requirement.
pub struct ContributionNode(pub Contribution);

#[Object(name = "ControlContribution")]
impl ContributionNode {
    async fn control_id(&self) -> ID {
        ID(self.0.control_id.to_string())
    }
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn relationship(&self) -> RelationshipValue {
        self.0.relationship.into()
    }
    async fn status(&self) -> ControlStatusValue {
        self.0.status.into()
    }
    async fn effectiveness(&self) -> EffectivenessValue {
        self.0.effectiveness.into()
    }
    async fn has_current_evidence(&self) -> bool {
        self.0.has_current_evidence
    }
    /// What keeps this control from satisfying the requirement (empty when it does).
    async fn blockers(&self) -> &[String] {
        &self.0.blockers
    }
}

/// The coverage of one requirement, with the controls mapped to it.
pub struct RequirementCoverageNode(pub RequirementCoverage);

#[Object(name = "RequirementCoverage")]
impl RequirementCoverageNode {
    async fn requirement(&self, ctx: &Context<'_>) -> Result<RequirementNode> {
        let services = ctx.data::<Services>()?;
        Ok(RequirementNode(
            services.catalog.shared(self.0.requirement_id).gql()?,
        ))
    }
    async fn status(&self) -> CoverageStatusValue {
        self.0.status.into()
    }
    /// Mapped controls; for a gap, the ones that would close it once their blockers are cleared.
    #[graphql(complexity = "10 * child_complexity")]
    async fn controls(&self) -> Vec<ContributionNode> {
        self.0
            .contributions
            .iter()
            .cloned()
            .map(ContributionNode)
            .collect()
    }
    /// The justification when the requirement is excluded as not applicable.
    async fn exclusion_justification(&self) -> Option<&str> {
        self.0.exclusion.as_ref().map(|e| e.justification.as_str())
    }
}

/// What an import did (a rejected import is a VALIDATION error listing every bad row).
#[derive(SimpleObject)]
pub struct ImportResult {
    pub created: usize,
    pub updated: usize,
    /// Inferred rows are derived data and are not imported as mappings.
    pub skipped_inferred: usize,
}
