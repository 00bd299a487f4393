//! The `paymux` binary, run as a user runs it: each subcommand's success and failure exit
//! codes, with SQLite files in a temporary directory for the store commands and the built-in
//! signing helpers for webhooks.
#![allow(clippy::unwrap_used)] // a test that cannot set up fails, and says where

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

use paymux::{CreatePayment, Currency, MockProvider, Money, Operation, PaymentProvider};
use paymux_core::webhook::{self, Algorithm, Encoding};
use paymux_core::{Error, ErrorKind};
use paymux_store::{EntryState, Inbox, InboxConfig, Journal, OperationKey, Store};

const BIN: &str = env!("CARGO_BIN_EXE_paymux");

/// Runs `paymux args`, with `stdin` as its input and `env` added to its environment.
fn paymux(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts the exit code, showing what the command printed when it differs.
#[track_caller]
fn assert_code(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "stdout:\n{}\nstderr:\n{}", out(o), err(o));
}

/// A fresh directory for one test.
fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("paymux-cli-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const VALID_ROUTES: &str = r#"
[defaults]
instance = "main"

[instances.main]
kind = "mock"
"#;

// ---------------------------------------------------------------------------- check

#[test]
fn check_a_valid_file_exits_0_with_a_summary() {
    let dir = temp_dir("check-valid");
    let routes = write(&dir, "routes.toml", VALID_ROUTES);
    let o = paymux(&["check", routes.to_str().unwrap()], b"", &[]);
    assert_code(&o, 0);
    assert!(out(&o).contains("valid: 1 instance(s): main"), "{}", out(&o));
}

#[test]
fn check_prints_every_mistake_and_exits_1() {
    let dir = temp_dir("check-mistakes");
    let routes = write(
        &dir,
        "routes.toml",
        r#"
[defaults]
instance = "main"

[instances.main]
kind = "mock"

[instances.typo]
kind = "mokc"

[[rules]]
name = "big"
when = { amount_max = "100.00" }
route = { instance = "main" }
"#,
    );
    let o = paymux(&["check", routes.to_str().unwrap()], b"", &[]);
    assert_code(&o, 1);
    let e = err(&o);
    // Both mistakes, each on its own line with the file's position.
    let mistakes: Vec<&str> = e.lines().filter(|l| l.contains("routes.toml:")).collect();
    assert!(mistakes.iter().any(|l| l.contains("mokc")), "{e}");
    assert!(mistakes.iter().any(|l| l.contains("amount_max")), "{e}");
    assert!(e.trim_end().ends_with("errors"), "a count closes the report: {e}");
    assert!(out(&o).is_empty(), "no summary for an invalid file: {}", out(&o));
}

#[test]
fn check_unset_credentials_fail_unless_allowed() {
    let dir = temp_dir("check-env");
    let routes = write(
        &dir,
        "routes.toml",
        r#"
[defaults]
instance = "eu"

[instances.eu]
kind = "paychtec"
credentials.api_key = { env = "PAYMUX_CLI_TEST_UNSET_API_KEY" }
credentials.webhook_secret = { env = "PAYMUX_CLI_TEST_UNSET_WEBHOOK_SECRET" }
options.profile_id = "pro_1"
"#,
    );
    let path = routes.to_str().unwrap();
    let strict = paymux(&["check", path], b"", &[]);
    assert_code(&strict, 1);
    assert!(err(&strict).contains("PAYMUX_CLI_TEST_UNSET_API_KEY is not set"), "{}", err(&strict));

    // Paychtec checks its key's prefix: one of the placeholders has the sandbox one.
    let lenient = paymux(&["check", path, "--allow-missing-env"], b"", &[]);
    assert_code(&lenient, 0);
    let o = out(&lenient);
    assert!(o.contains("valid: 1 instance(s): eu"), "{o}");
    assert!(
        o.contains("PAYMUX_CLI_TEST_UNSET_API_KEY, PAYMUX_CLI_TEST_UNSET_WEBHOOK_SECRET"),
        "the placeholders are named: {o}"
    );

    // A mistake of the file itself still fails with placeholders.
    let typo = write(
        &dir,
        "typo.toml",
        &std::fs::read_to_string(&routes).unwrap().replace("profile_id", "profil_id"),
    );
    let o = paymux(&["check", typo.to_str().unwrap(), "--allow-missing-env"], b"", &[]);
    assert_code(&o, 1);
    let e = err(&o);
    assert!(e.contains("did you mean \"profile_id\""), "{e}");
    // Only the file's mistakes: what the placeholders provoke is a note, not an error.
    assert!(e.contains(": 2 errors\n"), "the misspelling and the option it leaves out: {e}");
    let errors: Vec<&str> = e.lines().take_while(|l| !l.starts_with("checked with")).collect();
    assert!(!errors.iter().any(|l| l.contains("API key")), "{e}");

    // With placeholders that every connector takes, the whole router is checked.
    let mock = write(
        &dir,
        "mock.toml",
        "[defaults]\ninstance = \"m\"\n[instances.m]\nkind = \"mock\"\ncredentials.webhook_secret = { env = \"PAYMUX_CLI_TEST_UNSET_WEBHOOK_SECRET\" }\n",
    );
    let o = paymux(&["check", mock.to_str().unwrap(), "--allow-missing-env"], b"", &[]);
    assert_code(&o, 0);
    assert!(out(&o).contains("valid: 1 instance(s): m\nchecked with placeholders for unset variables: PAYMUX_CLI_TEST_UNSET_WEBHOOK_SECRET"), "{}", out(&o));
}

#[test]
fn check_a_missing_file_exits_1_and_a_missing_argument_2() {
    let o = paymux(&["check", "/nonexistent/paymux/routes.toml"], b"", &[]);
    assert_code(&o, 1);
    assert!(err(&o).contains("cannot read /nonexistent/paymux/routes.toml"), "{}", err(&o));
    assert_code(&paymux(&["check"], b"", &[]), 2);
}

// -------------------------------------------------------------------------- webhook

const SECRET_VAR: &str = "PAYMUX_CLI_TEST_WEBHOOK_SECRET";
const MOCK_EVENT: &[u8] = br#"{"id":"evt_cli_1","type":"payment_succeeded","created_at":"2025-01-01T12:00:00Z","data":{"type":"other"}}"#;

/// The mock's signature headers for `body`, as `--header` arguments.
fn mock_headers(secret: &str, body: &[u8]) -> Vec<String> {
    let mock = MockProvider::builder().webhook_secret(secret).build();
    let headers = mock.sign_webhook(body);
    headers.iter().map(|(name, value)| format!("{name}: {}", value.to_str().unwrap())).collect()
}

fn verify(kind: &str, headers: &[String], body: &[u8], secret: Option<&str>) -> Output {
    let mut args = vec!["webhook", "verify", "--kind", kind, "--secret-env", SECRET_VAR];
    for h in headers {
        args.extend(["--header", h.as_str()]);
    }
    let env: Vec<(&str, &str)> = secret.map(|s| (SECRET_VAR, s)).into_iter().collect();
    paymux(&args, body, &env)
}

#[test]
fn webhook_verify_prints_the_event_and_exits_0() {
    let headers = mock_headers("whsec_cli_test", MOCK_EVENT);
    let o = verify("mock", &headers, MOCK_EVENT, Some("whsec_cli_test"));
    assert_code(&o, 0);
    let text = out(&o);
    assert!(text.contains("signature verified"), "{text}");
    assert!(text.contains("event id:   evt_cli_1"), "{text}");
    assert!(text.contains("event kind: payment_succeeded"), "{text}");
    assert!(!text.contains("whsec_cli_test") && !err(&o).contains("whsec_cli_test"));
}

#[test]
fn webhook_verify_says_why_a_signature_fails_and_exits_1() {
    let headers = mock_headers("whsec_cli_test", MOCK_EVENT);

    let wrong_secret = verify("mock", &headers, MOCK_EVENT, Some("whsec_other"));
    assert_code(&wrong_secret, 1);
    assert!(
        err(&wrong_secret).contains("signature refused: signature mismatch"),
        "{}",
        err(&wrong_secret)
    );

    let mut tampered = MOCK_EVENT.to_vec();
    tampered.push(b'\n'); // what an editor adds when the body is saved by hand
    let o = verify("mock", &headers, &tampered, Some("whsec_cli_test"));
    assert_code(&o, 1);
    assert!(err(&o).contains("byte for byte"), "{}", err(&o));

    let no_header = verify("mock", &[], MOCK_EVENT, Some("whsec_cli_test"));
    assert_code(&no_header, 1);
    assert!(err(&no_header).contains("signature header missing"), "{}", err(&no_header));
    assert!(out(&no_header).is_empty(), "nothing parsed is printed: {}", out(&no_header));
}

#[test]
fn webhook_verify_paychtec_without_its_options_and_with_unread_notes() {
    // Paychtec requires a profile id to be built; verifying needs only the secret.
    let secret = "paychtec_cli_secret";
    let body = br#"{"event_type":"payment_succeeded","content":{"object":{"amount":"ten"}}}"#;
    let signature = webhook::sign(Algorithm::Sha512, secret.as_bytes(), body, Encoding::Hex);
    let headers = vec![format!("x-webhook-signature-512: {signature}")];
    let o = verify("paychtec", &headers, body, Some(secret));
    assert_code(&o, 0);
    let text = out(&o);
    assert!(text.contains("signature verified (paychtec"), "{text}");
    assert!(text.contains("unread ("), "what could not be read is listed: {text}");

    let bad = vec![format!("x-webhook-signature-512: {}", "0".repeat(128))];
    assert_code(&verify("paychtec", &bad, body, Some(secret)), 1);
}

#[test]
fn webhook_verify_without_the_secret_exits_1_and_with_an_unknown_kind_2() {
    let headers = mock_headers("whsec_cli_test", MOCK_EVENT);
    let o = verify("mock", &headers, MOCK_EVENT, None);
    assert_code(&o, 1);
    assert!(
        err(&o).contains(&format!("environment variable {SECRET_VAR} is not set")),
        "{}",
        err(&o)
    );

    // Paygentic's key stand-in passes its prefix check; its secret's own format is reported.
    let o = verify("paygentic", &headers, MOCK_EVENT, Some("not-a-svix-secret"));
    assert_code(&o, 1);
    assert!(err(&o).contains("webhook secret must start with whsec_"), "{}", err(&o));

    let o = verify("stripe", &headers, MOCK_EVENT, Some("x"));
    assert_code(&o, 2);
    assert!(err(&o).contains("unknown kind \"stripe\"; kinds: "), "{}", err(&o));
}

// ---------------------------------------------------------------------------- inbox

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap()
}

