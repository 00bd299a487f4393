//! Typed requests. Gateway-only fields travel in `extensions`, typed per connector.

use std::fmt;
use std::net::IpAddr;

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use crate::{
    Address, BillingDetails, CaptureMode, CustomerDetails, CustomerId, Error, IdempotencyKey,
    Metadata, Money, OrderLine, PageCursor, PaymentId, PaymentStatus, Phone, Result,
};

/// Card details. The number and CVC are secrets: `Debug` shows the last four digits only,
/// and they are zeroized when dropped.
#[derive(Clone)]
pub struct Card {
    number: SecretString,
    cvc: SecretString,
    /// Expiry month, 1 to 12.
    pub exp_month: u8,
    /// Expiry year, four digits.
    pub exp_year: u16,
    /// Name on the card.
    pub holder_name: Option<String>,
}

impl Card {
    /// Card details, checked for shape (12 to 19 digits, 3 or 4 digit CVC, month 1 to 12,
    /// four-digit year). Spaces in the number are removed.
    ///
    /// ```
    /// use paymux_core::Card;
    /// let card = Card::new("4242 4242 4242 4242", 12, 2030, "123").unwrap();
    /// assert_eq!(card.last4(), "4242");
    /// assert!(!format!("{card:?}").contains("4242424242424242"));
    /// ```
    pub fn new(number: &str, exp_month: u8, exp_year: u16, cvc: &str) -> Result<Card> {
        let number: String = number.chars().filter(|c| *c != ' ').collect();
        if !(12..=19).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid_request("card number must be 12 to 19 digits"));
        }
        if !(3..=4).contains(&cvc.len()) || !cvc.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid_request("card CVC must be 3 or 4 digits"));
        }
        if !(1..=12).contains(&exp_month) {
            return Err(Error::invalid_request("card expiry month must be 1 to 12"));
        }
        if !(1000..=9999).contains(&exp_year) {
            return Err(Error::invalid_request("card expiry year must have four digits"));
        }
        Ok(Card {
            number: SecretString::from(number),
            cvc: SecretString::from(cvc.to_owned()),
            exp_month,
            exp_year,
            holder_name: None,
        })
    }

    /// Sets the cardholder name.
    pub fn with_holder_name(mut self, name: impl Into<String>) -> Self {
        self.holder_name = Some(name.into());
        self
    }

    /// The full card number: for connectors, through [`crate::connector::card_number`].
    pub(crate) fn number(&self) -> &SecretString {
        &self.number
    }

    /// The CVC: for connectors, through [`crate::connector::card_cvc`].
    pub(crate) fn cvc(&self) -> &SecretString {
        &self.cvc
    }

    /// The last four digits, safe to show and log.
    pub fn last4(&self) -> &str {
        let n = self.number.expose_secret();
        &n[n.len().saturating_sub(4)..]
    }
}

impl fmt::Debug for Card {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Card")
            .field("number", &format_args!("**** {}", self.last4()))
            .field("cvc", &"***")
            .field("exp_month", &self.exp_month)
            .field("exp_year", &self.exp_year)
            .field("holder_name", &self.holder_name)
            .finish()
    }
}

/// Options only one gateway understands (a connector's `<Gateway><What>Options` types),
/// handed to a request with `with_options`. They carry their gateway: a connector of another
/// gateway refuses a request whose options are all for others, with an
/// [`InvalidRequest`](crate::ErrorKind::InvalidRequest) naming both, instead of dropping them
/// in silence.
pub trait GatewayOptions: Clone + Send + Sync + 'static {
    /// The connector kind they are for (`"paytech"`), as its connector names itself.
    const GATEWAY: &'static str;
}

/// The gateway options of one request, by type, with the gateways they are for.
#[derive(Clone, Default)]
pub struct Extensions {
    map: http::Extensions,
    gateways: Vec<&'static str>,
}

