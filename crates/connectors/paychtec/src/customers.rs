//! Customer operations beyond the trait: update, delete, list.

use paymux_core::connector::idempotency_key;
use paymux_core::{CreateCustomer, Customer, CustomerId, IdempotencyKey, Page, PageCursor, Result};
use paymux_hyperswitch_family::mapping::{customer_list_query, customer_page};

use crate::{DeletedCustomer, Paychtec, mapping};

impl Paychtec {
    /// Changes a saved customer (`POST /customers/:customer_id`); only the fields set are
    /// sent. A [`PaychtecCustomerOptions::customer_id`](crate::PaychtecCustomerOptions) is
    /// refused: an id cannot be changed.
    pub async fn update_customer(&self, id: &CustomerId, req: CreateCustomer) -> Result<Customer> {
        let body = mapping::update_customer_body(&req)?;
        let key = idempotency_key(req.idempotency_key);
        let answer = self.client.update_customer(id.as_str(), &body, key).await?;
        Ok(mapping::to_customer(&self.provider, &answer))
    }

    /// Deletes a saved customer (`DELETE /customers/:customer_id`).
    pub async fn delete_customer(
        &self,
        id: &CustomerId,
        key: Option<IdempotencyKey>,
    ) -> Result<DeletedCustomer> {
        self.client.delete_customer(id.as_str(), idempotency_key(key)).await
    }

    /// Lists saved customers (`GET /customers/list?limit=&offset=`). The answer has no total,
    /// so `has_more` means "the page was full".
    pub async fn list_customers(
        &self,
        limit: Option<u32>,
        cursor: Option<PageCursor>,
    ) -> Result<Page<Customer>> {
        let (limit, offset) = customer_list_query(limit, cursor.as_ref())?;
        let list = self.client.list_customers(limit, offset).await?;
        customer_page(&self.provider, list, offset.unwrap_or(0), limit)
    }
}
