//! The organization's own 5x5 matrix bands: only admins set them, in order; once set, every level
//! shown, filtered on and acted on follows them (risk ratings, the register filter, the heatmap,
//! critical AI systems).

use serde_json::{Value, json};

use crate::fixtures::{create_risk, create_system, risk_input};
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(matrix_bands_are_the_organizations_own);

const SET: &str = "mutation($l: Int!, $m: Int!, $h: Int!) { setRiskMatrix(lowMax: $l, mediumMax: $m, highMax: $h) { lowMax mediumMax highMax customized } }";

fn levels(body: &Value) -> Vec<(String, String)> {
    body["risks"]["nodes"]
        .as_array()
        .expect("risks")
        .iter()
        .map(|r| {
            (
                r["title"].as_str().unwrap_or_default().to_string(),
                r["current"]["level"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

async fn matrix_bands_are_the_organizations_own(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin("acme").await;
    let defaults = app
        .ok(
            &admin,
            "{ riskMatrix { lowMax mediumMax highMax customized } }",
            json!({}),
        )
        .await;
    assert_eq!(
        defaults["riskMatrix"],
        json!({ "lowMax": 4, "mediumMax": 9, "highMax": 15, "customized": false })
    );
    let system = create_system(&app, &admin, "Support assistant", "operate", "limited").await;
    let mut twelve = risk_input("Twelve", 3, 4);
    twelve["aiSystemId"] = json!(system);
    create_risk(&app, &admin, twelve).await;
    let mut sixteen = risk_input("Sixteen", 4, 4);
    sixteen["aiSystemId"] = json!(system);
    create_risk(&app, &admin, sixteen).await;
    let list = "{ risks(sort: \"title\") { nodes { title current { level } } } }";
    assert_eq!(
        levels(&app.ok(&admin, list, json!({})).await),
        vec![
            ("Sixteen".into(), "critical".into()),
            ("Twelve".into(), "high".into())
        ]
    );
    let critical = "{ criticalAiSystems { totalCount } }";
    assert_eq!(
        app.ok(&admin, critical, json!({})).await["criticalAiSystems"]["totalCount"],
        1
    );

    let editor = app.token("erin", "acme", &["editor"]);
    let (_, forbidden) = app
        .graphql_as(&editor, SET, json!({ "l": 6, "m": 12, "h": 20 }))
        .await;
    assert_eq!(error_code(&forbidden), "FORBIDDEN");
    for (l, m, h, rule, field) in [
        (6, 12, 12, "band_order", "highMax"),
        (9, 9, 20, "band_order", "mediumMax"),
        (0, 12, 20, "score_1_to_24", "lowMax"),
        (6, 12, 25, "score_1_to_24", "highMax"),
        // No 5 x 5 score is 7: a medium band of 7 alone would be empty.
        (6, 7, 20, "empty_band", "mediumMax"),
    ] {
        let (_, bad) = app
            .graphql_as(&admin, SET, json!({ "l": l, "m": m, "h": h }))
            .await;
        let ext = &bad["errors"][0]["extensions"];
        assert_eq!(
            (ext["rule"].as_str(), ext["field"].as_str()),
            (Some(rule), Some(field)),
            "{bad}"
        );
    }
    let set = app
        .ok(&admin, SET, json!({ "l": 6, "m": 12, "h": 20 }))
        .await;
    assert_eq!(set["setRiskMatrix"]["customized"], true);

    // 12 is now medium and 16 high: the register, its filter, the heatmap and the critical
    // classification all follow.
    assert_eq!(
        levels(&app.ok(&admin, list, json!({})).await),
        vec![
            ("Sixteen".into(), "high".into()),
            ("Twelve".into(), "medium".into())
        ]
    );
    let medium = app
        .ok(
            &admin,
            "{ risks(level: medium) { nodes { title current { level } } } }",
            json!({}),
        )
        .await;
    assert_eq!(levels(&medium), vec![("Twelve".into(), "medium".into())]);
    let heatmap = app
        .ok(
            &admin,
            "{ riskHeatmap(first: 25) { nodes { likelihood impact level } } }",
            json!({}),
        )
        .await;
    let cell = heatmap["riskHeatmap"]["nodes"]
        .as_array()
        .and_then(|cells| {
            cells
                .iter()
                .find(|c| c["likelihood"] == 4 && c["impact"] == 4)
        })
        .expect("4 x 4 cell");
    assert_eq!(cell["level"], "high");
    assert_eq!(
        app.ok(&admin, critical, json!({})).await["criticalAiSystems"]["totalCount"],
        0
    );
    let log = app
        .ok(
            &admin,
            "{ auditLog(entity: \"risk_matrix\") { nodes { action } } }",
            json!({}),
        )
        .await;
    assert_eq!(log["auditLog"]["nodes"], json!([{ "action": "set" }]));
    // A medium risk accepted without an approval loses its acceptance when lower thresholds make
    // it high: accepting a high risk needs the body's approval.
    let mut nine = risk_input("Nine", 3, 3);
    nine["treatment"] = json!("accept");
    nine["decision"] = json!("Within appetite as a medium risk");
    nine["status"] = json!("accepted");
    let nine = create_risk(&app, &admin, nine).await["id"].clone();
    let lowered = app
        .ok(
            &admin,
            "mutation { setRiskMatrix(lowMax: 4, mediumMax: 8, highMax: 15) { reopenedRiskIds } }",
            json!({}),
        )
        .await;
    assert_eq!(lowered["setRiskMatrix"]["reopenedRiskIds"], json!([nine]));
    let status = app
        .ok(
            &admin,
            "query($id: ID!) { risk(id: $id) { status current { level } } }",
            json!({ "id": nine }),
        )
        .await;
    assert_eq!(
        status["risk"],
        json!({ "status": "assessed", "current": { "level": "high" } })
    );
    // Another organization keeps the defaults.
    let other = app.admin("globex").await;
    let theirs = app
        .ok(&other, "{ riskMatrix { highMax customized } }", json!({}))
        .await;
    assert_eq!(
        theirs["riskMatrix"],
        json!({ "highMax": 15, "customized": false })
    );
    app.stop().await;
}
