//! Subscriptions (`/subscriptions`): Paychtec's recurring billing. Only Paychtec among the
//! paymux gateways has them, so they stay gateway-specific: inherent methods of [`Paychtec`]
//! with their own request and answer types, outside the core model.
//!
//! Decisions (the guide gives one create example and the route table; the shapes are those of
//! Hyperswitch's published v1 document, `CreateSubscriptionRequest`, `SubscriptionResponse`,
//! ...):
//! - `X-Profile-Id` (the guide: "subscription create requests also require the X-Profile-Id
//!   header"; the published document requires it on every subscription route) is
//!   [`PaychtecConfig::profile_id`](crate::PaychtecConfig::profile_id), the profile the
//!   connector already sends on every payment, on every subscription route.
//! - Every mutation carries `X-Idempotency-Key`, as every retryable `POST`/`PUT` does, and
//!   is retried with it like the crate's other mutations. Unlike payments and refunds, a
//!   subscription has no merchant-chosen id that a Hyperswitch backend dedupes on, so a retry
//!   is safe only as far as the gateway honours the key, as its guide says it does.
//! - The customer is a [`CustomerId`] (from the Customers API, never invented); plan, price
//!   and saved payment method ids follow the rule of ids (1 to 64 letters, digits, `-`, `_`,
//!   `.`, `~`), checked before any request.
//! - A card travels with its billing details, address and phone (the guide's rule for
//!   `payment_method_data`), or the request is refused before sending.
//! - Dates of pause, resume and cancel go out as RFC 3339 in UTC, as the crate's other times.

use std::fmt;

use paymux_core::connector::idempotency_key;
use paymux_core::{
    BillingDetails, CaptureMode, Card, CustomerId, Error, ExposeSecret, IdempotencyKey, Money,
    PaymentStatus, Result, SecretString,
};
use paymux_hyperswitch_family::mapping::{
    billing_to_wire, capture_method_word, card_data, check_id, format_time, parse_time,
};
use paymux_hyperswitch_family::{BillingData, PaymentMethodData};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;

use crate::{AuthenticationType, CardType, Paychtec};

// ---- requests ----

/// `setup_future_usage`: whether the payment method is kept for charges made without the
/// customer (`off_session`, what renewals need) or only with them (`on_session`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FutureUsage {
    /// `off_session`.
    OffSession,
    /// `on_session`.
    OnSession,
}

/// `payment_type` of a subscription's first payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionPaymentType {
    /// `normal`.
    Normal,
    /// `new_mandate`.
    NewMandate,
    /// `setup_mandate` (a zero-amount authorization that sets up the mandate).
    SetupMandate,
    /// `recurring_mandate`.
    RecurringMandate,
}

/// A subscription to create (`POST /subscriptions/create`), to confirm later with
/// [`Paychtec::confirm_subscription`]; with a payment method
/// ([`with_payment_method`](Self::with_payment_method)) it is created and confirmed in one
/// request instead ([`Paychtec::create_and_confirm_subscription`]).
///
/// ```
/// use paymux::paychtec::{AuthenticationType, CreateSubscription, FutureUsage};
/// use paymux::{CaptureMode, CustomerId};
/// let req = CreateSubscription::new(
///     CustomerId::from_stored("cus_acme_42"),
///     "standard-plan-USD-Monthly",
///     "https://example.com/subscription-return",
/// )
/// .with_plan("pro_monthly")
/// .with_reference("sub_order_123")
/// .with_authentication_type(AuthenticationType::NoThreeDs)
/// .with_capture(CaptureMode::Automatic)
/// .with_setup_future_usage(FutureUsage::OffSession);
/// assert_eq!(req.plan_id.as_deref(), Some("pro_monthly"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateSubscription {
    /// The subscriber, from the Customers API (`customer_id`).
    pub customer: CustomerId,
    /// The price of the plan item (`item_price_id`, e.g. `standard-plan-USD-Monthly`).
    pub item_price_id: String,
    /// The plan (`plan_id`).
    pub plan_id: Option<String>,
    /// A coupon (`coupon_code`).
    pub coupon_code: Option<String>,
    /// The merchant's own reference (`merchant_reference_id`).
    pub merchant_reference_id: Option<String>,
    /// Where the customer returns after authentication (`payment_details.return_url`).
    pub return_url: String,
    /// `payment_details.authentication_type`; the profile's default when `None`.
    pub authentication_type: Option<AuthenticationType>,
    /// `payment_details.capture_method`.
    pub capture: Option<CaptureMode>,
    /// `payment_details.setup_future_usage`.
    pub setup_future_usage: Option<FutureUsage>,
    /// `payment_details.payment_type`.
    pub payment_type: Option<SubscriptionPaymentType>,
    /// `billing`.
    pub billing: Option<BillingDetails>,
    /// `shipping`.
    pub shipping: Option<BillingDetails>,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
}

