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

    /// An amount in yuan: `12500`, `12,500`, `12500.50`, optionally ending in 元.
    static func amount(_ text: String) -> Double? {
        var cleaned = text.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "，", with: "")
        if cleaned.hasSuffix("元") { cleaned.removeLast() }
        return Double(cleaned.trimmingCharacters(in: .whitespaces))
    }

    /// A date written `2024-12-01`, `2024/12/1` or `2024年12月1日`.
    static func day(_ text: String) -> Day? {
        let unified = text
            .replacingOccurrences(of: "/", with: "-")
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
