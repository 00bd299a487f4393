//! Answers of the routes beyond the trait -> their own types: chargebacks, operations, tokens,
//! subscriptions, balances. Amounts are read from the raw number tokens, exactly.

use paymux_core::{Error, GatewayAmount, PaymentId, Result};
use serde_json::value::RawValue;

use super::response::{failure, gateway_amount, parse_amount, parse_time};
use crate::balances::Balance;
use crate::chargebacks::Chargeback;
use crate::operations::PaymentOperation;
use crate::subscriptions::{Subscription, SubscriptionCycle, SubscriptionRetry, SubscriptionState};
use crate::tokens::{CustomerCardToken, CustomerTerminalToken};
use crate::wire::{
    BalanceResult, CardTokenResult, CurrencyAmountResult, CycleResult, OperationResult,
    PaymentResult, SubscriptionResult, TerminalTokenResult,
};

/// The answer to a registered chargeback, as written; `payment_id` is the deposit it was
/// registered against.
pub(crate) fn to_chargeback(r: PaymentResult, payment_id: &PaymentId) -> Result<Chargeback> {
    let amount = match (r.amount.as_deref(), r.currency.as_deref()) {
        (Some(raw), Some(currency)) => Some(gateway_amount(raw, currency)?),
        _ => None,
    };
    let failure = failure(&r);
    Ok(Chargeback {
        id: PaymentId::new(r.id),
        payment_id: payment_id.clone(),
        payment_type: r.payment_type,
        raw_state: r.state.unwrap_or_default(),
        amount,
        merchant_reference: r.reference_id,
        failure,
        created_at: r.created.as_deref().and_then(parse_time),
    })
}

/// The text of a field documented as a string: the string itself, or the raw JSON when the
/// gateway sends something else.
fn text(raw: Option<Box<RawValue>>) -> Option<String> {
    let raw = raw.filter(|r| r.get().trim() != "null")?;
    Some(serde_json::from_str::<String>(raw.get()).unwrap_or_else(|_| raw.get().to_owned()))
}

/// One `PaymentOperation`; an operation without its word reads as `""`.
pub(crate) fn to_operation(o: OperationResult) -> PaymentOperation {
    PaymentOperation {
        id: o.id,
        operation: o.operation.unwrap_or_default(),
        started_at: o.started.as_deref().and_then(parse_time),
        completed_at: o.completed.as_deref().and_then(parse_time),
        payment_state: o.payment_state,
        outgoing_messages: text(o.outgoing_messages),
        incoming_messages: text(o.incoming_messages),
    }
}

/// A number written as a JSON number or as a string of digits (the spec's card token has
/// both), when it is one.
fn small_number<T: std::str::FromStr>(raw: Option<&RawValue>) -> Option<T> {
    let token = raw?.get().trim();
    token.trim_matches('"').parse().ok()
}

/// One `CustomerCardToken`; a token without its `id` is unusable: `InvalidResponse`.
pub(crate) fn to_card_token(t: CardTokenResult) -> Result<CustomerCardToken> {
    let token =
        t.id.filter(|id| !id.is_empty())
            .ok_or_else(|| Error::invalid_response("a pay.tech card token has no id"))?;
    Ok(CustomerCardToken {
        token,
        cardholder_name: t.cardholder_name,
        pan_masked: t.pan_masked,
        expiry_month: small_number(t.expiry_month.as_deref()),
        expiry_year: small_number(t.expiry_year.as_deref()),
        brand: t.brand,
        updated_at: t.updated.as_deref().and_then(parse_time),
        saved_by_customer: t.saved_by_customer,
    })
}

/// One `CustomerTerminalToken`; without `key` or `value` it says nothing: `InvalidResponse`.
pub(crate) fn to_terminal_token(t: TerminalTokenResult) -> Result<CustomerTerminalToken> {
    match (t.key, t.value) {
        (Some(key), Some(value)) => Ok(CustomerTerminalToken { key, value }),
        _ => Err(Error::invalid_response("a pay.tech terminal token lacks its key or value")),
    }
}

/// A subscription `state` as a [`SubscriptionState`]. Every documented word has a row
/// (checked by the crate's tests); a word the spec does not document is `Unknown`.
///
/// | state | subscription state |
/// |---|---|
/// | `ACTIVE` | `Active` |
/// | `CANCELLED` | `Cancelled` |
/// | `COMPLETED` | `Completed` |
pub fn subscription_state(state: &str) -> SubscriptionState {
    match state {
        "ACTIVE" => SubscriptionState::Active,
        "CANCELLED" => SubscriptionState::Cancelled,
        "COMPLETED" => SubscriptionState::Completed,
        _ => SubscriptionState::Unknown,
    }
}

/// An amount of a subscription or one of its cycles, in the subscription's currency.
fn subscription_amount(
    raw: Option<&RawValue>,
    currency: Option<&str>,
) -> Result<Option<GatewayAmount>> {
    match (raw, currency) {
        (Some(raw), Some(currency)) if raw.get().trim() != "null" => {
            gateway_amount(raw, currency).map(Some)
        }
        _ => Ok(None),
    }
}

/// A `Subscription` with its cycles.
pub(crate) fn to_subscription(s: SubscriptionResult) -> Result<Subscription> {
    let currency = s.currency.as_deref();
    let cycles = s
        .cycles
        .unwrap_or_default()
        .into_iter()
        .map(|c| to_cycle(c, currency))
        .collect::<Result<Vec<_>>>()?;
    let raw_state = s.state.unwrap_or_default();
    Ok(Subscription {
        amount: subscription_amount(s.amount.as_deref(), currency)?,
        id: s.id,
        customer_reference_id: s.customer_reference_id,
        description: s.description,
        created_at: s.create_time.as_deref().and_then(parse_time),
        starts_at: s.start_time.as_deref().and_then(parse_time),
        frequency: s.frequency,
        frequency_unit: s.frequency_unit,
        requested_number_of_cycles: s.requested_number_of_cycles,
        state: subscription_state(&raw_state),
        raw_state,
        recurring_token: s.recurring_token,
        retry_strategy: s.retry_strategy.map(|r| SubscriptionRetry {
            frequency: r.frequency,
            frequency_unit: r.frequency_unit,
            number_of_cycles: r.number_of_cycles,
            amount_adjustments: r.amount_adjustments.unwrap_or_default(),
        }),
        cycles,
    })
}

fn to_cycle(c: CycleResult, currency: Option<&str>) -> Result<SubscriptionCycle> {
    Ok(SubscriptionCycle {
        amount: subscription_amount(c.amount.as_deref(), currency)?,
        sequence: c.sequence,
        cycle_type: c.cycle_type,
        scheduled_at: c.start_time.as_deref().and_then(parse_time),
        payment_id: c.payment_id.map(PaymentId::new),
        payment_state: c.payment_state,
    })
}

/// One `Balance`. Its amount may be negative (an account in debt); without an amount or a
/// currency it says nothing: `InvalidResponse`.
pub(crate) fn to_balance(b: BalanceResult) -> Result<Balance> {
    let (Some(raw), Some(currency)) = (b.amount.as_deref(), b.currency) else {
        return Err(Error::invalid_response("a pay.tech balance lacks its amount or currency"));
    };
    Ok(Balance {
        id: b.id,
        account_type: b.account_type,
        name: b.name,
        amount: GatewayAmount::new(parse_amount(raw)?, currency),
    })
}

/// One `CurrencyAmount` of the available withdrawal balances.
pub(crate) fn to_available_balance(c: CurrencyAmountResult) -> Result<GatewayAmount> {
    gateway_amount(&c.amount, &c.currency)
}
