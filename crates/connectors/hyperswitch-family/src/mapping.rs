//! Both directions for what the family shares: core requests to the fields of the request
//! bodies both gateways fill alike (each connector adds what its own guide names), and the
//! answers to the core model. The checks both gateways need before any request live here too:
//! amounts at most [`MAX_AMOUNT_MINOR`], ids held to the rule of ids in a path ([`check_id`]),
//! the refund id and reason limits, offset paging. The merchant ids that make a create
//! idempotent on a Hyperswitch backend are derived here ([`id_from_key`]).

use paymux_core::webhook::{Algorithm, Encoding, sign};
use paymux_core::{
    Address, BillingDetails, CancelPayment, CaptureMode, CapturePayment, CreateCustomer,
    CreatePayment, CreateRefund, Currency, Customer, CustomerId, DeclineCode, Error, Failure,
    IdempotencyKey, ListPayments, Metadata, Money, NextAction, Page, PageCursor, Payment,
    PaymentCustomer, PaymentId, PaymentStatus, Phone, ProviderId, Refund, RefundId, RefundStatus,
    Result, parse_currency,
};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

mod disputes;
mod operations;
mod payouts;

pub(crate) use disputes::dispute_from_parts;
pub use disputes::{
    delete_evidence_body, dispute_list_query, evidence_body, evidence_type, to_dispute,
};
pub use operations::{
    customer_list_query, customer_page, payment_link_list_body, refund_update_body, update_body,
};
pub(crate) use payouts::payout_from_parts;
pub use payouts::{
    DEFAULT_PAYOUT_LIST_LIMIT, MAX_PAYOUT_LIST_LIMIT, PayoutType, payout_body, payout_list_body,
    payout_update_body, to_payout,
};

