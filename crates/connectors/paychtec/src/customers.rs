//! Customer operations beyond the trait: update, delete, list.

use paymux_core::connector::idempotency_key;
use paymux_core::{CreateCustomer, Customer, CustomerId, IdempotencyKey, Page, PageCursor, Result};
use serde::Deserialize;

use crate::{Paychtec, mapping};

/// The answer to `DELETE /customers/:customer_id`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DeletedCustomer {
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

impl Paychtec {
    /// Changes a saved customer (`POST /customers/:id`); only the fields set are sent. A
    /// [`PaychtecCustomerOptions::customer_id`](crate::PaychtecCustomerOptions) is refused:
    /// an id cannot be changed.
    pub async fn update_customer(&self, id: &CustomerId, req: CreateCustomer) -> Result<Customer> {
        let body = mapping::update_customer_body(&req)?;
        let key = idempotency_key(req.idempotency_key);
        let answer = self.client.update_customer(id.as_str(), &body, key).await?;
        Ok(mapping::to_customer(&self.provider, &answer))
    }

    /// Deletes a saved customer (`DELETE /customers/:id`).
    pub async fn delete_customer(
        &self,
        id: &CustomerId,
        key: Option<IdempotencyKey>,
    ) -> Result<DeletedCustomer> {
        let key = idempotency_key(key);
        self.client.delete_customer(id.as_str(), key).await
    }

    /// Lists saved customers (`GET /customers/list?limit=&offset=`). The answer has no total,
    /// so `has_more` means "the page was full".
    pub async fn list_customers(
        &self,
        limit: Option<u32>,
        cursor: Option<PageCursor>,
    ) -> Result<Page<Customer>> {
        let (limit, offset) = mapping::customer_list_query(limit, cursor.as_ref())?;
        let list = self.client.list_customers(limit, offset).await?;
        mapping::customer_page(&self.provider, list, offset.unwrap_or(0), limit)
    }
}
