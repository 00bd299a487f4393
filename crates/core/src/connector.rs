//! For connector authors: the [`Connector`] trait a gateway crate implements, and the rules
//! every connector shares, written once.
//!
//! Business code never needs this module: it holds an `Arc<dyn PaymentProvider>`. A gateway
//! crate implements [`Connector`], and every `Connector` is a
//! [`PaymentProvider`] through one layer, in the manner of Apache OpenDAL's layers, that:
//! - refuses an operation its [`Capabilities`] lack with
//!   [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported), before any request (webhooks
//!   excepted: nothing is sent, and the connector says why it cannot verify, e.g. no secret);
//! - refuses a request whose [`GatewayOptions`](crate::GatewayOptions) are all for other
//!   gateways ([`Extensions::check_for`](crate::Extensions::check_for)), before any request;
//! - names the provider instance on every error that does not name one yet (a check that
//!   refuses a call before any request reads like an error the gateway answered);
//! - boxes the connector's future once (the trait object's call).
//!
//! So a connector writes plain `async fn`s, without wrappers, and the rules cannot differ
//! between connectors.
//!
//! ```
//! use paymux_core::connector::{Connector, Environment};
//! use paymux_core::{
//!     Capabilities, CreatePayment, Error, Operation, Payment, PaymentId, PaymentProvider,
//!     ProviderId, Result,
//! };
//!
//! struct Gateway { id: ProviderId, caps: Capabilities, env: Environment }
//!
//! impl Connector for Gateway {
//!     const GATEWAY: &'static str = "example";
//!     fn id(&self) -> &ProviderId { &self.id }
//!     fn capabilities(&self) -> &Capabilities { &self.caps }
//!     async fn create_payment(&self, req: CreatePayment) -> Result<Payment> {
//!         req.validate()?;
//!         Err(Error::invalid_request("this gateway declines everything"))
//!     }
//!     async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
//!         Err(Error::invalid_request(format!("no payment {id}")))
//!     }
//! }
//!
//! # async fn run() {
//! let gateway = Gateway {
//!     id: ProviderId::new("example_eu"),
//!     caps: Capabilities::only([Operation::CreatePayment, Operation::GetPayment]),
//!     env: Environment::Sandbox,
//! };
//! let provider: &dyn PaymentProvider = &gateway;
//! let err = provider.get_payment(&PaymentId::new("pay_1")).await.unwrap_err();
//! assert_eq!(err.provider().map(|p| p.as_str()), Some("example_eu"), "named by the layer");
//! let err = provider.create_refund(paymux_core::CreateRefund::new(PaymentId::new("pay_1")))
//!     .await
//!     .unwrap_err();
//! assert_eq!(err.kind(), paymux_core::ErrorKind::Unsupported, "outside its capabilities");
//! # }
//! ```

use std::future::Future;

use async_trait::async_trait;

use crate::{
    CancelPayment, Capabilities, CapturePayment, ConfirmPayment, CreateCustomer, CreatePayment,
    CreateRefund, Customer, CustomerId, Error, IdempotencyKey, ListPayments, Operation, Page,
    Payment, PaymentId, PaymentProvider, ProviderId, Refund, RefundId, Result, WebhookEvent,
};

pub use crate::connection_builders;
pub use crate::transport::ConnectionSettings;

/// Which of a gateway's environments an instance talks to; every connector and the router
/// use this one. Each connector knows its own hosts and key prefixes for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    /// The gateway's test environment (the default: nothing is charged by accident).
    #[default]
    Sandbox,
    /// Real money.
    Production,
}

impl Environment {
    /// `"sandbox"` or `"production"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Sandbox => "sandbox",
            Environment::Production => "production",
        }
    }
}

/// The full number of a card, for the connector serializing it into a request body (never
/// into a log). Not a method of [`Card`](crate::Card), so business code cannot reach it.
pub fn card_number(card: &crate::Card) -> &secrecy::SecretString {
    card.number()
}

/// The CVC of a card, for the connector serializing it (see [`card_number`]).
pub fn card_cvc(card: &crate::Card) -> &secrecy::SecretString {
    card.cvc()
}

/// The idempotency key of one logical mutation: the caller's, or a fresh one. Taken once per
/// call, before the first attempt, and reused on every retry of it.
///
/// ```
/// use paymux_core::IdempotencyKey;
/// use paymux_core::connector::idempotency_key;
/// let mine = IdempotencyKey::new("order_123").unwrap();
/// assert_eq!(idempotency_key(Some(mine.clone())), mine);
/// assert_ne!(idempotency_key(None), idempotency_key(None));
/// ```
pub fn idempotency_key(caller: Option<IdempotencyKey>) -> IdempotencyKey {
    caller.unwrap_or_else(IdempotencyKey::generate)
}