use crate::status::{payment_status, payment_status_filter, refund_status, refund_status_filter};
use crate::wire::{
    AddressData, BillingData, CardData, CustomerRequest, CustomerResponse, ListResponse,
    PaymentCancelRequest, PaymentCaptureRequest, PaymentCreateRequest, PaymentListRequest,
    PaymentMethodData, PaymentResponse, PhoneData, RefundCreateRequest, RefundListRequest,
    RefundResponse,
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

/// The longest merchant-chosen `refund_id` the gateways take.
pub const MAX_REFUND_ID_LEN: usize = 30;

/// The longest refund `reason` the gateways take.
pub const MAX_REFUND_REASON_LEN: usize = 255;

/// The length of a merchant `payment_id` / `refund_id` derived by [`id_from_key`]: Hyperswitch
/// documents both as 30 characters (`"pay_mbabizu24mvu3mela5njyhpit4"`), and Paychtec's
/// `refund_id` as at most 30.
pub const MERCHANT_ID_LEN: usize = 30;

/// The longest `merchant_order_reference_id` Hyperswitch takes.
pub const MAX_ORDER_REFERENCE_LEN: usize = 255;

/// A merchant id (`payment_id`, `refund_id`) derived from the call's idempotency key: `prefix`
/// (`"pay_"`, `"ref_"`) and the first hex digits of HMAC-SHA256 (key `label`, message the
/// idempotency key), [`MERCHANT_ID_LEN`] characters in all.
///
/// A Hyperswitch backend makes a create idempotent through the merchant's id (a second create
/// with the same id answers duplicate, `HE_01`), not through the idempotency header. Derived
/// from the key, the id is the same on every attempt of one call and on a caller's retry with
/// the same key, so a create that already went through is answered duplicate rather than made
/// twice. Each connector passes its own `label`, so its ids never depend on another's.
pub fn id_from_key(prefix: &str, label: &[u8], key: &IdempotencyKey) -> String {
    let digest = sign(Algorithm::Sha256, label, key.as_str().as_bytes(), Encoding::Hex);
    let digits = MERCHANT_ID_LEN.saturating_sub(prefix.len()).min(digest.len());
    format!("{prefix}{}", &digest[..digits])
}

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

/// An amount for the wire that must be positive (a payment link, a payout), at most
/// [`MAX_AMOUNT_MINOR`] ([`wire_amount`]); zero is refused with
/// [`InvalidRequest`](paymux_core::ErrorKind::InvalidRequest).
pub fn positive_wire_amount(money: Money, what: &str) -> Result<i64> {
    if money.is_zero() {
        return Err(Error::invalid_request(format!("{what} amount must be positive")));
    }
    wire_amount(money, what)
}

/// An optional amount (a partial capture or refund, a payment update) for the wire:
/// [`positive_wire_amount`]; `None` stays `None` (capture or refund the rest).
pub fn positive_amount(amount: Option<Money>, what: &str) -> Result<Option<i64>> {
    amount.map(|m| positive_wire_amount(m, what)).transpose()
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

/// Core [`Metadata`] for a request body; `None` when empty (the field is then left out).
pub fn metadata_to_wire(metadata: &Metadata) -> Option<Metadata> {
    (!metadata.is_empty()).then(|| metadata.clone())
}

/// A processor error code (a failed payment's `error_code`, a declined request's `code`) as a
/// normalized [`DeclineCode`]. The family's documents name no decline codes of their own (the
/// processor's pass through), so the table holds the core words and their common aliases;
/// the gateway's code is always kept beside it in [`Failure::gateway_code`].
///
/// | `error_code` (any case) | decline code | why |
/// |---|---|---|
/// | `card_declined`, `insufficient_funds`, `expired_card`, `incorrect_cvc`, `invalid_cvc`, `incorrect_number`, `invalid_number`, `invalid_expiry_date`, `incorrect_zip`, `incorrect_address`, `incorrect_pin`, `processing_error`, `call_issuer`, `pick_up_card`, `config_error`, `test_mode_live_card`, `unsupported_feature`, `invalid_amount`, `fraud_suspected`, `authentication_required` | the same word | a core word |
/// | `do_not_honor`, `do_not_honour`, `generic_decline`, `declined` | `card_declined` | |
/// | `lost_card`, `stolen_card`, `pickup_card` | `pick_up_card` | |
/// | `fraudulent`, `suspected_fraud` | `fraud_suspected` | |
/// | anything else | none | only `gateway_code` |
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

// ---- core requests -> request bodies ----

/// The fields of `POST /payments` both gateways fill alike, after the checks both make: the
/// core rules ([`CreatePayment::validate`]), the amount at most [`MAX_AMOUNT_MINOR`], a
/// payment method when `confirm` is true (Hyperswitch confirms with one), a saved customer's
/// id ([`check_id`]). One-off customer details go top level (`email`, `name`, `phone`,
/// `phone_country_code`), since Hyperswitch's `customer` object needs an id. The connector
/// adds the payment method, billing, order lines and whatever else its guide names.
pub fn create_body(req: &CreatePayment) -> Result<PaymentCreateRequest> {
    req.validate()?;
    let amount = wire_amount(req.amount, "payment")?;
    if req.confirm && req.payment_method.is_none() {
        return Err(Error::invalid_request(
            "a one-step payment (confirm: true) needs a payment method; create with \
             confirm: false and attach it with confirm_payment",
        ));
    }
    let mut body = PaymentCreateRequest {
        amount,
        currency: req.amount.currency().code().to_owned(),
        confirm: req.confirm,
        capture_method: capture_method_word(req.capture),
        description: req.description.clone(),
        return_url: req.return_url.clone(),
        metadata: metadata_to_wire(&req.metadata),
        ..PaymentCreateRequest::default()
    };
    match &req.customer {
        None => {}
        Some(PaymentCustomer::Existing(id)) => {
            body.customer_id = Some(check_id("customer_id", id.as_str())?.to_owned());
        }
        Some(PaymentCustomer::Inline(details)) => {
            body.email = details.email.clone();
            body.name = details.name.clone();
            body.phone = details.phone.as_ref().map(|p| p.number.clone());
            body.phone_country_code = details.phone.as_ref().map(|p| p.country_code.clone());
        }
    }
    Ok(body)
}

/// `payment_method_data` for a card.
pub fn card_data(card: &paymux_core::Card) -> PaymentMethodData {
    PaymentMethodData { card: CardData::from_card(card) }
}

/// The body of `POST /payments/{id}/capture`: the amount (positive, at most
/// [`MAX_AMOUNT_MINOR`]; absent captures everything capturable) and
/// `CapturePayment::statement_descriptor` as the suffix.
pub fn capture_body(req: &CapturePayment) -> Result<PaymentCaptureRequest> {
    Ok(PaymentCaptureRequest {
        amount_to_capture: positive_amount(req.amount, "capture")?,
        statement_descriptor_prefix: None,
        statement_descriptor_suffix: req.statement_descriptor.clone(),
    })
}

/// The body of `POST /payments/{id}/cancel`.
pub fn cancel_body(req: &CancelPayment) -> PaymentCancelRequest {
    PaymentCancelRequest { cancellation_reason: req.reason.clone() }
}

/// The body of `POST /refunds`, after the checks both gateways make: the payment id
/// ([`check_id`]), the caller's `merchant_refund_id` as `refund_id` (the rule of ids in a
/// path, at most [`MAX_REFUND_ID_LEN`] characters), a reason of at most
/// [`MAX_REFUND_REASON_LEN`] characters, a positive amount at most [`MAX_AMOUNT_MINOR`].
pub fn refund_body(req: &CreateRefund) -> Result<RefundCreateRequest> {
    check_id("payment_id", req.payment_id.as_str())?;
    let refund_id = match &req.merchant_refund_id {
        Some(id) => Some(
            paymux_core::transport::path_segment("merchant_refund_id", id, MAX_REFUND_ID_LEN)?
                .to_owned(),
        ),
        None => None,
    };
    let reason = req.reason.as_ref().map(|r| r.as_text().to_owned());
    if reason.as_ref().is_some_and(|r| r.chars().count() > MAX_REFUND_REASON_LEN) {
        return Err(Error::invalid_request(format!(
            "refund reason must be at most {MAX_REFUND_REASON_LEN} characters"
        )));
    }
    Ok(RefundCreateRequest {
        payment_id: req.payment_id.as_str().to_owned(),
        refund_id,
        amount: positive_amount(req.amount, "refund")?,
        reason,
        refund_type: None,
        metadata: metadata_to_wire(&req.metadata),
    })
}

/// The body of `POST /customers` for a core [`CreateCustomer`] (no merchant-chosen id: the
/// gateway issues it).
pub fn customer_body(req: &CreateCustomer) -> CustomerRequest {
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

/// Where a list starts: nothing for the first page, then the `next` of the previous page
/// ([`PageCursor::Offset`]). The family pages by offset: any other cursor is an
/// `InvalidRequest` rather than a silently different page.
pub fn offset(cursor: Option<&PageCursor>) -> Result<Option<u64>> {
    match cursor {
        None => Ok(None),
        Some(PageCursor::Offset(n)) => Ok(Some(*n)),
        Some(_) => Err(Error::invalid_request(
            "this gateway pages by offset: pass the `next` cursor of the previous page",
        )),
    }
}

/// A page size clamped to 1..=[`MAX_LIST_LIMIT`], [`DEFAULT_LIST_LIMIT`] when not given.
pub fn page_limit(limit: Option<u32>) -> u32 {
    limit.unwrap_or(DEFAULT_LIST_LIMIT).clamp(1, MAX_LIST_LIMIT)
}

/// The flattened time range of the list filters (`start_time`, `end_time`, RFC 3339 in UTC)
/// for "created at or after `from`" and "at or before `to`".
///
/// Hyperswitch's range needs its start (a range with only an end is dropped without a word,
/// and the list comes back unfiltered): an end alone goes with the Unix epoch as its start. A
/// start alone ends now (the gateway's default).
pub fn time_range(
    from: Option<OffsetDateTime>,
    to: Option<OffsetDateTime>,
) -> Result<(Option<String>, Option<String>)> {
    let start = match (from, to) {
        (Some(from), _) => Some(format_time(from)?),
        (None, Some(_)) => Some(format_time(OffsetDateTime::UNIX_EPOCH)?),
        (None, None) => None,
    };
    Ok((start, to.map(format_time).transpose()?))
}

/// A `currency: [..]` filter for one currency.
pub fn currency_filter(currency: Option<Currency>) -> Option<Vec<String>> {
    currency.map(|c| vec![c.code().to_owned()])
}

/// The body of `POST /payments/list` (Hyperswitch's `PaymentListFilterConstraints`) for a core
/// [`ListPayments`].
///
/// The limit is clamped ([`page_limit`]); pages by [`offset`]. The status goes out as every
/// `IntentStatus` word that reads as it ([`payment_status_filter`]), the creation window as
/// [`time_range`], the merchant reference as `merchant_order_reference_id` (1 to
/// [`MAX_ORDER_REFERENCE_LEN`] characters), the customer as a gateway id ([`check_id`]).
pub fn list_body(query: &ListPayments) -> Result<PaymentListRequest> {
    let offset = offset(query.cursor.as_ref())?;
    if let Some(reference) = &query.merchant_reference {
        let len = reference.chars().count();
        if reference.trim().is_empty() || len > MAX_ORDER_REFERENCE_LEN {
            return Err(Error::invalid_request(format!(
                "merchant reference filter must be 1 to {MAX_ORDER_REFERENCE_LEN} characters"
            )));
        }
    }
    if let Some(customer) = &query.customer {
        check_id("customer id", customer.as_str())?;
    }
    let (start_time, end_time) = time_range(query.created_from, query.created_to)?;
    Ok(PaymentListRequest {
        limit: page_limit(query.limit),
        offset,
        customer_id: query.customer.as_ref().map(|c| c.as_str().to_owned()),
        merchant_order_reference_id: query.merchant_reference.clone(),
        start_time,
        end_time,
        status: query
            .status
            .map(|s| payment_status_filter(s).into_iter().map(str::to_owned).collect()),
        currency: None,
    })
}

/// What both connectors' refund lists filter by (`POST /refunds/list`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefundFilter {
    /// Only refunds of this payment.
    pub payment_id: Option<PaymentId>,
    /// Page size, clamped to 1..=[`MAX_LIST_LIMIT`] ([`DEFAULT_LIST_LIMIT`] when not given).
    pub limit: Option<u32>,
    /// The `next` of the previous page ([`PageCursor::Offset`]).
    pub cursor: Option<PageCursor>,
    /// Created at or after.
    pub created_from: Option<OffsetDateTime>,
    /// Created at or before.
    pub created_to: Option<OffsetDateTime>,
    /// Only refunds in this status.
    pub status: Option<RefundStatus>,
    /// Only refunds in this currency.
    pub currency: Option<Currency>,
}

/// The body of `POST /refunds/list` (Hyperswitch's `RefundListRequest`): refunds newest first,
/// paged by [`offset`] with a clamped [`page_limit`]; the payment id is checked
/// ([`check_id`]), the status goes out as every word that reads as it
/// ([`refund_status_filter`]), the window as [`time_range`]. A status no family refund can
/// have (`Cancelled`) is an `InvalidRequest`: an empty `refund_status` would filter nothing.
pub fn refund_list_body(filter: &RefundFilter) -> Result<RefundListRequest> {
    let offset = offset(filter.cursor.as_ref())?;
    if let Some(id) = &filter.payment_id {
        check_id("payment_id", id.as_str())?;
    }
    let refund_status = match filter.status {
        None => None,
        Some(status) => {
            let words = refund_status_filter(status);
            if words.is_empty() {
                return Err(Error::invalid_request(format!(
                    "this gateway has no refund status that reads as {status}"
                )));
            }
            Some(words.into_iter().map(str::to_owned).collect())
        }
    };
    let (start_time, end_time) = time_range(filter.created_from, filter.created_to)?;
    Ok(RefundListRequest {
        limit: page_limit(filter.limit),
        offset,
        payment_id: filter.payment_id.as_ref().map(|id| id.as_str().to_owned()),
        start_time,
        end_time,
        refund_status,
        currency: currency_filter(filter.currency),
    })
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

// ---- answers -> core ----

/// A payment answer as a core [`Payment`] held by `provider`.
///
/// `amount_received` (what has been captured) fills both `amount_received` and
/// `amount_captured`. `next_action` is kept only when the status is
/// [`RequiresAction`](PaymentStatus::RequiresAction) (the core contract: a payment held for
/// review or in conflict has nothing for the customer to do): one with `redirect_to_url`
/// becomes [`NextAction::Redirect`], any other [`NextAction::Instructions`]. A customer status
/// (`requires_customer_action`, `requires_redirection`) without a `next_action` reads as
/// [`Processing`](PaymentStatus::Processing), as on every gateway: `RequiresAction` always
/// says where the customer goes, and without that the caller can only wait.
/// `amount_capturable` is kept only when the status is
/// [`RequiresCapture`](PaymentStatus::RequiresCapture) (below `amount` after a partial
/// authorization); when the gateway leaves it out there, it is the amount (Hyperswitch sends
/// it on every answer, and an authorization that does not say otherwise is for the amount
/// asked). An `error_code`/`error_message`, or a `failed` status, gives a [`Failure`] (a
/// failed payment always has one, empty when the gateway says nothing).
///
/// An amount that is not money (negative, a currency outside ISO 4217 or without a minor
/// unit) is an [`InvalidResponse`](paymux_core::ErrorKind::InvalidResponse): the family's
/// amounts are minor-unit integers in Hyperswitch's ISO currency enum, so such an answer is
/// not the documented shape. Webhooks read the same object without refusing it
/// ([`parse_event`](crate::parse_event)).
pub fn to_payment(provider: &ProviderId, wire: &PaymentResponse) -> Result<Payment> {
    let status = payment_status(&wire.status);
    let amount = money(wire.amount, &wire.currency)?;
    let received = wire.amount_received.map(|r| money(r, &wire.currency)).transpose()?;
    let capturable = wire
        .amount_capturable
        .filter(|_| status == PaymentStatus::RequiresCapture)
        .map(|c| money(c, &wire.currency))
        .transpose()?;
    Ok(payment_from_parts(provider, wire, amount, received, capturable))
}

/// The payment of an answer whose amounts are already read as money (`capturable` only for a
/// payment awaiting capture): [`to_payment`] reads them strictly, a webhook notes what it
/// cannot read. The amounts in `wire` are not looked at again.
pub(crate) fn payment_from_parts(
    provider: &ProviderId,
    wire: &PaymentResponse,
    amount: Money,
    received: Option<Money>,
    capturable: Option<Money>,
) -> Payment {
    let status = match payment_status(&wire.status) {
        PaymentStatus::RequiresAction if wire.next_action.is_none() => PaymentStatus::Processing,
        status => status,
    };
    let mut p = Payment::new(
        PaymentId::new(wire.payment_id.clone()),
        provider.clone(),
        status,
        wire.status.clone(),
        amount,
    );
    p.amount_received = received;
    p.amount_captured = received;
    if status == PaymentStatus::RequiresCapture {
        // The contract: a payment awaiting capture says how much can be captured.
        p.amount_capturable = Some(capturable.unwrap_or(amount));
    }
    p.capture_mode = wire.capture_method.as_deref().and_then(capture_mode);
    p.merchant_reference = wire.merchant_order_reference_id.clone();
    p.description = wire.description.clone();
    p.customer_id = wire.customer_id.clone().map(CustomerId::from_gateway);
    let action = wire.next_action.as_ref().filter(|_| status == PaymentStatus::RequiresAction);
    p.next_action = action.map(|a| match &a.redirect_to_url {
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
    p
}

/// A refund answer as a core [`Refund`] held by `provider`.
pub fn to_refund(provider: &ProviderId, wire: &RefundResponse) -> Result<Refund> {
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

/// A customer answer as a core [`Customer`]. The phone is kept only when both the number and
/// its country code are present.
pub fn to_customer(provider: &ProviderId, wire: &CustomerResponse) -> Customer {
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

/// Turns a list answer into a [`Page`], given the `offset` and `limit` that were sent.
///
/// `has_more` comes from `total_count` when the gateway sends it, else from a full page;
/// `next` is the offset after this page.
pub fn to_page<T, U>(
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