impl CreateSubscription {
    /// A subscription of `customer` to `item_price_id`, returning to `return_url`.
    pub fn new(
        customer: CustomerId,
        item_price_id: impl Into<String>,
        return_url: impl Into<String>,
    ) -> Self {
        CreateSubscription {
            customer,
            item_price_id: item_price_id.into(),
            plan_id: None,
            coupon_code: None,
            merchant_reference_id: None,
            return_url: return_url.into(),
            authentication_type: None,
            capture: None,
            setup_future_usage: None,
            payment_type: None,
            billing: None,
            shipping: None,
            idempotency_key: None,
        }
    }

    /// Sets `plan_id`.
    pub fn with_plan(mut self, plan_id: impl Into<String>) -> Self {
        self.plan_id = Some(plan_id.into());
        self
    }

    /// Sets `coupon_code`.
    pub fn with_coupon(mut self, code: impl Into<String>) -> Self {
        self.coupon_code = Some(code.into());
        self
    }

    /// Sets `merchant_reference_id`.
    pub fn with_reference(mut self, reference: impl Into<String>) -> Self {
        self.merchant_reference_id = Some(reference.into());
        self
    }

    /// Sets `payment_details.authentication_type`.
    pub fn with_authentication_type(mut self, kind: AuthenticationType) -> Self {
        self.authentication_type = Some(kind);
        self
    }

    /// Sets `payment_details.capture_method`.
    pub fn with_capture(mut self, capture: CaptureMode) -> Self {
        self.capture = Some(capture);
        self
    }

    /// Sets `payment_details.setup_future_usage`.
    pub fn with_setup_future_usage(mut self, usage: FutureUsage) -> Self {
        self.setup_future_usage = Some(usage);
        self
    }

    /// Sets `payment_details.payment_type`.
    pub fn with_payment_type(mut self, kind: SubscriptionPaymentType) -> Self {
        self.payment_type = Some(kind);
        self
    }

    /// Sets `billing`.
    pub fn with_billing(mut self, billing: BillingDetails) -> Self {
        self.billing = Some(billing);
        self
    }

    /// Sets `shipping`.
    pub fn with_shipping(mut self, shipping: BillingDetails) -> Self {
        self.shipping = Some(shipping);
        self
    }

    /// Sets the idempotency key.
    pub fn with_idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// The same subscription, paid with `method` and confirmed in the same request.
    pub fn with_payment_method(
        self,
        method: SubscriptionPaymentMethod,
    ) -> CreateAndConfirmSubscription {
        CreateAndConfirmSubscription {
            subscription: self,
            payment_method: method,
            card_type: None,
            customer_acceptance: None,
        }
    }
}

/// How a subscription is paid: always `payment_method: "card"` (the connector's payment
/// methods are cards).
#[derive(Debug, Clone)]
pub enum SubscriptionPaymentMethod {
    /// A card entered now: `payment_method_type` (credit unless the request's `card_type`
    /// says debit) and `payment_method_data.card`. It needs billing details with an address
    /// and a phone.
    Card(Card),
    /// A card Paychtec saved earlier (`payment_method_id`); for
    /// [`Paychtec::create_and_confirm_subscription`] only.
    Saved(String),
    /// A payment token for one of the customer's saved cards (`payment_token`); for
    /// [`Paychtec::confirm_subscription`] only.
    Token(SecretString),
}

/// `customer_acceptance`: the customer's agreement to be charged later (mandates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerAcceptance {
    /// When the customer accepted (`accepted_at`).
    pub accepted_at: Option<OffsetDateTime>,
    /// Accepted online, from this browser (`acceptance_type: "online"`); offline when `None`.
    pub online: Option<OnlineAcceptance>,
}

/// Where an online acceptance came from. `Debug` hides both (personal data).
#[derive(Clone, PartialEq, Eq)]
pub struct OnlineAcceptance {
    /// The customer's IP address.
    pub ip_address: String,
    /// The customer's browser user agent.
    pub user_agent: String,
}

impl fmt::Debug for OnlineAcceptance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnlineAcceptance")
            .field("ip_address", &"[REDACTED]")
            .field("user_agent", &"[REDACTED]")
            .finish()
    }
}

/// A subscription created and confirmed in one request (`POST /subscriptions`), built with
/// [`CreateSubscription::with_payment_method`].
#[derive(Debug, Clone)]
pub struct CreateAndConfirmSubscription {
    /// The subscription (its `payment_details` settings become the payment's).
    pub subscription: CreateSubscription,
    /// How it is paid: a card or a saved payment method, not a token.
    pub payment_method: SubscriptionPaymentMethod,
    /// Credit or debit, for a card; credit when `None`.
    pub card_type: Option<CardType>,
    /// The customer's agreement to later charges.
    pub customer_acceptance: Option<CustomerAcceptance>,
}

