import ChineseConversion
import Foundation
import Ingest
import Logging
import Model
import Parallel
import Register
import Scoring
import Store

/// Moves data between the pure stages and the store: import, fetch, score, link, evaluate.
///
/// Used by the CLI and, later, the web app. Every job is safe to re-run: items
/// are keyed per feed, ledger rows per report id, and verdicts are redone only
/// when the rules or the registry changed.
public struct Monitor: Sendable {
    public var database: AppDatabase
    /// Folder of `*.yaml` feed definitions.
    public var feedsDirectory: URL
    /// Folder of `*.yaml` lexicons and rules.
    public var rulesDirectory: URL
    /// Source of `${ENV}` header values.
    public var environment: [String: String]
    public var fetcher: Fetcher
    public var logger: Logger

    public init(
        database: AppDatabase, feedsDirectory: URL, rulesDirectory: URL,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        fetcher: Fetcher = Fetcher(), logger: Logger = Logger(label: "wagewatch")
    ) {
        self.database = database
        self.feedsDirectory = feedsDirectory
        self.rulesDirectory = rulesDirectory
        self.environment = environment
        self.fetcher = fetcher
        self.logger = logger
    }

    /// Loads and checks every rules file of the rules folder, as one rulebook.
    public func loadRulebook() throws -> Rulebook {
        try Rulebook.parse(files: try rulesFiles())
    }

    /// Every rules file (`*.yaml`, `*.yml`, and the text model `text-model.tsv`) of the rules
    /// folder: its name and text, by name.
    func rulesFiles() throws -> [(name: String, text: String)] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: rulesDirectory.path)
                .filter(Rulebook.isRulesFile(named:)).sorted()
        } catch {
            throw MonitorError.unreadable(path: rulesDirectory.path, reason: "the rules folder cannot be listed")
        }
        return try names.map { name in
            (name: name, text: try readText(rulesDirectory.appendingPathComponent(name)))
        }
    }

    /// The scoring engine for the current rules and registry, with OpenCC's character table.
    public func makeEngine() async throws -> ScoringEngine {
        let projects = try await database.projects()
        // Building the engine's matchers takes a second for a city's registry.
        return try await Parallel.run { [self] in
            ScoringEngine(
                rulebook: try loadRulebook(), projects: projects,
                traditionalToSimplified: try TraditionalToSimplified.sharedTable())
        }
    }

    /// OpenCC's traditional-to-simplified table (the engine's own): a petitioner's name is
    /// masked in whatever form the text writes it (李於華 as 李于华).
    public static var nameVariants: [UInt32: UInt32] { (try? TraditionalToSimplified.sharedTable()) ?? [:] }

    /// How search folds a query and the texts it indexes (traditional to simplified, full
    /// width to half, as the scorer folds), one set-up for the CLI and the web UI.
    public static func searchFold() throws -> @Sendable (String) -> String {
        let normalizer = TextNormalizer(traditionalToSimplified: try TraditionalToSimplified.sharedTable())
        return { normalizer.normalize($0) }
    }

    /// The most a rules file or an office CSV may be: far past any real one.
    static let localFileLimit = 256 * 1024 * 1024

    func readText(_ url: URL) throws -> String {
        try TextDecoding.decode(try readData(url.path), source: url.lastPathComponent)
    }

    func readData(_ path: String) throws -> Data {
        do {
            return try LocalFile.read(path, limit: Self.localFileLimit)
        } catch {
            throw MonitorError.unreadable(path: error.path, reason: error.reason)
        }
    }
}

/// Errors of the monitor's own jobs.
public enum MonitorError: Error, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    /// The feeds folder holds no catalog with a feed: a watch over it would watch nothing.
    case noFeeds(folder: String)
    /// The alerts file is wrong (its file, line and field said).
    case badAlertsFile(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): \(reason)"
        case .badAlertsFile(let reason): reason
        case .noFeeds(let folder): "no feed is defined in \(folder) (no *.yaml catalog with feeds); nothing is watched"
        }
    }
}
