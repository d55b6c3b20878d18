import Foundation
import Healthcert
import os

/// UI state around the one `Verifier`: opening it, its scan session, trust
/// status and sync progress. Blocking calls into Rust (opening the database,
/// reading the status) run off the main actor; `syncTrust` is async and runs
/// on the core's tokio runtime.
@MainActor
final class AppModel: ObservableObject {
    /// The progress of one source during a sync.
    struct SourceProgress: Identifiable, Equatable {
        let source: String
        var text: String
        /// 0...1 when the total is known.
        var fraction: Double?
        var failed = false
        var id: String { source }
    }

    struct SyncState: Equatable {
        var running = false
        var sources: [SourceProgress] = []
        var results: [SyncSummary] = []
        var error: String?
    }

    @Published private(set) var verifier: Verifier?
    @Published private(set) var scanSession: ScanSession?
    @Published private(set) var openError: String?
    @Published private(set) var trustStatus: [SourceStatus] = []
    @Published private(set) var trustStatusError: String?
    @Published private(set) var sync = SyncState()
    /// The holder's certificates. Personal data: shown, never logged.
    @Published private(set) var wallet: [WalletEntry] = []

    // Never log personal data: no payload, verdict or certificate here.
    private let log = Logger(subsystem: "org.healthcert.verifier", category: "app")

    func open() async {
        guard verifier == nil else { return }
        do {
            let config = try TrustConfiguration.verifierConfig()
            let verifier = try await Task.detached(priority: .userInitiated) {
                try Verifier.withTransport(config: config, transport: URLSessionTransport())
            }.value
            self.verifier = verifier
            self.scanSession = verifier.scanSession()
            openError = nil
            await refreshTrustStatus()
        } catch {
            log.error("opening the verifier failed: \(String(describing: error), privacy: .public)")
            openError = UserMessage.of(error)
        }
    }

    /// Applies the settings' country of arrival and language: the business
    /// rules later verdicts check (`nil`: none, the rules check does not
    /// apply).
    func applyArrival(country: String?, language: String) async {
        guard let verifier else { return }
        do {
            try await Task.detached(priority: .userInitiated) {
                try verifier.setArrival(countryOfArrival: country, region: nil, language: language)
            }.value
        } catch {
            log.error("country of arrival not applied: \(String(describing: error), privacy: .public)")
        }
    }

    func refreshWallet() async {
        guard let verifier else { return }
        wallet = (try? await Task.detached(priority: .utility) { try verifier.walletList() }.value) ?? []
    }

    /// Keeps a scanned certificate exactly as scanned.
    func addToWallet(payload: String) async {
        guard let verifier else { return }
        _ = try? await Task.detached(priority: .userInitiated) {
            try verifier.walletAdd(payload: Data(payload.utf8), label: nil)
        }.value
        await refreshWallet()
    }

    /// Removes certificates; their bytes are gone from the database file.
    func removeFromWallet(ids: [Int64]) async {
        guard let verifier else { return }
        for id in ids {
            _ = try? await Task.detached(priority: .userInitiated) { try verifier.walletRemove(id: id) }.value
        }
        await refreshWallet()
    }

    func refreshTrustStatus() async {
        guard let verifier else { return }
        do {
            trustStatus = try await Task.detached(priority: .utility) {
                try verifier.trustStatus()
            }.value
            trustStatusError = nil
        } catch {
            trustStatusError = UserMessage.of(error)
        }
    }

    /// "Sync now": every configured source in turn, progress shown as the
    /// Rust side reports it (on its own threads, funnelled through a stream
    /// so that events arrive in order on the main actor).
    func syncNow() async {
        guard let verifier, !sync.running else { return }
        sync = SyncState(running: true)
        var continuation: AsyncStream<SyncEvent>.Continuation!
        let events = AsyncStream<SyncEvent>(bufferingPolicy: .unbounded) { continuation = $0 }
        let reporter = SyncProgressReporter(continuation)
        let consumer = Task { @MainActor [weak self] in
            for await event in events {
                self?.apply(event)
            }
        }
        do {
            sync.results = try await verifier.syncTrust(progress: reporter)
        } catch {
            log.error("sync failed: \(String(describing: error), privacy: .public)")
            sync.error = UserMessage.of(error)
        }
        continuation.finish()
        await consumer.value
        sync.running = false
        await refreshTrustStatus()
    }

    private func apply(_ event: SyncEvent) {
        switch event {
        case let .started(source):
            update(source) { $0.text = "Started"; $0.fraction = nil }
        case let .progress(source, done, total):
            update(source) {
                if let total, total > 0 {
                    $0.text = "\(done) of \(total)"
                    $0.fraction = min(1, Double(done) / Double(total))
                } else {
                    $0.text = "\(done) downloaded"
                    $0.fraction = nil
                }
            }
        case let .committing(source):
            update(source) { $0.text = "Saving…"; $0.fraction = 1 }
        case let .applied(source, entries, skipped, changed):
            update(source) {
                $0.text = "\(entries) entries" + (skipped > 0 ? ", \(skipped) skipped" : "")
                    + (changed ? "" : ", unchanged")
                $0.fraction = 1
            }
        case let .failed(source, code, reason):
            update(source) {
                $0.text = "Failed (\(code)): \(reason)"
                $0.fraction = nil
                $0.failed = true
            }
        }
    }

    private func update(_ source: String, _ change: (inout SourceProgress) -> Void) {
        if let index = sync.sources.firstIndex(where: { $0.source == source }) {
            change(&sync.sources[index])
        } else {
            var progress = SourceProgress(source: source, text: "")
            change(&progress)
            sync.sources.append(progress)
        }
    }
}
