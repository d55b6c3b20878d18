//! The holder's wallet: certificates kept in the trust database (table
//! `wallet`) as the payloads they came in — exact text or bytes, never
//! re-encoded — listed with what they say, shown as a QR code for
//! presenting, and checked for travel: "valid for entry to CC on DATE?",
//! with the rules of CC evaluated at that instant, and when the certificate
//! stops being accepted. docs/wallet.md.
//!
//! The wallet holds personal data: [`WalletItem`] and [`WalletEntry`] print
//! none of it in `Debug`, and no error here carries it.

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::Error;
use crate::clock::FixedClock;
use crate::formats::{self, PrefixPolicy};
use crate::limits::Limits;
use crate::model::{Certificate, FormatId, Outcome, RuleOutcome, Status, Verdict};
use crate::time_parse::serde_utc;
use crate::trust::TrustStore;
use crate::trust::store::SqliteStore;
use crate::verify::Verifier;

/// How far past the instant asked about [`travel_check`] looks for the end
/// of acceptance.
pub const TRAVEL_HORIZON: Duration = Duration::days(366);

/// One certificate of the wallet, as stored.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct WalletItem {
    /// Its id in the wallet.
    pub id: i64,
    /// The payload exactly as it was added (UTF-8 text unless `binary`).
    #[serde(skip)]
    pub payload: Vec<u8>,
    /// Whether the payload is binary (a DIVOC ZIP archive), not text.
    pub binary: bool,
    /// The holder's own label for it.
    pub label: Option<String>,
    /// When it was added.
    #[serde(with = "serde_utc")]
    pub added_at: OffsetDateTime,
}

impl fmt::Debug for WalletItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WalletItem")
            .field("id", &self.id)
            .field("payload", &format_args!("<{} bytes>", self.payload.len()))
            .field("binary", &self.binary)
            .finish_non_exhaustive()
    }
}

impl WalletItem {
    /// The payload as text, when it is text.
    pub fn text(&self) -> Option<&str> {
        if self.binary { None } else { std::str::from_utf8(&self.payload).ok() }
    }
}

/// A wallet certificate with what it says (decoded, not verified).
#[derive(Clone, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct WalletEntry {
    /// The stored certificate.
    #[serde(flatten)]
    pub item: WalletItem,
    /// The format it reads as.
    pub format: FormatId,
    /// What it says, when it decodes.
    pub certificate: Option<Certificate>,
}

impl fmt::Debug for WalletEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WalletEntry").field("item", &self.item).field("format", &self.format).finish_non_exhaustive()
    }
}

/// Why a payload cannot go into the wallet.
#[derive(Debug)]
#[non_exhaustive]
pub enum AddError {
    /// It does not decode as a health certificate of a format this
    /// verifier reads; the stable code of why (no content).
    NotACertificate(crate::model::Reason),
    /// The trust database failed.
    Store(Error),
}

impl fmt::Display for AddError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddError::NotACertificate(r) => write!(f, "not a health certificate this verifier reads ({r})"),
            AddError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for AddError {}

/// The payload as the verifier reads it: text as is, a binary payload in
/// its format's text form.
fn payload_text(payload: &[u8], binary: bool) -> Option<String> {
    if binary { formats::binary_as_text(payload) } else { std::str::from_utf8(payload).ok().map(str::to_owned) }
}

/// Decodes a payload (with or without its prefix); its format and
/// certificate, or why it does not decode.
fn decode(payload: &[u8], binary: bool) -> Result<(FormatId, Certificate), crate::model::Reason> {
    let text = payload_text(payload, binary).ok_or(crate::model::Reason::NotAHealthCertificate)?;
    match formats::decode(text.trim(), PrefixPolicy::Optional, &Limits::DEFAULT) {
        Ok(d) => Ok((d.format, d.document.normalize(&d.envelope))),
        Err((_, failure)) => Err(failure.reason),
    }
}

/// Adds `payload` to the wallet of `store`, exactly as given, when it
/// decodes as a health certificate (it need not verify: a holder may keep
/// one whose issuer the verifier does not know yet). `binary`: a binary
/// payload (a DIVOC ZIP), else UTF-8 text. Returns its id.
pub fn add(
    store: &SqliteStore,
    payload: &[u8],
    binary: bool,
    label: Option<&str>,
    now: OffsetDateTime,
) -> Result<i64, AddError> {
    decode(payload, binary).map_err(AddError::NotACertificate)?;
    store.wallet_add(payload, binary, label, now).map_err(AddError::Store)
}

/// A stored certificate with what it says.
pub fn entry(item: WalletItem) -> WalletEntry {
    let (format, certificate) = match decode(&item.payload, item.binary) {
        Ok((format, c)) => (format, Some(c)),
        Err(_) => (FormatId::UNKNOWN, None),
    };
    WalletEntry { item, format, certificate }
}

