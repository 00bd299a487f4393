//! # paymux-hyperswitch-family
//!
//! What the gateways that speak the open-source Hyperswitch API shape (Paychtec, paymnt.cloud)
//! really share, in one place so both connectors map them the same way. No HTTP here: each
//! connector keeps its own client, hosts, headers and request bodies (which differ, e.g.
//! Paychtec's `order_details[].name` and `X-Idempotency-Key` against paymnt's
//! `Idempotency-Key`).
//!
//! - [`status`]: payment status words ([`payment_status`]), refund status words
//!   ([`refund_status`]) and webhook `event_type`s ([`event_kind`]), each with its table of
//!   decisions.
//! - [`error`]: the `{"error": {"type", "code", "message"}}` body and [`parse_error`], a
//!   [`paymux_core::transport::ErrorParser`].
//! - [`webhook`]: `X-Webhook-Signature-512` verification ([`verify_signature`]) and the event
//!   envelope ([`parse_event`], [`verify_and_parse`]).
//! - [`wire`]: payment, refund, customer and list answers, addresses, billing, card data.
//! - [`mapping`]: those wire structs to and from the core model ([`payment_from_wire`],
//!   [`refund_from_wire`], [`customer_from_wire`], [`list_request`], [`page_from_list`]),
//!   and the rules both connectors check before sending: amounts at most
//!   [`MAX_AMOUNT_MINOR`](mapping::MAX_AMOUNT_MINOR) minor units ([`mapping::wire_amount`]),
//!   gateway ids as strict in a body or a query as in a path ([`mapping::check_id`]).
//!
//! ```
//! use paymux_core::{PaymentStatus, ProviderId};
//! use paymux_hyperswitch_family::{payment_from_wire, payment_status, wire::PaymentResponse};
//!
//! assert_eq!(payment_status("requires_customer_action"), PaymentStatus::RequiresAction);
//! let wire: PaymentResponse = serde_json::from_str(
//!     r#"{"payment_id":"pay_1","status":"succeeded","amount":6540,"currency":"USD"}"#,
//! ).unwrap();
//! let payment = payment_from_wire(&ProviderId::new("paymnt"), &wire)?;
//! assert_eq!(payment.amount.amount_minor(), 6540);
//! # Ok::<(), paymux_core::Error>(())
//! ```

pub mod error;
pub mod mapping;
pub mod status;
pub mod webhook;
pub mod wire;

pub use error::{ErrorBody, ErrorDetail, error_kind, parse_error};
pub use mapping::{
    customer_from_wire, customer_request, list_request, page_from_list, payment_from_wire,
    refund_from_wire,
};
pub use status::{event_kind, payment_status, payment_status_word, refund_status};
pub use webhook::{SIGNATURE_HEADER, parse_event, verify_and_parse, verify_signature};
