//! # paymux
//!
//! The paymux command line: check a routing file before a deploy, find out why a webhook
//! signature fails, look at and replay the inbox's dead letters, settle what a stopped
//! process left in the journal, and run the offline gateway emulators.
//!
//! ```text
//! cargo install --path crates/cli
//!
//! paymux check routes.toml [--allow-missing-env]
//! paymux webhook verify --kind paychtec --secret-env PAYCHTEC_WEBHOOK_SECRET \
//!     [--header 'x-webhook-signature-512: 3f9a...'] [--option profile_id=pro_1] < body.json
//! paymux inbox list --store sqlite:paymux.db [--limit 100]
//! paymux inbox replay 42 --store sqlite:paymux.db
//! paymux journal pending --store postgres://paymux@db/payments [--instance router]
//! paymux journal recover --store sqlite:paymux.db --routes routes.toml [--instance router]
//! paymux serve [--port-base 7700] [--forward-to http://localhost:3000/webhooks/paychtec]
//! paymux trigger paychtec payment_succeeded [--port-base 7700 | --url EMULATOR_URL]
//! paymux events paychtec [--port-base 7700 | --url EMULATOR_URL]
//! ```
//!
//! Exit codes: `0` success; `1` the check found mistakes, the signature or the store
//! operation failed, or recovery left entries unsettled; `2` the command line itself is
//! wrong.
//!
//! ## `check`
//!
//! Reads the routing file as [`paymux::Router::from_file`] does with every connector kind of
//! [`paymux::registry`] (credentials from the environment), and prints every mistake, one
//! per line, each starting with `file:line:column`; or, when the file is valid, a summary of
//! its instances. With `--allow-missing-env`, credentials from environment variables that are
//! not set (in CI, where the secrets are absent) are replaced by placeholders and listed, so
//! the rest of the file, the router's checks included, is still checked. Connectors check
//! the shape of their keys (`snd_`, `sk_test_`, `whsec_`...), so the router is built once per
//! placeholder shape and a mistake counts only when every shape gives it; the others are
//! printed as notes.
//!
//! ## `webhook verify`
//!
//! Builds the connector of `--kind` with the webhook secret read from the variable named by
//! `--secret-env` (never from the command line, where it would land in the shell history),
//! verifies the body read from standard input against the `--header`s, and prints why a
//! signature fails (header missing or malformed, no signature matching the body, timestamp
//! outside the tolerance) or, once verified, the event's kind and id, its resource, and every
//! part of the body the connector could not read. Options a kind requires (`profile_id` for
//! Paychtec) and the API key are not used to verify; stand-ins fill in for those not given
//! with `--option`.
//!
//! ## `inbox` and `journal`
//!
//! Against a paymux-store database (`sqlite:path.db` or `postgres://...`), which must already
//! be migrated by the service (the CLI never migrates). `inbox list` prints the inbox's
//! counts and its dead letters; `inbox replay <id>` puts a dead letter back in line (exit 1
//! when `id` is not dead). `journal pending` prints the entries of one instance in flight or
//! unknown (the journal's instance is the id of the provider the service wraps: `router` for
//! a journaled [`paymux::Router`], else an instance name); `journal recover` settles them,
//! sending again through the router built from `--routes` (credentials from the
//! environment), and exits 1 when any stays unsettled.
//!
//! ## `serve`, `trigger`, `events`
//!
//! The sandbox's own command line ([`paymux_sandbox::cli`]): `paymux serve` runs the five
//! gateway emulators, `paymux trigger <gateway> <event>` makes a running one emit an event.
//!
//! ## As a library
//!
//! The binary is [`main`]; a program that ships its own command can call it too.

