//! Authorization over HTTP: roles, organization isolation and integrator API keys. Refused
//! mutations are checked in the database afterwards: they change nothing.

use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, error_code};

backend_tests!(
    roles_outside_their_rights_are_forbidden_and_change_nothing,
    organizations_cannot_see_or_touch_each_other,
    api_keys_are_shown_once_scoped_and_revocable,
    admins_create_organizations,
);

const CREATE_KEY: &str =
    r#"mutation($name: String!) { createApiKey(name: $name) { key apiKey { id prefix } } }"#;
const REVOKE_KEY: &str = r#"mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }"#;

async fn roles_outside_their_rights_are_forbidden_and_change_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_org("acme").await;
    let organizations_before = app.count_rows("organization").await;
    for role in ["editor", "auditor", "executive", "integrator"] {
        let token = app.token("bob", "acme", &[role]);
        let (status, body) = app
            .graphql_as(&token, CREATE_KEY, json!({ "name": "ci" }))
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            error_code(&body),
            "FORBIDDEN",
            "{role} may not create API keys"
        );
        let (_, body) = app
            .graphql_as(
                &token,
                r#"mutation { createOrganization(slug: "evil", name: "Evil") { id } }"#,
                json!({}),
            )
            .await;
        assert_eq!(
            error_code(&body),
            "FORBIDDEN",
            "{role} may not create organizations"
        );
        let (_, body) = app
            .graphql_as(&token, "{ apiKeys { nodes { id } } }", json!({}))
            .await;
        assert_eq!(
            error_code(&body),
            "FORBIDDEN",
            "{role} may not list API keys"
        );
    }
    let no_roles = app.token("nobody", "acme", &[]);
    let (_, body) = app
        .graphql_as(&no_roles, CREATE_KEY, json!({ "name": "ci" }))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    assert_eq!(
        app.count_rows("api_key").await,
        0,
        "refused mutations wrote nothing"
    );
    assert_eq!(app.count_rows("organization").await, organizations_before);
    app.stop().await;
}

async fn organizations_cannot_see_or_touch_each_other(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_org("acme").await;
    app.create_org("globex").await;
    let acme = app.token("alice", "acme", &["admin"]);
    let globex = app.token("gina", "globex", &["admin"]);

    let (_, created) = app
        .graphql_as(&acme, CREATE_KEY, json!({ "name": "acme-ci" }))
        .await;
    let acme_key_id = created["data"]["createApiKey"]["apiKey"]["id"]
        .as_str()
        .expect("id")
        .to_string();

    // Globex's admin guesses Acme's key id: it does not exist for them.
    let (_, body) = app
        .graphql_as(&globex, REVOKE_KEY, json!({ "id": acme_key_id }))
        .await;
    assert_eq!(error_code(&body), "NOT_FOUND");
    let (_, listed) = app
        .graphql_as(&globex, "{ apiKeys { nodes { id } } }", json!({}))
        .await;
    assert_eq!(
        listed["data"]["apiKeys"]["nodes"],
        json!([]),
        "globex sees none of acme's keys"
    );
    let (_, me) = app
        .graphql_as(&globex, "{ organization { slug } }", json!({}))
        .await;
    assert_eq!(me["data"]["organization"]["slug"], "globex");

    // Acme's key is untouched in the database.
    let (_, listed) = app
        .graphql_as(&acme, "{ apiKeys { nodes { id revokedAt } } }", json!({}))
        .await;
    assert_eq!(
        listed["data"]["apiKeys"]["nodes"][0]["revokedAt"],
        Value::Null
    );
    app.stop().await;
}

async fn api_keys_are_shown_once_scoped_and_revocable(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_org("acme").await;
    let admin = app.token("alice", "acme", &["admin"]);
    let (_, created) = app
        .graphql_as(&admin, CREATE_KEY, json!({ "name": "warehouse" }))
        .await;
    let key = created["data"]["createApiKey"]["key"]
        .as_str()
        .expect("key")
        .to_string();
    let id = created["data"]["createApiKey"]["apiKey"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert!(key.starts_with("acc_") && key.len() > 40);

    // The listing never carries the key, and the database holds only its hash.
    let (_, listed) = app
        .graphql_as(
            &admin,
            "{ apiKeys { nodes { id name prefix } } }",
            json!({}),
        )
        .await;
    assert!(!listed.to_string().contains(&key));
    assert!(
        key.starts_with(
            listed["data"]["apiKeys"]["nodes"][0]["prefix"]
                .as_str()
                .expect("prefix")
        )
    );

    // Accepted as X-Api-Key and as a bearer credential, with the integrator role only.
    let by_header: Value = app
        .client
        .post(app.url("/graphql"))
        .header("X-Api-Key", &key)
        .header(CONTENT_TYPE, "application/json")
        .body(
            json!({ "query": "{ me { roles credential } frameworks { nodes { slug } } }" })
                .to_string(),
        )
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(by_header["data"]["me"]["roles"], json!(["INTEGRATOR"]));
    assert_eq!(by_header["data"]["me"]["credential"], "API_KEY");
    let (status, body) = app
        .graphql_as(&key, CREATE_KEY, json!({ "name": "escalate" }))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        error_code(&body),
        "FORBIDDEN",
        "an integrator key cannot mint keys"
    );

    let (_, used) = app
        .graphql_as(&admin, "{ apiKeys { nodes { lastUsedAt } } }", json!({}))
        .await;
    assert!(
        used["data"]["apiKeys"]["nodes"][0]["lastUsedAt"].is_string(),
        "use of the key is recorded"
    );

    let (_, revoked) = app
        .graphql_as(&admin, REVOKE_KEY, json!({ "id": id }))
        .await;
    assert!(revoked["data"]["revokeApiKey"]["revokedAt"].is_string());
    let (status, body) = app
        .graphql_as(&key, "{ frameworks { nodes { slug } } }", json!({}))
        .await;
    assert_eq!(status, 401, "a revoked key is refused");
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    assert_eq!(app.count_rows("api_key").await, 1);
    app.stop().await;
}

async fn admins_create_organizations(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_org("acme").await;
    let admin = app.token("alice", "acme", &["admin"]);
    let create = r#"mutation($slug: String!) { createOrganization(slug: $slug, name: "Initech") { slug name } }"#;
    let (_, body) = app
        .graphql_as(&admin, create, json!({ "slug": "initech" }))
        .await;
    assert_eq!(body["data"]["createOrganization"]["slug"], "initech");
    let (_, again) = app
        .graphql_as(&admin, create, json!({ "slug": "initech" }))
        .await;
    assert_eq!(error_code(&again), "CONFLICT");
    let (_, bad) = app
        .graphql_as(&admin, create, json!({ "slug": "Not Valid" }))
        .await;
    assert_eq!(error_code(&bad), "VALIDATION");
    assert_eq!(app.count_rows("organization").await, 2);
    app.stop().await;
}