impl CreateAndConfirmSubscription {
    /// Sets the card type.
    pub fn with_card_type(mut self, card_type: CardType) -> Self {
        self.card_type = Some(card_type);
        self
    }

    /// Sets `customer_acceptance`.
    pub fn with_customer_acceptance(mut self, acceptance: CustomerAcceptance) -> Self {
        self.customer_acceptance = Some(acceptance);
        self
    }
}

/// The payment that confirms a subscription created earlier
/// (`POST /subscriptions/:id/confirm`).
#[derive(Debug, Clone)]
pub struct ConfirmSubscription {
    /// How it is paid: a card or a payment token, not a saved payment method id.
    pub payment_method: SubscriptionPaymentMethod,
    /// Credit or debit, for a card; credit when `None`.
    pub card_type: Option<CardType>,
    /// `payment_details.billing`; required with a card.
    pub billing: Option<BillingDetails>,
    /// `payment_details.shipping`.
    pub shipping: Option<BillingDetails>,
    /// `payment_details.customer_acceptance`.
    pub customer_acceptance: Option<CustomerAcceptance>,
    /// `payment_details.payment_type`.
    pub payment_type: Option<SubscriptionPaymentType>,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
}

impl ConfirmSubscription {
    /// A confirmation paid with `method` and nothing else set.
    pub fn new(method: SubscriptionPaymentMethod) -> Self {
        ConfirmSubscription {
            payment_method: method,
            card_type: None,
            billing: None,
            shipping: None,
            customer_acceptance: None,
            payment_type: None,
            idempotency_key: None,
        }
    }
}

/// A change of plan (`PUT /subscriptions/:id/update`): both ids are required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateSubscription {
    /// The new plan (`plan_id`).
    pub plan_id: String,
    /// The new price (`item_price_id`).
    pub item_price_id: String,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
}

/// When a pause takes effect (`pause_option`, with `pause_at` for a date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PauseAt {
    /// `immediately`.
    Immediately,
    /// `end_of_term`.
    EndOfTerm,
    /// `specific_date` and `pause_at`.
    Date(OffsetDateTime),
}

/// A pause (`POST /subscriptions/:id/pause`); the gateway pauses immediately when `when` is
/// `None` (the body is then `{}`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PauseSubscription {
    /// When.
    pub when: Option<PauseAt>,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
}

/// When a resume takes effect (`resume_option`, with `resume_date` for a date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResumeAt {
    /// `immediately`.
    Immediately,
    /// `specific_date` and `resume_date`.
    Date(OffsetDateTime),
}

/// `charges_handling` of a resume: charges added by resuming immediately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargesHandling {
    /// `invoice_immediately`.
    InvoiceImmediately,
    /// `add_to_unbilled_charges`.
    AddToUnbilledCharges,
}

/// `unpaid_invoices_handling` of a resume: past-due invoices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnpaidInvoicesHandling {
    /// `no_action`.
    NoAction,
    /// `schedule_payment_collection`.
    SchedulePaymentCollection,
}

/// A resume (`POST /subscriptions/:id/resume`); the gateway resumes immediately when `when`
/// is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResumeSubscription {
    /// When.
    pub when: Option<ResumeAt>,
    /// `charges_handling`.
    pub charges_handling: Option<ChargesHandling>,
    /// `unpaid_invoices_handling`.
    pub unpaid_invoices_handling: Option<UnpaidInvoicesHandling>,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
}

/// When a cancellation takes effect (`cancel_option`, with `cancel_at` for a date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelAt {
    /// `immediately`.
    Immediately,
    /// `end_of_term`.
    EndOfTerm,
    /// `specific_date` and `cancel_at`.
    Date(OffsetDateTime),
}

/// `unbilled_charges_option` of an immediate cancellation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnbilledCharges {
    /// `invoice`.
    Invoice,
    /// `delete`.
    Delete,
}

/// `credit_option_for_current_term_charges` of an immediate cancellation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CurrentTermCredit {
    /// `none`.
    #[serde(rename = "none")]
    NoCredit,
    /// `prorate`.
    Prorate,
    /// `full`.
    Full,
}

/// `account_receivables_handling` of an immediate cancellation: past-due invoices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountReceivablesHandling {
    /// `no_action`.
    NoAction,
    /// `schedule_payment_collection`.
    SchedulePaymentCollection,
    /// `write_off`.
    WriteOff,
}

/// `refundable_credits_handling` of an immediate cancellation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundableCreditsHandling {
    /// `no_action`.
    NoAction,
    /// `schedule_refund`.
    ScheduleRefund,
}

