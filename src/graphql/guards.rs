//! Field guards and the viewer of a request. Guards document and enforce roles at the schema's
//! edge; the domain checks again, so a missing guard cannot open a hole.

use async_graphql::{Context, Guard, Result};

use super::errors::to_gql_error;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::viewer::{Role, Viewer};

static ANONYMOUS: Viewer = Viewer::Anonymous;

/// The request's viewer (anonymous when the HTTP layer attached none).
pub fn viewer<'a>(ctx: &Context<'a>) -> &'a Viewer {
    ctx.data_opt::<Viewer>().unwrap_or(&ANONYMOUS)
}

/// Allows the field when the viewer holds any of the roles.
pub struct RoleGuard {
    roles: &'static [Role],
}

impl RoleGuard {
    pub const fn new(roles: &'static [Role]) -> Self {
        RoleGuard { roles }
    }
}

impl Guard for RoleGuard {
    async fn check(&self, ctx: &Context<'_>) -> Result<()> {
        viewer(ctx).require_any(self.roles).map_err(to_gql_error)
    }
}

/// Allows the field when the viewer's roles grant the permission (the role matrix in
/// `crate::domain::kernel::access`; the use case checks the same permission again).
pub struct Can(pub Permission);

impl Guard for Can {
    async fn check(&self, ctx: &Context<'_>) -> Result<()> {
        viewer(ctx).require(self.0).map_err(to_gql_error)
    }
}

/// Allows the field for any authenticated viewer.
pub struct Authenticated;

impl Guard for Authenticated {
    async fn check(&self, ctx: &Context<'_>) -> Result<()> {
        viewer(ctx).require_authenticated().map_err(to_gql_error)
    }
}
