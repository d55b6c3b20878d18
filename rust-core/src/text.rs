//! Terminal-safe display of text the verifier did not write.
//!
//! A certificate's holder name, an issuer, a certificate identifier, a rule
//! description, a server's error message or a file name is chosen by
//! whoever made it. Printed as it is, such text can drive the terminal: an
//! escape sequence in a given name cleared the screen and drew a full
//! "VALID" verdict above an invalid one, a line feed started a fake status
//! line, and a bidi override reordered what the inspector read. Every text
//! renderer passes such text through [`display`] (or [`display_bounded`]),
//! which:
//!
//! - shows every character that controls a terminal or hides or reorders
//!   text as its Rust escape, `\u{1b}`, so that it is visible and inert:
//!   the C0 controls (U+0000–U+001F, including tab, line feed and carriage
//!   return), DEL (U+007F), the C1 controls (U+0080–U+009F, including the
//!   8-bit CSI U+009B and NEL U+0085), the line and paragraph separators
//!   (U+2028, U+2029), the bidi controls (U+061C, U+200E, U+200F,
//!   U+202A–U+202E, U+2066–U+2069) and the other invisible format
//!   characters (soft hyphen U+00AD, U+180E, U+200B–U+200D, U+2060–U+2064,
//!   U+206A–U+206F, U+FEFF, U+FFF9–U+FFFB, the tag characters
//!   U+E0000–U+E007F, and the Hangul fillers U+115F, U+1160, U+3164,
//!   U+FFA0);
//! - keeps at most a bounded number of characters ([`MAX_DISPLAY_CHARS`] by
//!   default) and says how many it left out, so that a field cannot flood
//!   the screen and push the verdict out of sight.
//!
//! The result never contains a line break, so no field can start a line of
//! its own. Everything else (letters of every script, accents, emoji) is
//! kept as it is: a name must stay readable.

use std::borrow::Cow;
use std::fmt::Write as _;

/// How many characters of one field [`display`] keeps (before escaping).
/// Twice the longest name the DCC schema allows (80 code points).
pub const MAX_DISPLAY_CHARS: usize = 160;

/// Whether `c` must not reach a terminal as it is: a control character, a
/// line or paragraph separator, a bidi control, or another invisible
/// format character (see the module documentation for the list).
pub fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{ad}'
            | '\u{61c}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

/// `text` made safe to print on a terminal, at most [`MAX_DISPLAY_CHARS`]
/// characters of it (see the module documentation).
pub fn display(text: &str) -> Cow<'_, str> {
    display_bounded(text, MAX_DISPLAY_CHARS)
}

/// `text` made safe to print on a terminal, at most `max_chars` characters
/// of it; what is left out is counted: `…(+1234 characters)`.
pub fn display_bounded(text: &str, max_chars: usize) -> Cow<'_, str> {
    let cut = text.char_indices().nth(max_chars).map(|(i, _)| i);
    let kept = &text[..cut.unwrap_or(text.len())];
    if cut.is_none() && !kept.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(kept.len() + 16);
    for c in kept.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    if let Some(at) = cut {
        let _ = write!(out, "…(+{} characters)", text[at..].chars().count());
    }
    Cow::Owned(out)
}

/// Serialized JSON with every [`is_unsafe`] character inside its strings
/// written as a `\uXXXX` escape (a surrogate pair above U+FFFF): the same
/// document, but one that a terminal can show safely. (`serde_json`
/// escapes only the C0 controls, so the 8-bit CSI U+009B or a bidi override
/// in a holder name would otherwise reach the terminal as they are.)
pub fn json_safe(json: &str) -> Cow<'_, str> {
    if !json.chars().any(is_unsafe) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 32);
    for c in json.chars() {
        if is_unsafe(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{:04x}", u);
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        for s in ["", "Erika Musterfrau", "Ĉeĥa Ŝŭ", "محمد", "李小龙", "O'Brien-Smith", "👩‍⚕️"] {
            let shown = display(s);
            if s.contains('\u{200d}') {
                // Zero-width joiners are escaped even inside emoji.
                assert!(shown.contains("\\u{200d}"));
            } else {
                assert!(matches!(shown, Cow::Borrowed(_)), "{s}");
                assert_eq!(shown, s);
            }
        }
    }

    #[test]
    fn controls_and_invisible_characters_are_escaped() {
        let hostile = "a\u{1b}[2J\u{1b}[HVALID\r\n\u{0}\u{7}\u{8}\u{7f}\u{9b}31m\u{85}\u{2028}\u{202e}\u{2066}\u{200e}\u{61c}\u{feff}\u{e0041}\tz";
        let shown = display(hostile);
        assert_eq!(
            shown,
            "a\\u{1b}[2J\\u{1b}[HVALID\\u{d}\\u{a}\\u{0}\\u{7}\\u{8}\\u{7f}\\u{9b}31m\\u{85}\\u{2028}\\u{202e}\\u{2066}\\u{200e}\\u{61c}\\u{feff}\\u{e0041}\\u{9}z"
        );
        assert!(!shown.chars().any(is_unsafe));
        for c in ['\u{0}', '\u{1f}', '\u{7f}', '\u{80}', '\u{9f}', '\u{202a}', '\u{2069}', '\u{200f}', '\u{ad}'] {
            assert!(is_unsafe(c), "{c:?}");
        }
        for c in [' ', '~', '\u{a0}', 'é', '\u{300}', '\u{2030}', '\u{2070}', '\u{fffd}'] {
            assert!(!is_unsafe(c), "{c:?}");
        }
    }

    #[test]
    fn json_keeps_its_data_and_loses_its_controls() {
        let data = serde_json::json!({"gn": "\u{9b}2J\u{202e}x\u{e0041}\u{1b}", "plain": "Ž"});
        let text = serde_json::to_string(&data).unwrap();
        let safe = json_safe(&text);
        assert!(!safe.chars().any(|c| is_unsafe(c) || c.is_control()), "{safe}");
        assert!(safe.contains("\\u009b") && safe.contains("\\udb40\\udc41"), "{safe}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&safe).unwrap(), data);
        assert!(matches!(json_safe("{\"a\":\"Ž\"}"), Cow::Borrowed(_)));
    }

    #[test]
    fn long_text_is_bounded_and_counted() {
        let long = "Ž".repeat(1000);
        let shown = display(&long);
        assert!(shown.starts_with(&"Ž".repeat(MAX_DISPLAY_CHARS)));
        assert!(shown.ends_with("…(+840 characters)"), "{shown}");
        assert_eq!(display_bounded("abcdef", 3), "abc…(+3 characters)");
        assert_eq!(display_bounded("abc", 3), "abc");
        // Escapes of the kept part only: the bound holds for control floods.
        let flood = "\u{1b}".repeat(100_000);
        assert!(display(&flood).len() < 8 * MAX_DISPLAY_CHARS + 40);
    }
}
