//! A developer-facing validator for SMART Health Cards: given an artefact
//! of a stated kind (a FHIR bundle, a JWS payload, a compact JWS, `shc:/`
//! numeric QR chunks, a `.smart-health-card` file or a FHIR
//! `$health-cards-issue` response), an issuer key set and a validation
//! time, it lists diagnostics, each with a level and a stable code named
//! after the SMART Health Cards dev tools' `ErrorCode`
//! (smart-on-fhir/health-cards-dev-tools, `src/error.ts`).
//!
//! It is not the verifier: [`verify`](crate::verify) decides a verdict and
//! stops at the first failure; this walks on, as the dev tools do, and also
//! reports the SMART Health Cards Framework's authoring rules (short
//! `resource:N` references, no `id`/`meta`/`text` in resources, no
//! `Coding.display` or `CodeableConcept.text`, chunking deprecated, …).
//! It decodes with the verifier's own pieces ([`numeric`],
//! [`jws::inflate`], [`jws::is_der_signature`],
//! [`card::parse_claims`], the bounded codecs,
//! [`crypto::verify`]), and says in an info
//! diagnostic what the verifier's own JWS reading concluded. Nothing here
//! runs on the verification path.
//!
//! What it does not do (the dev tools do, and the conformance runner lists
//! such cases as gaps or skips): download issuer keys, revocation lists or
//! the VCI directory (no network), SMART Health Links, check a key set's
//! X.509 chain, read SVG pictures or a QR code's version and segments.
//! Element checks against the FHIR R4 JSON schema run when a schema is
//! given ([`Options::fhir_schema`], evaluated by
//! [`schema_subset`]); without one, the type-driven
//! rules are skipped and an info diagnostic says so.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::{card, jws, numeric};
use crate::crypto::{self, SignatureAlgorithm};
use crate::formats::codec::base64;
use crate::formats::codec::deflate::{self, Container};
use crate::formats::codec::json;
use crate::limits::Limits;
use crate::trust::SignerKey;

use super::schema_subset;

/// How serious a diagnostic is (the dev tools' log levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Processing of this artefact (or this part) stopped here.
    Fatal,
    /// The artefact breaks a rule.
    Error,
    /// The artefact is usable but not as the specification asks.
    Warning,
    /// Information: what was checked, or what could not be.
    Info,
}

