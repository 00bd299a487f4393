//! Subscriptions: started by a deposit that carries one
//! ([`PaytechPaymentOptions::subscription`](crate::PaytechPaymentOptions::subscription)), read
//! with `GET /api/v1/subscriptions/{id}` and cancelled with `PATCH /api/v1/subscriptions/{id}`
//! (`{"state": "CANCELLED"}`, the only change the spec documents).
//!
//! Not behind the connector layer, so these methods name the instance on their errors
//! themselves.

use std::fmt;

use paymux_core::{GatewayAmount, PaymentId, Result};
use time::OffsetDateTime;

use crate::{Paytech, mapping};

/// Where a subscription stands (see [`subscription_state`](crate::subscription_state)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubscriptionState {
    /// Billing on schedule.
    Active,
    /// Cancelled (by [`Paytech::cancel_subscription`], or after a failed payment). Final.
    Cancelled,
    /// Every requested cycle has run. Final.
    Completed,
    /// A word the spec does not document (kept in `raw_state`).
    Unknown,
}

impl SubscriptionState {
    /// `true` for `Cancelled` and `Completed`.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Cancelled | Self::Completed)
    }
}

/// A subscription (`Subscription`). `Debug` hides its recurring token.
#[derive(Clone, PartialEq)]
pub struct Subscription {
    /// `id`.
    pub id: String,
    /// `customerReferenceId`: the customer of the deposit that started it.
    pub customer_reference_id: Option<String>,
    /// `description` of the later payments.
    pub description: Option<String>,
    /// `amount`/`currency` of the later payments, exactly.
    pub amount: Option<GatewayAmount>,
    /// `createTime`.
    pub created_at: Option<OffsetDateTime>,
    /// `startTime`: when the first cycle runs.
    pub starts_at: Option<OffsetDateTime>,
    /// `frequency`: billed every this many units.
    pub frequency: Option<u32>,
    /// `frequencyUnit`, as written (`MINUTE`, `DAY`, `WEEK`, `MONTH`).
    pub frequency_unit: Option<String>,
    /// `requestedNumberOfCycles`; unlimited when `None`.
    pub requested_number_of_cycles: Option<u32>,
    /// `state`, mapped.
    pub state: SubscriptionState,
    /// `state`, as written.
    pub raw_state: String,
    /// `recurringToken`, which continues the recurring chain.
    pub recurring_token: Option<String>,
    /// `retryStrategy`.
    pub retry_strategy: Option<SubscriptionRetry>,
    /// `cycles`: the payments made for it so far.
    pub cycles: Vec<SubscriptionCycle>,
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.id)
            .field("customer_reference_id", &self.customer_reference_id)
            .field("amount", &self.amount)
            .field("frequency", &self.frequency)
            .field("frequency_unit", &self.frequency_unit)
            .field("state", &self.state)
            .field("raw_state", &self.raw_state)
            .field("recurring_token", &self.recurring_token.as_ref().map(|_| "[REDACTED]"))
            .field("cycles", &self.cycles)
            .finish_non_exhaustive()
    }
}

/// How a subscription retries a failed payment, as read (`SubscriptionRetryStrategy`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRetry {
    /// `frequency`.
    pub frequency: Option<u32>,
    /// `frequencyUnit`, as written.
    pub frequency_unit: Option<String>,
    /// `numberOfCycles`: how many retries.
    pub number_of_cycles: Option<u32>,
    /// `amountAdjustments`: percentages of the first amount, retry by retry.
    pub amount_adjustments: Vec<u32>,
}

/// One payment of a subscription (`SubscriptionCycle`).
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionCycle {
    /// `sequence`.
    pub sequence: Option<u32>,
    /// `type`, as written: `REGULAR` or `RETRY`.
    pub cycle_type: Option<String>,
    /// `startTime`: when the schedule said it runs.
    pub scheduled_at: Option<OffsetDateTime>,
    /// `paymentId`: the deposit it made (read it with `get_payment`).
    pub payment_id: Option<PaymentId>,
    /// `paymentState` of that deposit, as written.
    pub payment_state: Option<String>,
    /// `amount`, in the subscription's currency, exactly.
    pub amount: Option<GatewayAmount>,
}

impl Paytech {
    /// Reads a subscription (`GET /api/v1/subscriptions/{id}`); its id is 32 letters and
    /// digits at most, as a payment's (refused before any request otherwise).
    pub async fn get_subscription(&self, id: &str) -> Result<Subscription> {
        let found = async {
            let answer = self.client.get_subscription(id).await?;
            mapping::to_subscription(answer)
        };
        found.await.map_err(|e| e.or_provider(&self.id))
    }

    /// Cancels a subscription (`PATCH /api/v1/subscriptions/{id}` with
    /// `{"state": "CANCELLED"}`); no later payment is made.
    pub async fn cancel_subscription(&self, id: &str) -> Result<Subscription> {
        let cancelled = async {
            let body = mapping::cancel_subscription_body();
            let answer = self.client.patch_subscription(id, &body).await?;
            mapping::to_subscription(answer)
        };
        cancelled.await.map_err(|e| e.or_provider(&self.id))
    }
}
