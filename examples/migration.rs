//! Migration: move new payments from one gateway to another by editing the routing file —
//! 10% -> 50% -> 100% — while refunds of older payments still reach the gateway that holds them.
//!
//! Runs offline on the sandbox: Paychtec is the old gateway, paymnt.cloud the new one.
//! Run with `cargo run -p paymux-examples --example migration`.

use std::collections::BTreeMap;
use std::path::Path;

use paymux::sandbox::{EmulatorHandle, Sandbox};
use paymux::{
    Address, BillingDetails, Card, CreatePayment, CreateRefund, Currency, Money, Payment,
    PaymentProvider, Phone, Router, RouterConfig,
};

/// Writes the routing file with `new_weight`% of payments to the new gateway. Secrets go to
/// files next to it: the routing file itself never holds one.
fn write_routing_file(dir: &Path, sandbox: &Sandbox, new_weight: u32) -> std::io::Result<()> {
    let instance = |name: &str, e: &EmulatorHandle| -> std::io::Result<String> {
        let c = e.credentials();
        std::fs::write(dir.join(format!("{name}.key")), &c.api_key)?;
        std::fs::write(dir.join(format!("{name}.whsec")), &c.webhook_secret)?;
        Ok(format!(
            "[instances.{name}]\nkind = \"{}\"\nbase_url = \"{}\"\noptions.profile_id = \"{}\"\n\
             credentials.api_key = {{ file = \"{}\" }}\ncredentials.webhook_secret = {{ file = \"{}\" }}\n\n",
            e.name(),
            e.base_url(),
            c.extra.get("profile_id").map_or("", String::as_str),
            dir.join(format!("{name}.key")).display(),
            dir.join(format!("{name}.whsec")).display(),
        ))
    };
    let mut text = String::from("[defaults]\ninstance = \"old\"\n\n");
    text += &instance("old", &sandbox.paychtec)?;
    text += &instance("new", &sandbox.paymnt)?;
    text += &format!(
        "[[rules]]\nname = \"migration\"\nroute = {{ split = [ {{ instance = \"old\", weight = {} }}, {{ instance = \"new\", weight = {new_weight} }} ] }}\n",
        100 - new_weight
    );
    std::fs::write(dir.join("routing.toml"), text)
}

fn payment(customer: usize) -> paymux::Result<CreatePayment> {
    let billing = BillingDetails {
        address: Some(Address {
            line1: Some("1 Main St".into()),
            city: Some("Springfield".into()),
            postal_code: Some("12345".into()),
            country: Some("US".into()),
            ..Default::default()
        }),
        phone: Some(Phone { country_code: "+1".into(), number: "5550000000".into() }),
        email: None,
    };
    Ok(CreatePayment::new(Money::from_minor(2500, Currency::USD)?)
        // The split is sticky per customer: the same customer always lands on the same side.
        .with_customer_details(paymux::CustomerDetails {
            email: Some(format!("customer{customer}@example.com")),
            ..Default::default()
        })
        .with_reference(format!("order_{customer}"))
        .with_card(Card::new("4242424242424242", 12, 2030, "123")?)
        .with_billing(billing))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start().await?;
    let dir = std::env::temp_dir().join(format!("paymux-migration-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let registry = paymux::registry();
    let mut earlier: Vec<Payment> = Vec::new();
    println!("new payments per instance, and where refunds of the previous phase's payments went:");
    println!(
        "{:<6} {:>9} {:>9} {:>16} {:>16}",
        "phase", "to old", "to new", "refunds at old", "refunds at new"
    );
    for new_weight in [10, 50, 100] {
        write_routing_file(&dir, &sandbox, new_weight)?;
        // In production this is a reload after someone edited the file.
        let router =
            Router::from_config(RouterConfig::from_file(&dir.join("routing.toml"))?, &registry)?;
        let mut per_instance: BTreeMap<String, u32> = BTreeMap::new();
        let mut phase = Vec::new();
        for customer in 0..200 {
            let p = router.create_payment(payment(customer)?).await?;
            *per_instance.entry(p.provider.to_string()).or_default() += 1;
            phase.push(p);
        }
        // Refund every payment of the previous phases: each reaches its owner, whatever the
        // rules say now.
        for p in earlier.drain(..) {
            router
                .create_refund(
                    CreateRefund::new(p.id.clone())
                        .with_amount(Money::from_minor(100, Currency::USD)?),
                )
                .await?;
        }
        let stats = router.stats();
        println!(
            "{:<6} {:>9} {:>9} {:>16} {:>16}",
            format!("{new_weight}%"),
            per_instance.get("old").copied().unwrap_or(0),
            per_instance.get("new").copied().unwrap_or(0),
            stats["old"].refunds_created,
            stats["new"].refunds_created,
        );
        earlier = phase;
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
