//! A trust database as text: every row of every data table and the
//! bookkeeping a failed sync must not change (everything but the attempt and
//! failure columns), in a stable order. Two dumps are equal exactly when the
//! data is.

use std::path::Path;

/// The tables and columns that hold data.
const TABLES: [(&str, &str); 5] = [
    ("sources", "kind, location, etag, resume_token, list_issued_at, entries, skipped, last_success, max_age_seconds"),
    ("signers", "source_id, scheme, issuer, kid, country, material_type, material_hash, material"),
    ("rules", "source_id, country, identifier, version, hash, json"),
    ("value_sets", "source_id, value_set_id, hash, json"),
    ("countries", "source_id, code"),
];

/// The data of the trust database at `db`, read without writing.
pub fn dump(db: &Path) -> String {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut out = String::new();
    for (table, columns) in TABLES {
        // A source row made only to record a failure holds no data.
        let only = if table == "sources" { " WHERE last_success IS NOT NULL" } else { "" };
        let mut stmt = conn.prepare(&format!("SELECT {columns} FROM {table}{only} ORDER BY {columns}")).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..n).map(|i| r.get::<_, rusqlite::types::Value>(i).map(short)).collect::<Result<Vec<_>, _>>()
            })
            .unwrap();
        for row in rows {
            out.push_str(&format!("{table} {}\n", row.unwrap().join("|")));
        }
    }
    out
}

/// A value as text; blobs and long texts as their length and SHA-256, so
/// that a failing comparison prints something readable.
fn short(v: rusqlite::types::Value) -> String {
    use rusqlite::types::Value;
    let digest = |b: &[u8]| {
        let h = healthcert_core::crypto::sha256(b);
        format!("{} bytes sha256:{}", b.len(), h[..8].iter().map(|x| format!("{x:02x}")).collect::<String>())
    };
    match v {
        Value::Blob(b) => digest(&b),
        Value::Text(t) if t.len() > 80 => digest(t.as_bytes()),
        other => format!("{other:?}"),
    }
}
