import Healthcert
import SwiftUI

/// Settings: country of arrival and language (stored in UserDefaults and
/// applied to the verifier: the business rules its verdicts check), "Sync
/// now" with its progress, and the trust status of every source.
struct SettingsView: View {
    @EnvironmentObject private var model: AppModel
    /// `nil` (a fresh install): no country, the rules check does not apply.
    @AppStorage(SettingsKeys.arrivalCountry) private var arrivalCountry: String?
    @AppStorage(SettingsKeys.language) private var language = "en"

    var body: some View {
        Form {
            Section {
                Picker("Country of arrival", selection: $arrivalCountry) {
                    Text("None").tag(String?.none)
                    ForEach(SettingsKeys.countries, id: \.self) { code in
                        Text(Self.countryName(code)).tag(String?.some(code))
                    }
                }
                Picker("Language", selection: $language) {
                    ForEach(SettingsKeys.languages, id: \.self) { code in
                        Text(Locale.current.localizedString(forLanguageCode: code) ?? code).tag(code)
                    }
                }
            } header: {
                Text("Travel")
            } footer: {
                if let arrivalCountry {
                    Text("Verdicts check the business rules of \(arrivalCountry), synced with \"Sync now\" and described in the language chosen. Until rules for \(arrivalCountry) are held, verdicts say unknown (NO_RULES).")
                } else {
                    Text("No country of arrival chosen: verdicts check the certificate and its signer, not a country's business rules. Choose a country to check its rules.")
                }
            }

            Section {
                Button {
                    Task { await model.syncNow() }
                } label: {
                    HStack {
                        Text("Sync now")
                        if model.sync.running {
                            Spacer()
                            ProgressView()
                        }
                    }
                }
                .disabled(model.verifier == nil || model.sync.running)

                ForEach(model.sync.sources) { progress in
                    VStack(alignment: .leading, spacing: 4) {
                        Text(progress.source).font(.caption).lineLimit(1).truncationMode(.middle)
                        if let fraction = progress.fraction {
                            ProgressView(value: fraction)
                        }
                        Text(progress.text)
                            .font(.caption)
                            .foregroundStyle(progress.failed ? Color.red : Color.secondary)
                    }
                }
                if let error = model.sync.error {
                    Text(error).font(.caption).foregroundStyle(.red)
                }
                if !model.sync.running, !model.sync.results.isEmpty {
                    let failed = model.sync.results.filter { !$0.ok }.count
                    Text(failed == 0 ? "All sources synced" : "\(failed) of \(model.sync.results.count) sources failed")
                        .font(.caption)
                }
            } header: {
                Text("Trust data")
            }

            if let error = model.trustStatusError {
                Section("Trust status") {
                    Text(error).foregroundStyle(.red)
                }
            }
            ForEach(Array(model.trustStatus.enumerated()), id: \.offset) { _, status in
                Section {
                    SourceStatusRows(status: status)
                } header: {
                    Text("\(status.kind.label) · \(status.location)").lineLimit(1).truncationMode(.middle)
                }
            }
        }
        .navigationTitle("Settings")
        .refreshable { await model.refreshTrustStatus() }
        .task { await model.refreshTrustStatus() }
        .onChange(of: arrivalCountry) { _ in
            Task { await model.applyArrival(country: arrivalCountry, language: language) }
        }
        .onChange(of: language) { _ in
            Task { await model.applyArrival(country: arrivalCountry, language: language) }
        }
    }

    static func countryName(_ code: String) -> String {
        let name = Locale.current.localizedString(forRegionCode: code) ?? code
        return "\(name) (\(code))"
    }
}

extension SourceKind {
    /// The kind's name as the core and the CLI spell it.
    var label: String {
        switch self {
        case .dgca: return "dgca"
        case .de: return "de"
        case .rules: return "rules"
        case .import: return "import"
        case .bundled: return "bundled"
        }
    }
}

/// One source of `Verifier.trustStatus()`.
struct SourceStatusRows: View {
    let status: SourceStatus

    var body: some View {
        LabeledContent("Entries", value: status.skipped > 0 ? "\(status.entries) (\(status.skipped) skipped)" : "\(status.entries)")
        LabeledContent("Last success", value: VerdictStyle.date(status.lastSuccess))
        if let issued = status.listIssuedAt {
            LabeledContent("List issued", value: VerdictStyle.date(issued))
        }
        if let failure = status.lastFailure {
            LabeledContent("Last failure", value: VerdictStyle.date(failure))
        }
        if let reason = status.failureReason {
            Text(reason).font(.caption).foregroundStyle(.red)
        }
        LabeledContent("Age", value: VerdictStyle.age(seconds: status.ageSeconds))
        if let maxAge = status.maxAgeSeconds {
            LabeledContent("Maximum age", value: VerdictStyle.age(seconds: maxAge))
        }
        if status.stale {
            Label("Stale", systemImage: "exclamationmark.triangle").foregroundStyle(.orange)
        }
    }
}

/// The UserDefaults keys of the arrival settings (the same names as the
/// Android app's preferences).
enum SettingsKeys {
    static let arrivalCountry = "country_of_arrival"
    static let language = "language"
    /// EU/EEA countries and Switzerland.
    static let countries = [
        "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS",
        "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
    ]
    /// ISO 639-1 codes of the languages rule descriptions come in.
    static let languages = ["en", "de", "fr", "it", "es", "nl", "pl", "pt"]
}
