//! The emulator's records: payments (deposits, withdrawals, refunds), their states and how
//! they are written on the wire.

use std::collections::BTreeMap;

use time::OffsetDateTime;
use time::macros::format_description;

use super::json::{Dec, J, ObjBuilder};

/// `paymentMethod` values the spec's `PaymentMethod` enum allows.
pub(crate) const PAYMENT_METHODS: &[&str] = &[
    "ABSA_PAY",
    "ACH",
    "AHLPAY",
    "ALFAKIT",
    "ALFAMART",
    "ALIPAY",
    "ALYCEPAY",
    "APPLEPAY",
    "ARI10",
    "ASTROPAY",
    "B2BINPAY",
    "BANCOMAT",
    "BANCONTACT",
    "BANKTRANSFER",
    "BANKTRANSFER_AR",
    "BANKTRANSFER_BO",
    "BANKTRANSFER_BR",
    "BANKTRANSFER_CL",
    "BANKTRANSFER_CO",
    "BANKTRANSFER_CR",
    "BANKTRANSFER_EC",
    "BANKTRANSFER_GT",
    "BANKTRANSFER_HN",
    "BANKTRANSFER_MX",
    "BANKTRANSFER_PA",
    "BANKTRANSFER_PE",
    "BANKTRANSFER_TR",
    "BANKTRANSFER_UY",
    "BANKTRANSFER_VE",
    "BASIC_CARD",
    "BASIC_CARD_HPP",
    "BCI",
    "BILLLINE",
    "BINANCE_PAY",
    "BIOPAGO",
    "BIZUM",
    "BKASH",
    "BLIK",
    "BLUVOUCHER",
    "BOLETO",
    "BOOST",
    "BREB",
    "BRITE",
    "BYBIT_PAY",
    "CAPITEC_PAY",
    "CASH",
    "CASHAPP",
    "CASH_EC",
    "CASHLIB",
    "CHEK",
    "CIP",
    "CLICK",
    "CODI",
    "CRYPTO",
    "CUP",
    "DANA",
    "DPOPAY",
    "DRAGON_PAY",
    "DUITNOW",
    "EASYPAISA",
    "ECNY",
    "EFECTY",
    "EFT",
    "EMANAT",
    "ENAIRA",
    "EPAY_BG",
    "EPS",
    "ETISALAT_EG",
    "EZYCASH",
    "ESEWA",
    "EUPAGO",
    "EXTERNAL_HPP",
    "FAWRY",
    "FINRAX",
    "FLEXEPIN",
    "FONEPAY",
    "FPS",
    "FPS_HK",
    "FPX",
    "FUPS",
    "GATE8TRANSACT",
    "GATEIQ",
    "GCASH",
    "GIFTCARD",
    "GIFTCARD_CARD",
    "GIFTCARD_OPENBANKING",
    "GIFTCARD_PAYPAL",
    "GIFTCARD_PM",
    "GIROPAY",
    "GOOGLEPAY",
    "GOPAY",
    "GPAY_IN",
    "GRABPAY",
    "HAVALE",
    "HAYDIPAY",
    "HAYHAY",
    "HELP2PAY",
    "HITES",
    "IDEAL",
    "IMEPAY",
    "IMPS",
    "INAI",
    "INRPAY",
    "INTENT",
    "INTERAC",
    "INTERAC_ACH",
    "INTERAC_ETO",
    "INTERAC_EXPRESS",
    "INTERAC_REQUEST_MONEY",
    "INTERAC_RTO",
    "JAZZCASH",
    "JETONCASH",
    "JETONWALLET",
    "KAKAOPAY",
    "KBZ",
    "KESSPAY",
    "KHALTI",
    "KHIPU",
    "KLAP_EFECTIVO",
    "KLAP_TRANSFERENCIA",
    "KLARNA",
    "LOCALPAYMENT",
    "M10",
    "MACH",
    "MACROPAY",
    "MBWAY",
    "MEFETE",
    "MERCADOPAGO",
    "MIA",
    "MIFINITY",
    "MISTERCASH",
    "MOBILE_BANKING_CN",
    "MOBILE_COMMERCE",
    "MOBILE_MONEY",
    "MOLLIE",
    "MOMOPAY_RW",
    "MOMOPAY_VN",
    "MONERCHY",
    "MONETIX",
    "MONEYTOLIA",
    "MONNET",
    "MONOOVA_ACCOUNT_TRANSFER",
    "MONOOVA_WALLET_TRANSFER",
    "MPAY",
    "MPESA",
    "MUCHBETTER",
    "MULTIBANCO",
    "MYBANK",
    "MYPAYZ",
    "N26",
    "NAGAD",
    "NAVERPAY",
    "NEFT",
    "NEOSURF",
    "NEQUI",
    "NETBANKING",
    "NETELLER",
    "NGENIUS",
    "NODA",
    "NODA_REVOLUT",
    "NUMICARD",
    "NUMICARD_CARD",
    "NUMICARD_OPENBANKING",
    "NUMICARD_PAYPAL",
    "OFFLINE_UPI",
    "OMNIMATRIX",
    "ONEVOUCHER",
    "ONLINE_BANKING",
    "OPAY",
    "OPEN_BANKING",
    "OPENPAYD",
    "OPTIMONEY",
    "OTTVOUCHER",
    "OVO",
    "OXXO",
    "P24",
    "P2C",
    "P2P_ACCESS",
    "P2P_ALFABANK",
    "P2P_CARD",
    "P2P_CARD_ABH",
    "P2P_CARD_CLICK",
    "P2P_CARD_HUMO",
    "P2P_CARD_PAYME",
    "P2P_CARD_UZCARD",
    "P2P_CROSS_BORDER",
    "P2P_CROSS_BORDER_ALFABANK",
    "P2P_CROSS_BORDER_GAZPROMBANK",
    "P2P_CROSS_BORDER_SBER",
    "P2P_CROSS_BORDER_TBANK",
    "P2P_CROSS_BORDER_VTB",
    "P2P_ELCART",
    "P2P_EMANAT",
    "P2P_GAZPROMBANK",
    "P2P_IBAN",
    "P2P_INSTAPAY_EG",
    "P2P_INTERAC_ETO",
    "P2P_KAPITAL",
    "P2P_M10",
    "P2P_MBANK_KG",
    "P2P_MOBILE",
    "P2P_MOBILE_PAYME",
    "P2P_MOBILE_TOP_UP",
    "P2P_OZONBANK",
    "P2P_PSB",
    "P2P_QR_CLICK",
    "P2P_QR_PAY",
    "P2P_SBERBANK",
    "P2P_SBP",
    "P2P_TBANK",
    "P2P_UPI",
    "P2P_VTB",
    "PAGO_MOVIL",
    "PAGO_MOVIL_INST",
    "PAGO46",
    "PAGOEFECTIVO",
    "PAGOFACIL",
    "PAGSMILE_VAULT",
    "PALMPAY",
    "PAPARA",
    "PAPEL",
    "PARAM",
    "PARATIM",
    "PARAZULA",
    "PAROLAPARA",
    "PAY2PLAY",
    "PAYBOL",
    "PAY_BY_LINK",
    "PAY_ME",
    "PAYCASH",
    "PAYCELL",
    "PAYCO_KR",
    "PAYCO_TR",
    "PAYDO_WALLET",
    "PAYFIX",
    "PAYFUN",
    "PAYID",
    "PAYMAXIS",
    "PAYMAYA",
    "PAYME_UZ",
    "PAYNOW",
    "PAYOUT_NONSEPA_REQUEST",
    "PAYOUT_SEPA_BATCH",
    "PAYPAL",
    "PAYPAY",
    "PAYPO",
    "PAYPORT",
    "PAYRETAILERS",
    "PAYSAFECARD",
    "PAYSAFECASH",
    "PAYSHOP",
    "PAYTM",
    "PAYTO",
    "PAYU",
    "PEC",
    "PEP",
    "PERFECTMONEY",
    "PG_PARA",
    "PHONEPE",
    "PIASTRIX",
    "PICPAY",
    "PIX",
    "POLI",
    "POPY",
    "POPY_PARA",
    "PREPAID_CARD",
    "PROMPTPAY",
    "PSE",
    "PUNTOPAGO",
    "PUSH",
    "QR",
    "QR_ELCART",
    "QR_INSTAPAY_EG",
    "QR_MBANK_KG",
    "QRIS",
    "RAPIDTRANSFER",
    "RAPIPAGO",
    "REVOLUT",
    "ROCKET",
    "RTP",
    "RTGS",
    "RUBPAY",
    "SATISPAY",
    "SBERPAY",
    "SBP",
    "SBP_CROSS_BORDER",
    "SEPA",
    "SERVIFACIL",
    "SHOPEEPAY",
    "SIPAY",
    "SKRILL",
    "SOFORT",
    "SOFT2PAY",
    "SPEI",
    "SPOYNT",
    "STICPAY",
    "SUPERMARKET_CODE_PAY",
    "SWISH",
    "TED",
    "TINK",
    "TOSLA",
    "TOSSPAY",
    "TOUCH_N_GO",
    "TRANSFIYA",
    "TRUEMONEY",
    "TRUSTLY",
    "TRUSTPAYMENTS",
    "TWINT",
    "UNIONPAY_TRANSFER",
    "UPI",
    "USSD",
    "VENMO",
    "VIETTEL",
    "VIRTUAL_ACCOUNT",
    "VNPAY_QR",
    "VODAFONE_EG",
    "VOLT",
    "VOUCHERCARD",
    "VOUCHERCARD_CARD",
    "VOUCHERCARD_OPENBANKING",
    "VOUCHERCARD_PAYPAL",
    "VOUCHERCARD_PM",
    "VOUCHERRY",
    "VOUCHSTAR",
    "WAVE",
    "WECHAT",
    "WEBPAY",
    "WISE",
    "XANPAY",
    "XINPAY",
    "YAPE",
    "YAPILY",
    "ZALO",
    "ZELLE",
    "ZIMPLER",
    "ZIPAY",
    "ZOTAPAY",
];

