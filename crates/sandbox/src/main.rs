//! `paymux-sandbox`: runs the five gateway emulators on 127.0.0.1 until Ctrl-C, printing
//! their base URLs and test keys.

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let sandbox = paymux_sandbox::Sandbox::start().await?;
    println!("{:<10} {:<28} {:<36} webhook secret", "gateway", "base URL", "API key");
    for emulator in sandbox.all() {
        let c = emulator.credentials();
        println!(
            "{:<10} {:<28} {:<36} {}",
            emulator.name(),
            emulator.base_url(),
            c.api_key,
            c.webhook_secret
        );
        for (k, v) in &c.extra {
            println!("{:<10} {k} = {v}", "");
        }
    }
    println!("\nemulators running; Ctrl-C to stop");
    tokio::signal::ctrl_c().await
}
