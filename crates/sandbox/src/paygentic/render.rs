//! The hosted payment page (`paymentUrl`).

use axum::response::Response;
use http::StatusCode;

use super::api::format_minor;
use super::state::{Payment, Status};
use crate::kit::pages::{escape, page};

/// The page after the customer's visit.
pub(crate) fn hosted_page(p: &Payment) -> Response {
    let title = match p.status {
        Status::Completed => "Payment completed",
        Status::Processing => "Payment processing",
        Status::Expired => "Payment expired",
        Status::Cancelled => "Payment cancelled",
        Status::Pending => "Payment pending",
    };
    let text = format!(
        "<p>Payment {} of {} {} is <b id=\"status\">{}</b>.</p>",
        escape(&p.id),
        format_minor(p.amount_minor),
        escape(&p.currency),
        p.status.word()
    );
    page(StatusCode::OK, "Paygentic", title, &text, None)
}

/// An unknown payment.
pub(crate) fn not_found() -> Response {
    page(StatusCode::NOT_FOUND, "Paygentic", "Payment not found", "<p>No such payment.</p>", None)
}
