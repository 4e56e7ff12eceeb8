import Foundation
import GRDB
import Model

/// The wagewatch store: one SQLite database, reached through GRDB.
///
/// A `Sendable` value over a database writer: a `DatabasePool` on a file for
/// the CLI and the web app, an in-memory queue in tests. Opening it applies
/// any migration not yet applied.
public struct AppDatabase: Sendable {
    let writer: any DatabaseWriter

    /// Wraps `writer` and migrates it to the current schema.
    public init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    /// Opens (creating if needed) the SQLite file at `path`.
    public static func open(path: String) throws -> AppDatabase {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // Reads of the register walk large tables by index: map the file (no system call
            // per page) and keep more pages cached than SQLite's 2 MB default.
            try db.execute(sql: "PRAGMA mmap_size = 4294967296")
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        return try AppDatabase(pool)
    }

    /// A fresh database in memory, for tests.
    public static func inMemory() throws -> AppDatabase {
        try AppDatabase(DatabaseQueue())
    }
}
