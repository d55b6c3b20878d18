//! Camera frames: the luma (Y) plane of each frame, as the camera delivers
//! it (width, height, row stride), searched for QR codes by the core.

use std::sync::{Arc, Mutex};

use healthcert_core::SystemClock;
use healthcert_core::scan::{self, LumaFrame};

use crate::error::HealthcertError;
use crate::model::Verdict;
use crate::verifier::Verifier;

/// A QR code found in a frame.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScannedCode {
    /// Its content as text, when it is text.
    pub text: Option<String>,
    /// Its raw bytes.
    pub bytes: Vec<u8>,
}

/// A rectangle of a frame, in pixels: the part to search (the viewfinder).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct FrameCrop {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

impl From<FrameCrop> for scan::Crop {
    fn from(c: FrameCrop) -> Self {
        scan::Crop { x: c.x as usize, y: c.y as usize, width: c.width as usize, height: c.height as usize }
    }
}

fn frame_of(luma: &[u8], width: u32, height: u32, stride: u32) -> LumaFrame<'_> {
    LumaFrame { data: luma, width: width as usize, height: height as usize, stride: stride as usize }
}

fn codes_of(codes: Vec<scan::Code>) -> Vec<ScannedCode> {
    codes.into_iter().map(|c| ScannedCode { text: c.text, bytes: c.bytes }).collect()
}

/// Finds the QR codes in one luma frame.
#[uniffi::export]
pub fn scan_frame(luma: Vec<u8>, width: u32, height: u32, stride: u32) -> Result<Vec<ScannedCode>, HealthcertError> {
    Ok(codes_of(scan::scan(&frame_of(&luma, width, height, stride))?))
}

/// Finds the QR codes in `crop` of one luma frame; a crop reaching outside
/// the frame is an invalid argument.
#[uniffi::export]
pub fn scan_frame_in(
    luma: Vec<u8>,
    width: u32,
    height: u32,
    stride: u32,
    crop: FrameCrop,
) -> Result<Vec<ScannedCode>, HealthcertError> {
    let codes = scan::Scanner::new().scan_in(&frame_of(&luma, width, height, stride), Some(crop.into()))?;
    Ok(codes_of(codes))
}

/// A payload found in a frame and its verdict.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScanOutcome {
    /// The payload (personal data: never log it).
    pub payload: String,
    /// Its verdict, by the device clock.
    pub verdict: Verdict,
}

/// Chunks of a SMART Health Card found so far (`shc:/i/n/…` codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct ChunkProgress {
    /// Distinct chunks found.
    pub found: u32,
    /// Chunks the card has.
    pub total: u32,
}

/// Frames from a camera, one after another, through one scanner that keeps
/// its buffers. A code that stays in view is verified once: later frames
/// showing the same payload return nothing until another payload appears
/// or [`ScanSession::reset`] is called. Chunked SMART Health Cards are
/// assembled across frames ([`ScanSession::progress`] tells how far).
#[derive(uniffi::Object)]
pub struct ScanSession {
    verifier: Arc<Verifier>,
    state: Mutex<State>,
}

struct State {
    session: scan::ScanSession,
    last: Option<String>,
}

impl ScanSession {
    pub(crate) fn new(verifier: Arc<Verifier>) -> Self {
        ScanSession { verifier, state: Mutex::new(State { session: scan::ScanSession::new(), last: None }) }
    }
}

#[uniffi::export]
impl ScanSession {
    /// Scans one frame; returns the verdict of a payload not reported just
    /// before, or nothing.
    pub fn submit_frame(
        &self,
        luma: Vec<u8>,
        width: u32,
        height: u32,
        stride: u32,
    ) -> Result<Option<ScanOutcome>, HealthcertError> {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let events = state.session.submit(&frame_of(&luma, width, height, stride))?;
        let Some(payload) = events.into_iter().find_map(|e| match e {
            scan::SessionEvent::Payload(code) => code.text,
            _ => None,
        }) else {
            return Ok(None);
        };
        if state.last.as_deref() == Some(payload.as_str()) {
            return Ok(None);
        }
        let verdict = self.verifier.verify_with(&payload, &SystemClock)?;
        state.last = Some(payload.clone());
        Ok(Some(ScanOutcome { payload, verdict }))
    }

    /// Searches only `crop` of the frames submitted from now on (the
    /// viewfinder's rectangle); `None` searches whole frames. A crop
    /// reaching outside a frame makes `submit_frame` fail.
    pub fn set_crop(&self, crop: Option<FrameCrop>) {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        state.session.set_crop(crop.map(Into::into));
    }

    /// Chunks found and expected while a chunked SMART Health Card is
    /// being assembled ("2 of 3"), else nothing.
    pub fn progress(&self) -> Option<ChunkProgress> {
        let state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (found, total) = state.session.progress()?;
        Some(ChunkProgress { found: found as u32, total: total as u32 })
    }

    /// Forgets the last payload, so that it is verified again when seen,
    /// and any chunks found.
    pub fn reset(&self) {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        state.last = None;
        state.session.reset();
    }
}
