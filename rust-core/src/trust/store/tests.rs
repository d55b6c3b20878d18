//! Unit tests that need the store's insides: a failure at every point of an
//! apply leaves the database as it was (logical dump and main file bytes),
//! a database of every earlier schema version opens, upgraded, with its
//! data, and a lookup builds from the stored fields the key that parsing the
//! material gives.

use healthcert_test_support::fixtures::reference_time;
use rusqlite::types::ValueRef;
use time::OffsetDateTime;

use super::apply::{Stage, fault};
use super::*;
use crate::crypto::{jwk_thumbprint, sha256};
use crate::formats::hcert;
use crate::trust::update::{SignerChange, SignerRecord};
use crate::trust::{KeyMaterial, KeyRef, KeyScheme, kid_of};

/// The DER of every committed fixture DSC, by file name.
///
/// The fixture helpers of healthcert-test-support serve here only for what
/// returns plain types (paths, bytes, `time`): that crate links the
/// non-test build of this one, whose types are not `crate::`'s.
fn dscs() -> Vec<Vec<u8>> {
    healthcert_test_support::fixtures::dscs().into_iter().map(|(_, der)| der).collect()
}

fn record(der: &[u8]) -> SignerRecord {
    SignerRecord::x509(crate::formats::hcert::SCHEME, kid_of(der), Some("XT".into()), der.to_vec())
}

const JWK_SCHEME: KeyScheme = KeyScheme::new("test-jwk");
const JWK_ISSUER: &str = "https://issuer.example";

fn jwk_list(kid: &[u8]) -> ListKey<'_> {
    ListKey { scheme: JWK_SCHEME, issuer: Some(JWK_ISSUER), kid }
}

/// RFC 7515 appendix A.3's P-256 key (public part), with its thumbprint kid.
fn jwk_record() -> SignerRecord {
    let mut jwk = serde_json::json!({
        "kty": "EC", "crv": "P-256",
        "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
        "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
    });
    let kid = jwk_thumbprint(&jwk).unwrap();
    jwk["kid"] = kid.clone().into();
    SignerRecord::new(
        JWK_SCHEME,
        Some(JWK_ISSUER.into()),
        kid.into_bytes(),
        Some("XU".into()),
        KeyMaterial::Jwk(jwk.to_string()),
    )
}

/// The reference of a record, as a document would carry it.
fn key_ref(r: &SignerRecord) -> KeyRef {
    match &r.issuer {
        Some(issuer) => KeyRef::IssuerKid { scheme: r.scheme, issuer: issuer.clone(), kid: r.kid.clone() },
        None => KeyRef::Kid { scheme: r.scheme, kid: r.kid.clone() },
    }
}

/// Every field of `found` is what parsing `r`'s material gives.
fn assert_same_key(found: &SignerKey, r: &SignerRecord) {
    let parsed =
        SignerKey::from_material(r.scheme, &r.material, r.issuer.as_deref(), &r.kid, r.country.clone()).unwrap();
    let what = format!("{:?}", r.material);
    assert_eq!(found.scheme, parsed.scheme, "{what}");
    assert_eq!(found.kid, parsed.kid, "{what}");
    assert_eq!(found.issuer, parsed.issuer, "{what}");
    assert_eq!(found.country, parsed.country, "{what}");
    assert_eq!(found.public_key, parsed.public_key, "{what}");
    assert_eq!(found.not_before, parsed.not_before, "{what}");
    assert_eq!(found.not_after, parsed.not_after, "{what}");
    assert_eq!(found.key_usage, parsed.key_usage, "{what}");
    assert_eq!(found.material, parsed.material, "{what}");
    assert_eq!(found.kid_text(), parsed.kid_text(), "{what}");
}

fn dgca() -> SourceId {
    SourceId { kind: SourceKind::Dgca, location: "https://dgca.example/".into() }
}

