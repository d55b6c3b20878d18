//! The custom types of the UniFFI bindings (feature `uniffi`): the core's
//! types that the generated Kotlin and Swift hold as one of their own.
//!
//! - [`OffsetDateTime`] (a foreign type, hence `remote`) crosses as
//!   `SystemTime`: `java.time.Instant` in Kotlin, `Date` in Swift.
//! - [`FormatId`] crosses as its stable name (`hcert`); a name this build
//!   does not know lifts back as [`FormatId::UNKNOWN`].

use std::time::SystemTime;

use time::OffsetDateTime;

use crate::formats::FORMATS;
use crate::model::FormatId;

uniffi::custom_type!(OffsetDateTime, SystemTime, {
    remote,
    lower: |t| SystemTime::from(t),
    try_lift: |t| Ok(OffsetDateTime::from(t)),
});

uniffi::custom_type!(FormatId, String, {
    lower: |f| f.name().to_owned(),
    try_lift: |name| Ok(FORMATS.iter().map(|f| f.id()).find(|id| id.name() == name).unwrap_or(FormatId::UNKNOWN)),
});
