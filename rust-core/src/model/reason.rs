//! Stable reason codes. The string of each code ([`Reason::code`]) is part of
//! the public contract (CLI `--json`, the bindings): it never changes meaning
//! and is never reused. New codes may be added.

use std::fmt;

macro_rules! reasons {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $class:ident; )*) => {
        /// Why a check ended the way it did.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Enum))]
        #[non_exhaustive]
        pub enum Reason {
            $( $(#[$doc])* $variant, )*
        }

        impl Reason {
            /// Every reason, in declaration order.
            pub const ALL: &'static [Reason] = &[$(Reason::$variant),*];

            /// The stable code, `SCREAMING_SNAKE_CASE`.
            pub fn code(self) -> &'static str {
                match self { $( Reason::$variant => $code, )* }
            }

            /// Reads a code back; `None` for codes this version does not know.
            pub fn from_code(code: &str) -> Option<Reason> {
                match code { $( $code => Some(Reason::$variant), )* _ => None }
            }

            /// How a failure with this reason weighs on the overall status.
            pub fn class(self) -> ReasonClass {
                match self { $( Reason::$variant => ReasonClass::$class, )* }
            }
        }
    };
}

/// How a failing reason affects the overall status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Enum))]
pub enum ReasonClass {
    /// Not a failure (used with a passing or skipped check).
    Neutral,
    /// The certificate is definitely not acceptable.
    Invalid,
    /// The verifier cannot tell (e.g. it does not know the issuer).
    Inconclusive,
}

