// swift-tools-version: 6.0
import PackageDescription

/// One set of settings for every target (given to each at the end of this file): Swift 6
/// language mode everywhere, and the upcoming features that make ownership and
/// existentials explicit.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The products the targets below use, by name, so each target's list says what it
/// imports and nothing else.
extension Target.Dependency {
    static let nioCore: Self = .product(name: "NIOCore", package: "swift-nio")
    static let nioPosix: Self = .product(name: "NIOPosix", package: "swift-nio")
    static let nioEmbedded: Self = .product(name: "NIOEmbedded", package: "swift-nio")
    static let nioConcurrencyHelpers: Self = .product(name: "NIOConcurrencyHelpers", package: "swift-nio")
    static let logging: Self = .product(name: "Logging", package: "swift-log")
    static let serviceLifecycle: Self = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
    static let unixSignals: Self = .product(name: "UnixSignals", package: "swift-service-lifecycle")
    static let argumentParser: Self = .product(name: "ArgumentParser", package: "swift-argument-parser")
    static let tomlKit: Self = .product(name: "TOMLKit", package: "TOMLKit")
    static let histogram: Self = .product(name: "Histogram", package: "hdrhistogram-swift")
    static let grdb: Self = .product(name: "GRDB", package: "GRDB.swift")
    static let nioHTTP1: Self = .product(name: "NIOHTTP1", package: "swift-nio")
    static let coreMetrics: Self = .product(name: "CoreMetrics", package: "swift-metrics")
    static let prometheus: Self = .product(name: "Prometheus", package: "swift-prometheus")
}

/// SwiftNIO as the targets that run their own event loops use it.
let nio: [Target.Dependency] = [.nioCore, .nioPosix, .nioConcurrencyHelpers]

let package = Package(
    name: "SecureChat",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "securechat-server", targets: ["securechat-server"]),
        .executable(name: "securechat", targets: ["securechat"]),
        .executable(name: "securechat-bench", targets: ["securechat-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // The only place OpenSSL headers appear.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .yum(["openssl-devel"]), .brew(["openssl@3"])]
        ),
        // The shape every module's error shares; depends on nothing.
        .target(name: "CodedError"),
        .target(name: "TLS", dependencies: ["COpenSSL", "CodedError", .nioCore, .logging]),
        // The IRCv3 server-time format, for the IRC module and the history store; depends on nothing.
        .target(name: "ServerTime"),
        .target(name: "IRC", dependencies: ["CodedError", "ServerTime", .nioCore]),
        // The durable event log: Foundation and SQLite only, so it never runs on the loop.
        .target(
            name: "HistoryStore",
            dependencies: ["CodedError", "ServerTime", .grdb, .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        // A TOML document parsed with its syntax error said as path:line, for both configurations.
        .target(name: "TOMLSyntax", dependencies: [.tomlKit]),
        // The Prometheus exposition and the plain-HTTP /metrics, /livez and /readyz endpoints;
        // it knows nothing of chat: the server hands it numbers.
        .target(name: "ServerMetrics", dependencies: [.coreMetrics, .prometheus, .nioHTTP1] + nio),
        // The offensive-text filter: normalisation and matching, Foundation and TOML only.
        .target(name: "Moderation", dependencies: ["CodedError", "TOMLSyntax", .tomlKit]),
        .target(
            name: "ChatServer",
            dependencies: [
                "CodedError", "TLS", "IRC", "HistoryStore", "TOMLSyntax", "ServerMetrics", "Moderation", "ServerTime",
                .logging, .serviceLifecycle, .tomlKit, .coreMetrics,
            ] + nio
        ),
        .target(name: "ChatClient", dependencies: ["CodedError", "TLS", "IRC", "TOMLSyntax", .logging, .tomlKit] + nio),
        .executableTarget(
            name: "securechat",
            dependencies: ["ChatClient", "TLS", "IRC", .nioCore, .nioPosix, .argumentParser]
        ),
        .executableTarget(
            name: "securechat-server",
            dependencies: [
                "TLS", "ChatServer", "HistoryStore", "IRC", "ServerTime", "ServerMetrics", "Moderation",
                .serviceLifecycle, .unixSignals, .nioCore, .nioPosix, .argumentParser, .logging,
            ]
        ),
        .executableTarget(
            name: "securechat-bench",
            dependencies: ["ChatClient", "TLS", "IRC", "HistoryStore", "Moderation", .argumentParser, .histogram] + nio
        ),
        .target(
            name: "TestSupport",
            dependencies: ["TLS", "ChatServer", "HistoryStore", .nioEmbedded, .logging, .serviceLifecycle] + nio,
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "TLSTests",
            dependencies: ["TLS", "TestSupport", .nioCore, .nioPosix, .nioEmbedded]
        ),
        .testTarget(name: "IRCTests", dependencies: ["IRC", "TestSupport", .nioCore, .nioEmbedded]),
        .testTarget(
            name: "ChatServerTests",
            dependencies: [
                "ChatServer", "IRC", "TLS", "TestSupport", "HistoryStore", "ServerMetrics", "Moderation", .grdb, .nioEmbedded,
            ] + nio
        ),
        .testTarget(
            name: "ChatClientTests",
            dependencies: ["ChatClient", "IRC", "TLS", "TestSupport", "ChatServer", .nioConcurrencyHelpers]
        ),
        .testTarget(name: "ModerationTests", dependencies: ["Moderation"]),
        .testTarget(name: "HistoryStoreTests", dependencies: ["HistoryStore", "ServerTime", .grdb]),
        .testTarget(name: "ScriptTests", dependencies: ["TestSupport"]),
    ]
)

// Every target but the system library gets the one set of settings.
for target in package.targets where target.type != .system {
    target.swiftSettings = swiftSettings
}
