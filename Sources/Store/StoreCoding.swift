import Foundation
import GRDB
import Model

/// JSON text for list columns, and back.
enum StoreCoding {
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

    public var description: String {
        switch self {
        case let .corruptValue(column, value):
            "the database holds an unreadable value in column \(column): \(value)"
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
    init(row: Row) throws {
        func day(_ column: String) throws -> Day? {
            guard let text: String = row[column] else { return nil }
            guard let day = Day(text) else { throw StoreError.corruptValue(column: column, value: text) }
            return day
        }
        let periodText: String = row["period"]
        let statusText: String = row["status"]
        guard let period = Period(periodText) else { throw StoreError.corruptValue(column: "period", value: periodText) }
        guard let status = Status(rawValue: statusText) else { throw StoreError.corruptValue(column: "status", value: statusText) }
        guard let filedOn = try day("filed_on") else { throw StoreError.corruptValue(column: "filed_on", value: "NULL") }
        self.init(
            id: row["id"], department: row["department"], period: period, projectID: row["project_id"],
            projectName: row["project_name"], status: status,
            arrearsType: (row["arrears_type"] as String?).flatMap(ArrearsType.init(rawValue:)),
            workers: row["workers"], amountOwed: row["amount_owed"], amountPaid: row["amount_paid"],
            since: try day("since"), resolved: row["resolved"], resolvedOn: try day("resolved_on"),
            responsibleUnit: row["responsible_unit"], responsiblePerson: row["responsible_person"],
            commitment: row["commitment"], filedOn: filedOn, isFilingDayImputed: row["filed_on_imputed"])
    }
}
