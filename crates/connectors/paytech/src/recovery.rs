//! Creates that are safe to retry although pay.tech has no idempotency keys (the crate docs,
//! "Idempotency"): a create is found again by its `referenceId`.
//!
//! - A call that says it repeats an earlier one (`retrying`) looks first and returns what the
//!   earlier call made; only when nothing is found is the create sent. When that lookup fails,
//!   nothing is sent and the error is outcome-unknown.
//! - Any other call is sent at once: one request. After an outcome-unknown failure it is looked
//!   up and returned if found; otherwise the outcome-unknown error is returned rather than
//!   sending the create again, since the gateway may still be processing the first request.

use std::time::SystemTime;

use paymux_core::{CreatePayment, CreatePayout, CreateRefund, Error, Money, ProviderId, Result};
use time::OffsetDateTime;

use crate::Paytech;
use crate::mapping;
use crate::wire::{PaymentRequest, PaymentResult, PaymentType};

/// How a create is found again: what the payment it made must match, and whether to look
/// before sending.
pub(crate) struct Lookup<'a> {
    payment_type: PaymentType,
    reference: &'a str,
    /// What the create asks for; `None` for a refund of what is left, whose amount is not
    /// known before the lookup (an earlier attempt changes it).
    amount: Option<Money>,
    parent: Option<&'a str>,
    /// The call repeats an earlier one whose outcome is unknown (`retrying`): look first.
    is_retry: bool,
}

impl<'a> Lookup<'a> {
    /// The deposit of `req`, sent with `referenceId` `reference`.
    pub(crate) fn deposit(req: &CreatePayment, reference: &'a str) -> Self {
        Lookup {
            payment_type: PaymentType::Deposit,
            reference,
            amount: Some(req.amount),
            parent: None,
            is_retry: req.is_retry,
        }
    }

    /// The refund of `req`'s payment, of `req.amount` (what is left without one).
    pub(crate) fn refund(req: &'a CreateRefund, reference: &'a str) -> Self {
        Lookup {
            payment_type: PaymentType::Refund,
            reference,
            amount: req.amount,
            parent: Some(req.payment_id.as_str()),
            is_retry: req.is_retry,
        }
    }

    /// The same create, about to be sent for `amount`, after [`Paytech::find_retried`]
    /// looked for an earlier attempt: the recovery after an ambiguous failure matches the
    /// amount sent, and nothing is looked up before sending again.
    pub(crate) fn sending(self, amount: Money) -> Self {
        Lookup { amount: Some(amount), is_retry: false, ..self }
    }

    /// The withdrawal of `req` (a payout).
    pub(crate) fn withdrawal(req: &CreatePayout, reference: &'a str) -> Self {
        Lookup {
            payment_type: PaymentType::Withdrawal,
            reference,
            amount: Some(req.amount),
            parent: None,
            is_retry: req.is_retry,
        }
    }

    /// A payment with another type, amount or parent is an older call that reused the
    /// reference, not ours.
    fn matches(&self, r: &PaymentResult) -> bool {
        let type_ok = r.payment_type.as_deref().is_none_or(|t| t == self.payment_type.as_str());
        let reference_ok = r.reference_id.as_deref() == Some(self.reference);
        let parent_ok = self.parent.is_none_or(|p| r.parent_payment_id.as_deref() == Some(p));
        type_ok && reference_ok && parent_ok && self.money_matches(r)
    }

    /// Either (`amount`, `currency`) or (`customerAmount`, `customerCurrency`) is ours; with no
    /// amount in the answer, the currency alone decides; without an amount asked for (a
    /// refund of what is left), any amount is.
    fn money_matches(&self, r: &PaymentResult) -> bool {
        let Some(asked) = self.amount else { return true };
        let code = asked.currency().code();
        let same = |raw: Option<&serde_json::value::RawValue>, cur: Option<&str>| match (raw, cur) {
            (Some(raw), Some(cur)) => Some(
                cur.eq_ignore_ascii_case(code)
                    && mapping::parse_amount(raw).is_ok_and(|d| d == asked.to_major()),
            ),
            _ => None,
        };
        let wire = same(r.amount.as_deref(), r.currency.as_deref());
        let customer = same(r.customer_amount.as_deref(), r.customer_currency.as_deref());
        match (wire, customer) {
            (None, None) => {
                [r.currency.as_deref(), r.customer_currency.as_deref()]
                    .into_iter()
                    .flatten()
                    .any(|c| c.eq_ignore_ascii_case(code))
                    || (r.currency.is_none() && r.customer_currency.is_none())
            }
            (a, b) => a == Some(true) || b == Some(true),
        }
    }
}

