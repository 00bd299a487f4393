//! The connector layer's span, its one `INFO` line per operation, what no level may show, and
//! the metrics, through a small connector over the shared transport against wiremock. Its
//! own test binary: the tracing subscriber is process-global here.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use paymux_core::connector::{Connector, card_cvc, card_number, idempotency_key};
use paymux_core::transport::{Auth, HttpTransport, Request, RetryPolicy, TransportConfig};
use paymux_core::{
    Address, BillingDetails, Capabilities, Card, CreatePayment, Currency, CustomerDetails,
    DeclineCode, ExposeSecret, Failure, IdempotencyKey, Money, Operation, Payment, PaymentId,
    PaymentProvider, PaymentStatus, Phone, ProviderId, Result, SecretString,
};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "snd_supersecretkey123";
const WEBHOOK_SECRET: &str = "whsec_topsecretvalue987";
const CARD: &str = "4242424242424242";
const CVC: &str = "737";
const EMAIL: &str = "jane.doe@example.com";
const LINE1: &str = "1 Main Street";
const POSTAL: &str = "94107";
const PHONE: &str = "6502530000";

/// A gateway written the way connectors are: plain `async fn`s over the shared transport.
/// Its route is written without the leading slash (as Paynectra's are).
struct TestPay {
    id: ProviderId,
    caps: Capabilities,
    transport: HttpTransport,
    webhook_secret: SecretString,
}

impl TestPay {
    fn new(instance: &str, base_url: &str, retry: RetryPolicy) -> TestPay {
        let mut config = TransportConfig::new(
            ProviderId::new(instance),
            base_url,
            Auth::header("api-key", SecretString::from(KEY)).unwrap(),
        );
        config.retry = retry.with_delays(Duration::from_millis(1), Duration::from_millis(2));
        TestPay {
            id: ProviderId::new(instance),
            caps: Capabilities::only([Operation::CreatePayment, Operation::GetPayment]),
            transport: HttpTransport::new(config).unwrap(),
            webhook_secret: SecretString::from(WEBHOOK_SECRET),
        }
    }
}

impl Connector for TestPay {
    const GATEWAY: &'static str = "testpay";
    fn id(&self) -> &ProviderId {
        &self.id
    }
    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }
    async fn create_payment(&self, req: CreatePayment) -> Result<Payment> {
        let key = idempotency_key(req.idempotency_key.clone());
        let card = match &req.payment_method {
            Some(paymux_core::PaymentMethod::Card(card)) => json!({
                "number": card_number(card).expose_secret(),
                "cvc": card_cvc(card).expose_secret(),
            }),
            _ => Value::Null,
        };
        let customer = req.customer.as_ref().and_then(|c| match c {
            paymux_core::PaymentCustomer::Inline(d) => Some(d.clone()),
            _ => None,
        });
        let body = json!({
            "amount": req.amount.amount_minor(),
            "reference": req.merchant_reference,
            "card": card,
            "customer": customer,
            "billing": req.billing,
            "signing": self.webhook_secret.expose_secret().len(),
        });
        let answer: Value = self
            .transport
            .send_json(
                Request::post("create_payment", "payments")
                    .json(&body)?
                    .idempotent_header(key, "Idempotency-Key")?,
            )
            .await?;
        let status = match answer["status"].as_str() {
            Some("declined") => PaymentStatus::Failed,
            _ => PaymentStatus::Succeeded,
        };
        let mut payment = Payment::new(
            PaymentId::new(answer["id"].as_str().unwrap_or_default()),
            self.id.clone(),
            status,
            answer["status"].as_str().unwrap_or_default(),
            req.amount,
        );
        if status == PaymentStatus::Failed {
            payment.failure = Some(Failure {
                code: Some(DeclineCode::InsufficientFunds),
                gateway_code: Some("51".into()),
                message: None,
            });
        }
        Ok(payment)
    }
    async fn get_payment(&self, id: &PaymentId) -> Result<Payment> {
        let _: Value =
            self.transport.send_json(Request::get("get_payment", format!("payments/{id}"))).await?;
        unreachable!("the tests answer get_payment with an error")
    }
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn order() -> CreatePayment {
    let card = Card::new(CARD, 12, 2030, CVC).unwrap().with_holder_name("Jane Doe");
    let billing = BillingDetails {
        address: Some(Address {
            line1: Some(LINE1.into()),
            line2: Some("Apartment 4".into()),
            city: Some("Springfield".into()),
            postal_code: Some(POSTAL.into()),
            country: Some("US".into()),
            first_name: Some("Jane".into()),
            last_name: Some("Doe".into()),
            ..Default::default()
        }),
        phone: Some(Phone { country_code: "+1".into(), number: PHONE.into() }),
        email: Some(EMAIL.into()),
    };
    let details = CustomerDetails {
        email: Some(EMAIL.into()),
        name: Some("Jane Doe".into()),
        phone: Some(Phone { country_code: "+1".into(), number: PHONE.into() }),
    };
    CreatePayment::new(Money::from_minor(6540, Currency::USD).unwrap())
        .with_reference("order_42")
        .with_card(card)
        .with_billing(billing)
        .with_customer_details(details)
        .with_idempotency_key(IdempotencyKey::new("idem_order_42").unwrap())
}