/// A migrated SQLite store at `dir/paymux.db`, and its URL.
async fn store_in(dir: &Path) -> (Store, String) {
    let url = format!("sqlite:{}", dir.join("paymux.db").display());
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    (store, url)
}

#[test]
fn inbox_list_and_replay_a_dead_letter() {
    let dir = temp_dir("inbox");
    let rt = runtime();
    let (id, url) = rt.block_on(async {
        let (store, url) = store_in(&dir).await;
        let inbox = Inbox::with_config(store.clone(), InboxConfig::new().with_max_attempts(1));
        let mock = MockProvider::new();
        let receipt =
            inbox.receive(&mock, &mock.sign_webhook(MOCK_EVENT), MOCK_EVENT).await.unwrap();
        let report =
            inbox.drain(|_| async { Err::<(), _>("handler down".to_owned()) }).await.unwrap();
        assert_eq!(report.dead, 1);
        store.close().await;
        (receipt.id, url)
    });

    let list = paymux(&["inbox", "list", "--store", &url], b"", &[]);
    assert_code(&list, 0);
    let text = out(&list);
    assert!(text.contains("0 pending, 0 processing, 0 done, 1 dead"), "{text}");
    let row = text.lines().find(|l| l.contains("evt_cli_1")).unwrap_or_else(|| panic!("{text}"));
    assert!(
        row.starts_with(&id.to_string())
            && row.contains("payment_succeeded")
            && row.contains("handler down"),
        "{row}"
    );

    let id = id.to_string();
    let replay = paymux(&["inbox", "replay", &id, "--store", &url], b"", &[]);
    assert_code(&replay, 0);
    let again = paymux(&["inbox", "replay", &id, "--store", &url], b"", &[]);
    assert_code(&again, 1);
    assert!(err(&again).contains("is pending, not dead"), "{}", err(&again));
    let list = paymux(&["inbox", "list", "--store", &url], b"", &[]);
    assert!(out(&list).contains("1 pending, 0 processing, 0 done, 0 dead"), "{}", out(&list));

    let missing = paymux(&["inbox", "replay", "999", "--store", &url], b"", &[]);
    assert_code(&missing, 1);
    assert!(err(&missing).contains("no inbox event 999"), "{}", err(&missing));
}

