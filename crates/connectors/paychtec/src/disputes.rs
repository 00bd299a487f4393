//! Disputes (`/disputes`): read only.

use paymux_core::{Money, Result};
use serde::{Deserialize, Deserializer};

use crate::Paychtec;

/// `GET /disputes/list` query parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DisputeListQuery {
    /// Page size.
    pub limit: Option<u32>,
    /// Only disputes in this status word.
    pub dispute_status: Option<String>,
    /// Only disputes at this stage.
    pub dispute_stage: Option<String>,
}

/// A dispute as Paychtec answers it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Dispute {
    /// The dispute id.
    pub dispute_id: String,
    /// The disputed payment.
    pub payment_id: String,
    /// Minor units (sent as a string or a number).
    #[serde(deserialize_with = "minor_units")]
    pub amount: i64,
    /// ISO currency code.
    pub currency: String,
    /// `pre_dispute`, `dispute`, `pre_arbitration`.
    #[serde(default)]
    pub dispute_stage: Option<String>,
    /// `dispute_opened`, `dispute_won`, ...
    pub dispute_status: String,
    /// The acquirer's reason.
    #[serde(default)]
    pub connector_reason: Option<String>,
    /// The acquirer's reason code.
    #[serde(default)]
    pub connector_reason_code: Option<String>,
    /// Evidence deadline.
    #[serde(default)]
    pub challenge_required_by: Option<String>,
    /// Creation time.
    #[serde(default)]
    pub created_at: Option<String>,
}

impl Dispute {
    /// The disputed amount as [`Money`].
    pub fn money(&self) -> Result<Money> {
        paymux_hyperswitch_family::mapping::money(self.amount, &self.currency)
    }
}

/// Reads an amount written either as a JSON integer or as a string of digits (Hyperswitch
/// writes dispute amounts as strings), never through a float.
fn minor_units<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(i64),
        Text(String),
    }
    match Raw::deserialize(d)? {
        Raw::Int(v) => Ok(v),
        Raw::Text(s) => s
            .trim()
            .parse::<i64>()
            .map_err(|_| serde::de::Error::custom(format!("amount {s:?} is not minor units"))),
    }
}

impl Paychtec {
    /// Lists disputes (`GET /disputes/list`).
    pub async fn list_disputes(&self, query: &DisputeListQuery) -> Result<Vec<Dispute>> {
        Ok(self.client.list_disputes(query).await?.into_vec())
    }

    /// Fetches a dispute (`GET /disputes/:id`).
    pub async fn get_dispute(&self, id: &str) -> Result<Dispute> {
        self.client.get_dispute(id).await
    }
}
