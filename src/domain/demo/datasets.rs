//! Demo datasets: the credit scorer's data from raw exports through cleaning, features and a
//! join with a licensed bureau feed to its training set and holdout (lineage of depth 7 with
//! branches), and scraped reviews of unknown copyright used to test the support assistant: the
//! rights problem the board report shows.

use serde_json::json;

use crate::domain::Services;
use crate::domain::datasets::lineage::{self, NodeKind, NodeRef};
use crate::domain::datasets::usage;
use crate::domain::datasets::{
    ConsentStatus, CopyrightStatus, DataRole, DatasetInput, PersonalDataHandling, register,
};
use crate::domain::inventory::{self, AiSystem};
use crate::domain::kernel::viewer::Viewer;
use crate::error::AppResult;

fn input(name: &str, source: &str, copyright: CopyrightStatus, purposes: &[&str]) -> DatasetInput {
    DatasetInput {
        name: name.into(),
        description: format!("{name} (demo data)"),
        version: "2024.1".into(),
        source: source.into(),
        supplier: "Internal".into(),
        collection_method: "Nightly export".into(),
        collection_start: Some("2019-01-01".into()),
        collection_end: Some("2024-12-31".into()),
        licence: None,
        licence_expires: None,
        legal_basis: "Contract".into(),
        copyright_status: copyright,
        authorization_ref: None,
        authorization_expires: None,
        allowed_purposes: purposes.iter().map(|p| p.to_string()).collect(),
        personal_data_categories: vec!["contact".into(), "financial".into()],
        special_categories: Vec::new(),
        personal_data_handling: PersonalDataHandling::Pseudonymized,
        consent_status: ConsentStatus::NotApplicable,
        consent_evidence: None,
        retention: "7 years after the contract ends".into(),
        synthetic: false,
        synthetic_generator: None,
        synthetic_validation: None,
        storage_locations: vec!["s3://acme-data/credit/".into()],
        owner: "data-office@example.com".into(),
    }
}

/// Seeds the datasets and their lineage; returns how many datasets.
pub async fn seed(services: &Services, system: &Viewer, systems: &[AiSystem]) -> AppResult<usize> {
    let (Some(scorer), Some(assistant)) = (systems.first(), systems.get(1)) else {
        return Ok(0);
    };
    let scorer_model = inventory::model_versions(services, system, scorer.id).await?;
    let assistant_model = inventory::model_versions(services, system, assistant.id).await?;
    let (Some(scorer_model), Some(assistant_model)) = (scorer_model.last(), assistant_model.last())
    else {
        return Ok(0);
    };
    let scoring = ["credit scoring", "model validation"];
    let mut bureau = input(
        "Credit bureau feed",
        "Bureau API",
        CopyrightStatus::Licensed,
        &scoring,
    );
    bureau.supplier = "Example Credit Bureau".into();
    bureau.licence = Some("Bureau data licence 2024-17".into());
    bureau.licence_expires = Some("2027-12-31".into());
    let mut reviews = input(
        "Scraped web reviews",
        "Public review sites",
        CopyrightStatus::Unknown,
        &["assistant evaluation"],
    );
    reviews.personal_data_categories = vec!["names".into()];
    reviews.personal_data_handling = PersonalDataHandling::Raw;
    let mut made = Vec::new();
    for dataset in [
        input(
            "Loan applications",
            "Core banking exports",
            CopyrightStatus::Owned,
            &scoring,
        ),
        input(
            "Loan applications (clean)",
            "Derived",
            CopyrightStatus::Owned,
            &scoring,
        ),
        input(
            "Credit features",
            "Derived",
            CopyrightStatus::Owned,
            &scoring,
        ),
        bureau,
        input("Training set", "Derived", CopyrightStatus::Owned, &scoring),
        input("Holdout set", "Derived", CopyrightStatus::Owned, &scoring),
        reviews,
    ] {
        made.push(register::create(services, system, dataset).await?.id);
    }
    let [raw, clean, features, bureau, training, holdout, reviews] = made[..] else {
        return Ok(made.len());
    };
    let step = |label: &'static str, tool: &'static str| {
        let details =
            json!({ "transformation": label, "tool_version": tool, "parameters": { "seed": 42 } });
        async move {
            lineage::add_node(services, system, NodeKind::ProcessingStep, label, details).await
        }
    };
    let dedupe = step("Clean and deduplicate", "dbt 1.8").await?.id;
    let featurize = step("Feature engineering", "python 3.12 / pandas 2.2")
        .await?
        .id;
    let join = step("Join bureau data", "dbt 1.8").await?.id;
    let split = step("Train/holdout split", "scikit-learn 1.5").await?.id;
    for (from, to, how) in [
        (NodeRef::Dataset(raw), NodeRef::Node(dedupe), "read"),
        (NodeRef::Node(dedupe), NodeRef::Dataset(clean), "write"),
        (NodeRef::Dataset(clean), NodeRef::Node(featurize), "read"),
        (
            NodeRef::Node(featurize),
            NodeRef::Dataset(features),
            "write",
        ),
        (NodeRef::Dataset(features), NodeRef::Node(join), "read"),
        (NodeRef::Dataset(bureau), NodeRef::Node(join), "read"),
        (NodeRef::Node(join), NodeRef::Node(split), "hand over"),
        (
            NodeRef::Node(split),
            NodeRef::Dataset(training),
            "write 80%",
        ),
        (NodeRef::Node(split), NodeRef::Dataset(holdout), "write 20%"),
    ] {
        lineage::add_edge(services, system, from, to, how).await?;
    }
    usage::link(
        services,
        system,
        scorer_model.id,
        training,
        DataRole::Training,
        "credit scoring",
    )
    .await?;
    usage::link(
        services,
        system,
        scorer_model.id,
        holdout,
        DataRole::Testing,
        "model validation",
    )
    .await?;
    usage::link(
        services,
        system,
        assistant_model.id,
        reviews,
        DataRole::Testing,
        "assistant evaluation",
    )
    .await?;
    Ok(made.len())
}
