import Healthcert
import SwiftUI

/// Result: the status colour, the failing checks with their reason codes and
/// details, and of the personal data only the holder's name and date of
/// birth (shown, never logged). Every text a certificate, a trust list or a
/// rule service wrote goes through `displayText` (the core's sanitizer).
struct ResultView: View {
    let verdict: Verdict

    var body: some View {
        List {
            Section {
                Banner(
                    color: VerdictStyle.color(verdict.status),
                    title: VerdictStyle.title(verdict.status),
                    detail: verdict.trust.stale ? "Trust data is stale" : nil)
                    .listRowInsets(EdgeInsets())
            }

            if let holder = verdict.certificate?.holder {
                Section("Holder") {
                    LabeledContent("Name", value: displayText(text: holder.name))
                    LabeledContent("Date of birth", value: holder.dateOfBirth.flatMap { $0.isEmpty ? nil : displayText(text: $0) } ?? "—")
                }
            }

            let failing = VerdictStyle.failingChecks(verdict)
            if !failing.isEmpty {
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
