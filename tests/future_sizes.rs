//! The futures `create_payment` returns stay small: each is boxed and copied into its box when
//! the call starts, so every byte of it is written on every payment (see
//! `paymux::ProviderFuture`). An `async fn` keeping the 600-byte `CreatePayment` twice, the
//! wire body and the request across its awaits made them 2.5 to 6 KB.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use paymux::sandbox::Sandbox;
use paymux::{CreatePayment, Currency, Money, PaymentProvider, Router};
use paymux_tests::{CardEntry, billing, profiles, with_card};

/// Largest `create_payment` future of a connector, in bytes (now 80 to 240, with
/// `named_map`; 80 to 400 before it; before this test, 2,496 to 6,096).
const CONNECTOR_LIMIT: usize = 320;
/// Largest `create_payment` future of the router on top of its connector's (now 192;
/// before, 2,576).
const ROUTER_LIMIT: usize = 256;

fn request(profile: &paymux_tests::Profile) -> CreatePayment {
    let req = CreatePayment::new(Money::from_minor(1050, Currency::USD).unwrap())
        .with_reference("size_check")
        .with_billing(billing())
        .with_return_url("https://shop.example/return");
    match profile.card_entry {
        CardEntry::InRequest => with_card(profile, req, profile.success_card),
        _ => req,
    }
}

#[tokio::test]
async fn create_payment_futures_stay_small() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut sizes = Vec::new();
    for profile in profiles() {
        let emulator = sandbox.all().into_iter().find(|e| e.name() == profile.kind).unwrap();
        let provider: Arc<dyn PaymentProvider> = paymux::sandbox::provider(emulator).unwrap();
        let connector = std::mem::size_of_val(&*provider.create_payment(request(&profile)));
        let router = Router::builder()
            .instance("only", provider.clone())
            .default_instance("only")
            .build()
            .unwrap();
        let routed = std::mem::size_of_val(&*router.create_payment(request(&profile)));
        sizes.push((profile.kind, connector, routed));
    }
    eprintln!("create_payment future sizes (connector, router on top): {sizes:?}");
    for (kind, connector, routed) in &sizes {
        assert!(*connector <= CONNECTOR_LIMIT, "{kind}: {connector} bytes; all: {sizes:?}");
        assert!(*routed <= ROUTER_LIMIT, "router -> {kind}: {routed} bytes; all: {sizes:?}");
    }
}

/// The transport's exchange, boxed for every request, stays under 1 KB: glibc serves blocks
/// up to 1,032 bytes from its per-thread cache; above, every request's box went through the
/// general allocator (and its consolidation of freed blocks). Now 920; 1,984 before
/// `read_body` and the borrowed URL.
const EXCHANGE_LIMIT: usize = 1024;

#[test]
fn the_exchange_box_stays_under_one_kilobyte() {
    use paymux::transport::{Auth, HttpTransport, Request, TransportConfig};
    let config =
        TransportConfig::new(paymux::ProviderId::new("size"), "http://127.0.0.1:9", Auth::None);
    let transport = HttpTransport::new(config).unwrap();
    let exchange = transport.execute(Request::post("create_payment", "/payments"));
    let size = std::mem::size_of_val(&*exchange);
    assert!(size <= EXCHANGE_LIMIT, "exchange future: {size} bytes");
}
