//! Wire -> core (and core -> wire) for the shared structs.

use paymux_core::{
    Address, BillingDetails, CaptureMode, CreateCustomer, Currency, Customer, CustomerId,
    DeclineCode, Error, Failure, ListPayments, Metadata, Money, NextAction, Page, PageCursor,
    Payment, PaymentId, PaymentStatus, Phone, ProviderId, Refund, RefundId, Result, parse_currency,
};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::status::{payment_status, payment_status_word, refund_status};
use crate::wire::{
    AddressData, BillingData, CustomerRequest, CustomerResponse, ListResponse, PaymentListRequest,
    PaymentResponse, PhoneData, RefundResponse,
};

/// Default page size of the family's lists.
pub const DEFAULT_LIST_LIMIT: u32 = 10;
/// Largest page size of the family's lists.
pub const MAX_LIST_LIMIT: u32 = 100;

/// The largest amount a Hyperswitch backend takes, in minor units: its payments core refuses a
/// payment above `MAX_ALLOWED_AMOUNT` = 999,999,999 (`validate_max_amount`, "amount should not
/// be more than 999999999"). The published OpenAPI document states only a minimum; this is
/// the limit of the open-source server both family gateways run. Captures and refunds, which
/// cannot exceed their payment, and order lines are held to it too, so no amount above it is
/// ever sent.
pub const MAX_AMOUNT_MINOR: i64 = 999_999_999;

/// The longest gateway id the family's connectors send (payment, customer and profile ids;
/// Hyperswitch's `customer_id` is at most 64 characters, its id types likewise).
pub const MAX_ID_LEN: usize = 64;

/// An amount as it goes on the wire (minor units), refused with
/// [`InvalidRequest`](paymux_core::ErrorKind::InvalidRequest) above [`MAX_AMOUNT_MINOR`];
/// `what` names it in the message (`"payment"`, `"refund"`, ...).
pub fn wire_amount(money: Money, what: &str) -> Result<i64> {
    let minor = money.amount_minor();
    if minor > MAX_AMOUNT_MINOR {
        return Err(Error::invalid_request(format!(
            "{what} amount {money} is above the gateway's maximum of {MAX_AMOUNT_MINOR} minor units"
        )));
    }
    Ok(minor)
}

/// A gateway id (payment, customer, profile id) checked before it goes anywhere in a request,
/// path, body or query alike: [`path_segment`](paymux_core::transport::path_segment) with
/// [`MAX_ID_LEN`], the one rule for ids. `what` names it in the message.
pub fn check_id<'a>(what: &str, id: &'a str) -> Result<&'a str> {
    paymux_core::transport::path_segment(what, id, MAX_ID_LEN)
}

/// Reads a currency code as the gateway writes it (upper-case ISO; any case accepted).
pub fn currency(code: &str) -> Result<Currency> {
    parse_currency(code)
        .map_err(|e| Error::invalid_response(format!("unknown currency {code:?} in answer: {e}")))
}

/// Minor units plus currency code -> [`Money`]; a negative amount or a currency without a
/// minor unit is an [`InvalidResponse`](paymux_core::ErrorKind::InvalidResponse).
pub fn money(amount_minor: i64, currency_code: &str) -> Result<Money> {
    let c = currency(currency_code)?;
    Money::from_minor(amount_minor, c)
        .map_err(|e| Error::invalid_response(format!("bad amount in answer: {e}")))
}

/// Parses an ISO 8601 / RFC 3339 time; a time without an offset (`"2024-01-22T10:20:00"`, as
/// Hyperswitch writes some) is read as UTC. Unreadable times give `None`: a timestamp is never
/// worth failing a payment over.
pub fn parse_time(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .or_else(|| OffsetDateTime::parse(&format!("{text}Z"), &Rfc3339).ok())
}

/// Formats a time as RFC 3339 in UTC (`"2024-01-22T10:20:00Z"`), as the family's list filters
/// take it.
pub fn format_time(t: OffsetDateTime) -> Result<String> {
    t.to_offset(UtcOffset::UTC)
        .format(&Rfc3339)
        .map_err(|e| Error::invalid_request(format!("time cannot be formatted: {e}")))
}

/// The gateway's metadata object as core [`Metadata`]: string values as they are, other
/// values as their JSON text; anything but an object gives an empty map.
pub fn metadata_from_wire(value: Option<&serde_json::Value>) -> Metadata {
    match value {
        Some(serde_json::Value::Object(map)) => map
            .iter()
            .map(|(k, v)| {
                let text = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), text)
            })
            .collect(),
        _ => Metadata::new(),
    }
}

/// Core [`Metadata`] as a JSON object; `None` when empty (the field is then left out).
pub fn metadata_to_wire(metadata: &Metadata) -> Option<serde_json::Value> {
    if metadata.is_empty() {
        return None;
    }
    Some(serde_json::Value::Object(
        metadata.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect(),
    ))
}

