//! An immutable, indexed copy of every loaded catalog, read from the database after loading.
//! Lookups by id, URN, parent and framework are map reads; filtered listings are one pass.

use std::collections::HashMap;
use std::sync::Arc;

use entity::{framework, requirement};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

use super::{Framework, Requirement};
use crate::error::{AppError, AppResult};

/// Largest page a caller may ask for.
pub const MAX_PAGE_SIZE: usize = 500;
/// Page size when the caller does not say.
pub const DEFAULT_PAGE_SIZE: usize = 100;

/// All frameworks and requirements, indexed.
#[derive(Debug, Default)]
pub struct CatalogSnapshot {
    frameworks: Vec<Framework>,
    /// In framework order, then document order; shared so that API nodes hold a requirement
    /// without copying its texts.
    requirements: Vec<Arc<Requirement>>,
    by_id: HashMap<i32, usize>,
    by_urn: HashMap<String, usize>,
    /// `(framework id, lowercase ref)`: refs are matched case-insensitively in one lookup.
    by_ref: HashMap<(i32, String), usize>,
    children: HashMap<i32, Vec<usize>>,
}

/// Filters for [`CatalogSnapshot::requirements`]; all optional and combined with AND.
#[derive(Debug, Default, Clone)]
pub struct RequirementFilter {
    pub framework_id: Option<i32>,
    pub parent_id: Option<i32>,
    pub kind: Option<String>,
    /// Case-insensitive substring of the ref id, title or text.
    pub search: Option<String>,
}

/// One page of requirements in catalog order.
#[derive(Debug)]
pub struct RequirementPage<'a> {
    pub items: Vec<&'a Arc<Requirement>>,
    pub has_next: bool,
    pub has_previous: bool,
    pub total: usize,
}

impl CatalogSnapshot {
    /// Reads every framework and requirement from the database.
    pub async fn load(db: &DatabaseConnection) -> AppResult<CatalogSnapshot> {
        let framework_rows = framework::Entity::find()
            .order_by_asc(framework::Column::Slug)
            .order_by_asc(framework::Column::Id)
            .all(db)
            .await?;
        let requirement_rows = requirement::Entity::find()
            .order_by_asc(requirement::Column::FrameworkId)
            .order_by_asc(requirement::Column::Ord)
            .all(db)
            .await?;

        let mut counts: HashMap<i32, usize> = HashMap::new();
        for row in &requirement_rows {
            *counts.entry(row.framework_id).or_default() += 1;
        }
        let frameworks = framework_rows
            .into_iter()
            .map(|fw| Framework {
                requirement_count: counts.get(&fw.id).copied().unwrap_or(0),
                id: fw.id,
                slug: fw.slug,
                name: fw.name,
                short_name: fw.short_name,
                version: fw.version,
                publisher: fw.publisher,
                published: fw.published,
                licence: fw.licence,
                source: fw.source,
            })
            .collect();

        let mut snapshot = CatalogSnapshot {
            frameworks,
            ..Default::default()
        };
        for row in requirement_rows {
            let examples: Vec<String> =
                serde_json::from_str(&row.examples).map_err(AppError::internal)?;
            let index = snapshot.requirements.len();
            snapshot.by_id.insert(row.id, index);
            snapshot.by_urn.insert(row.urn.clone(), index);
            snapshot
                .by_ref
                .insert((row.framework_id, row.ref_id.to_lowercase()), index);
            if let Some(parent) = row.parent_id {
                snapshot.children.entry(parent).or_default().push(index);
            }
            snapshot.requirements.push(Arc::new(Requirement {
                id: row.id,
                framework_id: row.framework_id,
                ref_id: row.ref_id,
                urn: row.urn,
                kind: row.kind,
                parent_id: row.parent_id,
                title: row.title,
                text: row.text,
                examples,
                ord: row.ord,
                depth: row.depth,
            }));
        }
        Ok(snapshot)
    }

    /// Every framework version, by slug then load order.
    pub fn frameworks(&self) -> &[Framework] {
        &self.frameworks
    }

    pub fn framework_by_id(&self, id: i32) -> Option<&Framework> {
        self.frameworks.iter().find(|fw| fw.id == id)
    }

    /// A framework by slug; without a version, the newest version loaded.
    pub fn framework(&self, slug: &str, version: Option<&str>) -> AppResult<&Framework> {
        self.frameworks
            .iter()
            .filter(|fw| fw.slug == slug && version.is_none_or(|v| fw.version == v))
            .max_by(|a, b| compare_versions(&a.version, &b.version))
            .ok_or_else(|| match version {
                Some(v) => AppError::not_found(format!("framework '{slug}' version '{v}'")),
                None => AppError::not_found(format!("framework '{slug}'")),
            })
    }

    pub fn requirement(&self, id: i32) -> AppResult<&Requirement> {
        self.by_id
            .get(&id)
            .and_then(|&i| self.requirements.get(i))
            .map(Arc::as_ref)
            .ok_or_else(|| AppError::not_found(format!("requirement {id}")))
    }

    /// A requirement to keep beyond a borrow of the snapshot (API nodes), without copying it.
    pub fn shared(&self, id: i32) -> AppResult<Arc<Requirement>> {
        self.by_id
            .get(&id)
            .and_then(|&i| self.requirements.get(i))
            .cloned()
            .ok_or_else(|| AppError::not_found(format!("requirement {id}")))
    }

