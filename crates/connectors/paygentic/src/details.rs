//! Paygentic's own view of a payment: what it keeps beyond the core model (`expiresAt`,
//! `lineItems`).

use paymux_core::{Payment, PaymentId, Result};

use crate::{Paygentic, client, mapping};

/// A payment with the fields Paygentic keeps beyond the core [`Payment`], as Paygentic wrote
/// them.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PaygenticPaymentDetails {
    /// The payment as every connector reports it.
    pub payment: Payment,
    /// When the payment page stops accepting the payment (`expiresAt`, RFC 3339).
    pub expires_at: Option<String>,
    /// The line items (`lineItems`).
    pub line_items: Option<Vec<PaygenticLineItem>>,
}

/// One line item of a payment (`lineItems[]`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PaygenticLineItem {
    /// What is charged for.
    pub description: Option<String>,
    /// The unit price, a decimal string (`"5.25"`) in the payment's currency.
    pub amount: Option<String>,
    /// How many.
    pub quantity: Option<u32>,
}

impl Paygentic {
    /// `GET /v0/payments/{id}` with the fields the core model does not carry.
    pub async fn fetch_payment(&self, id: &PaymentId) -> Result<PaygenticPaymentDetails> {
        let details = async {
            let answer = client::get_payment(&self.transport, id.as_str()).await?;
            mapping::to_details(&self.id, answer)
        };
        // Outside the trait, so the layer that names the instance on every error is not here.
        details.await.map_err(|e| e.or_provider(&self.id))
    }
}
