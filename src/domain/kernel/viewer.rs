//! Who is asking: every use case takes a [`Viewer`] and checks role and organization itself, so a
//! resolver that forgets a guard still cannot reach another organization's rows.

use std::fmt;
use std::str::FromStr;

use crate::domain::kernel::access::Permission;
use crate::error::{AppError, AppResult};

/// A role a token or API key grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything within the organization, including keys and settings.
    Admin,
    /// Governance work: controls, records, risks.
    Editor,
    /// Reads everything; writes findings.
    Auditor,
    /// Reads dashboards and reports.
    Executive,
    /// Reads catalogs, controls and crosswalks (also the only role of API keys).
    Integrator,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Editor,
        Role::Auditor,
        Role::Executive,
        Role::Integrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Auditor => "auditor",
            Role::Executive => "executive",
            Role::Integrator => "integrator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = AppError;
    fn from_str(s: &str) -> AppResult<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| AppError::rule("role", "one_of", format!("unknown role '{s}'")))
    }
}

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    Token,
    ApiKey { id: i32 },
}

/// An authenticated caller inside one organization.
#[derive(Debug, Clone)]
pub struct Principal {
    pub subject: String,
    pub organization_id: i32,
    pub organization_slug: String,
    pub roles: Vec<Role>,
    pub credential: Credential,
}

/// The caller of a use case.
#[derive(Debug, Clone)]
pub enum Viewer {
    Anonymous,
    User(Principal),
    /// The CLI and the scheduler acting for an organization with full rights.
    System {
        organization_id: i32,
    },
    /// Whoever runs the CLI on the host: platform-wide operations (creating organizations,
    /// minting tokens), no organization of its own.
    Operator,
}

impl Viewer {
    /// The authenticated principal, or `UNAUTHENTICATED`.
    pub fn principal(&self) -> AppResult<&Principal> {
        match self {
            Viewer::User(principal) => Ok(principal),
            _ => Err(AppError::Unauthenticated),
        }
    }

    /// The organization whose rows this caller may see.
    pub fn organization_id(&self) -> AppResult<i32> {
        match self {
            Viewer::User(principal) => Ok(principal.organization_id),
            Viewer::System { organization_id } => Ok(*organization_id),
            Viewer::Operator => Err(AppError::validation(
                "name an organization for this operation",
            )),
            Viewer::Anonymous => Err(AppError::Unauthenticated),
        }
    }

    /// Succeeds when the caller holds any of `roles` (the system holds them all).
    pub fn require_any(&self, roles: &[Role]) -> AppResult<()> {
        match self {
            Viewer::System { .. } | Viewer::Operator => Ok(()),
            Viewer::Anonymous => Err(AppError::Unauthenticated),
            Viewer::User(principal) => {
                if principal.roles.iter().any(|r| roles.contains(r)) {
                    Ok(())
                } else {
                    let wanted: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                    Err(AppError::Forbidden(format!(
                        "this needs one of the roles: {}",
                        wanted.join(", ")
                    )))
                }
            }
        }
    }

    /// Succeeds when the caller holds a role with `permission` (see [`crate::domain::kernel::access`]).
    pub fn require(&self, permission: Permission) -> AppResult<()> {
        self.require_any(permission.roles())
    }

    /// Any authenticated caller (or the system).
    pub fn require_authenticated(&self) -> AppResult<()> {
        match self {
            Viewer::Anonymous => Err(AppError::Unauthenticated),
            _ => Ok(()),
        }
    }

    /// A short, loggable description (never token contents).
    pub fn describe(&self) -> String {
        match self {
            Viewer::Anonymous => "anonymous".into(),
            Viewer::System { organization_id } => format!("system@{organization_id}"),
            Viewer::Operator => "operator".into(),
            Viewer::User(p) => match p.credential {
                Credential::Token => format!("{}@{}", p.subject, p.organization_slug),
                Credential::ApiKey { id } => format!("api-key:{id}@{}", p.organization_slug),
            },
        }
    }
}
