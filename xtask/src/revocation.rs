//! The EU DCC revocation service tree that `trust serve` serves under
//! `/revocation` (`fixtures/trust/revocation/`), and a builder for trees of
//! any size (the sync benchmark's million hashes).
//!
//! Layout (one tree per slice type, as the service answers per
//! `X-SLICE-FILTER-TYPE`):
//!
//! ```text
//! lists.json                                   GET /lists
//! <TYPE>/<kid>/partitions.json                 GET /lists/<kid>/partitions
//! <TYPE>/<kid>/<pid>/<cid>/<sid>               a slice's bytes (sid = its hex SHA-256)
//! ```
//!
//! `<kid>` is the kid's base64 with the URL-safe alphabet, `<pid>` the
//! partition id (`null` in POINT mode), `<TYPE>` `BLOOMFILTER` or
//! `VARHASHLIST`. Bloom filters are built as the service builds them
//! (p = 1e-12, its sizing quirk included); hash lists cut each hash to
//! `max(4, ⌈log2 n / 8⌉ + 1)` bytes and declare `n / 2^(8·size)`.

use std::collections::BTreeMap;

use anyhow::{Context as _, Result};
use healthcert_core::formats::{RevocationHashKind, RevocationKey};
use healthcert_core::trust::revocation::data::{PartitionInfo, SliceInfo, chunks_json, format_time};
use healthcert_core::trust::revocation::{BloomFilter, HashList, Mode, SliceType, cell, hash_type_name, hex};
use serde_json::json;
use time::OffsetDateTime;

use crate::dates::at;

/// The service's false-positive rate for bloom filters (`1e-12f`).
pub const BLOOM_P: f32 = 1e-12;

/// One kid of a service tree.
pub struct KidSpec {
    /// The kid, raw.
    pub kid: Vec<u8>,
    /// Its mode.
    pub mode: Mode,
    /// The hash types it lists.
    pub hash_types: Vec<RevocationHashKind>,
    /// Its `lastUpdated`.
    pub last_updated: OffsetDateTime,
    /// Its revoked hashes, each with its batch expiry.
    pub hashes: Vec<([u8; 16], OffsetDateTime)>,
}

/// The kid as a path segment (URL-safe base64, padded).
pub fn kid_segment(kid: &[u8]) -> String {
    healthcert_core::formats::codec::base64::encode(kid).replace('+', "-").replace('/', "_")
}

fn varhash_size(n: usize) -> u8 {
    let bits = usize::BITS - n.max(2).saturating_sub(1).leading_zeros();
    u8::try_from((bits as usize).div_ceil(8) + 1).unwrap_or(16).clamp(4, 16)
}

/// The slice bytes of `hashes` as `kind`.
pub fn slice_bytes(kind: SliceType, hashes: &[[u8; 16]]) -> Result<Vec<u8>> {
    Ok(match kind {
        SliceType::Bloom => BloomFilter::build(hashes.len(), BLOOM_P, hashes.iter().map(|h| h.as_slice()))
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .to_bytes(),
        SliceType::HashList => {
            let size = varhash_size(hashes.len());
            let p = hashes.len() as f64 / 2f64.powi(8 * i32::from(size));
            HashList::write(hashes.iter().map(|h| h.as_slice()), size, p.min(0.5) as f32, false)
                .map_err(|e| anyhow::anyhow!("{e}"))?
        }
    })
}

/// Every file of a service tree for `kids`, by path relative to the tree.
pub fn tree(kids: &[KidSpec]) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    let mut lists = Vec::new();
    for k in kids {
        let expires = k.hashes.iter().map(|(_, e)| *e).max().context("a kid without hashes")?;
        let types: Vec<&str> = k.hash_types.iter().map(|t| hash_type_name(*t)).collect();
        lists.push(json!({
            "kid": healthcert_core::formats::codec::base64::encode(&k.kid),
            "mode": k.mode.name(),
            "hashTypes": types,
            "expires": format_time(expires),
            "lastUpdated": format_time(k.last_updated),
        }));
        // (x, y) → cid → expiry → hashes
        type Cells = BTreeMap<(Option<char>, Option<char>), BTreeMap<char, BTreeMap<OffsetDateTime, Vec<[u8; 16]>>>>;
        let mut cells: Cells = BTreeMap::new();
        for (h, e) in &k.hashes {
            let c = cell(k.mode, h);
            cells.entry((c.x, c.y)).or_default().entry(c.cid).or_default().entry(*e).or_default().push(*h);
        }
        let seg = kid_segment(&k.kid);
        for kind in [SliceType::Bloom, SliceType::HashList] {
            let mut partitions = Vec::new();
            for ((x, y), chunks) in &cells {
                let id: String = (*x).into_iter().chain(*y).collect();
                let pid = if id.is_empty() { "null".to_owned() } else { id };
                let mut infos = BTreeMap::new();
                let mut p_expires = None;
                for (cid, slices) in chunks {
                    let mut list = Vec::new();
                    for (expiry, hashes) in slices {
                        let mut hashes = hashes.clone();
                        hashes.sort_unstable();
                        let bytes = slice_bytes(kind, &hashes)?;
                        let sid = hex(&healthcert_core::crypto::sha256(&bytes));
                        files.insert(format!("{}/{seg}/{pid}/{cid}/{sid}", kind.name()), bytes);
                        list.push(SliceInfo { kind, sid, expires: *expiry });
                        p_expires = p_expires.max(Some(*expiry));
                    }
                    infos.insert(cid.to_string(), list);
                }
                let p = PartitionInfo {
                    id: pid.clone(),
                    x: *x,
                    y: *y,
                    expires: p_expires.context("an empty partition")?,
                    last_updated: format_time(k.last_updated),
                    chunks: infos,
                };
                partitions.push(json!({
                    "kid": healthcert_core::formats::codec::base64::encode(&k.kid),
                    "id": if p.id == "null" { serde_json::Value::Null } else { p.id.clone().into() },
                    "x": p.x.map(String::from),
                    "y": p.y.map(String::from),
                    "lastUpdated": p.last_updated,
                    "expired": format_time(p.expires),
                    "chunks": chunks_json(&p.chunks),
                }));
            }
            files.insert(format!("{}/{seg}/partitions.json", kind.name()), pretty(&partitions)?);
        }
    }
    files.insert("lists.json".into(), pretty(&lists)?);
    Ok(files)
}