/// The data rows of a table in a connector's docs, each as its trimmed cells, so that the
/// crate's tests can check every row against the mapping it documents (the tables are tests).
///
/// The table is the first one whose header row starts with `header`, in the doc comment
/// (`///`) right above the first line of `source` that starts with `item`, or in the crate
/// docs (`//!`) when `item` is empty. `None` when there is no such table or it has no rows.
///
/// ```
/// use paymux_core::connector::{doc_table, ticked};
/// let source = "
/// /// | word | status |
/// /// |---|---|
/// /// | `ok`, `fine` | `Succeeded` |
/// pub fn status(word: &str) {}
/// ";
/// let rows = doc_table(source, "pub fn status(", "| word |").unwrap();
/// assert_eq!(rows, [["`ok`, `fine`", "`Succeeded`"]]);
/// assert_eq!(ticked(&rows[0][0]), ["ok", "fine"]);
/// ```
pub fn doc_table(source: &str, item: &str, header: &str) -> Option<Vec<Vec<String>>> {
    let lines: Vec<&str> = source.lines().map(str::trim_start).collect();
    let docs: Vec<&str> = if item.is_empty() {
        lines.iter().filter_map(|l| l.strip_prefix("//!")).collect()
    } else {
        let at = lines.iter().position(|l| l.starts_with(item))?;
        let start = lines[..at].iter().rposition(|l| !l.starts_with("///")).map_or(0, |i| i + 1);
        lines[start..at].iter().filter_map(|l| l.strip_prefix("///")).collect()
    };
    let docs: Vec<&str> = docs.iter().map(|l| l.trim()).collect();
    let head = docs.iter().position(|l| l.starts_with(header))?;
    let rows: Vec<Vec<String>> = docs
        .get(head + 2..)?
        .iter()
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim_matches('|').split('|').map(|c| c.trim().to_owned()).collect())
        .collect();
    (!rows.is_empty()).then_some(rows)
}

/// The words between backticks in a table cell, in order: `` `a`, `b` `` gives `["a", "b"]`.
pub fn ticked(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

/// What a gateway crate implements: the operations of [`PaymentProvider`] as plain `async fn`s.
/// Every `Connector` is a `PaymentProvider` through the layer described in the
/// [module docs](self); operations the gateway lacks keep the defaults (and are left out of
/// the capabilities, so the layer refuses them first).
pub trait Connector: Send + Sync {
    /// The gateway kind (`"paychtec"`): what its [`GatewayOptions`](crate::GatewayOptions)
    /// name, and the kind a routing file gives.
    const GATEWAY: &'static str;

    /// The instance name (`"paychtec"`, `"paychtec_eu"`).
    fn id(&self) -> &ProviderId;

    /// What this instance supports.
    fn capabilities(&self) -> &Capabilities;

    /// See [`PaymentProvider::create_payment`].
    fn create_payment(&self, req: CreatePayment) -> impl Future<Output = Result<Payment>> + Send;

    /// See [`PaymentProvider::get_payment`].
    fn get_payment(&self, id: &PaymentId) -> impl Future<Output = Result<Payment>> + Send;

    /// See [`PaymentProvider::confirm_payment`].
    fn confirm_payment(
        &self,
        id: &PaymentId,
        req: ConfirmPayment,
    ) -> impl Future<Output = Result<Payment>> + Send {
        let _ = (id, req);
        async { Err(Error::unsupported("confirm_payment")) }
    }

    /// See [`PaymentProvider::capture_payment`].
    fn capture_payment(
        &self,
        id: &PaymentId,
        req: CapturePayment,
    ) -> impl Future<Output = Result<Payment>> + Send {
        let _ = (id, req);
        async { Err(Error::unsupported("capture_payment")) }
    }

    /// See [`PaymentProvider::cancel_payment`].
    fn cancel_payment(
        &self,
        id: &PaymentId,
        req: CancelPayment,
    ) -> impl Future<Output = Result<Payment>> + Send {
        let _ = (id, req);
        async { Err(Error::unsupported("cancel_payment")) }
    }

    /// See [`PaymentProvider::list_payments`].
    fn list_payments(
        &self,
        query: ListPayments,
    ) -> impl Future<Output = Result<Page<Payment>>> + Send {
        let _ = query;
        async { Err(Error::unsupported("list_payments")) }
    }

    /// See [`PaymentProvider::create_refund`].
    fn create_refund(&self, req: CreateRefund) -> impl Future<Output = Result<Refund>> + Send {
        let _ = req;
        async { Err(Error::unsupported("create_refund")) }
    }

    /// See [`PaymentProvider::get_refund`].
    fn get_refund(&self, id: &RefundId) -> impl Future<Output = Result<Refund>> + Send {
        let _ = id;
        async { Err(Error::unsupported("get_refund")) }
    }

    /// See [`PaymentProvider::create_customer`].
    fn create_customer(
        &self,
        req: CreateCustomer,
    ) -> impl Future<Output = Result<Customer>> + Send {
        let _ = req;
        async { Err(Error::unsupported("create_customer")) }
    }

    /// See [`PaymentProvider::get_customer`].
    fn get_customer(&self, id: &CustomerId) -> impl Future<Output = Result<Customer>> + Send {
        let _ = id;
        async { Err(Error::unsupported("get_customer")) }
    }

    /// See [`PaymentProvider::parse_webhook`]: verify over the raw bytes, then parse.
    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        let _ = (headers, raw_body);
        Err(Error::unsupported("parse_webhook"))
    }
}

