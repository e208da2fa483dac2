//! `accord lineage export --org SLUG --dataset ID [--format svg|json] [--out FILE]`: a dataset's
//! lineage both ways as an SVG picture or W3C PROV-JSON, the same as `GET /lineage/{id}.svg`.

use std::path::Path;

use super::CliError;
use crate::config::Config;
use crate::domain::account::organizations;
use crate::domain::datasets::lineage::export;
use crate::domain::kernel::viewer::Viewer;
use crate::server::prepare;

pub async fn export(
    config: Config,
    org: &str,
    dataset: i32,
    format: &str,
    out: Option<&Path>,
) -> Result<(), CliError> {
    let format = format.to_ascii_lowercase();
    if format != "svg" && format != "json" {
        return Err(CliError::usage(format!(
            "--format must be svg or json, not '{format}'"
        )));
    }
    let services = prepare(&config).await?;
    let organization = organizations::by_slug(&services, org).await?;
    let viewer = Viewer::System {
        organization_id: organization.id,
    };
    let around = export::around(&services, &viewer, dataset).await?;
    let text = if format == "svg" {
        export::svg(&around)
    } else {
        export::prov_json(&around).to_string()
    };
    match out {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| CliError::usage(format!("cannot write {}: {e}", path.display()))),
        None => {
            println!("{text}");
            Ok(())
        }
    }
}
