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
    // Reported when every stand-in fails: the last one's error, past the key prefixes (a
    // mistake in the secret itself reads the same whatever the stand-in).
    let mut last_error = None;
    for key in UNUSED_KEYS {
        let mut spec = InstanceSpec::new(kind, kind);
        spec.credentials.insert("webhook_secret".into(), secret.clone());
        spec.credentials.insert("api_key".into(), SecretString::from(key.to_owned()));
        spec.options = options.clone();
        match build(factory, spec) {
            Ok(provider) => return Ok(provider),
            Err(e) => {
                last_error = Some(e);
            }
        }
    }
    let e = last_error.map_or_else(|| "no stand-in key".to_owned(), |e| e.to_string());
    Err(Failure::new(format!("cannot build the {kind} connector: {e}")))
}

/// Calls `factory`, filling in each option or credential it says is missing.
fn build(
    factory: &paymux::router::Factory,
    mut spec: InstanceSpec,
) -> paymux_core::Result<Arc<dyn PaymentProvider>> {
    // The registry does not say which keys a kind requires; its factories name the first one
    // missing (`InstanceSpec::option` / `credential`), so fill that in and build again. Each
    // round adds one key, so the bound only guards against a factory that never settles.
    let mut last = None;
    for _ in 0..8 {
        let e = match factory(&spec) {
            Ok(provider) => return Ok(provider),
            Err(e) => e,
        };
        let message = e.message();
        if let Some(name) =
            named_after(message, "needs the option ").filter(|n| !spec.options.contains_key(n))
        {
            spec.options.insert(name, UNUSED.to_owned());
        } else if let Some(name) = named_after(message, "needs the credential ")
            .filter(|n| !spec.credentials.contains_key(n))
        {
            spec.credentials.insert(name, SecretString::from(UNUSED.to_owned()));
        } else {
            return Err(e);
        }
        last = Some(e);
    }
    Err(last.unwrap_or_else(|| {
        paymux_core::Error::configuration("the factory keeps asking for more keys")
    }))
}

/// The quoted name after `prefix` in `message` (`... needs the option "profile_id"`).
fn named_after(message: &str, prefix: &str) -> Option<String> {
    let rest = &message[message.find(prefix)? + prefix.len()..];
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
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
    fn reads_the_name_a_factory_asks_for() {
        let m = r#"instance "paychtec" (kind paychtec) needs the option "profile_id""#;
        assert_eq!(named_after(m, "needs the option ").as_deref(), Some("profile_id"));
        assert_eq!(named_after(m, "needs the credential "), None);
    }

    #[test]
    fn headers_keep_every_value() {
        let h = parse_headers(&["X-Sig: a".into(), "x-sig:b ".into()]).expect("valid");
        assert_eq!(h.get_all("x-sig").iter().collect::<Vec<_>>(), ["a", "b"]);
        assert!(parse_headers(&["no colon".into()]).is_err());
    }
}
