//! The GraphiQL explorer page. Its assets come from the jsDelivr CDN (the API itself needs no
//! internet); the page's own script is served from `/graphiql.js` so the page can run under a
//! Content-Security-Policy without 'unsafe-inline'.

use actix_web::HttpResponse;

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Accord GraphiQL</title>
<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/graphiql@3.8.3/graphiql.min.css">
</head>
<body style="margin:0">
<div id="graphiql" style="height:100vh">Loading GraphiQL&hellip;</div>
<script src="https://cdn.jsdelivr.net/npm/react@18.3.1/umd/react.production.min.js"></script>
<script src="https://cdn.jsdelivr.net/npm/react-dom@18.3.1/umd/react-dom.production.min.js"></script>
<script src="https://cdn.jsdelivr.net/npm/graphiql@3.8.3/graphiql.min.js"></script>
<script src="/graphiql.js"></script>
</body>
</html>"#;

const SCRIPT: &str = r#"const token = window.localStorage.getItem("accord.token");
const fetcher = GraphiQL.createFetcher({
  url: "/graphql",
  headers: token ? { Authorization: "Bearer " + token } : {},
});
ReactDOM.createRoot(document.getElementById("graphiql"))
  .render(React.createElement(GraphiQL, { fetcher }));
"#;

/// The page, with a policy that allows exactly its CDN assets and calls to this server.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self' https://cdn.jsdelivr.net; \
    style-src https://cdn.jsdelivr.net 'unsafe-inline'; font-src https://cdn.jsdelivr.net data:; \
    img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

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
