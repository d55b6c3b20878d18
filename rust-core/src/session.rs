//! A camera session: frames in, verdicts out. One [`Scanner`] keeps its
//! buffers across frames; chunked SMART Health Cards are put back together
//! across frames; and a payload that stays in view is verified once — later
//! frames showing it again yield nothing until another payload appears or
//! the session is reset (the chunk that completed a card, too: it starts
//! no new assembly while it stays in view). The CLI, the bindings and the apps share this, so a
//! checkpoint never sees a verdict repeat (or a chunk counted twice)
//! differently on one platform than on another.

use std::fmt;

use crate::Error;
use crate::clock::Clock;
use crate::formats::shc::{ChunkProgress, ShcChunks};
use crate::model::Verdict;
use crate::scan::{Crop, FrameError, LumaFrame, Scanner};
use crate::trust::TrustStore;
use crate::verify::Verifier;

/// A payload seen in a frame and its verdict.
#[derive(Clone)]
#[non_exhaustive]
pub struct Verified {
    /// The payload (personal data: never log it).
    pub payload: String,
    /// Its verdict.
    pub verdict: Verdict,
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("payload", &format_args!("<{} characters>", self.payload.len()))
            .field("status", &self.verdict.status)
            .finish()
    }
}

/// Why a frame could not be handled.
#[derive(Debug)]
pub enum SessionError {
    /// The frame is malformed (its size does not match its dimensions, a
    /// crop outside it): a bug of the caller.
    Frame(FrameError),
    /// Verification failed operationally (the trust store).
    Verify(Error),
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::Frame(e) => write!(f, "{e}"),
            SessionError::Verify(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SessionError {}

/// Camera frames, one after another, verified once per payload in view.
#[derive(Default)]
pub struct VerifySession {
    scanner: Scanner,
    chunks: ShcChunks,
    crop: Option<Crop>,
    last: Option<String>,
    /// The chunk codes in view when the last chunked card completed: while
    /// they stay in view they must not start a new assembly, whose progress
    /// ("1 of 3") would replace the verdict just given.
    done_chunks: Vec<String>,
}

impl VerifySession {
    /// A session with a default [`Scanner`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The scanner, to set its time budget.
    pub fn scanner_mut(&mut self) -> &mut Scanner {
        &mut self.scanner
    }

    /// Searches only `crop` of the frames submitted from now on (the
    /// viewfinder's rectangle; `None`: whole frames). A crop reaching
    /// outside a frame makes [`submit`](Self::submit) fail.
    pub fn set_crop(&mut self, crop: Option<Crop>) {
        self.crop = crop;
    }

    /// Scans one frame and verifies the first complete payload in it that
    /// was not the last one verified: a text code that is not a chunk, or a
    /// chunked card just completed. Returns nothing when the frame holds no
    /// new payload (chunks found update [`progress`](Self::progress)).
    pub fn submit<S: TrustStore>(
        &mut self,
        frame: &LumaFrame<'_>,
        verifier: &Verifier<S>,
        clock: &dyn Clock,
    ) -> Result<Option<Verified>, SessionError> {
        let codes = self.scanner.scan_in(frame, self.crop).map_err(SessionError::Frame)?;
        let mut complete = None;
        let mut frame_chunks = Vec::new();
        for code in codes {
            // Payloads are text byte for byte (HC1, shc:/, URLs): a code
            // whose text is a character-set reading of other bytes is no
            // payload to verify as text.
            // A binary payload a format reads (a DIVOC ZIP archive) is
            // taken in its text form.
            let text = match code.text.filter(|t| t.as_bytes() == code.bytes.as_slice()) {
                Some(text) => text,
                None => match crate::formats::binary_as_text(&code.bytes) {
                    Some(text) => text,
                    None => continue,
                },
            };
            if self.done_chunks.contains(&text) {
                // Still in view after its card completed.
                frame_chunks.push(text);
                continue;
            }
            let payload = match self.chunks.add(&text) {
                ChunkProgress::NotAChunk => text,
                ChunkProgress::Complete(whole) => {
                    frame_chunks.push(text);
                    whole
                }
                ChunkProgress::Partial { .. } => {
                    // Another chunk: a new assembly is under way.
                    self.done_chunks.clear();
                    frame_chunks.push(text);
                    continue;
                }
            };
            if complete.is_none() {
                complete = Some(payload);
            }
        }
        let Some(payload) = complete else { return Ok(None) };
        self.done_chunks = frame_chunks;
        if self.last.as_deref() == Some(payload.as_str()) {
            return Ok(None);
        }
        let verdict = verifier.verify(&payload, clock).map_err(SessionError::Verify)?;
        self.last = Some(payload.clone());
        Ok(Some(Verified { payload, verdict }))
    }

    /// Chunks found and expected while a chunked card is being assembled
    /// ("2 of 3").
    pub fn progress(&self) -> Option<(usize, usize)> {
        self.chunks.progress()
    }

    /// Forgets the last payload (so that it is verified again when seen)
    /// and the chunks found.
    pub fn reset(&mut self) {
        self.last = None;
        self.chunks.reset();
        self.done_chunks.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Reason;
    use crate::trust::MemoryStore;
    use crate::{CheckKind, FixedClock};

    /// A frame holding one QR code of `payload`, 3 pixels per module.
    fn frame(payload: &str) -> (Vec<u8>, usize) {
        healthcert_test_support::fuzz::seeds::qr_plane(payload.as_bytes(), 3).unwrap()
    }

    fn submit(session: &mut VerifySession, verifier: &Verifier<MemoryStore>, payload: &str) -> Option<Verified> {
        let (px, side) = frame(payload);
        let clock = FixedClock(time::OffsetDateTime::UNIX_EPOCH);
        session.submit(&LumaFrame { data: &px, width: side, height: side, stride: side }, verifier, &clock).unwrap()
    }

    #[test]
    fn a_payload_in_view_is_verified_once() {
        let verifier = Verifier::new(MemoryStore::new("empty"));
        let mut session = VerifySession::new();
        session.scanner_mut().set_time_budget(None);
        let first = submit(&mut session, &verifier, "HC1:NOT-A-CERTIFICATE").expect("verified");
        assert_eq!(first.verdict.check(CheckKind::Decode).map(|c| c.reason), Some(Reason::Base45Invalid));
        assert!(submit(&mut session, &verifier, "HC1:NOT-A-CERTIFICATE").is_none(), "still in view");
        assert!(submit(&mut session, &verifier, "HC1:ANOTHER").is_some());
        session.reset();
        assert!(submit(&mut session, &verifier, "HC1:ANOTHER").is_some(), "verified again after a reset");
        assert!(!format!("{first:?}").contains("NOT-A"), "the payload stays out of Debug");
    }

    #[test]
    fn chunks_assemble_across_frames() {
        let verifier = Verifier::new(MemoryStore::new("empty"));
        let mut session = VerifySession::new();
        session.scanner_mut().set_time_budget(None);
        assert!(submit(&mut session, &verifier, "shc:/2/2/5678").is_none());
        assert_eq!(session.progress(), Some((1, 2)));
        let whole = submit(&mut session, &verifier, "shc:/1/2/1234").expect("the card is complete");
        assert_eq!(whole.payload, "shc:/12345678");
        assert_eq!(session.progress(), None);
        // The last chunk stays in view: no new assembly over the verdict.
        assert!(submit(&mut session, &verifier, "shc:/1/2/1234").is_none());
        assert_eq!(session.progress(), None, "a chunk of the card just verified starts nothing");
        // Another chunk starts a new assembly; the one verified counts again.
        assert!(submit(&mut session, &verifier, "shc:/2/2/5678").is_none());
        assert_eq!(session.progress(), Some((1, 2)));
        assert!(submit(&mut session, &verifier, "shc:/1/2/1234").is_none(), "the same card: verified once");
        assert_eq!(session.progress(), None);
        // After a reset the chunk in view starts an assembly.
        session.reset();
        assert!(submit(&mut session, &verifier, "shc:/1/2/1234").is_none());
        assert_eq!(session.progress(), Some((1, 2)));
    }
}
