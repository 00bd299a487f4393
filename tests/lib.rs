//! Shared helpers for the end-to-end tests: how to drive each gateway's sandbox emulator the
//! way a customer would (test cards, hosted pages, redirects).

use std::sync::Arc;
use std::time::Duration;

use paymux::sandbox::EmulatorHandle;
use paymux::{
    Card, CreatePayment, DeclineCode, Payment, PaymentId, PaymentProvider, PaymentStatus,
};

/// How a gateway takes a card: in the API request, or on its hosted page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardEntry {
    /// The connector sends card data in `create_payment`.
    InRequest,
    /// The customer enters the card on the gateway's hosted page.
    HostedPage,
    /// The gateway takes no cards at all (its page completes the payment).
    None,
}

/// What the conformance suite needs to know about one gateway's emulator.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The connector kind.
    pub kind: &'static str,
    /// How cards are entered.
    pub card_entry: CardEntry,
    /// A card that succeeds.
    pub success_card: &'static str,
    /// A card that declines, with the normalized code the connector must report.
    pub decline_card: Option<(&'static str, DeclineCode)>,
    /// A card that needs a customer redirect (3-D Secure) before it succeeds.
    pub redirect_card: Option<&'static str>,
    /// Whether the gateway deduplicates creates by idempotency key.
    pub idempotent_create: bool,
}

/// The profiles of the five gateways, in sandbox order.
pub fn profiles() -> [Profile; 5] {
    [
        Profile {
            kind: "paychtec",
            card_entry: CardEntry::InRequest,
            success_card: "4242424242424242",
            decline_card: Some(("4000000000000002", DeclineCode::CardDeclined)),
            redirect_card: Some("4000000000003220"),
            idempotent_create: true,
        },
        Profile {
            kind: "paytech",
            card_entry: CardEntry::InRequest,
            // pay.tech's own sandbox cards: 4242... declines there.
            success_card: "4000000000000408",
            decline_card: Some(("4000000000000416", DeclineCode::CardDeclined)),
            redirect_card: Some("4000000000000002"),
            // No keys at the gateway: the connector looks the reference up before a keyed retry.
            idempotent_create: true,
        },
        Profile {
            kind: "paygentic",
            card_entry: CardEntry::None,
            success_card: "",
            decline_card: None,
            redirect_card: None,
            idempotent_create: true,
        },
        Profile {
            kind: "paymnt",
            card_entry: CardEntry::InRequest,
            success_card: "4242424242424242",
            decline_card: Some(("4000000000000002", DeclineCode::CardDeclined)),
            redirect_card: Some("4000000000003220"),
            idempotent_create: true,
        },
        Profile {
            kind: "paynectra",
            card_entry: CardEntry::HostedPage,
            success_card: "4242424242424242",
            decline_card: Some(("4000000000000002", DeclineCode::CardDeclined)),
            redirect_card: Some("4000000000003220"),
            idempotent_create: true,
        },
    ]
}

pub use paymux::sandbox::test_billing as billing;

/// A payment request paying with `card` the way the gateway takes cards.
pub fn with_card(profile: &Profile, req: CreatePayment, card: &str) -> CreatePayment {
    match profile.card_entry {
        CardEntry::InRequest => {
            let card = Card::new(card, 12, 2030, "123").expect("test card");
            req.with_card(card).with_billing(billing())
        }
        CardEntry::HostedPage | CardEntry::None => {
            req.with_return_url("https://shop.example/return")
        }
    }
}

/// Visits the payment's redirect as the customer would (see
/// [`paymux::sandbox::complete_redirect`]), with `card` where the page takes one.
pub async fn visit_redirect(
    emulator: &EmulatorHandle,
    payment: &Payment,
    card: Option<&str>,
) -> Result<(), String> {
    paymux::sandbox::complete_redirect(emulator, payment, card).await.map_err(|e| e.to_string())
}

/// Polls `get_payment` until the status leaves `Processing`/`RequiresAction` or 3 s pass.
pub async fn settle(
    provider: &Arc<dyn PaymentProvider>,
    id: &PaymentId,
) -> paymux::Result<Payment> {
    let mut last = provider.get_payment(id).await?;
    for _ in 0..30 {
        if !matches!(last.status, PaymentStatus::Processing | PaymentStatus::RequiresAction) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        last = provider.get_payment(id).await?;
    }
    Ok(last)
}

