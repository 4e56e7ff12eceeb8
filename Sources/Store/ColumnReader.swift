import Foundation
import GRDB
import GRDBSQLite
import Model
import Parallel

/// Reads the current row of a statement straight from SQLite, by column position.
///
/// The register reads hundreds of thousands of rows at once; GRDB's `Row` decodes each
/// value through generic conversions, and its date decoding asks a calendar. This reads
/// integers, doubles and text directly, parses GRDB's own date text itself, and falls
/// back to GRDB for anything else. Valid only while the statement sits on the row.
struct ColumnReader {
    private let statement: SQLiteStatement

    init(_ statement: Statement) {
        self.statement = statement.sqliteStatement
    }

    func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(statement, column) == SQLITE_NULL
    }

    func int(_ column: Int32) -> Int? {
        isNull(column) ? nil : Int(sqlite3_column_int64(statement, column))
    }

    func double(_ column: Int32) -> Double? {
        isNull(column) ? nil : sqlite3_column_double(statement, column)
    }

    func bool(_ column: Int32) -> Bool? {
        isNull(column) ? nil : sqlite3_column_int64(statement, column) != 0
    }

    // Columns declared NOT NULL, read without asking their type first (one call less, for
    // hundreds of thousands of rows).

    func requiredDouble(_ column: Int32) -> Double {
        sqlite3_column_double(statement, column)
    }

    func requiredBool(_ column: Int32) -> Bool {
        sqlite3_column_int64(statement, column) != 0
    }

    /// The column's text, without copying; nil for NULL.
    func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        // No type asked first (a call per column of hundreds of thousands of rows): SQLite
        // answers NULL for NULL, and otherwise only when it ran out of memory.
        guard let text = sqlite3_column_text(statement, column) else {
            precondition(isNull(column), "SQLite ran out of memory reading column \(column)")
            return nil
        }
        return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, column)))
    }

    func string(_ column: Int32) -> String? {
        bytes(column).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Text a NOT NULL column must hold.
    func requiredString(_ column: Int32, name: String) throws -> String {
        guard let text = string(column) else { throw StoreError.corruptValue(column: name, value: "NULL") }
        return text
    }

    /// A value of a text-backed enumeration (a text that is none of its cases is damage),
    /// its text compared with each case's in place: no string made for a few letters read
    /// hundreds of thousands of times.
    func code<Value: StoredCode>(_ column: Int32, name: String) throws -> Value? {
        guard let text = bytes(column) else { return nil }
        for (code, value) in Value.storedCodes where code.elementsEqual(text) { return value }
        throw StoreError.corruptValue(column: name, value: String(decoding: text, as: UTF8.self))
    }

    /// A date as GRDB stores it (`YYYY-MM-DD HH:MM:SS.SSS`, UTC), parsed here; other
    /// forms (numbers, shorter texts) go through GRDB.
    func date(_ column: Int32) -> Date? {
        guard sqlite3_column_type(statement, column) == SQLITE_TEXT, let text = bytes(column),
            let date = StoredDate.date(text)
        else {
            return Date(sqliteStatement: statement, index: column)
        }
        return date
    }

    /// A JSON list of strings as the store writes it (`StoreCoding.json`), read without
    /// JSONDecoder; a list with escapes goes through it.
    func stringList(_ column: Int32, name: String) throws -> [String]? {
        guard let text = bytes(column) else { return nil }
        if let list = Self.plainStringList(text) { return list }
        return try StoreCoding.decode([String].self, from: String(decoding: text, as: UTF8.self), column: name)
    }

    /// `[]` or `["a","b"]` with no backslash in it; nil when it is anything else.
    static func plainStringList(_ text: UnsafeBufferPointer<UInt8>) -> [String]? {
        let quote = UInt8(ascii: "\"")
        let comma = UInt8(ascii: ",")
        guard text.count >= 2, text.first == UInt8(ascii: "["), text.last == UInt8(ascii: "]"),
            !text.contains(UInt8(ascii: "\\"))
        else { return nil }
        var list: [String] = []
        var index = 1
        let end = text.count - 1
        while index < end {
            guard text[index] == quote else { return nil }
            var close = index + 1
            while close < end && text[close] != quote { close += 1 }
            guard close < end else { return nil }
            list.append(String(decoding: UnsafeBufferPointer(rebasing: text[(index + 1)..<close]), as: UTF8.self))
            index = close + 1
            if index < end {
                guard text[index] == comma, index + 1 < end else { return nil }
                index += 1
            }
        }
        return list
    }
}

