import Foundation
import GRDB
import Model
import Parallel

/// The wagewatch store: one SQLite file reached through GRDB (the default), or a
/// PostgreSQL database reached through PostgresNIO.
///
/// A `Sendable` value over a database writer: a `DatabasePool` on a file for
/// the CLI and the web app, an in-memory queue in tests, or a pool of PostgreSQL
/// connections. Opening it applies any migration not yet applied.
public struct AppDatabase: Sendable {
    enum Backend: Sendable {
        case sqlite(any DatabaseWriter)
        case postgres(PostgresPool)
    }

    let backend: Backend
    /// The SQLite file's log checkpoints, taken after commits (nil in memory and on PostgreSQL).
    private var checkpoints: WALCheckpoints?
    /// On a SQLite store that may be written, whether a transaction changed what a
    /// roll-up is made from (`write` then moves `rollup_change`).
    private var changeWatch: RegisterChangeWatch?

    /// The engine the store lives on.
    public var engine: StoreEngine {
        switch backend {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// The SQLite writer, for what is written for SQLite alone; a PostgreSQL store says so.
    var writer: any DatabaseWriter {
        get throws {
            guard case .sqlite(let writer) = backend else {
                throw StoreError.postgres("this part of wagewatch does not run on PostgreSQL yet")
            }
            return writer
        }
    }

    /// Runs `body` with a read of one committed state: on GRDB's reader, or on a Dispatch
    /// thread with a PostgreSQL connection. The task waits suspended.
    func read<Value: Sendable>(_ body: @escaping @Sendable (SQLSession) throws -> Value) async throws -> Value {
        switch backend {
        case .sqlite(let writer): try await writer.read { db in try body(SQLSession(connection: .sqlite(db))) }
        case .postgres(let pool): try await Parallel.run { try pool.read(body) }
        }
    }

    /// Runs `body` in one write transaction, after every other writer's. `leased`: the
    /// writes of a worker to items of feeds it leased (`leaseFeeds`), which on PostgreSQL
    /// run alongside other workers' of the same kind (no two touch one row), and after
    /// every other writer's.
    @discardableResult
    func write<Value: Sendable>(
        leased: Bool = false, _ body: @escaping @Sendable (SQLSession) throws -> Value
    ) async throws -> Value {
        switch backend {
        case .sqlite(let writer):
            let watch = changeWatch
            let value = try await writer.write { db in
                let value = try body(SQLSession(connection: .sqlite(db)))
                if watch?.changedInTransaction == true { try db.execute(sql: "UPDATE rollup_change SET n = n + 1") }
                return value
            }
            checkpoints?.afterCommit(on: writer)
            return value
        case .postgres(let pool): return try await Parallel.run { try pool.write(shared: leased, body) }
        }
    }

    /// Wraps `writer` and migrates it to the current schema. A store that a newer
    /// wagewatch migrated (it names migrations this one does not know) is refused, not
    /// used half-understood.
    public init(_ writer: any DatabaseWriter) throws {
        self.backend = .sqlite(writer)
        let migrator = Self.migrator
        let (unknown, complete) = try writer.read { db in
            (try migrator.appliedIdentifiers(db).subtracting(migrator.migrations), try migrator.hasCompletedMigrations(db))
        }
        guard unknown.isEmpty else { throw StoreError.newerStore(unknown.sorted()) }
        guard !writer.configuration.readonly else {
            // A store opened to be read only is used as it is, or refused when it needs an upgrade.
            guard complete else { throw StoreError.olderStore }
            return
        }
        if !complete { try Self.backUpBeforeMigrating(writer, migrator: migrator) }
        try migrator.migrate(writer)
        // A migration may change what roll-ups are made from: none kept before it holds.
        if !complete { try writer.write { db in try db.execute(sql: "UPDATE rollup_change SET n = n + 1") } }
        let watch = RegisterChangeWatch()
        writer.add(transactionObserver: watch, extent: .databaseLifetime)
        changeWatch = watch
    }

    /// Before an upgrade changes a store that holds data, a copy of it as it was, beside it
    /// (`STORE.before-v23-20261206-181700`): the way back if the new version must be left.
    /// A new, empty store needs none.
    static func backUpBeforeMigrating(_ writer: any DatabaseWriter, migrator: DatabaseMigrator) throws {
        let path = writer.path
        guard !path.isEmpty, path != ":memory:", FileManager.default.fileExists(atPath: path) else { return }
        let applied = try writer.read { db in try migrator.appliedIdentifiers(db) }
        guard !applied.isEmpty else { return }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let next = migrator.migrations.first { !applied.contains($0) }.map { String($0.prefix { $0 != ":" }) } ?? "upgrade"
        let destination = "\(path).before-\(next)-\(formatter.string(from: Date()))"
        guard !FileManager.default.fileExists(atPath: destination) else { return }
        try writeCopy(of: writer, to: destination, named: destination, note: "（升级前的备份未能写成，数据库未改动）")
    }

    /// Opens the SQLite file at `path` to read only: for the commands that only read
    /// (`register`, `daily`, `scorecard`, `explain`, `reports rejected`), so that they work
    /// on a store they may not write (a copy, a backup, another user's file) and never
    /// change it. A missing file is an error, not an empty store.
    public static func openReadOnly(path: String) throws -> AppDatabase {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
            throw StoreError.noStore(path)
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        // A pool, as `open` makes: the register reads its halves on concurrent readers.
        do {
            return try AppDatabase(try DatabasePool(path: path, configuration: configuration))
        } catch let error as DatabaseError where error.resultCode == .SQLITE_READONLY || error.resultCode == .SQLITE_CANTOPEN {
            // SQLite reads a store in WAL mode through its -shm file, which it cannot make in
            // a folder this user may not write: the file is then read as it stands (immutable).
            let uri =
                "file:" + (URL(fileURLWithPath: path).path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path)
                + "?immutable=1"
            return try AppDatabase(try DatabasePool(path: uri, configuration: configuration))
        }
    }

    /// Opens the PostgreSQL store at `location`, making its tables in an empty database
    /// (only when `create`) and applying the migrations it lacks (or, `readOnly`, refusing
    /// one that lacks any).
    public static func open(
        postgres location: PostgresLocation, readOnly: Bool = false, create: Bool = true,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> AppDatabase {
        let pool = try PostgresPool(location: location, environment: environment)
        try PostgresSchema.migrate(pool, identifiers: migrator.migrations, readOnly: readOnly, create: create)
        return AppDatabase(backend: .postgres(pool))
    }

    /// The names of the migrations the store has had, in order.
    public func appliedMigrations() async throws -> [String] {
        let table = engine == .sqlite ? "grdb_migrations" : "wagewatch_migrations"
        let order = Self.migrator.migrations
        let applied = Set(
            try await read { session in try session.rows("SELECT identifier FROM \(table)") { try $0.first(as: String.self) } })
        return order.filter(applied.contains)
    }

    private init(backend: Backend) {
        self.backend = backend
    }

    /// Opens (creating if needed) the SQLite file at `path`.
    public static func open(path: String) throws -> AppDatabase {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let checkpoints = WALCheckpoints()
        configuration.prepareDatabase { db in
            // The writer keeps more pages cached than SQLite's 2 MB default: an ingest updates
            // the indexes of large tables. Readers keep the default: the register reads its
            // inputs once, in index order (a mapped file or a large cache only showed as
            // resident memory, 0.9 GB of it, not as speed).
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA cache_size = -65536")
                checkpoints.watch(db)
            }
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        var database = try AppDatabase(pool)
        database.checkpoints = checkpoints
        return database
    }

    /// Closes the store's connections; later uses fail. A SQLite store's `-wal` and `-shm`
    /// files go with its last connection, even while a finished task on another thread
    /// still holds a reference to the store (a process exiting then would leave them).
    public func close() throws {
        switch backend {
        case .sqlite(let writer):
            // The readers first (releaseMemory closes the idle ones): the last connection to
            // close, the writer, is the one that may remove the -wal and -shm files.
            (writer as? DatabasePool)?.releaseMemory()
            try writer.close()
        case .postgres(let pool): pool.closeIdle()
        }
    }

    /// A fresh database in memory, for tests.
    public static func inMemory() throws -> AppDatabase {
        try AppDatabase(DatabaseQueue())
    }

    /// A number that changes whenever another connection commits (SQLite's `data_version`),
    /// read on the writer's own connection, outside a transaction (another process's write
    /// lock does not hold it up).
    ///
    /// On PostgreSQL, a sequence that every change of the tables the register and the pages
    /// read moves (this process's changes too; not sessions, claims or the audit log).
    public func dataVersion() async throws -> Int {
        if case .postgres(let pool) = backend {
            return try await Parallel.run {
                try pool.withoutTransaction { session in
                    try session.value("SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM store_change", as: Int.self) ?? 0
                }
            }
        }
        return try await writer.writeWithoutTransaction(Self.dataVersion(in:))
    }

    private static func dataVersion(in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0
    }
}
