//! The shop's balances: its accounts in the Financial Module (`GET /api/v1/balances`) and what
//! it can withdraw through the API (`GET /api/v1/available-withdrawal-balances`).
//!
//! Amounts are read exactly as written ([`GatewayAmount`]), in any currency the gateway holds,
//! cryptocurrencies included; a balance may be below zero.
//!
//! Not behind the connector layer, so these methods name the instance on their errors
//! themselves.

use paymux_core::{GatewayAmount, Result};

use crate::{Paytech, mapping};

/// One of the shop's accounts (`Balance`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance {
    /// `id`: an index, not stable over time; never a key for reconciliation (the spec says).
    pub id: Option<i64>,
    /// `accountType`, as written: `PROCESSING`, `AVAILABLE` or `WITHDRAWAL`.
    pub account_type: Option<String>,
    /// `name` (`Processing Balance(EUR) of shop "my-shop" terminal "..."`).
    pub name: Option<String>,
    /// `amount`/`currency`, exactly.
    pub amount: GatewayAmount,
}

impl Paytech {
    /// The shop's balances in the Financial Module (`GET /api/v1/balances`).
    pub async fn balances(&self) -> Result<Vec<Balance>> {
        let balances = async {
            let answer = self.client.balances().await?;
            answer.into_iter().map(mapping::to_balance).collect::<Result<Vec<_>>>()
        };
        balances.await.map_err(|e| e.or_provider(&self.id))
    }

    /// What the shop can withdraw through the API, per currency
    /// (`GET /api/v1/available-withdrawal-balances`; see "Check Withdrawal Balance" in the shop
    /// settings).
    pub async fn available_withdrawal_balances(&self) -> Result<Vec<GatewayAmount>> {
        let balances = async {
            let answer = self.client.available_withdrawal_balances().await?;
            answer.into_iter().map(mapping::to_available_balance).collect::<Result<Vec<_>>>()
        };
        balances.await.map_err(|e| e.or_provider(&self.id))
    }
}
