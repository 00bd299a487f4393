//! The baseline of the overhead benchmark: `create_payment` written by hand against each
//! gateway's documented API, the way a merchant would without paymux.
//!
//! Each call does what sending the same request takes, and nothing more: the JSON body built
//! from the order with borrowed, typed serde structs (the cheapest hand-written form), a
//! fresh idempotency key where the gateway takes one, one `reqwest` POST on a client that
//! carries the auth headers as defaults, a status check, and the answer parsed as JSON
//! (`serde_json::Value`, as the floor does) with the id and status read from it. The
//! benchmark checks once, before timing, that this sends the connector's request: the same
//! path, headers and JSON body, but for the idempotency key (and the Hyperswitch merchant
//! `payment_id` derived from it).

use serde::Serialize;

/// The merchant's order, as business code holds it.
pub struct Order {
    pub amount_minor: i64,
    pub currency: &'static str,
    pub reference: &'static str,
    pub card: Option<OrderCard>,
    pub billing: bool,
    pub return_url: Option<&'static str>,
}

/// Card details of an order.
pub struct OrderCard {
    pub number: &'static str,
    pub exp_month: &'static str,
    pub exp_year: &'static str,
    pub cvc: &'static str,
}

/// What the call returns to business code.
#[derive(Debug)]
pub struct Created {
    pub id: String,
    pub status: String,
}

/// Which gateway, with the account values its body names.
pub enum Gateway {
    Paychtec { profile_id: String },
    Paytech,
    Paygentic { merchant_id: String },
    Paymnt,
    Paynectra,
}

/// How the gateway's idempotency key travels.
pub enum KeyPlace {
    Header(&'static str),
    Body(&'static str),
    None,
}

impl Gateway {
    /// Where this gateway reads the idempotency key.
    pub fn key_place(&self) -> KeyPlace {
        match self {
            Gateway::Paychtec { .. } => KeyPlace::Header("x-idempotency-key"),
            Gateway::Paymnt | Gateway::Paynectra => KeyPlace::Header("idempotency-key"),
            Gateway::Paygentic { .. } => KeyPlace::Body("idempotencyKey"),
            Gateway::Paytech => KeyPlace::None,
        }
    }

    /// One `create_payment`, by hand.
    pub async fn create(&self, client: &reqwest::Client, url: &str, order: &Order) -> Created {
        match self {
            Gateway::Paychtec { profile_id } => {
                let key = uuid::Uuid::new_v4().to_string();
                let payment_id = merchant_payment_id(&key);
                let body = hyperswitch_body(order, &payment_id, Some(profile_id), true);
                let req = client.post(url).header("x-idempotency-key", key).json(&body);
                created(&send(req).await, "payment_id", "status")
            }
            Gateway::Paymnt => {
                let key = uuid::Uuid::new_v4().to_string();
                let payment_id = merchant_payment_id(&key);
                let body = hyperswitch_body(order, &payment_id, None, false);
                let req = client.post(url).header("idempotency-key", key).json(&body);
                created(&send(req).await, "payment_id", "status")
            }
            Gateway::Paytech => {
                let amount = major(order.amount_minor);
                let amount = serde_json::value::RawValue::from_string(amount).expect("number");
                let body = PaytechDeposit {
                    reference_id: order.reference,
                    payment_type: "DEPOSIT",
                    payment_method: order.card.as_ref().map(|_| "BASIC_CARD"),
                    amount: &amount,
                    currency: order.currency,
                    card: order.card.as_ref().map(|c| PaytechCard {
                        card_number: c.number,
                        card_security_code: c.cvc,
                        expiry_month: c.exp_month,
                        expiry_year: c.exp_year,
                    }),
                };
                let answer = send(client.post(url).json(&body)).await;
                created(&answer["result"], "id", "state")
            }
            Gateway::Paygentic { merchant_id } => {
                let key = uuid::Uuid::new_v4().to_string();
                let body = PaygenticCreate {
                    amount: major(order.amount_minor),
                    currency: order.currency,
                    merchant_id,
                    idempotency_key: &key,
                    reference: order.reference,
                };
                created(&send(client.post(url).json(&body)).await, "id", "status")
            }
            Gateway::Paynectra => {
                let currency = order.currency.to_ascii_lowercase();
                let body = PaynectraCreate {
                    amount: order.amount_minor,
                    currency: &currency,
                    capture_method: "automatic",
                    metadata: PaynectraMetadata { merchant_reference: order.reference },
                    return_url: order.return_url,
                };
                let key = uuid::Uuid::new_v4().to_string();
                let req = client.post(url).header("idempotency-key", key).json(&body);
                created(&send(req).await, "id", "status")
            }
        }
    }
}

/// Sends, checks the status, parses the answer as JSON.
async fn send(req: reqwest::RequestBuilder) -> serde_json::Value {
    let response = req.send().await.expect("send");
    assert!(response.status().is_success(), "gateway answered {}", response.status());
    let bytes = response.bytes().await.expect("body");
    serde_json::from_slice(&bytes).expect("answer")
}

/// The id and status business code keeps.
fn created(payment: &serde_json::Value, id: &str, status: &str) -> Created {
    let text = |field: &str| payment[field].as_str().unwrap_or_default().to_owned();
    Created { id: text(id), status: text(status) }
}

/// `1050` -> `"10.50"` (two-decimal currencies only, as in the benchmark).
fn major(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

/// The merchant's `payment_id`, which makes a create idempotent on a Hyperswitch backend,
/// derived from the idempotency key (a retry sends the same id): `pay_` and 26 of its hex
/// digits.
fn merchant_payment_id(key: &str) -> String {
    let hex: String = key.chars().filter(|c| *c != '-').take(26).collect();
    format!("pay_{hex}")
}

fn hyperswitch_body<'a>(
    order: &'a Order,
    payment_id: &'a str,
    profile_id: Option<&'a str>,
    metadata_reference: bool,
) -> HyperswitchCreate<'a> {
    HyperswitchCreate {
        payment_id,
        amount: order.amount_minor,
        currency: order.currency,
        profile_id,
        confirm: true,
        capture_method: "automatic",
        merchant_order_reference_id: (!metadata_reference).then_some(order.reference),
        payment_method: order.card.as_ref().map(|_| "card"),
        payment_method_type: order.card.as_ref().filter(|_| metadata_reference).map(|_| "credit"),
        payment_method_data: order.card.as_ref().map(|c| HyperswitchMethodData {
            card: HyperswitchCard {
                card_number: c.number,
                card_exp_month: c.exp_month,
                card_exp_year: c.exp_year,
                card_cvc: c.cvc,
            },
        }),
        billing: order.billing.then_some(HyperswitchBilling {
            address: HyperswitchAddress {
                line1: "1 Main St",
                city: "Springfield",
                zip: "12345",
                country: "US",
            },
            phone: HyperswitchPhone { number: "5550000000", country_code: "+1" },
        }),
        metadata: metadata_reference.then_some(HyperswitchMetadata { order_id: order.reference }),
    }
}

#[derive(Serialize)]
struct HyperswitchCreate<'a> {
    payment_id: &'a str,
    amount: i64,
    currency: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    profile_id: Option<&'a str>,
    confirm: bool,
    capture_method: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    merchant_order_reference_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_method: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_method_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_method_data: Option<HyperswitchMethodData<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    billing: Option<HyperswitchBilling<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<HyperswitchMetadata<'a>>,
}

