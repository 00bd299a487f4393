//! The merchant's own routes ("Other Merchant Routes" in the guide): business profiles,
//! API keys and analytics metrics, as inherent methods of [`Paychtec`].
//!
//! Decisions (the guide names the routes; the shapes are Hyperswitch's: the published v1
//! document for profiles and API keys, its analytics API for metrics, whose body the guide
//! shows):
//! - The merchant id is an argument of each call (the routes name it in the path), held to
//!   the rule of ids like every id.
//! - The plaintext key of a created API key, and a profile's `payment_response_hash_key` (the
//!   webhook signing key), are [`SecretString`]s: no `Debug` prints them.
//! - Metrics go out as the guide's example writes them (one JSON object with `timeRange`,
//!   `metrics`, `source`, `delta`, `timeSeries`, `groupByNames`, `filters`); they are reads
//!   sent as `POST`: no `X-Idempotency-Key`, retried like reads. Metric values are read from
//!   their exact JSON text ([`MetricsBucket`]), never through a float.

use std::collections::BTreeMap;

use paymux_core::connector::idempotency_key;
use paymux_core::{Decimal, Error, IdempotencyKey, Result, SecretString};
use paymux_hyperswitch_family::mapping::{check_id, format_time, parse_time};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use time::OffsetDateTime;

use crate::Paychtec;
use crate::subscriptions::lenient_time;

// ---- business profiles ----

/// A business profile (`GET /account/:merchant_id/business_profile`), the fields a merchant
/// integration reads. `Debug` hides the hash key and the webhook password.
#[derive(Debug, Clone, Deserialize)]
pub struct BusinessProfile {
    /// The profile id: `profile_id` of payments, `X-Profile-Id` of subscriptions.
    pub profile_id: String,
    /// The profile's name.
    pub profile_name: String,
    /// The merchant account.
    pub merchant_id: String,
    /// Where customers return after a payment.
    #[serde(default)]
    pub return_url: Option<String>,
    /// Whether answers and webhooks are signed.
    #[serde(default)]
    pub enable_payment_response_hash: bool,
    /// The key that signs webhooks (the connector's webhook secret).
    #[serde(default)]
    pub payment_response_hash_key: Option<SecretString>,
    /// Whether the customer is redirected back with an HTTP `POST`.
    #[serde(default)]
    pub redirect_to_merchant_with_http_post: bool,
    /// Where and how webhooks are sent.
    #[serde(default)]
    pub webhook_details: Option<ProfileWebhookDetails>,
    /// How long a payment stays active once its session starts, in seconds.
    #[serde(default)]
    pub intent_fulfillment_time: Option<i64>,
    /// How long a client secret lasts, in seconds.
    #[serde(default)]
    pub session_expiry: Option<i64>,
    /// The merchant's metadata (any JSON).
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
}

/// A profile's `webhook_details`. `Debug` hides the password.
#[derive(Debug, Clone, Deserialize)]
pub struct ProfileWebhookDetails {
    /// The endpoint.
    #[serde(default)]
    pub webhook_url: Option<String>,
    /// The webhook version.
    #[serde(default)]
    pub webhook_version: Option<String>,
    /// The user name of the endpoint's login.
    #[serde(default)]
    pub webhook_username: Option<String>,
    /// The password of the endpoint's login.
    #[serde(default)]
    pub webhook_password: Option<SecretString>,
    /// The payment statuses that send a webhook.
    #[serde(default)]
    pub payment_statuses_enabled: Vec<String>,
    /// The refund statuses that send a webhook.
    #[serde(default)]
    pub refund_statuses_enabled: Vec<String>,
}

// ---- API keys ----

/// When an API key expires: `"never"` or a time (RFC 3339 on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyExpiration {
    /// `"never"` (the published document recommends rotating every 6 months).
    Never,
    /// At this time.
    At(OffsetDateTime),
}

impl Serialize for ApiKeyExpiration {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            ApiKeyExpiration::Never => s.serialize_str("never"),
            ApiKeyExpiration::At(t) => {
                s.serialize_str(&format_time(*t).map_err(serde::ser::Error::custom)?)
            }
        }
    }
}

impl<'de> Deserialize<'de> for ApiKeyExpiration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text == "never" {
            return Ok(ApiKeyExpiration::Never);
        }
        parse_time(&text)
            .map(ApiKeyExpiration::At)
            .ok_or_else(|| serde::de::Error::custom(format!("expiration {text:?} is not a time")))
    }
}

/// A new API key (`POST /api_keys/:merchant_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateApiKey {
    /// A unique name, 1 to 64 characters.
    pub name: String,
    /// What it is for, at most 256 characters.
    pub description: Option<String>,
    /// When it expires.
    pub expiration: ApiKeyExpiration,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
}

