//! The verification pipeline: payload → [`Verdict`].
//!
//! Every verdict lists every check, in the order of [`CheckKind::ALL`]; a
//! check that could not run because an earlier one failed is `skipped` with
//! [`Reason::DependencyFailed`]. The pipeline never touches the network (a
//! revocation list is one the store holds) and takes its notion of "now"
//! from the [`Clock`] it is given.

mod revocation;
mod rules;
mod signature;
mod validity;

use time::Duration;

use crate::Error;
use crate::clock::Clock;
use crate::formats::{self, Decoded, Failure, FormatId, PrefixPolicy};
use crate::limits::Limits;
use crate::model::{Check, CheckKind, ClockCheck, ClockState, Reason, SignerInfo, Status, TrustInfo, Verdict};
use crate::trust::{SignerKey, TrustStore};

pub use rules::Arrival;

/// How a [`Verifier`] treats its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Whether payloads must carry their format's context prefix (`HC1:`).
    pub prefix: PrefixPolicy,
    /// Size, depth and work limits.
    pub limits: Limits,
    /// Tolerance for the issuer's clock running ahead of the verifier's: a
    /// certificate issued up to this far in the future is not rejected.
    pub clock_skew: Duration,
    /// Where the certificate is presented: the business rules of that
    /// country are checked. `None`: the rules check does not apply.
    pub arrival: Option<Arrival>,
    /// Whether the schema check keeps the letter of the schema (for issuers
    /// testing their output). By default, deviations that do not change
    /// what the data means pass with the warning
    /// [`Reason::SchemaDeviation`].
    pub strict_schema: bool,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            prefix: PrefixPolicy::Required,
            limits: Limits::DEFAULT,
            clock_skew: Duration::ZERO,
            arrival: None,
            strict_schema: false,
        }
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
            Err((FormatId::UNKNOWN, Failure::new(Reason::PayloadEmpty, "the payload is empty")))
        } else if payload.len() > limits.max_payload_len {
            Err((
                FormatId::UNKNOWN,
                Failure::new(
                    Reason::PayloadTooLarge,
                    format!("{} bytes is more than the {}-byte limit", payload.len(), limits.max_payload_len),
                ),
            ))
        } else {
            formats::decode(payload, self.options.prefix, limits)
        };
        self.verify_decoded(decoded, clock)
    }

    /// Verifies a payload given as bytes (a QR code in byte mode): UTF-8
    /// text as [`verify`](Self::verify) reads it, a binary format's payload
    /// (a DIVOC ZIP archive) in its text form.
    pub fn verify_bytes(&self, payload: &[u8], clock: &dyn Clock) -> Result<Verdict, Error> {
        if let Some(text) = crate::formats::binary_as_text(payload) {
            return self.verify(&text, clock);
        }
        match std::str::from_utf8(payload) {
            Ok(text) => self.verify(text, clock),
            Err(_) => self.verify_decoded(Err((FormatId::UNKNOWN, crate::formats::unknown_binary(payload))), clock),
        }
    }

    /// Runs the checks on an already decoded payload (or reports its
    /// decoding failure).
    pub fn verify_decoded(
        &self,
        decoded: Result<Decoded, (FormatId, Failure)>,
        clock: &dyn Clock,
    ) -> Result<Verdict, Error> {
        let now = clock.now();
        let clock_check = crate::clock::assess(now, clock.source(), self.store.trusted_time()?.as_ref());
        let freshness = self.store.freshness(now);
        let mut trust = TrustInfo {
            source: self.store.source(),
            entries: self.store.len() as u64,
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
                    status: status_with_clock(Verdict::status_of(&checks), &clock_check),
                    format,
                    checks,
                    certificate: None,
                    clock: now,
                    clock_source: clock.source(),
                    clock_check,
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
        let document = decoded.document.as_ref();
        let cert_type = document.certificate_type();

        let sig = signature::check(env, document, &self.store, &self.options.limits, now)?;
        let key_usage = match &sig.signer {
            Some(s) => document.key_usage_check(s),
            None => Check::skipped(
                CheckKind::KeyUsage,
                Reason::DependencyFailed,
                "no trusted signer verified the signature",
            ),
        };
        let revocation = revocation::check(decoded.format, env, document, sig.signer.as_deref(), &self.store, now)?;
        let validity =
            validity::check(env, document.validity_policy(), sig.signer.as_deref(), now, self.options.clock_skew);
        let schema = document.schema_check(self.options.strict_schema);
        let (rules_check, rules) = match (&self.options.arrival, document.rules_input()) {
            (Some(arrival), Some(input)) => {
                let held = self.store.business_rules()?;
                rules::check(arrival, held.as_deref(), env, input, cert_type.as_ref().ok().copied(), now)
            }
            (None, _) => {
                (Check::skipped(CheckKind::Rules, Reason::NotApplicable, "no country of arrival given"), Vec::new())
            }
            (Some(_), None) => (
                Check::skipped(
                    CheckKind::Rules,
                    Reason::NotApplicable,
                    format!("{} certificates have no business rules", decoded.format),
                ),
                Vec::new(),
            ),
        };

        if let Some(s) = &sig.signer {
            trust.signer = Some(signer_info(s));
        }
        let checks = vec![
            Check::pass(CheckKind::Decode, decode_detail),
            sig.signature,
            sig.issuer,
            key_usage,
            revocation,
            validity,
            schema,
            rules_check,
        ];
        Ok(Verdict {
            status: status_with_clock(Verdict::status_of(&checks), &clock_check),
            format: decoded.format,
            certificate: Some(document.normalize(env)),
            checks,
            clock: now,
            clock_source: clock.source(),
            clock_check,
            trust,
            rules,
        })
    }
}

/// The status once the clock check is weighed: a suspect clock makes a
/// verdict that would be valid `unknown` (the instant every time-bound
/// check used cannot be trusted); `invalid` stays invalid.
fn status_with_clock(status: Status, clock: &ClockCheck) -> Status {
    match (status, clock.state) {
        (Status::Valid, ClockState::Suspect) => Status::Unknown,
        (status, _) => status,
    }
}

/// The signer as the verdict records it.
fn signer_info(s: &SignerKey) -> SignerInfo {
    SignerInfo { kid: s.kid_text(), country: s.country.clone(), not_before: s.not_before, not_after: s.not_after }
}
