//! Core requests to Paychtec bodies, with the guide's rules checked before anything is sent,
//! and Paychtec's answers to the core model. What Paychtec shares with paymnt.cloud (status
//! words, the error body, the common fields of every body, refunds, customers, list paging)
//! is mapped once by [`paymux_hyperswitch_family::mapping`]; this module adds what Paychtec's
//! guide names.

use paymux_core::{
    BillingDetails, CapturePayment, ConfirmPayment, CreateCustomer, CreatePayment, CreatePayout,
    CreateRefund, Currency, CustomerId, Error, ErrorKind, IdempotencyKey, ListPayments, Metadata,
    OrderLine, Payment, PaymentMethod, ProviderId, Result,
};
use paymux_hyperswitch_family as family;
use paymux_hyperswitch_family::mapping::{
    RefundFilter, billing_to_wire, capture_method_word, card_data, check_id, currency_filter,
    format_time, id_from_key, metadata_to_wire, positive_wire_amount, wire_amount,
};

use crate::wire::{
    BillingData, CustomerRequest, OrderDetail, PaymentCaptureRequest, PaymentConfirmRequest,
    PaymentCreateRequest, PaymentLinkCreateRequest, PaymentListRequest, PaymentMethodData,
    PaymentResponse, PaymentUpdateRequest, RefundCreateRequest, RefundListRequest,
};
use crate::{
    BrowserInfo, CardType, CreatePaymentLink, PaychtecCaptureOptions, PaychtecConfirmOptions,
    PaychtecCustomerOptions, PaychtecPaymentOptions, PaychtecPayoutOptions, PaychtecRefundOptions,
    RefundListQuery, UpdatePayment,
};

pub(crate) use paymux_hyperswitch_family::mapping::to_payout;
pub(crate) use paymux_hyperswitch_family::{
    cancel_body, error_parser, to_customer, to_page, to_refund,
};

/// The metadata key the merchant reference travels under (the guide's example,
/// `metadata.order_id`, which webhooks echo back).
const ORDER_ID_KEY: &str = "order_id";

/// `billing`, which the guide requires with an address and a phone.
fn billing(b: &BillingDetails) -> Result<BillingData> {
    if b.address.is_none() {
        return Err(Error::invalid_request(
            "Paychtec requires a billing address with the payment method (billing.address)",
        ));
    }
    if b.phone.is_none() {
        return Err(Error::invalid_request(
            "Paychtec requires a billing phone with the payment method (billing.phone)",
        ));
    }
    Ok(billing_to_wire(b))
}

