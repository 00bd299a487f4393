//! pay.tech's JSON: the `PaymentRequest` and the other request bodies (read leniently so that
//! every bad field is reported at once, as Spring's binding does; amounts kept as the raw
//! number text and read exactly as decimals), the `PaymentResult` answer, the envelope and
//! the error shapes.

// Validation returns a ready `Response` as its error through `Result<_, Response>`; boxing
// it would buy nothing on this cold path.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;

use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::kit::body::{Lenient, RawNumber, decimal};

/// `paymentMethod` values the spec's `PaymentMethod` enum allows.
#[rustfmt::skip]
pub(crate) const PAYMENT_METHODS: &[&str] = &[
    "ABSA_PAY", "ACH", "AHLPAY", "ALFAKIT", "ALFAMART", "ALIPAY", "ALYCEPAY", "APPLEPAY", "ARI10",
    "ASTROPAY", "B2BINPAY", "BANCOMAT", "BANCONTACT", "BANKTRANSFER", "BANKTRANSFER_AR",
    "BANKTRANSFER_BO", "BANKTRANSFER_BR", "BANKTRANSFER_CL", "BANKTRANSFER_CO", "BANKTRANSFER_CR",
    "BANKTRANSFER_EC", "BANKTRANSFER_GT", "BANKTRANSFER_HN", "BANKTRANSFER_MX", "BANKTRANSFER_PA",
    "BANKTRANSFER_PE", "BANKTRANSFER_TR", "BANKTRANSFER_UY", "BANKTRANSFER_VE", "BASIC_CARD",
    "BASIC_CARD_HPP", "BCI", "BILLLINE", "BINANCE_PAY", "BIOPAGO", "BIZUM", "BKASH", "BLIK",
    "BLUVOUCHER", "BOLETO", "BOOST", "BREB", "BRITE", "BYBIT_PAY", "CAPITEC_PAY", "CASH",
    "CASHAPP", "CASH_EC", "CASHLIB", "CHEK", "CIP", "CLICK", "CODI", "CRYPTO", "CUP", "DANA",
    "DPOPAY", "DRAGON_PAY", "DUITNOW", "EASYPAISA", "ECNY", "EFECTY", "EFT", "EMANAT", "ENAIRA",
    "EPAY_BG", "EPS", "ETISALAT_EG", "EZYCASH", "ESEWA", "EUPAGO", "EXTERNAL_HPP", "FAWRY",
    "FINRAX", "FLEXEPIN", "FONEPAY", "FPS", "FPS_HK", "FPX", "FUPS", "GATE8TRANSACT", "GATEIQ",
    "GCASH", "GIFTCARD", "GIFTCARD_CARD", "GIFTCARD_OPENBANKING", "GIFTCARD_PAYPAL",
    "GIFTCARD_PM", "GIROPAY", "GOOGLEPAY", "GOPAY", "GPAY_IN", "GRABPAY", "HAVALE", "HAYDIPAY",
    "HAYHAY", "HELP2PAY", "HITES", "IDEAL", "IMEPAY", "IMPS", "INAI", "INRPAY", "INTENT",
    "INTERAC", "INTERAC_ACH", "INTERAC_ETO", "INTERAC_EXPRESS", "INTERAC_REQUEST_MONEY",
    "INTERAC_RTO", "JAZZCASH", "JETONCASH", "JETONWALLET", "KAKAOPAY", "KBZ", "KESSPAY", "KHALTI",
    "KHIPU", "KLAP_EFECTIVO", "KLAP_TRANSFERENCIA", "KLARNA", "LOCALPAYMENT", "M10", "MACH",
    "MACROPAY", "MBWAY", "MEFETE", "MERCADOPAGO", "MIA", "MIFINITY", "MISTERCASH",
    "MOBILE_BANKING_CN", "MOBILE_COMMERCE", "MOBILE_MONEY", "MOLLIE", "MOMOPAY_RW", "MOMOPAY_VN",
    "MONERCHY", "MONETIX", "MONEYTOLIA", "MONNET", "MONOOVA_ACCOUNT_TRANSFER",
    "MONOOVA_WALLET_TRANSFER", "MPAY", "MPESA", "MUCHBETTER", "MULTIBANCO", "MYBANK", "MYPAYZ",
    "N26", "NAGAD", "NAVERPAY", "NEFT", "NEOSURF", "NEQUI", "NETBANKING", "NETELLER", "NGENIUS",
    "NODA", "NODA_REVOLUT", "NUMICARD", "NUMICARD_CARD", "NUMICARD_OPENBANKING",
    "NUMICARD_PAYPAL", "OFFLINE_UPI", "OMNIMATRIX", "ONEVOUCHER", "ONLINE_BANKING", "OPAY",
    "OPEN_BANKING", "OPENPAYD", "OPTIMONEY", "OTTVOUCHER", "OVO", "OXXO", "P24", "P2C",
    "P2P_ACCESS", "P2P_ALFABANK", "P2P_CARD", "P2P_CARD_ABH", "P2P_CARD_CLICK", "P2P_CARD_HUMO",
    "P2P_CARD_PAYME", "P2P_CARD_UZCARD", "P2P_CROSS_BORDER", "P2P_CROSS_BORDER_ALFABANK",
    "P2P_CROSS_BORDER_GAZPROMBANK", "P2P_CROSS_BORDER_SBER", "P2P_CROSS_BORDER_TBANK",
    "P2P_CROSS_BORDER_VTB", "P2P_ELCART", "P2P_EMANAT", "P2P_GAZPROMBANK", "P2P_IBAN",
    "P2P_INSTAPAY_EG", "P2P_INTERAC_ETO", "P2P_KAPITAL", "P2P_M10", "P2P_MBANK_KG", "P2P_MOBILE",
    "P2P_MOBILE_PAYME", "P2P_MOBILE_TOP_UP", "P2P_OZONBANK", "P2P_PSB", "P2P_QR_CLICK",
    "P2P_QR_PAY", "P2P_SBERBANK", "P2P_SBP", "P2P_TBANK", "P2P_UPI", "P2P_VTB", "PAGO_MOVIL",
    "PAGO_MOVIL_INST", "PAGO46", "PAGOEFECTIVO", "PAGOFACIL", "PAGSMILE_VAULT", "PALMPAY",
    "PAPARA", "PAPEL", "PARAM", "PARATIM", "PARAZULA", "PAROLAPARA", "PAY2PLAY", "PAYBOL",
    "PAY_BY_LINK", "PAY_ME", "PAYCASH", "PAYCELL", "PAYCO_KR", "PAYCO_TR", "PAYDO_WALLET",
    "PAYFIX", "PAYFUN", "PAYID", "PAYMAXIS", "PAYMAYA", "PAYME_UZ", "PAYNOW",
    "PAYOUT_NONSEPA_REQUEST", "PAYOUT_SEPA_BATCH", "PAYPAL", "PAYPAY", "PAYPO", "PAYPORT",
    "PAYRETAILERS", "PAYSAFECARD", "PAYSAFECASH", "PAYSHOP", "PAYTM", "PAYTO", "PAYU", "PEC",
    "PEP", "PERFECTMONEY", "PG_PARA", "PHONEPE", "PIASTRIX", "PICPAY", "PIX", "POLI", "POPY",
    "POPY_PARA", "PREPAID_CARD", "PROMPTPAY", "PSE", "PUNTOPAGO", "PUSH", "QR", "QR_ELCART",
    "QR_INSTAPAY_EG", "QR_MBANK_KG", "QRIS", "RAPIDTRANSFER", "RAPIPAGO", "REVOLUT", "ROCKET",
    "RTP", "RTGS", "RUBPAY", "SATISPAY", "SBERPAY", "SBP", "SBP_CROSS_BORDER", "SEPA",
    "SERVIFACIL", "SHOPEEPAY", "SIPAY", "SKRILL", "SOFORT", "SOFT2PAY", "SPEI", "SPOYNT",
    "STICPAY", "SUPERMARKET_CODE_PAY", "SWISH", "TED", "TINK", "TOSLA", "TOSSPAY", "TOUCH_N_GO",
    "TRANSFIYA", "TRUEMONEY", "TRUSTLY", "TRUSTPAYMENTS", "TWINT", "UNIONPAY_TRANSFER", "UPI",
    "USSD", "VENMO", "VIETTEL", "VIRTUAL_ACCOUNT", "VNPAY_QR", "VODAFONE_EG", "VOLT",
    "VOUCHERCARD", "VOUCHERCARD_CARD", "VOUCHERCARD_OPENBANKING", "VOUCHERCARD_PAYPAL",
    "VOUCHERCARD_PM", "VOUCHERRY", "VOUCHSTAR", "WAVE", "WECHAT", "WEBPAY", "WISE", "XANPAY",
    "XINPAY", "YAPE", "YAPILY", "ZALO", "ZELLE", "ZIMPLER", "ZIPAY", "ZOTAPAY",
];

