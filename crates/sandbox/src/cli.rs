//! The `paymux-sandbox` command line.
//!
//! ```text
//! paymux-sandbox [serve] [--port-base N] [--forward-to URL] [--latency 200ms | 150ms..250ms]
//! paymux-sandbox trigger <gateway> <event> [--port-base N | --url EMULATOR_URL]
//! paymux-sandbox events <gateway> [--port-base N | --url EMULATOR_URL]
//! ```
//!
//! `serve` (the default) runs the five emulators on 127.0.0.1, ports `N` to `N + 4` (Paychtec,
//! pay.tech, Paygentic, paymnt.cloud, Paynectra; default 7700, `0` picks free ports), prints
//! the base URL a client is configured with (Paynectra's ends in `/v1`) and the test keys, and
//! runs until Ctrl-C. With `--forward-to`, every signed webhook is posted to that URL (retried
//! on non-2xx), like `stripe listen --forward-to`; `--latency` delays every API request.
//!
//! `trigger` makes a running emulator emit one of its documented events (it creates what the
//! event is about, as `stripe trigger` does); `events` lists them.

use std::time::Duration;

use crate::kit::faults::Latency;
use crate::{GATEWAYS, Sandbox};

/// The default first port.
pub const DEFAULT_PORT_BASE: u16 = 7700;

const USAGE: &str = "usage:
  paymux-sandbox [serve] [--port-base N] [--forward-to URL] [--latency 200ms|150ms..250ms]
  paymux-sandbox trigger <gateway> <event> [--port-base N | --url EMULATOR_URL]
  paymux-sandbox events <gateway> [--port-base N | --url EMULATOR_URL]
gateways: paychtec, paytech, paygentic, paymnt, paynectra";

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Serve the five emulators.
    Serve {
        /// The first port (0: free ports).
        port_base: u16,
        /// Where to forward webhooks.
        forward_to: Option<String>,
        /// Latency added to every API request.
        latency: Option<Latency>,
    },
    /// Make a running emulator emit `event`.
    Trigger {
        /// The emulator's root URL.
        url: String,
        /// The gateway.
        gateway: String,
        /// The event, in the gateway's words.
        event: String,
    },
    /// List a running emulator's events.
    Events {
        /// The emulator's root URL.
        url: String,
        /// The gateway.
        gateway: String,
    },
    /// Print the usage.
    Help,
}

fn port(v: &str) -> Result<u16, String> {
    v.parse().map_err(|_| format!("not a port number: {v}"))
}

/// The root URL of `gateway`'s emulator when the sandbox serves from `port_base`.
pub fn emulator_url(gateway: &str, port_base: u16) -> Result<String, String> {
    let i = GATEWAYS
        .iter()
        .position(|g| *g == gateway)
        .ok_or_else(|| format!("unknown gateway {gateway}\n{USAGE}"))?;
    let offset = u16::try_from(i).map_err(|e| e.to_string())?;
    let port = port_base.checked_add(offset).ok_or("port base too high")?;
    Ok(format!("http://127.0.0.1:{port}"))
}

/// Parses the arguments (without the program name).
pub fn parse(args: &[String]) -> Result<Command, String> {
    let (verb, rest) = match args.first().map(String::as_str) {
        Some("serve") => ("serve", &args[1..]),
        Some("trigger") => ("trigger", &args[1..]),
        Some("events") => ("events", &args[1..]),
        Some("-h" | "--help" | "help") => return Ok(Command::Help),
        _ => ("serve", args),
    };
    let (mut positional, mut port_base, mut forward_to, mut latency, mut url) =
        (Vec::new(), DEFAULT_PORT_BASE, None, None, None);
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or_else(|| format!("{a} needs a value\n{USAGE}"));
        match a.as_str() {
            "--port-base" => port_base = port(&value()?)?,
            "--forward-to" => forward_to = Some(value()?),
            "--url" => url = Some(value()?),
            "--latency" => {
                let v = value()?;
                latency =
                    Some(Latency::parse(&v).ok_or_else(|| {
                        format!("--latency takes 200ms or 150ms..250ms, not {v}")
                    })?);
            }
            other if other.starts_with("--") => {
                return Err(format!("unknown option {other}\n{USAGE}"));
            }
            other => positional.push(other.to_owned()),
        }
    }
    let url_for = |gateway: &str| url.clone().map_or_else(|| emulator_url(gateway, port_base), Ok);
    match (verb, positional.as_slice()) {
        ("serve", []) => Ok(Command::Serve { port_base, forward_to, latency }),
        ("trigger", [gateway, event]) => Ok(Command::Trigger {
            url: url_for(gateway)?,
            gateway: gateway.clone(),
            event: event.clone(),
        }),
        ("events", [gateway]) => {
            Ok(Command::Events { url: url_for(gateway)?, gateway: gateway.clone() })
        }
        _ => Err(USAGE.to_owned()),
    }
}