mod check;
mod sandbox;
mod store;
mod webhook;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The command line.
#[derive(Debug, Parser)]
#[command(name = "paymux", version, about = "The paymux command line", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a routing file: every mistake, one per line (exit 1), or a summary (exit 0).
    Check {
        /// The routing file (TOML).
        path: PathBuf,
        /// Fill credentials from unset environment variables with placeholders (and list
        /// them) instead of reporting them.
        #[arg(long)]
        allow_missing_env: bool,
    },
    /// Webhooks.
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// The webhook inbox of a paymux-store database.
    #[command(subcommand)]
    Inbox(InboxCommand),
    /// The idempotency journal of a paymux-store database.
    #[command(subcommand)]
    Journal(JournalCommand),
    /// Run the five gateway emulators (`paymux-sandbox serve`).
    Serve {
        /// The sandbox's options (`--port-base`, `--forward-to`, `--latency`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Make a running emulator emit an event (`paymux-sandbox trigger`).
    Trigger {
        /// `<gateway> <event>` and the sandbox's options (`--port-base`, `--url`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// List the events a running emulator can emit (`paymux-sandbox events`).
    Events {
        /// `<gateway>` and the sandbox's options (`--port-base`, `--url`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum WebhookCommand {
    /// Verify a webhook body read from standard input, and say why its signature fails.
    Verify {
        /// The connector kind (paychtec, paytech, paygentic, paymnt, paynectra, mock).
        #[arg(long)]
        kind: String,
        /// The environment variable holding the webhook secret.
        #[arg(long, value_name = "VAR")]
        secret_env: String,
        /// A header of the delivery, `Name: value`; repeat for each.
        #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
        headers: Vec<String>,
        /// An option of the kind, `name=value`; repeat for each.
        #[arg(long = "option", value_name = "NAME=VALUE")]
        options: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum InboxCommand {
    /// The counts per state and the dead letters, oldest first.
    List {
        /// The store URL (`sqlite:paymux.db`, `postgres://...`).
        #[arg(long, value_name = "URL")]
        store: String,
        /// At most this many dead letters.
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Put a dead letter back in line, its attempts reset.
    Replay {
        /// The event's row id (as `inbox list` prints it).
        id: i64,
        /// The store URL.
        #[arg(long, value_name = "URL")]
        store: String,
    },
}

#[derive(Debug, Subcommand)]
enum JournalCommand {
    /// The entries of an instance in flight or unknown, oldest first.
    Pending {
        /// The store URL.
        #[arg(long, value_name = "URL")]
        store: String,
        /// The journal's instance: the wrapped provider's id.
        #[arg(long, default_value = "router")]
        instance: String,
    },
    /// Settle the entries of an instance in flight or unknown by sending them again.
    Recover {
        /// The store URL.
        #[arg(long, value_name = "URL")]
        store: String,
        /// The routing file the service runs with: the gateways to send to.
        #[arg(long, value_name = "FILE")]
        routes: PathBuf,
        /// The journal's instance: `router`, or one instance name of the file.
        #[arg(long, default_value = "router")]
        instance: String,
    },
}

/// Why a command failed: its message goes to stderr, its code is the exit code.
#[derive(Debug)]
struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    /// A check or an operation failed: exit code 1.
    fn new(message: impl Into<String>) -> Self {
        Failure { message: message.into(), code: 1 }
    }

    /// The command line is wrong: exit code 2, as clap's own usage errors.
    fn usage(message: impl Into<String>) -> Self {
        Failure { message: message.into(), code: 2 }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::new(message)
    }
}

/// What a command ended with.
type Outcome = Result<(), Failure>;

/// Runs the `paymux` command with the process's arguments and returns its exit code.
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     paymux_cli::main()
/// }
/// ```
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("paymux: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(run(cli.command));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if !failure.message.is_empty() {
                eprintln!("{}", failure.message);
            }
            ExitCode::from(failure.code)
        }
    }
}

async fn run(command: Command) -> Outcome {
    match command {
        Command::Check { path, allow_missing_env } => check::run(&path, allow_missing_env),
        Command::Webhook(WebhookCommand::Verify { kind, secret_env, headers, options }) => {
            webhook::verify(&kind, &secret_env, &headers, &options)
        }
        Command::Inbox(InboxCommand::List { store, limit }) => {
            store::inbox_list(&store, limit).await
        }
        Command::Inbox(InboxCommand::Replay { id, store }) => store::inbox_replay(&store, id).await,
        Command::Journal(JournalCommand::Pending { store, instance }) => {
            store::journal_pending(&store, &instance).await
        }
        Command::Journal(JournalCommand::Recover { store, routes, instance }) => {
            store::journal_recover(&store, &routes, &instance).await
        }
        Command::Serve { args } => sandbox::run("serve", args).await,
        Command::Trigger { args } => sandbox::run("trigger", args).await,
        Command::Events { args } => sandbox::run("events", args).await,
    }
}
