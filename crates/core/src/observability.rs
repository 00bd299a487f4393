//! The names of the metrics paymux records through the [`metrics`] facade, one constant per
//! metric, so every crate and every dashboard spells them the same way. What each one counts
//! and its labels are in the table of the [crate docs](crate#observability).

/// Counter: finished provider operations. Labels: `instance`, `operation`, `outcome`.
pub const CALLS: &str = "paymux_calls_total";

/// Histogram, seconds: how long provider operations took, retries and waits included.
/// Labels: `instance`, `operation`.
pub const CALL_DURATION: &str = "paymux_call_duration_seconds";

/// Counter: declined payments. Labels: `instance`, `code`.
pub const DECLINES: &str = "paymux_declines_total";

/// Counter: HTTP attempts repeated after a retryable failure. Labels: `instance`,
/// `operation`.
pub const RETRIES: &str = "paymux_retries_total";

/// Counter: webhook deliveries an inbox received (paymux-store). Labels: `instance`,
/// `outcome`.
pub const WEBHOOKS_RECEIVED: &str = "paymux_webhooks_received_total";

/// Histogram, seconds: from a webhook's receipt to its handler's success (paymux-store).
/// Labels: `instance`.
pub const WEBHOOK_PROCESSING_LAG: &str = "paymux_webhook_processing_lag_seconds";

/// Gauge: inbox events per state (paymux-store). Labels: `state`.
pub const INBOX_DEPTH: &str = "paymux_inbox_depth";

/// Counter: calls the router sent to a fallback instance (paymux-router). Labels: `from`,
/// `to`.
pub const ROUTER_FALLBACKS: &str = "paymux_router_fallbacks_total";

/// Counter: calls the router routed (paymux-router). Labels: `rule`, `instance`.
pub const ROUTER_ROUTED: &str = "paymux_router_routed_total";

/// Every metric name above, in the order of the crate docs' table (for tests that check the
/// table and the code agree).
pub const ALL: [&str; 9] = [
    CALLS,
    CALL_DURATION,
    DECLINES,
    RETRIES,
    WEBHOOKS_RECEIVED,
    WEBHOOK_PROCESSING_LAG,
    INBOX_DEPTH,
    ROUTER_FALLBACKS,
    ROUTER_ROUTED,
];