fn update(signers: SignerChange, issued: OffsetDateTime) -> Update {
    Update {
        source: dgca(),
        signers,
        rules: Some(vec![RuleRecord {
            country: "XT".into(),
            identifier: "GR-XT-0001".into(),
            version: "1.0.0".into(),
            hash: "h1".into(),
            json: b"{}".to_vec(),
        }]),
        value_sets: Some(vec![ValueSetRecord { id: "vs".into(), hash: "h".into(), json: b"{}".to_vec() }]),
        countries: Some(vec!["XT".into(), "XU".into()]),
        meta: SourceMeta { etag: Some("\"e\"".into()), resume_token: None, list_issued_at: Some(issued) },
        skipped: Vec::new(),
        crls: Vec::new(),
        revocation: None,
    }
}

/// Every row of every table (and the header fields), through the writing
/// connection, which must hold no open transaction.
fn dump(store: &SqliteStore) -> Vec<String> {
    let Writer::Own(writer) = &store.write else { panic!("not a file store") };
    let guard = lock(writer);
    let conn = &*guard;
    assert!(conn.is_autocommit(), "a transaction was left open");
    let mut out = vec![format!(
        "user_version={} application_id={}",
        schema::user_version(conn).unwrap(),
        conn.query_row("PRAGMA application_id", [], |r| r.get::<_, i64>(0)).unwrap()
    )];
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\" ORDER BY rowid")).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let values: Vec<String> = (0..columns)
                .map(|i| match row.get_ref(i).unwrap() {
                    ValueRef::Blob(b) => format!("x'{}'", b.iter().map(|x| format!("{x:02x}")).collect::<String>()),
                    other => format!("{other:?}"),
                })
                .collect();
            out.push(format!("{table}: {}", values.join(", ")));
        }
    }
    out
}

fn checkpoint(store: &SqliteStore) {
    let Writer::Own(writer) = &store.write else { panic!("not a file store") };
    lock(writer).query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
}

#[test]
fn a_failure_anywhere_inside_apply_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trust.db");
    let store = SqliteStore::open(&path).unwrap();
    let now = reference_time();
    let certs = dscs();
    let first = update(SignerChange::Replace(certs[..4].iter().map(|d| record(d)).collect()), now);
    store.apply(&first, now).unwrap();
    store.record_failure(&dgca(), now, "an earlier failure").unwrap();

    let later = now + time::Duration::hours(1);
    let mut replace = update(SignerChange::Replace(certs[2..].iter().map(|d| record(d)).collect()), later);
    replace.rules.as_mut().unwrap()[0].version = "2.0.0".into();
    replace.countries = Some(vec!["XV".into()]);
    let incremental = Update {
        signers: SignerChange::Incremental {
            add: vec![record(&certs[5])],
            keep_only: Some(vec![kid_of(&certs[0]), kid_of(&certs[5])]),
        },
        ..update(SignerChange::Unchanged, later)
    };
    let cases: &[(&Update, &[Stage])] = &[
        (&replace, &[Stage::SourceRow, Stage::SignerDeletes, Stage::SignerInserts, Stage::Content, Stage::Bookkeeping]),
        (&incremental, &[Stage::SignerInserts, Stage::SignerDeletes, Stage::Bookkeeping]),
    ];

    for (up, stages) in cases {
        for stage in *stages {
            checkpoint(&store);
            let before = dump(&store);
            let file_before = std::fs::read(&path).unwrap();
            // Warm the cache, which must not be invalidated into new data.
            let kid0 = kid_of(&certs[0]);
            assert_eq!(store.signers(&hcert::kid_ref(&kid0)).unwrap().len(), 1);

            fault::arm(*stage);
            let err = store.apply(up, later).unwrap_err();
            assert!(err.to_string().contains("injected fault"), "{stage:?} did not fire: {err}");
            assert_eq!(dump(&store), before, "after a fault at {stage:?}");
            assert_eq!(std::fs::read(&path).unwrap(), file_before, "main file changed at {stage:?}");
            assert_eq!(store.signers(&hcert::kid_ref(&kid0)).unwrap().len(), 1);
            assert!(store.signers(&hcert::kid_ref(&kid_of(&certs[6]))).unwrap().is_empty());
        }
    }

    // A rollback and a constraint violation after the deletes: same.
    let before = dump(&store);
    let mut old = replace.clone();
    old.meta.list_issued_at = Some(now - time::Duration::seconds(1));
    assert!(matches!(store.apply(&old, later), Err(Error::TrustRollback { .. })));
    assert_eq!(dump(&store), before);
    let mut ambiguous = replace.clone();
    let rule = ambiguous.rules.as_ref().unwrap()[0].clone();
    ambiguous.rules.as_mut().unwrap().push(RuleRecord { hash: "other".into(), ..rule });
    let err = store.apply(&ambiguous, later).unwrap_err();
    assert!(err.to_string().contains("UNIQUE"), "{err}");
    assert_eq!(dump(&store), before);

    // And without a fault, the same update does change the database.
    let report = store.apply(&replace, later).unwrap();
    assert_ne!(dump(&store), before);
    assert_eq!((report.added, report.removed), (certs.len() - 4, 2));
    assert!(store.signers(&hcert::kid_ref(&kid_of(&certs[0]))).unwrap().is_empty());
}

