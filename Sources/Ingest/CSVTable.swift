import Foundation
import Model

/// A CSV export read into header and rows, with columns found by English or Chinese name.
public struct CSVTable: Sendable {
    /// A column the importer knows, by its English name and its Chinese header.
    public struct Column: Sendable, Hashable {
        public var english: String
        public var chinese: String
        public var isRequired: Bool

        public init(_ english: String, _ chinese: String, required: Bool = false) {
            self.english = english
            self.chinese = chinese
            self.isRequired = required
        }
    }

    public var file: String
    public var header: [String]
    /// Data rows; `rows[i]` is spreadsheet row `i + 2` (the header is row 1).
    public var rows: [[String]]
    private var positions: [String: Int]
    /// Whether the file holds a full-width form or an ideographic space anywhere: most
    /// files hold none, and their cells need no folding.
    private var mayHoldFullWidth = true

    /// Decodes `data` (UTF-8 with or without BOM, or GB18030), parses it and finds `columns`.
    /// Throws when a required column is absent; extra columns are ignored.
    public init(data: Data, file: String, columns: [Column]) throws(IngestError) {
        // A workbook where a CSV was meant: say so, rather than call it an encoding problem.
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw .malformedDocument(
                source: file, line: nil,
                reason: "这是 Excel 工作簿（.xlsx/.xls），不是 CSV 文件：请用 Excel 或 WPS 打开，另存为 CSV UTF-8 格式后再导入")
        }
        var text = try TextDecoding.decode(data, source: file)
        // Control characters (NUL ...) would cut a cell short or join two ids into one:
        // they are marked, and the row is rejected naming the column.
        // The mark is a private-use character the file does not hold (GBK's user-defined
        // characters decode to U+E000 and after): a cell that really holds one is read as it is.
        let marked = Self.hasControl(text)
        var mark: Unicode.Scalar = "\u{F0000}"
        if marked {
            let present = Set(text.unicodeScalars.lazy.filter { $0.value >= 0xF0000 }.map(\.value))
            mark = (0xF0000...0xFFFFD).lazy.compactMap(Unicode.Scalar.init).first { !present.contains($0.value) } ?? mark
            text = String(String.UnicodeScalarView(text.unicodeScalars.map { Self.isControl($0) ? mark : $0 }))
        }
        // Spaces around a quoted cell (` "12,500" `) are read by trimming every cell: done
        // for the files that need it, as the spreadsheet would read them.
        var rows: [[String]]
        switch CSVRows.read(text, trim: CSVRows.hasSpaceBesideQuote(text)) {
        case .success(let read): rows = read
        case .failure(let unclosed):
            throw .malformedDocument(
                source: file, line: unclosed.line,
                reason:
                    "第 \(unclosed.line) 行的引号（\"）没有配对，其后的内容会被读成同一个单元格：请补上或删去该引号"
            )
        }
        guard !rows.isEmpty else { throw .malformedDocument(source: file, line: 1, reason: "缺少表头行") }
        let header = rows.removeFirst().map(Self.normalizedHeader)
        var positions: [String: Int] = [:]
        for column in columns {
            let matches = header.indices.filter { header[$0].lowercased() == column.english || header[$0] == column.chinese }
            // Two columns for one field: which one the office meant cannot be guessed.
            if matches.count > 1 {
                throw .malformedDocument(
                    source: file, line: 1,
                    reason: "第 \(matches.map { String($0 + 1) }.joined(separator: "、")) 列"
                        + "\(matches.count == 2 ? "同为" : "均为")\(column.chinese)（\(column.english)），请只保留一列")
            }
            if let index = matches.first {
                positions[column.english] = index
            } else if column.isRequired {
                throw .missingColumn(file: file, column: "\(column.chinese)（\(column.english)）")
            }
        }
        self.file = file
        self.header = header
        self.rows = rows
        self.positions = positions
        mayHoldFullWidth = Self.holdsFullWidth(text)
        if marked {
            for (index, row) in rows.enumerated() {
                if let column = row.firstIndex(where: { $0.unicodeScalars.contains(mark) }) {
                    controlCharacterColumns[index] = column < header.count ? header[column] : "第 \(column + 1) 列"
                }
            }
        }
    }

    /// Rows (by index into `rows`) with a control character, and the first column holding one.
    private var controlCharacterColumns: [Int: String] = [:]

    /// Throws the row's rejection when one of its cells holds a control character (NUL,
    /// a form feed ...): no importer reads such a cell.
    /// Refuses a row with a control character in a cell, or with values past the header's
    /// last column (a comma inside an unquoted value shifts every cell after it).
    func checkRow(_ index: Int) throws(CellParsing.Problem) {
        if let column = controlCharacterColumns[index] {
            throw CellParsing.Problem(column: column, reason: "含有控制字符（如 NUL），单元格中不得含有控制字符")
        }
        let row = rows[index]
        if row.count > header.count, let extra = row[header.count...].firstIndex(where: { !Self.trimmed($0).isEmpty }) {
            throw CellParsing.Problem(
                column: "\(extra + 1)",
                reason: "在表头的 \(header.count) 列之外还有内容：含逗号的值须用英文双引号括起（如 \"12,500\"）")
        }
    }

    /// Whether `text` holds a control character (`isControl`), read over its bytes: C1
    /// controls are U+0080-U+009F, two bytes from 0xC2 0x80.
    private static func hasControl(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var previous: UInt8 = 0
            for byte in bytes {
                if (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F
                    || (previous == 0xC2 && (0x80...0x9F).contains(byte))
                {
                    return true
                }
                previous = byte
            }
            return false
        }
    }

    /// C0 controls but tab and line ends, DEL, and C1 controls (0x80-0x9F: bytes of another
    /// charset read as Latin-1, never text of an office's file).
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r") || (0x7F...0x9F).contains(scalar.value)
    }

    private static func normalizedHeader(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{FEFF}")))
    }

    /// The header text of a known column as the file writes it, for messages.
    public func headerName(of english: String) -> String {
        positions[english].map { header[$0] } ?? english
    }

    /// The trimmed cell of `row` in the column `english`; nil when blank or absent.
    public func value(_ english: String, in row: [String]) -> String? {
        guard let index = positions[english], index < row.count else { return nil }
        let cell = Self.trimmed(mayHoldFullWidth ? Self.foldingFullWidth(row[index]) : row[index])
        return cell.isEmpty ? nil : cell
    }

    /// `text` without the white space (spaces, tabs, line breaks, ideographic spaces) at
    /// either end; the text itself when it has none, as nearly every cell.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return text }
        guard isSpace(first) || isSpace(last) else { return text }
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, isSpace(scalars[start]) { start = scalars.index(after: start) }
        while end > start, isSpace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }

    /// Unicode's white space, looked up only for the few scalars that may be: none is
    /// printable ASCII or past U+3000 (Chinese text, as nearly every cell ends).
    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x21...0x7E, 0x3001...: false
        default: scalar.properties.isWhitespace
        }
    }

    /// Whether `text` holds U+FF01-FF5E (UTF-8 0xEF 0xBC or 0xEF 0xBD, then a byte) or U+3000
    /// (0xE3 0x80 0x80), read over its bytes.
    private static func holdsFullWidth(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count >= 3 else { return false }
            for index in 0..<(bytes.count - 2) {
                switch (bytes[index], bytes[index + 1], bytes[index + 2]) {
                case (0xEF, 0xBC, _), (0xEF, 0xBD, _), (0xE3, 0x80, 0x80): return true
                default: continue
                }
            }
            return false
        }
    }

    /// Excel users type full-width digits and letters (１２，５００); read them as ASCII.
    static func foldingFullWidth(_ text: String) -> String {
        // Their UTF-8 begins with 0xEF (U+FF01-FF5E) or 0xE3 (U+3000); Chinese mostly with 0xE4-0xE9.
        guard text.utf8.contains(where: { $0 == 0xEF || $0 == 0xE3 }),
            text.unicodeScalars.contains(where: { (0xFF01...0xFF5E).contains($0.value) || $0.value == 0x3000 })
        else {
            return text
        }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFF01...0xFF5E: scalars.append(Unicode.Scalar(UInt8(scalar.value - 0xFEE0)))
            case 0x3000: scalars.append(" ")
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
