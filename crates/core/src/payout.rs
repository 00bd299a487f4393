//! Payouts: money sent from the merchant's balance to a customer, a card or an account
//! (Hyperswitch payouts on Paychtec and paymnt.cloud, withdrawals on pay.tech).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{
    Card, CustomerId, Extensions, Failure, GatewayAmount, GatewayOptions, IdempotencyKey, Metadata,
    Money, PageCursor, PayoutId, PayoutStatus, ProviderId,
};

/// A payout as the gateway reports it.
///
/// `failure` is set exactly when `status` is [`PayoutStatus::Failed`]; `amount` is `None` only
/// when the gateway states the amount in a form [`Money`] cannot hold (then `gateway_amount`
/// keeps it exactly), as for a [`Payment`](crate::Payment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payout {
    /// The gateway's payout id.
    pub id: PayoutId,
    /// The provider instance holding the payout.
    pub provider: ProviderId,
    /// Normalized status.
    pub status: PayoutStatus,
    /// The gateway's own status word.
    pub raw_status: String,
    /// The amount paid out (or to be).
    pub amount: Option<Money>,
    /// The gateway's amount where [`Money`] cannot hold it (see [`GatewayAmount`]).
    pub gateway_amount: Option<GatewayAmount>,
    /// The receiving customer, where the gateway keeps one.
    pub customer_id: Option<CustomerId>,
    /// Your own reference, where the gateway keeps one.
    pub merchant_reference: Option<String>,
    /// The description sent with it.
    pub description: Option<String>,
    /// Why it failed.
    pub failure: Option<Failure>,
    /// Metadata the gateway echoed back.
    pub metadata: Metadata,
    /// When the gateway created it.
    #[serde(with = "time::serde::rfc3339::option")]
    pub created_at: Option<OffsetDateTime>,
}

impl Payout {
    /// A payout with the given essentials and everything else empty.
    pub fn new(
        id: PayoutId,
        provider: ProviderId,
        status: PayoutStatus,
        raw_status: impl Into<String>,
        amount: Money,
    ) -> Self {
        Payout {
            id,
            provider,
            status,
            raw_status: raw_status.into(),
            amount: Some(amount),
            gateway_amount: None,
            customer_id: None,
            merchant_reference: None,
            description: None,
            failure: None,
            metadata: Metadata::new(),
            created_at: None,
        }
    }

    /// What in this payout breaks the field rules of the contract: `failure` exactly with
    /// `Failed`, and an amount (as [`Money`] or as the gateway's figure). `None` when it keeps
    /// them.
    pub fn contract_breach(&self) -> Option<String> {
        let failed = self.status == PayoutStatus::Failed;
        if failed != self.failure.is_some() {
            return Some(format!(
                "payout {} is {} with failure {}",
                self.id,
                self.status,
                if self.failure.is_some() { "set" } else { "unset" }
            ));
        }
        if self.amount.is_none() && self.gateway_amount.is_none() {
            return Some(format!("payout {} has no amount", self.id));
        }
        None
    }
}

/// Where a payout goes.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum PayoutDestination {
    /// To a card (the number is never stored or logged by paymux).
    Card(Card),
}

/// A request to pay money out.
///
/// ```
/// use paymux_core::{Card, CreatePayout, Currency, IdempotencyKey, Money};
/// let payout = CreatePayout::new(Money::from_minor(2500, Currency::EUR).unwrap())
///     .with_card(Card::new("4000056655665556", 12, 2030, "123").unwrap())
///     .with_reference("seller_payout_41")
///     .with_idempotency_key(IdempotencyKey::new("seller_payout_41").unwrap());
/// assert_eq!(payout.merchant_reference.as_deref(), Some("seller_payout_41"));
/// ```
#[derive(Debug, Clone)]
pub struct CreatePayout {
    /// How much to send.
    pub amount: Money,
    /// Where to send it; `None` when the gateway sends it to the customer's saved method or
    /// the recipient gives details on a page.
    pub destination: Option<PayoutDestination>,
    /// The receiving customer (an id the gateway issued).
    pub customer: Option<CustomerId>,
    /// Your own reference.
    pub merchant_reference: Option<String>,
    /// A description.
    pub description: Option<String>,
    /// Your metadata.
    pub metadata: Metadata,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
    /// `true` when this call repeats an earlier one made with the same `idempotency_key`
    /// whose outcome is unknown (see [`CreatePayment::retrying`](crate::CreatePayment::retrying)).
    pub is_retry: bool,
    /// Gateway-only options.
    pub extensions: Extensions,
}

impl CreatePayout {
    /// A payout of `amount` with nothing else set.
    pub fn new(amount: Money) -> Self {
        CreatePayout {
            amount,
            destination: None,
            customer: None,
            merchant_reference: None,
            description: None,
            metadata: Metadata::new(),
            idempotency_key: None,
            is_retry: false,
            extensions: Extensions::default(),
        }
    }

    /// Sends it to `card`.
    pub fn with_card(mut self, card: Card) -> Self {
        self.destination = Some(PayoutDestination::Card(card));
        self
    }

    /// Sends it to `customer`.
    pub fn with_customer(mut self, customer: CustomerId) -> Self {
        self.customer = Some(customer);
        self
    }

    /// Sets your reference.
    pub fn with_reference(mut self, reference: impl Into<String>) -> Self {
        self.merchant_reference = Some(reference.into());
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

    /// Marks this call as a repeat of an earlier one made with `key` whose outcome is unknown;
    /// see [`CreatePayment::retrying`](crate::CreatePayment::retrying).
    pub fn retrying(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self.is_retry = true;
        self
    }

    /// Adds gateway-only options (see [`GatewayOptions`]).
    pub fn with_options<O: GatewayOptions>(mut self, options: O) -> Self {
        self.extensions.insert(options);
        self
    }

    /// The card it goes to, if any.
    pub fn card(&self) -> Option<&Card> {
        match &self.destination {
            Some(PayoutDestination::Card(card)) => Some(card),
            None => None,
        }
    }
}

/// A query for a page of payouts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListPayouts {
    /// Page size; each connector clamps it to its gateway's limits.
    pub limit: Option<u32>,
    /// Where to start: the `next` of the previous page.
    pub cursor: Option<PageCursor>,
    /// Only payouts in this status (where the gateway filters by status).
    pub status: Option<PayoutStatus>,
    /// Created at or after.
    pub created_from: Option<OffsetDateTime>,
    /// Created before or at.
    pub created_to: Option<OffsetDateTime>,
}

impl ListPayouts {
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

    /// Only payouts in `status`.
    pub fn with_status(mut self, status: PayoutStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Only payouts created in `[from, to]`.
    pub fn created_between(mut self, from: OffsetDateTime, to: OffsetDateTime) -> Self {
        self.created_from = Some(from);
        self.created_to = Some(to);
        self
    }
}