#[test]
fn the_cache_is_invalidated_by_every_commit() {
    let store = SqliteStore::open_in_memory().unwrap();
    let now = reference_time();
    let certs = dscs();
    store.apply(&update(SignerChange::Replace(vec![record(&certs[0])]), now), now).unwrap();
    let kid0 = kid_of(&certs[0]);
    let kid1 = kid_of(&certs[1]);
    assert_eq!(store.signers(&hcert::kid_ref(&kid0)).unwrap().len(), 1);
    assert!(store.signers(&hcert::kid_ref(&kid1)).unwrap().is_empty(), "a miss, cached");
    assert_eq!(lock(&store.read).cache.cached_kids(), 2);
    let swap = update(SignerChange::Replace(vec![record(&certs[1])]), now);
    store.apply(&swap, now).unwrap();
    assert_eq!(lock(&store.read).cache.cached_kids(), 0);
    assert!(store.signers(&hcert::kid_ref(&kid0)).unwrap().is_empty());
    assert_eq!(store.signers(&hcert::kid_ref(&kid1)).unwrap().len(), 1);
}

/// Fills a database migrated to `version` with data in that version's shape.
/// The source row every version since 1 holds alike, synced at `t`.
fn insert_source(conn: &Connection, t: i64) {
    conn.execute(
        "INSERT INTO sources (id, kind, location, etag, resume_token, list_issued_at, entries, skipped,
                              last_attempt, last_success, last_failure, failure_reason)
         VALUES (1, 'dgca', 'https://dgca.example/', '\"v1\"', 'tok', ?1, 1, 2, ?1, ?1, ?1, 'timeout')",
        [t],
    )
    .unwrap();
}

