//! Chargebacks: the merchant registers one against a completed deposit
//! (`POST /api/v1/payments/{id}/chargebacks`).
//!
//! They stay gateway-only, outside the core `Dispute` (see the crate docs, "Chargebacks"):
//! pay.tech documents registering a chargeback, not reading, listing or answering one.
//!
//! Not behind the connector layer, so `register_chargeback` names the instance on its errors
//! itself.

use paymux_core::{Failure, GatewayAmount, PaymentId, Result};
use time::OffsetDateTime;

use crate::{Paytech, mapping};

/// The state a registered chargeback starts in (`RegisterChargebackRequest.state`); without
/// one it is "created in an open state awaiting processing".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChargebackState {
    /// `COMPLETED`.
    Completed,
    /// `DECLINED`.
    Declined,
    /// `CANCELLED`.
    Cancelled,
}

impl ChargebackState {
    /// The word on the wire (`COMPLETED`).
    pub fn as_str(self) -> &'static str {
        match self {
            ChargebackState::Completed => "COMPLETED",
            ChargebackState::Declined => "DECLINED",
            ChargebackState::Cancelled => "CANCELLED",
        }
    }
}

/// A chargeback to register (`RegisterChargebackRequest`); every field is optional.
///
/// ```
/// use paymux::paytech::{ChargebackState, RegisterChargeback};
/// let req = RegisterChargeback::new()
///     .with_description("Chargeback for order 123")
///     .with_state(ChargebackState::Completed);
/// assert_eq!(req.state, Some(ChargebackState::Completed));
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RegisterChargeback {
    /// `description` (at most 512 characters).
    pub description: Option<String>,
    /// `created`: when the chargeback was made; the gateway's default is now. Sent in UTC,
    /// whole seconds.
    pub created: Option<OffsetDateTime>,
    /// `state`: the state it starts in; open, awaiting processing, when `None`.
    pub state: Option<ChargebackState>,
    /// `webhookUrl`: where its status notifications go (at most 512 characters).
    pub webhook_url: Option<String>,
}

impl RegisterChargeback {
    /// A chargeback with nothing set: open, created now.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Says when the chargeback was made.
    pub fn with_created(mut self, created: OffsetDateTime) -> Self {
        self.created = Some(created);
        self
    }

    /// Registers it straight in `state`.
    pub fn with_state(mut self, state: ChargebackState) -> Self {
        self.state = Some(state);
        self
    }

    /// Sends its status notifications to `url`.
    pub fn with_webhook_url(mut self, url: impl Into<String>) -> Self {
        self.webhook_url = Some(url.into());
        self
    }
}

/// What pay.tech answers to a registered chargeback: a `PaymentResult`, read as it comes. The
/// spec calls the chargeback a payment ("initial state of the chargeback payment") but gives
/// it no payment type of its own, so `id` is the answer's id as written and `payment_type`
/// the answer's word, unmapped.
#[derive(Debug, Clone, PartialEq)]
pub struct Chargeback {
    /// The id of the payment the answer is about.
    pub id: PaymentId,
    /// The deposit the chargeback was registered against.
    pub payment_id: PaymentId,
    /// `paymentType` of the answer, as written.
    pub payment_type: Option<String>,
    /// `state` of the answer, as written.
    pub raw_state: String,
    /// `amount`/`currency` of the answer, exactly.
    pub amount: Option<GatewayAmount>,
    /// `referenceId` of the answer.
    pub merchant_reference: Option<String>,
    /// `errorCode`/`errorMessage` of the answer (`3.29`: the deposit has a chargeback
    /// already).
    pub failure: Option<Failure>,
    /// `created` of the answer.
    pub created_at: Option<OffsetDateTime>,
}

impl Paytech {
    /// Registers a chargeback against a `COMPLETED` deposit that has none
    /// (`POST /api/v1/payments/{id}/chargebacks`). Sent once, unkeyed: after an
    /// outcome-unknown error, fetch the deposit before trying again (a second registration
    /// is refused).
    pub async fn register_chargeback(
        &self,
        payment_id: &PaymentId,
        req: RegisterChargeback,
    ) -> Result<Chargeback> {
        let registered = async {
            let body = mapping::chargeback_body(&req)?;
            let answer = self.client.register_chargeback(payment_id, &body).await?;
            mapping::to_chargeback(answer, payment_id)
        };
        registered.await.map_err(|e| e.or_provider(&self.id))
    }
}
