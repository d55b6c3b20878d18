//! Camera frames: the luma (Y) plane of each frame, as the camera delivers
//! it (width, height, row stride), searched for QR codes by the core.

use std::sync::{Arc, Mutex};

use healthcert_core::scan::{self, LumaFrame};
use healthcert_core::session::{SessionError, VerifySession};
use healthcert_core::{SystemClock, Verdict};

use crate::error::HealthcertError;
use crate::verifier::Verifier;

/// A QR code found in a frame.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScannedCode {
    /// Its content as text, when it is text.
    pub text: Option<String>,
    /// Its raw bytes.
    pub bytes: Vec<u8>,
    /// The symbol's version, 1–40.
    pub version: u8,
    /// Its error-correction level: `L`, `M`, `Q` or `H`.
    pub ecc_level: String,
    /// Its data segments, in order.
    pub segments: Vec<ScannedSegment>,
}

/// One data segment of a scanned code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScannedSegment {
    /// `numeric`, `alphanumeric`, `byte`, `kanji` or `hanzi`.
    pub mode: String,
    /// Its character count.
    pub char_count: u32,
    /// The ECI designator in force for it, if any.
    pub eci: Option<u32>,
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
    codes
        .into_iter()
        .map(|c| ScannedCode {
            text: c.text,
            bytes: c.bytes,
            version: c.version,
            ecc_level: c.ecc_level.name().to_owned(),
            segments: c
                .segments
                .iter()
                .map(|s| ScannedSegment {
                    mode: s.mode.name().to_owned(),
                    char_count: u32::try_from(s.char_count).unwrap_or(u32::MAX),
                    eci: s.eci,
                })
                .collect(),
        })
        .collect()
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
#[derive(Debug, Clone, uniffi::Record)]
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

/// Frames from a camera, one after another, through the core's
/// [`VerifySession`]: one scanner that keeps its buffers, a payload in view
/// verified once (later frames showing it return nothing until another
/// payload appears or [`ScanSession::reset`] is called), chunked SMART
/// Health Cards assembled across frames ([`ScanSession::progress`]).
#[derive(uniffi::Object)]
pub struct ScanSession {
    verifier: Arc<Verifier>,
    session: Mutex<VerifySession>,
}

impl ScanSession {
    pub(crate) fn new(verifier: Arc<Verifier>) -> Self {
        ScanSession { verifier, session: Mutex::new(VerifySession::new()) }
    }

    fn session(&self) -> std::sync::MutexGuard<'_, VerifySession> {
        self.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[uniffi::export]
impl ScanSession {
    /// Scans one frame; returns the verdict (by the device clock) of a
    /// payload not reported just before, or nothing.
    pub fn submit_frame(
        &self,
        luma: Vec<u8>,
        width: u32,
        height: u32,
        stride: u32,
    ) -> Result<Option<ScanOutcome>, HealthcertError> {
        let verified =
            self.session().submit(&frame_of(&luma, width, height, stride), &self.verifier.core(), &SystemClock);
        match verified {
            Ok(v) => Ok(v.map(|v| ScanOutcome { payload: v.payload, verdict: v.verdict })),
            Err(SessionError::Frame(e)) => Err(e.into()),
            Err(SessionError::Verify(e)) => Err(e.into()),
        }
    }

    /// Searches only `crop` of the frames submitted from now on (the
    /// viewfinder's rectangle); `None` searches whole frames. A crop
    /// reaching outside a frame makes `submit_frame` fail.
    pub fn set_crop(&self, crop: Option<FrameCrop>) {
        self.session().set_crop(crop.map(Into::into));
    }

    /// Chunks found and expected while a chunked SMART Health Card is
    /// being assembled ("2 of 3"), else nothing.
    pub fn progress(&self) -> Option<ChunkProgress> {
        let (found, total) = self.session().progress()?;
        Some(ChunkProgress { found: found as u32, total: total as u32 })
    }

    /// Forgets the last payload, so that it is verified again when seen,
    /// and any chunks found.
    pub fn reset(&self) {
        self.session().reset();
    }

    /// The time one frame may take, in milliseconds (the core's default
    /// suits a phone's camera rate); `None` tries every strategy to its end
    /// (deterministic, for tests).
    pub fn set_time_budget_ms(&self, budget_ms: Option<u32>) {
        self.session().scanner_mut().set_time_budget(budget_ms.map(|ms| std::time::Duration::from_millis(ms.into())));
    }
}
