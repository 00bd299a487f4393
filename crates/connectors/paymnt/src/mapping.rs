//! Core requests -> paymnt.cloud bodies, and the idempotency key.
//!
//! Answers (statuses, amounts, errors) are mapped by [`paymux_hyperswitch_family`].

use paymux_core::webhook::{Algorithm, Encoding, sign};
use paymux_core::{
    CancelPayment, CapturePayment, ConfirmPayment, CreatePayment, CreateRefund, Error, ErrorKind,
    IdempotencyKey, PaymentCustomer, PaymentMethod, Result,
};
use paymux_hyperswitch_family::mapping::{
    billing_to_wire, capture_method_word, check_id, metadata_to_wire, wire_amount,
};
use paymux_hyperswitch_family::wire::{CardData, PaymentMethodData};

use crate::wire::{
    BrowserInfo, CancelBody, CaptureBody, ConfirmPaymentBody, CreatePaymentBody, CreateRefundBody,
    OrderDetail,
};
use crate::{AuthenticationType, PaymntPaymentExtension};

/// Longest merchant refund id the gateway takes.
pub const MAX_REFUND_ID_LEN: usize = 30;
/// Longest refund reason the gateway takes.
pub const MAX_REASON_LEN: usize = 255;

/// The `Idempotency-Key` value for a call: the caller's key when it already is a UUID, a UUID
/// derived deterministically from the caller's key otherwise (the gateway documents UUID v4
/// keys; the same caller key always gives the same UUID, so retries stay safe across process
/// restarts), or a fresh UUID v4 when the caller gave none.
pub fn idempotency_key(caller: Option<IdempotencyKey>) -> Result<IdempotencyKey> {
    let Some(key) = caller else { return Ok(IdempotencyKey::generate()) };
    if uuid::Uuid::parse_str(key.as_str()).is_ok() {
        return Ok(key);
    }
    let digest = sign(
        Algorithm::Sha256,
        b"paymux-paymnt-idempotency",
        key.as_str().as_bytes(),
        Encoding::Hex,
    );
    let mut bytes = [0_u8; 16];
    for (i, b) in bytes.iter_mut().enumerate() {
        let pair = digest.get(2 * i..2 * i + 2).unwrap_or("00");
        *b = u8::from_str_radix(pair, 16).unwrap_or(0);
    }
    let uuid = uuid::Builder::from_random_bytes(bytes).into_uuid();
    IdempotencyKey::new(uuid.to_string())
}

