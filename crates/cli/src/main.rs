//! The `paymux` binary: see the [`paymux_cli`] crate docs for its commands.

fn main() -> std::process::ExitCode {
    paymux_cli::main()
}
