//! # paymux-core
//!
//! The normalized model shared by every paymux connector: [`Money`], [`Payment`], [`Refund`],
//! [`Customer`], [`WebhookEvent`], one status enum per resource, one [`Error`], and the
//! [`PaymentProvider`] trait. Also the pieces every connector reuses so they are right once:
//! the HTTP [`transport`] (retries, idempotency, error classification, redaction) and the
//! [`webhook`] kit (HMAC verification, timestamp tolerance, deduplication).
//!
//! ```
//! use paymux_core::{Currency, Money, PaymentStatus};
//! let price = Money::from_minor(1050, Currency::USD)?;
//! assert_eq!(price.to_string(), "10.50 USD");
//! assert!(PaymentStatus::Succeeded.is_final());
//! # Ok::<(), paymux_core::Error>(())
//! ```

pub mod connector;
mod error;
mod ids;
mod model;
mod money;
mod provider;
mod raw_json;
pub mod redact;
mod request;
mod status;
pub mod transport;
pub mod webhook;

pub use error::{Error, ErrorKind, Result, WebhookFailure};
pub use ids::{CustomerId, EventId, IdempotencyKey, PaymentId, ProviderId, RefundId};
pub use iso_currency::Currency;
pub use model::{
    Address, BillingDetails, CaptureMode, Customer, CustomerDetails, Failure, Metadata, NextAction,
    OrderLine, Page, PageCursor, Payment, Phone, Refund, Unread, UnreadProblem, WebhookEvent,
    WebhookResource,
};
pub use money::{GatewayAmount, Money, MoneyError, currency_exponent, parse_currency};
pub use provider::{Capabilities, Operation, PaymentProvider};
pub use raw_json::RawJson;
pub use request::{
    CancelPayment, CapturePayment, Card, ConfirmPayment, CreateCustomer, CreatePayment,
    CreateRefund, Extensions, GatewayOptions, ListPayments, PaymentCustomer, PaymentMethod,
    RefundReason,
};
pub use rust_decimal::Decimal;
pub use secrecy::{ExposeSecret, SecretString};
pub use status::{DeclineCode, EventKind, PaymentStatus, RefundStatus};

/// Re-exported so connectors and users name the same `async_trait` (to implement
/// [`PaymentProvider`] by hand) and `http` versions.
pub use async_trait::async_trait;
pub use http;
