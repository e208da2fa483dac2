//! GraphQL types of data governance: datasets, their use by model versions, the lineage graph
//! and its walks, and what marking a dataset compromised opened.

use async_graphql::{ID, InputObject, Json, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::datasets::checks::{self, Check, CheckKind, CheckOutcome};
use crate::domain::datasets::compromise::{Affected, Compromise};
use crate::domain::datasets::lineage::{Edge, Node, NodeKind, NodeRef, Trace};
use crate::domain::datasets::usage::Usage;
use crate::domain::datasets::{
    ConsentStatus, CopyrightStatus, DataRole, Dataset, DatasetInput, PersonalDataHandling,
    SyntheticValidation, ValidationInput,
};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::util::{id, parse_id};
use crate::graphql::vocabulary::graphql_vocabulary;

graphql_vocabulary!(
    /// Who holds the copyright in a dataset's content.
    CopyrightStatusValue, "CopyrightStatus", CopyrightStatus [Owned, Licensed, PublicDomain, Unknown]
);
graphql_vocabulary!(
    /// How personal data in a dataset is handled.
    HandlingValue, "PersonalDataHandling", PersonalDataHandling [None, Anonymized, Pseudonymized, Raw]
);
graphql_vocabulary!(
    /// Where consent stands, when consent is the legal basis.
    ConsentStatusValue, "ConsentStatus", ConsentStatus [NotApplicable, Obtained, Partial, Missing]
);
graphql_vocabulary!(
    /// What a model version used a dataset for.
    DataRoleValue, "DataRole", DataRole [Training, Validation, Testing]
);
graphql_vocabulary!(
    /// What a lineage node stands for.
    NodeKindValue, "LineageNodeKind", NodeKind [Dataset, ProcessingStep, Storage, ModelVersion]
);

/// How a synthetic dataset was validated, as entered (`validatedOn` `YYYY-MM-DD`).
#[derive(InputObject)]
pub struct SyntheticValidationInput {
    pub quality: String,
    pub bias: String,
    pub reidentification_risk: String,
    pub passed: bool,
    pub validated_on: String,
}

/// How a synthetic dataset was validated.
#[derive(SimpleObject, Clone)]
#[graphql(name = "SyntheticValidation")]
pub struct SyntheticValidationNode {
    pub quality: String,
    pub bias: String,
    pub reidentification_risk: String,
    pub passed: bool,
    pub validated_on: NaiveDate,
}

impl From<SyntheticValidation> for SyntheticValidationNode {
    fn from(v: SyntheticValidation) -> Self {
        SyntheticValidationNode {
            quality: v.quality,
            bias: v.bias,
            reidentification_risk: v.reidentification_risk,
            passed: v.passed,
            validated_on: v.validated_on,
        }
    }
}

/// A dataset of the register.
#[derive(SimpleObject)]
#[graphql(name = "Dataset", complex)]
pub struct DatasetNode {
    pub id: ID,
    pub name: String,
    pub description: String,
    pub version: String,
    pub source: String,
    pub supplier: String,
    pub collection_method: String,
    pub collection_start: Option<NaiveDate>,
    pub collection_end: Option<NaiveDate>,
    pub licence: Option<String>,
    pub licence_expires: Option<NaiveDate>,
    pub legal_basis: String,
    pub copyright_status: CopyrightStatusValue,
    pub authorization_ref: Option<String>,
    pub authorization_expires: Option<NaiveDate>,
    pub allowed_purposes: Vec<String>,
    pub personal_data_categories: Vec<String>,
    pub special_categories: Vec<String>,
    pub personal_data_handling: HandlingValue,
    pub consent_status: ConsentStatusValue,
    pub consent_evidence: Option<String>,
    pub retention: String,
    pub synthetic: bool,
    pub synthetic_generator: Option<String>,
    pub synthetic_validation: Option<SyntheticValidationNode>,
    pub storage_locations: Vec<String>,
    pub owner: String,
    pub compromised_at: Option<DateTime<Utc>>,
    pub compromise_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[graphql(skip)]
    key: i32,
}

impl From<Dataset> for DatasetNode {
    fn from(d: Dataset) -> Self {
        DatasetNode {
            key: d.id,
            id: id(d.id),
            name: d.name,
            description: d.description,
            version: d.version,
            source: d.source,
            supplier: d.supplier,
            collection_method: d.collection_method,
            collection_start: d.collection_start,
            collection_end: d.collection_end,
            licence: d.licence,
            licence_expires: d.licence_expires,
            legal_basis: d.legal_basis,
            copyright_status: d.copyright_status.into(),
            authorization_ref: d.authorization_ref,
            authorization_expires: d.authorization_expires,
            allowed_purposes: d.allowed_purposes,
            personal_data_categories: d.personal_data_categories,
            special_categories: d.special_categories,
            personal_data_handling: d.personal_data_handling.into(),
            consent_status: d.consent_status.into(),
            consent_evidence: d.consent_evidence,
            retention: d.retention,
            synthetic: d.synthetic,
            synthetic_generator: d.synthetic_generator,
            synthetic_validation: d.synthetic_validation.map(Into::into),
            storage_locations: d.storage_locations,
            owner: d.owner,
            compromised_at: d.compromised_at,
            compromise_note: d.compromise_note,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

#[async_graphql::ComplexObject]
impl DatasetNode {
    /// Quality and privacy checks, newest first.
    #[graphql(complexity = "10 * child_complexity")]
    async fn checks(&self, ctx: &async_graphql::Context<'_>) -> Result<Vec<CheckNode>> {
        let services = ctx.data::<crate::domain::Services>()?;
        Ok(
            checks::of(services, crate::graphql::guards::viewer(ctx), self.key)
                .await
                .gql()?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }

    /// The datasheet-style summary (Markdown): record, open problems, checks, use.
    #[graphql(complexity = 50)]
    async fn sheet(&self, ctx: &async_graphql::Context<'_>) -> Result<String> {
        let services = ctx.data::<crate::domain::Services>()?;
        crate::domain::datasets::sheet::markdown(
            services,
            crate::graphql::guards::viewer(ctx),
            self.key,
        )
        .await
        .gql()
    }
}

graphql_vocabulary!(
    /// What a data check looked at.
    CheckKindValue, "DatasetCheckKind", CheckKind [
        CorruptRecords, Duplicates, FabricatedRecords, Representativeness, Balance, Privacy, Other
    ]
);
graphql_vocabulary!(
    /// What a data check concluded.
    CheckOutcomeValue, "DatasetCheckResult", CheckOutcome [Passed, Warning, Failed]
);

/// A quality or privacy check of a dataset.
#[derive(SimpleObject)]
#[graphql(name = "DatasetCheck")]
pub struct CheckNode {
    pub id: ID,
    pub dataset_id: ID,
    pub kind: CheckKindValue,
    pub method: String,
    pub result: CheckOutcomeValue,
    pub details: String,
    pub checked_on: NaiveDate,
    pub checked_by: String,
    /// The risk the failed check opened.
    pub risk_id: Option<ID>,
    pub created_at: DateTime<Utc>,
}

impl From<Check> for CheckNode {
    fn from(c: Check) -> Self {
        CheckNode {
            id: id(c.id),
            dataset_id: id(c.dataset_id),
            kind: c.kind.into(),
            method: c.method,
            result: c.result.into(),
            details: c.details,
            checked_on: c.checked_on,
            checked_by: c.checked_by,
            risk_id: c.risk_id.map(id),
            created_at: c.created_at,
        }
    }
}

/// A dataset as entered (dates `YYYY-MM-DD`).
#[derive(InputObject)]
#[graphql(name = "DatasetInput")]
pub struct DatasetInputNode {
    pub name: String,
    #[graphql(default)]
    pub description: String,
    pub version: String,
    pub source: String,
    pub supplier: String,
    pub collection_method: String,
    pub collection_start: Option<String>,
    pub collection_end: Option<String>,
    pub licence: Option<String>,
    pub licence_expires: Option<String>,
    pub legal_basis: String,
    pub copyright_status: CopyrightStatusValue,
    pub authorization_ref: Option<String>,
    pub authorization_expires: Option<String>,
    #[graphql(default)]
    pub allowed_purposes: Vec<String>,
    #[graphql(default)]
    pub personal_data_categories: Vec<String>,
    #[graphql(default)]
    pub special_categories: Vec<String>,
    #[graphql(default_with = "HandlingValue::None")]
    pub personal_data_handling: HandlingValue,
    #[graphql(default_with = "ConsentStatusValue::NotApplicable")]
    pub consent_status: ConsentStatusValue,
    pub consent_evidence: Option<String>,
    pub retention: String,
    #[graphql(default)]
    pub synthetic: bool,
    pub synthetic_generator: Option<String>,
    pub synthetic_validation: Option<SyntheticValidationInput>,
    #[graphql(default)]
    pub storage_locations: Vec<String>,
    pub owner: String,
}

impl From<DatasetInputNode> for DatasetInput {
    fn from(i: DatasetInputNode) -> Self {
        DatasetInput {
            name: i.name,
            description: i.description,
            version: i.version,
            source: i.source,
            supplier: i.supplier,
            collection_method: i.collection_method,
            collection_start: i.collection_start,
            collection_end: i.collection_end,
            licence: i.licence,
            licence_expires: i.licence_expires,
            legal_basis: i.legal_basis,
            copyright_status: i.copyright_status.into(),
            authorization_ref: i.authorization_ref,
            authorization_expires: i.authorization_expires,
            allowed_purposes: i.allowed_purposes,
            personal_data_categories: i.personal_data_categories,
            special_categories: i.special_categories,
            personal_data_handling: i.personal_data_handling.into(),
            consent_status: i.consent_status.into(),
            consent_evidence: i.consent_evidence,
            retention: i.retention,
            synthetic: i.synthetic,
            synthetic_generator: i.synthetic_generator,
            synthetic_validation: i.synthetic_validation.map(|v| ValidationInput {
                quality: v.quality,
                bias: v.bias,
                reidentification_risk: v.reidentification_risk,
                passed: v.passed,
                validated_on: v.validated_on,
            }),
            storage_locations: i.storage_locations,
            owner: i.owner,
        }
    }
}

/// A dataset's use by a model version.
#[derive(SimpleObject)]
#[graphql(name = "DatasetUsage")]
pub struct UsageNode {
    pub id: ID,
    pub model_version_id: ID,
    pub dataset_id: ID,
    pub role: DataRoleValue,
    pub purpose: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<Usage> for UsageNode {
    fn from(u: Usage) -> Self {
        UsageNode {
            id: id(u.id),
            model_version_id: id(u.model_version_id),
            dataset_id: id(u.dataset_id),
            role: u.role.into(),
            purpose: u.purpose,
            created_by: u.created_by,
            created_at: u.created_at,
        }
    }
}

/// A node of the lineage graph.
#[derive(SimpleObject)]
#[graphql(name = "LineageNode")]
pub struct LineageNodeNode {
    pub id: ID,
    pub kind: NodeKindValue,
    pub dataset_id: Option<ID>,
    pub model_version_id: Option<ID>,
    pub label: String,
    /// Transformation, code or tool version, parameters, URI.
    pub details: Json<serde_json::Value>,
}

impl From<Node> for LineageNodeNode {
    fn from(n: Node) -> Self {
        LineageNodeNode {
            id: id(n.id),
            kind: n.kind.into(),
            dataset_id: n.dataset_id.map(id),
            model_version_id: n.model_version_id.map(id),
            label: n.label,
            details: Json(n.details),
        }
    }
}

/// An edge of the lineage graph.
#[derive(SimpleObject)]
#[graphql(name = "LineageEdge")]
pub struct LineageEdgeNode {
    pub id: ID,
    pub from: ID,
    pub to: ID,
    pub transformation: String,
    pub actor: String,
    pub at: DateTime<Utc>,
}

impl From<Edge> for LineageEdgeNode {
    fn from(e: Edge) -> Self {
        LineageEdgeNode {
            id: id(e.id),
            from: id(e.from),
            to: id(e.to),
            transformation: e.transformation,
            actor: e.actor,
            at: e.at,
        }
    }
}

/// A node reached by a walk, with its distance from the start.
#[derive(SimpleObject)]
pub struct LineageStep {
    pub node: LineageNodeNode,
    pub depth: usize,
}

/// An AI system a walk reached through its model versions.
#[derive(SimpleObject)]
pub struct LineageAiSystem {
    pub id: ID,
    pub name: String,
}

/// What a lineage walk found.
#[derive(SimpleObject)]
pub struct LineageTrace {
    pub root: ID,
    pub nodes: Vec<LineageStep>,
    pub edges: Vec<LineageEdgeNode>,
    pub ai_systems: Vec<LineageAiSystem>,
    /// True when the depth or node bound stopped the walk.
    pub truncated: bool,
}

impl From<Trace> for LineageTrace {
    fn from(t: Trace) -> Self {
        LineageTrace {
            root: id(t.root),
            nodes: t
                .nodes
                .into_iter()
                .map(|(node, depth)| LineageStep {
                    node: node.into(),
                    depth,
                })
                .collect(),
            edges: t.edges.into_iter().map(Into::into).collect(),
            ai_systems: t
                .ai_systems
                .into_iter()
                .map(|(i, name)| LineageAiSystem { id: id(i), name })
                .collect(),
            truncated: t.truncated,
        }
    }
}

/// A lineage node named by its id, or by the dataset or model version it stands for: exactly
/// one.
#[derive(InputObject)]
pub struct LineageRef {
    pub node_id: Option<ID>,
    pub dataset_id: Option<ID>,
    pub model_version_id: Option<ID>,
}

impl LineageRef {
    pub fn into_domain(self, field: &str) -> Result<NodeRef> {
        match (self.node_id, self.dataset_id, self.model_version_id) {
            (Some(n), None, None) => Ok(NodeRef::Node(parse_id(&n).gql()?)),
            (None, Some(d), None) => Ok(NodeRef::Dataset(parse_id(&d).gql()?)),
            (None, None, Some(m)) => Ok(NodeRef::ModelVersion(parse_id(&m).gql()?)),
            _ => Err(crate::error::AppError::rule(
                field,
                "one_reference",
                format!("{field} names exactly one of nodeId, datasetId, modelVersionId"),
            ))
            .gql(),
        }
    }
}

/// An AI system reached from a compromised dataset, with its incident.
#[derive(SimpleObject)]
pub struct AffectedAiSystem {
    pub ai_system_id: ID,
    pub ai_system: String,
    pub incident_id: ID,
    /// False when an earlier marking already opened it.
    pub opened_now: bool,
}

impl From<Affected> for AffectedAiSystem {
    fn from(a: Affected) -> Self {
        AffectedAiSystem {
            ai_system_id: id(a.ai_system_id),
            ai_system: a.ai_system,
            incident_id: id(a.incident_id),
            opened_now: a.opened_now,
        }
    }
}

/// What marking a dataset compromised opened.
#[derive(SimpleObject)]
pub struct DatasetCompromise {
    pub dataset_id: ID,
    pub compromised_at: DateTime<Utc>,
    pub affected: Vec<AffectedAiSystem>,
    pub truncated: bool,
}

impl From<Compromise> for DatasetCompromise {
    fn from(c: Compromise) -> Self {
        DatasetCompromise {
            dataset_id: id(c.dataset_id),
            compromised_at: c.compromised_at,
            affected: c.affected.into_iter().map(Into::into).collect(),
            truncated: c.truncated,
        }
    }
}
