//! `accord token issue`: mints a bearer token for an existing organization.

use super::CliError;
use crate::auth::{issue_token, load_key_material};
use crate::config::Config;
use crate::domain::account::organizations;
use crate::domain::kernel::viewer::Role;
use crate::server::prepare;

/// Longest lifetime a minted token may have.
const MAX_TTL_SECS: i64 = 90 * 24 * 3600;

pub async fn issue(
    config: Config,
    subject: &str,
    organization: &str,
    roles: &[String],
    ttl: &str,
) -> Result<(), CliError> {
    let ttl_secs = parse_ttl(ttl).map_err(CliError::usage)?;
    for role in roles {
        role.parse::<Role>()?;
    }
    if subject.trim().is_empty() {
        return Err(CliError::usage("--sub must not be empty"));
    }
    let keys = load_key_material(&config.auth, &config.data_dir)?;
    let services = prepare(&config).await?;
    organizations::by_slug(&services, organization).await?;
    let token = issue_token(&config.auth, &keys, subject, organization, roles, ttl_secs)?;
    services.db.close_by_ref().await.ok();
    println!("{token}");
    Ok(())
}

/// Parses `90s`, `30m`, `8h`, `7d` into seconds.
fn parse_ttl(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: i64 = number
        .parse()
        .map_err(|_| format!("invalid --ttl '{text}': use e.g. 90s, 30m, 8h, 7d"))?;
    let factor = match unit {
        "s" | "" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("invalid --ttl unit in '{text}': use s, m, h or d")),
    };
    let secs = number.saturating_mul(factor);
    if secs <= 0 || secs > MAX_TTL_SECS {
        return Err(format!("--ttl must be between 1s and 90d, got '{text}'"));
    }
    Ok(secs)
}

#[cfg(test)]
mod tests {
    use super::parse_ttl;

    #[test]
    fn ttl_units() {
        assert_eq!(parse_ttl("8h"), Ok(8 * 3600));
        assert_eq!(parse_ttl("90s"), Ok(90));
        assert_eq!(parse_ttl("7d"), Ok(7 * 86_400));
        assert!(parse_ttl("0h").is_err());
        assert!(parse_ttl("100d").is_err());
        assert!(parse_ttl("8x").is_err());
        assert!(parse_ttl("h").is_err());
    }
}
