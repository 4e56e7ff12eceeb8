import Foundation
import GRDB
import Model

/// A signed-in browser: its account, and the token its forms must carry (CSRF).
public struct WebSession: Sendable, Hashable {
    public var account: Account
    public var csrf: String
    public var expiresAt: Date
}

extension AppDatabase {
    /// Starts a session of `account` under the random `id` (the cookie's value); the
    /// account's other sessions end (a login elsewhere, or a stolen cookie, stops working),
    /// and sessions past their end are removed on the way.
    public func createSession(id: String, account: String, csrf: String, now: Date, lifetime: TimeInterval) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM session WHERE expires_at <= ? OR account = ?", arguments: [now, account])
            try db.execute(
                sql: "INSERT INTO session (id, account, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [SessionDigest.hex(of: id), account, csrf, now, now.addingTimeInterval(lifetime)])
        }
    }

    /// The live session of `id`, nil when there is none or it ended.
    public func session(id: String, now: Date) async throws -> WebSession? {
        try await writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT a.name, a.role, a.created_at, s.csrf, s.expires_at
                        FROM session s JOIN account a ON a.name = s.account
                        WHERE s.id = ? AND s.expires_at > ? AND a.disabled_at IS NULL
                        """, arguments: [SessionDigest.hex(of: id), now])
            else { return nil }
            let roleText: String = row["role"]
            guard let role = Role(rawValue: roleText) else { throw StoreError.corruptValue(column: "role", value: roleText) }
            return WebSession(
                account: Account(name: row["name"], role: role, createdAt: row["created_at"]), csrf: row["csrf"],
                expiresAt: row["expires_at"])
        }
    }

    /// Ends the session of `id` (logging out).
    public func deleteSession(id: String) async throws {
        try await writer.write { db in try db.execute(sql: "DELETE FROM session WHERE id = ?", arguments: [SessionDigest.hex(of: id)]) }
    }

    /// How many sessions the store keeps under exactly `stored` (for tests: ids are kept
    /// as digests only).
    public func sessionCount(storedAs stored: String) async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM session WHERE id = ?", arguments: [stored]) ?? 0 }
    }

    /// Adds a line to the audit log.
    public func record(_ entry: AuditEntry) async throws {
        try await writer.write { db in try Self.insert(entry, in: db) }
    }

    static func insert(_ entry: AuditEntry, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO audit (at, account, role, action, item_id, project_id, reason) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [entry.at, entry.account, entry.role, entry.action, entry.itemID, entry.projectID, entry.reason])
    }

    /// The audit log, newest first: of one item, or all of it (`limit` nil for every line).
    public func auditEntries(itemID: String? = nil, limit: Int? = nil, offset: Int = 0) async throws -> [AuditEntry] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, at, account, role, action, item_id, project_id, reason FROM audit
                    WHERE ?1 IS NULL OR item_id = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3
                    """, arguments: [itemID, limit ?? -1, offset]
            ).map { row in
                AuditEntry(
                    id: row["id"], at: row["at"], account: row["account"], role: row["role"], action: row["action"],
                    itemID: row["item_id"], projectID: row["project_id"], reason: row["reason"])
            }
        }
    }
}
