// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "wagewatch",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "wagewatch", targets: ["wagewatch"]),
        // The libraries, for the benchmark package (Benchmarks/).
        .library(
            name: "WageWatchKit",
            targets: ["Model", "Parallel", "RulesFile", "Ingest", "Scoring", "Register", "Store", "Monitor", "ChineseConversion"]),
        // A loopback HTTP server for fetcher tests and benchmarks; not part of the executable.
        .library(name: "LoopbackHTTP", targets: ["LoopbackHTTP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        // serve and watch as services of one group: SIGTERM and SIGINT stop them gracefully
        // (already built for Hummingbird).
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        // bcrypt for account passwords (its HummingbirdBcrypt product is a C library and one file).
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", exact: "2.5.0"),
        // The web UI: HTTP server and router (without swift-configuration), and HTML templates
        // that escape by default.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        // NIOEmbedded's test channel, for in-process router tests (HummingbirdTesting would build
        // AsyncHTTPClient and BoringSSL for nothing).
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
        // HTTP parts as the server's channel handlers see them (already built for Hummingbird).
        .package(url: "https://github.com/apple/swift-nio-extras", exact: "1.35.2"),
        // PostgreSQL, for a store several workers and web nodes share (the file store stays the default).
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        // TLS to PostgreSQL (sslmode), already built for PostgresNIO.
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
        // multipart/form-data bodies: the files a 督办 reply carries.
        .package(url: "https://github.com/vapor/multipart-kit", exact: "4.7.1"),
        // The ZIP container of XLSX workbooks (the 调度表) and the check of uploaded XLSX files.
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        // libcurl as a system library; shim.h wraps the variadic setopt/getinfo calls.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // OpenSSL's libcrypto as a system library, for SHA-256 of session ids (libcurl's
        // OpenSSL flavour already brings the library itself).
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // libxml2 as a system library (Foundation's XMLParser already loads it): HTML's named
        // character references.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // uchardet as a system library: the charset of a feed that does not declare it.
        .systemLibrary(
            name: "CUchardet",
            pkgConfig: "uchardet",
            providers: [.apt(["libuchardet-dev"])]
        ),
        // OpenCC (traditional -> simplified Chinese) as a system library.
        .systemLibrary(
            name: "COpenCC",
            pkgConfig: "opencc",
            providers: [.apt(["libopencc-dev"])]
        ),
        .target(name: "Model"),
        // The one audited primitive for work on every core and waits across threads.
        .target(name: "Parallel"),
        // The rules files' YAML reader, shared by scoring and the register.
        .target(name: "RulesFile", dependencies: [.product(name: "Yams", package: "Yams")]),
        // A cache prefetch hint (C), for the scorer's hot loop.
        .target(name: "CPrefetch"),
        // Memory freed by a large job handed back to the system (glibc's malloc_trim).
        .target(name: "CMemory"),
        .target(name: "ChineseConversion", dependencies: ["COpenCC"]),
        .target(
            name: "Ingest",
            dependencies: [
                "Model", "Parallel", "CCurl", "CUchardet", "CLibXML2",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "Scoring",
            dependencies: ["Model", "Parallel", "RulesFile", "Register", "CPrefetch", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "Register",
            dependencies: [
                "Model", "Parallel", "RulesFile", .product(name: "Yams", package: "Yams"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .target(
            name: "Store",
            dependencies: [
                "Model", "Parallel", "CLibCrypto", .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's own API, for the register's bulk reads (ColumnReader).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Monitor",
            dependencies: [
                "Model", "Parallel", "Ingest", "Scoring", "Register", "Store", "ChineseConversion", "CMemory", "Alerts", "RulesFile",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Alerts: the alerts file, each channel's message (企业微信, 钉钉, webhook), sending
        // through libcurl, and the outbox's dispatcher.
        .target(
            name: "Alerts",
            dependencies: [
                "Model", "Parallel", "RulesFile", "Store", "CCurl", "CLibCrypto", .product(name: "Yams", package: "Yams"),
            ]),
        // The web UI: server, sessions, pages and their JSON twins.
        .target(
            name: "Web",
            dependencies: [
                "Model", "Parallel", "Ingest", "Register", "Store", "Monitor", "Scoring",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Templates"), .copy("Assets")]
        ),
        .executableTarget(
            name: "wagewatch",
            dependencies: [
                "Model", "Ingest", "Scoring", "Register", "RulesFile", "Store", "Monitor", "Web", "ChineseConversion", "Alerts",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "LoopbackHTTP"),
        // The store a test works on, SQLite or PostgreSQL (tests only).
        .target(name: "TestStores", dependencies: ["Store", "Model"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Model", "LoopbackHTTP"], exclude: ["Fixtures"]),
        .testTarget(
            name: "ScoringTests", dependencies: ["Scoring", "Model", "ChineseConversion", "Ingest", "RulesFile"], exclude: ["Fixtures"]),
        .testTarget(name: "RegisterTests", dependencies: ["Register", "Model"]),
        .testTarget(name: "ParallelTests", dependencies: ["Parallel"]),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "Store", "Model", "TestStores", .product(name: "GRDB", package: "GRDB.swift"),
                // COPY's rows as they are sent (PostgresSyntaxTests).
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .testTarget(
            name: "WebTests",
            dependencies: [
                "Web", "Model", "Store", "Monitor", "Register", "RulesFile", "Scoring", "TestStores",
                // Another connection to the store, holding its write lock (StoreBoundaryTests).
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "MonitorTests",
            dependencies: ["Monitor", "Register", "Store", "Model", "LoopbackHTTP", "TestStores", "Alerts", "RulesFile", "Scoring"],
            exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)

// The compiler keeps two rules of style in every Swift target: an existential type is
// spelled `any P`, and a file uses only what the modules it imports itself declare.
for target in package.targets where target.type != .system && !["CPrefetch", "CMemory"].contains(target.name) {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("MemberImportVisibility"),
        ]
}