/// Binds a statement's parameters straight through SQLite and runs it: the two inserts
/// an ingest makes for every item (the item, its verdict) bind some twenty values each,
/// which GRDB's `StatementArguments` would box one by one.
struct ParameterBinder {
    private let statement: Statement
    private let sqlite: SQLiteStatement
    private var index: Int32 = 1
    /// The first binding SQLite refused (a value too large, say).
    private var failure: Int32 = SQLITE_OK

    /// SQLite copies the bytes before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ statement: Statement) {
        self.statement = statement
        sqlite = statement.sqliteStatement
        sqlite3_reset(sqlite)
        sqlite3_clear_bindings(sqlite)
    }

    mutating func bind(_ text: String?) {
        defer { index += 1 }
        guard var text else { return }
        let code = text.withUTF8 { bytes in
            // An empty text is bound as one (a nil base address would bind NULL).
            // swift-format-ignore: NeverForceUnwrap
            // (bytes is not empty in the second branch)
            bytes.isEmpty
                ? sqlite3_bind_text(sqlite, index, "", 0, Self.transient)
                : sqlite3_bind_text(
                    sqlite, index, UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self),
                    Int32(bytes.count), Self.transient)
        }
        record(code)
    }

    mutating func bind(_ value: Int?) {
        defer { index += 1 }
        if let value { record(sqlite3_bind_int64(sqlite, index, Int64(value))) }
    }

    mutating func bind(_ value: Double?) {
        defer { index += 1 }
        if let value { record(sqlite3_bind_double(sqlite, index, value)) }
    }

    mutating func bind(_ value: Bool?) {
        bind(value.map { $0 ? 1 : 0 } as Int?)
    }

    mutating func bind(_ value: SQLValue) {
        switch value {
        case .null: index += 1
        case .integer(let number):
            record(sqlite3_bind_int64(sqlite, index, number))
            index += 1
        case .real(let number): bind(number as Double?)
        case .text(let text): bind(text as String?)
        case .bool(let flag): bind(flag as Bool?)
        case .blob(let bytes):
            record(
                bytes.withUnsafeBytes {
                    sqlite3_bind_blob(sqlite, index, $0.baseAddress, Int32($0.count), Self.transient)
                })
            index += 1
        }
    }

    private mutating func record(_ code: Int32) {
        if failure == SQLITE_OK { failure = code }
    }

    /// Tells GRDB's observers that `table` was written by statements run through this
    /// binder (GRDB sees only the statements it runs): once after a batch, so that a write
    /// to a table the register reads moves the store's change count (`RegisterChangeWatch`).
    /// Every writer through a binder calls it.
    static func wrote(into table: String, in db: Database) throws {
        try db.notifyChanges(in: Table(table))
    }

    /// Runs the statement to its end, once every parameter was bound.
    func execute(in db: Database) throws {
        guard failure == SQLITE_OK, index - 1 == sqlite3_bind_parameter_count(sqlite) else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: failure == SQLITE_OK ? SQLITE_RANGE : failure),
                message: "bound \(index - 1) of \(sqlite3_bind_parameter_count(sqlite)) parameters",
                sql: statement.sql)
        }
        let code = sqlite3_step(sqlite)
        defer { sqlite3_reset(sqlite) }
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
    }
}

