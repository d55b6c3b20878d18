//! The EU DCC JSON schema, per release, as hand-written Rust rules.
//!
//! The official schema (`DGC.combined-schema.json` up to 1.2.0,
//! `DCC.combined-schema.json` from 1.2.1, draft 2020-12) changed a few rules
//! between releases. The `RELEASES` table encodes every release from 1.0.0 to 1.3.3
//! as one row of differences; the walk over the payload is shared. The rules
//! are checked exactly as a JSON Schema validator with format assertion would
//! check them:
//!
//! - `type` (an `integer` is any number with a zero fraction), `required`,
//!   `minItems`/`maxItems`, `minimum`/`maximum`, `oneOf` (exactly one of
//!   `v`, `t`, `r`, from 1.3.0) and `anyOf` (`fnt` or `gnt`, from 1.3.2);
//! - `maxLength`, counted in Unicode code points;
//! - `pattern`, with ECMA-262 semantics (`\d` is `[0-9]`, `.` is any code
//!   point but a line terminator, a pattern without `^`/`$` matches anywhere
//!   in the string), each matcher written by hand;
//! - `format`: `date` with [`time_parse::full_date`], `date-time` with
//!   [`time_parse::rfc3339`] (which differs from the `jsonschema` crate at
//!   two edges absent from all the test data: it accepts a leap second `:60`
//!   at any time of day, and at most nine fraction digits);
//! - properties the schema does not name are allowed, and so are the value
//!   set codes (the schema refers to value sets but does not constrain them).
//!
//! [`validate`] keeps the letter of the schema. [`validate_tolerant`], what the
//! verifier uses unless told to be strict, reads certificates in circulation
//! as the official verifier apps do: a deviation that does not change what
//! the data means is a [`Deviation`], not a violation —
//!
//! - a date-time where the schema says date (`2022-01-15T00:00:00` as a
//!   vaccination date): its date part is the date;
//! - a group present as `null` beside the real one (`"t": null` next to
//!   `"v": [...]`): read as absent;
//! - a country code in lowercase (`de`) whose uppercase follows the value set;
//! - a field the schema does not define (the schema allows them; the
//!   deviation says where, never the field's name).
//!
//! A structural defect (no name, no birth date, no or several groups, a
//! wrong type, a date that is no date) is a violation in both modes.
//!
//! The payload's `ver` chooses the rules: the greatest known release not
//! above it with the same major version (a future 1.4.0 is checked with the
//! 1.3.3 rules, a 1.0.4 with the 1.0.1 rules).
//!
//! Violations say where (a JSON pointer) and which rule; they never repeat a
//! payload value, since values are personal data.

use std::fmt;

use serde_json::{Map, Value};

use crate::model::Reason;
use crate::time_parse;

/// A payload that follows its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validated {
    /// The version the payload declares (`ver`).
    pub declared: String,
    /// The schema release whose rules were applied.
    pub rules: &'static str,
    /// The deviations tolerated ([`validate_tolerant`] only; always empty
    /// from [`validate`]).
    pub deviations: Vec<Violation>,
}

/// A tolerated deviation has the shape of a violation: where, and what.
pub type Deviation = Violation;

/// One way a payload breaks its schema. Never contains payload values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer to the offending place (`/v/0/dt`).
    pub path: String,
    /// What rule it breaks (`does not match the date format`).
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "/" } else { &self.path };
        write!(f, "{path}: {}", self.message)
    }
}

/// Why a payload does not follow its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// [`Reason::SchemaInvalid`] or [`Reason::SchemaVersionInvalid`].
    pub reason: Reason,
    /// The schema release whose rules were applied, if one could be chosen.
    pub rules: Option<&'static str>,
    /// Every violation found.
    pub violations: Vec<Violation>,
}

/// Validates a DCC payload against the rules of the schema version it
/// declares, to the letter.
pub fn validate(dcc: &Value) -> Result<Validated, SchemaError> {
    run(dcc, false)
}

/// Validates a DCC payload as [`validate`] does, but tolerates the
/// deviations listed in the module documentation: they are returned in
/// [`Validated::deviations`] instead of failing.
pub fn validate_tolerant(dcc: &Value) -> Result<Validated, SchemaError> {
    run(dcc, true)
}

/// The date part of a date-time written where a date belongs
/// (`2022-01-15T00:00:00`, `2022-01-15T00:00:00Z`, `2022-01-15 00:00:00+0100`):
/// `2022-01-15`. `None` for anything else, a plain date included.
pub fn date_part(s: &str) -> Option<&str> {
    let date = s.get(..10)?;
    (s.len() > 10 && time_parse::full_date(date).is_some() && time_parse::lenient(s).is_some()).then_some(date)
}

fn run(dcc: &Value, tolerant: bool) -> Result<Validated, SchemaError> {
    let (declared, rules) = choose_rules(dcc).map_err(|violations| SchemaError {
        reason: Reason::SchemaVersionInvalid,
        rules: None,
        violations,
    })?;
    let mut walk =
        Walk { rules, tolerant, violations: Vec::new(), deviations: Vec::new(), path: String::with_capacity(32) };
    if let Some(root) = dcc.as_object() {
        walk.root(root);
    }
    if walk.violations.is_empty() {
        Ok(Validated { declared: declared.to_owned(), rules: rules.release, deviations: walk.deviations })
    } else {
        Err(SchemaError { reason: Reason::SchemaInvalid, rules: Some(rules.release), violations: walk.violations })
    }
}

// ---------------------------------------------------------------------------
// The releases

/// A release version, `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Semver(u64, u64, u64);

/// The rule for `dob`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DobRule {
    /// 1.0.x: `format: date` and the unanchored pattern
    /// `(19|20)\d{2}-\d{2}-\d{2}`: a full date in 1900–2099.
    FullDate,
    /// 1.1.0 to 1.2.1: `^(19|20)\d\d(-\d\d){0,2}$`, no format: a year, a
    /// year and month, or a date, in 1900–2099 (the month and day unchecked).
    Partial,
    /// From 1.3.0: `^((19|20)\d\d(-\d\d){0,2}){0,1}$`: as before, or empty.
    PartialOrEmpty,
}

/// The rule for `nam`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameRule {
    /// Up to 1.3.1: `required: [fnt]`.
    FntRequired,
    /// From 1.3.2: `anyOf: [{required: [fnt]}, {required: [gnt]}]`.
    FntOrGnt,
}

