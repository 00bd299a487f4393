//! `paymux-sandbox`: runs the five gateway emulators on 127.0.0.1 until Ctrl-C, printing
//! their base URLs and test keys.
//!
//! `paymux-sandbox` picks free ports; `paymux-sandbox --port-base 7700` uses 7700 to 7704
//! (Paychtec, pay.tech, Paygentic, paymnt.cloud, Paynectra), so a config file can name them.

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sandbox = match args.as_slice() {
        [] => paymux_sandbox::Sandbox::start().await?,
        [flag, base] if flag == "--port-base" => {
            let base = base.parse::<u16>().map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "--port-base takes a port number",
                )
            })?;
            paymux_sandbox::Sandbox::start_on_ports(base).await?
        }
        _ => {
            eprintln!("usage: paymux-sandbox [--port-base PORT]");
            std::process::exit(2);
        }
    };
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
