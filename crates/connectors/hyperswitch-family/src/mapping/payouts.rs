//! Payouts both directions: the core [`CreatePayout`], [`ListPayouts`] and the family's
//! [`UpdatePayout`] to Hyperswitch's payout bodies, and its `PayoutCreateResponse` to the core
//! [`Payout`].

use paymux_core::{
    CreatePayout, CustomerId, Error, Failure, ListPayouts, Money, Payout, PayoutId, PayoutStatus,
    ProviderId, Result,
};

use super::{
    MAX_ORDER_REFERENCE_LEN, check_id, decline_code, metadata_from_wire, metadata_to_wire, money,
    offset, parse_time, positive_amount, positive_wire_amount, time_range,
};
use crate::operations::{PayoutFlow, UpdatePayout};
use crate::status::{payout_status, payout_status_filter};
use crate::wire::{
    PayoutCardData, PayoutCreateRequest, PayoutListRequest, PayoutMethodData, PayoutResponse,
    PayoutUpdateRequest,
};

/// Default page size of the payout list.
pub const DEFAULT_PAYOUT_LIST_LIMIT: u32 = 10;
/// Largest page size of the payout list (Hyperswitch's `PayoutListFilterConstraints`: "the
/// default limit is 10 and max limit is 20").
pub const MAX_PAYOUT_LIST_LIMIT: u32 = 20;

/// How a payout travels (`payout_type`, Hyperswitch's `PayoutType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayoutType {
    /// `card`: to a card ([`CreatePayout::with_card`]).
    Card,
    /// `bank`: to a bank account (the customer's saved one, Paychtec's guide example).
    Bank,
    /// `wallet`.
    Wallet,
    /// `bank_redirect`.
    BankRedirect,
}

impl PayoutType {
    /// The wire word.
    pub fn as_str(self) -> &'static str {
        match self {
            PayoutType::Card => "card",
            PayoutType::Bank => "bank",
            PayoutType::Wallet => "wallet",
            PayoutType::BankRedirect => "bank_redirect",
        }
    }
}

/// A merchant reference for a payout body: 1 to [`MAX_ORDER_REFERENCE_LEN`] characters.
fn reference(reference: Option<&String>) -> Result<Option<String>> {
    match reference {
        Some(r) if r.trim().is_empty() || r.chars().count() > MAX_ORDER_REFERENCE_LEN => {
            Err(Error::invalid_request(format!(
                "payout merchant reference must be 1 to {MAX_ORDER_REFERENCE_LEN} characters"
            )))
        }
        other => Ok(other.cloned()),
    }
}

/// A customer id for a body, checked like any gateway id.
fn customer(customer: Option<&CustomerId>) -> Result<Option<String>> {
    customer.map(|id| check_id("customer_id", id.as_str()).map(str::to_owned)).transpose()
}

/// The body of `POST /payouts/create` for a core [`CreatePayout`], `flow` deciding `confirm`
/// and `auto_fulfill` ([`PayoutFlow::fields`]) and `payout_type` the connector's option.
///
/// Checked before any request: a positive amount at most
/// [`MAX_AMOUNT_MINOR`](super::MAX_AMOUNT_MINOR); the customer id ([`check_id`]); the
/// merchant reference (1 to [`MAX_ORDER_REFERENCE_LEN`] characters, sent as
/// `merchant_order_reference_id`). A card destination goes out as
/// `payout_method_data.card` (`card_number`, two-digit `expiry_month`, `expiry_year`,
/// `card_holder_name`, which Hyperswitch requires: a card without a holder name is refused)
/// with `payout_type: "card"`; another `payout_type` with a card is refused.
pub fn payout_body(
    req: &CreatePayout,
    flow: PayoutFlow,
    payout_type: Option<PayoutType>,
) -> Result<PayoutCreateRequest> {
    let amount = positive_wire_amount(req.amount, "payout")?;
    let payout_method_data = match req.card() {
        None => None,
        Some(card) => {
            if payout_type.is_some_and(|t| t != PayoutType::Card) {
                return Err(Error::invalid_request(
                    "a payout to a card has payout_type card: leave the option unset or card",
                ));
            }
            let Some(holder) = card.holder_name.clone().filter(|n| !n.trim().is_empty()) else {
                return Err(Error::invalid_request(
                    "a payout to a card needs the card holder's name (Card::with_holder_name)",
                ));
            };
            Some(PayoutMethodData {
                card: PayoutCardData {
                    card_number: paymux_core::connector::card_number(card).clone(),
                    expiry_month: format!("{:02}", card.exp_month),
                    expiry_year: card.exp_year.to_string(),
                    card_holder_name: holder,
                },
            })
        }
    };
    let payout_type = match (&payout_method_data, payout_type) {
        (Some(_), _) => Some(PayoutType::Card),
        (None, t) => t,
    };
    let (confirm, auto_fulfill) = flow.fields();
    Ok(PayoutCreateRequest {
        amount,
        currency: req.amount.currency().code().to_owned(),
        customer_id: customer(req.customer.as_ref())?,
        payout_type: payout_type.map(|t| t.as_str().to_owned()),
        payout_method_data,
        confirm,
        auto_fulfill,
        description: req.description.clone(),
        merchant_order_reference_id: reference(req.merchant_reference.as_ref())?,
        metadata: metadata_to_wire(&req.metadata),
    })
}

