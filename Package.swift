// swift-tools-version:6.0
import PackageDescription

// No third-party packages: Foundation's essentials, Dispatch, Glibc and the system libcurl.
let package = Package(
    name: "soporte",
    products: [
        .executable(name: "soporte", targets: ["soporte"]),
        .executable(name: "soporte-sandbox", targets: ["soporte-sandbox"]),
        // For the fuzz package (fuzz/), which builds against the logic only.
        .library(name: "SoporteKit", targets: ["SoporteKit"]),
        .library(name: "SoporteJSON", targets: ["SoporteJSON"]),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "SoporteJSON"),
        .target(name: "SoporteKit", dependencies: ["SoporteJSON"]),
        .target(name: "SoporteCurl", dependencies: ["CCurl", "SoporteKit"]),
        .executableTarget(name: "soporte", dependencies: ["SoporteKit", "SoporteCurl"]),
        .target(name: "SandboxKit", dependencies: ["SoporteJSON"]),
        .executableTarget(name: "soporte-sandbox", dependencies: ["SandboxKit"]),
        .testTarget(name: "SoporteKitTests", dependencies: ["SoporteKit", "SoporteJSON"]),
        .testTarget(name: "SandboxKitTests", dependencies: ["SandboxKit", "SoporteJSON"]),
    ],
    swiftLanguageModes: [.v5]
)