reasons! {
    /// The check passed.
    Ok = "OK", Neutral;
    /// The check was not run because a check it depends on failed.
    DependencyFailed = "DEPENDENCY_FAILED", Neutral;
    /// The check does not apply to this certificate.
    NotApplicable = "NOT_APPLICABLE", Neutral;

    // decode
    /// The payload is empty.
    PayloadEmpty = "PAYLOAD_EMPTY", Invalid;
    /// The payload is larger than the configured limit.
    PayloadTooLarge = "PAYLOAD_TOO_LARGE", Invalid;
    /// The payload carries a context identifier (`XYZ:`) of no format this
    /// verifier knows: it may be a certificate of a format it has never
    /// heard of, so the verifier cannot tell.
    FormatUnknown = "FORMAT_UNKNOWN", Inconclusive;
    /// A health certificate of a format this verifier recognises but does
    /// not read (a NZ COVID Pass `NZCP:/`, a SMART Health Link `shlink:/`,
    /// an ISO 18013-5 `mdoc:` engagement, a DIVOC certificate in a build
    /// without JSON-LD): the verifier cannot tell.
    FormatUnsupported = "FORMAT_UNSUPPORTED", Inconclusive;
    /// The payload is no health certificate at all: plain text, a web
    /// address, binary data.
    NotAHealthCertificate = "NOT_A_HEALTH_CERTIFICATE", Inconclusive;
    /// The `HC1:` context identifier is missing.
    PrefixMissing = "PREFIX_MISSING", Invalid;
    /// A context identifier of the HC1 family other than `HC1:` (`HC2:`, a
    /// version this verifier does not read): the verifier cannot tell.
    PrefixUnsupported = "PREFIX_UNSUPPORTED", Inconclusive;
    /// The text is not valid base45.
    Base45Invalid = "BASE45_INVALID", Invalid;
    /// The data is not compressed with zlib, as HC1 requires.
    NotCompressed = "NOT_COMPRESSED", Invalid;
    /// The zlib stream is corrupt or truncated.
    ZlibInvalid = "ZLIB_INVALID", Invalid;
    /// The inflated data exceeds the size limit (a compression bomb).
    InflatedTooLarge = "INFLATED_TOO_LARGE", Invalid;
    /// CBOR nesting exceeds the depth limit.
    CborTooDeep = "CBOR_TOO_DEEP", Invalid;
    /// The data is not a well-formed COSE_Sign1 structure.
    CoseMalformed = "COSE_MALFORMED", Invalid;
    /// The CWT claims set is malformed (wrong types, duplicate claims).
    CwtMalformed = "CWT_MALFORMED", Invalid;
    /// The CWT has no health-certificate claim (-260 / 1).
    HcertMissing = "HCERT_MISSING", Invalid;
    /// The health-certificate claim cannot be read as a JSON document.
    HcertMalformed = "HCERT_MALFORMED", Invalid;
    /// A `shc:/` payload's numeric part is malformed: an odd number of
    /// digits, a character that is not a digit, or a digit pair above 77.
    ShcNumericInvalid = "SHC_NUMERIC_INVALID", Invalid;
    /// One chunk (`shc:/i/n/…`) of a SMART Health Card split over several
    /// QR codes: the chunks must be put together before it can be read,
    /// so nothing can be said of the card yet.
    ShcChunkIncomplete = "SHC_CHUNK_INCOMPLETE", Inconclusive;
    /// Not a compact JWS: not three base64url parts, or a header that is
    /// not a JSON object with text members.
    JwsMalformed = "JWS_MALFORMED", Invalid;
    /// The JWS header does not say its payload is compressed (`zip`), as
    /// SMART Health Cards require.
    JwsZipMissing = "JWS_ZIP_MISSING", Invalid;
    /// The JWS header names a compression other than `DEF`.
    JwsZipUnsupported = "JWS_ZIP_UNSUPPORTED", Invalid;
    /// The JWS payload is not a valid raw DEFLATE stream (RFC 1951).
    DeflateInvalid = "DEFLATE_INVALID", Invalid;
    /// The JWT claims are not a JSON object with a text `iss` and a `vc`
    /// object, or nest deeper than the limit.
    JwtMalformed = "JWT_MALFORMED", Invalid;
    /// The JWS signature is ASN.1 DER-encoded; JWS requires the fixed
    /// 64-byte `r‖s` form for ES256.
    JwsSignatureDer = "JWS_SIGNATURE_DER", Invalid;
    /// Not an ICAO VDS-NC seal: not JSON `{data: {hdr, msg}, sig: {alg,
    /// cer, sigvl}}` with members of the right types (base64url `cer` and
    /// `sigvl`), duplicate member names, a lone surrogate, or nesting
    /// deeper than the limit.
    VdsMalformed = "VDS_MALFORMED", Invalid;
    /// A DIVOC payload (`B64:` + base64, or a ZIP archive) that does not
    /// hold a readable ZIP archive with `certificate.json` within the caps
    /// (at most 8 entries).
    DivocArchiveInvalid = "DIVOC_ARCHIVE_INVALID", Invalid;
    /// Not a W3C Verifiable Credential with a Linked Data proof (`type`,
    /// a detached `jws`): not JSON within the limits, no proof, a `jws`
    /// that is not a detached JWS with an unencoded payload, or JSON-LD
    /// that cannot be canonicalized.
    CredentialMalformed = "CREDENTIAL_MALFORMED", Invalid;
    /// The credential names a JSON-LD context this verifier does not hold
    /// (contexts are bundled, never fetched): what its proof signs cannot
    /// be computed, so the verifier cannot tell.
    JsonLdContextUnknown = "JSONLD_CONTEXT_UNKNOWN", Inconclusive;

    // signature
    /// The protected header names no signature algorithm.
    AlgorithmMissing = "ALGORITHM_MISSING", Invalid;
    /// The signature algorithm is not one this verifier accepts.
    AlgorithmUnsupported = "ALGORITHM_UNSUPPORTED", Invalid;
    /// Neither header carries a key identifier.
    KidMissing = "KID_MISSING", Invalid;
    /// No trusted key is known for the key identifier; signature not checked.
    NoTrustedKey = "NO_TRUSTED_KEY", Inconclusive;
    /// The signer's key does not fit the declared algorithm.
    KeyAlgorithmMismatch = "KEY_ALGORITHM_MISMATCH", Invalid;
    /// The signature bytes are malformed for the algorithm (wrong length).
    SignatureMalformed = "SIGNATURE_MALFORMED", Invalid;
    /// The signature does not verify with any trusted key for the kid.
    SignatureInvalid = "SIGNATURE_INVALID", Invalid;
    /// More trusted keys share the kid than the verifier may try.
    TooManyCandidateKeys = "TOO_MANY_CANDIDATE_KEYS", Inconclusive;

    // issuer
    /// The key identifier is not in the trust store.
    IssuerUnknown = "ISSUER_UNKNOWN", Inconclusive;
    /// The signer certificate is not yet valid at the verification time.
    SignerNotYetValid = "SIGNER_NOT_YET_VALID", Invalid;
    /// The signer certificate has expired at the verification time, or the
    /// trust registry lists its key as expired.
    SignerExpired = "SIGNER_EXPIRED", Invalid;
    /// The trust registry lists the signer's key as terminated: withdrawn
    /// by its owner, no longer accepted.
    SignerTerminated = "SIGNER_TERMINATED", Invalid;
    /// The trust registry lists the signer's key as revoked: nothing it
    /// signed is trusted.
    SignerRevoked = "SIGNER_REVOKED", Invalid;
    /// The signer certificate carried in the document (an ICAO barcode
    /// signer certificate) does not chain to any trusted CA: no CA held
    /// for its issuer's country has its authority key identifier, or it
    /// names neither. It is not trusted, whatever its names say.
    SignerNotChained = "SIGNER_NOT_CHAINED", Invalid;
    /// The embedded signer certificate names a trusted CA, but no such CA's
    /// key verifies its signature (or its issuer name differs from the
    /// CA's subject), or it is not a usable X.509 certificate: a forged or
    /// swapped signer.
    SignerChainInvalid = "SIGNER_CHAIN_INVALID", Invalid;
    /// The CA the embedded signer certificate chains to is expired or not
    /// yet valid at the verification time.
    SignerCaNotValid = "SIGNER_CA_NOT_VALID", Invalid;

    // key usage
    /// The signer certificate's extended key usage does not allow this type.
    KeyUsageMismatch = "KEY_USAGE_MISMATCH", Invalid;
    /// The certificate type cannot be determined (no or several of v/t/r).
    CertificateTypeAmbiguous = "CERTIFICATE_TYPE_AMBIGUOUS", Invalid;
    /// The signer certificate lacks the extended key usage its format
    /// requires (an ICAO barcode signer: the critical VDS-NC purpose
    /// `2.23.136.1.1.14.2`).
    SignerEkuMissing = "SIGNER_EKU_MISSING", Invalid;
    /// The certificate is of a type this verifier does not read (a SMART
    /// Health Card that is neither an immunization nor a laboratory card).
    CertificateTypeUnsupported = "CERTIFICATE_TYPE_UNSUPPORTED", Invalid;

    // revocation
    /// The issuer's revocation list for the signer's key names the
    /// certificate (a SMART Health Card's `rid`, bare, or timestamped after
    /// the card's issue time).
    Revoked = "REVOKED", Invalid;
    /// The EU DCC revocation data held is older than the allowed age (72 h
    /// from the last sync of the revocation service): the certificate was
    /// not found revoked in it, but a newer revocation would not be seen.
    /// A warning on a passing check: the status is unaffected.
    RevocationDataStale = "REVOCATION_DATA_STALE", Neutral;
    /// The EU DCC revocation service announces data for the certificate's
    /// cell (live slices of the signer key's partition) that the store does
    /// not hold: the check cannot tell.
    RevocationDataMissing = "REVOCATION_DATA_MISSING", Neutral;

    // validity
    /// The certificate has expired (`exp` is before the verification time).
    Expired = "EXPIRED", Invalid;
    /// The certificate was issued after the verification time (`iat`).
    NotYetValid = "NOT_YET_VALID", Invalid;
    /// The certificate carries no expiry (`exp`).
    ExpiryMissing = "EXPIRY_MISSING", Invalid;
    /// The certificate carries no issue time (`iat`).
    IssuedAtMissing = "ISSUED_AT_MISSING", Invalid;
    /// A time claim is not a finite number within range.
    TimeClaimInvalid = "TIME_CLAIM_INVALID", Invalid;
    /// The certificate expires after its signer certificate does.
    ExpiresAfterSigner = "EXPIRES_AFTER_SIGNER", Invalid;
    /// The certificate was issued before its signer certificate was valid.
    IssuedBeforeSigner = "ISSUED_BEFORE_SIGNER", Invalid;

    // schema
    /// A warning on a passing schema check: the payload deviates from its
    /// schema in ways that do not change what the data means (a date-time
    /// where a date belongs, a null group beside the real one, a field the
    /// schema does not define, a lowercase country code); the detail names
    /// each by its path. `--strict-schema` fails them instead.
    SchemaDeviation = "SCHEMA_DEVIATION", Neutral;
    /// The payload does not follow the schema of its declared version.
    SchemaInvalid = "SCHEMA_INVALID", Invalid;
    /// The payload declares no schema version, or one that is malformed.
    SchemaVersionInvalid = "SCHEMA_VERSION_INVALID", Invalid;
    /// Not exactly one of vaccination, test, recovery.
    GroupCount = "GROUP_COUNT", Invalid;
    /// The certificate's holder is not covered by its signature: a DIVOC
    /// credential whose subject's name is missing from what its proof
    /// signs (JSON-LD drops members no context defines, and a subject whose
    /// `id` is not an absolute IRI, such as `""`). Anyone's name could
    /// stand there.
    HolderNotSigned = "HOLDER_NOT_SIGNED", Invalid;

    // rules
    /// No acceptance rules of the country of arrival apply (none held for
    /// it, its type, or this time): the verifier cannot tell.
    NoRules = "NO_RULES", Inconclusive;
    /// A business rule of the country of arrival (or an invalidation rule of
    /// the issuing country) is not met, or its evaluation failed.
    RuleFailed = "RULE_FAILED", Invalid;
    /// A rule could not be decided (an engine or schema version it needs,
    /// a result that is not a boolean); none failed.
    RuleOpen = "RULE_OPEN", Inconclusive;

    // clock (the verdict's `clock_check`, not a check of its own)
    /// The device clock the verification used is more than 2 h behind the
    /// latest trusted time the store has seen (a server's `Date`, a signed
    /// list's timestamp), or was more than 2 h off the server's time at the
    /// last sync: the verification instant cannot be trusted, and a verdict
    /// that would have been valid is `unknown`.
    ClockSuspect = "CLOCK_SUSPECT", Inconclusive;
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = HashSet::new();
        for r in Reason::ALL {
            assert!(seen.insert(r.code()), "duplicate code {}", r.code());
            assert_eq!(Reason::from_code(r.code()), Some(*r));
            assert!(r.code().bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'));
        }
    }
}