impl CreateApiKey {
    /// A key named `name` expiring as `expiration`.
    pub fn new(name: impl Into<String>, expiration: ApiKeyExpiration) -> Self {
        CreateApiKey { name: name.into(), description: None, expiration, idempotency_key: None }
    }
}

/// Changes to an API key (`POST /api_keys/:merchant_id/:key_id`): only the fields set are
/// sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateApiKey {
    /// A new name, 1 to 64 characters.
    pub name: Option<String>,
    /// A new description, at most 256 characters.
    pub description: Option<String>,
    /// A new expiration.
    pub expiration: Option<ApiKeyExpiration>,
    /// Makes retries safe; generated once per call when `None`.
    pub idempotency_key: Option<IdempotencyKey>,
}

/// A key just created: the only answer that carries the plaintext key, which the gateway never
/// shows again. `Debug` hides it.
#[derive(Debug, Clone, Deserialize)]
pub struct CreatedApiKey {
    /// The key's id.
    pub key_id: String,
    /// The merchant account.
    pub merchant_id: String,
    /// Its name.
    pub name: String,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
    /// The plaintext key: store it as a secret.
    pub api_key: SecretString,
    /// When it was created.
    #[serde(default, deserialize_with = "lenient_time")]
    pub created: Option<OffsetDateTime>,
    /// When it expires.
    pub expiration: ApiKeyExpiration,
}

/// An API key as retrieve, list and update answer it: its first characters, never the key.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ApiKey {
    /// The key's id.
    pub key_id: String,
    /// The merchant account.
    pub merchant_id: String,
    /// Its name.
    pub name: String,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
    /// The first characters of the key, to recognise it.
    #[serde(default)]
    pub prefix: Option<String>,
    /// When it was created.
    #[serde(default, deserialize_with = "lenient_time")]
    pub created: Option<OffsetDateTime>,
    /// When it expires.
    pub expiration: ApiKeyExpiration,
}

/// The answer to `DELETE /api_keys/:merchant_id/:key_id`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RevokedApiKey {
    /// The merchant account.
    pub merchant_id: String,
    /// The key's id.
    pub key_id: String,
    /// Whether the key was revoked.
    pub revoked: bool,
}

/// The longest API key name the published document allows.
const MAX_KEY_NAME: usize = 64;
/// The longest API key description the published document allows.
const MAX_KEY_DESCRIPTION: usize = 256;

/// `POST /api_keys/:merchant_id` (the document refuses unknown fields: only these go out).
#[derive(Debug, Serialize)]
pub(crate) struct ApiKeyBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration: Option<ApiKeyExpiration>,
}

/// Checks a name and a description against the document's limits.
fn key_texts(name: Option<&String>, description: Option<&String>) -> Result<()> {
    if let Some(name) = name {
        let n = name.chars().count();
        if name.trim().is_empty() || n > MAX_KEY_NAME {
            return Err(Error::invalid_request(format!(
                "an API key name has 1 to {MAX_KEY_NAME} characters (got {n})"
            )));
        }
    }
    if let Some(description) = description {
        let n = description.chars().count();
        if n > MAX_KEY_DESCRIPTION {
            return Err(Error::invalid_request(format!(
                "an API key description has at most {MAX_KEY_DESCRIPTION} characters (got {n})"
            )));
        }
    }
    Ok(())
}

/// The body of `POST /api_keys/:merchant_id`.
pub(crate) fn create_key_body(req: &CreateApiKey) -> Result<ApiKeyBody> {
    key_texts(Some(&req.name), req.description.as_ref())?;
    Ok(ApiKeyBody {
        name: Some(req.name.clone()),
        description: req.description.clone(),
        expiration: Some(req.expiration),
    })
}

/// The body of `POST /api_keys/:merchant_id/:key_id`.
pub(crate) fn update_key_body(req: &UpdateApiKey) -> Result<ApiKeyBody> {
    key_texts(req.name.as_ref(), req.description.as_ref())?;
    Ok(ApiKeyBody {
        name: req.name.clone(),
        description: req.description.clone(),
        expiration: req.expiration,
    })
}

/// A key id checked for a path: the rule of ids, and not `list` (which is another route).
pub(crate) fn key_id(id: &str) -> Result<&str> {
    let id = check_id("API key id", id)?;
    if id == "list" {
        return Err(Error::invalid_request("\"list\" is not an API key id"));
    }
    Ok(id)
}

// ---- metrics ----

