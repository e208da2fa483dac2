//! The dataset register: creating, updating and reading datasets.

use chrono::{DateTime, NaiveDate, Utc};
use entity::dataset;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::{Deserialize, Serialize};

use super::{ConsentStatus, CopyrightStatus, PersonalDataHandling};
use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::kernel::write::{Action, Entity, Write};
use crate::error::{AppError, AppResult};

/// Most entries in a dataset's lists (purposes, categories, locations).
const MAX_LIST: usize = 100;

/// How a synthetic dataset was validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyntheticValidation {
    pub quality: String,
    pub bias: String,
    pub reidentification_risk: String,
    pub passed: bool,
    pub validated_on: NaiveDate,
}

/// A dataset of the register.
#[derive(Debug, Clone, Serialize)]
pub struct Dataset {
    pub id: i32,
    pub name: String,
    pub description: String,
    pub version: String,
    pub source: String,
    pub supplier: String,
    pub collection_method: String,
    pub collection_start: Option<NaiveDate>,
    pub collection_end: Option<NaiveDate>,
    pub licence: Option<String>,
    pub licence_expires: Option<NaiveDate>,
    pub legal_basis: String,
    pub copyright_status: CopyrightStatus,
    pub authorization_ref: Option<String>,
    pub authorization_expires: Option<NaiveDate>,
    pub allowed_purposes: Vec<String>,
    pub personal_data_categories: Vec<String>,
    pub special_categories: Vec<String>,
    pub personal_data_handling: PersonalDataHandling,
    pub consent_status: ConsentStatus,
    pub consent_evidence: Option<String>,
    pub retention: String,
    pub synthetic: bool,
    pub synthetic_generator: Option<String>,
    pub synthetic_validation: Option<SyntheticValidation>,
    pub storage_locations: Vec<String>,
    pub owner: String,
    pub compromised_at: Option<DateTime<Utc>>,
    pub compromise_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn date(value: Option<&str>) -> AppResult<Option<NaiveDate>> {
    value
        .map(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(AppError::internal))
        .transpose()
}

fn stored_list(value: &str) -> AppResult<Vec<String>> {
    serde_json::from_str(value).map_err(AppError::internal)
}

impl TryFrom<dataset::Model> for Dataset {
    type Error = AppError;
    fn try_from(m: dataset::Model) -> AppResult<Self> {
        Ok(Dataset {
            id: m.id,
            collection_start: date(m.collection_start.as_deref())?,
            collection_end: date(m.collection_end.as_deref())?,
            licence_expires: date(m.licence_expires.as_deref())?,
            authorization_expires: date(m.authorization_expires.as_deref())?,
            copyright_status: CopyrightStatus::stored(&m.copyright_status)?,
            allowed_purposes: stored_list(&m.allowed_purposes)?,
            personal_data_categories: stored_list(&m.personal_data_categories)?,
            special_categories: stored_list(&m.special_categories)?,
            personal_data_handling: PersonalDataHandling::stored(&m.personal_data_handling)?,
            consent_status: ConsentStatus::stored(&m.consent_status)?,
            synthetic_validation: m
                .synthetic_validation
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(AppError::internal)?,
            storage_locations: stored_list(&m.storage_locations)?,
            name: m.name,
            description: m.description,
            version: m.version,
            source: m.source,
            supplier: m.supplier,
            collection_method: m.collection_method,
            licence: m.licence,
            legal_basis: m.legal_basis,
            authorization_ref: m.authorization_ref,
            consent_evidence: m.consent_evidence,
            retention: m.retention,
            synthetic: m.synthetic,
            synthetic_generator: m.synthetic_generator,
            owner: m.owner,
            compromised_at: m.compromised_at,
            compromise_note: m.compromise_note,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

/// A dataset as entered.
#[derive(Debug, Clone)]
pub struct DatasetInput {
    pub name: String,
    pub description: String,
    pub version: String,
    pub source: String,
    pub supplier: String,
    pub collection_method: String,
    pub collection_start: Option<String>,
    pub collection_end: Option<String>,
    pub licence: Option<String>,
    pub licence_expires: Option<String>,
    pub legal_basis: String,
    pub copyright_status: CopyrightStatus,
    pub authorization_ref: Option<String>,
    pub authorization_expires: Option<String>,
    pub allowed_purposes: Vec<String>,
    pub personal_data_categories: Vec<String>,
    pub special_categories: Vec<String>,
    pub personal_data_handling: PersonalDataHandling,
    pub consent_status: ConsentStatus,
    pub consent_evidence: Option<String>,
    pub retention: String,
    pub synthetic: bool,
    pub synthetic_generator: Option<String>,
    pub synthetic_validation: Option<ValidationInput>,
    pub storage_locations: Vec<String>,
    pub owner: String,
}

/// A synthetic dataset's validation as entered (`validated_on` `YYYY-MM-DD`).
#[derive(Debug, Clone)]
pub struct ValidationInput {
    pub quality: String,
    pub bias: String,
    pub reidentification_risk: String,
    pub passed: bool,
    pub validated_on: String,
}

impl ValidationInput {
    fn checked(&self) -> AppResult<SyntheticValidation> {
        Ok(SyntheticValidation {
            quality: validate::line("syntheticValidation.quality", &self.quality, 300)?,
            bias: validate::line("syntheticValidation.bias", &self.bias, 300)?,
            reidentification_risk: validate::line(
                "syntheticValidation.reidentificationRisk",
                &self.reidentification_risk,
                300,
            )?,
            passed: self.passed,
            validated_on: validate::date("syntheticValidation.validatedOn", &self.validated_on)?,
        })
    }
}

fn optional_line(field: &str, value: &Option<String>) -> AppResult<Option<String>> {
    value
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        .map(|v| validate::line(field, v, 500))
        .transpose()
}

fn optional_date(field: &str, value: &Option<String>) -> AppResult<Option<String>> {
    value
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        .map(|v| validate::date(field, v).map(|d| d.to_string()))
        .transpose()
}

fn lines(field: &str, values: &[String]) -> AppResult<String> {
    if values.len() > MAX_LIST {
        return Err(AppError::rule(
            field,
            "too_many",
            format!("{field} takes at most {MAX_LIST} entries"),
        ));
    }
    let checked: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| validate::line(&format!("{field}.{i}"), v, 300))
        .collect::<AppResult<_>>()?;
    serde_json::to_string(&checked).map_err(AppError::internal)
}

/// Fills `active` from checked input; the rules that hold whatever the use are checked here.
fn apply(active: &mut dataset::ActiveModel, input: &DatasetInput) -> AppResult<()> {
    let generator = optional_line("syntheticGenerator", &input.synthetic_generator)?;
    if input.synthetic != generator.is_some() {
        return Err(AppError::rule(
            "syntheticGenerator",
            "synthetic_generator",
            "a synthetic dataset names its generator, and only a synthetic one does",
        ));
    }
    if input.personal_data_categories.is_empty()
        && input.special_categories.is_empty()
        && input.personal_data_handling != PersonalDataHandling::None
    {
        return Err(AppError::rule(
            "personalDataCategories",
            "personal_data_categories",
            "name the personal data categories the dataset holds",
        ));
    }
    active.name = Set(validate::line("name", &input.name, 300)?);
    active.description = Set(validate::optional_text(
        "description",
        &input.description,
        20_000,
    )?);
    active.version = Set(validate::line("version", &input.version, 100)?);
    active.source = Set(validate::line("source", &input.source, 500)?);
    active.supplier = Set(validate::line("supplier", &input.supplier, 300)?);
    active.collection_method = Set(validate::line(
        "collectionMethod",
        &input.collection_method,
        500,
    )?);
    active.collection_start = Set(optional_date("collectionStart", &input.collection_start)?);
    active.collection_end = Set(optional_date("collectionEnd", &input.collection_end)?);
    active.licence = Set(optional_line("licence", &input.licence)?);
    active.licence_expires = Set(optional_date("licenceExpires", &input.licence_expires)?);
    active.legal_basis = Set(validate::line("legalBasis", &input.legal_basis, 300)?);
    active.copyright_status = Set(input.copyright_status.as_str().into());
    active.authorization_ref = Set(optional_line("authorizationRef", &input.authorization_ref)?);
    active.authorization_expires = Set(optional_date(
        "authorizationExpires",
        &input.authorization_expires,
    )?);
    active.allowed_purposes = Set(lines("allowedPurposes", &input.allowed_purposes)?);
    active.personal_data_categories = Set(lines(
        "personalDataCategories",
        &input.personal_data_categories,
    )?);
    active.special_categories = Set(lines("specialCategories", &input.special_categories)?);
    active.personal_data_handling = Set(input.personal_data_handling.as_str().into());
    active.consent_status = Set(input.consent_status.as_str().into());
    active.consent_evidence = Set(input
        .consent_evidence
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        .map(|v| validate::text("consentEvidence", v, 5_000))
        .transpose()?);
    active.retention = Set(validate::line("retention", &input.retention, 300)?);
    active.synthetic = Set(input.synthetic);
    active.synthetic_generator = Set(generator);
    let validation = input
        .synthetic_validation
        .as_ref()
        .map(ValidationInput::checked)
        .transpose()?;
    active.synthetic_validation = Set(validation
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(AppError::internal)?);
    active.storage_locations = Set(lines("storageLocations", &input.storage_locations)?);
    active.owner = Set(validate::line("owner", &input.owner, 200)?);
    Ok(())
}

/// Registers a dataset.
pub async fn create(
    services: &Services,
    viewer: &Viewer,
    input: DatasetInput,
) -> AppResult<Dataset> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let write = Write::begin(services, viewer).await?;
    let mut active = dataset::ActiveModel {
        organization_id: Set(organization_id),
        compromised_at: Set(None),
        compromise_note: Set(None),
        created_at: Set(write.now()),
        updated_at: Set(write.now()),
        ..Default::default()
    };
    apply(&mut active, &input)?;
    let taken = dataset::Entity::find()
        .filter(dataset::Column::OrganizationId.eq(organization_id))
        .filter(dataset::Column::Name.eq(input.name.trim()))
        .filter(dataset::Column::Version.eq(input.version.trim()))
        .one(&*write)
        .await?;
    if taken.is_some() {
        return Err(AppError::rule(
            "version",
            "unique",
            format!(
                "{} {} is already registered",
                input.name.trim(),
                input.version.trim()
            ),
        ));
    }
    let created: Dataset = active.insert(&*write).await?.try_into()?;
    write.created(Entity::Dataset, created.id, &created).await?;
    write.commit().await?;
    Ok(created)
}

/// Updates a dataset's record.
pub async fn update(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    input: DatasetInput,
) -> AppResult<Dataset> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let write = Write::begin(services, viewer).await?;
    let row = find_row(&*write, organization_id, id).await?;
    let before: Dataset = row.clone().try_into()?;
    let mut active: dataset::ActiveModel = row.into();
    apply(&mut active, &input)?;
    active.updated_at = Set(write.now());
    let after: Dataset = active.update(&*write).await?.try_into()?;
    super::usage::recheck(&*write, organization_id, &after, write.now().date_naive()).await?;
    write
        .changed(Action::Update, Entity::Dataset, id, &before, &after)
        .await?;
    write.commit().await?;
    Ok(after)
}

/// A dataset row of the organization.
pub(crate) async fn find_row<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    id: i32,
) -> AppResult<dataset::Model> {
    dataset::Entity::find_by_id(id)
        .filter(dataset::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("dataset {id}")))
}

/// One dataset.
pub async fn get(services: &Services, viewer: &Viewer, id: i32) -> AppResult<Dataset> {
    viewer.require(Permission::ReadRecords)?;
    find_row(&services.db, viewer.organization_id()?, id)
        .await?
        .try_into()
}

/// Every dataset of the organization, by name and version.
pub async fn list(services: &Services, viewer: &Viewer) -> AppResult<Vec<Dataset>> {
    viewer.require(Permission::ReadRecords)?;
    dataset::Entity::find()
        .filter(dataset::Column::OrganizationId.eq(viewer.organization_id()?))
        .order_by_asc(dataset::Column::Name)
        .order_by_asc(dataset::Column::Version)
        .all(&services.db)
        .await?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}
