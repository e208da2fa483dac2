//! A datasheet-style summary of one dataset for auditors (`reports/dataset-sheet.md.j2`): its
//! record, the rights problems that hold today, its checks and which model versions used it.

use serde_json::json;

use super::register;
use super::rights;
use super::{checks, usage};
use crate::domain::Services;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::reports::render;
use crate::error::AppResult;

/// The dataset sheet as Markdown.
pub async fn markdown(services: &Services, viewer: &Viewer, dataset_id: i32) -> AppResult<String> {
    let dataset = register::get(services, viewer, dataset_id).await?;
    let today = services.clock.today();
    let problems: Vec<serde_json::Value> = rights::rights_problems(&dataset, today)
        .into_iter()
        .chain(rights::training_problems(&dataset))
        .map(|p| json!({ "rule": p.rule, "message": p.message }))
        .collect();
    let checks = checks::of(services, viewer, dataset_id).await?;
    let usages = usage::list(services, viewer, None, Some(dataset_id)).await?;
    render::template(
        "dataset-sheet.md",
        &json!({
            "dataset": dataset,
            "problems": problems,
            "checks": checks,
            "usages": usages,
            "today": today,
        }),
    )
}
