//! The verification pipeline: payload → [`Verdict`].
//!
//! Every verdict lists every check, in the order of [`CheckKind::ALL`]; a
//! check that could not run because an earlier one failed is `skipped` with
//! [`Reason::DependencyFailed`]. The pipeline never touches the network and
//! takes its notion of "now" from the [`Clock`] it is given.

mod rules;
mod signature;
mod validity;

use std::sync::Arc;

use time::Duration;

use crate::Error;
use crate::clock::Clock;
use crate::formats::{self, Decoded, Failure, FormatId, PrefixPolicy, b64};
use crate::limits::Limits;
use crate::model::{Check, CheckKind, Reason, SignerInfo, TrustInfo, Verdict};
use crate::trust::{SignerKey, TrustStore};

pub use rules::Arrival;

/// How a [`Verifier`] treats its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Whether payloads must carry their context prefix (`HC1:`).
    pub prefix: PrefixPolicy,
    /// Size, depth and work limits.
    pub limits: Limits,
    /// Tolerance for the issuer's clock running ahead of the verifier's: a
    /// certificate issued up to this far in the future is not rejected.
    pub clock_skew: Duration,
    /// Where the certificate is presented: the business rules of that
    /// country are checked. `None`: the rules check does not apply.
    pub arrival: Option<Arrival>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self { prefix: PrefixPolicy::Required, limits: Limits::DEFAULT, clock_skew: Duration::ZERO, arrival: None }
    }
}

/// Verifies payloads against a trust store.
pub struct Verifier<S> {
    store: S,
    options: VerifyOptions,
}

impl<S: TrustStore> Verifier<S> {
    /// A verifier with default options.
    pub fn new(store: S) -> Self {
        Self::with_options(store, VerifyOptions::default())
    }

    /// A verifier with the given options.
    pub fn with_options(store: S, options: VerifyOptions) -> Self {
        Self { store, options }
    }

    /// The options in force.
    pub fn options(&self) -> &VerifyOptions {
        &self.options
    }

    /// The trust store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Verifies a payload given as text (the content of a QR code).
    ///
    /// Returns `Err` only for operational faults (the trust store failed);
    /// every problem with the payload itself is reported in the verdict.
    pub fn verify(&self, payload: &str, clock: &dyn Clock) -> Result<Verdict, Error> {
        let payload = payload.trim_matches(|c: char| c.is_ascii_whitespace());
        let limits = &self.options.limits;
        let decoded = if payload.is_empty() {
            Err((FormatId::Unknown, Failure::new(Reason::PayloadEmpty, "the payload is empty")))
        } else if payload.len() > limits.max_payload_len {
            Err((
                FormatId::Unknown,
                Failure::new(
                    Reason::PayloadTooLarge,
                    format!("{} bytes is more than the {}-byte limit", payload.len(), limits.max_payload_len),
                ),
            ))
        } else {
            match formats::detect(payload, self.options.prefix) {
                FormatId::Hcert => {
                    formats::hcert::decode(payload, self.options.prefix, limits).map_err(|f| (FormatId::Hcert, f))
                }
                _ => Err((FormatId::Unknown, unknown_format(payload))),
            }
        };
        self.verify_decoded(decoded, clock)
    }

    /// Verifies a payload given as bytes (a QR code in byte mode).
    pub fn verify_bytes(&self, payload: &[u8], clock: &dyn Clock) -> Result<Verdict, Error> {
        match std::str::from_utf8(payload) {
            Ok(text) => self.verify(text, clock),
            Err(_) => self.verify_decoded(
                Err((FormatId::Unknown, Failure::new(Reason::FormatUnknown, "the payload is binary, not text"))),
                clock,
            ),
        }
    }

    /// Verifies an HC1 COSE_Sign1 message directly (skipping the transport
    /// layers), for callers that hold the raw COSE bytes.
    pub fn verify_hcert_cose(&self, cose: &[u8], clock: &dyn Clock) -> Result<Verdict, Error> {
        let decoded = formats::hcert::decode_cose(cose, &self.options.limits).map_err(|f| (FormatId::Hcert, f));
        self.verify_decoded(decoded, clock)
    }

