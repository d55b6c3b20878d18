//! JSON-LD to RDF to URDNA2015 canonical N-Quads, offline: the input of the
//! Linked Data proofs that sign canonical N-Quads (the WHO GDHCN DID trust
//! lists' `JsonWebSignature2020`, DIVOC's `Ed25519Signature2018` and
//! `RsaSignature2018`).
//!
//! - **Contexts come only from the binary.** Every `@context` URL is looked
//!   up in the contexts bundled here ([`BUNDLED_CONTEXTS`]; their sources
//!   and licences are in `contexts/SOURCES.md`). There is no network fetch:
//!   an unknown URL is [`LdError::UnknownContext`].
//! - **Expansion and toRdf**: the `json-ld` crate (JSON-LD 1.1), with the
//!   "safe mode" of jsonld.js off, as the reference signers use it: a term a
//!   context does not define is dropped, so it is not signed either.
//! - **URDNA2015**: RDFC-1.0 with SHA-256 (the same algorithm) by the
//!   `rdf-canon` crate, with a cap on the calls of its costly step (Hash
//!   N-Degree Quads) against blank-node graphs built to be slow.
//! - **Caps**: the input's nesting ([`MAX_DEPTH`]) and size
//!   ([`MAX_INPUT_LEN`]), the number of quads ([`MAX_QUADS`]) and the size of
//!   the N-Quads ([`MAX_NQUADS_LEN`]).
//!
//! For a proof: [`signing_input`] builds the 64-byte-hash input of the
//! detached-JWS Linked Data suites (`ASCII(header) ‖ "." ‖ SHA256(optsN) ‖
//! SHA256(docN)`) from the document without its proof and the proof options
//! with the `@context` the suite wants, and [`DetachedJws`] reads the `jws`.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::task::{Context as TaskContext, Poll, Waker};

use serde_json::Value;

use crate::crypto::sha256;
use crate::formats::codec::base64;

/// Deepest nesting of a JSON-LD input.
pub const MAX_DEPTH: usize = 32;
/// Largest JSON-LD input, serialised, in bytes.
pub const MAX_INPUT_LEN: usize = 8 * 1024 * 1024;
/// Most quads one input may produce.
pub const MAX_QUADS: usize = 100_000;
/// Largest canonical N-Quads, in bytes.
pub const MAX_NQUADS_LEN: usize = 16 * 1024 * 1024;
/// Most calls of URDNA2015's Hash N-Degree Quads step for one input (a
/// plain document needs none or a few; a crafted blank-node graph would
/// need exponentially many).
pub const MAX_HNDQ_CALLS: usize = 4_000;

/// The contexts bundled in the binary: `(URL, JSON text)`.
pub const BUNDLED_CONTEXTS: &[(&str, &str)] = &[
    ("https://www.w3.org/ns/did/v1", include_str!("contexts/did-v1.jsonld")),
    ("https://www.w3.org/2018/credentials/v1", include_str!("contexts/credentials-v1.jsonld")),
    ("https://w3id.org/security/v1", include_str!("contexts/security-v1.jsonld")),
    ("https://w3id.org/security/v2", include_str!("contexts/security-v2.jsonld")),
    ("https://w3id.org/security/v3-unstable", include_str!("contexts/security-v3-unstable.jsonld")),
    ("https://w3id.org/security/suites/jws-2020/v1", include_str!("contexts/suites-jws-2020.jsonld")),
    ("https://w3id.org/security/suites/ed25519-2018/v1", include_str!("contexts/suites-ed25519-2018.jsonld")),
    ("https://cowin.gov.in/credentials/vaccination/v1", include_str!("contexts/DIVOCVaccinationContextV1.json")),
    ("https://cowin.gov.in/credentials/vaccination/v2", include_str!("contexts/DIVOCVaccinationContextV2.json")),
];

/// The bundled context of `url`, if there is one.
pub fn bundled_context(url: &str) -> Option<&'static str> {
    BUNDLED_CONTEXTS.iter().find(|(u, _)| *u == url).map(|(_, text)| *text)
}

