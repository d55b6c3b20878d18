import Foundation
import Healthcert

/// The `SyncProgress` callback the Rust sync calls on its own threads: it
/// only hands each event on to an `AsyncStream`, which the UI consumes on
/// the main actor. Sync events carry no personal data.
final class SyncProgressReporter: SyncProgress {
    private let continuation: AsyncStream<SyncEvent>.Continuation

    init(_ continuation: AsyncStream<SyncEvent>.Continuation) {
        self.continuation = continuation
    }

    func onEvent(event: SyncEvent) {
        continuation.yield(event)
    }
}
