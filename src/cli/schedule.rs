//! `accord schedule list|send-now` and `accord delivery list`: report schedules and their email
//! deliveries from the command line, through the same use cases as GraphQL (as the system of the
//! organization named by `--org`).

use super::CliError;
use crate::config::Config;
use crate::domain::Services;
use crate::domain::account::organizations;
use crate::domain::delivery::runs::{self, DeliveryFilter, DeliveryStatus};
use crate::domain::delivery::schedules;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::server::prepare;

async fn system(config: &Config, org: &str) -> Result<(Services, Viewer), CliError> {
    let services = prepare(config).await?;
    let organization = organizations::by_slug(&services, org).await?;
    let viewer = Viewer::System {
        organization_id: organization.id,
    };
    Ok((services, viewer))
}

pub async fn list(config: Config, org: &str) -> Result<(), CliError> {
    let (services, viewer) = system(&config, org).await?;
    for s in schedules::list(&services, &viewer).await? {
        let next = s
            .next_run_at
            .map_or_else(|| "disabled".to_string(), |at| at.to_rfc3339());
        println!(
            "{}\t{}\t{} {}\t{}\tnext {next}",
            s.id,
            s.name,
            s.cron,
            s.time_zone,
            s.formats.join(",")
        );
    }
    Ok(())
}

pub async fn send_now(config: Config, org: &str, id: i32) -> Result<(), CliError> {
    let (services, viewer) = system(&config, org).await?;
    let run = runs::send_now(&services, &viewer, id, &services.delivery.run).await?;
    println!(
        "run {} queued for {} recipient(s): {}",
        run.id,
        run.recipients.len(),
        run.recipients.join(", ")
    );
    Ok(())
}

pub async fn deliveries(
    config: Config,
    org: &str,
    status: Option<&str>,
    schedule: Option<i32>,
) -> Result<(), CliError> {
    let status = status
        .map(|s| DeliveryStatus::parse("status", s))
        .transpose()?;
    let (services, viewer) = system(&config, org).await?;
    let all = runs::deliveries(
        &services,
        &viewer,
        &DeliveryFilter {
            schedule_id: schedule,
            recipient: None,
            status: None,
        },
    )
    .await?;
    for d in all.iter().filter(|d| status.is_none_or(|s| d.status == s)) {
        println!(
            "{}\trun {}\t{}\t{}\tattempts {}\t{}",
            d.id,
            d.run_id,
            d.recipient,
            d.status,
            d.attempts,
            d.smtp_reply
                .as_deref()
                .or(d.last_error.as_deref())
                .unwrap_or("")
        );
    }
    let count = |s: DeliveryStatus| all.iter().filter(|d| d.status == s).count();
    let failed = count(DeliveryStatus::Failed);
    eprintln!(
        "pending {}, sent {}, failed {failed}",
        count(DeliveryStatus::Pending),
        count(DeliveryStatus::Sent)
    );
    if failed > 0 {
        return Err(CliError::failure(format!(
            "{failed} email(s) were given up"
        )));
    }
    Ok(())
}