/// What sets one schema release apart from the others.
#[derive(Debug)]
struct Rules {
    /// The release, as named by its tag.
    release: &'static str,
    version: Semver,
    /// `maxLength` of the names, issuer, certificate id and testing centre.
    max_length: usize,
    /// `maxLength` of the NAA test name `nm` (none before 1.3.0).
    test_name_max_length: Option<usize>,
    /// `maximum` of `dn`/`sd` (`minimum` is 1 throughout).
    dose_maximum: Option<u64>,
    dob: DobRule,
    name: NameRule,
    /// Whether the testing centre `tc` is required.
    tc_required: bool,
    /// Whether the test entry defines `dr` (date of test result) as a
    /// `date-time` string; it was removed in 1.2.0.
    test_result_date: bool,
    /// `oneOf` exactly one group, and `maxItems: 1` on each group; before
    /// 1.3.0 only `required: [ver, nam, dob]` and `minItems: 1`.
    exactly_one_group: bool,
}

/// The first release, 1.0.0; every later row of [`RELEASES`] names only
/// what changed since the row before it.
const RELEASE_1_0_0: Rules = Rules {
    release: "1.0.0",
    version: Semver(1, 0, 0),
    max_length: 50,
    test_name_max_length: None,
    dose_maximum: Some(9),
    dob: DobRule::FullDate,
    name: NameRule::FntRequired,
    tc_required: true,
    test_result_date: true,
    exactly_one_group: false,
};
const RELEASE_1_0_1: Rules = Rules { release: "1.0.1", version: Semver(1, 0, 1), ..RELEASE_1_0_0 };
const RELEASE_1_1_0: Rules =
    Rules { release: "1.1.0", version: Semver(1, 1, 0), dob: DobRule::Partial, ..RELEASE_1_0_1 };
const RELEASE_1_2_0: Rules =
    Rules { release: "1.2.0", version: Semver(1, 2, 0), test_result_date: false, ..RELEASE_1_1_0 };
const RELEASE_1_2_1: Rules = Rules { release: "1.2.1", version: Semver(1, 2, 1), ..RELEASE_1_2_0 };
const RELEASE_1_3_0: Rules = Rules {
    release: "1.3.0",
    version: Semver(1, 3, 0),
    max_length: 80,
    test_name_max_length: Some(80),
    dose_maximum: None,
    dob: DobRule::PartialOrEmpty,
    tc_required: false,
    exactly_one_group: true,
    ..RELEASE_1_2_1
};
const RELEASE_1_3_1: Rules = Rules { release: "1.3.1", version: Semver(1, 3, 1), ..RELEASE_1_3_0 };
const RELEASE_1_3_2: Rules =
    Rules { release: "1.3.2", version: Semver(1, 3, 2), name: NameRule::FntOrGnt, ..RELEASE_1_3_1 };
const RELEASE_1_3_3: Rules = Rules { release: "1.3.3", version: Semver(1, 3, 3), ..RELEASE_1_3_2 };

/// Every released schema, oldest first. Differences not listed here do not
/// change what validates: 1.0.1 moved the test type `tt` to a `test-type`
/// definition (still a plain string), 1.1.0 renamed the test result value
/// set, 1.2.1 renamed DGC to DCC, 1.3.0 added a value set reference to
/// `country_vt`, 1.3.1 only changed descriptions, 1.3.3 added the
/// `vaccine-encoding-instructions` definition (unused by the payload).
const RELEASES: [Rules; 9] = [
    RELEASE_1_0_0,
    RELEASE_1_0_1,
    RELEASE_1_1_0,
    RELEASE_1_2_0,
    RELEASE_1_2_1,
    RELEASE_1_3_0,
    RELEASE_1_3_1,
    RELEASE_1_3_2,
    RELEASE_1_3_3,
];

const VER_PATTERN: &str = r"^\d+.\d+.\d+$";
const ICAO_PATTERN: &str = "^[A-Z<]*$";
const COUNTRY_PATTERN: &str = "[A-Z]{1,10}";
const DOB_PATTERN_1_0: &str = r"(19|20)\d{2}-\d{2}-\d{2}";
const DOB_PATTERN_1_1: &str = r"^(19|20)\d\d(-\d\d){0,2}$";
const DOB_PATTERN_1_3: &str = r"^((19|20)\d\d(-\d\d){0,2}){0,1}$";

fn violation(path: &str, message: impl Into<String>) -> Violation {
    Violation { path: path.to_owned(), message: message.into() }
}

/// Reads `ver` and picks the rules; on failure, the violations of `ver`.
fn choose_rules(dcc: &Value) -> Result<(&str, &'static Rules), Vec<Violation>> {
    let Some(root) = dcc.as_object() else {
        return Err(vec![
            violation("", "must be an object"),
            violation("/ver", "is required (it names the schema version)"),
        ]);
    };
    let ver = match root.get("ver") {
        None => return Err(vec![violation("/ver", "is required (it names the schema version)")]),
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(vec![violation("/ver", "must be a string")]),
    };
    if !matches_ver_pattern(ver) {
        return Err(vec![violation("/ver", format!("does not match the pattern {VER_PATTERN}"))]);
    }
    let Some(declared) = parse_semver(ver) else {
        return Err(vec![violation("/ver", "is not a version of the form MAJOR.MINOR.PATCH")]);
    };
    if declared.0 != 1 {
        let message = if declared.0 == 0 {
            "declares a version before 1.0.0, the first DCC schema release".to_owned()
        } else {
            format!("declares major version {}; only 1.x DCC schema releases are known", declared.0)
        };
        return Err(vec![violation("/ver", message)]);
    }
    // Major 1 is at least 1.0.0, the first row.
    let rules = RELEASES.iter().rev().find(|r| r.version <= declared).unwrap_or(&RELEASES[0]);
    Ok((ver, rules))
}

/// `major.minor.patch` in ASCII digits; a number too large for `u64` is read
/// as `u64::MAX` (it is above every known release either way).
fn parse_semver(s: &str) -> Option<Semver> {
    let mut parts = s.split('.');
    let mut next = || -> Option<u64> {
        let p = parts.next()?;
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(p.bytes().fold(0u64, |n, b| n.saturating_mul(10).saturating_add(u64::from(b - b'0'))))
    };
    let v = Semver(next()?, next()?, next()?);
    parts.next().is_none().then_some(v)
}

// ---------------------------------------------------------------------------
// Pattern matchers (ECMA-262 semantics, over code points)

