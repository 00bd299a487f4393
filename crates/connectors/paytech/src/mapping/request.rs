//! Core request -> pay.tech body or query, with what the gateway documents checked first.

use paymux_core::connector::{card_cvc, card_number, idempotency_key};
use paymux_core::{
    Address, BillingDetails, CaptureMode, CapturePayment, Card, ConfirmPayment, CreatePayment,
    CreatePayout, CreateRefund, Error, IdempotencyKey, ListPayments, ListPayouts, Money,
    PageCursor, PaymentCustomer, PaymentMethod, Phone, Result,
};
use serde_json::value::RawValue;
use time::{OffsetDateTime, UtcOffset};

use crate::chargebacks::RegisterChargeback;
use crate::client::check_id;
use crate::lists::ListDeposits;
use crate::options::{
    PaytechCardToken, PaytechConfirmOptions, PaytechCustomer, PaytechPaymentOptions,
    PaytechPayoutOptions, PaytechRetryStrategy, PaytechSubscription,
};
use crate::tokens::CardTokenFilter;
use crate::wire::{
    BillingAddress, CaptureRequest, CardRequest, DepositPatchRequest, ListQuery, PaymentRequest,
    PaymentType, RegisterChargebackRequest, RejectPaymentRequest, RetryStrategyRequest,
    SubscriptionPatchRequest, SubscriptionRequest,
};

/// The largest amount pay.tech accepts, in major units (`maximum: 1000000000`).
pub(crate) const MAX_AMOUNT_MAJOR: i64 = 1_000_000_000;

/// The longest customer `referenceId` pay.tech takes (`Customer.referenceId`, `maxLength`).
const MAX_CUSTOMER_ID_LEN: usize = 128;

/// The most items `GET /api/v1/payments` skips.
const MAX_LIST_OFFSET: u64 = 1_000_000;

/// A positive amount, at most [`MAX_AMOUNT_MAJOR`]; `what` names it in the error.
pub(crate) fn check_amount(money: Money, what: &str) -> Result<()> {
    if money.is_zero() {
        return Err(Error::invalid_request(format!("{what} amount must be positive")));
    }
    if money.amount_minor() > MAX_AMOUNT_MAJOR * 10_i64.pow(u32::from(money.exponent())) {
        return Err(Error::invalid_request(format!(
            "{what} amount {money} is above pay.tech's maximum of {MAX_AMOUNT_MAJOR}"
        )));
    }
    Ok(())
}

/// The JSON number token for `money` in major units, written from the decimal text (`10.50`):
/// never through a float.
pub(crate) fn amount_token(money: Money) -> Result<Box<RawValue>> {
    RawValue::from_string(money.to_major_string())
        .map_err(|e| Error::invalid_request(format!("amount cannot be written: {e}")))
}

fn check_len(value: Option<&str>, max: usize, field: &str) -> Result<()> {
    match value {
        Some(v) if v.len() > max && v.chars().count() > max => {
            Err(Error::invalid_request(format!(
                "pay.tech takes at most {max} characters in {field}, got {}",
                v.chars().count()
            )))
        }
        _ => Ok(()),
    }
}

/// The documented limits of a create's amount and free-text fields.
fn check_create(
    amount: Money,
    reference: Option<&str>,
    description: Option<&str>,
    return_url: Option<&str>,
    webhook_url: Option<&str>,
) -> Result<()> {
    check_amount(amount, "payment")?;
    check_len(reference, 256, "referenceId")?;
    check_len(description, 512, "description")?;
    check_len(return_url, 512, "returnUrl")?;
    check_len(webhook_url, 512, "webhookUrl")
}

/// The customer's `referenceId` (the merchant's id of the customer, from a saved customer or
/// [`PaytechCustomer::reference_id`]) is an id in the body: it follows the rule of ids in a
/// path ([`path_segment`](paymux_core::transport::path_segment), at most 128 characters).
fn check_customer(customer: Option<&PaytechCustomer>) -> Result<()> {
    if let Some(id) = customer.and_then(|c| c.reference_id.as_deref()) {
        paymux_core::transport::path_segment("customer referenceId", id, MAX_CUSTOMER_ID_LEN)?;
    }
    Ok(())
}

/// The `referenceId` of a create: the merchant's reference, else the call's idempotency key.
/// pay.tech has no idempotency header, so the key travels here, and a lookup by it finds what
/// an earlier attempt created.
pub(crate) fn reference_id(reference: Option<&str>, key: Option<&IdempotencyKey>) -> String {
    match reference {
        Some(reference) => reference.to_owned(),
        None => idempotency_key(key.cloned()).into_inner(),
    }
}

