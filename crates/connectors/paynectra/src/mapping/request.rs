//! Core requests -> Paynectra's bodies and queries. Everything the crate docs refuse is
//! refused here, before any request.

use paymux_core::{
    CancelPayment, CaptureMode, CapturePayment, CreateCustomer, CreatePayment, CreateRefund,
    Currency, Error, ListPayments, Metadata, Money, PageCursor, Payment, PaymentCustomer,
    PaymentMethod, PaymentStatus, RefundReason, Result,
};
use time::OffsetDateTime;

use super::{MERCHANT_REFERENCE_KEY, MERCHANT_REFUND_ID_KEY};
use crate::ListRefunds;
use crate::client::{Query, path_id};
use crate::wire;

/// Largest page Paynectra serves.
pub const MAX_PAGE_SIZE: u32 = 100;

/// Largest amount sent, in minor units: 99,999,999 (eight digits). Paynectra documents no
/// maximum; the decision follows Stripe's conventions, as the rest of the API does, and
/// Stripe's documented maximum is eight digits of the currency's smallest unit (99,999,999:
/// $999,999.99). See the crate docs, "Amounts".
pub const MAX_AMOUNT_MINOR: i64 = 99_999_999;

/// `POST /v1/payments`: the request checked (no card data, a saved customer only, the
/// merchant reference free in metadata, the amount within [`MAX_AMOUNT_MINOR`]).
pub(crate) fn create_body(req: CreatePayment) -> Result<wire::CreatePaymentBody> {
    req.validate()?;
    if let Some(PaymentMethod::Card(_)) = &req.payment_method {
        return Err(Error::invalid_request(
            "Paynectra collects card details with its JS SDK or hosted page; \
             create the payment without a card and send the customer there",
        ));
    }
    let customer_id = match &req.customer {
        None => None,
        Some(PaymentCustomer::Existing(id)) => Some(path_id("customer", id.as_str())?.to_owned()),
        Some(PaymentCustomer::Inline(_)) => {
            return Err(Error::invalid_request(
                "Paynectra payments take a saved customer only: create one with \
                 create_customer and pass its id",
            ));
        }
    };
    let metadata =
        metadata_with(req.metadata, MERCHANT_REFERENCE_KEY, req.merchant_reference.as_ref())?;
    Ok(wire::CreatePaymentBody {
        amount: amount_to_wire(req.amount, "payment")?,
        currency: currency_to_wire(req.amount.currency()),
        customer_id,
        description: req.description,
        capture_method: match req.capture {
            CaptureMode::Automatic => "automatic",
            CaptureMode::Manual => "manual",
        },
        metadata,
        return_url: req.return_url,
    })
}

/// `POST /v1/payments/:id/capture`: `amount_to_capture` only. Paynectra documents no statement
/// descriptor, so a capture's `statement_descriptor` is not sent (it changes nothing about
/// the money, like a cancel's reason; the crate docs say so).
pub(crate) fn capture_body(req: CapturePayment) -> Result<wire::CaptureBody> {
    Ok(wire::CaptureBody { amount_to_capture: partial_amount(req.amount, "capture")? })
}

/// `POST /v1/payments/:id/cancel`: Paynectra documents no cancel parameters, so the
/// free-text reason is not sent.
pub(crate) fn cancel_body(_req: &CancelPayment) -> wire::CancelBody {
    wire::CancelBody {}
}

/// `POST /v1/refunds`.
pub(crate) fn refund_body(req: CreateRefund) -> Result<wire::CreateRefundBody> {
    path_id("payment", req.payment_id.as_str())?;
    let reason = req.reason.as_ref().map(refund_reason).transpose()?;
    let metadata =
        metadata_with(req.metadata, MERCHANT_REFUND_ID_KEY, req.merchant_refund_id.as_ref())?;
    Ok(wire::CreateRefundBody {
        amount: partial_amount(req.amount, "refund")?,
        payment_id: req.payment_id.into_inner(),
        reason,
        metadata,
    })
}