fn populate(conn: &Connection, version: u32, der: &[u8], t: i64) {
    match version {
        0 => {}
        // Versions 2 and 3 added nullable columns and tables only: the same
        // rows, written in each version's shape (version 4 rebuilt the
        // signers table).
        1..=3 => {
            insert_source(conn, t);
            conn.execute(
                "INSERT INTO signers (source_id, scheme, kid, country, cert_hash, certificate)
                 VALUES (1, 'dcc', ?1, 'XT', ?2, ?3)",
                rusqlite::params![kid_of(der), sha256(der).as_slice(), der],
            )
            .unwrap();
            if version == 3 {
                // Version 3 keeps the count with every commit that changes signers.
                conn.execute("UPDATE store_stats SET distinct_signers = 1 WHERE id = 1", []).unwrap();
            }
        }
        // Version 4: signers keyed by (scheme, issuer, kid) with X.509 or
        // JWK material, before their parsed fields were stored. The second
        // certificate row is not a certificate: it was left out of lookups
        // then and is after the upgrade too. Versions 5 and 6 hold the same
        // rows with their parsed fields, filled as their writes fill them
        // (version 6 added revocation tables only, version 7 the status
        // column with its default, version 8 rebuilt the table for more key
        // types; version 9 added the clock record and the wallet only,
        // version 10 the EU DCC revocation tables only).
        4..=9 => {
            insert_source(conn, t);
            let jwk = jwk_record();
            let rows = [
                ("dcc", "", kid_of(der), Some("XT"), "x509", der.to_vec()),
                ("dcc", "", b"broken".to_vec(), None, "x509", b"not a certificate".to_vec()),
                (JWK_SCHEME.name(), JWK_ISSUER, jwk.kid.clone(), Some("XU"), "jwk", jwk.material.bytes().to_vec()),
            ];
            for (scheme, issuer, kid, country, material_type, material) in rows {
                conn.execute(
                    "INSERT INTO signers (source_id, scheme, issuer, kid, country, material_type, material_hash, material)
                     VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    rusqlite::params![scheme, issuer, kid, country, material_type, sha256(&material).as_slice(), material],
                )
                .unwrap();
            }
            conn.execute("UPDATE store_stats SET distinct_signers = 3 WHERE id = 1", []).unwrap();
            if version >= 5 {
                super::keys::fill_columns(conn).unwrap();
            }
        }
        v => panic!("no test data for schema version {v}: add it here when adding a migration"),
    }
}

#[test]
fn every_earlier_version_opens_upgraded_with_its_data() {
    assert_eq!(CURRENT_VERSION, 10, "extend `populate` for the new version");
    let dir = tempfile::tempdir().unwrap();
    let now = reference_time();
    let der = &dscs()[0];
    for version in 0..CURRENT_VERSION {
        let path = dir.path().join(format!("v{version}.db"));
        {
            let mut conn = Connection::open(&path).unwrap();
            schema::migrate_with(&mut conn, "t", schema::MIGRATIONS, version).unwrap();
            populate(&conn, version, der, now.unix_timestamp());
        }
        // A reader does not upgrade: it says the file needs a write.
        let before = std::fs::read(&path).unwrap();
        let expected = if version == 0 { NeedsWrite::Empty } else { NeedsWrite::OlderSchema { found: version } };
        assert_eq!(SqliteStore::open_read_only(&path).unwrap().err(), Some(expected), "v{version}");
        assert_eq!(std::fs::read(&path).unwrap(), before, "v{version} read-only");
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), CURRENT_VERSION, "from v{version}");
        assert!(store.integrity_check().unwrap());
        let status = store.status(now).unwrap();
        if version == 0 {
            assert!(status.is_empty());
            assert_eq!(store.len(), 0);
        } else {
            let signers = store.signers(&hcert::kid_ref(&kid_of(der))).unwrap();
            assert_eq!(signers.len(), 1, "the v{version} signer survived");
            assert_eq!(signers[0].certificate(), Some(der.as_slice()));
            assert_same_key(&signers[0], &record(der));
            assert_eq!(signers[0].status, crate::trust::KeyStatus::Current, "rows of earlier versions are current");
            let embedded = KeyRef::Embedded { scheme: hcert::SCHEME, certificate: der.clone(), anchors: None };
            assert_eq!(store.signers(&embedded).unwrap().len(), 1, "found by its certificate too");
            let other = KeyRef::Kid { scheme: KeyScheme::new("other"), kid: kid_of(der) };
            assert!(store.signers(&other).unwrap().is_empty(), "not offered to another scheme");
            assert_eq!(status.len(), 1);
            let s = &status[0];
            assert_eq!((s.entries, s.skipped, s.max_age_seconds), (1, 2, None));
            assert_eq!(s.failure_reason.as_deref(), Some("timeout"));
            let meta = store.source_meta(&dgca()).unwrap();
            assert_eq!((meta.etag.as_deref(), meta.resume_token.as_deref()), (Some("\"v1\""), Some("tok")));
            assert_eq!(meta.list_issued_at, Some(now));
        }
        if version >= 4 {
            let jwk = jwk_record();
            let found = store.signers(&key_ref(&jwk)).unwrap();
            assert_eq!(found.len(), 1, "the v{version} JWK signer survived");
            assert_same_key(&found[0], &jwk);
            assert!(store.signers(&hcert::kid_ref(b"broken")).unwrap().is_empty(), "still left out");
        }
        // The new version's features work on the upgraded file.
        store.set_max_age(&dgca(), Some(60)).unwrap();
        store.apply(&update(SignerChange::Unchanged, now), now).unwrap();
        assert_eq!(store.rules("XT").unwrap().len(), 1);
        assert_eq!(store.countries().unwrap(), ["XT", "XU"]);
        assert_eq!(store.status(now).unwrap()[0].max_age_seconds, Some(60));
        let rid = |r: &str| crate::formats::RevocationKey::Rid { rid: r.into(), issued_at: Some(now) };
        let revocation = |r: &str| store.revocation(jwk_list(b"k"), &rid(r), OffsetDateTime::UNIX_EPOCH).unwrap();
        assert_eq!(revocation("a"), Revocation::NoList, "no revocation data before version 6");
        let crl = Crl::from_entries("k".into(), 2, [("a".to_owned(), None)]);
        store.import_crl(JWK_SCHEME, JWK_ISSUER, &crl, now).unwrap();
        assert_eq!(
            (revocation("a"), revocation("b")),
            (Revocation::Revoked { ctr: 2 }, Revocation::NotRevoked { ctr: 2 })
        );
        let signers = match version {
            0 => 0,
            1..=3 => 1,
            _ => 3,
        };
        assert_eq!(store.len(), signers);
    }
}

