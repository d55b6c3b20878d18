import AVFoundation
import Healthcert
import os

/// The camera: an `AVCaptureSession` whose video frames (bi-planar 4:2:0,
/// full range) are handed, luma plane only, to the Rust `ScanSession` on a
/// background queue. Only camera plumbing here: finding the QR code and
/// verifying it are the core's.
///
/// Threading: `frameQueue` owns `scanSession`, `luma` and `reportedError`;
/// `sessionQueue` owns the capture session's configuration and start/stop.
/// `submitFrame` runs synchronously on `frameQueue`, and the output drops
/// frames that arrive meanwhile (`alwaysDiscardsLateVideoFrames`), so a slow
/// frame never queues up others.
final class CameraScanner: NSObject, AVCaptureVideoDataOutputSampleBufferDelegate, @unchecked Sendable {
    enum SetupError: LocalizedError {
        case noCamera
        case cannotAddInput
        case cannotAddOutput

        var errorDescription: String? {
            switch self {
            case .noCamera:
                return "This device has no back camera."
            case .cannotAddInput, .cannotAddOutput:
                return "The camera is in use by another app or cannot be configured. Close other camera apps and try again."
            }
        }
    }

    let captureSession = AVCaptureSession()

    private let sessionQueue = DispatchQueue(label: "org.healthcert.camera.session")
    private let frameQueue = DispatchQueue(label: "org.healthcert.camera.frames", qos: .userInitiated)
    private var configured = false

    /// frameQueue only.
    private var scanSession: ScanSession?
    /// The chunk progress last reported (frameQueue only).
    private var reportedProgress: ChunkProgress?
    /// The one reusable buffer the luma plane is copied into (frameQueue only).
    private var luma = Data()
    private var reportedError = false

    /// Called on the main actor with each new verdict.
    private let onOutcome: @MainActor @Sendable (ScanOutcome) -> Void
    /// Called on the main actor when the chunks found of a SMART Health Card
    /// being assembled change (`nil`: none in progress).
    private let onProgress: @MainActor @Sendable (ChunkProgress?) -> Void

    // Never log personal data: no payload, verdict or certificate here.
    private let log = Logger(subsystem: "org.healthcert.verifier", category: "camera")

    init(
        onOutcome: @escaping @MainActor @Sendable (ScanOutcome) -> Void,
        onProgress: @escaping @MainActor @Sendable (ChunkProgress?) -> Void
    ) {
        self.onOutcome = onOutcome
        self.onProgress = onProgress
    }

    /// Configures the session once and starts it, scanning with `scanSession`.
    func start(scanning scanSession: ScanSession, completion: @escaping @Sendable (Error?) -> Void) {
        frameQueue.async { self.scanSession = scanSession }
        sessionQueue.async {
            do {
                try self.configureOnce()
                if !self.captureSession.isRunning {
                    self.captureSession.startRunning()
                }
                completion(nil)
            } catch {
                completion(error)
            }
        }
    }

    func stop() {
        sessionQueue.async {
            if self.captureSession.isRunning {
                self.captureSession.stopRunning()
            }
        }
    }

    /// Forgets the last payload and any chunks found, so that the code in
    /// view is verified again.
    func reset() {
        frameQueue.async {
            self.scanSession?.reset()
            self.reportProgress()
        }
    }

    /// Reports the session's chunk progress when it changed (frameQueue only).
    private func reportProgress() {
        let progress = scanSession?.progress()
        guard progress != reportedProgress else { return }
        reportedProgress = progress
        let onProgress = self.onProgress
        Task { @MainActor in onProgress(progress) }
    }

    private func configureOnce() throws {
        guard !configured else { return }
        guard let device = AVCaptureDevice.default(.builtInWideAngleCamera, for: .video, position: .back) else {
            throw SetupError.noCamera
        }
        let input = try AVCaptureDeviceInput(device: device)
        let output = AVCaptureVideoDataOutput()
        output.videoSettings = [
            kCVPixelBufferPixelFormatTypeKey as String: kCVPixelFormatType_420YpCbCr8BiPlanarFullRange,
        ]
        output.alwaysDiscardsLateVideoFrames = true
        output.setSampleBufferDelegate(self, queue: frameQueue)

        captureSession.beginConfiguration()
        defer { captureSession.commitConfiguration() }
        // Dense certificate QR codes need the resolution.
        if captureSession.canSetSessionPreset(.hd1920x1080) {
            captureSession.sessionPreset = .hd1920x1080
        } else if captureSession.canSetSessionPreset(.hd1280x720) {
            captureSession.sessionPreset = .hd1280x720
        }
        guard captureSession.canAddInput(input) else { throw SetupError.cannotAddInput }
        captureSession.addInput(input)
        guard captureSession.canAddOutput(output) else { throw SetupError.cannotAddOutput }
        captureSession.addOutput(output)

        if (try? device.lockForConfiguration()) != nil {
            if device.isFocusModeSupported(.continuousAutoFocus) {
                device.focusMode = .continuousAutoFocus
            }
            if device.isAutoFocusRangeRestrictionSupported {
                device.autoFocusRangeRestriction = .near
            }
            device.unlockForConfiguration()
        }
        configured = true
    }

    // MARK: AVCaptureVideoDataOutputSampleBufferDelegate (on frameQueue)

    func captureOutput(
        _ output: AVCaptureOutput, didOutput sampleBuffer: CMSampleBuffer, from connection: AVCaptureConnection
    ) {
        guard let scanSession, let pixelBuffer = CMSampleBufferGetImageBuffer(sampleBuffer) else { return }
        guard let frame = copyLuma(of: pixelBuffer) else { return }
        do {
            if let outcome = try scanSession.submitFrame(
                luma: luma, width: frame.width, height: frame.height, stride: frame.bytesPerRow)
            {
                let onOutcome = self.onOutcome
                Task { @MainActor in onOutcome(outcome) }
            }
            // A chunk of a SMART Health Card gives no outcome until the last
            // one is seen, only progress ("2 of 3"): counts, no personal data.
            reportProgress()
        } catch {
            // A frame the core rejects (its size does not match its
            // dimensions): a camera fault, reported once. No personal data.
            if !reportedError {
                reportedError = true
                log.error("frame rejected: \(error.localizedDescription, privacy: .public)")
            }
        }
    }

    /// Copies plane 0 (luma) into `luma`, reusing its storage, and returns
    /// its geometry; the pixel buffer is unlocked before the scan.
    private func copyLuma(of pixelBuffer: CVPixelBuffer) -> (width: UInt32, height: UInt32, bytesPerRow: UInt32)? {
        CVPixelBufferLockBaseAddress(pixelBuffer, .readOnly)
        defer { CVPixelBufferUnlockBaseAddress(pixelBuffer, .readOnly) }
        guard CVPixelBufferIsPlanar(pixelBuffer),
              let base = CVPixelBufferGetBaseAddressOfPlane(pixelBuffer, 0)
        else { return nil }
        let width = CVPixelBufferGetWidthOfPlane(pixelBuffer, 0)
        let height = CVPixelBufferGetHeightOfPlane(pixelBuffer, 0)
        let bytesPerRow = CVPixelBufferGetBytesPerRowOfPlane(pixelBuffer, 0)
        let count = bytesPerRow * height
        if luma.count != count {
            luma = Data(count: count)
        }
        luma.withUnsafeMutableBytes { destination in
            if let address = destination.baseAddress {
                address.copyMemory(from: base, byteCount: count)
            }
        }
        return (UInt32(width), UInt32(height), UInt32(bytesPerRow))
    }
}