#[test]
fn inbox_commands_fail_on_a_store_that_is_not_migrated_or_not_a_url() {
    let dir = temp_dir("inbox-bad-store");
    let url = format!("sqlite:{}", dir.join("empty.db").display());
    assert_code(&paymux(&["inbox", "list", "--store", &url], b"", &[]), 1);
    assert_code(&paymux(&["inbox", "replay", "1", "--store", &url], b"", &[]), 1);
    let o = paymux(&["inbox", "list", "--store", "mysql://nope"], b"", &[]);
    assert_code(&o, 1);
    assert!(err(&o).contains("cannot open the store"), "{}", err(&o));
    assert_code(&paymux(&["inbox", "list"], b"", &[]), 2);
}

// -------------------------------------------------------------------------- journal

/// Leaves one `create_payment` of instance `main` with an unknown outcome, as a timeout does.
async fn unknown_entry(store: Store) {
    let mock = MockProvider::builder().id("main").build();
    mock.fail_next(
        Operation::CreatePayment,
        Error::new(ErrorKind::Timeout, "gateway did not answer").with_outcome_unknown(),
    );
    let journal = Journal::new(Arc::new(mock), store);
    let req = CreatePayment::new(Money::from_minor(1050, Currency::EUR).unwrap())
        .with_reference("order_cli_1");
    assert!(journal.create_payment(req).await.is_err());
    let entry = journal.entry(&OperationKey::PaymentReference("order_cli_1".into())).await.unwrap();
    assert_eq!(entry.map(|e| e.state), Some(EntryState::Unknown));
}

