//! Which format a payload was read as.

use std::fmt;

use serde::Serialize;

/// A payload format, by its stable name (`hcert`): each format under
/// `formats/` declares its own, so adding one changes nothing here.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FormatId(&'static str);

impl FormatId {
    /// Not recognised as any supported format.
    pub const UNKNOWN: FormatId = FormatId("unknown");

    /// A format named `name` (lower case, as in JSON output).
    pub const fn new(name: &'static str) -> Self {
        FormatId(name)
    }

    /// The name used in JSON output.
    pub fn name(self) -> &'static str {
        self.0
    }
}

impl fmt::Debug for FormatId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for FormatId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Serialize for FormatId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}