/// The one `PaymentRequest` literal: a create of `payment_type` with nothing optional set yet;
/// deposits, refunds and withdrawals fill in their own fields.
fn payment_request(
    payment_type: PaymentType,
    reference: &str,
    amount: Money,
) -> Result<PaymentRequest<'_>> {
    Ok(PaymentRequest {
        reference_id: Some(reference),
        payment_type,
        payment_method: None,
        amount: Some(amount_token(amount)?),
        currency: amount.currency().code(),
        parent_payment_id: None,
        description: None,
        card: None,
        customer: None,
        billing_address: None,
        return_url: None,
        webhook_url: None,
        start_recurring: None,
        pre_auth: None,
        recurring_token: None,
        additional_parameters: None,
        checkout_style: None,
        google_pay: None,
        apple_pay: None,
        subscription: None,
    })
}

/// The deposit of `create_payment`. `confirm` makes no difference on the wire (the deposit
/// starts in `CHECKOUT`); manual capture is `preAuth: true`.
pub(crate) fn create_body<'a>(
    req: &'a CreatePayment,
    reference: &'a str,
) -> Result<PaymentRequest<'a>> {
    req.validate()?;
    // The body borrows from the options, so "none given" must outlive the call.
    const NO_OPTIONS: &PaytechPaymentOptions = &PaytechPaymentOptions {
        payment_method: None,
        webhook_url: None,
        customer: None,
        additional_parameters: std::collections::BTreeMap::new(),
        start_recurring: None,
        recurring_token: None,
        checkout_style: None,
        card_token: None,
        google_pay: None,
        apple_pay: None,
        subscription: None,
    };
    let options = req.extensions.get::<PaytechPaymentOptions>().unwrap_or(NO_OPTIONS);
    check_create(
        req.amount,
        req.merchant_reference.as_deref(),
        req.description.as_deref(),
        req.return_url.as_deref(),
        options.webhook_url.as_deref(),
    )?;
    let card = match &req.payment_method {
        Some(PaymentMethod::Card(card)) => Some(card),
        _ => None,
    };
    let method = deposit_method(card, options)?;
    let card = match (card, &options.card_token) {
        (Some(card), _) => Some(card_with_cvc(card)),
        (None, Some(token)) => Some(card_token(token)?),
        (None, None) => None,
    };
    if options.subscription.is_some() && options.start_recurring == Some(false) {
        return Err(Error::invalid_request(
            "a pay.tech subscription starts a recurring chain: it cannot go with \
             start_recurring: false",
        ));
    }
    let subscription =
        options.subscription.as_ref().map(|s| subscription_body(s, req.amount)).transpose()?;
    let customer =
        merge_customer(options.customer.clone(), req.customer.as_ref(), req.billing.as_ref());
    check_customer(customer.as_ref())?;
    Ok(PaymentRequest {
        payment_method: options.payment_method.as_deref().or(method),
        description: req.description.as_deref(),
        card,
        customer,
        billing_address: req.billing.as_ref().and_then(|b| b.address.as_ref()).map(billing_address),
        return_url: req.return_url.as_deref(),
        webhook_url: options.webhook_url.as_deref(),
        start_recurring: options.start_recurring.or(subscription.as_ref().map(|_| true)),
        pre_auth: (req.capture == CaptureMode::Manual).then_some(true),
        recurring_token: options.recurring_token.as_deref(),
        additional_parameters: (!options.additional_parameters.is_empty())
            .then_some(&options.additional_parameters),
        checkout_style: options.checkout_style.as_deref(),
        google_pay: options.google_pay.as_ref(),
        apple_pay: options.apple_pay.as_ref(),
        subscription,
        ..payment_request(PaymentType::Deposit, reference, req.amount)?
    })
}

