//! `serve`, `trigger`, `events`: the sandbox's own command line, under `paymux`.

use crate::{Failure, Outcome};

/// Runs `paymux-sandbox <verb> <args>` in this process, through the sandbox's library
/// ([`paymux_sandbox::cli`]), so both commands take the same options and print the same.
pub(crate) async fn run(verb: &str, args: Vec<String>) -> Outcome {
    let mut argv = Vec::with_capacity(args.len() + 1);
    argv.push(verb.to_owned());
    argv.extend(args);
    let command = paymux_sandbox::cli::parse(&argv).map_err(Failure::usage)?;
    paymux_sandbox::cli::run(command).await.map_err(Failure::new)
}
