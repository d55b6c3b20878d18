//! A test tree of WHO GDHCN DID trust lists (`trust/gdhcn/`), in the v2
//! layout (formats-trust-specs §3): reference documents
//! (`v2/trustlist-ref/…`) down to the embedded ones (`v2/trustlist/…`) that
//! carry the test DSCs (domain `DCC`, participant `XXT`, usage `DSC`) and
//! the test CSCA (usage `SCA`), every document signed with a
//! `JsonWebSignature2020` proof by the TEST GDHCN signing key (P-256, its
//! scalar from a fixed label; ECDSA per RFC 6979, so deterministic), whose
//! `did:web` DID document is `trust/gdhcn/signer/did.json`.
//!
//! The proof is computed as the WHO's signer does (and `trust::gdhcn`
//! checks): ES256 over `header "." SHA256(URDNA2015(proof options))
//! SHA256(URDNA2015(document))`, the signature ASN.1 DER, through
//! `healthcert_core::jsonld::signing_input`.

use anyhow::{Context as _, Result};
use base64::Engine as _;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::manifest::pretty;
use crate::pki::{Key, Pki};

/// The DID prefix of the test tree (its documents are served under
/// `/gdhcn/v2/` by `healthcert trust serve`).
pub const PREFIX: &str = "did:web:gdhcn.healthcert.test:v2";
/// The DID of the TEST signer.
pub const SIGNER_DID: &str = "did:web:gdhcn.healthcert.test:signing";
/// The participant code of the test issuer in the tree (ISO 3166 alpha-3
/// user-assigned range, no real country).
pub const PARTICIPANT: &str = "XXT";
/// When the served documents were signed.
pub const CREATED: &str = "2026-08-01T00:00:00Z";
/// When the `older` variant was signed (a rollback).
const OLDER: &str = "2026-07-01T00:00:00Z";

const CONTEXT: [&str; 2] = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"];
/// `{"b64":false,"crit":["b64"],"alg":"ES256"}`, as the WHO's signer writes it.
const HEADER: &str = r#"{"b64":false,"crit":["b64"],"alg":"ES256"}"#;

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The public JWK of `key` (P-256, P-384 or RSA), without `kid`.
fn jwk(key: &Key) -> Result<serde_json::Map<String, Value>> {
    use rsa::traits::PublicKeyParts as _;
    let value = match key {
        Key::P256(k) => {
            let p = k.verifying_key().to_encoded_point(false);
            json!({"kty": "EC", "crv": "P-256", "x": b64url(p.x().context("x")?), "y": b64url(p.y().context("y")?)})
        }
        Key::P384(k) => {
            let p = k.verifying_key().to_encoded_point(false);
            json!({"kty": "EC", "crv": "P-384", "x": b64url(p.x().context("x")?), "y": b64url(p.y().context("y")?)})
        }
        Key::Rsa(k) => json!({"kty": "RSA", "n": b64url(&k.n().to_bytes_be()), "e": b64url(&k.e().to_bytes_be())}),
    };
    match value {
        Value::Object(map) => Ok(map),
        _ => anyhow::bail!("a JWK is an object"),
    }
}

/// A `JsonWebKey2020` method of the document `did`: the certificate `der`
/// (with its issuer `ca`) and the key, its fragment base64url of the
/// base64 kid (as the v2.0.0 lists write it).
fn method(did: &str, der: &[u8], ca: &[u8], key: &Key) -> Result<Value> {
    let kid = b64(&Sha256::digest(der)[..8]);
    let mut jwk = jwk(key)?;
    jwk.insert("kid".into(), kid.clone().into());
    jwk.insert("x5c".into(), json!([b64(der), b64(ca)]));
    Ok(json!({
        "id": format!("{did}#{}", b64url(kid.as_bytes())),
        "type": "JsonWebKey2020",
        "controller": did,
        "publicKeyJwk": jwk,
    }))
}

/// `segments` as a DID of the tree.
fn did(segments: &[&str]) -> String {
    format!("{PREFIX}:{}", segments.join(":"))
}

/// The document `segments` listing `methods`, signed at `created`.
fn document(segments: &[&str], methods: Vec<Value>, created: &str, signer: &Key) -> Result<Vec<u8>> {
    let id = did(segments);
    let unsigned = json!({"@context": CONTEXT, "id": id, "controller": id, "verificationMethod": methods});
    pretty(&sign(unsigned, created, &format!("gdhcn {id} {created}"), signer)?)
}

/// `unsigned` with a `JsonWebSignature2020` proof made at `created`; the
/// nonce derived from `label`.
fn sign(mut unsigned: Value, created: &str, label: &str, signer: &Key) -> Result<Value> {
    let nonce = b64url(&Sha256::digest(format!("healthcert fixtures: nonce {label}"))[..24]);
    let proof = json!({
        "type": "JsonWebSignature2020",
        "created": created,
        "nonce": nonce,
        "proofPurpose": "assertionMethod",
        "verificationMethod": SIGNER_DID,
    });
    let context = unsigned["@context"].clone();
    unsigned["proof"] = proof;
    let (document, options) =
        healthcert_core::jsonld::split_proof(&unsigned, context).context("the document has its proof")?;
    let header = b64url(HEADER.as_bytes());
    let input = healthcert_core::jsonld::signing_input(&header, &options, &document)
        .map_err(|e| anyhow::anyhow!("canonicalising the GDHCN test document: {e}"))?;
    let signature = signer.sign_der(&input).context("the GDHCN signing key is P-256")?;
    unsigned["proof"]["jws"] = format!("{header}..{}", b64url(&signature)).into();
    Ok(unsigned)
}