/// Why an input could not be canonicalised.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LdError {
    /// The input names a context that is not bundled (nothing is fetched).
    UnknownContext {
        /// Its URL (shortened for display).
        url: String,
    },
    /// Not valid JSON-LD: the JSON-LD error code (e.g. `invalid @id value`).
    Invalid(String),
    /// Larger than a cap.
    TooLarge {
        /// What: `input`, `quads` or `N-Quads`.
        what: &'static str,
        /// The limit (bytes, or quads).
        limit: usize,
    },
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// URDNA2015 refused the dataset (too many Hash N-Degree Quads calls,
    /// or an internal inconsistency).
    Canonicalization(String),
    /// The JSON-LD processor waited on something (it never should: every
    /// context is in memory).
    Stalled,
}

impl fmt::Display for LdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LdError::UnknownContext { url } => {
                write!(f, "the JSON-LD context {url} is not bundled (contexts are never fetched)")
            }
            LdError::Invalid(code) => write!(f, "not valid JSON-LD: {code}"),
            LdError::TooLarge { what, limit } => write!(f, "the {what} exceed the limit of {limit}"),
            LdError::TooDeep => write!(f, "the JSON-LD input nests deeper than {MAX_DEPTH} levels"),
            LdError::Canonicalization(e) => write!(f, "URDNA2015 canonicalization failed: {e}"),
            LdError::Stalled => f.write_str("the JSON-LD processor stalled"),
        }
    }
}

impl std::error::Error for LdError {}

/// Whether `value` nests at most `max` levels (stops descending at the
/// limit, so the recursion is bounded).
fn within_depth(value: &Value, max: usize) -> bool {
    match value {
        Value::Array(items) => max > 0 && items.iter().all(|v| within_depth(v, max - 1)),
        Value::Object(members) => max > 0 && members.values().all(|v| within_depth(v, max - 1)),
        _ => true,
    }
}

/// The length of `value` as compact JSON, counted without building it.
fn serialized_len(value: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 = self.0.saturating_add(buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    match serde_json::to_writer(&mut count, value) {
        Ok(()) => count.0,
        Err(_) => usize::MAX,
    }
}

/// The static document loader: the bundled contexts, nothing else. It
/// remembers the first URL it could not serve, for a typed error.
#[derive(Default)]
struct BundledLoader {
    missing: RefCell<Option<String>>,
}

#[derive(Debug)]
struct NotBundled;

impl fmt::Display for NotBundled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("context not bundled")
    }
}

impl std::error::Error for NotBundled {}

impl json_ld::Loader for BundledLoader {
    async fn load(&self, url: &iref::Iri) -> json_ld::LoadingResult<iref::IriBuf> {
        match parsed_context(url.as_str()) {
            Some(document) => Ok(json_ld::RemoteDocument::new(Some(url.to_owned()), None, document.clone())),
            None => {
                self.missing
                    .borrow_mut()
                    .get_or_insert_with(|| crate::text::display_bounded(url.as_str(), 200).into_owned());
                Err(json_ld::LoadError::new(url.to_owned(), NotBundled))
            }
        }
    }
}

/// The bundled context of `url`, parsed once per process (parsing them
/// again for every document was a good part of a credential's
/// canonicalization).
fn parsed_context(url: &str) -> Option<&'static json_syntax::Value> {
    use json_syntax::Parse as _;
    static PARSED: std::sync::OnceLock<Vec<Option<json_syntax::Value>>> = std::sync::OnceLock::new();
    let parsed = PARSED.get_or_init(|| {
        BUNDLED_CONTEXTS.iter().map(|(_, text)| json_syntax::Value::parse_str(text).ok().map(|(v, _)| v)).collect()
    });
    let at = BUNDLED_CONTEXTS.iter().position(|(u, _)| *u == url)?;
    parsed.get(at)?.as_ref()
}

/// When `document` is an object whose `@context` is a bundled context's URL
/// or an array of them: that `@context` as a cache key (the URLs joined)
/// and the document without it.
fn bundled_only_context(document: &Value) -> Option<(String, Value)> {
    let object = document.as_object()?;
    let urls: Vec<&str> = match object.get("@context")? {
        Value::String(url) => vec![url.as_str()],
        Value::Array(items) => items.iter().map(Value::as_str).collect::<Option<_>>()?,
        _ => return None,
    };
    if urls.is_empty() || urls.len() > 8 || !urls.iter().all(|u| bundled_context(u).is_some()) {
        return None;
    }
    let mut body = object.clone();
    body.remove("@context");
    Some((urls.join(" "), Value::Object(body)))
}