#[derive(Serialize)]
struct HyperswitchMethodData<'a> {
    card: HyperswitchCard<'a>,
}

#[derive(Serialize)]
struct HyperswitchCard<'a> {
    card_number: &'a str,
    card_exp_month: &'a str,
    card_exp_year: &'a str,
    card_cvc: &'a str,
}

#[derive(Serialize)]
struct HyperswitchBilling<'a> {
    address: HyperswitchAddress<'a>,
    phone: HyperswitchPhone<'a>,
}

#[derive(Serialize)]
struct HyperswitchAddress<'a> {
    line1: &'a str,
    city: &'a str,
    zip: &'a str,
    country: &'a str,
}

#[derive(Serialize)]
struct HyperswitchPhone<'a> {
    number: &'a str,
    country_code: &'a str,
}

#[derive(Serialize)]
struct HyperswitchMetadata<'a> {
    order_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PaytechDeposit<'a> {
    reference_id: &'a str,
    payment_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_method: Option<&'a str>,
    amount: &'a serde_json::value::RawValue,
    currency: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    card: Option<PaytechCard<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PaytechCard<'a> {
    card_number: &'a str,
    card_security_code: &'a str,
    expiry_month: &'a str,
    expiry_year: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PaygenticCreate<'a> {
    amount: String,
    currency: &'a str,
    merchant_id: &'a str,
    idempotency_key: &'a str,
    reference: &'a str,
}

#[derive(Serialize)]
struct PaynectraCreate<'a> {
    amount: i64,
    currency: &'a str,
    capture_method: &'a str,
    metadata: PaynectraMetadata<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    return_url: Option<&'a str>,
}

#[derive(Serialize)]
struct PaynectraMetadata<'a> {
    merchant_reference: &'a str,
}
