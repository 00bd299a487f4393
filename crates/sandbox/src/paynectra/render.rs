//! The sandbox's customer-facing pages: the hosted checkout and 3-D Secure.

use axum::response::Response;
use http::StatusCode;

use super::state::Payment;
use crate::kit::pages::{escape, page, see_other, with_query};

/// A page with one line of text.
pub(crate) fn message(status: StatusCode, title: &str, text: &str) -> Response {
    page(status, "Paynectra", title, &format!("<p>{}</p>", escape(text)), None)
}

/// Where the customer goes once the payment is out of their hands: back to `return_url`
/// (303, with `payment_id` and `redirect_status`), or a status page when there is none.
pub(crate) fn finish(p: &Payment) -> Response {
    let status = p.status.word();
    match &p.return_url {
        Some(url) => {
            see_other(&with_query(url, &[("payment_id", &p.id), ("redirect_status", status)]))
        }
        None => {
            let body = format!(
                "<p>Payment {} is <strong id=\"status\">{status}</strong>.</p>",
                escape(&p.id)
            );
            page(StatusCode::OK, "Paynectra", status, &body, None)
        }
    }
}
