import Foundation
import Model

extension AppDatabase {
    /// Adds an account; a name already taken is refused and the stored account kept.
    /// - Parameter passwordHash: the password's bcrypt hash (`Web.Passwords`), never the password.
    public func addAccount(_ account: Account, passwordHash: String) async throws {
        try await write { session in
            guard try session.value("SELECT count(*) FROM account WHERE name = ?", [account.name.sqlValue], as: Int.self) == 0 else {
                throw StoreError.accountExists(account.name)
            }
            try session.execute(
                "INSERT INTO account (name, role, password_hash, created_at, unit_kind, unit) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    account.name.sqlValue, account.role.rawValue.sqlValue, passwordHash.sqlValue, account.createdAt.sqlValue,
                    account.unit?.kind.rawValue.sqlValue ?? .null, account.unit?.name.sqlValue ?? .null,
                ])
        }
    }

    /// Accounts of a unit (`department` role) are read with it (migration v20).
    static let accountUnitMigration = (
        identifier: "v20: accounts of a responsible unit",
        sql: "ALTER TABLE account ADD COLUMN unit_kind text; ALTER TABLE account ADD COLUMN unit text"
    )

    /// The account of `name` and its password hash, nil when there is none.
    public func account(named name: String) async throws -> (account: Account, passwordHash: String)? {
        try await read { session in
            try session.row(
                "SELECT name, role, password_hash, created_at, disabled_at, unit_kind, unit FROM account WHERE name = ?", [name.sqlValue]
            ) {
                row in (try Self.account(row), try row("password_hash", as: String.self))
            }
        }
    }

    /// Every account, by name.
    public func accounts() async throws -> [Account] {
        try await read { session in
            try session.rows("SELECT name, role, created_at, disabled_at, unit_kind, unit FROM account ORDER BY name", [], Self.account)
        }
    }

    static func account(_ row: SQLRow) throws -> Account {
        let roleText: String = try row("role")
        guard let role = Role(rawValue: roleText) else { throw StoreError.corruptValue(column: "role", value: roleText) }
        var unit: SupervisionCase.Unit?
        if let kindText = try row("unit_kind", as: String?.self), let name = try row("unit", as: String?.self) {
            guard let kind = SupervisionCase.Unit.Kind(rawValue: kindText) else {
                throw StoreError.corruptValue(column: "unit_kind", value: kindText)
            }
            unit = SupervisionCase.Unit(kind: kind, name: name)
        }
        return Account(
            name: try row("name"), role: role, createdAt: try row("created_at"), disabledAt: try row("disabled_at"), unit: unit)
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
        /// Forgets its failed logins (the login throttle's count under `throttleKey`), so
        /// that it may sign in again at once.
        case unlock(throttleKey: String)
    }

    /// Applies `change` to the account `name` and writes the audit line, in one transaction.
    /// An account that does not exist is `StoreError.noAccount`.
    public func change(account name: String, _ change: AccountChange, by actor: String, now: Date) async throws {
        try await write { session in
            guard try session.value("SELECT count(*) FROM account WHERE name = ?", [name.sqlValue], as: Int.self) == 1 else {
                throw StoreError.noAccount(name)
            }
            // Every change but an enable ends the account's sessions.
            let (sql, arguments, action, endsSessions): (String, [SQLValue], String, Bool) =
                switch change {
                case .disable:
                    ("UPDATE account SET disabled_at = ? WHERE name = ?", [now.sqlValue, name.sqlValue], "account_disabled", true)
                case .enable: ("UPDATE account SET disabled_at = NULL WHERE name = ?", [name.sqlValue], "account_enabled", false)
                case .password(let hash):
                    ("UPDATE account SET password_hash = ? WHERE name = ?", [hash.sqlValue, name.sqlValue], "password_reset", true)
                case .delete: ("DELETE FROM account WHERE name = ?", [name.sqlValue], "account_deleted", true)
                case .unlock(let key):
                    ("DELETE FROM login_attempt WHERE key = ?", [SessionDigest.hex(of: key).sqlValue], "account_unlocked", false)
                }
            try session.execute(sql, arguments)
            if endsSessions { try session.execute("DELETE FROM session WHERE account = ?", [name.sqlValue]) }
            try Self.insert(AuditEntry(at: now, account: actor, role: Role.admin.rawValue, action: action, reason: name), in: session)
        }
    }
}