/// `PaymentType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Deposit,
    Withdrawal,
    Refund,
}

impl Kind {
    pub(crate) fn parse(s: &str) -> Option<Kind> {
        match s {
            "DEPOSIT" => Some(Kind::Deposit),
            "WITHDRAWAL" => Some(Kind::Withdrawal),
            "REFUND" => Some(Kind::Refund),
            _ => None,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Deposit => "DEPOSIT",
            Kind::Withdrawal => "WITHDRAWAL",
            Kind::Refund => "REFUND",
        }
    }
}

/// `PaymentState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Checkout,
    Pending,
    AwaitingApproval,
    Authorized,
    Completed,
    Declined,
    Cancelled,
}

impl State {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            State::Checkout => "CHECKOUT",
            State::Pending => "PENDING",
            State::AwaitingApproval => "AWAITING_APPROVAL",
            State::Authorized => "AUTHORIZED",
            State::Completed => "COMPLETED",
            State::Declined => "DECLINED",
            State::Cancelled => "CANCELLED",
        }
    }

    /// The states the seed says webhooks are sent for.
    pub(crate) fn notifies(self) -> bool {
        matches!(self, State::Completed | State::Declined | State::Cancelled | State::Authorized)
    }

    /// No further move is possible (`AUTHORIZED` still can be captured or voided).
    pub(crate) fn is_final(self) -> bool {
        matches!(self, State::Completed | State::Declined | State::Cancelled)
    }
}

