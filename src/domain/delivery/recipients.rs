//! Turning a schedule's recipients (addresses, roles, governance bodies) into email addresses
//! through the people directory. Members and people are matched by token subject.

use std::collections::BTreeSet;

use entity::{body_member, governance_body, raci_assignment};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::schedules::{RaciRef, Recipients};
use crate::domain::Services;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::people::Person;
use crate::domain::raci::{PartyKind, RaciRole};
use crate::error::AppResult;

/// The token subjects of the members of `bodies` (bodies of other organizations are ignored).
pub async fn body_members(
    services: &Services,
    organization_id: i32,
    bodies: &[i32],
) -> AppResult<Vec<String>> {
    if bodies.is_empty() {
        return Ok(Vec::new());
    }
    let owned: Vec<i32> = governance_body::Entity::find()
        .filter(governance_body::Column::OrganizationId.eq(organization_id))
        .filter(governance_body::Column::Id.is_in(bodies.to_vec()))
        .all(&services.db)
        .await?
        .into_iter()
        .map(|b| b.id)
        .collect();
    Ok(body_member::Entity::find()
        .filter(body_member::Column::BodyId.is_in(owned))
        .all(&services.db)
        .await?
        .into_iter()
        .map(|m| m.person)
        .collect())
}

/// Who is Accountable for each record: `(party, kind)` pairs.
pub async fn accountable(
    services: &Services,
    organization_id: i32,
    records: &[RaciRef],
) -> AppResult<Vec<(String, PartyKind)>> {
    let mut out = Vec::new();
    for record in records {
        let rows = raci_assignment::Entity::find()
            .filter(raci_assignment::Column::OrganizationId.eq(organization_id))
            .filter(raci_assignment::Column::SubjectType.eq(record.subject_type.as_str()))
            .filter(raci_assignment::Column::SubjectId.eq(record.subject_id))
            .filter(raci_assignment::Column::Role.eq(RaciRole::Accountable.as_str()))
            .all(&services.db)
            .await?;
        for row in rows {
            out.push((row.party, PartyKind::stored(&row.party_kind)?));
        }
    }
    Ok(out)
}

/// Every address the recipients name, lower-cased, each once, in order. A member, role holder
/// or accountable party with no directory entry has no address and is skipped (the preview
/// shows who).
pub fn resolve(
    recipients: &Recipients,
    people: &[Person],
    members: &[String],
    accountable: &[(String, PartyKind)],
) -> Vec<String> {
    let mut out = BTreeSet::new();
    for address in &recipients.addresses {
        out.insert(address.trim().to_lowercase());
    }
    for person in people {
        let by_role = person
            .roles
            .iter()
            .any(|r| recipients.roles.iter().any(|wanted| wanted == r));
        let by_body = members.iter().any(|m| m == &person.subject);
        let by_raci = accountable.iter().any(|(party, kind)| match kind {
            PartyKind::Person => party == &person.subject,
            PartyKind::Team => person.teams.iter().any(|t| t == party),
        });
        if by_role || by_body || by_raci {
            out.insert(person.email.trim().to_lowercase());
        }
    }
    out.into_iter().collect()
}

/// Members named by the recipients who have no directory entry (so no address).
pub fn unresolved(people: &[Person], members: &[String]) -> Vec<String> {
    members
        .iter()
        .filter(|m| !people.iter().any(|p| &p.subject == *m))
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}
