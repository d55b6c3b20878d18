//! A signer's parsed fields, stored beside its key material (schema version
//! 5): the public key (type and SEC1 point or PKCS#1 bytes), the validity
//! window, the extended key usage and the subject's country. They are
//! computed once, when a record is applied (or by the migration to version
//! 5, from the stored material); a lookup that misses the cache builds its
//! [`SignerKey`] from them and never parses a certificate or a JWK. The
//! material itself stays, for [`SignerKey::certificate`] and exports.
//!
//! A change of what is parsed from material (another field, another rule)
//! needs a migration that parses the stored material again.

use rusqlite::{Connection, params};
use time::OffsetDateTime;

use crate::crypto::{KeyError, PublicKey};
use crate::trust::update::SignerRecord;
use crate::trust::{KeyMaterial, KeyScheme, KeyStatus, KeyUsage, SignerKey};

/// Separates the extended-key-usage OIDs in their column (dotted OIDs hold
/// no space).
const OID_SEPARATOR: char = ' ';

/// The parsed fields of one signer, as columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct KeyColumns {
    /// `p256`, `p384`, `p521`, `rsa` or `ed25519`.
    pub(super) key_type: &'static str,
    /// The uncompressed SEC1 point, or the PKCS#1 `RSAPublicKey` DER.
    pub(super) public_key: Vec<u8>,
    /// Unix seconds.
    pub(super) not_before: Option<i64>,
    /// Unix seconds.
    pub(super) not_after: Option<i64>,
    /// The extended-key-usage OIDs, dotted, space-separated; empty for none.
    pub(super) eku: String,
    /// The country of an X.509 signer's subject (`C=`); the record's own
    /// country, in its column, comes first.
    pub(super) subject_country: Option<String>,
}

impl KeyColumns {
    /// Parses `material` as [`SignerKey::from_material`] does (the checks
    /// are the same: an unusable record is an error). `scheme` does not
    /// change what is parsed.
    pub(super) fn parse(
        scheme: KeyScheme,
        material: &KeyMaterial,
        issuer: Option<&str>,
        kid: &[u8],
    ) -> Result<Self, KeyError> {
        // Without the record's country, an X.509 signer's `country` is its
        // subject's.
        let key = SignerKey::from_material(scheme, material, issuer, kid, None)?;
        let (key_type, public_key) = key.public_key.stored();
        Ok(KeyColumns {
            key_type,
            public_key: public_key.to_vec(),
            not_before: key.not_before.map(OffsetDateTime::unix_timestamp),
            not_after: key.not_after.map(OffsetDateTime::unix_timestamp),
            eku: key.key_usage.oids.join(&OID_SEPARATOR.to_string()),
            subject_country: key.country,
        })
    }

    /// The columns of a record about to be stored; a bare key (no
    /// certificate) takes the validity its source declares.
    pub(super) fn of_record(record: &SignerRecord) -> Result<Self, KeyError> {
        let mut columns = Self::parse(record.scheme, &record.material, record.issuer.as_deref(), &record.kid)?;
        if !matches!(record.material, KeyMaterial::X509(_)) {
            columns.not_before = columns.not_before.or(record.not_before.map(OffsetDateTime::unix_timestamp));
            columns.not_after = columns.not_after.or(record.not_after.map(OffsetDateTime::unix_timestamp));
        }
        Ok(columns)
    }
}

/// A signer row as a lookup reads it: what identifies it and its parsed
/// fields, exactly as stored (the key type is checked when rebuilt).
pub(super) struct StoredSigner {
    pub(super) issuer: String,
    pub(super) kid: Vec<u8>,
    pub(super) country: Option<String>,
    pub(super) material_type: String,
    pub(super) material: Vec<u8>,
    pub(super) key_type: Option<String>,
    pub(super) public_key: Option<Vec<u8>>,
    pub(super) not_before: Option<i64>,
    pub(super) not_after: Option<i64>,
    pub(super) eku: Option<String>,
    pub(super) subject_country: Option<String>,
    pub(super) status: String,
}

fn time(unix: Option<i64>) -> Option<Option<OffsetDateTime>> {
    match unix {
        None => Some(None),
        Some(t) => OffsetDateTime::from_unix_timestamp(t).ok().map(Some),
    }
}

impl StoredSigner {
    /// The signer key of `scheme` these columns describe; `None` when they
    /// do not rebuild one (fields the migration could not fill, a key that
    /// fails its shape check, a time out of range, unknown material).
    pub(super) fn rebuild(self, scheme: KeyScheme) -> Option<SignerKey> {
        let public_key = PublicKey::from_stored(self.key_type.as_deref()?, self.public_key.as_deref()?).ok()?;
        let oids = self.eku?.split(OID_SEPARATOR).filter(|o| !o.is_empty()).map(str::to_owned).collect();
        Some(SignerKey {
            scheme,
            kid: self.kid,
            issuer: Some(self.issuer).filter(|i| !i.is_empty()),
            country: self.country.or(self.subject_country),
            public_key,
            not_before: time(self.not_before)?,
            not_after: time(self.not_after)?,
            key_usage: KeyUsage { oids },
            material: Some(KeyMaterial::from_stored(&self.material_type, self.material)?),
            status: KeyStatus::from_name(&self.status)?,
        })
    }
}

/// The data step of the migration to version 5: parses the material of
/// every signer row once and stores its fields. A row whose material does
/// not parse (none should: each parsed when it was applied) keeps empty
/// fields, and lookups leave it out, as they did when they parsed it.
pub(super) fn fill_columns(conn: &Connection) -> rusqlite::Result<()> {
    // Whatever the scheme, the same material parses the same way.
    const ANY: KeyScheme = KeyScheme::new("migration");
    let parsed: Vec<(i64, KeyColumns)> = {
        let mut stmt = conn.prepare("SELECT id, issuer, kid, material_type, material FROM signers")?;
        let mut rows = stmt.query([])?;
        let mut parsed = Vec::new();
        while let Some(row) = rows.next()? {
            let (id, issuer, kid): (i64, String, Vec<u8>) = (row.get(0)?, row.get(1)?, row.get(2)?);
            let Some(material) = KeyMaterial::from_stored(&row.get::<_, String>(3)?, row.get(4)?) else { continue };
            let issuer = Some(issuer.as_str()).filter(|i| !i.is_empty());
            if let Ok(columns) = KeyColumns::parse(ANY, &material, issuer, &kid) {
                parsed.push((id, columns));
            }
        }
        parsed
    };
    let mut update = conn.prepare(
        "UPDATE signers SET key_type = ?2, public_key = ?3, not_before = ?4, not_after = ?5, eku = ?6,
                subject_country = ?7
         WHERE id = ?1",
    )?;
    for (id, c) in parsed {
        update.execute(params![id, c.key_type, c.public_key, c.not_before, c.not_after, c.eku, c.subject_country])?;
    }
    Ok(())
}