/// The body of `PUT /payouts/{payout_id}` for an [`UpdatePayout`]: only the fields set, with
/// the checks of [`payout_body`]; an update that changes nothing is refused (it would send
/// `{}`).
pub fn payout_update_body(req: &UpdatePayout) -> Result<PayoutUpdateRequest> {
    let (confirm, auto_fulfill) = req.flow.fields();
    let body = PayoutUpdateRequest {
        amount: positive_amount(req.amount, "payout")?,
        currency: req.amount.map(|a| a.currency().code().to_owned()),
        customer_id: customer(req.customer.as_ref())?,
        payout_type: None,
        confirm,
        auto_fulfill,
        description: req.description.clone(),
        merchant_order_reference_id: reference(req.merchant_reference.as_ref())?,
        metadata: req.metadata.clone(),
    };
    if body == PayoutUpdateRequest::default() {
        return Err(Error::invalid_request("a payout update must change at least one field"));
    }
    Ok(body)
}

/// The body of `POST /payouts/list` for a core [`ListPayouts`]: the limit clamped to
/// 1..=[`MAX_PAYOUT_LIST_LIMIT`] ([`DEFAULT_PAYOUT_LIST_LIMIT`] when not given), paged by
/// [`offset`], the window as [`time_range`], the status as every word that reads as it
/// ([`payout_status_filter`]).
pub fn payout_list_body(query: &ListPayouts) -> Result<PayoutListRequest> {
    let offset = offset(query.cursor.as_ref())?;
    let (start_time, end_time) = time_range(query.created_from, query.created_to)?;
    Ok(PayoutListRequest {
        limit: query.limit.unwrap_or(DEFAULT_PAYOUT_LIST_LIMIT).clamp(1, MAX_PAYOUT_LIST_LIMIT),
        offset,
        customer_id: None,
        start_time,
        end_time,
        status: query
            .status
            .map(|s| payout_status_filter(s).into_iter().map(str::to_owned).collect()),
        currency: None,
    })
}

/// A payout answer as a core [`Payout`] held by `provider`: the status per
/// [`payout_status`] (the word kept in `raw_status`), `merchant_order_reference_id` as the
/// merchant reference, a [`Failure`] exactly when the payout is `Failed` (with the gateway's
/// `error_code` / `error_message` where it sends them, empty otherwise).
///
/// An amount that is not money (negative, a currency outside ISO 4217 or without a minor
/// unit) is an [`InvalidResponse`](paymux_core::ErrorKind::InvalidResponse), as for payments.
pub fn to_payout(provider: &ProviderId, wire: &PayoutResponse) -> Result<Payout> {
    let amount = money(wire.amount, &wire.currency)?;
    Ok(payout_from_parts(provider, wire, amount))
}

/// The payout of an answer whose amount is already read as money: [`to_payout`] reads it
/// strictly, a webhook notes what it cannot read.
pub(crate) fn payout_from_parts(
    provider: &ProviderId,
    wire: &PayoutResponse,
    amount: Money,
) -> Payout {
    let status = payout_status(&wire.status);
    let failure = (status == PayoutStatus::Failed).then(|| Failure {
        code: wire.error_code.as_deref().and_then(decline_code),
        gateway_code: wire.error_code.clone(),
        message: wire.error_message.clone(),
    });
    Payout {
        id: PayoutId::new(wire.payout_id.clone()),
        provider: provider.clone(),
        status,
        raw_status: wire.status.clone(),
        amount: Some(amount),
        gateway_amount: None,
        customer_id: wire.customer_id.clone().map(CustomerId::from_gateway),
        merchant_reference: wire.merchant_order_reference_id.clone(),
        description: wire.description.clone(),
        failure,
        metadata: metadata_from_wire(wire.metadata.as_ref()),
        created_at: wire.created.as_deref().and_then(parse_time),
    }
}
