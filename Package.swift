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
        .library(name: "SandboxKit", targets: ["SandboxKit"]),
    ],
    targets: [
        // libcurl's headers (from libcurl4-openssl-dev). No pkgConfig: its `-lcurl` would
        // make the loader map libcurl and ~30 libraries at every start (9-12 ms measured
        // against 3 ms); CCurlShim loads libcurl with dlopen on the first request instead.
        .systemLibrary(
            name: "CCurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // Loads libcurl on first use (dlopen) and wraps its variadic calls.
        .target(name: "CCurlShim", dependencies: ["CCurl"], linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "SoporteJSON"),
        // POSIX pieces both kits share: files, locks, threads, clocks, child processes.
        .target(name: "SoporteSystem"),
        .target(name: "SoporteKit", dependencies: ["SoporteJSON", "SoporteSystem"]),
        .target(name: "SoporteCurl", dependencies: ["CCurl", "CCurlShim", "SoporteKit", "SoporteSystem"]),
        // Swift 5 mode for this one file of top-level code: Swift 6 runs top-level code on
        // the main actor, which starts the concurrency runtime at every run (measured: 25
        // more page faults and 74,000 more instructions for `soporte --version`). A
        // `nonisolated static func main()` under @main did not avoid it.
        .executableTarget(name: "soporte", dependencies: ["SoporteKit", "SoporteCurl", "SoporteSystem"],
                          swiftSettings: [.swiftLanguageMode(.v5)]),
        .target(name: "SandboxKit", dependencies: ["SoporteJSON", "SoporteSystem"]),
        .executableTarget(name: "soporte-sandbox", dependencies: ["SandboxKit"]),
        .testTarget(name: "SoporteKitTests", dependencies: ["SoporteKit", "SoporteJSON", "SoporteSystem"]),
        .testTarget(name: "SandboxKitTests", dependencies: ["SandboxKit", "SoporteJSON"]),
        // The curl transport against the simulator served in the test process.
        .testTarget(name: "SoporteCurlTests", dependencies: ["SoporteCurl", "SandboxKit", "SoporteKit", "SoporteJSON", "SoporteSystem"]),
    ],
    swiftLanguageModes: [.v6]
)