/// `payment_method`, `payment_method_type`, `payment_method_data` and `billing`.
type MethodFields =
    (Option<&'static str>, Option<String>, Option<PaymentMethodData>, Option<BillingData>);

/// The payment method fields plus `billing`, on the guide's rule that `billing` travels with
/// `payment_method_data`: a card without billing, or billing without a card, is refused.
fn method_fields(
    method: Option<&PaymentMethod>,
    billing_details: Option<&BillingDetails>,
    card_type: Option<CardType>,
    operation: &str,
) -> Result<MethodFields> {
    match (method, billing_details) {
        (None, None) => Ok((None, None, None, None)),
        (None, Some(_)) => Err(Error::invalid_request(format!(
            "Paychtec takes billing on the request that sends the payment method: \
             billing without a payment method on {operation} is refused (give both together)"
        ))),
        (Some(PaymentMethod::HostedPage), _) => Err(Error::new(
            ErrorKind::Unsupported,
            "Paychtec payments take direct payment details; for a hosted page use \
             Paychtec::create_payment_link",
        )),
        (Some(PaymentMethod::Card(_)), None) => Err(Error::invalid_request(format!(
            "Paychtec requires billing (address and phone) with the card on {operation}"
        ))),
        (Some(PaymentMethod::Card(card)), Some(b)) => Ok((
            Some("card"),
            Some(card_type.unwrap_or_default().as_str().to_owned()),
            Some(card_data(card)),
            Some(billing(b)?),
        )),
        (Some(other), _) => Err(Error::new(
            ErrorKind::Unsupported,
            format!("payment method {} is not supported by the Paychtec connector", other.kind()),
        )),
    }
}

/// Order lines as `order_details` (`name`, unit price in minor units, its `currency`).
fn order_details(lines: &[OrderLine]) -> Result<Option<Vec<OrderDetail>>> {
    if lines.is_empty() {
        return Ok(None);
    }
    let details = lines.iter().map(|l| {
        if l.quantity == 0 {
            return Err(Error::invalid_request(format!("order line {:?} has quantity 0", l.name)));
        }
        Ok(OrderDetail {
            name: Some(l.name.clone()),
            product_name: None,
            quantity: l.quantity,
            amount: wire_amount(l.unit_amount, "order line")?,
            currency: Some(l.unit_amount.currency().code().to_owned()),
        })
    });
    details.collect::<Result<Vec<_>>>().map(Some)
}

/// The metadata with the merchant reference as `order_id`; a different `order_id` already in
/// the metadata is refused.
fn metadata_with_reference(
    metadata: &Metadata,
    reference: Option<&str>,
) -> Result<Option<Metadata>> {
    let mut m = metadata.clone();
    if let Some(reference) = reference {
        match m.get(ORDER_ID_KEY) {
            Some(existing) if existing != reference => {
                return Err(Error::invalid_request(format!(
                    "merchant_reference {reference:?} conflicts with metadata.{ORDER_ID_KEY} \
                     {existing:?}: the reference travels as metadata.{ORDER_ID_KEY}"
                )));
            }
            _ => {
                m.insert(ORDER_ID_KEY.to_owned(), reference.to_owned());
            }
        }
    }
    Ok(metadata_to_wire(&m))
}

/// A customer id for a body, checked like any id sent.
fn customer_id(customer: Option<CustomerId>) -> Result<Option<String>> {
    customer.map(|id| check_id("customer_id", id.as_str()).map(str::to_owned)).transpose()
}

/// A `payment_id` derived from the idempotency key: `pay_` and the first 26 hex digits of
/// HMAC-SHA256(key = `"paychtec-payment-id"`, message = the idempotency key), 30 characters as
/// Hyperswitch's `payment_id`. Deterministic, so every attempt of one logical create (and a
/// caller's retry with the same key) names the same payment, and the gateway answers a second
/// create duplicate instead of charging twice.
fn payment_id_from_key(key: &IdempotencyKey) -> String {
    id_from_key("pay_", b"paychtec-payment-id", key)
}

/// The body of `POST /payments` for the call whose idempotency key is `key`: the family's
/// checks and common fields, then the guide's: `profile_id`, `payment_id` (the options', else
/// derived from the key), card and billing together, `order_details`, the reference as
/// `metadata.order_id`, the options.
pub(crate) fn create_body(
    req: &CreatePayment,
    profile_id: &str,
    key: &IdempotencyKey,
) -> Result<PaymentCreateRequest> {
    let mut body = family::create_body(req)?;
    let options = req.extensions.get::<PaychtecPaymentOptions>().cloned().unwrap_or_default();
    if let Some(id) = &options.payment_id {
        check_id("payment_id", id)?;
    }
    (body.payment_method, body.payment_method_type, body.payment_method_data, body.billing) =
        method_fields(
            req.payment_method.as_ref(),
            req.billing.as_ref(),
            options.card_type,
            "create_payment",
        )?;
    body.profile_id = Some(profile_id.to_owned());
    body.payment_id = Some(options.payment_id.unwrap_or_else(|| payment_id_from_key(key)));
    body.authentication_type = options.authentication_type;
    body.browser_info = options.browser_info;
    body.order_details = order_details(&req.order_lines)?;
    body.metadata = metadata_with_reference(&req.metadata, req.merchant_reference.as_deref())?;
    Ok(body)
}

/// The body of `POST /payments/:id/confirm`; `customer_ip` becomes `browser_info.ip_address`
/// (refused when the options' `browser_info` names another).
pub(crate) fn confirm_body(req: &ConfirmPayment) -> Result<PaymentConfirmRequest> {
    let options = req.extensions.get::<PaychtecConfirmOptions>().cloned().unwrap_or_default();
    let (payment_method, payment_method_type, payment_method_data, billing) = method_fields(
        req.payment_method.as_ref(),
        req.billing.as_ref(),
        options.card_type,
        "confirm_payment",
    )?;
    let mut browser_info = options.browser_info;
    if let Some(ip) = req.customer_ip {
        let ip = ip.to_string();
        let info = browser_info.get_or_insert_with(BrowserInfo::default);
        match &info.ip_address {
            Some(existing) if *existing != ip => {
                return Err(Error::invalid_request(
                    "customer_ip and browser_info.ip_address differ",
                ));
            }
            _ => info.ip_address = Some(ip),
        }
    }
    Ok(PaymentConfirmRequest {
        payment_method,
        payment_method_type,
        payment_method_data,
        billing,
        return_url: req.return_url.clone(),
        browser_info,
    })
}

/// The body of `POST /payments/:id/capture`. `statement_descriptor` is the suffix (the
/// per-order part); the prefix, or an explicit suffix, come from [`PaychtecCaptureOptions`].
/// A suffix given both ways with different values is refused.
pub(crate) fn capture_body(req: &CapturePayment) -> Result<PaymentCaptureRequest> {
    let options = req.extensions.get::<PaychtecCaptureOptions>().cloned().unwrap_or_default();
    let mut body = family::capture_body(req)?;
    body.statement_descriptor_suffix =
        match (body.statement_descriptor_suffix, options.statement_descriptor_suffix) {
            (Some(a), Some(b)) if a != b => {
                return Err(Error::invalid_request(
                    "statement_descriptor and PaychtecCaptureOptions::statement_descriptor_suffix \
                     differ",
                ));
            }
            (a, b) => a.or(b),
        };
    body.statement_descriptor_prefix = options.statement_descriptor_prefix;
    Ok(body)
}

/// A `refund_id` derived from the idempotency key: `ref_` and the first 26 hex digits of
/// HMAC-SHA256(key = `"paychtec-refund-id"`, message = the idempotency key). Deterministic,
/// so every retry of one logical refund names the same refund; 30 characters, as the gateway
/// allows at most.
fn refund_id_from_key(key: &IdempotencyKey) -> String {
    id_from_key("ref_", b"paychtec-refund-id", key)
}

/// The body of `POST /refunds` for the call whose idempotency key is `key`: the family's
/// checks and fields; `refund_id` is the caller's `merchant_refund_id`, else derived from the
/// key; `refund_type` from [`PaychtecRefundOptions`] (`Instant` by default).
pub(crate) fn refund_body(req: &CreateRefund, key: &IdempotencyKey) -> Result<RefundCreateRequest> {
    let mut body = family::refund_body(req)?;
    body.refund_id.get_or_insert_with(|| refund_id_from_key(key));
    let options = req.extensions.get::<PaychtecRefundOptions>().cloned().unwrap_or_default();
    body.refund_type = Some(options.refund_type.as_str());
    Ok(body)
}

/// The body of `POST /customers`, with the options' merchant-chosen `customer_id`.
pub(crate) fn create_customer_body(req: &CreateCustomer) -> Result<CustomerRequest> {
    let options = req.extensions.get::<PaychtecCustomerOptions>().cloned().unwrap_or_default();
    if let Some(id) = &options.customer_id {
        check_id("customer_id", id)?;
    }
    Ok(CustomerRequest { customer_id: options.customer_id, ..family::customer_body(req) })
}

/// The body of `POST /customers/:id`; an id in the options is refused (it cannot change).
pub(crate) fn update_customer_body(req: &CreateCustomer) -> Result<CustomerRequest> {
    let options = req.extensions.get::<PaychtecCustomerOptions>();
    if options.is_some_and(|o| o.customer_id.is_some()) {
        return Err(Error::invalid_request("a customer's id cannot be changed by an update"));
    }
    Ok(family::customer_body(req))
}

/// The body of `POST /payments/list`: the family's filters plus `currency: [..]`. A merchant
/// reference filter is refused: Paychtec's payments carry the reference as
/// `metadata.order_id`, which the list cannot filter by (`merchant_order_reference_id` would
/// match none of them).
pub(crate) fn list_body(
    query: &ListPayments,
    currency: Option<Currency>,
) -> Result<PaymentListRequest> {
    if query.merchant_reference.is_some() {
        return Err(Error::invalid_request(
            "Paychtec cannot filter payments by merchant reference: it travels as \
             metadata.order_id, which the list does not filter by",
        ));
    }
    let body = family::list_body(query)?;
    Ok(PaymentListRequest { currency: currency_filter(currency), ..body })
}

/// The body of `POST /refunds/list`: the family's filters.
pub(crate) fn refund_list_body(query: &RefundListQuery) -> Result<RefundListRequest> {
    family::refund_list_body(&RefundFilter {
        payment_id: query.payment_id.clone(),
        limit: query.limit,
        cursor: query.cursor.clone(),
        created_from: query.created_from,
        created_to: query.created_to,
        status: query.status,
        currency: query.currency,
    })
}

/// The body of `POST /payments/:id`: the family's ([`family::mapping::update_body`]: only the
/// fields set, the amount positive and at most the family's maximum, order lines in its
/// currency) with the order lines as the guide's `order_details`.
pub(crate) fn update_body(req: &UpdatePayment) -> Result<PaymentUpdateRequest> {
    let order_details = match &req.order_lines {
        Some(lines) => order_details(lines)?,
        None => None,
    };
    Ok(PaymentUpdateRequest { order_details, ..family::mapping::update_body(req)? })
}

/// The body of `POST /payment_link`.
pub(crate) fn payment_link_body(req: CreatePaymentLink) -> Result<PaymentLinkCreateRequest> {
    Ok(PaymentLinkCreateRequest {
        amount: positive_wire_amount(req.amount, "payment link")?,
        currency: req.amount.currency().code().to_owned(),
        description: req.description,
        link_type: req.link_type,
        expiry: req.expiry.map(format_time).transpose()?,
        customer_id: customer_id(req.customer)?,
        send_email: req.send_email,
        email: req.email,
        capture_method: req.capture.map(capture_method_word),
        authentication_type: req.authentication_type,
        require_customer_info: req.require_customer_info,
        payment_link_config: req.config,
    })
}

/// The body of `POST /payouts/create`: the family's ([`family::mapping::payout_body`]) with
/// the [`PaychtecPayoutOptions`] (`payout_type`, `confirm` / `auto_fulfill`).
pub(crate) fn payout_body(req: &CreatePayout) -> Result<family::PayoutCreateRequest> {
    let options = req.extensions.get::<PaychtecPayoutOptions>().cloned().unwrap_or_default();
    family::mapping::payout_body(req, options.flow, options.payout_type)
}

/// A payment answer as a core [`Payment`]: the family mapping, with the merchant reference
/// read back from `metadata.order_id` where the answer has no `merchant_order_reference_id`.
pub(crate) fn to_payment(provider: &ProviderId, wire: &PaymentResponse) -> Result<Payment> {
    let mut payment = family::to_payment(provider, wire)?;
    reference_from_metadata(&mut payment);
    Ok(payment)
}

/// Reads the merchant reference back from `metadata.order_id` (answers and webhooks).
pub(crate) fn reference_from_metadata(payment: &mut Payment) {
    if payment.merchant_reference.is_none() {
        payment.merchant_reference = payment.metadata.get(ORDER_ID_KEY).cloned();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use paymux_core::{
        Address, BillingDetails, Card, CreatePayment, CreateRefund, Currency, CustomerDetails,
        IdempotencyKey, Money, OrderLine, PaymentId, Phone, RefundReason,
    };

    /// Moved from `tests/payments.rs` (the body builder is private now), with the guide's
    /// card, billing, customer and order line.
    #[test]
    fn debug_of_a_create_body_never_shows_the_card() {
        let card = Card::new("4242424242424242", 12, 2028, "123")
            .unwrap()
            .with_holder_name("Jane Customer");
        let phone = Phone { country_code: "+1".into(), number: "6502530000".into() };
        let address = Address { country: Some("US".into()), ..Address::default() };
        let usd = |minor| Money::from_minor(minor, Currency::USD).unwrap();
        let req = CreatePayment::new(usd(6540))
            .with_reference("order_123")
            .with_card(card)
            .with_billing(BillingDetails {
                address: Some(address),
                phone: Some(phone.clone()),
                email: None,
            })
            .with_customer_details(CustomerDetails {
                email: Some("customer@example.com".into()),
                name: Some("Jane Customer".into()),
                phone: Some(phone),
            })
            .with_order_line(OrderLine {
                name: "Premium plan".into(),
                quantity: 1,
                unit_amount: usd(6540),
            });
        let body =
            super::create_body(&req, "YOUR_PROFILE_ID", &IdempotencyKey::generate()).unwrap();
        let text = format!("{body:?}");
        assert!(!text.contains("4242424242424242"), "{text}");
        assert!(!text.contains("\"123\""));
    }

    /// Moved from `tests/refunds.rs`: a 30-character refund id and a 255-character reason, the
    /// limits themselves, are fine.
    #[test]
    fn the_refund_limits_themselves_are_fine() {
        let ok = CreateRefund::new(PaymentId::new("pay_1"))
            .with_merchant_refund_id("r".repeat(30))
            .with_reason(RefundReason::Other("x".repeat(255)));
        let k = IdempotencyKey::generate();
        assert!(super::refund_body(&ok, &k).is_ok());
    }
}
