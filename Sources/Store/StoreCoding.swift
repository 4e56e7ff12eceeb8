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
    init(row: Row) throws {
        func enumValue<T: RawRepresentable>(_ column: String) throws -> T? where T.RawValue == String {
            guard let text: String = row[column] else { return nil }
            guard let value = T(rawValue: text) else { throw StoreError.corruptValue(column: column, value: text) }
            return value
        }
        self.init(
            id: row["id"], name: row["name"],
            aliases: try StoreCoding.decode([String].self, from: row["aliases"], column: "aliases") ?? [],
            builder: row["builder"], contractor: row["contractor"],
            subcontractors: try StoreCoding.decode([String].self, from: row["subcontractors"], column: "subcontractors") ?? [],
            department: row["department"], township: row["township"], funding: try enumValue("funding"),
            tags: try StoreCoding.decode([Tag].self, from: row["tags"], column: "tags") ?? [],
            realName: row["realname"], wageAccount: row["wage_account"], status: try enumValue("status") ?? .active)
    }
}

extension DepartmentReport {
    /// The columns `init(row:)` reads, in its order: select them, not `*`.
    static let columns = """
        id, department, period, project_id, project_name, status, arrears_type, workers, amount_owed, amount_paid,
        since, resolved, resolved_on, responsible_unit, responsible_person, commitment, filed_on, filed_on_imputed
        """

    /// Reads a row of `SELECT \(columns)`, by position (by name GRDB looks each column up anew).
    init(row: Row) throws {
        func day(_ index: Int, _ column: String) throws -> Day? {
            guard let text: String = row[index] else { return nil }
            guard let day = Day(text) else { throw StoreError.corruptValue(column: column, value: text) }
            return day
        }
        let periodText: String = row[2]
        let statusText: String = row[5]
        guard let period = Period(periodText) else { throw StoreError.corruptValue(column: "period", value: periodText) }
        guard let status = Status(rawValue: statusText) else { throw StoreError.corruptValue(column: "status", value: statusText) }
        guard let filedOn = try day(16, "filed_on") else { throw StoreError.corruptValue(column: "filed_on", value: "NULL") }
        self.init(
            id: row[0], department: row[1], period: period, projectID: row[3],
            projectName: row[4], status: status,
            arrearsType: (row[6] as String?).flatMap(ArrearsType.init(rawValue:)),
            workers: row[7], amountOwed: row[8], amountPaid: row[9],
            since: try day(10, "since"), resolved: row[11], resolvedOn: try day(12, "resolved_on"),
            responsibleUnit: row[13], responsiblePerson: row[14],
            commitment: row[15], filedOn: filedOn, isFilingDayImputed: row[17])
    }
}
