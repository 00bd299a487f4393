//! # paymux-hyperswitch-family
//!
//! What the gateways that speak the open-source Hyperswitch API shape (Paychtec, paymnt.cloud)
//! share, written once so both connectors send and read it the same way. Each connector keeps
//! what differs: its hosts and key rules, the header its idempotency key goes in (Paychtec's
//! `X-Idempotency-Key`, paymnt's `Idempotency-Key`), the routes only its gateway serves, and
//! the fields only its guide names (Paychtec's `profile_id` and `order_details[].name`,
//! Hyperswitch's `order_details[].product_name` and `merchant_order_reference_id` for
//! paymnt.cloud).
//!
//! - [`client`]: the routes both gateways serve ([`Routes`]: create, get, confirm, capture,
//!   cancel, update, review and list payments; create, get, update and list refunds; create,
//!   get, update, delete and list customers; get and list payment links; create, get, list,
//!   update, cancel and fulfill payouts; list, get and accept disputes, submit, read and
//!   delete their evidence), with the connector's idempotency header and key rule
//!   ([`KeyRule`]). A create answered duplicate for the merchant id it sent is read as already
//!   created and fetched.
//! - The JSON, one struct per body, at the crate root: the request bodies (`POST /payments`,
//!   confirm, capture, cancel, refunds, customers, the list filters) with every field either
//!   gateway documents, the payment, refund, customer and list answers, the webhook envelope;
//!   [`Checked`] reads an answer's amounts while it is parsed.
//! - [`mapping`]: both directions. Core requests to the fields both gateways fill alike
//!   ([`create_body`], [`capture_body`], [`cancel_body`], [`refund_body`], [`customer_body`],
//!   [`list_body`], [`refund_list_body`]) after the checks both make: amounts at most
//!   [`MAX_AMOUNT_MINOR`](mapping::MAX_AMOUNT_MINOR), gateway ids as strict in a body or a
//!   query as in a path ([`mapping::check_id`]), refund id and reason limits, offset paging;
//!   the list filters as Hyperswitch takes them (`start_time`/`end_time`, arrays of status
//!   words and currencies); the merchant ids that make a create idempotent
//!   ([`id_from_key`]). Answers to the core model ([`to_payment`], [`to_refund`],
//!   [`to_customer`], [`to_page`], [`to_payout`](mapping::to_payout),
//!   [`to_dispute`](mapping::to_dispute)) keep the core contract: `next_action` exactly with
//!   `RequiresAction`, `amount_capturable` with `RequiresCapture` (the amount when the gateway
//!   leaves it out), a [`Failure`](paymux_core::Failure) on every `Failed` payment and on a
//!   payout exactly when it is `Failed`. Payouts ([`mapping::payout_body`],
//!   [`mapping::payout_list_body`], [`mapping::payout_update_body`]) and disputes
//!   ([`mapping::dispute_list_query`], [`mapping::evidence_body`]) are mapped here too.
//! - [`operations`]: the public requests of the operations beyond the trait both connectors
//!   offer ([`UpdatePayment`], [`UpdateRefund`], [`UpdatePayout`], [`PayoutFlow`],
//!   [`ListPaymentLinks`], [`PaymentListQuery`]); each connector re-exports them.
//! - [`status`]: payment status words ([`payment_status`]), refund status words
//!   ([`refund_status`]), payout status words ([`payout_status`]), dispute status words and
//!   stages ([`dispute_status`], [`dispute_stage`]) and webhook `event_type`s ([`event_kind`],
//!   [`event_kind_for`]), each
//!   with its table mapping every word the gateways document onto the core contract (the
//!   tables are tests: `tests/tables.rs` reads them from the source), and the words a list
//!   filter sends ([`payment_status_filter`], [`refund_status_filter`]). Decline codes:
//!   [`mapping::decline_code`]'s table; error types and codes: [`error_kind_for_code`]'s.
//! - [`error`]: the `{"error": {"type", "code", "message"}}` body and [`error_parser`], a
//!   [`paymux_core::transport::ErrorParser`]; a bad state (`IR_14`) or a duplicate (`HE_01`)
//!   is a conflict whatever 4xx status it comes with.
//! - [`webhook`]: two steps. `X-Webhook-Signature-512` verification ([`verify_signature`]),
//!   the only one that fails with a signature error; then the event envelope ([`parse_event`],
//!   [`verify_and_parse`]), read with the core's `EventReader`: a verified JSON body is never
//!   refused for its content (what cannot be read is noted in `WebhookEvent::unread`, the
//!   resource is then partial or `Other`). `payout_details` and `dispute_details` objects are
//!   read into [`WebhookResource::Payout`](paymux_core::WebhookResource::Payout) and
//!   [`WebhookResource::Dispute`](paymux_core::WebhookResource::Dispute).
//!
//! Unlike a connector's, this crate's wire types are public: they are the vocabulary the two
//! connector crates share. The `paymux` facade does not re-export them.
//!
//! ```
//! use paymux_core::{PaymentStatus, ProviderId};
//! use paymux_hyperswitch_family::{PaymentResponse, payment_status, to_payment};
//!
//! assert_eq!(payment_status("requires_customer_action"), PaymentStatus::RequiresAction);
//! let wire: PaymentResponse = serde_json::from_str(
//!     r#"{"payment_id":"pay_1","status":"succeeded","amount":6540,"currency":"USD"}"#,
//! ).unwrap();
//! let payment = to_payment(&ProviderId::new("paymnt"), &wire)?;
//! assert_eq!(payment.amount.map(|m| m.amount_minor()), Some(6540));
//! assert_eq!(payment.contract_breach(), None);
//! # Ok::<(), paymux_core::Error>(())
//! ```

