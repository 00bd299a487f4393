//! The JSON of the family's routes beyond creating and reading payments, refunds and
//! customers: payment updates and reviews, refund updates, the customer list and delete,
//! payment links, payouts and disputes. Field names are Hyperswitch's (its v1 OpenAPI
//! document and `api_models`), which both gateways serve.
//!
//! As in the rest of the crate, absent optional request fields are left out, and answers
//! accept absent optional fields. The lists Hyperswitch answers with a bare array (customers,
//! disputes, payment links) are read bare or wrapped in `{data}`.

use std::fmt;

use paymux_core::{ExposeSecret, Metadata, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::OrderDetail;

// ---- payments ----

/// The body of `POST /payments/{payment_id}` (update before confirmation): only the fields
/// set are sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PaymentUpdateRequest {
    /// New amount in minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// New currency (upper-case ISO code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// `automatic` or `manual`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_method: Option<&'static str>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Return URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// One-off customer email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// One-off customer name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// One-off customer phone, without the country code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// One-off customer phone country code (`"+1"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_country_code: Option<String>,
    /// The merchant's order reference (Hyperswitch's field; Paychtec keeps its reference in
    /// `metadata.order_id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_order_reference_id: Option<String>,
    /// Order contents (each connector names the product its way).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_details: Option<Vec<OrderDetail>>,
    /// Metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

/// The body of `POST /payments/{payment_id}/approve` and `/reject`: Paychtec's guide lists
/// "optional review fields" without naming any, so it is `{}` unless a reason is given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PaymentReviewRequest {
    /// Free-text note for the review, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

// ---- refunds ----

/// The body of `POST /refunds/{refund_id}` (Hyperswitch's `RefundUpdateRequest`): the only
/// two fields a refund update changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundUpdateRequest {
    /// The new reason (free text, at most 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The new metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

// ---- customers ----

/// The answer to `GET /customers/list`: a bare array (Hyperswitch) or a `{data}` wrapper.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum CustomerListResponse {
    /// `[...]`.
    Bare(Vec<super::CustomerResponse>),
    /// `{"data": [...]}`.
    Wrapped {
        /// The customers.
        data: Vec<super::CustomerResponse>,
    },
}

impl CustomerListResponse {
    /// The customers, whatever the wrapping.
    pub fn into_vec(self) -> Vec<super::CustomerResponse> {
        match self {
            CustomerListResponse::Bare(v) | CustomerListResponse::Wrapped { data: v } => v,
        }
    }
}

/// The answer to `DELETE /customers/{customer_id}` (Hyperswitch's `CustomerDeleteResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDeleteResponse {
    /// The deleted customer.
    pub customer_id: String,
    /// Whether the customer record was deleted.
    #[serde(default)]
    pub customer_deleted: Option<bool>,
    /// Whether the address was deleted.
    #[serde(default)]
    pub address_deleted: Option<bool>,
    /// Whether saved payment methods were deleted.
    #[serde(default)]
    pub payment_methods_deleted: Option<bool>,
}

// ---- payment links ----

/// A payment link as the gateways answer it: Paychtec's `POST /payment_link` (id and `link`),
/// `GET /payment_link/{payment_link_id}` and the entries of `POST /payment_link/list`
/// (Hyperswitch's `RetrievePaymentLinkResponse`: `link_to_pay`, amount, status, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentLinkResponse {
    /// The link id.
    pub payment_link_id: String,
    /// The payment behind the link, where given.
    #[serde(default)]
    pub payment_id: Option<String>,
    /// The URL the customer opens (`link` on create, `link_to_pay` on retrieve).
    #[serde(default, alias = "link_to_pay")]
    pub link: Option<String>,
    /// The secure link (with security checks), where given.
    #[serde(default)]
    pub secure_link: Option<String>,
    /// Minor units, where given.
    #[serde(default)]
    pub amount: Option<i64>,
    /// ISO currency code, where given.
    #[serde(default)]
    pub currency: Option<String>,
    /// The link status word (`active`, `expired`), where given.
    #[serde(default)]
    pub status: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Expiry (ISO 8601).
    #[serde(default)]
    pub expiry: Option<String>,
    /// Creation time (ISO 8601).
    #[serde(default)]
    pub created_at: Option<String>,
}

