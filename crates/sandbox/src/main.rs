//! `paymux-sandbox`: the five gateway emulators as a standalone server, and a client that
//! makes a running emulator emit an event. See [`paymux_sandbox::cli`].

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match paymux_sandbox::cli::parse(&args) {
        Ok(command) => paymux_sandbox::cli::run(command).await,
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(2);
    }
}