/// A processor error code as a normalized [`DeclineCode`], where it is one of the standard
/// words (`card_declined`, `insufficient_funds`, `expired_card`, ...) or a common alias
/// (`do_not_honor`, `generic_decline` -> `card_declined`; `lost_card`, `stolen_card` ->
/// `pick_up_card`; `fraudulent` -> `fraud_suspected`). Other codes give `None`; the gateway's
/// code is kept beside it in [`Failure::gateway_code`].
pub fn decline_code(gateway_code: &str) -> Option<DeclineCode> {
    let word = gateway_code.trim().to_ascii_lowercase();
    match word.as_str() {
        "do_not_honor" | "do_not_honour" | "generic_decline" | "declined" => {
            return Some(DeclineCode::CardDeclined);
        }
        "lost_card" | "stolen_card" | "pickup_card" => return Some(DeclineCode::PickUpCard),
        "fraudulent" | "suspected_fraud" => return Some(DeclineCode::FraudSuspected),
        _ => {}
    }
    match DeclineCode::from_word(&word) {
        DeclineCode::Other(_) => None,
        known => Some(known),
    }
}

fn failure(code: Option<&String>, message: Option<&String>, failed: bool) -> Option<Failure> {
    if code.is_none() && message.is_none() && !failed {
        return None;
    }
    Some(Failure {
        code: code.and_then(|c| decline_code(c)),
        gateway_code: code.cloned(),
        message: message.cloned(),
    })
}

/// `capture_method` as a [`CaptureMode`]: `automatic` -> automatic, `manual` and
/// `manual_multiple` -> manual; others (`scheduled`) -> `None`.
pub fn capture_mode(word: &str) -> Option<CaptureMode> {
    match word {
        "automatic" => Some(CaptureMode::Automatic),
        "manual" | "manual_multiple" => Some(CaptureMode::Manual),
        _ => None,
    }
}

/// The `capture_method` word for a [`CaptureMode`].
pub fn capture_method_word(mode: CaptureMode) -> &'static str {
    match mode {
        CaptureMode::Automatic => "automatic",
        CaptureMode::Manual => "manual",
    }
}

/// A payment answer as a core [`Payment`] held by `provider`.
///
/// `amount_received` (what has been captured) fills both `amount_received` and
/// `amount_captured`; a `next_action` with `redirect_to_url` becomes
/// [`NextAction::Redirect`], any other `next_action` [`NextAction::Instructions`]; an
/// `error_code`/`error_message`, or a `failed` status, gives a [`Failure`].
pub fn payment_from_wire(provider: &ProviderId, wire: &PaymentResponse) -> Result<Payment> {
    let amount = money(wire.amount, &wire.currency)?;
    let status = payment_status(&wire.status);
    let mut p = Payment::new(
        PaymentId::new(wire.payment_id.clone()),
        provider.clone(),
        status,
        wire.status.clone(),
        amount,
    );
    if let Some(received) = wire.amount_received {
        let received = money(received, &wire.currency)?;
        p.amount_received = Some(received);
        p.amount_captured = Some(received);
    }
    p.capture_mode = wire.capture_method.as_deref().and_then(capture_mode);
    p.merchant_reference = wire.merchant_order_reference_id.clone();
    p.description = wire.description.clone();
    p.customer_id = wire.customer_id.clone().map(CustomerId::from_gateway);
    p.next_action = wire.next_action.as_ref().map(|a| match &a.redirect_to_url {
        Some(url) => NextAction::Redirect { url: url.clone() },
        None => NextAction::Instructions {
            data: serde_json::to_value(a).unwrap_or(serde_json::Value::Null),
        },
    });
    p.failure = failure(
        wire.error_code.as_ref(),
        wire.error_message.as_ref(),
        status == PaymentStatus::Failed,
    );
    p.metadata = metadata_from_wire(wire.metadata.as_ref());
    p.created_at = wire.created.as_deref().and_then(parse_time);
    Ok(p)
}

/// A refund answer as a core [`Refund`] held by `provider`.
pub fn refund_from_wire(provider: &ProviderId, wire: &RefundResponse) -> Result<Refund> {
    let amount = money(wire.amount, &wire.currency)?;
    let status = refund_status(&wire.status);
    let mut r = Refund::new(
        RefundId::new(wire.refund_id.clone()),
        provider.clone(),
        PaymentId::new(wire.payment_id.clone()),
        status,
        wire.status.clone(),
        amount,
    );
    r.reason = wire.reason.clone();
    r.failure = failure(
        wire.error_code.as_ref(),
        wire.error_message.as_ref(),
        status == paymux_core::RefundStatus::Failed,
    );
    r.metadata = metadata_from_wire(wire.metadata.as_ref());
    r.created_at = wire.created_at.as_deref().and_then(parse_time);
    Ok(r)
}

/// A core [`Address`] on the wire (`postal_code` is `zip`).
pub fn address_to_wire(a: &Address) -> AddressData {
    AddressData {
        line1: a.line1.clone(),
        line2: a.line2.clone(),
        city: a.city.clone(),
        state: a.state.clone(),
        zip: a.postal_code.clone(),
        country: a.country.clone(),
        first_name: a.first_name.clone(),
        last_name: a.last_name.clone(),
    }
}

