import Foundation
import Healthcert

/// Where the trust database lives and what seeds and updates it: the
/// configuration handed to the Rust `Verifier`, nothing decided here.
enum TrustConfiguration {
    enum Failure: LocalizedError {
        case missingSnapshot

        var errorDescription: String? {
            switch self {
            case .missingSnapshot:
                return "The bundled trust snapshot (TestSnapshot/) is missing from the app."
            }
        }
    }

    /// Application Support/Healthcert/trust.sqlite, excluded from backups (a
    /// new device syncs again).
    static func databaseURL() throws -> URL {
        let fileManager = FileManager.default
        let support = try fileManager.url(
            for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
        var directory = support.appendingPathComponent("Healthcert", isDirectory: true)
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try? directory.setResourceValues(values)
        return directory.appendingPathComponent("trust.sqlite", isDirectory: false)
    }

    /// The TEST snapshot copied into the bundle by scripts/copy-test-snapshot.sh,
    /// the sources of Info.plist, and the offline policy.
    static func verifierConfig(bundle: Bundle = .main) throws -> VerifierConfig {
        guard
            let snapshotURL = bundle.url(forResource: "trustlist", withExtension: nil, subdirectory: "TestSnapshot"),
            let keyURL = bundle.url(forResource: "list-signing-key", withExtension: "pem", subdirectory: "TestSnapshot")
        else {
            throw Failure.missingSnapshot
        }
        let snapshot = try Data(contentsOf: snapshotURL)
        let key = try String(contentsOf: keyURL, encoding: .utf8)

        var sources: [TrustSourceConfig] = []
        let server = (bundle.object(forInfoDictionaryKey: "HealthcertTrustServer") as? String ?? "")
            .trimmingCharacters(in: CharacterSet(charactersIn: "/").union(.whitespaces))
        if !server.isEmpty {
            sources.append(TrustSourceConfig(kind: .dgca, url: server + "/", signingKeyPem: nil))
            // The TEST server's German-shaped list is signed with the snapshot's key.
            sources.append(TrustSourceConfig(kind: .de, url: server + "/de/trustList/DSC", signingKeyPem: key))
            // Business rules and value sets, X-SIGNATURE checked.
            let rulesKey = bundle.url(forResource: "rules-signing-key", withExtension: "pem", subdirectory: "TestSnapshot")
                .flatMap { try? String(contentsOf: $0, encoding: .utf8) }
            sources.append(TrustSourceConfig(kind: .rules, url: server + "/", signingKeyPem: rulesKey))
        }
        let maxAge = (bundle.object(forInfoDictionaryKey: "HealthcertMaxTrustAgeSeconds") as? NSNumber)?.int64Value

        let database = try databaseURL()
        return VerifierConfig(
            databasePath: database.path,
            snapshot: snapshot,
            snapshotKeyPem: key,
            sources: sources,
            maxTrustAgeSeconds: maxAge,
            // The settings' country of arrival: its business rules are
            // checked. None on a fresh install (no rules are held before the
            // first sync, and a country without rules makes every verdict
            // unknown): the rules check does not apply until one is chosen.
            countryOfArrival: UserDefaults.standard.string(forKey: SettingsKeys.arrivalCountry),
            region: nil,
            language: UserDefaults.standard.string(forKey: SettingsKeys.language) ?? "en"
        )
    }
}