/// What a non-final payment waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Awaiting {
    /// Nothing the sandbox's pages can do (a background step, or the `77.77` trigger).
    Nothing,
    /// The 3-D Secure page (`/sandbox/paytech/3ds/{id}`) after a host-to-host card step.
    ThreeDs,
    /// The customer paying by the instructions in `externalRefs` (the checkout page plays it).
    Customer,
}

/// Card data from the request (`card`), digits only.
#[derive(Debug, Clone)]
pub(crate) struct CardData {
    pub number: String,
    pub holder: Option<String>,
    pub expiry_month: Option<String>,
    pub expiry_year: Option<String>,
}

/// The outcome of a test card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CardOutcome {
    Approve,
    Decline(&'static str, &'static str, &'static str),
}

/// The spec's test-card table (plus one insufficient-funds card): `(3-D Secure enrolled,
/// outcome)`. Unlisted numbers decline with `4.13` Invalid card number.
pub(crate) fn test_card(number: &str) -> (bool, CardOutcome) {
    const ISSUER: CardOutcome = CardOutcome::Decline("4.00", "Declined by Issuer", "05");
    match number {
        "4000000000000002" | "5555000000000008" => (true, CardOutcome::Approve),
        "4242424242424242" | "5555000000000438" => (true, ISSUER),
        "4000000000000408" | "5555000000000107" => (false, CardOutcome::Approve),
        "4000000000000416" | "5555000000000115" => (false, ISSUER),
        "4000000000009995" => (false, CardOutcome::Decline("4.01", "Insufficient Funds", "51")),
        _ => (false, CardOutcome::Decline("4.13", "Declined by Issuer: Invalid card number", "14")),
    }
}