/// An ECMA-262 line terminator: what `.` does not match.
fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// `^\d+.\d+.\d+$`. Every non-digit must be one of the two `.`s, which match
/// any code point but a line terminator; the digit runs around them must not
/// be empty.
fn matches_ver_pattern(s: &str) -> bool {
    let mut n = 0usize;
    let mut others = [0usize; 2];
    let mut count = 0usize;
    for (i, c) in s.chars().enumerate() {
        n = i + 1;
        if !c.is_ascii_digit() {
            if is_line_terminator(c) || count == 2 {
                return false;
            }
            others[count] = i;
            count += 1;
        }
    }
    match count {
        // Digits only: `1.2.3` needs five of them, two read as the dots.
        0 => n >= 5,
        // One non-digit, the first or the second dot.
        1 => {
            let p = others[0];
            let after = n - p - 1;
            (p >= 1 && after >= 3) || (p >= 3 && after >= 1)
        }
        _ => {
            let (p, q) = (others[0], others[1]);
            p >= 1 && q - p >= 2 && n - q >= 2
        }
    }
}

/// `^[A-Z<]*$`.
fn matches_icao_pattern(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_uppercase() || b == b'<')
}

/// `[A-Z]{1,10}`, unanchored: somewhere a capital letter.
fn matches_country_pattern(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_uppercase())
}

/// A code of ASCII letters, some lowercase, whose uppercase would match
/// the country pattern (`de`, `De`).
fn is_lowercase_code(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphabetic()) && s.bytes().any(|b| b.is_ascii_lowercase())
}

/// `(19|20)\d\d` at the start of `b`.
fn century_year(b: &[u8]) -> bool {
    matches!(b, [b'1', b'9', y, z, ..] | [b'2', b'0', y, z, ..] if y.is_ascii_digit() && z.is_ascii_digit())
}

/// `-\d\d` at the start of `b`.
fn dash_two_digits(b: &[u8]) -> bool {
    matches!(b, [b'-', x, y, ..] if x.is_ascii_digit() && y.is_ascii_digit())
}

/// `(19|20)\d{2}-\d{2}-\d{2}`, unanchored (1.0.x `dob`). The pattern is
/// ASCII, so matching on UTF-8 bytes is the same as on code points.
fn matches_dob_pattern_1_0(s: &str) -> bool {
    s.as_bytes().windows(10).any(|w| century_year(w) && dash_two_digits(&w[4..]) && dash_two_digits(&w[7..]))
}

/// `^(19|20)\d\d(-\d\d){0,2}$` (1.1.0 to 1.2.1 `dob`).
fn matches_dob_pattern_1_1(s: &str) -> bool {
    let b = s.as_bytes();
    matches!(b.len(), 4 | 7 | 10) && century_year(b) && b[4..].chunks(3).all(dash_two_digits)
}

/// `^((19|20)\d\d(-\d\d){0,2}){0,1}$` (from 1.3.0 `dob`).
fn matches_dob_pattern_1_3(s: &str) -> bool {
    s.is_empty() || matches_dob_pattern_1_1(s)
}

// ---------------------------------------------------------------------------
// The walk

/// How a property is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A string (the value set codes: no further rule).
    Text,
    /// A string of at most [`Rules::max_length`] code points.
    Bounded,
    /// A standardised name: [`Kind::Bounded`] and `^[A-Z<]*$`.
    Standardised,
    /// The NAA test name: [`Rules::test_name_max_length`].
    TestName,
    /// `country_vt`: a string matching `[A-Z]{1,10}`.
    Country,
    /// A string in the `date` format.
    Date,
    /// A string in the `date-time` format.
    DateTime,
    /// The test's `dr`: a `date-time` string while the release defines it.
    ResultDate,
    /// `dose_posint`: an integer from 1 (up to [`Rules::dose_maximum`]).
    Dose,
}

/// Whether a property is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    Required,
    Optional,
    /// The testing centre: [`Rules::tc_required`].
    TestCentre,
}

struct Field {
    name: &'static str,
    kind: Kind,
    need: Need,
}

const fn field(name: &'static str, kind: Kind, need: Need) -> Field {
    Field { name, kind, need }
}

const PERSON_NAME: &[Field] = &[
    field("fn", Kind::Bounded, Need::Optional),
    field("fnt", Kind::Standardised, Need::Optional),
    field("gn", Kind::Bounded, Need::Optional),
    field("gnt", Kind::Standardised, Need::Optional),
];

const VACCINATION: &[Field] = &[
    field("tg", Kind::Text, Need::Required),
    field("vp", Kind::Text, Need::Required),
    field("mp", Kind::Text, Need::Required),
    field("ma", Kind::Text, Need::Required),
    field("dn", Kind::Dose, Need::Required),
    field("sd", Kind::Dose, Need::Required),
    field("dt", Kind::Date, Need::Required),
    field("co", Kind::Country, Need::Required),
    field("is", Kind::Bounded, Need::Required),
    field("ci", Kind::Bounded, Need::Required),
];

const TEST: &[Field] = &[
    field("tg", Kind::Text, Need::Required),
    field("tt", Kind::Text, Need::Required),
    field("nm", Kind::TestName, Need::Optional),
    field("ma", Kind::Text, Need::Optional),
    field("sc", Kind::DateTime, Need::Required),
    field("dr", Kind::ResultDate, Need::Optional),
    field("tr", Kind::Text, Need::Required),
    field("tc", Kind::Bounded, Need::TestCentre),
    field("co", Kind::Country, Need::Required),
    field("is", Kind::Bounded, Need::Required),
    field("ci", Kind::Bounded, Need::Required),
];

const RECOVERY: &[Field] = &[
    field("tg", Kind::Text, Need::Required),
    field("fr", Kind::Date, Need::Required),
    field("co", Kind::Country, Need::Required),
    field("is", Kind::Bounded, Need::Required),
    field("df", Kind::Date, Need::Required),
    field("du", Kind::Date, Need::Required),
    field("ci", Kind::Bounded, Need::Required),
];

const GROUPS: [(&str, &[Field]); 3] = [("v", VACCINATION), ("t", TEST), ("r", RECOVERY)];

/// Whether `key` is a property name of the DCC schema (any release): `ver`,
/// `nam`, `dob`, the groups and their fields. Messages may name these keys;
/// any other key is payload text, which they never repeat.
pub fn is_known_key(key: &str) -> bool {
    matches!(key, "ver" | "nam" | "dob")
        || GROUPS.iter().any(|(group, fields)| *group == key || fields.iter().any(|f| f.name == key))
        || PERSON_NAME.iter().any(|f| f.name == key)
}

/// Whether a JSON number is an integer in the JSON Schema sense (`1.0` is).
fn as_integer(n: &serde_json::Number) -> Option<f64> {
    if n.is_i64() || n.is_u64() {
        // Exact enough for comparing with small bounds.
        return n.as_f64();
    }
    n.as_f64().filter(|f| f.is_finite() && f.fract() == 0.0)
}

struct Walk {
    rules: &'static Rules,
    /// Whether deviations are tolerated ([`validate_tolerant`]).
    tolerant: bool,
    violations: Vec<Violation>,
    deviations: Vec<Deviation>,
    /// JSON pointer of the value being checked; extended and truncated as
    /// the walk descends, so that valid payloads allocate no paths.
    path: String,
}

