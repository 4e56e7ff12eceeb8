import Foundation
import GRDB
import Model

extension AppDatabase {
    /// Adds an account; a name already taken is refused and the stored account kept.
    /// - Parameter passwordHash: the password's bcrypt hash (`Web.Passwords`), never the password.
    public func addAccount(_ account: Account, passwordHash: String) async throws {
        try await writer.write { db in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM account WHERE name = ?", arguments: [account.name]) == 0 else {
                throw StoreError.accountExists(account.name)
            }
            try db.execute(
                sql: "INSERT INTO account (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                arguments: [account.name, account.role.rawValue, passwordHash, account.createdAt])
        }
    }

    /// The account of `name` and its password hash, nil when there is none.
    public func account(named name: String) async throws -> (account: Account, passwordHash: String)? {
        try await writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT name, role, password_hash, created_at, disabled_at FROM account WHERE name = ?",
                    arguments: [name])
            else { return nil }
            return (try Self.account(row), row["password_hash"])
        }
    }

    /// Every account, by name.
    public func accounts() async throws -> [Account] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT name, role, created_at, disabled_at FROM account ORDER BY name").map(Self.account)
        }
    }

    private static func account(_ row: Row) throws -> Account {
        let roleText: String = row["role"]
        guard let role = Role(rawValue: roleText) else { throw StoreError.corruptValue(column: "role", value: roleText) }
        return Account(name: row["name"], role: role, createdAt: row["created_at"], disabledAt: row["disabled_at"])
    }

    /// What an administrator does to an account (`wagewatch user ...`).
    public enum AccountChange: Sendable {
        /// Stops it: it cannot sign in, and its sessions end.
        case disable
        /// Lets it sign in again.
        case enable
        /// A new password (its bcrypt hash); its sessions end.
        case password(hash: String)
        /// Removes it and its sessions; the audit log keeps its lines.
        case delete
    }

    /// Applies `change` to the account `name` and writes the audit line, in one transaction.
    /// An account that does not exist is `StoreError.noAccount`.
    public func change(account name: String, _ change: AccountChange, by actor: String, now: Date) async throws {
        try await writer.write { db in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM account WHERE name = ?", arguments: [name]) == 1 else {
                throw StoreError.noAccount(name)
            }
            // Every change but an enable ends the account's sessions.
            let (sql, arguments, action, endsSessions): (String, StatementArguments, String, Bool) =
                switch change {
                case .disable: ("UPDATE account SET disabled_at = ? WHERE name = ?", [now, name], "account_disabled", true)
                case .enable: ("UPDATE account SET disabled_at = NULL WHERE name = ?", [name], "account_enabled", false)
                case .password(let hash): ("UPDATE account SET password_hash = ? WHERE name = ?", [hash, name], "password_reset", true)
                case .delete: ("DELETE FROM account WHERE name = ?", [name], "account_deleted", true)
                }
            try db.execute(sql: sql, arguments: arguments)
            if endsSessions { try db.execute(sql: "DELETE FROM session WHERE account = ?", arguments: [name]) }
            try Self.insert(AuditEntry(at: now, account: actor, role: Role.admin.rawValue, action: action, reason: name), in: db)
        }
    }
}
