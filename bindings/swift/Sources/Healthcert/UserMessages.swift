// Operational faults as sentences for the person holding the phone. The
// generated `errorDescription` of `HealthcertError` is UniFFI's debug form
// (`HealthcertError.Database(reason: "…")`): fine for a log, not for a
// screen. The same sentences as the Kotlin `userMessage()`, with iOS advice
// (bindings/kotlin/src/main/kotlin/org/healthcert/UserMessages.kt).
import Foundation

extension HealthcertError {
    /// What went wrong, in one or two sentences an inspector can act on,
    /// ending with the library's own reason (which never carries personal
    /// data).
    public var userMessage: String {
        switch self {
        case let .Database(reason):
            return "The trust database on this device cannot be used. Free some storage and restart the app; "
                + "if that does not help, delete and reinstall the app, then sync again." + Self.details(reason)
        case let .Trust(reason):
            return "The trust data bundled with this app does not verify, so nothing can be checked. "
                + "Install a correct build of the app." + Self.details(reason)
        case let .Sync(_, reason):
            return "The trust lists cannot be synced now. Certificates are still checked against the trust data "
                + "already on this device." + Self.details(reason)
        case let .InvalidArgument(reason):
            return "The verifier refused a setting or a camera frame." + Self.details(reason)
        }
    }

    /// " Details: <reason>." — or nothing for a blank reason.
    private static func details(_ reason: String) -> String {
        var text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix(".") {
            text.removeLast()
        }
        return text.isEmpty ? "" : " Details: \(text)."
    }
}