impl Walk {
    fn push(&mut self, path: &str, message: impl Into<String>) {
        self.violations.push(violation(path, message));
    }

    /// A violation at the current path.
    fn push_here(&mut self, message: impl Into<String>) {
        let v = violation(&self.path, message);
        self.violations.push(v);
    }

    /// A deviation at `path`.
    fn deviate(&mut self, path: &str, message: impl Into<String>) {
        self.deviations.push(violation(path, message));
    }

    /// Notes the fields of `object` (at the current path) that `known` does
    /// not name, when tolerant: one deviation per object, without the names.
    fn unknown_fields(&mut self, object: &Map<String, Value>, known: impl Fn(&str) -> bool) {
        if !self.tolerant {
            return;
        }
        let n = object.keys().filter(|k| !known(k)).count();
        if n > 0 {
            let at = if self.path.is_empty() { "/".to_owned() } else { self.path.clone() };
            let what = if n == 1 { "a field".to_owned() } else { format!("{n} fields") };
            self.deviate(&at, format!("has {what} the schema does not define (ignored)"));
        }
    }

    /// Descends into `segment`; returns the length to truncate back to.
    fn enter(&mut self, segment: impl fmt::Display) -> usize {
        use fmt::Write as _;
        let at = self.path.len();
        let _ = write!(self.path, "/{segment}");
        at
    }

    fn root(&mut self, root: &Map<String, Value>) {
        // `ver` was checked when the rules were chosen.
        match root.get("nam") {
            None => self.push("/nam", "is required"),
            Some(Value::Object(nam)) => self.person_name(nam),
            Some(_) => self.push("/nam", "must be an object"),
        }
        match root.get("dob") {
            None => self.push("/dob", "is required"),
            Some(Value::String(dob)) => self.dob(dob),
            Some(_) => self.push("/dob", "must be a string"),
        }
        // A null group is read as absent, when tolerant and another group
        // is real; alone it is still a violation (no group to read).
        let real = GROUPS.iter().filter(|(key, _)| root.get(*key).is_some_and(|g| !g.is_null())).count();
        let mut present = 0usize;
        for (key, fields) in GROUPS {
            match root.get(key) {
                None => {}
                Some(Value::Null) if self.tolerant && real > 0 => {
                    self.deviate(&format!("/{key}"), "is null beside the real group (read as absent)");
                }
                Some(group) => {
                    present += 1;
                    self.group(key, group, fields);
                }
            }
        }
        if self.rules.exactly_one_group && present != 1 {
            self.push("", format!("must hold exactly one of v, t, r (holds {present})"));
        }
        self.unknown_fields(root, |k| matches!(k, "ver" | "nam" | "dob" | "v" | "t" | "r"));
    }

    fn person_name(&mut self, nam: &Map<String, Value>) {
        match self.rules.name {
            NameRule::FntRequired if !nam.contains_key("fnt") => self.push("/nam/fnt", "is required"),
            NameRule::FntOrGnt if !nam.contains_key("fnt") && !nam.contains_key("gnt") => {
                self.push("/nam", "must have fnt or gnt (at least one of them)");
            }
            _ => {}
        }
        let at = self.enter("nam");
        self.fields(nam, PERSON_NAME);
        self.path.truncate(at);
    }

    fn dob(&mut self, dob: &str) {
        if self.tolerant
            && let Some(date) = date_part(dob)
        {
            let before = self.violations.len();
            self.dob_letter(date);
            if self.violations.len() == before {
                self.deviate("/dob", "is a date-time where the schema says date (its date part is read)");
            }
            return;
        }
        self.dob_letter(dob);
    }

    fn dob_letter(&mut self, dob: &str) {
        let (matches, pattern) = match self.rules.dob {
            DobRule::FullDate => {
                if time_parse::full_date(dob).is_none() {
                    self.push("/dob", "is not a valid date (YYYY-MM-DD)");
                }
                (matches_dob_pattern_1_0(dob), DOB_PATTERN_1_0)
            }
            DobRule::Partial => (matches_dob_pattern_1_1(dob), DOB_PATTERN_1_1),
            DobRule::PartialOrEmpty => (matches_dob_pattern_1_3(dob), DOB_PATTERN_1_3),
        };
        if !matches {
            self.push("/dob", format!("does not match the pattern {pattern}"));
        }
    }

    fn group(&mut self, key: &str, group: &Value, fields: &[Field]) {
        let at = self.enter(key);
        match group.as_array() {
            None => self.push_here("must be an array"),
            Some(entries) => {
                if entries.is_empty() {
                    self.push_here("must have at least 1 item");
                }
                if self.rules.exactly_one_group && entries.len() > 1 {
                    self.push_here("must have at most 1 item");
                }
                for (i, entry) in entries.iter().enumerate() {
                    let entry_at = self.enter(i);
                    match entry.as_object() {
                        Some(entry) => self.fields(entry, fields),
                        None => self.push_here("must be an object"),
                    }
                    self.path.truncate(entry_at);
                }
            }
        }
        self.path.truncate(at);
    }

    /// Checks the fields of the object at the current path.
    fn fields(&mut self, object: &Map<String, Value>, fields: &[Field]) {
        self.unknown_fields(object, |k| fields.iter().any(|f| f.name == k));
        for f in fields {
            let at = self.enter(f.name);
            match object.get(f.name) {
                Some(value) => self.property(f.kind, value),
                None => {
                    let required = match f.need {
                        Need::Required => true,
                        Need::Optional => false,
                        Need::TestCentre => self.rules.tc_required,
                    };
                    if required {
                        self.push_here("is required");
                    }
                }
            }
            self.path.truncate(at);
        }
    }

    fn property(&mut self, kind: Kind, value: &Value) {
        if kind == Kind::ResultDate && !self.rules.test_result_date {
            return;
        }
        if kind == Kind::Dose {
            self.dose(value);
            return;
        }
        let Value::String(s) = value else {
            self.push_here("must be a string");
            return;
        };
        let max_length = match kind {
            Kind::Bounded | Kind::Standardised => Some(self.rules.max_length),
            Kind::TestName => self.rules.test_name_max_length,
            _ => None,
        };
        if let Some(max) = max_length.filter(|max| s.chars().count() > *max) {
            self.push_here(format!("is longer than {max} characters"));
        }
        match kind {
            Kind::Standardised if !matches_icao_pattern(s) => {
                self.push_here(format!("does not match the pattern {ICAO_PATTERN}"));
            }
            Kind::Country if !matches_country_pattern(s) => {
                if self.tolerant && is_lowercase_code(s) {
                    let here = self.path.clone();
                    self.deviate(&here, "is lowercase where the value set is uppercase (read in uppercase)");
                } else {
                    self.push_here(format!("does not match the pattern {COUNTRY_PATTERN}"));
                }
            }
            Kind::Date if time_parse::full_date(s).is_none() => {
                if self.tolerant && date_part(s).is_some() {
                    let here = self.path.clone();
                    self.deviate(&here, "is a date-time where the schema says date (its date part is read)");
                } else {
                    self.push_here("is not a valid date (YYYY-MM-DD)");
                }
            }
            Kind::DateTime | Kind::ResultDate if time_parse::rfc3339(s).is_none() => {
                self.push_here("is not a valid date-time (RFC 3339, such as 2021-05-03T10:27:15Z)");
            }
            _ => {}
        }
    }