/// `POST /v1/customers`.
pub(crate) fn customer_body(req: CreateCustomer) -> Result<wire::CreateCustomerBody> {
    if req.description.is_some() {
        // The guide's customer parameters are email, name, phone, address and metadata.
        return Err(Error::invalid_request(
            "Paynectra customers have no description; put it in metadata",
        ));
    }
    let phone = req.phone.as_ref().map(|p| p.to_e164()).transpose()?;
    let address = req.address.map(address_body).transpose()?;
    Ok(wire::CreateCustomerBody {
        email: req.email,
        name: req.name,
        phone,
        address,
        metadata: req.metadata,
    })
}

/// A customer address in the guide's four parts (`line1`, `city`, `postal_code`, `country`).
/// A `line2` or `state` is refused rather than dropped: the customer's address on record would
/// silently be another one. The person's names are not sent (a customer's name is `name`).
fn address_body(a: paymux_core::Address) -> Result<wire::AddressBody> {
    for (part, value) in [("line2", &a.line2), ("state", &a.state)] {
        if value.as_deref().is_some_and(|v| !v.is_empty()) {
            return Err(Error::invalid_request(format!(
                "Paynectra customer addresses take line1, city, postal_code and country; \
                 address.{part} cannot be sent (fold it into line1 or leave it out)"
            )));
        }
    }
    Ok(wire::AddressBody {
        line1: a.line1,
        city: a.city,
        postal_code: a.postal_code,
        country: a.country,
    })
}

/// The query of `GET /v1/payments`.
pub(crate) fn payments_query(query: &ListPayments) -> Result<Query> {
    if query.merchant_reference.is_some() {
        return Err(Error::invalid_request(
            "Paynectra cannot filter payments by merchant reference",
        ));
    }
    let mut q = page_query(query.limit, query.cursor.as_ref())?;
    if let Some(c) = &query.customer {
        q.push(("customer", path_id("customer", c.as_str())?.to_owned()));
    }
    if let Some(status) = query.status {
        q.push(("status", status_filter(status)?.to_owned()));
    }
    push_created(&mut q, query.created_from, query.created_to);
    Ok(q)
}

/// The query of `GET /v1/refunds`.
pub(crate) fn refunds_query(query: &ListRefunds) -> Result<Query> {
    let mut q = page_query(query.limit, query.cursor.as_ref())?;
    if let Some(p) = &query.payment {
        q.push(("payment", path_id("payment", p.as_str())?.to_owned()));
    }
    push_created(&mut q, query.created_from, query.created_to);
    Ok(q)
}

/// Refuses `amount` when its currency is not `payment`'s: minor units sent against the wrong
/// currency would move the wrong amount of money.
pub(crate) fn same_currency(payment: &Payment, amount: Money) -> Result<()> {
    let held = payment.amount.map(|a| a.currency());
    if held != Some(amount.currency()) {
        // A payment in a currency Money cannot hold states it in `gateway_amount`.
        let held = match (held, &payment.gateway_amount) {
            (Some(c), _) => c.code().to_owned(),
            (None, Some(g)) => g.currency.clone(),
            (None, None) => "an unknown currency".to_owned(),
        };
        return Err(Error::invalid_request(format!(
            "payment {} is in {held} but the amount is in {}",
            payment.id,
            amount.currency().code()
        )));
    }
    Ok(())
}

/// A core currency -> the lowercase wire code (`"usd"`).
pub(crate) fn currency_to_wire(currency: Currency) -> String {
    currency.code().to_ascii_lowercase()
}

/// An amount as it goes on the wire (minor units), refused above [`MAX_AMOUNT_MINOR`]; `what`
/// names it in the message.
fn amount_to_wire(money: Money, what: &str) -> Result<i64> {
    let minor = money.amount_minor();
    if minor > MAX_AMOUNT_MINOR {
        return Err(Error::invalid_request(format!(
            "{what} amount {money} is above Paynectra's maximum of {MAX_AMOUNT_MINOR} minor units"
        )));
    }
    Ok(minor)
}

/// A capture or refund amount: positive and within [`MAX_AMOUNT_MINOR`], checked before the
/// currency check reads the payment.
fn partial_amount(amount: Option<Money>, what: &str) -> Result<Option<i64>> {
    match amount {
        Some(m) if m.is_zero() => {
            Err(Error::invalid_request(format!("{what} amount must be positive")))
        }
        Some(m) => amount_to_wire(m, what).map(Some),
        None => Ok(None),
    }
}

