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

fn frame_of(luma: &[u8], width: u32, height: u32, stride: u32) -> LumaFrame<'_> {
    LumaFrame { data: luma, width: width as usize, height: height as usize, stride: stride as usize }
}

/// Finds the QR codes in one luma frame.
#[uniffi::export]
pub fn scan_frame(luma: Vec<u8>, width: u32, height: u32, stride: u32) -> Result<Vec<ScannedCode>, HealthcertError> {
    let codes = scan::scan(&frame_of(&luma, width, height, stride))?;
    Ok(codes.into_iter().map(|c| ScannedCode { text: c.text, bytes: c.bytes }).collect())
}

/// A payload found in a frame and its verdict.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScanOutcome {
    /// The payload (personal data: never log it).
    pub payload: String,
    /// Its verdict, by the device clock.
    pub verdict: Verdict,
}

/// Frames from a camera, one after another. A code that stays in view is
/// verified once: later frames showing the same payload return nothing
/// until another payload appears or [`ScanSession::reset`] is called.
#[derive(uniffi::Object)]
pub struct ScanSession {
    verifier: Arc<Verifier>,
    last: Mutex<Option<String>>,
}

impl ScanSession {
    pub(crate) fn new(verifier: Arc<Verifier>) -> Self {
        ScanSession { verifier, last: Mutex::new(None) }
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
        let codes = scan::scan(&frame_of(&luma, width, height, stride))?;
        let Some(payload) = codes.into_iter().find_map(|c| c.text) else { return Ok(None) };
        let mut last = self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if last.as_deref() == Some(payload.as_str()) {
            return Ok(None);
        }
        let verdict = self.verifier.verify_with(&payload, &SystemClock)?;
        *last = Some(payload.clone());
        Ok(Some(ScanOutcome { payload, verdict }))
    }

    /// Forgets the last payload, so that it is verified again when seen.
    pub fn reset(&self) {
        *self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }
}
