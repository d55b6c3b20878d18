//! The known mismatches of the EU DCC suite: defects of the suite's own
//! data, listed with their upstream issues in the "Known mismatches" table
//! of docs/conformance.md. The table is compiled in, so that the runner's
//! text output can tell a known upstream defect from a new disagreement,
//! and the document stays the one list (`cli/tests/conformance_dgc.rs`
//! checks every row's count against a run of the suite).

use super::dgc::Mismatch;

/// docs/conformance.md, as built.
const DOC: &str = include_str!("../../../docs/conformance.md");

/// A row of the table: file patterns (`*` within one path segment), flags,
/// the number of mismatches it states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownRow {
    /// File patterns, relative to the suite directory.
    pub files: Vec<String>,
    /// Flag names.
    pub flags: Vec<String>,
    /// How many mismatches the row states.
    pub count: usize,
}

impl KnownRow {
    /// Whether `m` is one of this row's mismatches.
    pub fn matches(&self, m: &Mismatch) -> bool {
        let path = m.file.replace('\\', "/");
        self.flags.contains(&m.flag) && self.files.iter().any(|f| glob(f, &path))
    }

    /// The row's files and flags, for people.
    pub fn describe(&self) -> String {
        format!("{} {}", self.files.join(", "), self.flags.join("/"))
    }
}

fn backticked(cell: &str) -> Vec<String> {
    cell.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

/// The rows of a "### Known mismatches" table in `doc`.
pub fn parse(doc: &str) -> Vec<KnownRow> {
    let Some(section) = doc.split("### Known mismatches").nth(1) else { return Vec::new() };
    let section = section.split("\n### ").next().unwrap_or("");
    section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let count = cells.get(3)?.parse().ok()?;
            Some(KnownRow { files: backticked(cells[1]), flags: backticked(cells[2]), count })
        })
        .collect()
}

/// The rows of docs/conformance.md.
pub fn rows() -> Vec<KnownRow> {
    parse(DOC)
}

/// `*` matches any run of characters within one path segment.
pub fn glob(pattern: &str, path: &str) -> bool {
    fn go(p: &[u8], s: &[u8]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some((b'*', rest)) => (0..=s.len()).take_while(|i| *i == 0 || s[i - 1] != b'/').any(|i| go(rest, &s[i..])),
            Some((c, rest)) => s.first() == Some(c) && go(rest, &s[1..]),
        }
    }
    go(pattern.as_bytes(), path.as_bytes())
}

/// The mismatches sorted into known ones (per row, with how many were seen)
/// and new ones.
pub struct Sorted<'a> {
    /// Each row of the table and how many mismatches it matched.
    pub known: Vec<(KnownRow, usize)>,
    /// Mismatches no row lists.
    pub new: Vec<&'a Mismatch>,
}

/// Sorts `mismatches` by the table of docs/conformance.md.
pub fn sort(mismatches: &[Mismatch]) -> Sorted<'_> {
    let mut known: Vec<(KnownRow, usize)> = rows().into_iter().map(|r| (r, 0)).collect();
    let mut new = Vec::new();
    for m in mismatches {
        match known.iter_mut().find(|(r, _)| r.matches(m)) {
            Some((_, seen)) => *seen += 1,
            None => new.push(m),
        }
    }
    Sorted { known, new }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mismatch(file: &str, flag: &str) -> Mismatch {
        Mismatch { file: file.into(), flag: flag.into(), expected: true, got: false, detail: String::new() }
    }

    #[test]
    fn the_document_table_is_read() {
        let rows = rows();
        assert!(rows.len() >= 3, "{rows:?}");
        assert!(rows.iter().any(|r| r.files == ["NL/2DCode/raw/*.json"] && r.count == 280));
    }

    #[test]
    fn mismatches_are_sorted_into_known_and_new() {
        let ms = [
            mismatch("NL/2DCode/raw/001.json", "EXPECTEDSCHEMAVALIDATION"),
            mismatch("NL\\2DCode\\raw\\002.json", "EXPECTEDVALIDOBJECT"),
            mismatch("NL/2DCode/raw/001.json", "EXPECTEDVERIFY"),
            mismatch("AT/2DCode/raw/1.json", "EXPECTEDSCHEMAVALIDATION"),
        ];
        let sorted = sort(&ms);
        let nl = sorted.known.iter().find(|(r, _)| r.files == ["NL/2DCode/raw/*.json"]).unwrap();
        assert_eq!(nl.1, 2);
        assert_eq!(sorted.new.len(), 2);
        assert!(glob("NL/2DCode/raw/*.json", "NL/2DCode/raw/001-NL-test.json"));
        assert!(!glob("NL/*.json", "NL/2DCode/raw/001.json"));
    }
}
