//! `accord report build`: builds a report of an organization now, through the same use case as
//! `GET /reports/{kind}`, and writes it to a file or stdout.

use std::io::Write;
use std::path::Path;

use super::CliError;
use crate::config::Config;
use crate::domain::account::organizations;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::reports;
use crate::domain::reports::render::Format;
use crate::server::prepare;

pub async fn build(
    config: Config,
    org: &str,
    kind: &str,
    format: &str,
    out: Option<&Path>,
) -> Result<(), CliError> {
    let format = Format::parse(format)?;
    let services = prepare(&config).await?;
    let organization = organizations::by_slug(&services, org).await?;
    let viewer = Viewer::System {
        organization_id: organization.id,
    };
    let rendered = reports::build(&services, &viewer, kind, format).await?;
    match out {
        Some(path) => {
            std::fs::write(path, rendered.body.as_bytes())
                .map_err(|e| CliError::failure(format!("cannot write {}: {e}", path.display())))?;
            eprintln!("wrote {} ({} bytes)", path.display(), rendered.body.len());
        }
        None => std::io::stdout()
            .write_all(rendered.body.as_bytes())
            .map_err(|e| CliError::failure(format!("cannot write the report: {e}")))?,
    }
    Ok(())
}