impl Extensions {
    /// Adds (or replaces) options of type `O`.
    pub fn insert<O: GatewayOptions>(&mut self, options: O) {
        self.map.insert(options);
        if !self.gateways.contains(&O::GATEWAY) {
            self.gateways.push(O::GATEWAY);
        }
    }

    /// The options of type `O`, if given.
    pub fn get<O: GatewayOptions>(&self) -> Option<&O> {
        self.map.get::<O>()
    }

    /// The gateways options were given for.
    pub fn gateways(&self) -> &[&'static str] {
        &self.gateways
    }

    /// `Ok` when no options are given, or some are for `gateway`; otherwise an
    /// [`InvalidRequest`](crate::ErrorKind::InvalidRequest) naming both: options for another
    /// gateway are never dropped in silence.
    pub fn check_for(&self, gateway: &str) -> Result<()> {
        if self.gateways.is_empty() || self.gateways.contains(&gateway) {
            return Ok(());
        }
        Err(Error::invalid_request(format!(
            "the request carries options for {}, not for {gateway}: a {gateway} connector \
             cannot use them (route such payments to that gateway, or drop the options)",
            self.gateways.join(" and ")
        )))
    }
}

impl fmt::Debug for Extensions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Extensions").field("gateways", &self.gateways).finish_non_exhaustive()
    }
}

/// How the customer pays.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum PaymentMethod {
    /// Raw card details (PCI scope: prefer a hosted page where you can).
    Card(Card),
    /// The gateway's hosted page collects the details; the payment answers with a redirect.
    HostedPage,
}

impl PaymentMethod {
    /// A short name for routing and logs (`"card"`, `"hosted_page"`).
    pub fn kind(&self) -> &'static str {
        match self {
            PaymentMethod::Card(_) => "card",
            PaymentMethod::HostedPage => "hosted_page",
        }
    }
}

/// Who pays: a customer saved at the gateway, or details given inline.
#[derive(Debug, Clone)]
pub enum PaymentCustomer {
    /// A customer the gateway issued (see [`CustomerId`]).
    Existing(CustomerId),
    /// One-off details: nothing saved at the gateway.
    Inline(CustomerDetails),
}

/// A request to create a payment.
///
/// ```
/// use paymux_core::{CaptureMode, CreatePayment, Currency, Money};
/// let req = CreatePayment::new(Money::from_minor(6540, Currency::USD).unwrap())
///     .with_reference("order_123")
///     .with_capture(CaptureMode::Manual);
/// assert_eq!(req.merchant_reference.as_deref(), Some("order_123"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CreatePayment {
    /// Amount to charge; must be positive.
    pub amount: Money,
    /// Your reference (order id); also used to find a payment after an ambiguous failure.
    pub merchant_reference: Option<String>,
    /// Description shown to operations staff (and sometimes the customer).
    pub description: Option<String>,
    /// Saved customer or inline details.
    pub customer: Option<PaymentCustomer>,
    /// Billing address and phone.
    pub billing: Option<BillingDetails>,
    /// Order contents.
    pub order_lines: Vec<OrderLine>,
    /// Payment method; `None` to attach one later with `confirm_payment`.
    pub payment_method: Option<PaymentMethod>,
    /// Capture now or later.
    pub capture: CaptureMode,
    /// Confirm in the same call (one step) or leave for `confirm_payment` (two steps).
    pub confirm: bool,
    /// Where the customer returns after a redirect.
    pub return_url: Option<String>,
    /// Your metadata; never put secrets or card data here.
    pub metadata: Metadata,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
    /// `true` when this call repeats an earlier one made with the same `idempotency_key`
    /// whose outcome is unknown (see [`retrying`](Self::retrying)).
    pub is_retry: bool,
    /// Gateway-only options, typed per connector (e.g. a connector's `...Extension` struct).
    pub extensions: Extensions,
}

