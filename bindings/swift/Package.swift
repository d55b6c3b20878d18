// swift-tools-version:5.9
// The Swift package of healthcert-ffi: the Rust library as an XCFramework
// (built locally by build-xcframework.sh, never committed) and the Swift
// bindings UniFFI generates for it (committed; check.sh keeps them current):
// two namespaces, the FFI crate's (HealthcertFFI.swift) and the core's
// verdict and certificate (HealthcertCore.swift), in one Swift target.
import PackageDescription

let package = Package(
    name: "Healthcert",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Healthcert", targets: ["Healthcert"]),
    ],
    targets: [
        // Static libraries for iOS devices, the iOS simulator and macOS, with
        // the C headers of both namespaces and the one module map of the
        // `healthcertFFI` clang module (headers/healthcertFFI/).
        .binaryTarget(name: "HealthcertFFI", path: "HealthcertFFI.xcframework"),
        // The generated bindings of both namespaces: `import Healthcert`.
        .target(
            name: "Healthcert",
            dependencies: ["HealthcertFFI"],
            path: "Sources/Healthcert"
        ),
    ]
)
