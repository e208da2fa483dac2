//! GraphQL wrappers for accounts, organizations and API keys.

use async_graphql::{Enum, ID, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::account::api_keys::ApiKey;
use crate::domain::account::organizations::Organization;
use crate::domain::kernel::viewer::{Credential, Principal, Role};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "Role")]
pub enum RoleValue {
    Admin,
    Editor,
    Auditor,
    Executive,
    Integrator,
}

impl From<Role> for RoleValue {
    fn from(role: Role) -> Self {
        match role {
            Role::Admin => RoleValue::Admin,
            Role::Editor => RoleValue::Editor,
            Role::Auditor => RoleValue::Auditor,
            Role::Executive => RoleValue::Executive,
            Role::Integrator => RoleValue::Integrator,
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum CredentialKind {
    Token,
    ApiKey,
}

#[derive(SimpleObject)]
#[graphql(name = "Organization")]
pub struct OrganizationNode {
    pub id: ID,
    pub slug: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl From<Organization> for OrganizationNode {
    fn from(org: Organization) -> Self {
        OrganizationNode {
            id: ID(org.id.to_string()),
            slug: org.slug,
            name: org.name,
            created_at: org.created_at,
        }
    }
}

/// The authenticated caller.
#[derive(SimpleObject)]
pub struct Me {
    pub subject: String,
    pub roles: Vec<RoleValue>,
    pub credential: CredentialKind,
    pub organization: OrganizationNode,
}

impl Me {
    pub fn new(principal: &Principal, organization: Organization) -> Self {
        Me {
            subject: principal.subject.clone(),
            roles: principal
                .roles
                .iter()
                .copied()
                .map(RoleValue::from)
                .collect(),
            credential: match principal.credential {
                Credential::Token => CredentialKind::Token,
                Credential::ApiKey { .. } => CredentialKind::ApiKey,
            },
            organization: organization.into(),
        }
    }
}

/// An integrator API key as listed; the key itself is only ever returned by `createApiKey`.
#[derive(SimpleObject)]
#[graphql(name = "ApiKey")]
pub struct ApiKeyNode {
    pub id: ID,
    pub name: String,
    /// The key's first characters, to tell keys apart.
    pub prefix: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<ApiKey> for ApiKeyNode {
    fn from(key: ApiKey) -> Self {
        ApiKeyNode {
            id: ID(key.id.to_string()),
            name: key.name,
            prefix: key.prefix,
            created_by: key.created_by,
            created_at: key.created_at,
            revoked_at: key.revoked_at,
            last_used_at: key.last_used_at,
        }
    }
}

/// A new key: `key` is shown this once and cannot be retrieved again.
#[derive(SimpleObject)]
pub struct CreatedApiKey {
    pub key: String,
    pub api_key: ApiKeyNode,
}
