//! Core requests -> Paychtec payloads, with the guide's rules checked before anything is sent;
//! Paychtec answers -> core resources (through the shared Hyperswitch-family mapping).

use paymux_core::{
    Address, BillingDetails, CancelPayment, CapturePayment, ConfirmPayment, CreateCustomer,
    CreatePayment, CreateRefund, Error, IdempotencyKey, Metadata, Money, OrderLine, Payment,
    PaymentCustomer, PaymentMethod, Phone, ProviderId, Result,
};
use paymux_hyperswitch_family as family;

use crate::wire;
use crate::{
    PaychtecCaptureExt, PaychtecConfirmExt, PaychtecCustomerExt, PaychtecPaymentExt,
    PaychtecRefundExt,
};

/// The metadata key the merchant reference travels under (the guide's example,
/// `metadata.order_id`, which webhooks echo back).
pub const ORDER_ID_KEY: &str = "order_id";

/// Longest `refund_id` Paychtec accepts.
pub const MAX_REFUND_ID_LEN: usize = 30;

/// Longest refund `reason` Paychtec accepts.
pub const MAX_REFUND_REASON_LEN: usize = 255;

pub(crate) fn address(a: &Address) -> wire::Address {
    wire::Address {
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

fn billing(b: &BillingDetails) -> Result<wire::Billing> {
    let Some(addr) = &b.address else {
        return Err(Error::invalid_request(
            "Paychtec requires a billing address with the payment method (billing.address)",
        ));
    };
    let Some(phone) = &b.phone else {
        return Err(Error::invalid_request(
            "Paychtec requires a billing phone with the payment method (billing.phone)",
        ));
    };
    Ok(wire::Billing {
        address: Some(address(addr)),
        phone: Some(wire::BillingPhone {
            number: phone.number.clone(),
            country_code: phone.country_code.clone(),
        }),
        email: b.email.clone(),
    })
}

/// The payment method fields plus `billing`, enforcing the guide's rule that `billing`
/// travels with `payment_method_data`: a card without billing, or billing without a card, is
/// refused before any request.
type MethodFields =
    (Option<String>, Option<String>, Option<wire::PaymentMethodData>, Option<wire::Billing>);

fn method_fields(
    method: Option<&PaymentMethod>,
    billing_details: Option<&BillingDetails>,
    card_type: Option<CardType>,
    where_: &str,
) -> Result<MethodFields> {
    match (method, billing_details) {
        (None, None) => Ok((None, None, None, None)),
        (None, Some(_)) => Err(Error::invalid_request(format!(
            "Paychtec takes billing on the request that sends the payment method: \
             billing without a payment method on {where_} is refused (give both together)"
        ))),
        (Some(PaymentMethod::HostedPage), _) => Err(Error::new(
            paymux_core::ErrorKind::Unsupported,
            "Paychtec payments take direct payment details; for a hosted page use \
             Paychtec::create_payment_link",
        )),
        (Some(PaymentMethod::Card(_)), None) => Err(Error::invalid_request(format!(
            "Paychtec requires billing (address and phone) with the card on {where_}"
        ))),
        (Some(PaymentMethod::Card(card)), Some(b)) => {
            let data = wire::PaymentMethodData { card: wire::CardData::from_card(card) };
            let card_type = card_type.unwrap_or_default();
            Ok((
                Some("card".to_owned()),
                Some(card_type.as_str().to_owned()),
                Some(data),
                Some(billing(b)?),
            ))
        }
        (Some(other), _) => Err(Error::new(
            paymux_core::ErrorKind::Unsupported,
            format!("payment method {} is not supported by the Paychtec connector", other.kind()),
        )),
    }
}

/// `credit` or `debit`, Paychtec's `payment_method_type` for cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CardType {
    /// `credit` (the default, as in the guide's examples).
    #[default]
    Credit,
    /// `debit`.
    Debit,
}

impl CardType {
    /// The wire word.
    pub fn as_str(self) -> &'static str {
        match self {
            CardType::Credit => "credit",
            CardType::Debit => "debit",
        }
    }
}