    fn dose(&mut self, value: &Value) {
        let Some(n) = value.as_number().and_then(as_integer) else {
            self.push_here("must be an integer");
            return;
        };
        if n < 1.0 {
            self.push_here("must be at least 1");
        }
        if let Some(max) = self.rules.dose_maximum.filter(|max| n > *max as f64) {
            self.push_here(format!("must be at most {max}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn vaccination(ver: &str) -> Value {
        json!({
            "ver": ver,
            "nam": {"fn": "Musterfrau", "fnt": "MUSTERFRAU", "gn": "Erika", "gnt": "ERIKA"},
            "dob": "1964-08-12",
            "v": [{
                "tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
                "dn": 2, "sd": 2, "dt": "2021-05-29", "co": "AT", "is": "Ministry of Health, Austria",
                "ci": "URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B"
            }]
        })
    }

    fn test_entry(ver: &str) -> Value {
        json!({
            "ver": ver,
            "nam": {"fnt": "MUSTERFRAU"},
            "dob": "1964-08-12",
            "t": [{
                "tg": "840539006", "tt": "LP6464-4", "nm": "Roche LightCycler qPCR",
                "sc": "2021-05-30T10:12:22Z", "tr": "260415000", "tc": "Testing centre",
                "co": "AT", "is": "Ministry of Health, Austria", "ci": "URN:UVCI:01:AT:B5921A35D6A0D696421B3E2462178297#I"
            }]
        })
    }

    fn recovery(ver: &str) -> Value {
        json!({
            "ver": ver,
            "nam": {"fnt": "MUSTERFRAU"},
            "dob": "1964-08-12",
            "r": [{
                "tg": "840539006", "fr": "2021-02-20", "co": "AT", "is": "Ministry of Health, Austria",
                "df": "2021-04-04", "du": "2021-10-04", "ci": "URN:UVCI:01:AT:858CC18CFCF5965EF82F60E493349AA5#K"
            }]
        })
    }

    fn set(mut v: Value, pointer: &str, value: Value) -> Value {
        *v.pointer_mut(pointer).expect("pointer exists") = value;
        v
    }

    fn remove(mut v: Value, pointer: &str) -> Value {
        let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
        v.pointer_mut(parent).and_then(Value::as_object_mut).expect("parent object").remove(key);
        v
    }

    /// The violations as `path: message`, or empty when valid.
    fn check(v: &Value) -> Vec<String> {
        match validate(v) {
            Ok(_) => Vec::new(),
            Err(e) => e.violations.iter().map(ToString::to_string).collect(),
        }
    }

    fn valid(v: &Value) -> bool {
        validate(v).is_ok()
    }

    /// `v` validates with the rules of `ok` and not with those of `bad`.
    fn differs(make: impl Fn(&str) -> Value, ok: &str, bad: &str) {
        let good = make(ok);
        assert!(valid(&good), "{ok}: {:?}", check(&good));
        let wrong = make(bad);
        assert!(!valid(&wrong), "{bad} should reject");
    }

    #[test]
    fn baseline_payloads_are_valid_in_every_release() {
        for r in &RELEASES {
            for v in [vaccination(r.release), test_entry(r.release), recovery(r.release)] {
                assert_eq!(check(&v), Vec::<String>::new(), "{}", r.release);
                assert_eq!(validate(&v).unwrap().rules, r.release);
            }
        }
    }

    #[test]
    fn version_selection() {
        let rules = |ver: &str| validate(&vaccination(ver)).map(|v| v.rules).map_err(|e| (e.reason, e.rules));
        assert_eq!(rules("1.0.0"), Ok("1.0.0"));
        assert_eq!(rules("1.0.4"), Ok("1.0.1"));
        assert_eq!(rules("1.1.9"), Ok("1.1.0"));
        assert_eq!(rules("1.2.5"), Ok("1.2.1"));
        assert_eq!(rules("1.3.3"), Ok("1.3.3"));
        assert_eq!(rules("1.3.99"), Ok("1.3.3"));
        assert_eq!(rules("1.4.0"), Ok("1.3.3"));
        assert_eq!(rules("1.99999999999999999999999.0"), Ok("1.3.3"));
        assert_eq!(rules("01.03.00"), Ok("1.3.0"));
        let invalid = Err((Reason::SchemaVersionInvalid, None));
        for ver in ["0.9.0", "0.1.0", "2.0.0", "1.3", "1.3.0.1", "v1.3.0", "1.3.0 ", "", "1.x.0", "11111", "1a2b3"] {
            assert_eq!(rules(ver), invalid, "{ver:?}");
        }
        assert_eq!(validate(&vaccination("1.3.0")).unwrap().declared, "1.3.0");

        let missing = remove(vaccination("1.3.0"), "/ver");
        let e = validate(&missing).unwrap_err();
        assert_eq!((e.reason, e.rules, e.violations[0].path.as_str()), (Reason::SchemaVersionInvalid, None, "/ver"));
        let number = set(vaccination("1.3.0"), "/ver", json!(1.3));
        assert_eq!(validate(&number).unwrap_err().violations[0].message, "must be a string");
        let e = validate(&json!(["1.3.0"])).unwrap_err();
        assert_eq!(e.reason, Reason::SchemaVersionInvalid);
        assert_eq!(e.violations[0].to_string(), "/: must be an object");
    }

    #[test]
    fn ver_pattern_is_the_official_one() {
        // `.` is any code point but a line terminator; `\d` is ASCII.
        for ok in ["1.0.0", "10.20.30", "11111", "1a2b3", "1.2x3", "1x2.3", "1😀2-3", "123.4.5"] {
            assert!(matches_ver_pattern(ok), "{ok:?}");
        }
        for bad in ["", "1.0", "1..0", ".1.0.0", "1.0.0.", "1.0.0.0", "1\n2.3", "1.2\r3", "1.2.٣", "1.2.3\n", "1111"] {
            assert!(!matches_ver_pattern(bad), "{bad:?}");
        }
        // Pattern-conforming but not a version: still no rules.
        assert_eq!(
            validate(&vaccination("1a2b3")).unwrap_err().violations[0].message,
            "is not a version of the form MAJOR.MINOR.PATCH"
        );
    }

    #[test]
    fn max_length_50_before_1_3_0_and_80_after() {
        // 60 code points (120 bytes): length counts code points.
        let long: String = "Č".repeat(60);
        for pointer in ["/nam/fn", "/nam/gn", "/v/0/is", "/v/0/ci"] {
            differs(|ver| set(vaccination(ver), pointer, json!(long)), "1.3.0", "1.2.1");
        }
        let long_std = "A".repeat(60);
        for pointer in ["/nam/fnt", "/nam/gnt"] {
            differs(|ver| set(vaccination(ver), pointer, json!(long_std)), "1.3.0", "1.2.1");
        }
        differs(|ver| set(test_entry(ver), "/t/0/tc", json!(long)), "1.3.0", "1.2.1");
        let at_limit = set(vaccination("1.0.0"), "/nam/fn", json!("Č".repeat(50)));
        assert!(valid(&at_limit));
        let over = set(vaccination("1.3.3"), "/v/0/ci", json!("X".repeat(81)));
        assert_eq!(check(&over), ["/v/0/ci: is longer than 80 characters"]);
    }

    #[test]
    fn test_name_has_a_max_length_from_1_3_0() {
        differs(|ver| set(test_entry(ver), "/t/0/nm", json!("n".repeat(100))), "1.2.1", "1.3.0");
    }

    #[test]
    fn dose_maximum_9_before_1_3_0() {
        differs(|ver| set(vaccination(ver), "/v/0/dn", json!(10)), "1.3.0", "1.2.1");
        differs(|ver| set(vaccination(ver), "/v/0/sd", json!(12)), "1.3.0", "1.2.1");
        let zero = set(vaccination("1.3.3"), "/v/0/dn", json!(0));
        assert_eq!(check(&zero), ["/v/0/dn: must be at least 1"]);
        let ten = set(vaccination("1.0.0"), "/v/0/dn", json!(10));
        assert_eq!(check(&ten), ["/v/0/dn: must be at most 9"]);
    }

    #[test]
    fn integers_are_numbers_with_zero_fraction() {
        assert!(valid(&set(vaccination("1.3.3"), "/v/0/dn", json!(2.0))));
        for bad in [json!(1.5), json!("2"), json!(null), json!(true)] {
            let v = set(vaccination("1.3.3"), "/v/0/dn", bad);
            assert_eq!(check(&v), ["/v/0/dn: must be an integer"]);
        }
        assert!(valid(&set(vaccination("1.3.3"), "/v/0/sd", json!(1e300))));
        assert!(!valid(&set(vaccination("1.2.1"), "/v/0/sd", json!(1e300))));
    }

    #[test]
    fn dob_rules_per_release() {
        let dob = |d: &'static str| move |ver: &str| set(vaccination(ver), "/dob", json!(d));
        // 1.0.x: a full date only; from 1.1.0 a year or a year and month too.
        differs(dob("1964"), "1.1.0", "1.0.1");
        differs(dob("1964-08"), "1.1.0", "1.0.0");
        // 1.0.x checks the calendar (format: date); 1.1.0 to 1.3.3 only the shape.
        differs(dob("1964-02-30"), "1.1.0", "1.0.0");
        differs(dob("1964-13-99"), "1.3.3", "1.0.1");
        // Empty from 1.3.0.
        differs(dob(""), "1.3.0", "1.2.1");
        // 1900–2099 throughout.
        for ver in ["1.0.0", "1.1.0", "1.3.3"] {
            for bad in ["1809-02-28", "2100-01-01", "64-08-12", "1964-8-12"] {
                assert!(!valid(&dob(bad)(ver)), "{ver} {bad}");
            }
        }
        // The 1.0.0 pattern is unanchored, but format: date bounds the string.
        assert_eq!(check(&dob("x1964-08-12")("1.0.0")), ["/dob: is not a valid date (YYYY-MM-DD)"]);
        assert_eq!(check(&dob("1809-02-28")("1.0.0")), [r"/dob: does not match the pattern (19|20)\d{2}-\d{2}-\d{2}"]);
        assert_eq!(
            check(&dob("1964-")("1.3.3")),
            [r"/dob: does not match the pattern ^((19|20)\d\d(-\d\d){0,2}){0,1}$"]
        );
        // The 1.0.0 matcher on its own is unanchored.
        assert!(matches_dob_pattern_1_0("born 1964-08-12 in Wien"));
        assert!(!matches_dob_pattern_1_0("1964-08-1"));
        assert!(matches_dob_pattern_1_1("2099-99-99"));
        assert!(!matches_dob_pattern_1_1("1964-08-12\n"));
        assert!(!matches_dob_pattern_1_1("١٩٦٤"));
        let missing = remove(vaccination("1.3.3"), "/dob");
        assert_eq!(check(&missing), ["/dob: is required"]);
        assert_eq!(check(&missing.clone()), check(&remove(vaccination("1.2.1"), "/dob")));
    }

    #[test]
    fn testing_centre_required_before_1_3_0() {
        differs(|ver| remove(test_entry(ver), "/t/0/tc"), "1.3.0", "1.2.1");
        assert_eq!(check(&remove(test_entry("1.0.0"), "/t/0/tc")), ["/t/0/tc: is required"]);
    }

    #[test]
    fn result_date_is_a_date_time_before_1_2_0() {
        let with_dr = |dr: Value| {
            move |ver: &str| {
                let mut v = test_entry(ver);
                v["t"][0]["dr"] = dr.clone();
                v
            }
        };
        differs(with_dr(json!("2021-05-30")), "1.2.0", "1.1.0");
        differs(with_dr(json!(20210530)), "1.2.0", "1.0.0");
        assert!(valid(&with_dr(json!("2021-05-30T12:00:00+02:00"))("1.1.0")));
    }

    #[test]
    fn one_group_with_one_entry_from_1_3_0() {
        let two_entries = |ver: &str| {
            let mut v = vaccination(ver);
            let entry = v["v"][0].clone();
            v["v"].as_array_mut().unwrap().push(entry);
            v
        };
        differs(two_entries, "1.2.1", "1.3.0");
        assert_eq!(check(&two_entries("1.3.0")), ["/v: must have at most 1 item"]);

        let two_groups = |ver: &str| {
            let mut v = vaccination(ver);
            v["r"] = recovery(ver)["r"].clone();
            v
        };
        differs(two_groups, "1.2.1", "1.3.0");
        assert_eq!(check(&two_groups("1.3.3")), ["/: must hold exactly one of v, t, r (holds 2)"]);

        let no_group = |ver: &str| remove(vaccination(ver), "/v");
        differs(no_group, "1.0.0", "1.3.0");

        for ver in ["1.0.0", "1.3.3"] {
            let empty = set(vaccination(ver), "/v", json!([]));
            assert_eq!(check(&empty), ["/v: must have at least 1 item"]);
            let not_array = set(vaccination(ver), "/v", json!({}));
            assert_eq!(check(&not_array), ["/v: must be an array"]);
            let not_object = set(vaccination(ver), "/v/0", json!("entry"));
            assert_eq!(check(&not_object), ["/v/0: must be an object"]);
        }
    }

    #[test]
    fn person_name_fnt_before_1_3_2_fnt_or_gnt_after() {
        let only_gnt = |ver: &str| set(vaccination(ver), "/nam", json!({"gn": "Erika", "gnt": "ERIKA"}));
        differs(only_gnt, "1.3.2", "1.3.1");
        assert_eq!(check(&only_gnt("1.3.1")), ["/nam/fnt: is required"]);
        let only_fnt = set(vaccination("1.3.3"), "/nam", json!({"fnt": "MUSTERFRAU"}));
        assert!(valid(&only_fnt));
        let neither = set(vaccination("1.3.3"), "/nam", json!({"fn": "Musterfrau", "gn": "Erika"}));
        assert_eq!(check(&neither), ["/nam: must have fnt or gnt (at least one of them)"]);
        assert!(!valid(&set(vaccination("1.0.0"), "/nam", json!({"fn": "Musterfrau"}))));
        assert_eq!(check(&set(vaccination("1.3.3"), "/nam", json!("Erika"))), ["/nam: must be an object"]);
        assert_eq!(check(&remove(vaccination("1.3.3"), "/nam")), ["/nam: is required"]);
        let lower = set(vaccination("1.3.3"), "/nam/gnt", json!("Erika"));
        assert_eq!(check(&lower), ["/nam/gnt: does not match the pattern ^[A-Z<]*$"]);
        assert!(valid(&set(vaccination("1.3.3"), "/nam/gnt", json!(""))));
    }

    #[test]
    fn test_type_is_a_string_in_every_release() {
        // 1.0.1 moved `tt` to a definition; the rule stayed "a string".
        for ver in ["1.0.0", "1.0.1", "1.3.3"] {
            assert!(!valid(&set(test_entry(ver), "/t/0/tt", json!(1))));
            assert!(valid(&set(test_entry(ver), "/t/0/tt", json!("anything"))));
        }
    }

    #[test]
    fn country_pattern_is_unanchored() {
        for ok in ["AT", "XK", "UNHCR", "xxDEyy", "ABCDEFGHIJKLMNOP"] {
            assert!(valid(&set(vaccination("1.3.3"), "/v/0/co", json!(ok))), "{ok}");
        }
        for bad in ["at", "", "12", "ü"] {
            let v = set(vaccination("1.3.3"), "/v/0/co", json!(bad));
            assert_eq!(check(&v), ["/v/0/co: does not match the pattern [A-Z]{1,10}"], "{bad}");
        }
    }

    #[test]
    fn formats_are_strict() {
        for bad in ["2021-05-30T10:12:22", "2021-05-30T10:12:22+0200", "2021-05-30T10:12:22+02", "2021-05-30"] {
            let v = set(test_entry("1.3.3"), "/t/0/sc", json!(bad));
            assert_eq!(
                check(&v),
                ["/t/0/sc: is not a valid date-time (RFC 3339, such as 2021-05-03T10:27:15Z)"],
                "{bad}"
            );
        }
        assert!(valid(&set(test_entry("1.3.3"), "/t/0/sc", json!("2021-05-30t10:12:22.123-05:30"))));
        for pointer in ["/r/0/fr", "/r/0/df", "/r/0/du"] {
            for bad in ["2021-02-29", "2021-2-20", "2021-02-20T00:00:00Z"] {
                let v = set(recovery("1.3.3"), pointer, json!(bad));
                assert_eq!(check(&v), [format!("{pointer}: is not a valid date (YYYY-MM-DD)")]);
            }
        }
        assert!(!valid(&set(vaccination("1.3.3"), "/v/0/dt", json!("2021-05-29T00:00:00Z"))));
    }

    #[test]
    fn collects_every_violation_without_values() {
        let secret_name = "SECRETNAME";
        let secret_id = "URN:UVCI:SECRET-ID-123";
        let v = json!({
            "ver": "1.2.1",
            "nam": {"fn": secret_name.repeat(10), "gnt": "secret name"},
            "dob": "1899-01-01",
            "v": [{
                "tg": 1, "vp": "x", "mp": "x", "ma": "x", "dn": 10, "sd": 0.5, "dt": "2021-13-01",
                "co": "at", "ci": secret_id.repeat(5)
            }],
            "t": [{"tg": "x"}],
            "extra": {"anything": "goes"}
        });
        let e = validate(&v).unwrap_err();
        assert_eq!(e.reason, Reason::SchemaInvalid);
        assert_eq!(e.rules, Some("1.2.1"));
        let got: Vec<String> = e.violations.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "/nam/fnt: is required",
                "/nam/fn: is longer than 50 characters",
                "/nam/gnt: does not match the pattern ^[A-Z<]*$",
                r"/dob: does not match the pattern ^(19|20)\d\d(-\d\d){0,2}$",
                "/v/0/tg: must be a string",
                "/v/0/dn: must be at most 9",
                "/v/0/sd: must be an integer",
                "/v/0/dt: is not a valid date (YYYY-MM-DD)",
                "/v/0/co: does not match the pattern [A-Z]{1,10}",
                "/v/0/is: is required",
                "/v/0/ci: is longer than 50 characters",
                "/t/0/tt: is required",
                "/t/0/sc: is required",
                "/t/0/tr: is required",
                "/t/0/tc: is required",
                "/t/0/co: is required",
                "/t/0/is: is required",
                "/t/0/ci: is required",
            ]
        );
        for line in &got {
            for secret in [secret_name, "secret", "SECRET", "1899", "2021-13", "at\""] {
                assert!(!line.contains(secret), "{line} leaks {secret}");
            }
        }
    }

    /// The deviations as `path: message` when the tolerant check passes.
    fn deviations(v: &Value) -> Vec<String> {
        match validate_tolerant(v) {
            Ok(ok) => ok.deviations.iter().map(ToString::to_string).collect(),
            Err(e) => panic!("tolerant check refused: {:?}", e.violations),
        }
    }

    const DATE_TIME_AS_DATE: &str = "is a date-time where the schema says date (its date part is read)";

    #[test]
    fn tolerated_date_time_where_the_schema_says_date() {
        for ver in ["1.0.0", "1.2.1", "1.3.3"] {
            for dt in ["2022-01-15T00:00:00", "2022-01-15T00:00:00Z", "2022-01-15T10:00:00+01:00", "2022-01-15 00:00:00"] {
                let v = set(vaccination(ver), "/v/0/dt", json!(dt));
                assert_eq!(deviations(&v), [format!("/v/0/dt: {DATE_TIME_AS_DATE}")], "{ver} {dt}");
                assert_eq!(check(&v), ["/v/0/dt: is not a valid date (YYYY-MM-DD)"], "strict {ver} {dt}");
            }
            for pointer in ["/r/0/fr", "/r/0/df", "/r/0/du"] {
                let v = set(recovery(ver), pointer, json!("2021-04-04T00:00:00"));
                assert_eq!(deviations(&v), [format!("{pointer}: {DATE_TIME_AS_DATE}")]);
                assert!(!valid(&v));
            }
            let v = set(vaccination(ver), "/dob", json!("1964-08-12T00:00:00"));
            assert_eq!(deviations(&v), [format!("/dob: {DATE_TIME_AS_DATE}")], "{ver}");
            assert!(!valid(&v), "{ver}");
        }
        // The date part must itself be a date the release accepts.
        for bad in ["2022-02-30T00:00:00", "2022-01-15T25:00:00", "2022-01-15Tnoon", "2022-01-15T"] {
            let v = set(vaccination("1.3.3"), "/v/0/dt", json!(bad));
            assert!(validate_tolerant(&v).is_err(), "{bad}");
        }
        let old_dob = set(vaccination("1.3.3"), "/dob", json!("1864-08-12T00:00:00"));
        assert!(validate_tolerant(&old_dob).is_err());
        assert_eq!(date_part("2022-01-15T00:00:00"), Some("2022-01-15"));
        assert_eq!(date_part("2022-01-15"), None);
        assert_eq!(date_part("2022-01-15ČČ"), None);
    }

    #[test]
    fn tolerated_null_group_beside_the_real_one() {
        for ver in ["1.0.0", "1.3.3"] {
            let mut v = vaccination(ver);
            v["t"] = Value::Null;
            v["r"] = Value::Null;
            assert_eq!(
                deviations(&v),
                ["/t: is null beside the real group (read as absent)", "/r: is null beside the real group (read as absent)"]
            );
            assert!(!valid(&v), "strict {ver}");
        }
        // Alone, a null group is no group: still refused.
        let mut only_null = remove(vaccination("1.3.3"), "/v");
        only_null["v"] = Value::Null;
        assert!(validate_tolerant(&only_null).is_err());
    }

    #[test]
    fn tolerated_lowercase_country_code() {
        for pointer_of in [("/v/0/co", vaccination as fn(&str) -> Value), ("/t/0/co", test_entry), ("/r/0/co", recovery)] {
            let (pointer, make) = pointer_of;
            let v = set(make("1.3.3"), pointer, json!("de"));
            assert_eq!(deviations(&v), [format!("{pointer}: is lowercase where the value set is uppercase (read in uppercase)")]);
            assert_eq!(check(&v), [format!("{pointer}: does not match the pattern [A-Z]{{1,10}}")]);
        }
        // Not letters: not a lowercase code.
        for bad in ["", "12", "ü", "d-e"] {
            assert!(validate_tolerant(&set(vaccination("1.3.3"), "/v/0/co", json!(bad))).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_fields_are_named_by_their_place_only() {
        let mut v = vaccination("1.3.3");
        v["SECRETKEY"] = json!(1);
        v["nam"]["middle"] = json!("x");
        v["v"][0]["SECRET1"] = json!("y");
        v["v"][0]["SECRET2"] = json!("z");
        let got = deviations(&v);
        assert_eq!(
            got,
            [
                "/nam: has a field the schema does not define (ignored)",
                "/v/0: has 2 fields the schema does not define (ignored)",
                "/: has a field the schema does not define (ignored)",
            ]
        );
        assert!(got.iter().all(|d| !d.contains("SECRET") && !d.contains("middle")));
        // The letter allows them.
        assert_eq!(validate(&v).map(|ok| ok.deviations), Ok(Vec::new()));
    }

    #[test]
    fn structural_defects_still_fail_when_tolerant() {
        let refused = |v: Value| validate_tolerant(&v).unwrap_err().violations;
        assert_eq!(refused(remove(vaccination("1.3.3"), "/nam"))[0].to_string(), "/nam: is required");
        assert_eq!(refused(remove(vaccination("1.3.3"), "/dob"))[0].to_string(), "/dob: is required");
        assert!(!refused(remove(vaccination("1.3.3"), "/v")).is_empty());
        let mut two = vaccination("1.3.3");
        two["r"] = recovery("1.3.3")["r"].clone();
        assert_eq!(refused(two)[0].to_string(), "/: must hold exactly one of v, t, r (holds 2)");
        assert_eq!(refused(set(vaccination("1.3.3"), "/v/0/dn", json!("2")))[0].to_string(), "/v/0/dn: must be an integer");
        assert_eq!(refused(set(vaccination("1.3.3"), "/v/0/dt", json!(20220115)))[0].to_string(), "/v/0/dt: must be a string");
        assert_eq!(refused(set(vaccination("1.3.3"), "/nam", json!("x")))[0].to_string(), "/nam: must be an object");
        // A deviation beside a violation: refused for the violation only.
        let mixed = set(set(vaccination("1.3.3"), "/v/0/co", json!("de")), "/v/0/ci", json!("X".repeat(81)));
        assert_eq!(refused(mixed).iter().map(ToString::to_string).collect::<Vec<_>>(), ["/v/0/ci: is longer than 80 characters"]);
        // A valid payload has no deviations.
        assert_eq!(deviations(&vaccination("1.3.3")), Vec::<String>::new());
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for v in [
            json!(null),
            json!(1),
            json!("1.3.3"),
            json!({"ver": "1.3.3"}),
            json!({"ver": "1.3.3", "nam": null, "dob": null, "v": null, "t": [null, 1, [], {}], "r": "x"}),
            json!({"ver": "1.0.0", "nam": {"fnt": null, "gnt": []}, "dob": {}, "t": [{"dr": {}, "sc": 1}]}),
            json!({"ver": "1.3.3", "nam": {}, "dob": "", "v": [{"dn": -1e308, "sd": u64::MAX, "co": [], "dt": ""}]}),
        ] {
            assert!(validate(&v).is_err());
            assert!(validate_tolerant(&v).is_err());
        }
    }
}