impl CreatePayment {
    /// A one-step, automatically captured payment of `amount` with nothing else set.
    pub fn new(amount: Money) -> Self {
        CreatePayment {
            amount,
            merchant_reference: None,
            description: None,
            customer: None,
            billing: None,
            order_lines: Vec::new(),
            payment_method: None,
            capture: CaptureMode::Automatic,
            confirm: true,
            return_url: None,
            metadata: Metadata::new(),
            idempotency_key: None,
            is_retry: false,
            extensions: Extensions::default(),
        }
    }

    /// Sets the merchant reference.
    pub fn with_reference(mut self, reference: impl Into<String>) -> Self {
        self.merchant_reference = Some(reference.into());
        self
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Pays with a card.
    pub fn with_card(mut self, card: Card) -> Self {
        self.payment_method = Some(PaymentMethod::Card(card));
        self
    }

    /// Sets the capture mode.
    pub fn with_capture(mut self, capture: CaptureMode) -> Self {
        self.capture = capture;
        self
    }

    /// Sets whether to confirm in the same call.
    pub fn with_confirm(mut self, confirm: bool) -> Self {
        self.confirm = confirm;
        self
    }

    /// Uses a saved gateway customer.
    pub fn with_customer(mut self, id: CustomerId) -> Self {
        self.customer = Some(PaymentCustomer::Existing(id));
        self
    }

    /// Uses one-off customer details.
    pub fn with_customer_details(mut self, details: CustomerDetails) -> Self {
        self.customer = Some(PaymentCustomer::Inline(details));
        self
    }

    /// Sets the billing details.
    pub fn with_billing(mut self, billing: BillingDetails) -> Self {
        self.billing = Some(billing);
        self
    }

    /// Adds an order line.
    pub fn with_order_line(mut self, line: OrderLine) -> Self {
        self.order_lines.push(line);
        self
    }

    /// Sets the return URL.
    pub fn with_return_url(mut self, url: impl Into<String>) -> Self {
        self.return_url = Some(url.into());
        self
    }

    /// Adds a metadata entry.
    pub fn with_metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// Sets the idempotency key.
    pub fn with_idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Marks this call as a repeat of an earlier one made with `key` whose outcome is unknown
    /// (its error said [`is_outcome_unknown`](crate::Error::is_outcome_unknown), or the process
    /// died before the answer came). Gateways that honour idempotency keys deduplicate by the
    /// key itself; for one that has none (pay.tech), the connector first looks for what the
    /// earlier call created and returns it instead of sending a second create. A first call
    /// is never looked up, so it costs one request.
    ///
    /// ```
    /// use paymux_core::{CreatePayment, Currency, IdempotencyKey, Money};
    /// let key = IdempotencyKey::new("order_123").unwrap();
    /// let again = CreatePayment::new(Money::from_minor(6540, Currency::USD).unwrap())
    ///     .retrying(key.clone());
    /// assert!(again.is_retry);
    /// assert_eq!(again.idempotency_key, Some(key));
    /// ```
    pub fn retrying(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self.is_retry = true;
        self
    }

    /// Pays with `method`.
    pub fn with_payment_method(mut self, method: PaymentMethod) -> Self {
        self.payment_method = Some(method);
        self
    }

    /// Sets the amount.
    pub fn with_amount(mut self, amount: Money) -> Self {
        self.amount = amount;
        self
    }

    /// Adds gateway-only options (see [`GatewayOptions`]).
    pub fn with_options<O: GatewayOptions>(mut self, options: O) -> Self {
        self.extensions.insert(options);
        self
    }

    /// Checks what holds for every gateway: a positive amount, order lines in the payment's
    /// currency. Connectors call it before sending and add their own rules.
    pub fn validate(&self) -> Result<()> {
        if self.amount.is_zero() {
            return Err(Error::invalid_request("payment amount must be positive"));
        }
        if let Some(line) =
            self.order_lines.iter().find(|l| l.unit_amount.currency() != self.amount.currency())
        {
            return Err(Error::invalid_request(format!(
                "order line {:?} is in {} but the payment is in {}",
                line.name,
                line.unit_amount.currency().code(),
                self.amount.currency().code()
            )));
        }
        Ok(())
    }
}

/// A request to confirm (authorize) a payment created with `confirm: false`.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ConfirmPayment {
    /// The payment method, if not given at creation.
    pub payment_method: Option<PaymentMethod>,
    /// Billing details (some gateways want them with the payment method).
    pub billing: Option<BillingDetails>,
    /// Where the customer returns after a redirect.
    pub return_url: Option<String>,
    /// The customer's IP address (host-to-host flows).
    pub customer_ip: Option<IpAddr>,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
    /// Gateway-only options.
    pub extensions: Extensions,
}