/// `metadata` with `value` under the reserved `key`; a different value the caller already put
/// there is refused rather than overwritten.
fn metadata_with(mut metadata: Metadata, key: &str, value: Option<&String>) -> Result<Metadata> {
    if let Some(value) = value {
        match metadata.get(key) {
            Some(existing) if existing != value => {
                return Err(Error::invalid_request(format!(
                    "metadata key {key:?} is reserved for the {key} ({value:?}) but holds {existing:?}"
                )));
            }
            _ => {
                metadata.insert(key.to_owned(), value.clone());
            }
        }
    }
    Ok(metadata)
}

/// A core refund reason -> Paynectra's word. `Other(text)` is refused (nothing is sent) unless
/// the text is one of the gateway's three words: Paynectra takes an enum, and guessing which
/// word a free text means would put a wrong reason on the merchant's record. Put free text in
/// the refund's metadata instead.
fn refund_reason(reason: &RefundReason) -> Result<&'static str> {
    match reason {
        RefundReason::Duplicate => Ok("duplicate"),
        RefundReason::Fraudulent => Ok("fraudulent"),
        RefundReason::RequestedByCustomer => Ok("customer_request"),
        RefundReason::Other(text) => match text.as_str() {
            "duplicate" => Ok("duplicate"),
            "fraudulent" => Ok("fraudulent"),
            "customer_request" | "requested_by_customer" => Ok("customer_request"),
            _ => Err(Error::invalid_request(format!(
                "Paynectra refund reasons are duplicate, fraudulent or customer_request; \
                 {text:?} is not one of them (put free text in the refund's metadata)"
            ))),
        },
    }
}

/// A core status -> the list filter word the guide documents (`pending`, `succeeded`,
/// `failed`, `cancelled`). `pending` holds two statuses (a hosted page waiting for the
/// customer is `RequiresAction`, the rest `Processing`), so the page keeps only the payments
/// in the status asked for ([`super::to_payment_page`]). `requires_capture` is not a
/// documented filter: a `RequiresCapture` filter is refused like any status without one.
fn status_filter(status: PaymentStatus) -> Result<&'static str> {
    match status {
        PaymentStatus::Processing | PaymentStatus::RequiresAction => Ok("pending"),
        PaymentStatus::Succeeded => Ok("succeeded"),
        PaymentStatus::Failed => Ok("failed"),
        PaymentStatus::Cancelled => Ok("cancelled"),
        other => Err(Error::invalid_request(format!(
            "Paynectra cannot filter payments by status {other}; it filters by pending \
             (Processing or RequiresAction), succeeded, failed and cancelled"
        ))),
    }
}

/// `limit` and the cursor, common to both lists.
fn page_query(limit: Option<u32>, cursor: Option<&PageCursor>) -> Result<Query> {
    let mut q = Query::new();
    if let Some(limit) = limit {
        q.push(("limit", limit.clamp(1, MAX_PAGE_SIZE).to_string()));
    }
    match cursor {
        None => {}
        Some(PageCursor::After(id)) => {
            q.push(("starting_after", path_id("cursor", id)?.to_owned()))
        }
        Some(PageCursor::Before(id)) => {
            q.push(("ending_before", path_id("cursor", id)?.to_owned()))
        }
        Some(PageCursor::Offset(_)) => {
            return Err(Error::invalid_request(
                "Paynectra pages with cursors (starting_after / ending_before), not offsets",
            ));
        }
    }
    Ok(q)
}

/// `created[gte]` / `created[lte]` in unix seconds; the transport percent-encodes the brackets,
/// which every form decoder reads back as brackets.
fn push_created(q: &mut Query, from: Option<OffsetDateTime>, to: Option<OffsetDateTime>) {
    if let Some(from) = from {
        q.push(("created[gte]", from.unix_timestamp().to_string()));
    }
    if let Some(to) = to {
        q.push(("created[lte]", to.unix_timestamp().to_string()));
    }
}
