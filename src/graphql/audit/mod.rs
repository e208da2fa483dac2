//! The audit log (admins and auditors) and its verification (admins).

use crate::domain::kernel::access::Permission;
use async_graphql::{Context, Json, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::Services;
use crate::domain::audit::query::{self, AuditEntry as Entry, AuditFilter};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::pagination::{self, ListInfo, OffsetConnection};
use async_graphql::connection::{Connection, Edge};

/// One audit entry.
pub struct AuditEntry(Entry);

fn parse(text: &Option<String>) -> Option<Json<serde_json::Value>> {
    text.as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .map(Json)
}

#[Object]
impl AuditEntry {
    /// 1, 2, 3... per organization.
    async fn seq(&self) -> i64 {
        self.0.seq
    }
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    async fn action(&self) -> &str {
        &self.0.action
    }
    async fn entity(&self) -> &str {
        &self.0.entity
    }
    async fn entity_id(&self) -> &str {
        &self.0.entity_id
    }
    /// The record before the change (JSON), absent for creations.
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        parse(&self.0.before)
    }
    /// The record after the change (JSON), absent for deletions.
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        parse(&self.0.after)
    }
    /// RFC 3339 time of the change.
    async fn at(&self) -> &str {
        &self.0.at
    }
    async fn prev_hash(&self) -> &str {
        &self.0.prev_hash
    }
    async fn hash(&self) -> &str {
        &self.0.hash
    }
}

/// The result of recomputing the chain.
#[derive(SimpleObject)]
pub struct AuditVerification {
    pub ok: bool,
    pub entries: usize,
    /// Sequence number of the latest signed checkpoint outside the database.
    pub checkpoint_seq: Option<i64>,
    /// Where the chain first breaks.
    pub broken_at_seq: Option<i64>,
    pub problem: Option<String>,
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// Audit entries of the organization, oldest first: a connection whose cursors are sequence
    /// numbers (`after`), so pages stay stable while the log grows; `afterSeq` is the same bound
    /// given as a number.
    #[graphql(
        guard = "Can(Permission::ReadAuditLog)",
        complexity = "first.unwrap_or(100).max(0) as usize * child_complexity"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        entity: Option<String>,
        entity_id: Option<String>,
        actor: Option<String>,
        since: Option<DateTime<Utc>>,
        after_seq: Option<i32>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<AuditEntry>> {
        let services = ctx.data::<Services>()?;
        let after_cursor = after
            .as_deref()
            .map(|cursor| pagination::decode::<i64>("seq", cursor))
            .transpose()
            .gql()?;
        let after_seq = after_cursor.or(after_seq.map(i64::from));
        let filter = AuditFilter {
            entity,
            entity_id,
            actor,
            since,
            after_seq,
            limit: u64::try_from(first.unwrap_or(100)).unwrap_or(0),
        };
        let page = query::entries(services, viewer(ctx), &filter).await.gql()?;
        let mut connection = Connection::with_additional_fields(
            after_seq.is_some(),
            page.has_more,
            ListInfo {
                total_count: usize::try_from(page.total).unwrap_or(usize::MAX),
            },
        );
        connection.edges.extend(
            page.entries
                .into_iter()
                .map(|entry| Edge::new(pagination::encode("seq", entry.seq), AuditEntry(entry))),
        );
        Ok(connection)
    }

    /// Recomputes the organization's audit chain and checks it against the latest checkpoint.
    #[graphql(guard = "Can(Permission::VerifyAudit)")]
    async fn audit_verification(&self, ctx: &Context<'_>) -> Result<AuditVerification> {
        let services = ctx.data::<Services>()?;
        let report = query::verify_own(services, viewer(ctx)).await.gql()?;
        Ok(AuditVerification {
            ok: report.problem.is_none(),
            entries: report.entries,
            checkpoint_seq: report.checkpoint_seq,
            broken_at_seq: report.problem.as_ref().map(|p| p.seq),
            problem: report.problem.map(|p| p.reason),
        })
    }
}
