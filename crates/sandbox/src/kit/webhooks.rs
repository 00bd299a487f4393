//! Signs an emulator's webhooks the way its gateway does ([`Signing`]) and sends them to a
//! configured URL, retrying on non-2xx.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use paymux_core::webhook::{Algorithm, Encoding, sign, sign_parts};

/// How a gateway signs its webhooks.
#[derive(Debug, Clone)]
pub enum Signing {
    /// `header` = lowercase hex HMAC of the raw body (Hyperswitch: SHA-512, pay.tech: SHA-256).
    Hex {
        /// The signature header.
        header: &'static str,
        /// The HMAC's hash.
        algorithm: Algorithm,
    },
    /// Svix (Paygentic): `svix-id`, `svix-timestamp`, `svix-signature: v1,<base64>` over
    /// `"{id}.{timestamp}.{body}"`, keyed with the base64 part of a `whsec_` secret.
    Svix,
    /// Stripe style (Paynectra): `header: t=<unix>,v1=<hex HMAC-SHA256 of "{t}.{body}">`,
    /// keyed with the secret's UTF-8 bytes.
    Timestamped {
        /// The signature header.
        header: &'static str,
    },
}

impl Signing {
    /// The headers of one delivery of `body` (`n` numbers Svix message ids).
    pub fn headers(&self, secret: &str, n: u64, body: &[u8]) -> Vec<(String, String)> {
        let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        let now = time::OffsetDateTime::now_utc().unix_timestamp().to_string();
        match self {
            Signing::Hex { header, algorithm } => {
                let sig = sign(*algorithm, secret.as_bytes(), body, Encoding::Hex);
                headers.push(((*header).to_owned(), sig));
            }
            Signing::Svix => {
                let key = secret
                    .strip_prefix("whsec_")
                    .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
                    .unwrap_or_else(|| secret.as_bytes().to_vec());
                let id = format!("msg_sbx_{n:06}");
                let parts = [id.as_bytes(), b".", now.as_bytes(), b".", body];
                let sig = sign_parts(Algorithm::Sha256, &key, &parts, Encoding::Base64);
                headers.push(("svix-id".to_owned(), id));
                headers.push(("svix-timestamp".to_owned(), now));
                headers.push(("svix-signature".to_owned(), format!("v1,{sig}")));
            }
            Signing::Timestamped { header } => {
                let parts = [now.as_bytes(), b".", body];
                let sig = sign_parts(Algorithm::Sha256, secret.as_bytes(), &parts, Encoding::Hex);
                headers.push(((*header).to_owned(), format!("t={now},v1={sig}")));
            }
        }
        headers
    }
}

/// One webhook an emulator produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentWebhook {
    /// Headers, including the signature.
    pub headers: Vec<(String, String)>,
    /// The exact body that was signed.
    pub body: Vec<u8>,
}

impl SentWebhook {
    /// The headers as an `http::HeaderMap`, as a web framework would hand them to a handler.
    pub fn header_map(&self) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for (name, value) in &self.headers {
            if let (Ok(n), Ok(v)) =
                (http::HeaderName::from_bytes(name.as_bytes()), http::HeaderValue::from_str(value))
            {
                map.append(n, v);
            }
        }
        map
    }
}

/// The outcome of posting one webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// What was sent.
    pub webhook: SentWebhook,
    /// Attempts made.
    pub attempts: u32,
    /// Whether an attempt got a 2xx.
    pub delivered: bool,
}

/// An emulator's webhook outbox and sender.
#[derive(Debug, Clone)]
pub struct Webhooks {
    target: Arc<Mutex<Option<String>>>,
    sent: Arc<Mutex<Vec<SentWebhook>>>,
    deliveries: Arc<Mutex<Vec<Delivery>>>,
    /// Built on the first delivery: most emulators (in tests) never post a webhook, and a
    /// client costs its TLS setup.
    client: Arc<std::sync::OnceLock<reqwest::Client>>,
    signer: Arc<std::sync::OnceLock<(Signing, String)>>,
    count: Arc<AtomicU64>,
    max_attempts: u32,
}

impl Webhooks {
    pub(crate) fn new() -> std::io::Result<Self> {
        // Installed now, not with the client: the process's other clients (a test's own)
        // may be built before the first webhook.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Ok(Webhooks {
            target: Arc::default(),
            sent: Arc::default(),
            deliveries: Arc::default(),
            client: Arc::default(),
            signer: Arc::default(),
            count: Arc::default(),
            max_attempts: 5,
        })
    }

    fn client(&self) -> reqwest::Client {
        let client = self.client.get_or_init(|| {
            reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap_or_else(|_| reqwest::Client::new())
        });
        client.clone()
    }

    /// Sets how [`send`](Self::send) signs (each emulator sets its gateway's scheme, once).
    pub(crate) fn set_signing(&self, signing: Signing, secret: &str) {
        let _ = self.signer.set((signing, secret.to_owned()));
    }

    /// Signs `body` with the gateway's scheme and [`emit`](Self::emit)s it.
    pub fn send(&self, body: Vec<u8>) {
        let n = self.count.fetch_add(1, Ordering::Relaxed) + 1;
        let headers = match self.signer.get() {
            Some((signing, secret)) => signing.headers(secret, n, &body),
            None => vec![("Content-Type".to_owned(), "application/json".to_owned())],
        };
        self.emit(headers, body);
    }

    /// Posts every future webhook to `url` (`None` keeps them in the outbox only).
    pub fn set_target(&self, url: Option<String>) {
        *self.target.lock().unwrap_or_else(|p| p.into_inner()) = url;
    }

    /// Every webhook produced so far, in order (whether or not a target is set).
    pub fn sent(&self) -> Vec<SentWebhook> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The most recent webhook.
    pub fn last(&self) -> Option<SentWebhook> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).last().cloned()
    }

    /// Finished deliveries to the target.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.deliveries.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Records a signed webhook and, if a target is set, posts it in the background.
    pub fn emit(&self, headers: Vec<(String, String)>, body: Vec<u8>) {
        let webhook = SentWebhook { headers, body };
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).push(webhook.clone());
        let Some(url) = self.target.lock().unwrap_or_else(|p| p.into_inner()).clone() else {
            return;
        };
        let client = self.client();
        let deliveries = self.deliveries.clone();
        let max_attempts = self.max_attempts;
        tokio::spawn(async move {
            let mut attempts = 0;
            let mut delivered = false;
            while attempts < max_attempts && !delivered {
                if attempts > 0 {
                    tokio::time::sleep(Duration::from_millis(20 << attempts)).await;
                }
                attempts += 1;
                let mut req = client.post(&url).body(webhook.body.clone());
                for (n, v) in &webhook.headers {
                    req = req.header(n.as_str(), v.as_str());
                }
                delivered = matches!(req.send().await, Ok(r) if r.status().is_success());
            }
            deliveries.lock().unwrap_or_else(|p| p.into_inner()).push(Delivery {
                webhook,
                attempts,
                delivered,
            });
        });
    }
}