/// "Valid for entry on DATE?": the verdict at an instant and, when it is
/// valid, the first later instant at which it no longer is.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct TravelCheck {
    /// The instant asked about.
    #[serde(with = "serde_utc")]
    pub at: OffsetDateTime,
    /// The verdict at that instant, with the rules of the country of
    /// arrival evaluated then.
    pub verdict: Verdict,
    /// Whether it is accepted then (the verdict is valid).
    pub accepted: bool,
    /// The rules not met then (failed or open).
    pub failing_rules: Vec<String>,
    /// When accepted: the first instant after `at` (to the second) at which
    /// it no longer is, within [`TRAVEL_HORIZON`]; `None` when it still is
    /// at the horizon.
    #[serde(with = "serde_utc::option")]
    pub stops_at: Option<OffsetDateTime>,
    /// Why it is no longer accepted then: each failing check as
    /// `check:REASON`, each rule not met by its identifier.
    pub stops_because: Vec<String>,
    /// How far the search went (`at` + [`TRAVEL_HORIZON`]).
    #[serde(with = "serde_utc")]
    pub searched_until: OffsetDateTime,
}

fn verdict_at<S: TrustStore>(verifier: &Verifier<S>, item: &WalletItem, t: OffsetDateTime) -> Result<Verdict, Error> {
    if item.binary {
        verifier.verify_bytes(&item.payload, &FixedClock(t))
    } else {
        verifier.verify(&String::from_utf8_lossy(&item.payload), &FixedClock(t))
    }
}

/// What keeps a verdict from being valid: failing checks and rules not met.
fn obstacles(v: &Verdict) -> Vec<String> {
    let mut out: Vec<String> = v
        .checks
        .iter()
        .filter(|c| c.outcome != Outcome::Pass && c.reason != crate::model::Reason::NotApplicable)
        .map(|c| format!("{}:{}", c.check.name(), c.reason.code()))
        .collect();
    out.extend(failing_rules(v));
    out
}

fn failing_rules(v: &Verdict) -> Vec<String> {
    v.rules.iter().filter(|r| r.outcome != RuleOutcome::Passed).map(|r| r.identifier.clone()).collect()
}

/// Whether `item` is accepted at `at` by `verifier` (its options name the
/// country of arrival), and when it stops being accepted.
///
/// The end is searched, not derived: CertLogic rules compare dates in any
/// way they like, so the verdict is computed at the certificate's own
/// boundaries (one second past its expiry and past its signer's end of
/// validity) and at every day from `at` up to [`TRAVEL_HORIZON`]; the first
/// of these instants that is not valid is then narrowed down by bisection
/// against the last valid one, to the second (a rule or window that starts
/// failing between two steps and passes again before the next is missed).
/// At most 368 + 17 verifications.
pub fn travel_check<S: TrustStore>(
    verifier: &Verifier<S>,
    item: &WalletItem,
    at: OffsetDateTime,
) -> Result<TravelCheck, Error> {
    let verdict = verdict_at(verifier, item, at)?;
    let accepted = verdict.status == Status::Valid;
    let searched_until = at + TRAVEL_HORIZON;
    let failing = failing_rules(&verdict);
    if !accepted {
        return Ok(TravelCheck {
            at,
            verdict,
            accepted,
            failing_rules: failing,
            stops_at: None,
            stops_because: Vec::new(),
            searched_until,
        });
    }
    let mut candidates: BTreeSet<OffsetDateTime> =
        (1..=TRAVEL_HORIZON.whole_days()).map(|d| at + Duration::days(d)).collect();
    let second = Duration::SECOND;
    let bounds = [
        verdict.certificate.as_ref().and_then(|c| c.expires_at),
        verdict.trust.signer.as_ref().and_then(|s| s.not_after),
    ];
    candidates.extend(bounds.into_iter().flatten().map(|b| b + second).filter(|t| *t > at && *t <= searched_until));
    let mut last_ok = at;
    let mut stop = None;
    for t in candidates {
        let v = verdict_at(verifier, item, t)?;
        if v.status == Status::Valid {
            last_ok = t;
            continue;
        }
        // Bisect (last_ok, t] to the second.
        let (mut lo, mut hi, mut at_hi) = (last_ok, t, v);
        while hi - lo > second {
            let half = (hi - lo).whole_seconds() / 2;
            let mid = lo + Duration::seconds(half.max(1));
            let v = verdict_at(verifier, item, mid)?;
            if v.status == Status::Valid {
                lo = mid;
            } else {
                (hi, at_hi) = (mid, v);
            }
        }
        stop = Some((hi, obstacles(&at_hi)));
        break;
    }
    let (stops_at, stops_because) = match stop {
        Some((t, why)) => (Some(t), why),
        None => (None, Vec::new()),
    };
    Ok(TravelCheck { at, verdict, accepted, failing_rules: failing, stops_at, stops_because, searched_until })
}

/// A QR code's modules, row by row (`true`: dark), for presenting a
/// wallet certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct QrMatrix {
    /// Modules per side (without the quiet zone, which is 4 modules).
    pub size: u32,
    /// `size * size` modules, row by row.
    pub modules: Vec<bool>,
}

/// The QR code of a payload, at error correction level Q (what the EU DCC
/// specifies), L when Q cannot hold it; `None` when no QR code can.
pub fn qr_matrix(payload: &[u8]) -> Option<QrMatrix> {
    use qrcode::{Color, EcLevel, QrCode};
    let code = QrCode::with_error_correction_level(payload, EcLevel::Q)
        .or_else(|_| QrCode::with_error_correction_level(payload, EcLevel::L))
        .ok()?;
    let size = u32::try_from(code.width()).ok()?;
    let modules = code.to_colors().into_iter().map(|c| c == Color::Dark).collect();
    Some(QrMatrix { size, modules })
}
