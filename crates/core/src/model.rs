//! The normalized resources every provider returns.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{
    CustomerId, DeclineCode, EventId, EventKind, GatewayAmount, Money, PaymentId, PaymentStatus,
    ProviderId, RefundId, RefundStatus,
};

/// Free-form string metadata, kept in key order so it serializes deterministically.
pub type Metadata = BTreeMap<String, String>;

/// When money is taken: right away, or on a later capture call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaptureMode {
    /// Authorize and capture in one step.
    #[default]
    Automatic,
    /// Authorize now; capture later with `capture_payment`.
    Manual,
}

/// A postal address. Its `Debug` shows the country only: the rest is personal data.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Address {
    /// Street and number.
    pub line1: Option<String>,
    /// Apartment, suite, building.
    pub line2: Option<String>,
    /// City or town.
    pub city: Option<String>,
    /// State, county, province or region.
    pub state: Option<String>,
    /// Postal or ZIP code.
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code (`"US"`).
    pub country: Option<String>,
    /// First name of the person at this address.
    pub first_name: Option<String>,
    /// Last name of the person at this address.
    pub last_name: Option<String>,
}

/// A phone number split the way gateways ask for it. Its `Debug` shows the country code only.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    /// Country calling code with the plus sign (`"+1"`).
    pub country_code: String,
    /// Subscriber number without the country code, digits only (`"6502530000"`).
    pub number: String,
}

impl Phone {
    /// Parses an E.164 number (`"+16502530000"`) given the length of its country code
    /// (E.164 does not mark where the country code ends).
    pub fn from_e164(e164: &str, country_code_digits: usize) -> crate::Result<Phone> {
        let digits = e164
            .strip_prefix('+')
            .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
            .filter(|d| (8..=15).contains(&d.len()) && !d.starts_with('0'))
            .ok_or_else(|| {
                crate::Error::invalid_request("phone must be E.164, like +16502530000")
            })?;
        if !(1..=3).contains(&country_code_digits) || country_code_digits >= digits.len() {
            return Err(crate::Error::invalid_request("country code must be 1 to 3 digits"));
        }
        let (cc, number) = digits.split_at(country_code_digits);
        Ok(Phone { country_code: format!("+{cc}"), number: number.to_owned() })
    }

    /// The number in E.164 form (`"+16502530000"`), or an error if the parts do not form one.
    pub fn to_e164(&self) -> crate::Result<String> {
        let cc = self.country_code.trim_start_matches('+');
        let all = format!("+{cc}{}", self.number);
        let digits = &all[1..];
        let valid = digits.bytes().all(|b| b.is_ascii_digit())
            && (8..=15).contains(&digits.len())
            && !digits.starts_with('0')
            && !cc.is_empty();
        if valid {
            Ok(all)
        } else {
            // The number itself is personal data: not in the message.
            Err(crate::Error::invalid_request(format!(
                "the phone number (country code {:?}) is not a valid E.164 number",
                self.country_code
            )))
        }
    }
}

/// Who pays, when no saved customer is used. Its `Debug` hides email and name.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CustomerDetails {
    /// Email for receipts and fraud checks.
    pub email: Option<String>,
    /// Full name.
    pub name: Option<String>,
    /// Phone number.
    pub phone: Option<Phone>,
}

/// The payer's billing details (address and phone), as card gateways ask for them. Its
/// `Debug` hides the personal parts.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BillingDetails {
    /// Billing address.
    pub address: Option<Address>,
    /// Billing phone.
    pub phone: Option<Phone>,
    /// Billing email.
    pub email: Option<String>,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    /// Product name.
    pub name: String,
    /// How many.
    pub quantity: u32,
    /// Price of one unit.
    pub unit_amount: Money,
}

/// What the customer (or merchant) must do next for the payment to progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum NextAction {
    /// Send the customer's browser to `url` (3-D Secure, bank page, hosted checkout).
    Redirect {
        /// Where to send the customer.
        url: String,
    },
    /// Show the customer instructions the gateway returned (bank transfer details, QR data).
    Instructions {
        /// The gateway's instructions, as it sent them.
        data: serde_json::Value,
    },
}

/// Why a payment or refund failed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Failure {
    /// Normalized decline code, where the gateway's code maps to one.
    pub code: Option<DeclineCode>,
    /// The gateway's own code, unchanged.
    pub gateway_code: Option<String>,
    /// The gateway's message.
    pub message: Option<String>,
}

