import Foundation
import Logging
import NIOCore
import NIOPosix
import Parallel
import PostgresNIO
import Synchronization

/// The connections of one PostgreSQL store, kept open between uses.
///
/// Used from Dispatch threads only (`Parallel.run`): a call waits for PostgresNIO's event
/// loop to answer. Each read runs in one REPEATABLE READ transaction, each write in one
/// transaction that first takes the store's write lock (an advisory lock), so that writes
/// follow each other as they do on SQLite, whichever process makes them. Workers storing
/// what the feeds they leased brought take the lock shared: they write items of their own
/// at the same time, and every other writer waits for them, as they wait for it.
final class PostgresPool: Sendable {
    let location: PostgresLocation
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let idle = Mutex<[PostgresConnection]>([])
    private let nextID = Atomic<Int>(1)
    /// Idle connections kept; more are opened while all are busy and closed after.
    private static let kept = 8

    /// Connects once to check the address and the password.
    init(location: PostgresLocation, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.location = location
        configuration = try location.configuration(environment: environment)
        var logger = Logger(label: "wagewatch.postgres")
        logger.logLevel = .critical
        self.logger = logger
        try withConnection { _ in }
    }

    deinit {
        for connection in idle.withLock({ $0 }) { connection.close().whenComplete { _ in withExtendedLifetime(connection) {} } }
    }

    /// Closes the connections kept idle (the pool opens new ones if used again).
    func closeIdle() {
        let connections = idle.withLock { idle in
            defer { idle.removeAll() }
            return idle
        }
        for connection in connections { connection.close().whenComplete { _ in withExtendedLifetime(connection) {} } }
    }

    /// The first key of the store's write lock; the second is the hash of the store's
    /// schema: one lock for every writer of a store, none between the stores (cities) of
    /// one database.
    private static let writeLockClass: Int64 = 0x7761  // "wa"
    private static let writeLock = "?::int4, hashtext(current_schema())"

