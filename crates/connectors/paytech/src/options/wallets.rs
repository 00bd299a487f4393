//! Google Pay and Apple Pay payloads (`googlePay`, `applePay` of `PaymentRequest`), as the spec
//! writes them.
//!
//! They are sent exactly as documented, so these types are their own wire form (serialized
//! straight into the body, as [`PaytechCustomer`](crate::PaytechCustomer) is). Everything in
//! them is a secret or personal data: tokens, cryptograms and card numbers are
//! [`SecretString`]s, and no `Debug` prints a value other than a version, a network or a
//! method word (the rest shows as `[REDACTED]` when set). [`PaytechGooglePay::from_json`] and
//! [`PaytechApplePay::from_json`] read the payload as the wallet handed it over, and never
//! quote it in their errors.

use std::fmt;

use paymux_core::{Error, Result};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize, Serializer};

/// What `Debug` shows of a value that is set: never the value.
fn hidden<T>(value: &Option<T>) -> Option<&'static str> {
    value.as_ref().map(|_| "[REDACTED]")
}

fn expose_opt<S: Serializer>(
    secret: &Option<SecretString>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => s.serialize_str(secret.expose_secret()),
        None => s.serialize_none(),
    }
}

/// Reads a wallet payload; the error says where the JSON is wrong, never what it holds
/// (serde's messages quote the offending value).
fn from_json<T: DeserializeOwned>(what: &str, json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| {
        Error::invalid_request(format!(
            "the {what} payload is not the documented JSON ({:?} error at line {}, column {})",
            e.classify(),
            e.line(),
            e.column()
        ))
    })
}

// ---------------------------------------------------------------------------------------------
// Google Pay
// ---------------------------------------------------------------------------------------------

/// A Google Pay payment (`googlePay`, the spec's `GooglePay`): Google's `PaymentData` object as
/// the Google Pay API returned it to the browser or app, which has this very shape. Sent with
/// `paymentMethod: GOOGLEPAY` unless [`PaytechPaymentOptions::payment_method`] says otherwise.
///
/// [`PaytechPaymentOptions::payment_method`]: crate::PaytechPaymentOptions::payment_method
///
/// ```
/// use paymux::paytech::PaytechGooglePay;
/// let payment_data = r#"{"apiVersion":2,"apiVersionMinor":0,"paymentMethodData":{
///     "type":"CARD","description":"Visa 1111",
///     "info":{"cardNetwork":"VISA","cardDetails":"1111"},
///     "tokenizationData":{"type":"PAYMENT_GATEWAY","token":"{\"signature\":\"MEQ...\"}"}}}"#;
/// let google_pay = PaytechGooglePay::from_json(payment_data).unwrap();
/// assert!(!format!("{google_pay:?}").contains("MEQ"), "the token is never shown");
/// ```
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaytechGooglePay {
    /// `apiVersion` (2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version: Option<u32>,
    /// `apiVersionMinor` (0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version_minor: Option<u32>,
    /// `paymentMethodData`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method_data: Option<PaytechGooglePayMethodData>,
}

impl PaytechGooglePay {
    /// Reads Google's `PaymentData` JSON (fields the spec does not name, such as `email`, are
    /// left out). The error never quotes the payload.
    pub fn from_json(json: &str) -> Result<Self> {
        from_json("Google Pay", json)
    }
}

impl fmt::Debug for PaytechGooglePay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaytechGooglePay")
            .field("api_version", &self.api_version)
            .field("api_version_minor", &self.api_version_minor)
            .field("payment_method_data", &self.payment_method_data)
            .finish()
    }
}

/// `paymentMethodData` of a Google Pay payment.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaytechGooglePayMethodData {
    /// `description`, shown to the customer (`Visa •••• 1111`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `type`: the payment method (`CARD`).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub method_type: Option<String>,
    /// `info`: the card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub info: Option<PaytechGooglePayCardInfo>,
    /// `tokenizationData`: the payment token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokenization_data: Option<PaytechGooglePayTokenization>,
}

impl fmt::Debug for PaytechGooglePayMethodData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaytechGooglePayMethodData")
            .field("description", &hidden(&self.description))
            .field("method_type", &self.method_type)
            .field("info", &self.info)
            .field("tokenization_data", &self.tokenization_data)
            .finish()
    }
}

