import Foundation
import GRDB
import Testing

@testable import Store

/// An upgrade copies a store that holds data before its first migration changes it: the
/// copy beside it is the store as the older version left it, openable by that version.
@Suite struct UpgradeBackupTests {
    @Test func aStoreIsCopiedBeforeItsUpgradeAndANewStoreIsNot() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wagewatch-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A new store: made, no copy.
        let fresh = folder.appendingPathComponent("fresh.sqlite").path
        try AppDatabase.open(path: fresh).close()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".before-") }.isEmpty)

        // A store an older version left, up to the alerts' outbox, with an account in it.
        let path = folder.appendingPathComponent("old.sqlite").path
        let older = try DatabasePool(path: path)
        try AppDatabase.migrator.migrate(older, upTo: AppDatabase.alertMigration.identifier)
        try await older.write { db in
            try db.execute(
                sql: "INSERT INTO account (name, role, password_hash, created_at) VALUES ('李四', 'petition', 'h', '2024-12-01 00:00:00.000')"
            )
        }
        try older.close()
        let upgraded = try AppDatabase.open(path: path)
        try upgraded.close()
        let copies = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasPrefix("old.sqlite.before-v23-") && !$0.hasSuffix(".partial")
        }
        #expect(copies.count == 1, "\(copies)")
        // The copy is the store before the upgrade: its account, and not the newer migration.
        let copy = try DatabaseQueue(path: folder.appendingPathComponent(try #require(copies.first)).path)
        let (accounts, applied) = try await copy.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM account") ?? 0, try AppDatabase.migrator.appliedIdentifiers(db))
        }
        #expect(accounts == 1 && applied.contains(AppDatabase.alertMigration.identifier))
        #expect(!applied.contains(AppDatabase.alertStoryMigration.identifier))
        // Opened again, up to date: no second copy.
        try AppDatabase.open(path: path).close()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".before-") }.count == 1)
    }
}
