//! RFC 8785 JSON Canonicalization Scheme over a parsed JSON tree, by
//! `serde_jcs`: members sorted by their names' UTF-16 code units, strings
//! escaped only where RFC 8785 §3.2.2.2 says (`"`, `\`, U+0000–001F, with
//! `\b \t \n \f \r` and lowercase `\u00xx`; `/` and non-ASCII raw), numbers
//! in the ECMAScript shortest round-trip form (ryu-js). Lone surrogates
//! never get here: the JSON reader refuses them.

use serde_json::Value;

use crate::formats::Failure;
use crate::model::Reason;

/// The canonical form of `value`.
pub fn canonical(value: &Value) -> Result<Vec<u8>, Failure> {
    serde_jcs::to_vec(value).map_err(|_| Failure::new(Reason::VdsMalformed, "data cannot be canonicalized (RFC 8785)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::icao::seal::parse_json;

    fn jcs(text: &str) -> String {
        let value = parse_json(text.as_bytes(), 1 << 16, 32).unwrap();
        String::from_utf8(canonical(&value).unwrap()).unwrap()
    }

    #[test]
    fn members_sort_by_utf16_code_units() {
        // RFC 8785 §3.2.3's example: U+1F600 (surrogates D83D DE00) sorts
        // before U+FB33, although its UTF-8 (F0…) sorts after (EF…).
        let sorted = jcs(r#"{"\ufb33":1,"\ud83d\ude00":2,"\u0080":3,"1":4,"a":5,"A":6}"#);
        assert_eq!(sorted, "{\"1\":4,\"A\":6,\"a\":5,\"\u{80}\":3,\"\u{1F600}\":2,\"\u{FB33}\":1}");
        assert_eq!(jcs(r#"{"b":{"d":1,"c":2},"a":[3,{"z":0,"y":1}]}"#), r#"{"a":[3,{"y":1,"z":0}],"b":{"c":2,"d":1}}"#);
    }

    #[test]
    fn solidus_is_not_escaped() {
        assert_eq!(jcs(r#"{"adm":"GP/Clinic \/ 2"}"#), r#"{"adm":"GP/Clinic / 2"}"#);
    }

    #[test]
    fn controls_escape_in_lowercase_and_the_rest_stays_raw() {
        assert_eq!(
            jcs(r#"["\u001F\u000b\u0000","\b\t\n\f\r","\"\\","\u00e9\u20ac"]"#),
            "[\"\\u001f\\u000b\\u0000\",\"\\b\\t\\n\\f\\r\",\"\\\"\\\\\",\"é€\"]"
        );
        assert_eq!(jcs(r#""\u007f""#), "\"\u{7f}\"", "DEL is not a control for JSON");
    }

    #[test]
    fn numbers_take_the_ecmascript_form() {
        // RFC 8785 appendix B and the APO test `testNumbers`.
        for (input, expected) in [
            ("333333333.33333329", "333333333.3333333"),
            ("1E30", "1e+30"),
            ("4.50", "4.5"),
            ("2e-3", "0.002"),
            ("0.000001", "0.000001"),
            ("1e-7", "1e-7"),
            ("-0", "0"),
            ("1", "1"),
            ("9007199254740993", "9007199254740992"),
            ("100000000000000000000", "100000000000000000000"),
            ("1e21", "1e+21"),
        ] {
            assert_eq!(jcs(&format!("[{input}]")), format!("[{expected}]"), "{input}");
        }
    }

    #[test]
    fn literals_and_whitespace() {
        assert_eq!(jcs(" { \"b\" : [ true , false , null ] , \"a\" : { } } "), r#"{"a":{},"b":[true,false,null]}"#);
    }

    #[test]
    fn lone_surrogates_are_refused() {
        for text in [r#"["\ud800"]"#, r#"["\udc00x"]"#, r#"{"\ud83d":1}"#] {
            assert!(parse_json(text.as_bytes(), 1000, 32).is_err(), "{text}");
        }
    }
}