impl Level {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Level::Fatal => "fatal",
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

macro_rules! codes {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// A diagnostic's stable code, named after the dev tools' `ErrorCode`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Code { $(#[doc = $name] $variant),* }

        impl Code {
            /// Every code.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The dev tools' name (`SCHEMA_ERROR`, …).
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name),* }
            }

            /// The code of a dev-tools name.
            pub fn from_name(name: &str) -> Option<Code> {
                match name { $($name => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    Error => "ERROR",
    CriticalDataMissing => "CRITICAL_DATA_MISSING",
    SchemaError => "SCHEMA_ERROR",
    FhirSchemaError => "FHIR_SCHEMA_ERROR",
    InflationError => "INFLATION_ERROR",
    JwsHeaderError => "JWS_HEADER_ERROR",
    JwsVerificationError => "JWS_VERIFICATION_ERROR",
    SignatureFormatError => "SIGNATURE_FORMAT_ERROR",
    IssuerKidMismatch => "ISSUER_KID_MISMATCH",
    InvalidIssuerUrl => "INVALID_ISSUER_URL",
    InvalidQr => "INVALID_QR",
    InvalidQrVersion => "INVALID_QR_VERSION",
    InvalidNumericQr => "INVALID_NUMERIC_QR",
    InvalidNumericQrHeader => "INVALID_NUMERIC_QR_HEADER",
    MissingQrChunk => "MISSING_QR_CHUNK",
    QrChunkingDeprecated => "QR_CHUNKING_DEPRECATED",
    UnbalancedQrChunks => "UNBALANCED_QR_CHUNKS",
    QrDecodeError => "QR_DECODE_ERROR",
    JsonParseError => "JSON_PARSE_ERROR",
    RevocationError => "REVOCATION_ERROR",
    JwsTooLong => "JWS_TOO_LONG",
    InvalidFileExtension => "INVALID_FILE_EXTENSION",
    TrailingCharacters => "TRAILING_CHARACTERS",
    NotYetValid => "NOT_YET_VALID",
    ExpirationError => "EXPIRATION_ERROR",
    ProfileError => "PROFILE_ERROR",
}

/// One finding. Messages name paths and counts, never card contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious.
    pub level: Level,
    /// The stable code.
    pub code: Code,
    /// What was found, and where.
    pub message: String,
}

/// The artefact to validate, of the kind its caller states.
#[derive(Debug, Clone, Copy)]
pub enum Artefact<'a> {
    /// A FHIR bundle (JSON text).
    FhirBundle(&'a str),
    /// The JWS payload: the JWT claims (JSON text).
    JwsPayload(&'a str),
    /// A compact JWS.
    Jws(&'a str),
    /// The `shc:/` texts of one card's QR code(s), in the order scanned.
    QrNumeric(&'a [String]),
    /// A `.smart-health-card` file, with its file name (for the extension).
    HealthCard {
        /// The file's text.
        text: &'a str,
        /// Its name, when known.
        file_name: Option<&'a str>,
    },
    /// A FHIR `$health-cards-issue` response (a `Parameters` resource).
    FhirHealthCard(&'a str),
    /// Pictures (PNG, JPEG) of one card's QR code(s), read with the
    /// project's scanner ([`picture`](crate::picture), [`scan`](crate::scan)).
    #[cfg(feature = "picture")]
    QrPictures(&'a [Vec<u8>]),
}

/// A profile of extra rules on the bundle.
#[derive(Debug, Clone, Default)]
pub enum Profile {
    /// No profile.
    #[default]
    Any,
    /// The dev tools' `usa-covid19-immunization` profile: exactly one
    /// Patient, Immunizations only, an authorised COVID-19 CVX code,
    /// `occurrenceDateTime` as `YYYY-MM-DD`, and no element the data
    /// minimization profiles forbid (the lists are given by the caller:
    /// the dev tools keep them in `schema/immunization-dm.json` and
    /// `schema/patient-dm.json`).
    UsaCovid19Immunization(DataMinimization),
}

/// The data-minimization constraints of a profile.
#[derive(Debug, Clone, Default)]
pub struct DataMinimization {
    /// `Resource.path.to.element` paths that must not be present.
    pub must_not_contain: Vec<String>,
    /// `(path, literal)`: the element's text must contain the literal.
    pub patterns: Vec<(String, String)>,
}

/// What the validator is given besides the artefact.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// The validation time ("now").
    pub now: OffsetDateTime,
    /// The issuer keys known (of any issuer; each with its issuer).
    pub keys: &'a [SignerKey],
    /// The FHIR R4 JSON schema (`definitions` per resource type), for the
    /// element checks; `None` skips them.
    pub fhir_schema: Option<&'a Value>,
    /// A profile of extra bundle rules.
    pub profile: Profile,
    /// Codes left out of the result (the dev tools' `exclude` option).
    pub exclude: Vec<Code>,
    /// Input limits.
    pub limits: Limits,
}

/// The dev tools' "QR code fits in one version 22 code" limit, in JWS characters.
pub const MAX_SINGLE_QR_JWS_LEN: usize = 1195;
/// The largest JWS chunk of a chunked card.
pub const MAX_QR_CHUNK_LEN: usize = 1191;
/// The dev tools' threshold above which `nbf`/`exp` look like milliseconds:
/// 2021-02-01 in milliseconds since the epoch.
const MILLISECONDS_THRESHOLD: f64 = 1_612_137_600_000.0;
/// Most QR chunks read.
const MAX_FILES: usize = super::MAX_CHUNKS;
/// Most JWSs read from one file.
const MAX_JWS_PER_FILE: usize = 64;

/// The CDC CVX codes of COVID-19 vaccines the dev tools recognise.
const COVID_CVX: &[&str] = &[
    "207", "208", "210", "212", "217", "218", "219", "500", "501", "502", "503", "504", "505", "506", "507", "508",
    "509", "510", "511",
];
/// The CDC-authorised ones (the `usa-covid19-immunization` profile).
const COVID_CVX_AUTHORIZED: &[&str] = &["207", "208", "212", "217", "218"];
/// LOINC codes of COVID-19 tests the dev tools recognise.
const COVID_LOINC: &[&str] = &[
    "50548-7", "68993-5", "82159-5", "94306-8", "94307-6", "94308-4", "94309-2", "94500-6", "94502-2", "94503-0",
    "94504-8", "94507-1", "94508-9", "94531-1", "94533-7", "94534-5", "94547-7", "94558-4", "94559-2", "94562-6",
    "94563-4", "94564-2", "94565-9", "94640-0", "94661-6", "94756-4", "94757-2", "94758-0", "94759-8", "94760-6",
    "94761-4", "94762-2", "94764-8", "94845-5", "95209-3", "95406-5", "95409-9", "95416-4", "95423-0", "95424-8",
    "95425-5", "95542-7", "95608-6", "95609-4",
];

const HEALTH_CARD: &str = card::HEALTH_CARD_TYPE;
const IMMUNIZATION: &str = card::IMMUNIZATION_TYPE;
const LABORATORY: &str = card::LABORATORY_TYPE;
const COVID19: &str = "https://smarthealth.cards#covid19";
const VERIFIABLE_CREDENTIAL: &str = "VerifiableCredential";

struct Log<'o, 'a> {
    out: Vec<Diagnostic>,
    options: &'o Options<'a>,
}

impl Log<'_, '_> {
    fn add(&mut self, level: Level, code: Code, message: impl Into<String>) {
        self.out.push(Diagnostic { level, code, message: message.into() });
    }
    fn fatal(&mut self, code: Code, m: impl Into<String>) {
        self.add(Level::Fatal, code, m);
    }
    fn error(&mut self, code: Code, m: impl Into<String>) {
        self.add(Level::Error, code, m);
    }
    fn warn(&mut self, code: Code, m: impl Into<String>) {
        self.add(Level::Warning, code, m);
    }
    fn info(&mut self, m: impl Into<String>) {
        self.add(Level::Info, Code::Error, m);
    }
}

/// Validates `artefact` and returns every diagnostic, in the order found.
pub fn validate(artefact: Artefact<'_>, options: &Options<'_>) -> Vec<Diagnostic> {
    let mut log = Log { out: Vec::new(), options };
    match artefact {
        Artefact::FhirBundle(text) => fhir_bundle_text(text, &mut log),
        Artefact::JwsPayload(text) => jws_payload_text(text, &mut log),
        Artefact::Jws(text) => jws_text(text, &mut log),
        Artefact::QrNumeric(chunks) => qr_numeric(chunks, &mut log),
        Artefact::HealthCard { text, file_name } => health_card(text, file_name, &mut log),
        Artefact::FhirHealthCard(text) => fhir_health_card(text, &mut log),
        #[cfg(feature = "picture")]
        Artefact::QrPictures(pictures) => qr_pictures(pictures, &mut log),
    }
    let mut out = log.out;
    out.retain(|d| !options.exclude.contains(&d.code));
    out
}

/// JavaScript's `String.prototype.trim` white space (which includes the
/// byte-order mark).
fn js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Trims, reporting leading or trailing white space with `level`.
fn trimmed<'t>(text: &'t str, what: &str, log: &mut Log<'_, '_>) -> &'t str {
    let t = text.trim_matches(js_space);
    if t.len() != text.len() {
        log.error(Code::TrailingCharacters, format!("{what} has leading or trailing white space"));
    }
    t
}

/// Largest JSON text read (a pretty-printed file may be larger than an
/// inflated payload is allowed to be).
pub const MAX_JSON_TEXT_LEN: usize = 4 << 20;

/// A member name or type as it may appear in a message: ASCII letters,
/// digits and `_` only (FHIR's names), else `?`: messages never repeat
/// other card text.
fn shown(name: &str) -> &str {
    if !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        name
    } else {
        "?"
    }
}

fn parse_json(text: &str, limits: &Limits) -> Option<Value> {
    json::parse(text.as_bytes(), MAX_JSON_TEXT_LEN.max(limits.max_inflated_len), limits.max_json_depth).ok()
}

// ---------------------------------------------------------------- QR numeric

struct Chunk {
    index: usize,
    jws: String,
}

fn positive(s: &str) -> Option<usize> {
    (!s.is_empty() && s.len() <= 6 && !s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())?
}

/// `i/n/rest` with positive `i` and `n`.
fn chunk_header(body: &str) -> Option<(usize, usize, &str)> {
    let mut it = body.splitn(3, '/');
    let (i, n, rest) = (it.next()?, it.next()?, it.next()?);
    Some((positive(i)?, positive(n)?, rest))
}

/// One `shc:/` text to its JWS part (the dev tools' `shcToJws`).
fn shc_to_jws(shc: &str, count: usize, log: &mut Log<'_, '_>) -> Option<Chunk> {
    let body = shc.strip_prefix(numeric::PREFIX);
    let header = body.and_then(chunk_header);
    let mut chunked = count > 1;
    if chunked {
        if let Some((_, n, _)) = header
            && n != count
        {
            log.fatal(Code::MissingQrChunk, format!("missing QR chunk: {count} received, the header says {n}"));
            return None;
        }
    } else if header.is_some_and(|(_, n, _)| n == 1) {
        log.warn(Code::InvalidNumericQrHeader, "a single-chunk numeric QR code should start shc:/, not shc:/1/1/");
        chunked = true;
    }
    let Some(body) = body.filter(|_| !chunked || header.is_some()) else {
        let expected = if chunked { "shc:/i/n/" } else { "shc:/" };
        log.error(Code::InvalidNumericQrHeader, format!("invalid numeric QR header: expected {expected}"));
        return None;
    };
    let (index, digits) = match header.filter(|_| chunked) {
        Some((i, _, rest)) => (i, rest),
        None => (1, body),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        log.fatal(Code::InvalidNumericQr, "invalid numeric QR: the body is not all digits");
        return None;
    }
    if chunked && !(1..=count).contains(&index) {
        log.fatal(Code::InvalidNumericQrHeader, format!("invalid QR chunk index {index} of {count}"));
        return None;
    }
    let cap = log.options.limits.max_jws_len;
    match numeric::decode(&format!("{}{digits}", numeric::PREFIX), cap) {
        Ok(jws) => Some(Chunk { index, jws }),
        Err(e) => {
            log.fatal(Code::InvalidNumericQr, format!("invalid numeric QR code: {e}"));
            None
        }
    }
}

fn qr_numeric(chunks: &[String], log: &mut Log<'_, '_>) {
    if chunks.is_empty() {
        log.fatal(Code::CriticalDataMissing, "no QR code given");
        return;
    }
    if chunks.len() > MAX_FILES {
        log.fatal(Code::InvalidNumericQr, format!("{} QR chunks; at most {MAX_FILES} are read", chunks.len()));
        return;
    }
    let count = chunks.len();
    if count > 1 {
        log.error(
            Code::QrChunkingDeprecated,
            format!("the card is split over {count} QR codes; chunking is deprecated (Framework 1.2)"),
        );
    }
    let mut parts: Vec<Option<String>> = vec![None; count];
    for shc in chunks {
        let shc = trimmed(shc, "the numeric QR code", log);
        let Some(chunk) = shc_to_jws(shc, count, log) else { return };
        let max = if count > 1 { MAX_QR_CHUNK_LEN } else { MAX_SINGLE_QR_JWS_LEN };
        if chunk.jws.len() > max {
            log.error(Code::InvalidNumericQr, format!("QR chunk {} is larger than {max} characters", chunk.index));
        }
        let slot = &mut parts[chunk.index - 1];
        if slot.is_some() {
            log.fatal(Code::InvalidNumericQrHeader, format!("two chunks have index {}", chunk.index));
            return;
        }
        *slot = Some(chunk.jws);
    }
    if let Some(i) = parts.iter().position(Option::is_none) {
        log.fatal(Code::MissingQrChunk, format!("QR chunk {} is missing", i + 1));
        return;
    }
    let parts: Vec<String> = parts.into_iter().flatten().collect();
    let whole: String = parts.concat();
    if count > 1 && whole.len() <= MAX_SINGLE_QR_JWS_LEN {
        log.warn(
            Code::InvalidQr,
            format!("a {}-character JWS (≤ {MAX_SINGLE_QR_JWS_LEN}) did not need {count} chunks", whole.len()),
        );
    }
    let expected = whole.len() / count;
    let leeway = (expected * 5).div_ceil(1000);
    if parts.iter().any(|p| p.len() + leeway < expected || p.len() > expected + leeway) {
        let sizes: Vec<String> = parts.iter().map(|p| p.len().to_string()).collect();
        log.warn(Code::UnbalancedQrChunks, format!("QR chunk sizes are unbalanced: {}", sizes.join(",")));
    }
    jws_text(&whole, log);
}

/// Scans each picture; every QR code found is one chunk, its structure
/// checked by [`qr_structure`].
#[cfg(feature = "picture")]
fn qr_pictures(pictures: &[Vec<u8>], log: &mut Log<'_, '_>) {
    if pictures.len() > MAX_FILES {
        log.fatal(Code::QrDecodeError, format!("{} pictures; at most {MAX_FILES} are read", pictures.len()));
        return;
    }
    let mut texts = Vec::new();
    for (i, bytes) in pictures.iter().enumerate() {
        let picture = match crate::picture::decode(bytes, &crate::picture::PictureLimits::DEFAULT) {
            Ok(p) => p,
            Err(e) => {
                log.error(Code::QrDecodeError, format!("picture {}: {e}", i + 1));
                continue;
            }
        };
        // No time budget: a validator's findings must not depend on how
        // busy the machine is (a camera frame's budget dropped codes under
        // load); the picture limits bound the work.
        let mut scanner = crate::scan::Scanner::new();
        scanner.set_time_budget(None);
        match scanner.scan(&picture.frame()) {
            Ok(codes) if !codes.is_empty() => {
                for code in codes {
                    qr_structure(&code, log);
                    match code.text {
                        Some(t) => texts.push(t),
                        None => {
                            log.error(Code::QrDecodeError, format!("picture {}: a QR code that is not text", i + 1))
                        }
                    }
                }
            }
            Ok(_) => log.error(Code::QrDecodeError, format!("picture {}: no QR code could be decoded", i + 1)),
            Err(e) => log.error(Code::QrDecodeError, format!("picture {}: {e}", i + 1)),
        }
    }
    if !texts.is_empty() {
        qr_numeric(&texts, log);
    }
}

/// The dev tools' checks of a QR code's structure (their `image.ts`):
/// version 22 at most (`INVALID_QR_VERSION`, an error); a SMART Health Card
/// (text starting `shc` after any non-word characters) in exactly two
/// segments, byte then numeric (`INVALID_QR`, errors), and then in the
/// smallest version that holds those segments at level L
/// (`INVALID_QR_VERSION`, a warning); anything else in one segment
/// (`INVALID_QR`). The dev tools re-encode the text to find the smallest
/// version; the two segments they require are what an optimal encoder
/// makes of `shc:/` and the digits, so the symbol's own segments are used.
#[cfg(feature = "picture")]
fn qr_structure(code: &crate::scan::Code, log: &mut Log<'_, '_>) {
    use crate::scan::{EccLevel, Mode, smallest_version};
    if code.version > 22 {
        log.error(
            Code::InvalidQrVersion,
            format!("QR code version of {} is larger than the maximum allowed of 22", code.version),
        );
    }
    let modes: Vec<&str> = code.segments.iter().map(|s| s.mode.name()).collect();
    let text = code.text.as_deref().unwrap_or("");
    let lead = text.trim_start_matches(|c: char| !(c.is_alphanumeric() || c == '_'));
    let is_shc = lead.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("shc"))
        && lead[3..].chars().next().is_some_and(|c| !(c.is_alphanumeric() || c == '_'));
    if !is_shc {
        if code.segments.len() != 1 {
            log.error(
                Code::InvalidQr,
                format!(
                    "wrong number of segments in QR code: found {}, expected 1 ({})",
                    modes.len(),
                    modes.join(", ")
                ),
            );
        }
        return;
    }
    if code.segments.len() != 2 {
        log.error(
            Code::InvalidQr,
            format!("wrong number of segments in QR code: found {}, expected 2 ({})", modes.len(), modes.join(", ")),
        );
        return;
    }
    if code.segments[0].mode != Mode::Byte {
        log.error(Code::InvalidQr, format!("the first QR segment is {}, expected byte", modes[0]));
    }
    if code.segments[1].mode != Mode::Numeric {
        log.error(Code::InvalidQr, format!("the second QR segment is {}, expected numeric", modes[1]));
    }
    if let Some(v) = smallest_version(&code.segments, EccLevel::L)
        && v < code.version
    {
        log.warn(
            Code::InvalidQrVersion,
            format!("QR code has version {}, but version {v} holds it at error-correction level L", code.version),
        );
    }
}

// ---------------------------------------------------------------- files

fn health_card(text: &str, file_name: Option<&str>, log: &mut Log<'_, '_>) {
    health_card_contents(text, log);
    if let Some(name) = file_name
        && !name.ends_with(".smart-health-card")
    {
        log.warn(Code::InvalidFileExtension, "the file extension should be .smart-health-card");
    }
}

fn health_card_contents(text: &str, log: &mut Log<'_, '_>) {
    let text = trimmed(text, "the health card file", log);
    let Some(card) = parse_json(text, &log.options.limits) else {
        log.fatal(Code::JsonParseError, "the health card file is not JSON");
        return;
    };
    // The dev tools' smart-health-card-schema.json.
    let vcs = card.get("verifiableCredential");
    match vcs {
        _ if !card.is_object() => log.error(Code::SchemaError, "the health card file is not a JSON object"),
        None => log.error(Code::SchemaError, "verifiableCredential is required"),
        Some(Value::Array(a)) => {
            if a.is_empty() {
                log.error(Code::SchemaError, "verifiableCredential needs at least one item");
            }
            for (i, item) in a.iter().enumerate() {
                match item.as_str() {
                    Some(s) if is_compact_jws(s) => {}
                    Some(_) => log.error(Code::SchemaError, format!("verifiableCredential/{i} is not a compact JWS")),
                    None => log.error(Code::SchemaError, format!("verifiableCredential/{i} is not text")),
                }
            }
        }
        Some(_) => log.error(Code::SchemaError, "verifiableCredential is not an array"),
    }
    let Some(vcs) = vcs.and_then(Value::as_array).filter(|a| !a.is_empty()) else {
        log.fatal(Code::CriticalDataMissing, "verifiableCredential[jws-compact] is required to continue");
        return;
    };
    for jws in vcs.iter().take(MAX_JWS_PER_FILE).filter_map(Value::as_str) {
        jws_text(jws, log);
    }
}

fn fhir_health_card(text: &str, log: &mut Log<'_, '_>) {
    let text = trimmed(text, "the FHIR health card response", log);
    let Some(response) = parse_json(text, &log.options.limits) else {
        log.fatal(Code::JsonParseError, "the FHIR health card response is not JSON");
        return;
    };
    let Some(params) = response.get("parameter").and_then(Value::as_array).filter(|a| !a.is_empty()) else {
        log.fatal(Code::CriticalDataMissing, "the parameter array is required to continue");
        return;
    };
    let vcs = params.iter().filter(|p| p.get("name").and_then(Value::as_str) == Some("verifiableCredential"));
    for (i, p) in vcs.take(MAX_JWS_PER_FILE).enumerate() {
        match p.get("valueString").and_then(Value::as_str).filter(|s| !s.is_empty()) {
            Some(jws) => jws_text(jws, log),
            None => log.error(Code::Error, format!("verifiableCredential parameter {} has no valueString", i + 1)),
        }
    }
}

// ---------------------------------------------------------------- JWS

/// `base64url.base64url.base64url`, anchored (the dev tools' jws-schema.json).
fn is_compact_jws(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// Some `x.y.z` run of base64url characters anywhere in `s` (the dev tools'
/// unanchored test).
fn contains_compact_jws(s: &str) -> bool {
    let runs: Vec<bool> = s
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .map(|run| {
            let parts: Vec<&str> = run.split('.').collect();
            parts.windows(3).any(|w| w.iter().all(|p| !p.is_empty()))
        })
        .collect();
    runs.contains(&true)
}

/// An ASN.1 DER ECDSA signature to the 64-byte `r‖s` form.
fn der_to_raw(sig: &[u8]) -> Option<Vec<u8>> {
    if !jws::is_der_signature(sig) {
        return None;
    }
    let mut out = Vec::with_capacity(64);
    let mut rest = &sig[2..];
    for _ in 0..2 {
        let n = usize::from(*rest.get(1)?);
        let int = rest.get(2..2 + n)?;
        let int = if int.len() > 32 { &int[int.len() - 32..] } else { int };
        out.extend(std::iter::repeat_n(0u8, 32 - int.len()));
        out.extend_from_slice(int);
        rest = &rest[2 + n..];
    }
    Some(out)
}

fn jws_text(text: &str, log: &mut Log<'_, '_>) {
    let limits = log.options.limits;
    let jws = trimmed(text, "the JWS", log);
    if jws.len() > limits.max_jws_len {
        log.fatal(Code::JwsTooLong, format!("the {}-character JWS is beyond the input limit", jws.len()));
        return;
    }
    if jws.len() > MAX_SINGLE_QR_JWS_LEN {
        log.warn(
            Code::JwsTooLong,
            format!("the JWS is longer than {MAX_SINGLE_QR_JWS_LEN} characters and needs split QR codes"),
        );
    }
    if !contains_compact_jws(jws) {
        log.fatal(Code::JsonParseError, "the JWS is not base64url.base64url.base64url");
        return;
    }
    if !is_compact_jws(jws) {
        log.error(Code::SchemaError, "the JWS does not match base64url.base64url.base64url exactly");
    }
    // The verifier's own reading, for the record.
    match jws::parse(jws, &limits) {
        Ok(_) => log.info("the verifier reads this JWS"),
        Err(f) => log.info(format!("the verifier refuses this JWS: {}", f.reason.code())),
    }
    let mut parts = jws.splitn(3, '.');
    let (h, p, s) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));

    let header: Option<Map<String, Value>> = match base64::decode_url(h, jws::MAX_HEADER_LEN) {
        Ok(bytes) => json::parse(&bytes, jws::MAX_HEADER_LEN, 4).ok(),
        Err(_) => None,
    };
    match &header {
        None => log.error(Code::JwsHeaderError, "the JWS header is not a base64url JSON object"),
        Some(hd) => {
            match hd.get("alg") {
                None => log.error(Code::JwsHeaderError, "the JWS header has no alg"),
                Some(v) if v != "ES256" => log.error(Code::JwsHeaderError, "the JWS header alg is not ES256"),
                _ => {}
            }
            match hd.get("zip") {
                None => log.error(Code::JwsHeaderError, "the JWS header has no zip"),
                Some(v) if v != "DEF" => log.error(Code::JwsHeaderError, "the JWS header zip is not DEF"),
                _ => {}
            }
            if !hd.contains_key("kid") {
                log.error(Code::JwsHeaderError, "the JWS header has no kid");
            }
        }
    }

    let mut signature = base64::decode_url(s, jws::MAX_SIGNATURE_LEN).ok();
    if signature.is_none() {
        log.error(Code::JwsVerificationError, "the JWS signature is not base64url");
    }
    if let Some(sig) = signature.as_deref()
        && sig.len() > 64
        && sig.first() == Some(&0x30)
        && sig.get(2) == Some(&0x02)
    {
        log.error(
            Code::SignatureFormatError,
            format!("the {}-byte signature is ASN.1 DER, not 64-byte r‖s", sig.len()),
        );
        signature = der_to_raw(sig).or(signature);
    } else if let Some(sig) = signature.as_deref()
        && sig.len() != 64
    {
        log.error(Code::SignatureFormatError, format!("the signature is {} bytes, not 64", sig.len()));
    }

    let payload = match base64::decode_url(p, limits.max_jws_len) {
        Ok(compressed) => match jws::inflate(&compressed, limits.max_inflated_len) {
            Ok(claims) => Some(claims),
            Err(f) => match deflate::inflate(&compressed, Container::Zlib, limits.max_inflated_len) {
                Ok(claims) => {
                    log.error(Code::InflationError, "the payload is zlib-wrapped; SMART Health Cards use raw DEFLATE");
                    Some(claims)
                }
                Err(_) => {
                    log.error(Code::InflationError, format!("the payload does not inflate: {}", f.reason.code()));
                    Some(compressed)
                }
            },
        },
        Err(_) => {
            log.error(Code::JwsVerificationError, "the JWS payload is not base64url");
            None
        }
    };
    let payload_text = payload.as_deref().map(String::from_utf8_lossy).unwrap_or_default();
    let before = log.out.len();
    jws_payload_text(&payload_text, log);
    if log.out[before..].iter().any(|d| d.level == Level::Fatal) {
        return;
    }
    let Some(claims) = parse_json(&payload_text, &limits) else { return };
    let iss = match claims.get("iss") {
        Some(Value::String(iss)) => {
            if !iss.starts_with("https://") {
                log.error(Code::InvalidIssuerUrl, "the issuer URL (iss) must use https");
            }
            if iss.ends_with('/') {
                log.error(Code::InvalidIssuerUrl, "the issuer URL (iss) must not end with /");
            }
            Some(iss.as_str())
        }
        Some(_) => {
            log.error(Code::Error, "iss is not text");
            None
        }
        None => {
            log.error(Code::SchemaError, "the JWS payload has no iss");
            None
        }
    };
    if let Some(hd) = &header {
        let signing_input = &jws.as_bytes()[..h.len() + 1 + p.len()];
        verify_signature(hd.get("kid").and_then(Value::as_str), iss, signing_input, signature.as_deref(), log);
    }
}