fn card_data(method: Option<&PaymentMethod>) -> Result<Option<PaymentMethodData>> {
    match method {
        None => Ok(None),
        Some(PaymentMethod::Card(card)) => {
            Ok(Some(PaymentMethodData { card: CardData::from_card(card) }))
        }
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

fn non_empty(what: &str, value: Option<&String>) -> Result<()> {
    if value.is_some_and(|v| v.trim().is_empty()) {
        return Err(Error::invalid_request(format!("{what} must not be empty")));
    }
    Ok(())
}

/// The body of `POST /payments`, after validation (positive amount at most
/// [`MAX_AMOUNT_MINOR`](paymux_hyperswitch_family::mapping::MAX_AMOUNT_MINOR), order lines in
/// the payment's currency and under the same maximum, a payment method when `confirm` is true,
/// a customer id that is an id).
pub fn create_payment_body(req: &CreatePayment) -> Result<CreatePaymentBody> {
    req.validate()?;
    let amount = wire_amount(req.amount, "payment")?;
    if req.confirm && req.payment_method.is_none() {
        return Err(Error::invalid_request(
            "a one-step payment (confirm: true) needs a payment method; use confirm: false to \
             confirm later",
        ));
    }
    non_empty("return_url", req.return_url.as_ref())?;
    let ext = req.extensions.get::<PaymntPaymentExtension>();
    let payment_method_data = card_data(req.payment_method.as_ref())?;
    let (customer_id, email, name, phone) = match &req.customer {
        None => (None, None, None, None),
        Some(PaymentCustomer::Existing(id)) => {
            (Some(check_id("customer_id", id.as_str())?.to_owned()), None, None, None)
        }
        Some(PaymentCustomer::Inline(d)) => {
            (None, d.email.clone(), d.name.clone(), d.phone.clone())
        }
    };
    let order_details = req
        .order_lines
        .iter()
        .map(|l| {
            Ok(OrderDetail {
                product_name: l.name.clone(),
                quantity: l.quantity,
                amount: wire_amount(l.unit_amount, "order line")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(CreatePaymentBody {
        amount,
        currency: req.amount.currency().code().to_owned(),
        confirm: req.confirm,
        capture_method: capture_method_word(req.capture),
        customer_id,
        email,
        name,
        phone: phone.as_ref().map(|p| p.number.clone()),
        phone_country_code: phone.map(|p| p.country_code),
        description: req.description.clone(),
        merchant_order_reference_id: req.merchant_reference.clone(),
        return_url: req.return_url.clone(),
        payment_method: payment_method_data.as_ref().map(|_| "card"),
        payment_method_type: payment_method_data
            .as_ref()
            .and_then(|_| ext.and_then(|e| e.payment_method_type.clone())),
        payment_method_data,
        authentication_type: ext
            .and_then(|e| e.authentication_type)
            .map(AuthenticationType::as_str),
        billing: req.billing.as_ref().map(billing_to_wire),
        order_details,
        metadata: metadata_to_wire(&req.metadata),
    })
}

/// The body of `POST /payments/{id}/confirm`.
pub fn confirm_payment_body(req: &ConfirmPayment) -> Result<ConfirmPaymentBody> {
    let ext = req.extensions.get::<PaymntPaymentExtension>();
    let payment_method_data = card_data(req.payment_method.as_ref())?;
    Ok(ConfirmPaymentBody {
        payment_method: payment_method_data.as_ref().map(|_| "card"),
        payment_method_type: payment_method_data
            .as_ref()
            .and_then(|_| ext.and_then(|e| e.payment_method_type.clone())),
        payment_method_data,
        billing: req.billing.as_ref().map(billing_to_wire),
        return_url: req.return_url.clone(),
        browser_info: req.customer_ip.map(|ip| BrowserInfo { ip_address: ip.to_string() }),
    })
}

/// The body of `POST /payments/{id}/capture`; a zero amount, or one above
/// [`MAX_AMOUNT_MINOR`](paymux_hyperswitch_family::mapping::MAX_AMOUNT_MINOR), is refused.
pub fn capture_body(req: &CapturePayment) -> Result<CaptureBody> {
    if req.amount.is_some_and(|a| a.is_zero()) {
        return Err(Error::invalid_request("capture amount must be positive"));
    }
    Ok(CaptureBody {
        amount_to_capture: req.amount.map(|a| wire_amount(a, "capture")).transpose()?,
        statement_descriptor_suffix: req.statement_descriptor.clone(),
    })
}

/// The body of `POST /payments/{id}/cancel`.
pub fn cancel_body(req: &CancelPayment) -> CancelBody {
    CancelBody { cancellation_reason: req.reason.clone() }
}

/// The body of `POST /refunds`; refuses a zero amount or one above
/// [`MAX_AMOUNT_MINOR`](paymux_hyperswitch_family::mapping::MAX_AMOUNT_MINOR), a payment id
/// or refund id that is not an id (the rule of ids in a path; a refund id of at most 30
/// characters) and a reason over 255.
pub fn create_refund_body(req: &CreateRefund) -> Result<CreateRefundBody> {
    crate::client::check_path_id("payment id", req.payment_id.as_str())?;
    if req.amount.is_some_and(|a| a.is_zero()) {
        return Err(Error::invalid_request("refund amount must be positive"));
    }
    let amount = req.amount.map(|a| wire_amount(a, "refund")).transpose()?;
    if let Some(id) = &req.merchant_refund_id {
        paymux_core::transport::path_segment("refund id", id, MAX_REFUND_ID_LEN)?;
    }
    let reason = req.reason.as_ref().map(|r| r.as_text().to_owned());
    if reason.as_ref().is_some_and(|r| r.chars().count() > MAX_REASON_LEN) {
        return Err(Error::invalid_request(format!(
            "refund reason must be at most {MAX_REASON_LEN} characters"
        )));
    }
    Ok(CreateRefundBody {
        payment_id: req.payment_id.as_str().to_owned(),
        refund_id: req.merchant_refund_id.clone(),
        amount,
        reason,
        metadata: metadata_to_wire(&req.metadata),
    })
}
