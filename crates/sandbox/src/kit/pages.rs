//! The sandbox's own HTML pages (hosted checkout, 3-D Secure): they play the customer.

use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};

/// `s` safe inside HTML text and attributes.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A page: `<title>{gateway} sandbox: {title}</title>`, `body` as given (already escaped), and
/// a meta refresh to `back` when there is one (a browser goes on, an HTTP client need not).
pub fn page(
    status: StatusCode,
    gateway: &str,
    title: &str,
    body: &str,
    back: Option<&str>,
) -> Response {
    let refresh = back
        .map(|u| format!("<meta http-equiv=\"refresh\" content=\"0;url={}\">", escape(u)))
        .unwrap_or_default();
    let link = back
        .map(|u| format!("<p><a href=\"{0}\">Return to the merchant: {0}</a></p>", escape(u)))
        .unwrap_or_default();
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{gateway} sandbox: {title}\
         </title>{refresh}</head><body><h1>{gateway} sandbox: {title}</h1>{body}{link}</body></html>",
        title = escape(title)
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

/// A 303 to `url`.
pub fn see_other(url: &str) -> Response {
    match http::HeaderValue::from_str(url) {
        Ok(v) => (StatusCode::SEE_OTHER, [(header::LOCATION, v)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// `url` with `pairs` appended to its query.
pub fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = url.to_owned();
    for (i, (k, v)) in pairs.iter().enumerate() {
        let sep = if i == 0 && !url.contains('?') { '?' } else { '&' };
        out.push(sep);
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// The value of `name` in a query string (the last one wins).
pub fn query_value(query: &[(String, String)], name: &str) -> Option<String> {
    query.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

/// A page's query string as pairs (an unreadable one reads as none).
pub type QueryPairs =
    Result<axum::extract::Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>;

/// The pairs of a [`QueryPairs`].
pub fn pairs(q: QueryPairs) -> Vec<(String, String)> {
    q.map(|axum::extract::Query(p)| p).unwrap_or_default()
}
