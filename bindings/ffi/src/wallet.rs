//! The holder's wallet on the [`Verifier`]'s trust database: add, list,
//! remove, the travel check, and a certificate's QR code for presenting.
//! Every decision (what may be added, the verdicts) is the core's
//! (`healthcert_core::wallet`); nothing here logs a payload.

use std::sync::Arc;
use std::time::SystemTime;

use healthcert_core::wallet::{self, AddError, QrMatrix, TravelCheck, WalletEntry};
use healthcert_core::{Arrival, VerifyOptions};
use time::OffsetDateTime;

use crate::error::HealthcertError;
use crate::verifier::Verifier;

#[uniffi::export]
impl Verifier {
    /// Keeps a certificate in the wallet exactly as scanned (`payload`: the
    /// QR code's bytes), with an optional label of the holder's; its id. A
    /// payload that is not a health certificate this verifier reads is an
    /// [`HealthcertError::InvalidArgument`] naming why by its stable code.
    pub fn wallet_add(&self, payload: Vec<u8>, label: Option<String>) -> Result<i64, HealthcertError> {
        let binary =
            healthcert_core::formats::binary_as_text(&payload).is_some() || std::str::from_utf8(&payload).is_err();
        match wallet::add(self.store(), &payload, binary, label.as_deref(), OffsetDateTime::now_utc()) {
            Ok(id) => Ok(id),
            Err(AddError::NotACertificate(r)) => Err(HealthcertError::InvalidArgument {
                reason: format!("not a health certificate this verifier reads ({r})"),
            }),
            Err(AddError::Store(e)) => Err(e.into()),
            Err(e) => Err(HealthcertError::InvalidArgument { reason: e.to_string() }),
        }
    }

    /// Every certificate of the wallet with what it says, oldest first.
    pub fn wallet_list(&self) -> Result<Vec<WalletEntry>, HealthcertError> {
        Ok(self.store().wallet_list()?.into_iter().map(wallet::entry).collect())
    }

    /// Removes a certificate; whether it was there. Its bytes are gone from
    /// the database file afterwards.
    pub fn wallet_remove(&self, id: i64) -> Result<bool, HealthcertError> {
        Ok(self.store().wallet_remove(id)?)
    }

    /// Valid for entry to `country_of_arrival` (and `region`) at `at`?
    /// The verdict then, with that country's rules held in the database,
    /// and the first later instant at which it is no longer accepted.
    pub fn wallet_check(
        &self,
        id: i64,
        country_of_arrival: String,
        region: Option<String>,
        at: SystemTime,
    ) -> Result<TravelCheck, HealthcertError> {
        let item = self.store().wallet_get(id)?.ok_or_else(|| HealthcertError::InvalidArgument {
            reason: format!("the wallet holds no certificate {id}"),
        })?;
        let arrival = Arrival::parse(Some(&country_of_arrival), region.as_deref(), None)?;
        let verifier = healthcert_core::Verifier::with_options(
            Arc::clone(self.store_arc()),
            VerifyOptions { arrival, ..VerifyOptions::default() },
        );
        Ok(wallet::travel_check(&verifier, &item, OffsetDateTime::from(at))?)
    }
}

/// The QR code of a payload (a wallet certificate's), for presenting it
/// full-screen: modules row by row; `None` when it cannot be one.
#[uniffi::export]
pub fn qr_matrix(payload: Vec<u8>) -> Option<QrMatrix> {
    wallet::qr_matrix(&payload)
}