/// The layer's check before any request: the operation is in the capabilities.
fn allowed<C: Connector + ?Sized>(connector: &C, op: Operation) -> Result<()> {
    connector.capabilities().require(op).map_err(|e| e.with_provider(connector.id().clone()))
}

/// The layer's check of gateway options: none, or some for this connector's gateway.
fn options_for<C: Connector + ?Sized>(connector: &C, extensions: &crate::Extensions) -> Result<()> {
    extensions.check_for(C::GATEWAY).map_err(|e| e.with_provider(connector.id().clone()))
}

/// The layer's naming: the instance on every error that names none yet.
fn named<T, C: Connector + ?Sized>(connector: &C, result: Result<T>) -> Result<T> {
    result.map_err(|e| e.or_provider(connector.id()))
}

/// The one layer between every [`Connector`] and [`PaymentProvider`] (see the module docs).
#[async_trait]
impl<C: Connector> PaymentProvider for C {
    fn id(&self) -> &ProviderId {
        Connector::id(self)
    }

    fn capabilities(&self) -> &Capabilities {
        Connector::capabilities(self)
    }

    async fn create_payment(&self, req: CreatePayment) -> Result<Payment> {
        allowed(self, Operation::CreatePayment)?;
        options_for(self, &req.extensions)?;
        named(self, Connector::create_payment(self, req).await)
    }

    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        allowed(self, Operation::GetPayment)?;
        named(self, Connector::get_payment(self, id).await)
    }

    async fn confirm_payment(&self, id: &PaymentId, req: ConfirmPayment) -> Result<Payment> {
        allowed(self, Operation::ConfirmPayment)?;
        options_for(self, &req.extensions)?;
        named(self, Connector::confirm_payment(self, id, req).await)
    }

    async fn capture_payment(&self, id: &PaymentId, req: CapturePayment) -> Result<Payment> {
        allowed(self, Operation::CapturePayment)?;
        options_for(self, &req.extensions)?;
        named(self, Connector::capture_payment(self, id, req).await)
    }

    async fn cancel_payment(&self, id: &PaymentId, req: CancelPayment) -> Result<Payment> {
        allowed(self, Operation::CancelPayment)?;
        options_for(self, &req.extensions)?;
        named(self, Connector::cancel_payment(self, id, req).await)
    }

    async fn list_payments(&self, query: ListPayments) -> Result<Page<Payment>> {
        allowed(self, Operation::ListPayments)?;
        named(self, Connector::list_payments(self, query).await)
    }

    async fn create_refund(&self, req: CreateRefund) -> Result<Refund> {
        allowed(self, Operation::CreateRefund)?;
        options_for(self, &req.extensions)?;
        named(self, Connector::create_refund(self, req).await)
    }

    async fn get_refund(&self, id: &RefundId) -> Result<Refund> {
        allowed(self, Operation::GetRefund)?;
        named(self, Connector::get_refund(self, id).await)
    }

    async fn create_customer(&self, req: CreateCustomer) -> Result<Customer> {
        allowed(self, Operation::CreateCustomer)?;
        options_for(self, &req.extensions)?;
        named(self, Connector::create_customer(self, req).await)
    }

    async fn get_customer(&self, id: &CustomerId) -> Result<Customer> {
        allowed(self, Operation::GetCustomer)?;
        named(self, Connector::get_customer(self, id).await)
    }

    // Not checked against the capabilities: nothing is sent, and the connector says why it
    // cannot verify (no secret configured is a `Configuration` error, not `Unsupported`).
    fn parse_webhook(&self, headers: &http::HeaderMap, raw_body: &[u8]) -> Result<WebhookEvent> {
        named(self, Connector::parse_webhook(self, headers, raw_body))
    }
}
