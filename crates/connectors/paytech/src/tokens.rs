//! A customer's saved tokens: card tokens (`GET /api/v1/customers/{referenceId}/card-tokens`),
//! to pay with [`PaytechCardToken`](crate::PaytechCardToken), and the tokens a terminal keeps
//! for them (`GET /api/v1/customers/{referenceId}/terminals/{terminalId}/tokens`).
//!
//! A customer is named by the `referenceId` the merchant gave it in a payment
//! ([`PaytechCustomer::reference_id`](crate::PaytechCustomer::reference_id), or a saved
//! customer's id). Not behind the connector layer, so these methods name the instance on their
//! errors themselves.

use std::fmt;

use paymux_core::{CustomerId, Result};
use time::OffsetDateTime;

use crate::{Paytech, mapping};

/// Which card tokens to list (`savedByCustomer.eq`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CardTokenFilter {
    /// Every token (no filter).
    #[default]
    All,
    /// Only tokens the customer chose to save (`true`).
    SavedByCustomer,
    /// Only tokens saved automatically (`false`).
    SavedAutomatically,
}

/// A saved card (`CustomerCardToken`). `Debug` hides the token and the cardholder's name.
#[derive(Clone, PartialEq, Eq)]
pub struct CustomerCardToken {
    /// The token (`id`): [`PaytechCardToken::new`](crate::PaytechCardToken::new) pays with it.
    pub token: String,
    /// `cardholderName`.
    pub cardholder_name: Option<String>,
    /// `panMasked` (`411111***1112`).
    pub pan_masked: Option<String>,
    /// `expiryMonth` (1 to 12), when it reads as a number.
    pub expiry_month: Option<u8>,
    /// `expiryYear` (`2030`), when it reads as a number.
    pub expiry_year: Option<u16>,
    /// `brand`, as written (`VISA`, `MASTERCARD`, ...).
    pub brand: Option<String>,
    /// `updated`.
    pub updated_at: Option<OffsetDateTime>,
    /// `savedByCustomer`: saved by the customer's choice (`true`) or automatically.
    pub saved_by_customer: Option<bool>,
}

impl fmt::Debug for CustomerCardToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomerCardToken")
            .field("token", &"[REDACTED]")
            .field("cardholder_name", &self.cardholder_name.as_ref().map(|_| "[REDACTED]"))
            .field("pan_masked", &self.pan_masked)
            .field("brand", &self.brand)
            .field("updated_at", &self.updated_at)
            .field("saved_by_customer", &self.saved_by_customer)
            .finish_non_exhaustive()
    }
}

/// A token a terminal keeps for a customer (`CustomerTerminalToken`). `Debug` hides `value`.
#[derive(Clone, PartialEq, Eq)]
pub struct CustomerTerminalToken {
    /// `key`: what the token is (`tokenType:APPLEPAY,lastDigits:1234`).
    pub key: String,
    /// `value`: the token.
    pub value: String,
}

impl fmt::Debug for CustomerTerminalToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomerTerminalToken")
            .field("key", &self.key)
            .field("value", &"[REDACTED]")
            .finish()
    }
}

impl Paytech {
    /// The customer's saved cards (`GET /api/v1/customers/{customer.referenceId}/card-tokens`,
    /// `savedByCustomer.eq` from `filter`). The customer's id is refused before any request
    /// unless it is 1 to 128 letters, digits, `-` or `_` (the route's pattern).
    pub async fn customer_card_tokens(
        &self,
        customer: &CustomerId,
        filter: CardTokenFilter,
    ) -> Result<Vec<CustomerCardToken>> {
        let tokens = async {
            let id = mapping::customer_path_id(customer.as_str())?;
            let answer =
                self.client.customer_card_tokens(id, mapping::saved_by_customer(filter)).await?;
            answer.into_iter().map(mapping::to_card_token).collect::<Result<Vec<_>>>()
        };
        tokens.await.map_err(|e| e.or_provider(&self.id))
    }

    /// The tokens terminal `terminal_id` keeps for the customer
    /// (`GET /api/v1/customers/{customerReferenceId}/terminals/{terminalId}/tokens`); the
    /// customer's id is checked as in [`customer_card_tokens`](Self::customer_card_tokens).
    pub async fn customer_terminal_tokens(
        &self,
        customer: &CustomerId,
        terminal_id: u64,
    ) -> Result<Vec<CustomerTerminalToken>> {
        let tokens = async {
            let id = mapping::customer_path_id(customer.as_str())?;
            let answer = self.client.customer_terminal_tokens(id, terminal_id).await?;
            answer.into_iter().map(mapping::to_terminal_token).collect::<Result<Vec<_>>>()
        };
        tokens.await.map_err(|e| e.or_provider(&self.id))
    }
}