    /// Runs the checks on an already decoded payload (or reports its
    /// decoding failure).
    pub fn verify_decoded(
        &self,
        decoded: Result<Decoded, (FormatId, Failure)>,
        clock: &dyn Clock,
    ) -> Result<Verdict, Error> {
        let now = clock.now();
        let freshness = self.store.freshness(now);
        let mut trust = TrustInfo {
            source: self.store.source(),
            entries: self.store.len(),
            signer: None,
            updated_at: freshness.map(|f| f.updated_at),
            age_seconds: freshness.map(|f| f.age_seconds),
            stale: freshness.is_some_and(|f| f.stale),
        };
        let decoded = match decoded {
            Ok(d) => d,
            Err((format, failure)) => {
                let mut checks = vec![Check::fail(CheckKind::Decode, failure.reason, failure.detail)];
                for kind in &CheckKind::ALL[1..] {
                    checks.push(Check::skipped(*kind, Reason::DependencyFailed, "the payload did not decode"));
                }
                return Ok(Verdict {
                    status: Verdict::status_of(&checks),
                    format,
                    checks,
                    certificate: None,
                    clock: now,
                    clock_source: clock.source(),
                    trust,
                    rules: Vec::new(),
                });
            }
        };

        let mut decode_detail = format!("{} payload decoded", decoded.format.name());
        if !decoded.notes.is_empty() {
            decode_detail.push_str(&format!(" ({})", decoded.notes.join("; ")));
        }
        let env = &decoded.envelope;
        let cert_type = decoded.document.certificate_type();

        let sig = signature::check(env, &self.store, &self.options.limits, now, cert_type.as_ref().ok().copied())?;
        let signer: Option<Arc<SignerKey>> = sig.signer.clone();
        let issuer = match &signer {
            Some(s) => issuer_check(s, now),
            None => sig.issuer.clone(),
        };
        let key_usage = match (&signer, &cert_type) {
            (None, _) => Check::skipped(
                CheckKind::KeyUsage,
                Reason::DependencyFailed,
                "no trusted signer verified the signature",
            ),
            (Some(_), Err(f)) => Check::fail(CheckKind::KeyUsage, f.reason, f.detail.clone()),
            (Some(s), Ok(t)) => key_usage_check(s, *t),
        };
        let validity = validity::check(env, signer.as_deref(), now, self.options.clock_skew);
        let schema = decoded.document.schema_check();
        let held = match &self.options.arrival {
            Some(_) => self.store.business_rules()?,
            None => None,
        };
        let (rules_check, rules) = rules::check(
            self.options.arrival.as_ref(),
            held.as_deref(),
            &decoded,
            cert_type.as_ref().ok().copied(),
            now,
        );

        if let Some(s) = &signer {
            trust.signer = Some(SignerInfo {
                kid: b64(&s.kid),
                country: s.country.clone(),
                not_before: s.not_before,
                not_after: s.not_after,
            });
        }
        let checks = vec![
            Check::pass(CheckKind::Decode, decode_detail),
            sig.check,
            issuer,
            key_usage,
            validity,
            schema,
            rules_check,
        ];
        Ok(Verdict {
            status: Verdict::status_of(&checks),
            format: decoded.format,
            certificate: Some(decoded.document.normalize(env)),
            checks,
            clock: now,
            clock_source: clock.source(),
            trust,
            rules,
        })
    }
}

/// Context identifiers of other health certificate formats, named in the
/// detail when a payload carries one. Any other identifier is the payload's
/// own text and is not repeated.
const OTHER_SCHEMES: [&str; 4] = ["shc", "NZCP", "http", "https"];

fn unknown_format(payload: &str) -> Failure {
    // Name a known scheme, so people see "shc: is not supported" rather
    // than a generic refusal; never echo the content.
    let scheme: String = payload.chars().take_while(|c| c.is_ascii_alphanumeric()).take(8).collect();
    let detail = match payload[scheme.len()..].chars().next() {
        Some(':') if !scheme.is_empty() => match OTHER_SCHEMES.iter().find(|s| s.eq_ignore_ascii_case(&scheme)) {
            Some(known) => format!("payloads with the context identifier {known}: are not supported"),
            None => format!(
                "payloads with a context identifier of {} characters other than HC1: are not supported",
                scheme.len()
            ),
        },
        _ => "the payload is not in a supported format (an EU DCC starts with HC1:)".to_owned(),
    };
    let reason =
        if scheme.len() == 3 && scheme.starts_with("HC") { Reason::PrefixUnsupported } else { Reason::FormatUnknown };
    Failure::new(reason, detail)
}

/// The signer's certificate must be valid at the verification time.
///
/// hcert spec §5 and the DGCA trust framework: a DSC is trusted only within
/// its validity period.
fn issuer_check(s: &SignerKey, now: time::OffsetDateTime) -> Check {
    use crate::time_parse::format_utc;
    // The country comes from the trust list; named only when it is a
    // country code, so that a detail carries no free text.
    let country =
        s.country.as_deref().filter(|c| (2..=3).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_uppercase()));
    let who = format!("signer {} ({})", b64(&s.kid), country.unwrap_or("country unknown"));
    if let Some(nb) = s.not_before.filter(|nb| now < *nb) {
        return Check::fail(
            CheckKind::Issuer,
            Reason::SignerNotYetValid,
            format!("{who} is valid only from {}", format_utc(nb)),
        );
    }
    if let Some(na) = s.not_after.filter(|na| now > *na) {
        return Check::fail(CheckKind::Issuer, Reason::SignerExpired, format!("{who} expired at {}", format_utc(na)));
    }
    Check::pass(CheckKind::Issuer, format!("{who} is trusted and valid at the verification time"))
}

/// hcert spec Annex A.4: a signer whose extended key usage names DCC types
/// may only sign those types.
fn key_usage_check(s: &SignerKey, kind: crate::model::CertificateType) -> Check {
    match s.key_usage.dcc_types() {
        None => Check::pass(
            CheckKind::KeyUsage,
            format!("the signer may sign every type (no DCC key usage); this is a {} certificate", kind.name()),
        ),
        Some(types) if types.contains(&kind) => {
            Check::pass(CheckKind::KeyUsage, format!("the signer may sign {} certificates", kind.name()))
        }
        Some(types) if types.is_empty() => Check::fail(
            CheckKind::KeyUsage,
            Reason::KeyUsageMismatch,
            format!("a {} certificate, but the signer's extended key usage names no DCC type", kind.name()),
        ),
        Some(types) => {
            let allowed: Vec<&str> = types.iter().map(|t| t.name()).collect();
            Check::fail(
                CheckKind::KeyUsage,
                Reason::KeyUsageMismatch,
                format!("a {} certificate, but the signer may only sign: {}", kind.name(), allowed.join(", ")),
            )
        }
    }
}
