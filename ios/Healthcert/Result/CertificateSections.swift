import Healthcert
import SwiftUI

/// The normalized certificate (the WHO DDCC core data set the core maps
/// every format to), as sections of the result list: its type, issuer and
/// validity, the holder, then each event. Nothing is decided here; the
/// fields are shown as the core gives them.
///
/// Every string a certificate wrote goes through `displayText` (the core's
/// sanitizer). Codes are shown as the display text the core gives with them,
/// else as the code. Format-only extras (`Certificate.extras`) are not shown:
/// the screen is the same for every format.
struct CertificateSections: View {
    let certificate: Certificate

    var body: some View {
        Section("Certificate") {
            LabeledContent("Type", value: Self.kind(certificate.kind))
            // A SMART Health Card names its issuer by URL, an EU DCC by
            // country, a WHO DDCC may do both.
            let issuer = certificate.issuer.flatMap { $0.isEmpty ? nil : $0 }
            let country = certificate.issuerCountry.flatMap { $0.isEmpty ? nil : $0 }
            if let issuer {
                LabeledContent("Issuer", value: displayText(text: issuer))
            }
            if let country {
                LabeledContent("Issuing country", value: displayText(text: country))
            }
            if issuer == nil && country == nil {
                LabeledContent("Issuer", value: String(localized: "Not named"))
            }
            // The validity period: the signature's (CWT/JWT), then the one
            // the content states, when it states one.
            LabeledContent("Signed", value: VerdictStyle.date(certificate.issuedAt))
            LabeledContent(
                "Signature expires",
                value: certificate.expiresAt.map { VerdictStyle.date($0) } ?? String(localized: "Never (no expiry given)"))
            if certificate.validFrom != nil || certificate.validUntil != nil {
                LabeledContent("Valid from", value: Self.shown(certificate.validFrom))
                LabeledContent("Valid until", value: Self.shown(certificate.validUntil))
            }
        }

        Section("Holder") {
            LabeledContent("Name", value: displayText(text: certificate.holder.name))
            LabeledContent("Date of birth", value: Self.shown(certificate.holder.dateOfBirth))
        }

        ForEach(Array(certificate.events.enumerated()), id: \.offset) { _, event in
            switch event {
            case let .vaccination(v):
                Section("Vaccination") {
                    // The vaccine (type), then the product (brand) when
                    // given; a dash for the vaccine when neither is.
                    if v.vaccine != nil || v.brand == nil {
                        LabeledContent("Vaccine", value: Self.shown(v.vaccine))
                    }
                    if v.brand != nil {
                        LabeledContent("Product", value: Self.shown(v.brand))
                    }
                    LabeledContent(
                        "Dose", value: String(localized: "\(Self.count(v.doseNumber)) of \(Self.count(v.totalDoses))"))
                    LabeledContent("Date", value: Self.shown(v.date))
                    LabeledContent("Country", value: Self.shown(v.country))
                    if let centre = v.centre, !centre.isEmpty {
                        LabeledContent("Centre", value: displayText(text: centre))
                    }
                    if let lot = v.lot, !lot.isEmpty {
                        LabeledContent("Lot", value: displayText(text: lot))
                    }
                }
            case let .test(t):
                Section("Test") {
                    LabeledContent("Type", value: Self.shown(t.testType))
                    LabeledContent("Result", value: Self.shown(t.result))
                    LabeledContent("Sample taken", value: Self.shown(t.sampleCollectedAt))
                    LabeledContent("Country", value: Self.shown(t.country))
                }
            case let .recovery(r):
                Section("Recovery") {
                    LabeledContent("First positive test", value: Self.shown(r.firstPositive))
                    LabeledContent("Valid from", value: Self.shown(r.validFrom))
                    LabeledContent("Valid until", value: Self.shown(r.validUntil))
                    LabeledContent("Country", value: Self.shown(r.country))
                }
            }
        }
    }

    static func kind(_ kind: CertificateType?) -> String {
        switch kind {
        case .vaccination: return String(localized: "Vaccination")
        case .test: return String(localized: "Test")
        case .recovery: return String(localized: "Recovery")
        case nil: return String(localized: "Unclear")
        }
    }

    /// A field as written, through the sanitizer; a dash when absent or empty.
    static func shown(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "—" }
        return displayText(text: text)
    }

    /// A code as its display text when the core gives one, else the code itself.
    static func shown(_ code: Code?) -> String {
        guard let code else { return "—" }
        if let display = code.display, !display.isEmpty {
            return shown(display)
        }
        return shown(code.code)
    }

    static func count(_ n: UInt64?) -> String {
        n.map { "\($0)" } ?? "—"
    }
}