fn pretty(v: &impl serde::Serialize) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(v)?;
    out.push(b'\n');
    Ok(out)
}

/// The fixture revocation cases: (case name, signer, mode, hash type).
pub(crate) const REVOKED: [(&str, &str, Mode, RevocationHashKind); 9] = [
    ("revoked-point-uci", "dsc-ec-vaccination", Mode::Point, RevocationHashKind::Uci),
    ("revoked-point-countrycodeuci", "dsc-ec-vaccination", Mode::Point, RevocationHashKind::CountryCodeUci),
    ("revoked-point-signature", "dsc-ec-vaccination", Mode::Point, RevocationHashKind::Signature),
    ("revoked-vector-uci", "dsc-ec-test", Mode::Vector, RevocationHashKind::Uci),
    ("revoked-vector-countrycodeuci", "dsc-ec-test", Mode::Vector, RevocationHashKind::CountryCodeUci),
    ("revoked-vector-signature", "dsc-ec-test", Mode::Vector, RevocationHashKind::Signature),
    ("revoked-coordinate-uci", "dsc-ec-recovery", Mode::Coordinate, RevocationHashKind::Uci),
    ("revoked-coordinate-countrycodeuci", "dsc-ec-recovery", Mode::Coordinate, RevocationHashKind::CountryCodeUci),
    ("revoked-coordinate-signature", "dsc-ec-recovery", Mode::Coordinate, RevocationHashKind::Signature),
];

/// When the fixture service's batches expire.
pub fn batch_expiry() -> OffsetDateTime {
    at(2030, 1, 1)
}

/// The fixture service tree (under `trust/revocation/`): per signer of
/// [`REVOKED`], a kid in that mode listing every hash type, holding the
/// hash of each of its cases of the type the case names. `hc1` gives a
/// case's HC1 text.
pub(crate) fn files(pki: &crate::pki::Pki, hc1: impl Fn(&str) -> Option<String>) -> Result<Vec<(String, Vec<u8>)>> {
    let mut kids: Vec<KidSpec> = Vec::new();
    for (name, signer, mode, kind) in REVOKED {
        let text = hc1(name).with_context(|| format!("no case {name}"))?;
        let decoded = healthcert_core::formats::decode(
            &text,
            healthcert_core::formats::PrefixPolicy::Required,
            &healthcert_core::limits::Limits::DEFAULT,
        )
        .map_err(|e| anyhow::anyhow!("{name} does not decode: {:?}", e.1))?;
        let hash = decoded
            .document
            .revocation_keys(&decoded.envelope)
            .into_iter()
            .find_map(|k| match k {
                RevocationKey::Hash { kind: k, hash } if k == kind => Some(hash),
                _ => None,
            })
            .with_context(|| format!("{name} has no {} hash", hash_type_name(kind)))?;
        let kid = pki.dsc(signer).kid();
        match kids.iter_mut().find(|k| k.kid == kid) {
            Some(k) => k.hashes.push((hash, batch_expiry())),
            None => kids.push(KidSpec {
                kid,
                mode,
                hash_types: vec![
                    RevocationHashKind::Uci,
                    RevocationHashKind::CountryCodeUci,
                    RevocationHashKind::Signature,
                ],
                last_updated: at(2026, 8, 1),
                hashes: vec![(hash, batch_expiry())],
            }),
        }
    }
    Ok(tree(&kids)?.into_iter().map(|(p, b)| (format!("trust/revocation/{p}"), b)).collect())
}
