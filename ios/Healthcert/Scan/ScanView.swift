import AVFoundation
import Healthcert
import SwiftUI

/// Camera state for the scan screen: authorisation, the scanner, and the
/// latest outcome (shown as the live overlay).
@MainActor
final class ScanController: ObservableObject {
    enum CameraState: Equatable {
        case unknown
        case denied
        case failed(String)
        case running
    }

    @Published private(set) var camera: CameraState = .unknown
    @Published private(set) var latest: ScanOutcome?
    /// The chunks found while a chunked SMART Health Card is being assembled.
    @Published private(set) var progress: ChunkProgress?

    private(set) lazy var scanner = CameraScanner(
        onOutcome: { [weak self] outcome in self?.latest = outcome },
        onProgress: { [weak self] progress in self?.progress = progress })

    func start(scanning session: ScanSession) async {
        switch AVCaptureDevice.authorizationStatus(for: .video) {
        case .authorized:
            break
        case .notDetermined:
            guard await AVCaptureDevice.requestAccess(for: .video) else {
                camera = .denied
                return
            }
        default:
            camera = .denied
            return
        }
        scanner.start(scanning: session) { [weak self] error in
            Task { @MainActor in
                if let error {
                    self?.camera = .failed(UserMessage.of(error))
                } else {
                    self?.camera = .running
                }
            }
        }
    }

    func stop() {
        scanner.stop()
    }

    /// Clears the overlay, forgets any chunks found and verifies the code in
    /// view again.
    func scanAgain() {
        latest = nil
        progress = nil
        scanner.reset()
    }
}

/// Scan: the camera preview with the live result (green valid, red invalid,
/// grey cannot tell); tapping the result opens its details. While a chunked
/// SMART Health Card is being assembled, how many of its parts were scanned.
struct ScanView: View {
    @EnvironmentObject private var model: AppModel
    @StateObject private var controller = ScanController()

    var body: some View {
        ZStack(alignment: .bottom) {
            CameraPreview(session: controller.scanner.captureSession)
                .ignoresSafeArea(edges: .top)
            overlay
                .padding()
        }
        .navigationTitle("Scan")
        .navigationBarTitleDisplayMode(.inline)
        .navigationDestination(for: ScanOutcome.self) { outcome in
            ResultView(verdict: outcome.verdict, payload: outcome.payload)
        }
        .task(id: model.scanSession.map { ObjectIdentifier($0) }) {
            if let session = model.scanSession {
                await controller.start(scanning: session)
            }
        }
        .onDisappear { controller.stop() }
    }

    @ViewBuilder
    private var overlay: some View {
        if let error = model.openError {
            Banner(color: .red, title: "Verifier unavailable", detail: error)
        } else if model.scanSession == nil {
            Banner(color: .gray, title: "Opening the trust store…", detail: nil)
        } else {
            switch controller.camera {
            case .denied:
                Banner(color: .gray, title: "No camera access", detail: "Allow camera access in Settings to scan.")
            case let .failed(reason):
                Banner(color: .gray, title: "Camera unavailable", detail: reason)
            case .unknown, .running:
                // While a chunked card is being assembled, its progress
                // replaces the last verdict (which is another code's).
                if let progress = controller.progress {
                    VStack(spacing: 8) {
                        Banner(
                            color: .black.opacity(0.6),
                            title: String(localized: "\(Int(progress.found)) of \(Int(progress.total)) parts scanned — show the next code"),
                            detail: nil)
                        Button("Scan again") { controller.scanAgain() }
                            .buttonStyle(.bordered)
                    }
                } else if let outcome = controller.latest {
                    VStack(spacing: 8) {
                        NavigationLink(value: outcome) {
                            Banner(
                                color: VerdictStyle.color(outcome.verdict.status),
                                title: VerdictStyle.title(outcome.verdict.status),
                                detail: VerdictStyle.summary(outcome.verdict) + " · Details")
                        }
                        .buttonStyle(.plain)
                        Button("Scan again") { controller.scanAgain() }
                            .buttonStyle(.borderedProminent)
                    }
                } else {
                    Banner(color: .black.opacity(0.6), title: "Point the camera at a certificate's QR code", detail: nil)
                }
            }
        }
    }
}

/// A coloured box with a title and an optional line of detail.
struct Banner: View {
    let color: Color
    let title: String
    let detail: String?

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(title).font(.headline)
            if let detail {
                Text(detail).font(.subheadline)
            }
        }
        .foregroundStyle(.white)
        .frame(maxWidth: .infinity, alignment: .leading)
        .padding()
        .background(color, in: RoundedRectangle(cornerRadius: 12))
    }
}