impl ConfirmPayment {
    /// A confirmation with nothing more to add.
    pub fn new() -> Self {
        Self::default()
    }

    /// Pays with `method`.
    pub fn with_payment_method(mut self, method: PaymentMethod) -> Self {
        self.payment_method = Some(method);
        self
    }

    /// Pays with a card.
    pub fn with_card(self, card: Card) -> Self {
        self.with_payment_method(PaymentMethod::Card(card))
    }

    /// Sets the billing details.
    pub fn with_billing(mut self, billing: BillingDetails) -> Self {
        self.billing = Some(billing);
        self
    }

    /// Sets the return URL.
    pub fn with_return_url(mut self, url: impl Into<String>) -> Self {
        self.return_url = Some(url.into());
        self
    }

    /// Sets the customer's IP address.
    pub fn with_customer_ip(mut self, ip: IpAddr) -> Self {
        self.customer_ip = Some(ip);
        self
    }

    /// Sets the idempotency key.
    pub fn with_idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Adds gateway-only options (see [`GatewayOptions`]).
    pub fn with_options<O: GatewayOptions>(mut self, options: O) -> Self {
        self.extensions.insert(options);
        self
    }
}

/// A request to capture an authorized payment.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CapturePayment {
    /// Amount to capture; `None` captures everything capturable.
    pub amount: Option<Money>,
    /// Statement descriptor, where the gateway supports one.
    pub statement_descriptor: Option<String>,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
    /// Gateway-only options.
    pub extensions: Extensions,
}

impl CapturePayment {
    /// Captures everything capturable.
    pub fn new() -> Self {
        Self::default()
    }

    /// Captures only `amount`.
    pub fn with_amount(mut self, amount: Money) -> Self {
        self.amount = Some(amount);
        self
    }

    /// Sets the statement descriptor.
    pub fn with_statement_descriptor(mut self, descriptor: impl Into<String>) -> Self {
        self.statement_descriptor = Some(descriptor.into());
        self
    }

    /// Sets the idempotency key.
    pub fn with_idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Adds gateway-only options (see [`GatewayOptions`]).
    pub fn with_options<O: GatewayOptions>(mut self, options: O) -> Self {
        self.extensions.insert(options);
        self
    }
}

/// A request to cancel (void) a payment before capture.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CancelPayment {
    /// Why, for operations staff.
    pub reason: Option<String>,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
    /// Gateway-only options.
    pub extensions: Extensions,
}

impl CancelPayment {
    /// A cancellation without a reason.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the reason.
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// Sets the idempotency key.
    pub fn with_idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Adds gateway-only options (see [`GatewayOptions`]).
    pub fn with_options<O: GatewayOptions>(mut self, options: O) -> Self {
        self.extensions.insert(options);
        self
    }
}

/// Why a refund is made.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RefundReason {
    /// The payment was made twice.
    Duplicate,
    /// The payment was fraudulent.
    Fraudulent,
    /// The customer asked.
    RequestedByCustomer,
    /// Anything else, as free text (sent where the gateway takes text).
    Other(String),
}

impl RefundReason {
    /// A human-readable text for gateways that take free text.
    pub fn as_text(&self) -> &str {
        match self {
            RefundReason::Duplicate => "duplicate",
            RefundReason::Fraudulent => "fraudulent",
            RefundReason::RequestedByCustomer => "requested_by_customer",
            RefundReason::Other(text) => text,
        }
    }
}

