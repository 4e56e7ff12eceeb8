/// The rows of a decoded CSV text (RFC 4180 as Excel and WPS write it), read over its
/// UTF-8 bytes: a city's monthly export is a hundred thousand rows, and reading them
/// scalar by scalar into growing strings cost a third of an import.
///
/// - Cells are separated by `,`; a row ends at LF, CR LF or a lone CR.
/// - A cell that starts with `"` is quoted: it may hold commas and line breaks, `""` is one
///   quote. Text after its closing quote, before the next comma, is kept as it stands
///   (as Excel reads `"甲"工程`).
/// - A blank line is a row of one empty cell; the line end after the last row makes no row.
/// - `trim`: white space before an opening quote and after a closing one is dropped, and
///   at either end of an unquoted cell.
struct CSVRows {
    /// The rows, the header first; or the line where a quoted cell opens and never closes.
    static func read(_ text: String, trim: Bool) -> Result<[[String]], UnclosedQuote> {
        var text = text
        return text.withUTF8 { bytes in
            var reader = CSVRows(bytes: bytes, trim: trim)
            return reader.rows()
        }
    }

    /// A quoted cell opened on `line` (counted from 1) runs to the end of the file.
    struct UnclosedQuote: Error {
        var line: Int
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let trim: Bool
    private var position = 0
    private var line = 1

    private init(bytes: UnsafeBufferPointer<UInt8>, trim: Bool) {
        self.bytes = bytes
        self.trim = trim
    }

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    private mutating func rows() -> Result<[[String]], UnclosedQuote> {
        var rows: [[String]] = []
        var width = 0
        while position < bytes.count {
            var row: [String] = []
            row.reserveCapacity(width)
            while true {
                guard let (cell, rowEnds) = nextCell() else { return .failure(UnclosedQuote(line: line)) }
                row.append(cell)
                if rowEnds { break }
            }
            width = row.count
            rows.append(row)
        }
        return .success(rows)
    }

    /// The cell at `position`, and whether the row ends after it; nil when a quoted cell
    /// never closes (`line` is then where it opened).
    private mutating func nextCell() -> (String, Bool)? {
        if trim { position = Self.skipSpace(bytes, from: position) }
        guard position < bytes.count, bytes[position] == Self.quote else { return unquotedCell(prefix: nil) }
        let opened = line
        var cell: [UInt8] = []
        var segment = position + 1
        var index = segment
        while index < bytes.count {
            switch bytes[index] {
            case Self.quote where index + 1 < bytes.count && bytes[index + 1] == Self.quote:
                // An escaped quote: keep one.
                cell.append(contentsOf: bytes[segment...index])
                index += 2
                segment = index
            case Self.quote:
                cell.append(contentsOf: bytes[segment..<index])
                position = index + 1
                if trim { position = Self.skipSpace(bytes, from: position) }
                if position < bytes.count, bytes[position] != Self.comma, !Self.isLineEnd(bytes[position]) {
                    return unquotedCell(prefix: cell)
                }
                return (String(decoding: cell, as: UTF8.self), endCell())
            case Self.lineFeed:
                line += 1
                index += 1
            case Self.carriageReturn:
                if index + 1 >= bytes.count || bytes[index + 1] != Self.lineFeed { line += 1 }
                index += 1
            default:
                index += 1
            }
        }
        line = opened
        return nil
    }

    /// An unquoted cell from `position` to the next comma or line end, after `prefix` (a
    /// quoted part already read).
    private mutating func unquotedCell(prefix: [UInt8]?) -> (String, Bool) {
        let start = position
        while position < bytes.count, bytes[position] != Self.comma, !Self.isLineEnd(bytes[position]) {
            position += 1
        }
        var cell: String
        if var prefix {
            prefix.append(contentsOf: bytes[start..<position])
            cell = String(decoding: prefix, as: UTF8.self)
        } else {
            cell = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        }
        if trim { cell = CSVTable.trimmed(cell) }
        return (cell, endCell())
    }

    /// Steps over the comma or line end at `position`; whether the row ended.
    private mutating func endCell() -> Bool {
        guard position < bytes.count else { return true }
        switch bytes[position] {
        case Self.comma:
            position += 1
            return false
        case Self.carriageReturn:
            position += 1
            if position < bytes.count, bytes[position] == Self.lineFeed { position += 1 }
        default:
            position += 1
        }
        line += 1
        return true
    }

    private static func isLineEnd(_ byte: UInt8) -> Bool { byte == lineFeed || byte == carriageReturn }

    /// `from` past the white space there: a space, a tab, a no-break space, an ideographic
    /// space and the other spaces of Unicode's Zs class.
    private static func skipSpace(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            let length = spaceLength(bytes, at: index)
            if length == 0 { break }
            index += length
        }
        return index
    }

    /// The length in bytes of the white space (not a line end) starting at `index`, or 0.
    static func spaceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        func byte(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
        switch bytes[index] {
        case 0x20, 0x09: return 1
        case 0xC2: return byte(1) == 0xA0 ? 2 : 0  // U+00A0
        case 0xE1: return byte(1) == 0x9A && byte(2) == 0x80 ? 3 : 0  // U+1680
        case 0xE2:
            switch (byte(1), byte(2)) {
            case (0x80, .some(0x80...0x8A)), (0x80, 0xAF), (0x81, 0x9F): return 3  // U+2000-200A, U+202F, U+205F
            default: return 0
            }
        case 0xE3: return byte(1) == 0x80 && byte(2) == 0x80 ? 3 : 0  // U+3000
        default: return 0
        }
    }

    /// Whether a quote stands beside white space other than a line end anywhere in `text`.
    static func hasSpaceBesideQuote(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                defer { index += 1 }
                guard bytes[index] == quote else { continue }
                if index + 1 < bytes.count, spaceLength(bytes, at: index + 1) > 0 { return true }
                // The space before ends at the quote: one, two or three bytes long.
                for length in 1...3 where index >= length && spaceLength(bytes, at: index - length) == length {
                    return true
                }
            }
            return false
        }
    }
}
