// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets. Build only with the fuzzer runtime:
//   swift build --package-path fuzz -Xswiftc -sanitize=fuzzer,address
// (see `make fuzz`); the main package never builds these.
let package = Package(
    name: "soporte-fuzz",
    dependencies: [.package(name: "soporte", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .target(name: "FuzzHarness", dependencies: [.product(name: "SoporteKit", package: "soporte")]),
        .executableTarget(name: "fuzz-json", dependencies: ["FuzzDriver", .product(name: "SoporteJSON", package: "soporte")]),
        .executableTarget(name: "fuzz-args", dependencies: ["FuzzDriver", "FuzzHarness", .product(name: "SoporteKit", package: "soporte")]),
        .executableTarget(name: "fuzz-answers", dependencies: ["FuzzDriver", "FuzzHarness", .product(name: "SoporteKit", package: "soporte"),
                                                             .product(name: "SoporteJSON", package: "soporte")]),
        .executableTarget(name: "fuzz-config", dependencies: ["FuzzDriver", .product(name: "SoporteKit", package: "soporte")]),
        .executableTarget(name: "fuzz-sandbox", dependencies: ["FuzzDriver", .product(name: "SandboxKit", package: "soporte")]),
    ],
    swiftLanguageModes: [.v6]
)
