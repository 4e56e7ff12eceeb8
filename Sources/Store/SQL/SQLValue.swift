import Foundation
import Model

/// A value bound to a statement or read from a row, on either engine.
///
/// Both engines store the same things the same way: texts, 64-bit integers, doubles,
/// booleans (SQLite's 0 and 1), and times as UTC text `YYYY-MM-DD HH:MM:SS.SSS`, which
/// sorts as time does on both.
enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case bool(Bool)
    /// Bytes (BLOB on SQLite, BYTEA on PostgreSQL): a 督办 case's files.
    case blob([UInt8])
}

/// A Swift value that binds as an `SQLValue`.
protocol SQLBindable {
    var sqlValue: SQLValue { get }
}

extension String: SQLBindable {
    var sqlValue: SQLValue { .text(self) }
}

extension Int: SQLBindable {
    var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Int64: SQLBindable {
    var sqlValue: SQLValue { .integer(self) }
}

extension Double: SQLBindable {
    var sqlValue: SQLValue { .real(self) }
}

extension Bool: SQLBindable {
    var sqlValue: SQLValue { .bool(self) }
}

extension Date: SQLBindable {
    var sqlValue: SQLValue { .text(StoredDate.text(self)) }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    var sqlValue: SQLValue { map(\.sqlValue) ?? .null }
}

/// A Swift value read from a column, on either engine.
protocol SQLReadable {
    /// The value of `value`; `column` names it in the error when it does not read.
    static func read(_ value: SQLValue, column: String) throws -> Self
}

extension SQLReadable {
    static func mismatch(_ value: SQLValue, _ column: String) -> StoreError {
        .corruptValue(column: column, value: "\(value)")
    }
}

extension String: SQLReadable {
    static func read(_ value: SQLValue, column: String) throws -> String {
        switch value {
        case .text(let text): return text
        // SQLite hands back a text written as bytes as bytes.
        case .blob(let bytes): return String(decoding: bytes, as: UTF8.self)
        default: throw mismatch(value, column)
        }
    }
}

extension Array: SQLBindable where Element == UInt8 {
    var sqlValue: SQLValue { .blob(self) }
}

extension Array: SQLReadable where Element == UInt8 {
    static func read(_ value: SQLValue, column: String) throws -> [UInt8] {
        guard case .blob(let bytes) = value else { throw mismatch(value, column) }
        return bytes
    }
}

extension Int64: SQLReadable {
    static func read(_ value: SQLValue, column: String) throws -> Int64 {
        switch value {
        case .integer(let number): return number
        case .bool(let flag): return flag ? 1 : 0
        default: throw mismatch(value, column)
        }
    }
}

extension Int: SQLReadable {
    static func read(_ value: SQLValue, column: String) throws -> Int {
        Int(try Int64.read(value, column: column))
    }
}

extension Double: SQLReadable {
    static func read(_ value: SQLValue, column: String) throws -> Double {
        switch value {
        case .real(let number): return number
        case .integer(let number): return Double(number)
        default: throw mismatch(value, column)
        }
    }
}

extension Bool: SQLReadable {
    static func read(_ value: SQLValue, column: String) throws -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .integer(let number): return number != 0
        default: throw mismatch(value, column)
        }
    }
}

extension Date: SQLReadable {
    static func read(_ value: SQLValue, column: String) throws -> Date {
        guard case .text(let text) = value,
            let date = text.utf8.withContiguousStorageIfAvailable(StoredDate.date)
                ?? Array(text.utf8).withUnsafeBufferPointer(StoredDate.date)
        else { throw mismatch(value, column) }
        return date
    }
}

extension Optional: SQLReadable where Wrapped: SQLReadable {
    static func read(_ value: SQLValue, column: String) throws -> Wrapped? {
        if case .null = value { return nil }
        return try Wrapped.read(value, column: column)
    }
}

/// One row of a result, its values by column name.
struct SQLRow: Sendable {
    let names: [String]
    let values: [SQLValue]

    /// The value of `column`, as `T`; a column the statement does not return is an error.
    func callAsFunction<T: SQLReadable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let index = names.firstIndex(of: column) else { throw StoreError.corruptValue(column: column, value: "no such column") }
        return try T.read(values[index], column: column)
    }

    /// The value of the column at `index` (for statements whose columns have no names).
    func at<T: SQLReadable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        guard values.indices.contains(index) else { throw StoreError.corruptValue(column: "column \(index)", value: "none") }
        return try T.read(values[index], column: names[index])
    }

    /// The value of the first column.
    func first<T: SQLReadable>(as type: T.Type = T.self) throws -> T {
        guard let value = values.first else { throw StoreError.corruptValue(column: "first column", value: "none") }
        return try T.read(value, column: names.first ?? "")
    }
}

extension SQLRow {
    /// A text-backed enumeration's value; a text that is none of its cases is damage.
    func code<Value: RawRepresentable<String>>(_ column: String, as type: Value.Type = Value.self) throws -> Value? {
        guard let text = try self(column, as: String?.self) else { return nil }
        guard let value = Value(rawValue: text) else { throw StoreError.corruptValue(column: column, value: text) }
        return value
    }

    /// `code`, of a column that may not be NULL.
    func requiredCode<Value: RawRepresentable<String>>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
        guard let value: Value = try code(column) else { throw StoreError.corruptValue(column: column, value: "NULL") }
        return value
    }

    /// A list of texts kept as JSON.
    func stringList(_ column: String) throws -> [String]? {
        try StoreCoding.stringList(try self(column, as: String?.self), column: column)
    }

    /// A day kept as `YYYY-MM-DD`.
    func day(_ column: String) throws -> Day? {
        guard let text = try self(column, as: String?.self) else { return nil }
        guard let day = Day(text) else { throw StoreError.corruptValue(column: column, value: text) }
        return day
    }
}

extension Project {
    /// Reads a row of `SELECT \(columns)` by column name, on either engine.
    init(row: SQLRow) throws {
        self.init(
            id: try row("id"), name: try row("name"), aliases: try row.stringList("aliases") ?? [],
            builder: try row("builder"), contractor: try row("contractor"),
            subcontractors: try row.stringList("subcontractors") ?? [], department: try row("department"),
            township: try row("township"), funding: try row.code("funding"),
            tags: try (row.stringList("tags") ?? []).map { text in
                guard let tag = Tag(rawValue: text) else { throw StoreError.corruptValue(column: "tags", value: text) }
                return tag
            },
            realName: try row("realname"), wageAccount: try row("wage_account"), status: try row.code("status") ?? .active)
    }
}

extension DepartmentReport {
    /// Reads a row of `SELECT \(columns)` by column name, on either engine.
    init(row: SQLRow) throws {
        let periodText: String = try row("period")
        guard let period = Period(periodText) else { throw StoreError.corruptValue(column: "period", value: periodText) }
        guard let filedOn = try row.day("filed_on") else { throw StoreError.corruptValue(column: "filed_on", value: "NULL") }
        self.init(
            id: try row("id"), department: try row("department"), period: period, projectID: try row("project_id"),
            projectName: try row("project_name"), status: try row.requiredCode("status"), arrearsType: try row.code("arrears_type"),
            workers: try row("workers"), amountOwed: try row("amount_owed"), amountPaid: try row("amount_paid"),
            since: try row.day("since"), resolved: try row("resolved"), resolvedOn: try row.day("resolved_on"),
            responsibleUnit: try row("responsible_unit"), responsiblePerson: try row("responsible_person"),
            commitment: try row("commitment"), filedOn: filedOn, isFilingDayImputed: try row("filed_on_imputed") ?? false)
    }
}