/// The spec's `maximum` of any amount.
pub(crate) const MAX_AMOUNT: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);
/// The spec's `minimum` of a non-zero amount (0.00001).
pub(crate) const MIN_AMOUNT: Decimal = Decimal::from_parts(1, 0, 0, false, 5);
/// At most this many decimals (`multipleOf: 1e-18`).
const MAX_SCALE: u32 = 18;

/// `POST /api/v1/payments` as sent. Unknown fields are ignored (Spring Boot's default).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PaymentRequestBody {
    #[serde(default)]
    payment_type: Lenient<String>,
    #[serde(default)]
    currency: Lenient<String>,
    #[serde(default)]
    payment_method: Lenient<String>,
    #[serde(default)]
    reference_id: Lenient<String>,
    #[serde(default)]
    parent_payment_id: Lenient<String>,
    #[serde(default)]
    description: Lenient<String>,
    #[serde(default)]
    return_url: Lenient<String>,
    #[serde(default)]
    webhook_url: Lenient<String>,
    #[serde(default)]
    recurring_token: Lenient<String>,
    #[serde(default)]
    checkout_style: Lenient<String>,
    #[serde(default)]
    start_recurring: Lenient<bool>,
    #[serde(default)]
    pre_auth: Lenient<bool>,
    #[serde(default)]
    amount: Option<RawNumber>,
    #[serde(default)]
    customer: Lenient<Map<String, Value>>,
    #[serde(default)]
    billing_address: Lenient<BTreeMap<String, Value>>,
    #[serde(default)]
    additional_parameters: Lenient<BTreeMap<String, Value>>,
    #[serde(default)]
    card: Lenient<CardBody>,
}