fn verify_signature(
    kid: Option<&str>,
    iss: Option<&str>,
    signing_input: &[u8],
    signature: Option<&[u8]>,
    log: &mut Log<'_, '_>,
) {
    let keys = log.options.keys;
    let candidates: Vec<&SignerKey> = match kid.filter(|k| !k.is_empty()) {
        Some(kid) => {
            let found: Vec<&SignerKey> = keys.iter().filter(|k| k.kid == kid.as_bytes()).collect();
            if found.is_empty() {
                log.error(Code::JwsVerificationError, "no key with the JWS header's kid in the issuer key set");
                return;
            }
            found
        }
        None => keys.iter().collect(),
    };
    let Some(sig) = signature else { return };
    let verified = candidates
        .iter()
        .find(|k| crypto::verify(SignatureAlgorithm::Es256, &k.public_key, signing_input, sig).is_ok());
    match verified {
        None => log.error(Code::JwsVerificationError, "the JWS signature does not verify"),
        Some(key) => {
            if let (Some(owner), Some(iss)) = (key.issuer.as_deref(), iss)
                && owner != iss
            {
                log.error(Code::IssuerKidMismatch, "the signing key belongs to another issuer's key set than iss");
            } else {
                log.info("the JWS signature verifies");
            }
        }
    }
}