extension Database {
    /// Every row of `sql`, each read by `read` straight from SQLite (`ColumnReader`).
    /// - Parameter capacity: how many rows there may be, when known (the list then does not
    ///   grow by copies).
    func fetchAll<Value>(
        _ sql: String, arguments: StatementArguments = [], capacity: Int = 0,
        _ read: (ColumnReader) throws -> Value
    ) throws -> [Value] {
        // Cached: an import asks the same question once a row.
        let statement = try cachedStatement(sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: arguments)
        let columns = ColumnReader(statement)
        var values: [Value] = []
        values.reserveCapacity(capacity)
        while try cursor.next() != nil { values.append(try read(columns)) }
        return values
    }

    /// Reads every row of `sql` into `region`, which must hold exactly as many values as
    /// there are rows; on error, the values already read are deinitialized.
    func fetch<Value>(
        _ sql: String, arguments: StatementArguments = [], into region: Slots<Value>,
        _ read: (ColumnReader) throws -> Value
    ) throws {
        let statement = try cachedStatement(sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: arguments)
        let columns = ColumnReader(statement)
        var count = 0
        do {
            while try cursor.next() != nil {
                guard count < region.count else { throw StoreError.corruptValue(column: "row count", value: "more than \(region.count)") }
                region.initialize(count, to: try read(columns))
                count += 1
            }
            guard count == region.count else { throw StoreError.corruptValue(column: "row count", value: "\(count) of \(region.count)") }
        } catch {
            region.base?.deinitialize(count: count)
            throw error
        }
    }
}

/// A text-backed enumeration with its cases' texts made once (`allCases` makes a new
/// list at each call).
protocol StoredCode: RawRepresentable<String>, CaseIterable {
    static var storedCodes: [(code: [UInt8], value: Self)] { get }
}

extension StoredCode {
    static func makeStoredCodes() -> [(code: [UInt8], value: Self)] {
        allCases.map { (Array($0.rawValue.utf8), $0) }
    }
}

extension ItemKind: StoredCode {
    static let storedCodes = makeStoredCodes()
}

extension SignalLevel: StoredCode {
    static let storedCodes = makeStoredCodes()
}

extension ClaimKind: StoredCode {
    static let storedCodes = makeStoredCodes()
}

extension LinkBand: StoredCode {
    static let storedCodes = makeStoredCodes()
}

extension DepartmentReport.Status: StoredCode {
    static let storedCodes = makeStoredCodes()
}

extension Project.Status: StoredCode {
    static let storedCodes = makeStoredCodes()
}

extension Project.Funding: StoredCode {
    static let storedCodes = makeStoredCodes()
}

extension DepartmentReport.ArrearsType: StoredCode {
    static let storedCodes = makeStoredCodes()
}

/// Texts that repeat over many rows (the few dozen departments of a city's hundreds of
/// thousands of ledger rows), each made once and shared.
final class RepeatedTexts {
    private var texts: [UInt64: String] = [:]

    func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        // A stable hash of the bytes, then the text compared, in case two share a hash.
        let hash = StableHash.value(of: bytes)
        if let text = texts[hash], text.utf8.elementsEqual(bytes) { return text }
        let text = String(decoding: bytes, as: UTF8.self)
        if texts[hash] == nil && texts.count < 4_096 { texts[hash] = text }
        return text
    }
}

extension AppDatabase {
    /// The reads by column position, all of them (the hot paths of the register and of
    /// scoring): each decoder reads its SELECT list's columns by index, so this list is
    /// what a test checks against the schema (every column exists, and the list is as
    /// wide as the decoder reads). Everywhere else rows are read by column name.
    static let positionalReads: [(table: String, columns: String, width: Int)] = [
        ("project", Project.columns, 13),
        ("project", Project.registerColumns, 13),
        ("report", DepartmentReport.columns, 18),
        ("report", DepartmentReport.registerColumns, 18),
        ("assessment", "a.item_id, a.kind, a.channel, a.status, a.closed_at, " + verdictColumns, 20),
        ("platform_row", platformColumns, 17),
        ("platform_row", platformRegisterColumns, 17),
    ]
}
