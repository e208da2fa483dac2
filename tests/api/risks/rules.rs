//! The risk register's rating rules over GraphQL: every refused input names its field and rule,
//! a refused write stores and logs nothing, and an accepted risk keeps residual within inherent.

use serde_json::json;

use super::create_risk_error;
use crate::fixtures::{RISK_FIELDS, create_risk, risk_input};
use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(rating_rules_are_enforced_and_failed_writes_leave_nothing);

async fn rating_rules_are_enforced_and_failed_writes_leave_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let entries_before = app.count_rows("audit_log").await;
    // (patch, message, the input field and rule a form is told about)
    let refused = [
        (
            json!({ "inherentLikelihood": 6 }),
            "likelihood must be 1-5",
            ("inherentLikelihood", "scale_1_to_5"),
        ),
        (
            json!({ "inherentImpact": 0 }),
            "impact must be 1-5",
            ("inherentImpact", "scale_1_to_5"),
        ),
        (
            json!({ "residualLikelihood": 5, "residualImpact": 5 }),
            "cannot exceed inherent",
            ("residualLikelihood", "residual_exceeds_inherent"),
        ),
        (
            json!({ "residualLikelihood": 2 }),
            "together",
            ("residualImpact", "residual_pair"),
        ),
        (
            json!({ "treatment": "accept" }),
            "decision record",
            ("decision", "acceptance_needs_decision"),
        ),
        (
            json!({ "treatment": "accept", "decision": "ok" }),
            "decision is required",
            ("decision", "justification_length"),
        ),
        (
            json!({ "status": "accepted", "decision": "Accepted by the committee" }),
            "needs treatment accept",
            ("status", "accepted_needs_accept_treatment"),
        ),
        (
            json!({ "threat": "telepathy" }),
            "not in the threat library",
            ("threat", "unknown_threat"),
        ),
        (
            json!({ "category": null }),
            "category is required",
            ("category", "required_without_threat"),
        ),
        (
            json!({ "category": "astrology" }),
            "must be one of",
            ("category", "one_of"),
        ),
        (
            json!({ "treatment": "ignore" }),
            "must be one of",
            ("treatment", "one_of"),
        ),
        (
            json!({ "title": "Bad\u{0}title" }),
            "control characters",
            ("title", "control_character"),
        ),
        (
            json!({ "owner": " " }),
            "owner is required",
            ("owner", "required"),
        ),
        (
            json!({ "reviewDue": "next year" }),
            "reviewDue",
            ("reviewDue", "date"),
        ),
    ];
    for (patch, message, (field, rule)) in refused {
        let mut input = risk_input("Refused", 3, 3);
        for (k, v) in patch.as_object().expect("patch") {
            input[k] = v.clone();
        }
        let body = create_risk_error(&app, &token, input).await;
        assert_eq!(error_code(&body), "VALIDATION", "{patch}: {body}");
        let error = &body["errors"][0];
        assert!(
            error["message"]
                .as_str()
                .unwrap_or_default()
                .contains(message),
            "{patch}: {body}"
        );
        assert_eq!(error["extensions"]["field"], field, "{patch}: {body}");
        assert_eq!(error["extensions"]["rule"], rule, "{patch}: {body}");
    }
    let mut unknown_system = risk_input("Refused", 3, 3);
    unknown_system["aiSystemId"] = json!("424242");
    let body = create_risk_error(&app, &token, unknown_system).await;
    assert_eq!(error_code(&body), "NOT_FOUND", "{body}");
    assert_eq!(
        app.count_rows("risk").await,
        0,
        "no refused risk was stored"
    );
    assert_eq!(app.count_rows("risk_control").await, 0);
    assert_eq!(
        app.count_rows("audit_log").await,
        entries_before,
        "and none was logged"
    );

    // Accepting with a decision record works; re-rating keeps residual within inherent.
    let mut accepted = risk_input("Vendor model outage", 3, 3);
    accepted["treatment"] = json!("accept");
    accepted["status"] = json!("accepted");
    accepted["residualLikelihood"] = json!(2);
    accepted["residualImpact"] = json!(3);
    accepted["decision"] = json!("Accepted by the AI Risk Review Committee on 2026-11-20 until Q2");
    let risk = create_risk(&app, &token, accepted.clone()).await;
    assert_eq!(risk["residual"]["score"], 6);
    assert_eq!(risk["current"]["level"], "medium");
    let update = format!(
        "mutation($id: ID!, $i: RiskInput!) {{ updateRisk(id: $id, input: $i) {{ {RISK_FIELDS} }} }}"
    );
    let mut worse = accepted.clone();
    worse["residualLikelihood"] = json!(4);
    worse["residualImpact"] = json!(4);
    let (_, body) = app
        .graphql_as(&token, &update, json!({ "id": risk["id"], "i": worse }))
        .await;
    assert_eq!(error_code(&body), "VALIDATION", "{body}");
    let unchanged = app
        .ok(
            &token,
            "query($id: ID!) { risk(id: $id) { residual { score } } }",
            json!({ "id": risk["id"] }),
        )
        .await;
    assert_eq!(
        unchanged["risk"]["residual"]["score"], 6,
        "a refused update changes nothing"
    );
    app.stop().await;
}