/// The body of `POST /payment_link/list` (Hyperswitch's `PaymentLinkListConstraints`, which
/// refuses any other key: no offset, no status). Times are ISO 8601.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentLinkListRequest {
    /// How many links to return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Created at or after.
    #[serde(default, rename = "created.gte", skip_serializing_if = "Option::is_none")]
    pub created_gte: Option<String>,
    /// Created at or before.
    #[serde(default, rename = "created.lte", skip_serializing_if = "Option::is_none")]
    pub created_lte: Option<String>,
}

/// The answer to `POST /payment_link/list`: a bare array (Hyperswitch) or a `{data}` wrapper.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum PaymentLinkListResponse {
    /// `[...]`.
    Bare(Vec<PaymentLinkResponse>),
    /// `{"data": [...]}` (with `size` or `count`, ignored).
    Wrapped {
        /// The links.
        data: Vec<PaymentLinkResponse>,
    },
}

impl PaymentLinkListResponse {
    /// The links, whatever the wrapping.
    pub fn into_vec(self) -> Vec<PaymentLinkResponse> {
        match self {
            PaymentLinkListResponse::Bare(v) | PaymentLinkListResponse::Wrapped { data: v } => v,
        }
    }
}

// ---- payouts ----

/// `payout_method_data.card` (Hyperswitch's `CardPayout`). Serializes the full number (only
/// into a request body); `Debug` shows its last four digits only.
#[derive(Clone)]
pub struct PayoutCardData {
    /// The card number.
    pub card_number: SecretString,
    /// Expiry month, two digits (`"05"`).
    pub expiry_month: String,
    /// Four-digit expiry year.
    pub expiry_year: String,
    /// Name on the card (required by Hyperswitch).
    pub card_holder_name: String,
}

impl fmt::Debug for PayoutCardData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.card_number.expose_secret();
        let last4 = n.get(n.len().saturating_sub(4)..).unwrap_or("");
        f.debug_struct("PayoutCardData")
            .field("card_number", &format_args!("**** {last4}"))
            .field("expiry_month", &self.expiry_month)
            .field("expiry_year", &self.expiry_year)
            .field("card_holder_name", &"<set>")
            .finish()
    }
}

impl Serialize for PayoutCardData {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("PayoutCardData", 4)?;
        st.serialize_field("card_number", self.card_number.expose_secret())?;
        st.serialize_field("expiry_month", &self.expiry_month)?;
        st.serialize_field("expiry_year", &self.expiry_year)?;
        st.serialize_field("card_holder_name", &self.card_holder_name)?;
        st.end()
    }
}

/// `payout_method_data`: `{"card": {...}}`.
#[derive(Debug, Clone, Serialize)]
pub struct PayoutMethodData {
    /// The card.
    pub card: PayoutCardData,
}

/// The body of `POST /payouts/create` (Hyperswitch's `PayoutsCreateRequest`, the fields
/// Paychtec's guide shows and the ones the core request fills).
#[derive(Debug, Clone, Default, Serialize)]
pub struct PayoutCreateRequest {
    /// Minor units.
    pub amount: i64,
    /// Upper-case ISO currency code.
    pub currency: String,
    /// A customer issued by the Customers API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// `card`, `bank`, `wallet`, `bank_redirect`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payout_type: Option<String>,
    /// Where the money goes (a card).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payout_method_data: Option<PayoutMethodData>,
    /// `true` confirms the payout with the create (then `requires_fulfillment`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<bool>,
    /// `true` (with `confirm`) sends the money without a separate fulfill.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_fulfill: Option<bool>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The merchant's own reference for the payout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_order_reference_id: Option<String>,
    /// Metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

/// The body of `PUT /payouts/{payout_id}` (update before fulfillment): only the fields set
/// are sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PayoutUpdateRequest {
    /// New amount in minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// New currency (upper-case ISO code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// New receiving customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// New payout type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payout_type: Option<String>,
    /// `true` confirms the payout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<bool>,
    /// `true` (with `confirm`) sends the money without a separate fulfill.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_fulfill: Option<bool>,
    /// New description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// New merchant reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_order_reference_id: Option<String>,
    /// New metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

/// The body of `POST /payouts/{payout_id}/cancel` and `/fulfill` (Hyperswitch's
/// `PayoutCancelRequest` / `PayoutFulfillRequest`): the payout id again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayoutActionRequest {
    /// The payout acted on (the one in the path).
    pub payout_id: String,
}

