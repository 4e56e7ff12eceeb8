import ArgumentParser
import Foundation
import Logging
import Model
import Monitor
import Store
import Synchronization

/// Options every command shares: where the store, feeds and rules live, and how much to log.
struct GlobalOptions: ParsableArguments {
    @Option(
        help: """
            The store: a SQLite file (an import creates it when missing; other commands need --create), or a PostgreSQL \
            address postgres://USER@HOST[:PORT]/DATABASE[?sslmode=...] (password from PGPASSWORD, ~/.pgpass or \
            WAGEWATCH_DATABASE_PASSWORD_FILE). WAGEWATCH_DATABASE sets it too.
            """)
    var database = ProcessInfo.processInfo.environment["WAGEWATCH_DATABASE"] ?? "wagewatch.sqlite"

    @Flag(
        help:
            "Create the store when the --database file is missing (imports always may): without it, a mistyped path is an error, not an empty store."
    )
    var create = false

    @Option(help: "The folder of feed definitions (*.yaml).")
    var feeds = "feeds"

    @Option(help: "The folder of lexicons and rules (*.yaml).")
    var rules = "rules"

    @Flag(name: .shortAndLong, help: "Log each step to standard error.")
    var verbose = false

    @Option(
        help:
            "How log lines are written: text, or json (one JSON object a line, for a log collector). WAGEWATCH_LOG_FORMAT sets it too."
    )
    var logFormat = LogFormat(rawValue: ProcessInfo.processInfo.environment["WAGEWATCH_LOG_FORMAT"] ?? "") ?? .text

    /// How a command uses the store.
    enum StoreUse {
        /// Reads and writes a store that exists (or `--create` makes).
        case existing
        /// Imports: the first one of a deployment makes the store.
        case creating
        /// Only reads: opened read-only; it must exist.
        case readOnly
        /// Needs none (the rules commands): an empty store in memory.
        case none
    }

    /// A monitor over the store, with logging set up once for the process. A command that
    /// reads the rules fails on a missing rules folder before the store is opened, so
    /// that no empty store is left behind; so does one given a store path that is not
    /// there, unless it may create it.
    func makeMonitor(requiringRules: Bool = true, store: StoreUse = .existing) throws -> Monitor {
        LoggingSystem.bootstrapOnce(level: verbose ? .info : .warning, format: logFormat)
        var isFolder: ObjCBool = false
        if requiringRules && !(FileManager.default.fileExists(atPath: rules, isDirectory: &isFolder) && isFolder.boolValue) {
            throw MissingFolder(path: rules, option: "--rules")
        }
        let database: AppDatabase =
            switch store {
            case .readOnly: try openReadOnly()
            case .none: try AppDatabase.inMemory()
            case .creating: try open(creating: true)
            case .existing: try openExisting()
            }
        return Monitor(
            database: database,
            feedsDirectory: URL(fileURLWithPath: feeds, isDirectory: true),
            rulesDirectory: URL(fileURLWithPath: rules, isDirectory: true))
    }
}

extension GlobalOptions {
    /// The store at `--database` to read and write: it must exist unless `--create` is given.
    func openExisting() throws -> AppDatabase {
        try open(creating: create)
    }

    /// The store at `--database`, to read only.
    func openReadOnly() throws -> AppDatabase {
        try Self.openReadOnly(database)
    }

    /// The store `database` names (a file or a PostgreSQL address), to read only; it must
    /// exist. A store of another version is refused, not upgraded.
    static func openReadOnly(_ database: String) throws -> AppDatabase {
        if PostgresLocation.isLocation(database) {
            return OpenedStores.keep(try AppDatabase.open(postgres: try PostgresLocation(database), readOnly: true))
        }
        return OpenedStores.keep(try AppDatabase.openReadOnly(path: database))
    }

    /// Whether `--database` names a PostgreSQL store.
    var isPostgres: Bool { PostgresLocation.isLocation(database) }

    private func open(creating: Bool) throws -> AppDatabase {
        try Self.open(database, creating: creating)
    }

    /// The store `database` names (a file or a PostgreSQL address), to read and write: it
    /// must exist unless `creating`.
    static func open(_ database: String, creating: Bool) throws -> AppDatabase {
        if PostgresLocation.isLocation(database) {
            let location = try PostgresLocation(database)
            do {
                return OpenedStores.keep(try AppDatabase.open(postgres: location, create: creating))
            } catch StoreError.noStore {
                throw CommandFailure(
                    message: "no store at \(location): import the registry first (wagewatch import registry FILE), "
                        + "or pass --create to make the tables in that database")
            }
        }
        guard creating || FileManager.default.fileExists(atPath: database) else {
            throw CommandFailure(
                message: "no store at \(database): name the store with --database, import the registry first "
                    + "(wagewatch import registry FILE), or pass --create to start an empty one")
        }
        return OpenedStores.keep(try AppDatabase.open(path: database))
    }
}

/// The stores this process opened, closed when the command ends (`WageWatch.main`): a
/// task that finished on another thread may still hold one for a moment, and a SQLite
/// store left open at exit leaves its `-wal` and `-shm` files behind.
enum OpenedStores {
    private static let stores = Mutex<[AppDatabase]>([])

    static func keep(_ store: AppDatabase) -> AppDatabase {
        stores.withLock { $0.append(store) }
        return store
    }

    static func closeAll() {
        let opened = stores.withLock { stores in
            defer { stores.removeAll() }
            return stores
        }
        // A store that cannot close now (a statement still running) closes when released.
        for store in opened { try? store.close() }
    }
}

/// A command that failed at its work (not at its arguments): said plainly, without the
/// usage text ArgumentParser prints for a `ValidationError`.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A folder a command needs is not there: said plainly, without the usage text.
struct MissingFolder: Error, CustomStringConvertible {
    var path: String
    var option: String
    var description: String { "the folder \(path) does not exist or is not a folder (\(option))" }
}

/// Options of the commands that evaluate the register.
struct RegisterOptions: ParsableArguments {
    @Option(help: "The day the register is evaluated for, YYYY-MM-DD, 1950 to 2100 (default: today, Asia/Shanghai).")
    var asOf: Day?

    @Option(
        parsing: .unconditional,
        help: "How many days the register looks back, the as-of day included (default: window_days of rules/register.yaml).")
    var window: Int?

    func validate() throws {
        if let window, !(1...366).contains(window) {
            throw ValidationError("--window must be between 1 and 366 days, got \(window)")
        }
    }
}

extension LoggingSystem {
    private static let once = NSLock()
    nonisolated(unsafe) private static var done = false

    /// Sends log lines to standard error at `level`, as text or JSON (by default as
    /// `WAGEWATCH_LOG_FORMAT` says); later calls do nothing.
    static func bootstrapOnce(level: Logger.Level, format: LogFormat = .fromEnvironment) {
        once.lock()
        defer { once.unlock() }
        guard !done else { return }
        done = true
        bootstrap { label in
            switch format {
            case .json:
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}

/// How log lines are written.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json

    static var fromEnvironment: LogFormat {
        LogFormat(rawValue: ProcessInfo.processInfo.environment["WAGEWATCH_LOG_FORMAT"] ?? "") ?? .text
    }
}