type ActiveContext = json_ld::Context<iref::IriBuf, rdf_types::BlankIdBuf>;

/// Most distinct top-level contexts kept processed (each a combination of
/// bundled URLs, so the set is small; past the cap nothing more is kept).
const MAX_PROCESSED_CONTEXTS: usize = 32;

/// The active context made by processing the bundled contexts `key` names
/// (space-separated URLs) from the initial context, kept per thread.
fn processed_context(key: &str, loader: &BundledLoader) -> Result<ActiveContext, LdError> {
    use json_ld::Process as _;
    use json_ld::syntax::TryFromJson as _;
    thread_local! {
        static PROCESSED: RefCell<Vec<(String, ActiveContext)>> = const { RefCell::new(Vec::new()) };
    }
    if let Some(held) = PROCESSED.with_borrow(|p| p.iter().find(|(k, _)| k == key).map(|(_, c)| c.clone())) {
        return Ok(held);
    }
    let local = Value::Array(key.split(' ').map(|u| Value::String(u.to_owned())).collect());
    let local = json_ld::syntax::context::Context::try_from_json(json_syntax::Value::from_serde_json(local))
        .map_err(|e| LdError::Invalid(e.to_string()))?;
    let options = json_ld::Options::<iref::IriBuf>::default().context_processing_options();
    let initial = ActiveContext::new(None);
    let processed = run_ready(local.process_full(&mut (), &initial, loader, None, options, ()))?
        .map_err(|e| match loader.missing.borrow_mut().take() {
            Some(url) => LdError::UnknownContext { url },
            None => LdError::Invalid(e.code().as_str().to_owned()),
        })?
        .into_processed();
    PROCESSED.with_borrow_mut(|p| {
        if p.len() < MAX_PROCESSED_CONTEXTS {
            p.push((key.to_owned(), processed.clone()));
        }
    });
    Ok(processed)
}

/// Runs a future that never waits (every document is in memory) to its end.
fn run_ready<F: Future>(future: F) -> Result<F::Output, LdError> {
    let mut future = pin!(future);
    let mut cx = TaskContext::from_waker(Waker::noop());
    // The JSON-LD processor yields only when a loader does; ours never does,
    // so the first poll completes. A few more are harmless.
    for _ in 0..16 {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return Ok(out);
        }
    }
    Err(LdError::Stalled)
}