/// A payment as the gateway reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    /// The gateway's payment id.
    pub id: PaymentId,
    /// The provider instance holding the payment.
    pub provider: ProviderId,
    /// Normalized status.
    pub status: PaymentStatus,
    /// The gateway's own status word.
    pub raw_status: String,
    /// The amount requested. `None` only when the gateway states it in a form [`Money`]
    /// cannot hold (a currency outside ISO 4217, such as a cryptocurrency, or more decimals
    /// than ISO 4217 gives the currency); [`gateway_amount`](Payment::gateway_amount) then
    /// holds it exactly.
    pub amount: Option<Money>,
    /// The gateway's own figure and currency code, exactly as it stated them, when `amount` or
    /// `amount_received` cannot hold them (see [`GatewayAmount`]); `None` otherwise.
    #[serde(default)]
    pub gateway_amount: Option<GatewayAmount>,
    /// What the gateway says was finally charged, where it says; can differ from `amount`
    /// (currency conversion, partial authorization).
    pub amount_received: Option<Money>,
    /// How much can still be captured, for `RequiresCapture` payments where the gateway says
    /// (after a partial authorization it is below `amount`).
    #[serde(default)]
    pub amount_capturable: Option<Money>,
    /// How much has been captured, where the gateway says.
    pub amount_captured: Option<Money>,
    /// How much has been refunded, where the gateway says.
    pub amount_refunded: Option<Money>,
    /// Capture mode, where the gateway says.
    pub capture_mode: Option<CaptureMode>,
    /// The merchant's own reference (order id).
    pub merchant_reference: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// The gateway customer the payment belongs to.
    pub customer_id: Option<CustomerId>,
    /// What must happen next, for `RequiresAction` payments.
    pub next_action: Option<NextAction>,
    /// Why it failed, for `Failed` payments.
    pub failure: Option<Failure>,
    /// Metadata the gateway echoed back.
    pub metadata: Metadata,
    /// When the gateway created it.
    #[serde(with = "time::serde::rfc3339::option")]
    pub created_at: Option<OffsetDateTime>,
}

impl Payment {
    /// A payment with the given essentials and everything else empty; connectors fill the rest.
    pub fn new(
        id: PaymentId,
        provider: ProviderId,
        status: PaymentStatus,
        raw_status: impl Into<String>,
        amount: Money,
    ) -> Self {
        Self::with_amount(id, provider, status, raw_status, Some(amount))
    }

    /// A payment whose requested amount may be one [`Money`] cannot hold (`None`: set
    /// [`gateway_amount`](Payment::gateway_amount)); everything else empty.
    pub fn with_amount(
        id: PaymentId,
        provider: ProviderId,
        status: PaymentStatus,
        raw_status: impl Into<String>,
        amount: Option<Money>,
    ) -> Self {
        Payment {
            id,
            provider,
            status,
            raw_status: raw_status.into(),
            amount,
            gateway_amount: None,
            amount_received: None,
            amount_capturable: None,
            amount_captured: None,
            amount_refunded: None,
            capture_mode: None,
            merchant_reference: None,
            description: None,
            customer_id: None,
            next_action: None,
            failure: None,
            metadata: Metadata::new(),
            created_at: None,
        }
    }

    /// The first way this payment breaks the field rules of the contract (see
    /// [`PaymentStatus`]), or `None` when it keeps them: `next_action` set exactly when
    /// `RequiresAction`; `amount_capturable` set when `RequiresCapture`, and only then or when
    /// `PartiallyCaptured`; `failure` set when `Failed`; an amount in `amount` or
    /// `gateway_amount`. Every connector's tests check the payments it reads with it.
    ///
    /// ```
    /// use paymux_core::{Currency, Money, NextAction, Payment, PaymentId, PaymentStatus, ProviderId};
    /// let mut p = Payment::new(
    ///     PaymentId::new("pay_1"),
    ///     ProviderId::new("demo"),
    ///     PaymentStatus::Processing,
    ///     "pending",
    ///     Money::from_minor(1000, Currency::EUR)?,
    /// );
    /// assert_eq!(p.contract_breach(), None);
    /// p.next_action = Some(NextAction::Redirect { url: "https://pay.example/p/1".into() });
    /// assert!(p.contract_breach().is_some()); // a redirect, but not `RequiresAction`
    /// # Ok::<(), paymux_core::MoneyError>(())
    /// ```
    pub fn contract_breach(&self) -> Option<String> {
        use PaymentStatus as S;
        let status = self.status;
        let breach = |what: &str| Some(format!("{} payment {}: {what}", status, self.id));
        if (status == S::RequiresAction) != self.next_action.is_some() {
            return breach("`next_action` must be set exactly when the status is requires_action");
        }
        // A payment whose amount Money cannot hold has no capturable Money either.
        if status == S::RequiresCapture && self.amount.is_some() && self.amount_capturable.is_none()
        {
            return breach("`amount_capturable` must be set when the status is requires_capture");
        }
        if !matches!(status, S::RequiresCapture | S::PartiallyCaptured)
            && self.amount_capturable.is_some()
        {
            return breach("`amount_capturable` is only for requires_capture/partially_captured");
        }
        if status == S::Failed && self.failure.is_none() {
            return breach("`failure` must be set when the status is failed");
        }
        if self.amount.is_none() && self.gateway_amount.is_none() {
            return breach(
                "the amount must be in `amount` or, when Money cannot hold it, in `gateway_amount`",
            );
        }
        None
    }