/// The body of the metrics routes, as the guide's example writes it (one JSON object; the
/// open-source Hyperswitch server reads a one-element array of it, and `G_ONEDAY` where the
/// guide writes `G_ONE_DAY`: names are sent as given):
/// `POST /analytics/v1/merchant/metrics/payments` (and `/refunds`, `/disputes`). Metric,
/// dimension and filter names are each resource's own (`payment_count`,
/// `payment_success_rate`, `payment_processed_amount`; `refund_count`, ...; group by
/// `currency`, `status`, `connector`, ...).
///
/// ```
/// use paymux::paychtec::MetricsQuery;
/// let query = MetricsQuery::new(
///     time::macros::datetime!(2024-01-01 00:00:00 UTC),
///     ["payment_count", "payment_success_rate"],
/// )
/// .with_end_time(time::macros::datetime!(2024-01-31 23:59:59 UTC))
/// .with_granularity("G_ONE_DAY")
/// .with_group_by("currency")
/// .with_filter("currency", ["USD"]);
/// assert_eq!(query.metrics.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsQuery {
    /// `timeRange.startTime`.
    pub start_time: OffsetDateTime,
    /// `timeRange.endTime`; now when `None`.
    pub end_time: Option<OffsetDateTime>,
    /// `metrics`: at least one.
    pub metrics: Vec<String>,
    /// `source` (the guide: `BATCH`).
    pub source: Option<String>,
    /// `delta`: also answer the change from the previous period.
    pub delta: Option<bool>,
    /// `timeSeries.granularity` (the guide: `G_ONE_DAY`); one bucket for the whole range
    /// when `None`.
    pub granularity: Option<String>,
    /// `groupByNames`: the dimensions each bucket is split by.
    pub group_by_names: Vec<String>,
    /// `filters`: dimension name to the values kept (`"currency": ["USD"]`).
    pub filters: BTreeMap<String, Vec<serde_json::Value>>,
}

impl MetricsQuery {
    /// The `metrics` from `start_time` until now, nothing else set.
    pub fn new(
        start_time: OffsetDateTime,
        metrics: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        MetricsQuery {
            start_time,
            end_time: None,
            metrics: metrics.into_iter().map(Into::into).collect(),
            source: None,
            delta: None,
            granularity: None,
            group_by_names: Vec::new(),
            filters: BTreeMap::new(),
        }
    }

    /// Sets `timeRange.endTime`.
    pub fn with_end_time(mut self, end: OffsetDateTime) -> Self {
        self.end_time = Some(end);
        self
    }

    /// Sets `source`.
    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Asks for the change from the previous period (`delta: true`).
    pub fn with_delta(mut self) -> Self {
        self.delta = Some(true);
        self
    }

    /// Sets `timeSeries.granularity`.
    pub fn with_granularity(mut self, granularity: impl Into<String>) -> Self {
        self.granularity = Some(granularity.into());
        self
    }

    /// Adds a dimension to `groupByNames`.
    pub fn with_group_by(mut self, dimension: impl Into<String>) -> Self {
        self.group_by_names.push(dimension.into());
        self
    }

    /// Keeps only `values` of `dimension` (`filters`).
    pub fn with_filter(
        mut self,
        dimension: impl Into<String>,
        values: impl IntoIterator<Item = impl Into<serde_json::Value>>,
    ) -> Self {
        self.filters.insert(dimension.into(), values.into_iter().map(Into::into).collect());
        self
    }
}

/// The answer of a metrics route: `queryData` (one bucket per time bucket and group) and
/// `metaData` (totals).
#[derive(Debug, Clone, Deserialize)]
pub struct MetricsReport {
    /// `queryData`.
    #[serde(rename = "queryData", default)]
    pub buckets: Vec<MetricsBucket>,
    /// `metaData`.
    #[serde(rename = "metaData", default)]
    pub meta: Vec<MetricsBucket>,
}

/// One object of a metrics answer: metric values and dimension values by name, each kept as
/// the exact JSON text received, read on demand without a float.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct MetricsBucket(BTreeMap<String, Box<RawValue>>);

impl MetricsBucket {
    /// The names present.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// The exact JSON text of `name` (`"null"` for a null).
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.get())
    }

    /// `name` as a whole number (counts, amounts in minor units); `None` when absent, null or
    /// not a whole number.
    pub fn count(&self, name: &str) -> Option<u64> {
        self.raw(name)?.parse().ok()
    }

    /// `name` as an exact decimal (rates, averages); `None` when absent, null or not a
    /// number.
    pub fn decimal(&self, name: &str) -> Option<Decimal> {
        let raw = self.raw(name)?;
        raw.parse().ok().or_else(|| Decimal::from_scientific(raw).ok())
    }

    /// `name` as text (dimension values such as `currency`, `time_bucket`); `None` when
    /// absent or not a string.
    pub fn text(&self, name: &str) -> Option<String> {
        serde_json::from_str(self.raw(name)?).ok()
    }
}

/// `timeRange`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TimeRangeBody {
    start_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_time: Option<String>,
}

/// `timeSeries`.
#[derive(Debug, Serialize)]
struct TimeSeriesBody {
    granularity: String,
}

