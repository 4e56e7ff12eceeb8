import Foundation
import GRDB
import Parallel

extension AppDatabase {
    /// Copies the store as it stood at one moment into a new SQLite file at `path`, with
    /// SQLite's online backup: safe while `serve` and `watch` read and write the store.
    ///
    /// The copy is written to `path.partial` and renamed to `path` once complete, so that
    /// no half-written backup is ever found at `path`. A file already at `path` is refused,
    /// not overwritten; a left-over `.partial` of an earlier failed backup is replaced.
    public func backup(to path: String) async throws {
        // SQLite's backup copies page by page on the calling thread: a Dispatch thread.
        try await Parallel.run { [self] in try copy(to: path) }
    }

    private func copy(to path: String) throws {
        let destination = URL(fileURLWithPath: path).standardizedFileURL
        guard !FileManager.default.fileExists(atPath: destination.path) else { throw StoreError.backupExists(path) }
        try Self.writeCopy(of: writer, to: destination.path, named: path)
    }

    /// Writes `writer`'s store as one self-contained file at `destination` (SQLite's online
    /// backup, written beside it first and moved in place whole); a failure leaves nothing
    /// there and is said with `named` and the reason.
    static func writeCopy(of writer: any DatabaseWriter, to destination: String, named: String, note: String = "") throws {
        let partial = destination + ".partial"
        func removePartial() {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: partial + suffix) }
        }
        removePartial()
        do {
            let copy = try DatabaseQueue(path: partial)
            try writer.backup(to: copy)
            // One file to carry away: the copy's log folded into it.
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
            try FileManager.default.moveItem(atPath: partial, toPath: destination)
        } catch {
            removePartial()
            // The store was only read: what failed is the writing of the copy, said with its file.
            let reason = (error as? DatabaseError).map { $0.message ?? "\($0.resultCode)" } ?? error.localizedDescription
            throw StoreError.backupFailed(path: named, reason: reason + note)
        }
    }
}
