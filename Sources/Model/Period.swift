/// A reporting month, written `YYYY-MM`: the unit of the departments' ledgers.
public struct Period: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int

    /// Creates a period; returns nil when the month is not 1...12 or the year not 1900...2999.
    public init?(year: Int, month: Int) {
        guard (1...12).contains(month), (1900...2999).contains(year) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM` (also `YYYY-M`); returns nil for anything else.
    public init?(_ text: String) {
        var text = text
        guard let period = text.withUTF8(Period.init(utf8:)) else { return nil }
        self = period
    }

    /// Parses `YYYY-MM` (also `YYYY-M`) from its UTF-8 bytes.
    public init?(utf8 text: UnsafeBufferPointer<UInt8>) {
        var year = 0
        var month = 0
        var yearDigits = 0
        var monthDigits = 0
        var separated = false
        for byte in text {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if separated {
                    month = month * 10 + Int(byte - UInt8(ascii: "0"))
                    monthDigits += 1
                } else {
                    year = year * 10 + Int(byte - UInt8(ascii: "0"))
                    yearDigits += 1
                }
                guard yearDigits <= 4, monthDigits <= 2 else { return nil }
            case UInt8(ascii: "-") where !separated: separated = true
            default: return nil
            }
        }
        guard separated, yearDigits == 4, (1...2).contains(monthDigits) else { return nil }
        self.init(year: year, month: month)
    }

    /// The first day of the month.
    public var firstDay: Day { Day(civilYear: year, month: month, day: 1) }

    /// The last day of the month.
    public var lastDay: Day { next.firstDay.adding(days: -1) }

    /// The following month (past 2999-12 as well: arithmetic never fails).
    public var next: Period {
        month == 12 ? Period(unchecked: year + 1, month: 1) : Period(unchecked: year, month: month + 1)
    }

    /// The month before.
    public var previous: Period {
        month == 1 ? Period(unchecked: year - 1, month: 12) : Period(unchecked: year, month: month - 1)
    }

    /// A period made by arithmetic on a valid one: its month is 1...12 by construction.
    private init(unchecked year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    public var description: String {
        let monthText = month < 10 ? "0\(month)" : "\(month)"
        return "\(year)-\(monthText)"
    }

    public static func < (lhs: Period, rhs: Period) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let period = Period(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "expected a month YYYY-MM, found \(text)"))
        }
        self = period
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
