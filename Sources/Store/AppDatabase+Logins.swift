import Foundation

/// What `beginLogin` allows.
public enum LoginAttempt: Sendable, Equatable {
    /// The attempt is counted under this id; its password may be checked.
    case begun(String)
    /// Too many failures: seconds to wait.
    case wait(Int)
}

extension AppDatabase {
    /// Counts a login attempt under each of `keys` (an account name, an address), unless
    /// one of them already has its limit of attempts within `window` before `now`: then the
    /// seconds until the oldest of those ages out.
    ///
    /// The count lives in the store, so every web node of one store throttles alike, and
    /// attempts sent at once to several nodes are counted one after another (one write
    /// transaction each). An attempt counts from before its password is checked; a success
    /// takes it back (`loginSucceeded`). Attempts older than the window are removed on the way.
    ///
    /// The keys are kept as SHA-256 digests: a name typed at the login form is often a
    /// password typed into the wrong field.
    public func beginLogin(_ keys: [(key: String, limit: Int)], window: TimeInterval, now: Date) async throws -> LoginAttempt {
        let attempt = UUID().uuidString
        let keys = keys.map { (key: SessionDigest.hex(of: $0.key), limit: $0.limit) }
        return try await write { session in
            let cutoff = now.addingTimeInterval(-window)
            try session.execute("DELETE FROM login_attempt WHERE at <= ?", [cutoff.sqlValue])
            var waits: [TimeInterval] = []
            for (key, limit) in keys {
                let recent = try session.rows("SELECT at FROM login_attempt WHERE key = ? ORDER BY at", [key.sqlValue]) {
                    try $0.first(as: Date.self)
                }
                guard recent.count >= limit, limit > 0 else { continue }
                waits.append(recent[recent.count - limit].addingTimeInterval(window).timeIntervalSince(now))
            }
            if let wait = waits.max() { return .wait(max(1, Int(wait.rounded(.up)))) }
            for (key, _) in keys {
                try session.execute(
                    "INSERT INTO login_attempt (attempt, key, at) VALUES (?, ?, ?)",
                    [attempt.sqlValue, key.sqlValue, now.sqlValue])
            }
            return .begun(attempt)
        }
    }

    /// The attempt `attempt` succeeded: it no longer counts, nor do the earlier failures
    /// under `clearing` (the account's name).
    public func loginSucceeded(_ attempt: String, clearing key: String) async throws {
        let digest = SessionDigest.hex(of: key)
        try await write { session in
            try session.execute("DELETE FROM login_attempt WHERE attempt = ? OR key = ?", [attempt.sqlValue, digest.sqlValue])
        }
    }

    /// Removes the attempts made before `before` (the throttle's window has passed them).
    public func forgetLoginAttempts(before: Date) async throws {
        try await write { session in try session.execute("DELETE FROM login_attempt WHERE at <= ?", [before.sqlValue]) }
    }
}

/// A change another process (or this one) committed, as a PostgreSQL store announces it.
public enum StoreNotice: Sendable, Equatable {
    /// What the register and the pages read changed.
    case changed
    /// A review claim was taken or released.
    case claimed
    /// An item was decided.
    case decided(itemID: String)
}

extension AppDatabase {
    /// Whether the store announces its changes (`followNotices`): a PostgreSQL store does;
    /// on SQLite, a process sees others' commits in `dataVersion`.
    public var announcesChanges: Bool {
        if case .postgres = backend { return true }
        return false
    }

    /// Calls `notice` with each change committed to the store, by any process, until the
    /// task is cancelled. After each (re)connection `notice` hears `.changed` and `.claimed`
    /// once, as notices sent while nobody listened are lost. A lost connection is reported
    /// to `failed` and made again, after a second, then after twice as long each time it
    /// fails again, up to half a minute.
    /// Returns at once on SQLite.
    public func followNotices(
        failed: @escaping @Sendable (String) -> Void, _ notice: @escaping @Sendable (StoreNotice) -> Void
    )
        async
    {
        guard case .postgres(let pool) = backend else { return }
        var pause = Duration.seconds(1)
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                let schema = try await read { session in try session.value("SELECT current_schema()", as: String.self) ?? "public" }
                let prefix = schema + " "
                try await pool.listen(
                    "wagewatch",
                    listening: {
                        notice(.changed)
                        notice(.claimed)
                    },
                    each: { payload in
                        guard payload.hasPrefix(prefix) else { return }
                        let rest = payload.dropFirst(prefix.count)
                        if rest == "changed" {
                            notice(.changed)
                        } else if rest == "claimed" {
                            notice(.claimed)
                        } else if rest.hasPrefix("decided ") {
                            notice(.decided(itemID: String(rest.dropFirst("decided ".count))))
                        }
                    })
                // Returned without being cancelled: the server ended the listening.
                if !Task.isCancelled { throw StoreError.postgres("the server closed the connection that listened for changes") }
            } catch {
                guard !Task.isCancelled else { return }
                // A connection that served a while was lost, not refused: try again soon.
                if ContinuousClock.now - started > .seconds(60) { pause = .seconds(1) }
                failed("\(error)")
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(30))
            }
        }
    }
}
