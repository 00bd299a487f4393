//! Both directions between the core model and pay.tech's wire, and nowhere else: a request
//! field or a state word is mapped here once.
//!
//! - [`request`]: core request -> body or query, after the checks of what pay.tech documents
//!   (`create_body`, `refund_body`, `withdrawal_body`, `confirm_body`, `capture_body`, ...).
//! - [`response`]: answer -> core (`to_payment`, `to_refund`, `to_withdrawal`,
//!   `payment_status`, `refund_status`, `decline_code`, ...) and the error shape
//!   (`error_parser`).

mod request;
mod response;

pub(crate) use request::*;
pub(crate) use response::*;
pub use response::{decline_code, external_refs, payment_status, refund_status, withdrawal_status};