/// The body of the metrics routes.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MetricsBody {
    time_range: TimeRangeBody,
    metrics: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delta: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_series: Option<TimeSeriesBody>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    group_by_names: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    filters: BTreeMap<String, Vec<serde_json::Value>>,
}

/// The body of a metrics route: at least one metric, no empty name, an end not before the
/// start.
pub(crate) fn metrics_body(query: &MetricsQuery) -> Result<MetricsBody> {
    if query.metrics.is_empty() {
        return Err(Error::invalid_request("a metrics query needs at least one metric"));
    }
    let names = query.metrics.iter().chain(&query.group_by_names).chain(query.filters.keys());
    if names.into_iter().any(|n| n.trim().is_empty()) {
        return Err(Error::invalid_request("a metric, dimension or filter name is empty"));
    }
    if query.end_time.is_some_and(|end| end < query.start_time) {
        return Err(Error::invalid_request("the metrics time range ends before it starts"));
    }
    Ok(MetricsBody {
        time_range: TimeRangeBody {
            start_time: format_time(query.start_time)?,
            end_time: query.end_time.map(format_time).transpose()?,
        },
        metrics: query.metrics.clone(),
        source: query.source.clone(),
        delta: query.delta,
        time_series: query.granularity.clone().map(|granularity| TimeSeriesBody { granularity }),
        group_by_names: query.group_by_names.clone(),
        filters: query.filters.clone(),
    })
}

/// Which metrics, and so the route.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Metrics {
    /// `POST /analytics/v1/merchant/metrics/payments`.
    Payments,
    /// `POST /analytics/v1/merchant/metrics/refunds`.
    Refunds,
    /// `POST /analytics/v1/merchant/metrics/disputes`.
    Disputes,
}

// ---- the operations ----

impl Paychtec {
    /// Lists the merchant's business profiles (`GET /account/:merchant_id/business_profile`).
    pub async fn list_business_profiles(&self, merchant_id: &str) -> Result<Vec<BusinessProfile>> {
        self.client.list_business_profiles(merchant_id).await
    }

    /// Creates an API key (`POST /api_keys/:merchant_id`). The answer holds the plaintext key,
    /// shown this once, as a [`SecretString`]. A name outside 1 to 64 characters or a
    /// description over 256 is refused before any request.
    pub async fn create_api_key(
        &self,
        merchant_id: &str,
        req: CreateApiKey,
    ) -> Result<CreatedApiKey> {
        let key = idempotency_key(req.idempotency_key.clone());
        let body = create_key_body(&req)?;
        self.client.create_api_key(merchant_id, &body, key).await
    }

    /// Lists the merchant's API keys (`GET /api_keys/:merchant_id/list?limit=&skip=`).
    pub async fn list_api_keys(
        &self,
        merchant_id: &str,
        limit: Option<u32>,
        skip: Option<u32>,
    ) -> Result<Vec<ApiKey>> {
        self.client.list_api_keys(merchant_id, limit, skip).await
    }

    /// Fetches an API key (`GET /api_keys/:merchant_id/:key_id`): its prefix, not the key.
    pub async fn get_api_key(&self, merchant_id: &str, key_id: &str) -> Result<ApiKey> {
        self.client.get_api_key(merchant_id, key_id).await
    }

    /// Renames, redescribes or re-dates an API key (`POST /api_keys/:merchant_id/:key_id`).
    pub async fn update_api_key(
        &self,
        merchant_id: &str,
        key_id: &str,
        req: UpdateApiKey,
    ) -> Result<ApiKey> {
        let key = idempotency_key(req.idempotency_key.clone());
        let body = update_key_body(&req)?;
        self.client.update_api_key(merchant_id, key_id, &body, key).await
    }

    /// Revokes an API key (`DELETE /api_keys/:merchant_id/:key_id`).
    pub async fn revoke_api_key(
        &self,
        merchant_id: &str,
        key_id: &str,
        idempotency: Option<IdempotencyKey>,
    ) -> Result<RevokedApiKey> {
        self.client.revoke_api_key(merchant_id, key_id, idempotency_key(idempotency)).await
    }

    /// Payment metrics (`POST /analytics/v1/merchant/metrics/payments`).
    pub async fn payment_metrics(&self, query: &MetricsQuery) -> Result<MetricsReport> {
        self.client.metrics(Metrics::Payments, &metrics_body(query)?).await
    }

    /// Refund metrics (`POST /analytics/v1/merchant/metrics/refunds`).
    pub async fn refund_metrics(&self, query: &MetricsQuery) -> Result<MetricsReport> {
        self.client.metrics(Metrics::Refunds, &metrics_body(query)?).await
    }

    /// Dispute metrics (`POST /analytics/v1/merchant/metrics/disputes`).
    pub async fn dispute_metrics(&self, query: &MetricsQuery) -> Result<MetricsReport> {
        self.client.metrics(Metrics::Disputes, &metrics_body(query)?).await
    }
}
