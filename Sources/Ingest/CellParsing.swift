import Foundation
import Model

/// Reads the cell forms office spreadsheets use: 是/否, `12,500`, `2024/12/1` ...
enum CellParsing {
    /// Thrown for a cell that cannot be read; the importer adds file and row.
    struct Problem: Error {
        var column: String
        var reason: String
    }

    static func yesNo(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "yes", "y", "true", "1", "是", "有": true
        case "no", "n", "false", "0", "否", "无": false
        default: nil
        }
    }

    /// An amount in yuan: `12500`, `12,500`, `12500.50`, `1.25万`, `3.5万元`, optionally ending in 元.
    static func amount(_ text: String) -> Double? {
        var cleaned = text.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "，", with: "")
            .trimmingCharacters(in: .whitespaces)
        if cleaned.hasSuffix("元") { cleaned.removeLast() }
        var scale = 1.0
        if cleaned.hasSuffix("万") {
            cleaned.removeLast()
            scale = 10_000
        }
        guard let value = Double(cleaned.trimmingCharacters(in: .whitespaces)), value.isFinite else { return nil }
        // 1.25万 is 12,500 yuan exactly, not 12,499.999...
        return scale == 1 ? value : (value * scale * 100).rounded() / 100
    }

    /// A date written `2024-12-01`, `2024/12/1`, `2024年12月1日`, `2024.12.1`, or as the
    /// serial number Excel stores when a cell is formatted as a number (45627).
    static func day(_ text: String) -> Day? {
        if let serial = excelSerial(text) { return serial }
        let unified = text
            .replacingOccurrences(of: "/", with: "-")
            .replacingOccurrences(of: ".", with: "-")
            .replacingOccurrences(of: "年", with: "-")
            .replacingOccurrences(of: "月", with: "-")
            .replacingOccurrences(of: "日", with: "")
        let parts = unified.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else {
            return nil
        }
        return Day(year: year, month: month, day: day)
    }

    /// Excel's day number: days since 1899-12-30 (Excel counts a 29 February 1900 that
    /// never was, so from 1 March 1900 on this is exact). Only 1950 to 2100 is read, so
    /// that a stray small number is never taken for a date; a time of day is dropped.
    static func excelSerial(_ text: String) -> Day? {
        guard let value = Double(text), value.isFinite, (18_264...73_051).contains(value) else { return nil }
        // Excel's day 25569 is 1970-01-01.
        return Day(ordinal: Int(value.rounded(.down)) - 25_569)
    }

    /// A month written `2024-12`, `2024/12`, `2024.12`, `2024年12月`, `202412`, or as a
    /// date of that month (any form `day` reads).
    static func period(_ text: String) -> Period? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.utf8.count == 6, trimmed.utf8.allSatisfy({ (48...57).contains($0) }),
           let year = Int(trimmed.prefix(4)), let month = Int(trimmed.suffix(2)) {
            return Period(year: year, month: month)
        }
        if let day = day(trimmed) { return Period(year: day.year, month: day.month) }
        var unified = trimmed.replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: ".", with: "-")
            .replacingOccurrences(of: "年", with: "-").replacingOccurrences(of: "月", with: "")
        if unified.hasSuffix("-") { unified.removeLast() }
        let parts = unified.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]) else { return nil }
        return Period(year: year, month: month)
    }

    /// A list cell split on `;` `；` `、` `,` `，`.
    static func list(_ text: String?) -> [String] {
        guard let text else { return [] }
        return text.split(whereSeparator: { ";；、,，".contains($0) })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// Looks `text` up in a table of English codes and Chinese words.
    static func code<Value>(_ text: String, in table: [String: Value], column: String, expected: String) throws(Problem) -> Value {
        guard let value = table[text.lowercased()] ?? table[text] else {
            throw Problem(column: column, reason: "unknown value \(text); expected \(expected)")
        }
        return value
    }
}