/// `card` as sent.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CardBody {
    #[serde(default)]
    card_number: Lenient<String>,
    #[serde(default)]
    cardholder_name: Lenient<String>,
    #[serde(default)]
    card_security_code: Lenient<String>,
    #[serde(default)]
    expiry_month: Lenient<String>,
    #[serde(default)]
    expiry_year: Lenient<String>,
    #[serde(default)]
    card_token: Lenient<String>,
}

/// `DepositPatchRequest`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PatchBody {
    #[serde(default)]
    customer_ip: Lenient<String>,
    #[serde(default)]
    ip_country_code: Lenient<String>,
    #[serde(default)]
    customer_user_agent: Lenient<String>,
    #[serde(default)]
    browser_language: Lenient<String>,
}

/// The body of capture (`{amount}`).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CaptureBody {
    #[serde(default)]
    amount: Option<RawNumber>,
}

/// The body of reject (`{rejectReason}`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RejectBody {
    #[serde(default)]
    reject_reason: Lenient<String>,
}

/// `PaymentType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Deposit,
    Withdrawal,
    Refund,
}

impl Kind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Deposit => "DEPOSIT",
            Kind::Withdrawal => "WITHDRAWAL",
            Kind::Refund => "REFUND",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        [Kind::Deposit, Kind::Withdrawal, Kind::Refund].into_iter().find(|k| k.as_str() == s)
    }
}