/// `VISA`, `MASTERCARD` or `UNKNOWN` by the first digit.
pub(crate) fn card_brand(number: &str) -> &'static str {
    match number.as_bytes().first() {
        Some(b'4') => "VISA",
        Some(b'2' | b'5') => "MASTERCARD",
        _ => "UNKNOWN",
    }
}

/// One entry of `GET /api/v1/payments/{id}/operations`.
#[derive(Debug, Clone)]
pub(crate) struct OpRec {
    pub id: i64,
    pub operation: &'static str,
    pub at: OffsetDateTime,
    pub state: State,
}

/// One payment of any type.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub id: String,
    pub seq: u64,
    pub kind: Kind,
    pub state: State,
    pub awaiting: Awaiting,
    pub reference_id: Option<String>,
    pub created: OffsetDateTime,
    pub updated: OffsetDateTime,
    pub description: Option<String>,
    pub parent_payment_id: Option<String>,
    pub payment_method: Option<String>,
    pub method_details: Option<J>,
    /// The amount now (the captured amount after a partial capture).
    pub amount: Option<Dec>,
    pub currency: String,
    pub redirect_url: Option<String>,
    pub error: Option<(&'static str, &'static str)>,
    pub external_result_code: Option<String>,
    pub customer: Option<serde_json::Map<String, serde_json::Value>>,
    pub billing_address: Option<serde_json::Map<String, serde_json::Value>>,
    pub start_recurring: bool,
    pub pre_auth: bool,
    pub recurring_token: Option<String>,
    pub return_url: Option<String>,
    pub additional_parameters: Option<serde_json::Map<String, serde_json::Value>>,
    pub external_refs: Option<BTreeMap<String, String>>,
    pub card: Option<CardData>,
    pub operations: Vec<OpRec>,
}

/// Keys of `ResponseCustomer` (what a payment answer shows of the request's `customer`).
const RESPONSE_CUSTOMER_KEYS: &[&str] = &[
    "referenceId",
    "citizenshipCountryCode",
    "firstName",
    "lastName",
    "dateOfBirth",
    "email",
    "phone",
    "locale",
    "accountName",
    "accountType",
    "bank",
    "bankCode",
    "bankBranch",
    "bankBranchCode",
    "documentType",
    "documentNumber",
    "routingGroup",
    "kycStatus",
    "paymentInstrumentKycStatus",
    "dateOfFirstDeposit",
    "ip",
];

/// `ISO 8601 (YYYY-MM-DD'T'HH24:MI:SS)` in UTC, as `created` and the list filters.
pub(crate) fn fmt_created(t: OffsetDateTime) -> String {
    let f = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    t.format(&f).unwrap_or_default()
}

/// The envelope's `timestamp` (`2024-09-24T20:29:11.632+00:00`).
pub(crate) fn fmt_timestamp(t: OffsetDateTime) -> String {
    let f = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]+00:00"
    );
    t.format(&f).unwrap_or_default()
}

/// Parses a list filter time (`2021-10-13T10:26:18`, UTC).
pub(crate) fn parse_query_time(s: &str) -> Option<OffsetDateTime> {
    let f = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(s, &f).ok().map(|p| p.assume_utc())
}

impl Record {
    /// Moves to `state`, noting the operation.
    pub(crate) fn move_to(&mut self, state: State, operation: &'static str, now: OffsetDateTime) {
        self.state = state;
        self.updated = now;
        if state != State::Pending {
            self.awaiting = Awaiting::Nothing;
        }
        self.note(operation, now);
    }

    /// Notes an operation without a move.
    pub(crate) fn note(&mut self, operation: &'static str, now: OffsetDateTime) {
        let id = i64::try_from(self.seq).unwrap_or(0) * 1000
            + i64::try_from(self.operations.len()).unwrap_or(0)
            + 1;
        self.operations.push(OpRec { id, operation, at: now, state: self.state });
    }

    /// Declines with an error code from the spec's table.
    pub(crate) fn decline(
        &mut self,
        code: &'static str,
        message: &'static str,
        external: Option<&str>,
        operation: &'static str,
        now: OffsetDateTime,
    ) {
        self.error = Some((code, message));
        self.external_result_code = external.map(str::to_owned);
        self.move_to(State::Declined, operation, now);
    }

