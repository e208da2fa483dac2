//! Turning a schedule's recipients (addresses, roles, governance bodies) into email addresses
//! through the people directory. Members and people are matched by token subject.

use std::collections::BTreeSet;

use entity::{body_member, governance_body};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::schedules::Recipients;
use crate::domain::Services;
use crate::domain::people::Person;
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

/// Every address the recipients name, lower-cased, each once, in order. A member or role
/// holder with no directory entry has no address and is skipped (the preview shows who).
pub fn resolve(recipients: &Recipients, people: &[Person], members: &[String]) -> Vec<String> {
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
        if by_role || by_body {
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