/// A lookup that misses the cache builds each key from its stored fields:
/// every field is what parsing its material gives (P-256, P-384 and RSA
/// certificates, with and without extended key usage, a country from the
/// record or from the subject, a JWK). A row whose fields do not rebuild a
/// key is left out.
#[test]
fn lookups_build_from_stored_fields_what_parsing_gives() {
    let store = SqliteStore::open_in_memory().unwrap();
    let now = reference_time();
    let mut records: Vec<SignerRecord> = dscs().iter().map(|d| record(d)).collect();
    // Without a listed country: the subject's.
    let der = dscs().remove(0);
    records.push(SignerRecord::x509(KeyScheme::new("other"), kid_of(&der), None, der));
    records.push(jwk_record());
    let report = store.apply(&update(SignerChange::Replace(records.clone()), now), now).unwrap();
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    let mut kinds = std::collections::BTreeSet::new();
    for r in &records {
        let found = store.signers(&key_ref(r)).unwrap();
        assert_eq!(found.len(), 1, "{:?}", r.material);
        assert_same_key(&found[0], r);
        kinds.insert(found[0].public_key.describe());
        lock(&store.read).cache.invalidate();
    }
    assert!(kinds.iter().any(|k| k.starts_with("RSA")) && kinds.contains("P-384"), "{kinds:?}");
    let with_eku = records.iter().filter(|r| !store.signers(&key_ref(r)).unwrap()[0].key_usage.oids.is_empty());
    assert!(with_eku.count() > 0, "a fixture signer has extended key usage");

    // Fields that do not rebuild a key leave the row out, as a certificate
    // that did not parse did.
    let all = update(SignerChange::Replace(records.clone()), now);
    let kid0 = records[0].kid.clone();
    for broken in [
        "UPDATE signers SET public_key = x'0400' WHERE kid = ?1",
        "UPDATE signers SET key_type = NULL WHERE kid = ?1",
        "UPDATE signers SET not_after = 9223372036854775807 WHERE kid = ?1",
    ] {
        assert_eq!(store.signers(&hcert::kid_ref(&kid0)).unwrap().len(), 1);
        {
            // The in-memory store writes through its reading connection.
            let mut reader = lock(&store.read);
            reader.conn.execute(broken, [&kid0]).unwrap();
            reader.cache.invalidate();
        }
        assert!(store.signers(&hcert::kid_ref(&kid0)).unwrap().is_empty(), "{broken}");
        store.apply(&all, now).unwrap();
    }
}

