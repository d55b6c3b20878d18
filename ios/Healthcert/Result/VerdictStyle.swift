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
        case .unknown: return "Cannot be verified"
        }
    }

    /// The first failing check's reason code, or the trust data's staleness.
    static func summary(_ verdict: Verdict) -> String {
        if let failing = failingChecks(verdict).first {
            return reasonCode(reason: failing.reason)
        }
        return verdict.trust.stale ? "Trust data is stale" : "All checks passed"
    }

    /// The checks that failed, or that could not decide.
    static func failingChecks(_ verdict: Verdict) -> [Check] {
        verdict.checks.filter { $0.outcome == .fail || reasonClass(reason: $0.reason) != .neutral }
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