    /// Runs `body` in a read-only transaction that sees one committed state.
    func read<Value>(_ body: (SQLSession) throws -> Value) throws -> Value {
        try withConnection { connection in
            try transaction(on: connection, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", body)
        }
    }

    /// Runs `bodies` at once, each in a read-only transaction on a connection of its own,
    /// all seeing one committed state: the first transaction exports its snapshot and the
    /// others take it up before any body runs.
    func readTogether<Value: Sendable>(_ bodies: [@Sendable (SQLSession) throws -> Value]) throws -> [Value] {
        try withConnections(bodies.count) { connections in
            let logger = logger
            let sessions = connections.map { SQLSession(connection: .postgres($0, logger)) }
            var begun: [SQLSession] = []
            do {
                try sessions[0].execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                begun.append(sessions[0])
                guard let snapshot = try sessions[0].value("SELECT pg_export_snapshot()", as: String.self) else {
                    throw StoreError.postgres("no snapshot to share")
                }
                for session in sessions.dropFirst() {
                    try session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    begun.append(session)
                    // The id is PostgreSQL's own (hex digits and dashes), not anyone's input.
                    try session.execute("SET TRANSACTION SNAPSHOT '\(snapshot)'")
                }
                let results = Parallel.mapChunks(of: bodies.count, size: 1) { range in
                    Result { try bodies[range.lowerBound](SQLSession(connection: .postgres(connections[range.lowerBound], logger))) }
                }
                let values = try results.map { try $0.get() }
                for session in sessions { try session.execute("COMMIT") }
                return values
            } catch {
                for session in begun { _ = try? session.execute("ROLLBACK") }
                throw error
            }
        }
    }

    private func withConnections<Value>(_ count: Int, _ body: ([PostgresConnection]) throws -> Value) throws -> Value {
        guard count > 0 else { return try body([]) }
        return try withConnection { first in try withConnections(count - 1) { rest in try body([first] + rest) } }
    }

    /// Runs `body` in one transaction, after every other writer's; `shared`, alongside
    /// other shared writers (workers storing feeds each leased), after every other writer's.
    /// A shared writer that finds a row it adds stored meanwhile, or that PostgreSQL chose
    /// to end in a deadlock (two workers on one feed: a lease that ended during a long
    /// cycle), is rolled back and runs once more alone.
    func write<Value>(shared: Bool = false, _ body: (SQLSession) throws -> Value) throws -> Value {
        guard shared else { return try writeOnce(shared: false, body) }
        do {
            return try writeOnce(shared: true, body)
        } catch let error as StoreError where PostgresFailure.isWriteConflict(error) {
            return try writeOnce(shared: false, body)
        }
    }

    private func writeOnce<Value>(shared: Bool, _ body: (SQLSession) throws -> Value) throws -> Value {
        try withConnection { connection in
            try transaction(on: connection, begin: "BEGIN") { session in
                try session.execute(
                    "SELECT pg_advisory_xact_lock\(shared ? "_shared" : "")(\(Self.writeLock))", [.integer(Self.writeLockClass)])
                return try body(session)
            }
        }
    }

    /// Runs `body` in one transaction under the store's write lock, waited for at most
    /// `seconds` (0: only tried): while it runs no write is under way. Nil when a writer
    /// held the lock longer (`body` did not run).
    func whileNoneWrites<Value>(waitingAtMost seconds: Int, _ body: (SQLSession) throws -> Value) throws -> Value? {
        do {
            return try withConnection { connection in
                try transaction(on: connection, begin: "BEGIN") { session -> Value? in
                    let lock = [SQLValue.integer(Self.writeLockClass)]
                    if seconds <= 0 {
                        guard try session.value("SELECT pg_try_advisory_xact_lock(\(Self.writeLock))", lock, as: Bool.self) == true
                        else { return nil }
                    } else {
                        try session.execute("SET LOCAL lock_timeout = '\(seconds)s'")
                        try session.execute("SELECT pg_advisory_xact_lock(\(Self.writeLock))", lock)
                    }
                    return try body(session)
                }
            }
        } catch let error as StoreError where PostgresFailure.isLockTimeout(error) {
            return nil
        }
    }

    /// Runs `body` in one transaction that does not wait for the write lock: for rows
    /// each worker locks on its own (`SELECT … FOR UPDATE SKIP LOCKED`).
    func transaction<Value>(_ body: (SQLSession) throws -> Value) throws -> Value {
        try withConnection { connection in try transaction(on: connection, begin: "BEGIN", body) }
    }

    /// Runs `body` outside any transaction (statements that cannot run inside one).
    @discardableResult
    func withoutTransaction<Value>(_ body: (SQLSession) throws -> Value) throws -> Value {
        try withConnection { connection in try body(SQLSession(connection: .postgres(connection, logger))) }
    }

    private func transaction<Value>(
        on connection: PostgresConnection, begin: String, _ body: (SQLSession) throws -> Value
    ) throws
        -> Value
    {
        let session = SQLSession(connection: .postgres(connection, logger))
        try session.execute(begin)
        do {
            let value = try body(session)
            try session.execute("COMMIT")
            return value
        } catch {
            _ = try? session.execute("ROLLBACK")
            throw error
        }
    }

    private func withConnection<Value>(_ body: (PostgresConnection) throws -> Value) throws -> Value {
        let connection = try idle.withLock { $0.popLast() } ?? connect()
        defer {
            if connection.isClosed {
                // Lost (the server restarted, the network dropped): the next use opens another.
            } else if !idle.withLock({ idle in
                guard idle.count < Self.kept else { return false }
                idle.append(connection)
                return true
            }) {
                connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
            }
        }
        do {
            return try body(connection)
        } catch let error as PSQLError {
            throw StoreError.postgres(PostgresFailure.reason(error))
        } catch let error as PostgresError {
            // PostgresNIO's older errors (a COPY's writer): said without what the server's text may hold.
            if case .connectionClosed = error { throw StoreError.postgres("the connection to the server closed") }
            throw StoreError.postgres("the server's answer could not be read")
        }
    }

    /// Listens on `channel` over a connection of its own, calling `body` with each payload:
    /// `listening` once the server listens, then each notice, until the task is cancelled
    /// (returns) or the connection is lost (throws).
    func listen(
        _ channel: String, listening: @Sendable () -> Void, each body: @escaping @Sendable (String) -> Void
    ) async throws {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration,
                id: nextID.add(1, ordering: .relaxed).oldValue, logger: logger)
        } catch let error as PSQLError {
            throw StoreError.postgres("cannot connect to \(location): \(PostgresFailure.reason(error))")
        }
        do {
            try await connection.listen(on: channel) { notices in
                listening()
                for try await notice in notices { body(notice.payload) }
            }
        } catch let error as PSQLError {
            try? await connection.close()
            throw StoreError.postgres("listening on \(location): \(PostgresFailure.reason(error))")
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    private func connect() throws -> PostgresConnection {
        do {
            return try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration,
                id: nextID.add(1, ordering: .relaxed).oldValue, logger: logger
            ).wait()
        } catch let error as PSQLError {
            throw StoreError.postgres("cannot connect to \(location): \(PostgresFailure.reason(error))")
        } catch {
            throw StoreError.postgres("cannot connect to \(location): \(error)")
        }
    }
}

/// What PostgreSQL said, without the statement or the values it held.
enum PostgresFailure {
    /// Whether `error` is PostgreSQL's refusal of a row whose key is stored already
    /// (23505), or the end of a transaction caught in a deadlock (40P01).
    static func isWriteConflict(_ error: StoreError) -> Bool {
        guard case .postgres(let reason) = error else { return false }
        return reason.hasSuffix("(SQLSTATE 23505)") || reason.hasSuffix("(SQLSTATE 40P01)")
    }

    /// Whether `error` is the end of a wait for a lock longer than `lock_timeout` (55P03).
    static func isLockTimeout(_ error: StoreError) -> Bool {
        guard case .postgres(let reason) = error else { return false }
        return reason.hasSuffix("(SQLSTATE 55P03)")
    }

    static func reason(_ error: PSQLError) -> String {
        if let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return message + state
        }
        return "\(error.code)"
    }
}