    pub fn requirement_by_urn(&self, urn: &str) -> AppResult<&Requirement> {
        self.by_urn
            .get(urn)
            .and_then(|&i| self.requirements.get(i))
            .map(Arc::as_ref)
            .ok_or_else(|| AppError::not_found(format!("requirement '{urn}'")))
    }

    /// A requirement of a framework by its ref id (e.g. `GV.OC-01`).
    pub fn requirement_by_ref(&self, framework_id: i32, ref_id: &str) -> AppResult<&Requirement> {
        self.requirement_by_ref_ignoring_case(framework_id, ref_id)
            .filter(|r| r.ref_id == ref_id)
            .ok_or_else(|| AppError::not_found(format!("requirement '{ref_id}'")))
    }

    /// A requirement of a framework by its ref id, ignoring case.
    pub fn requirement_by_ref_ignoring_case(
        &self,
        framework_id: i32,
        ref_id: &str,
    ) -> Option<&Requirement> {
        self.by_ref
            .get(&(framework_id, ref_id.to_lowercase()))
            .and_then(|&i| self.requirements.get(i))
            .map(Arc::as_ref)
    }

    /// Every row of a framework in document order.
    pub fn requirements_of(&self, framework_id: i32) -> Vec<&Requirement> {
        self.requirements
            .iter()
            .map(Arc::as_ref)
            .filter(|r| r.framework_id == framework_id)
            .collect()
    }

    /// Top-level rows (functions, clauses) of a framework in document order.
    pub fn top_level(&self, framework_id: i32) -> Vec<&Requirement> {
        self.requirements
            .iter()
            .map(Arc::as_ref)
            .filter(|r| r.framework_id == framework_id && r.parent_id.is_none())
            .collect()
    }

    /// Requirements that coverage assesses: leaves of the catalog tree, except top-level
    /// clauses without sub-clauses (ISO/IEC 42001 clauses 1-3: scope, references, terms).
    pub fn assessable(&self, framework_id: i32) -> Vec<&Requirement> {
        self.requirements
            .iter()
            .map(Arc::as_ref)
            .filter(|r| r.framework_id == framework_id)
            .filter(|r| !self.children.contains_key(&r.id))
            .filter(|r| r.parent_id.is_some())
            .collect()
    }

    /// Direct children in document order.
    pub fn children(&self, id: i32) -> Vec<&Requirement> {
        self.children
            .get(&id)
            .map(|indexes| {
                indexes
                    .iter()
                    .filter_map(|&i| self.requirements.get(i))
                    .map(Arc::as_ref)
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn parent(&self, requirement: &Requirement) -> Option<&Requirement> {
        requirement
            .parent_id
            .and_then(|id| self.requirement(id).ok())
    }

    /// Ancestors from the top level down to the direct parent.
    pub fn ancestors(&self, requirement: &Requirement) -> Vec<&Requirement> {
        let mut chain = Vec::new();
        let mut current = self.parent(requirement);
        while let Some(parent) = current {
            chain.push(parent);
            current = self.parent(parent);
        }
        chain.reverse();
        chain
    }

    /// Filtered requirements in catalog order, `first` of them after the requirement `after`.
    pub fn requirements(
        &self,
        filter: &RequirementFilter,
        first: Option<usize>,
        after: Option<i32>,
    ) -> AppResult<RequirementPage<'_>> {
        let first = first.unwrap_or(DEFAULT_PAGE_SIZE);
        if first == 0 || first > MAX_PAGE_SIZE {
            return Err(AppError::rule(
                "first",
                "page_size_range",
                format!("first must be between 1 and {MAX_PAGE_SIZE}"),
            ));
        }
        let needle = filter.search.as_ref().map(|s| s.to_lowercase());
        let matching: Vec<&Arc<Requirement>> = self
            .requirements
            .iter()
            .filter(|r| filter.framework_id.is_none_or(|id| r.framework_id == id))
            .filter(|r| filter.parent_id.is_none_or(|id| r.parent_id == Some(id)))
            .filter(|r| filter.kind.as_ref().is_none_or(|k| &r.kind == k))
            .filter(|r| {
                needle.as_ref().is_none_or(|n| {
                    r.ref_id.to_lowercase().contains(n)
                        || r.title.to_lowercase().contains(n)
                        || r.text.to_lowercase().contains(n)
                })
            })
            .collect();
        let start = match after {
            None => 0,
            Some(cursor) => {
                matching
                    .iter()
                    .position(|r| r.id == cursor)
                    .ok_or_else(|| {
                        AppError::rule(
                            "after",
                            "cursor_not_in_listing",
                            "the `after` cursor is not in this listing",
                        )
                    })?
                    + 1
            }
        };
        let end = (start + first).min(matching.len());
        Ok(RequirementPage {
            items: matching
                .get(start..end)
                .map(<[_]>::to_vec)
                .unwrap_or_default(),
            has_next: end < matching.len(),
            has_previous: start > 0,
            total: matching.len(),
        })
    }
}

/// Orders versions numerically where they are numbers ("10" after "9"), textually otherwise.
fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |v: &str| -> Vec<(u64, String)> {
        v.split(['.', '-'])
            .map(|p| (p.parse::<u64>().unwrap_or(0), p.to_string()))
            .collect()
    };
    parts(a).cmp(&parts(b))
}

#[cfg(test)]
mod tests {
    use super::compare_versions;
    use std::cmp::Ordering;

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(compare_versions("2.0", "10.0"), Ordering::Less);
        assert_eq!(compare_versions("2023", "2023"), Ordering::Equal);
        assert_eq!(compare_versions("1.1", "1.0"), Ordering::Greater);
    }
}