/// The table `serve` prints: one line per emulator, base URLs as a client uses them.
pub fn describe(sandbox: &Sandbox) -> String {
    let mut out =
        format!("{:<10} {:<28} {:<58} webhook secret\n", "gateway", "base URL", "API key");
    for e in sandbox.all() {
        let c = e.credentials();
        out.push_str(&format!(
            "{:<10} {:<28} {:<58} {}\n",
            e.name(),
            e.api_url(),
            c.api_key,
            c.webhook_secret
        ));
        for (k, v) in c.extra.iter().filter(|(k, _)| *k != "base_path") {
            out.push_str(&format!("{:<10} {k} = {v}\n", ""));
        }
    }
    out
}

async fn serve(
    port_base: u16,
    forward_to: Option<String>,
    latency: Option<Latency>,
) -> Result<(), String> {
    let sandbox = if port_base == 0 {
        Sandbox::start().await
    } else {
        Sandbox::start_on_ports(port_base).await
    };
    let sandbox = sandbox.map_err(|e| format!("cannot start the emulators: {e}"))?;
    for e in sandbox.all() {
        e.webhooks().set_target(forward_to.clone());
        if let Some(l) = latency {
            e.faults().set_latency(None, "", l);
        }
    }
    print!("{}", describe(&sandbox));
    if let Some(url) = &forward_to {
        println!("\nforwarding signed webhooks to {url}");
    }
    println!(
        "\nemulators running; `paymux-sandbox trigger <gateway> <event>` emits an event; Ctrl-C to stop"
    );
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    let mut seen = [0usize; 5];
    loop {
        tokio::select! {
            r = tokio::signal::ctrl_c() => return r.map_err(|e| e.to_string()),
            () = tokio::time::sleep(Duration::from_millis(200)) => {}
        }
        for (i, e) in sandbox.all().into_iter().enumerate() {
            let deliveries = e.webhooks().deliveries();
            for d in deliveries.iter().skip(seen[i]) {
                let outcome = if d.delivered { "delivered" } else { "not delivered" };
                // A closed stdout (a parent that stopped reading) must not stop the server.
                let _ = writeln!(
                    std::io::stdout(),
                    "{:<10} webhook {} ({} attempts)",
                    e.name(),
                    outcome,
                    d.attempts
                );
            }
            seen[i] = deliveries.len();
        }
        let _ = std::io::stdout().flush();
    }
}

async fn call(url: &str) -> Result<(), String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let req = if url.ends_with("/events") { client.get(url) } else { client.post(url) };
    let resp =
        req.send().await.map_err(|e| format!("{url}: {e} (is `paymux-sandbox serve` running?)"))?;
    let status = resp.status();
    let text = resp.text().await.map_err(|e| e.to_string())?;
    println!("{text}");
    if status.is_success() { Ok(()) } else { Err(format!("{url} answered {status}")) }
}

/// Runs a parsed command.
pub async fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Help => {
            println!("{USAGE}");
            Ok(())
        }
        Command::Serve { port_base, forward_to, latency } => {
            serve(port_base, forward_to, latency).await
        }
        Command::Trigger { url, gateway, event } => {
            call(&format!("{url}/sandbox/{gateway}/trigger/{event}")).await
        }
        Command::Events { url, gateway } => call(&format!("{url}/sandbox/{gateway}/events")).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn parses() {
        assert_eq!(
            parse(&args("")),
            Ok(Command::Serve { port_base: 7700, forward_to: None, latency: None })
        );
        assert_eq!(
            parse(&args("--port-base 7800 --forward-to http://x/h")),
            Ok(Command::Serve {
                port_base: 7800,
                forward_to: Some("http://x/h".into()),
                latency: None
            })
        );
        let trigger = parse(&args("trigger paynectra payment.succeeded --port-base 7800")).unwrap();
        assert_eq!(
            trigger,
            Command::Trigger {
                url: "http://127.0.0.1:7804".into(),
                gateway: "paynectra".into(),
                event: "payment.succeeded".into()
            }
        );
        assert!(parse(&args("trigger nope x")).is_err());
        assert!(parse(&args("serve --bogus")).is_err());
        assert!(matches!(
            parse(&args("serve --latency 10ms..20ms")),
            Ok(Command::Serve { latency: Some(_), .. })
        ));
    }
}