#[test]
fn journal_pending_then_recover_through_the_routes() {
    let dir = temp_dir("journal");
    let rt = runtime();
    let url = rt.block_on(async {
        let (store, url) = store_in(&dir).await;
        unknown_entry(store.clone()).await;
        store.close().await;
        url
    });
    let routes = write(&dir, "routes.toml", VALID_ROUTES);
    let routes = routes.to_str().unwrap();

    let pending = paymux(&["journal", "pending", "--store", &url, "--instance", "main"], b"", &[]);
    assert_code(&pending, 0);
    let text = out(&pending);
    assert!(text.contains("journal main: 1 entry in flight or unknown"), "{text}");
    assert!(text.contains("create_payment") && text.contains("payment_ref:order_cli_1"), "{text}");
    // Another instance's journal is empty.
    let other = paymux(&["journal", "pending", "--store", &url], b"", &[]);
    assert_code(&other, 0);
    assert!(
        out(&other).contains("journal router: nothing in flight or unknown"),
        "{}",
        out(&other)
    );

    let recover = paymux(
        &["journal", "recover", "--store", &url, "--routes", routes, "--instance", "main"],
        b"",
        &[],
    );
    assert_code(&recover, 0);
    assert!(
        out(&recover).contains("journal main: 1 done, 0 certainly not created, 0 still unknown"),
        "{}",
        out(&recover)
    );

    let after = paymux(&["journal", "pending", "--store", &url, "--instance", "main"], b"", &[]);
    assert!(out(&after).contains("nothing in flight or unknown"), "{}", out(&after));
}