/// A cancellation (`POST /subscriptions/:id/cancel`); the gateway cancels immediately when
/// `when` is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CancelSubscription {
    /// When.
    pub when: Option<CancelAt>,
    /// `unbilled_charges_option`.
    pub unbilled_charges: Option<UnbilledCharges>,
    /// `credit_option_for_current_term_charges`.
    pub current_term_credit: Option<CurrentTermCredit>,
    /// `account_receivables_handling`.
    pub account_receivables: Option<AccountReceivablesHandling>,
    /// `refundable_credits_handling`.
    pub refundable_credits: Option<RefundableCreditsHandling>,
    /// `cancel_reason_code`.
    pub reason_code: Option<String>,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
}

// ---- answers ----

/// A subscription's status word, read into a type; a word Paychtec adds later is kept in
/// [`Other`](SubscriptionStatus::Other).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SubscriptionStatus {
    /// `created`: created, not yet active (waiting for confirmation).
    Created,
    /// `pending`: waiting for activation.
    Pending,
    /// `trial`: in its trial period.
    Trial,
    /// `active`.
    Active,
    /// `paused`.
    Paused,
    /// `unpaid`: an invoice is unpaid.
    Unpaid,
    /// `in_active`: inactive.
    Inactive,
    /// `onetime`: a one-time payment.
    Onetime,
    /// `cancelled`.
    Cancelled,
    /// `failed`.
    Failed,
    /// Any other word, as received.
    Other(String),
}

impl SubscriptionStatus {
    /// Every word the published document lists, in its order.
    pub const WORDS: [&'static str; 10] = [
        "active",
        "created",
        "in_active",
        "pending",
        "trial",
        "paused",
        "unpaid",
        "onetime",
        "cancelled",
        "failed",
    ];

    /// Reads a status word (exactly as the gateway writes it, lower case).
    pub fn from_word(word: &str) -> Self {
        match word {
            "active" => SubscriptionStatus::Active,
            "created" => SubscriptionStatus::Created,
            "in_active" => SubscriptionStatus::Inactive,
            "pending" => SubscriptionStatus::Pending,
            "trial" => SubscriptionStatus::Trial,
            "paused" => SubscriptionStatus::Paused,
            "unpaid" => SubscriptionStatus::Unpaid,
            "onetime" => SubscriptionStatus::Onetime,
            "cancelled" => SubscriptionStatus::Cancelled,
            "failed" => SubscriptionStatus::Failed,
            other => SubscriptionStatus::Other(other.to_owned()),
        }
    }

    /// The gateway's word.
    pub fn as_str(&self) -> &str {
        match self {
            SubscriptionStatus::Active => "active",
            SubscriptionStatus::Created => "created",
            SubscriptionStatus::Inactive => "in_active",
            SubscriptionStatus::Pending => "pending",
            SubscriptionStatus::Trial => "trial",
            SubscriptionStatus::Paused => "paused",
            SubscriptionStatus::Unpaid => "unpaid",
            SubscriptionStatus::Onetime => "onetime",
            SubscriptionStatus::Cancelled => "cancelled",
            SubscriptionStatus::Failed => "failed",
            SubscriptionStatus::Other(word) => word,
        }
    }
}

impl fmt::Display for SubscriptionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SubscriptionStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(SubscriptionStatus::from_word(&String::deserialize(d)?))
    }
}

/// A subscription as Paychtec answers it: create, create and confirm, retrieve, update and
/// confirm answer the whole subscription; pause, resume and cancel answer its ids and status
/// and their own time (`paused_at`, `next_billing_at`, `cancelled_at`). `Debug` hides the
/// client secret.
#[derive(Debug, Clone, Deserialize)]
pub struct Subscription {
    /// The subscription id.
    pub id: String,
    /// The status.
    pub status: SubscriptionStatus,
    /// The merchant's reference.
    #[serde(default)]
    pub merchant_reference_id: Option<String>,
    /// The plan.
    #[serde(default)]
    pub plan_id: Option<String>,
    /// The price.
    #[serde(default)]
    pub item_price_id: Option<String>,
    /// The coupon.
    #[serde(default)]
    pub coupon_code: Option<String>,
    /// The subscriber.
    #[serde(default)]
    pub customer_id: Option<CustomerId>,
    /// The business profile.
    #[serde(default)]
    pub profile_id: Option<String>,
    /// The merchant account.
    #[serde(default)]
    pub merchant_id: Option<String>,
    /// A token (valid 15 minutes) for the client SDK to confirm the subscription.
    #[serde(default)]
    pub client_secret: Option<SecretString>,
    /// The payment that started or renewed it, where given.
    #[serde(default)]
    pub payment: Option<SubscriptionPayment>,
    /// Its invoice, where given.
    #[serde(default)]
    pub invoice: Option<SubscriptionInvoice>,
    /// When it was paused (pause answers).
    #[serde(default, deserialize_with = "lenient_time")]
    pub paused_at: Option<OffsetDateTime>,
    /// The next billing date (resume answers).
    #[serde(default, deserialize_with = "lenient_time")]
    pub next_billing_at: Option<OffsetDateTime>,
    /// When it was cancelled (cancel answers).
    #[serde(default, deserialize_with = "lenient_time")]
    pub cancelled_at: Option<OffsetDateTime>,
}

