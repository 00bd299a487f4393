//! The sandbox's pages that play the customer: the hosted checkout and 3-D Secure.

use axum::response::Response;
use http::StatusCode;

use super::state::Record;
use crate::kit::pages::{escape, page};

/// A page about payment `rec` (or about no payment).
pub(crate) fn payment_page(status: StatusCode, title: &str, rec: Option<&Record>) -> Response {
    let mut body = String::new();
    if let Some(rec) = rec {
        body.push_str(&format!(
            "<p>Payment <code>{}</code>: <b id=\"state\">{}</b>",
            escape(&rec.id),
            rec.state.as_str()
        ));
        if let Some((code, msg)) = rec.error {
            body.push_str(&format!(" ({code} {})", escape(msg)));
        }
        body.push_str("</p>");
        if let Some(url) = &rec.req.return_url {
            body.push_str(&format!("<p><a href=\"{0}\">Back to {0}</a></p>", escape(url)));
        }
    }
    page(status, "pay.tech", title, &body, None)
}