/// Creates a payment and completes the customer's part (hosted page or redirect) with
/// `card`, then returns the settled payment.
pub async fn pay(
    provider: &Arc<dyn PaymentProvider>,
    emulator: &EmulatorHandle,
    profile: &Profile,
    req: CreatePayment,
    card: &str,
) -> Result<Payment, String> {
    let req = with_card(profile, req, card);
    let created = provider.create_payment(req).await.map_err(|e| e.to_string())?;
    if matches!(created.status, PaymentStatus::RequiresAction | PaymentStatus::Processing)
        && created.next_action.is_some()
    {
        visit_redirect(emulator, &created, Some(card)).await?;
        let mut settled = settle(provider, &created.id).await.map_err(|e| e.to_string())?;
        // A 3-D Secure step can follow the hosted page.
        if settled.status == PaymentStatus::RequiresAction && settled.next_action.is_some() {
            visit_redirect(emulator, &settled, None).await?;
            settled = settle(provider, &created.id).await.map_err(|e| e.to_string())?;
        }
        return Ok(settled);
    }
    Ok(created)
}

/// The connector of `kind` at `url` (base path included) with the test credentials `creds`,
/// built the way an application builds it from its own configuration, with `connection` as
/// its connection settings (retries, timeouts, an HTTP client of the test's own).
pub fn connector(
    kind: &str,
    url: &str,
    creds: &paymux::sandbox::TestCredentials,
    mut connection: paymux::transport::ConnectionSettings,
) -> Arc<dyn PaymentProvider> {
    use paymux::{ProviderId, SecretString};
    connection.base_url = Some(url.to_owned());
    connection.provider_id.get_or_insert_with(|| ProviderId::new(kind));
    let key = SecretString::from(creds.api_key.clone());
    let secret = Some(SecretString::from(creds.webhook_secret.clone()));
    match kind {
        "paychtec" => {
            use paymux::paychtec::{Environment, Paychtec, PaychtecConfig};
            let profile = creds.extra["profile_id"].clone();
            let mut c = PaychtecConfig::new(key, Environment::Sandbox, profile);
            c.connection = connection;
            c.webhook_secret = secret;
            Arc::new(Paychtec::new(c).expect("paychtec config"))
        }
        "paytech" => {
            use paymux::paytech::{Environment, Paytech, PaytechConfig};
            let mut c = PaytechConfig::new(key, Environment::Sandbox);
            c.connection = connection;
            c.signing_key = secret;
            Arc::new(Paytech::new(c).expect("paytech config"))
        }
        "paygentic" => {
            use paymux::paygentic::{Environment, Paygentic, PaygenticConfig};
            let mut c = PaygenticConfig::new(key, Environment::Sandbox);
            c.connection = connection;
            c.webhook_secret = secret;
            c.merchant_id = creds.extra.get("merchant_id").cloned();
            Arc::new(Paygentic::new(c).expect("paygentic config"))
        }
        "paymnt" => {
            use paymux::paymnt::{Environment, Paymnt, PaymntConfig};
            let mut c = PaymntConfig::new(key, Environment::Sandbox);
            c.connection = connection;
            c.webhook_secret = secret;
            c.profile_id = creds.extra.get("profile_id").cloned();
            Arc::new(Paymnt::new(c).expect("paymnt config"))
        }
        "paynectra" => {
            use paymux::paynectra::{Environment, Paynectra, PaynectraConfig};
            let mut c = PaynectraConfig::new(key, Environment::Sandbox);
            c.connection = connection;
            c.webhook_secret = secret;
            Arc::new(Paynectra::new(c).expect("paynectra config"))
        }
        other => panic!("unknown gateway {other}"),
    }
}

/// The URL a connector of the emulator's gateway is configured with (its base path included).
pub fn emulator_url(emulator: &EmulatorHandle) -> String {
    let base_path = emulator.credentials().extra.get("base_path").map(String::as_str);
    format!("{}{}", emulator.base_url(), base_path.unwrap_or(""))
}
