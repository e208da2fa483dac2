//! The framework catalogs compiled into the binary (from the project's `catalogs/frameworks/`).

use serde::Deserialize;

/// One catalog file as shipped in `catalogs/frameworks/`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    pub slug: String,
    pub name: String,
    pub short_name: String,
    pub version: String,
    pub publisher: String,
    pub published: String,
    pub licence: String,
    pub source: String,
    pub requirements: Vec<CatalogRow>,
}

/// One requirement row of a catalog file, in document order.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogRow {
    #[serde(rename = "ref")]
    pub ref_id: String,
    pub kind: String,
    pub parent: Option<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub examples: Vec<String>,
}

/// The raw JSON of each embedded catalog; parsed by the loader so its checksum is of the exact bytes.
pub const EMBEDDED_CATALOGS: &[(&str, &str)] = &[
    (
        "nist-csf-2.0.json",
        include_str!("../../../catalogs/frameworks/nist-csf-2.0.json"),
    ),
    (
        "nist-ai-rmf-1.0.json",
        include_str!("../../../catalogs/frameworks/nist-ai-rmf-1.0.json"),
    ),
    (
        "iso-iec-42001-2023.json",
        include_str!("../../../catalogs/frameworks/iso-iec-42001-2023.json"),
    ),
];