// ---------------------------------------------------------------- payload

/// A JavaScript-numeric claim as seconds.
fn numeric_claim(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

fn jws_payload_text(text: &str, log: &mut Log<'_, '_>) {
    let text = trimmed(text, "the JWS payload", log);
    let Some(payload) = parse_json(text, &log.options.limits).filter(Value::is_object) else {
        log.fatal(Code::JsonParseError, "the JWS payload is not a JSON object");
        return;
    };
    // The verifier's reading of the claims, for the record.
    if let Err(f) = card::parse_claims(text.as_bytes(), &log.options.limits) {
        log.info(format!("the verifier refuses these claims: {}", f.reason.code()));
    }
    payload_schema(&payload, log);

    let now = log.options.now.unix_timestamp() as f64;
    let nbf = numeric_claim(payload.get("nbf"));
    if nbf.is_none() {
        log.error(Code::JsonParseError, "nbf is not numeric");
    }
    if let Some(nbf) = nbf
        && nbf > now
    {
        if nbf > MILLISECONDS_THRESHOLD {
            log.error(Code::NotYetValid, "the card is not yet valid: nbf looks like milliseconds, not seconds");
        } else {
            log.warn(Code::NotYetValid, "the card is not yet valid (nbf is after the validation time)");
        }
    }
    if payload.get("exp").is_some_and(|e| !matches!(e, Value::Null | Value::Bool(false)) && e != 0 && e != "") {
        match numeric_claim(payload.get("exp")) {
            None => log.error(Code::JsonParseError, "exp is not numeric"),
            Some(exp) => {
                if nbf.is_some_and(|nbf| exp <= nbf) {
                    log.error(Code::ExpirationError, "the card expires (exp) before it is valid (nbf)");
                }
                if exp > MILLISECONDS_THRESHOLD {
                    log.warn(Code::ExpirationError, "exp is far in the future: it looks like milliseconds");
                }
                if exp < now {
                    log.warn(Code::ExpirationError, "the card has expired (exp is before the validation time)");
                }
            }
        }
    }
    let vc = payload.get("vc");
    if vc.and_then(Value::as_object).is_some_and(|v| v.contains_key("@context")) {
        log.warn(Code::SchemaError, "vc should not have a @context");
    }
    let types: Vec<&str> = vc
        .and_then(|v| v.get("type"))
        .and_then(Value::as_array)
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let has = |t: &str| types.contains(&t);
    if !has(HEALTH_CARD) {
        log.error(Code::SchemaError, format!("vc.type must contain {HEALTH_CARD}"));
    }
    let Some(bundle) = vc
        .and_then(|v| v.get("credentialSubject"))
        .and_then(|s| s.get("fhirBundle"))
        .filter(|b| !matches!(b, Value::Null | Value::Bool(false)) && *b != "" && *b != 0)
    else {
        log.fatal(Code::CriticalDataMissing, "vc.credentialSubject.fhirBundle is required to continue");
        return;
    };
    if let Some(rid) = vc.and_then(|v| v.get("rid")) {
        let ok = rid
            .as_str()
            .is_some_and(|r| r.len() <= 24 && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        if !ok {
            log.error(Code::RevocationError, "vc.rid is not at most 24 base64url characters");
        }
    }
    let entries = bundle.get("entry").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let resources = || entries.iter().filter_map(|e| e.get("resource"));
    let of_type = |t: &'static str| move |r: &&Value| r.get("resourceType").and_then(Value::as_str) == Some(t);
    let first_code = |r: &Value, key: &str| {
        r.get(key)
            .and_then(|c| c.get("coding"))
            .and_then(|c| c.get(0))
            .and_then(|c| c.get("code"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let has_immunization = resources().any(|r| of_type("Immunization")(&r));
    let covid_immunization = resources()
        .filter(of_type("Immunization"))
        .any(|r| first_code(r, "vaccineCode").is_some_and(|c| COVID_CVX.contains(&c.as_str())));
    let covid_observation = resources()
        .filter(of_type("Observation"))
        .any(|r| first_code(r, "code").is_some_and(|c| COVID_LOINC.contains(&c.as_str())));
    // Framework 1.3 ("changelog") deprecates the additional types
    // (#immunization, #laboratory, #covid19) in favour of classifying a
    // card by its contents: unlike the dev tools, a card without them is
    // not warned about; a declared type its contents contradict still is.
    if !has_immunization && has(IMMUNIZATION) {
        log.warn(Code::SchemaError, format!("vc.type should not contain {IMMUNIZATION}: no immunization found"));
    }
    if !covid_observation && has(LABORATORY) && !resources().any(|r| of_type("Observation")(&r)) {
        log.warn(Code::SchemaError, format!("vc.type should not contain {LABORATORY}: no observation found"));
    }
    let covid = covid_immunization || covid_observation;
    if !covid && has(COVID19) {
        log.warn(Code::SchemaError, format!("vc.type should not contain {COVID19}: no COVID-19 record recognised"));
    }
    if has(VERIFIABLE_CREDENTIAL) {
        log.warn(Code::SchemaError, "vc.type VerifiableCredential is not required and may be left out");
    }
    let known = [HEALTH_CARD, IMMUNIZATION, LABORATORY, COVID19, VERIFIABLE_CREDENTIAL];
    for (i, t) in types.iter().enumerate() {
        if !known.contains(t) {
            log.warn(Code::SchemaError, format!("vc.type/{i} is not a known credential type"));
        }
    }
    fhir_bundle(bundle, log);
}

/// The dev tools' smart-health-card-vc-schema.json, by hand.
fn payload_schema(payload: &Value, log: &mut Log<'_, '_>) {
    let require = |obj: &Value, path: &str, names: &[&str], log: &mut Log<'_, '_>| {
        for n in names {
            if obj.get(*n).is_none() {
                log.error(Code::SchemaError, format!("{path} requires {n}"));
            }
        }
    };
    require(payload, "the JWS payload", &["iss", "nbf", "vc"], log);
    let ty = |v: Option<&Value>, ok: fn(&Value) -> bool, what: &str, log: &mut Log<'_, '_>| {
        if let Some(v) = v
            && !ok(v)
        {
            log.error(Code::SchemaError, format!("{what} has the wrong type"));
        }
    };
    ty(payload.get("iss"), Value::is_string, "iss", log);
    ty(payload.get("nbf"), Value::is_number, "nbf", log);
    ty(payload.get("exp"), Value::is_number, "exp", log);
    ty(payload.get("vc"), Value::is_object, "vc", log);
    let Some(vc) = payload.get("vc").filter(|v| v.is_object()) else { return };
    require(vc, "vc", &["type", "credentialSubject"], log);
    ty(vc.get("type"), Value::is_array, "vc.type", log);
    if let Some(types) = vc.get("type").and_then(Value::as_array) {
        for (i, t) in types.iter().enumerate() {
            match t.as_str() {
                Some(s) if !s.contains(['\n', '\r']) => {}
                _ => log.error(Code::SchemaError, format!("vc.type/{i} is not a one-line text")),
            }
        }
    }
    ty(vc.get("credentialSubject"), Value::is_object, "vc.credentialSubject", log);
    let Some(subject) = vc.get("credentialSubject").filter(|v| v.is_object()) else { return };
    require(subject, "vc.credentialSubject", &["fhirVersion", "fhirBundle"], log);
    ty(subject.get("fhirVersion"), Value::is_string, "vc.credentialSubject.fhirVersion", log);
    ty(subject.get("fhirBundle"), Value::is_object, "vc.credentialSubject.fhirBundle", log);
}

// ---------------------------------------------------------------- FHIR

fn fhir_bundle_text(text: &str, log: &mut Log<'_, '_>) {
    let text = trimmed(text, "the FHIR bundle", log);
    let Some(bundle) = parse_json(text, &log.options.limits) else {
        log.fatal(Code::JsonParseError, "the FHIR bundle is not JSON");
        return;
    };
    fhir_bundle(&bundle, log);
}

fn schema_errors(schema: &Value, target: &Value, data: &Value, at: &str, log: &mut Log<'_, '_>) -> bool {
    let ev = schema_subset::evaluate(schema, target, data);
    for e in &ev.errors {
        let member = e.member.as_deref().map(|m| format!(" ({})", shown(m))).unwrap_or_default();
        log.error(Code::FhirSchemaError, format!("FHIR schema: {at}{} fails {}{member}", e.path, e.keyword));
    }
    if ev.unchecked_patterns > 0 {
        log.info(format!("{} FHIR schema patterns not checked", ev.unchecked_patterns));
    }
    if ev.truncated {
        log.info("the FHIR schema evaluation stopped at its depth or error cap");
    }
    ev.errors.is_empty()
}

/// `resource:N` as the SMART Health Cards Framework asks (the dev tools
/// test the prefix only).
fn short_resource_uri(s: &str) -> bool {
    s.strip_prefix("resource:").is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()))
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(_) => true,
    }
}

fn fhir_bundle(bundle: &Value, log: &mut Log<'_, '_>) {
    let schema = log.options.fhir_schema;
    match schema {
        Some(s) => {
            if !schema_errors(s, s, bundle, "", log) {
                return;
            }
        }
        None => log.info("no FHIR schema given: element and type checks skipped"),
    }
    let Some(entries) = bundle.get("entry").and_then(Value::as_array).filter(|e| !e.is_empty()) else {
        log.fatal(Code::CriticalDataMissing, "the bundle's entry array is required to continue");
        return;
    };
    if entries.len() > super::fhir::MAX_ENTRIES {
        log.fatal(
            Code::FhirSchemaError,
            format!("{} entries; at most {} are read", entries.len(), super::fhir::MAX_ENTRIES),
        );
        return;
    }
    let mut full_urls: Vec<&str> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        match entry.get("fullUrl").and_then(Value::as_str) {
            Some(u) if short_resource_uri(u) => {
                if full_urls.contains(&u) {
                    log.error(Code::FhirSchemaError, format!("entry/{i}/fullUrl duplicates another entry's"));
                } else {
                    full_urls.push(u);
                }
            }
            other => {
                log.error(Code::FhirSchemaError, format!("entry/{i}/fullUrl should be a short resource:N URI"));
                full_urls.push(other.unwrap_or(""));
            }
        }
    }
    let defs = schema.and_then(|s| s.get("definitions")).and_then(Value::as_object);
    for (e, entry) in entries.iter().enumerate() {
        let Some(resource) = entry.get("resource").filter(|r| !r.is_null()) else {
            log.error(Code::Error, format!("entry/{e}/resource is missing"));
            continue;
        };
        let Some(rtype) = resource.get("resourceType").and_then(Value::as_str).filter(|t| !t.is_empty()) else {
            log.error(Code::Error, format!("entry/{e}/resource/resourceType is missing"));
            continue;
        };
        let at = format!("entry/{e}/{}", shown(rtype));
        if defs.is_some() && defs.and_then(|d| d.get(rtype)).is_none() {
            log.error(Code::Error, format!("{at}: unknown resource type"));
            continue;
        }
        if rtype == "Immunization" {
            match resource.get("status") {
                v if !truthy(v) => log.error(Code::FhirSchemaError, format!("{at} requires status")),
                Some(v) if v != "completed" => {
                    log.error(Code::FhirSchemaError, format!("{at}/status should be completed"))
                }
                _ => {}
            }
            let (dt, st) = (truthy(resource.get("occurrenceDateTime")), truthy(resource.get("occurrenceString")));
            if !dt && !st {
                log.error(Code::FhirSchemaError, format!("{at} requires occurrenceDateTime or occurrenceString"));
            }
            if dt && st {
                log.error(Code::FhirSchemaError, format!("{at} has both occurrenceDateTime and occurrenceString"));
            }
        }
        if let Some(s) = schema {
            let target = serde_json::json!({ "$ref": format!("#/definitions/{rtype}") });
            schema_errors(s, &target, resource, &format!("/{at}"), log);
        }
        if truthy(resource.get("id")) {
            log.warn(Code::FhirSchemaError, format!("{at} should not have an id"));
        }
        if truthy(resource.get("meta")) {
            let meta = resource.get("meta");
            let only_security =
                meta.and_then(Value::as_object).is_some_and(|m| truthy(m.get("security")) && m.len() == 1);
            if !only_security {
                log.warn(Code::FhirSchemaError, format!("{at}/meta should hold only security"));
            }
        }
        if truthy(resource.get("text")) {
            log.warn(Code::FhirSchemaError, format!("{at} should not have a text"));
        }
        let mut path = vec![rtype.to_owned()];
        walk(resource, &mut path, defs, &full_urls, e, log, 0);
    }
    if let Profile::UsaCovid19Immunization(dm) = &log.options.profile {
        usa_profile(entries, dm, log);
    }
}

/// The schema type of a dotted member path (`Immunization.vaccineCode.coding`
/// → `Coding`), following `$ref` and `items` (the dev tools' `objPathToSchema`).
fn path_type<'d>(defs: Option<&'d Map<String, Value>>, path: &[String]) -> Option<&'d str> {
    let defs = defs?;
    let (first, rest) = path.split_first()?;
    let mut name: &str = defs.get_key_value(first.as_str())?.0;
    for member in rest {
        let def = defs.get(name)?;
        let prop = def.get("properties")?.get(member.as_str())?;
        let reference = prop.get("$ref").or_else(|| prop.get("items").and_then(|i| i.get("$ref")))?.as_str()?;
        name = reference.rsplit_once("#/definitions/").map(|(_, n)| n)?;
        name = defs.get_key_value(name)?.0;
    }
    Some(name)
}