/// Card data from the request, digits only.
#[derive(Debug, Clone)]
pub(crate) struct CardData {
    pub number: String,
    pub holder: Option<String>,
    pub expiry_month: Option<String>,
    pub expiry_year: Option<String>,
}

/// A valid `PaymentRequest`.
#[derive(Debug, Clone)]
pub(crate) struct PaymentRequest {
    pub kind: Kind,
    pub reference_id: Option<String>,
    pub payment_method: Option<String>,
    pub amount: Option<Decimal>,
    pub currency: String,
    pub parent_payment_id: Option<String>,
    pub description: Option<String>,
    pub card: Option<CardData>,
    pub customer: Option<Map<String, Value>>,
    pub billing_address: Option<BTreeMap<String, String>>,
    pub return_url: Option<String>,
    pub start_recurring: bool,
    pub pre_auth: bool,
    pub recurring_token: Option<String>,
    pub additional_parameters: Option<BTreeMap<String, String>>,
}

/// Collects Spring-style binding errors while reading fields.
#[derive(Debug)]
pub(crate) struct Fields {
    object: &'static str,
    pub errors: Vec<FieldError>,
}

impl Fields {
    pub(crate) fn new(object: &'static str) -> Self {
        Fields { object, errors: Vec::new() }
    }

    pub(crate) fn err(&mut self, field: &str, code: &str, message: &str) {
        self.errors.push(FieldError::new(self.object, field, code, message));
    }

    fn string(
        &mut self,
        field: &str,
        v: Lenient<String>,
        max: usize,
        required: bool,
    ) -> Option<String> {
        match v {
            Lenient::Absent | Lenient::Wrong(Value::Null) if required => {
                self.err(field, "NotNull", "must not be null")
            }
            Lenient::Absent | Lenient::Wrong(Value::Null) => {}
            Lenient::Ok(s) if s.chars().count() > max => {
                self.err(field, "Size", &format!("size must be between 0 and {max}"))
            }
            Lenient::Ok(s) => return Some(s),
            Lenient::Wrong(_) => self.err(field, "typeMismatch", "must be a string"),
        }
        None
    }

    fn boolean(&mut self, field: &str, v: Lenient<bool>) -> bool {
        match v {
            Lenient::Ok(b) => b,
            Lenient::Absent | Lenient::Wrong(Value::Null) => false,
            Lenient::Wrong(_) => {
                self.err(field, "typeMismatch", "must be a boolean");
                false
            }
        }
    }

