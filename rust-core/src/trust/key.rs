//! How a signer is found: the scheme a key serves and the reference a
//! certificate carries to it.

use std::fmt;

use crate::formats::codec::base64;

/// Which family of signed documents a signer key serves (`dcc` for EU DCC
/// document signers). Each format declares its own; keys of one scheme are
/// never offered for another's documents.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyScheme(&'static str);

impl KeyScheme {
    /// A scheme named `name` (lower case; stored in databases).
    pub const fn new(name: &'static str) -> Self {
        KeyScheme(name)
    }

    /// The name stored in databases.
    pub fn name(self) -> &'static str {
        self.0
    }
}

impl fmt::Debug for KeyScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for KeyScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// How a certificate names the key that signed it.
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyRef {
    /// A key identifier alone (EU DCC and WHO DDCC: the COSE kid).
    Kid {
        /// The scheme.
        scheme: KeyScheme,
        /// The key identifier.
        kid: Vec<u8>,
    },
    /// An issuer and a key identifier within its key set (SMART Health
    /// Cards: the `iss` URL and the JWK `kid`).
    IssuerKid {
        /// The scheme.
        scheme: KeyScheme,
        /// The issuer.
        issuer: String,
        /// The key identifier.
        kid: Vec<u8>,
    },
    /// The signer certificate itself, carried in the document (ICAO
    /// VDS-NC); trusted when the store holds it, or when it chains to a CA
    /// of `anchors` the store holds ([`trust::chain`](super::chain)).
    Embedded {
        /// The scheme.
        scheme: KeyScheme,
        /// The DER certificate.
        certificate: Vec<u8>,
        /// The scheme of the CAs it may chain to (ICAO CSCAs), if any.
        anchors: Option<KeyScheme>,
    },
    /// The document names no key.
    Missing {
        /// The scheme.
        scheme: KeyScheme,
    },
}

/// Longest issuer shown in a description; the rest is counted.
const SHOWN_ISSUER_CHARS: usize = 80;

impl KeyRef {
    /// The scheme of the key.
    pub fn scheme(&self) -> KeyScheme {
        match self {
            KeyRef::Kid { scheme, .. }
            | KeyRef::IssuerKid { scheme, .. }
            | KeyRef::Embedded { scheme, .. }
            | KeyRef::Missing { scheme } => *scheme,
        }
    }

    /// The key identifier, when the reference has one.
    pub fn kid(&self) -> Option<&[u8]> {
        match self {
            KeyRef::Kid { kid, .. } | KeyRef::IssuerKid { kid, .. } => Some(kid),
            KeyRef::Embedded { .. } | KeyRef::Missing { .. } => None,
        }
    }

    /// For people and verdict details: `kid 3lTmAZX19GQ=`, `kid … of issuer
    /// https://…`, `the embedded signer certificate`, `no key`. The issuer
    /// is cut and escaped (it is the payload's text).
    pub fn describe(&self) -> String {
        match self {
            KeyRef::Kid { kid, .. } => format!("kid {}", kid_text(kid)),
            KeyRef::IssuerKid { issuer, kid, .. } => format!(
                "kid {} of issuer {}",
                crate::text::display_bounded(&String::from_utf8_lossy(kid), SHOWN_ISSUER_CHARS),
                crate::text::display_bounded(issuer, SHOWN_ISSUER_CHARS)
            ),
            KeyRef::Embedded { .. } => "the embedded signer certificate".to_owned(),
            KeyRef::Missing { .. } => "no key".to_owned(),
        }
    }
}

/// What stores index signers by: the (scheme, key reference) a lookup
/// needs, never a kid alone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum LookupKey {
    /// Scheme and kid, for keys without an issuer.
    Kid(KeyScheme, Vec<u8>),
    /// Scheme, issuer and kid.
    IssuerKid(KeyScheme, String, Vec<u8>),
    /// Scheme and the SHA-256 of the DER certificate.
    Certificate(KeyScheme, [u8; 32]),
}

impl KeyRef {
    /// The index entry a lookup of this reference reads; `None` for
    /// [`KeyRef::Missing`].
    pub(crate) fn lookup_key(&self) -> Option<LookupKey> {
        Some(match self {
            KeyRef::Kid { scheme, kid } => LookupKey::Kid(*scheme, kid.clone()),
            KeyRef::IssuerKid { scheme, issuer, kid } => LookupKey::IssuerKid(*scheme, issuer.clone(), kid.clone()),
            KeyRef::Embedded { scheme, certificate, .. } => {
                LookupKey::Certificate(*scheme, crate::crypto::sha256(certificate))
            }
            KeyRef::Missing { .. } => return None,
        })
    }
}

impl fmt::Debug for KeyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyRef({} {})", self.scheme(), self.describe())
    }
}

/// A signer's key material, as stored.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum KeyMaterial {
    /// A DER X.509 certificate.
    X509(Vec<u8>),
    /// A JSON Web Key (RFC 7517), as JSON text.
    Jwk(String),
    /// A bare public key: a DER SubjectPublicKeyInfo, listed under a key
    /// identifier by a trust registry (no certificate, so no validity or
    /// key usage of its own).
    Spki(Vec<u8>),
}

impl KeyMaterial {
    /// The name stored in databases (`x509`, `jwk`).
    pub fn type_name(&self) -> &'static str {
        match self {
            KeyMaterial::X509(_) => "x509",
            KeyMaterial::Jwk(_) => "jwk",
            KeyMaterial::Spki(_) => "spki",
        }
    }

    /// The stored bytes.
    pub fn bytes(&self) -> &[u8] {
        match self {
            KeyMaterial::X509(der) | KeyMaterial::Spki(der) => der,
            KeyMaterial::Jwk(json) => json.as_bytes(),
        }
    }

    /// Reads stored material back.
    pub fn from_stored(type_name: &str, bytes: Vec<u8>) -> Option<Self> {
        match type_name {
            "x509" => Some(KeyMaterial::X509(bytes)),
            "jwk" => String::from_utf8(bytes).ok().map(KeyMaterial::Jwk),
            "spki" => Some(KeyMaterial::Spki(bytes)),
            _ => None,
        }
    }
}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({} bytes)", self.type_name(), self.bytes().len())
    }
}

/// A key identifier for display: a DID (`did:india`, as DIVOC proofs name
/// their key) as text, any other identifier as base64 (a COSE kid is
/// bytes).
pub(crate) fn kid_text(kid: &[u8]) -> String {
    match std::str::from_utf8(kid) {
        Ok(text) if text.starts_with("did:") && !text.chars().any(char::is_control) => {
            crate::text::display_bounded(text, 120).into_owned()
        }
        _ => base64::encode(kid),
    }
}
