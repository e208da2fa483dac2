//! Writers from a [`Document`](super::document::Document) to the download formats: PDF, XLSX and
//! CSV here; HTML and text through the templates of `reports/` ([`super::render`]).

pub mod csv;
pub mod pdf;
pub mod xlsx;
