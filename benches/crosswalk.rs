//! Benchmark: the full three-framework crosswalk through controls, computed and serialized
//! (CSV and OSCAL), at 1x and 10x the shipped control library (synthetic copies of each control
//! with the same mappings). Run with `cargo bench --bench crosswalk`; prints medians and the
//! 10x/1x ratio. `--factor N` runs one size only (for whole-process timing and peak memory).

use std::time::{Duration, Instant};

use accord::config::Config;
use accord::domain::Services;
use accord::domain::account::organizations;
use accord::domain::crosswalk::{self, CrosswalkRequest, Via};
use accord::domain::interchange::{csv_format, oscal};
use accord::domain::kernel::viewer::Viewer;
use entity::{control, control_mapping};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

const PAIRS: [(&str, &str); 3] = [
    ("nist-csf", "nist-ai-rmf"),
    ("nist-csf", "iso-iec-42001"),
    ("nist-ai-rmf", "iso-iec-42001"),
];
const RUNS: usize = 7;

/// Adds `factor - 1` synthetic copies of every control of the organization, with its mappings.
async fn multiply_library(services: &Services, organization_id: i32, factor: usize) {
    let controls = control::Entity::find()
        .filter(control::Column::OrganizationId.eq(organization_id))
        .all(&services.db)
        .await
        .expect("controls");
    let mappings = control_mapping::Entity::find()
        .filter(control_mapping::Column::OrganizationId.eq(organization_id))
        .all(&services.db)
        .await
        .expect("mappings");
    for copy in 2..=factor {
        for original in &controls {
            let created = control::Entity::insert(control::ActiveModel {
                organization_id: Set(organization_id),
                code: Set(format!("{}-X{copy}", original.code)),
                domain: Set(original.domain.clone()),
                title: Set(original.title.clone()),
                description: Set(original.description.clone()),
                owner: Set(None),
                status: Set(original.status.clone()),
                effectiveness: Set(original.effectiveness.clone()),
                review_frequency_days: Set(original.review_frequency_days),
                not_applicable_reason: Set(None),
                library_code: Set(None),
                retired_at: Set(None),
                created_at: Set(original.created_at),
                updated_at: Set(original.updated_at),
                ..Default::default()
            })
            .exec(&services.db)
            .await
            .expect("synthetic control");
            let rows: Vec<control_mapping::ActiveModel> = mappings
                .iter()
                .filter(|m| m.control_id == original.id)
                .map(|m| control_mapping::ActiveModel {
                    organization_id: Set(organization_id),
                    control_id: Set(created.last_insert_id),
                    requirement_id: Set(m.requirement_id),
                    relationship: Set(m.relationship.clone()),
                    rationale: Set(m.rationale.clone()),
                    strength: Set(m.strength),
                    confidence: Set(m.confidence.clone()),
                    justification: Set(m.justification.clone()),
                    provenance: Set("synthetic".into()),
                    created_by: Set("bench".into()),
                    created_at: Set(m.created_at),
                    ..Default::default()
                })
                .collect();
            if !rows.is_empty() {
                control_mapping::Entity::insert_many(rows)
                    .exec(&services.db)
                    .await
                    .expect("synthetic mappings");
            }
        }
    }
}

/// One full pass: every pair computed, then written as CSV and OSCAL. Returns answers and bytes.
async fn full_crosswalk(services: &Services, viewer: &Viewer) -> (usize, usize) {
    let (mut answers, mut bytes) = (0, 0);
    for (from, to) in PAIRS {
        let from = services.catalog.framework(from, None).expect("from");
        let to = services.catalog.framework(to, None).expect("to");
        let request = CrosswalkRequest {
            from_framework_id: from.id,
            to_framework_id: to.id,
            sources: None,
            via: vec![Via::Controls],
        };
        let list: Vec<crosswalk::Answer> = crosswalk::crosswalk(services, viewer, &request)
            .await
            .expect("crosswalk")
            .iter()
            .map(|answer| answer.as_ref().clone())
            .collect();
        let csv = csv_format::write(&services.catalog, &list).expect("csv");
        let document = oscal::mapping_collection(
            &services.catalog,
            from,
            to,
            &list,
            "bench",
            chrono::Utc::now(),
        );
        let json = serde_json::to_string(&document).expect("json");
        answers += list.len();
        bytes += csv.len() + json.len();
    }
    (answers, bytes)
}

async fn measure(factor: usize) -> (Duration, usize, usize) {
    let dir = tempfile::tempdir().expect("dir");
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    };
    let services = accord::server::prepare(&config).await.expect("services");
    let org = organizations::create(&services, &Viewer::Operator, "bench", "Bench")
        .await
        .expect("org");
    multiply_library(&services, org.id, factor).await;
    let viewer = Viewer::System {
        organization_id: org.id,
    };
    let mut times = Vec::new();
    let mut result = (0, 0);
    for _ in 0..RUNS {
        let start = Instant::now();
        result = full_crosswalk(&services, &viewer).await;
        times.push(start.elapsed());
    }
    times.sort();
    (times[RUNS / 2], result.0, result.1)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let only = args
        .iter()
        .position(|a| a == "--factor")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse::<usize>().ok());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let factors = only.map_or(vec![1, 10], |f| vec![f]);
    let mut medians = Vec::new();
    for factor in factors {
        let (median, answers, bytes) = runtime.block_on(measure(factor));
        println!(
            "crosswalk via controls, 3 framework pairs, {factor}x library: median {:.1} ms over {RUNS} runs, {answers} answers, {:.1} MiB serialized",
            median.as_secs_f64() * 1000.0,
            bytes as f64 / 1_048_576.0
        );
        medians.push(median);
    }
    if let [one, ten] = medians[..] {
        println!("ratio 10x/1x: {:.2}", ten.as_secs_f64() / one.as_secs_f64());
    }
}
