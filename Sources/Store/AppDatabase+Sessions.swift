import Foundation
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
        try await write { session in
            try session.execute("DELETE FROM session WHERE expires_at <= ? OR account = ?", [now.sqlValue, account.sqlValue])
            try session.execute(
                "INSERT INTO session (id, account, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                [
                    SessionDigest.hex(of: id).sqlValue, account.sqlValue, csrf.sqlValue, now.sqlValue,
                    now.addingTimeInterval(lifetime).sqlValue,
                ])
        }
    }

    /// The live session of `id`, nil when there is none or it ended.
    public func session(id: String, now: Date) async throws -> WebSession? {
        try await read { session in
            try session.row(
                """
                SELECT a.name, a.role, a.created_at, a.disabled_at, a.unit_kind, a.unit, s.csrf, s.expires_at
                FROM session s JOIN account a ON a.name = s.account
                WHERE s.id = ? AND s.expires_at > ? AND a.disabled_at IS NULL
                """, [SessionDigest.hex(of: id).sqlValue, now.sqlValue]
            ) { row in
                WebSession(account: try Self.account(row), csrf: try row("csrf"), expiresAt: try row("expires_at"))
            }
        }
    }

    /// Ends the session of `id` (logging out).
    public func deleteSession(id: String) async throws {
        try await write { session in try session.execute("DELETE FROM session WHERE id = ?", [SessionDigest.hex(of: id).sqlValue]) }
    }

    /// How many sessions the store keeps under exactly `stored` (for tests: ids are kept
    /// as digests only).
    public func sessionCount(storedAs stored: String) async throws -> Int {
        try await read { session in try session.value("SELECT count(*) FROM session WHERE id = ?", [stored.sqlValue]) ?? 0 }
    }

    /// Adds a line to the audit log.
    public func record(_ entry: AuditEntry) async throws {
        try await write { session in try Self.insert(entry, in: session) }
    }

    static func insert(_ entry: AuditEntry, in session: SQLSession) throws {
        try session.execute(
            "INSERT INTO audit (at, account, role, action, item_id, project_id, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                entry.at.sqlValue, entry.account.sqlValue, entry.role.sqlValue, entry.action.sqlValue, entry.itemID.sqlValue,
                entry.projectID.sqlValue, entry.reason.sqlValue,
            ])
    }

    /// Which lines of the audit log: by person, by actions (or all but some), by time.
    public struct AuditFilter: Sendable, Equatable {
        public var account: String?
        public var actions: [String]?
        public var excludedActions: [String] = []
        public var from: Date?
        public var until: Date?

        public init(
            account: String? = nil, actions: [String]? = nil, excludedActions: [String] = [], from: Date? = nil, until: Date? = nil
        ) {
            self.account = account
            self.actions = actions
            self.excludedActions = excludedActions
            self.from = from
            self.until = until
        }
    }

    /// The audit log, newest first: of one item, or all of it (`limit` nil for every line),
    /// the lines `filter` lets through.
    public func auditEntries(
        itemID: String? = nil, filter: AuditFilter = AuditFilter(), limit: Int? = nil, offset: Int = 0
    ) async throws -> [AuditEntry] {
        try await read { session in
            var conditions = ["1 = 1"]
            var arguments: [SQLValue] = []
            if let itemID {
                conditions.append("item_id = ?")
                arguments.append(itemID.sqlValue)
            }
            if let account = filter.account {
                conditions.append("account = ?")
                arguments.append(account.sqlValue)
            }
            if let actions = filter.actions {
                conditions.append(actions.isEmpty ? "1 = 0" : "action IN (\(actions.map { _ in "?" }.joined(separator: ", ")))")
                arguments += actions.map(\.sqlValue)
            }
            if !filter.excludedActions.isEmpty {
                conditions.append("action NOT IN (\(filter.excludedActions.map { _ in "?" }.joined(separator: ", ")))")
                arguments += filter.excludedActions.map(\.sqlValue)
            }
            if let from = filter.from {
                conditions.append("at >= ?")
                arguments.append(from.sqlValue)
            }
            if let until = filter.until {
                conditions.append("at < ?")
                arguments.append(until.sqlValue)
            }
            return try session.rows(
                """
                SELECT id, at, account, role, action, item_id, project_id, reason FROM audit
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY id DESC LIMIT ? OFFSET ?
                """, arguments + [Int64(limit ?? Int(Int64.max)).sqlValue, offset.sqlValue]
            ) { row in
                AuditEntry(
                    id: try row("id"), at: try row("at"), account: try row("account"), role: try row("role"),
                    action: try row("action"), itemID: try row("item_id"), projectID: try row("project_id"),
                    reason: try row("reason"))
            }
        }
    }
}
