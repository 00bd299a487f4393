//! The README's operation table is the connectors' declared capabilities, so the two cannot
//! drift: this test renders the table from `PaymentProvider::capabilities` and compares it
//! with the README. After a change of capabilities, `PAYMUX_BLESS=1 cargo test -p paymux-tests
//! --test readme` rewrites the table (review the diff).

use paymux::sandbox::{Sandbox, provider};
use paymux::{MockProvider, Operation, PaymentProvider};

const BEGIN: &str =
    "<!-- operations: generated from the connectors' capabilities by tests/readme.rs -->";
const END: &str = "<!-- end of operations -->";

fn readme_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")
}

/// One row per operation, one column per connector: `✓` where it declares the operation.
fn table(columns: &[(&str, &dyn PaymentProvider)]) -> String {
    let mut out = String::from("| operation |");
    for (name, _) in columns {
        out.push_str(&format!(" {name} |"));
    }
    out.push_str("\n|---|");
    out.push_str(&":-:|".repeat(columns.len()));
    out.push('\n');
    for op in Operation::ALL {
        out.push_str(&format!("| `{}` |", op.as_str()));
        for (_, provider) in columns {
            let mark = if provider.capabilities().supports(op) { "✓" } else { "—" };
            out.push_str(&format!(" {mark} |"));
        }
        out.push('\n');
    }
    out
}

#[tokio::test]
async fn the_readme_operation_table_is_the_declared_capabilities() {
    let sandbox = Sandbox::start().await.unwrap();
    let connectors = [
        ("Paychtec", provider(&sandbox.paychtec).unwrap()),
        ("pay.tech", provider(&sandbox.paytech).unwrap()),
        ("Paygentic", provider(&sandbox.paygentic).unwrap()),
        ("paymnt.cloud", provider(&sandbox.paymnt).unwrap()),
        ("Paynectra", provider(&sandbox.paynectra).unwrap()),
    ];
    let mock = MockProvider::new();
    let mut columns: Vec<(&str, &dyn PaymentProvider)> =
        connectors.iter().map(|(name, p)| (*name, p.as_ref())).collect();
    columns.push(("mock", &mock));
    let generated = table(&columns);

    let path = readme_path();
    let readme = std::fs::read_to_string(&path).unwrap();
    let (start, end) = match (readme.find(BEGIN), readme.find(END)) {
        (Some(start), Some(end)) if start < end => (start + BEGIN.len() + 1, end),
        _ => panic!("README.md lacks the markers {BEGIN:?} and {END:?}"),
    };
    let current = &readme[start..end];
    if current == generated {
        return;
    }
    if std::env::var_os("PAYMUX_BLESS").is_some() {
        let updated = format!("{}{generated}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    panic!(
        "README.md's operation table differs from the declared capabilities; run \
         `PAYMUX_BLESS=1 cargo test -p paymux-tests --test readme` and review the diff.\n\
         README:\n{current}\ncapabilities:\n{generated}"
    );
}

#[test]
fn every_operation_has_a_row_and_a_declared_one_is_ticked() {
    let mock = MockProvider::builder()
        .capabilities(paymux::Capabilities::only([Operation::CreatePayment]))
        .build();
    let rendered = table(&[("mock", &mock)]);
    let rows: Vec<&str> = rendered.lines().skip(2).collect();
    assert_eq!(rows.len(), Operation::ALL.len());
    assert_eq!(rows[0], "| `create_payment` | ✓ |");
    assert!(rows[1..].iter().all(|row| row.ends_with("| — |")), "{rendered}");
}