thread_local!(static WHILE_COMPILING: std::cell::RefCell<Option<Box<dyn FnOnce()>>> = const { std::cell::RefCell::new(None) });

/// Runs the hook a test set on this thread, between reading the rule
/// documents and compiling them.
pub(super) fn while_compiling() {
    if let Some(hook) = WHILE_COMPILING.with(|h| h.borrow_mut().take()) {
        hook();
    }
}

/// Runs `f` on another thread; a hang guard, not a timing assertion.
fn on_another_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(30)).expect("blocked behind the rules compilation")
}

/// While one verification compiles the business rules (a few hundred
/// milliseconds for thousands of rules), another one's signer lookup and a
/// commit go on: the compilation holds no lock of the reader. Rules
/// compiled from what was read before that commit serve the verification
/// that read them, and are not kept.
#[test]
fn lookups_and_commits_go_on_while_rules_compile() {
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    let now = reference_time();
    let certs = dscs();
    store.apply(&update(SignerChange::Replace(vec![record(&certs[0])]), now), now).unwrap();
    let kid0 = kid_of(&certs[0]);
    let (s, k) = (Arc::clone(&store), kid0.clone());
    WHILE_COMPILING.with(|h| {
        *h.borrow_mut() = Some(Box::new(move || {
            let lookup = Arc::clone(&s);
            assert_eq!(on_another_thread(move || lookup.signers(&hcert::kid_ref(&k)).unwrap().len()), 1);
            let mut two = update(SignerChange::Unchanged, now);
            let mut second = two.rules.as_ref().unwrap()[0].clone();
            second.identifier = "GR-XT-0002".into();
            second.json = b"[]".to_vec();
            two.rules.as_mut().unwrap().push(second);
            on_another_thread(move || s.apply(&two, now).map(drop)).unwrap();
        }));
    });
    // The documents of the test updates (`{}`, `[]`) are not rules: counted.
    let held = store.business_rules().unwrap().unwrap();
    assert_eq!(held.skipped_rules, 1, "what this verification read");
    assert_eq!(store.business_rules().unwrap().unwrap().skipped_rules, 2, "recompiled after the commit");
}

