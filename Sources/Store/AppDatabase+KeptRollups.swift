import Foundation
import GRDB
import Model
import Parallel

/// A city's roll-up of a day kept in its own store (`kept_rollup`, migration v25), for the
/// province: made by the city's own processes when they make the day's register, read by
/// the province's only while the store has not changed since (`changeCount`).
///
/// Both engines count the changes of the tables a roll-up is made from (`rollup_change`):
/// on SQLite a row that every write transaction that touched one of them adds one to, in
/// that transaction; on PostgreSQL a sequence that a trigger per statement moves. Feed
/// states are not among them: the one thing a roll-up says of them, the sources fallen
/// silent, depends on the hour and is counted afresh whenever a roll-up is read.
extension AppDatabase {
    static let keptRollupMigration = (
        identifier: "v25: roll-ups kept for the province, and a count of the changes they are made from",
        sqlite: keptRollupTable + """
            ;
            CREATE TABLE rollup_change (n integer NOT NULL);
            INSERT INTO rollup_change (n) VALUES (0);
            """,
        postgres: keptRollupTable + """
            ;
            CREATE SEQUENCE rollup_change;
            CREATE FUNCTION rollup_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM nextval('rollup_change');
                RETURN NULL;
            END $$;

            """
            // The tables as v25 shipped them, written out: a table counted later gets its
            // trigger in its own migration (the test of the triggers compares with the set).
            + [
                "assessment", "import_rejection", "item", "platform_row", "project", "report", "review", "supervision_case",
            ].map {
                "CREATE TRIGGER \($0)_rollup_change AFTER INSERT OR UPDATE OR DELETE ON \($0)"
                    + " FOR EACH STATEMENT EXECUTE FUNCTION rollup_changed();\n"
            }.joined()
    )

    private static let keptRollupTable = """
        CREATE TABLE kept_rollup (
            as_of text PRIMARY KEY, stamp text NOT NULL, data_version bigint NOT NULL, made_at text NOT NULL, body text NOT NULL)
        """

    /// The tables a roll-up is made from: what the register and the 日报 read, but the
    /// feed states. A table added here needs its `rollup_changed` trigger on PostgreSQL,
    /// in a migration of its own.
    static let changeCountedTables: Set<String> = [
        "project", "report", "import_rejection", "item", "assessment", "review", "platform_row", "supervision_case",
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
    ///
    /// `waitingAtMost` 0: the lock is only tried (a node making its register never waits).
    public func changeCount(settled: Bool = false, waitingAtMost seconds: Int = 5) async throws -> Int? {
        switch backend {
        case .sqlite:
            return try await read { session in try session.value("SELECT n FROM rollup_change", as: Int.self) ?? 0 }
        case .postgres(let pool):
            let sql = "SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM rollup_change"
            return try await Parallel.run {
                guard settled else { return try pool.withoutTransaction { session in try session.value(sql, as: Int.self) ?? 0 } }
                return try pool.whileNoneWrites(waitingAtMost: seconds) { session in try session.value(sql, as: Int.self) ?? 0 }
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

    /// Keeps `rollup` in place of the one of its day (not of one made at a later count
    /// under the same stamp), and lets go of those more than a week older than it. Neither
    /// moves the change count. On PostgreSQL without the store's write lock: no import
    /// holds up a node's register for it.
    public func keepRollup(_ rollup: KeptRollup) async throws {
        let keep: @Sendable (SQLSession) throws -> Void = { session in
            try session.execute(
                """
                INSERT INTO kept_rollup (as_of, stamp, data_version, made_at, body) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (as_of) DO UPDATE SET stamp = excluded.stamp, data_version = excluded.data_version,
                    made_at = excluded.made_at, body = excluded.body
                WHERE kept_rollup.stamp <> excluded.stamp OR kept_rollup.data_version <= excluded.data_version
                """,
                [
                    rollup.asOf.description.sqlValue, rollup.stamp.sqlValue, rollup.dataVersion.sqlValue,
                    rollup.madeAt.sqlValue, rollup.body.sqlValue,
                ])
            try session.execute(
                "DELETE FROM kept_rollup WHERE as_of < ?",
                [rollup.asOf.adding(days: -Self.keptRollupDays).description.sqlValue])
        }
        switch backend {
        case .sqlite: try await write(keep)
        case .postgres(let pool):
            try await Parallel.run {
                try pool.transaction { session in
                    try session.execute("SET LOCAL lock_timeout = '5s'")
                    try keep(session)
                }
            }
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
