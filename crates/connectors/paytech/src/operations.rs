//! A payment's operations: what the gateway did while processing it, most recent first
//! (`GET /api/v1/payments/{id}/operations`).
//!
//! Not behind the connector layer, so `payment_operations` names the instance on its errors
//! itself.

use std::fmt;

use paymux_core::{PaymentId, Result};
use time::OffsetDateTime;

use crate::{Paytech, mapping};

/// One operation performed while a payment was processed (`PaymentOperation`).
///
/// The messages exchanged with the provider may hold the customer's data: `Debug` shows only
/// whether they are there.
#[derive(Clone, PartialEq, Eq)]
pub struct PaymentOperation {
    /// `id`.
    pub id: Option<i64>,
    /// `operation`, as written: `CREATE_PAYMENT`, `CHECKOUT`, `DEPOSIT`, `CAPTURE`,
    /// `CHARGEBACK`, `TRIGGER_WEBHOOK`, ... (the spec's `Operation`).
    pub operation: String,
    /// `started`.
    pub started_at: Option<OffsetDateTime>,
    /// `completed`.
    pub completed_at: Option<OffsetDateTime>,
    /// `paymentState`: the payment's state after the operation, as written.
    pub payment_state: Option<String>,
    /// `outgoingMessages`: what was sent to external APIs.
    pub outgoing_messages: Option<String>,
    /// `incomingMessages`: what came back from them.
    pub incoming_messages: Option<String>,
}

impl fmt::Debug for PaymentOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |m: &Option<String>| m.as_ref().map(|_| "[REDACTED]");
        f.debug_struct("PaymentOperation")
            .field("id", &self.id)
            .field("operation", &self.operation)
            .field("started_at", &self.started_at)
            .field("completed_at", &self.completed_at)
            .field("payment_state", &self.payment_state)
            .field("outgoing_messages", &hidden(&self.outgoing_messages))
            .field("incoming_messages", &hidden(&self.incoming_messages))
            .finish()
    }
}

impl Paytech {
    /// The operations performed on a payment (deposit, refund or withdrawal), most recent
    /// first (`GET /api/v1/payments/{id}/operations`).
    pub async fn payment_operations(&self, id: &PaymentId) -> Result<Vec<PaymentOperation>> {
        let operations = async {
            let answer = self.client.payment_operations(id).await?;
            Ok(answer.into_iter().map(mapping::to_operation).collect())
        };
        operations.await.map_err(|e: paymux_core::Error| e.or_provider(&self.id))
    }
}
