//! Reviewing and adopting a new edition of the shipped control library.

use async_graphql::{Context, Object, Result, SimpleObject};

use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::library::edition::{self, Adopted, ControlReview, EditionReview, EditionState};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::vocabulary::graphql_vocabulary;

graphql_vocabulary!(
    /// Where the organization's copy of a library control stands against the shipped edition.
    EditionStateValue, "LibraryEditionState", EditionState [Missing, Behind, Current]
);

/// One library control in the review.
#[derive(SimpleObject)]
#[graphql(name = "LibraryControlReview")]
pub struct ControlReviewNode {
    pub code: String,
    pub title: String,
    pub state: EditionStateValue,
    /// The edition's change note for this control: added, changed, re-mapped...
    pub change: Option<String>,
    pub summary: Option<String>,
    /// Editions the organization's library mappings of this control come from.
    pub organization_editions: Vec<String>,
}

impl From<ControlReview> for ControlReviewNode {
    fn from(c: ControlReview) -> Self {
        ControlReviewNode {
            code: c.code,
            title: c.title,
            state: c.state.into(),
            change: c.change,
            summary: c.summary,
            organization_editions: c.organization_editions,
        }
    }
}

/// The shipped library edition against the organization's copy.
#[derive(SimpleObject)]
#[graphql(name = "LibraryEdition")]
pub struct EditionNode {
    pub shipped_version: String,
    pub organization_editions: Vec<String>,
    /// Every control of the shipped edition.
    #[graphql(complexity = "100 * child_complexity")]
    pub controls: Vec<ControlReviewNode>,
    pub crosswalks_current: bool,
}

impl From<EditionReview> for EditionNode {
    fn from(r: EditionReview) -> Self {
        EditionNode {
            shipped_version: r.shipped_version,
            organization_editions: r.organization_editions,
            controls: r.controls.into_iter().map(Into::into).collect(),
            crosswalks_current: r.crosswalks_current,
        }
    }
}

/// What an adoption did.
#[derive(SimpleObject)]
#[graphql(name = "LibraryAdoption")]
pub struct AdoptedNode {
    pub added: Vec<String>,
    pub updated: Vec<String>,
    pub crosswalk_mappings: i32,
}

impl From<Adopted> for AdoptedNode {
    fn from(a: Adopted) -> Self {
        AdoptedNode {
            added: a.added,
            updated: a.updated,
            crosswalk_mappings: i32::try_from(a.crosswalk_mappings).unwrap_or(i32::MAX),
        }
    }
}

#[derive(Default)]
pub struct EditionQuery;

#[Object]
impl EditionQuery {
    /// The shipped control library edition against the organization's copy, per control: missing
    /// (new in this edition), behind (mapped by an earlier edition) or current, with the change note.
    async fn library_edition(&self, ctx: &Context<'_>) -> Result<EditionNode> {
        let services = ctx.data::<Services>()?;
        Ok(edition::review(services, viewer(ctx)).await.gql()?.into())
    }
}

#[derive(Default)]
pub struct EditionMutation;

#[Object]
impl EditionMutation {
    /// Adopts the shipped edition for these library controls: a missing one is added with its
    /// mappings; one behind gets the edition's mappings in place of the old edition's (its own
    /// mappings, status, owner and evidence stay). `crosswalks` also replaces the shipped direct
    /// crosswalks with this edition's.
    #[graphql(guard = "Can(Permission::WriteControls)")]
    async fn adopt_library_edition(
        &self,
        ctx: &Context<'_>,
        codes: Vec<String>,
        #[graphql(default)] crosswalks: bool,
    ) -> Result<AdoptedNode> {
        let services = ctx.data::<Services>()?;
        Ok(edition::adopt(services, viewer(ctx), &codes, crosswalks)
            .await
            .gql()?
            .into())
    }
}