/// `info` of Google Pay's `paymentMethodData`.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaytechGooglePayCardInfo {
    /// `cardDetails`: the card's last four digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_details: Option<String>,
    /// `cardNetwork` (`VISA`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_network: Option<String>,
    /// `billingAddress`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<PaytechGooglePayAddress>,
}

impl fmt::Debug for PaytechGooglePayCardInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaytechGooglePayCardInfo")
            .field("card_details", &hidden(&self.card_details))
            .field("card_network", &self.card_network)
            .field("billing_address", &self.billing_address)
            .finish()
    }
}

/// `billingAddress` of a Google Pay card.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaytechGooglePayAddress {
    /// `address1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address1: Option<String>,
    /// `address2`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address2: Option<String>,
    /// `address3`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address3: Option<String>,
    /// `administrativeArea`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub administrative_area: Option<String>,
    /// `countryCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// `locality`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// `name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `postalCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// `sortingCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sorting_code: Option<String>,
}

impl fmt::Debug for PaytechGooglePayAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The country identifies no one; every other line may.
        f.debug_struct("PaytechGooglePayAddress")
            .field("country_code", &self.country_code)
            .field("address1", &hidden(&self.address1))
            .field("name", &hidden(&self.name))
            .field("postal_code", &hidden(&self.postal_code))
            .finish_non_exhaustive()
    }
}

/// `tokenizationData` of Google Pay's `paymentMethodData`: the encrypted token, or the token
/// the merchant decrypted itself.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaytechGooglePayTokenization {
    /// `type` (`PAYMENT_GATEWAY`, `DIRECT`).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// `token`: the encrypted payment token, as Google wrote it (a JSON text).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_opt")]
    pub token: Option<SecretString>,
    /// `decryptedToken`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decrypted_token: Option<PaytechGooglePayDecryptedToken>,
}

impl fmt::Debug for PaytechGooglePayTokenization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaytechGooglePayTokenization")
            .field("token_type", &self.token_type)
            .field("token", &hidden(&self.token))
            .field("decrypted_token", &self.decrypted_token)
            .finish()
    }
}

/// `decryptedToken` (`GooglePayDecryptedToken`): a token the merchant decrypted itself.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaytechGooglePayDecryptedToken {
    /// `gatewayMerchantId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway_merchant_id: Option<String>,
    /// `messageExpiration`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_expiration: Option<String>,
    /// `messageId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// `paymentMethod` (`CARD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    /// `paymentMethodDetails`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method_details: Option<PaytechGooglePayCardDetails>,
}

impl fmt::Debug for PaytechGooglePayDecryptedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaytechGooglePayDecryptedToken")
            .field("gateway_merchant_id", &self.gateway_merchant_id)
            .field("message_id", &hidden(&self.message_id))
            .field("payment_method", &self.payment_method)
            .field("payment_method_details", &self.payment_method_details)
            .finish_non_exhaustive()
    }
}

/// `paymentMethodDetails` of a decrypted Google Pay token: the card and its cryptogram.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaytechGooglePayCardDetails {
    /// `pan`: the card (or device) number.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_opt")]
    pub pan: Option<SecretString>,
    /// `expirationMonth` (1 to 12).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_month: Option<u8>,
    /// `expirationYear` (`2030`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_year: Option<u16>,
    /// `authMethod`: `PAN_ONLY` or `CRYPTOGRAM_3DS`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_method: Option<String>,
    /// `cryptogram`.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_opt")]
    pub cryptogram: Option<SecretString>,
    /// `eciIndicator`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eci_indicator: Option<String>,
    /// `acsTransactionId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acs_transaction_id: Option<String>,
    /// `assuranceDetails`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assurance_details: Option<PaytechGooglePayAssurance>,
}

impl fmt::Debug for PaytechGooglePayCardDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaytechGooglePayCardDetails")
            .field("pan", &hidden(&self.pan))
            .field("expiration_month", &hidden(&self.expiration_month))
            .field("expiration_year", &hidden(&self.expiration_year))
            .field("auth_method", &self.auth_method)
            .field("cryptogram", &hidden(&self.cryptogram))
            .field("eci_indicator", &self.eci_indicator)
            .field("assurance_details", &self.assurance_details)
            .finish_non_exhaustive()
    }
}

