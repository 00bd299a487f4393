//! `paymux check routes.toml`.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::Path;

use crate::{Failure, Outcome};

/// What stands in for a credential whose variable is not set, with `--allow-missing-env`.
/// A connector may check a credential's shape (a Paychtec key starts with `snd_` in the
/// sandbox and `prd_` in production, Paygentic's and Paynectra's `sk_test_` and `sk_live_`;
/// a Paygentic secret `whsec_` takes webhooks), so one
/// placeholder cannot suit every kind: the router is built once with each, and a mistake
/// only counts when every one of them gives it.
const PLACEHOLDERS: [&str; 5] = [
    "whsec_cGF5bXV4LWNoZWNrLXBsYWNlaG9sZGVy",
    "snd_paymux-check-placeholder",
    "prd_paymux-check-placeholder",
    "sk_test_paymux-check-placeholder",
    "sk_live_paymux-check-placeholder",
];

/// Builds the router the file describes, as the service would at start-up, and reports.
pub(crate) fn run(path: &Path, allow_missing_env: bool) -> Outcome {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))?;
    let source = path.display().to_string();
    let placeholders: &[&str] = if allow_missing_env { &PLACEHOLDERS } else { &[] };
    let mut runs = Vec::new();
    let mut missing = BTreeSet::new();
    // Without placeholders, one run in the real environment; with them, one run per
    // placeholder (and only one when no variable is missing: the environment decides).
    for placeholder in placeholders.iter().map(Some).chain(placeholders.is_empty().then_some(None))
    {
        let used = RefCell::new(BTreeSet::new());
        let env = |var: &str| {
            std::env::var(var).ok().or_else(|| {
                placeholder.map(|p| {
                    used.borrow_mut().insert(var.to_owned());
                    (*p).to_owned()
                })
            })
        };
        let built = paymux::Router::parse(&source, &text, &env, &paymux::registry());
        let used = used.into_inner();
        let nothing_missing = used.is_empty();
        missing.extend(used);
        match built {
            Ok(router) => {
                let names = router.instance_names();
                println!("{source}: valid: {} instance(s): {}", names.len(), names.join(", "));
                if !missing.is_empty() {
                    println!("checked with placeholders for unset variables: {}", join(&missing));
                }
                return Ok(());
            }
            Err(e) => runs.push(e.message().to_owned()),
        }
        if nothing_missing {
            break;
        }
    }
    let first = runs.first().map(String::as_str).unwrap_or_default();
    // A mistake of the file comes back whatever the placeholder; one that comes and goes
    // with the placeholder is about the placeholder.
    let (real, notes): (Vec<&str>, Vec<&str>) = mistakes(first)
        .into_iter()
        .partition(|line| runs.iter().all(|r| mistakes(r).contains(line)));
    let mut notes: Vec<&str> = notes;
    for line in runs.iter().skip(1).flat_map(|r| mistakes(r)) {
        if !real.contains(&line) && !notes.contains(&line) {
            notes.push(line);
        }
    }
    let placeholder_notes = |out: &mut String| {
        if !missing.is_empty() {
            out.push_str(&format!(
                "\nchecked with placeholders for unset variables: {}",
                join(&missing)
            ));
            if !notes.is_empty() {
                out.push_str("; what depends on their values was not checked:");
                for n in &notes {
                    out.push_str(&format!("\n  note: {n}"));
                }
            }
        }
    };
    if real.is_empty() {
        let mut out = format!("{source}: valid, as far as placeholders allow");
        placeholder_notes(&mut out);
        println!("{out}");
        return Ok(());
    }
    let plural = if real.len() == 1 { "" } else { "s" };
    let mut out = format!("{}\n{source}: {} error{plural}", real.join("\n"), real.len());
    placeholder_notes(&mut out);
    Err(Failure::new(out))
}

/// One mistake per line of the message, each already naming `file:line:column`.
fn mistakes(message: &str) -> Vec<&str> {
    message.lines().filter(|l| !l.trim().is_empty()).collect()
}

fn join(vars: &BTreeSet<String>) -> String {
    vars.iter().map(String::as_str).collect::<Vec<_>>().join(", ")
}
