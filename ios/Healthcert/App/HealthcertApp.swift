import SwiftUI

/// The verifier app: scan, result and settings. Camera and UI only; every
/// verification and trust decision is the Rust core's (`import Healthcert`).
@main
struct HealthcertApp: App {
    @StateObject private var model = AppModel()

    var body: some Scene {
        WindowGroup {
            RootView()
                .environmentObject(model)
                .task { await model.open() }
        }
    }
}

struct RootView: View {
    var body: some View {
        TabView {
            NavigationStack {
                ScanView()
            }
            .tabItem { Label("Scan", systemImage: "qrcode.viewfinder") }

            NavigationStack {
                WalletView()
            }
            .tabItem { Label("My certificates", systemImage: "wallet.pass") }

            NavigationStack {
                SettingsView()
            }
            .tabItem { Label("Settings", systemImage: "gearshape") }
        }
    }
}
