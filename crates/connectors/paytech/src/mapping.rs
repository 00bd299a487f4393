//! Both directions between the core model and pay.tech's wire, and nowhere else: a request
//! field or a state word is mapped here once.
//!
//! - [`request`]: core request -> body or query, after the checks of what pay.tech documents
//!   (`create_body`, `refund_body`, `payout_body`, `confirm_body`, `capture_body`, ...).
//! - [`response`]: answer -> core (`to_payment`, `to_refund`, `to_payout`,
//!   `payment_status`, `refund_status`, `decline_code`, ...) and the error shape
//!   (`error_parser`).
//! - [`gateway_only`]: answers of the routes beyond the trait -> their own types
//!   (`to_chargeback`, `to_operation`, `to_card_token`, `to_subscription`,
//!   `subscription_state`, `to_balance`, ...).

mod gateway_only;
mod request;
mod response;

pub use gateway_only::subscription_state;
pub(crate) use gateway_only::*;
pub(crate) use request::*;
pub(crate) use response::*;
pub use response::{decline_code, external_refs, payment_status, payout_status, refund_status};