/// A wire address as a core [`Address`].
pub fn address_from_wire(a: &AddressData) -> Address {
    Address {
        line1: a.line1.clone(),
        line2: a.line2.clone(),
        city: a.city.clone(),
        state: a.state.clone(),
        postal_code: a.zip.clone(),
        country: a.country.clone(),
        first_name: a.first_name.clone(),
        last_name: a.last_name.clone(),
    }
}

/// A core [`Phone`] on the wire.
pub fn phone_to_wire(p: &Phone) -> PhoneData {
    PhoneData { number: Some(p.number.clone()), country_code: Some(p.country_code.clone()) }
}

/// Core [`BillingDetails`] as `billing`.
pub fn billing_to_wire(b: &BillingDetails) -> BillingData {
    BillingData {
        address: b.address.as_ref().map(address_to_wire),
        phone: b.phone.as_ref().map(phone_to_wire),
        email: b.email.clone(),
    }
}

/// The body of `POST /customers` for a core [`CreateCustomer`] (no merchant-chosen id: the
/// gateway issues it).
pub fn customer_request(req: &CreateCustomer) -> CustomerRequest {
    CustomerRequest {
        customer_id: None,
        email: req.email.clone(),
        name: req.name.clone(),
        phone: req.phone.as_ref().map(|p| p.number.clone()),
        phone_country_code: req.phone.as_ref().map(|p| p.country_code.clone()),
        description: req.description.clone(),
        address: req.address.as_ref().map(address_to_wire),
        metadata: metadata_to_wire(&req.metadata),
    }
}

/// A customer answer as a core [`Customer`]. The phone is kept only when both the number and
/// its country code are present.
pub fn customer_from_wire(provider: &ProviderId, wire: &CustomerResponse) -> Customer {
    let phone = match (&wire.phone, &wire.phone_country_code) {
        (Some(number), Some(cc)) => {
            Some(Phone { country_code: cc.clone(), number: number.clone() })
        }
        _ => None,
    };
    Customer {
        id: CustomerId::from_gateway(wire.customer_id.clone()),
        provider: provider.clone(),
        email: wire.email.clone(),
        name: wire.name.clone(),
        phone,
        address: wire.address.as_ref().map(address_from_wire),
        description: wire.description.clone(),
        metadata: metadata_from_wire(wire.metadata.as_ref()),
        created_at: wire.created_at.as_deref().and_then(parse_time),
    }
}

/// The body of `POST /payments/list` for a core [`ListPayments`].
///
/// The limit is clamped to 1..=100 (default 10). Pagination is by offset: a
/// [`PageCursor::After`]/[`PageCursor::Before`] cursor, or a `merchant_reference` filter
/// (the list cannot filter by it), is an `InvalidRequest` rather than a silently wider list.
/// The customer filter is a gateway id ([`check_id`]).
pub fn list_request(query: &ListPayments) -> Result<PaymentListRequest> {
    let offset = match &query.cursor {
        None => None,
        Some(PageCursor::Offset(n)) => Some(*n),
        Some(_) => {
            return Err(Error::invalid_request(
                "this gateway pages by offset: pass the `next` cursor of the previous page",
            ));
        }
    };
    if query.merchant_reference.is_some() {
        return Err(Error::invalid_request(
            "this gateway cannot filter payments by merchant reference",
        ));
    }
    if let Some(customer) = &query.customer {
        check_id("customer id", customer.as_str())?;
    }
    Ok(PaymentListRequest {
        limit: query.limit.unwrap_or(DEFAULT_LIST_LIMIT).clamp(1, MAX_LIST_LIMIT),
        offset,
        status: query.status.map(|s| payment_status_word(s).to_owned()),
        customer_id: query.customer.as_ref().map(|c| c.as_str().to_owned()),
        created_gte: query.created_from.map(format_time).transpose()?,
        created_lte: query.created_to.map(format_time).transpose()?,
        currency: None,
    })
}

/// Turns a list answer into a [`Page`], given the `offset` and `limit` that were sent.
///
/// `has_more` comes from `total_count` when the gateway sends it, else from a full page;
/// `next` is the offset after this page.
pub fn page_from_list<T, U>(
    list: &ListResponse<T>,
    offset: u64,
    limit: u32,
    mut map: impl FnMut(&T) -> Result<U>,
) -> Result<Page<U>> {
    let items = list.data.iter().map(&mut map).collect::<Result<Vec<U>>>()?;
    let len = u64::try_from(items.len()).unwrap_or(u64::MAX);
    let end = offset.saturating_add(len);
    let has_more = match list.total_count {
        Some(total) => end < total,
        None => len >= u64::from(limit) && len > 0,
    };
    Ok(Page {
        items,
        has_more,
        next: has_more.then_some(PageCursor::Offset(end)),
        total: list.total_count,
    })
}