/// The payment of a subscription (`payment`). `Debug` hides its client secret and token.
#[derive(Debug, Clone, Deserialize)]
pub struct SubscriptionPayment {
    /// The payment id.
    pub payment_id: String,
    /// The payment status word (`succeeded`, `requires_customer_action`, ...), read by
    /// [`payment_status`](Self::payment_status).
    pub status: String,
    /// Minor units.
    pub amount: i64,
    /// ISO currency code.
    pub currency: String,
    /// The processor.
    #[serde(default)]
    pub connector: Option<String>,
    /// `credit`, `debit`, ...
    #[serde(default)]
    pub payment_method_type: Option<String>,
    /// The saved payment method, for renewals.
    #[serde(default)]
    pub payment_method_id: Option<String>,
    /// What the customer must do next (a redirect for 3-D Secure...), as sent.
    #[serde(default)]
    pub next_action: Option<serde_json::Value>,
    /// The gateway's error code, for a failed payment.
    #[serde(default)]
    pub error_code: Option<String>,
    /// The gateway's error message, for a failed payment.
    #[serde(default)]
    pub error_message: Option<String>,
    /// A token for the client SDK.
    #[serde(default)]
    pub client_secret: Option<SecretString>,
    /// A payment token for the saved method.
    #[serde(default)]
    pub payment_token: Option<SecretString>,
}

impl SubscriptionPayment {
    /// The amount as [`Money`].
    pub fn money(&self) -> Result<Money> {
        paymux_hyperswitch_family::mapping::money(self.amount, &self.currency)
    }

    /// The status read as every Paychtec payment status is (unknown words: `Processing`).
    pub fn payment_status(&self) -> PaymentStatus {
        paymux_hyperswitch_family::payment_status(&self.status)
    }

    /// Where to send the customer, when the next action is a redirect.
    pub fn redirect_url(&self) -> Option<&str> {
        self.next_action.as_ref()?.get("redirect_to_url")?.as_str()
    }
}

/// A subscription's invoice (`invoice`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SubscriptionInvoice {
    /// The invoice id.
    pub id: String,
    /// The subscription.
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// The payment that pays it.
    #[serde(default)]
    pub payment_intent_id: Option<String>,
    /// Minor units.
    pub amount: i64,
    /// ISO currency code.
    pub currency: String,
    /// The invoice status word (`invoice_created`, `payment_pending`, `payment_succeeded`,
    /// `payment_failed`, `invoice_paid`, ...).
    pub status: String,
    /// The billing processor's invoice id.
    #[serde(default)]
    pub billing_processor_invoice_id: Option<String>,
}

impl SubscriptionInvoice {
    /// The amount as [`Money`].
    pub fn money(&self) -> Result<Money> {
        paymux_hyperswitch_family::mapping::money(self.amount, &self.currency)
    }
}

/// A time read as the family reads times (RFC 3339, or without an offset as UTC); anything
/// else (another format, not a string) is `None`: a date is never worth failing an answer.
pub(crate) fn lenient_time<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<OffsetDateTime>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(d)?;
    Ok(value.as_ref().and_then(serde_json::Value::as_str).and_then(parse_time))
}

// ---- the JSON sent (Hyperswitch's `CreateSubscriptionRequest`, ...) ----

/// `POST /subscriptions/create` and `POST /subscriptions`.
#[derive(Debug, Serialize)]
pub(crate) struct SubscriptionCreateBody {
    customer_id: String,
    item_price_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coupon_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    merchant_reference_id: Option<String>,
    payment_details: PaymentDetailsBody,
    #[serde(skip_serializing_if = "Option::is_none")]
    billing: Option<BillingData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shipping: Option<BillingData>,
}

/// `payment_details` of the three requests that carry one (each fills its own fields).
#[derive(Debug, Default, Serialize)]
pub(crate) struct PaymentDetailsBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    return_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authentication_type: Option<AuthenticationType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    capture_method: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    setup_future_usage: Option<FutureUsage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_type: Option<SubscriptionPaymentType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_method: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_method_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_method_data: Option<PaymentMethodData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_method_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "exposed")]
    payment_token: Option<SecretString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_acceptance: Option<AcceptanceBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    billing: Option<BillingData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shipping: Option<BillingData>,
}

/// `customer_acceptance`.
#[derive(Debug, Serialize)]
pub(crate) struct AcceptanceBody {
    acceptance_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    online: Option<OnlineAcceptanceBody>,
}

/// `customer_acceptance.online`.
#[derive(Serialize)]
pub(crate) struct OnlineAcceptanceBody {
    ip_address: String,
    user_agent: String,
}

