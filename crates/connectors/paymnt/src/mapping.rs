//! Core requests to paymnt.cloud bodies and its answers to the core model. What paymnt.cloud
//! shares with Paychtec (status words, the error body, refunds, customers, lists, captures and
//! cancels) is mapped once by [`paymux_hyperswitch_family::mapping`]; the create and confirm
//! bodies add the fields paymnt.cloud names as Hyperswitch does.

use paymux_core::{
    ConfirmPayment, CreatePayment, CreatePayout, CreateRefund, Error, ErrorKind, IdempotencyKey,
    OrderLine, PaymentMethod, Result,
};
use paymux_hyperswitch_family as family;
use paymux_hyperswitch_family::mapping::{
    RefundFilter, billing_to_wire, card_data, id_from_key, wire_amount,
};

use crate::wire::{
    BrowserInfo, OrderDetail, PaymentConfirmRequest, PaymentCreateRequest, PaymentMethodData,
    PaymentUpdateRequest, PayoutCreateRequest, RefundCreateRequest, RefundListRequest,
};
use crate::{ListRefunds, PaymntPaymentOptions, PaymntPayoutOptions, UpdatePayment};

pub(crate) use paymux_hyperswitch_family::mapping::to_payout;
pub(crate) use paymux_hyperswitch_family::{
    cancel_body, capture_body, customer_body, error_parser, list_body, to_customer, to_page,
    to_payment, to_refund,
};

/// `payment_method`, `payment_method_type` (from the options, with a card only) and
/// `payment_method_data`. Only cards are sent.
type MethodFields = (Option<&'static str>, Option<String>, Option<PaymentMethodData>);

fn method_fields(
    method: Option<&PaymentMethod>,
    options: Option<&PaymntPaymentOptions>,
) -> Result<MethodFields> {
    match method {
        None => Ok((None, None, None)),
        Some(PaymentMethod::Card(card)) => Ok((
            Some("card"),
            options.and_then(|o| o.payment_method_type.clone()),
            Some(card_data(card)),
        )),
        Some(other) => Err(Error::new(
            ErrorKind::Unsupported,
            format!(
                "payment method {:?} is not supported on paymnt: send a card, or create with \
                 confirm: false and finish client-side",
                other.kind()
            ),
        )),
    }
}

/// `order_details` as Hyperswitch names them (`product_name`, unit price in minor units).
fn order_details(lines: &[OrderLine]) -> Result<Option<Vec<OrderDetail>>> {
    if lines.is_empty() {
        return Ok(None);
    }
    let details = lines.iter().map(|l| {
        Ok(OrderDetail {
            name: None,
            product_name: Some(l.name.clone()),
            quantity: l.quantity,
            amount: wire_amount(l.unit_amount, "order line")?,
            currency: None,
        })
    });
    details.collect::<Result<Vec<_>>>().map(Some)
}

/// The body of `POST /payments` for the call whose idempotency key is `key`: the family's
/// checks and common fields, then paymnt's: a `payment_id` derived from the key
/// ([`id_from_key`] with `"pay_"` and the label `"paymnt-payment-id"`, 30 characters), the
/// merchant reference as `merchant_order_reference_id`, a card, billing as given, order lines,
/// the options' `authentication_type`. An empty `return_url` is refused.
pub(crate) fn create_body(
    req: &CreatePayment,
    key: &IdempotencyKey,
) -> Result<PaymentCreateRequest> {
    let mut body = paymux_hyperswitch_family::create_body(req)?;
    body.payment_id = Some(id_from_key("pay_", b"paymnt-payment-id", key));
    if req.return_url.as_ref().is_some_and(|url| url.trim().is_empty()) {
        return Err(Error::invalid_request("return_url must not be empty"));
    }
    let options = req.extensions.get::<PaymntPaymentOptions>();
    (body.payment_method, body.payment_method_type, body.payment_method_data) =
        method_fields(req.payment_method.as_ref(), options)?;
    body.authentication_type = options.and_then(|o| o.authentication_type);
    body.billing = req.billing.as_ref().map(billing_to_wire);
    body.merchant_order_reference_id = req.merchant_reference.clone();
    body.order_details = order_details(&req.order_lines)?;
    Ok(body)
}

/// The body of `POST /payments/{id}/confirm`; `customer_ip` as `browser_info.ip_address`.
pub(crate) fn confirm_body(req: &ConfirmPayment) -> Result<PaymentConfirmRequest> {
    let options = req.extensions.get::<PaymntPaymentOptions>();
    let (payment_method, payment_method_type, payment_method_data) =
        method_fields(req.payment_method.as_ref(), options)?;
    Ok(PaymentConfirmRequest {
        payment_method,
        payment_method_type,
        payment_method_data,
        billing: req.billing.as_ref().map(billing_to_wire),
        return_url: req.return_url.clone(),
        browser_info: req
            .customer_ip
            .map(|ip| BrowserInfo { ip_address: Some(ip.to_string()), ..BrowserInfo::default() }),
    })
}

/// The body of `POST /refunds` for the call whose idempotency key is `key`: the family's checks
/// and fields; `refund_id` is the caller's `merchant_refund_id`, else derived from the key
/// ([`id_from_key`] with `"ref_"` and the label `"paymnt-refund-id"`, 30 characters), so every
/// retry of one refund names the same refund.
pub(crate) fn refund_body(req: &CreateRefund, key: &IdempotencyKey) -> Result<RefundCreateRequest> {
    let mut body = paymux_hyperswitch_family::refund_body(req)?;
    body.refund_id.get_or_insert_with(|| id_from_key("ref_", b"paymnt-refund-id", key));
    Ok(body)
}

/// The body of `POST /refunds/list` for a [`ListRefunds`].
pub(crate) fn refund_list_body(query: &ListRefunds) -> Result<RefundListRequest> {
    paymux_hyperswitch_family::refund_list_body(&RefundFilter {
        payment_id: query.payment_id.clone(),
        limit: query.limit,
        cursor: query.cursor.clone(),
        created_from: query.created_from,
        created_to: query.created_to,
        status: query.status,
        currency: query.currency,
    })
}

/// The body of `POST /payments/{id}`: the family's ([`family::mapping::update_body`]: only the
/// fields set, the amount positive and at most the family's maximum, order lines in its
/// currency) with the order lines as Hyperswitch's `order_details` (`product_name`).
pub(crate) fn update_body(req: &UpdatePayment) -> Result<PaymentUpdateRequest> {
    let order_details = match &req.order_lines {
        Some(lines) => order_details(lines)?,
        None => None,
    };
    Ok(PaymentUpdateRequest { order_details, ..family::mapping::update_body(req)? })
}

/// The body of `POST /payouts/create`: the family's ([`family::mapping::payout_body`]) with
/// the [`PaymntPayoutOptions`] (`payout_type`, `confirm` / `auto_fulfill`).
pub(crate) fn payout_body(req: &CreatePayout) -> Result<PayoutCreateRequest> {
    let options = req.extensions.get::<PaymntPayoutOptions>().cloned().unwrap_or_default();
    family::mapping::payout_body(req, options.flow, options.payout_type)
}
