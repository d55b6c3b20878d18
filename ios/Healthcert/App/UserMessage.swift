import Foundation
import Healthcert

/// Errors as the app shows them: sentences, never a debug form. The
/// library's faults say what to do (`HealthcertError.userMessage`); the
/// platform's come with their own localized description.
enum UserMessage {
    static func of(_ error: Error) -> String {
        if let error = error as? HealthcertError {
            return error.userMessage
        }
        return error.localizedDescription
    }
}