/// `assuranceDetails` of a decrypted Google Pay card.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaytechGooglePayAssurance {
    /// `accountVerified`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_verified: Option<bool>,
    /// `cardHolderAuthenticated`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_holder_authenticated: Option<bool>,
}

// ---------------------------------------------------------------------------------------------
// Apple Pay
// ---------------------------------------------------------------------------------------------

/// An Apple Pay payment (`applePay`, the spec's `ApplePay`): the fields of Apple's
/// `ApplePayPayment.token` (`paymentData`, `paymentMethod`, `transactionIdentifier`) next to
/// its `billingContact` and `shippingContact`. Sent with `paymentMethod: APPLEPAY` unless
/// [`PaytechPaymentOptions::payment_method`] says otherwise.
///
/// [`PaytechPaymentOptions::payment_method`]: crate::PaytechPaymentOptions::payment_method
///
/// ```
/// use paymux::paytech::PaytechApplePay;
/// let apple_pay = PaytechApplePay::from_json(r#"{
///     "transactionIdentifier": "5394...",
///     "paymentData": {"version": "EC_v1", "data": "bqXf...", "signature": "MIAG...",
///                     "header": {"ephemeralPublicKey": "MFkw...", "publicKeyHash": "LbsU...",
///                                "transactionId": "5394..."}},
///     "paymentMethod": {"displayName": "Visa 0224", "network": "Visa", "type": "debit"}
/// }"#).unwrap();
/// assert!(!format!("{apple_pay:?}").contains("bqXf"), "the payment data is never shown");
/// ```
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaytechApplePay {
    /// `transactionIdentifier`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_identifier: Option<String>,
    /// `paymentData`: the encrypted token, or the data the merchant decrypted itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_data: Option<PaytechApplePayPaymentData>,
    /// `paymentMethod`: the card as Apple describes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<PaytechApplePayMethod>,
    /// `billingContact`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_contact: Option<PaytechApplePayBillingContact>,
    /// `shippingContact`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_contact: Option<PaytechApplePayShippingContact>,
}

impl PaytechApplePay {
    /// Reads the spec's `ApplePay` JSON (Apple's `token` fields with the contacts beside
    /// them). The error never quotes the payload.
    pub fn from_json(json: &str) -> Result<Self> {
        from_json("Apple Pay", json)
    }
}

impl fmt::Debug for PaytechApplePay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaytechApplePay")
            .field("transaction_identifier", &hidden(&self.transaction_identifier))
            .field("payment_data", &self.payment_data)
            .field("payment_method", &self.payment_method)
            .field("billing_contact", &self.billing_contact)
            .field("shipping_contact", &self.shipping_contact)
            .finish()
    }
}

/// `paymentData` of an Apple Pay token.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaytechApplePayPaymentData {
    /// `version` (`EC_v1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `data`: the encrypted payment data.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_opt")]
    pub data: Option<SecretString>,
    /// `decryptedData`: the payment data the merchant decrypted itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decrypted_data: Option<PaytechApplePayDecryptedData>,
    /// `signature`.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_opt")]
    pub signature: Option<SecretString>,
    /// `header`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<PaytechApplePayHeader>,
}

impl fmt::Debug for PaytechApplePayPaymentData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaytechApplePayPaymentData")
            .field("version", &self.version)
            .field("data", &hidden(&self.data))
            .field("decrypted_data", &self.decrypted_data)
            .field("signature", &hidden(&self.signature))
            .field("header", &self.header)
            .finish()
    }
}

/// `decryptedData` of Apple Pay's `paymentData`.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaytechApplePayDecryptedData {
    /// `applicationPrimaryAccountNumber`: the device account number.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_opt")]
    pub application_primary_account_number: Option<SecretString>,
    /// `applicationExpirationDate` (`YYMMDD`).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_opt")]
    pub application_expiration_date: Option<SecretString>,
    /// `currencyCode` (ISO 4217 numeric, `978`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<String>,
    /// `cardholderName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cardholder_name: Option<String>,
    /// `transactionAmount`, an integer as Apple writes it (minor units).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_amount: Option<i64>,
    /// `deviceManufacturerIdentifier`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_manufacturer_identifier: Option<String>,
    /// `paymentDataType` (`3DSecure`, `EMV`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_data_type: Option<String>,
    /// `paymentData`: the cryptogram.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_data: Option<PaytechApplePayCryptogram>,
}