/// The body of `POST /payouts/list` (Hyperswitch's `PayoutListFilterConstraints`): the time
/// range flattened (`start_time`, `end_time`), `status` and `currency` arrays. The page size
/// is at most [`MAX_PAYOUT_LIST_LIMIT`](crate::mapping::MAX_PAYOUT_LIST_LIMIT).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutListRequest {
    /// Page size, 1 to 20.
    pub limit: u32,
    /// Items to skip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// Only payouts to this customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Created at or after (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Created at or before (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// `PayoutStatus` words, any of which matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Vec<String>>,
    /// Upper-case ISO currency codes, any of which matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Vec<String>>,
}

/// A payout as the gateways answer it (Hyperswitch's `PayoutCreateResponse`: create,
/// retrieve, update, cancel, fulfill, list entries, `payout_details` webhook objects).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayoutResponse {
    /// The payout id.
    pub payout_id: String,
    /// Minor units.
    pub amount: i64,
    /// ISO currency code.
    pub currency: String,
    /// The `PayoutStatus` word (`requires_fulfillment`, `success`, ...).
    pub status: String,
    /// The receiving customer.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// `card`, `bank`, `wallet`, `bank_redirect`.
    #[serde(default)]
    pub payout_type: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// The merchant's own reference.
    #[serde(default)]
    pub merchant_order_reference_id: Option<String>,
    /// Metadata (any JSON object).
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
    /// The processor's error code, for failed payouts.
    #[serde(default)]
    pub error_code: Option<String>,
    /// The processor's error message, for failed payouts.
    #[serde(default)]
    pub error_message: Option<String>,
    /// Creation time (ISO 8601; `created`, or `created_at` as some answers write it).
    #[serde(default, alias = "created_at")]
    pub created: Option<String>,
}

// ---- disputes ----

/// A dispute as the gateways answer it (Hyperswitch's `DisputeResponse`: retrieve, list
/// entries, accept, evidence submission, `dispute_details` webhook objects).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeResponse {
    /// The dispute id.
    pub dispute_id: String,
    /// The disputed payment.
    pub payment_id: String,
    /// Minor units: Hyperswitch writes a string of digits (`"6540"`), a number is read too,
    /// never through a float.
    #[serde(deserialize_with = "minor_units")]
    pub amount: i64,
    /// ISO currency code.
    pub currency: String,
    /// `pre_dispute`, `dispute`, `pre_arbitration`, `arbitration`, `dispute_reversal`.
    #[serde(default)]
    pub dispute_stage: Option<String>,
    /// `dispute_opened`, `dispute_challenged`, `dispute_won`, ...
    pub dispute_status: String,
    /// The processor's own status word.
    #[serde(default)]
    pub connector_status: Option<String>,
    /// The network's or acquirer's reason.
    #[serde(default)]
    pub connector_reason: Option<String>,
    /// The network's or acquirer's reason code.
    #[serde(default)]
    pub connector_reason_code: Option<String>,
    /// Evidence deadline (ISO 8601).
    #[serde(default)]
    pub challenge_required_by: Option<String>,
    /// When the gateway received it (ISO 8601).
    #[serde(default)]
    pub created_at: Option<String>,
}

/// An amount in minor units written either as a JSON integer or as a string of digits (as
/// Hyperswitch writes dispute amounts), never read through a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MinorUnits(pub(crate) i64);