    /// An object of string values.
    fn strings(
        &mut self,
        field: &str,
        v: Lenient<BTreeMap<String, Value>>,
    ) -> Option<BTreeMap<String, String>> {
        match v {
            Lenient::Absent | Lenient::Wrong(Value::Null) => None,
            Lenient::Ok(m) => {
                let kept: Option<BTreeMap<String, String>> = m
                    .into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| v.as_str().map(|s| (k, s.to_owned())))
                    .collect();
                if kept.is_none() {
                    self.err(field, "typeMismatch", "has a value of the wrong type");
                }
                kept
            }
            Lenient::Wrong(_) => {
                self.err(field, "typeMismatch", "must be an object");
                None
            }
        }
    }

    /// An amount, exactly: at most 18 decimals and 1,000,000,000.
    pub(crate) fn amount(&mut self, raw: Option<&RawNumber>) -> Option<Decimal> {
        let raw = raw.filter(|r| r.get().trim() != "null")?;
        let Some(d) = decimal(raw) else {
            self.err("amount", "typeMismatch", "must be a number");
            return None;
        };
        let d = if d.scale() > MAX_SCALE { d.normalize() } else { d };
        if d.is_sign_negative() && !d.is_zero() {
            self.err("amount", "DecimalMin", "must be greater than or equal to 0");
        } else if d.scale() > MAX_SCALE {
            self.err(
                "amount",
                "Digits",
                &format!("{} has more than {MAX_SCALE} decimals", raw.get()),
            );
        } else if d > MAX_AMOUNT {
            self.err("amount", "DecimalMax", "must be less than or equal to 1000000000");
        } else {
            return Some(if d.is_zero() { Decimal::ZERO } else { d });
        }
        None
    }

    pub(crate) fn finish(self, path: &str) -> Result<(), Response> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(validation_failed(path, self.object, self.errors))
        }
    }
}

impl CardBody {
    fn read(self, f: &mut Fields) -> Option<CardData> {
        let number = f.string("card.cardNumber", self.card_number, 23, false);
        let holder = f.string("card.cardholderName", self.cardholder_name, 128, false);
        let cvv = f.string("card.cardSecurityCode", self.card_security_code, 4, false);
        let month = f.string("card.expiryMonth", self.expiry_month, 2, false);
        let year = f.string("card.expiryYear", self.expiry_year, 4, false);
        let token = f.string("card.cardToken", self.card_token, 32, false);
        if cvv.as_ref().is_some_and(|c| c.len() < 3) {
            f.err("card.cardSecurityCode", "Size", "size must be between 3 and 4");
        }
        if month.as_ref().is_some_and(|m| m.len() != 2) {
            f.err("card.expiryMonth", "Size", "size must be between 2 and 2");
        }
        if year.as_ref().is_some_and(|y| y.len() != 4) {
            f.err("card.expiryYear", "Size", "size must be between 4 and 4");
        }
        match number.map(|n| crate::kit::cards::digits(&n)).filter(|d| !d.is_empty()) {
            Some(number) => {
                Some(CardData { number, holder, expiry_month: month, expiry_year: year })
            }
            None if token.is_some() => None,
            None => {
                f.err("card.cardNumber", "NotNull", "must not be null");
                None
            }
        }
    }
}

impl PaymentRequestBody {
    /// Validates the body (every bad field reported), as the gateway's binding does.
    pub(crate) fn validate(self, path: &str) -> Result<PaymentRequest, Response> {
        let mut f = Fields::new("paymentRequest");
        let kind = f.string("paymentType", self.payment_type, 16, true).and_then(|s| {
            let k = Kind::parse(&s);
            if k.is_none() {
                f.err("paymentType", "typeMismatch", "must be one of DEPOSIT, WITHDRAWAL, REFUND");
            }
            k
        });
        let currency = f.string("currency", self.currency, 10, true);
        if currency.as_ref().is_some_and(|c| {
            c.len() < 2 || !c.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        }) {
            f.err("currency", "Pattern", "must be an ISO 4217 code or a cryptocurrency symbol");
        }
        let payment_method = f.string("paymentMethod", self.payment_method, 64, false);
        if payment_method.as_ref().is_some_and(|m| !PAYMENT_METHODS.contains(&m.as_str())) {
            f.err("paymentMethod", "typeMismatch", "is not a PaymentMethod value");
        }
        let reference_id = f.string("referenceId", self.reference_id, 256, false);
        let parent_payment_id = f.string("parentPaymentId", self.parent_payment_id, 32, false);
        let description = f.string("description", self.description, 512, false);
        let return_url = f.string("returnUrl", self.return_url, 512, false);
        let _ = f.string("webhookUrl", self.webhook_url, 512, false);
        let recurring_token = f.string("recurringToken", self.recurring_token, 256, false);
        let _ = f.string("checkoutStyle", self.checkout_style, 256, false);
        let start_recurring = f.boolean("startRecurring", self.start_recurring);
        let pre_auth = f.boolean("preAuth", self.pre_auth);
        let amount = f.amount(self.amount.as_ref());
        let customer = match self.customer {
            Lenient::Ok(m) => Some(m),
            Lenient::Absent | Lenient::Wrong(Value::Null) => None,
            Lenient::Wrong(_) => {
                f.err("customer", "typeMismatch", "must be an object");
                None
            }
        };
        let billing_address = f.strings("billingAddress", self.billing_address);
        let additional_parameters = f.strings("additionalParameters", self.additional_parameters);
        let card = match self.card {
            Lenient::Ok(c) => c.read(&mut f),
            Lenient::Absent | Lenient::Wrong(Value::Null) => None,
            Lenient::Wrong(_) => {
                f.err("card", "typeMismatch", "must be an object");
                None
            }
        };
        f.finish(path)?;
        let (Some(kind), Some(currency)) = (kind, currency) else {
            return Err(error(400, path, "Validation failed for object='paymentRequest'", None));
        };
        Ok(PaymentRequest {
            kind,
            reference_id,
            payment_method,
            amount,
            currency,
            parent_payment_id,
            description,
            card,
            customer,
            billing_address,
            return_url,
            start_recurring,
            pre_auth,
            recurring_token,
            additional_parameters,
        })
    }
}

