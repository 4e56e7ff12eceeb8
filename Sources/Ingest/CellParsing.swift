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
        switch text {
        case "是": return true
        case "否": return false
        default: break
        }
        return switch text.lowercased() {
        case "yes", "y", "true", "1", "是", "有": true
        case "no", "n", "false", "0", "否", "无": false
        default: nil
        }
    }

    /// The largest amount read: 1,000 亿元. A larger figure is a typing error.
    static let largestAmount = 100_000_000_000.0

    /// An amount in yuan: `12500`, `12,500`, `12500.50`, `¥12,500`, `1.25万`, `3.5万元`.
    /// Only decimal digits are read: commas must group digits by three (`1,2,3` is
    /// refused), and the forms `Double` alone would take (`0x1p4`, `1e300`, `nan`) are not
    /// amounts. Nil for anything else, or past `largestAmount`.
    static func amount(_ text: String) -> Double? {
        // Most cells are plain digits, perhaps with decimals: read at once.
        if let plain = plainDecimal(text.utf8) { return plain <= largestAmount ? plain : nil }
        var cleaned = Substring(text.trimmingCharacters(in: .whitespaces))
        if cleaned.first == "¥" || cleaned.first == "￥" { cleaned = cleaned.dropFirst() }
        if cleaned.last == "元" { cleaned = cleaned.dropLast() }
        var scale = 1.0
        if cleaned.last == "万" {
            cleaned = cleaned.dropLast()
            scale = 10_000
        }
        cleaned = Substring(cleaned.trimmingCharacters(in: .whitespaces))
        let parts = cleaned.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, let digits = groupedDigits(whole) else { return nil }
        var plain = digits
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
            plain += "." + parts[1]
        }
        guard let value = Double(plain), value * scale <= largestAmount else { return nil }
        // 1.25万 is 12,500 yuan exactly, not 12,499.999...
        return scale == 1 ? value : (value * scale * 100).rounded() / 100
    }

    /// `12500` or `12500.5` (ASCII digits, at most one point with digits after it, at most
    /// 15 digits in all) as its value; nil for any other form (the slow path reads those).
    private static func plainDecimal(_ bytes: String.UTF8View) -> Double? {
        var digits = 0
        var point = false
        var afterPoint = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                if point { afterPoint += 1 }
            case UInt8(ascii: ".") where !point && digits > 0: point = true
            default: return nil
            }
        }
        guard digits > 0, digits <= 15, !point || afterPoint > 0 else { return nil }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    /// The number of the ASCII digits of `bytes` from `start`, `count` of them; nil when
    /// one is not a digit.
    private static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for byte in bytes[start..<start + count] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// `2024-12-01` or `2024-12` exactly, the form most files write: read at once.
    private static func isoDate(_ text: String) -> (year: Int, month: Int, day: Int?)? {
        let count = text.utf8.count
        guard count == 7 || count == 10 else { return nil }
        let bytes = Array(text.utf8)
        guard bytes[4] == UInt8(ascii: "-"), count == 7 || bytes[7] == UInt8(ascii: "-"),
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2)
        else { return nil }
        if count == 7 { return (year, month, nil) }
        guard let day = number(bytes, 8, 2) else { return nil }
        return (year, month, day)
    }

    /// `12500` or `12,500` (also with the full-width comma) as plain digits; nil when
    /// anything but digits is there or the commas do not group by three.
    private static func groupedDigits(_ text: Substring) -> String? {
        let groups = text.split(omittingEmptySubsequences: false) { $0 == "," || $0 == "，" }
        guard let first = groups.first, !first.isEmpty,
            groups.allSatisfy({ $0.utf8.allSatisfy { (48...57).contains($0) } })
        else { return nil }
        if groups.count > 1 {
            guard first.count <= 3, groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
        }
        return groups.joined()
    }

    /// An id as a clerk would still read it: case and spaces dropped. Two ids of one file
    /// with the same key (`P-001`, `p-001`, `P- 001`) are one id typed twice.
    static func idKey(_ id: String) -> String {
        // Most ids are ASCII without spaces: lowered byte by byte.
        if id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            guard id.utf8.contains(where: { (0x41...0x5A).contains($0) }) else { return id }
            return String(decoding: id.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
        }
        return String(String.UnicodeScalarView(id.lowercased().unicodeScalars.filter { !$0.properties.isWhitespace }))
    }

    /// The message for an id seen before in `row`, naming the earlier spelling when it differs.
    static func repeated(_ kind: String, _ id: String, earlier: (row: Int, id: String)) -> String {
        earlier.id == id
            ? "\(kind) \(id) 已在第 \(earlier.row) 行出现"
            : "\(kind) \(id) 与第 \(earlier.row) 行的 \(earlier.id) 是同一编号（仅大小写或空格不同）"
    }

    /// A date written `2024-12-01`, `2024/12/1`, `2024年12月1日`, `2024.12.1`, or as the
    /// serial number Excel stores when a cell is formatted as a number (45627).
    static func day(_ text: String) -> Day? {
        if let iso = isoDate(text), let day = iso.day { return Day(year: iso.year, month: iso.month, day: day) }
        if let serial = excelSerial(text) { return serial }
        let unified =
            text
            .replacingOccurrences(of: "/", with: "-")
            .replacingOccurrences(of: ".", with: "-")
            .replacingOccurrences(of: "年", with: "-")
            .replacingOccurrences(of: "月", with: "-")
            .replacingOccurrences(of: "日", with: "")
        let parts = unified.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else {
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
        if let iso = isoDate(text), iso.day == nil { return Period(year: iso.year, month: iso.month) }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.utf8.count == 6, trimmed.utf8.allSatisfy({ (48...57).contains($0) }),
            let year = Int(trimmed.prefix(4)), let month = Int(trimmed.suffix(2))
        {
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
            throw Problem(column: column, reason: "无法识别的值 \(text)，应为\(expected)")
        }
        return value
    }
}
