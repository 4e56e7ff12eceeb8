import Foundation
import GRDB
import Model

/// JSON text for list columns, and back.
enum StoreCoding {
    /// A list of strings as JSON, written directly (JSONEncoder costs microseconds a
    /// call, and every verdict stores three lists).
    static func json(_ strings: [String]) -> String {
        var result = "["
        for (index, string) in strings.enumerated() {
            if index > 0 { result += "," }
            appendQuoted(string, to: &result)
        }
        return result + "]"
    }

    /// Link evidence as JSON, keys sorted as JSONEncoder would write them.
    static func json(_ evidence: [LinkEvidence]) -> String {
        var result = "["
        for (index, entry) in evidence.enumerated() {
            if index > 0 { result += "," }
            result += "{\"kind\":"
            appendQuoted(entry.kind.rawValue, to: &result)
            result += ",\"text\":"
            appendQuoted(entry.text, to: &result)
            result += "}"
        }
        return result + "]"
    }

    private static func appendQuoted(_ string: String, to result: inout String) {
        result += "\""
        // Most texts need no escape: appended whole, not scalar by scalar.
        if !string.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            result += string
            result += "\""
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        result += "\""
    }

    static func json<Value: Encodable>(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from text: String?, column: String) throws -> Value? {
        guard let text else { return nil }
        do {
            return try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        } catch {
            throw StoreError.corruptValue(column: column, value: String(text.prefix(60)))
        }
    }
}

/// Dates written as GRDB writes them (`YYYY-MM-DD HH:MM:SS.SSS`, UTC), without the
/// DateFormatter GRDB asks for each (microseconds a call; an item binds two or three).
enum StoredDate {
    static func text(_ date: Date) -> String {
        // Years of the Gregorian calendar with four digits; anything else as GRDB writes it
        // (its formatter switches to the Julian calendar before 1583).
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, (-12_212_553_600.0..<253_402_300_799.0).contains(seconds) else {
            return String.fromDatabaseValue(date.databaseValue) ?? ""
        }
        let milliseconds = Int((seconds * 1_000).rounded())
        let (days, inDay) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let day = Day(ordinal: inDay < 0 ? days - 1 : days)
        let time = inDay < 0 ? inDay + 86_400_000 : inDay
        return String(unsafeUninitializedCapacity: 23) { buffer in
            func put(_ value: Int, _ width: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(day.year, 4, at: 0)
            buffer[4] = UInt8(ascii: "-")
            put(day.month, 2, at: 5)
            buffer[7] = UInt8(ascii: "-")
            put(day.day, 2, at: 8)
            buffer[10] = UInt8(ascii: " ")
            put(time / 3_600_000, 2, at: 11)
            buffer[13] = UInt8(ascii: ":")
            put(time / 60_000 % 60, 2, at: 14)
            buffer[16] = UInt8(ascii: ":")
            put(time / 1_000 % 60, 2, at: 17)
            buffer[19] = UInt8(ascii: ".")
            put(time % 1_000, 3, at: 20)
            return 23
        }
    }
}

/// Errors of the store itself; SQLite errors come through as GRDB's `DatabaseError`.
public enum StoreError: Error, CustomStringConvertible {
    /// A stored value no longer reads as its type: the file was edited by hand or is damaged.
    case corruptValue(column: String, value: String)
    /// A verdict was to be stored for an item the store does not hold.
    case missingItem(String)

    public var description: String {
        switch self {
        case let .corruptValue(column, value):
            "the database holds an unreadable value in column \(column): \(value)"
        case let .missingItem(id):
            "no stored item \(id) to keep a verdict on"
        }
    }
}

extension Project {
    /// The columns `init(columns:)` reads, in its order: select them, not `*`.
    static let columns = """
        id, name, aliases, builder, contractor, subcontractors, department, township, funding, tags,
        realname, wage_account, status
        """

    /// Reads a row of `SELECT \(columns)`.
    init(columns column: ColumnReader) throws {
        self.init(
            id: try column.requiredString(0, name: "id"), name: try column.requiredString(1, name: "name"),
            aliases: try column.stringList(2, name: "aliases") ?? [],
            builder: column.string(3), contractor: column.string(4),
            subcontractors: try column.stringList(5, name: "subcontractors") ?? [],
            department: try column.requiredString(6, name: "department"), township: column.string(7),
            funding: try column.value(8, name: "funding"),
            tags: try (column.stringList(9, name: "tags") ?? []).map { text in
                guard let tag = Tag(rawValue: text) else { throw StoreError.corruptValue(column: "tags", value: text) }
                return tag
            },
            realName: column.bool(10), wageAccount: column.bool(11), status: try column.value(12, name: "status") ?? .active)
    }
}

extension DepartmentReport {
    /// The columns `init(columns:)` reads, in its order: select them, not `*`.
    static let columns = """
        id, department, period, project_id, project_name, status, arrears_type, workers, amount_owed, amount_paid,
        since, resolved, resolved_on, responsible_unit, responsible_person, commitment, filed_on, filed_on_imputed
        """

    /// Reads a row of `SELECT \(columns)`.
    init(columns column: ColumnReader) throws {
        func day(_ index: Int32, _ name: String) throws -> Day? {
            guard let text = column.string(index) else { return nil }
            guard let day = Day(text) else { throw StoreError.corruptValue(column: name, value: text) }
            return day
        }
        let periodText = try column.requiredString(2, name: "period")
        guard let period = Period(periodText) else { throw StoreError.corruptValue(column: "period", value: periodText) }
        guard let status: Status = try column.value(5, name: "status") else { throw StoreError.corruptValue(column: "status", value: "NULL") }
        guard let filedOn = try day(16, "filed_on") else { throw StoreError.corruptValue(column: "filed_on", value: "NULL") }
        self.init(
            id: try column.requiredString(0, name: "id"), department: try column.requiredString(1, name: "department"),
            period: period, projectID: column.string(3),
            projectName: try column.requiredString(4, name: "project_name"), status: status,
            arrearsType: column.string(6).flatMap(ArrearsType.init(rawValue:)),
            workers: column.int(7), amountOwed: column.double(8), amountPaid: column.double(9),
            since: try day(10, "since"), resolved: column.bool(11), resolvedOn: try day(12, "resolved_on"),
            responsibleUnit: column.string(13), responsiblePerson: column.string(14),
            commitment: column.bool(15), filedOn: filedOn, isFilingDayImputed: column.bool(17) ?? false)
    }
}

extension Database {
    /// Every row of `sql`, each read by `read` straight from SQLite (`ColumnReader`).
    func fetchAll<Value>(_ sql: String, arguments: StatementArguments = [],
                         _ read: (ColumnReader) throws -> Value) throws -> [Value] {
        // Cached: an import asks the same question once a row.
        let statement = try cachedStatement(sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: arguments)
        let columns = ColumnReader(statement)
        var values: [Value] = []
        while try cursor.next() != nil { values.append(try read(columns)) }
        return values
    }
}