/// The RDF dataset of a JSON-LD document (expansion, then toRdf), as
/// quads for canonicalization.
///
/// `reuse_contexts`: a top-level `@context` of bundled URLs only is
/// processed once per thread and reused (always, but in the test that
/// compares both ways).
fn to_quads(document: &Value, reuse_contexts: bool) -> Result<Vec<oxrdf::Quad>, LdError> {
    if !within_depth(document, MAX_DEPTH) {
        return Err(LdError::TooDeep);
    }
    if serialized_len(document) > MAX_INPUT_LEN {
        return Err(LdError::TooLarge { what: "input", limit: MAX_INPUT_LEN });
    }
    let loader = BundledLoader::default();
    let unknown = |code: &str| match loader.missing.borrow_mut().take() {
        Some(url) => LdError::UnknownContext { url },
        None => LdError::Invalid(code.to_owned()),
    };
    let mut generator = rdf_types::generator::Blank::new();
    let mut expanded = match bundled_only_context(document).filter(|_| reuse_contexts) {
        // The top-level context names bundled contexts only: it is
        // processed once per process, and the document without it is
        // expanded from there (JSON-LD 1.1 expansion, step 9: the same
        // active context as processing the `@context` entry first).
        Some((key, body)) => {
            use json_ld::Expand as _;
            let active = processed_context(&key, &loader)?;
            let options = json_ld::Options::<iref::IriBuf>::default().unordered().expansion_options();
            let body = json_syntax::Value::from_serde_json(body);
            run_ready(body.expand_full(&mut (), active, None, &loader, options, ()))?
                .map_err(|e| unknown(e.code().as_str()))?
        }
        None => {
            use json_ld::JsonLdProcessor as _;
            let input = json_ld::RemoteDocument::new(None, None, json_syntax::Value::from_serde_json(document.clone()));
            let options = json_ld::Options::<iref::IriBuf>::default().unordered();
            run_ready(input.expand_full(&mut (), &loader, options, ()))?.map_err(|e| unknown(e.code().as_str()))?
        }
    };
    expanded.relabel_and_canonicalize_with(&mut (), &mut generator);
    let mut quads = Vec::new();
    for quad in json_ld::rdf::RdfQuads::rdf_quads_full(&expanded, &mut (), &mut generator, None, false).cloned() {
        if quads.len() == MAX_QUADS {
            return Err(LdError::TooLarge { what: "quads", limit: MAX_QUADS });
        }
        let rdf_types::Quad(s, p, o, g) = quad;
        let subject = match id(s) {
            Node::Iri(i) => oxrdf::Subject::NamedNode(i),
            Node::Blank(b) => oxrdf::Subject::BlankNode(b),
        };
        let Node::Iri(predicate) = id(p) else {
            // Generalized RDF (a blank-node predicate) is never produced
            // with the default options; such a quad is not RDF.
            continue;
        };
        let object = match o {
            rdf_types::Term::Id(i) => match id(i) {
                Node::Iri(i) => oxrdf::Term::NamedNode(i),
                Node::Blank(b) => oxrdf::Term::BlankNode(b),
            },
            rdf_types::Term::Literal(l) => oxrdf::Term::Literal(literal(l)),
        };
        let graph = match g.map(id) {
            None => oxrdf::GraphName::DefaultGraph,
            Some(Node::Iri(i)) => oxrdf::GraphName::NamedNode(i),
            Some(Node::Blank(b)) => oxrdf::GraphName::BlankNode(b),
        };
        quads.push(oxrdf::Quad::new(subject, predicate, object, graph));
    }
    Ok(quads)
}

enum Node {
    Iri(oxrdf::NamedNode),
    Blank(oxrdf::BlankNode),
}

fn id(id: rdf_types::Id) -> Node {
    match id {
        rdf_types::Id::Iri(i) => Node::Iri(oxrdf::NamedNode::new_unchecked(i.into_string())),
        rdf_types::Id::Blank(b) => {
            let label = b.as_str().strip_prefix("_:").unwrap_or(b.as_str()).to_owned();
            Node::Blank(oxrdf::BlankNode::new_unchecked(label))
        }
    }
}

fn literal(l: rdf_types::Literal) -> oxrdf::Literal {
    match l.type_ {
        rdf_types::LiteralType::Any(t) => {
            oxrdf::Literal::new_typed_literal(l.value, oxrdf::NamedNode::new_unchecked(t.into_string()))
        }
        rdf_types::LiteralType::LangString(tag) => {
            oxrdf::Literal::new_language_tagged_literal_unchecked(l.value, tag.as_str().to_ascii_lowercase())
        }
    }
}

/// The URDNA2015 canonical N-Quads of a JSON-LD document, every context
/// from the bundle (see the module documentation).
pub fn canonical_nquads(document: &Value) -> Result<String, LdError> {
    canonical_nquads_with(document, true)
}

fn canonical_nquads_with(document: &Value, reuse_contexts: bool) -> Result<String, LdError> {
    let quads = to_quads(document, reuse_contexts)?;
    let options = rdf_canon::CanonicalizationOptions { hndq_call_limit: Some(MAX_HNDQ_CALLS) };
    let nquads = rdf_canon::canonicalize_quads_with::<sha2::Sha256>(&quads, &options)
        .map_err(|e| LdError::Canonicalization(e.to_string()))?;
    if nquads.len() > MAX_NQUADS_LEN {
        return Err(LdError::TooLarge { what: "N-Quads", limit: MAX_NQUADS_LEN });
    }
    Ok(nquads)
}