    /// The normalized decline code, if the payment failed with one.
    pub fn decline_code(&self) -> Option<&DeclineCode> {
        self.failure.as_ref().and_then(|f| f.code.as_ref())
    }
}

/// A refund as the gateway reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refund {
    /// The gateway's refund id.
    pub id: RefundId,
    /// The provider instance holding the refund.
    pub provider: ProviderId,
    /// The refunded payment.
    pub payment_id: PaymentId,
    /// Normalized status.
    pub status: RefundStatus,
    /// The gateway's own status word.
    pub raw_status: String,
    /// The amount refunded.
    pub amount: Money,
    /// The reason given, as text.
    pub reason: Option<String>,
    /// The merchant's own refund id, where the gateway keeps one.
    pub merchant_refund_id: Option<String>,
    /// Why it failed.
    pub failure: Option<Failure>,
    /// Metadata the gateway echoed back.
    pub metadata: Metadata,
    /// When the gateway created it.
    #[serde(with = "time::serde::rfc3339::option")]
    pub created_at: Option<OffsetDateTime>,
}

impl Refund {
    /// A refund with the given essentials and everything else empty.
    pub fn new(
        id: RefundId,
        provider: ProviderId,
        payment_id: PaymentId,
        status: RefundStatus,
        raw_status: impl Into<String>,
        amount: Money,
    ) -> Self {
        Refund {
            id,
            provider,
            payment_id,
            status,
            raw_status: raw_status.into(),
            amount,
            reason: None,
            merchant_refund_id: None,
            failure: None,
            metadata: Metadata::new(),
            created_at: None,
        }
    }
}

/// A customer record held by a gateway. Its `Debug` hides email, name, phone and address.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    /// The gateway-issued id.
    pub id: CustomerId,
    /// The provider instance holding the customer.
    pub provider: ProviderId,
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
    /// When the gateway created it.
    #[serde(with = "time::serde::rfc3339::option")]
    pub created_at: Option<OffsetDateTime>,
}

/// Where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageCursor {
    /// Skip this many items (offset pagination).
    Offset(u64),
    /// Items after this id (cursor pagination, `starting_after`).
    After(String),
    /// Items before this id (cursor pagination, `ending_before`).
    Before(String),
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items on this page, in the gateway's order (usually newest first).
    pub items: Vec<T>,
    /// `true` when more items follow.
    pub has_more: bool,
    /// Pass this as the cursor of the next query to get the next page; `None` on the last page.
    pub next: Option<PageCursor>,
    /// Total count, where the gateway reports one.
    pub total: Option<u64>,
}

/// The resource a webhook event is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "object", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)]
pub enum WebhookResource {
    /// A payment (as complete as the event carries it: fetch it for every field).
    Payment(Payment),
    /// A refund.
    Refund(Refund),
    /// A payout.
    Payout(crate::Payout),
    /// A dispute.
    Dispute(crate::Dispute),
    /// Something outside the core model (mandate, subscription...): see `raw`.
    Other,
}

/// A verified webhook event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookEvent {
    /// The event id; deduplicate on it (see [`EventStore`](crate::webhook::EventStore)).
    pub id: EventId,
    /// The provider instance that sent it.
    pub provider: ProviderId,
    /// Normalized event kind.
    pub kind: EventKind,
    /// When the gateway says it happened.
    #[serde(with = "time::serde::rfc3339::option")]
    pub occurred_at: Option<OffsetDateTime>,
    /// The resource it is about.
    pub resource: WebhookResource,
    /// The whole body exactly as sent (parsed lazily), for fields outside the model.
    pub raw: crate::RawJson,
    /// What could not be read into the model, with where and why. Empty when the event was
    /// read whole; otherwise `resource` is partial or [`WebhookResource::Other`] and `raw`
    /// holds everything. A verified event is never refused for its content.
    #[serde(default)]
    pub unread: Vec<Unread>,
}

