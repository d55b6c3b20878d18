import Healthcert
import SwiftUI

/// Result: the status colour; for an inconclusive verdict, why the verifier
/// cannot tell (never shown as invalid); the format and the normalized
/// certificate (`CertificateSections`: of the personal data, the holder's
/// name and date of birth only, shown, never logged); the failing checks with
/// their reason codes and details. Every text a certificate, a trust list or
/// a rule service wrote goes through `displayText` (the core's sanitizer).
/// A suspect device clock is a banner under the status.
struct ResultView: View {
    @EnvironmentObject private var model: AppModel
    let verdict: Verdict
    /// The scanned payload, to keep in "My certificates" (personal data:
    /// never logged).
    var payload: String? = nil

    var body: some View {
        List {
            Section {
                Banner(
                    color: VerdictStyle.color(verdict.status),
                    title: VerdictStyle.title(verdict.status),
                    detail: verdict.trust.stale ? "Trust data is stale" : nil)
                    .listRowInsets(EdgeInsets())
            }

            // The device clock is behind the trusted times the core has seen
            // (or was off the server's at the last sync): every time-bound
            // check is in doubt, and a verdict that would be valid is
            // "Cannot tell". Said before anything else.
            if verdict.clockCheck.state == .suspect {
                Section {
                    VStack(alignment: .leading, spacing: 4) {
                        Label("This device's clock looks wrong", systemImage: "clock.badge.exclamationmark")
                            .font(.headline)
                            .foregroundStyle(.red)
                        Text("It is behind the time trusted servers last gave, or was off it at the last sync. The time checks cannot be trusted: set the clock and sync again.")
                            .font(.subheadline)
                        Text("\(reasonCode(reason: verdict.clockCheck.reason)): \(displayText(text: verdict.clockCheck.detail))")
                            .font(.caption).foregroundStyle(.secondary)
                    }
                }
            }

            // Inconclusive, said so first: the checks that could not decide,
            // each with its reason.
            if verdict.status == .unknown {
                Section {
                    ForEach(Array(VerdictStyle.undecidedChecks(verdict).enumerated()), id: \.offset) { _, check in
                        CheckRow(check: check)
                    }
                } header: {
                    Text("Cannot tell whether it is valid, because")
                } footer: {
                    Text("This is not a finding that the certificate is invalid.")
                }
            }

            Section {
                LabeledContent("Format", value: VerdictStyle.format(verdict.format))
            }

            if let certificate = verdict.certificate {
                CertificateSections(certificate: certificate)
            }

            let failing = VerdictStyle.failingChecks(verdict)
            if verdict.status == .invalid && !failing.isEmpty {
                Section("Failing checks") {
                    ForEach(Array(failing.enumerated()), id: \.offset) { _, check in
                        CheckRow(check: check)
                    }
                }
            }

            // The business rules of the country of arrival that were not met.
            let rulesNotMet = verdict.rules.filter { $0.outcome != .passed }
            if !rulesNotMet.isEmpty {
                Section("Rules not met") {
                    ForEach(Array(rulesNotMet.enumerated()), id: \.offset) { _, rule in
                        VStack(alignment: .leading) {
                            Text("\(rule.identifier): \(rule.outcome == .failed ? "failed" : "open")")
                                .font(.system(.body, design: .monospaced))
                            Text(displayText(text: rule.description)).font(.caption)
                            if let detail = rule.detail {
                                Text(displayText(text: detail)).font(.caption).foregroundStyle(.secondary)
                            }
                        }
                    }
                }
            }

            Section("All checks") {
                ForEach(Array(verdict.checks.enumerated()), id: \.offset) { _, check in
                    LabeledContent(VerdictStyle.name(check.check), value: "\(VerdictStyle.name(check.outcome)) · \(reasonCode(reason: check.reason))")
                }
            }

            if let payload, verdict.certificate != nil {
                Section {
                    Button("Add to My certificates") {
                        Task { await model.addToWallet(payload: payload) }
                    }
                }
            }

            Section("Trust data") {
                LabeledContent("Source", value: verdict.trust.source)
                LabeledContent("Entries", value: "\(verdict.trust.entries)")
                LabeledContent("Updated", value: VerdictStyle.date(verdict.trust.updatedAt))
                LabeledContent("Age", value: VerdictStyle.age(seconds: verdict.trust.ageSeconds))
                if verdict.trust.stale {
                    Label("Stale: sync the trust data", systemImage: "exclamationmark.triangle")
                        .foregroundStyle(.orange)
                }
                LabeledContent("Verified at", value: "\(VerdictStyle.date(verdict.clock)) (\(verdict.clockSource))")
            }
        }
        .navigationTitle("Result")
        .navigationBarTitleDisplayMode(.inline)
    }
}

struct CheckRow: View {
    let check: Check

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Text(VerdictStyle.name(check.check)).font(.headline)
                Spacer()
                Text(reasonCode(reason: check.reason))
                    .font(.caption.monospaced())
                    .foregroundStyle(reasonClass(reason: check.reason) == .invalid ? Color.red : Color.secondary)
            }
            if !check.detail.isEmpty {
                Text(displayText(text: check.detail)).font(.subheadline).foregroundStyle(.secondary)
            }
        }
        .padding(.vertical, 2)
    }
}