impl<'de> Deserialize<'de> for MinorUnits {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Int(v) => Ok(MinorUnits(v)),
            Raw::Text(s) => {
                s.trim().parse::<i64>().map(MinorUnits).map_err(|_| {
                    serde::de::Error::custom(format!("amount {s:?} is not minor units"))
                })
            }
        }
    }
}

fn minor_units<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    MinorUnits::deserialize(d).map(|m| m.0)
}

/// The query of `GET /disputes/list` (Hyperswitch's `DisputeListGetConstraints`, which refuses
/// any other key): `dispute_status` and `dispute_stage` are comma-separated lists of words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DisputeListRequest {
    /// Page size.
    pub limit: u32,
    /// Items to skip.
    pub offset: Option<u64>,
    /// `DisputeStatus` words, any of which matches.
    pub dispute_status: Option<Vec<String>>,
    /// `DisputeStage` words, any of which matches.
    pub dispute_stage: Option<Vec<String>>,
    /// Only disputes of this payment.
    pub payment_id: Option<String>,
}

/// The answer to `GET /disputes/list`: a bare array (Hyperswitch) or a `{data}` wrapper.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum DisputeListResponse {
    /// `[...]`.
    Bare(Vec<DisputeResponse>),
    /// `{"data": [...]}`.
    Wrapped {
        /// The disputes.
        data: Vec<DisputeResponse>,
    },
}

impl DisputeListResponse {
    /// The disputes, whatever the wrapping.
    pub fn into_vec(self) -> Vec<DisputeResponse> {
        match self {
            DisputeListResponse::Bare(v) | DisputeListResponse::Wrapped { data: v } => v,
        }
    }

    /// The disputes as a list answer without counts (the gateway sends none), for
    /// [`to_page`](crate::to_page): a full page may have more.
    pub fn into_list(self) -> super::ListResponse<DisputeResponse> {
        super::ListResponse { count: None, total_count: None, data: self.into_vec() }
    }
}

/// The body of `POST /disputes/evidence` (Hyperswitch's `SubmitEvidenceRequest`): the
/// documents by the file ids the gateway issued on upload, and a statement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SubmitEvidenceRequest {
    /// The dispute answered.
    pub dispute_id: String,
    /// File id of the cancellation policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancellation_policy: Option<String>,
    /// File id of the customer communication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_communication: Option<String>,
    /// File id of the customer's signature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_signature: Option<String>,
    /// File id of the receipt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
    /// File id of the refund policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_policy: Option<String>,
    /// File id of the service documentation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_documentation: Option<String>,
    /// File id of the shipping documentation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_documentation: Option<String>,
    /// File id of an invoice showing two distinct transactions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_showing_distinct_transactions: Option<String>,
    /// File id of the recurring transaction agreement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurring_transaction_agreement: Option<String>,
    /// File id of any other supporting file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncategorized_file: Option<String>,
    /// Any additional evidence statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncategorized_text: Option<String>,
}

/// The body of `DELETE /disputes/evidence` (Hyperswitch's `DeleteEvidenceRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeleteEvidenceRequest {
    /// The dispute.
    pub dispute_id: String,
    /// The evidence to remove: an `EvidenceType` word (`receipt`, `uncategorized_file`, ...).
    pub evidence_type: String,
}

/// One entry of the answer to `GET /disputes/evidence/{dispute_id}` (Hyperswitch's
/// `DisputeEvidenceBlock`): a kind of evidence and the file behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeEvidenceBlock {
    /// The `EvidenceType` word (`receipt`, `uncategorized_file`, ...).
    pub evidence_type: String,
    /// The file, where the gateway describes it.
    #[serde(default)]
    pub file_metadata_response: Option<FileMetadataResponse>,
}

/// The file behind a piece of evidence (Hyperswitch's `FileMetadataResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMetadataResponse {
    /// The file id.
    pub file_id: String,
    /// The file's name.
    #[serde(default)]
    pub file_name: Option<String>,
    /// Its size in bytes.
    #[serde(default)]
    pub file_size: Option<i64>,
    /// Its MIME type.
    #[serde(default)]
    pub file_type: Option<String>,
    /// Whether the file is available.
    #[serde(default)]
    pub available: Option<bool>,
}
