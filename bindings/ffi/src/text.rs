//! Text from outside made safe to show: the core's sanitizer
//! (`healthcert_core::text`) for the apps, which render certificate fields,
//! rule texts and check details in their own views.

/// Longest text shown: enough for a full name (the DCC allows 80 characters
/// per name part) and for a check detail or rule description.
const MAX_SHOWN_CHARS: usize = 600;

/// `text` as the apps should show it: control characters, line and paragraph
/// separators, bidi controls and invisible format characters — which can
/// hide, reorder or fake what an inspector reads — replaced by visible
/// escapes (`\u{202e}`), and at most 600 characters, the rest counted.
/// Everything a certificate, a trust list or a rule service wrote goes
/// through it before display.
#[uniffi::export]
pub fn display_text(text: String) -> String {
    healthcert_core::text::display_bounded(&text, MAX_SHOWN_CHARS).into_owned()
}
