//! Withdrawals (payouts): `paymentType: WITHDRAWAL` on the payments route, and the merchant's
//! approval or rejection of one waiting in `AWAITING_APPROVAL`.
//!
//! These methods are not behind the connector layer, so each names the instance on its
//! errors itself.

use std::collections::BTreeMap;

use paymux_core::{Address, Card, Failure, IdempotencyKey, Money, PaymentId, ProviderId, Result};
use time::OffsetDateTime;

use crate::options::PaytechCustomer;
use crate::recovery::Lookup;
use crate::wire::PaymentType;
use crate::{Paytech, mapping};

/// Where a withdrawal (payout) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WithdrawalStatus {
    /// Submitted, in progress (and unknown words).
    Pending,
    /// Waiting for the merchant: [`Paytech::approve_withdrawal`] or
    /// [`Paytech::reject_withdrawal`].
    AwaitingApproval,
    /// Paid out. Final.
    Succeeded,
    /// Declined. Final.
    Failed,
    /// Cancelled or rejected. Final.
    Cancelled,
}

impl WithdrawalStatus {
    /// `true` for terminal states.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Cancelled)
    }
}

/// A withdrawal (payout) as pay.tech reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Withdrawal {
    /// The gateway's payment id.
    pub id: PaymentId,
    /// The provider instance.
    pub provider: ProviderId,
    /// Normalized status.
    pub status: WithdrawalStatus,
    /// The gateway's state word.
    pub raw_status: String,
    /// The amount requested.
    pub amount: Money,
    /// What was finally sent, once `COMPLETED` (`amount`/`currency` of the answer).
    pub amount_sent: Option<Money>,
    /// Your reference.
    pub merchant_reference: Option<String>,
    /// Why it failed or was cancelled.
    pub failure: Option<Failure>,
    /// `externalResultCode` (a rejection's reason is stored here).
    pub external_result_code: Option<String>,
    /// When the gateway created it.
    pub created_at: Option<OffsetDateTime>,
}

/// A request to pay money out (`paymentType: WITHDRAWAL`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CreateWithdrawal {
    /// Amount to pay out; must be positive.
    pub amount: Money,
    /// Your reference; also how an ambiguous failure is recovered (make it unique).
    pub merchant_reference: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `paymentMethod` (`BASIC_CARD`, `PIX`, `IMPS`...); a card payout sends `BASIC_CARD`.
    pub payment_method: Option<String>,
    /// The card to pay out to (its CVC is not sent).
    pub card: Option<Card>,
    /// The beneficiary (bank account, documents...).
    pub customer: Option<PaytechCustomer>,
    /// Billing address.
    pub billing: Option<Address>,
    /// `webhookUrl`.
    pub webhook_url: Option<String>,
    /// `additionalParameters`.
    pub additional_parameters: BTreeMap<String, String>,
    /// Sent as `referenceId` when no merchant reference is given; generated when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
    /// `true` when this call repeats an earlier one made with the same `idempotency_key`
    /// whose outcome is unknown (see [`retrying`](Self::retrying)).
    pub is_retry: bool,
}

impl CreateWithdrawal {
    /// A withdrawal of `amount` with nothing else set.
    pub fn new(amount: Money) -> Self {
        CreateWithdrawal {
            amount,
            merchant_reference: None,
            description: None,
            payment_method: None,
            card: None,
            customer: None,
            billing: None,
            webhook_url: None,
            additional_parameters: BTreeMap::new(),
            idempotency_key: None,
            is_retry: false,
        }
    }

    /// Sets the idempotency key (sent as `referenceId` when no merchant reference is given).
    pub fn with_idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Marks this call as a repeat of an earlier one made with `key` whose outcome is
    /// unknown: the withdrawal is first looked up by its `referenceId` and returned if the
    /// earlier call made it; only when none is found is it sent (see the crate docs,
    /// "Idempotency", and [`CreatePayment::retrying`](paymux_core::CreatePayment::retrying)).
    pub fn retrying(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self.is_retry = true;
        self
    }

    /// Sets the merchant reference.
    pub fn with_reference(mut self, reference: impl Into<String>) -> Self {
        self.merchant_reference = Some(reference.into());
        self
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the payment method word.
    pub fn with_payment_method(mut self, method: impl Into<String>) -> Self {
        self.payment_method = Some(method.into());
        self
    }

    /// Pays out to a card.
    pub fn with_card(mut self, card: Card) -> Self {
        self.card = Some(card);
        self
    }

    /// Sets the beneficiary.
    pub fn with_customer(mut self, customer: PaytechCustomer) -> Self {
        self.customer = Some(customer);
        self
    }

    /// Sets the billing address.
    pub fn with_billing(mut self, address: Address) -> Self {
        self.billing = Some(address);
        self
    }

    /// Sets the webhook URL.
    pub fn with_webhook_url(mut self, url: impl Into<String>) -> Self {
        self.webhook_url = Some(url.into());
        self
    }

    /// Adds an additional parameter.
    pub fn with_additional_parameter(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.additional_parameters.insert(name.into(), value.into());
        self
    }
}

impl Paytech {
    /// Creates a withdrawal (`paymentType: WITHDRAWAL`), recovered like a deposit after an
    /// ambiguous failure. Withdrawals start `PENDING`; some wait in `AWAITING_APPROVAL`.
    pub async fn create_withdrawal(&self, req: CreateWithdrawal) -> Result<Withdrawal> {
        let reference =
            mapping::reference_id(req.merchant_reference.as_deref(), req.idempotency_key.as_ref());
        let created = async {
            let body = mapping::withdrawal_body(&req, &reference)?;
            let lookup = Lookup::withdrawal(&req, &reference);
            let created = self.create_recovering("create_withdrawal", &body, lookup).await?;
            mapping::to_withdrawal(&self.id, &created, Some(req.amount))
        };
        created.await.map_err(|e| e.or_provider(&self.id))
    }

    /// Fetches a withdrawal; `InvalidRequest` if the id is another payment type.
    pub async fn get_withdrawal(&self, id: &PaymentId) -> Result<Withdrawal> {
        let found = async {
            let found = self.client.get_payment("get_withdrawal", id.as_str()).await?;
            mapping::expect_type(&found, PaymentType::Withdrawal)?;
            mapping::to_withdrawal(&self.id, &found, None)
        };
        found.await.map_err(|e| e.or_provider(&self.id))
    }

    /// Approves a withdrawal in `AWAITING_APPROVAL` (`POST /api/v1/payments/{id}/approve`).
    pub async fn approve_withdrawal(&self, id: &PaymentId) -> Result<Withdrawal> {
        let approved = async {
            let approved = self.client.approve_payment(id).await?;
            mapping::to_withdrawal(&self.id, &approved, None)
        };
        approved.await.map_err(|e| e.or_provider(&self.id))
    }

    /// Rejects a withdrawal in `AWAITING_APPROVAL` (`POST /api/v1/payments/{id}/reject`); it
    /// becomes `CANCELLED`, and the reason is stored as its external result code.
    pub async fn reject_withdrawal(
        &self,
        id: &PaymentId,
        reason: Option<String>,
    ) -> Result<Withdrawal> {
        let rejected = async {
            let rejected = self.client.reject_payment(id, &mapping::reject_body(reason)).await?;
            mapping::to_withdrawal(&self.id, &rejected, None)
        };
        rejected.await.map_err(|e| e.or_provider(&self.id))
    }
}