#[allow(clippy::too_many_arguments)]
fn walk(
    o: &Value,
    path: &mut Vec<String>,
    defs: Option<&Map<String, Value>>,
    full_urls: &[&str],
    e: usize,
    log: &mut Log<'_, '_>,
    depth: usize,
) {
    if depth > 64 || log.out.len() > 10_000 {
        return;
    }
    let at = || format!("entry/{e}/{}", path.iter().map(|p| shown(p)).collect::<Vec<_>>().join("/"));
    let empty = match o {
        Value::Array(a) => a.is_empty(),
        Value::String(s) => s.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    };
    if empty {
        log.error(Code::FhirSchemaError, format!("{} is empty; empty elements are invalid", at()));
    }
    match o {
        Value::Array(a) => {
            for element in a.iter().filter(|x| x.is_object() || x.is_array()) {
                walk(element, path, defs, full_urls, e, log, depth + 1);
            }
        }
        Value::Object(m) => {
            match path_type(defs, path) {
                Some("CodeableConcept") if truthy(m.get("text")) => {
                    log.warn(Code::FhirSchemaError, format!("{} (CodeableConcept) should not have a text", at()));
                }
                Some("Coding") if truthy(m.get("display")) => {
                    log.warn(Code::FhirSchemaError, format!("{} (Coding) should not have a display", at()));
                }
                Some("Reference") if truthy(m.get("reference")) => {
                    let reference = m.get("reference").and_then(Value::as_str).unwrap_or("");
                    if !short_resource_uri(reference) {
                        log.error(
                            Code::FhirSchemaError,
                            format!("{} (Reference) should be a short resource:N URI", at()),
                        );
                    }
                    if !full_urls.contains(&reference) {
                        log.error(Code::FhirSchemaError, format!("{} (Reference) names no entry's fullUrl", at()));
                    }
                }
                _ => {}
            }
            for (name, value) in m {
                if matches!(value, Value::Array(_) | Value::Object(_) | Value::String(_)) {
                    path.push(name.clone());
                    walk(value, path, defs, full_urls, e, log, depth + 1);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

/// `Resource.a.b` present in `resource` (arrays: in any element).
fn has_path(resource: &Value, path: &str) -> bool {
    fn go(v: &Value, segments: &[&str]) -> bool {
        match (v, segments.split_first()) {
            (Value::Array(a), _) => a.iter().any(|x| go(x, segments)),
            (_, None) => truthy(Some(v)),
            (Value::Object(m), Some((first, rest))) => m.get(*first).is_some_and(|x| go(x, rest)),
            _ => false,
        }
    }
    let segments: Vec<&str> = path.split('.').skip(1).collect();
    !segments.is_empty() && go(resource, &segments)
}

fn path_text<'v>(resource: &'v Value, path: &str) -> Option<&'v str> {
    path.split('.').skip(1).try_fold(resource, |v, s| v.get(s)).and_then(Value::as_str)
}

fn usa_profile(entries: &[Value], dm: &DataMinimization, log: &mut Log<'_, '_>) {
    let label = "profile usa-covid19-immunization";
    let rtype =
        |e: &Value| e.get("resource").and_then(|r| r.get("resourceType")).and_then(Value::as_str).map(str::to_owned);
    let patients = entries.iter().filter(|e| rtype(e).as_deref() == Some("Patient")).count();
    if patients != 1 {
        log.error(Code::ProfileError, format!("{label} requires exactly 1 Patient; the bundle has {patients}"));
    }
    let immunizations = entries.iter().filter(|e| rtype(e).as_deref() == Some("Immunization")).count();
    if immunizations == 0 {
        log.error(Code::ProfileError, format!("{label} requires 1 or more Immunization"));
    }
    let mut allowed: Vec<String> = vec!["Patient".into(), "Immunization".into()];
    for (i, entry) in entries.iter().enumerate() {
        let Some(resource) = entry.get("resource") else { continue };
        let t = rtype(entry).unwrap_or_default();
        if !allowed.contains(&t) {
            log.error(Code::ProfileError, format!("{label}: entry/{i}: this resource type is not allowed"));
            allowed.push(t);
            continue;
        }
        let prefix = format!("{t}.");
        let forbidden = dm.must_not_contain.iter().filter(|p| p.starts_with(&prefix));
        for p in forbidden {
            if has_path(resource, p) {
                log.error(
                    Code::ProfileError,
                    format!("{label}: entry/{i}/{} should not be present", p.replace('.', "/")),
                );
            }
        }
        if t != "Immunization" {
            continue;
        }
        let code = resource
            .get("vaccineCode")
            .and_then(|c| c.get("coding"))
            .and_then(|c| c.get(0))
            .and_then(|c| c.get("code"))
            .and_then(Value::as_str);
        if let Some(code) = code.filter(|c| !c.is_empty())
            && !COVID_CVX_AUTHORIZED.contains(&code)
        {
            log.error(Code::ProfileError, format!("{label}: entry/{i} needs a CDC-authorised COVID-19 CVX code"));
        }
        match resource.get("occurrenceDateTime").and_then(Value::as_str).filter(|s| !s.is_empty()) {
            None => log.error(Code::ProfileError, format!("{label}: entry/{i} requires occurrenceDateTime")),
            Some(d) => {
                let ymd = d.len() == 10
                    && d.bytes()
                        .enumerate()
                        .all(|(k, b)| if k == 4 || k == 7 { b == b'-' } else { b.is_ascii_digit() });
                if !ymd {
                    log.error(
                        Code::ProfileError,
                        format!("{label}: entry/{i}/occurrenceDateTime should be YYYY-MM-DD"),
                    );
                }
            }
        }
        for (p, literal) in dm.patterns.iter().filter(|(p, _)| p.starts_with(&prefix)) {
            if !path_text(resource, p).unwrap_or("").contains(literal.as_str()) {
                log.error(Code::ProfileError, format!("{label}: entry/{i}/{} does not match", p.replace('.', "/")));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn options(keys: &[SignerKey]) -> Options<'_> {
        Options {
            now: OffsetDateTime::from_unix_timestamp(1_653_955_200).unwrap(),
            keys,
            fhir_schema: None,
            profile: Profile::Any,
            exclude: Vec::new(),
            limits: Limits::DEFAULT,
        }
    }

    fn codes(d: &[Diagnostic], level: Level) -> Vec<&'static str> {
        d.iter().filter(|x| x.level == level).map(|x| x.code.name()).collect()
    }

    fn bundle() -> Value {
        json!({"resourceType": "Bundle", "type": "collection", "entry": [
            {"fullUrl": "resource:0", "resource": {"resourceType": "Patient", "name": [{"family": "X"}]}},
            {"fullUrl": "resource:1", "resource": {"resourceType": "Immunization", "status": "completed",
              "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "207"}]},
              "patient": {"reference": "resource:0"}, "occurrenceDateTime": "2021-01-01"}}]})
    }

    #[cfg(feature = "picture")]
    #[test]
    fn qr_structure_rules() {
        use crate::scan::{self, EccLevel, Mode, Segment};
        let seg = |mode, char_count| Segment { mode, char_count, eci: None };
        let run = |version: u8, segments: Vec<Segment>, text: &str| {
            let code = scan::Code {
                bytes: text.as_bytes().to_vec(),
                text: Some(text.to_owned()),
                text_error: None,
                corners: [(0, 0); 4],
                version,
                ecc_level: EccLevel::L,
                segments,
                structured_append: None,
                fnc1: None,
            };
            let options = options(&[]);
            let mut log = Log { out: Vec::new(), options: &options };
            qr_structure(&code, &mut log);
            (codes(&log.out, Level::Error), codes(&log.out, Level::Warning))
        };
        let digits = "56".repeat(600);
        let shc = format!("shc:/{digits}");
        // shc:/ and 1 200 digits: 4 + 16 + 40 + 4 + 12 + 4 000 = 4 076 bits
        // from version 10; version 15 at L holds 523 codewords (4 184
        // bits), version 14 461 (3 688).
        let two = || vec![seg(Mode::Byte, 5), seg(Mode::Numeric, 1200)];
        assert_eq!(scan::smallest_version(&two(), EccLevel::L), Some(15));
        assert_eq!(run(15, two(), &shc), (vec![], vec![]));
        assert_eq!(run(22, two(), &shc), (vec![], vec!["INVALID_QR_VERSION"]));
        assert_eq!(run(23, two(), &shc), (vec!["INVALID_QR_VERSION"], vec!["INVALID_QR_VERSION"]));
        assert_eq!(run(30, vec![seg(Mode::Byte, 1205)], &shc), (vec!["INVALID_QR_VERSION", "INVALID_QR"], vec![]));
        let three = vec![seg(Mode::Byte, 5), seg(Mode::Numeric, 600), seg(Mode::Numeric, 600)];
        assert_eq!(run(15, three, &shc), (vec!["INVALID_QR"], vec![]));
        let swapped = vec![seg(Mode::Byte, 5), seg(Mode::Alphanumeric, 1200)];
        assert_eq!(run(15, swapped, &shc).0, ["INVALID_QR"]);
        // Not a card: one segment expected.
        assert_eq!(run(2, vec![seg(Mode::Byte, 3), seg(Mode::Numeric, 3)], "abc123").0, ["INVALID_QR"]);
        assert_eq!(run(2, vec![seg(Mode::Byte, 6)], "abc123"), (vec![], vec![]));
    }

    #[test]
    fn codes_round_trip() {
        for c in Code::ALL {
            assert_eq!(Code::from_name(c.name()), Some(*c));
        }
        assert_eq!(Code::from_name("NOPE"), None);
    }

    #[test]
    fn a_clean_bundle_and_its_faults() {
        let o = options(&[]);
        let clean = validate(Artefact::FhirBundle(&bundle().to_string()), &o);
        assert!(codes(&clean, Level::Error).is_empty() && codes(&clean, Level::Warning).is_empty(), "{clean:?}");
        let mut b = bundle();
        b["entry"][1]["resource"]["status"] = json!("Completed");
        b["entry"][1]["resource"]["id"] = json!("x");
        b["entry"][1]["resource"]["lotNumber"] = json!("");
        b["entry"][1]["fullUrl"] = json!("urn:uuid:1");
        let d = validate(Artefact::FhirBundle(&format!(" {b}")), &o);
        assert_eq!(
            codes(&d, Level::Error),
            ["TRAILING_CHARACTERS", "FHIR_SCHEMA_ERROR", "FHIR_SCHEMA_ERROR", "FHIR_SCHEMA_ERROR"],
            "{d:?}"
        );
        assert_eq!(codes(&d, Level::Warning), ["FHIR_SCHEMA_ERROR"]);
        assert!(d.iter().all(|x| !x.message.contains("2021") && !x.message.contains("\"X\"")));
        let not_json = validate(Artefact::FhirBundle("{"), &o);
        assert_eq!(codes(&not_json, Level::Fatal), ["JSON_PARSE_ERROR"]);
    }

    #[test]
    fn numeric_chunk_rules() {
        let o = options(&[]);
        let d = validate(Artefact::QrNumeric(&["shc:/123".into()]), &o);
        assert_eq!(codes(&d, Level::Fatal), ["INVALID_NUMERIC_QR"]);
        let d = validate(Artefact::QrNumeric(&["shc:/1/3/5676".into(), "shc:/3/3/29".into()]), &o);
        assert_eq!(codes(&d, Level::Error), ["QR_CHUNKING_DEPRECATED"]);
        assert_eq!(codes(&d, Level::Fatal), ["MISSING_QR_CHUNK"]);
        let d = validate(Artefact::QrNumeric(&["shc:/1/2/56".into(), "shc:/1/2/76".into()]), &o);
        assert_eq!(codes(&d, Level::Fatal), ["INVALID_NUMERIC_QR_HEADER"]);
        let d = validate(Artefact::QrNumeric(&["HC1:56".into()]), &o);
        assert_eq!(codes(&d, Level::Error), ["INVALID_NUMERIC_QR_HEADER"]);
        let many: Vec<String> = (0..30).map(|_| "shc:/56".to_owned()).collect();
        assert_eq!(codes(&validate(Artefact::QrNumeric(&many), &o), Level::Fatal), ["INVALID_NUMERIC_QR"]);
    }

    #[test]
    fn jws_structure_without_keys() {
        let o = options(&[]);
        let d = validate(Artefact::Jws("not a jws"), &o);
        assert_eq!(codes(&d, Level::Fatal), ["JSON_PARSE_ERROR"]);
        let header = base64::encode_url(br#"{"alg":"ES256"}"#);
        let payload = base64::encode_url(br#"{"iss":"http://x/"}"#);
        let d = validate(Artefact::Jws(&format!("{header}.{payload}.AAAA")), &o);
        let errors = codes(&d, Level::Error);
        for c in ["JWS_HEADER_ERROR", "SIGNATURE_FORMAT_ERROR", "INFLATION_ERROR", "SCHEMA_ERROR"] {
            assert!(errors.contains(&c), "{c}: {d:?}");
        }
        // The payload has no bundle: processing stops there, before the
        // issuer URL and the signature.
        assert_eq!(codes(&d, Level::Fatal), ["CRITICAL_DATA_MISSING"]);
        assert!(!errors.contains(&"INVALID_ISSUER_URL"));
    }

    #[test]
    fn der_signatures_convert() {
        let mut der = vec![0x30, 69, 0x02, 33, 0x00];
        der.extend([0x80; 32]);
        der.extend([0x02, 32]);
        der.extend([0x11; 32]);
        let raw = der_to_raw(&der).unwrap();
        assert_eq!(&raw[..32], &[0x80; 32]);
        assert_eq!(&raw[32..], &[0x11; 32]);
        assert_eq!(der_to_raw(&[1; 64]), None);
    }

    #[test]
    fn payload_times() {
        let o = options(&[]);
        let p = |nbf: f64, exp: Option<f64>| {
            let mut v = json!({"iss": "https://i", "nbf": nbf, "vc": {"type": [HEALTH_CARD, IMMUNIZATION, COVID19],
                "credentialSubject": {"fhirVersion": "4.0.1", "fhirBundle": bundle()}}});
            if let Some(e) = exp {
                v["exp"] = json!(e);
            }
            validate(Artefact::JwsPayload(&v.to_string()), &o)
        };
        let ok = p(1_600_000_000.0, None);
        assert!(codes(&ok, Level::Error).is_empty() && codes(&ok, Level::Warning).is_empty(), "{ok:?}");
        assert_eq!(codes(&p(2_000_000_000.0, None), Level::Warning), ["NOT_YET_VALID"]);
        assert_eq!(codes(&p(1_700_000_000_000.0, None), Level::Error), ["NOT_YET_VALID"]);
        let pre = p(1_600_000_000.0, Some(1_500_000_000.0));
        assert_eq!(
            (codes(&pre, Level::Error), codes(&pre, Level::Warning)),
            (vec!["EXPIRATION_ERROR"], vec!["EXPIRATION_ERROR"])
        );
    }
}
