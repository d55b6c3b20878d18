//! The SQLite trust cache: signer keys, rules, value sets and per-source sync metadata.
