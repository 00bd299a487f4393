//! Payouts (`/payouts`); availability depends on the account.

use paymux_core::connector::idempotency_key;
use paymux_core::{CustomerId, IdempotencyKey, Metadata, Money, Result};
use serde::Deserialize;

use crate::{Paychtec, mapping};

/// A payout request (`POST /payouts/create`).
#[derive(Debug, Clone)]
pub struct CreatePayout {
    /// Amount.
    pub amount: Money,
    /// The receiving customer, from the Customers API.
    pub customer: Option<CustomerId>,
    /// `bank`, `card`, `wallet`.
    pub payout_type: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Metadata.
    pub metadata: Metadata,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
}

impl CreatePayout {
    /// A payout of `amount` with nothing else set.
    pub fn new(amount: Money) -> Self {
        CreatePayout {
            amount,
            customer: None,
            payout_type: None,
            description: None,
            metadata: Metadata::new(),
            idempotency_key: None,
        }
    }
}

/// A payout as Paychtec answers it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Payout {
    /// The payout id.
    pub payout_id: String,
    /// Minor units.
    pub amount: i64,
    /// ISO currency code.
    pub currency: String,
    /// The payout status word (`initiated`, `success`, `failed`, ...).
    pub status: String,
    /// Customer.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// Payout type.
    #[serde(default)]
    pub payout_type: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Metadata (any JSON).
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
    /// Error code, for failed payouts.
    #[serde(default)]
    pub error_code: Option<String>,
    /// Error message, for failed payouts.
    #[serde(default)]
    pub error_message: Option<String>,
    /// Creation time.
    #[serde(default, alias = "created")]
    pub created_at: Option<String>,
}

impl Payout {
    /// The amount as [`Money`].
    pub fn money(&self) -> Result<Money> {
        paymux_hyperswitch_family::mapping::money(self.amount, &self.currency)
    }
}

impl Paychtec {
    /// Creates a payout (`POST /payouts/create`).
    pub async fn create_payout(&self, req: CreatePayout) -> Result<Payout> {
        let key = idempotency_key(req.idempotency_key.clone());
        let body = mapping::payout_body(req)?;
        self.client.create_payout(&body, key).await
    }

    /// Fetches a payout (`GET /payouts/:id`).
    pub async fn get_payout(&self, id: &str) -> Result<Payout> {
        self.client.get_payout(id).await
    }
}
