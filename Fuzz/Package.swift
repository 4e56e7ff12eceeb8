// swift-tools-version: 6.1
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its folder, which is whatever the clone is called.
let mainPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent.lowercased()

// Coverage-guided fuzzing of every parser that reads what the world sends (libFuzzer).
// Built only by scripts/fuzz, with the fuzzer and address sanitizers:
//   swift build --package-path Fuzz -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
let package = Package(
    name: "WageWatchFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "wagewatch-fuzz",
            dependencies: [.product(name: "WageWatchKit", package: mainPackage)],
            path: "Fuzzers"
        )
    ]
)
