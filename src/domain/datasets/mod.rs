//! Data governance (ISO/IEC 42001 A.7): the dataset register with where data came from, the
//! legal right to use it, its allowed purposes, personal data and how it is handled, synthetic
//! data and its validation, storage and owner; quality and privacy checks; which datasets each
//! model version was trained, validated and tested on ([`usage`], with the rules of [`rights`]);
//! and the lineage graph with upstream and downstream queries ([`lineage`]).

pub mod checks;
pub mod compromise;
pub mod lineage;
pub mod register;
pub mod rights;
pub mod sheet;
pub mod summary;
pub mod usage;

pub use register::{Dataset, DatasetInput, SyntheticValidation, ValidationInput};

use crate::domain::kernel::vocabulary::vocabulary;

vocabulary! {
    /// Who holds the copyright in a dataset's content.
    pub enum CopyrightStatus {
        Owned => "owned",
        Licensed => "licensed",
        PublicDomain => "public_domain",
        Unknown => "unknown",
    }
}

vocabulary! {
    /// How personal data in a dataset is handled.
    pub enum PersonalDataHandling {
        None => "none",
        Anonymized => "anonymized",
        Pseudonymized => "pseudonymized",
        Raw => "raw",
    }
}

vocabulary! {
    /// Where consent stands, when consent is the legal basis.
    pub enum ConsentStatus {
        NotApplicable => "not_applicable",
        Obtained => "obtained",
        Partial => "partial",
        Missing => "missing",
    }
}

vocabulary! {
    /// What a model version used a dataset for.
    pub enum DataRole {
        Training => "training",
        Validation => "validation",
        Testing => "testing",
    }
}