/// The document without its `proof`, and the proof options: the proof
/// without `jws` (and `signatureValue`, `proofValue`), with `@context` set
/// to `options_context`. `None` when `document` is not an object with an
/// object `proof`.
pub fn split_proof(document: &Value, options_context: Value) -> Option<(Value, Value)> {
    let mut unsigned = document.as_object()?.clone();
    let Some(Value::Object(mut proof)) = unsigned.remove("proof") else { return None };
    for signature in ["jws", "signatureValue", "proofValue"] {
        proof.remove(signature);
    }
    proof.insert("@context".to_owned(), options_context);
    Some((Value::Object(unsigned), Value::Object(proof)))
}

/// The signing input of the detached-JWS Linked Data suites
/// (`JsonWebSignature2020`, `Ed25519Signature2018`, `RsaSignature2018`):
/// `ASCII(header_b64) ‖ "." ‖ SHA256(URDNA2015(options)) ‖
/// SHA256(URDNA2015(document))`, the proof options first. `document` is
/// the document without its proof, `options` the proof without its
/// signature and with the `@context` the suite wants ([`split_proof`]).
pub fn signing_input(header_b64: &str, options: &Value, document: &Value) -> Result<Vec<u8>, LdError> {
    proof_input(header_b64, options, document).map(|p| p.signing_input)
}

/// What a detached-JWS Linked Data proof covers: the [`signing_input`], and
/// the canonical N-Quads of the document, which hold exactly what is signed
/// (a term no context defines is not in them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofInput {
    /// The bytes the JWS signature is over.
    pub signing_input: Vec<u8>,
    /// URDNA2015 of the document without its proof.
    pub document_nquads: String,
}

impl ProofInput {
    /// Whether the literal `value` (a JSON string or number, as the JSON
    /// held it) is among the signed N-Quads' objects: a value a context
    /// does not define, or one added beside the signed data, is not.
    pub fn signs_literal(&self, value: &str) -> bool {
        let mut quoted = String::with_capacity(value.len() + 2);
        quoted.push('"');
        for c in value.chars() {
            // The escapes of canonical N-Quads (RDFC-1.0 §4.7 / N-Quads
            // canonical form): `\`, `\"`, and the control characters.
            match c {
                '\\' => quoted.push_str("\\\\"),
                '"' => quoted.push_str("\\\""),
                '\n' => quoted.push_str("\\n"),
                '\r' => quoted.push_str("\\r"),
                '\t' => quoted.push_str("\\t"),
                '\u{8}' => quoted.push_str("\\b"),
                '\u{c}' => quoted.push_str("\\f"),
                c if c < ' ' || c == '\u{7f}' => quoted.push_str(&format!("\\u{:04X}", c as u32)),
                c => quoted.push(c),
            }
        }
        quoted.push('"');
        // A literal is followed by a space, a datatype (`^^`) or a
        // language tag (`@`): never by more of another literal's text.
        self.document_nquads.match_indices(&quoted).any(|(at, m)| {
            let before = self.document_nquads[..at].ends_with(' ');
            let after = self.document_nquads[at + m.len()..].starts_with([' ', '^', '@']);
            before && after
        })
    }
}

/// [`signing_input`] with the document's canonical N-Quads kept.
pub fn proof_input(header_b64: &str, options: &Value, document: &Value) -> Result<ProofInput, LdError> {
    let options_n = canonical_nquads(options)?;
    let document_nquads = canonical_nquads(document)?;
    let mut input = Vec::with_capacity(header_b64.len() + 1 + 64);
    input.extend_from_slice(header_b64.as_bytes());
    input.push(b'.');
    input.extend_from_slice(&sha256(options_n.as_bytes()));
    input.extend_from_slice(&sha256(document_nquads.as_bytes()));
    Ok(ProofInput { signing_input: input, document_nquads })
}

/// Largest `jws` read, in characters.
pub const MAX_JWS_LEN: usize = 4096;

/// A detached JWS with an unencoded payload (RFC 7797: `b64: false`,
/// `crit: ["b64"]`), as the Linked Data suites write it:
/// `header..signature`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetachedJws {
    /// The header as written (base64url), the first part of the signing
    /// input.
    pub header_b64: String,
    /// The header's `alg`.
    pub alg: String,
    /// The signature bytes (for ES256 in these suites: ASN.1 DER).
    pub signature: Vec<u8>,
}

