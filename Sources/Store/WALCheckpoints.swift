import GRDB
import GRDBSQLite
import Synchronization

/// Checkpoints of a SQLite store's write-ahead log, taken after a commit instead of in it.
///
/// SQLite's own automatic checkpoint runs inside the commit that lets the log pass 1,000
/// pages: the writer that stored a month's platform export or a ledger waited for the
/// pages to be copied into the file and synced (a fifth of an import). Here the writer's
/// connection only counts the log's pages (SQLite's WAL hook); once they pass the same
/// mark, a passive checkpoint is queued on the writer, and the caller goes on, reading its
/// next file while the copy runs. A checkpoint passive or not loses nothing: the log
/// holds every commit until it is copied.
final class WALCheckpoints: Sendable {
    /// The log's size at which a checkpoint is queued, SQLite's default for its own.
    static let pages = 1_000

    private let logPages = Atomic<Int>(0)

    /// Counts the log of `db`, the writer's connection, in place of SQLite's automatic checkpoint.
    func watch(_ db: Database) {
        let hook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 = {
            context, _, _, pages in
            if let context {
                Unmanaged<WALCheckpoints>.fromOpaque(context).takeUnretainedValue().logPages.store(Int(pages), ordering: .relaxed)
            }
            return SQLITE_OK
        }
        // The store keeps this object as long as its connections.
        sqlite3_wal_hook(db.sqliteConnection, hook, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Queues a checkpoint on `writer` when the log has passed the mark since the last one.
    func afterCommit(on writer: any DatabaseWriter) {
        guard logPages.load(ordering: .relaxed) >= Self.pages else { return }
        logPages.store(0, ordering: .relaxed)
        writer.asyncWriteWithoutTransaction { db in _ = try? db.checkpoint(.passive) }
    }
}
