import Foundation

/// A calendar day in the city's local time (Asia/Shanghai), written `YYYY-MM-DD`.
///
/// Registers, report periods and look-back windows count in whole local days,
/// so they use `Day` rather than `Date`.
public struct Day: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// Creates a day; returns nil when the triple is not a real calendar date.
    public init?(year: Int, month: Int, day: Int) {
        // The years a Period takes, so that every day has its month.
        guard (1900...2999).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A day of a month known to be valid, in any year: for arithmetic on periods and
    /// days already checked (the first day of the month after 2999-12).
    init(civilYear year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The number of days of `month` in `year` (Gregorian).
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (negative before): day arithmetic without a calendar.
    public var ordinal: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day `ordinal` days after 1970-01-01.
    public init(ordinal: Int) {
        let z = ordinal + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * shifted + 2) / 5 + 1
        month = shifted < 10 ? shifted + 3 : shifted - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// ISO weekday: 1 Monday ... 7 Sunday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday.
        ((ordinal % 7 + 7) % 7 + 3) % 7 + 1
    }

    /// Parses `YYYY-MM-DD`; returns nil for anything else.
    public init?(_ text: String) {
        var text = text
        guard let day = text.withUTF8(Day.init(utf8:)) else { return nil }
        self = day
    }

    /// Parses `YYYY-MM-DD` from its UTF-8 bytes (the store holds millions of these).
    public init?(utf8 text: UnsafeBufferPointer<UInt8>) {
        var fields = (0, 0, 0)
        var digits = (0, 0, 0)
        var field = 0
        for byte in text {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let value = Int(byte - UInt8(ascii: "0"))
                switch field {
                case 0:
                    fields.0 = fields.0 * 10 + value
                    digits.0 += 1
                case 1:
                    fields.1 = fields.1 * 10 + value
                    digits.1 += 1
                default:
                    fields.2 = fields.2 * 10 + value
                    digits.2 += 1
                }
                // No field is longer than four digits: stop before a long run can overflow.
                guard digits.0 <= 4, digits.1 <= 2, digits.2 <= 2 else { return nil }
            case UInt8(ascii: "-") where field < 2: field += 1
            default: return nil
            }
        }
        guard field == 2, digits.0 == 4, (1...2).contains(digits.1), (1...2).contains(digits.2) else { return nil }
        self.init(year: fields.0, month: fields.1, day: fields.2)
    }

    /// The local day that contains `date`.
    public init(containing date: Date) {
        // Since 1992 China keeps UTC+8 all year: plain arithmetic, no calendar (the
        // register reads the day of every signal). Before that there was summer time.
        let seconds = date.timeIntervalSince1970
        if seconds >= Self.fixedOffsetSince {
            self.init(ordinal: Int(((seconds + 8 * 3600) / 86_400).rounded(.down)))
            return
        }
        let parts = Calendar.shanghai.dateComponents([.year, .month, .day], from: date)
        // swift-format-ignore: NeverForceUnwrap
        // (the components asked for are always there; dates read are from 1970 on)
        self.init(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    /// 1992-01-01T00:00+08:00.
    private static let fixedOffsetSince: TimeInterval = 694_195_200

    /// Local midnight at the start of this day.
    public var start: Date {
        let midnight = TimeInterval(ordinal * 86_400 - 8 * 3600)
        if midnight >= Self.fixedOffsetSince { return Date(timeIntervalSince1970: midnight) }
        // swift-format-ignore: NeverForceUnwrap
        // (every Gregorian day has a date)
        return Calendar.shanghai.date(from: DateComponents(year: year, month: month, day: day))!
    }

    /// The day `count` days later (earlier when negative).
    public func adding(days count: Int) -> Day {
        Day(ordinal: ordinal + count)
    }

    // swift-format-ignore: NeverForceUnwrap
    // (the month is 1...12; the year is in Period's range for the days the app reads)
    /// The month this day falls in.
    public var period: Period { Period(year: year, month: month)! }

    /// `YYYY-MM-DD`, written digit by digit (the register writes one per flag reason).
    public var description: String {
        String(unsafeUninitializedCapacity: 10) { buffer in
            let zero = UInt8(ascii: "0")
            let dash = UInt8(ascii: "-")
            let year = Swift.max(0, Swift.min(9999, self.year))
            buffer[0] = zero + UInt8(year / 1000)
            buffer[1] = zero + UInt8(year / 100 % 10)
            buffer[2] = zero + UInt8(year / 10 % 10)
            buffer[3] = zero + UInt8(year % 10)
            buffer[4] = dash
            buffer[5] = zero + UInt8(month / 10)
            buffer[6] = zero + UInt8(month % 10)
            buffer[7] = dash
            buffer[8] = zero + UInt8(day / 10)
            buffer[9] = zero + UInt8(day % 10)
            return 10
        }
    }

    public static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = Day(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "expected a date YYYY-MM-DD, found \(text)"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Day {
    /// `2024-12-01 09:30`: a moment as the city's clocks show it (UTC+8, no daylight saving),
    /// for pages and messages.
    public static func minuteText(of date: Date) -> String {
        let seconds = Int((date.timeIntervalSince1970 + 8 * 3600).rounded(.down))
        let day = Day(ordinal: Int((Double(seconds) / 86_400).rounded(.down)))
        let minute = (seconds % 86_400 + 86_400) % 86_400 / 60
        func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(day) \(twoDigits(minute / 60)):\(twoDigits(minute % 60))"
    }
}

extension Calendar {
    /// The Gregorian calendar in the city's time zone, Asia/Shanghai.
    public static let shanghai: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        // swift-format-ignore: NeverForceUnwrap
        // (a zone of the tz database, which Foundation bundles)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        return calendar
    }()
}