/// Why a `jws` is not a detached unencoded-payload JWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwsError {
    /// Not `header..signature` (three parts, the middle one empty), or too
    /// long.
    Shape,
    /// The header or signature is not base64url, or the header not a JSON
    /// object with a text `alg`.
    Encoding,
    /// The header does not say `b64: false` with `crit: ["b64"]` (the
    /// signing input would be another).
    NotUnencoded,
    /// The header names a critical extension other than `b64`.
    UnknownCritical,
}

impl fmt::Display for JwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JwsError::Shape => "the jws is not a detached JWS (header..signature)",
            JwsError::Encoding => "the jws header or signature is not base64url JSON",
            JwsError::NotUnencoded => "the jws header does not say b64: false with crit [\"b64\"]",
            JwsError::UnknownCritical => "the jws header names a critical extension other than b64",
        })
    }
}

impl std::error::Error for JwsError {}

impl DetachedJws {
    /// Reads `header..signature`.
    pub fn parse(jws: &str) -> Result<Self, JwsError> {
        if jws.len() > MAX_JWS_LEN {
            return Err(JwsError::Shape);
        }
        let mut parts = jws.split('.');
        let (Some(header_b64), Some(""), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JwsError::Shape);
        };
        let header_bytes = base64::decode_url(header_b64, MAX_JWS_LEN).map_err(|_| JwsError::Encoding)?;
        let header: Value = serde_json::from_slice(&header_bytes).map_err(|_| JwsError::Encoding)?;
        let alg = header.get("alg").and_then(Value::as_str).ok_or(JwsError::Encoding)?.to_owned();
        if header.get("b64") != Some(&Value::Bool(false)) {
            return Err(JwsError::NotUnencoded);
        }
        let Some(Value::Array(crit)) = header.get("crit") else { return Err(JwsError::NotUnencoded) };
        if !crit.iter().any(|c| c == "b64") {
            return Err(JwsError::NotUnencoded);
        }
        if crit.iter().any(|c| c != "b64") {
            return Err(JwsError::UnknownCritical);
        }
        let signature = base64::decode_url(signature, MAX_JWS_LEN).map_err(|_| JwsError::Encoding)?;
        Ok(DetachedJws { header_b64: header_b64.to_owned(), alg, signature })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_context_is_json() {
        for (url, text) in BUNDLED_CONTEXTS {
            let value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert!(value.get("@context").is_some(), "{url}");
        }
    }

    #[test]
    fn an_unknown_context_is_a_typed_error_not_a_fetch() {
        let doc = serde_json::json!({"@context": "https://example.org/ctx", "@id": "urn:x", "https://e/p": "v"});
        assert_eq!(canonical_nquads(&doc), Err(LdError::UnknownContext { url: "https://example.org/ctx".into() }));
    }

    #[test]
    fn blank_nodes_are_canonically_labelled() {
        let doc = serde_json::json!({
            "@context": {"p": "https://e/p", "q": {"@id": "https://e/q", "@type": "@id"}},
            "p": "a", "q": {"p": "b"}
        });
        // As jsonld.js 9 (URDNA2015) writes it.
        let n = canonical_nquads(&doc).unwrap();
        assert_eq!(
            n,
            "_:c14n0 <https://e/p> \"a\" .\n_:c14n0 <https://e/q> _:c14n1 .\n_:c14n1 <https://e/p> \"b\" .\n"
        );
    }

