//! The files a SMART Health Card is handed out in: a `.smart-health-card`
//! file (`{"verifiableCredential": ["<compact JWS>", …]}`, media type
//! `application/smart-health-card`) and the FHIR `$health-cards-issue`
//! response (a `Parameters` resource whose `verifiableCredential`
//! parameters carry each JWS as `valueString`). SMART Health Cards
//! Framework, "Via File Download" and "Via FHIR `$health-cards-issue`
//! Operation".
//!
//! The JWSs are returned as they stand; each is then verified like a
//! scanned card (the JWS form needs no `shc:/` numeric layer).

use serde_json::Value;

use crate::formats::codec::json;
use crate::limits::Limits;

/// Most credentials read from one file (a file holds a few cards).
pub const MAX_CREDENTIALS: usize = 64;

/// Largest file read: [`MAX_CREDENTIALS`] cards of a few KiB each.
pub const MAX_FILE_LEN: usize = 1024 * 1024;

/// Why a file that looks like a health card file gives no credential.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CardFileError {
    /// The JSON is too large, too deep or malformed (the parser's reason).
    Json(String),
    /// Neither a `verifiableCredential` array nor `Parameters` with
    /// `verifiableCredential` parameters.
    NoCredentials,
    /// An entry is not text.
    NotText {
        /// Its position (from 0).
        index: usize,
    },
    /// More than [`MAX_CREDENTIALS`].
    TooMany,
}

impl std::fmt::Display for CardFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CardFileError::Json(e) => write!(f, "the health card file is not usable JSON: {e}"),
            CardFileError::NoCredentials => f.write_str("the health card file lists no verifiableCredential"),
            CardFileError::NotText { index } => write!(f, "verifiableCredential entry {} is not text", index + 1),
            CardFileError::TooMany => write!(f, "the health card file lists more than {MAX_CREDENTIALS} credentials"),
        }
    }
}

impl std::error::Error for CardFileError {}

/// Whether `bytes` look like a health card file: a JSON object naming
/// `verifiableCredential` (cheap: no parsing).
pub fn looks_like_card_file(bytes: &[u8]) -> bool {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    start.is_some_and(|i| bytes[i] == b'{') && bytes.windows(20).any(|w| w == b"verifiableCredential")
}

/// The compact JWSs of a `.smart-health-card` file or a
/// `$health-cards-issue` response, in order.
pub fn credentials(bytes: &[u8], limits: &Limits) -> Result<Vec<String>, CardFileError> {
    // A byte order mark is tolerated, as text editors write one.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: Value =
        json::parse(bytes, MAX_FILE_LEN, limits.max_json_depth).map_err(|e| CardFileError::Json(e.to_string()))?;
    let items: Vec<&Value> = match (&value["verifiableCredential"], &value["parameter"]) {
        (Value::Array(a), _) => a.iter().collect(),
        (_, Value::Array(params)) if value["resourceType"] == "Parameters" => {
            params.iter().filter(|p| p["name"] == "verifiableCredential").map(|p| &p["valueString"]).collect()
        }
        _ => return Err(CardFileError::NoCredentials),
    };
    if items.is_empty() {
        return Err(CardFileError::NoCredentials);
    }
    if items.len() > MAX_CREDENTIALS {
        return Err(CardFileError::TooMany);
    }
    items
        .into_iter()
        .enumerate()
        .map(|(index, v)| v.as_str().map(|s| s.trim().to_owned()).ok_or(CardFileError::NotText { index }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_file_forms_give_their_credentials_in_order() {
        let limits = Limits::default();
        let file = br#"{"verifiableCredential": ["a.b.c", " d.e.f "]}"#;
        assert!(looks_like_card_file(file));
        assert_eq!(credentials(file, &limits).unwrap(), ["a.b.c", "d.e.f"]);
        let bom = [b"\xEF\xBB\xBF".as_slice(), file].concat();
        assert_eq!(credentials(&bom, &limits).unwrap().len(), 2);
        let fhir = br#"{"resourceType": "Parameters", "parameter": [
            {"name": "verifiableCredential", "valueString": "a.b.c"},
            {"name": "resourceLink", "part": []},
            {"name": "verifiableCredential", "valueString": "g.h.i"}]}"#;
        assert!(looks_like_card_file(fhir));
        assert_eq!(credentials(fhir, &limits).unwrap(), ["a.b.c", "g.h.i"]);
    }

    #[test]
    fn what_is_not_a_card_file_says_why() {
        let limits = Limits::default();
        assert!(!looks_like_card_file(b"shc:/5676"));
        assert!(!looks_like_card_file(b"[\"verifiableCredential\"]"));
        assert_eq!(credentials(br#"{"verifiableCredential": []}"#, &limits), Err(CardFileError::NoCredentials));
        assert_eq!(credentials(br#"{"verifiableCredential": "a.b.c"}"#, &limits), Err(CardFileError::NoCredentials));
        assert_eq!(
            credentials(br#"{"verifiableCredential": ["a.b.c", 7]}"#, &limits),
            Err(CardFileError::NotText { index: 1 })
        );
        let many = format!("{{\"verifiableCredential\": [{}]}}", vec!["\"a.b.c\""; MAX_CREDENTIALS + 1].join(","));
        assert_eq!(credentials(many.as_bytes(), &limits), Err(CardFileError::TooMany));
        assert!(matches!(credentials(b"{\"verifiableCredential\": [", &limits), Err(CardFileError::Json(_))));
        let deep = format!("{{\"verifiableCredential\": {}{}}}", "[".repeat(100), "]".repeat(100));
        assert!(matches!(credentials(deep.as_bytes(), &limits), Err(CardFileError::Json(_))));
    }
}