impl PatchBody {
    /// `customerIp` (required), or the binding errors.
    pub(crate) fn validate(self, path: &str) -> Result<String, Response> {
        let mut f = Fields::new("depositPatchRequest");
        let ip = f.string("customerIp", self.customer_ip, 39, true);
        let _ = f.string("ipCountryCode", self.ip_country_code, 2, false);
        let _ = f.string("customerUserAgent", self.customer_user_agent, 512, false);
        let _ = f.string("browserLanguage", self.browser_language, 32, false);
        f.finish(path)?;
        ip.ok_or_else(|| error(400, path, "customerIp must not be null", None))
    }
}

impl CaptureBody {
    /// The optional amount, or the binding errors.
    pub(crate) fn validate(self, path: &str) -> Result<Option<Decimal>, Response> {
        let mut f = Fields::new("captureRequest");
        let amount = f.amount(self.amount.as_ref());
        f.finish(path)?;
        Ok(amount)
    }
}

impl RejectBody {
    /// The optional reason, or the binding errors.
    pub(crate) fn validate(self, path: &str) -> Result<Option<String>, Response> {
        let mut f = Fields::new("rejectPaymentRequest");
        let reason = f.string("rejectReason", self.reject_reason, 256, false);
        f.finish(path)?;
        Ok(reason)
    }
}

/// Reads a body (`optional`: an empty one reads as `{}`).
pub(crate) fn read<T: serde::de::DeserializeOwned + Default>(
    raw: &[u8],
    path: &str,
    optional: bool,
) -> Result<T, Response> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return if optional {
            Ok(T::default())
        } else {
            Err(error(400, path, "Required request body is missing", None))
        };
    }
    crate::kit::body::parse(raw)
        .map_err(|e| error(400, path, &format!("JSON parse error: {}", e.message()), None))
}

/// One Spring binding error of `errors[]`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FieldError {
    codes: Vec<String>,
    arguments: Vec<Argument>,
    default_message: String,
    object_name: String,
    field: String,
    binding_failure: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Argument {
    codes: Vec<String>,
    default_message: String,
}

impl FieldError {
    pub(crate) fn new(object: &str, field: &str, code: &str, message: &str) -> Self {
        FieldError {
            codes: vec![
                format!("{code}.{object}.{field}"),
                format!("{code}.{field}"),
                code.to_owned(),
            ],
            arguments: vec![Argument {
                codes: vec![format!("{object}.{field}"), field.to_owned()],
                default_message: field.to_owned(),
            }],
            default_message: message.to_owned(),
            object_name: object.to_owned(),
            field: field.to_owned(),
            binding_failure: false,
        }
    }
}