/// The signer's DID document: its one key, under the DID itself (as the
/// WHO's signing DID publishes it).
fn signer_document(signer: &Key) -> Result<Vec<u8>> {
    pretty(&json!({
        "@context": CONTEXT,
        "id": SIGNER_DID,
        "controller": SIGNER_DID,
        "verificationMethod": [{
            "id": SIGNER_DID,
            "type": "JsonWebKey2020",
            "controller": SIGNER_DID,
            "publicKeyJwk": jwk(signer)?,
        }],
    }))
}

/// Every file of the GDHCN tree, its signer and its variants.
pub(crate) fn files(pki: &Pki, signer: &Key) -> Result<Vec<(String, Vec<u8>)>> {
    let p = PARTICIPANT;
    let dsc_segments = ["trustlist", "DCC", p, "DSC"];
    let sca_segments = ["trustlist", "DCC", p, "SCA"];
    let trusted: Vec<_> = pki.dscs.iter().filter(|d| d.trusted).collect();
    let dsc_methods = |did: &str| -> Result<Vec<Value>> {
        trusted.iter().map(|d| method(did, &d.der, &pki.csca_der, &d.key)).collect()
    };
    let csca_method = |did: &str| method(did, &pki.csca_der, &pki.csca_der, &pki.csca_key);
    // A reference to each key of an embedded document: its DID and fragment.
    let refs_to = |segments: &[&str], methods: &[Value]| -> Vec<Value> {
        let target = did(segments);
        methods
            .iter()
            .filter_map(|m| m["id"].as_str())
            .filter_map(|id| id.split_once('#'))
            .map(|(_, frag)| Value::from(format!("{target}#{frag}")))
            .collect()
    };
    let dscs = dsc_methods(&did(&dsc_segments))?;
    let scas = vec![csca_method(&did(&sca_segments))?];
    let mut root = dsc_methods(&did(&["trustlist"]))?;
    root.push(csca_method(&did(&["trustlist"]))?);

    let v2 = "trust/gdhcn/v2";
    let mut out = vec![
        ("trust/gdhcn/signer/did.json".to_owned(), signer_document(signer)?),
        ("trust/gdhcn/signer/key.pem".to_owned(), signer.public_pem()?.into_bytes()),
        (format!("{v2}/trustlist/did.json"), document(&["trustlist"], root, CREATED, signer)?),
        (format!("{v2}/trustlist/DCC/{p}/DSC/did.json"), document(&dsc_segments, dscs.clone(), CREATED, signer)?),
        (format!("{v2}/trustlist/DCC/{p}/SCA/did.json"), document(&sca_segments, scas.clone(), CREATED, signer)?),
        (
            format!("{v2}/trustlist-ref/did.json"),
            // The next level, and an external DID (not followed).
            document(
                &["trustlist-ref"],
                vec![did(&["trustlist-ref", "DCC"]).into(), "did:web:example.com".into()],
                CREATED,
                signer,
            )?,
        ),
        (
            format!("{v2}/trustlist-ref/DCC/did.json"),
            document(&["trustlist-ref", "DCC"], vec![did(&["trustlist-ref", "DCC", p]).into()], CREATED, signer)?,
        ),
        (
            format!("{v2}/trustlist-ref/DCC/{p}/did.json"),
            document(
                &["trustlist-ref", "DCC", p],
                vec![did(&["trustlist-ref", "DCC", p, "DSC"]).into(), did(&["trustlist-ref", "DCC", p, "SCA"]).into()],
                CREATED,
                signer,
            )?,
        ),
        (
            format!("{v2}/trustlist-ref/DCC/{p}/DSC/did.json"),
            document(&["trustlist-ref", "DCC", p, "DSC"], refs_to(&dsc_segments, &dscs), CREATED, signer)?,
        ),
        (
            format!("{v2}/trustlist-ref/DCC/{p}/SCA/did.json"),
            document(&["trustlist-ref", "DCC", p, "SCA"], refs_to(&sca_segments, &scas), CREATED, signer)?,
        ),
    ];

    // Variants of the DSC document: one key changed after signing (the
    // proof no longer verifies), and an older one, validly signed, without
    // the last DSC (a rollback).
    let signed = document(&dsc_segments, dscs.clone(), CREATED, signer)?;
    let mut tampered: Value = serde_json::from_slice(&signed)?;
    let unknown = b64(&pki.dsc("dsc-ec-unknown").der);
    tampered["verificationMethod"][0]["publicKeyJwk"]["x5c"][0] = unknown.into();
    out.push(("trust/variants/gdhcn-dsc-tampered.json".to_owned(), pretty(&tampered)?));
    let older = dscs[..dscs.len() - 1].to_vec();
    out.push(("trust/variants/gdhcn-dsc-older.json".to_owned(), document(&dsc_segments, older, OLDER, signer)?));
    Ok(out)
}
