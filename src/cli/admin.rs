//! Administrative commands: migrations, catalog listing, organizations.

use super::CliError;
use crate::config::Config;
use crate::db;
use crate::domain::account::organizations;
use crate::domain::kernel::viewer::Viewer;
use crate::server::prepare;

pub async fn migrate(config: Config) -> Result<(), CliError> {
    let connection = db::connect(&config).await?;
    db::migrate(&connection)
        .await
        .map_err(|err| CliError::failure(format!("migration failed: {err}")))?;
    println!("migrations applied");
    Ok(())
}

pub async fn catalog_list(config: Config) -> Result<(), CliError> {
    let services = prepare(&config).await?;
    println!(
        "{:<16} {:<60} {:<8} {:>6}",
        "SLUG", "NAME", "VERSION", "COUNT"
    );
    for fw in services.catalog.frameworks() {
        println!(
            "{:<16} {:<60} {:<8} {:>6}",
            fw.slug, fw.name, fw.version, fw.requirement_count
        );
    }
    Ok(())
}

pub async fn org_create(config: Config, slug: &str, name: &str) -> Result<(), CliError> {
    let services = prepare(&config).await?;
    let org = organizations::create(&services, &Viewer::Operator, slug, name).await?;
    println!(
        "created organization {} ({}) with id {}",
        org.slug, org.name, org.id
    );
    Ok(())
}

pub async fn org_list(config: Config) -> Result<(), CliError> {
    let services = prepare(&config).await?;
    for org in organizations::list(&services, &Viewer::Operator).await? {
        println!("{}\t{}", org.slug, org.name);
    }
    Ok(())
}
