//! The people directory: who signs in as which subject, with which address, roles and teams.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::people::{self, Person, PersonInput};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::pagination::{OffsetConnection, paginate};
use crate::graphql::util::{id, parse_id};

/// A person of the directory.
#[derive(SimpleObject)]
#[graphql(name = "Person")]
pub struct PersonNode {
    pub id: ID,
    /// The token subject they sign in with (governance-body members and RACI parties name it).
    pub subject: String,
    pub display_name: String,
    pub email: String,
    pub roles: Vec<String>,
    pub teams: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Person> for PersonNode {
    fn from(p: Person) -> Self {
        PersonNode {
            id: id(p.id),
            subject: p.subject,
            display_name: p.display_name,
            email: p.email,
            roles: p.roles,
            teams: p.teams,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A person's fields.
#[derive(InputObject)]
#[graphql(name = "PersonInput")]
pub struct PersonInputNode {
    pub subject: String,
    pub display_name: String,
    pub email: String,
    #[graphql(default)]
    pub roles: Vec<String>,
    #[graphql(default)]
    pub teams: Vec<String>,
}

#[derive(Default)]
pub struct PeopleQuery;

#[Object]
impl PeopleQuery {
    /// The organization's people directory, by display name.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<PersonNode>> {
        let services = ctx.data::<Services>()?;
        let list = people::list(services, viewer(ctx)).await.gql()?;
        paginate("person", list, first, after, PersonNode::from).gql()
    }
}

#[derive(Default)]
pub struct PeopleMutation;

#[Object]
impl PeopleMutation {
    /// Adds a person, or replaces the fields of the person with that subject (admins).
    #[graphql(guard = "Can(Permission::ManageAccess)")]
    async fn upsert_person(&self, ctx: &Context<'_>, input: PersonInputNode) -> Result<PersonNode> {
        let services = ctx.data::<Services>()?;
        let input = PersonInput {
            subject: input.subject,
            display_name: input.display_name,
            email: input.email,
            roles: input.roles,
            teams: input.teams,
        };
        Ok(people::upsert(services, viewer(ctx), input)
            .await
            .gql()?
            .into())
    }

    #[graphql(guard = "Can(Permission::ManageAccess)")]
    async fn delete_person(&self, ctx: &Context<'_>, id: ID) -> Result<PersonNode> {
        let services = ctx.data::<Services>()?;
        Ok(people::delete(services, viewer(ctx), parse_id(&id).gql()?)
            .await
            .gql()?
            .into())
    }

    /// Imports `subject,display_name,email,roles,teams` CSV rows (header first; roles and teams
    /// separated by `;`), all or nothing. Returns how many people were added or updated.
    #[graphql(guard = "Can(Permission::ManageAccess)")]
    async fn import_people(&self, ctx: &Context<'_>, csv: String) -> Result<i32> {
        let services = ctx.data::<Services>()?;
        let count = people::import_csv(services, viewer(ctx), &csv)
            .await
            .gql()?;
        Ok(i32::try_from(count).unwrap_or(i32::MAX))
    }
}