/// `BadRequestError` / `UnauthorizedError` / `NotFoundError`.
#[derive(Debug, Serialize)]
struct ErrorJson<'a> {
    timestamp: String,
    status: u16,
    error: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Vec<FieldError>>,
    path: &'a str,
}

/// An error answer; `errors` is always present (maybe empty) on a 400.
pub(crate) fn error(
    status: u16,
    path: &str,
    message: &str,
    errors: Option<Vec<FieldError>>,
) -> Response {
    let name = match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Internal Server Error",
    };
    let errors = (status == 400).then(|| errors.unwrap_or_default());
    let body = ErrorJson {
        timestamp: super::state::fmt_timestamp(crate::kit::now()),
        status,
        error: name,
        message,
        errors,
        path,
    };
    respond(status, &body)
}

/// A 400 listing binding errors.
pub(crate) fn validation_failed(path: &str, object: &str, errors: Vec<FieldError>) -> Response {
    let message = format!("Validation failed for object='{object}'. Error count: {}", errors.len());
    error(400, path, &message, Some(errors))
}

/// A 400 about one field.
pub(crate) fn bad_field(
    path: &str,
    object: &str,
    field: &str,
    code: &str,
    message: &str,
) -> Response {
    validation_failed(path, object, vec![FieldError::new(object, field, code, message)])
}

/// A JSON answer.
pub(crate) fn respond(status: u16, body: &impl Serialize) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let text = serde_json::to_string(body).unwrap_or_default();
    (code, [(header::CONTENT_TYPE, "application/json")], text).into_response()
}

/// `{timestamp, status: 200, result}` (the list adds `hasMore`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Envelope<T> {
    pub timestamp: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
    pub result: T,
}

/// The envelope around `result`.
pub(crate) fn envelope<T: Serialize>(result: T, has_more: Option<bool>) -> Response {
    let body = Envelope {
        timestamp: super::state::fmt_timestamp(crate::kit::now()),
        status: 200,
        has_more,
        result,
    };
    respond(200, &body)
}

/// `PaymentResult` (answers and webhooks) and `Payment` (list items, without
/// `additionalParameters` and `externalRefs`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PaymentJson {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_id: Option<String>,
    pub created: String,
    pub payment_type: &'static str,
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_payment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method_details: Option<MethodDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<RawNumber>,
    pub currency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_amount: Option<RawNumber>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_result_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<BTreeMap<String, String>>,
    pub start_recurring: bool,
    pub pre_auth: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurring_token: Option<String>,
    pub shop_name: &'static str,
    pub terminal_name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_parameters: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_refs: Option<BTreeMap<String, String>>,
}

/// `paymentMethodDetails` of a card payment.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MethodDetails {
    pub customer_account_number: String,
    pub card_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cardholder_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_expiry_month: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_expiry_year: Option<String>,
    pub card_brand: &'static str,
    pub card_issuing_country_code: &'static str,
}

/// One `PaymentOperation`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OperationJson {
    pub id: i64,
    pub operation: &'static str,
    pub started: String,
    pub completed: String,
    pub payment_state: &'static str,
}

/// The list's query (`created.gte` and friends keep their dots).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    pub offset: Option<String>,
    pub limit: Option<String>,
    #[serde(rename = "created.gte")]
    pub created_gte: Option<String>,
    #[serde(rename = "created.lt")]
    pub created_lt: Option<String>,
    #[serde(rename = "updated.gte")]
    pub updated_gte: Option<String>,
    #[serde(rename = "updated.lt")]
    pub updated_lt: Option<String>,
    #[serde(rename = "referenceId.eq")]
    pub reference_id: Option<String>,
}
