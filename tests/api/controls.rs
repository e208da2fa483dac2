//! Common controls over HTTP: mappings validated, grouped by framework, scoped.

use std::collections::HashSet;

use serde_json::json;

use crate::fixtures::{create_control, map_control as map};
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(
    control_mappings_are_validated_and_grouped_by_framework,
    an_organization_on_an_earlier_edition_reviews_and_adopts_the_new_one,
);

async fn control_mappings_are_validated_and_grouped_by_framework(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let list = app
        .ok(
            &token,
            r#"{ controls(search: "GOV-01", first: 5) { edges { node { id code } } } }"#,
            json!({}),
        )
        .await;
    let gov01 = list["controls"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["node"]["code"] == "GOV-01")
        .expect("GOV-01 seeded")["node"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let detail = app
        .ok(
            &token,
            r#"query($id: ID!) { control(id: $id) { code mappingsByFramework { framework { slug } mappings { requirement { refId } relationship rationale provenance } } } }"#,
            json!({ "id": gov01 }),
        )
        .await;
    let frameworks: HashSet<String> = detail["control"]["mappingsByFramework"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            g["framework"]["slug"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert!(
        frameworks.len() >= 2,
        "GOV-01 maps to several frameworks: {frameworks:?}"
    );

    let control = create_control(&app, &token, "VAL-01").await;
    let urn = "urn:accord:nist-csf:2.0:GV.PO-01";
    assert!(
        map(&app, &token, &control, urn, "EQUAL")
            .await
            .get("errors")
            .is_none()
    );
    assert_eq!(
        error_code(&map(&app, &token, &control, urn, "SUBSET_OF").await),
        "CONFLICT"
    );
    assert_eq!(
        error_code(
            &map(
                &app,
                &token,
                &control,
                "urn:accord:nist-csf:2.0:NOPE",
                "EQUAL"
            )
            .await
        ),
        "NOT_FOUND"
    );
    assert_eq!(
        error_code(
            &map(
                &app,
                &token,
                &control,
                "urn:accord:nist-csf:2.0:GV.PO-02",
                "NOT_RELATED"
            )
            .await
        ),
        "VALIDATION"
    );
    let bad_strength = app
        .graphql_as(
            &token,
            r#"mutation($c: ID!) { addControlMapping(controlId: $c, requirement: "urn:accord:nist-csf:2.0:GV.PO-02", input: { relationship: EQUAL, strength: 11, justification: "x" }) { id } }"#,
            json!({ "c": control }),
        )
        .await
        .1;
    assert_eq!(error_code(&bad_strength), "VALIDATION");
    assert_eq!(error_code(&app.graphql_as(&token, r#"mutation { createControl(input: { code: "VAL-01", domain: "d", title: "t" }) { id } }"#, json!({})).await.1), "CONFLICT");

    // Another organization cannot see or map this control; an auditor cannot map at all.
    let other = app.admin("globex").await;
    assert_eq!(
        error_code(&map(&app, &other, &control, urn, "EQUAL").await),
        "NOT_FOUND"
    );
    let (_, body) = app
        .graphql_as(
            &other,
            "query($id: ID!) { control(id: $id) { code } }",
            json!({ "id": control }),
        )
        .await;
    assert_eq!(error_code(&body), "NOT_FOUND");
    let auditor = app.token("audrey", "acme", &["auditor"]);
    assert_eq!(
        error_code(
            &map(
                &app,
                &auditor,
                &control,
                "urn:accord:nist-csf:2.0:GV.PO-02",
                "EQUAL"
            )
            .await
        ),
        "FORBIDDEN"
    );
    app.stop().await;
}

const EDITION: &str = "{ libraryEdition { shippedVersion organizationEditions crosswalksCurrent controls { code state change summary organizationEditions } } }";

async fn library_mappings_of(app: &TestApp, org: &str, code: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    let db = &app.services().db;
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT COUNT(*) AS n FROM control_mapping m JOIN control c ON c.id = m.control_id \
                 JOIN organization o ON o.id = c.organization_id \
                 WHERE o.slug = '{org}' AND c.library_code = '{code}'"
            ),
        ))
        .await
        .expect("count")
        .expect("row");
    row.try_get::<i64>("", "n").expect("n")
}

/// An organization created from an earlier edition (simulated: a control the new edition adds
/// is missing, another's mappings come from 1.0.0, no shipped crosswalks) sees what changed per
/// control and adopts it; afterwards it matches an organization created on the new edition.
async fn an_organization_on_an_earlier_edition_reviews_and_adopts_the_new_one(backend: Backend) {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    app.admin("globex").await;
    let db = &app.services().db;
    for sql in [
        "DELETE FROM control_mapping WHERE control_id IN (SELECT c.id FROM control c JOIN organization o ON o.id = c.organization_id WHERE o.slug = 'acme' AND c.library_code = 'GOV-08')",
        "DELETE FROM control WHERE library_code = 'GOV-08' AND organization_id = (SELECT id FROM organization WHERE slug = 'acme')",
        "UPDATE control_mapping SET provenance = 'accord-library@1.0.0' WHERE control_id IN (SELECT c.id FROM control c JOIN organization o ON o.id = c.organization_id WHERE o.slug = 'acme' AND c.library_code = 'GOV-01')",
        "DELETE FROM requirement_mapping WHERE provenance LIKE 'accord-crosswalk@%' AND organization_id = (SELECT id FROM organization WHERE slug = 'acme')",
    ] {
        db.execute_unprepared(sql)
            .await
            .expect("simulate an earlier edition");
    }
    let review = app.ok(&token, EDITION, json!({})).await;
    let edition = &review["libraryEdition"];
    let shipped = edition["shippedVersion"]
        .as_str()
        .expect("version")
        .to_string();
    assert_eq!(edition["crosswalksCurrent"], false);
    assert_eq!(edition["organizationEditions"], json!(["1.0.0", shipped]));
    let control = |code: &str| {
        edition["controls"]
            .as_array()
            .expect("controls")
            .iter()
            .find(|c| c["code"] == code)
            .cloned()
            .expect("reviewed")
    };
    assert_eq!(control("GOV-08")["state"], "missing");
    assert_eq!(
        control("GOV-08")["change"],
        "added",
        "the edition's change note"
    );
    assert_eq!(control("GOV-01")["state"], "behind");
    assert_eq!(control("GOV-01")["organizationEditions"], json!(["1.0.0"]));
    assert_eq!(control("GOV-03")["state"], "current");

    let adopt = "mutation($c: [String!]!, $x: Boolean) { adoptLibraryEdition(codes: $c, crosswalks: $x) { added updated crosswalkMappings } }";
    let (_, unknown) = app
        .graphql_as(&token, adopt, json!({ "c": ["NOPE-1"], "x": false }))
        .await;
    assert_eq!(error_code(&unknown), "VALIDATION");
    assert_eq!(unknown["errors"][0]["extensions"]["field"], "codes.0");
    let auditor = app.token("audra", "acme", &["auditor"]);
    let (_, forbidden) = app
        .graphql_as(&auditor, adopt, json!({ "c": ["GOV-08"], "x": false }))
        .await;
    assert_eq!(error_code(&forbidden), "FORBIDDEN");

    let adopted = app
        .ok(
            &token,
            adopt,
            json!({ "c": ["GOV-08", "GOV-01"], "x": true }),
        )
        .await;
    assert_eq!(adopted["adoptLibraryEdition"]["added"], json!(["GOV-08"]));
    assert_eq!(adopted["adoptLibraryEdition"]["updated"], json!(["GOV-01"]));
    assert!(adopted["adoptLibraryEdition"]["crosswalkMappings"].as_i64() > Some(0));
    for code in ["GOV-08", "GOV-01"] {
        assert_eq!(
            library_mappings_of(&app, "acme", code).await,
            library_mappings_of(&app, "globex", code).await,
            "{code} matches an organization created on this edition"
        );
    }
    let after = app.ok(&token, EDITION, json!({})).await;
    assert_eq!(after["libraryEdition"]["crosswalksCurrent"], true);
    assert_eq!(
        after["libraryEdition"]["organizationEditions"],
        json!([shipped])
    );
    assert!(
        after["libraryEdition"]["controls"]
            .as_array()
            .expect("controls")
            .iter()
            .all(|c| c["state"] == "current")
    );
    app.stop().await;
}
