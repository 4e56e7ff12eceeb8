import Foundation
import GRDB
import Model
import Parallel

/// A city's roll-up of a day kept in its own store (`kept_rollup`, migration v25), for the
/// province: made by the city's own processes when they make the day's register, read by
/// the province's only while the store has not changed since (`changeCount`).
///
/// A SQLite store counts its changes in `store_change`: every write transaction that
/// touched a table the register reads adds one, in that transaction. A PostgreSQL store
/// has the sequence its triggers move (v15).
extension AppDatabase {
    static let keptRollupMigration = (
        identifier: "v25: roll-ups kept for the province; on SQLite, a count of the changes the register reads",
        sqlite: keptRollupTable + """
            ;
            CREATE TABLE store_change (n integer NOT NULL);
            INSERT INTO store_change (n) VALUES (0);
            """,
        postgres: keptRollupTable
    )

    private static let keptRollupTable = """
        CREATE TABLE kept_rollup (
            as_of text PRIMARY KEY, stamp text NOT NULL, data_version bigint NOT NULL, made_at text NOT NULL, body text NOT NULL)
        """

    /// The tables whose changes move the count on SQLite: those whose statements move
    /// `store_change` on PostgreSQL (`readTables` of v15, and the later tables the
    /// register reads).
    static let changeCountedTables: Set<String> = [
        "project", "report", "import_rejection", "item", "assessment", "review", "feed_state", "platform_row",
        "supervision_case",
    ]

    /// Roll-ups are kept for this many days back from the newest.
    static let keptRollupDays = 7

    /// A roll-up as kept: the day it is of, the stamp of the rules and window it was made
    /// under, the store's change count it was made at, and its JSON.
    public struct KeptRollup: Sendable, Hashable {
        public var asOf: Day
        public var stamp: String
        public var dataVersion: Int
        public var madeAt: Date
        public var body: String

        public init(asOf: Day, stamp: String, dataVersion: Int, madeAt: Date, body: String) {
            self.asOf = asOf
            self.stamp = stamp
            self.dataVersion = dataVersion
            self.madeAt = madeAt
            self.body = body
        }
    }

    /// The store's count of committed changes to what the register reads: equal counts,
    /// an unchanged register (a transaction rolled back may move it on PostgreSQL: a
    /// roll-up is then made again, never kept too long).
    ///
    /// `settled`: read when no write is under way (on PostgreSQL, under the store's write
    /// lock, waited for at most `waitingAtMost`; nil if a writer held it longer), so that a
    /// register read after it holds at least what the count says. On PostgreSQL a statement
    /// moves the count before its transaction commits: read during a write, the count
    /// would already name rows a register could not yet see.
    public func changeCount(settled: Bool = false, waitingAtMost seconds: Int = 5) async throws -> Int? {
        switch backend {
        case .sqlite:
            return try await read { session in try session.value("SELECT n FROM store_change", as: Int.self) ?? 0 }
        case .postgres(let pool):
            let sql = "SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM store_change"
            guard settled else { return try await dataVersion() }
            return try await Parallel.run {
                try pool.whileNoneWrites(waitingAtMost: seconds) { session in try session.value(sql, as: Int.self) ?? 0 }
            }
        }
    }

    /// The roll-up kept for `day`, if any; `withBody` false: all but its JSON (left empty).
    public func keptRollup(asOf day: Day, withBody: Bool = true) async throws -> KeptRollup? {
        try await read { session in
            try session.row(
                "SELECT stamp, data_version, made_at\(withBody ? ", body" : "") FROM kept_rollup WHERE as_of = ?",
                [day.description.sqlValue]
            ) { row in
                KeptRollup(
                    asOf: day, stamp: try row("stamp", as: String.self), dataVersion: try row("data_version", as: Int.self),
                    madeAt: try row("made_at", as: Date.self), body: withBody ? try row("body", as: String.self) : "")
            }
        }
    }

    /// Keeps `rollup` in place of the one of its day, and lets go of those more than a
    /// week older than it. Neither moves the change count.
    public func keepRollup(_ rollup: KeptRollup) async throws {
        try await write { session in
            try session.execute(
                """
                INSERT INTO kept_rollup (as_of, stamp, data_version, made_at, body) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (as_of) DO UPDATE SET stamp = excluded.stamp, data_version = excluded.data_version,
                    made_at = excluded.made_at, body = excluded.body
                """,
                [
                    rollup.asOf.description.sqlValue, rollup.stamp.sqlValue, rollup.dataVersion.sqlValue,
                    rollup.madeAt.sqlValue, rollup.body.sqlValue,
                ])
            try session.execute(
                "DELETE FROM kept_rollup WHERE as_of < ?",
                [rollup.asOf.adding(days: -Self.keptRollupDays).description.sqlValue])
        }
    }
}

/// Tells a SQLite store's writer whether the transaction under way changed a table the
/// register reads (`AppDatabase.changeCountedTables`): told once per transaction (it then
/// stops listening until the next), so that a batch of thousands of rows costs one call.
/// Used on the writer's queue only.
final class RegisterChangeWatch: TransactionObserver, @unchecked Sendable {
    private var changed = false

    /// Whether the transaction under way changed a counted table.
    var changedInTransaction: Bool { changed }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        AppDatabase.changeCountedTables.contains(eventKind.tableName)
    }

    func databaseDidChange(with event: DatabaseEvent) {
        changed = true
        stopObservingDatabaseChangesUntilNextTransaction()
    }

    /// A change told by `Database.notifyChanges(in:)` (rows written outside GRDB).
    func databaseDidChange() {
        changed = true
        stopObservingDatabaseChangesUntilNextTransaction()
    }

    func databaseDidCommit(_ db: Database) { changed = false }

    func databaseDidRollback(_ db: Database) { changed = false }
}