impl fmt::Debug for OnlineAcceptanceBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OnlineAcceptanceBody([REDACTED])")
    }
}

/// `POST /subscriptions/:id/confirm`.
#[derive(Debug, Serialize)]
pub(crate) struct SubscriptionConfirmBody {
    payment_details: PaymentDetailsBody,
}

/// `PUT /subscriptions/:id/update`.
#[derive(Debug, Serialize)]
pub(crate) struct SubscriptionUpdateBody {
    plan_id: String,
    item_price_id: String,
}

/// `POST /subscriptions/:id/pause`, `/resume` and `/cancel`: the option word, its date, and
/// the cancel and resume settings (each route fills its own).
#[derive(Debug, Default, Serialize)]
pub(crate) struct SubscriptionScheduleBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pause_option: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pause_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resume_option: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resume_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    charges_handling: Option<ChargesHandling>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unpaid_invoices_handling: Option<UnpaidInvoicesHandling>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cancel_option: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cancel_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unbilled_charges_option: Option<UnbilledCharges>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credit_option_for_current_term_charges: Option<CurrentTermCredit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_receivables_handling: Option<AccountReceivablesHandling>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refundable_credits_handling: Option<RefundableCreditsHandling>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cancel_reason_code: Option<String>,
}

/// Serializes a secret's value (only into a request body).
fn exposed<S: Serializer>(
    secret: &Option<SecretString>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match secret {
        Some(v) => s.serialize_str(v.expose_secret()),
        None => s.serialize_none(),
    }
}

// ---- requests -> JSON, after the checks ----

/// A change of schedule, and so the route it goes to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Schedule {
    /// `POST /subscriptions/:id/pause`.
    Pause,
    /// `POST /subscriptions/:id/resume`.
    Resume,
    /// `POST /subscriptions/:id/cancel`.
    Cancel,
}

/// Ids that would reach another `GET /subscriptions/...` route.
const RESERVED_IDS: [&str; 3] = ["plans", "estimate", "create"];

/// A subscription id checked for a path: the rule of ids, and not a route's own name.
pub(crate) fn subscription_id(id: &str) -> Result<&str> {
    let id = check_id("subscription id", id)?;
    if RESERVED_IDS.contains(&id) {
        return Err(Error::invalid_request(format!("{id:?} is not a subscription id")));
    }
    Ok(id)
}

/// Refuses an empty optional text (`what` names it).
fn non_empty(what: &str, value: Option<&String>) -> Result<Option<String>> {
    match value {
        Some(v) if v.trim().is_empty() => {
            Err(Error::invalid_request(format!("subscription {what} must not be empty")))
        }
        other => Ok(other.cloned()),
    }
}

/// An optional plan, price or method id, checked.
fn optional_id(what: &str, value: Option<&String>) -> Result<Option<String>> {
    value.map(|v| check_id(what, v).map(str::to_owned)).transpose()
}

/// Billing with what the guide requires next to a card: an address and a phone.
fn card_billing(billing: Option<&BillingDetails>) -> Result<BillingData> {
    match billing {
        Some(b) if b.address.is_some() && b.phone.is_some() => Ok(billing_to_wire(b)),
        _ => Err(Error::invalid_request(
            "a subscription paid by card needs billing details with an address and a phone",
        )),
    }
}

/// `customer_acceptance` on the wire.
fn acceptance_body(acceptance: &CustomerAcceptance) -> Result<AcceptanceBody> {
    Ok(AcceptanceBody {
        acceptance_type: if acceptance.online.is_some() { "online" } else { "offline" },
        accepted_at: acceptance.accepted_at.map(format_time).transpose()?,
        online: acceptance.online.as_ref().map(|o| OnlineAcceptanceBody {
            ip_address: o.ip_address.clone(),
            user_agent: o.user_agent.clone(),
        }),
    })
}

/// Fills the payment method fields of `details`: `payment_method`, and for a card its type
/// and data; for a saved method its id; for a token the token.
fn payment_method(
    details: &mut PaymentDetailsBody,
    method: &SubscriptionPaymentMethod,
    card_type: Option<CardType>,
) -> Result<()> {
    details.payment_method = Some("card");
    match method {
        SubscriptionPaymentMethod::Card(card) => {
            details.payment_method_type = Some(card_type.unwrap_or_default().as_str());
            details.payment_method_data = Some(card_data(card));
        }
        SubscriptionPaymentMethod::Saved(id) => {
            details.payment_method_id = Some(check_id("payment method id", id)?.to_owned());
        }
        SubscriptionPaymentMethod::Token(token) => {
            if token.expose_secret().trim().is_empty() {
                return Err(Error::invalid_request("the payment token must not be empty"));
            }
            details.payment_token = Some(token.clone());
        }
    }
    Ok(())
}

