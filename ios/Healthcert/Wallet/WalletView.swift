import CoreImage
import CoreImage.CIFilterBuiltins
import Healthcert
import SwiftUI

/// "My certificates": the holder's wallet, each certificate with its kind,
/// the holder's name (through `displayText`) and label; a certificate opens
/// its QR code full-screen for presenting (`QrView`). Removing one deletes
/// its bytes from the database file (the core's `walletRemove`).
struct WalletView: View {
    @EnvironmentObject private var model: AppModel

    var body: some View {
        List {
            if model.wallet.isEmpty {
                Text("No certificates yet. Scan one and add it from the result.")
                    .foregroundStyle(.secondary)
            }
            ForEach(model.wallet, id: \.item.id) { entry in
                NavigationLink {
                    QrView(entry: entry)
                } label: {
                    VStack(alignment: .leading, spacing: 2) {
                        Text(WalletView.kind(entry)).font(.headline)
                        if let holder = entry.certificate?.holder.name {
                            Text(displayText(text: holder))
                        }
                        if let label = entry.item.label {
                            Text(displayText(text: label)).font(.caption).foregroundStyle(.secondary)
                        }
                    }
                }
            }
            .onDelete { offsets in
                let ids = offsets.map { model.wallet[$0].item.id }
                Task { await model.removeFromWallet(ids: ids) }
            }
        }
        .navigationTitle("My certificates")
        .task { await model.refreshWallet() }
    }

    static func kind(_ entry: WalletEntry) -> String {
        switch entry.certificate?.kind {
        case .vaccination: return "Vaccination certificate"
        case .test: return "Test certificate"
        case .recovery: return "Recovery certificate"
        case nil: return "Certificate of unclear type"
        }
    }
}

/// One certificate's QR code, full-screen on white, drawn by CoreImage's
/// `CIQRCodeGenerator` from the payload exactly as stored.
struct QrView: View {
    let entry: WalletEntry

    var body: some View {
        ZStack {
            Color.white.ignoresSafeArea()
            if let image = QrView.image(entry.item.payload) {
                Image(decorative: image, scale: 1)
                    .interpolation(.none)
                    .resizable()
                    .scaledToFit()
                    .padding()
            } else {
                Text("This certificate cannot be shown as a QR code.").foregroundStyle(.black)
            }
        }
        .navigationBarTitleDisplayMode(.inline)
    }

    /// Error correction level Q, as the EU DCC specifies.
    static func image(_ payload: Data) -> CGImage? {
        let filter = CIFilter.qrCodeGenerator()
        filter.message = payload
        filter.correctionLevel = "Q"
        guard let output = filter.outputImage else { return nil }
        return CIContext().createCGImage(output, from: output.extent)
    }
}
