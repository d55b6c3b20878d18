import Foundation
import Healthcert
import SwiftUI

/// How verdicts and trust data are shown. Presentation only: the status and
/// the reason codes are the core's.
enum VerdictStyle {
    static func color(_ status: Status) -> Color {
        switch status {
        case .valid: return .green
        case .invalid: return .red
        case .unknown: return .gray
        }
    }

    static func title(_ status: Status) -> String {
        switch status {
        case .valid: return "Valid"
        case .invalid: return "Invalid"
        case .unknown: return "Cannot tell"
        }
    }

    /// The first failing (or, when inconclusive, undecided) check's reason
    /// code, or the trust data's staleness.
    static func summary(_ verdict: Verdict) -> String {
        let first = verdict.status == .unknown ? undecidedChecks(verdict).first : failingChecks(verdict).first
        if let failing = first {
            return reasonCode(reason: failing.reason)
        }
        return verdict.trust.stale ? "Trust data is stale" : "All checks passed"
    }

    /// The checks that failed, or that could not decide.
    static func failingChecks(_ verdict: Verdict) -> [Check] {
        verdict.checks.filter { $0.outcome == .fail || reasonClass(reason: $0.reason) != .neutral }
    }

    /// What makes an inconclusive verdict: the checks that did not pass
    /// with a reason meaning "cannot tell" (a failure, or a check that
    /// applies but was not run); every check that did not pass if none has
    /// such a reason.
    static func undecidedChecks(_ verdict: Verdict) -> [Check] {
        let notPassed = verdict.checks.filter { $0.outcome != .pass }
        let inconclusive = notPassed.filter { reasonClass(reason: $0.reason) == .inconclusive }
        return inconclusive.isEmpty ? notPassed : inconclusive
    }

    /// The format's name for people; the core's own name for one this app
    /// does not know.
    static func format(_ format: FormatId) -> String {
        switch format {
        case "hcert": return String(localized: "EU Digital COVID Certificate")
        case "who-ddcc": return String(localized: "WHO DDCC (in an HC1 code)")
        case "shc": return String(localized: "SMART Health Card")
        case "unknown": return String(localized: "Not recognised")
        default: return displayText(text: format)
        }
    }

    static func name(_ check: CheckKind) -> String {
        switch check {
        case .decode: return "Decode"
        case .signature: return "Signature"
        case .issuer: return "Issuer"
        case .keyUsage: return "Key usage"
        case .revocation: return "Revocation"
        case .validity: return "Validity"
        case .schema: return "Schema"
        case .rules: return "Rules"
        }
    }

    static func name(_ outcome: Outcome) -> String {
        switch outcome {
        case .pass: return "pass"
        case .fail: return "fail"
        case .skipped: return "skipped"
        }
    }

    static func date(_ date: Date?) -> String {
        guard let date else { return "—" }
        return date.formatted(date: .abbreviated, time: .shortened)
    }

    static func age(seconds: Int64?) -> String {
        guard let seconds else { return "—" }
        let formatter = DateComponentsFormatter()
        formatter.allowedUnits = [.day, .hour, .minute]
        formatter.unitsStyle = .abbreviated
        formatter.maximumUnitCount = 2
        return formatter.string(from: TimeInterval(max(0, seconds))) ?? "\(seconds) s"
    }
}