/// The body of `POST /subscriptions/create`.
pub(crate) fn create_body(req: &CreateSubscription) -> Result<SubscriptionCreateBody> {
    if req.return_url.trim().is_empty() {
        return Err(Error::invalid_request("a subscription needs a return_url"));
    }
    Ok(SubscriptionCreateBody {
        customer_id: check_id("customer id", req.customer.as_str())?.to_owned(),
        item_price_id: check_id("item price id", &req.item_price_id)?.to_owned(),
        plan_id: optional_id("plan id", req.plan_id.as_ref())?,
        coupon_code: non_empty("coupon_code", req.coupon_code.as_ref())?,
        merchant_reference_id: non_empty(
            "merchant_reference_id",
            req.merchant_reference_id.as_ref(),
        )?,
        payment_details: PaymentDetailsBody {
            return_url: Some(req.return_url.clone()),
            authentication_type: req.authentication_type,
            capture_method: req.capture.map(capture_method_word),
            setup_future_usage: req.setup_future_usage,
            payment_type: req.payment_type,
            ..PaymentDetailsBody::default()
        },
        billing: req.billing.as_ref().map(billing_to_wire),
        shipping: req.shipping.as_ref().map(billing_to_wire),
    })
}

/// The body of `POST /subscriptions`: the create body with the payment method, its
/// acceptance, and billing required with a card.
pub(crate) fn create_and_confirm_body(
    req: &CreateAndConfirmSubscription,
) -> Result<SubscriptionCreateBody> {
    let mut body = create_body(&req.subscription)?;
    match &req.payment_method {
        SubscriptionPaymentMethod::Card(_) => {
            body.billing = Some(card_billing(req.subscription.billing.as_ref())?);
        }
        SubscriptionPaymentMethod::Token(_) => {
            return Err(Error::invalid_request(
                "a subscription created and confirmed at once takes a card or a saved payment \
                 method id, not a payment token",
            ));
        }
        SubscriptionPaymentMethod::Saved(_) => {}
    }
    payment_method(&mut body.payment_details, &req.payment_method, req.card_type)?;
    body.payment_details.customer_acceptance =
        req.customer_acceptance.as_ref().map(acceptance_body).transpose()?;
    Ok(body)
}

/// The body of `POST /subscriptions/:id/confirm`.
pub(crate) fn confirm_body(req: &ConfirmSubscription) -> Result<SubscriptionConfirmBody> {
    let mut details = PaymentDetailsBody {
        billing: req.billing.as_ref().map(billing_to_wire),
        shipping: req.shipping.as_ref().map(billing_to_wire),
        payment_type: req.payment_type,
        customer_acceptance: req.customer_acceptance.as_ref().map(acceptance_body).transpose()?,
        ..PaymentDetailsBody::default()
    };
    match &req.payment_method {
        SubscriptionPaymentMethod::Card(_) => {
            details.billing = Some(card_billing(req.billing.as_ref())?);
        }
        SubscriptionPaymentMethod::Saved(_) => {
            return Err(Error::invalid_request(
                "a subscription is confirmed with a card or a payment token, not a saved \
                 payment method id",
            ));
        }
        SubscriptionPaymentMethod::Token(_) => {}
    }
    payment_method(&mut details, &req.payment_method, req.card_type)?;
    Ok(SubscriptionConfirmBody { payment_details: details })
}

/// The body of `PUT /subscriptions/:id/update`.
pub(crate) fn update_body(req: &UpdateSubscription) -> Result<SubscriptionUpdateBody> {
    Ok(SubscriptionUpdateBody {
        plan_id: check_id("plan id", &req.plan_id)?.to_owned(),
        item_price_id: check_id("item price id", &req.item_price_id)?.to_owned(),
    })
}

/// The body of `POST /subscriptions/:id/pause`.
pub(crate) fn pause_body(req: &PauseSubscription) -> Result<SubscriptionScheduleBody> {
    let (option, at) = match req.when {
        None => (None, None),
        Some(PauseAt::Immediately) => (Some("immediately"), None),
        Some(PauseAt::EndOfTerm) => (Some("end_of_term"), None),
        Some(PauseAt::Date(t)) => (Some("specific_date"), Some(format_time(t)?)),
    };
    Ok(SubscriptionScheduleBody { pause_option: option, pause_at: at, ..Default::default() })
}

/// The body of `POST /subscriptions/:id/resume`.
pub(crate) fn resume_body(req: &ResumeSubscription) -> Result<SubscriptionScheduleBody> {
    let (option, date) = match req.when {
        None => (None, None),
        Some(ResumeAt::Immediately) => (Some("immediately"), None),
        Some(ResumeAt::Date(t)) => (Some("specific_date"), Some(format_time(t)?)),
    };
    Ok(SubscriptionScheduleBody {
        resume_option: option,
        resume_date: date,
        charges_handling: req.charges_handling,
        unpaid_invoices_handling: req.unpaid_invoices_handling,
        ..Default::default()
    })
}