/// Order lines as `order_details` (unit price in minor units, in the payment's currency).
pub(crate) fn order_details(lines: &[OrderLine]) -> Result<Option<Vec<wire::OrderDetail>>> {
    if lines.is_empty() {
        return Ok(None);
    }
    lines
        .iter()
        .map(|l| {
            if l.quantity == 0 {
                return Err(Error::invalid_request(format!(
                    "order line {:?} has quantity 0",
                    l.name
                )));
            }
            Ok(wire::OrderDetail {
                name: l.name.clone(),
                quantity: l.quantity,
                amount: family::mapping::wire_amount(l.unit_amount, "order line")?,
                currency: l.unit_amount.currency().code().to_owned(),
            })
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// Merges the merchant reference into metadata as `order_id`; refuses a conflicting
/// `order_id` already in the metadata.
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
    Ok((!m.is_empty()).then_some(m))
}

fn split_phone(phone: Option<&Phone>) -> (Option<String>, Option<String>) {
    match phone {
        Some(p) => (Some(p.number.clone()), Some(p.country_code.clone())),
        None => (None, None),
    }
}

/// The body of `POST /payments` for a core [`CreatePayment`].
pub fn payment_create_request(
    req: &CreatePayment,
    profile_id: &str,
) -> Result<wire::PaymentCreateRequest> {
    req.validate()?;
    let amount = family::mapping::wire_amount(req.amount, "payment")?;
    let ext = req.extensions.get::<PaychtecPaymentExt>().cloned().unwrap_or_default();
    if let Some(id) = &ext.payment_id {
        family::mapping::check_id("payment_id", id)?;
    }
    if req.confirm && req.payment_method.is_none() {
        return Err(Error::invalid_request(
            "a one-step payment (confirm: true) needs a payment method; \
             create with confirm(false) and attach it with confirm_payment",
        ));
    }
    let (payment_method, payment_method_type, payment_method_data, billing) = method_fields(
        req.payment_method.as_ref(),
        req.billing.as_ref(),
        ext.card_type,
        "create_payment",
    )?;
    let mut body = wire::PaymentCreateRequest {
        amount,
        currency: req.amount.currency().code().to_owned(),
        profile_id: profile_id.to_owned(),
        payment_id: ext.payment_id.clone(),
        confirm: req.confirm,
        capture_method: Some(family::mapping::capture_method_word(req.capture).to_owned()),
        authentication_type: ext.authentication_type.map(|a| a.as_str().to_owned()),
        return_url: req.return_url.clone(),
        description: req.description.clone(),
        payment_method,
        payment_method_type,
        payment_method_data,
        billing,
        browser_info: ext.browser_info.clone(),
        order_details: order_details(&req.order_lines)?,
        metadata: metadata_with_reference(&req.metadata, req.merchant_reference.as_deref())?,
        ..Default::default()
    };
    match &req.customer {
        None => {}
        Some(PaymentCustomer::Existing(id)) => {
            body.customer_id =
                Some(family::mapping::check_id("customer_id", id.as_str())?.to_owned());
        }
        Some(PaymentCustomer::Inline(details)) => {
            body.email = details.email.clone();
            body.name = details.name.clone();
            (body.phone, body.phone_country_code) = split_phone(details.phone.as_ref());
        }
    }
    Ok(body)
}

/// The body of `POST /payments/:id/confirm` for a core [`ConfirmPayment`].
pub fn payment_confirm_request(req: &ConfirmPayment) -> Result<wire::PaymentConfirmRequest> {
    let ext = req.extensions.get::<PaychtecConfirmExt>().cloned().unwrap_or_default();
    let (payment_method, payment_method_type, payment_method_data, billing) = method_fields(
        req.payment_method.as_ref(),
        req.billing.as_ref(),
        ext.card_type,
        "confirm_payment",
    )?;
    let mut browser_info = ext.browser_info.clone();
    if let Some(ip) = req.customer_ip {
        let info = browser_info.get_or_insert_with(wire::BrowserInfo::default);
        match &info.ip_address {
            Some(existing) if existing != &ip.to_string() => {
                return Err(Error::invalid_request(
                    "customer_ip and browser_info.ip_address differ",
                ));
            }
            _ => info.ip_address = Some(ip.to_string()),
        }
    }
    Ok(wire::PaymentConfirmRequest {
        payment_method,
        payment_method_type,
        payment_method_data,
        billing,
        return_url: req.return_url.clone(),
        browser_info,
    })
}

/// An optional capture or refund amount for the wire: positive and at most the family's
/// maximum ([`family::mapping::wire_amount`]).
fn positive(amount: Option<Money>, what: &str) -> Result<Option<i64>> {
    match amount {
        Some(m) if m.is_zero() => {
            Err(Error::invalid_request(format!("{what} amount must be positive")))
        }
        Some(m) => family::mapping::wire_amount(m, what).map(Some),
        None => Ok(None),
    }
}

/// The body of `POST /payments/:id/capture` for a core [`CapturePayment`].
///
/// `statement_descriptor` is the suffix (the per-order part); the prefix, or an explicit
/// suffix, come from [`PaychtecCaptureExt`]. Giving a suffix both ways with different values
/// is refused.
pub fn payment_capture_request(req: &CapturePayment) -> Result<wire::PaymentCaptureRequest> {
    let ext = req.extensions.get::<PaychtecCaptureExt>().cloned().unwrap_or_default();
    let suffix = match (&req.statement_descriptor, &ext.statement_descriptor_suffix) {
        (Some(a), Some(b)) if a != b => {
            return Err(Error::invalid_request(
                "statement_descriptor and PaychtecCaptureExt::statement_descriptor_suffix differ",
            ));
        }
        (a, b) => a.clone().or_else(|| b.clone()),
    };
    Ok(wire::PaymentCaptureRequest {
        amount_to_capture: positive(req.amount, "capture")?,
        statement_descriptor_prefix: ext.statement_descriptor_prefix,
        statement_descriptor_suffix: suffix,
    })
}

/// The body of `POST /payments/:id/cancel`.
pub fn payment_cancel_request(req: &CancelPayment) -> wire::PaymentCancelRequest {
    wire::PaymentCancelRequest { cancellation_reason: req.reason.clone() }
}

/// A `refund_id` derived from the idempotency key: `ref_` and the first 26 hex digits of
/// HMAC-SHA256(key = `"paychtec-refund-id"`, message = the idempotency key). Deterministic,
/// so every retry of one logical refund names the same refund; 30 characters, as the gateway
/// allows at most.
pub fn refund_id_from_key(key: &IdempotencyKey) -> String {
    use paymux_core::webhook::{Algorithm, Encoding, sign};
    let digest =
        sign(Algorithm::Sha256, b"paychtec-refund-id", key.as_str().as_bytes(), Encoding::Hex);
    format!("ref_{}", &digest[..MAX_REFUND_ID_LEN - 4])
}

/// The body of `POST /refunds` for a core [`CreateRefund`] and the idempotency key of the
/// call: `refund_id` is the caller's `merchant_refund_id` (1 to 30 letters, digits, `-`, `_`,
/// `.`, `~`, like any id), else derived from the key.
pub fn refund_create_request(
    req: &CreateRefund,
    key: &IdempotencyKey,
) -> Result<wire::RefundCreateRequest> {
    // Both ids are checked like path segments: the refund id comes back in
    // `GET /refunds/:refund_id`.
    family::mapping::check_id("payment_id", req.payment_id.as_str())?;
    let refund_id = match &req.merchant_refund_id {
        Some(id) => {
            paymux_core::transport::path_segment("merchant_refund_id", id, MAX_REFUND_ID_LEN)?
                .to_owned()
        }
        None => refund_id_from_key(key),
    };
    let reason = req.reason.as_ref().map(|r| r.as_text().to_owned());
    if reason.as_ref().is_some_and(|r| r.chars().count() > MAX_REFUND_REASON_LEN) {
        return Err(Error::invalid_request(format!(
            "refund reason must be at most {MAX_REFUND_REASON_LEN} characters"
        )));
    }
    let ext = req.extensions.get::<PaychtecRefundExt>().cloned().unwrap_or_default();
    Ok(wire::RefundCreateRequest {
        payment_id: req.payment_id.as_str().to_owned(),
        refund_id: Some(refund_id),
        amount: positive(req.amount, "refund")?,
        reason,
        refund_type: Some(ext.refund_type.as_str().to_owned()),
        metadata: (!req.metadata.is_empty()).then(|| req.metadata.clone()),
    })
}

/// The body of `POST /customers` (or an update) for a core [`CreateCustomer`].
pub fn customer_request(req: &CreateCustomer, allow_id: bool) -> Result<wire::CustomerRequest> {
    let ext = req.extensions.get::<PaychtecCustomerExt>().cloned().unwrap_or_default();
    if ext.customer_id.is_some() && !allow_id {
        return Err(Error::invalid_request("a customer's id cannot be changed by an update"));
    }
    if let Some(id) = &ext.customer_id {
        family::mapping::check_id("customer_id", id)?;
    }
    let (phone, phone_country_code) = split_phone(req.phone.as_ref());
    Ok(wire::CustomerRequest {
        customer_id: ext.customer_id,
        email: req.email.clone(),
        name: req.name.clone(),
        phone,
        phone_country_code,
        description: req.description.clone(),
        address: req.address.as_ref().map(address),
        metadata: (!req.metadata.is_empty()).then(|| req.metadata.clone()),
    })
}

/// A payment answer as a core [`Payment`]: the shared family mapping, plus the merchant
/// reference read back from `metadata.order_id` where the answer has no
/// `merchant_order_reference_id`.
pub fn payment_from_wire(
    provider: &ProviderId,
    wire: &family::wire::PaymentResponse,
) -> Result<Payment> {
    let mut p = family::payment_from_wire(provider, wire)?;
    if p.merchant_reference.is_none() {
        p.merchant_reference = p.metadata.get(ORDER_ID_KEY).cloned();
    }
    Ok(p)
}