/// A request to refund a payment in full or in part.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CreateRefund {
    /// The payment to refund.
    pub payment_id: PaymentId,
    /// Amount; `None` refunds what remains.
    pub amount: Option<Money>,
    /// Why.
    pub reason: Option<RefundReason>,
    /// Your own refund id; gateways that accept one use it to make the refund retry-safe.
    pub merchant_refund_id: Option<String>,
    /// Your metadata.
    pub metadata: Metadata,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
    /// `true` when this call repeats an earlier one made with the same `idempotency_key`
    /// whose outcome is unknown (see [`CreatePayment::retrying`]).
    pub is_retry: bool,
    /// Gateway-only options.
    pub extensions: Extensions,
}

impl CreateRefund {
    /// A full refund of `payment_id`.
    pub fn new(payment_id: PaymentId) -> Self {
        CreateRefund {
            payment_id,
            amount: None,
            reason: None,
            merchant_refund_id: None,
            metadata: Metadata::new(),
            idempotency_key: None,
            is_retry: false,
            extensions: Extensions::default(),
        }
    }

    /// Refunds only `amount`.
    pub fn with_amount(mut self, amount: Money) -> Self {
        self.amount = Some(amount);
        self
    }

    /// Sets the reason.
    pub fn with_reason(mut self, reason: RefundReason) -> Self {
        self.reason = Some(reason);
        self
    }

    /// Sets your refund id.
    pub fn with_merchant_refund_id(mut self, id: impl Into<String>) -> Self {
        self.merchant_refund_id = Some(id.into());
        self
    }

    /// Sets the idempotency key.
    pub fn with_idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Marks this call as a repeat of an earlier one made with `key` whose outcome is unknown;
    /// see [`CreatePayment::retrying`].
    pub fn retrying(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self.is_retry = true;
        self
    }

    /// Adds a metadata entry.
    pub fn with_metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// Adds gateway-only options (see [`GatewayOptions`]).
    pub fn with_options<O: GatewayOptions>(mut self, options: O) -> Self {
        self.extensions.insert(options);
        self
    }
}

/// A request to save a customer at the gateway. Its `Debug` hides email and name (address and
/// phone hide themselves).
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct CreateCustomer {
    /// Email.
    pub email: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Phone.
    pub phone: Option<Phone>,
    /// Address.
    pub address: Option<Address>,
    /// Description.
    pub description: Option<String>,
    /// Metadata.
    pub metadata: Metadata,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
    /// Gateway-only options.
    pub extensions: Extensions,
}

impl CreateCustomer {
    /// A customer with nothing set yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the email.
    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets the name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the phone.
    pub fn with_phone(mut self, phone: Phone) -> Self {
        self.phone = Some(phone);
        self
    }

    /// Sets the address.
    pub fn with_address(mut self, address: Address) -> Self {
        self.address = Some(address);
        self
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Adds a metadata entry.
    pub fn with_metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// Sets the idempotency key.
    pub fn with_idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Adds gateway-only options (see [`GatewayOptions`]).
    pub fn with_options<O: GatewayOptions>(mut self, options: O) -> Self {
        self.extensions.insert(options);
        self
    }
}

/// Filters and position for listing payments.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ListPayments {
    /// Page size; each connector clamps it to its gateway's limits.
    pub limit: Option<u32>,
    /// Where to start: the `next` of the previous page.
    pub cursor: Option<PageCursor>,
    /// Only payments in this status (where the gateway filters by status).
    pub status: Option<PaymentStatus>,
    /// Only this customer's payments.
    pub customer: Option<CustomerId>,
    /// Created at or after.
    pub created_from: Option<OffsetDateTime>,
    /// Created before or at.
    pub created_to: Option<OffsetDateTime>,
    /// Only payments with this merchant reference (where the gateway filters by it).
    pub merchant_reference: Option<String>,
}