impl Paytech {
    /// Sends a create so that retrying it never makes two payments (see the module docs).
    pub(crate) async fn create_recovering(
        &self,
        operation: &'static str,
        body: &PaymentRequest<'_>,
        lookup: Lookup<'_>,
    ) -> Result<PaymentResult> {
        let started = SystemTime::now();
        if let Some(found) = self.find_retried(operation, &lookup).await? {
            return Ok(found);
        }
        match self.client.create_payment(operation, body).await {
            Err(first) if first.is_outcome_unknown() => {
                self.recover_created(operation, first, &lookup, started).await
            }
            other => other,
        }
    }

    /// What an earlier attempt of a call marked as a retry made, looked up before anything is
    /// sent; `None` when it made nothing, or when the call is not a retry (no request). A
    /// failed lookup is outcome-unknown and nothing may be sent.
    pub(crate) async fn find_retried(
        &self,
        operation: &str,
        lookup: &Lookup<'_>,
    ) -> Result<Option<PaymentResult>> {
        if !lookup.is_retry {
            return Ok(None);
        }
        match self.find_created(lookup, SystemTime::now()).await {
            Ok(Some(found)) => {
                tracing::info!(provider = %self.id, id = %found.id, "create already made; returning it");
                Ok(Some(found))
            }
            Ok(None) => Ok(None),
            Err(e) => Err(retry_lookup_failed(&self.id, operation, e)),
        }
    }

    /// After a create whose outcome is unknown: the payment if a lookup finds it, else `first`.
    async fn recover_created(
        &self,
        operation: &str,
        first: Error,
        lookup: &Lookup<'_>,
        started: SystemTime,
    ) -> Result<PaymentResult> {
        tracing::warn!(
            provider = %self.id, operation, error = %first,
            "create outcome unknown; looking it up by referenceId"
        );
        match self.find_created(lookup, started).await {
            Ok(Some(result)) => {
                tracing::info!(provider = %self.id, id = %result.id, "recovered created payment");
                Ok(result)
            }
            Ok(None) => Err(first),
            Err(e) => {
                tracing::warn!(provider = %self.id, error = %e, "recovery lookup failed");
                Err(first)
            }
        }
    }

    /// The payment `lookup` describes, created at most `recovery_lookback` before `started`
    /// (the gateway's clock may be behind ours).
    async fn find_created(
        &self,
        lookup: &Lookup<'_>,
        started: SystemTime,
    ) -> Result<Option<PaymentResult>> {
        let since = OffsetDateTime::from(started) - self.recovery_lookback;
        let query = mapping::lookup_query(lookup.reference, since)?;
        let page = self.client.list_payments("list_payments", &query).await?;
        Ok(page.result.unwrap_or_default().into_iter().find(|r| lookup.matches(r)))
    }
}

/// The error of a retry whose lookup before sending failed: nothing was sent, and whether the
/// earlier call created the payment is still unknown, so the error is outcome-unknown whatever
/// the lookup's own failure (a router must not fall back to another gateway). It keeps the
/// lookup's kind and HTTP status (a timeout, an unavailable or refusing gateway) and the lookup
/// error as its source.
#[cold]
fn retry_lookup_failed(provider: &ProviderId, operation: &str, lookup: Error) -> Error {
    tracing::warn!(provider = %provider, operation, error = %lookup, "retry lookup failed; nothing sent");
    let mut err = Error::new(
        lookup.kind(),
        format!(
            "{operation} was not sent: it retries an earlier call, and looking up what that call \
             made failed ({}: {})",
            lookup.kind(),
            lookup.message()
        ),
    )
    .with_outcome_unknown();
    if let Some(status) = lookup.http_status() {
        err = err.with_http_status(status);
    }
    if let Some(wait) = lookup.retry_after() {
        err = err.with_retry_after(wait);
    }
    err.with_source(lookup)
}