    /// Reusing a processed top-level context gives the N-Quads processing
    /// it with the document gives: on the fixtures' DIVOC credential and
    /// GDHCN documents and their proof options, and on documents with
    /// scoped, nested and inline contexts. (The real samples' N-Quads are
    /// compared with jsonld.js's in `tests/divoc.rs` and `tests/gdhcn.rs`.)
    #[test]
    fn a_reused_top_level_context_changes_nothing() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut documents: Vec<Value> = vec![
            serde_json::json!({
                "@context": ["https://www.w3.org/2018/credentials/v1", "https://cowin.gov.in/credentials/vaccination/v1"],
                "type": ["VerifiableCredential", "ProofOfVaccinationCredential"],
                "issuer": "https://e.org/i", "issuanceDate": "2021-01-01T00:00:00Z",
                "credentialSubject": {"type": "Person", "id": "did:x:1", "name": "A", "nationality": "B",
                    "address": {"city": "C"}},
                "evidence": [{"type": ["Vaccination"], "id": "https://e.org/v", "dose": 1, "totalDoses": 2,
                    "batch": "X", "date": "2021-01-01T00:00:00.000Z", "facility": {"name": "F",
                    "address": {"district": "D"}}, "@context": {"extra": "https://e.org/extra"}, "extra": "E"}],
                "nonTransferable": "true", "unknownTerm": "dropped"
            }),
            serde_json::json!({"@context": "https://w3id.org/security/v2", "type": "RsaSignature2018",
                "created": "2021-01-01T00:00:00Z", "verificationMethod": "did:india", "proofPurpose": "assertionMethod"}),
            serde_json::json!({"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"],
                "id": "did:web:e.org", "verificationMethod": [{"id": "did:web:e.org#k", "type": "JsonWebKey2020",
                "controller": "did:web:e.org", "publicKeyJwk": {"kty": "EC", "crv": "P-256", "x": "a", "y": "b"}}],
                "assertionMethod": ["did:web:e.org#k"]}),
            serde_json::json!({"@context": "https://w3id.org/security/v2", "@id": "", "https://e/p": "relative subject"}),
        ];
        // The generator's DIVOC credential and GDHCN documents (committed).
        let fixtures = dir.join("../fixtures");
        let mut files = vec![fixtures.join("divoc/valid.json")];
        let mut dirs = vec![fixtures.join("trust/gdhcn")];
        while let Some(d) = dirs.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    files.push(path);
                }
            }
        }
        assert!(files.len() > 2, "the GDHCN fixture tree is missing");
        for file in files {
            let signed: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
            let options_context = serde_json::json!("https://w3id.org/security/v2");
            if let Some((document, options)) = split_proof(&signed, options_context) {
                documents.extend([document, options]);
            }
        }
        for document in &documents {
            let reused = canonical_nquads_with(document, true);
            // Twice: the second run reads the kept context.
            assert_eq!(canonical_nquads_with(document, true), reused);
            assert_eq!(reused, canonical_nquads_with(document, false), "{document}");
        }
        // An unknown URL beside bundled ones is not reused and stays a typed error.
        let doc =
            serde_json::json!({"@context": ["https://w3id.org/security/v2", "https://example.org/x"], "@id": "urn:x"});
        assert!(bundled_only_context(&doc).is_none());
        assert_eq!(canonical_nquads(&doc), Err(LdError::UnknownContext { url: "https://example.org/x".into() }));
    }

    #[test]
    fn depth_is_capped_before_processing() {
        let mut doc = serde_json::json!("x");
        for _ in 0..MAX_DEPTH + 1 {
            doc = serde_json::json!({"https://e/p": doc});
        }
        assert_eq!(canonical_nquads(&doc), Err(LdError::TooDeep));
    }

    #[test]
    fn the_detached_jws_header_must_be_unencoded() {
        let gdhcn = "eyJiNjQiOmZhbHNlLCJjcml0IjpbImI2NCJdLCJhbGciOiJFUzI1NiJ9..MEQCID_du-wL3Z36YdJwVpy4QLqFinxQ0SrYJpG8MCKrfjl1AiALhZYF2iAKh3PRBEB4NwsSZAo96qdlawJ15GWgZAlEEA";
        let jws = DetachedJws::parse(gdhcn).unwrap();
        assert_eq!(jws.alg, "ES256");
        assert_eq!(jws.signature.first(), Some(&0x30));
        // {"alg":"ES256"}: an encoded payload, another signing input.
        assert_eq!(DetachedJws::parse("eyJhbGciOiJFUzI1NiJ9..AAAA"), Err(JwsError::NotUnencoded));
        assert_eq!(DetachedJws::parse("a.b.c"), Err(JwsError::Shape));
        assert_eq!(DetachedJws::parse("a..c.d"), Err(JwsError::Shape));
    }
}