/// The `paymentMethod` a deposit's means of payment implies, when the options name none: a
/// card or a card token `BASIC_CARD`, Google Pay `GOOGLEPAY`, Apple Pay `APPLEPAY`. One means
/// at most: two of them are refused (the gateway would have to pick one).
fn deposit_method(
    card: Option<&Card>,
    options: &PaytechPaymentOptions,
) -> Result<Option<&'static str>> {
    let given = [
        (card.is_some(), "a card", "BASIC_CARD"),
        (options.card_token.is_some(), "a card token", "BASIC_CARD"),
        (options.google_pay.is_some(), "Google Pay", "GOOGLEPAY"),
        (options.apple_pay.is_some(), "Apple Pay", "APPLEPAY"),
    ];
    let mut given = given.into_iter().filter(|(set, _, _)| *set);
    let first = given.next();
    if let (Some((_, a, _)), Some((_, b, _))) = (first, given.next()) {
        return Err(Error::invalid_request(format!(
            "a pay.tech deposit is paid one way: {a} and {b} were both given"
        )));
    }
    Ok(first.map(|(_, _, method)| method))
}

/// A saved card by its token: an id in the body (up to 32 characters, as the spec's
/// `cardToken`), checked like one.
fn card_token(token: &PaytechCardToken) -> Result<CardRequest<'_>> {
    paymux_core::transport::path_segment("card token", &token.token, 32)?;
    Ok(CardRequest {
        card_number: None,
        card_token: Some(&token.token),
        cardholder_name: None,
        card_security_code: token.security_code.as_ref(),
        expiry_month: None,
        expiry_year: None,
    })
}

/// `subscription`: the documented minimums (frequency, cycles and each adjustment at least 1),
/// the description's length, and an amount in the deposit's currency (the spec's amount has no
/// currency of its own).
fn subscription_body(s: &PaytechSubscription, deposit: Money) -> Result<SubscriptionRequest<'_>> {
    let at_least_one = |value: u32, field: &str| {
        if value == 0 {
            return Err(Error::invalid_request(format!(
                "pay.tech subscription {field} must be at least 1"
            )));
        }
        Ok(())
    };
    at_least_one(s.frequency, "frequency")?;
    if let Some(cycles) = s.number_of_cycles {
        at_least_one(cycles, "numberOfCycles")?;
    }
    check_len(s.description.as_deref(), 512, "subscription description")?;
    let amount = match s.amount {
        Some(amount) if amount.currency() != deposit.currency() => {
            return Err(Error::invalid_request(format!(
                "a pay.tech subscription bills in the deposit's currency ({}), not {}",
                deposit.currency().code(),
                amount.currency().code()
            )));
        }
        Some(amount) => {
            check_amount(amount, "subscription")?;
            Some(amount_token(amount)?)
        }
        None => None,
    };
    let retry_strategy = match &s.retry_strategy {
        Some(r) => Some(retry_body(r, at_least_one)?),
        None => None,
    };
    Ok(SubscriptionRequest {
        description: s.description.as_deref(),
        amount,
        start_time: s.start_time.map(query_time).transpose()?,
        frequency: s.frequency,
        frequency_unit: s.frequency_unit.map(|u| u.as_str()),
        number_of_cycles: s.number_of_cycles,
        retry_strategy,
    })
}

fn retry_body(
    r: &PaytechRetryStrategy,
    at_least_one: impl Fn(u32, &str) -> Result<()>,
) -> Result<RetryStrategyRequest<'_>> {
    at_least_one(r.frequency, "retryStrategy.frequency")?;
    at_least_one(r.number_of_cycles, "retryStrategy.numberOfCycles")?;
    for adjustment in &r.amount_adjustments {
        at_least_one(*adjustment, "retryStrategy.amountAdjustments entry")?;
    }
    Ok(RetryStrategyRequest {
        frequency: r.frequency,
        frequency_unit: r.frequency_unit.map(|u| u.as_str()),
        number_of_cycles: r.number_of_cycles,
        amount_adjustments: &r.amount_adjustments,
    })
}

/// `RegisterChargebackRequest`: description and webhook URL within their documented lengths,
/// `created` in the gateway's format (UTC, whole seconds).
pub(crate) fn chargeback_body(req: &RegisterChargeback) -> Result<RegisterChargebackRequest<'_>> {
    check_len(req.description.as_deref(), 512, "chargeback description")?;
    check_len(req.webhook_url.as_deref(), 512, "chargeback webhookUrl")?;
    Ok(RegisterChargebackRequest {
        description: req.description.as_deref(),
        created: req.created.map(query_time).transpose()?,
        state: req.state.map(|s| s.as_str()),
        webhook_url: req.webhook_url.as_deref(),
    })
}

/// The one documented change of a subscription: `{"state": "CANCELLED"}`.
pub(crate) fn cancel_subscription_body() -> SubscriptionPatchRequest {
    SubscriptionPatchRequest { state: "CANCELLED" }
}