/// A part of a verified webhook body that could not be read into the model.
///
/// The event is still delivered (see [`WebhookEvent::unread`]); this says what is missing
/// from it so that a handler can decide, for instance, to fetch the resource instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Unread {
    /// Where in the body, as a JSON Pointer (RFC 6901): `/content/object/amount`.
    pub pointer: String,
    /// What is wrong with it.
    pub problem: UnreadProblem,
    /// The reader's explanation, for people (never a value from the body).
    pub detail: String,
}

impl Unread {
    /// A note that the part at `pointer` could not be read.
    pub fn new(
        pointer: impl Into<String>,
        problem: UnreadProblem,
        detail: impl Into<String>,
    ) -> Self {
        Unread { pointer: pointer.into(), problem, detail: detail.into() }
    }
}

/// Why a part of a webhook body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum UnreadProblem {
    /// Absent, although the model needs it (the gateway may leave it out for this event).
    Missing,
    /// Present, but not of the documented type or shape.
    Invalid,
    /// Well-formed, but outside what the model can hold (a currency outside ISO 4217, more
    /// decimals than the currency has).
    Unsupported,
}

/// How a personal field reads in `Debug`: whether it is set, never its value.
pub(crate) fn hidden<T>(value: &Option<T>) -> &'static str {
    if value.is_some() { "Some(<redacted>)" } else { "None" }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Address")
            .field("line1", &format_args!("{}", hidden(&self.line1)))
            .field("line2", &format_args!("{}", hidden(&self.line2)))
            .field("city", &format_args!("{}", hidden(&self.city)))
            .field("state", &format_args!("{}", hidden(&self.state)))
            .field("postal_code", &format_args!("{}", hidden(&self.postal_code)))
            .field("country", &self.country)
            .field("first_name", &format_args!("{}", hidden(&self.first_name)))
            .field("last_name", &format_args!("{}", hidden(&self.last_name)))
            .finish()
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Phone")
            .field("country_code", &self.country_code)
            .field("number", &format_args!("<redacted>"))
            .finish()
    }
}

impl fmt::Debug for CustomerDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomerDetails")
            .field("email", &format_args!("{}", hidden(&self.email)))
            .field("name", &format_args!("{}", hidden(&self.name)))
            .field("phone", &self.phone)
            .finish()
    }
}

impl fmt::Debug for BillingDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BillingDetails")
            .field("address", &self.address)
            .field("phone", &self.phone)
            .field("email", &format_args!("{}", hidden(&self.email)))
            .finish()
    }
}

impl fmt::Debug for Customer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Customer")
            .field("id", &self.id)
            .field("provider", &self.provider)
            .field("email", &format_args!("{}", hidden(&self.email)))
            .field("name", &format_args!("{}", hidden(&self.name)))
            .field("phone", &self.phone)
            .field("address", &self.address)
            .field("description", &self.description)
            .field("metadata", &self.metadata)
            .field("created_at", &self.created_at)
            .finish()
    }
}

#[cfg(test)]
mod debug_tests {
    use super::*;

    #[test]
    fn debug_never_shows_personal_data() {
        let address = Address {
            line1: Some("1 Secret Lane".into()),
            postal_code: Some("SW1A 1AA".into()),
            first_name: Some("Ada".into()),
            country: Some("GB".into()),
            ..Address::default()
        };
        let phone = Phone { country_code: "+44".into(), number: "7700900123".into() };
        let details = CustomerDetails {
            email: Some("ada@example.com".into()),
            name: Some("Ada Lovelace".into()),
            phone: Some(phone.clone()),
        };
        let billing = BillingDetails {
            address: Some(address.clone()),
            phone: Some(phone.clone()),
            email: Some("ada@example.com".into()),
        };
        let customer = Customer {
            id: crate::CustomerId::from_gateway("cus_1"),
            provider: ProviderId::new("demo"),
            email: Some("ada@example.com".into()),
            name: Some("Ada Lovelace".into()),
            phone: Some(phone),
            address: Some(address),
            description: None,
            metadata: Metadata::new(),
            created_at: None,
        };
        let printed = format!("{details:?} {billing:?} {customer:?}");
        for secret in ["Secret Lane", "SW1A", "Ada", "ada@", "7700900123"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
        assert!(printed.contains("GB") && printed.contains("+44") && printed.contains("cus_1"));
    }
}
