//! The 3-D Secure / bank redirect page.

use axum::response::Response;
use http::StatusCode;

use crate::kit::pages::{escape, page};

/// The page after the customer's visit: sends a browser on to `back` (the return URL with
/// `payment_id` and `status`) by a meta refresh, so HTTP clients need not follow it.
pub(crate) fn redirect_page(gateway: &str, id: &str, status: &str, back: Option<&str>) -> Response {
    let body = format!("<p>Payment {} is <b id=\"status\">{}</b>.</p>", escape(id), escape(status));
    page(StatusCode::OK, gateway, "authentication complete", &body, back)
}

/// An unknown payment.
pub(crate) fn not_found(gateway: &str, message: &str) -> Response {
    page(StatusCode::NOT_FOUND, gateway, message, "", None)
}
