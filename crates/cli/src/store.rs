//! `paymux inbox list|replay` and `paymux journal pending|recover`.

use std::path::Path;
use std::sync::Arc;

use paymux_core::{
    Capabilities, CreatePayment, Error, Payment, PaymentId, PaymentProvider, ProviderId, Result,
    async_trait,
};
use paymux_store::{Inbox, Journal, JournalEntry, Store};

use crate::{Failure, Outcome};

/// Connects without migrating: the service's start-up owns the schema, and a CLI pointed at
/// the wrong database must not create tables in it.
async fn connect(url: &str) -> std::result::Result<Store, Failure> {
    Store::connect(url).await.map_err(|e| Failure::new(format!("cannot open the store: {e}")))
}

fn failed(what: &str) -> impl FnOnce(Error) -> Failure + '_ {
    move |e| Failure::new(format!("{what}: {e}"))
}

/// The counts per state, then the dead letters.
pub(crate) async fn inbox_list(url: &str, limit: u32) -> Outcome {
    let inbox = Inbox::new(connect(url).await?);
    let counts = inbox.counts().await.map_err(failed("cannot read the inbox"))?;
    println!(
        "inbox: {} pending, {} processing, {} done, {} dead",
        counts.pending, counts.processing, counts.done, counts.dead
    );
    let dead = inbox.dead_letters(limit).await.map_err(failed("cannot read the dead letters"))?;
    if dead.is_empty() {
        println!("no dead letters");
        return Ok(());
    }
    println!(
        "{:<8} {:<16} {:<28} {:<26} {:>8}  last error",
        "id", "instance", "event", "kind", "attempts"
    );
    for e in dead {
        let kind = e.kind().map_or_else(|| "(unparsed)".to_owned(), ToString::to_string);
        println!(
            "{:<8} {:<16} {:<28} {:<26} {:>8}  {}",
            e.id,
            e.instance,
            e.event_id,
            kind,
            e.attempt,
            e.last_error.as_deref().unwrap_or("")
        );
    }
    println!("replay one with: paymux inbox replay <id> --store <URL>");
    Ok(())
}

/// Puts dead letter `id` back in line.
pub(crate) async fn inbox_replay(url: &str, id: i64) -> Outcome {
    let inbox = Inbox::new(connect(url).await?);
    if inbox.replay(id).await.map_err(failed("cannot replay"))? {
        println!("event {id} is pending again, attempts reset");
        return Ok(());
    }
    let state = inbox.event(id).await.map_err(failed("cannot read the inbox"))?;
    Err(Failure::new(match state {
        Some(e) => format!("event {id} is {}, not dead: nothing replayed", e.state.as_str()),
        None => format!("no inbox event {id}"),
    }))
}

/// Prints an instance's entries in flight or unknown.
pub(crate) async fn journal_pending(url: &str, instance: &str) -> Outcome {
    let store = connect(url).await?;
    // Reading entries goes through a Journal, which is bound to a provider: this one stands
    // in with the instance's id and refuses every call, so nothing can be sent.
    let journal = Journal::new(Arc::new(ReadOnly::new(instance)), store);
    let entries = journal.unsettled().await.map_err(failed("cannot read the journal"))?;
    if entries.is_empty() {
        println!("journal {instance}: nothing in flight or unknown");
        return Ok(());
    }
    println!(
        "journal {instance}: {} entr{} in flight or unknown",
        entries.len(),
        if entries.len() == 1 { "y" } else { "ies" }
    );
    print_entries(&entries);
    Ok(())
}

fn print_entries(entries: &[JournalEntry]) {
    println!(
        "{:<8} {:<16} {:<10} {:>7} {:<10} {:<25} logical key",
        "id", "operation", "state", "attempt", "replayable", "updated"
    );
    for e in entries {
        println!(
            "{:<8} {:<16} {:<10} {:>7} {:<10} {:<25} {}",
            e.id,
            e.operation,
            e.state.as_str(),
            e.attempt,
            if e.replayable { "yes" } else { "no" },
            e.updated_at,
            e.logical_key
        );
    }
}

/// Settles an instance's entries through the router of `routes`.
pub(crate) async fn journal_recover(url: &str, routes: &Path, instance: &str) -> Outcome {
    let router = paymux::Router::from_file(routes, &paymux::registry()).map_err(|e| {
        Failure::new(format!("{}\n{}: cannot build the router", e.message(), routes.display()))
    })?;
    let provider: Arc<dyn PaymentProvider> = if instance == router.id().as_str() {
        Arc::new(router)
    } else {
        router.instance(instance).ok_or_else(|| {
            Failure::usage(format!(
                "no instance {instance:?} in {}; its journal instances: router, {}",
                routes.display(),
                router.instance_names().join(", ")
            ))
        })?
    };
    let journal = Journal::new(provider, connect(url).await?);
    let report = journal.recover().await.map_err(failed("recovery stopped"))?;
    println!(
        "journal {instance}: {} done, {} certainly not created, {} still unknown, {} in flight elsewhere, {} awaiting the caller's retry",
        report.done,
        report.not_created,
        report.still_unknown,
        report.in_flight_elsewhere,
        report.awaiting_caller.len()
    );
    if !report.awaiting_caller.is_empty() {
        println!("awaiting the caller (card details or gateway options are never stored):");
        print_entries(&report.awaiting_caller);
    }
    if report.is_clean() {
        Ok(())
    } else {
        Err(Failure::new(format!("journal {instance}: entries remain unsettled")))
    }
}

/// A provider that only has an id: the journal's reads need one, and `pending` must never
/// send anything.
struct ReadOnly {
    id: ProviderId,
    capabilities: Capabilities,
}

impl ReadOnly {
    fn new(instance: &str) -> Self {
        ReadOnly { id: ProviderId::new(instance), capabilities: Capabilities::only([]) }
    }

    fn refuse(&self) -> Error {
        Error::configuration("paymux journal pending reads the journal only")
            .with_provider(self.id.clone())
    }
}

#[async_trait]
impl PaymentProvider for ReadOnly {
    fn id(&self) -> &ProviderId {
        &self.id
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn create_payment(&self, _req: CreatePayment) -> Result<Payment> {
        Err(self.refuse())
    }

    async fn get_payment(&self, _id: &PaymentId) -> Result<Payment> {
        Err(self.refuse())
    }
}
