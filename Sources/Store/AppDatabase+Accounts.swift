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
            try db.execute(sql: "INSERT INTO account (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [account.name, account.role.rawValue, passwordHash, account.createdAt])
        }
    }

    /// The account of `name` and its password hash, nil when there is none.
    public func account(named name: String) async throws -> (account: Account, passwordHash: String)? {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT name, role, password_hash, created_at FROM account WHERE name = ?",
                                             arguments: [name]) else { return nil }
            return (try Self.account(row), row["password_hash"])
        }
    }

    /// Every account, by name.
    public func accounts() async throws -> [Account] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT name, role, created_at FROM account ORDER BY name").map(Self.account)
        }
    }

    private static func account(_ row: Row) throws -> Account {
        let roleText: String = row["role"]
        guard let role = Role(rawValue: roleText) else { throw StoreError.corruptValue(column: "role", value: roleText) }
        return Account(name: row["name"], role: role, createdAt: row["created_at"])
    }
}
