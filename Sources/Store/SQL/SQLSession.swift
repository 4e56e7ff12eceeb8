import Foundation
import GRDB
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// Rows of one query as PostgresNIO's event loop hands them over.
private final class ReceivedRows: Sendable {
    private let rows = Mutex<[PostgresRow]>([])

    func append(_ row: PostgresRow) { rows.withLock { $0.append(row) } }

    func take() -> [PostgresRow] {
        rows.withLock { rows in
            defer { rows = [] }
            return rows
        }
    }
}

/// The engine a store lives on.
public enum StoreEngine: String, Sendable {
    /// One SQLite file (the default), through GRDB.
    case sqlite
    /// A PostgreSQL database, through PostgresNIO.
    case postgres
}

/// One connection of either engine, for the length of one read or one transaction.
///
/// Its calls block their thread: GRDB's reader or writer queue for SQLite, a Dispatch
/// thread (`Parallel.run`) for PostgreSQL; never a cooperative thread. Statements are
/// written once for both engines, with `?` for their arguments.
struct SQLSession {
    enum Connection {
        case sqlite(Database)
        case postgres(PostgresConnection, Logger)
    }

    let connection: Connection

    var engine: StoreEngine {
        switch connection {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// Runs a statement that returns no rows. - Returns: how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue] = []) throws -> Int {
        switch connection {
        case .sqlite(let db):
            // Compiled once a connection (GRDB keeps them by their text).
            try db.cachedStatement(sql: sql).execute(arguments: Self.statementArguments(arguments))
            return db.changesCount
        case .postgres(let connection, let logger):
            let result = try connection.query(PostgresSQL.query(sql, arguments), logger: logger).wait()
            return result.metadata.rows ?? 0
        }
    }

    /// GRDB's arguments of `values`. Typed as not optional: the array would otherwise be
    /// taken as `[Any]`, each value cast at run time (a fifth of a bulk insert's time).
    private static func statementArguments(_ values: [SQLValue]) -> StatementArguments {
        let arguments: StatementArguments = StatementArguments(values.map { $0.databaseValue })
        return arguments
    }

    /// Runs `INSERT INTO table (columns) VALUES (?, …) tail` for `count` rows,
    /// `values(i)` the i-th: on SQLite one compiled statement of one row bound in place for
    /// each, on PostgreSQL statements of a few hundred rows.
    func insertRows(
        into table: String, columns: [String], _ tail: String = "", count: Int, values: (Int) -> [SQLValue]
    ) throws {
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ", ")))"
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        switch connection {
        case .sqlite(let db):
            let statement = try db.cachedStatement(sql: "\(head) VALUES \(tuple) \(tail)")
            for row in 0..<count {
                var binder = ParameterBinder(statement)
                for value in values(row) { binder.bind(value) }
                try binder.execute(in: db)
            }
            if count > 0 { try ParameterBinder.wrote(into: table, in: db) }
        case .postgres:
            for start in stride(from: 0, to: count, by: 400) {
                let rows = start..<min(start + 400, count)
                try execute(
                    "\(head) VALUES \(Array(repeating: tuple, count: rows.count).joined(separator: ", ")) \(tail)",
                    rows.flatMap(values))
            }
        }
    }

    /// Runs several statements, without arguments (a migration's).
    func executeScript(_ sql: String) throws {
        switch connection {
        case .sqlite(let db): try db.execute(sql: sql)
        case .postgres:
            // PostgreSQL takes one statement a message.
            for statement in PostgresSQL.statements(of: sql) { try execute(statement) }
        }
    }

    /// Every row `sql` returns, each made into a value by `read`.
    func rows<Value>(_ sql: String, _ arguments: [SQLValue] = [], _ read: (SQLRow) throws -> Value) throws -> [Value] {
        switch connection {
        case .sqlite(let db):
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: Self.statementArguments(arguments))
            var values: [Value] = []
            var names: [String]?
            while let row = try cursor.next() {
                let columns = names ?? Array(row.columnNames)
                names = columns
                values.append(try read(SQLRow(names: columns, values: row.databaseValues.map(SQLValue.init))))
            }
            return values
        case .postgres(let connection, let logger):
            // Rows handed over one by one as they arrive (PostgresNIO's collecting of all rows
            // copies what it holds with each batch it receives: slow for many rows).
            let received = ReceivedRows()
            _ = try connection.query(PostgresSQL.query(sql, arguments), logger: logger) { row in received.append(row) }.wait()
            var names: [String]?
            return try received.take().map { row in
                let columns = names ?? row.map(\.columnName)
                names = columns
                return try read(SQLRow(names: columns, values: row.map { try SQLValue($0) }))
            }
        }
    }

    /// The first row `sql` returns, if any, made into a value by `read`.
    func row<Value>(_ sql: String, _ arguments: [SQLValue] = [], _ read: (SQLRow) throws -> Value) throws -> Value? {
        try rows(sql, arguments, read).first
    }

    /// The first column of the first row, if there is one and it is not NULL.
    func value<Value: SQLReadable>(_ sql: String, _ arguments: [SQLValue] = [], as type: Value.Type = Value.self) throws -> Value? {
        try row(sql, arguments) { try $0.first(as: Value?.self) } ?? nil
    }
}

