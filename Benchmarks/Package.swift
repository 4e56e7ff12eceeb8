// swift-tools-version: 6.1
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its folder, which is whatever the clone is called.
let mainPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent.lowercased()

// package-benchmark suites for wagewatch. Run with scripts/bench (which also
// makes the corpus and measures the peers in the same run), or directly:
//   WAGEWATCH_BENCH_CORPUS=/path/to/corpus swift package --package-path Benchmarks benchmark
let package = Package(
    name: "WageWatchBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The tolerances of every suite against the thresholds checked in under Thresholds/.
        .target(
            name: "BenchTolerance",
            dependencies: [.product(name: "Benchmark", package: "benchmark")],
            path: "BenchTolerance"
        ),
        // The corpus of tools/corpus.py, read once for both executables.
        .target(
            name: "BenchCorpus",
            dependencies: [.product(name: "WageWatchKit", package: mainPackage)],
            path: "BenchCorpus"
        ),
        .executableTarget(
            name: "ScoringBenchmarks",
            dependencies: [
                "BenchTolerance",
                "BenchCorpus",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "WageWatchKit", package: mainPackage),
            ],
            path: "ScoringBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "FeedBenchmarks",
            dependencies: [
                "BenchTolerance",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "WageWatchKit", package: mainPackage),
                .product(name: "LoopbackHTTP", package: mainPackage),
            ],
            path: "FeedBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RegisterBenchmarks",
            dependencies: [
                "BenchTolerance",
                "BenchCorpus",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "WageWatchKit", package: mainPackage),
            ],
            path: "RegisterBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Feed parsing as a plain executable, for perf and valgrind.
        .executableTarget(
            name: "FeedProfile",
            dependencies: [.product(name: "WageWatchKit", package: mainPackage)],
            path: "FeedProfile"
        ),
        // The register and ingest suites as a plain executable, for perf.
        .executableTarget(
            name: "StoreProfile",
            dependencies: ["BenchCorpus", .product(name: "WageWatchKit", package: mainPackage)],
            path: "StoreProfile"
        ),
        // The same work as a plain executable, for perf and valgrind.
        .executableTarget(
            name: "ScoringProfile",
            dependencies: ["BenchCorpus", .product(name: "WageWatchKit", package: mainPackage)],
            path: "ScoringProfile"
        ),
    ]
)