#[tokio::test(flavor = "current_thread")]
async fn one_span_per_operation_one_info_line_and_nothing_personal_at_any_level() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .without_time()
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    // The gateway fails once (a retry), then answers and echoes what it was sent.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": "pay_1", "status": "succeeded", "card": {"number": CARD},
            "customer": {"email": EMAIL, "first_name": "Jane", "phone": PHONE},
            "billing": {"line1": LINE1, "postal_code": POSTAL}, "echo": KEY,
        })))
        .mount(&server)
        .await;
    let gateway = TestPay::new("tracepay", &server.uri(), RetryPolicy::default());
    let provider: &dyn PaymentProvider = &gateway;
    let payment = provider.create_payment(order()).await.unwrap();
    assert_eq!(payment.id.as_str(), "pay_1");
    let debug = format!("{:?} {:?}", order(), payment);

    let out = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let ours: Vec<&str> = out.lines().filter(|l| l.contains("tracepay")).collect();
    assert!(out.contains("request body") && out.contains("response body"), "TRACE ran: {out}");

    // The span: every field, on the finishing line.
    let info: Vec<&&str> = ours.iter().filter(|l| l.contains(" INFO ")).collect();
    assert_eq!(info.len(), 1, "one INFO line for one successful payment: {out}");
    for field in [
        "paymux.operation{",
        "instance=tracepay",
        "operation=\"create_payment\"",
        "merchant_reference=\"order_42\"",
        "idempotency_key=\"idem_order_42\"",
        "payment_id=\"pay_1\"",
        "attempts=2",
        "outcome=\"ok\"",
        "status=\"succeeded\"",
        "latency_ms=",
    ] {
        assert!(info[0].contains(field), "{field} missing: {}", info[0]);
    }
    assert_eq!(info[0].matches("idempotency_key=").count(), 1, "recorded once: {}", info[0]);
    // One spelling of the path, with its leading slash, although the route has none.
    assert!(out.contains("path=/payments") && !out.contains("path=payments"), "{out}");
    // The retry warning names neither the instance nor the operation a second time.
    let warn: Vec<&&str> = ours.iter().filter(|l| l.contains(" WARN ")).collect();
    assert_eq!(warn.len(), 1, "{out}");
    assert_eq!(warn[0].matches("tracepay").count(), 1, "{}", warn[0]);
    assert_eq!(warn[0].matches("create_payment").count(), 1, "{}", warn[0]);

    for secret in
        [CARD, "\"737\"", "cvc=737", KEY, WEBHOOK_SECRET, EMAIL, LINE1, POSTAL, PHONE, "Jane"]
    {
        assert!(!out.contains(secret), "{secret} leaked: {out}");
    }
    for secret in [CARD, KEY, WEBHOOK_SECRET] {
        assert!(!debug.contains(secret), "{secret} leaked in Debug: {debug}");
    }
}

fn labels(key: &metrics::Key) -> Vec<(String, String)> {
    let mut labels: Vec<(String, String)> =
        key.labels().map(|l| (l.key().to_owned(), l.value().to_owned())).collect();
    labels.sort();
    labels
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> =
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    v.sort();
    v
}

#[tokio::test(flavor = "current_thread")]
async fn calls_declines_retries_and_latency_are_counted_with_their_labels() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    // A recorder for this thread only: the test runtime runs every call on it.
    let _guard = metrics::set_default_local_recorder(&recorder);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": "pay_2", "status": "declined"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": "no such payment"})))
        .mount(&server)
        .await;
    let gateway = TestPay::new("metricpay", &server.uri(), RetryPolicy::default());
    let provider: &dyn PaymentProvider = &gateway;
    let amount = Money::from_minor(1000, Currency::EUR).unwrap();
    let declined = provider.create_payment(CreatePayment::new(amount)).await.unwrap();
    assert_eq!(declined.status, PaymentStatus::Failed);
    let err = provider.get_payment(&PaymentId::new("pay_404")).await.unwrap_err();
    assert_eq!(err.kind(), paymux_core::ErrorKind::NotFound);
    let refused = provider.cancel_payment(&PaymentId::new("pay_2"), Default::default()).await;
    assert!(refused.is_err(), "outside the capabilities");

    let snapshot = snapshotter.snapshot().into_vec();
    let find = |name: &str, want: &[(&str, &str)]| {
        snapshot
            .iter()
            .find(|(k, _, _, _)| k.key().name() == name && labels(k.key()) == pairs(want))
            .map(|(_, _, _, v)| v)
            .unwrap_or_else(|| panic!("no {name} {want:?} in {snapshot:#?}"))
    };
    let calls = paymux_core::observability::CALLS;
    for (operation, outcome) in [
        ("create_payment", "declined"),
        ("get_payment", "not_found"),
        ("cancel_payment", "unsupported"),
    ] {
        let labels = [("instance", "metricpay"), ("operation", operation), ("outcome", outcome)];
        assert_eq!(find(calls, &labels), &DebugValue::Counter(1));
    }
    let declines = find(
        paymux_core::observability::DECLINES,
        &[("instance", "metricpay"), ("code", "insufficient_funds")],
    );
    assert_eq!(declines, &DebugValue::Counter(1));
    let retries = find(
        paymux_core::observability::RETRIES,
        &[("instance", "metricpay"), ("operation", "create_payment")],
    );
    assert_eq!(retries, &DebugValue::Counter(1));
    match find(
        paymux_core::observability::CALL_DURATION,
        &[("instance", "metricpay"), ("operation", "create_payment")],
    ) {
        DebugValue::Histogram(values) => {
            assert_eq!(values.len(), 1);
            assert!(values[0].into_inner() > 0.0 && values[0].into_inner() < 10.0);
        }
        other => panic!("not a histogram: {other:?}"),
    }
    // Every name recorded is one the crate docs' table lists.
    for (key, _, _, _) in &snapshot {
        assert!(paymux_core::observability::ALL.contains(&key.key().name()), "{key:?}");
    }
    let docs = include_str!("../src/lib.rs");
    for name in paymux_core::observability::ALL {
        assert!(docs.contains(&format!("| `{name}` |")), "{name} is not in the crate docs' table");
    }
}