pub mod calls;
pub mod client;
pub mod error;
pub mod mapping;
pub mod operations;
pub mod status;
pub mod webhook;
mod wire;

pub use client::{KeyRule, PaymentReview, Routes};
pub use error::{
    ErrorBody, ErrorDetail, error_kind, error_kind_for_code, error_parser, is_duplicate,
};
pub use mapping::{
    RefundFilter, cancel_body, capture_body, create_body, customer_body, id_from_key, list_body,
    refund_body, refund_list_body, to_customer, to_page, to_payment, to_refund,
};
pub use operations::{
    ListPaymentLinks, PaymentListQuery, PayoutFlow, UpdatePayment, UpdatePayout, UpdateRefund,
};
pub use status::{
    dispute_stage, dispute_status, dispute_status_filter, event_kind, event_kind_for,
    payment_status, payment_status_filter, payment_status_word, payout_status,
    payout_status_filter, refund_status, refund_status_filter,
};
pub use webhook::{SIGNATURE_HEADER, parse_event, verify_and_parse, verify_signature};
/// The JSON both gateways speak, one struct per body (see the module docs of each type).
pub use wire::*;

/// The [`PaymentProvider`](paymux_core::PaymentProvider) operations both family connectors
/// implement: their capabilities with a webhook secret. Listed rather than
/// `Capabilities::all()`, so that an operation the trait gains later is not declared before a
/// connector implements it.
pub const OPERATIONS: [paymux_core::Operation; 21] = {
    use paymux_core::Operation::*;
    [
        CreatePayment,
        GetPayment,
        ConfirmPayment,
        CapturePayment,
        PartialCapture,
        CancelPayment,
        ListPayments,
        CreateRefund,
        PartialRefund,
        GetRefund,
        CreateCustomer,
        GetCustomer,
        Webhooks,
        CreatePayout,
        GetPayout,
        ListPayouts,
        CancelPayout,
        ListDisputes,
        GetDispute,
        AcceptDispute,
        SubmitDisputeEvidence,
    ]
};