/// A customer's `referenceId` in the path of the customer routes, as their spec pattern has
/// it: 1 to 128 letters, digits, `-` and `_` (no `.` or `~`, which body ids may have).
pub(crate) fn customer_path_id(id: &str) -> Result<&str> {
    let id = paymux_core::transport::path_segment("customer referenceId", id, MAX_CUSTOMER_ID_LEN)?;
    if id.contains(['.', '~']) {
        return Err(Error::invalid_request(
            "pay.tech's customer routes take a referenceId of letters, digits, '-' and '_' only",
        ));
    }
    Ok(id)
}

/// `savedByCustomer.eq`: `true`, `false`, or absent for every token.
pub(crate) fn saved_by_customer(filter: CardTokenFilter) -> Option<&'static str> {
    match filter {
        CardTokenFilter::All => None,
        CardTokenFilter::SavedByCustomer => Some("true"),
        CardTokenFilter::SavedAutomatically => Some("false"),
    }
}

/// What a refund is checked for before anything is sent, the parent fetched included: the
/// parent is a pay.tech payment id, the merchant's refund id fits `referenceId`.
pub(crate) fn check_refund(req: &CreateRefund) -> Result<()> {
    check_id(req.payment_id.as_str())?;
    check_len(req.merchant_refund_id.as_deref(), 256, "referenceId")
}

/// The refund of `create_refund`: a `REFUND` payment of `amount` with `parentPaymentId`.
pub(crate) fn refund_body<'a>(
    req: &'a CreateRefund,
    amount: Money,
    reference: &'a str,
) -> Result<PaymentRequest<'a>> {
    check_amount(amount, "refund")?;
    Ok(PaymentRequest {
        parent_payment_id: Some(req.payment_id.as_str()),
        ..payment_request(PaymentType::Refund, reference, amount)?
    })
}

/// The `WITHDRAWAL` of `create_payout`: a card payout sends the card without its CVC; the
/// payout's customer fills the beneficiary's `referenceId` when [`PaytechPayoutOptions`] names
/// none. pay.tech keeps no metadata: `CreatePayout::metadata` (routing) is not sent.
pub(crate) fn payout_body<'a>(
    req: &'a CreatePayout,
    reference: &'a str,
) -> Result<PaymentRequest<'a>> {
    const NO_OPTIONS: &PaytechPayoutOptions = &PaytechPayoutOptions {
        payment_method: None,
        customer: None,
        billing: None,
        webhook_url: None,
        additional_parameters: std::collections::BTreeMap::new(),
    };
    let options = req.extensions.get::<PaytechPayoutOptions>().unwrap_or(NO_OPTIONS);
    check_create(
        req.amount,
        req.merchant_reference.as_deref(),
        req.description.as_deref(),
        None,
        options.webhook_url.as_deref(),
    )?;
    let mut customer = options.customer.clone().unwrap_or_default();
    if let Some(id) = &req.customer {
        customer.reference_id.get_or_insert_with(|| id.as_str().to_owned());
    }
    let customer = Some(customer).filter(|c| *c != PaytechCustomer::default());
    check_customer(customer.as_ref())?;
    let card = req.card();
    Ok(PaymentRequest {
        payment_method: options.payment_method.as_deref().or(card.map(|_| "BASIC_CARD")),
        description: req.description.as_deref(),
        card: card.map(card_without_cvc),
        customer,
        billing_address: options.billing.as_ref().map(billing_address),
        webhook_url: options.webhook_url.as_deref(),
        additional_parameters: (!options.additional_parameters.is_empty())
            .then_some(&options.additional_parameters),
        ..payment_request(PaymentType::Withdrawal, reference, req.amount)?
    })
}

/// The host-to-host step: the customer's IP (required) and browser; everything else was given
/// when the deposit was created.
pub(crate) fn confirm_body(req: &ConfirmPayment) -> Result<DepositPatchRequest> {
    let Some(ip) = req.customer_ip else {
        return Err(Error::invalid_request(
            "pay.tech's host-to-host step needs the customer's IP (ConfirmPayment::customer_ip)",
        ));
    };
    if req.payment_method.is_some() || req.billing.is_some() || req.return_url.is_some() {
        return Err(Error::invalid_request(
            "pay.tech takes the payment method, billing details and return URL when the \
             deposit is created; the host-to-host step takes only the customer's IP and browser",
        ));
    }
    let b = req.extensions.get::<PaytechConfirmOptions>().cloned().unwrap_or_default();
    Ok(DepositPatchRequest {
        customer_ip: ip.to_string(),
        ip_country_code: b.ip_country_code,
        customer_user_agent: b.user_agent,
        browser_window_width: b.window_width,
        browser_window_height: b.window_height,
        browser_screen_width: b.screen_width,
        browser_screen_height: b.screen_height,
        browser_screen_color_depth: b.screen_color_depth,
        browser_language: b.language,
        browser_java_enabled: b.java_enabled,
        browser_timezone_offset: b.timezone_offset,
    })
}