impl ListPayments {
    /// The first page, no filters, the gateway's default page size.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the page size.
    pub fn with_limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Starts where the previous page ended (its `next`).
    pub fn with_cursor(mut self, cursor: PageCursor) -> Self {
        self.cursor = Some(cursor);
        self
    }

    /// Only payments in `status`.
    pub fn with_status(mut self, status: PaymentStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Only this customer's payments.
    pub fn with_customer(mut self, customer: CustomerId) -> Self {
        self.customer = Some(customer);
        self
    }

    /// Created at or after `from`.
    pub fn with_created_from(mut self, from: OffsetDateTime) -> Self {
        self.created_from = Some(from);
        self
    }

    /// Created before or at `to`.
    pub fn with_created_to(mut self, to: OffsetDateTime) -> Self {
        self.created_to = Some(to);
        self
    }

    /// Only payments with this merchant reference.
    pub fn with_merchant_reference(mut self, reference: impl Into<String>) -> Self {
        self.merchant_reference = Some(reference.into());
        self
    }
}

impl fmt::Debug for CreateCustomer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateCustomer")
            .field("email", &format_args!("{}", crate::model::hidden(&self.email)))
            .field("name", &format_args!("{}", crate::model::hidden(&self.name)))
            .field("phone", &self.phone)
            .field("address", &self.address)
            .field("description", &self.description)
            .field("metadata", &self.metadata)
            .field("idempotency_key", &self.idempotency_key)
            .field("extensions", &self.extensions)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iso_currency::Currency;

    #[test]
    fn debug_of_a_card_payment_hides_number_and_cvc() {
        let card = Card::new("4242424242424242", 12, 2030, "987").unwrap();
        let req =
            CreatePayment::new(Money::from_minor(100, Currency::USD).unwrap()).with_card(card);
        let dbg = format!("{req:?}");
        assert!(!dbg.contains("4242424242424242"), "{dbg}");
        assert!(!dbg.contains("987"), "{dbg}");
        assert!(dbg.contains("**** 4242"), "{dbg}");
    }

    #[test]
    fn card_shape_is_checked() {
        assert!(Card::new("4242", 12, 2030, "123").is_err());
        assert!(Card::new("4242424242424242", 13, 2030, "123").is_err());
        assert!(Card::new("4242424242424242", 12, 30, "123").is_err());
        assert!(Card::new("4242424242424242", 12, 2030, "12a").is_err());
        assert!(Card::new("4242-4242-4242-4242", 12, 2030, "123").is_err());
    }

    #[test]
    fn create_payment_validation() {
        let zero = CreatePayment::new(Money::from_minor(0, Currency::USD).unwrap());
        assert!(zero.validate().is_err());
        let mixed = CreatePayment::new(Money::from_minor(100, Currency::USD).unwrap())
            .with_order_line(OrderLine {
                name: "x".into(),
                quantity: 1,
                unit_amount: Money::from_minor(100, Currency::EUR).unwrap(),
            });
        assert!(mixed.validate().unwrap_err().message().contains("EUR"));
    }

    #[test]
    fn extensions_are_typed() {
        #[derive(Clone, Debug, PartialEq)]
        struct GatewayOnly(u8);
        impl GatewayOptions for GatewayOnly {
            const GATEWAY: &'static str = "example";
        }
        let req = CreatePayment::new(Money::from_minor(100, Currency::USD).unwrap())
            .with_options(GatewayOnly(7));
        assert_eq!(req.extensions.get::<GatewayOnly>(), Some(&GatewayOnly(7)));
        assert!(req.extensions.check_for("example").is_ok());
        let refused = req.extensions.check_for("paychtec").unwrap_err();
        assert_eq!(refused.kind(), crate::ErrorKind::InvalidRequest);
        assert!(refused.message().contains("example") && refused.message().contains("paychtec"));
    }
}
