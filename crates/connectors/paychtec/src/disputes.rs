//! Dispute operations beyond the trait (listing, reading, accepting disputes and submitting
//! evidence are the trait's): reading the evidence held for a dispute and removing a piece
//! of it.

use paymux_core::connector::idempotency_key;
use paymux_core::{DisputeId, EvidenceKind, IdempotencyKey, Result};
use paymux_hyperswitch_family::mapping::delete_evidence_body;

use crate::{DisputeEvidenceBlock, Paychtec};

impl Paychtec {
    /// The evidence the gateway holds for a dispute (`GET /disputes/evidence/:dispute_id`):
    /// one block per kind, with the file behind it where the gateway describes it.
    pub async fn dispute_evidence(&self, id: &DisputeId) -> Result<Vec<DisputeEvidenceBlock>> {
        self.client.get_dispute_evidence(id.as_str()).await
    }

    /// Removes the evidence of one kind from a dispute (`DELETE /disputes/evidence`, body
    /// `{dispute_id, evidence_type}`; `Uncategorized` is `uncategorized_file`). The gateway
    /// answers without a body.
    pub async fn delete_dispute_evidence(
        &self,
        id: &DisputeId,
        kind: EvidenceKind,
        key: Option<IdempotencyKey>,
    ) -> Result<()> {
        let body = delete_evidence_body(id, kind)?;
        self.client.delete_dispute_evidence(&body, idempotency_key(key)).await
    }
}