/// `{}` captures everything; `amount` a part.
pub(crate) fn capture_body(req: &CapturePayment) -> Result<CaptureRequest> {
    let amount = match req.amount {
        Some(m) => {
            check_amount(m, "capture")?;
            Some(amount_token(m)?)
        }
        None => None,
    };
    Ok(CaptureRequest { amount })
}

/// The merchant's reason is stored as the withdrawal's external result code.
pub(crate) fn reject_body(reason: Option<String>) -> RejectPaymentRequest {
    RejectPaymentRequest { reject_reason: reason }
}

/// `list_payments` in pay.tech's terms (see [`list_filters`]).
pub(crate) fn deposits_query(query: ListPayments) -> Result<ListDeposits> {
    if query.status.is_some() {
        return Err(Error::invalid_request("pay.tech cannot filter payments by status"));
    }
    if query.customer.is_some() {
        return Err(Error::invalid_request("pay.tech cannot filter payments by customer"));
    }
    let mut filters =
        list_filters(query.cursor, query.limit, query.created_from, query.created_to)?;
    filters.reference_id = query.merchant_reference;
    Ok(filters)
}

/// `list_payouts` in pay.tech's terms: the same list route (see [`list_filters`]); it cannot
/// filter by status either.
pub(crate) fn payouts_query(query: ListPayouts) -> Result<ListDeposits> {
    if query.status.is_some() {
        return Err(Error::invalid_request("pay.tech cannot filter payouts by status"));
    }
    list_filters(query.cursor, query.limit, query.created_from, query.created_to)
}

/// The list route pages by offset, and its `created.lt` is exclusive with whole seconds, so an
/// inclusive `created_to` is sent one second later.
fn list_filters(
    cursor: Option<PageCursor>,
    limit: Option<u32>,
    created_from: Option<OffsetDateTime>,
    created_to: Option<OffsetDateTime>,
) -> Result<ListDeposits> {
    let offset = match cursor {
        None => None,
        Some(PageCursor::Offset(n)) => Some(n),
        Some(_) => {
            return Err(Error::invalid_request("pay.tech pages by offset: use PageCursor::Offset"));
        }
    };
    let created_before = created_to
        .map(|t| t.replace_nanosecond(0).map(|t| t + time::Duration::SECOND))
        .transpose()
        .map_err(|e| Error::invalid_request(format!("created_to: {e}")))?;
    Ok(ListDeposits {
        offset,
        limit,
        created_from,
        created_before,
        updated_from: None,
        updated_before: None,
        reference_id: None,
    })
}

/// The query of `list_deposits`: the offset within the gateway's range, the page size clamped
/// to 1..=1000.
pub(crate) fn list_query(query: &ListDeposits) -> Result<ListQuery<'_>> {
    if query.offset.unwrap_or(0) > MAX_LIST_OFFSET {
        return Err(Error::invalid_request(format!(
            "pay.tech list offset must be at most {MAX_LIST_OFFSET}"
        )));
    }
    let time = |t: Option<OffsetDateTime>| t.map(query_time).transpose();
    Ok(ListQuery {
        offset: query.offset,
        limit: query.limit.map(|l| l.clamp(1, 1000)),
        created_gte: time(query.created_from)?,
        created_lt: time(query.created_before)?,
        updated_gte: time(query.updated_from)?,
        updated_lt: time(query.updated_before)?,
        reference_id: query.reference_id.as_deref(),
    })
}

/// The lookup of what a create made: everything with its `referenceId` created since `since`
/// (one page of the most the gateway gives).
pub(crate) fn lookup_query(reference: &str, since: OffsetDateTime) -> Result<ListQuery<'_>> {
    Ok(ListQuery {
        limit: Some(100),
        created_gte: Some(query_time(since)?),
        reference_id: Some(reference),
        ..ListQuery::default()
    })
}