extension SQLValue {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let number): number.databaseValue
        case .real(let number): number.databaseValue
        case .text(let text): text.databaseValue
        case .bool(let flag): flag.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        }
    }

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let number): self = .integer(number)
        case .double(let number): self = .real(number)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .blob([UInt8](data))
        }
    }

    /// The value of a PostgreSQL cell, by its type.
    init(_ cell: PostgresCell) throws {
        guard cell.bytes != nil else {
            self = .null
            return
        }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid: self = .integer(try cell.decode(Int64.self))
        case .float4, .float8: self = .real(try cell.decode(Double.self))
        case .numeric: self = .real(Double(try cell.decode(String.self)) ?? .nan)
        case .bool: self = .bool(try cell.decode(Bool.self))
        case .bytea:
            var buffer = try cell.decode(ByteBuffer.self)
            self = .blob(buffer.readBytes(length: buffer.readableBytes) ?? [])
        default: self = .text(try cell.decode(String.self))
        }
    }
}

/// PostgreSQL's side of the statements: `$n` in place of `?`, and the arguments bound.
enum PostgresSQL {
    /// Statements already rewritten, by their text: the short ones (a process uses a few
    /// hundred), not the many-row statements of a batch, whose text changes with its size.
    private static let rewritten = Mutex<[String: String]>([:])
    private static let keptLength = 4_096
    private static let keptCount = 2_000

    static func query(_ sql: String, _ arguments: [SQLValue]) throws -> PostgresQuery {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument {
            case .null: bindings.appendNull()
            case .integer(let number): bindings.append(number)
            case .real(let number): bindings.append(number)
            // PostgreSQL's text holds no NUL (SQLite's does): one reaches it as U+FFFD, so a
            // key with one finds nothing stored, as none can be.
            // (Looked for byte by byte: Foundation's search of a long post costs more than binding it.)
            case .text(let text):
                bindings.append(PostgresSQL.holdsNUL(text) ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text)
            case .bool(let flag): bindings.append(flag)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            }
        }
        return PostgresQuery(unsafeSQL: numbered(sql), binds: bindings)
    }

    /// Whether `text` holds a NUL, looked for with memchr where its bytes lie together.
    static func holdsNUL(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false
        } ?? text.utf8.contains(0)
    }

    /// The statements of a script: split at each `;` outside quotes, comments and `$$` bodies.
    static func statements(of script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var quote: Character?
        var inComment = false
        var inBody = false
        var previous: Character?
        for character in script {
            defer { previous = character }
            if inComment {
                if character == "\n" { inComment = false }
                continue
            }
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "$" && previous == "$" {
                inBody.toggle()
            } else if !inBody {
                if character == "'" || character == "\"" {
                    quote = character
                } else if character == "-" && previous == "-" {
                    current.removeLast()
                    inComment = true
                    continue
                } else if character == ";" {
                    let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                    if !statement.isEmpty { statements.append(statement) }
                    current = ""
                    continue
                }
            }
            current.append(character)
        }
        let last = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !last.isEmpty { statements.append(last) }
        return statements
    }

    /// `sql` with each `?` outside quotes and comments numbered `$1`, `$2`, …; a numbered
    /// `?N` keeps its number.
    static func numbered(_ sql: String) -> String {
        // Byte by byte: every character the rewriting looks for is ASCII, and no byte of a
        // longer UTF-8 sequence is (a batch's statement is tens of kilobytes).
        let (question, quote1, quote2, dash, newline, dollar) = (
            UInt8(ascii: "?"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "-"), UInt8(ascii: "\n"), UInt8(ascii: "$")
        )
        guard sql.utf8.contains(question) else { return sql }
        let kept = sql.utf8.count <= keptLength
        if kept, let done = rewritten.withLock({ $0[sql] }) { return done }
        let text = Array(sql.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count * 2)
        var number = 0
        var quote: UInt8?
        var inComment = false
        for (index, byte) in text.enumerated() {
            let next = index + 1 < text.count ? text[index + 1] : 0
            if inComment {
                if byte == newline { inComment = false }
            } else if let open = quote {
                if byte == open { quote = nil }
            } else if byte == quote1 || byte == quote2 {
                quote = byte
            } else if byte == dash && next == dash {
                inComment = true
            } else if byte == question {
                bytes.append(dollar)
                // ?N: its digits follow as they are
                if !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next) {
                    number += 1
                    bytes.append(contentsOf: String(number).utf8)
                }
                continue
            }
            bytes.append(byte)
        }
        let result = String(decoding: bytes, as: UTF8.self)
        if kept {
            rewritten.withLock { rewritten in
                if rewritten.count < keptCount { rewritten[sql] = result }
            }
        }
        return result
    }
}