/// A revocation list replaces one with a lower or equal ctr, a lower one is
/// refused and the held list kept; a file store's reader sees each commit.
#[test]
fn revocation_lists_replace_older_ones_and_refuse_rollbacks() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("t.db")).unwrap();
    let now = reference_time();
    let card = |rid: &str, issued: i64| crate::formats::RevocationKey::Rid {
        rid: rid.into(),
        issued_at: Some(OffsetDateTime::from_unix_timestamp(issued).unwrap()),
    };
    let ask = |kid: &[u8], key| store.revocation(jwk_list(kid), &key, OffsetDateTime::UNIX_EPOCH).unwrap();
    let v2 = Crl::from_entries("k".into(), 2, [("a".to_owned(), None), ("b".to_owned(), Some(1000))]);
    assert_eq!(store.import_crl(JWK_SCHEME, JWK_ISSUER, &v2, now).unwrap(), CrlImport { replaced: None, entries: 2 });
    assert_eq!(ask(b"k", card("a", 5000)), Revocation::Revoked { ctr: 2 }, "a bare rid");
    assert_eq!(ask(b"k", card("b", 999)), Revocation::Revoked { ctr: 2 }, "issued before T");
    assert_eq!(ask(b"k", card("b", 1000)), Revocation::NotRevoked { ctr: 2 }, "issued at T");
    assert_eq!(ask(b"k", card("c", 1)), Revocation::NotRevoked { ctr: 2 });
    assert_eq!(ask(b"other", card("a", 1)), Revocation::NoList, "another key");
    let elsewhere = store
        .revocation(
            ListKey { issuer: Some("https://other.example"), ..jwk_list(b"k") },
            &card("a", 1),
            OffsetDateTime::UNIX_EPOCH,
        )
        .unwrap();
    assert_eq!(elsewhere, Revocation::NoList, "another issuer's key of the same kid");
    assert_eq!(
        store
            .revocation(ListKey { issuer: None, ..jwk_list(b"k") }, &card("a", 1), OffsetDateTime::UNIX_EPOCH)
            .unwrap(),
        Revocation::NoList
    );

    let v3 = Crl::from_entries("k".into(), 3, [("c".to_owned(), None)]);
    assert_eq!(store.import_crl(JWK_SCHEME, JWK_ISSUER, &v3, now).unwrap().replaced, Some(2));
    assert_eq!(ask(b"k", card("a", 5000)), Revocation::NotRevoked { ctr: 3 }, "the old entries are gone");
    assert_eq!(ask(b"k", card("c", 1)), Revocation::Revoked { ctr: 3 });

    let before = dump(&store);
    match store.import_crl(JWK_SCHEME, JWK_ISSUER, &v2, now) {
        Err(Error::CrlRollback { held: 3, offered: 2, .. }) => {}
        other => panic!("expected a rollback refusal, got {other:?}"),
    }
    assert_eq!(dump(&store), before, "a refused list changes nothing");
    assert_eq!(store.import_crl(JWK_SCHEME, JWK_ISSUER, &v3, now).unwrap().replaced, Some(3), "the same ctr again");
}

#[test]
fn the_trusted_time_mark_only_moves_forward() {
    let store = SqliteStore::open_in_memory().unwrap();
    assert_eq!(store.trusted_time().unwrap(), None);
    let t = reference_time();
    // A signed list's time raises the mark.
    store.apply(&update(SignerChange::Replace(Vec::new()), t), t).unwrap();
    let held = store.trusted_time().unwrap().unwrap();
    assert_eq!((held.high_water, held.server_time), (Some(t), None));
    // A later server time raises it; the observation is kept.
    let later = t + time::Duration::hours(1);
    store.record_server_time(later, t).unwrap();
    let held = store.trusted_time().unwrap().unwrap();
    assert_eq!((held.high_water, held.server_time, held.device_time), (Some(later), Some(later), Some(t)));
    assert_eq!(held.server_skew(), Some(time::Duration::hours(-1)));
    // An earlier one is recorded as the last server time but never lowers
    // the mark; nor does an older signed time.
    let earlier = t - time::Duration::days(30);
    store.record_server_time(earlier, earlier).unwrap();
    store.raise_trusted_time(earlier).unwrap();
    let held = store.trusted_time().unwrap().unwrap();
    assert_eq!(
        (held.high_water, held.server_time, held.server_skew()),
        (Some(later), Some(earlier), Some(time::Duration::ZERO))
    );
}