    /// Fills `paymentMethodDetails` from the card that was run.
    pub(crate) fn set_card_details(&mut self, card: &CardData) {
        let n = &card.number;
        let masked = if n.len() > 10 {
            format!("{}***{}", &n[..6], &n[n.len() - 4..])
        } else {
            "***".to_owned()
        };
        let token = super::routes::hex_id(self.seq ^ 0x5eed_cafe);
        let details = ObjBuilder::default()
            .put("customerAccountNumber", J::s(masked))
            .put("cardToken", J::s(token))
            .opt("cardholderName", card.holder.clone().map(J::Str))
            .opt("cardExpiryMonth", card.expiry_month.clone().map(J::Str))
            .opt("cardExpiryYear", card.expiry_year.clone().map(J::Str))
            .put("cardBrand", J::s(card_brand(n)))
            .put("cardIssuingCountryCode", J::s("CY"))
            .build();
        self.method_details = Some(details);
        if self.payment_method.is_none() {
            self.payment_method = Some("BASIC_CARD".to_owned());
        }
    }

    /// `PaymentResult` (`full`: answers and webhooks) or `Payment` (list items).
    pub(crate) fn to_json(&self, full: bool) -> J {
        let customer = self.customer.as_ref().map(|c| {
            let kept: serde_json::Map<String, serde_json::Value> = c
                .iter()
                .filter(|(k, v)| {
                    RESPONSE_CUSTOMER_KEYS.contains(&k.as_str())
                        && (v.is_string() || v.is_boolean())
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            J::Val(serde_json::Value::Object(kept))
        });
        let show_redirect = !self.state.is_final() && self.state != State::Authorized;
        let mut b = ObjBuilder::default()
            .put("id", J::s(&self.id))
            .opt("referenceId", self.reference_id.clone().map(J::Str))
            .put("created", J::s(fmt_created(self.created)))
            .put("paymentType", J::s(self.kind.as_str()))
            .put("state", J::s(self.state.as_str()))
            .opt("description", self.description.clone().map(J::Str))
            .opt("parentPaymentId", self.parent_payment_id.clone().map(J::Str))
            .opt("paymentMethod", self.payment_method.clone().map(J::Str))
            .opt("paymentMethodDetails", self.method_details.clone())
            .opt("amount", self.amount.map(|a| J::Num(a.token())))
            .put("currency", J::s(&self.currency))
            .opt("redirectUrl", self.redirect_url.clone().filter(|_| show_redirect).map(J::Str))
            .opt("errorCode", self.error.map(|e| J::s(e.0)))
            .opt("errorMessage", self.error.map(|e| J::s(e.1)))
            .opt("externalResultCode", self.external_result_code.clone().map(J::Str))
            .opt("customer", customer)
            .opt(
                "billingAddress",
                self.billing_address.clone().map(|m| J::Val(serde_json::Value::Object(m))),
            )
            .put("startRecurring", J::Bool(self.start_recurring))
            .put("preAuth", J::Bool(self.pre_auth))
            .opt("recurringToken", self.recurring_token.clone().map(J::Str))
            .put("shopName", J::s("paymux sandbox shop"))
            .put("terminalName", J::s("SANDBOX"));
        if full {
            b = b
                .opt(
                    "additionalParameters",
                    self.additional_parameters
                        .clone()
                        .map(|m| J::Val(serde_json::Value::Object(m))),
                )
                .opt(
                    "externalRefs",
                    self.external_refs
                        .as_ref()
                        .map(|m| J::Obj(m.iter().map(|(k, v)| (k.clone(), J::s(v))).collect())),
                );
        }
        b.build()
    }

    /// `PaymentOperation`s, most recent first.
    pub(crate) fn operations_json(&self) -> J {
        J::Arr(
            self.operations
                .iter()
                .rev()
                .map(|o| {
                    ObjBuilder::default()
                        .put("id", J::Int(o.id))
                        .put("operation", J::s(o.operation))
                        .put("started", J::s(fmt_timestamp(o.at)))
                        .put("completed", J::s(fmt_timestamp(o.at)))
                        .put("paymentState", J::s(o.state.as_str()))
                        .build()
                })
                .collect(),
        )
    }
}