impl fmt::Debug for PaytechApplePayDecryptedData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaytechApplePayDecryptedData")
            .field(
                "application_primary_account_number",
                &hidden(&self.application_primary_account_number),
            )
            .field("application_expiration_date", &hidden(&self.application_expiration_date))
            .field("currency_code", &self.currency_code)
            .field("cardholder_name", &hidden(&self.cardholder_name))
            .field("transaction_amount", &self.transaction_amount)
            .field("payment_data_type", &self.payment_data_type)
            .field("payment_data", &self.payment_data)
            .finish_non_exhaustive()
    }
}

/// `paymentData` of Apple Pay's decrypted data: the cryptogram and what goes with it.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaytechApplePayCryptogram {
    /// `onlinePaymentCryptogram`.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_opt")]
    pub online_payment_cryptogram: Option<SecretString>,
    /// `eciIndicator`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eci_indicator: Option<String>,
    /// `emvData`.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_opt")]
    pub emv_data: Option<SecretString>,
    /// `encryptedPINData`.
    #[serde(
        rename = "encryptedPINData",
        skip_serializing_if = "Option::is_none",
        serialize_with = "expose_opt"
    )]
    pub encrypted_pin_data: Option<SecretString>,
}

impl fmt::Debug for PaytechApplePayCryptogram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaytechApplePayCryptogram")
            .field("online_payment_cryptogram", &hidden(&self.online_payment_cryptogram))
            .field("eci_indicator", &self.eci_indicator)
            .field("emv_data", &hidden(&self.emv_data))
            .field("encrypted_pin_data", &hidden(&self.encrypted_pin_data))
            .finish()
    }
}

/// `header` of Apple Pay's `paymentData`.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaytechApplePayHeader {
    /// `applicationData`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_data: Option<String>,
    /// `ephemeralPublicKey`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ephemeral_public_key: Option<String>,
    /// `publicKeyHash`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key_hash: Option<String>,
    /// `transactionId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
}

impl fmt::Debug for PaytechApplePayHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Part of the token: what it holds is the wallet's business, not a log's.
        f.debug_struct("PaytechApplePayHeader")
            .field("application_data", &hidden(&self.application_data))
            .field("ephemeral_public_key", &hidden(&self.ephemeral_public_key))
            .field("public_key_hash", &hidden(&self.public_key_hash))
            .field("transaction_id", &hidden(&self.transaction_id))
            .finish()
    }
}

/// `paymentMethod` of an Apple Pay token.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaytechApplePayMethod {
    /// `displayName` (`Visa 0224`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `network` (`Visa`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// `type` (`debit`, `credit`).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub method_type: Option<String>,
}

impl fmt::Debug for PaytechApplePayMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaytechApplePayMethod")
            .field("display_name", &hidden(&self.display_name))
            .field("network", &self.network)
            .field("method_type", &self.method_type)
            .finish()
    }
}

/// `billingContact` of an Apple Pay payment.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaytechApplePayBillingContact {
    /// `countryCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// `administrativeArea`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub administrative_area: Option<String>,
    /// `subAdministrativeArea`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_administrative_area: Option<String>,
    /// `locality`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// `subLocality`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_locality: Option<String>,
    /// `addressLines`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub address_lines: Vec<String>,
    /// `postalCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// `givenName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// `familyName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
}

impl fmt::Debug for PaytechApplePayBillingContact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines = (!self.address_lines.is_empty()).then_some("[REDACTED]");
        f.debug_struct("PaytechApplePayBillingContact")
            .field("country_code", &self.country_code)
            .field("address_lines", &lines)
            .field("postal_code", &hidden(&self.postal_code))
            .field("given_name", &hidden(&self.given_name))
            .field("family_name", &hidden(&self.family_name))
            .finish_non_exhaustive()
    }
}

/// `shippingContact` of an Apple Pay payment.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaytechApplePayShippingContact {
    /// `phoneNumber`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// `emailAddress`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
}

impl fmt::Debug for PaytechApplePayShippingContact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaytechApplePayShippingContact")
            .field("phone_number", &hidden(&self.phone_number))
            .field("email_address", &hidden(&self.email_address))
            .finish()
    }
}