/// EU DCC revocation data: stored by a sync's update, looked up from the
/// cache (only slices live at the verification time count), kept whole
/// when an apply fails anywhere, and a cell whose announced slices are not
/// held reported as missing.
#[test]
fn dcc_revocation_data_is_looked_up_and_kept_through_a_failed_apply() {
    use std::collections::BTreeMap;

    use crate::formats::RevocationHashKind::{Signature, Uci};
    use crate::trust::revocation::data::{KidInfo, PartitionInfo, RevocationDelta, SliceInfo, SliceRecord};
    use crate::trust::revocation::{BloomFilter, Mode, SliceType, hex};
    use crate::trust::update::SourceMeta;

    let store = SqliteStore::open_in_memory().unwrap();
    let now = reference_time();
    let source = SourceId { kind: SourceKind::Revocation, location: "https://revocation.example/".into() };
    let kid = b"kid-1234".to_vec();
    let revoked = [0x12u8; 16];
    let bytes = BloomFilter::build(1, 1e-12, [revoked.as_slice()]).unwrap().to_bytes();
    let expires = now + time::Duration::days(365);
    let info = SliceInfo { kind: SliceType::Bloom, sid: hex(&sha256(&bytes)), expires };
    let partition = |chunks: Vec<(&str, SliceInfo)>| PartitionInfo {
        id: "null".into(),
        x: None,
        y: None,
        expires,
        last_updated: "2026-08-01T00:00:00Z".into(),
        chunks: chunks.into_iter().map(|(c, i)| (c.to_owned(), vec![i])).collect::<BTreeMap<_, _>>(),
    };
    let delta = RevocationDelta {
        listed: Some(vec![kid.clone()]),
        kids: vec![KidInfo {
            kid: kid.clone(),
            mode: Mode::Point,
            hash_types: vec![Uci],
            expires,
            last_updated: "2026-08-01T00:00:00Z".into(),
        }],
        partitions: vec![(kid.clone(), partition(vec![("1", info.clone())]))],
        add: vec![(kid.clone(), SliceRecord { pid: "null".into(), cid: "1".into(), info: info.clone(), bytes })],
        ..RevocationDelta::default()
    };
    let with = |delta: RevocationDelta| Update {
        revocation: Some(Box::new(delta)),
        ..Update::unchanged(source.clone(), SourceMeta::default())
    };
    let list = ListKey { scheme: hcert::SCHEME, issuer: None, kid: &kid };
    let ask = |kind, hash: [u8; 16], at| store.revocation(list, &RevocationKey::Hash { kind, hash }, at).unwrap();
    assert_eq!(ask(Uci, revoked, now), Revocation::NoList, "no revocation service synced");

    store.apply(&with(delta.clone()), now).unwrap();
    let listed = ask(Uci, revoked, now);
    assert!(
        matches!(listed, Revocation::DccListed { kind: Uci, mode: Mode::Point, slice: SliceType::Bloom, prob_rate }
            if prob_rate == 1e-12),
        "{listed:?}"
    );
    assert!(matches!(ask(Uci, [0x13; 16], now), Revocation::DccNotListed { mode: Mode::Point, .. }), "same cell");
    assert!(matches!(ask(Uci, [0x23; 16], now), Revocation::DccNotListed { .. }), "a cell without data");
    assert!(matches!(ask(Signature, revoked, now), Revocation::DccNotListed { .. }), "a hash type not listed");
    assert!(matches!(ask(Uci, revoked, expires), Revocation::DccNotListed { .. }), "the batch has expired");
    let other = ListKey { kid: b"other-kid", ..list };
    assert!(matches!(
        store.revocation(other, &RevocationKey::Hash { kind: Uci, hash: revoked }, now).unwrap(),
        Revocation::DccKidNotListed { synced_at } if synced_at == now
    ));

    // The service stops listing the kid; the apply fails at each stage
    // first, and the data held stays whole.
    let gone = with(RevocationDelta { listed: Some(Vec::new()), ..RevocationDelta::default() });
    for stage in [Stage::SourceRow, Stage::Content, Stage::Bookkeeping] {
        fault::arm(stage);
        assert!(store.apply(&gone, now).is_err(), "{stage:?}");
        assert!(matches!(ask(Uci, revoked, now), Revocation::DccListed { .. }), "{stage:?}");
    }
    store.apply(&gone, now).unwrap();
    assert!(matches!(ask(Uci, revoked, now), Revocation::DccKidNotListed { .. }));

    // A partition announcing a slice the store does not hold.
    let missing = RevocationDelta { add: Vec::new(), ..delta };
    store.apply(&with(missing), now).unwrap();
    assert_eq!(ask(Uci, revoked, now), Revocation::DccDataMissing { mode: Mode::Point });
}