/// The body of `POST /subscriptions/:id/cancel`.
pub(crate) fn cancel_body(req: &CancelSubscription) -> Result<SubscriptionScheduleBody> {
    let (option, at) = match req.when {
        None => (None, None),
        Some(CancelAt::Immediately) => (Some("immediately"), None),
        Some(CancelAt::EndOfTerm) => (Some("end_of_term"), None),
        Some(CancelAt::Date(t)) => (Some("specific_date"), Some(format_time(t)?)),
    };
    Ok(SubscriptionScheduleBody {
        cancel_option: option,
        cancel_at: at,
        unbilled_charges_option: req.unbilled_charges,
        credit_option_for_current_term_charges: req.current_term_credit,
        account_receivables_handling: req.account_receivables,
        refundable_credits_handling: req.refundable_credits,
        cancel_reason_code: non_empty("cancel_reason_code", req.reason_code.as_ref())?,
        ..Default::default()
    })
}

// ---- the operations ----

impl Paychtec {
    /// Creates a subscription to confirm later (`POST /subscriptions/create`, with
    /// `X-Profile-Id`): the customer, the price and the payment settings; no payment method.
    /// Ids are checked and an empty `return_url` is refused before any request.
    pub async fn create_subscription(&self, req: CreateSubscription) -> Result<Subscription> {
        let key = idempotency_key(req.idempotency_key.clone());
        let body = create_body(&req)?;
        self.client.create_subscription(&self.profile_id, &body, key).await
    }

    /// Creates a subscription and confirms it with its payment method in one request
    /// (`POST /subscriptions`, with `X-Profile-Id`). A card needs billing details with an
    /// address and a phone; a payment token is refused (it confirms an existing subscription).
    pub async fn create_and_confirm_subscription(
        &self,
        req: CreateAndConfirmSubscription,
    ) -> Result<Subscription> {
        let key = idempotency_key(req.subscription.idempotency_key.clone());
        let body = create_and_confirm_body(&req)?;
        self.client.create_and_confirm_subscription(&self.profile_id, &body, key).await
    }

    /// Fetches a subscription (`GET /subscriptions/:id`, with `X-Profile-Id`).
    pub async fn get_subscription(&self, id: &str) -> Result<Subscription> {
        self.client.get_subscription(&self.profile_id, id).await
    }

    /// Moves a subscription to another plan and price (`PUT /subscriptions/:id/update`, with
    /// `X-Profile-Id`).
    pub async fn update_subscription(
        &self,
        id: &str,
        req: UpdateSubscription,
    ) -> Result<Subscription> {
        let key = idempotency_key(req.idempotency_key.clone());
        let body = update_body(&req)?;
        self.client.update_subscription(&self.profile_id, id, &body, key).await
    }

    /// Confirms a subscription created with [`create_subscription`](Self::create_subscription)
    /// by paying it (`POST /subscriptions/:id/confirm`, with `X-Profile-Id`). A card needs
    /// billing details with an address and a phone; a saved payment method id is refused (the
    /// route takes a payment token).
    pub async fn confirm_subscription(
        &self,
        id: &str,
        req: ConfirmSubscription,
    ) -> Result<Subscription> {
        let key = idempotency_key(req.idempotency_key.clone());
        let body = confirm_body(&req)?;
        self.client.confirm_subscription(&self.profile_id, id, &body, key).await
    }

    /// Pauses a subscription (`POST /subscriptions/:id/pause`, with `X-Profile-Id`); the
    /// answer has the status and `paused_at`.
    pub async fn pause_subscription(
        &self,
        id: &str,
        req: PauseSubscription,
    ) -> Result<Subscription> {
        let key = idempotency_key(req.idempotency_key.clone());
        let body = pause_body(&req)?;
        self.client.schedule_subscription(&self.profile_id, id, Schedule::Pause, &body, key).await
    }

    /// Resumes a paused subscription (`POST /subscriptions/:id/resume`, with `X-Profile-Id`);
    /// the answer has the status and `next_billing_at`.
    pub async fn resume_subscription(
        &self,
        id: &str,
        req: ResumeSubscription,
    ) -> Result<Subscription> {
        let key = idempotency_key(req.idempotency_key.clone());
        let body = resume_body(&req)?;
        self.client.schedule_subscription(&self.profile_id, id, Schedule::Resume, &body, key).await
    }

    /// Cancels a subscription (`POST /subscriptions/:id/cancel`, with `X-Profile-Id`); the
    /// answer has the status and `cancelled_at`.
    pub async fn cancel_subscription(
        &self,
        id: &str,
        req: CancelSubscription,
    ) -> Result<Subscription> {
        let key = idempotency_key(req.idempotency_key.clone());
        let body = cancel_body(&req)?;
        self.client.schedule_subscription(&self.profile_id, id, Schedule::Cancel, &body, key).await
    }
}
