//! # paymux-mock
//!
//! [`MockProvider`]: an in-process [`PaymentProvider`](paymux_core::PaymentProvider) for the
//! unit tests of code built on paymux. Nothing goes over the network; a real state machine
//! (see [below](crate#state-machine)) moves payments the way a gateway does, and refuses
//! the moves a gateway refuses.
//!
//! - **Deterministic ids**, per instance: `pay_mock_1`, `re_mock_1`, `cus_mock_1`, `po_mock_1`,
//!   `dp_mock_1`, `evt_mock_1`…
//! - **Payouts and disputes**: a payout is `Processing` until the test settles it
//!   ([`MockProvider::settle_payout`]); the test opens a dispute on a succeeded payment
//!   ([`MockProvider::open_dispute`]), the code under test accepts it or answers with evidence,
//!   and [`MockProvider::decide_dispute`] closes it.
//! - **Test cards and amounts** steer outcomes: declines, 3-D Secure. See [`triggers`].
//! - **Idempotency**: a mutation repeated with the same idempotency key returns the first
//!   response and creates nothing; the same key with different parameters is refused
//!   (`InvalidRequest`). Only successful responses are kept.
//! - **Scripted failures**: [`MockProvider::fail_next`] makes the next call of an operation
//!   fail with your error (timeouts, rate limits…).
//! - **Call recording**: [`MockProvider::calls`] lists every call, with ids and amounts
//!   (card numbers never; last four digits only).
//! - **Webhooks**: each state change queues a signed event; take them with
//!   [`MockProvider::take_webhooks`] and feed them to your endpoint, which verifies them with
//!   `parse_webhook`. See [`webhook`] for the body shape.
//! - **Capabilities** are configurable ([`MockProvider::builder`]); a call outside them
//!   returns `ErrorKind::Unsupported`, changes nothing (it is still recorded).
//!
//! ## Example: business code against `Arc<dyn PaymentProvider>`, tested with the mock
//!
//! ```
//! use std::sync::Arc;
//! use paymux::{
//!     Card, CreatePayment, CreateRefund, Currency, EventKind, Money, PaymentProvider,
//!     PaymentStatus,
//! };
//! use paymux::mock::{MockProvider, triggers};
//!
//! // Business code: knows nothing about the mock.
//! async fn checkout(gateway: Arc<dyn PaymentProvider>, card: Card) -> paymux::Result<bool> {
//!     let amount = Money::from_minor(2500, Currency::EUR)?;
//!     let req = CreatePayment::new(amount).with_reference("order_1").with_card(card);
//!     let payment = gateway.create_payment(req).await?;
//!     Ok(payment.status == PaymentStatus::Succeeded)
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let rt = tokio::runtime::Builder::new_current_thread().build()?;
//! rt.block_on(async {
//!     let mock = Arc::new(MockProvider::new());
//!     let gateway: Arc<dyn PaymentProvider> = mock.clone();
//!
//!     let ok_card = Card::new(triggers::CARD_SUCCEEDS, 12, 2030, "123")?;
//!     assert!(checkout(gateway.clone(), ok_card).await?);
//!     let bad_card = Card::new(triggers::CARD_DECLINED, 12, 2030, "123")?;
//!     assert!(!checkout(gateway.clone(), bad_card).await?);
//!
//!     // What the gateway saw, and what it would have sent to our webhook endpoint.
//!     let calls = mock.calls();
//!     assert_eq!(calls.len(), 2);
//!     assert_eq!(calls[0].payment_id.as_ref().map(|id| id.as_str()), Some("pay_mock_1"));
//!     let hooks = mock.take_webhooks();
//!     let first = gateway.parse_webhook(&hooks[0].headers, &hooks[0].body)?;
//!     assert_eq!(first.kind, EventKind::PaymentSucceeded);
//!     assert_eq!(hooks[1].kind, EventKind::PaymentFailed);
//!
//!     let refund = gateway.create_refund(CreateRefund::new("pay_mock_1".into())).await?;
//!     assert_eq!(refund.id.as_str(), "re_mock_1");
//!     Ok::<_, Box<dyn std::error::Error>>(())
//! })
//! # }
//! ```
//!
//! ## State machine
//!
//! ```text
//! create ──(no payment method)──▶ RequiresPaymentMethod ─┐
//! create(confirm: false) ───────▶ RequiresConfirmation ──┤ confirm_payment
//! create(confirm: true) ─┬──────────────────────────────◀┘
//!                        ├─(redirect)──▶ RequiresAction ──confirm_payment──▶ (continues below)
//!                        ├─(declined)──▶ Failed            (Ok(payment) with a failure)
//!                        ├─(automatic)─▶ Succeeded
//!                        └─(manual)────▶ RequiresCapture ──capture_payment──▶ Succeeded
//! RequiresPaymentMethod | RequiresConfirmation | RequiresAction | RequiresCapture
//!                        ──cancel_payment──▶ Cancelled
//! ```
//!
//! - `confirm_payment` on `RequiresAction` stands for the customer completing the step
//!   (3-D Secure, hosted page); a payment method passed then is ignored.
//! - One capture per payment: a partial capture ends in `Succeeded` with `amount_captured`
//!   below `amount` and releases the rest (`PartiallyCaptured` is never used).
//! - `amount_captured` and `amount_refunded` are always `Some` (zero to start).
//! - Refunds settle at once (`RefundStatus::Succeeded`), only on `Succeeded` payments, for at
//!   most what was captured minus what was already refunded; the payment stays `Succeeded`.
//! - Refused moves: capture of anything but `RequiresCapture`, cancel of a final payment,
//!   confirm of a final or authorized payment, refund of an uncaptured one: `Conflict`.
//!   Capture above the authorized amount, refund above what remains, zero amounts, wrong
//!   currency, confirm without a payment method, unknown customer on create: `InvalidRequest`.
//!   Unknown payment, refund or customer ids: `NotFound`.
//! - `list_payments` returns newest first, pages with [`PageCursor::Offset`]
//!   (`After`/`Before` are refused), default limit 10, at most 100, and reports `total`.
//! - Webhooks, one per change: `payment_succeeded`, `payment_failed`, `payment_authorized`,
//!   `payment_cancelled`, `payment_action_required`, `refund_succeeded`.
//!
//! [`PageCursor::Offset`]: paymux_core::PageCursor::Offset

mod builder;
mod calls;
mod payments;
mod payouts;
mod provider;
mod refunds;
mod state;
pub mod triggers;
pub mod webhook;

pub use builder::MockProviderBuilder;
pub use calls::RecordedCall;
pub use provider::MockProvider;
pub use webhook::MockWebhook;
