//! The GraphiQL explorer page, served entirely by Accord: GraphiQL, React and their styles are
//! vendored under `frontend/vendor/graphiql/` (pinned versions, licences kept) and embedded in the
//! binary, so the page works without internet access and its Content-Security-Policy names no
//! third-party origin. The page's own script is a separate file so no inline script is needed.
//! `/graphiql?docs` opens with the documentation explorer shown.

use crate::error_code::ErrorCode;
use actix_web::{HttpResponse, http::header, web};

/// Versioned asset paths: a new vendored version gets new URLs, so long caching is safe.
const ASSET_PREFIX: &str = "/graphiql/assets/3.8.3-18.3.1/";

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Accord GraphiQL</title>
<link rel="stylesheet" href="/graphiql/assets/3.8.3-18.3.1/graphiql.min.css">
</head>
<body style="margin:0">
<div id="graphiql" style="height:100vh">Loading GraphiQL&hellip;</div>
<script src="/graphiql/assets/3.8.3-18.3.1/react.production.min.js"></script>
<script src="/graphiql/assets/3.8.3-18.3.1/react-dom.production.min.js"></script>
<script src="/graphiql/assets/3.8.3-18.3.1/graphiql.min.js"></script>
<script src="/graphiql.js"></script>
</body>
</html>"#;

const SCRIPT: &str = r#"const token = window.localStorage.getItem("accord.token");
const fetcher = GraphiQL.createFetcher({
  url: "/graphql",
  headers: token ? { Authorization: "Bearer " + token } : {},
});
const props = { fetcher };
if (new URLSearchParams(window.location.search).has("docs")) {
  props.visiblePlugin = "Documentation Explorer";
}
ReactDOM.createRoot(document.getElementById("graphiql"))
  .render(React.createElement(GraphiQL, props));
"#;

/// Only this server: scripts, styles (GraphiQL also sets inline styles), fonts and images inlined
/// as data URLs, and calls to `/graphql`.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    font-src 'self' data:; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
    base-uri 'none'";

/// `(file name, content type, bytes)` of every vendored asset.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../frontend/vendor/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../frontend/vendor/graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../frontend/vendor/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../frontend/vendor/graphiql/react-dom.production.min.js"),
    ),
];

pub async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Content-Security-Policy", PAGE_POLICY))
        .body(PAGE)
}

pub async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .body(SCRIPT)
}

/// `GET /graphiql/assets/{version}/{file}`: an unknown version or file is a JSON 404.
pub async fn asset(path: web::Path<(String, String)>) -> HttpResponse {
    let (version, file) = path.into_inner();
    let wanted = format!("/graphiql/assets/{version}/");
    let found = ASSETS.iter().find(|(name, _, _)| *name == file);
    match found {
        Some((_, content_type, bytes)) if wanted == ASSET_PREFIX => HttpResponse::Ok()
            .content_type(*content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .body(*bytes),
        _ => super::response::error(
            actix_web::http::StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such GraphiQL asset",
        ),
    }
}
