//! SMART Health Card chunks (`shc:/i/n/…`) put back together across QR
//! codes, with progress ("2 of 3") while parts are missing.
//!
//! SMART Health Cards Framework, "Chunking larger SHCs": a JWS too long for
//! one QR code is split into `n` codes `shc:/i/n/<digits>` (`i` from 1),
//! whose digit strings concatenated in order give the single-code
//! `shc:/<digits>`.

/// Most chunks accepted for one card (the framework's chunks are few; this
/// bounds what a hostile code can make the session hold).
pub const MAX_CHUNKS: usize = 20;

/// Assembles chunked SHC payloads.
#[derive(Debug, Default, Clone)]
pub struct ShcChunks {
    parts: Vec<Option<String>>,
}

/// What one payload did to the assembly.
#[derive(Clone, PartialEq, Eq)]
pub enum ChunkProgress {
    /// The payload is not a chunk (`shc:/i/n/…` with `n` > 1).
    NotAChunk,
    /// A chunk; `found` of `total` are in hand.
    Partial {
        /// Distinct chunks found so far.
        found: usize,
        /// Chunks the card has.
        total: usize,
    },
    /// The last missing chunk: the whole card as one `shc:/…` payload.
    /// The assembly starts afresh.
    Complete(String),
}

impl std::fmt::Debug for ChunkProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChunkProgress::NotAChunk => f.write_str("NotAChunk"),
            ChunkProgress::Partial { found, total } => write!(f, "Partial({found} of {total})"),
            // The payload is personal data.
            ChunkProgress::Complete(p) => write!(f, "Complete({} characters)", p.len()),
        }
    }
}

/// `shc:/i/n/digits` → (i, n, digits), for 1 ≤ i ≤ n, 2 ≤ n ≤ MAX_CHUNKS.
fn parse_chunk(payload: &str) -> Option<(usize, usize, &str)> {
    let rest = payload.strip_prefix("shc:/")?;
    let mut it = rest.splitn(3, '/');
    let (i, n, digits) = (it.next()?, it.next()?, it.next()?);
    let small =
        |s: &str| (!s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?;
    let (i, n): (usize, usize) = (small(i)?, small(n)?);
    let ok = (2..=MAX_CHUNKS).contains(&n) && (1..=n).contains(&i) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then_some((i, n, digits))
}

impl ShcChunks {
    /// An empty assembly.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes one scanned payload. A chunk of a card with a different chunk
    /// count than the one being assembled starts a new assembly.
    pub fn add(&mut self, payload: &str) -> ChunkProgress {
        let Some((i, n, digits)) = parse_chunk(payload) else { return ChunkProgress::NotAChunk };
        if self.parts.len() != n {
            self.parts = vec![None; n];
        }
        self.parts[i - 1] = Some(digits.to_owned());
        let found = self.parts.iter().filter(|p| p.is_some()).count();
        if found < n {
            return ChunkProgress::Partial { found, total: n };
        }
        let mut whole = String::from("shc:/");
        for p in self.parts.drain(..).flatten() {
            whole.push_str(&p);
        }
        ChunkProgress::Complete(whole)
    }

    /// Chunks found and chunks expected, while an assembly is under way.
    pub fn progress(&self) -> Option<(usize, usize)> {
        (!self.parts.is_empty()).then(|| (self.parts.iter().filter(|p| p.is_some()).count(), self.parts.len()))
    }

    /// Forgets the chunks found so far.
    pub fn reset(&mut self) {
        self.parts.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_assemble_in_any_order_with_progress() {
        let mut c = ShcChunks::new();
        assert_eq!(c.add("shc:/56762909524320603460"), ChunkProgress::NotAChunk);
        assert_eq!(c.add("shc:/2/3/2222"), ChunkProgress::Partial { found: 1, total: 3 });
        assert_eq!(c.add("shc:/2/3/2222"), ChunkProgress::Partial { found: 1, total: 3 });
        assert_eq!(c.add("shc:/3/3/33"), ChunkProgress::Partial { found: 2, total: 3 });
        assert_eq!(c.progress(), Some((2, 3)));
        assert_eq!(c.add("shc:/1/3/11"), ChunkProgress::Complete("shc:/11222233".into()));
        assert_eq!(c.progress(), None);
    }

    #[test]
    fn malformed_chunks_are_not_chunks() {
        let mut c = ShcChunks::new();
        for p in
            ["shc:/0/3/1", "shc:/4/3/1", "shc:/1/1/1", "shc:/1/99/1", "shc:/1/3/1a", "shc:/a/3/1", "shc:/1/3", "HC1:x"]
        {
            assert_eq!(c.add(p), ChunkProgress::NotAChunk, "{p}");
        }
    }

    #[test]
    fn another_card_restarts_the_assembly() {
        let mut c = ShcChunks::new();
        assert_eq!(c.add("shc:/1/3/11"), ChunkProgress::Partial { found: 1, total: 3 });
        assert_eq!(c.add("shc:/1/2/55"), ChunkProgress::Partial { found: 1, total: 2 });
        assert_eq!(c.add("shc:/2/2/66"), ChunkProgress::Complete("shc:/5566".into()));
    }
}