#[test]
fn journal_commands_fail_without_a_store_or_a_router() {
    let dir = temp_dir("journal-bad");
    let url = format!("sqlite:{}", dir.join("empty.db").display());
    assert_code(&paymux(&["journal", "pending", "--store", &url], b"", &[]), 1);

    let routes = write(&dir, "routes.toml", VALID_ROUTES);
    let routes = routes.to_str().unwrap();
    // recover needs the routes to send anything.
    assert_code(&paymux(&["journal", "recover", "--store", &url], b"", &[]), 2);
    let o = paymux(
        &["journal", "recover", "--store", &url, "--routes", routes, "--instance", "nope"],
        b"",
        &[],
    );
    assert_code(&o, 2);
    assert!(err(&o).contains("no instance \"nope\""), "{}", err(&o));
    let broken = write(&dir, "broken.toml", "[instances.main]\nkind = \"mokc\"\n");
    let o = paymux(
        &["journal", "recover", "--store", &url, "--routes", broken.to_str().unwrap()],
        b"",
        &[],
    );
    assert_code(&o, 1);
    assert!(err(&o).contains("cannot build the router"), "{}", err(&o));
}

// -------------------------------------------------------------------------- sandbox

#[test]
fn trigger_and_events_reach_a_running_emulator() {
    let rt = runtime();
    let sandbox = rt.block_on(paymux_sandbox::Sandbox::start()).unwrap();
    let url = sandbox.paychtec.base_url();
    let events = paymux(&["events", "paychtec", "--url", &url], b"", &[]);
    assert_code(&events, 0);
    assert!(out(&events).contains("payment_succeeded"), "{}", out(&events));
    let trigger = paymux(&["trigger", "paychtec", "payment_succeeded", "--url", &url], b"", &[]);
    assert_code(&trigger, 0);
    let sent = sandbox.paychtec.webhooks().sent();
    assert_eq!(sent.len(), 1, "one event emitted");

    // What the emulator signed verifies with its secret, end to end through the CLI.
    let headers: Vec<String> = sent[0].headers.iter().map(|(n, v)| format!("{n}: {v}")).collect();
    let secret = sandbox.paychtec.credentials().webhook_secret.clone();
    let o = verify("paychtec", &headers, &sent[0].body, Some(&secret));
    assert_code(&o, 0);
    assert!(out(&o).contains("event kind: payment_succeeded"), "{}", out(&o));
    assert!(out(&o).contains("read whole: nothing unread"), "{}", out(&o));
    drop(sandbox);
}

#[test]
fn trigger_fails_without_an_emulator_or_its_arguments() {
    let o = paymux(
        &["trigger", "paychtec", "payment_succeeded", "--url", "http://127.0.0.1:1"],
        b"",
        &[],
    );
    assert_code(&o, 1);
    assert!(err(&o).contains("is `paymux-sandbox serve` running?"), "{}", err(&o));
    assert_code(&paymux(&["trigger", "paychtec"], b"", &[]), 2);
    assert_code(&paymux(&["trigger", "stripe", "charge.succeeded"], b"", &[]), 2);
}

#[test]
fn serve_runs_the_emulators_and_fails_on_a_taken_port() {
    let mut child = Command::new(BIN)
        .args(["serve", "--port-base", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let running = loop {
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) if line.starts_with("emulators running") => break true,
            Ok(line) => seen.push(line),
            Err(_) => break false,
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(running, "serve printed: {seen:?}");
    for gateway in paymux_sandbox::GATEWAYS {
        assert!(seen.iter().any(|l| l.starts_with(gateway)), "{gateway} listed: {seen:?}");
    }

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let o = paymux(&["serve", "--port-base", &port], b"", &[]);
    assert_code(&o, 1);
    assert!(err(&o).contains("cannot start the emulators"), "{}", err(&o));
}
