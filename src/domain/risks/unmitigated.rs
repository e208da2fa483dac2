//! Threats an AI system faces without an implemented control: the threats its open risks name,
//! where none of those risks' treating controls is implemented yet, with the controls the threat
//! library recommends.

use std::collections::BTreeMap;

use serde::Serialize;

use super::threats::{self, Threat};
use super::{RiskQuery, list};
use crate::domain::Services;
use crate::domain::controls::ControlStatus;
use crate::domain::inventory;
use crate::domain::kernel::viewer::Viewer;
use crate::error::AppResult;

/// An unmitigated threat of one AI system.
#[derive(Debug, Clone, Serialize)]
pub struct UnmitigatedThreat {
    pub threat: &'static Threat,
    /// The open risks that name it: `(id, title)`.
    pub risks: Vec<(i32, String)>,
}

/// The threats `ai_system_id` faces with no implemented control, by threat key.
pub async fn of_system(
    services: &Services,
    viewer: &Viewer,
    ai_system_id: i32,
) -> AppResult<Vec<UnmitigatedThreat>> {
    // Refuses another organization's system (NOT_FOUND) and checks the permission.
    inventory::get(services, viewer, ai_system_id).await?;
    let risks = list(
        services,
        viewer,
        &RiskQuery {
            ai_system_id: Some(ai_system_id),
            open_only: true,
            ..Default::default()
        },
    )
    .await?;
    let mut by_threat: BTreeMap<String, (bool, Vec<(i32, String)>)> = BTreeMap::new();
    for risk in risks {
        let Some(key) = risk.threat.clone() else {
            continue;
        };
        let implemented = risk
            .controls
            .iter()
            .any(|c| c.status == ControlStatus::Implemented);
        let entry = by_threat.entry(key).or_default();
        entry.0 |= implemented;
        entry.1.push((risk.id, risk.title));
    }
    by_threat
        .into_iter()
        .filter(|(_, (mitigated, _))| !mitigated)
        .map(|(key, (_, risks))| {
            Ok(UnmitigatedThreat {
                threat: threats::find(&key)?,
                risks,
            })
        })
        .collect()
}
