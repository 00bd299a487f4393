//! `paymux webhook verify`.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::sync::Arc;

use http::{HeaderMap, HeaderName, HeaderValue};
use paymux::router::InstanceSpec;
use paymux_core::{ErrorKind, PaymentProvider, SecretString, WebhookFailure, WebhookResource};

use crate::{Failure, Outcome};

/// Stands in for what a kind requires but verification never reads (a profile id, any
/// credential but the webhook secret): verifying a signature needs the secret alone.
const UNUSED: &str = "unused-by-webhook-verification";

/// Stand-ins for the API key, tried in turn: connectors check their key's prefix against
/// the environment (sandbox here): Paychtec `snd_`, Paygentic and Paynectra `sk_test_`.
const UNUSED_KEYS: [&str; 2] =
    ["snd_unused-by-webhook-verification", "sk_test_unused-by-webhook-verification"];

/// Verifies the body on standard input with `kind`'s connector and reports.
pub(crate) fn verify(
    kind: &str,
    secret_env: &str,
    headers: &[String],
    options: &[String],
) -> Outcome {
    let headers = parse_headers(headers)?;
    let options = parse_options(options)?;
    // Read before anything can fail on the secret, so the message names the actual problem.
    let secret = std::env::var(secret_env).map_err(|_| {
        Failure::new(format!(
            "environment variable {secret_env} is not set (it holds the webhook secret)"
        ))
    })?;
    let provider = connector(kind, SecretString::from(secret), options)?;
    let mut body = Vec::new();
    std::io::stdin()
        .read_to_end(&mut body)
        .map_err(|e| Failure::new(format!("cannot read the body from standard input: {e}")))?;
    match provider.parse_webhook(&headers, &body) {
        Ok(event) => {
            println!("signature verified ({kind}, {} bytes)", body.len());
            println!("event id:   {}", event.id);
            println!("event kind: {}", event.kind);
            match &event.resource {
                WebhookResource::Payment(p) => println!("payment:    {} ({})", p.id, p.status),
                WebhookResource::Refund(r) => println!("refund:     {} ({})", r.id, r.status),
                WebhookResource::Payout(p) => println!("payout:     {} ({})", p.id, p.status),
                WebhookResource::Dispute(d) => println!("dispute:    {} ({})", d.id, d.status),
                _ => println!("resource:   outside the core model (see the raw body)"),
            }
            if let Some(at) = event.occurred_at {
                println!("occurred:   {at}");
            }
            if event.unread.is_empty() {
                println!("read whole: nothing unread");
            } else {
                println!("unread ({}):", event.unread.len());
                for u in &event.unread {
                    println!("  {} {:?}: {}", u.pointer, u.problem, u.detail);
                }
            }
            Ok(())
        }
        Err(e) => Err(Failure::new(match e.webhook_failure() {
            Some(failure) => format!("signature refused: {failure}: {}", explain(failure)),
            None if e.kind() == ErrorKind::WebhookNotJson => {
                format!("signature verified, but the body is not JSON: {}", e.message())
            }
            None => format!("cannot verify: {e}"),
        })),
    }
}

/// What a failure usually means, for the person at the terminal. An attacker never sees
/// these: endpoints answer a bare 4xx.
fn explain(failure: WebhookFailure) -> &'static str {
    match failure {
        WebhookFailure::MissingHeader => {
            "a header the signature needs is absent; pass every header of the delivery with --header 'Name: value'"
        }
        WebhookFailure::BadEncoding => {
            "the signature header is not in the format this gateway sends (wrong header, or a value cut or re-encoded when copied)"
        }
        WebhookFailure::Mismatch => {
            "no signature matches this body: the secret is not this endpoint's, or the body is not byte for byte what was sent (reformatted JSON, an added trailing newline)"
        }
        WebhookFailure::StaleTimestamp => {
            "the signed timestamp is outside the tolerance window: a delivery replayed later than the gateway's window, or a clock off"
        }
        WebhookFailure::BodyTooLarge => "the body is larger than the connector accepts",
        WebhookFailure::TooManySignatures => {
            "more signatures, or a longer signature header, than any sender needs"
        }
        WebhookFailure::Duplicate => "this event id was already processed",
        _ => "see the connector's documentation",
    }
}

/// Builds `kind`'s connector from the registry with the secret as its webhook secret,
/// filling in what the kind requires and verification does not read.
fn connector(
    kind: &str,
    secret: SecretString,
    options: BTreeMap<String, String>,
) -> Result<Arc<dyn PaymentProvider>, Failure> {
    let registry = paymux::registry();
    let factory = registry.factory(kind).ok_or_else(|| {
        Failure::usage(format!("unknown kind {kind:?}; kinds: {}", registry.kinds().join(", ")))
    })?;
    let mut spec = InstanceSpec::new(kind, kind);
    spec.options = options;
    // What the kind requires but verification never reads (a profile id, an API key) gets a
    // stand-in; the secret goes where the kind declares it.
    let secret_name = match registry.keys(kind) {
        Some(keys) => {
            for name in keys.required_options() {
                spec.options.entry(name.to_owned()).or_insert_with(|| UNUSED.to_owned());
            }
            for name in keys.required_credentials() {
                spec.credentials.insert(name.to_owned(), SecretString::from(UNUSED.to_owned()));
            }
            keys.webhook_secret().unwrap_or("webhook_secret").to_owned()
        }
        None => "webhook_secret".to_owned(),
    };
    spec.credentials.insert(secret_name, secret);
    // Reported when every stand-in key fails: the last one's error, past the key prefixes (a
    // mistake in the secret itself reads the same whatever the stand-in).
    let mut last_error = None;
    for key in UNUSED_KEYS {
        let mut spec = spec.clone();
        spec.credentials.insert("api_key".into(), SecretString::from(key.to_owned()));
        match factory(&spec) {
            Ok(provider) => return Ok(provider),
            Err(e) => last_error = Some(e),
        }
    }
    let e = last_error.map_or_else(|| "no stand-in key".to_owned(), |e| e.to_string());
    Err(Failure::new(format!("cannot build the {kind} connector: {e}")))
}

fn parse_headers(raw: &[String]) -> Result<HeaderMap, Failure> {
    let mut headers = HeaderMap::new();
    for h in raw {
        let (name, value) = h
            .split_once(':')
            .ok_or_else(|| Failure::usage(format!("--header takes 'Name: value', not {h:?}")))?;
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| Failure::usage(format!("not a header name: {:?}", name.trim())))?;
        let value = HeaderValue::from_str(value.trim())
            .map_err(|_| Failure::usage(format!("not a valid value for header {name}")))?;
        headers.append(name, value);
    }
    Ok(headers)
}

fn parse_options(raw: &[String]) -> Result<BTreeMap<String, String>, Failure> {
    raw.iter()
        .map(|o| {
            o.split_once('=')
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .ok_or_else(|| Failure::usage(format!("--option takes name=value, not {o:?}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_keep_every_value() {
        let h = parse_headers(&["X-Sig: a".into(), "x-sig:b ".into()]).expect("valid");
        assert_eq!(h.get_all("x-sig").iter().collect::<Vec<_>>(), ["a", "b"]);
        assert!(parse_headers(&["no colon".into()]).is_err());
    }
}