/// Items per page of the refunds scan: the most the gateway gives.
pub(crate) const REFUND_SCAN_PAGE: u32 = 1000;

/// One page of the scan for a deposit's refunds: everything created since the deposit
/// (`since`, its `created`), from `offset`. pay.tech's list has no parent filter, and a refund
/// is created after its deposit.
pub(crate) fn refund_scan_query(since: OffsetDateTime, offset: u64) -> Result<ListQuery<'static>> {
    Ok(ListQuery {
        offset: (offset > 0).then_some(offset),
        limit: Some(REFUND_SCAN_PAGE),
        created_gte: Some(query_time(since)?),
        ..ListQuery::default()
    })
}

/// A time in the gateway's format (`2021-10-13T10:26:18`, UTC, whole seconds), for queries and
/// bodies alike.
fn query_time(t: OffsetDateTime) -> Result<String> {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    t.to_offset(UtcOffset::UTC)
        .format(&format)
        .map_err(|e| Error::invalid_request(format!("time {t} cannot be formatted: {e}")))
}

/// `+357 123123123` -> `357 123123123` (no `+`, space between country code and number).
fn wire_phone(phone: &Phone) -> String {
    format!("{} {}", phone.country_code.trim_start_matches('+'), phone.number)
}

fn billing_address(address: &Address) -> BillingAddress {
    BillingAddress {
        address_line1: address.line1.clone(),
        address_line2: address.line2.clone(),
        city: address.city.clone(),
        country_code: address.country.as_ref().map(|c| c.to_ascii_uppercase()),
        postal_code: address.postal_code.clone(),
        state: address.state.clone(),
    }
}

/// A card to charge.
fn card_with_cvc(card: &Card) -> CardRequest<'_> {
    CardRequest { card_security_code: Some(card_cvc(card)), ..card_without_cvc(card) }
}

/// A card to pay out to: pay.tech does not take its CVC.
fn card_without_cvc(card: &Card) -> CardRequest<'_> {
    CardRequest {
        card_number: Some(card_number(card)),
        card_token: None,
        cardholder_name: card.holder_name.as_deref(),
        card_security_code: None,
        expiry_month: Some(card.exp_month),
        expiry_year: Some(card.exp_year),
    }
}

/// Fills the empty fields of the pay.tech customer from the core request.
fn merge_customer(
    base: Option<PaytechCustomer>,
    customer: Option<&PaymentCustomer>,
    billing: Option<&BillingDetails>,
) -> Option<PaytechCustomer> {
    if base.is_none() && customer.is_none() && billing.is_none() {
        return None;
    }
    let mut c = base.unwrap_or_default();
    match customer {
        Some(PaymentCustomer::Existing(id)) => {
            c.reference_id.get_or_insert_with(|| id.as_str().to_owned());
        }
        Some(PaymentCustomer::Inline(details)) => {
            if c.email.is_none() {
                c.email.clone_from(&details.email);
            }
            if c.phone.is_none() {
                c.phone = details.phone.as_ref().map(wire_phone);
            }
            if let (None, None, Some(name)) = (&c.first_name, &c.last_name, &details.name) {
                let name = name.trim();
                match name.rsplit_once(' ') {
                    Some((first, last)) => {
                        c.first_name = Some(first.trim().to_owned());
                        c.last_name = Some(last.to_owned());
                    }
                    None if !name.is_empty() => c.first_name = Some(name.to_owned()),
                    None => {}
                }
            }
        }
        None => {}
    }
    if let Some(b) = billing {
        if c.email.is_none() {
            c.email.clone_from(&b.email);
        }
        if c.phone.is_none() {
            c.phone = b.phone.as_ref().map(wire_phone);
        }
        if let Some(addr) = &b.address
            && c.first_name.is_none()
            && c.last_name.is_none()
        {
            c.first_name.clone_from(&addr.first_name);
            c.last_name.clone_from(&addr.last_name);
        }
    }
    (c != PaytechCustomer::default()).then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use paymux_core::Currency;

    #[test]
    fn amounts_are_written_with_the_currency_decimals() {
        let token = |minor, c| amount_token(Money::from_minor(minor, c).unwrap()).unwrap();
        assert_eq!(token(1050, Currency::EUR).get(), "10.50");
        assert_eq!(token(1050, Currency::JPY).get(), "1050");
        assert_eq!(token(7, Currency::KWD).get(), "0.007");
    }
}
