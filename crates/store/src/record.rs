//! What the journal keeps of a request: its business fields as JSON (never a card number or a
//! CVC), whether the request can be rebuilt from them, and a fingerprint that tells the same
//! request from another one.

use std::net::IpAddr;

use paymux_core::{
    Address, BillingDetails, CancelPayment, CaptureMode, CapturePayment, Card, ConfirmPayment,
    CreateCustomer, CreatePayment, CreatePayout, CreateRefund, CustomerDetails, CustomerId, Error,
    IdempotencyKey, Metadata, Money, OrderLine, PaymentCustomer, PaymentId, PaymentMethod, Phone,
    RefundReason, Result,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One journaled operation, as stored in `paymux_journal.request`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "operation", rename_all = "snake_case")]
pub(crate) enum Recorded {
    CreatePayment(PaymentRecord),
    ConfirmPayment(ConfirmRecord),
    CapturePayment(CaptureRecord),
    CancelPayment(CancelRecord),
    CreateRefund(RefundRecord),
    CreateCustomer(CustomerRecord),
    CreatePayout(PayoutRecord),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PaymentRecord {
    amount: Money,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    merchant_reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    customer: Option<PayerRecord>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    billing: Option<BillingDetails>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    order_lines: Vec<OrderLine>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    method: Option<MethodRecord>,
    capture: CaptureMode,
    confirm: bool,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    return_url: Option<String>,
    #[serde(skip_serializing_if = "Metadata::is_empty", default)]
    metadata: Metadata,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    options_for: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum PayerRecord {
    Existing(CustomerId),
    Inline(CustomerDetails),
}

/// A payment method without its secrets: a card is its last four digits and expiry.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum MethodRecord {
    Card { last4: String, exp_month: u8, exp_year: u16 },
    HostedPage,
    Other { kind: String },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ConfirmRecord {
    payment_id: PaymentId,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    method: Option<MethodRecord>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    billing: Option<BillingDetails>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    return_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    customer_ip: Option<IpAddr>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    options_for: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CaptureRecord {
    payment_id: PaymentId,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    amount: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    statement_descriptor: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    options_for: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CancelRecord {
    payment_id: PaymentId,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    options_for: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RefundRecord {
    payment_id: PaymentId,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    amount: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    merchant_refund_id: Option<String>,
    #[serde(skip_serializing_if = "Metadata::is_empty", default)]
    metadata: Metadata,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    options_for: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CustomerRecord {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    phone: Option<Phone>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    address: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    description: Option<String>,
    #[serde(skip_serializing_if = "Metadata::is_empty", default)]
    metadata: Metadata,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    options_for: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PayoutRecord {
    amount: Money,
    /// A card destination as its last four digits and expiry.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    card: Option<MethodRecord>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    customer: Option<CustomerId>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    merchant_reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    description: Option<String>,
    #[serde(skip_serializing_if = "Metadata::is_empty", default)]
    metadata: Metadata,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    options_for: Vec<String>,
}

/// A request as the journal keeps it.
pub(crate) struct Kept {
    /// The JSON stored in `request`.
    pub(crate) json: String,
    /// Hex SHA-256 over `json` and what must count but is not stored (a cardholder name).
    pub(crate) fingerprint: String,
    /// `json` rebuilds the whole request: no card details, no gateway options.
    pub(crate) replayable: bool,
}

/// A card as its last four digits and expiry, and its holder's name (which counts in the
/// fingerprint but is not stored).
fn card_record(card: &Card) -> (MethodRecord, Option<&str>) {
    let record = MethodRecord::Card {
        last4: card.last4().to_owned(),
        exp_month: card.exp_month,
        exp_year: card.exp_year,
    };
    (record, card.holder_name.as_deref())
}

fn method_record(method: &PaymentMethod) -> (MethodRecord, Option<&str>) {
    match method {
        PaymentMethod::Card(card) => card_record(card),
        PaymentMethod::HostedPage => (MethodRecord::HostedPage, None),
        other => (MethodRecord::Other { kind: other.kind().to_owned() }, None),
    }
}

fn options_for(gateways: &[&'static str]) -> Vec<String> {
    gateways.iter().map(|g| (*g).to_owned()).collect()
}

impl Recorded {
    pub(crate) fn create_payment(req: &CreatePayment) -> (Recorded, Option<&str>) {
        let (method, holder) = match &req.payment_method {
            Some(m) => {
                let (m, h) = method_record(m);
                (Some(m), h)
            }
            None => (None, None),
        };
        let customer = req.customer.as_ref().map(|c| match c {
            PaymentCustomer::Existing(id) => PayerRecord::Existing(id.clone()),
            PaymentCustomer::Inline(details) => PayerRecord::Inline(details.clone()),
        });
        let record = PaymentRecord {
            amount: req.amount,
            merchant_reference: req.merchant_reference.clone(),
            description: req.description.clone(),
            customer,
            billing: req.billing.clone(),
            order_lines: req.order_lines.clone(),
            method,
            capture: req.capture,
            confirm: req.confirm,
            return_url: req.return_url.clone(),
            metadata: req.metadata.clone(),
            options_for: options_for(req.extensions.gateways()),
        };
        (Recorded::CreatePayment(record), holder)
    }

    pub(crate) fn confirm_payment<'a>(
        id: &PaymentId,
        req: &'a ConfirmPayment,
    ) -> (Recorded, Option<&'a str>) {
        let (method, holder) = match &req.payment_method {
            Some(m) => {
                let (m, h) = method_record(m);
                (Some(m), h)
            }
            None => (None, None),
        };
        let record = ConfirmRecord {
            payment_id: id.clone(),
            method,
            billing: req.billing.clone(),
            return_url: req.return_url.clone(),
            customer_ip: req.customer_ip,
            options_for: options_for(req.extensions.gateways()),
        };
        (Recorded::ConfirmPayment(record), holder)
    }

    pub(crate) fn capture_payment(id: &PaymentId, req: &CapturePayment) -> Recorded {
        Recorded::CapturePayment(CaptureRecord {
            payment_id: id.clone(),
            amount: req.amount,
            statement_descriptor: req.statement_descriptor.clone(),
            options_for: options_for(req.extensions.gateways()),
        })
    }

    pub(crate) fn cancel_payment(id: &PaymentId, req: &CancelPayment) -> Recorded {
        Recorded::CancelPayment(CancelRecord {
            payment_id: id.clone(),
            reason: req.reason.clone(),
            options_for: options_for(req.extensions.gateways()),
        })
    }

    pub(crate) fn create_refund(req: &CreateRefund) -> Recorded {
        Recorded::CreateRefund(RefundRecord {
            payment_id: req.payment_id.clone(),
            amount: req.amount,
            reason: req.reason.as_ref().map(|r| r.as_text().to_owned()),
            merchant_refund_id: req.merchant_refund_id.clone(),
            metadata: req.metadata.clone(),
            options_for: options_for(req.extensions.gateways()),
        })
    }

    pub(crate) fn create_customer(req: &CreateCustomer) -> Recorded {
        Recorded::CreateCustomer(CustomerRecord {
            email: req.email.clone(),
            name: req.name.clone(),
            phone: req.phone.clone(),
            address: req.address.clone(),
            description: req.description.clone(),
            metadata: req.metadata.clone(),
            options_for: options_for(req.extensions.gateways()),
        })
    }

    pub(crate) fn create_payout(req: &CreatePayout) -> (Recorded, Option<&str>) {
        let (card, holder) = match req.card().map(card_record) {
            Some((card, holder)) => (Some(card), holder),
            None => (None, None),
        };
        let record = Recorded::CreatePayout(PayoutRecord {
            amount: req.amount,
            card,
            customer: req.customer.clone(),
            merchant_reference: req.merchant_reference.clone(),
            description: req.description.clone(),
            metadata: req.metadata.clone(),
            options_for: options_for(req.extensions.gateways()),
        });
        (record, holder)
    }

    /// Whether the stored form rebuilds the whole request.
    fn replayable(&self) -> bool {
        let no_card = |m: &Option<MethodRecord>| {
            !matches!(m, Some(MethodRecord::Card { .. } | MethodRecord::Other { .. }))
        };
        match self {
            Recorded::CreatePayment(r) => no_card(&r.method) && r.options_for.is_empty(),
            Recorded::ConfirmPayment(r) => no_card(&r.method) && r.options_for.is_empty(),
            Recorded::CapturePayment(r) => r.options_for.is_empty(),
            Recorded::CancelPayment(r) => r.options_for.is_empty(),
            Recorded::CreateRefund(r) => r.options_for.is_empty(),
            Recorded::CreateCustomer(r) => r.options_for.is_empty(),
            Recorded::CreatePayout(r) => r.card.is_none() && r.options_for.is_empty(),
        }
    }

    /// Serializes and fingerprints the record; `holder` (a cardholder name) counts in the
    /// fingerprint but is not stored.
    pub(crate) fn keep(&self, holder: Option<&str>) -> Result<Kept> {
        let json = serde_json::to_string(self).map_err(|e| {
            Error::invalid_request(format!("paymux-store: the request cannot be recorded: {e}"))
        })?;
        let mut hash = Sha256::new();
        hash.update(json.as_bytes());
        if let Some(holder) = holder {
            hash.update(b"\0holder\0");
            hash.update(holder.as_bytes());
        }
        Ok(Kept { fingerprint: hex::encode(hash.finalize()), replayable: self.replayable(), json })
    }

    /// Reads a stored record.
    pub(crate) fn parse(json: &str) -> Result<Recorded> {
        serde_json::from_str(json).map_err(|e| {
            Error::invalid_response(format!(
                "paymux-store: a journal entry's request is unreadable: {e}"
            ))
        })
    }

    /// A short description for messages: the operation and what it is about.
    pub(crate) fn summary(&self) -> String {
        match self {
            Recorded::CreatePayment(r) => format!("create_payment of {}", r.amount),
            Recorded::ConfirmPayment(r) => format!("confirm_payment of {}", r.payment_id),
            Recorded::CapturePayment(r) => format!("capture_payment of {}", r.payment_id),
            Recorded::CancelPayment(r) => format!("cancel_payment of {}", r.payment_id),
            Recorded::CreateRefund(r) => format!("create_refund of {}", r.payment_id),
            Recorded::CreateCustomer(_) => "create_customer".to_owned(),
            Recorded::CreatePayout(r) => format!("create_payout of {}", r.amount),
        }
    }
}

/// A request rebuilt from its record, ready to send again.
pub(crate) enum Rebuilt {
    CreatePayment(CreatePayment),
    ConfirmPayment(PaymentId, ConfirmPayment),
    CapturePayment(PaymentId, CapturePayment),
    CancelPayment(PaymentId, CancelPayment),
    CreateRefund(CreateRefund),
    CreateCustomer(CreateCustomer),
    CreatePayout(CreatePayout),
}

fn reason_from_text(text: String) -> RefundReason {
    match text.as_str() {
        "duplicate" => RefundReason::Duplicate,
        "fraudulent" => RefundReason::Fraudulent,
        "requested_by_customer" => RefundReason::RequestedByCustomer,
        _ => RefundReason::Other(text),
    }
}

impl Recorded {
    /// The request again, carrying `key`, marked as a retry of an unknown outcome where the
    /// request type has the mark. `None` when the record cannot rebuild it (card details or
    /// gateway options were not kept).
    pub(crate) fn rebuild(self, key: IdempotencyKey) -> Option<Rebuilt> {
        if !self.replayable() {
            return None;
        }
        Some(match self {
            Recorded::CreatePayment(r) => {
                let mut req = CreatePayment::new(r.amount).retrying(key);
                req.merchant_reference = r.merchant_reference;
                req.description = r.description;
                req.customer = r.customer.map(|c| match c {
                    PayerRecord::Existing(id) => PaymentCustomer::Existing(id),
                    PayerRecord::Inline(details) => PaymentCustomer::Inline(details),
                });
                req.billing = r.billing;
                req.order_lines = r.order_lines;
                req.payment_method = match r.method {
                    Some(MethodRecord::HostedPage) => Some(PaymentMethod::HostedPage),
                    _ => None,
                };
                req.capture = r.capture;
                req.confirm = r.confirm;
                req.return_url = r.return_url;
                req.metadata = r.metadata;
                Rebuilt::CreatePayment(req)
            }
            Recorded::ConfirmPayment(r) => {
                let mut req = ConfirmPayment::new().with_idempotency_key(key);
                req.payment_method = match r.method {
                    Some(MethodRecord::HostedPage) => Some(PaymentMethod::HostedPage),
                    _ => None,
                };
                req.billing = r.billing;
                req.return_url = r.return_url;
                req.customer_ip = r.customer_ip;
                Rebuilt::ConfirmPayment(r.payment_id, req)
            }
            Recorded::CapturePayment(r) => {
                let mut req = CapturePayment::new().with_idempotency_key(key);
                req.amount = r.amount;
                req.statement_descriptor = r.statement_descriptor;
                Rebuilt::CapturePayment(r.payment_id, req)
            }
            Recorded::CancelPayment(r) => {
                let mut req = CancelPayment::new().with_idempotency_key(key);
                req.reason = r.reason;
                Rebuilt::CancelPayment(r.payment_id, req)
            }
            Recorded::CreateRefund(r) => {
                let mut req = CreateRefund::new(r.payment_id).retrying(key);
                req.amount = r.amount;
                req.reason = r.reason.map(reason_from_text);
                req.merchant_refund_id = r.merchant_refund_id;
                req.metadata = r.metadata;
                Rebuilt::CreateRefund(req)
            }
            Recorded::CreateCustomer(r) => {
                let mut req = CreateCustomer::new().with_idempotency_key(key);
                req.email = r.email;
                req.name = r.name;
                req.phone = r.phone;
                req.address = r.address;
                req.description = r.description;
                req.metadata = r.metadata;
                Rebuilt::CreateCustomer(req)
            }
            Recorded::CreatePayout(r) => {
                let mut req = CreatePayout::new(r.amount).retrying(key);
                req.customer = r.customer;
                req.merchant_reference = r.merchant_reference;
                req.description = r.description;
                req.metadata = r.metadata;
                Rebuilt::CreatePayout(req)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use paymux_core::{Card, Currency};

    fn card_payment() -> CreatePayment {
        CreatePayment::new(Money::from_minor(6540, Currency::USD).unwrap())
            .with_reference("order_1")
            .with_card(
                Card::new("4242424242424242", 12, 2030, "987")
                    .unwrap()
                    .with_holder_name("Jane Doe"),
            )
    }

    #[test]
    fn card_numbers_and_cvc_are_never_kept() {
        let req = card_payment();
        let (rec, holder) = Recorded::create_payment(&req);
        let kept = rec.keep(holder).unwrap();
        assert!(!kept.json.contains("4242424242424242"), "{}", kept.json);
        assert!(!kept.json.contains("987"), "{}", kept.json);
        assert!(!kept.json.contains("Jane"), "{}", kept.json);
        assert!(kept.json.contains("\"last4\":\"4242\""), "{}", kept.json);
        assert!(!kept.replayable, "a card payment cannot be rebuilt without its number");
    }

    #[test]
    fn fingerprints_tell_requests_apart() {
        let fp = |req: &CreatePayment| {
            let (rec, holder) = Recorded::create_payment(req);
            rec.keep(holder).unwrap().fingerprint
        };
        let a = card_payment();
        assert_eq!(fp(&a), fp(&a.clone()));
        assert_eq!(fp(&a), fp(&a.clone().with_idempotency_key(IdempotencyKey::generate())));
        assert_ne!(
            fp(&a),
            fp(&a.clone().with_amount(Money::from_minor(6541, Currency::USD).unwrap()))
        );
        let other_holder = a.clone().with_card(
            Card::new("4242424242424242", 12, 2030, "987").unwrap().with_holder_name("John Doe"),
        );
        assert_ne!(fp(&a), fp(&other_holder));
    }

    #[test]
    fn hosted_page_payments_rebuild_as_retries() {
        let req = CreatePayment::new(Money::from_minor(100, Currency::EUR).unwrap())
            .with_reference("order_2")
            .with_return_url("https://shop.example/r")
            .with_metadata("channel", "web");
        let (rec, holder) = Recorded::create_payment(&req);
        let kept = rec.keep(holder).unwrap();
        assert!(kept.replayable);
        let key = IdempotencyKey::new("k1").unwrap();
        let Some(Rebuilt::CreatePayment(again)) =
            Recorded::parse(&kept.json).unwrap().rebuild(key.clone())
        else {
            panic!("not rebuilt")
        };
        assert!(again.is_retry);
        assert_eq!(again.idempotency_key, Some(key));
        assert_eq!(again.merchant_reference.as_deref(), Some("order_2"));
        assert_eq!(again.metadata.get("channel").map(String::as_str), Some("web"));
        let (rec2, _) = Recorded::create_payment(&again);
        assert_eq!(rec2.keep(None).unwrap().fingerprint, kept.fingerprint);
    }
}
